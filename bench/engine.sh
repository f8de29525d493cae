#!/bin/bash
# bench/engine.sh - two hoptrace binaries side by side, OLD and NEW, in one
# run: issue 26's "no performance regression" (one live engine under the
# four modes), measured against the same peers as the other benchmarks.
#
#   sudo bench/engine.sh OLD NEW      (or OLD=... NEW=... bench/engine.sh)
#
# Five measures, each on a namespace network this script builds and removes
# (tests/net/netns.sh, tests/net/netns-graph.sh; latency from bench/nfq-delay
# through bench/netns-delay.sh), every tool's runs alternating with the
# others' run by run (the order turns every round):
#
#  live    one-path traces on the 8-hop chain, 2 ms per router and with no
#          added latency: hoptrace -n (ICMP), -U and -T, OLD and NEW, against
#          traceroute -I -n, traceroute -n (UDP) and traceroute -T -n; timed
#          by bench/spawn-time inside the source namespace (posix_spawn to
#          waitpid, stdout on a terminal); every run's hops checked against
#          the topology.  BENCH_RUNS runs a tool and case [15].
#  replay  hoptrace -n -r FILE >/dev/null, OLD and NEW, against tcpdump -r
#          FILE -w /dev/null, on two captures of >= 1 million packets made by
#          bench/repeat-pcap: pcaps/mtr-icmp4-r10.pcap repeated (one identity)
#          and every classic Ethernet capture of pcaps/ joined end to end,
#          then repeated (many tools and identities).  OLD's and NEW's
#          outputs (text and -j) must be byte-identical: checked.
#          ceil(BENCH_RUNS / 3) runs [5].
#  scan    the sender's capacity: --targets=10.201.0.0/16 --rows -m 16
#          --rate=1000000 -W 0.2 routed into a veth whose far end drops
#          everything (the network taken out), beside zmap flat out (one echo
#          a target); the achieved pps from hoptrace's summary line, CPU per
#          probe.  Then at a rate the testbed forwards (BENCH_SCAN_RATE,
#          20,000 pps) to 16,384 AnyIP targets (10.200.96.0/19, 5 hops, and
#          10.200.128.0/19, 3 hops): replies matched against what tcpdump
#          saw, paths exact, beside zmap at that rate.  ceil(BENCH_RUNS / 3)
#          runs [5].
#  mda     hoptrace --mda (lite and full, UDP, 95%) on the diamonds of
#          BENCH_SHAPES [width2 width4 nested], 2 ms per router: probes sent
#          (tcpdump, and hoptrace's own count), wall time, runs that found
#          every true link.  ceil(2 x BENCH_RUNS / 3) runs [10].
#  rounds  hoptrace -n -c 10 --report -j (the report's figures in JSON, to
#          the microsecond) and with --interval=0.2, against mtr -n -r -c 10
#          --json (-i 0.2), on the 8-hop chain at 2 ms per router: hop 1's
#          Loss%, Avg, Best, Wrst and StDev, wall time, and the time from the
#          first probe until every hop had answered once (one tcpdump
#          capture of the source across the runs).  ceil(BENCH_RUNS / 2)
#          runs [8].
#
# Medians with the interquartile range; ratios NEW/OLD and NEW/peer; a
# difference is called beyond the run-to-run spread when the two
# interquartile ranges do not overlap.  Markdown on stdout (and in
# BENCH_KEEP/report.md when kept).  A benchmark, not a test: it never fails
# on a figure.  Traffic only inside the namespaces it makes; every loop is
# bounded, every tool run under timeout; cleanup on exit.
#
# Environment:
#   OLD, NEW       the two binaries (arguments win)
#   BENCH_RUNS     5..100: live runs; the others scale with it (above) [15]
#   BENCH_PARTS    the measures, of "live replay scan mda rounds" [all]
#   BENCH_SHAPES   MDA diamonds (tests/net/netns-graph.sh ht_graph_shape)
#   BENCH_SCAN_RATE  the forwarded scan's rate [20000]
#   BENCH_PACKETS  least packets of a replay capture [1000000]
#   BENCH_NICE     nice value of the timed commands, -20..19 [-10]
#   BENCH_KEEP     a directory to keep every output and record in
#   BENCH_REUSE    set (with BENCH_KEEP): measure nothing, report again on
#                  the records kept there
# Needs: ip, nft, iptables, tcpdump, traceroute, mtr, zmap, python3, cc,
# GNU time, libnetfilter-queue-dev (for nfq-delay).  About 10 minutes at
# the default runs.

set -u
export LC_ALL=C

BENCH=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
TOP=$(dirname "$BENCH")
if [ "${1-}" = -h ] || [ "${1-}" = --help ] || [ $# -gt 2 ]; then
	sed -n '2,/^$/s/^# \{0,1\}//p' "$0"
	exit 2
fi
OLD=${1:-${OLD-}}
NEW=${2:-${NEW-}}
RUNS=${BENCH_RUNS:-15}
PARTS=${BENCH_PARTS:-live replay scan mda rounds}
SHAPES=${BENCH_SHAPES:-width2 width4 nested}
SCAN_RATE=${BENCH_SCAN_RATE:-20000}
WANT=${BENCH_PACKETS:-1000000}
NICE=${BENCH_NICE:--10}
TMO=300 # seconds any one tool run may take

die() {
	echo "engine.sh: $*" >&2
	exit 2
}
for b in OLD NEW; do
	[ -n "${!b}" ] || die "give two binaries: bench/engine.sh OLD NEW (or OLD=, NEW=)"
	[ -x "${!b}" ] || die "$b=${!b} is not executable"
	printf -v "$b" '%s' "$(cd "$(dirname "${!b}")" && pwd)/$(basename "${!b}")"
done
if ! [[ $RUNS =~ ^[0-9]+$ ]] || [ "$RUNS" -lt 5 ] || [ "$RUNS" -gt 100 ]; then
	die "BENCH_RUNS must be 5..100 (got $RUNS)"
fi
if ! [[ $NICE =~ ^-?[0-9]+$ ]] || [ "$NICE" -lt -20 ] || [ "$NICE" -gt 19 ]; then
	die "BENCH_NICE must be -20..19 (got $NICE)"
fi
if ! [[ $SCAN_RATE =~ ^[0-9]+$ ]] || [ "$SCAN_RATE" -lt 1 ] || [ "$SCAN_RATE" -gt 1000000 ]; then
	die "BENCH_SCAN_RATE must be 1..1000000 (got $SCAN_RATE)"
fi
if ! [[ $WANT =~ ^[0-9]+$ ]] || [ "$WANT" -gt 50000000 ]; then
	die "BENCH_PACKETS must be 0..50000000 (got $WANT)"
fi
for p in $PARTS; do
	case $p in live | replay | scan | mda | rounds) ;; *) die "unknown part '$p'" ;; esac
done
RUNS_LIVE=$RUNS
RUNS_REPLAY=$(((RUNS + 2) / 3))
RUNS_SCAN=$(((RUNS + 2) / 3))
RUNS_MDA=$(((2 * RUNS + 2) / 3))
RUNS_ROUNDS=$(((RUNS + 1) / 2))

# shellcheck source=tests/net/netns.sh
. "$TOP/tests/net/netns.sh"
# shellcheck source=tests/net/netns-graph.sh
. "$TOP/tests/net/netns-graph.sh"
# shellcheck source=bench/netns-delay.sh
. "$BENCH/netns-delay.sh"
ht_net_need_root nft iptables ip6tables tcpdump traceroute mtr python3 timeout cc /usr/bin/time
case " $PARTS " in *" scan "*) command -v zmap >/dev/null 2>&1 ||
	die "zmap not installed (Debian: apt-get install zmap), or leave scan out of BENCH_PARTS" ;;
esac

# ---- state and cleanup ---------------------------------------------------
if [ -n "${BENCH_KEEP-}" ]; then
	WORK=$BENCH_KEEP
	mkdir -p "$WORK" || exit 1
	WORK=$(cd "$WORK" && pwd)
else
	WORK=$(mktemp -d "${TMPDIR:-/tmp}/hoptrace-engine.XXXXXX") || exit 1
fi
NAME=htbe$$
NET=""   # a chain or scan network (ht_net_*)
GRAPH="" # a diamond network (ht_graph_*)
SINK=""  # the sink namespace
TDPID="" # tcpdump
# shellcheck disable=SC2317  # the EXIT trap
cleanup() {
	if [ -n "$TDPID" ]; then
		kill -INT "$TDPID" 2>/dev/null
		wait "$TDPID" 2>/dev/null
	fi
	if [ -n "$NET" ]; then
		ht_delay_stop "$NET"
		ht_net_down "$NET"
	fi
	if [ -n "$GRAPH" ]; then
		ht_delay_stop "$GRAPH"
		ht_graph_down "$GRAPH"
	fi
	[ -n "$SINK" ] && ip netns del "$SINK" 2>/dev/null
	[ -z "${BENCH_KEEP-}" ] && rm -rf "$WORK"
}
trap cleanup EXIT
trap 'exit 143' TERM
trap 'exit 130' INT

mkdir -p "$WORK/tools"
SPAWN=$WORK/tools/spawn-time
cc -O2 -Wall -o "$SPAWN" "$BENCH/spawn-time.c" || die "cannot compile bench/spawn-time.c"
HT_BENCH_BUILD=$WORK/tools ht_delay_build >/dev/null || exit 1
REC=$WORK/records
: >"$REC"

say() { echo "engine.sh: $(date -u +%H:%M:%S) $*" >&2; }

# rec MEASURE CASE TOOL RUN KEY=VALUE...: one record
rec() {
	local IFS=' '
	printf '%s\t%s\t%s\t%s\t%s\n' "$1" "$2" "$3" "$4" "${*:5}" >>"$REC"
}

# timed NS OUT ERR CMD...: run CMD in namespace NS (or on the host when NS
# is "-") under bench/spawn-time at nice NICE, bounded by TMO; sets ST (exit
# status), MS (start to exit, ms), LAST (start to the last output, ms), and
# W0/W1 (realtime before and after, seconds, for capture windows)
timed() {
	local ns=$1 out=$2 err=$3 line s a b l
	shift 3
	W0=$EPOCHREALTIME
	if [ "$ns" = - ]; then
		line=$(timeout -s TERM "$TMO" nice -n "$NICE" "$SPAWN" "$out" "$err" "$@")
	else
		line=$(timeout -s TERM "$TMO" ip netns exec "$ns" nice -n "$NICE" "$SPAWN" "$out" "$err" "$@")
	fi
	W1=$EPOCHREALTIME
	read -r s a b l <<<"${line:-127 0 0 0}"
	ST=$s
	MS=$(awk -v a="$a" -v b="$b" 'BEGIN { printf "%.3f", (b - a) * 1000 }')
	LAST=$(awk -v a="$a" -v b="$l" 'BEGIN { printf "%.3f", (b - a) * 1000 }')
}

# capture_start NS IF FILE FILTER / capture_stop FILE: one tcpdump in a
# namespace; its kernel drops go into FILE.drops
capture_start() {
	local i
	ip netns exec "$1" tcpdump -i "$2" -n -s 128 -B 32768 -U --immediate-mode \
		-w "$3" "$4" 2>"$3.err" &
	TDPID=$!
	for ((i = 0; i < 50; i++)); do
		grep -q 'listening on' "$3.err" 2>/dev/null && break
		sleep 0.1
	done
}
capture_stop() {
	sleep 0.5
	kill -INT "$TDPID" 2>/dev/null
	wait "$TDPID" 2>/dev/null
	TDPID=""
	sed -n 's/^\([0-9]*\) packets\{0,1\} dropped by kernel$/\1/p' "$1.err" >"$1.drops"
}

# the hops of a traceroute-style output: "1:addr 2:addr ..." (several
# addresses at one hop joined with "/", "*" for a hop without one)
hops_of() {
	awk '
	function isaddr(s) { return s ~ /^\(?[0-9]+\.[0-9]+\.[0-9]+\.[0-9]+\)?$/ }
	$1 ~ /^[0-9]+$/ {
		h = $1 + 0; if (h > last) last = h; printed[h] = 1
		for (i = 2; i <= NF; i++) if (isaddr($i)) { s = $i; gsub(/[()]/, "", s)
			if (!((h, s) in seen)) { seen[h, s] = 1; a[h] = (a[h] == "" ? s : a[h] "/" s) } }
	}
	END { for (h = 1; h <= last; h++) printf "%s%d:%s", (h > 1 ? " " : ""), h, (a[h] != "" ? a[h] : "*"); print "" }' "$1"
}

# ---- the 8-hop chain: live and rounds --------------------------------------
LIVE_TOOLS=(old-I new-I tr-I old-U new-U tr-U old-T new-T tr-T)
live_cmd() { # TOOL TARGET: the command words into CMD
	local t=$1 a=$2
	case $t in
	old-I) CMD=("$OLD" -n "$a") ;;
	new-I) CMD=("$NEW" -n "$a") ;;
	old-U) CMD=("$OLD" -n -U "$a") ;;
	new-U) CMD=("$NEW" -n -U "$a") ;;
	old-T) CMD=("$OLD" -n -T "$a") ;;
	new-T) CMD=("$NEW" -n -T "$a") ;;
	tr-I) CMD=(traceroute -I -n "$a") ;;
	tr-U) CMD=(traceroute -n "$a") ;;
	tr-T) CMD=(traceroute -T -n "$a") ;;
	esac
}

live_case() { # CASE: runs on $NET, delay already set
	local case=$1 dir=$WORK/live/$1 exp k r j t T=${#LIVE_TOOLS[@]}
	mkdir -p "$dir"
	exp=""
	for ((k = 1; k <= 8; k++)); do exp+="$k:$(ht_hop_addr4 "$k") "; done
	exp=${exp% }
	say "live $case: $RUNS_LIVE rounds of ${LIVE_TOOLS[*]} (one warm-up round)"
	for ((r = 0; r <= RUNS_LIVE; r++)); do
		for ((j = 0; j < T; j++)); do
			t=${LIVE_TOOLS[$(((j + r) % T))]}
			live_cmd "$t" "$HT_TARGET4"
			timed "${NET}s" "$dir/$t.$r.out" "$dir/$t.$r.err" "${CMD[@]}"
			[ "$r" = 0 ] && continue # the warm-up round
			ok=0
			[ "$(hops_of "$dir/$t.$r.out")" = "$exp" ] && ok=1
			rec live "$case" "$t" "$r" "st=$ST ms=$MS last=$LAST hops=$ok"
		done
	done
}

# first-row and per-window counts from a capture: see engine_py below
rounds_part() { # on $NET, 2 ms per router
	local dir=$WORK/rounds r j t ivl T
	local -a tools=(old new mtr)
	T=${#tools[@]}
	mkdir -p "$dir"
	: >"$dir/windows"
	capture_start "${NET}s" eR "$dir/cap.pcap" icmp
	for ivl in 1 0.2; do
		say "rounds: -c 10 at ${ivl} s, $RUNS_ROUNDS rounds of ${tools[*]}"
		for ((r = 1; r <= RUNS_ROUNDS; r++)); do
			for ((j = 0; j < T; j++)); do
				t=${tools[$(((j + r) % T))]}
				case $t in
				old) CMD=("$OLD" -n -c 10 --interval="$ivl" --report -j "$HT_TARGET4") ;;
				new) CMD=("$NEW" -n -c 10 --interval="$ivl" --report -j "$HT_TARGET4") ;;
				mtr) CMD=(mtr -n -r -c 10 -i "$ivl" --json "$HT_TARGET4") ;;
				esac
				timed "${NET}s" "$dir/$t.$ivl.$r.json" "$dir/$t.$ivl.$r.err" "${CMD[@]}"
				printf '%s %s %s %s %s %s %s\n' "$ivl" "$t" "$r" "$W0" "$W1" "$ST" "$MS" >>"$dir/windows"
				sleep 0.05 # two runs' windows never touch
			done
		done
	done
	capture_stop "$dir/cap.pcap"
}

chain_parts() {
	NET=${NAME}c
	say "chain: 8 hops ($NET)"
	ht_net_up "$NET" --hops 8 >/dev/null || die "the chain failed"
	if [[ " $PARTS " == *" live "* ]]; then
		live_case nolat
	fi
	ht_delay_start "$NET" 2 || die "nfq-delay on the chain failed"
	if [[ " $PARTS " == *" live "* ]]; then
		live_case delay2
	fi
	if [[ " $PARTS " == *" rounds "* ]]; then
		rounds_part
	fi
	ht_delay_stop "$NET"
	ht_net_down "$NET"
	NET=""
}

# ---- replay ----------------------------------------------------------------
replay_part() {
	local dir=$WORK/replay case f n r j t span cnt T b rss
	local -a tools=(old new tcpdump)
	T=${#tools[@]}
	mkdir -p "$dir"
	local RP=$TOP/bench/repeat-pcap
	if [ ! -x "$RP" ]; then
		RP=$WORK/tools/repeat-pcap
		cc -O2 -Wall -o "$RP" "$BENCH/repeat-pcap.c" || die "cannot compile bench/repeat-pcap.c"
	fi
	# the mix: every whole classic Ethernet capture of pcaps/, end to end,
	# each 60 s after the last (nanosecond pcap); prints "packets span_s files"
	python3 - "$dir/mix-unit.pcap" "$TOP"/pcaps/*.pcap >"$dir/mix-unit.info" <<'PY' || die "cannot build the mix"
import struct, sys
out, files = sys.argv[1], sys.argv[2:]
recs, t_next, used = [], 0, 0
for f in files:
    d = open(f, 'rb').read()
    if len(d) < 24:
        continue
    m = d[:4]
    if m in (b'\xd4\xc3\xb2\xa1', b'\x4d\x3c\xb2\xa1'):
        e = '<'
    elif m in (b'\xa1\xb2\xc3\xd4', b'\xa1\xb2\x3c\x4d'):
        e = '>'
    else:
        continue
    nano = m in (b'\x4d\x3c\xb2\xa1', b'\xa1\xb2\x3c\x4d')
    if struct.unpack(e + 'I', d[20:24])[0] & 0xffff != 1:  # Ethernet only
        continue
    off, pk, whole = 24, [], True
    while off < len(d):
        if off + 16 > len(d):
            whole = False
            break
        s, u, cl, ol = struct.unpack(e + 'IIII', d[off:off + 16])
        if off + 16 + cl > len(d):
            whole = False
            break
        pk.append((s * 10**9 + u * (1 if nano else 1000), ol, d[off + 16:off + 16 + cl]))
        off += 16 + cl
    if not whole or not pk:
        continue
    t0 = pk[0][0]
    for t, ol, b in pk:
        recs.append((t_next + (t - t0), ol, b))
    t_next = max(r[0] for r in recs) + 60 * 10**9
    used += 1
base = 1700000000 * 10**9
with open(out, 'wb') as o:
    o.write(struct.pack('<IHHiIII', 0xa1b23c4d, 2, 4, 0, 0, 262144, 1))
    for t, ol, b in recs:
        t += base
        o.write(struct.pack('<IIII', t // 10**9, t % 10**9, len(b), ol) + b)
print(len(recs), (max(r[0] for r in recs) - recs[0][0]) // 10**9 + 1, used)
PY
	read -r n span cnt <"$dir/mix-unit.info"
	echo "$cnt $n" >"$dir/mix.files"
	"$RP" "$dir/mix-unit.pcap" $(((WANT + n - 1) / n)) $((span + 60)) "$dir/mix.pcap" || die "repeat-pcap failed"
	echo $(((WANT + n - 1) / n)) >"$dir/mix.copies"
	echo $((n * ((WANT + n - 1) / n))) >"$dir/mix.packets"
	n=$(tcpdump -r "$TOP/pcaps/mtr-icmp4-r10.pcap" -n 2>/dev/null | wc -l)
	"$RP" "$TOP/pcaps/mtr-icmp4-r10.pcap" $(((WANT + n - 1) / n)) 60 "$dir/one.pcap" || die "repeat-pcap failed"
	echo $(((WANT + n - 1) / n)) >"$dir/one.copies"
	echo $((n * ((WANT + n - 1) / n))) >"$dir/one.packets"
	for case in one mix; do
		f=$dir/$case.pcap
		cat "$f" >/dev/null # the page cache warm
		# outputs: text and JSON, OLD and NEW, byte for byte
		for b in old new; do
			[ "$b" = old ] && t=$OLD || t=$NEW
			timeout "$TMO" "$t" -n -r "$f" >"$dir/$case.$b.txt" 2>"$dir/$case.$b.txt.err"
			timeout "$TMO" "$t" -n -j -r "$f" >"$dir/$case.$b.json" 2>"$dir/$case.$b.json.err"
			rss=$(timeout "$TMO" /usr/bin/time -f %M "$t" -n -r "$f" 2>&1 >/dev/null | tail -1)
			rec replay "$case" "$b" 0 "rss_kib=$rss traces=$(grep -c '^hoptrace from' "$dir/$case.$b.txt")"
		done
		same=1
		for x in txt txt.err json json.err; do
			cmp -s "$dir/$case.old.$x" "$dir/$case.new.$x" || same=0
		done
		rec replay "$case" check 0 "identical=$same packets=$(<"$dir/$case.packets")"
		say "replay $case: $RUNS_REPLAY rounds of ${tools[*]}; outputs identical: $same"
		for ((r = 1; r <= RUNS_REPLAY; r++)); do
			for ((j = 0; j < T; j++)); do
				t=${tools[$(((j + r) % T))]}
				local t0 t1
				case $t in
				old) t0=$EPOCHREALTIME; timeout "$TMO" "$OLD" -n -r "$f" >/dev/null 2>&1; t1=$EPOCHREALTIME ;;
				new) t0=$EPOCHREALTIME; timeout "$TMO" "$NEW" -n -r "$f" >/dev/null 2>&1; t1=$EPOCHREALTIME ;;
				tcpdump) t0=$EPOCHREALTIME; timeout "$TMO" tcpdump -r "$f" -w /dev/null >/dev/null 2>&1; t1=$EPOCHREALTIME ;;
				esac
				rec replay "$case" "$t" "$r" "ms=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.3f", (b - a) * 1000 }')"
			done
		done
		[ -n "${BENCH_KEEP-}" ] || rm -f "$f" "$dir/$case".*.json "$dir/$case".*.txt
	done
}

# ---- scan ------------------------------------------------------------------
# scan_run NS BASE CMD...: CMD in namespace NS at nice NICE under GNU time,
# stdout into BASE.out (rows: a file, as a scan's user keeps them), stderr
# into BASE.err, "elapsed user system maxrss" into BASE.time; sets ST, MS
# and the realtime window W0/W1
scan_run() {
	local ns=$1 base=$2
	shift 2
	W0=$EPOCHREALTIME
	timeout -s TERM "$TMO" ip netns exec "$ns" nice -n "$NICE" /usr/bin/time -o "$base.time" \
		-f '%e %U %S %M' "$@" >"$base.out" 2>"$base.err"
	ST=$?
	W1=$EPOCHREALTIME
	MS=$(awk -v a="$W0" -v b="$W1" 'BEGIN { printf "%.3f", (b - a) * 1000 }')
}

scan_part() {
	local dir=$WORK/scan r j t T S K kmac dev via src mac
	local -a tools=(old new zmap)
	T=${#tools[@]}
	mkdir -p "$dir"
	NET=${NAME}n
	say "scan: 5 hops, AnyIP prefix, and a sink ($NET)"
	ht_net_up "$NET" --hops 5 --prefix --prefix-short 3 >/dev/null || die "the scan network failed"
	S=${NET}s
	K=${NET}k
	SINK=$K
	{ ip netns add "$K" && ip -n "$S" link add x0 type veth peer name x1 netns "$K" &&
		ip -n "$S" addr add 10.202.0.1/30 dev x0 && ip -n "$S" link set x0 up &&
		ip -n "$K" link set x1 up && ip netns exec "$K" sysctl -qw net.ipv4.ip_forward=0; } ||
		die "the sink failed"
	kmac=$(ip -n "$K" link show x1 | awk '/ether/ { print $2 }')
	ip -n "$S" neigh add 10.202.0.2 lladdr "$kmac" dev x0 nud permanent
	ip -n "$S" route add 10.201.0.0/16 via 10.202.0.2 dev x0
	read -r dev via src < <(ip -n "$S" -4 route get 10.200.0.1 |
		awk '{ for (i = 1; i < NF; i++) { if ($i == "dev") d = $(i + 1);
		    if ($i == "via") v = $(i + 1); if ($i == "src") s = $(i + 1) } }
		    END { print d, v, s }')
	mac=$(ip -n "$S" neigh show "$via" | awk '{ for (i = 1; i < NF; i++) if ($i == "lladdr") print $(i + 1) }')
	: >"$dir/blacklist"
	echo 10.201.0.0/16 >"$dir/sink.targets"
	printf '10.200.96.0/19\n10.200.128.0/19\n' >"$dir/fwd.targets"

	# the sender's capacity, into the sink
	say "scan sink: $RUNS_SCAN rounds of ${tools[*]} flat out"
	for ((r = 1; r <= RUNS_SCAN; r++)); do
		for ((j = 0; j < T; j++)); do
			t=${tools[$(((j + r) % T))]}
			case $t in
			old) CMD=("$OLD" -n --targets="$dir/sink.targets" --rows -m 16 --rate=1000000 -W 0.2) ;;
			new) CMD=("$NEW" -n --targets="$dir/sink.targets" --rows -m 16 --rate=1000000 -W 0.2) ;;
			zmap) CMD=(zmap -M icmp_echoscan -i x0 -G "$kmac" -S 10.202.0.1 -b "$dir/blacklist"
				-r 10000000 -c 1 -o /dev/null 10.201.0.0/16) ;;
			esac
			scan_run "$S" "$dir/sink.$t.$r" "${CMD[@]}"
			rec scan sink "$t" "$r" "st=$ST ms=$MS file=$dir/sink.$t.$r"
			rm -f "$dir/sink.$t.$r.out"
		done
	done

	# at a rate the testbed forwards, with tcpdump counting the replies
	say "scan forwarded: $RUNS_SCAN rounds of ${tools[*]} at $SCAN_RATE pps"
	: >"$dir/windows"
	capture_start "$S" "$dev" "$dir/fwd.pcap" \
		"icmp and dst host $src and (icmp[0] == 0 or icmp[0] == 11 or icmp[0] == 3)"
	for ((r = 1; r <= RUNS_SCAN; r++)); do
		for ((j = 0; j < T; j++)); do
			t=${tools[$(((j + r) % T))]}
			case $t in
			old) CMD=("$OLD" -n --targets="$dir/fwd.targets" --rows -m 16 --rate="$SCAN_RATE") ;;
			new) CMD=("$NEW" -n --targets="$dir/fwd.targets" --rows -m 16 --rate="$SCAN_RATE") ;;
			zmap) CMD=(zmap -M icmp_echoscan -i "$dev" -G "$mac" -S "$src" -b "$dir/blacklist"
				-r "$SCAN_RATE" -c 1 10.200.96.0/19 10.200.128.0/19) ;;
			esac
			scan_run "$S" "$dir/fwd.$t.$r" "${CMD[@]}"
			printf 'fwd %s %s %s %s\n' "$t" "$r" "$W0" "$W1" >>"$dir/windows"
			rec scan fwd "$t" "$r" "st=$ST ms=$MS file=$dir/fwd.$t.$r"
			sleep 0.3 # two runs' windows never touch
		done
	done
	capture_stop "$dir/fwd.pcap"
	ip netns del "$K" 2>/dev/null
	SINK=""
	ht_net_down "$NET"
	NET=""
}

# ---- MDA -------------------------------------------------------------------
mda_part() {
	local dir=$WORK/mda shape r j t T i
	local -a tools=(old-lite new-lite old-full new-full)
	T=${#tools[@]}
	mkdir -p "$dir"
	for shape in $SHAPES; do
		GRAPH=${NAME}g0
		ht_graph_up "$GRAPH" "$(ht_graph_shape "$shape")" >/dev/null || die "diamond $shape failed"
		# shellcheck disable=SC2086 # one name a word
		HT_DELAY_NODES=$(printf '%s\n' $HT_GRAPH_NODES | grep -vx s | tr '\n' ' ') \
			ht_delay_start "$GRAPH" 2 || die "delay on $shape failed"
		ht_graph_truth 4 | sed -n 's/^L //p' >"$dir/$shape.truth"
		: >"$dir/$shape.windows"
		capture_start "${GRAPH}s" e0 "$dir/$shape.pcap" "udp and src host $HT_SOURCE4"
		say "mda $shape: $RUNS_MDA rounds of ${tools[*]}"
		for ((r = 1; r <= RUNS_MDA; r++)); do
			for ((j = 0; j < T; j++)); do
				t=${tools[$(((j + r) % T))]}
				case $t in
				old-*) b=$OLD ;;
				new-*) b=$NEW ;;
				esac
				timed "${GRAPH}s" "$dir/$shape.$t.$r.out" "$dir/$shape.$t.$r.err" \
					"$b" -n --mda="${t#*-}" "$HT_TARGET4"
				awk '/^    [^ ]/ { from = $1; next } /^      -> / { print from, $2 }' \
					"$dir/$shape.$t.$r.out" | sort -u >"$dir/found"
				ok=0
				[ -z "$(comm -23 "$dir/$shape.truth" "$dir/found")" ] && ok=1
				extra=$(comm -13 "$dir/$shape.truth" "$dir/found" | wc -l)
				own=$(sed -n 's/.*, probes \([0-9]*\),.*/\1/p' "$dir/$shape.$t.$r.out" | tail -1)
				printf '%s %s %s %s\n' "$t" "$r" "$W0" "$W1" >>"$dir/$shape.windows"
				rec mda "$shape" "$t" "$r" "st=$ST ms=$MS complete=$ok extra=$extra own=${own:-nan}"
				sleep 0.05
			done
		done
		capture_stop "$dir/$shape.pcap"
		ht_delay_stop "$GRAPH"
		ht_graph_down "$GRAPH"
		GRAPH=""
	done
}

# ---- main ------------------------------------------------------------------
if [ -n "${BENCH_REUSE-}" ]; then
	if [ -z "${BENCH_KEEP-}" ] || [ ! -s "$WORK/meta" ] || [ ! -s "$WORK/records.kept" ]; then
		die "BENCH_REUSE needs BENCH_KEEP holding an earlier run's records"
	fi
	cp "$WORK/records.kept" "$REC"
else
	{
		printf 'START=%q\n' "$(date -u '+%Y-%m-%d %H:%M UTC')"
		printf 'UPTIME0=%q\n' "$(uptime)"
		printf 'OLDREV=%q\n' "$(git -C "$(dirname "$OLD")" describe --always --dirty 2>/dev/null || echo '?')"
		printf 'NEWREV=%q\n' "$(git -C "$(dirname "$NEW")" describe --always --dirty 2>/dev/null || echo '?')"
	} >"$WORK/meta"
	say "OLD $OLD, NEW $NEW; runs: live $RUNS_LIVE, replay $RUNS_REPLAY, scan $RUNS_SCAN, mda $RUNS_MDA, rounds $RUNS_ROUNDS"
	if [[ " $PARTS " == *" live "* ]] || [[ " $PARTS " == *" rounds "* ]]; then
		chain_parts
	fi
	[[ " $PARTS " == *" replay "* ]] && replay_part
	[[ " $PARTS " == *" scan "* ]] && scan_part
	[[ " $PARTS " == *" mda "* ]] && mda_part
	printf 'UPTIME1=%q\nEND=%q\n' "$(uptime)" "$(date -u '+%Y-%m-%d %H:%M UTC')" >>"$WORK/meta"
	cp "$REC" "$WORK/records.kept"
fi
say "done; the report"

python3 - "$WORK" "$PARTS" "$SHAPES" "$SCAN_RATE" <<'PY' | tee "$WORK/report.md"
import json, os, re, shlex, statistics as st, struct, sys

work, parts, shapes, scan_rate = sys.argv[1], sys.argv[2].split(), sys.argv[3].split(), int(sys.argv[4])
meta = {}
for line in open(os.path.join(work, 'meta')):
    k, v = line.rstrip('\n').split('=', 1)
    meta[k] = shlex.split(v)[0] if v else ''
recs = []
for line in open(os.path.join(work, 'records')):
    m, c, t, r, kv = line.rstrip('\n').split('\t')
    d = dict(x.split('=', 1) for x in kv.split())
    recs.append((m, c, t, int(r), d))

def vals(m, c, t, k, runs_only=True):
    out = []
    for mm, cc, tt, rr, d in recs:
        if mm == m and cc == c and tt == t and (rr > 0 or not runs_only) and k in d:
            try:
                out.append(float(d[k]))
            except ValueError:
                pass
    return out

def q(v):
    """median, p25, p75"""
    if not v:
        return float('nan'), float('nan'), float('nan')
    if len(v) == 1:
        return v[0], v[0], v[0]
    a, b, c = st.quantiles(v, n=4, method='inclusive')
    return b, a, c

def fmt(x, unit='ms', d=None):
    if x != x:
        return '-'
    if d is None:
        d = 0 if abs(x) >= 100 else 1 if abs(x) >= 10 else 2
    s = '%.*f' % (d, x)
    return s + (' ' + unit if unit else '')

def cell(v, unit='ms', d=None):
    m, a, b = q(v)
    if m != m:
        return '-'
    return '%s (%s-%s)' % (fmt(m, unit, d), fmt(a, '', d), fmt(b, '', d))

def ratio(a, b):
    return '-' if a != a or b != b or b == 0 else '%.2fx' % (a / b)

def spread(v1, v2):
    """'yes' when the interquartile ranges do not overlap"""
    _, a1, b1 = q(v1)
    _, a2, b2 = q(v2)
    if a1 != a1 or a2 != a2:
        return '-'
    return 'no' if (a1 <= b2 and a2 <= b1) else '**yes**'

print('## Report of bench/engine.sh')
print()
print('Started %s, ended %s; OLD at %s, NEW at %s.' % (meta['START'], meta.get('END', '?'), meta['OLDREV'], meta['NEWREV']))
print('Load: `%s` at the start, `%s` at the end.' % (meta['UPTIME0'].strip(), meta.get('UPTIME1', '?').strip()))
print('Cells: median (25th-75th percentile). "Beyond spread": the interquartile ranges of NEW and OLD do not overlap.')

# ---- live
if 'live' in parts:
    names = {'I': ('ICMP', 'hoptrace -n', 'traceroute -I -n'), 'U': ('UDP', 'hoptrace -n -U', 'traceroute -n'),
             'T': ('TCP', 'hoptrace -n -T', 'traceroute -T -n')}
    for case, title in (('delay2', '8 hops, 2 ms per router (hop k answers in about (2k-1) x 2 ms)'),
                        ('nolat', '8 hops, no added latency (start-up and pacing)')):
        if not any(r[0] == 'live' and r[1] == case for r in recs):
            continue
        print()
        print('### Live trace, %s: time to exit' % title)
        print()
        print('| method | OLD | NEW | traceroute | NEW/OLD | NEW/traceroute | OLD/traceroute | beyond spread | hops right (OLD, NEW, traceroute) |')
        print('|---|---:|---:|---:|---:|---:|---:|:---:|---|')
        for m in 'IUT':
            o, n, p = (vals('live', case, x + '-' + m, 'ms') for x in ('old', 'new', 'tr'))
            hr = ', '.join('%d/%d' % (sum(vals('live', case, x + '-' + m, 'hops')), len(vals('live', case, x + '-' + m, 'hops')))
                           for x in ('old', 'new', 'tr'))
            print('| %s (`%s` vs `%s`) | %s | %s | %s | **%s** | %s | %s | %s | %s |' % (
                names[m][0], names[m][1], names[m][2], cell(o), cell(n), cell(p),
                ratio(q(n)[0], q(o)[0]), ratio(q(n)[0], q(p)[0]), ratio(q(o)[0], q(p)[0]), spread(o, n), hr))
        bad = [(t, r, d['st']) for mm, cc, t, r, d in recs if mm == 'live' and cc == case and d.get('st') != '0']
        if bad:
            print()
            print('Exit status other than 0: ' + ', '.join('%s run %d: %s' % b for b in bad))

# ---- replay
if 'replay' in parts:
    print()
    print('### Replay of a large capture: `hoptrace -n -r FILE >/dev/null` against `tcpdump -r FILE -w /dev/null`')
    print()
    print('| capture | packets | OLD | NEW | tcpdump | NEW/OLD | NEW/tcpdump | OLD/tcpdump | beyond spread | NEW Mpackets/s | peak RSS OLD, NEW | traces | outputs identical |')
    print('|---|---:|---:|---:|---:|---:|---:|---:|:---:|---:|---|---:|:---:|')
    for case in ('one', 'mix'):
        chk = [d for mm, cc, t, r, d in recs if mm == 'replay' and cc == case and t == 'check']
        if not chk:
            continue
        pk = int(chk[0].get('packets') or 0)
        cop = open(os.path.join(work, 'replay', case + '.copies')).read().strip()
        if case == 'one':
            label = 'pcaps/mtr-icmp4-r10.pcap x %s (one identity)' % cop
        else:
            nf, npk = open(os.path.join(work, 'replay', 'mix.files')).read().split()
            label = '%s Ethernet captures of pcaps/ (%s packets) x %s (many tools)' % (nf, npk, cop)
        o, n, p = (vals('replay', case, x, 'ms') for x in ('old', 'new', 'tcpdump'))
        rss = ['%.1f' % (vals('replay', case, x, 'rss_kib', False)[0] / 1024) for x in ('old', 'new')]
        tr = [int(vals('replay', case, x, 'traces', False)[0]) for x in ('old', 'new')]
        print('| %s | {:,} | %s | %s | %s | **%s** | %s | %s | %s | %.2f | %s MiB | %s | %s |'.format(pk) % (
            label, cell(o), cell(n), cell(p), ratio(q(n)[0], q(o)[0]), ratio(q(n)[0], q(p)[0]),
            ratio(q(o)[0], q(p)[0]), spread(o, n), pk / q(n)[0] / 1000 if n else float('nan'),
            ', '.join(rss), tr[1] if tr[0] == tr[1] else '%d, %d' % tuple(tr),
            'yes' if chk[0].get('identical') == '1' else '**NO**'))

# ---- scan
def scan_summary(path):
    try:
        s = open(path + '.err').read()
    except OSError:
        s = ''
    m = re.search(r'(\d+) probes sent in ([\d.]+) s \((\d+) pps, asked (\d+)\), (\d+) skipped.*?; (\d+) replies, (\d+) matched; (\d+) of (\d+)', s)
    if m:
        g = [float(x) for x in m.groups()]
        return dict(sent=g[0], el=g[1], pps=g[2], replies=g[5], matched=g[6], done=g[7], targets=g[8])
    m = re.search(r'send: (\d+) done \(([\d.]+) ([KMG]?)p/s avg\)', s)
    if m:
        return dict(sent=float(m.group(1)), pps=float(m.group(2)) * {'': 1, 'K': 1e3, 'M': 1e6, 'G': 1e9}[m.group(3)])
    return {}

def cpu(path):
    try:
        w, u, sy, rss = open(path + '.time').read().split()[-4:]
        return float(u) + float(sy), float(u), float(rss)
    except (OSError, ValueError):
        return float('nan'), float('nan'), float('nan')

def exact(rows):
    import ipaddress
    up = ipaddress.ip_network('10.200.128.0/17')
    ans, bad = {}, set()
    try:
        f = open(rows)
    except OSError:
        return float('nan'), 0
    for line in f:
        line = line.strip()
        if not line.startswith('{'):
            continue
        try:
            r = json.loads(line)
        except ValueError:
            continue
        t, ttl = r['target'], r['ttl']
        d = 3 if ipaddress.ip_address(t) in up else 5
        want = '10.77.%d.2' % (ttl - 1) if ttl < d else t
        if r['responder'] != want:
            bad.add(t)
        ans.setdefault(t, set()).add(ttl)
    ok = sum(1 for t, a in ans.items() if t not in bad and set(range(1, (3 if ipaddress.ip_address(t) in up else 5) + 1)) <= a)
    return ok, len(ans)

def pcap_times(path):
    """timestamps (s) of the packets of a classic pcap; [] if unreadable"""
    try:
        d = open(path, 'rb').read()
    except OSError:
        return []
    if len(d) < 24:
        return []
    mg = struct.unpack('<I', d[:4])[0]
    e = '<' if mg in (0xa1b2c3d4, 0xa1b23c4d) else '>'
    div = 1e9 if struct.unpack(e + 'I', d[:4])[0] == 0xa1b23c4d else 1e6
    off, out = 24, []
    while off + 16 <= len(d):
        s, u, cl, _ = struct.unpack(e + 'IIII', d[off:off + 16])
        out.append(s + u / div)
        off += 16 + cl
    return out

def in_window(times, a, b):
    import bisect
    return bisect.bisect_right(times, b) - bisect.bisect_left(times, a)

if 'scan' in parts:
    sd = os.path.join(work, 'scan')
    rows = {}
    for mm, cc, t, r, d in recs:
        if mm == 'scan':
            x = scan_summary(d['file'])
            c, u, rss = cpu(d['file'])
            x.update(cpu=c, user=u, rss=rss, ms=float(d['ms']), st=d['st'])
            rows.setdefault((cc, t), []).append((r, x))
    print()
    print('### The scan\'s sender capacity: into a veth whose far end drops everything (the network taken out)')
    print()
    print('`--targets=10.201.0.0/16 --rows -m 16 --rate=1000000 -W 0.2` (65,536 targets; no replies); zmap: `-M icmp_echoscan -r 10000000`, one echo a target, 65,536 probes.')
    print()
    print('| tool | probes sent | achieved pps | CPU per probe, us (user) | wall | peak RSS |')
    print('|---|---:|---:|---:|---:|---:|')
    pp = {}
    for t, lab in (('old', 'OLD'), ('new', 'NEW'), ('zmap', 'zmap 2.1.1')):
        xs = [x for _, x in rows.get(('sink', t), [])]
        pp[t] = [x['pps'] for x in xs if 'pps' in x]
        cpp = [x['cpu'] / x['sent'] * 1e6 for x in xs if x.get('sent')]
        upp = [x['user'] / x['sent'] * 1e6 for x in xs if x.get('sent')]
        print('| %s | %s | %s | %s (%s) | %s | %s |' % (lab, cell([x['sent'] for x in xs if 'sent' in x], '', 0),
              cell(pp[t], '', 0), fmt(q(cpp)[0], '', 2), fmt(q(upp)[0], '', 2), cell([x['ms'] / 1000 for x in xs], 's', 2),
              fmt(q([x['rss'] / 1024 for x in xs])[0], 'MiB', 1)))
    print()
    print('Achieved rate NEW/OLD **%s**, NEW/zmap %s, OLD/zmap %s; beyond spread: %s.' % (
        ratio(q(pp['new'])[0], q(pp['old'])[0]), ratio(q(pp['new'])[0], q(pp['zmap'])[0]),
        ratio(q(pp['old'])[0], q(pp['zmap'])[0]), spread(pp['old'], pp['new'])))
    # forwarded
    times = pcap_times(os.path.join(sd, 'fwd.pcap'))
    drops = open(os.path.join(sd, 'fwd.pcap.drops')).read().strip() or '0'
    win = {}
    for line in open(os.path.join(sd, 'windows')):
        _, t, r, a, b = line.split()
        win[(t, int(r))] = in_window(times, float(a), float(b))
    print()
    print('### The scan at %s pps, a rate the testbed forwards' % '{:,}'.format(scan_rate))
    print()
    print('`--targets=FILE --rows -m 16 --rate=%d`, FILE holding 10.200.96.0/19 (5 hops) and 10.200.128.0/19 (3 hops): 16,384 AnyIP targets; zmap at the same rate, one echo a target. Captured: ICMP replies to the source that tcpdump saw in the run\'s window (%s dropped by tcpdump in all).' % (scan_rate, drops))
    print()
    print('| tool | probes sent | achieved pps | replies matched / captured | paths exact | wall | CPU per probe, us |')
    print('|---|---:|---:|---:|---:|---:|---:|')
    fr = {}
    for t, lab in (('old', 'OLD'), ('new', 'NEW'), ('zmap', 'zmap 2.1.1')):
        xs = rows.get(('fwd', t), [])
        sent = [x['sent'] for _, x in xs if 'sent' in x]
        pps = [x['pps'] for _, x in xs if 'pps' in x]
        if t == 'zmap':
            got = []
            for r, x in xs:
                try:
                    n = len(set(l.strip() for l in open(os.path.join(sd, 'fwd.zmap.%d.out' % r)) if l[:1].isdigit()))
                except OSError:
                    n = 0
                got.append('%d/%d' % (n, win.get((t, r), 0)))
            mcell = ', '.join(got) + ' (echo replies / captured)'
            ex = '-'
        else:
            fr[t] = [x['matched'] / win[(t, r)] for r, x in xs if 'matched' in x and win.get((t, r))]
            mcell = '%s (%s)' % (fmt(100 * q(fr[t])[0], '%', 3), ', '.join('%d/%d' % (x.get('matched', -1), win.get((t, r), 0)) for r, x in xs))
            exs = [exact(os.path.join(sd, 'fwd.%s.%d.out' % (t, r))) for r, _ in xs]
            ex = ', '.join('%d' % e[0] for e in exs) + ' of 16,384'
        cpp = [x['cpu'] / x['sent'] * 1e6 for _, x in xs if x.get('sent')]
        print('| %s | %s | %s | %s | %s | %s | %s |' % (lab, cell(sent, '', 0), cell(pps, '', 0), mcell, ex,
              cell([x['ms'] / 1000 for _, x in xs], 's', 2), fmt(q(cpp)[0], '', 2)))

# ---- MDA
if 'mda' in parts:
    md = os.path.join(work, 'mda')
    print()
    print('### MDA (`hoptrace -n --mda=lite|full`, UDP, 95%): probes sent and wall time, 2 ms per router')
    print()
    print('Probes: UDP packets leaving the source in the run\'s window (tcpdump); in brackets hoptrace\'s own count. Complete: runs that found every true link (extra links in brackets, if any).')
    print()
    print('| diamond | mode | probes OLD | probes NEW | NEW/OLD | time OLD | time NEW | NEW/OLD | beyond spread (time) | complete OLD | complete NEW |')
    print('|---|---|---:|---:|---:|---:|---:|---:|:---:|---:|---:|')
    for shape in shapes:
        if not any(r[0] == 'mda' and r[1] == shape for r in recs):
            continue
        times = pcap_times(os.path.join(md, shape + '.pcap'))
        win = {}
        for line in open(os.path.join(md, shape + '.windows')):
            t, r, a, b = line.split()
            win[(t, int(r))] = in_window(times, float(a), float(b))
        for mode in ('lite', 'full'):
            pr, tm, cp, own = {}, {}, {}, {}
            for x in ('old', 'new'):
                t = x + '-' + mode
                pr[x] = [v for (tt, r), v in sorted(win.items()) if tt == t]
                tm[x] = vals('mda', shape, t, 'ms')
                c = vals('mda', shape, t, 'complete')
                e = sum(vals('mda', shape, t, 'extra'))
                cp[x] = '%d/%d%s' % (sum(c), len(c), ' (%d extra)' % e if e else '')
                own[x] = q(vals('mda', shape, t, 'own'))[0]
            print('| %s | %s | %s [%s] | %s [%s] | **%s** | %s | %s | **%s** | %s | %s | %s |' % (
                shape, mode, cell(pr['old'], '', 0), fmt(own['old'], '', 0), cell(pr['new'], '', 0), fmt(own['new'], '', 0),
                ratio(q(pr['new'])[0], q(pr['old'])[0]), cell(tm['old']), cell(tm['new']),
                ratio(q(tm['new'])[0], q(tm['old'])[0]), spread(tm['old'], tm['new']), cp['old'], cp['new']))

# ---- rounds
def first_full_row(pk, a, b, hops=8):
    """seconds from the first echo request in [a, b] until every hop answered once"""
    t0, seen = None, set()
    for t, typ, src in pk:
        if t < a or t > b:
            continue
        if typ == 8 and t0 is None:
            t0 = t
        elif t0 is not None and typ == 11 and src[:2] == (10, 77) and src[3] == 2:
            seen.add(src[2] + 1)
        elif t0 is not None and typ == 0:
            seen.add(hops)
        if t0 is not None and len(seen) == hops:
            return t - t0
    return float('nan')

def icmp_pkts(path):
    try:
        d = open(path, 'rb').read()
    except OSError:
        return []
    mg = struct.unpack('<I', d[:4])[0]
    e = '<' if mg in (0xa1b2c3d4, 0xa1b23c4d) else '>'
    div = 1e9 if struct.unpack(e + 'I', d[:4])[0] == 0xa1b23c4d else 1e6
    off, out = 24, []
    while off + 16 <= len(d):
        s, u, cl, _ = struct.unpack(e + 'IIII', d[off:off + 16])
        p = d[off + 16:off + 16 + cl]
        off += 16 + cl
        if len(p) < 35 or p[12:14] != b'\x08\x00':
            continue
        ip = p[14:]
        hl = (ip[0] & 15) * 4
        if ip[9] != 1 or len(ip) <= hl:
            continue
        out.append((s + u / div, ip[hl], tuple(ip[12:16])))
    return out

if 'rounds' in parts:
    rd = os.path.join(work, 'rounds')
    pk = icmp_pkts(os.path.join(rd, 'cap.pcap'))
    runs = {}
    for line in open(os.path.join(rd, 'windows')):
        ivl, t, r, a, b, stt, ms = line.split()
        try:
            hubs = {h['count']: h for h in json.load(open(os.path.join(rd, '%s.%s.%s.json' % (t, ivl, r))))['report']['hubs']}
        except (OSError, ValueError, KeyError):
            hubs = {}
        ok = len(hubs) == 8 and all(hubs[k]['host'] == '10.77.%d.2' % (k - 1) for k in range(1, 9) if k in hubs)
        runs.setdefault((ivl, t), []).append(dict(ms=float(ms), st=stt, hubs=hubs, ok=ok,
                                                   first=first_full_row(pk, float(a), float(b))))
    for ivl in ('1', '0.2'):
        if not any(k[0] == ivl for k in runs):
            continue
        print()
        print('### Rounds: `-c 10 --report` at %s s, hop 1\'s report row (2 ms per router: truth about 2 ms)' % ivl)
        print()
        print('hoptrace: `hoptrace -n -c 10 --interval=%s --report -j` (the report\'s figures, in JSON); mtr: `mtr -n -r -c 10 -i %s --json`. First full row: from the first probe until every hop has answered once (tcpdump).' % (ivl, ivl))
        print()
        print('| tool | Loss% | Avg | Best | Wrst | StDev | wall | first full row | runs with the 8 right hops |')
        print('|---|---:|---:|---:|---:|---:|---:|---:|---:|')
        wall, col = {}, {}
        keys = ('Loss%', 'Avg', 'Best', 'Wrst', 'StDev')
        for t, lab in (('old', 'OLD'), ('new', 'NEW'), ('mtr', 'mtr 0.95')):
            xs = runs.get((ivl, t), [])
            col[t] = {k: [x['hubs'][1][k] for x in xs if 1 in x['hubs']] for k in keys}
            wall[t] = col[t]['wall'] = [x['ms'] / 1000 for x in xs]
            col[t]['first'] = [x['first'] * 1000 for x in xs]
            print('| %s | %s | %s | %s | %s | %s | %s | %s | %d/%d |' % (
                lab, cell(col[t]['Loss%'], '', 1), cell(col[t]['Avg'], '', 3), cell(col[t]['Best'], '', 3),
                cell(col[t]['Wrst'], '', 3), cell(col[t]['StDev'], '', 3), cell(wall[t], 's', 3),
                cell(col[t]['first'], 'ms', 1), sum(x['ok'] for x in xs), len(xs)))
        for a, b, lab in (('new', 'old', 'NEW/OLD'), ('new', 'mtr', 'NEW/mtr'), ('old', 'mtr', 'OLD/mtr')):
            print('| %s | %s | |' % (lab, ' | '.join(
                ('**%s**' if a == 'new' and b == 'old' else '%s') % ratio(q(col[a][k])[0], q(col[b][k])[0])
                for k in keys + ('wall', 'first'))))
        print('| NEW against OLD beyond spread | %s | |' % ' | '.join(spread(col['old'][k], col['new'][k])
                                                             for k in keys + ('wall', 'first')))
        print()
        print('Wall time NEW/OLD **%s** (beyond spread: %s), NEW/mtr %s, OLD/mtr %s.' % (
            ratio(q(wall['new'])[0], q(wall['old'])[0]), spread(wall['old'], wall['new']),
            ratio(q(wall['new'])[0], q(wall['mtr'])[0]), ratio(q(wall['old'])[0], q(wall['mtr'])[0])))
PY
exit 0

#!/bin/bash
# tests/replay/make-corpus.sh - (re)build the replay corpus: captures of traceroute
# peers (and of hoptrace itself) on the namespace test network, in pcaps/,
# and their expected replay in tests/replay/text/<name>.out.
#
# Run by hand, as root (not by make check):
#
#   tests/replay/make-corpus.sh [-n] [NAME...]
#
# NAME: only these captures (default: all; a link-type variant needs its
# base capture in pcaps/ already).  -n: do not touch pcaps/ and
# tests/replay/text/, work in a temporary directory and only report.
# Environment: HOPTRACE (default ./hoptrace of the tree, used for the
# hoptrace -w captures and for the report), DELAY_MS (per-router latency,
# default 1; 0 = none), PYTHON (default /usr/bin/python3, must have Scapy).
#
# What it does, per capture:
#   1. tcpdump -i eR -U --immediate-mode (or -i any) in the SOURCE namespace,
#      started and waited for ("listening on"), then the tool runs, then
#      0.5 s for the last replies to drain, then SIGINT and wait;
#   2. tests/replay/corpus-truth.py computes the expected replay from the capture
#      alone (Scapy dissection, tshark timestamps) and checks it against
#      the topology: hop k answers from 10.77.(k-1).2 / fd77:0:0:(k-1)::2,
#      the target only at TTL >= 8 and the trace ends there (probes sent
#      beyond it folded), the silent hop never answers, every other probe
#      is answered.  A capture that fails this check is an error: it is
#      not written;
#   3. the expected output goes to tests/replay/text/<name>.out -- it is the
#      truth, NOT what hoptrace prints;
#   4. hoptrace -n -r is run on it and every difference is reported at the
#      end (this script does not fail for them: see tests/replay/run.sh).
# For the hoptrace -w captures the live output of hoptrace is also compared
# with the truth (same hops, same RTTs to the microsecond).
#
# Link-type variants are made from base captures: pcapng (editcap -F
# pcapng), nanosecond pcap (a second capture with
# --time-stamp-precision=nano), LINUX_SLL (-i any), LINUX_SLL2 (-i any -y
# LINUX_SLL2), and tests/replay/corpus-relink.py rewrites (802.1Q, 802.1ad+802.1Q,
# RAW, IPV4, IPV6, NULL, LOOP) that keep timestamps and IP bytes.  Their
# truth must equal their base capture's (timestamps included).
set -u

here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
HOPTRACE=${HOPTRACE:-$top/hoptrace}
PY=${PYTHON:-/usr/bin/python3}
DELAY_MS=${DELAY_MS:-1}
export TZ=UTC

dry=0
if [ "${1-}" = -n ]; then
	dry=1
	shift
fi
want=" $* "

. "$top/tests/net/netns.sh"
. "$top/bench/netns-delay.sh"
ht_net_need_root tcpdump tshark editcap traceroute tcptraceroute mtr scamper
"$PY" -c 'import scapy' 2>/dev/null || {
	echo "make-corpus.sh: $PY has no scapy (python3-scapy)" >&2
	exit 1
}
[ -x "$HOPTRACE" ] || {
	echo "make-corpus.sh: HOPTRACE=$HOPTRACE is not executable" >&2
	exit 1
}

work=$(mktemp -d /tmp/ht-corpus.XXXXXX)
chmod 755 "$work"
if [ "$dry" = 1 ]; then
	pdir=$work/pcaps
	edir=$work/text
else
	pdir=$top/pcaps
	edir=$here/text
fi
mkdir -p "$pdir/tool-output" "$edir"

N=htc$$
Q=htq$$
D=htd$$
B=htb$$
tdpid=""
bgpids=()
cleanup() {
	local p
	[ -n "$tdpid" ] && kill -INT "$tdpid" 2>/dev/null && wait "$tdpid" 2>/dev/null
	for p in "${bgpids[@]}"; do
		kill -TERM "$p" 2>/dev/null
		wait "$p" 2>/dev/null
	done
	for p in "$N" "$Q" "$D" "$B"; do
		ht_delay_stop "$p"
		ht_net_down "$p"
	done
	rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 143' TERM INT

report=()
fail=0

note() { printf '%s\n' "$*"; }

wanted() {
	[ "$want" = "  " ] && return 0
	[[ $want == *" $1 "* ]]
}

# start_tcpdump NET FILE [TCPDUMP-OPTION...]
start_tcpdump() {
	local net=$1 file=$2 i
	shift 2
	rm -f "$file"
	# Not through a shell function: ip execs tcpdump, so $! is tcpdump.
	# -s 2048 -B 8192: in immediate mode libpcap uses a TPACKET_V2 ring of
	# buffer/snaplen frames, i.e. only 8 with the default 262144 and 2 MiB,
	# and a traceroute burst overflows it ("packets dropped by kernel").
	ip netns exec "${net}s" tcpdump -Z root -s 2048 -B 8192 -U --immediate-mode "$@" -w "$file" \
		>"$file.log" 2>&1 &
	tdpid=$!
	for ((i = 0; i < 100; i++)); do
		grep -q 'listening on' "$file.log" 2>/dev/null && return 0
		kill -0 "$tdpid" 2>/dev/null || break
		sleep 0.05
	done
	echo "tcpdump did not start: $(cat "$file.log")" >&2
	return 1
}

stop_tcpdump() {
	local file=$1
	sleep 0.5
	kill -INT "$tdpid" 2>/dev/null
	wait "$tdpid"
	tdpid=""
	if ! grep -qx '0 packets dropped by kernel' "$file.log"; then
		echo "tcpdump dropped packets: $(cat "$file.log")" >&2
		return 1
	fi
}

# capture NAME NET EXT "TCPDUMP-OPTIONS" CMD...   (tool output kept)
# A capture in which tcpdump reports drops is made again (3 tries).
capture() {
	local name=$1 net=$2 ext=$3 topts=$4 rc try
	shift 4
	local f=$work/$name.$ext
	for try in 1 2 3; do
		# shellcheck disable=SC2086
		start_tcpdump "$net" "$f" $topts || return 1
		timeout 120 ip netns exec "$net"s "$@" >"$work/$name.tool.txt" 2>&1
		rc=$?
		stop_tcpdump "$f" && break
		[ "$try" = 3 ] && return 1
		echo "$name: capture again" >&2
		sleep 1
	done
	if [ "$rc" != 0 ]; then
		echo "$name: '$*' exited $rc: $(cat "$work/$name.tool.txt")" >&2
		return 1
	fi
	{
		printf "# %s   (in the source namespace; tcpdump %s)\n" "$*" "$topts" |
			sed "s|$work|\$TMP|g; s|$here/|tests/replay/|g; s|$PY|python3|g"
		cat "$work/$name.tool.txt"
	} >"$work/$name.tool.txt.tmp"
	mv "$work/$name.tool.txt.tmp" "$work/$name.tool.txt"
	return 0
}

# verify NAME FILE TRUTH-OPTIONS... : truth + topology; install
verify() {
	local name=$1 file=$2 base
	shift 2
	if ! "$PY" "$here/corpus-truth.py" "$@" "$file" >"$work/$name.out" \
		2>"$work/$name.truth.err"; then
		echo "$name: TOPOLOGY CHECK FAILED:" >&2
		cat "$work/$name.truth.err" >&2
		fail=1
		return 1
	fi
	cp "$file" "$pdir/"
	cp "$work/$name.out" "$edir/$name.out"
	[ -f "$work/$name.tool.txt" ] && cp "$work/$name.tool.txt" "$pdir/tool-output/$name.txt"
	note "$name: $(basename "$file"): truth written ($(grep -c '^hoptrace' "$work/$name.out") trace(s))"
	compare "$name" "$pdir/$(basename "$file")"
}

# compare NAME FILE : hoptrace -n -r against the truth
compare() {
	local name=$1 file=$2 rc
	TZ=UTC "$HOPTRACE" -n -r "$file" >"$work/$name.ht" 2>"$work/$name.hterr"
	rc=$?
	if [ "$rc" = 0 ] && [ ! -s "$work/$name.hterr" ] &&
		cmp -s "$work/$name.ht" "$edir/$name.out"; then
		report+=("PASS $name")
	else
		report+=("FAIL $name (exit $rc)")
		{
			echo "---- $name: hoptrace -n -r $(basename "$file") (exit $rc)"
			sed 's/^/stderr: /' "$work/$name.hterr"
			diff -u "$edir/$name.out" "$work/$name.ht" | sed 1,2d
		} >>"$work/discrepancies"
	fi
}

# variant NAME BASE FILE TRUTH-OPTIONS...: a rewrite of BASE; same truth
variant() {
	local name=$1 base=$2 file=$3
	shift 3
	verify "$name" "$file" "$@" || return 1
	if ! cmp -s "$edir/$name.out" "$edir/$base.out"; then
		echo "$name: truth differs from $base's:" >&2
		diff -u "$edir/$base.out" "$edir/$name.out" >&2
		fail=1
	fi
}

T4=10.77.7.2
T6=fd77:0:0:7::2
# truth options (tests/replay/corpus-truth.py), used by name (local -n).  Linux
# traceroute -U/-T and Scapy's traceroute() use a new source port for every
# probe: --any-sport, one trace per source, destination and protocol.
# shellcheck disable=SC2034
{
	S4=(--src 10.77.0.1 --chain 8)
	S6=(--src fd77::1 --chain 8)
	Q4=(--src 10.77.0.1 --chain 8 --silent 3)
	Q6=(--src fd77::1 --chain 8 --silent 3)
	A4=("${S4[@]}" --any-sport)
	A6=("${S6[@]}" --any-sport)
	QA6=("${Q6[@]}" --any-sport)
	D4=(--src 10.77.0.1 --chain 8 --deaf --ratelimit 4)
	DA4=("${D4[@]}" --any-sport)
	B4=(--src 10.77.0.1 --chain 8 --balance 3)
	BA4=("${B4[@]}" --any-sport)
}
SC="$PY $here/corpus-scapy.py"

# one(NAME NET EXT TCPDUMP-OPTS TRUTH-OPTS-ARRAY-NAME CMD...)
one() {
	local name=$1 net=$2 ext=$3 topts=$4 tarr=$5
	shift 5
	wanted "$name" || return 0
	local -n targs=$tarr
	if capture "$name" "$net" "$ext" "$topts" "$@"; then
		verify "$name" "$work/$name.$ext" "${targs[@]}"
	else
		fail=1
	fi
}

# ---- the networks --------------------------------------------------------
note "== building $N (8 hops), $Q (hop 3 silent), $D (deaf target, hop 4 rate-limited), $B (load balancer at hop 3), ${DELAY_MS} ms per router"
ht_net_up "$N" --hops 8 || exit 1
ht_net_up "$Q" --hops 8 --silent 3 || exit 1
ht_net_up "$D" --hops 8 --deaf --ratelimit 4 || exit 1
ht_net_up "$B" --hops 8 --balance 3 || exit 1
if [ "$DELAY_MS" != 0 ]; then
	ht_delay_start "$N" "$DELAY_MS" 0 || exit 1
	ht_delay_start "$Q" "$DELAY_MS" 1 || exit 1
	ht_delay_start "$D" "$DELAY_MS" 2 || exit 1
	ht_delay_start "$B" "$DELAY_MS" 3 || exit 1
fi

E="-i eR"
# ---- peers, IPv4 and IPv6 ------------------------------------------------
one traceroute-icmp4 "$N" pcap "$E" S4 traceroute -I -n $T4
one traceroute-icmp6 "$N" pcap "$E" S6 traceroute -6 -I -n $T6
one traceroute-udp4 "$N" pcap "$E" A4 traceroute -n $T4
one traceroute-udp6 "$N" pcap "$E" A6 traceroute -6 -n $T6

one traceroute-tcp4 "$N" pcap "$E" A4 traceroute -T -n $T4
one tcptraceroute4 "$N" pcap "$E" S4 tcptraceroute -n $T4
if wanted tcptraceroute4-open; then
	# a listening port on the target: SYN-ACK instead of RST
	ip netns exec "${N}t" "$PY" -c 'import socket,time
s=socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("0.0.0.0", 8080)); s.listen(64); time.sleep(60)' &
	bgpids+=($!)
	sleep 0.5
	one tcptraceroute4-open "$N" pcap "$E" S4 tcptraceroute -n $T4 8080
	kill -TERM "${bgpids[-1]}" 2>/dev/null
	wait "${bgpids[-1]}" 2>/dev/null
fi
one mtr-icmp4 "$N" pcap "$E" S4 mtr -r -c 2 -n $T4
one mtr-icmp6 "$N" pcap "$E" S6 mtr -6 -r -c 2 -n $T6
one mtr-udp4 "$N" pcap "$E" S4 mtr -u -r -c 2 -n $T4
# one run of N rounds is one trace (issue 14): rounds 0.2 s apart
one mtr-icmp4-r1 "$N" pcap "$E" S4 mtr -r -c 1 -i 0.2 -n $T4
one mtr-icmp4-r3 "$N" pcap "$E" S4 mtr -r -c 3 -i 0.2 -n $T4
one mtr-icmp4-r10 "$N" pcap "$E" S4 mtr -r -c 10 -i 0.2 -n $T4
one mtr-udp4-r3 "$N" pcap "$E" S4 mtr -u -r -c 3 -i 0.2 -n $T4
# two runs back to back are two traces: UDP (the TTL and the port start
# again) and ICMP (a new identifier)
one traceroute-udp4-twice "$N" pcap "$E" A4 bash -c "traceroute -n $T4; traceroute -n $T4"
one traceroute-icmp4-twice "$N" pcap "$E" S4 bash -c "traceroute -I -n $T4; traceroute -I -n $T4"
one scamper-icmp-paris4 "$N" pcap "$E" S4 scamper -O text -c 'trace -P icmp-paris' -i $T4
one scamper-icmp-paris6 "$N" pcap "$E" S6 scamper -O text -c 'trace -P icmp-paris' -i $T6
one scamper-udp-paris4 "$N" pcap "$E" S4 scamper -O text -c 'trace -P udp-paris' -i $T4
one scamper-tracelb4 "$N" pcap "$E" S4 scamper -O text -c 'tracelb' -i $T4
one scapy-icmp4 "$N" pcap "$E" S4 $SC icmp4 $T4
one scapy-udp4 "$N" pcap "$E" S4 $SC udp4 $T4
one scapy-icmp6 "$N" pcap "$E" S6 $SC icmp6 $T6
one scapy-tcp4 "$N" pcap "$E" A4 $SC tcp4 $T4
# Windows tracert's shape: 3 s pauses between TTLs, one trace
one scapy-tracert4 "$N" pcap "$E" S4 $SC tracert4 $T4

# ---- hoptrace itself: -w ---------------------------------------------------
# hoptrace_w NAME NET TRUTH-ARRAY-NAME HOPTRACE-OPTIONS... ADDR
hoptrace_w() {
	local name=$1 net=$2 tarr=$3 rc
	shift 3
	wanted "$name" || return 0
	local -n targs=$tarr
	local f=$work/$name.pcap
	ip netns exec "$net"s "$HOPTRACE" -n -w "$f" "$@" >"$work/$name.live" \
		2>"$work/$name.live.err"
	rc=$?
	if [ "$rc" != 0 ] || [ ! -s "$f" ]; then
		echo "$name: hoptrace -n -w FILE $* exited $rc: $(cat "$work/$name.live.err")" >&2
		report+=("FAIL $name (hoptrace -w exited $rc, no capture)")
		return 1
	fi
	{
		printf '# hoptrace -n -w %s.pcap %s   (in the source namespace)\n' "$name" "$*"
		cat "$work/$name.live"
	} >"$work/$name.tool.txt"
	verify "$name" "$f" "${targs[@]}" || return 1
	# the live run printed the same hops and RTTs as the capture holds
	if ! diff -u <(sed 1d "$edir/$name.out") <(sed 1d "$work/$name.live") \
		>"$work/$name.livediff"; then
		report+=("FAIL $name-live (live output differs from its own capture)")
		{
			echo "---- $name: live output of hoptrace -n -w ... $* against the capture's truth"
			sed 1,2d "$work/$name.livediff"
		} >>"$work/discrepancies"
	else
		report+=("PASS $name-live (live output = capture)")
	fi
}
hoptrace_w hoptrace-icmp4 "$N" S4 $T4
hoptrace_w hoptrace-icmp6 "$N" S6 $T6
hoptrace_w hoptrace-udp4 "$N" S4 -U $T4
hoptrace_w hoptrace-udp6 "$N" S6 -U $T6
hoptrace_w hoptrace-tcp4 "$N" S4 -T $T4
hoptrace_w hoptrace-udp-paris4 "$N" S4 -U --paris $T4
hoptrace_w hoptrace-icmp4-silent3 "$Q" Q4 $T4

# ---- silent hop 3 ----------------------------------------------------------
one traceroute-icmp4-silent3 "$Q" pcap "$E" Q4 traceroute -I -n $T4
one traceroute-udp6-silent3 "$Q" pcap "$E" QA6 traceroute -6 -n $T6
one mtr-icmp4-silent3 "$Q" pcap "$E" Q4 mtr -r -c 2 -n $T4
one scamper-udp-paris4-silent3 "$Q" pcap "$E" Q4 scamper -O text -c 'trace -P udp-paris' -i $T4

# ---- deaf target (never answers), hop 4 rate-limited (about 1 error/s) -----------
# Expected: hops 1-7 (hop 4 with some '*'), then '* * *' up to the last TTL
# sent; no end.
one traceroute-icmp4-deaf "$D" pcap "$E" D4 traceroute -I -n -m 12 $T4
one traceroute-udp4-deaf "$D" pcap "$E" DA4 traceroute -n -m 10 -q 2 $T4
hoptrace_w hoptrace-icmp4-deaf "$D" D4 -m 12 -W 1 $T4

# ---- per-flow load balancer at hop 3: hop 4 is 10.77.3.2 or 10.77.103.2 -----------
# Expected: the address printed again where it changes within a hop.
one traceroute-udp4-balance3 "$B" pcap "$E" BA4 traceroute -n $T4
one scamper-tracelb4-balance3 "$B" pcap "$E" B4 scamper -O text -c 'tracelb' -i $T4
one scamper-udp-paris4-balance3 "$B" pcap "$E" B4 scamper -O text -c 'trace -P udp-paris' -i $T4

# ---- several traces (and a ping) in one capture ------------------------------
if wanted mixed4; then
	one mixed4 "$N" pcap "$E" A4 bash -c "
		traceroute -I -n $T4 >$work/mixed4.a 2>&1 &
		sleep 0.05
		traceroute -n -q 2 $T4 >$work/mixed4.b 2>&1 &
		$SC ping4 $T4 >$work/mixed4.c 2>&1
		wait
		cat $work/mixed4.a $work/mixed4.b $work/mixed4.c"
fi

# ---- link types and file formats --------------------------------------------
one nano-traceroute-icmp4 "$N" pcap "$E --time-stamp-precision=nano" S4 traceroute -I -n $T4
one sll-traceroute-icmp6 "$N" pcap "-i any -y LINUX_SLL" S6 traceroute -6 -I -n $T6
one sll2-traceroute-udp4 "$N" pcap "-i any -y LINUX_SLL2" A4 traceroute -n $T4
one sll2-mtr-icmp4 "$N" pcap "-i any -y LINUX_SLL2" S4 mtr -r -c 1 -n $T4

# relink NAME BASE MODE|pcapng TRUTH-ARRAY-NAME
relink() {
	local name=$1 base=$2 mode=$3 tarr=$4 out
	wanted "$name" || return 0
	local -n targs=$tarr
	if [ ! -f "$pdir/$base.pcap" ]; then
		echo "$name: base capture $pdir/$base.pcap missing" >&2
		fail=1
		return 1
	fi
	if [ "$mode" = pcapng ]; then
		out=$work/$name.pcapng
		editcap -F pcapng "$pdir/$base.pcap" "$out" || return 1
	else
		out=$work/$name.pcap
		"$PY" "$here/corpus-relink.py" "$mode" "$pdir/$base.pcap" "$out" || return 1
	fi
	printf '# made from %s.pcap by %s\n' "$base" \
		"$([ "$mode" = pcapng ] && echo "editcap -F pcapng" || echo "tests/replay/corpus-relink.py $mode")" \
		>"$work/$name.tool.txt"
	variant "$name" "$base" "$out" "${targs[@]}"
}
relink pcapng-traceroute-udp4 traceroute-udp4 pcapng A4
relink pcapng-hoptrace-icmp6 hoptrace-icmp6 pcapng S6
relink vlan-traceroute-icmp4 traceroute-icmp4 vlan S4
relink qinq-traceroute-udp6 traceroute-udp6 qinq A6
relink raw-traceroute-tcp4 traceroute-tcp4 raw A4
relink ipv4-scamper-udp-paris4 scamper-udp-paris4 ipv4 S4
relink ipv6-traceroute-icmp6 traceroute-icmp6 ipv6 S6
relink null-traceroute-icmp6 traceroute-icmp6 null S6
relink null-mtr-icmp4 mtr-icmp4 null S4
relink loop-traceroute-udp4 traceroute-udp4 loop A4
relink loop-scamper-icmp-paris6 scamper-icmp-paris6 loop S6

# ---- JSON (-j): hoptrace's output, kept only when tests/replay/corpus-truth.py
# --json finds every field of the contract right (af, proto, addresses,
# timestamp, hops, from, rtt, size, ttl, err, one element per probe).
# json_test BASE TRUTH-ARRAY-NAME  -> tests/replay/text/BASE-json.out
json_test() {
	local base=$1 tarr=$2 name=$1-json
	wanted "$name" || return 0
	local -n targs=$tarr
	TZ=UTC "$HOPTRACE" -n -j -r "$pdir/$base.pcap" >"$work/$name.ht" 2>"$work/$name.hterr"
	if "$PY" "$here/corpus-truth.py" "${targs[@]}" --check-only \
		--json "$work/$name.ht" "$pdir/$base.pcap" 2>"$work/$name.jerr" &&
		[ ! -s "$work/$name.hterr" ]; then
		cp "$work/$name.ht" "$edir/$name.out"
		report+=("PASS $name (JSON fields checked, written)")
	else
		report+=("FAIL $name (JSON wrong: not written)")
		{
			echo "---- $name: hoptrace -n -j -r $base.pcap"
			cat "$work/$name.jerr" "$work/$name.hterr"
		} >>"$work/discrepancies"
	fi
}
json_test traceroute-icmp4-silent3 Q4
json_test tcptraceroute4-open S4
json_test scamper-icmp-paris6 S6
json_test mtr-icmp4 S4
json_test mtr-icmp4-r3 S4
json_test traceroute-udp6 A6

# ---- a capture cut short in the middle of a record ------------------------------
# Expected: the traces of the whole records before the cut (probes whose
# replies are past it are '*'), a one-line warning (tests/replay/text/NAME.err,
# hoptrace's wording: kept by hand), exit 0.
if wanted truncated-traceroute-icmp4; then
	name=truncated-traceroute-icmp4
	if "$PY" "$here/corpus-relink.py" cut 45 "$pdir/traceroute-icmp4.pcap" "$work/$name.pcap" &&
		"$PY" "$here/corpus-relink.py" head 45 "$pdir/traceroute-icmp4.pcap" "$work/$name.head.pcap" &&
		"$PY" "$here/corpus-truth.py" --src 10.77.0.1 "$work/$name.head.pcap" \
			>"$work/$name.out" 2>/dev/null; then
		cp "$work/$name.pcap" "$pdir/"
		cp "$work/$name.out" "$edir/$name.out"
		note "$name: $name.pcap: truth written (45 whole records of traceroute-icmp4.pcap)"
		TZ=UTC "$HOPTRACE" -n -r "$pdir/$name.pcap" >"$work/$name.ht" 2>"$work/$name.hterr"
		rc=$?
		if [ "$rc" = 0 ] && [ "$(wc -l <"$work/$name.hterr")" = 1 ] &&
			cmp -s "$work/$name.ht" "$edir/$name.out"; then
			report+=("PASS $name (stdout, one warning line, exit 0)")
		else
			report+=("FAIL $name (exit $rc)")
			{
				echo "---- $name: hoptrace -n -r $name.pcap (exit $rc)"
				sed 's/^/stderr: /' "$work/$name.hterr"
				diff -u "$edir/$name.out" "$work/$name.ht" | sed 1,2d
			} >>"$work/discrepancies"
		fi
	else
		echo "$name: could not be made" >&2
		fail=1
	fi
fi

# ---- report ------------------------------------------------------------------
note ""
note "== hoptrace -n -r against the truth ($HOPTRACE)"
printf '%s\n' "${report[@]}"
if [ -f "$work/discrepancies" ]; then
	note ""
	note "== differences (- expected, + hoptrace)"
	cat "$work/discrepancies"
fi
if [ "$fail" != 0 ]; then
	note "make-corpus.sh: some captures failed (see above)" >&2
	exit 1
fi
exit 0

#!/bin/bash
# bench/scale.sh - many targets at a set rate: hoptrace --targets against a
# whole /16 of the testbed (tests/net/netns.sh --prefix --prefix-short: 65,536
# targets, the upper half 3 hops away, the lower 5), TTLs 1 to 16, beside
# scamper (-p, which caps at 10,000 pps) and zmap (one echo a target: the
# send rate alone; Debian's zmap 2.1.1 has no --probe-ttl), in one run.
#
#   sudo bench/scale.sh [RATES]     (default "10000 50000 100000 max")
#
# First the testbed's own capacity: zmap sends the 65,536 echo requests
# as fast as it can (-r 10000000) and the echo replies that come back are
# counted (zmap's own output); that is what the five routers and the
# target forward and answer, the physical limit the figures are read
# against.  Then for each rate: hoptrace --targets --rows -m 16 (ICMP),
# under /usr/bin/time (wall, user + system CPU, peak resident memory),
# with tcpdump capturing every ICMP reply to the source on the source's
# interface (its own drops are reported); its summary line gives the
# probes sent, the rate achieved and the replies matched; the rows are
# checked against the topology (a target's path is exact when every TTL
# below its distance was answered by the right router and it answered at
# its distance).  zmap runs at the same rate; scamper at 10,000 pps
# ("trace -P icmp-paris -q 1 -m 16", JSON through sc_warts2json) once.
# The senders' own capacity, with the network taken out: hoptrace (flat
# out, -W 0.2) and zmap (flat out) toward 10.201.0.0/16, routed from the
# source into a veth whose far end (namespace ${N}k, forwarding off)
# drops every probe: what each tool's sending loop and the source's IP
# stack do when forwarding costs nothing, the ceiling a tool's own design
# sets.
#
# BENCH_RPS=1 spreads the testbed's receive work over every CPU (each
# veth's rx queue gets rps_cpus = all CPUs, in every namespace, for every
# tool alike).  Without it (the kernel's default) a veth delivers a packet
# in softirq on the CPU that sent it, so the forwarding of every probe
# through the chain and of its answer back is done, and charged, on the
# sender's CPU.
# Figures only, never pass/fail: the machine is shared.  Traffic stays in
# the namespaces this script makes.  Markdown on stdout, for BENCHMARKS.md;
# BENCH_PREFIX (default 10.200.0.0/16) makes a smaller trial run.
set -u
here=$(cd "$(dirname "$0")" && pwd)
srcdir=$here/../tests
# shellcheck source=../tests/net/netns.sh disable=SC1091
. "$srcdir/net/netns.sh"
HOPTRACE=${HOPTRACE:-$here/../hoptrace}
RATES=${1:-"10000 50000 100000 max"}
PREFIX=${BENCH_PREFIX:-10.200.0.0/16}
HOPS=5
SHORT=3
ht_net_need_root tcpdump python3 timeout
for c in scamper sc_warts2json zmap /usr/bin/time; do
	command -v "$c" >/dev/null 2>&1 || { echo "SKIP: $c not installed" >&2; exit 77; }
done

N=htbs$$
tmp=$(mktemp -d)
[ -n "${BENCH_KEEP:-}" ] && echo "keeping $tmp" >&2
tpid=
trap '[ -n "$tpid" ] && kill "$tpid" 2>/dev/null; ht_net_down $N; ip netns del ${N}k 2>/dev/null; [ -n "${BENCH_KEEP:-}" ] || rm -rf "$tmp"' EXIT
trap 'exit 143' TERM INT

ht_net_up "$N" --hops "$HOPS" --prefix --prefix-short "$SHORT" >&2 || {
	echo "ERROR: ht_net_up failed" >&2
	exit 99
}
S=${N}s
K=${N}k
rps=${BENCH_RPS:-0}
ncpu=$(nproc)
mask=$(printf '%x' $(((1 << ncpu) - 1)))
if [ "$rps" = 1 ]; then
	for ns in $(ip netns list | awk '{ print $1 }' | grep -E "^${N}(s|t|r[0-9]+)\$"); do
		ip netns exec "$ns" sh -c "for q in /sys/class/net/*/queues/rx-*; do
			echo $mask >\$q/rps_cpus; done" 2>/dev/null
	done
fi
# the sink: 10.201.0.0/16 from the source into a veth whose end drops it
{ ip netns add "$K" && ip -n "$S" link add x0 type veth peer name x1 netns "$K" &&
	ip -n "$S" addr add 10.202.0.1/30 dev x0 && ip -n "$S" link set x0 up &&
	ip -n "$K" link set x1 up && ip netns exec "$K" sysctl -qw net.ipv4.ip_forward=0; } || {
	echo "ERROR: the sink failed" >&2
	exit 99
}
kmac=$(ip -n "$K" link show x1 | awk '/ether/ { print $2 }')
ip -n "$S" neigh add 10.202.0.2 lladdr "$kmac" dev x0 nud permanent
ip -n "$S" route add 10.201.0.0/16 via 10.202.0.2 dev x0
read -r dev via src < <(ip -n "$S" -4 route get 10.200.0.1 |
	awk '{ for (i = 1; i < NF; i++) { if ($i == "dev") d = $(i + 1);
	    if ($i == "via") v = $(i + 1); if ($i == "src") s = $(i + 1) } }
	    END { print d, v, s }')
mac=$(ip -n "$S" neigh show "$via" | awk '{ for (i = 1; i < NF; i++) if ($i == "lladdr") print $(i + 1) }')
printf '%s\n' "$PREFIX" >"$tmp/targets"
python3 -c 'import ipaddress, sys
for a in ipaddress.ip_network(sys.argv[1]): print(a)' "$PREFIX" >"$tmp/list"
ntargets=$(wc -l <"$tmp/list")
: >"$tmp/blacklist"

# tcpdump_start FILE / tcpdump_stop: every ICMP reply to the source
tcpdump_start() {
	ip netns exec "$S" tcpdump -i "$dev" -n -B 65536 --immediate-mode -w "$1" \
		"icmp and dst host $src and (icmp[0] == 0 or icmp[0] == 11 or icmp[0] == 3)" \
		2>"$1.err" &
	tpid=$!
	sleep 1
}
tcpdump_stop() {
	sleep 1
	kill -INT "$tpid" 2>/dev/null
	wait "$tpid" 2>/dev/null
	tpid=
}
count() { tcpdump -r "$1" -n 2>/dev/null | wc -l; }
tdrops() { sed -n 's/^\([0-9]*\) packets dropped by kernel$/\1/p' "$1.err"; }

# zmap RATE [DEV MAC SRC PREFIX]: "sent_rate_pps replies wall_s"
zmap_run() {
	local t0 t1
	t0=$(date +%s%N)
	ip netns exec "$S" zmap -M icmp_echoscan -i "${2:-$dev}" -G "${3:-$mac}" \
		-S "${4:-$src}" -b "$tmp/blacklist" -r "$1" -c 1 -o "$tmp/zmap.out" "${5:-$PREFIX}" \
		>/dev/null 2>"$tmp/zmap.err"
	t1=$(date +%s%N)
	python3 - "$tmp/zmap.err" "$tmp/zmap.out" "$t0" "$t1" <<'PY'
import re, sys
rate = "?"
for line in open(sys.argv[1]):
    m = re.search(r"send: \d+ done \(([\d.]+) ([KMG]?)p/s avg\)", line)
    if m:
        rate = float(m.group(1)) * {"": 1, "K": 1e3, "M": 1e6, "G": 1e9}[m.group(2)]
replies = len(set(l.strip() for l in open(sys.argv[2]) if l.strip() and l[0].isdigit()))
print(rate if rate == "?" else "%.0f" % rate, replies, "%.2f" % ((int(sys.argv[4]) - int(sys.argv[3])) / 1e9))
PY
}

# exact ROWS: "targets_exact"
exact() {
	python3 - "$1" "$HOPS" "$SHORT" <<'PY'
import ipaddress, json, sys
hops, short = int(sys.argv[2]), int(sys.argv[3])
upper = ipaddress.ip_network("10.200.128.0/17")
ans, bad = {}, set()
for line in open(sys.argv[1]):
    r = json.loads(line)
    t, ttl = r["target"], r["ttl"]
    d = short if ipaddress.ip_address(t) in upper else hops
    want = "10.77.%d.2" % (ttl - 1) if ttl < d else t
    if r["responder"] != want:
        bad.add(t)
    ans.setdefault(t, set()).add(ttl)
ok = 0
for t, a in ans.items():
    d = short if ipaddress.ip_address(t) in upper else hops
    if t not in bad and set(range(1, d + 1)) <= a:
        ok += 1
print(ok)
PY
}

started=$(date -u '+%Y-%m-%d %H:%M UTC')
uname_r=$(uname -r)
cpu=$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -1)
load0=$(cut -d' ' -f1-3 /proc/loadavg)

# the testbed's capacity, twice
cap1=$(zmap_run 10000000)
cap2=$(zmap_run 10000000)

# the senders' own capacity: into the sink, flat out
echo 10.201.0.0/16 >"$tmp/sink"
ip netns exec "$S" /usr/bin/time -o "$tmp/k.time" -f '%e %U %S %M' \
	"$HOPTRACE" -n --targets="$tmp/sink" --rows -m 16 --rate=1000000 -W 0.2 \
	>/dev/null 2>"$tmp/k.err"
KH=$(python3 - "$tmp/k.err" "$tmp/k.time" <<'PY'
import re, sys
m = re.search(r"(\d+) probes sent in ([\d.]+) s \((\d+) pps", open(sys.argv[1]).read())
wall, usr, sy, rss = open(sys.argv[2]).read().split()[-4:]
if not m:
    print("? ? ? ?"); sys.exit()
sent, el, pps = m.groups()
print(sent, pps, "%.1f" % ((float(usr) + float(sy)) / int(sent) * 1e6),
      "%.1f" % (float(usr) / int(sent) * 1e6))
PY
)
KZ1=$(zmap_run 10000000 x0 "$kmac" 10.202.0.1 10.201.0.0/16)
KZ2=$(zmap_run 10000000 x0 "$kmac" 10.202.0.1 10.201.0.0/16)

declare -A H Z
for r in $RATES; do
	rate=$r
	[ "$r" = max ] && rate=1000000
	tcpdump_start "$tmp/h$r.pcap"
	ip netns exec "$S" /usr/bin/time -o "$tmp/h$r.time" -f '%e %U %S %M' \
		"$HOPTRACE" -n --targets="$tmp/targets" --rows -m 16 --rate="$rate" \
		>"$tmp/h$r.json" 2>"$tmp/h$r.err"
	tcpdump_stop
	H[$r]=$(python3 - "$tmp/h$r.err" "$tmp/h$r.time" <<'PY'
import re, sys
s = open(sys.argv[1]).read()
m = re.search(r"(\d+) probes sent in ([\d.]+) s \((\d+) pps, asked (\d+)\), (\d+) skipped.*; (\d+) replies, (\d+) matched; (\d+) of (\d+)", s)
wall, usr, sy, rss = open(sys.argv[2]).read().split()[-4:]
if not m:
    print("? ? ? ? ? ? ? ?", wall, float(usr) + float(sy), rss, usr); sys.exit()
sent, el, pps, asked, skipped, rep, mat, done, tg = m.groups()
print(sent, el, pps, asked, skipped, rep, mat, done, wall, "%.2f" % (float(usr) + float(sy)), rss, usr)
PY
)
	H[$r]+=" $(count "$tmp/h$r.pcap") $(tdrops "$tmp/h$r.pcap") $(exact "$tmp/h$r.json")"
	Z[$r]=$(zmap_run "$rate")
done

# scamper at its cap, 10,000 pps
tcpdump_start "$tmp/s.pcap"
ip netns exec "$S" /usr/bin/time -o "$tmp/s.time" -f '%e %U %S %M' \
	scamper -p 10000 -c "trace -P icmp-paris -q 1 -m 16" -O warts \
	-o "$tmp/s.warts" -f "$tmp/list" >/dev/null 2>"$tmp/s.err"
tcpdump_stop
sc_warts2json "$tmp/s.warts" >"$tmp/s.json" 2>/dev/null
SC=$(python3 - "$tmp/s.json" "$HOPS" "$SHORT" "$tmp/s.time" <<'PY'
import ipaddress, json, sys
hops, short = int(sys.argv[2]), int(sys.argv[3])
upper = ipaddress.ip_network("10.200.128.0/17")
ok = probes = replies = 0
for line in open(sys.argv[1]):
    r = json.loads(line)
    if r.get("type") != "trace":
        continue
    t = r["dst"]
    d = short if ipaddress.ip_address(t) in upper else hops
    got = {h["probe_ttl"]: h["addr"] for h in r.get("hops", [])}
    replies += len(r.get("hops", []))
    probes += r.get("probe_count", 0)
    if all(got.get(k) == ("10.77.%d.2" % (k - 1) if k < d else t) for k in range(1, d + 1)):
        ok += 1
wall, usr, sy, rss = open(sys.argv[4]).read().split()[-4:]
print(probes, replies, ok, wall, "%.2f" % (float(usr) + float(sy)), rss)
PY
)
SC+=" $(count "$tmp/s.pcap") $(tdrops "$tmp/s.pcap")"
load1=$(cut -d' ' -f1-3 /proc/loadavg)

# ---- the report ------------------------------------------------------
read -r c1r c1n c1w <<<"$cap1"
read -r c2r c2n c2w <<<"$cap2"
read -r khs khp khc khu <<<"$KH"
read -r kz1 _ _ <<<"$KZ1"
read -r kz2 _ _ <<<"$KZ2"
if [ "$rps" = 1 ]; then
	rpsdesc="BENCH_RPS=1, every veth's receive spread over all $ncpu CPUs (rps_cpus $mask) for every tool alike"
else
	rpsdesc="BENCH_RPS=0, the kernel's default: a veth delivers on the CPU that sent the packet (no RPS)"
fi
cat <<EOF
## Many targets at a set rate (bench/scale.sh)

Run $started by \`bench/scale.sh\` on a machine with $ncpu CPUs ($cpu), Linux $uname_r;
hoptrace $("$HOPTRACE" -V 2>/dev/null | head -1 | awk '{print $NF}') (the source tree at $(git -C "$here/.." rev-parse --short HEAD 2>/dev/null)); load average $load0 at the start, $load1 at the end
(the machine is shared: read figures against each other within this run).

Network: tests/net/netns.sh --prefix --prefix-short $SHORT: source, 4 routers, target; the target answers for
all of $PREFIX ($ntargets targets), hop $SHORT for its upper half, so a target is $SHORT or $HOPS hops away.
No added latency (RTTs of tens of microseconds): these figures measure sending, matching and the
kernel's forwarding, not waiting. Testbed: $rpsdesc.

**The senders' own capacity** (the network taken out: probes routed into a veth whose far end
drops them; nothing forwarded, nothing answered): hoptrace flat out sent $(printf "%'d" "$khs") probes at
$(printf "%'d" "$khp") pps, $khc us CPU per probe ($khu user); zmap flat out sent 65,536 at $kz1 and $kz2 pps (two runs).

**The testbed's capacity**: zmap sending the $ntargets echo requests as fast as it can sent
$c1r and $c2r packets/s (two runs) and got $c1n and $c2n of $ntargets echo replies back: that many round trips
through five hops each way is what this machine forwards and answers at those rates.

hoptrace: \`--targets=$PREFIX --rows -m 16 --rate=R\` (ICMP, TTLs 1 to 16, $((ntargets * 16)) pairs, the
stop rules skipping the TTLs beyond a target's end). "matched / captured": the replies hoptrace
made rows of, against the ICMP replies to the source that tcpdump captured on its interface in the
same window (tcpdump's own drops in brackets). CPU: user + system of the whole process, per probe
sent (in brackets the user part; the rest is the kernel's, which runs the forwarding through the
testbed's veths in the sender's context). Memory: peak resident set.

| asked (pps) | sent | achieved (pps) | time to finish | CPU per probe | matched / captured | paths exact | peak memory | zmap at the same rate: achieved (pps), replies |
|---:|---:|---:|---:|---:|---:|---:|---:|---:|
EOF
for r in $RATES; do
	# shellcheck disable=SC2086 # fields on purpose
	set -- ${H[$r]}
	sent=$1 pps=$3 asked=$4 mat=$7 wall=$9 cpu_s=${10} rss=${11} usr=${12} cnt=${13:-?} td=${14:-} ex=${15:-?}
	[ -z "$td" ] && td=0
	read -r zr zn _ <<<"${Z[$r]}"
	python3 - "$r" "$asked" "$sent" "$pps" "$wall" "$cpu_s" "$mat" "$cnt" "$td" "$ex" "$ntargets" "$rss" "$zr" "$zn" "$usr" <<'PY'
import sys
r, asked, sent, pps, wall, cpu, mat, cnt, td, ex, nt, rss, zr, zn, usr = sys.argv[1:]
label = "as fast as it can (%s)" % asked if r == "max" else "{:,}".format(int(asked))
share = "%.3f%%" % (100.0 * int(mat) / int(cnt)) if cnt.isdigit() and int(cnt) else "?"
cpp = "%.1f us (%.1f user)" % (float(cpu) / int(sent) * 1e6, float(usr) / int(sent) * 1e6) if sent.isdigit() and int(sent) else "?"
print("| %s | %s | %s | %s s | %s | %s / %s = %s (%s) | %s of %s | %.1f MiB | %s, %s |" % (
    label, "{:,}".format(int(sent)) if sent.isdigit() else sent,
    "{:,}".format(int(pps)) if pps.isdigit() else pps, wall, cpp, mat, cnt, share, td,
    ex, nt, int(rss) / 1024.0, "{:,}".format(int(zr)) if zr.isdigit() else zr, zn))
PY
done
read -r sp srep sok swall scpu srss scnt std <<<"$SC"
[ -z "${std:-}" ] && std=0
cat <<EOF

scamper 20211212, \`scamper -p 10000 -c "trace -P icmp-paris -q 1 -m 16" -f LIST\` (its highest rate), the same
$ntargets targets in the same run: $(printf "%'d" "$sp") probes, $swall s to finish, $(python3 -c "import sys; print('%.2f us' % (float(sys.argv[1]) / max(int(sys.argv[2]), 1) * 1e6))" "$scpu" "$sp") CPU per probe,
$srep replies in its traces of $scnt captured ($std dropped by tcpdump), $sok of $ntargets paths exact, $(python3 -c "import sys; print('%.1f' % (int(sys.argv[1]) / 1024.0))" "$srss") MiB peak memory.
EOF

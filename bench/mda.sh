#!/bin/bash
# bench/mda.sh - multipath discovery, side by side: hoptrace --mda (MDA-Lite
# and full), scamper tracelb and dublin-traceroute on the testbed's diamonds
# (tests/net/netns-graph.sh), IPv4 UDP unless BENCH_AF or BENCH_PROTO say
# otherwise (below), 95% for the MDA tools.
#
#   sudo bench/mda.sh [RUNS]          (RUNS per tool and diamond, default 20)
#
# For each diamond, RUNS rounds; each round runs the four tools, in an order
# that rotates from round to round.  Per tool it reports: the fraction of
# runs that found every true link (the topology's, from netns-graph.sh), the
# probes sent (UDP packets leaving the source, counted from one tcpdump
# capture of the source's interface, in each run's time window: median and
# mean) and the wall time (median, mean).  dublin-traceroute runs with its
# defaults (20 paths, 10 ms between probes) but --max-ttl 10 (no diamond
# here is deeper than 8 hops).  Figures only, never pass/fail: the machine
# is shared.  Traffic stays in the namespaces this script makes.
# Without added latency (see bench/netns-delay.sh) RTTs are tens of
# microseconds, so wall times mostly measure probing strategy and waits.
#
# BENCH_DELAY: milliseconds that every router and the target hold each
# packet they forward or send (bench/netns-delay.sh, NFQUEUE; hop k's RTT
# is about (2k - 1) * BENCH_DELAY) [2]; 0: no added latency.
# BENCH_UNTIL: a Unix time; no round starts after it, so a run that must end
# by then reports the rounds it made (the found column's denominator) [none].
# BENCH_SHAPES: the diamonds to run, in order [all six].
# BENCH_TOOLS: the tools to run, of lite full scamper dublin [all four].
# BENCH_CONF: hoptrace's --confidence [95] (scamper tracelb runs at its 95).
# BENCH_AF: 4 or 6 [4].  BENCH_PROTO: udp, icmp or tcp [udp].  For ICMP the
# balancing routers split echo requests by their checksum
# (tests/net/netns-icmp-balance.sh: a Linux router hashes no ICMP field); the
# tools vary it between flows (hoptrace -I --mda, scamper -P icmp-echo).
# TCP: hoptrace -T, scamper -P tcp-sport.  dublin-traceroute probes IPv4
# UDP only and is left out of the other runs.
# BENCH_KEEP: a path prefix; each run's output is kept as PREFIX.SHAPE.TOOL.RUN.
set -u
here=$(cd "$(dirname "$0")" && pwd)
srcdir=$here/../tests
# shellcheck source=../tests/net/netns.sh disable=SC1091
. "$srcdir/net/netns.sh"
# shellcheck source=../tests/net/netns-graph.sh disable=SC1091
. "$srcdir/net/netns-graph.sh"
# shellcheck source=../tests/net/netns-icmp-balance.sh disable=SC1091
. "$srcdir/net/netns-icmp-balance.sh"
# shellcheck source=netns-delay.sh disable=SC1091
. "$here/netns-delay.sh"
HOPTRACE=${HOPTRACE:-$here/../hoptrace}
RUNS=${1:-20}
DELAY=${BENCH_DELAY:-2}
UNTIL=${BENCH_UNTIL:-}
ht_net_need_root tcpdump python3 timeout

N=htbm$$0
tmp=$(mktemp -d)
trap 'kill "${tpid:-}" 2>/dev/null; ht_delay_stop $N; ht_graph_down $N; rm -rf "$tmp" "/etc/netns/${N}s"' EXIT
trap 'exit 143' TERM INT

declare -A SPEC
SHAPES=${BENCH_SHAPES:-"width2 width4 width8 nested meshed unequal"}
for shape in $SHAPES; do
	SPEC[$shape]=$(ht_graph_shape "$shape") || { echo "no diamond $shape" >&2; exit 2; }
done
CONF=${BENCH_CONF:-95}
AF=${BENCH_AF:-4} PROTO=${BENCH_PROTO:-udp}
case $AF$PROTO in
4udp) TOOLS=${BENCH_TOOLS:-"lite full scamper dublin"} ;;
4icmp | 4tcp | 6udp | 6icmp | 6tcp) TOOLS=${BENCH_TOOLS:-"lite full scamper"} ;;
*) echo "BENCH_AF must be 4 or 6, BENCH_PROTO udp, icmp or tcp" >&2; exit 2 ;;
esac
case $PROTO in
udp) HTM=-U SCM=udp-dport ;;
icmp) HTM=-I SCM=icmp-echo ;;
tcp) HTM=-T SCM=tcp-sport ;;
esac
BENCH_KEEP=${BENCH_KEEP:-}
for c in scamper dublin; do
	case " $TOOLS " in *" $c "*) ;; *) continue ;; esac
	[ "$c" = dublin ] && c=dublin-traceroute
	command -v "$c" >/dev/null 2>&1 || { echo "SKIP: $c not installed" >&2; exit 77; }
done

now() { date +%s%N; }

# links TOOL OUT: "a b" per link found, from the tool's output
links() {
	case $1 in
	lite | full)
		awk '/^    [^ ]/ { from = $1; next } /^      -> / { print from, $2 }' "$2" ;;
	scamper)
		sed -n 's/^\([0-9a-f.:]*\) -> \([0-9a-f.:]*\)$/\1 \2/p' "$2" ;;
	dublin)
		python3 -c '
import json, sys
o = json.load(open(sys.argv[1]))
for hops in o["flows"].values():
    by = {h["sent"]["ip"]["ttl"]: h["received"]["ip"]["src"]
          for h in hops if h.get("received")}
    for t in sorted(by):
        if t + 1 in by and by[t] != by[t + 1]:
            print(by[t], by[t + 1])
' "$2" ;;
	esac | sort -u
}

runone() { # TOOL OUTFILE
	case $1 in
	lite | full)
		ip netns exec "${N}s" timeout 60 "$HOPTRACE" -n "-$AF" "$HTM" --mda="$1" \
			--confidence="$CONF" "$DST" >"$2" 2>/dev/null ;;
	scamper)
		ip netns exec "${N}s" timeout 60 scamper -O text -I \
			"tracelb -P $SCM $DST" >"$2" 2>/dev/null ;;
	dublin)
		(cd "$tmp/dub" && rm -f trace.json &&
			ip netns exec "${N}s" timeout 60 dublin-traceroute -T 10 "$HT_TARGET4" \
				>/dev/null 2>&1; cp trace.json "$2" 2>/dev/null) ;;
	esac
}

mkdir -p "$tmp/dub"
echo "# $RUNS rounds, IPv$AF $PROTO, delay ${DELAY} ms a router, hoptrace at $CONF%, $(uname -r), $(nproc) CPUs"
printf '%-8s %-8s %5s %9s %9s %10s %10s\n' diamond tool found probes~ probes_avg time~_ms time_avg_ms
for shape in $SHAPES; do
	ht_graph_up "$N" "${SPEC[$shape]}" >/dev/null || { echo "network $shape failed" >&2; exit 1; }
	if [ "$DELAY" != 0 ]; then
		# shellcheck disable=SC2086 # one name a word
		HT_DELAY_NODES=$(printf '%s\n' $HT_GRAPH_NODES | grep -vx s | tr '\n' ' ') \
			ht_delay_start "$N" "$DELAY" || { echo "delay on $shape failed" >&2; exit 1; }
	fi
	mkdir -p "/etc/netns/${N}s"
	echo "nameserver 127.0.0.1" >"/etc/netns/${N}s/resolv.conf"
	if [ "$PROTO" = icmp ]; then
		ht_graph_icmp_balance "$N" || { echo "ICMP balancing on $shape failed" >&2; exit 1; }
	fi
	ht_graph_truth "$AF" | sed -n 's/^L //p' >"$tmp/truth"
	# the probes: what leaves the source of the probing protocol
	if [ "$AF" = 4 ]; then
		DST=$HT_TARGET4 SRC=$HT_SOURCE4
		case $PROTO in
		udp) pf=udp ;; icmp) pf="icmp[icmptype] = icmp-echo" ;;
		tcp) pf="tcp[tcpflags] & tcp-syn != 0" ;;
		esac
	else
		DST=$HT_TARGET6 SRC=$HT_SOURCE6
		case $PROTO in
		udp) pf="ip6 and udp" ;; icmp) pf="icmp6 and ip6[40] = 128" ;;
		tcp) pf="ip6 and tcp and ip6[53] & 2 != 0" ;;
		esac
	fi
	ip netns exec "${N}s" tcpdump -i e0 -B 16384 -U --immediate-mode -w "$tmp/cap.pcap" \
		"$pf and src host $SRC" 2>"$tmp/tcpdump.err" &
	tpid=$!
	for ((i = 0; i < 50; i++)); do
		grep -q listening "$tmp/tcpdump.err" && break
		sleep 0.1
	done
	: >"$tmp/windows"
	read -ra tl <<<"$TOOLS"
	for ((r = 0; r < RUNS; r++)); do
		[ -n "$UNTIL" ] && [ "$(date +%s)" -ge "$UNTIL" ] && break
		for ((k = 0; k < ${#tl[@]}; k++)); do
			tool=${tl[$(((k + r) % ${#tl[@]}))]}
			t0=$(now)
			runone "$tool" "$tmp/out"
			t1=$(now)
			links "$tool" "$tmp/out" >"$tmp/found" 2>/dev/null
			ok=0
			[ -z "$(comm -23 "$tmp/truth" "$tmp/found")" ] && ok=1
			echo "$tool $t0 $t1 $ok" >>"$tmp/windows"
			[ -n "$BENCH_KEEP" ] && cp "$tmp/out" "$BENCH_KEEP.$shape.$tool.$r"
			sleep 0.05 # the windows of two runs never touch
		done
	done
	sleep 0.5
	kill -INT "$tpid" 2>/dev/null
	wait "$tpid" 2>/dev/null
	tpid=""
	grep -E 'dropped by kernel' "$tmp/tcpdump.err" | grep -v '^0 ' >&2
	tcpdump -tt -n -r "$tmp/cap.pcap" 2>/dev/null | awk '{ print $1 }' >"$tmp/times"
	python3 - "$shape" "$tmp/windows" "$tmp/times" <<'EOF'
import statistics as st, sys
shape, wf, tf = sys.argv[1:4]
times = [float(x) for x in open(tf)]
res = {}
for line in open(wf):
    tool, t0, t1, ok = line.split()
    a, b = int(t0) / 1e9, int(t1) / 1e9
    n = sum(1 for t in times if a <= t <= b)
    res.setdefault(tool, []).append((int(ok), n, (b - a) * 1000))
for tool in ("lite", "full", "scamper", "dublin"):
    r = res.get(tool, [])
    if not r:
        continue
    ok = sum(x[0] for x in r)
    pr = [x[1] for x in r]
    wt = [x[2] for x in r]
    print("%-8s %-8s %2d/%-2d %9.0f %9.1f %10.1f %10.1f" % (shape, tool, ok,
          len(r), st.median(pr), st.mean(pr), st.median(wt), st.mean(wt)))
EOF
	ht_delay_stop "$N"
	ht_graph_down "$N"
done

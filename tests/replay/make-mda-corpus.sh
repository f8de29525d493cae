#!/bin/bash
# tests/replay/make-mda-corpus.sh - the multipath replay corpus: captures of
# dublin-traceroute on the testbed's diamonds (tests/net/netns-graph.sh), made
# by hand as root, and their expected graphs, for the mda cases of
# tests/replay/CASES.
#
#   sudo tests/replay/make-mda-corpus.sh [SHAPE...]     (default: all)
#
# For each shape it builds the network, gives the source a resolv.conf
# that refuses at once (dublin-traceroute waits on reverse lookups), starts
#   tcpdump -i e0 -s 2048 -B 16384 -U --immediate-mode -w FILE
# in the source namespace, runs dublin-traceroute from a temporary
# directory, waits 0.5 s and stops tcpdump.  It writes
#   pcaps/dublin-SHAPE.pcap            the capture
#   tests/replay/mda/dublin-SHAPE.graph   the topology's nodes and links
#                                      (ht_graph_truth 4): the truth
#   pcaps/tool-output/dublin-SHAPE.txt    the command, then one line per
#                                      flow from dublin's own trace.json:
#                                      "DPORT TTL:ADDR ..." up to its end
# "scamper6" is scamper's tracelb over IPv6 (needs ethtool, see scamper6()):
#   scamper-tracelb-udp6-width2, -width4 (tracelb -P udp-dport): the .graph
#     the topology's, remade unless scamper printed exactly its links;
#   scamper-tracelb-icmp6 (-P icmp-echo, width 2): a Linux balancer hashes
#     ICMP by addresses only, so its graph is one path: the .graph holds the
#     links scamper printed, each checked to be a link of the topology;
#   scamper-tracelb-icmp4-width4 (-P icmp-echo, IPv4, width 4 balanced by the
#     ICMP checksum): the topology's .graph;
# each with pcaps/tool-output/NAME.txt (the command, scamper's text).
# "icmp" is hoptrace's own -I --mda -w on the width-4 diamond whose
# balancer splits ICMP echo by its checksum (tests/net/netns-icmp-balance.sh),
# IPv4 and IPv6: pcaps/hoptrace-mda-icmp4.pcap, -icmp6.pcap, the .graph the
# topology's (made again unless the run found exactly it), tool-output the
# command and hoptrace's text.
# A capture is made again (at most 4 tries) if tcpdump dropped packets or
# dublin's own trace.json misses a true link (20 flows through a width 8
# can miss one: that shape runs 64).  Traffic stays in the namespaces
# this script makes.
set -u
here=$(cd "$(dirname "$0")" && pwd)
top=$here/../..
# shellcheck source=../net/netns.sh disable=SC1091
. "$top/tests/net/netns.sh"
# shellcheck source=../net/netns-graph.sh disable=SC1091
. "$top/tests/net/netns-graph.sh"
# shellcheck source=../net/netns-icmp-balance.sh disable=SC1091
. "$top/tests/net/netns-icmp-balance.sh"
ht_net_need_root tcpdump python3 timeout

N=htmc$$0
tmp=$(mktemp -d)
trap 'kill "${tpid:-}" 2>/dev/null; ht_graph_down $N; rm -rf "$tmp" "/etc/netns/${N}s"' EXIT

declare -A SPEC DEPTH PATHS
SPEC[width2]=$(ht_graph_shape width2) DEPTH[width2]=6 PATHS[width2]=20
SPEC[width4]=$(ht_graph_shape width4) DEPTH[width4]=6 PATHS[width4]=20
SPEC[width8]=$(ht_graph_shape width8) DEPTH[width8]=6 PATHS[width8]=64
SPEC[nested]=$(ht_graph_shape nested)
DEPTH[nested]=8 PATHS[nested]=20
SPEC[meshed]=$(ht_graph_shape meshed)
DEPTH[meshed]=7 PATHS[meshed]=20
SPEC[unequal]=$(ht_graph_shape unequal)
DEPTH[unequal]=7 PATHS[unequal]=20
SHAPES=${*:-"width2 width4 width8 nested meshed unequal scamper6 icmp"}
HOPTRACE=${HOPTRACE:-$top/hoptrace}

# paths TRACE.JSON: "DPORT TTL:ADDR ..." per flow, up to its first answer
# from the destination (or an unreachable), by dport
paths() {
	python3 -c '
import json, sys
o = json.load(open(sys.argv[1]))
for port in sorted(o["flows"], key=int):
    hops = sorted((h for h in o["flows"][port] if h.get("received")),
                  key=lambda h: h["sent"]["ip"]["ttl"])
    out = []
    for h in hops:
        out.append("%d:%s" % (h["sent"]["ip"]["ttl"], h["received"]["ip"]["src"]))
        if h["received"]["icmp"]["type"] != 0 or h["received"]["icmp"]["code"] != 11:
            break
    print(port, " ".join(out))
' "$1"
}

# links PATHS: "a b" per link the paths show (consecutive TTLs answered)
links() {
	awk '{ for (i = 2; i < NF; i++) { split($i, a, ":"); split($(i + 1), b, ":");
		if (b[1] == a[1] + 1) print a[2], b[2] } }' "$1" | sort -u
}

# capture CMD...: tcpdump in the source namespace around CMD (run from
# $tmp/run); 0 when tcpdump dropped nothing
capture() {
	rm -f "$tmp/cap.pcap"
	ip netns exec "${N}s" tcpdump -i e0 -s 2048 -B 16384 -U --immediate-mode \
		-w "$tmp/cap.pcap" 2>"$tmp/tcpdump.err" &
	tpid=$!
	for ((i = 0; i < 50; i++)); do
		grep -q listening "$tmp/tcpdump.err" && break
		sleep 0.1
	done
	(cd "$tmp/run" && ip netns exec "${N}s" timeout 60 "$@")
	sleep 0.5
	kill -INT "$tpid" 2>/dev/null
	wait "$tpid" 2>/dev/null
	tpid=""
	grep -q '^0 packets dropped by kernel' "$tmp/tcpdump.err"
}

# scamper6 NAME W METHOD [AF [BALANCE]]: scamper's tracelb over IPv6 (or
# AF) on the width-W diamond; BALANCE "icmp": its balancer splits ICMP echo
# by checksum (tests/net/netns-icmp-balance.sh), and the .graph is the
# topology's.  The source's veth has its transmit checksum offload off: with
# it on, scamper's UDP probes leave with a partial checksum (veth never
# completes it), routers quote that, and scamper, whose probes carry their
# number in the UDP checksum, matches no answer.
scamper6() {
	local name=$1 w=$2 meth=$3 af=${4:-6} bal=${5-} ok=0 try tgt
	ht_graph_up "$N" "$(ht_graph_shape "width$w")" >/dev/null || { echo "network width$w failed" >&2; exit 1; }
	ip netns exec "${N}s" ethtool -K e0 tx off >/dev/null || exit 1
	if [ "$bal" = icmp ]; then
		ht_graph_icmp_balance "$N" || exit 1
	fi
	ht_graph_truth "$af" >"$tmp/graph"
	sed -n 's/^L //p' "$tmp/graph" >"$tmp/truth"
	if [ "$af" = 4 ]; then tgt=$HT_TARGET4; else tgt=$HT_TARGET6; fi
	cmd="tracelb -P $meth $tgt"
	for ((try = 0; try < 4 && ok == 0; try++)); do
		capture scamper -O text -I "$cmd" >"$tmp/sc.txt" 2>&1 || continue
		sed -n 's/^\([0-9a-f:.]*\) -> \([0-9a-f:.]*\)$/\1 \2/p' "$tmp/sc.txt" |
			sort -u >"$tmp/found"
		if [ "$meth" = icmp-echo ] && [ "$bal" != icmp ]; then
			# one path (4 links), every link a true one
			[ "$(wc -l <"$tmp/found")" -ge 4 ] &&
				[ -z "$(comm -23 "$tmp/found" "$tmp/truth")" ] && ok=1
		else
			[ -z "$(comm -3 "$tmp/found" "$tmp/truth")" ] && ok=1
		fi
	done
	[ "$ok" = 1 ] || { echo "$name: no good capture in 4 tries" >&2; exit 1; }
	cp "$tmp/cap.pcap" "$top/pcaps/$name.pcap"
	if [ "$meth" = icmp-echo ] && [ "$bal" != icmp ]; then
		{
			awk '{ print "N " $1; print "N " $2 }' "$tmp/found"
			sed 's/^/L /' "$tmp/found"
		} | sort -u >"$top/tests/replay/mda/$name.graph"
	else
		cp "$tmp/graph" "$top/tests/replay/mda/$name.graph"
	fi
	{ echo "scamper -O text -I '$cmd'"; cat "$tmp/sc.txt"; } >"$top/pcaps/tool-output/$name.txt"
	echo "$name: $(wc -c <"$top/pcaps/$name.pcap") bytes"
	ht_graph_down "$N"
}

icmp() {
	local af name ok try tgt
	ht_graph_up "$N" "$(ht_graph_shape width4)" >/dev/null || { echo "network width4 failed" >&2; exit 1; }
	ht_graph_icmp_balance "$N" || exit 1
	for af in 4 6; do
		name=hoptrace-mda-icmp$af
		if [ "$af" = 4 ]; then tgt=$HT_TARGET4; else tgt=$HT_TARGET6; fi
		ht_graph_truth "$af" >"$tmp/graph"
		ok=0
		for ((try = 0; try < 4 && ok == 0; try++)); do
			rm -f "$tmp/h.pcap"
			ip netns exec "${N}s" timeout 60 "$HOPTRACE" -n -I --mda --confidence=99.99 \
				-w "$tmp/h.pcap" "$tgt" >"$tmp/h.txt" 2>&1 || continue
			awk '/^    [^ ]/ { from = $1; print "N " $1; next }
				/^      -> / { print "L " from " " $2 }' "$tmp/h.txt" | sort -u >"$tmp/found"
			cmp -s "$tmp/found" "$tmp/graph" && ok=1
		done
		[ "$ok" = 1 ] || { echo "$name: no good run in 4 tries" >&2; exit 1; }
		cp "$tmp/h.pcap" "$top/pcaps/$name.pcap"
		cp "$tmp/graph" "$top/tests/replay/mda/$name.graph"
		{ echo "hoptrace -n -I --mda --confidence=99.99 -w FILE $tgt"; cat "$tmp/h.txt"; } \
			>"$top/pcaps/tool-output/$name.txt"
		echo "$name: $(wc -c <"$top/pcaps/$name.pcap") bytes"
	done
	ht_graph_down "$N"
}

mkdir -p "$top/tests/replay/mda" "$top/pcaps/tool-output" "$tmp/run"
for shape in $SHAPES; do
	if [ "$shape" = icmp ]; then
		icmp
		continue
	fi
	if [ "$shape" = scamper6 ]; then
		for c in scamper ethtool; do
			command -v "$c" >/dev/null 2>&1 || { echo "no $c" >&2; exit 1; }
		done
		scamper6 scamper-tracelb-icmp6 2 icmp-echo
		scamper6 scamper-tracelb-udp6-width2 2 udp-dport
		scamper6 scamper-tracelb-udp6-width4 4 udp-dport
		scamper6 scamper-tracelb-icmp4-width4 4 icmp-echo 4 icmp
		continue
	fi
	[ -n "${SPEC[$shape]-}" ] || { echo "no shape $shape" >&2; exit 2; }
	command -v dublin-traceroute >/dev/null 2>&1 || { echo "no dublin-traceroute" >&2; exit 1; }
	ht_graph_up "$N" "${SPEC[$shape]}" >/dev/null || { echo "network $shape failed" >&2; exit 1; }
	mkdir -p "/etc/netns/${N}s"
	echo "nameserver 127.0.0.1" >"/etc/netns/${N}s/resolv.conf"
	ht_graph_truth 4 >"$tmp/graph"
	sed -n 's/^L //p' "$tmp/graph" >"$tmp/truth"
	cmd="dublin-traceroute -n ${PATHS[$shape]} -T ${DEPTH[$shape]} $HT_TARGET4"
	ok=0
	for ((try = 0; try < 4 && ok == 0; try++)); do
		rm -f "$tmp/run/trace.json"
		# shellcheck disable=SC2086 # words on purpose
		capture $cmd >/dev/null 2>&1 || continue
		[ -s "$tmp/run/trace.json" ] || continue
		paths "$tmp/run/trace.json" >"$tmp/paths"
		links "$tmp/paths" >"$tmp/found"
		[ -z "$(comm -3 "$tmp/truth" "$tmp/found")" ] && ok=1
	done
	if [ "$ok" != 1 ]; then
		echo "$shape: no good capture in 4 tries" >&2
		exit 1
	fi
	cp "$tmp/cap.pcap" "$top/pcaps/dublin-$shape.pcap"
	cp "$tmp/graph" "$top/tests/replay/mda/dublin-$shape.graph"
	{ echo "$cmd"; cat "$tmp/paths"; } >"$top/pcaps/tool-output/dublin-$shape.txt"
	echo "dublin-$shape: $(wc -c <"$top/pcaps/dublin-$shape.pcap") bytes"
	ht_graph_down "$N"
done

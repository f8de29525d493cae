#!/bin/bash
# tests/live/live-mda.sh - multipath discovery (--mda) over real Linux routers
# (tests/net/netns.sh): diamonds of width 2 and 4 (hop 2 balances per flow
# over W routers at hop 3, which meet again at hop 4; the target is hop
# 5), IPv4 and IPv6.
#   - UDP at 99.99% confidence finds exactly the topology's nodes and
#     links (a miss at that confidence is a one-in-thousands event);
#   - the replay of its own -w capture (-r FILE --mda) gives the same
#     hops, links, flows and totals, line for line;
#   - at the default 95% every node and link found is a true one;
#   - TCP (-T) finds the width-2 diamond too;
#   - --dot output is accepted by graphviz's dot -Tsvg (skipped, and
#     said, when dot is not installed), one edge per link;
#   - a silent hop inside the diamond (both branch routers send no ICMP)
#     is one anonymous node "*" between hops 2 and 4, and the run goes on;
#   - a capture of scamper's tracelb (tcpdump in the source namespace)
#     replays to the links scamper itself printed (width 2, IPv4; skipped,
#     and said, without scamper or tcpdump);
#   - --max-probes bounds the run (a warning says so, exit 0);
#   - the first hop: one probe where the source's route has one next hop,
#     n_1 flows from the balancer, whose own route is multipath;
#   - usage errors (before any network): --dot, --confidence or
#     --max-probes without --mda, -j with --dot, values out
#     of range;
#   - -j: one JSON object whose nodes and links are the topology's, live
#     and replayed.
# Exit 0 pass, 1 fail, 77 skip, 99 hard error.
# shellcheck disable=SC2154,SC2034 # tmp: ht_tmpdir; last_cmd: ht_report
set -u
# shellcheck source=preamble.sh source-path=SCRIPTDIR disable=SC1091
. "$(dirname "$0")/preamble.sh"

# usage errors: exit 2, one line on stderr, nothing on stdout
usage_fail=0
for args in "--dot 192.0.2.1" "--confidence=99 192.0.2.1" \
	"--max-probes=10 192.0.2.1" "--mda -j --dot 192.0.2.1" \
	"--mda --confidence=49 192.0.2.1" "--mda --confidence=100 192.0.2.1" \
	"--mda --max-probes=0 192.0.2.1" "--mda --max-probes=65536 192.0.2.1" \
	"--mda=medium 192.0.2.1"; do
	# shellcheck disable=SC2086 # words on purpose
	out=$("$HOPTRACE" $args 2>&1 >/dev/null)
	st=$?
	if [ "$st" != 2 ] || [ "$(printf '%s\n' "$out" | wc -l)" != 1 ]; then
		echo "FAIL: hoptrace $args: exit $st (want 2), stderr: $out"
		usage_fail=1
	fi
done
[ "$usage_fail" = 0 ] || exit 1

ht_net_need_root timeout

ht_live_net htmda
failures=0
checks=0
K=2 # the balancer's hop

run() { # ARGS...: hoptrace in the source namespace
	last_cmd="ip netns exec ${N}s hoptrace $*"
	ht_net_exec "$N" s timeout 60 "$HOPTRACE" "$@" >"$tmp/out" 2>"$tmp/err" </dev/null
	rc=$?
}

# graph FILE: the nodes ("N addr") and links ("L from to") of a text
# output, sorted, one a line
graph() {
	awk '
	/^ ?[0-9]+  [0-9]+ interfaces?, [0-9]+ probes?$/ { next }
	/^    [^ ]/ { from = $1; print "N " $1; next }
	/^      -> / { print "L " from " " $2; next }
	' "$1" | sort -u
}

# truth FAMILY WIDTH: the nodes and links of the diamond, as graph prints
truth() {
	local af=$1 w=$2 j a b c
	{
		for h in 1 2 4 5; do
			echo "N $(ht_hop_addr"$af" "$h")"
		done
		echo "L $(ht_hop_addr"$af" 1) $(ht_hop_addr"$af" 2)"
		echo "L $(ht_hop_addr"$af" 4) $(ht_hop_addr"$af" 5)"
		a=$(ht_hop_addr"$af" "$K")
		c=$(ht_hop_addr"$af" $((K + 2)))
		for ((j = 0; j < w; j++)); do
			b=$(ht_hop_branch_addr"$af" $((K + 1)) "$j")
			echo "N $b"
			echo "L $a $b"
			echo "L $b $c"
		done
	} | sort -u
}

# ok_run DESC: exit 0, stderr empty, a totals line last
ok_run() {
	checks=$((checks + 1))
	local -a probs=()
	[ "$rc" = 0 ] || probs+=("exit status $rc, expected 0")
	[ -s "$tmp/err" ] && probs+=("stderr is not empty")
	tail -n 1 "$tmp/out" | grep -Eq '^nodes [0-9]+, links [0-9]+, probes [0-9]+, confidence [0-9.]+%$' ||
		probs+=("no totals line at the end")
	[ "${#probs[@]}" = 0 ] && return 0
	ht_report "$1" "${probs[@]}"
	return 1
}

# exact DESC AF W: the last run's graph is the truth
exact() {
	checks=$((checks + 1))
	graph "$tmp/out" >"$tmp/found"
	truth "$2" "$3" >"$tmp/truth"
	cmp -s "$tmp/found" "$tmp/truth" && return 0
	ht_report "$1" "graph differs from the topology (< found, > truth):" \
		"$(diff "$tmp/found" "$tmp/truth" | grep '^[<>]' | tr '\n' ';')"
	return 1
}

# sound DESC AF W: every node and link of the last run's graph is true
sound() {
	checks=$((checks + 1))
	graph "$tmp/out" >"$tmp/found"
	truth "$2" "$3" >"$tmp/truth"
	[ -z "$(comm -23 "$tmp/found" "$tmp/truth")" ] && return 0
	ht_report "$1" "false nodes or links: $(comm -23 "$tmp/found" "$tmp/truth" | tr '\n' ';')"
	return 1
}

for w in 2 4; do
	ht_net_up "$N" --hops 5 --balance "$K" --width "$w" || exit 99
	for af in 4 6; do
		if [ "$af" = 4 ]; then tgt=$HT_TARGET4; else tgt=$HT_TARGET6; fi
		desc="width $w IPv$af UDP 99.99%"
		run -n --mda -U --confidence=99.99 -w "$tmp/cap" "$tgt"
		if ok_run "$desc" && exact "$desc" "$af" "$w"; then
			cp "$tmp/out" "$tmp/live"
			checks=$((checks + 1))
			last_cmd="hoptrace -n -r $tmp/cap --mda"
			"$HOPTRACE" -n -r "$tmp/cap" --mda >"$tmp/out" 2>"$tmp/err"
			rc=$?
			if ! ok_run "$desc: replay" ||
				! cmp -s <(tail -n +2 "$tmp/live") <(tail -n +2 "$tmp/out"); then
				ht_report "$desc: replay differs from the live run" \
					"$(diff <(tail -n +2 "$tmp/live") <(tail -n +2 "$tmp/out") | tr '\n' ';')"
			fi
		fi
		desc="width $w IPv$af UDP -j"
		if [ -s "$tmp/cap" ]; then
			checks=$((checks + 1))
			"$HOPTRACE" -n -r "$tmp/cap" --mda -j >"$tmp/rj" 2>"$tmp/err"
			run -n --mda -j --confidence=99.99 "$tgt"
			for j in "$tmp/out" "$tmp/rj"; do
				if ! python3 -c '
import json, sys
lines = open(sys.argv[1]).read().splitlines()
assert len(lines) == 1, "%d lines" % len(lines)
o = json.loads(lines[0])
for k in ("type", "af", "proto", "src_addr", "dst_addr", "timestamp",
          "endtime", "probes", "confidence", "hops", "nodes", "links"):
    assert k in o, "no " + k
assert o["type"] == "mda" and o["af"] == int(sys.argv[2])
addr = {n["id"]: n["addr"] for n in o["nodes"]}
got = sorted(set(["N " + a for a in addr.values()] +
    ["L %s %s" % (addr[l["from"]], addr[l["to"]]) for l in o["links"]]))
want = open(sys.argv[3]).read().splitlines()
assert got == want, "graph %r, want %r" % (got, want)
assert sum(h["probes"] for h in o["hops"]) == o["probes"]
' "$j" "$af" "$tmp/truth" >"$tmp/jerr" 2>&1; then
					ht_report "$desc ($j)" "$(tail -n 1 "$tmp/jerr")"
				fi
			done
		fi
		desc="width $w IPv$af UDP 95%"
		run -n --mda "$tgt"
		ok_run "$desc" && sound "$desc" "$af" "$w"
		# the source's route has one next hop: one probe at TTL 1
		checks=$((checks + 1))
		if [ "$(sed -n 's/^ 1  1 interface, \([0-9]*\) probes\{0,1\}$/\1/p' \
			"$tmp/out")" != 1 ]; then
			ht_report "$desc: first hop" "want 1 interface, 1 probe (a route of one next hop)"
		fi
		if [ "$w" = 2 ]; then
			# the balancer's own route is multipath: its first hop is
			# counted as any other (n_1 = 6 flows at 95%)
			desc="width 2 IPv$af from the balancer, -m 1"
			checks=$((checks + 1))
			last_cmd="ip netns exec ${N}r$K hoptrace -n --mda -m 1 $tgt"
			ht_net_exec "$N" "r$K" timeout 60 "$HOPTRACE" -n --mda -m 1 "$tgt" \
				>"$tmp/out" 2>"$tmp/err" </dev/null
			rc=$?
			if [ "$rc" != 0 ] || ! grep -Eq '^ 1  [12] interfaces?, 6 probes$' "$tmp/out"; then
				ht_report "$desc" "want the first hop probed with 6 flows (a multipath route)"
			fi
		fi
		if [ "$w" = 2 ]; then
			desc="width $w IPv$af TCP 99.99%"
			run -n --mda -T --confidence=99.99 "$tgt"
			ok_run "$desc" && exact "$desc" "$af" "$w"
		fi
	done
	if [ "$w" = 2 ] && command -v scamper >/dev/null 2>&1 &&
		command -v tcpdump >/dev/null 2>&1; then
		desc="replay of scamper tracelb"
		checks=$((checks + 1))
		# ip execs timeout, which passes SIGTERM on to tcpdump
		ip netns exec "${N}s" timeout 30 tcpdump -i any -U --immediate-mode \
			-w "$tmp/sc.pcap" udp or icmp 2>"$tmp/tcpdump.err" &
		tpid=$!
		# tcpdump is ready when it says it listens
		for ((i = 0; i < 50; i++)); do
			grep -q listening "$tmp/tcpdump.err" && break
			sleep 0.1
		done
		ht_net_exec "$N" s timeout 60 scamper -O text -I \
			"tracelb -P udp-dport $HT_TARGET4" >"$tmp/sc.txt" 2>&1
		sleep 0.5
		kill -TERM "$tpid" 2>/dev/null
		wait "$tpid" 2>/dev/null
		last_cmd="hoptrace -n -r $tmp/sc.pcap --mda (scamper's output: $(head -1 "$tmp/sc.txt"))"
		"$HOPTRACE" -n -r "$tmp/sc.pcap" --mda >"$tmp/out" 2>"$tmp/err"
		rc=$?
		graph "$tmp/out" | sed -n 's/^L //p' >"$tmp/found"
		sed -n 's/^\([0-9.]*\) -> \([0-9.]*\)$/\1 \2/p' "$tmp/sc.txt" | sort -u >"$tmp/truth"
		if [ "$rc" != 0 ] || [ ! -s "$tmp/truth" ] || ! cmp -s "$tmp/found" "$tmp/truth"; then
			ht_report "$desc" "links differ from scamper's (< ours, > scamper's):" \
				"$(diff "$tmp/found" "$tmp/truth" | grep '^[<>]' | tr '\n' ';')"
		fi
	elif [ "$w" = 2 ]; then
		echo "NOTE: scamper or tcpdump not installed: no tracelb replay"
	fi
	if [ "$w" = 4 ]; then
		desc="width 4 --dot"
		run -n --mda --confidence=99.99 --dot "$HT_TARGET4"
		checks=$((checks + 1))
		links=$(truth 4 4 | grep -c '^L ')
		nodes=$(truth 4 4 | grep -c '^N ')
		# one edge per link, and one from the source to the first hop
		edges=$(grep -c -- '->' "$tmp/out")
		if [ "$rc" != 0 ] || [ -s "$tmp/err" ] || ! head -1 "$tmp/out" | grep -q '^digraph ' ||
			[ "$edges" != $((links + 1)) ] ||
			[ "$(grep -cE '^	n[0-9]+ \[label=' "$tmp/out")" != "$nodes" ]; then
			ht_report "$desc" "want a digraph, $nodes nodes, $((links + 1)) edges (got $edges)"
		elif command -v dot >/dev/null 2>&1; then
			checks=$((checks + 1))
			if ! dot -Tsvg "$tmp/out" >"$tmp/svg" 2>"$tmp/dot.err" || [ -s "$tmp/dot.err" ] ||
				! grep -q '<svg' "$tmp/svg"; then
				ht_report "$desc: dot -Tsvg refuses it" "$(cat "$tmp/dot.err")"
			fi
		else
			echo "NOTE: graphviz's dot is not installed: DOT output not rendered"
		fi
	fi
	ht_net_down "$N"
done

# A silent hop in the diamond: hop 3 (both branch routers) answers nothing.
ht_net_up "$N" --hops 5 --balance "$K" --width 2 --silent 3 || exit 99
for af in 4 6; do
	if [ "$af" = 4 ]; then tgt=$HT_TARGET4; else tgt=$HT_TARGET6; fi
	desc="silent hop 3, IPv$af"
	run -n --mda -W 2 "$tgt"
	if ok_run "$desc"; then
		checks=$((checks + 1))
		graph "$tmp/out" >"$tmp/found"
		{
			for h in 1 2 4 5; do echo "N $(ht_hop_addr"$af" "$h")"; done
			echo "N *"
			echo "L $(ht_hop_addr"$af" 1) $(ht_hop_addr"$af" 2)"
			echo "L $(ht_hop_addr"$af" 2) *"
			echo "L * $(ht_hop_addr"$af" 4)"
			echo "L $(ht_hop_addr"$af" 4) $(ht_hop_addr"$af" 5)"
		} | sort -u >"$tmp/truth"
		cmp -s "$tmp/found" "$tmp/truth" ||
			ht_report "$desc" "graph differs (< found, > truth):" \
				"$(diff "$tmp/found" "$tmp/truth" | grep '^[<>]' | tr '\n' ';')"
	fi
done

# The probe budget: 20 probes cannot enumerate the five hops (25 do).
desc="--max-probes 20"
run -n --mda --max-probes=20 "$HT_TARGET4"
checks=$((checks + 1))
probes=$(tail -n 1 "$tmp/out" | sed -n 's/.*probes \([0-9]*\),.*/\1/p')
if [ "$rc" != 0 ] || [ "${probes:-x}" != 20 ] ||
	! grep -q 'warning: --max-probes 20 spent' "$tmp/err" ||
	[ "$(wc -l <"$tmp/err")" != 1 ]; then
	ht_report "$desc" "want exit 0, 20 probes and one warning"
fi
ht_net_down "$N"

if [ "$failures" = 0 ]; then
	echo "PASS: $checks checks: MDA on width-2 and width-4 diamonds and a silent hop, IPv4 and IPv6, live and replayed; budget; usage"
	exit 0
fi
echo "FAIL: $failures of $checks checks"
exit 1

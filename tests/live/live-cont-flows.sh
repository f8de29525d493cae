#!/bin/bash
# tests/live/live-cont-flows.sh - rounds of K Paris flows side by side
# (--flows=K) through a per-flow load balancer (tests/net/netns.sh --balance:
# hop 2 splits flows by their 5-tuple over two routers at hop 3), IPv4:
#   - UDP and TCP, 16 flows, 6 rounds: 16 tables (JSON "flows"), flow F's
#     destination port -p + F - 1; in each flow every hop has exactly one
#     responder (the flow keeps its own path), hop k's the topology's, hop
#     3's one of the two branch routers; Snt 6 at every hop of every flow;
#     across the flows both branches are taken (16 flows all hashed to
#     one branch: a false failure with probability 2^-15 per protocol);
#   - the -w capture replayed with --flows=16 gives the same flows (JSON
#     equal, text equal bar "HOST:"); replayed with --flows=1, one table
#     whose hop 3 lists both branch routers (mtr's mixed view);
#   - --csv with flows: the header ends in "Flow," and a line per hop and
#     flow; the report has a "Flow F of K: UDP port P" line per flow;
#   - ICMP, 4 flows: 4 tables, 4 distinct checksums, the replay equal;
#   - -o "LSD NBAW JMXI": the columns, titles and widths of mtr -r -o on
#     the same chain (mtr-tiny, when installed);
#   - on a terminal (tmux): the sparkline of the newest rounds after a
#     hop's statistics; f switches the flow shown ("flow 2 of 3").
# Every run: stderr empty.  Timings are never checked.  Exit 0 pass, 1
# fail, 77 skip (not root, no netns, no python3), 99 hard error.

set -u

# shellcheck source=preamble.sh source-path=SCRIPTDIR disable=SC1091
. "$(dirname "$0")/preamble.sh" python3 timeout
ht_live_net htf "tmux kill-session -t htf$$screen 2>/dev/null"
HOPS=5 BAL=2 K=16 ROUNDS=6
ht_live_up --hops "$HOPS" --balance "$BAL"

ok() {
	checks=$((checks + 1))
	if [ "$rc" != 0 ] || [ -s "$tmp/err" ]; then
		report "$1" "exit $rc or stderr not empty"
		return 1
	fi
	return 0
}

T=$HT_TARGET4
addrs=""
for ((k = 1; k <= HOPS; k++)); do addrs="$addrs $(ht_hop_addr4 "$k")"; done
alt=$(ht_hop_alt_addr4 $((BAL + 1)))

# check_flows DESC JSON K ROUNDS PROTO BASEPORT : the flows' tables
check_flows() {
	local out
	checks=$((checks + 1))
	if ! out=$(python3 - "$2" "$3" "$4" "$5" "$6" "$addrs" "$alt" "$((BAL + 1))" <<'PY'
import json, sys
rep = json.load(open(sys.argv[1]))['report']
k, n, proto, base = int(sys.argv[2]), int(sys.argv[3]), sys.argv[4], int(sys.argv[5])
addrs, alt, bh = sys.argv[6].split(), sys.argv[7], int(sys.argv[8])
bad = []
flows = rep.get('flows', [])
if rep['mtr'].get('flows') != k or len(flows) != k:
    bad.append('%d flows, want %d' % (len(flows), k))
keys, branches = set(), set()
for i, f in enumerate(flows):
    if f['flow'] != i + 1:
        bad.append('flow %d numbered %d' % (i + 1, f['flow']))
    keys.add(f['key'])
    if proto != 'ICMP' and (f['key'] != base + i or f['id'] != '%s port %d' % (proto, base + i)):
        bad.append('flow %d: %s, want %s port %d' % (i + 1, f['id'], proto, base + i))
    hubs = f['hubs']
    if [h['count'] for h in hubs] != list(range(1, len(addrs) + 1)):
        bad.append('flow %d: hops %s' % (i + 1, [h['count'] for h in hubs]))
        continue
    for h in hubs:
        c = h['count']
        ips = [r['ip'] for r in h['responders']]
        want = [addrs[c - 1], alt] if c == bh else [addrs[c - 1]]
        if len(ips) != 1 or ips[0] not in want:
            bad.append('flow %d hop %d: responders %s, want one of %s' % (i + 1, c, ips, want))
        if c == bh and ips:
            branches.add(ips[0])
        if h['Snt'] != n or h['Rcv'] != n:
            bad.append('flow %d hop %d: Snt %d Rcv %d, want %d' % (i + 1, c, h['Snt'], h['Rcv'], n))
    if f['tests'] != n:
        bad.append('flow %d: tests %d, want %d' % (i + 1, f['tests'], n))
if len(keys) != k:
    bad.append('%d distinct flow identifiers, want %d' % (len(keys), k))
if proto != 'ICMP' and len(branches) != 2:
    bad.append('hop %d: branches taken %s, want both' % (bh, sorted(branches)))
if rep['hubs'] != (flows[0]['hubs'] if flows else None):
    bad.append('"hubs" is not the first flow\'s')
print('%d flows, hop %d branches %s' % (len(flows), bh, sorted(branches)))
print('\n'.join(bad))
sys.exit(1 if bad else 0)
PY
	); then
		report "$1" "$out"
		return 1
	fi
	printf '    %s\n' "$1: $(head -1 <<<"$out")"
}

flows_of() { python3 -c 'import json,sys; print(json.dumps(json.load(open(sys.argv[1]))["report"]["flows"]))' "$1"; }

for m in -U -T; do
	proto=UDP port=33434
	[ "$m" = -T ] && proto=TCP port=80
	run "$m" -n --flows=$K -c $ROUNDS --interval=0.02 -j -w "$tmp/f.pcap" "$T"
	ok "$m --flows=$K -j" && cp "$tmp/out" "$tmp/live.json"
	check_flows "$m: $K flows live" "$tmp/live.json" $K $ROUNDS $proto $port
	"$HOPTRACE" -r "$tmp/f.pcap" -n --flows=$K -j >"$tmp/rep.json" 2>"$tmp/err"
	checks=$((checks + 1))
	[ ! -s "$tmp/err" ] && [ "$(flows_of "$tmp/live.json")" = "$(flows_of "$tmp/rep.json")" ] ||
		report "$m: the replay with --flows=$K gives the live flows" "$(cat "$tmp/err")"
	check_flows "$m: $K flows replayed" "$tmp/rep.json" $K $ROUNDS $proto $port
	# the text report, live = replay
	TZ=UTC "$HOPTRACE" -r "$tmp/f.pcap" -n --flows=$K --report >"$tmp/rep.txt" 2>"$tmp/err"
	checks=$((checks + 1))
	[ "$(grep -c "^Flow [0-9]* of $K: $proto port " "$tmp/rep.txt")" = $K ] &&
		[ "$(wc -l <"$tmp/rep.txt")" = $((1 + K * (HOPS + 2))) ] ||
		report "$m: the report has a section per flow" "$(cat "$tmp/rep.txt" "$tmp/err")"
	# --flows=1 (without it, the live run's flows): one table, hop 3
	# shows both branches
	"$HOPTRACE" -r "$tmp/f.pcap" -n --flows=1 --report -j >"$tmp/one.json" 2>"$tmp/err"
	checks=$((checks + 1))
	python3 -c '
import json, sys
h = json.load(open(sys.argv[1]))["report"]["hubs"]
ips = sorted(r["ip"] for r in h[int(sys.argv[2]) - 1]["responders"])
sys.exit(0 if ips == sorted(sys.argv[3:5]) and h[0]["Snt"] == int(sys.argv[5]) else 1)' \
		"$tmp/one.json" $((BAL + 1)) "$(ht_hop_addr4 $((BAL + 1)))" "$alt" $((K * ROUNDS)) ||
		report "$m: replayed as one table, hop $((BAL + 1)) mixes both branches" "$(cat "$tmp/one.json")"
done

run -U -n --flows=3 -c 2 --interval=0.02 --report "$T"
ok "--flows=3 --report live"
checks=$((checks + 1))
[ "$(grep -c '^Flow [1-3] of 3: UDP port 3343[4-6]$' "$tmp/out")" = 3 ] &&
	[ "$(grep -c '^HOST: ' "$tmp/out")" = 3 ] && [ "$(grep -c '^Start: ' "$tmp/out")" = 1 ] ||
	report "--flows=3 --report: one Start, a Flow line and a table per flow"

run -U -n --flows=2 -c 2 --interval=0.02 --csv "$T"
ok "--flows=2 --csv"
checks=$((checks + 1))
head -1 "$tmp/out" | grep -qx 'Mtr_Version,Start_Time,Status,Host,Hop,Ip,Loss%,Snt, ,Last,Avg,Best,Wrst,StDev,Flow,' &&
	[ "$(grep -c "^HOPTRACE\..*,[12]$" "$tmp/out")" = $((2 * HOPS)) ] ||
	report "--flows=2 --csv: the Flow column, a line per hop and flow"

# ICMP: the flows differ by checksum (Linux's balancer hashes no ICMP
# field here: every flow takes one branch, which is not checked)
run -I -n --flows=4 -c 4 --interval=0.02 -j -w "$tmp/i.pcap" "$T"
ok "-I --flows=4 -j" && cp "$tmp/out" "$tmp/live.json"
check_flows "-I: 4 flows live" "$tmp/live.json" 4 4 ICMP 0
"$HOPTRACE" -r "$tmp/i.pcap" -n --flows=4 -j >"$tmp/rep.json" 2>"$tmp/err"
checks=$((checks + 1))
[ ! -s "$tmp/err" ] && [ "$(flows_of "$tmp/live.json")" = "$(flows_of "$tmp/rep.json")" ] ||
	report "-I: the replay with --flows=4 gives the live flows" "$(cat "$tmp/err")"

# -o: mtr's field order and widths, against mtr itself where it is
ORDER="LSD NBAW JMXI"
run -n -c 3 --interval=0.05 --report -o "$ORDER" "$T"
ok "-o '$ORDER'" && cp "$tmp/out" "$tmp/ho.txt"
checks=$((checks + 1))
want_title='HOST: [^ ]+ +Loss%   Snt Drop   Last  Best   Avg  Wrst  Jttr Javg Jmax Jint$'
sed -n 2p "$tmp/ho.txt" | grep -Eq "$want_title" &&
	[ "$(awk 'NR > 2 && length($0) != 33 + 6 + 6 + 5 + 1 + 6 * 4 + 1 + 5 * 4' "$tmp/ho.txt" | wc -l)" = 0 ] ||
	report "-o '$ORDER': mtr's titles and widths" "$(cat "$tmp/ho.txt")"
if command -v mtr >/dev/null; then
	ht_net_exec "$N" s timeout 60 mtr -n -r -c 3 -i 0.1 -o "$ORDER" "$T" >"$tmp/mtr.txt" 2>"$tmp/err"
	checks=$((checks + 1))
	# the same columns: every line past "HOST:" as long, the titles equal
	[ "$(sed -n 2p "$tmp/mtr.txt" | cut -c34-)" = "$(sed -n 2p "$tmp/ho.txt" | cut -c34-)" ] &&
		[ "$(awk 'NR > 1 { print length($0) }' "$tmp/mtr.txt" | sort -u)" = \
			"$(awk 'NR > 1 { print length($0) }' "$tmp/ho.txt" | sort -u)" ] ||
		report "-o '$ORDER': the columns of mtr -r -o" "$(cat "$tmp/mtr.txt" "$tmp/ho.txt")"
	echo "  -o '$ORDER': titles and widths as mtr's"
fi

# The screen: f switches the flow shown.
if command -v tmux >/dev/null; then
	S=htf$$screen
	pane() { tmux capture-pane -p -t "$S"; }
	wait_for() {
		local k
		for ((k = 0; k < 100; k++)); do
			pane | grep -Eq "$1" && return 0
			sleep 0.1
		done
		return 1
	}
	tmux new-session -d -x 120 -y 40 -s "$S" \
		"ip netns exec ${N}s \"$HOPTRACE\" -U -n --flows=3 --interval 0.05 $T; echo EXITED \$?; sleep 60"
	wait_for "flow 1 of 3: UDP port 33434" && wait_for "^ $HOPS\. $(lit "$T") "
	r=$?
	checks=$((checks + 1))
	[ $r = 0 ] || { report "screen: flow 1 of 3 named" ""; pane | sed 's/^/    | /'; }
	# the sparkline of the newest rounds: a tenth field on a hop's line
	wait_for "newest rounds" &&
		pane | awk -v h="$HOPS." '$1 == h { ok = NF >= 10 && length($NF) >= 3 } END { exit !ok }'
	r=$?
	checks=$((checks + 1))
	[ $r = 0 ] || { report "screen: a sparkline after the statistics" ""; pane | sed 's/^/    | /'; }
	tmux send-keys -t "$S" f
	wait_for "flow 2 of 3: UDP port 33435"
	r=$?
	checks=$((checks + 1))
	[ $r = 0 ] || { report "screen: f shows flow 2" ""; pane | sed 's/^/    | /'; }
	tmux send-keys -t "$S" q
	wait_for "^EXITED 0$"
	r=$?
	checks=$((checks + 1))
	[ $r = 0 ] || { report "screen: q ends it" ""; pane | sed 's/^/    | /'; }
	tmux kill-session -t "$S" 2>/dev/null
	echo "  screen: f switches the flow"
fi

if [ "$failures" != 0 ]; then
	printf '%s of %s checks failed\n' "$failures" "$checks"
	exit 1
fi
printf 'PASS: %s checks\n' "$checks"
exit 0

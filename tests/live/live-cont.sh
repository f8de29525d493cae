#!/bin/bash
# tests/live/live-cont.sh - rounds (-c) over a chain of 8 real Linux routers
# (tests/net/netns.sh) where hop 3 drops 30% of its answers and the target 20%
# (--loss, nftables numgen random), IPv4 and IPv6:
#   - the report's hops are the topology's (hop k answers from its own
#     address), every hop's Snt equals the rounds;
#   - a lossy hop's Loss% lies within 5 binomial standard deviations of
#     its set loss: |lost - nP| <= 5 sqrt(nP(1 - P)) for n rounds (a false
#     failure about once in 1.7 million runs a hop); the other hops lose
#     nothing;
#   - 600 rounds of 8 probes: past 4096 the run forgets the probes its
#     statistics hold (ht_trace_drop), which must change nothing;
#   - the -w capture replayed gives the same report line for line (the
#     "HOST:" line too: the capture's note names this host), and the same
#     JSON hubs; its statistics equal those recomputed from the
#     probe-by-probe replay (--replay-as=trace, tests/replay/cont-truth.py);
#   - UDP and TCP rounds replay as one table too (-U, -T);
#   - --csv gives mtr's CSV (a header and a line per hop);
#   - on a terminal (tmux, 120x40) the live screen shows the hops, p
#     pauses (Snt stays, and equals the round shown at every hop), r
#     resets the statistics (Snt 0 at every hop while paused), p again
#     goes on, d
#     switches the display, n turns names (from a hosts file of the
#     test's own) off and on, a resize fits, q, Ctrl-C and SIGTERM end it
#     with the terminal restored and the table printed; with -c 15 it
#     ends by itself and its table counts 15 at every hop; with --report
#     on a terminal there is no screen (no alternate-screen switch in the
#     bytes the terminal gets, the table); a screen that cannot start (an
#     unknown TERM) gives one error line, exit 1, the terminal as it was;
#   - -c 0 runs until a signal, then prints the table so far (exit 130
#     for SIGINT, 143 for SIGTERM).
# Every run: stderr empty.  Timings are never checked.  Exit 0 pass, 1
# fail, 77 skip (not root, no netns, no nft/python3), 99 hard error.

set -u

# shellcheck source=preamble.sh source-path=SCRIPTDIR disable=SC1091
. "$(dirname "$0")/preamble.sh" nft python3 timeout
ht_live_net htk "tmux kill-session -t htk$$screen 2>/dev/null; rm -rf /etc/netns/\${N}s"
HOPS=8 LOSSY=3 P3=30 P8=20 ROUNDS=600 IVL=0.005
ht_live_up --hops "$HOPS" --loss "$LOSSY:$P3" --loss "$HOPS:$P8"

# ok DESC : the last run exited 0 (or $want_rc) with empty stderr
ok() {
	checks=$((checks + 1))
	if [ "$rc" != "${want_rc:-0}" ] || [ -s "$tmp/err" ]; then
		report "$1" "exit $rc (want ${want_rc:-0}) or stderr not empty"
		return 1
	fi
	return 0
}

# check_table DESC JSON AF N LOSSY... : hops, Snt = N, Loss% in bounds
check_table() {
	local desc=$1 json=$2 af=$3 n=$4 out k
	shift 4
	local -a addrs=()
	for ((k = 1; k <= HOPS; k++)); do addrs+=("$(ht_hop_addr"$af" "$k")"); done
	checks=$((checks + 1))
	if ! out=$(python3 - "$json" "$n" "${addrs[*]}" "$*" <<'PY'
import json, math, sys
rep = json.load(open(sys.argv[1]))['report']
n = int(sys.argv[2])
addrs = sys.argv[3].split()
loss = dict(map(int, kv.split(':')) for kv in sys.argv[4].split())
bad = []
hubs = rep['hubs']
if [h['count'] for h in hubs] != list(range(1, len(addrs) + 1)):
    bad.append('hops %s' % [h['count'] for h in hubs])
for h in hubs:
    k = h['count']
    if k > len(addrs):
        continue
    if h['ip'] != addrs[k - 1] or [r['ip'] for r in h['responders']] != [addrs[k - 1]]:
        bad.append('hop %d from %s, want %s' % (k, h['ip'], addrs[k - 1]))
    if h['Snt'] != n:
        bad.append('hop %d Snt %d, want %d' % (k, h['Snt'], n))
    p = loss.get(k, 0) / 100.0
    lost = h['Snt'] - h['Rcv']
    bound = 5 * math.sqrt(n * p * (1 - p))
    if abs(lost - n * p) > bound:
        bad.append('hop %d lost %d of %d, want %.0f +- %.1f' % (k, lost, n, n * p, bound))
    print('hop %d: Loss%% %.1f (set %d%%), Snt %d' % (k, h['Loss%'], loss.get(k, 0), h['Snt']))
print('\n'.join(bad))
sys.exit(1 if bad else 0)
PY
	); then
		report "$desc" "$out"
		return 1
	fi
	printf '%s\n' "$out" | sed 's/^/    /'
}

for af in 4 6; do
	if [ "$af" = 4 ]; then T=$HT_TARGET4; else T=$HT_TARGET6; fi
	echo "IPv$af: $ROUNDS rounds at ${IVL}s to $T, hop $LOSSY loses $P3%, hop $HOPS $P8%"

	run -n -c "$ROUNDS" --interval="$IVL" --report -w "$tmp/w$af.pcap" "$T"
	ok "IPv$af --report" && cp "$tmp/out" "$tmp/live.txt"
	checks=$((checks + 1))
	[ "$(wc -l <"$tmp/live.txt")" = $((HOPS + 2)) ] ||
		report "IPv$af --report: $((HOPS + 2)) lines" "$(wc -l <"$tmp/live.txt") lines"
	TZ=UTC "$HOPTRACE" -r "$tmp/w$af.pcap" -n --report >"$tmp/rep.txt" 2>"$tmp/err"
	checks=$((checks + 1))
	if [ -s "$tmp/err" ] || ! diff <(sed 1,2d "$tmp/live.txt") <(sed 1,2d "$tmp/rep.txt") >"$tmp/diff"; then
		report "IPv$af: the replay of -w gives the live report" "$(cat "$tmp/diff" "$tmp/err")"
	fi
	"$HOPTRACE" -r "$tmp/w$af.pcap" -n --report -j >"$tmp/rep.json" 2>"$tmp/err"
	check_table "IPv$af: the replayed table" "$tmp/rep.json" "$af" "$ROUNDS" "$LOSSY:$P3 $HOPS:$P8"
	"$HOPTRACE" -r "$tmp/w$af.pcap" -n --replay-as=trace >"$tmp/rep.trace" 2>"$tmp/err"
	checks=$((checks + 1))
	# shellcheck disable=SC2154 # srcdir: set by preamble.sh
	out=$(python3 "$srcdir/replay/cont-truth.py" "$tmp/rep.trace" "$tmp/rep.json") ||
		report "IPv$af: statistics as recomputed from the trace" "$out"

	run -n -c 50 --interval="$IVL" -j -w "$tmp/j$af.pcap" "$T"
	ok "IPv$af -j" && cp "$tmp/out" "$tmp/live.json"
	check_table "IPv$af -j live" "$tmp/live.json" "$af" 50 "$LOSSY:$P3 $HOPS:$P8"
	"$HOPTRACE" -r "$tmp/j$af.pcap" -n --report -j >"$tmp/rep.json" 2>"$tmp/err"
	checks=$((checks + 1))
	hubs() { python3 -c 'import json,sys; print(json.dumps(json.load(open(sys.argv[1]))["report"]["hubs"]))' "$1"; }
	[ "$(hubs "$tmp/live.json")" = "$(hubs "$tmp/rep.json")" ] ||
		report "IPv$af -j: the replay's hubs equal the live ones" "differ"
done

# UDP and TCP rounds (Paris: every round repeats the probes' ports):
# the replay of -w still gives one table, the live one.
T=$HT_TARGET4
for m in -U -T; do
	run "$m" -n -c 30 --interval=0.01 --report -w "$tmp/m.pcap" "$T"
	ok "$m --report" && cp "$tmp/out" "$tmp/live.txt"
	TZ=UTC "$HOPTRACE" -r "$tmp/m.pcap" -n --report >"$tmp/rep.txt" 2>"$tmp/err"
	checks=$((checks + 1))
	if [ -s "$tmp/err" ] || [ "$(wc -l <"$tmp/rep.txt")" != $((HOPS + 2)) ] ||
		! diff <(sed 1,2d "$tmp/live.txt") <(sed 1,2d "$tmp/rep.txt") >"$tmp/diff"; then
		report "$m: the replay of -w gives the live report, one table" "$(cat "$tmp/diff" "$tmp/err" "$tmp/rep.txt")"
	fi
	grep -Eq "^  8\.\|-- $(lit "$HT_TARGET4") .* 30 " "$tmp/live.txt" ||
		report "$m: hop 8 is the target, Snt 30" ""
done

run -n -c 10 --interval=0.05 --csv "$T"
ok "--csv"
checks=$((checks + 1))
{ [ "$(wc -l <"$tmp/out")" = $((HOPS + 1)) ] &&
	head -1 "$tmp/out" | grep -qx 'Mtr_Version,Start_Time,Status,Host,Hop,Ip,Loss%,Snt, ,Last,Avg,Best,Wrst,StDev,' &&
	[ "$(grep -c "^HOPTRACE\.[^,]*,[0-9]*,OK,$T,[1-8],10\.77\.[0-7]\.2,[0-9.]*,10," "$tmp/out")" = "$HOPS" ]; } ||
	report "--csv: mtr's header and one line per hop, Snt 10"

# -c 0: until a signal (SIGINT, SIGTERM); then the table so far.  A probe
# still waiting for its answer when the signal comes is left out (as mtr
# leaves a probe in transit out): the wait is at least 200 ms, 4 rounds at
# 0.05 s, so a lossy hop's Snt may lag the others' by up to 5.
for sig in INT TERM; do
	ht_net_exec "$N" s timeout 30 sh -c 'echo $$ >"$1"; exec "$2" -n -c 0 --interval=0.05 -j "$3"' \
		sh "$tmp/pid" "$HOPTRACE" "$T" >"$tmp/out" 2>"$tmp/err" &
	job=$!
	for ((k = 0; k < 60; k++)); do sleep 0.05; done # 3 s
	kill -s "$sig" "$(cat "$tmp/pid")"
	wait "$job"
	rc=$?
	last_cmd="hoptrace -n -c 0 --interval=0.05 -j $T, SIG$sig after 3 s"
	want_rc=$((128 + $(kill -l "$sig"))) ok "-c 0 stopped by SIG$sig"
	checks=$((checks + 1))
	out=$(python3 -c '
import json, sys
h = json.load(open(sys.argv[1]))["report"]["hubs"]
s = [x["Snt"] for x in h]
print(len(h), min(s), max(s))
ok = len(h) == 8 and min(s) >= 10 and max(s) - min(s) <= 5
sys.exit(0 if ok else 1)' "$tmp/out") ||
		report "-c 0 + SIG$sig: 8 hops, at least 10 rounds each, counts within 5" "$out"
	echo "  -c 0, SIG$sig after 3 s: hops, least and most Snt: $out"
done

# The live screen, in tmux: on a terminal without --report.
if ! command -v tmux >/dev/null; then
	echo "  (no tmux: the screen is not tested)"
else
	S=htk$$screen
	pane() { tmux capture-pane -p -t "$S"; }
	# wait_for REGEX : until the pane shows REGEX (at most 10 s); 0 if seen
	wait_for() {
		local k
		for ((k = 0; k < 100; k++)); do
			pane | grep -Eq "$1" && return 0
			sleep 0.1
		done
		return 1
	}
	# snt : the Snt column of hops 1..8 on the pane, one line
	snt() { pane | awk '$1 ~ /^[1-8]\.$/ { printf "%s ", $4 }'; }
	screen_check() {
		checks=$((checks + 1))
		[ "$1" = 0 ] && return 0
		last_cmd="hoptrace -n --interval 0.05 $T in tmux (120x40)"
		report "screen: $2" "$3"
		pane | sed 's/^/    | /'
	}
	# round : the round number on the title line
	round() { pane | sed -n 's/.*round \([0-9][0-9]*\).*/\1/p' | head -1; }
	for how in keys TERM INT count; do
		tmux kill-session -t "$S" 2>/dev/null
		cnt=
		[ "$how" = count ] && cnt="-c 15"
		tmux new-session -d -x 120 -y 40 -s "$S" \
			"stty -g >'$tmp/stty0'; ip netns exec ${N}s sh -c 'echo \$\$ >\"$tmp/spid\"; exec \"$HOPTRACE\" -n $cnt --interval 0.05 $T'; echo EXITED \$?; stty -g >'$tmp/stty1'; sleep 60"
		if [ "$how" != count ]; then
			wait_for "^ 8\. $(lit "$(ht_hop_addr4 8)") " && wait_for "round [1-9][0-9]"
			screen_check $? "the title, round 10 or more, 8 hops" ""
			ok=0
			for ((k = 1; k <= HOPS; k++)); do
				pane | grep -Eq "^ $k\. $(lit "$(ht_hop_addr4 "$k")") +[0-9.]+% +[0-9]+ " || ok=1
			done
			screen_check $ok "hop k from its own address, with Loss% and Snt" ""
		fi
		if [ "$how" = keys ]; then
			tmux send-keys -t "$S" p
			wait_for '\[paused\]'
			screen_check $? "p shows [paused]" ""
			# the round in flight ends (a lost probe is given up after
			# at most 200 ms here), the screen shows it; then nothing moves
			sleep 0.6
			a=$(snt)
			r=$(round)
			sleep 0.6
			b=$(snt)
			[ -n "$a" ] && [ "$a" = "$b" ] && [ "$(round)" = "$r" ]
			screen_check $? "paused: Snt stays" "$a / $b"
			# the counts after N rounds: every hop sent N
			[ -n "$r" ] && [ "$a" = "$(for ((k = 1; k <= HOPS; k++)); do printf '%s ' "$r"; done)" ]
			screen_check $? "paused after round $r: every hop's Snt is $r" "Snt: $a"
			# r: the statistics start again (paused: they stay at 0)
			tmux send-keys -t "$S" r
			sleep 0.3
			[ "$(snt)" = "$(for ((k = 1; k <= HOPS; k++)); do printf '0 '; done)" ]
			screen_check $? "r while paused: every hop's Snt back to 0" "Snt: $(snt)"
			# p again: the rounds go on, the hops come back
			tmux send-keys -t "$S" p
			sleep 0.3
			! pane | grep -q '\[paused\]' && wait_for "^ 8\. $(lit "$(ht_hop_addr4 8)") "
			screen_check $? "p again: the rounds go on" ""
			tmux send-keys -t "$S" d
			wait_for 'newest probes'
			screen_check $? "d: the newest probes" ""
			tmux resize-window -t "$S" -x 80 -y 30
			sleep 0.3
			w=$(pane | awk '{ if (length($0) > m) m = length($0) } END { print m + 0 }')
			[ "$w" -le 80 ] && pane | grep -Eq '^ 8\. '
			screen_check $? "resized to 80x30: lines fit, hop 8 shown" "widest $w"
			tmux send-keys -t "$S" q
		elif [ "$how" = INT ]; then
			tmux send-keys -t "$S" C-c # the terminal's interrupt
		elif [ "$how" = TERM ]; then
			kill -s TERM "$(cat "$tmp/spid")"
		fi
		want=0
		[ "$how" = TERM ] && want=143
		[ "$how" = INT ] && want=130
		wait_for "^EXITED $want$"
		screen_check $? "exit status $want after ${how/keys/q}" ""
		wait_for '^HOST: ' && pane | grep -Eq "^  8\.\|-- $(lit "$(ht_hop_addr4 8)") "
		screen_check $? "the table printed after the screen" ""
		if [ "$how" = count ]; then
			# -c 15 on a terminal: the screen ends by itself after 15
			# rounds; the table it leaves counts 15 at every hop
			[ "$(pane | grep -Ec '^ +[1-8]\.\|-- [0-9.]+ +[0-9.]+% +15 ')" = "$HOPS" ]
			screen_check $? "-c 15 on the screen: Snt 15 at every hop of the table" ""
		fi
		[ "$(tmux display -p -t "$S" '#{alternate_on}')" = 0 ] &&
			cmp -s "$tmp/stty0" "$tmp/stty1"
		screen_check $? "the terminal restored (no alternate screen, stty as before)" ""
		tmux kill-session -t "$S" 2>/dev/null
	done
	# --report on a terminal: no screen.  The bytes the pane receives
	# (tmux pipe-pane) hold no alternate-screen switch (smcup/rmcup,
	# ESC [ ? 1049 h/l), only the table.
	tmux kill-session -t "$S" 2>/dev/null
	: >"$tmp/raw"
	tmux new-session -d -x 120 -y 40 -s "$S" \
		"sleep 0.5; ip netns exec ${N}s \"$HOPTRACE\" -n -c 10 --interval 0.05 --report $T; echo EXITED \$?; sleep 60"
	tmux pipe-pane -o -t "$S" "cat >>'$tmp/raw'"
	wait_for "^EXITED 0$" && pane | grep -Eq "^  8\.\|-- $(lit "$(ht_hop_addr4 8)") .* 10 "
	screen_check $? "--report on a terminal: the table, Snt 10" ""
	checks=$((checks + 1))
	if [ ! -s "$tmp/raw" ] || grep -q $'\e\[?1049' "$tmp/raw" || ! grep -q '^HOST: ' "$tmp/raw"; then
		report "--report on a terminal: no screen (no alternate screen in the output)" \
			"$(od -c "$tmp/raw" | head -20)"
	fi
	tmux kill-session -t "$S" 2>/dev/null
	# n: names on and off.  The names come from the source namespace's
	# own hosts file (ip netns exec mounts /etc/netns/NAME/hosts on
	# /etc/hosts; its resolv.conf points at 127.0.0.1, where nothing
	# answers, so no lookup leaves the machine): hop k is rK.hoptrace.test.
	mkdir -p "/etc/netns/${N}s"
	echo "nameserver 127.0.0.1" >"/etc/netns/${N}s/resolv.conf"
	for ((k = 1; k <= HOPS; k++)); do
		printf '%s r%s.hoptrace.test\n' "$(ht_hop_addr4 "$k")" "$k"
	done >"/etc/netns/${N}s/hosts"
	tmux new-session -d -x 120 -y 40 -s "$S" \
		"ip netns exec ${N}s \"$HOPTRACE\" --interval 0.05 $T; echo EXITED \$?; sleep 60"
	wait_for "^ 8\. r8\.hoptrace\.test " && wait_for "^ 3\. r3\.hoptrace\.test "
	screen_check $? "names from the hosts file, hop 8 r8.hoptrace.test" ""
	tmux send-keys -t "$S" n
	wait_for "^ 8\. $(lit "$(ht_hop_addr4 8)") " && ! pane | grep -q 'hoptrace\.test'
	screen_check $? "n: addresses, no names" ""
	tmux send-keys -t "$S" n
	wait_for "^ 8\. r8\.hoptrace\.test "
	screen_check $? "n again: the names back" ""
	tmux send-keys -t "$S" q
	wait_for "^EXITED 0$"
	screen_check $? "q after n" ""
	tmux kill-session -t "$S" 2>/dev/null
	rm -rf "/etc/netns/${N}s"
	# an error starting the screen (a terminal type curses does not
	# know): one line, exit 1, the terminal as it was
	tmux new-session -d -x 120 -y 40 -s "$S" \
		"stty -g >'$tmp/stty0'; TERM=ht-no-such-term ip netns exec ${N}s \"$HOPTRACE\" -n --interval 0.05 $T 2>'$tmp/serr'; echo EXITED \$?; stty -g >'$tmp/stty1'; sleep 60"
	wait_for "^EXITED 1$" && [ "$(wc -l <"$tmp/serr")" = 1 ] && cmp -s "$tmp/stty0" "$tmp/stty1" &&
		[ "$(tmux display -p -t "$S" '#{alternate_on}')" = 0 ]
	screen_check $? "an unknown TERM: one error line, exit 1, the terminal restored" "$(cat "$tmp/serr")"
	tmux kill-session -t "$S" 2>/dev/null
	echo "  screen: hops, p (Snt = rounds), d, resize, q, Ctrl-C, SIGTERM and -c 15 checked in tmux; n toggles names; --report on a terminal: no screen"
fi

if [ "$failures" != 0 ]; then
	printf '%s of %s checks failed\n' "$failures" "$checks"
	exit 1
fi
printf 'PASS: %s checks\n' "$checks"
exit 0

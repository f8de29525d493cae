#!/bin/bash
# tests/live/replay-equals-live.sh - a capture written by any mode's -w
# replays to what the live run printed, byte for byte (-n), RTTs included,
# in every form, without naming the mode (issue 26, item 5).  One network
# (tests/net/netns.sh): a chain of 6 hops, a per-flow balancer at hop 2 (two
# routers at hop 3), hop 5 silent, the target answering for 10.200.0.0/16
# and hop 4 for its upper half (--prefix --prefix-short 4).  Each run is
# live with -n -w FILE and the FORM options, then "hoptrace -n -r FILE
# FORM" (no mode option): stdout and stderr equal, exit 0 both:
#   - trace: text and -j, IPv4 ICMP and IPv6 UDP; --gap 1, where the live
#     run stops at the silent hop although its window probed further.  The
#     text's header is the replay's, as CONTRACT.md has it (source,
#     destination, protocol, the first probe's capture time): every line
#     after it is the live run's;
#   - --mda: text (the live header, MDA-Lite), --dot, -j (its "lite"),
#     IPv6 TCP; --max-probes spent: the warning on stderr too;
#   - --targets (2 x 256 targets): --rows (and the replay without
#     --rows); -j gives the same lines, as many as targets (a scan's -j
#     lines come live in the order their traces end, replayed in the order
#     of their first probes: compared sorted);
#   - -c N rounds: no form (the report), --report, --report-wide, --csv,
#     -j, and UDP --flows=3;
#   - --replay-as=trace still gives the probe by probe trace of a
#     multipath capture, under the replay's own header.
# Waits are short (-W) and nothing is timed.  Exit 0 pass, 1 fail, 77
# skip, 99 hard error.
# shellcheck disable=SC2154,SC2034 # tmp: ht_tmpdir; last_cmd: ht_report
set -u
# shellcheck source=preamble.sh source-path=SCRIPTDIR disable=SC1091
. "$(dirname "$0")/preamble.sh" timeout
ht_live_net htrel
ht_live_up --hops 6 --balance 2 --silent 5 --prefix --prefix-short 4
T4=$HT_TARGET4
T6=$HT_TARGET6
printf '10.200.0.0/24\n10.200.128.0/24\n' >"$tmp/targets"

# live NAME ARGS... : hoptrace -n -w $tmp/NAME.pcap ARGS in the source
# namespace; stdout $tmp/NAME.live, stderr $tmp/NAME.lerr, exit lrc
live() {
	local name=$1
	shift
	last_cmd="ip netns exec ${N}s hoptrace -n -w $name.pcap $*"
	TZ=UTC ht_net_exec "$N" s timeout 60 "$HOPTRACE" -n -w "$tmp/$name.pcap" \
		"$@" >"$tmp/$name.live" 2>"$tmp/$name.lerr" </dev/null
	lrc=$?
}

# same DESC NAME HOW FORM... : the replay of $tmp/NAME.pcap with -n FORM
# equals the live run: HOW "exact" (stdout and stderr), "trace" (as exact
# but the first line: the replay's header naming the trace's source,
# destination and protocol), "rows" (stdout; a scan's summary is live's
# alone), "sorted" (stdout's lines, sorted)
same() {
	local desc=$1 name=$2 how=$3 probs=()
	shift 3
	checks=$((checks + 1))
	TZ=UTC "$HOPTRACE" -n -r "$tmp/$name.pcap" "$@" >"$tmp/out" 2>"$tmp/err"
	rc=$?
	[ "$lrc" = 0 ] || probs+=("the live run exited $lrc: $(cat "$tmp/$name.lerr")")
	[ "$rc" = 0 ] || probs+=("the replay exited $rc")
	[ -s "$tmp/$name.live" ] || probs+=("the live run printed nothing")
	case $how in
	trace)
		cmp -s <(sed 1d "$tmp/$name.live") <(sed 1d "$tmp/out") ||
			probs+=("the hops differ (< live, > replay): $(diff <(sed 1d "$tmp/$name.live") <(sed 1d "$tmp/out") | head -20)")
		head -n 1 "$tmp/out" | grep -Eq "^hoptrace from [0-9a-f.:]+ to ([0-9a-f.:]+) \(\1\), (ICMP|UDP|TCP), first probe [0-9-]+ [0-9:.]+ UTC$" ||
			probs+=("the replay's header: $(head -n 1 "$tmp/out")")
		;;
	exact | rows)
		cmp -s "$tmp/$name.live" "$tmp/out" ||
			probs+=("stdout differs (< live, > replay): $(diff "$tmp/$name.live" "$tmp/out" | head -20)")
		;;
	sorted)
		cmp -s <(sort "$tmp/$name.live") <(sort "$tmp/out") ||
			probs+=("the lines differ (< live, > replay): $(diff <(sort "$tmp/$name.live") <(sort "$tmp/out") | head -5 | cut -c1-300)")
		;;
	esac
	if [ "$how" = exact ] || [ "$how" = trace ]; then
		cmp -s "$tmp/$name.lerr" "$tmp/err" ||
			probs+=("stderr differs: live '$(cat "$tmp/$name.lerr")', replay '$(cat "$tmp/err")'")
	elif [ -s "$tmp/err" ]; then
		probs+=("the replay wrote to stderr")
	fi
	[ "${#probs[@]}" = 0 ] && return 0
	last_cmd="hoptrace -n -r $name.pcap $* (live: ${last_live})"
	ht_report "$desc: replay = live" "${probs[@]}"
	return 1
}

# check DESC NAME HOW LIVE_ARGS... -- FORM... : live run, then same
check() {
	local desc=$1 name=$2 how=$3 a=()
	shift 3
	while [ $# -gt 0 ] && [ "$1" != -- ]; do
		a+=("$1")
		shift
	done
	shift
	live "$name" "${a[@]}"
	last_live="hoptrace -n -w $name.pcap ${a[*]}"
	same "$desc" "$name" "$how" "$@"
}

# ---- one path ----
check "trace IPv4 ICMP text" t4 trace -W 1 "$T4" --
check "trace IPv4 ICMP -j" t4j exact -j -W 1 "$T4" -- -j
check "trace IPv6 UDP -q 2 text" t6 trace -6 -U -q 2 -W 1 "$T6" --
check "trace IPv6 UDP -j" t6j exact -6 -U -j -W 1 "$T6" -- -j
check "trace --gap 1 text" tg trace --gap 1 -W 0.3 "$T4" --
checks=$((checks + 1))
[ "$(tail -n 1 "$tmp/tg.live")" = " 5  * * *" ] ||
	ht_report "trace --gap 1: the live run stops at the silent hop 5" "$(cat "$tmp/tg.live")"
check "trace --gap 1 -j" tgj exact --gap 1 -W 0.3 -j "$T4" -- -j

# ---- multipath ----
check "--mda text" m exact --mda -W 0.5 "$T4" --
checks=$((checks + 1))
grep -q '^hoptrace --mda to .*, lite MDA.*, 95% confidence$' "$tmp/m.live" ||
	ht_report "--mda: the live header" "$(head -n 1 "$tmp/m.live")"
check "--mda --dot" md exact --mda --dot -W 0.5 "$T4" -- --dot
check "--mda -j" mj exact --mda -j -W 0.5 "$T4" -- -j
check "--mda IPv6 TCP" m6 exact -6 -T --mda -W 0.5 "$T6" --
check "--mda --max-probes spent" mb exact --mda --max-probes=12 -W 0.5 "$T4" --
checks=$((checks + 1))
grep -q 'max-probes 12 spent' "$tmp/mb.lerr" ||
	ht_report "--mda --max-probes=12: the live warning" "$(cat "$tmp/mb.lerr")"

# the mode can still be named: the multipath capture as a plain trace
checks=$((checks + 1))
"$HOPTRACE" -n -r "$tmp/m.pcap" --replay-as=trace >"$tmp/out" 2>"$tmp/err"
rc=$?
last_cmd="hoptrace -n -r m.pcap --replay-as=trace"
{ [ "$rc" = 0 ] && [ ! -s "$tmp/err" ] &&
	grep -q "^hoptrace from $HT_SOURCE4 to $T4 ($T4), UDP, first probe " "$tmp/out"; } ||
	ht_report "--replay-as=trace: the replay's own header" ""

# ---- many targets ----
check "--targets --rows" sr rows --targets="$tmp/targets" --rows --rate=5000 -m 8 -W 0.5 --
same "--targets --rows, replayed with --rows" sr rows --rows
check "--targets -U --rows" su rows -U --targets="$tmp/targets" --rows --rate=5000 -m 8 -W 0.5 --
check "--targets -j" sj sorted --targets="$tmp/targets" -j --rate=5000 -m 8 -W 0.5 -- -j
checks=$((checks + 1))
if [ "$(wc -l <"$tmp/out")" != 512 ] || [ "$(wc -l <"$tmp/sj.live")" != 512 ]; then
	ht_report "--targets -j: a line a target, live and replayed" \
		"live $(wc -l <"$tmp/sj.live") lines, replay $(wc -l <"$tmp/out"), want 512"
fi

# ---- rounds ----
check "-c 4 (the report)" c exact -c 4 --interval=0.02 -W 0.3 "$T4" --
check "-c 4 --report" cr exact -c 4 --interval=0.02 -W 0.3 --report "$T4" -- --report
check "-c 4 --report-wide" cw exact -c 4 --interval=0.02 -W 0.3 --report-wide "$T4" -- --report-wide
check "-c 4 --csv" cc exact -c 4 --interval=0.02 -W 0.3 --csv "$T4" -- --csv
check "-c 4 -j" cj exact -c 4 --interval=0.02 -W 0.3 -j "$T4" -- -j
check "-c 3 -U --flows=3 --report" cf exact -U --flows=3 -c 3 --interval=0.02 -W 0.3 --report "$T4" -- --report

if [ "$failures" != 0 ]; then
	printf '%s of %s checks failed\n' "$failures" "$checks"
	exit 1
fi
printf 'PASS: %s checks: trace, --mda, --targets and rounds, every form, replayed as printed live\n' "$checks"
exit 0

#!/bin/bash
# tests/live/live-cont-jitter.sh - StDev against a set jitter: a chain of 3
# (tests/net/netns.sh) whose routers and target hold every packet D ms plus a
# uniform [0, J) ms (bench/nfq-delay -j, built here from bench/nfq-delay.c
# with libnetfilter-queue-dev; bench/netns-delay.sh queues FORWARD and
# OUTPUT).  Rounds probe hops 1 and 2 (-m 2) 10 ms apart (-z 10), a
# round every 40 ms, so no packet reaches a queue less than D + J after
# the one before it and nfq-delay's FIFO never couples two of them: hop
# k's RTT is 2k - 1 independent holds (hop 1: router 1's answer; hop 2:
# router 1 out, router 2's answer, router 1 back), StDev
# sigma = J sqrt((2k - 1) / 12) (plus the machine's own noise).
#
# Bounds, for n rounds: the sample standard deviation s of a sum of m
# uniforms (excess kurtosis -1.2 / m) has a standard error of about
# sigma sqrt((2 / (n - 1) - 1.2 / (m n)) / 4); the test asks
#   sigma (1 - 5 SE) <= s <= sqrt((sigma (1 + 5 SE))^2 + E^2)
# with E = 1 ms, an allowance for scheduling noise (added in quadrature:
# it adds variance, never removes it).  A false failure from the jitter
# alone: below one in a million runs.  Also checked: Javg, mtr's mean
# |RTT - previous RTT|, lies within a third of its expected value for
# near-normal RTTs (2 sigma / sqrt(pi)); the -w capture replayed gives the
# same statistics (JSON hubs equal).
# Timings are never checked otherwise.  Exit 0 pass, 1 fail, 77 skip (not
# root, no netns, no libnetfilter-queue-dev, no python3), 99 hard error.

set -u

# shellcheck source=preamble.sh source-path=SCRIPTDIR disable=SC1091
. "$(dirname "$0")/preamble.sh" python3 timeout iptables
# shellcheck disable=SC2154 # top_srcdir: set by preamble.sh
top=$top_srcdir
# shellcheck source=../../bench/netns-delay.sh source-path=SCRIPTDIR disable=SC1091
. "$top/bench/netns-delay.sh"
# shellcheck disable=SC2016 # $N: expanded on exit
ht_live_net htj 'ht_delay_stop "$N" 2>/dev/null'
export HT_BENCH_BUILD=$tmp/build
if ! ht_delay_build >/dev/null 2>"$tmp/build.err"; then
	echo "SKIP: bench/nfq-delay.c does not build (libnetfilter-queue-dev): $(head -3 "$tmp/build.err")"
	exit 77
fi

D=1 J=4 ROUNDS=150 IVL=0.04
ht_live_up --hops 3
HT_DELAY_JITTER=$J ht_delay_start "$N" "$D" || {
	echo "ERROR: ht_delay_start $N $D (jitter $J) failed"
	exit 99
}

# check_sd DESC JSON : hops 1 and 2's StDev and Javg within the bounds
check_sd() {
	local out
	checks=$((checks + 1))
	if ! out=$(python3 - "$2" "$J" "$ROUNDS" "$(ht_hop_addr4 1)" "$(ht_hop_addr4 2)" <<'PY'
import json, math, sys
rep = json.load(open(sys.argv[1]))['report']
j, n, addrs = float(sys.argv[2]), int(sys.argv[3]), sys.argv[4:6]
bad, lines = [], []
hubs = rep['hubs']
if [(x['count'], x['ip']) for x in hubs] != [(1, addrs[0]), (2, addrs[1])]:
    print('hops %s, want 1 and 2 from %s' % ([(x['count'], x['ip']) for x in hubs], addrs))
    sys.exit(1)
for h in hubs:
    k, r, s = h['count'], h['Rcv'], h['StDev']
    m = 2 * k - 1
    sigma = j * math.sqrt(m / 12.0)
    se = sigma * math.sqrt((2.0 / (r - 1) - 1.2 / (m * r)) / 4)
    lo, hi = sigma - 5 * se, math.sqrt((sigma + 5 * se) ** 2 + 1.0)
    if h['Snt'] != n or r < n - 2:
        bad.append('hop %d: Snt %d Rcv %d, want %d and (almost) all' % (k, h['Snt'], r, n))
    if not lo <= s <= hi:
        bad.append('hop %d: StDev %.3f ms outside [%.3f, %.3f]' % (k, s, lo, hi))
    javg = 2 * sigma / math.sqrt(math.pi)
    if not javg * 2 / 3 <= h['Javg'] <= javg * 4 / 3 + 1.0:
        bad.append('hop %d: Javg %.3f ms, want about %.3f' % (k, h['Javg'], javg))
    lines.append('hop %d StDev %.3f ms (set %.3f, bounds [%.3f, %.3f]), Javg %.3f (about %.3f)'
                 % (k, s, sigma, lo, hi, h['Javg'], javg))
print('; '.join(lines))
print('\n'.join(bad))
sys.exit(1 if bad else 0)
PY
	); then
		report "$1" "$out"
		return 1
	fi
	printf '    %s\n' "$1: $(head -1 <<<"$out")"
}

T=$HT_TARGET4
echo "delay $D ms + uniform [0, $J) ms a crossing; $ROUNDS rounds at ${IVL}s to hops 1 and 2"
run -n -m 2 -z 10 -c $ROUNDS --interval=$IVL --report -j -w "$tmp/j.pcap" "$T"
checks=$((checks + 1))
{ [ "$rc" = 0 ] && [ ! -s "$tmp/err" ]; } || report "live -j" "exit $rc or stderr"
cp "$tmp/out" "$tmp/live.json"
check_sd "live" "$tmp/live.json"
"$HOPTRACE" -r "$tmp/j.pcap" -n --report -j >"$tmp/rep.json" 2>"$tmp/err"
check_sd "replayed" "$tmp/rep.json"
hubs() { python3 -c 'import json,sys; print(json.dumps(json.load(open(sys.argv[1]))["report"]["hubs"]))' "$1"; }
checks=$((checks + 1))
[ ! -s "$tmp/err" ] && [ "$(hubs "$tmp/live.json")" = "$(hubs "$tmp/rep.json")" ] ||
	report "the replay of -w: the live statistics" "$(cat "$tmp/err")"

if [ "$failures" != 0 ]; then
	printf '%s of %s checks failed\n' "$failures" "$checks"
	exit 1
fi
printf 'PASS: %s checks\n' "$checks"
exit 0

#!/bin/bash
# bench/continuous.sh - rounds beside mtr: hoptrace -c N --report and
# mtr -r -c N on the same lossy, jittery chain (tests/netns.sh, 8 hops;
# hop 3 drops 30% of its answers, the target 20%; every router and the
# target hold each packet D ms plus a uniform [0, J) ms: bench/nfq-delay
# -j through bench/netns-delay.sh), IPv4 ICMP, the same count and interval.
#
#   sudo bench/continuous.sh [N [INTERVAL [RUNS]]]   (default 100 0.1 1)
#
# Per tool and run: wall time, CPU (user + system of the tool and its
# children: mtr's mtr-packet included), and per hop Loss%, Avg and StDev
# (from each tool's --json; the median over runs, so that a run hit by
# the shared machine's stalls does not decide) beside the network's truth:
#   Loss%  the hop's set loss (0 for the others);
#   Avg    (2k - 1)(D + J/2): hop k's probe and answer cross 2k - 1 queues;
#   StDev  J sqrt((2k - 1) / 12), for independent holds.  Both tools send
#          a round's probes close together, so a hop's packets may wait in
#          nfq-delay's FIFO behind another's (bench/nfq-delay.c): the real
#          StDev and Avg are then above these figures, for both tools alike.
# hoptrace runs twice: as it is (without -z a round's probes are spread
# over half the interval, as mtr spreads its own) and as "hoptrace-burst"
# with -z 0 (a round's probes all at once, within -N), whose probes queue
# behind each other in nfq-delay's FIFO and lengthen the later hops' times.
# The tools alternate within a run (their order turns from run to run).  Figures
# only, never pass/fail: the machine is shared.  Traffic stays in the
# namespaces this script makes.
set -u
here=$(cd "$(dirname "$0")" && pwd)
srcdir=$here/../tests
# shellcheck source=../tests/netns.sh disable=SC1091
. "$srcdir/netns.sh"
# shellcheck source=netns-delay.sh disable=SC1091
. "$here/netns-delay.sh"
HOPTRACE=${HOPTRACE:-$here/../hoptrace}
COUNT=${1:-100} IVL=${2:-0.1} RUNS=${3:-1}
D=${BENCH_DELAY:-1} J=${BENCH_JITTER:-2}
HOPS=8 L3=30 L8=20
ht_net_need_root python3 timeout mtr

N=htbc$$
tmp=$(mktemp -d)
trap 'ht_delay_stop $N 2>/dev/null; ht_net_down $N; rm -rf "$tmp"' EXIT
trap 'exit 143' TERM INT

ht_net_up "$N" --hops $HOPS --loss 3:$L3 --loss $HOPS:$L8 >/dev/null || exit 1
HT_DELAY_JITTER=$J ht_delay_start "$N" "$D" || exit 1
T=$HT_TARGET4

# measure NAME CMD... : run CMD in the source namespace; stdout to
# $tmp/NAME.json, "WALL_S CPU_S" to $tmp/NAME.time
measure() {
	local name=$1
	shift
	ht_net_exec "$N" s python3 -c '
import resource, subprocess, sys, time
t = time.monotonic()
with open(sys.argv[1], "w") as out:
    rc = subprocess.run(sys.argv[3:], stdout=out, stdin=subprocess.DEVNULL).returncode
w = time.monotonic() - t
r = resource.getrusage(resource.RUSAGE_CHILDREN)
open(sys.argv[2], "w").write("%.3f %.3f %d\n" % (w, r.ru_utime + r.ru_stime, rc))
' "$tmp/$name.json" "$tmp/$name.time" "$@"
}

echo "chain of $HOPS, hop 3 loses $L3%, hop $HOPS $L8%; delay $D ms + [0, $J) ms a crossing;"
echo "$COUNT rounds at ${IVL}s, $RUNS run(s); $(uname -r), $(nproc) CPUs; mtr: $(mtr --version)"
for ((run = 1; run <= RUNS; run++)); do
	order="hoptrace mtr hoptrace-burst"
	[ $((run % 3)) = 2 ] && order="mtr hoptrace-burst hoptrace"
	[ $((run % 3)) = 0 ] && order="hoptrace-burst hoptrace mtr"
	for tool in $order; do
		if [ "$tool" = hoptrace ]; then
			measure "hoptrace.$run" "$HOPTRACE" -n -c "$COUNT" --interval="$IVL" --report -j "$T"
		elif [ "$tool" = hoptrace-burst ]; then
			measure "hoptrace-burst.$run" "$HOPTRACE" -n -z 0 -c "$COUNT" --interval="$IVL" --report -j "$T"
		else
			measure "mtr.$run" mtr -n -r -c "$COUNT" -i "$IVL" --json "$T"
		fi
	done
done

python3 - "$tmp" "$RUNS" "$HOPS" "$D" "$J" "$L3" "$L8" <<'PY'
import json, math, statistics as st, sys
tmp, runs, hops, d, j = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), float(sys.argv[4]), float(sys.argv[5])
loss = {3: float(sys.argv[6]), hops: float(sys.argv[7])}
tools = ('hoptrace', 'hoptrace-burst', 'mtr')
res = {t: [] for t in tools}
for t in tools:
    for r in range(1, runs + 1):
        w, c, rc = open('%s/%s.%d.time' % (tmp, t, r)).read().split()
        try:
            hubs = {h['count']: h for h in json.load(open('%s/%s.%d.json' % (tmp, t, r)))['report']['hubs']}
        except (ValueError, KeyError):
            hubs = {}
        res[t].append((float(w), float(c), int(rc), hubs))
print()
print('| tool | wall s (median) | CPU s (median) | exit |')
print('|---|---|---|---|')
for t in tools:
    print('| %s | %.2f | %.3f | %s |' % (t, st.median(x[0] for x in res[t]),
          st.median(x[1] for x in res[t]), ','.join(str(x[2]) for x in res[t])))
print()
print('Per hop, median over runs (truth: set loss; Avg (2k-1)(D+J/2); StDev J sqrt((2k-1)/12)):')
print()
print('| hop | Loss% truth | ' + ' | '.join(tools) + ' | Avg truth | ' + ' | '.join(tools) + ' | StDev truth | ' + ' | '.join(tools) + ' |')
print('|---' * (1 + 3 * (1 + len(tools))) + '|')
err = {t: [0, 0, 0] for t in tools}
for k in range(1, hops + 1):
    m = 2 * k - 1
    tr = (loss.get(k, 0.0), m * (d + j / 2), j * math.sqrt(m / 12.0))
    row = ['%d' % k]
    cols = []
    for i, key in enumerate(('Loss%', 'Avg', 'StDev')):
        vals = []
        for t in tools:
            v = [x[3][k][key] for x in res[t] if k in x[3]]
            mv = st.median(v) if v else float('nan')
            vals.append(mv)
            if v:
                err[t][i] += abs(mv - tr[i])
        cols.append('%.2f | %s' % (tr[i], ' | '.join('%.2f' % v for v in vals)))
    print('| ' + ' | '.join(row + cols) + ' |')
print()
print('Sum over hops of |tool - truth|:')
print()
print('| tool | Loss% | Avg ms | StDev ms |')
print('|---|---|---|---|')
for t in tools:
    print('| %s | %.2f | %.2f | %.2f |' % (t, err[t][0], err[t][1], err[t][2]))
PY

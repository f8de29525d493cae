#!/bin/bash
# bench/continuous.sh - rounds beside mtr: hoptrace -c N --report and
# mtr -r -c N on the same lossy, jittery chain (tests/net/netns.sh, 8 hops;
# hop 3 drops 30% of its answers, the target 20%; every router and the
# target hold each packet D ms plus a uniform [0, J) ms: bench/nfq-delay
# -j through bench/netns-delay.sh), IPv4 ICMP, the same count and interval.
#
#   sudo bench/continuous.sh [N [INTERVAL [RUNS]]]   (default 100 0.1 1)
#
# Per tool and run: wall time, CPU (user + system of the tool and its
# children: mtr's mtr-packet included), the time to the first full report
# row (from tcpdump's capture of the run: the first probe to the moment
# every hop has answered once), and per hop Loss%, Avg and StDev (from
# each tool's --json) beside the network's truth:
#   Loss%  the hop's set loss (0 for the others);
#   Avg    (2k - 1)(D + J/2): hop k's probe and answer cross 2k - 1 queues;
#   StDev  J sqrt((2k - 1) / 12), for independent holds.  A packet that
#          reaches a router less than J after another may wait for it in
#          nfq-delay's FIFO (bench/nfq-delay.c): a tool whose own packets
#          meet there measures more than the truth.
# The statistics: for each tool and hop, the mean over runs of (figure -
# truth) with a 95% confidence interval (Student's t over the runs); and,
# pairing each run's hoptrace with the same run's mtr (they run one after
# the other, their order turning from run to run), the mean of |hoptrace -
# truth| - |mtr - truth| with its 95% interval: below 0, hoptrace is the
# closer; an interval holding 0, the runs cannot tell them apart.
# BENCH_TOOLS: the tools, of hoptrace (as it is: a round's probes one by
# one, each when the one before is answered), hoptrace-z10 (-z 10: probes
# 10 ms apart, the spacing before that), hoptrace-burst (-z 0: a round at
# once) and mtr [hoptrace mtr].  Figures only, never pass/fail: the
# machine is shared.  Traffic stays in the namespaces this script makes.
set -u
here=$(cd "$(dirname "$0")" && pwd)
srcdir=$here/../tests
# shellcheck source=../tests/net/netns.sh disable=SC1091
. "$srcdir/net/netns.sh"
# shellcheck source=netns-delay.sh disable=SC1091
. "$here/netns-delay.sh"
HOPTRACE=${HOPTRACE:-$here/../hoptrace}
COUNT=${1:-100} IVL=${2:-0.1} RUNS=${3:-1}
D=${BENCH_DELAY:-1} J=${BENCH_JITTER:-2}
HOPS=8 L3=30 L8=20
TOOLS=${BENCH_TOOLS:-hoptrace mtr}
ht_net_need_root python3 timeout mtr tcpdump

N=htbc$$
tmp=$(mktemp -d)
tdpid=
trap '[ -n "$tdpid" ] && kill "$tdpid" 2>/dev/null; ht_delay_stop $N 2>/dev/null; ht_net_down $N; rm -rf "$tmp"' EXIT
trap 'exit 143' TERM INT

ht_net_up "$N" --hops $HOPS --loss 3:$L3 --loss $HOPS:$L8 >/dev/null || exit 1
HT_DELAY_JITTER=$J ht_delay_start "$N" "$D" || exit 1
T=$HT_TARGET4

# measure NAME CMD... : run CMD in the source namespace under tcpdump;
# stdout to $tmp/NAME.json, "WALL_S CPU_S RC" to $tmp/NAME.time, the
# capture to $tmp/NAME.pcap
measure() {
	local name=$1 k
	shift
	ip netns exec "${N}s" tcpdump -Z root -s 128 -B 8192 -U --immediate-mode -i eR \
		-w "$tmp/$name.pcap" icmp >"$tmp/td.log" 2>&1 &
	tdpid=$!
	for ((k = 0; k < 100; k++)); do
		grep -q 'listening on' "$tmp/td.log" && break
		sleep 0.05
	done
	ht_net_exec "$N" s python3 -c '
import resource, subprocess, sys, time
t = time.monotonic()
with open(sys.argv[1], "w") as out:
    rc = subprocess.run(sys.argv[3:], stdout=out, stdin=subprocess.DEVNULL).returncode
w = time.monotonic() - t
r = resource.getrusage(resource.RUSAGE_CHILDREN)
open(sys.argv[2], "w").write("%.3f %.3f %d\n" % (w, r.ru_utime + r.ru_stime, rc))
' "$tmp/$name.json" "$tmp/$name.time" "$@"
	sleep 0.3
	kill -INT "$tdpid"
	wait "$tdpid"
	tdpid=
}

echo "chain of $HOPS, hop 3 loses $L3%, hop $HOPS $L8%; delay $D ms + [0, $J) ms a crossing;"
echo "$COUNT rounds at ${IVL}s, $RUNS run(s) of: $TOOLS; $(uname -r), $(nproc) CPUs; mtr: $(mtr --version)"
echo "started $(date -u '+%Y-%m-%d %H:%M UTC'), load $(cut -d' ' -f1-3 /proc/loadavg)"
read -ra tools <<<"$TOOLS"
for ((run = 1; run <= RUNS; run++)); do
	# the order turns from run to run
	n=${#tools[@]}
	for ((i = 0; i < n; i++)); do
		tool=${tools[$(((i + run) % n))]}
		case $tool in
		hoptrace) measure "$tool.$run" "$HOPTRACE" -n -c "$COUNT" --interval="$IVL" --report -j "$T" ;;
		hoptrace-z10) measure "$tool.$run" "$HOPTRACE" -n -z 10 -c "$COUNT" --interval="$IVL" --report -j "$T" ;;
		hoptrace-burst) measure "$tool.$run" "$HOPTRACE" -n -z 0 -c "$COUNT" --interval="$IVL" --report -j "$T" ;;
		mtr) measure "$tool.$run" mtr -n -r -c "$COUNT" -i "$IVL" --json "$T" ;;
		*) echo "unknown tool $tool" >&2; exit 2 ;;
		esac
	done
done
echo "ended $(date -u '+%Y-%m-%d %H:%M UTC'), load $(cut -d' ' -f1-3 /proc/loadavg)"

python3 - "$tmp" "$RUNS" "$HOPS" "$D" "$J" "$L3" "$L8" "$TOOLS" <<'PY'
import json, math, statistics as st, struct, sys
tmp, runs, hops, d, j = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), float(sys.argv[4]), float(sys.argv[5])
loss = {3: float(sys.argv[6]), hops: float(sys.argv[7])}
tools = sys.argv[8].split()

def first_row(path):
    """Seconds from the first echo request to the moment every hop has
    answered once (time exceeded from 10.77.k-1.2, or the target's echo
    reply), from a pcap of the source's link (Ethernet); None if never."""
    try:
        data = open(path, 'rb').read()
    except OSError:
        return None
    if len(data) < 24:
        return None
    magic = struct.unpack('<I', data[:4])[0]
    e, div = ('<', 1e6) if magic in (0xa1b2c3d4, 0xa1b23c4d) else ('>', 1e6)
    if magic == 0xa1b23c4d:
        div = 1e9
    off, t0, seen = 24, None, set()
    while off + 16 <= len(data):
        s, u, cl, _ = struct.unpack(e + 'IIII', data[off:off + 16])
        pkt = data[off + 16:off + 16 + cl]
        off += 16 + cl
        t = s + u / div
        if len(pkt) < 14 + 20 + 1 or pkt[12:14] != b'\x08\x00':
            continue
        ip = pkt[14:]
        hl = (ip[0] & 15) * 4
        if ip[9] != 1 or len(ip) < hl + 1:
            continue
        typ, src = ip[hl], ip[12:16]
        if typ == 8 and t0 is None:
            t0 = t
        elif t0 is not None and typ == 11 and src[0] == 10 and src[1] == 77 and src[3] == 2:
            seen.add(src[2] + 1)
        elif t0 is not None and typ == 0:
            seen.add(hops)
        if t0 is not None and len(seen) == hops:
            return t - t0
    return None

res = {t: [] for t in tools}
for t in tools:
    for r in range(1, runs + 1):
        w, c, rc = open('%s/%s.%d.time' % (tmp, t, r)).read().split()
        try:
            hubs = {h['count']: h for h in json.load(open('%s/%s.%d.json' % (tmp, t, r)))['report']['hubs']}
        except (ValueError, KeyError):
            hubs = {}
        res[t].append((float(w), float(c), int(rc), hubs, first_row('%s/%s.%d.pcap' % (tmp, t, r))))

# Student's t, 97.5% quantile, by degrees of freedom
T975 = {1: 12.71, 2: 4.30, 3: 3.18, 4: 2.78, 5: 2.57, 6: 2.45, 7: 2.36, 8: 2.31, 9: 2.26,
        10: 2.23, 12: 2.18, 14: 2.14, 16: 2.12, 18: 2.10, 20: 2.09, 25: 2.06, 30: 2.04,
        40: 2.02, 60: 2.00, 120: 1.98}
def tq(df):
    k = max([x for x in T975 if x <= df] or [1])
    return T975[k] if df < 1000 else 1.96
def ci(v):
    """mean and 95% half-width (nan with fewer than 2)"""
    if len(v) < 2:
        return (v[0] if v else float('nan')), float('nan')
    return st.mean(v), tq(len(v) - 1) * st.stdev(v) / math.sqrt(len(v))
def fmt(m, h):
    return '%+.2f ± %.2f' % (m, h)

print()
print('| tool | wall s (median) | CPU s (median) | first full row s (median, min-max) | exit |')
print('|---|---|---|---|---|')
for t in tools:
    fr = [x[4] for x in res[t] if x[4] is not None]
    print('| %s | %.2f | %.3f | %s | %s |' % (t, st.median(x[0] for x in res[t]),
          st.median(x[1] for x in res[t]),
          '%.3f (%.3f-%.3f)' % (st.median(fr), min(fr), max(fr)) if fr else 'n/a',
          ','.join(str(x[2]) for x in res[t])))

def truth(k):
    m = 2 * k - 1
    return {'Loss%': loss.get(k, 0.0), 'Avg': m * (d + j / 2), 'StDev': j * math.sqrt(m / 12.0)}

base = 'mtr' if 'mtr' in tools else None
for key, unit in (('Avg', 'ms'), ('StDev', 'ms'), ('Loss%', 'points')):
    print()
    print('%s: mean over the %d runs of (tool - truth), %s, ± the 95%% confidence half-width%s:' %
          (key, runs, unit, '; last columns: paired |tool - truth| - |mtr - truth| (below 0: the tool closer)' if base else ''))
    print()
    others = [t for t in tools if t != base] if base else []
    print('| hop | truth | ' + ' | '.join(tools) + ''.join(' | %s closer? ' % t for t in others) + ' |')
    print('|---' * (2 + len(tools) + len(others)) + '|')
    tot = {t: 0.0 for t in tools}
    wins = {t: [0, 0, 0] for t in others}
    for k in range(1, hops + 1):
        tr = truth(k)[key]
        cells, pair = [], []
        for t in tools:
            v = [x[3][k][key] - tr for x in res[t] if k in x[3]]
            m, h = ci(v)
            tot[t] += abs(m)
            cells.append(fmt(m, h))
        for t in others:
            dv = [abs(a[3][k][key] - tr) - abs(b[3][k][key] - tr)
                  for a, b in zip(res[t], res[base]) if k in a[3] and k in b[3]]
            m, h = ci(dv)
            pair.append(fmt(m, h))
            wins[t][0 if m + h < 0 else 2 if m - h > 0 else 1] += 1
        print('| %d | %.2f | %s |%s' % (k, tr, ' | '.join(cells), ''.join(' %s |' % p for p in pair)))
    print()
    print('Sum over hops of |mean bias|: ' + ', '.join('%s %.2f' % (t, tot[t]) for t in tools) +
          ''.join('. %s against mtr, hops where the paired interval lies below 0 / holds 0 / lies above 0: %d / %d / %d'
                  % (t, wins[t][0], wins[t][1], wins[t][2]) for t in others))
PY

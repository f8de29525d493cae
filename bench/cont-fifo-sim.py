#!/usr/bin/env python3
"""bench/cont-fifo-sim.py - what a round's own spacing costs on the
bench/continuous.sh chain, simulated: 8 hops, every router and the target an
nfq-delay FIFO holding each packet D ms plus a uniform [0, J) ms, releases
never out of order (bench/nfq-delay.c).  A probe to hop k crosses routers
1..k-1 out, k answers, k-1..1 back; links cost L ms.  For each spacing of a
round's probes (ms between TTL k and k+1), prints per hop the mean RTT
minus (2k - 1)(D + J/2 + L): the queueing the round's own packets add.

    bench/cont-fifo-sim.py [ROUNDS [SEED]]      (default 4000 1)
"""
import heapq
import random
import statistics as st
import sys

D, J, L, HOPS = 1.0, 2.0, 0.01, 8


def run(gap, rounds):
    exc = {k: [] for k in range(1, HOPS + 1)}
    for _ in range(rounds):
        last = {n: -1e9 for n in range(1, HOPS + 1)}
        ev, seq = [], 0
        for k in range(1, HOPS + 1):
            path = list(range(1, k)) + [k] + list(range(k - 1, 0, -1))
            heapq.heappush(ev, (gap * (k - 1), seq, k, path, 0, gap * (k - 1)))
            seq += 1
        while ev:
            t, _, k, path, i, t0 = heapq.heappop(ev)
            if i == len(path):
                exc[k].append(t - t0 - (2 * k - 1) * (D + J / 2 + L))
                continue
            n = path[i]
            rel = max(t + D + random.random() * J, last[n])
            last[n] = rel
            heapq.heappush(ev, (rel + L, seq, k, path, i + 1, t0))
            seq += 1
    return [st.mean(exc[k]) for k in range(1, HOPS + 1)]


def main():
    rounds = int(sys.argv[1]) if len(sys.argv) > 1 else 4000
    random.seed(int(sys.argv[2]) if len(sys.argv) > 2 else 1)
    print('gap ms  ' + ' '.join('  hop %d' % k for k in range(1, HOPS + 1)))
    for gap in (0, 2, 5, 10, 20, 40, 62.5, 125):
        print('%6.1f  %s' % (gap, ' '.join('%+7.3f' % x for x in run(gap, rounds))))


main()

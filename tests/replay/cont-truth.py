#!/usr/bin/env python3
"""tests/replay/cont-truth.py TEXT JSON - check a rounds report against the trace.

TEXT is hoptrace -r FILE -n (the trace listed probe by probe, its RTTs
checked against the capture by the replay corpus); JSON is hoptrace -r FILE
-n --report -j of the same capture.  The statistics are recomputed here
from the listed RTTs in the plainest way (two passes, the textbook
formulas; mtr's jitter definitions from ui/net.c), and must equal the
report's within the rounding of the listing (RTTs listed to 1 us):
per hop Snt, Rcv, Loss%, Last, Best, Wrst, Avg, StDev, Javg, Jmax, and the
hop's address.  Exit 0 when all agree, else 1 with the differences.
"""
import json
import math
import re
import sys

HOP = re.compile(r'^ ?(\d+)  (.*)$')
TOK = re.compile(r'(\*)|([0-9a-f.:]+)  ([0-9.]+) ms|([0-9.]+) ms')


def hops_of(text):
    hops = {}
    for line in text.splitlines():
        m = HOP.match(line)
        if not m:
            continue
        ttl, rest = int(m.group(1)), m.group(2)
        rest = re.sub(r'\s*\(\d+ sent, \d+ received\)$', '', rest)
        rtts, addr, n = [], None, 0
        for t in TOK.finditer(rest):
            n += 1
            if t.group(1):
                continue
            if t.group(2):
                addr = t.group(2)
                rtts.append(float(t.group(3)))
            else:
                rtts.append(float(t.group(4)))
        hops[ttl] = (n, rtts, addr)
    return hops


def stats(rtts):
    n = len(rtts)
    if n == 0:
        return dict(Last=0, Best=0, Wrst=0, Avg=0, StDev=0, Javg=0, Jmax=0)
    avg = sum(rtts) / n
    sd = math.sqrt(sum((x - avg) ** 2 for x in rtts) / (n - 1)) if n > 1 else 0
    jit = [0.0] + [abs(b - a) for a, b in zip(rtts, rtts[1:])]
    return dict(Last=rtts[-1], Best=min(rtts), Wrst=max(rtts), Avg=avg,
                StDev=sd, Javg=sum(jit) / n, Jmax=max(jit))


def main():
    hops = hops_of(open(sys.argv[1]).read())
    rep = json.loads(open(sys.argv[2]).read())['report']
    bad = []
    got = {h['count']: h for h in rep['hubs']}
    if sorted(got) != sorted(hops):
        bad.append('hops %s, want %s' % (sorted(got), sorted(hops)))
    for ttl, (n, rtts, addr) in sorted(hops.items()):
        h = got.get(ttl)
        if h is None:
            continue
        want = stats(rtts)
        want.update(Snt=n, Rcv=len(rtts),
                    **{'Loss%': 100.0 * (n - len(rtts)) / n})
        for k, v in want.items():
            if abs(h[k] - v) > 0.002:
                bad.append('hop %d %s %s, want %.4f' % (ttl, k, h[k], v))
        if h['ip'] != addr:
            bad.append('hop %d ip %s, want %s' % (ttl, h['ip'], addr))
    for b in bad:
        print(b)
    return 1 if bad else 0


sys.exit(main())

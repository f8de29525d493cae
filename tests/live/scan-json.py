#!/usr/bin/env python3
"""tests/live/scan-json.py FILE AF NTARGETS HOPS SHORT PROTO [FINAL_HOP] - the
per-target RIPE Atlas JSON of "hoptrace --targets ... -j" (live-scan.sh)
against the testbed's topology (tests/net/netns.sh --prefix --prefix-short):
one line per target, each a traceroute of protocol PROTO to it whose hops
are 1 .. its distance, one probe each, hop k < distance answered by router
k, the last by the target (FINAL_HOP "1": by the address of the target's
link, as Linux answers UDP to an IPv6 AnyIP address), dest_reached true.
When ripe.atlas.sagan imports (PYTHONPATH), each line is also read back by
it in strict mode and its hops, origins and RTTs compared.  Exit 0 or 1,
the problems on stdout."""
import ipaddress
import json
import sys

try:
    from ripe.atlas.sagan import Result
    from ripe.atlas.sagan.traceroute import TracerouteResult
    STRICT = {"on_error": Result.ACTION_FAIL,
              "on_malformation": Result.ACTION_FAIL}
except ImportError:
    TracerouteResult = None

path, af, ntargets, hops, short, proto = sys.argv[1:7]
final_hop = len(sys.argv) > 7 and sys.argv[7] == "1"
af, ntargets, hops, short = int(af), int(ntargets), int(hops), int(short)


def hop_addr(k):
    if af == 4:
        return "10.77.%d.2" % (k - 1)
    return "fd77::2" if k == 1 else "fd77:0:0:%d::2" % (k - 1)


def dist(t):
    a = ipaddress.ip_address(t)
    net = "10.200.128.0/17" if af == 4 else "fd77:200:0:0:8000::/65"
    return short if a in ipaddress.ip_network(net) else hops


err = []
seen = set()
for ln, line in enumerate(open(path), 1):
    try:
        r = json.loads(line)
    except ValueError as e:
        err.append("line %d: not JSON: %s" % (ln, e))
        continue
    t = r.get("dst_addr")
    if t in seen:
        err.append("line %d: %s a second time" % (ln, t))
    seen.add(t)
    d = dist(t)
    want = [(k, hop_addr(k) if k < d or final_hop else t)
            for k in range(1, d + 1)]
    got = [(h["hop"], h["result"][0].get("from"))
           for h in r.get("result", []) if len(h["result"]) == 1]
    if r.get("type") != "traceroute" or r.get("proto") != proto or \
            r.get("af") != af or r.get("dest_reached") is not True or \
            got != want or len(got) != len(r.get("result", [])):
        err.append("line %d: %s: %s %s reached %r hops %r, expected %r" %
                   (ln, t, r.get("proto"), r.get("af"),
                    r.get("dest_reached"), got, want))
    if TracerouteResult is not None:
        try:
            res = TracerouteResult(r, **STRICT)
            sg = [(h.index, h.packets[0].origin) for h in res.hops]
            rtts = ["%.3f" % h.packets[0].rtt for h in res.hops]
            if sg != want or rtts != ["%.3f" % h["result"][0]["rtt"]
                                      for h in r["result"]]:
                err.append("line %d: sagan reads %r %r" % (ln, sg, rtts))
        except Exception as e:  # sagan's own errors, strict mode
            err.append("line %d: sagan refuses it: %s" % (ln, e))
    if len(err) > 20:
        break
if len(seen) != ntargets:
    err.append("%d targets, expected %d" % (len(seen), ntargets))
for e in err[:20]:
    print(e)
if not err:
    print("%d targets%s" % (len(seen), ", sagan strict" if TracerouteResult
                            else " (no sagan here)"))
sys.exit(1 if err else 0)

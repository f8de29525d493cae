#!/usr/bin/env python3
"""tests/replay/mda-check.py TEXT JSON GRAPH [RECORD] - the checks of an mda
case of tests/replay/CASES that want Python (tests/replay/run.sh runs it,
one process a case):

  - with RECORD (the captured tool's own record: a command line, then
    "FLOW TTL:ADDR ..." per flow): every link of the text output TEXT
    (hoptrace -n --mda) has exactly the flows whose records show that link
    at consecutive TTLs;
  - JSON (the same run with -j) is one JSON object of type "mda" whose
    nodes and links are the graph GRAPH ("N addr", "L from to", sorted),
    its hops' probes adding up to its probes.

Prints one line per failed check ("flows per link: ...", "-j: ...");
exit 0 when none failed, 1 otherwise.
"""
import json
import sys


def ranges(s):
    out = set()
    for r in s.split(","):
        a, _, b = r.partition("-")
        out.update(range(int(a), int(b or a) + 1))
    return out


def flows_per_link(text, record):
    got, frm = {}, None
    for line in open(text):
        if line.startswith("    ") and not line.startswith("      "):
            frm = line.split()[0]
        elif line.startswith("      -> "):
            w = line.split()
            got[(frm, w[1])] = ranges(w[4])
    want, seen = {}, {}
    for line in list(open(record))[1:]:
        w = line.split()
        hops = [x.split(":", 1) for x in w[1:]]
        seen[int(w[0])] = set(a for _, a in hops)
        for (t1, a1), (t2, a2) in zip(hops, hops[1:]):
            if int(t2) == int(t1) + 1:
                want.setdefault((a1, a2), set()).add(int(w[0]))
    # A flow may prove more links in the capture than in the tool's record
    # only where the record lacks a reply the capture holds
    # (dublin-traceroute misses the first reply of a run: its sniffer
    # starts late).
    for k in sorted(set(got) | set(want)):
        g, t = got.get(k, set()), want.get(k, set())
        extra = [f for f in g - t
                 if k[0] in seen.get(f, ()) and k[1] in seen.get(f, ())]
        if t - g or extra:
            return ("link %s -> %s: flows %s, the tool's record %s" %
                    (k[0], k[1], sorted(g), sorted(t)))
    return None


def json_graph(jfile, graph):
    lines = open(jfile).read().splitlines()
    assert len(lines) == 1, "%d JSON lines" % len(lines)
    o = json.loads(lines[0])
    assert o["type"] == "mda"
    addr = {n["id"]: n["addr"] for n in o["nodes"]}
    got = sorted(set(["N " + a for a in addr.values()] +
                     ["L %s %s" % (addr[l["from"]], addr[l["to"]])
                      for l in o["links"]]))
    want = open(graph).read().splitlines()
    assert got == want, "graph %r, want %r" % (got, want)
    assert sum(h["probes"] for h in o["hops"]) == o["probes"], "hop probes"


def main(argv):
    if len(argv) not in (4, 5):
        sys.stderr.write(__doc__)
        return 2
    bad = 0
    if len(argv) == 5:
        try:
            why = flows_per_link(argv[1], argv[4])
        except Exception as e:  # a record or an output it cannot read
            why = "%s: %s" % (type(e).__name__, e)
        if why:
            print("flows per link: " + why)
            bad = 1
    try:
        json_graph(argv[2], argv[3])
    except Exception as e:  # AssertionError, ValueError, KeyError, ...
        print("-j: %s: %s" % (type(e).__name__, e))
        bad = 1
    return bad


if __name__ == "__main__":
    sys.exit(main(sys.argv))

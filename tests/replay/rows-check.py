#!/usr/bin/env python3
# tests/replay/rows-check.py TEXT ROWS: the rows (hoptrace -r FILE --rows)
# against the text replay of the same capture (hoptrace -r FILE -n): every
# reply the text shows is one row, and every row a reply it shows: the
# same traces in the same order (source, destination, protocol), and in
# each, hop by hop, the same responders and RTTs in the same order (RTTs
# within a microsecond: the text rounds, rows cut).  Exit 0 agree, 1 not.
import json
import sys


def text_traces(path):
    out, cur = [], None
    for line in open(path):
        w = line.split()
        if line.startswith("hoptrace from "):
            # hoptrace from SRC to DST (DST), PROTO, first probe ...
            cur = {"src": w[2], "dst": w[4], "proto": w[6].rstrip(","),
                   "replies": []}
            out.append(cur)
            continue
        if cur is None or not w or not w[0].isdigit():
            continue
        ttl, resp, i = int(w[0]), None, 1
        while i < len(w):
            if i + 1 < len(w) and w[i + 1] == "ms":
                cur["replies"].append((ttl, resp, float(w[i])))
                i += 2
            elif w[i] == "*" or w[i][0] in "!([":
                i += 1
            else:
                resp = w[i]
                i += 1
    return out


def row_traces(path):
    out, last = [], None
    for line in open(path):
        r = json.loads(line)
        if r["trace"] != last:
            out.append({"src": r["src"], "dst": r["target"],
                        "proto": r["proto"], "replies": []})
            last = r["trace"]
        out[-1]["replies"].append((r["ttl"], r["responder"], r["rtt"]))
    for t in out:
        t["replies"].sort(key=lambda x: x[0])	# stable: probe order
    return out


def main():
    text, rows = text_traces(sys.argv[1]), row_traces(sys.argv[2])
    text = [t for t in text if t["replies"]]
    err = []
    if len(text) != len(rows):
        err.append("%d traces with replies in the text, %d in the rows" %
                   (len(text), len(rows)))
    for k, (a, b) in enumerate(zip(text, rows)):
        for f in ("src", "dst", "proto"):
            if a[f] != b[f]:
                err.append("trace %d: %s %s in the text, %s in the rows" %
                           (k + 1, f, a[f], b[f]))
        if len(a["replies"]) != len(b["replies"]):
            err.append("trace %d: %d replies in the text, %d rows" %
                       (k + 1, len(a["replies"]), len(b["replies"])))
        for x, y in zip(a["replies"], b["replies"]):
            if x[0] != y[0] or x[1] != y[1] or abs(x[2] - y[2]) > 0.0015:
                err.append("trace %d: text %s, row %s" % (k + 1, x, y))
                break
    print("\n".join(err[:10]) if err else
          "%d traces, %d rows agree" % (len(rows),
                                         sum(len(t["replies"]) for t in rows)))
    return 1 if err else 0


sys.exit(main())

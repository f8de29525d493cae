#!/usr/bin/env python3
"""tests/replay/sagan.py HOPTRACE CAPTURE... - RIPE's own parser reads hoptrace's
JSON back.  ripe.atlas.sagan must be importable (tests/replay/sagan.sh sets
PYTHONPATH).  For every capture, "hoptrace -n -j -r CAPTURE" and
"hoptrace -n -r CAPTURE" (TZ=UTC), and for every trace:

  - sagan takes it in strict mode (on_error and on_malformation
    ACTION_FAIL: any "err", any malformation refuses the whole result);
  - what sagan reads back equals the text output (read by ht_text.py):
    source, destination, protocol and family; the hop numbers; for every
    probe "*" or the responder's address; and the RTT, which sagan rounds
    to 3 decimals and the text prints with 3.

A capture hoptrace refuses with both outputs alike (exit status not 0) has
no traces to check and is listed; one refused by one output only fails.
Exit 0 all read back, 1 otherwise."""
import json
import subprocess
import sys

import ht_text
from ripe.atlas.sagan import Result, ResultError, ResultParseError
from ripe.atlas.sagan.traceroute import TracerouteResult

STRICT = {"on_error": Result.ACTION_FAIL,
          "on_malformation": Result.ACTION_FAIL}


def run(hoptrace, *args):
    return subprocess.run([hoptrace] + list(args), capture_output=True,
                          text=True, env={"TZ": "UTC"})


def differences(res, want):
    """What sagan's reading of one trace gets wrong against the text."""
    pb = []
    head = (res.source_address, res.destination_address, res.protocol,
            res.af)
    twant = (want.src, want.dst, want.proto, 6 if ":" in want.dst else 4)
    if head != twant:
        pb.append("src, dst, proto, af %r, text %r" % (head, twant))
    got = [h.index for h in res.hops]
    hops = [h for h, _ in want.hops]
    if got != hops or res.total_hops != len(hops):
        return pb + ["hops %r (total_hops %r), text %r"
                     % (got, res.total_hops, hops)]
    for hop, (n, answers) in zip(res.hops, want.hops):
        if len(hop.packets) != len(answers):
            pb.append("hop %d: %d packets, text %d probes"
                      % (n, len(hop.packets), len(answers)))
            continue
        for i, (p, a) in enumerate(zip(hop.packets, answers), 1):
            if a is None:
                if p.origin is not None or p.rtt is not None:
                    pb.append("hop %d probe %d: from %r rtt %r, text *"
                              % (n, i, p.origin, p.rtt))
            elif p.origin != a[0] or p.rtt is None or \
                    "%.3f" % p.rtt != a[1]:
                pb.append("hop %d probe %d: from %r rtt %r, text %s %s ms"
                          % (n, i, p.origin, p.rtt, a[0], a[1]))
    return pb


def check(hoptrace, cap):
    """(traces, accepted, exact, problems, refused-by-hoptrace)"""
    txt = run(hoptrace, "-n", "-r", cap)
    js = run(hoptrace, "-n", "-j", "-r", cap)
    if txt.returncode != js.returncode:
        return 0, 0, 0, ["exit %d with -j, %d without"
                         % (js.returncode, txt.returncode)], False
    if js.returncode != 0:
        return 0, 0, 0, [], True
    want = ht_text.traces(txt.stdout)
    lines = js.stdout.splitlines()
    if len(lines) != len(want):
        return len(lines), 0, 0, ["%d JSON lines, %d text traces"
                                  % (len(lines), len(want))], False
    accepted = exact = 0
    pb = []
    for k, (line, w) in enumerate(zip(lines, want), 1):
        try:
            res = Result.get(json.loads(line), **STRICT)
        except (ResultError, ResultParseError) as e:
            pb.append("trace %d: refused by sagan: %s" % (k, e))
            continue
        except Exception as e:          # sagan fell over: refused as well
            pb.append("trace %d: sagan raised %s: %s"
                      % (k, type(e).__name__, e))
            continue
        if not isinstance(res, TracerouteResult):
            pb.append("trace %d: sagan read a %s" % (k, type(res).__name__))
            continue
        accepted += 1
        d = differences(res, w)
        if d:
            pb += ["trace %d: %s" % (k, x) for x in d]
        else:
            exact += 1
    return len(lines), accepted, exact, pb, False


def main():
    hoptrace, captures = sys.argv[1], sys.argv[2:]
    n = acc = ex = failed = 0
    for cap in captures:
        try:
            t, a, e, pb, refused = check(hoptrace, cap)
        except ValueError as err:       # the text output is not readable
            t, a, e, pb, refused = 0, 0, 0, [str(err)], False
        if refused:
            print("NOTE: %s: hoptrace reads no traces from it" % cap)
        n, acc, ex = n + t, acc + a, ex + e
        if pb:
            failed += 1
            print("FAIL: %s:\n  %s" % (cap, "\n  ".join(pb)))
    print("%s: %d captures, %d traces: %d taken by sagan strict, %d read "
          "back exactly; %d captures failed"
          % ("PASS" if not failed else "FAIL", len(captures), n, acc, ex,
             failed))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())

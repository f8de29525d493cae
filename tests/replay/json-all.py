#!/usr/bin/env python3
"""tests/replay/json-all.py HOPTRACE CAPTURE... - for every capture: the -j output
is strict JSON Lines (no NaN/Infinity, one object per line) holding every
field the contract requires with the right types, one object per trace of
the text output, and the same hops as the text (read by ht_text.py): the same
hop numbers, and for each probe the same answer ("*" or the responder's
address)."""
import json
import subprocess
import sys

import ht_text

REQUIRED = {"type": str, "fw": int, "msm_id": int, "prb_id": int, "af": int,
            "proto": str, "src_addr": str, "dst_addr": str, "dst_name": str,
            "from": str, "paris_id": int, "size": int, "timestamp": int,
            "endtime": int, "result": list}


def bad_constant(name):
    raise ValueError("non-JSON constant " + name)


def main():
    hoptrace, captures = sys.argv[1], sys.argv[2:]
    failed = 0
    for cap in captures:
        txt = subprocess.run([hoptrace, "-n", "-r", cap], capture_output=True,
                             text=True, env={"TZ": "UTC"})
        js = subprocess.run([hoptrace, "-n", "-j", "-r", cap],
                            capture_output=True, text=True, env={"TZ": "UTC"})
        try:
            if txt.returncode != js.returncode:
                raise ValueError("exit %d with -j, %d without"
                                 % (js.returncode, txt.returncode))
            want = ht_text.traces(txt.stdout)
            got = [json.loads(l, parse_constant=bad_constant)
                   for l in js.stdout.splitlines()]
            if len(got) != len(want):
                raise ValueError("%d JSON objects, %d text traces"
                                 % (len(got), len(want)))
            for obj, (src, dst, proto, thops) in zip(got, want):
                hops = [(hop, ["*" if a is None else a[0] for a in answers])
                        for hop, answers in thops]
                for k, t in REQUIRED.items():
                    if not isinstance(obj.get(k), t) or isinstance(obj.get(k), bool):
                        raise ValueError("field %s missing or not %s" % (k, t.__name__))
                if obj["type"] != "traceroute" or obj["fw"] < 5000:
                    raise ValueError("type/fw wrong")
                if (obj["src_addr"], obj["dst_addr"], obj["proto"]) != (src, dst, proto):
                    raise ValueError("src/dst/proto differ from the text")
                if obj["af"] != (6 if ":" in dst else 4):
                    raise ValueError("af wrong")
                jhops = []
                for h in obj["result"]:
                    answers = []
                    for r in h["result"]:
                        if r.get("x") == "*":
                            answers.append("*")
                        else:
                            if not isinstance(r.get("rtt"), (int, float)):
                                raise ValueError("hop %d: rtt not a number" % h["hop"])
                            answers.append(r["from"])
                    jhops.append((h["hop"], answers))
                if jhops != hops:
                    raise ValueError("hops differ:\n  text %s\n  json %s" % (hops, jhops))
        except ValueError as e:
            failed += 1
            print("FAIL: %s: %s" % (cap, e))
    print("%s: %d captures, %d failed" % ("PASS" if not failed else "FAIL",
                                          len(captures), failed))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())

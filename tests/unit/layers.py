#!/usr/bin/env python3
"""tests/unit/layers.py SRCDIR - the include rules of hoptrace's layout.

Every file under SRCDIR (src/) belongs to one layer, named by its folder,
and may include (with #include "...") only files of the layers below it:

  base    addresses, bounds-checked reads, time      base
  wire    decode, the probe description, BPF         base wire
  match   the model and the matcher                  base wire match
  io      capture, sender, route, resolver, ...      base wire io
  engine  the loops every mode runs on               base wire match io engine
  out     renderers of the shared trace model        base wire match out
  mode/X  one measurement's decisions and forms      all of the above, mode/X
  main.c  the table of modes (and run.c, its runs)   anything

A renderer in a mode's folder (a file named *_text.c, *_json.c, *_dot.c,
*_output.c, *_report.c, *_csv.c, *_rows.c, *_screen.c) reads its model
only: base, wire, match, out and its own mode.  No mode includes another.
An include must name a file that exists.  Prints one line per broken
rule; exit 0 when there is none, 1 otherwise.
"""
import os
import re
import sys

ORDER = {
    "base": {"base"},
    "wire": {"base", "wire"},
    "match": {"base", "wire", "match"},
    "io": {"base", "wire", "io"},
    "engine": {"base", "wire", "match", "io", "engine"},
    "out": {"base", "wire", "match", "out"},
}
RENDERER = re.compile(r"_(text|json|dot|output|report|csv|rows|screen)\.c$")

def layer(rel):
    parts = rel.split("/")
    if len(parts) == 1:
        return "main" if parts[0] in ("main.c", "run.c", "run.h") else None
    if parts[0] == "mode":
        return "mode/" + parts[1] if len(parts) == 3 else None
    return parts[0] if parts[0] in ORDER else None


def allowed(rel, lay):
    if lay == "main":
        return None
    if lay.startswith("mode/"):
        if RENDERER.search(rel):
            return {"base", "wire", "match", "out", lay}
        return {"base", "wire", "match", "io", "engine", "out", lay}
    return ORDER[lay]


def main():
    src = sys.argv[1]
    bad = []
    nfiles = ninc = 0
    for root, _dirs, files in os.walk(src):
        for fn in sorted(files):
            if not fn.endswith((".c", ".h")):
                continue
            path = os.path.join(root, fn)
            rel = os.path.relpath(path, src)
            lay = layer(rel)
            nfiles += 1
            if lay is None:
                bad.append("%s: not in a layer's folder (base, wire, match, "
                           "io, engine, out, mode/X) nor main.c" % rel)
                continue
            ok = allowed(rel, lay)
            with open(path, encoding="utf-8") as fp:
                for no, line in enumerate(fp, 1):
                    m = re.match(r'\s*#\s*include\s+"([^"]+)"', line)
                    if not m:
                        continue
                    inc = m.group(1)
                    ninc += 1
                    if not os.path.exists(os.path.join(src, inc)):
                        bad.append('%s:%d: includes "%s", which is no file '
                                   'under src/' % (rel, no, inc))
                        continue
                    il = layer(inc)
                    if ok is None or il in ok:
                        continue
                    what = "renderer " if lay.startswith("mode/") and \
                        RENDERER.search(rel) else ""
                    bad.append('%s:%d: %s(layer %s) includes "%s" (layer %s)'
                               % (rel, no, what, lay, inc, il))
    for b in bad:
        print("FAIL: " + b)
    print("%d files, %d includes, %d broken rules" % (nfiles, ninc, len(bad)))
    return 1 if bad or nfiles == 0 else 0


if __name__ == "__main__":
    sys.exit(main())

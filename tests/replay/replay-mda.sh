#!/bin/bash
# tests/replay/replay-mda.sh - the multipath replay corpus, table-driven: for every
# line of tests/replay/MDALIST
#
#     name  capture-file  [options...]  graph-file  [paths-file]
#
# run  cd $top_srcdir && TZ=UTC $HOPTRACE -r capture-file -n --mda options...
# and require
#   - exit status 0 and stderr empty;
#   - the nodes and links of the text output equal to graph-file (the
#     topology's truth, "N addr" and "L from to" lines, sorted);
#   - with a paths-file (the captured tool's own record: a command line,
#     then "FLOW TTL:ADDR ..." per flow): every link's flows equal to the
#     flows whose records show that link at consecutive TTLs (a flow may
#     prove a link the record misses only where the record lacks one of
#     its two replies: dublin-traceroute misses a run's first reply);
#   - -j: one JSON object of type "mda" with the same nodes and links, the
#     hops' probes adding up to its probes; --dot: one edge per link and
#     one from the source.
# Environment: HOPTRACE, srcdir, top_srcdir as from automake; MDA_ONLY="name
# ..." runs only those lines.  Exit 0 pass, 1 fail, 99 hard error.
# shellcheck disable=SC2154,SC2034 # tmp: ht_tmpdir; last_cmd: ht_report
set -u
srcdir=${srcdir:-$(cd "$(dirname "$0")/.." && pwd)}
# shellcheck source=../common.sh disable=SC1091
. "$srcdir/common.sh"
top_srcdir=${top_srcdir:-$srcdir/..}
list=$srcdir/replay/MDALIST
ht_need_hoptrace
command -v python3 >/dev/null 2>&1 || { echo "SKIP: python3 not installed"; exit 77; }
[ -r "$list" ] || { echo "ERROR: $list not found" >&2; exit 99; }
ht_tmpdir htrmda

only=" ${MDA_ONLY-} "
failures=0
checks=0

# graph FILE: "N addr" and "L from to" of a text output, sorted
graph() {
	awk '
	/^    [^ ]/ { from = $1; print "N " $1; next }
	/^      -> / { print "L " from " " $2; next }
	' "$1" | sort -u
}

while read -r -a f; do
	[ "${#f[@]}" -gt 0 ] || continue
	case ${f[0]} in "#"*) continue ;; esac
	name=${f[0]} cap=${f[1]}
	[ "$only" = "  " ] || [[ $only == *" $name "* ]] || continue
	paths=""
	case ${f[${#f[@]} - 1]} in
	*.graph) gfile=${f[${#f[@]} - 1]}; opts=("${f[@]:2:${#f[@]}-3}") ;;
	*) paths=${f[${#f[@]} - 1]}; gfile=${f[${#f[@]} - 2]}; opts=("${f[@]:2:${#f[@]}-4}") ;;
	esac
	checks=$((checks + 1))
	last_cmd="hoptrace -r $cap -n --mda ${opts[*]}"
	(cd "$top_srcdir" && TZ=UTC exec "$HOPTRACE" -r "$cap" -n --mda "${opts[@]}") \
		>"$tmp/out" 2>"$tmp/err"
	rc=$?
	if [ "$rc" != 0 ] || [ -s "$tmp/err" ]; then
		ht_report "$name" "exit $rc, stderr: $(head -c 300 "$tmp/err")"
		continue
	fi
	graph "$tmp/out" >"$tmp/found"
	if ! cmp -s "$tmp/found" "$top_srcdir/$gfile"; then
		ht_report "$name" "graph differs from the topology (< found, > truth):" \
			"$(diff "$tmp/found" "$top_srcdir/$gfile" | grep '^[<>]' | tr '\n' ';')"
		continue
	fi
	if [ -n "$paths" ]; then
		checks=$((checks + 1))
		if ! python3 - "$tmp/out" "$top_srcdir/$paths" >"$tmp/perr" 2>&1 <<'PY'
import sys
def ranges(s):
    out = set()
    for r in s.split(","):
        a, _, b = r.partition("-")
        out.update(range(int(a), int(b or a) + 1))
    return out
got, frm = {}, None
for line in open(sys.argv[1]):
    if line.startswith("    ") and not line.startswith("      "):
        frm = line.split()[0]
    elif line.startswith("      -> "):
        w = line.split()
        got[(frm, w[1])] = ranges(w[4])
want, seen = {}, {}
for line in list(open(sys.argv[2]))[1:]:
    w = line.split()
    hops = [x.split(":", 1) for x in w[1:]]
    seen[int(w[0])] = set(a for _, a in hops)
    for (t1, a1), (t2, a2) in zip(hops, hops[1:]):
        if int(t2) == int(t1) + 1:
            want.setdefault((a1, a2), set()).add(int(w[0]))
# A flow may prove more links in the capture than in the tool's record only
# where the record lacks a reply the capture holds (dublin-traceroute misses
# the first reply of a run: its sniffer starts late).
for k in sorted(set(got) | set(want)):
    g, t = got.get(k, set()), want.get(k, set())
    extra = [f for f in g - t if k[0] in seen.get(f, ()) and k[1] in seen.get(f, ())]
    if t - g or extra:
        sys.exit("link %s -> %s: flows %s, the tool's record %s" %
                 (k[0], k[1], sorted(g), sorted(t)))
PY
		then
			ht_report "$name: flows per link" "$(tail -n 1 "$tmp/perr")"
		fi
	fi
	checks=$((checks + 1))
	last_cmd="hoptrace -r $cap -n --mda -j ${opts[*]}"
	(cd "$top_srcdir" && TZ=UTC exec "$HOPTRACE" -r "$cap" -n --mda -j "${opts[@]}") \
		>"$tmp/j" 2>"$tmp/err"
	if ! python3 -c '
import json, sys
lines = open(sys.argv[1]).read().splitlines()
assert len(lines) == 1, "%d JSON lines" % len(lines)
o = json.loads(lines[0])
assert o["type"] == "mda"
addr = {n["id"]: n["addr"] for n in o["nodes"]}
got = sorted(set(["N " + a for a in addr.values()] +
    ["L %s %s" % (addr[l["from"]], addr[l["to"]]) for l in o["links"]]))
want = open(sys.argv[2]).read().splitlines()
assert got == want, "graph %r, want %r" % (got, want)
assert sum(h["probes"] for h in o["hops"]) == o["probes"], "hop probes"
' "$tmp/j" "$top_srcdir/$gfile" >"$tmp/jerr" 2>&1 || [ -s "$tmp/err" ]; then
		ht_report "$name -j" "$(tail -n 1 "$tmp/jerr") $(head -c 200 "$tmp/err")"
	fi
	checks=$((checks + 1))
	last_cmd="hoptrace -r $cap -n --mda --dot ${opts[*]}"
	(cd "$top_srcdir" && TZ=UTC exec "$HOPTRACE" -r "$cap" -n --mda --dot "${opts[@]}") \
		>"$tmp/d" 2>"$tmp/err"
	links=$(grep -c '^L ' "$top_srcdir/$gfile")
	edges=$(grep -c -- '->' "$tmp/d")
	if [ -s "$tmp/err" ] || ! head -n 1 "$tmp/d" | grep -q '^digraph ' ||
		[ "$edges" != $((links + 1)) ]; then
		ht_report "$name --dot" "want a digraph with $((links + 1)) edges, got $edges"
	fi
done <"$list"

if [ "$failures" != 0 ]; then
	echo "FAIL: $failures of $checks checks"
	exit 1
fi
echo "PASS: $checks checks on $(grep -cv '^\(#\|$\)' "$list") multipath captures"

#!/bin/bash
# tests/live/live-mda-shapes.sh - MDA-Lite and full MDA on diamonds of other
# shapes than tests/live/live-mda.sh's (tests/net/netns-graph.sh builds them):
#   nested   r2 splits over a and b; a splits again over a1 and a2, which
#            meet at a3; b goes b1, b2; a3 and b2 meet at r6
#   meshed   r2 splits over a1 and a2, each of them over b1 and b2 (every
#            router of one level linked to every router of the next); r5
#   unequal  r2 splits over a and b; a goes a2 then r5, b straight to r5
# For each, compared with the topology's truth:
#   - MDA-Lite (the default) at 99.99%, IPv4 and IPv6, and full MDA (IPv4):
#     exactly the true nodes and links;
#   - the replay of the MDA-Lite run's -w capture: the same output, line for
#     line;
#   - -j: the diamonds (divergence and convergence points, width, shortest
#     and longest branch, meshed, nesting) are the topology's, live and
#     replayed;
#   - the switch: MDA-Lite gives hop 4 of the meshed diamond to full MDA
#     because of meshing, and hop 4 of the nested one because of width
#     asymmetry (the text header and -j's "lite" say so); it keeps MDA-Lite
#     on the unequal branches; full MDA runs report no switch.
# Exit 0 pass, 1 fail, 77 skip, 99 hard error.
# shellcheck disable=SC2154,SC2034 # tmp: ht_tmpdir; last_cmd: ht_report
set -u
# shellcheck source=preamble.sh source-path=SCRIPTDIR disable=SC1091
. "$(dirname "$0")/preamble.sh" timeout python3
# shellcheck source=../net/netns-graph.sh source-path=SCRIPTDIR disable=SC1091
. "$srcdir/net/netns-graph.sh"

N=htshape$$0
ht_tmpdir htshape "ht_graph_down $N"
failures=0
checks=0

declare -A SPEC WHY DIAM
SPEC[nested]=$(ht_graph_shape nested)
SPEC[meshed]=$(ht_graph_shape meshed)
SPEC[unequal]=$(ht_graph_shape unequal)
# the switches MDA-Lite must make: "hop:why ..." (empty: none)
WHY[nested]="4:non-uniform 5:diamond 6:diamond"
WHY[meshed]="4:meshed 5:diamond"
WHY[unequal]=""
# diamonds: "div conv width min max meshed parent-div" (nodes by name)
DIAM[nested]="r2 r6 3 4 4 0 -;a a3 2 2 2 0 r2"
DIAM[meshed]="r2 r5 2 3 3 1 -;a1 r5 2 2 2 0 r2;a2 r5 2 2 2 0 r2"
DIAM[unequal]="r2 r5 2 2 3 0 -"

run() { # ARGS...: hoptrace in the source namespace
	last_cmd="ip netns exec ${N}s hoptrace $*"
	ip netns exec "${N}s" timeout 60 "$HOPTRACE" "$@" >"$tmp/out" 2>"$tmp/err" </dev/null
	rc=$?
}

graph() {
	awk '
	/^ ?[0-9]+  [0-9]+ interfaces?, [0-9]+ probes?$/ { next }
	/^    [^ ]/ { from = $1; print "N " $1; next }
	/^      -> / { print "L " from " " $2; next }
	' "$1" | sort -u
}

ok_run() {
	checks=$((checks + 1))
	local -a probs=()
	[ "$rc" = 0 ] || probs+=("exit status $rc, expected 0")
	[ -s "$tmp/err" ] && probs+=("stderr is not empty: $(head -c 300 "$tmp/err")")
	tail -n 1 "$tmp/out" | grep -Eq '^nodes [0-9]+, links [0-9]+, probes [0-9]+, confidence [0-9.]+%$' ||
		probs+=("no totals line at the end")
	[ "${#probs[@]}" = 0 ] && return 0
	ht_report "$1" "${probs[@]}"
	return 1
}

exact() { # DESC AF
	checks=$((checks + 1))
	graph "$tmp/out" >"$tmp/found"
	ht_graph_truth "$2" >"$tmp/truth"
	cmp -s "$tmp/found" "$tmp/truth" && return 0
	ht_report "$1" "graph differs from the topology (< found, > truth):" \
		"$(diff "$tmp/found" "$tmp/truth" | grep '^[<>]' | tr '\n' ';')"
	return 1
}

# the switch list of a text header: "4:meshed 5:diamond" or ""
switches() {
	head -n 1 "$1" | sed -n 's/.*(full MDA at hop \([^)]*\)).*/\1/p' |
		sed 's/: /:/g; s/; / /g'
}

# diamonds DESC FILE: -j's diamonds are the expected ones
diamonds() {
	local want="" d f
	checks=$((checks + 1))
	IFS=';' read -ra ds <<<"${DIAM[$shape]}"
	for d in "${ds[@]}"; do
		read -ra f <<<"$d"
		want+="$(ht_graph_addr4 "${f[0]}") $(ht_graph_addr4 "${f[1]}") ${f[2]} ${f[3]} ${f[4]} ${f[5]} "
		if [ "${f[6]}" = - ]; then want+="-;"; else want+="$(ht_graph_addr4 "${f[6]}");"; fi
	done
	if ! python3 -c '
import json, sys
o = json.loads(open(sys.argv[1]).read())
addr = {n["id"]: n["addr"] for n in o["nodes"]}
ds = o["diamonds"]
got = sorted("%s %s %d %d %d %d %s" % (addr[d["div"]], addr[d["conv"]],
    d["width"], d["min_length"], d["max_length"], int(d["meshed"]),
    "-" if d["parent"] is None else addr[ds[d["parent"]]["div"]])
    for d in ds)
want = sorted(x for x in sys.argv[2].split(";") if x)
assert got == want, "diamonds %r, want %r" % (got, want)
for l in o["links"]:
    assert len(l["rtts"]) == len(l["flows"]), "rtts per flow"
    assert all(r > 0 for r in l["rtts"]), "an RTT is not positive"
' "$2" "$want" >"$tmp/jerr" 2>&1; then
		ht_report "$1" "$(tail -n 1 "$tmp/jerr")"
	fi
}

for shape in nested meshed unequal; do
	ht_graph_up "$N" "${SPEC[$shape]}" || exit 99
	desc="$shape IPv4 MDA-Lite 99.99%"
	run -n --mda --confidence=99.99 -w "$tmp/cap" "$HT_TARGET4"
	if ok_run "$desc" && exact "$desc" 4; then
		checks=$((checks + 1))
		got=$(switches "$tmp/out")
		[ "$got" = "${WHY[$shape]}" ] ||
			ht_report "$desc: the switch" "MDA-Lite gave '$got' to full MDA, want '${WHY[$shape]}'"
		cp "$tmp/out" "$tmp/live"
		checks=$((checks + 1))
		last_cmd="hoptrace -n -r $tmp/cap --mda"
		"$HOPTRACE" -n -r "$tmp/cap" --mda >"$tmp/out" 2>"$tmp/err"
		rc=$?
		if ! ok_run "$desc: replay" ||
			! cmp -s <(tail -n +2 "$tmp/live") <(tail -n +2 "$tmp/out"); then
			ht_report "$desc: replay differs from the live run" \
				"$(diff <(tail -n +2 "$tmp/live") <(tail -n +2 "$tmp/out") | tr '\n' ';')"
		fi
		"$HOPTRACE" -n -r "$tmp/cap" --mda -j >"$tmp/rj" 2>"$tmp/err"
		diamonds "$desc: replayed -j" "$tmp/rj"
	fi
	desc="$shape IPv4 MDA-Lite -j"
	run -n --mda -j --confidence=99.99 "$HT_TARGET4"
	cp "$tmp/out" "$tmp/lj"
	diamonds "$desc" "$tmp/lj"
	checks=$((checks + 1))
	got=$(python3 -c '
import json, sys
o = json.loads(open(sys.argv[1]).read())
print(" ".join("%d:%s" % (s["hop"], s["why"]) for s in o["lite"]["switched"]))
' "$tmp/lj" 2>&1)
	[ "$got" = "${WHY[$shape]}" ] ||
		ht_report "$desc: lite.switched" "got '$got', want '${WHY[$shape]}'"

	desc="$shape IPv6 MDA-Lite 99.99%"
	run -n --mda --confidence=99.99 "$HT_TARGET6"
	ok_run "$desc" && exact "$desc" 6

	desc="$shape IPv4 full MDA 99.99%"
	run -n --mda=full --confidence=99.99 "$HT_TARGET4"
	if ok_run "$desc" && exact "$desc" 4; then
		checks=$((checks + 1))
		[ -z "$(switches "$tmp/out")" ] && head -n 1 "$tmp/out" | grep -q ', full MDA, ' ||
			ht_report "$desc" "header: $(head -n 1 "$tmp/out")"
	fi
	ht_graph_down "$N"
done

if [ "$failures" = 0 ]; then
	echo "PASS: $checks checks: nested, meshed and unequal diamonds, MDA-Lite and full MDA, IPv4 and IPv6, live and replayed, the switch, -j diamonds"
	exit 0
fi
echo "FAIL: $failures of $checks checks"
exit 1

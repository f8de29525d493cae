#!/bin/bash
# tests/replay/update-replay.sh - rewrite the expected outputs of tests/replay/TESTLIST
# from what hoptrace prints now:
#
#   tests/replay/update-replay.sh [-n] [NAME...]
#
# For every line (or only the NAMEs given) it runs, like tests/replay/replay.sh,
#   cd TOP && TZ=UTC $HOPTRACE -r capture options...
# and writes stdout to the expected file, stderr to <expected>.err (removed
# when empty) and the exit status to <expected>.rc (removed when 0).
# -n: write nothing, only list what would change (with diff -u).
#
# HOPTRACE defaults to ./hoptrace of the tree (or $PWD/hoptrace).
#
# CAUTION: the expected outputs are the truth, not a record of a past run.
# After updating, read `git diff tests/replay/text` line by line: every changed
# hop, RTT or trace must be right for the capture (pcaps/README says how
# each capture was checked; tests/replay/corpus-truth.py computes the truth of the
# namespace-network captures on its own, tests/replay/make-corpus.sh writes it).
# Only layout changes (a new header format, say) should be taken wholesale.

set -u

here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
list=$here/TESTLIST
# shellcheck source=testlist.sh disable=SC1091
. "$here/testlist.sh"
HOPTRACE=${HOPTRACE:-$top/hoptrace}
case $HOPTRACE in
/*) ;;
*) HOPTRACE=$PWD/$HOPTRACE ;;
esac
[ -x "$HOPTRACE" ] || {
	echo "update-replay.sh: HOPTRACE=$HOPTRACE is not executable" >&2
	exit 1
}

dry=0
if [ "${1-}" = -n ]; then
	dry=1
	shift
fi
only=" $* "

tmp=$(mktemp -d "${TMPDIR:-/tmp}/htupdate.XXXXXX") || exit 1
trap 'rm -rf "$tmp"' EXIT

changed=0
while IFS= read -r line || [ -n "$line" ]; do
	tl_parse "$line" || continue
	name=$tl_name exp=$tl_exp base=$tl_base
	if [ "$only" != "  " ] && [[ $only != *" $name "* ]]; then
		continue
	fi
	tl_run "$top" "$tmp/out" "$tmp/err"
	rc=$?
	same=1
	cmp -s "$top/$exp" "$tmp/out" 2>/dev/null || same=0
	if [ -s "$tmp/err" ]; then
		cmp -s "$top/$base.err" "$tmp/err" 2>/dev/null || same=0
	elif [ -e "$top/$base.err" ]; then
		same=0
	fi
	if [ "$rc" != 0 ]; then
		[ "$(cat "$top/$base.rc" 2>/dev/null)" = "$rc" ] || same=0
	elif [ -e "$top/$base.rc" ]; then
		same=0
	fi
	[ "$same" = 1 ] && continue
	changed=$((changed + 1))
	echo "== $name: $exp changes (exit $rc)"
	diff -u "$top/$exp" "$tmp/out" 2>/dev/null
	[ -s "$tmp/err" ] && sed 's/^/stderr: /' "$tmp/err"
	[ "$dry" = 1 ] && continue
	mkdir -p "$(dirname "$top/$exp")"
	cp "$tmp/out" "$top/$exp"
	if [ -s "$tmp/err" ]; then
		cp "$tmp/err" "$top/$base.err"
	else
		rm -f "$top/$base.err"
	fi
	if [ "$rc" != 0 ]; then
		echo "$rc" >"$top/$base.rc"
	else
		rm -f "$top/$base.rc"
	fi
done <"$list"
echo "update-replay.sh: $changed expected output(s) $([ "$dry" = 1 ] && echo would change || echo changed)"
[ "$changed" = 0 ] || echo "Now check every change against the capture (see the CAUTION in $0)."
exit 0

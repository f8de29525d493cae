#!/bin/bash
# tests/replay/update-replay.sh - rewrite the expected outputs of the text
# cases of tests/replay/CASES from what hoptrace prints now:
#
#   tests/replay/update-replay.sh [-n] [NAME...]
#
# For every text case (or only the NAMEs given) it runs, like
# tests/replay/run.sh,
#   cd TOP && TZ=UTC LC_ALL=C $HOPTRACE -r capture options...
# and writes stdout to the expected file.  Where the exit status or stderr
# is not what the case's fields say, it rewrites those fields in CASES:
# exit, the status; stderr, "-" when empty, else "file:<the expected file
# without .out>.err" holding it (a stderr file the case no longer names is
# removed).  The new stderr file is not added to git: git add it.  -n: write nothing, only list what would change (with diff -u).
# Only text cases: an mda case's graph is the topology's, a hostile case's
# output is tests/replay/hostile/make.py's.
#
# HOPTRACE defaults to ./hoptrace of the tree (or $PWD/hoptrace).
#
# CAUTION: the expected outputs are the truth, not a record of a past run.
# After updating, read `git diff tests/replay` line by line: every changed
# hop, RTT or trace must be right for the capture (pcaps/README says how
# each capture was checked; tests/replay/corpus-truth.py computes the truth
# of the namespace-network captures on its own, tests/replay/make-corpus.sh
# writes it).  Only layout changes (a new header format, say) should be
# taken wholesale.

# shellcheck source-path=SCRIPTDIR
set -u

here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
table=$here/CASES
# shellcheck source=cases.sh
. "$here/cases.sh"
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

cs_load "$table"
[ "$cs_bad" = 0 ] || exit 1
cs_top=$top
for n in "$@"; do
	for ((i = 0; i < cs_n; i++)); do
		[ "${cs_name[i]}" = "$n" ] && break
	done
	if [ "$i" = "$cs_n" ] || [ "${cs_compare[i]}" != text ]; then
		echo "update-replay.sh: no text case $n in $table" >&2
		exit 1
	fi
done

tmp=$(mktemp -d "${TMPDIR:-/tmp}/htupdate.XXXXXX") || exit 1
trap 'rm -rf "$tmp"' EXIT
mapfile -t rows <"$table"

# field LINE-NUMBER EXIT STDERR: that line of CASES with those two fields
field() {
	local ln=$1 rest k pre='' old
	rest=${rows[ln - 1]}
	for ((k = 0; k < 5; k++)); do
		pre+=${rest%%|*}'|'
		rest=${rest#*|}
	done
	old=${rest%%|*}
	printf -v old '%-*s' "$((${#old} - 1))" " $2"
	rows[ln - 1]="$pre$old | $3"
}

changed=0 table_changed=0
for ((i = 0; i < cs_n; i++)); do
	[ "${cs_compare[i]}" = text ] || continue
	name=${cs_name[i]} exp=${cs_exp[i]} err=${cs_err[i]}
	if [ "$only" != "  " ] && [[ $only != *" $name "* ]]; then
		continue
	fi
	cs_run "${cs_cap[i]}" "${cs_opts[i]}" "$tmp/out" "$tmp/err"
	rc=$cs_rc
	same=1
	if [ "$exp" != - ]; then
		cmp -s "$top/$exp" "$tmp/out" 2>/dev/null || same=0
	elif [ -s "$tmp/out" ]; then
		echo "== $name: stdout should be empty (expected -): edit $table by hand" >&2
		continue
	fi
	base=${exp%.out}
	[ "$exp" = - ] && base=tests/replay/text/$name
	new_err=$err
	if ! cs_stderr_ok "$tmp/err" "$err" "${cs_cap[i]}"; then
		same=0
		if [ -s "$tmp/err" ]; then
			new_err=file:$base.err
		else
			new_err=-
		fi
	fi
	[ "$rc" = "${cs_exit[i]}" ] || same=0
	[ "$same" = 1 ] && continue
	changed=$((changed + 1))
	echo "== $name: $exp changes (exit $rc)"
	[ "$exp" != - ] && diff -u "$top/$exp" "$tmp/out" 2>/dev/null
	[ -s "$tmp/err" ] && sed 's/^/stderr: /' "$tmp/err"
	[ "$dry" = 1 ] && continue
	if [ "$exp" != - ]; then
		mkdir -p "$(dirname "$top/$exp")"
		cp "$tmp/out" "$top/$exp"
	fi
	case $new_err in
	file:*) cp "$tmp/err" "$top/${new_err#file:}" ;;
	esac
	case $err in
	file:*) [ "$new_err" = "$err" ] || rm -f "$top/${err#file:}" ;;
	esac
	if [ "$new_err" != "$err" ] || [ "$rc" != "${cs_exit[i]}" ]; then
		field "${cs_line[i]}" "$rc" "$new_err"
		table_changed=1
	fi
done
if [ "$table_changed" = 1 ]; then
	printf '%s\n' "${rows[@]}" >"$table"
	echo "update-replay.sh: exit and stderr fields rewritten in $table"
fi
echo "update-replay.sh: $changed expected output(s) $([ "$dry" = 1 ] && echo would change || echo changed)"
[ "$changed" = 0 ] || echo "Now check every change against the capture (see the CAUTION in $0)."
exit 0

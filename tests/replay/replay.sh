#!/bin/bash
# tests/replay/replay.sh - the replay corpus, table-driven (in the manner of
# tcpdump's TESTLIST): for every line of tests/replay/TESTLIST
#
#     name  capture-file  [options...]  expected-output-file
#
# (paths relative to the top of the source tree; "#" starts a comment;
# capture-file "<FILE" means hoptrace -r - with FILE on stdin) run
#
#     cd $top_srcdir && TZ=UTC $HOPTRACE -r capture-file options...
#
# and require
#   - stdout byte for byte equal to the expected file (diff -u otherwise);
#   - stderr empty, or equal to <expected without .out>.err if that exists;
#   - exit status 0, or the number in <expected without .out>.rc.
# The run starts in the top of the source tree with the capture's relative
# path, so that messages naming the file are the same in every build tree.
#
# The expected files are the truth, not a record of what hoptrace printed
# once: see pcaps/README (how each was checked) and tests/replay/make-corpus.sh.
# tests/replay/update-replay.sh rewrites them from hoptrace's output; review its
# diff before keeping it.
#
# Environment: HOPTRACE = the binary; srcdir, top_srcdir as from automake.
# Optional: REPLAY_ONLY="name ..." runs only those lines; REPLAY_WRAP="cmd
# args" runs hoptrace under a wrapper (e.g. valgrind -q --error-exitcode=99).
# Exit 0 pass, 1 fail, 99 hard error (no binary, no TESTLIST).

set -u

srcdir=${srcdir:-$(cd "$(dirname "$0")/.." && pwd)}
# shellcheck source=../common.sh disable=SC1091
. "$srcdir/common.sh"
# shellcheck source=testlist.sh disable=SC1091
. "$srcdir/replay/testlist.sh"
top_srcdir=${top_srcdir:-$srcdir/..}
list=$srcdir/replay/TESTLIST

ht_need_hoptrace
if [ ! -r "$list" ]; then
	echo "ERROR: $list not found" >&2
	exit 99
fi

ht_tmpdir htreplay

# shellcheck disable=SC2206
wrap=(${REPLAY_WRAP-})
only=" ${REPLAY_ONLY-} "
npass=0
nfail=0
failed=()
lineno=0

while IFS= read -r line || [ -n "$line" ]; do
	lineno=$((lineno + 1))
	tl_parse "$line"
	case $? in
	1) continue ;;
	2)
		echo "FAIL: TESTLIST line $lineno: want 'name capture [options...] expected'" >&2
		nfail=$((nfail + 1))
		failed+=("TESTLIST:$lineno")
		continue
		;;
	esac
	name=$tl_name exp=$tl_exp base=$tl_base
	if [ "$only" != "  " ] && [[ $only != *" $name "* ]]; then
		continue
	fi
	want_rc=0
	if [ -f "$top_srcdir/$base.rc" ]; then
		want_rc=$(tr -d ' \n' <"$top_srcdir/$base.rc")
	fi

	tl_run "$top_srcdir" "$tmp/out" "$tmp/err" "${wrap[@]}"
	rc=$?

	ok=1
	why=""
	if [ ! -f "$top_srcdir/$exp" ]; then
		ok=0
		why+=" [no $exp]"
	elif ! cmp -s "$top_srcdir/$exp" "$tmp/out"; then
		ok=0
		why+=" [stdout]"
	fi
	if [ -f "$top_srcdir/$base.err" ]; then
		cmp -s "$top_srcdir/$base.err" "$tmp/err" || {
			ok=0
			why+=" [stderr]"
		}
	elif [ -s "$tmp/err" ]; then
		ok=0
		why+=" [stderr not empty]"
	fi
	if [ "$rc" != "$want_rc" ]; then
		ok=0
		why+=" [exit $rc, want $want_rc]"
	fi

	if [ "$ok" = 1 ]; then
		npass=$((npass + 1))
		echo "PASS: $name"
	else
		nfail=$((nfail + 1))
		failed+=("$name")
		echo "FAIL: $name:$why"
		echo "  (cd $top_srcdir && TZ=UTC $HOPTRACE -r $tl_cap ${tl_opts[*]})"
		if [ -f "$top_srcdir/$exp" ]; then
			diff -u "$top_srcdir/$exp" "$tmp/out" | sed 's/^/  /'
		fi
		if [ -f "$top_srcdir/$base.err" ]; then
			diff -u "$top_srcdir/$base.err" "$tmp/err" | sed 's/^/  /'
		elif [ -s "$tmp/err" ]; then
			sed 's/^/  stderr: /' "$tmp/err"
		fi
	fi
done <"$list"

echo "replay: $npass passed, $nfail failed"
if [ "$nfail" != 0 ]; then
	echo "failed: ${failed[*]}"
	exit 1
fi
if [ "$npass" = 0 ]; then
	echo "ERROR: no test ran" >&2
	exit 99
fi
exit 0

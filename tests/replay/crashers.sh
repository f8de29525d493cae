#!/bin/sh
# tests/replay/crashers.sh - every input the fuzzers (fuzz/) ever crashed on stays
# a regression test: each capture in tests/replay/crashers/ is replayed with
# `hoptrace -n -r FILE` by every mode's replay driver and output (traces
# as text and --json; --mda as text, --mda=full -j, --mda --dot; rounds
# --report and -j --report; a scan's --rows), which must end normally:
# exit status 0 or 1 (a one-line error), never a signal (128 and above),
# and at most one line on stderr (a sanitizer report is many; a warning
# is one).
#
# Environment: HOPTRACE = the binary; srcdir = the tests directory, as
# from automake.  Exit 0 pass, 1 fail, 77 skip (no crashers), 99 hard
# error.

set -u

srcdir=${srcdir:-$(dirname "$0")/..}
# shellcheck source=../common.sh disable=SC1091
. "$srcdir/common.sh"

ht_need_hoptrace

ht_tmpdir htcrash

# A sanitizer build must not turn a report into exit status 1.
ASAN_OPTIONS=${ASAN_OPTIONS:+$ASAN_OPTIONS:}exitcode=134
UBSAN_OPTIONS=${UBSAN_OPTIONS:+$UBSAN_OPTIONS:}exitcode=134
export ASAN_OPTIONS UBSAN_OPTIONS

n=0
fail=0
for f in "$srcdir"/replay/crashers/*; do
	[ -f "$f" ] || continue
	for mode in text json mda mda-full-json mda-dot report report-json rows; do
		n=$((n + 1))
		case $mode in
		text) set -- -n -r "$f" ;;
		json) set -- -n --json -r "$f" ;;
		mda) set -- -n --mda -r "$f" ;;
		mda-full-json) set -- -n --mda=full -j -r "$f" ;;
		mda-dot) set -- -n --mda --dot -r "$f" ;;
		report) set -- -n --report -r "$f" ;;
		report-json) set -- -n --report -j -r "$f" ;;
		rows) set -- -n --rows -r "$f" ;;
		esac
		# a hang is a failure too
		if command -v timeout >/dev/null 2>&1; then
			timeout 60 "$HOPTRACE" "$@" >"$tmp/out" 2>"$tmp/err"
		else
			"$HOPTRACE" "$@" >"$tmp/out" 2>"$tmp/err"
		fi
		rc=$?
		lines=$(wc -l <"$tmp/err")
		if [ $rc -gt 1 ] || [ "$lines" -gt 1 ]; then
			printf 'FAIL: %s (%s): exit %d, %d lines on stderr\n' \
			    "$(basename "$f")" $mode $rc "$lines"
			head -20 "$tmp/err"
			fail=$((fail + 1))
		else
			printf 'ok: %s (%s): exit %d\n' "$(basename "$f")" \
			    $mode $rc
		fi
	done
done

if [ $n -eq 0 ]; then
	echo "SKIP: no files in $srcdir/replay/crashers"
	exit 77
fi
printf '%d of %d runs failed\n' $fail $n
[ $fail -eq 0 ]

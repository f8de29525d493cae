#!/bin/bash
# tests/replay/filter-all.sh - a filter expression after the file, and
# --rows, on every capture in pcaps/ (issue 27): an expression that every
# packet of these captures passes ("not host 192.0.2.255": an address none
# of them holds; VLAN, MPLS, loopback and cooked frames pass it too) gives
# exactly the output, stderr and exit status of no expression, as text and
# as rows; one that passes nothing ("host 192.0.2.255") gives no output,
# exit 0, and no more on stderr than the replay without it did; and --rows
# runs on every capture, exit as the text replay's.
# Exit 0 pass, 1 fail, 99 hard error.
set -u
srcdir=${srcdir:-$(dirname "$0")/..}
# shellcheck source=../common.sh disable=SC1091
. "$srcdir/common.sh"
top=${top_srcdir:-$srcdir/..}
ht_need_hoptrace
ht_tmpdir htfilt
ht_captures "$top"
failed=0
n=0
[ "${#captures[@]}" -gt 0 ] || die "no captures under $top/pcaps"
for f in "${captures[@]}"; do
	n=$((n + 1))
	for form in "" --rows; do
		# shellcheck disable=SC2086 # $form: one word or none
		"$HOPTRACE" -n -r "$f" $form >"$tmp/a" 2>"$tmp/ae"
		ra=$?
		# shellcheck disable=SC2086
		"$HOPTRACE" -n -r "$f" $form 'not host 192.0.2.255' >"$tmp/b" 2>"$tmp/be"
		rb=$?
		if [ "$ra" != "$rb" ] || ! cmp -s "$tmp/a" "$tmp/b"; then
			fail "${f#"$top"/} ${form:-text}: with an expression every packet passes: exit $rb (want $ra), output differs" \
				"$(diff "$tmp/a" "$tmp/b" | head -5)"
		fi
		[ "$ra" = 0 ] || [ "$ra" = 1 ] ||
			fail "${f#"$top"/} ${form:-text}: exit $ra"
		# shellcheck disable=SC2086
		"$HOPTRACE" -n -r "$f" $form 'host 192.0.2.255' >"$tmp/c" 2>"$tmp/ce"
		rc=$?
		if [ "$ra" = 0 ] && { [ "$rc" != 0 ] || [ -s "$tmp/c" ]; }; then
			fail "${f#"$top"/} ${form:-text}: with an expression nothing passes: exit $rc, $(wc -l <"$tmp/c") lines" \
				"$(head -3 "$tmp/ce")"
		fi
	done
done
echo "$n captures: a filter expression and --rows on each"
exit $failed

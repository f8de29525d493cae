#!/bin/bash
# tests/replay/replay-cont.sh - rounds from captures of mtr runs of 1, 2, 3 and 10
# rounds (ICMP, IPv6, UDP, a silent hop): hoptrace -r FILE -n --report -j
# gives one table per run whose statistics (Snt, Rcv, Loss%, Last, Best,
# Wrst, Avg, StDev, Javg, Jmax) and addresses equal the ones recomputed by
# tests/replay/cont-truth.py from the probe-by-probe replay of the same capture
# (whose RTTs the replay corpus checks); and Snt equals the rounds mtr ran.
# Usage errors of the rounds options; --interval below 0.2 s refused for
# a user other than root (as nobody, when run as root).
# Exit 0 pass, 1 fail, 77 skip (no python3), 99 hard error.

set -u

srcdir=${srcdir:-$(dirname "$0")/..}
# shellcheck source=../common.sh disable=SC1091
. "$srcdir/common.sh"
ht_need_hoptrace
command -v python3 >/dev/null || {
	echo "SKIP: python3 missing"
	exit 77
}
ht_tmpdir htrc
top=${top_srcdir:-$srcdir/..}
failed=0

# capture rounds
for c in mtr-icmp4-r1:1 mtr-icmp4:2 mtr-icmp4-r3:3 mtr-icmp4-r10:10 \
	mtr-icmp6:2 mtr-udp4-r3:3 mtr-icmp4-silent3:2; do
	f=${c%%:*} n=${c#*:}
	"$HOPTRACE" -r "$top/pcaps/$f.pcap" -n >"$tmp/text" 2>"$tmp/err1" &&
		"$HOPTRACE" -r "$top/pcaps/$f.pcap" -n --report -j >"$tmp/json" 2>"$tmp/err2" ||
		fail "$f: hoptrace failed" "$(cat "$tmp/err1" "$tmp/err2")"
	[ -s "$tmp/err1" ] || [ -s "$tmp/err2" ] && fail "$f: stderr not empty"
	[ "$(wc -l <"$tmp/json")" = 1 ] || fail "$f: not one JSON line"
	out=$(python3 "$srcdir/replay/cont-truth.py" "$tmp/text" "$tmp/json") ||
		fail "$f: statistics differ from the trace" "$out"
	snt=$(python3 -c 'import json,sys; print(" ".join(sorted({str(h["Snt"]) for h in json.load(sys.stdin)["report"]["hubs"]})))' <"$tmp/json")
	[ "$snt" = "$n" ] || fail "$f: Snt $snt, want $n (the rounds)"
	echo "$f: $n rounds, statistics as recomputed"
done

# usage errors of the rounds options
for bad in "-c -1" "-c x" "--interval=0" "--interval=4000" "-c 3 -q 2" \
	"-c 3 --mda" "--csv -j" "--flows=0" "--flows=65" "-o LQ" \
	"-o LLLLLLLLLLLLLLLLLLLLL"; do
	# shellcheck disable=SC2086 # split on purpose
	"$HOPTRACE" $bad 10.77.0.1 >"$tmp/out" 2>"$tmp/err"
	rc=$?
	[ "$rc" = 2 ] && [ ! -s "$tmp/out" ] && [ "$(wc -l <"$tmp/err")" = 1 ] ||
		fail "'$bad': exit $rc, want 2 and one line on stderr" "$(cat "$tmp/out" "$tmp/err")"
done
# ping's rule: an interval below 0.2 s is root's alone.  As nobody
# (setpriv, when root): 0.1 is a usage error naming the floor; 0.2 passes
# the options (and then fails for want of raw sockets, exit 1); -r has no
# floor (nothing is sent).  Nobody runs a copy of the binary and reads a
# copy of the capture in a directory it may enter (the tree may be in a
# private home such as /root); a capture it may not read is refused with
# one line naming the file and the reason.
if [ "$(id -u)" = 0 ] && command -v setpriv >/dev/null && id nobody >/dev/null 2>&1; then
	ht_public_dir
	"${as_nobody[@]}" "$pub/hoptrace" --interval=0.1 -c 2 127.0.0.1 >"$tmp/out" 2>"$tmp/err"
	rc=$?
	[ "$rc" = 2 ] && [ ! -s "$tmp/out" ] && [ "$(wc -l <"$tmp/err")" = 1 ] &&
		grep -q '0\.2' "$tmp/err" ||
		fail "as nobody, --interval=0.1: exit $rc, want 2 and the floor named" "$(cat "$tmp/out" "$tmp/err")"
	"${as_nobody[@]}" "$pub/hoptrace" --interval=0.2 -c 1 127.0.0.1 >"$tmp/out" 2>"$tmp/err"
	rc=$?
	[ "$rc" = 1 ] && ! grep -q interval "$tmp/err" ||
		fail "as nobody, --interval=0.2: exit $rc, want 1 (no raw socket), no interval error" "$(cat "$tmp/err")"
	cp "$top/pcaps/mtr-icmp4-r3.pcap" "$pub/r3.pcap" && chmod 0644 "$pub/r3.pcap" ||
		die "cannot copy a capture to $pub"
	"$HOPTRACE" -r "$pub/r3.pcap" -n --report >"$tmp/want" 2>"$tmp/err" ||
		fail "as root, -r $pub/r3.pcap --report failed" "$(cat "$tmp/err")"
	"${as_nobody[@]}" "$pub/hoptrace" -r "$pub/r3.pcap" -n --interval=0.01 --report >"$tmp/out" 2>"$tmp/err"
	rc=$?
	[ "$rc" = 0 ] && [ ! -s "$tmp/err" ] && [ -s "$tmp/out" ] && cmp -s "$tmp/out" "$tmp/want" ||
		fail "as nobody, -r with --interval=0.01: exit $rc, want 0 and root's report" \
			"$(cat "$tmp/err"; diff "$tmp/want" "$tmp/out")"
	# a capture nobody may not read: one line, the file and the reason
	cp "$pub/r3.pcap" "$pub/private.pcap" && chmod 0600 "$pub/private.pcap" ||
		die "cannot copy a capture to $pub"
	"${as_nobody[@]}" "$pub/hoptrace" -r "$pub/private.pcap" -n >"$tmp/out" 2>"$tmp/err"
	rc=$?
	[ "$rc" = 1 ] && [ ! -s "$tmp/out" ] &&
		[ "$(cat "$tmp/err")" = "hoptrace: $pub/private.pcap: Permission denied" ] ||
		fail "as nobody, -r of an unreadable file: exit $rc, want 1 and 'hoptrace: FILE: Permission denied'" \
			"$(cat "$tmp/out" "$tmp/err")"
	echo "the interval floor for non-root checked (as nobody); an unreadable capture named"
else
	echo "(not root or no setpriv: the non-root interval floor is not checked)"
fi
exit $failed

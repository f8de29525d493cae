#!/bin/bash
# tests/replay/replay-repeats.sh - many runs of one identity (issue 14): a capture
# of one mtr run of 3 rounds (pcaps/mtr-icmp4-r3.pcap) written 5,000 times
# by bench/repeat-pcap, the same source, destination, ICMP identifier and
# sequence numbers every time, must replay as 5,000 traces exactly, each
# the run's own trace (its hop lines equal, byte for byte, to those of the
# capture replayed once; the header's time moved by the copy's offset):
#   - 60 s apart (a cron job: past the 30 s a run may pause), and
#   - 2 s apart (inside it: only the TTL and the sequence starting again
#     tell one run from the next);
# Timings are not checked here (bench/replay.sh reports them).
# Environment: HOPTRACE, srcdir, top_srcdir (make check); REPEAT_PCAP,
# the bench/repeat-pcap binary (default: next to HOPTRACE).
set -u
srcdir=${srcdir:-$(cd "$(dirname "$0")/.." && pwd)}
# shellcheck source=../common.sh disable=SC1091
. "$srcdir/common.sh"
top=${top_srcdir:-$srcdir/..}
ht_need_hoptrace
rep=${REPEAT_PCAP:-$(dirname "$HOPTRACE")/bench/repeat-pcap}
[ -x "$rep" ] || { echo "ERROR: no $rep (make check builds it)" >&2; exit 99; }
ht_tmpdir htrep
unit=$top/pcaps/mtr-icmp4-r3.pcap
n=5000
failed=0

TZ=UTC "$HOPTRACE" -n -r "$unit" >"$tmp/one" 2>"$tmp/one.err" ||
	die "hoptrace -n -r $unit failed" "$(cat "$tmp/one.err")"
[ "$(grep -c '^hoptrace from' "$tmp/one")" = 1 ] ||
	die "$unit: not one trace" "$(cat "$tmp/one")"
sed 1d "$tmp/one" >"$tmp/hops"
first=$(sed -n '1s/.*first probe \([0-9-]* [0-9:]*\)\..*/\1/p' "$tmp/one")
t0=$(date -u -d "$first" +%s) || die "no time in the header: $(head -1 "$tmp/one")"

for every in 60 2; do
	"$rep" "$unit" "$n" "$every" "$tmp/cap.pcap" || die "repeat-pcap failed"
	TZ=UTC "$HOPTRACE" -n -r "$tmp/cap.pcap" >"$tmp/out" 2>"$tmp/err"
	rc=$?
	[ "$rc" = 0 ] || fail "every $every s: exit $rc" "$(cat "$tmp/err")"
	[ -s "$tmp/err" ] && fail "every $every s: stderr" "$(head "$tmp/err")"
	got=$(grep -c '^hoptrace from' "$tmp/out")
	[ "$got" = "$n" ] || fail "every $every s: $got traces, want $n"
	# every block: the header at its copy's time, then the run's hop lines
	TZ=UTC awk -v hops="$tmp/hops" -v t0="$t0" -v every="$every" -v n="$n" '
		BEGIN {
			while ((getline l < hops) > 0)
				want[++nh] = l
		}
		/^hoptrace from/ {
			if (k > 0 && i != nh)
				bad("trace " k ": " i " hop lines, want " nh)
			k++; i = 0
			if (index($0, ", 3 rounds") == 0)
				bad("trace " k ": not 3 rounds: " $0)
			if (!match($0, /first probe [0-9-]+ [0-9:]+/))
				bad("trace " k ": no time: " $0)
			s = substr($0, RSTART + 12, RLENGTH - 12)
			gsub(/[-:]/, " ", s)
			if (mktime(s) != t0 + (k - 1) * every)
				bad("trace " k ": at " s ", want copy " k - 1 \
				    " at +" (k - 1) * every " s")
			next
		}
		{
			i++
			if ($0 != want[i])
				bad("trace " k " line " i ": " $0 " / want " want[i])
		}
		END {
			if (k > 0 && i != nh)
				bad("trace " k ": " i " hop lines, want " nh)
			exit errs > 0
		}
		function bad(m) {
			if (errs++ < 5)
				print m > "/dev/stderr"
		}' "$tmp/out" 2>"$tmp/bad" ||
		fail "every $every s: traces differ from the run's" "$(cat "$tmp/bad")"
	[ "$failed" = 0 ] && echo "PASS: $n copies $every s apart: $n traces, each the run's own"
done
exit "$failed"

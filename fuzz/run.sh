#!/bin/sh
# fuzz/run.sh [SECONDS [TARGET...]] - build the fuzz targets, then run each
# (decode, replay; both by default) for SECONDS (60) one after the other.
#
# Corpus: the committed seeds (fuzz/seed-TARGET), plus seeds made at run
# time from the captures in pcaps/ and in the directories of FUZZ_PCAPS
# (space-separated), into a working corpus fuzz/work/TARGET that persists
# between runs (not committed).  Crashes go to fuzz/crashers/TARGET/, the
# log to fuzz/work/TARGET.log.  Exit status 1 if any target found a crash.
#
# Environment: FUZZ_OUT (build directory, fuzz/out), FUZZ_WORK (fuzz/work),
# FUZZ_PCAPS, FUZZ_ARGS (more libFuzzer options), and those of build.sh.
set -eu

top=$(cd "$(dirname "$0")/.." && pwd)
secs=${1:-60}
[ $# -gt 0 ] && shift
targets=${*:-decode replay}
out=${FUZZ_OUT:-$top/fuzz/out}
work=${FUZZ_WORK:-$top/fuzz/work}
pcaps="$top/pcaps ${FUZZ_PCAPS:-}"

case $secs in
''|*[!0-9]*) echo "$0: SECONDS must be a whole number" >&2; exit 2 ;;
esac

"$top/fuzz/build.sh" "$out"

status=0
for t in $targets; do
	case $t in
	decode|replay) ;;
	*) echo "$0: no target '$t' (decode, replay)" >&2; exit 2 ;;
	esac
	corpus=$work/$t
	run=$work/$t-seed
	crashers=$top/fuzz/crashers/$t
	mkdir -p "$corpus" "$crashers"
	rm -rf "$run"
	mkdir -p "$run"
	for d in $pcaps; do
		[ -d "$d" ] || continue
		if [ "$t" = decode ]; then
			"$top/fuzz/make-seeds.sh" "$run" "$d" 2>/dev/null
		else
			find "$d" -type f \( -name '*.pcap' -o -name '*.pcapng' \
			    -o -name '*.cap' \) -size -1024k \
			    -exec cp {} "$run"/ \;
		fi
	done
	dict=
	[ -f "$top/fuzz/$t.dict" ] && dict="-dict=$top/fuzz/$t.dict"
	# Larger captures are read cut short: mutating them is slow.
	maxlen=4096
	[ "$t" = replay ] && maxlen=131072	# > 4096 records: the expiry sweep
	echo "fuzz_$t: $secs s, log $work/$t.log"
	if ! "$out/fuzz_$t" -max_total_time="$secs" -rss_limit_mb=2048 \
	    -timeout=10 -max_len=$maxlen -print_final_stats=1 $dict \
	    -artifact_prefix="$crashers/" ${FUZZ_ARGS:-} \
	    "$corpus" "$top/fuzz/seed-$t" "$run" >"$work/$t.log" 2>&1; then
		status=1
		echo "fuzz_$t: FAILED; the input is in $crashers/" >&2
		grep -A 30 '^==[0-9]*==ERROR\|runtime error' "$work/$t.log" |
		    head -40 >&2 || true
	fi
	grep -E '^(Done|stat::number_of_executed_units|#[0-9]+.*DONE)' \
	    "$work/$t.log" || tail -3 "$work/$t.log"
	rm -rf "$run"
done
exit $status

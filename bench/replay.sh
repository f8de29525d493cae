#!/bin/bash
# bench/replay.sh [BUILD_DIR] - the replay benchmark (issue 3): how fast
# hoptrace -r reads a large capture, against the cost of reading alone
# (tcpdump -r FILE -w /dev/null) and against tshark, in the same run.
#
# The large capture: every Ethernet capture of pcaps/ concatenated
# (mergecap -a), then doubled with time-shifted copies of itself (editcap
# -t) until it holds at least BENCH_PACKETS packets (1,700,000).  Each tool
# reads it BENCH_RUNS (5) times, alternating; the medians, packets per
# second, the ratio to tcpdump and hoptrace's peak resident memory (GNU
# time) go into BENCHMARKS.md between <!-- replay-bench:begin --> and
# <!-- replay-bench:end -->.  Needs: tcpdump, tshark, editcap, mergecap,
# capinfos (Debian: tcpdump, tshark), GNU time.  Not a test: no pass/fail.
set -eu
TOP=$(cd "$(dirname "$0")/.." && pwd)
BUILD=${1:-$TOP}
HOPTRACE=$BUILD/hoptrace
WANT=${BENCH_PACKETS:-1700000}
RUNS=${BENCH_RUNS:-5}
OUT=${BENCH_OUT-$TOP/BENCHMARKS.md}
tmp=$(mktemp -d "${TMPDIR:-/tmp}/htrb.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
for t in tcpdump tshark editcap mergecap capinfos /usr/bin/time; do
	command -v "$t" >/dev/null || { echo "$0: needs $t" >&2; exit 2; }
done
[ -x "$HOPTRACE" ] || { echo "$0: no $HOPTRACE" >&2; exit 2; }

# one round: the Ethernet corpus, end to end
files=()
for f in "$TOP"/pcaps/*.pcap "$TOP"/pcaps/*.pcapng; do
	# whole Ethernet captures only (not the one cut short on purpose)
	enc=$(capinfos -T -r -E "$f" 2>/dev/null) || continue
	[ "$(cut -f2 <<<"$enc")" = ether ] && files+=("$f")
done
mergecap -a -F pcap -w "$tmp/big.pcap" "${files[@]}"
n=$(capinfos -T -r -c "$tmp/big.pcap" | cut -f2)
span=$(capinfos -T -r -u "$tmp/big.pcap" | cut -f2 | cut -d. -f1)
shift_s=$((span + 60))
rounds=1
for _ in $(seq 20); do	# bounded: 2^20 copies at most
	[ "$n" -ge "$WANT" ] && break
	editcap -t "$shift_s" "$tmp/big.pcap" "$tmp/shifted.pcap"
	mergecap -a -F pcap -w "$tmp/next.pcap" "$tmp/big.pcap" "$tmp/shifted.pcap"
	mv "$tmp/next.pcap" "$tmp/big.pcap"
	n=$((n * 2))
	shift_s=$((shift_s * 2))
	rounds=$((rounds * 2))
done
n=$(capinfos -T -r -c "$tmp/big.pcap" | cut -f2)
size=$(du -m "$tmp/big.pcap" | cut -f1)

ms() {	# CMD...: wall milliseconds
	local t0
	t0=$(date +%s%N)
	"$@" >/dev/null 2>&1
	echo $((($(date +%s%N) - t0) / 1000000))
}
median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }

: >"$tmp/hoptrace" ; : >"$tmp/tcpdump"; : >"$tmp/tshark"
cat "$tmp/big.pcap" >/dev/null	# warm the page cache
for _ in $(seq "$RUNS"); do
	ms tcpdump -r "$tmp/big.pcap" -w /dev/null >>"$tmp/tcpdump"
	ms "$HOPTRACE" -n -r "$tmp/big.pcap" >>"$tmp/hoptrace"
	ms tshark -n -r "$tmp/big.pcap" -w /dev/null >>"$tmp/tshark"
done
h=$(median <"$tmp/hoptrace"); d=$(median <"$tmp/tcpdump"); s=$(median <"$tmp/tshark")
rss=$(/usr/bin/time -f %M "$HOPTRACE" -n -r "$tmp/big.pcap" 2>&1 >/dev/null | tail -1)
traces=$("$HOPTRACE" -n -r "$tmp/big.pcap" | grep -c '^hoptrace from')
mpps() { awk -v n="$n" -v ms="$1" 'BEGIN {printf "%.2f", n / ms / 1000}'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN {printf "%.2f", a / b}'; }

{
	echo "<!-- replay-bench:begin -->"
	echo "## Replay of a large capture (bench/replay.sh)"
	echo
	echo "Run $(date -u '+%Y-%m-%d %H:%M') UTC on $(nproc) CPUs, Linux $(uname -r), load average $(cut -d' ' -f1-3 /proc/loadavg)."
	echo "Capture: the ${#files[@]} Ethernet captures of pcaps/ end to end, doubled with time-shifted"
	echo "copies ($rounds copies): $n packets, $size MB, $traces traces found by hoptrace."
	echo "Median wall time of $RUNS runs each, alternating, page cache warm."
	echo
	echo "| tool | command | time | packets/s | ratio to tcpdump |"
	echo "|---|---|---:|---:|---:|"
	echo "| hoptrace | \`hoptrace -n -r FILE >/dev/null\` | $h ms | $(mpps "$h") M | **$(ratio "$h" "$d")x** |"
	echo "| tcpdump (reading alone) | \`tcpdump -r FILE -w /dev/null\` | $d ms | $(mpps "$d") M | 1.00x |"
	echo "| tshark | \`tshark -n -r FILE -w /dev/null\` | $s ms | $(mpps "$s") M | $(ratio "$s" "$d")x |"
	echo
	echo "hoptrace's peak resident memory on this capture: $((rss / 1024)) MiB (GNU time, %M)."
	echo "Targets (issue 3): at most 2.5x tcpdump, at least 2 M packets/s, under 64 MiB."
	echo "<!-- replay-bench:end -->"
} >"$tmp/section"
cat "$tmp/section"
if [ -n "$OUT" ]; then
	[ -f "$OUT" ] || : >"$OUT"
	if grep -q '<!-- replay-bench:begin -->' "$OUT"; then
		awk -v f="$tmp/section" '
			/<!-- replay-bench:begin -->/ { while ((getline l < f) > 0) print l; skip = 1; next }
			/<!-- replay-bench:end -->/ { skip = 0; next }
			!skip' "$OUT" >"$tmp/out" && cat "$tmp/out" >"$OUT"
	else
		{ echo; cat "$tmp/section"; } >>"$OUT"
	fi
fi

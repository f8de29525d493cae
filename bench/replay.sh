#!/bin/bash
# bench/replay.sh [BUILD_DIR] - the replay benchmarks: how fast hoptrace -r
# reads a large capture, against the cost of reading alone (tcpdump -r FILE
# -w /dev/null) and against tshark, in the same run.  Three cases
# (BENCH_CASES, default "mix rows scale flows"):
#
# mix (issue 3): every Ethernet capture of pcaps/ concatenated (mergecap
#   -a), then doubled with time-shifted copies of itself (editcap -t) until
#   it holds at least BENCH_PACKETS packets (1,700,000): many tools and
#   identities.  Each tool reads it BENCH_RUNS (5) times, alternating; the
#   medians, packets per second, the ratio to tcpdump and hoptrace's peak
#   resident memory (GNU time) go into BENCHMARKS.md between
#   <!-- replay-bench:begin --> and <!-- replay-bench:end -->.
# rows (issue 27): --rows from the mix, with and without a filter
#   expression after the file (BENCH_FILTER, "host 10.77.7.2"), against
#   tcpdump reading alone, and the peak memory at half the packets and at
#   all (must be flat); between <!-- replay-rows:begin --> and :end.
# scale (issue 14): one identity repeated, as a cron job tracing one host
#   every minute leaves it: pcaps/mtr-icmp4-r10.pcap (one mtr run of 10
#   rounds, 164 packets) written BENCH_SCALE (10000 and 100000) times, each
#   copy 60 s after the last, by bench/repeat-pcap (compiled here; the
#   files, up to 1.7 GB, are made in $TMPDIR and removed).  Per size:
#   hoptrace and tcpdump BENCH_SCALE_RUNS (7) times each, alternating; medians,
#   packets/s, the ratio, hoptrace's peak RSS, the traces found (must be
#   one per copy) and the growth of time from the first size to the last;
#   into BENCHMARKS.md between <!-- replay-scale:begin --> and
#   <!-- replay-scale:end -->.
# flows (issue 14): many identities at once: BENCH_FLOWS (2000 and 20000)
#   Linux traceroute -U runs open together, each to its own destination
#   (bench/many-flows.py), the same figures, in the same section.
#
# Needs: tcpdump, tshark, editcap, mergecap, capinfos (Debian: tcpdump,
# tshark), GNU time, cc, python3.  Not a test: no pass/fail.
set -eu
TOP=$(cd "$(dirname "$0")/.." && pwd)
BUILD=${1:-$TOP}
HOPTRACE=$BUILD/hoptrace
WANT=${BENCH_PACKETS:-1700000}
RUNS=${BENCH_RUNS:-5}
OUT=${BENCH_OUT-$TOP/BENCHMARKS.md}
CASES=${BENCH_CASES:-mix rows scale flows}
SCALE=${BENCH_SCALE:-10000 100000}
FLOWS=${BENCH_FLOWS:-2000 20000}
SRUNS=${BENCH_SCALE_RUNS:-7}
tmp=$(mktemp -d "${TMPDIR:-/tmp}/htrb.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
for t in tcpdump tshark editcap mergecap capinfos /usr/bin/time cc; do
	command -v "$t" >/dev/null || { echo "$0: needs $t" >&2; exit 2; }
done
[ -x "$HOPTRACE" ] || { echo "$0: no $HOPTRACE" >&2; exit 2; }

ms() {	# CMD...: wall milliseconds
	local t0
	t0=$(date +%s%N)
	"$@" >/dev/null 2>&1
	echo $((($(date +%s%N) - t0) / 1000000))
}
median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
mpps() { awk -v n="$1" -v ms="$2" 'BEGIN {printf "%.2f", n / ms / 1000}'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN {printf "%.2f", a / b}'; }

# put_section BEGIN-MARK END-MARK FILE: FILE's text between the marks of $OUT
put_section() {
	local b=$1 e=$2 f=$3
	cat "$f"
	[ -n "$OUT" ] || return 0
	[ -f "$OUT" ] || : >"$OUT"
	if grep -q "$b" "$OUT"; then
		awk -v f="$f" -v b="$b" -v e="$e" '
			index($0, b) { while ((getline l < f) > 0) print l; skip = 1; next }
			index($0, e) { skip = 0; next }
			!skip' "$OUT" >"$tmp/out" && cat "$tmp/out" >"$OUT"
	else
		{ echo; cat "$f"; } >>"$OUT"
	fi
}

# make_mix: $tmp/big.pcap, the Ethernet corpus of pcaps/ end to end, doubled
# with time-shifted copies until it holds WANT packets; sets files, n,
# rounds
make_mix() {
	local f enc span shift_s
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
}

case_mix() {
	local size h d s rss traces
	make_mix
	size=$(du -m "$tmp/big.pcap" | cut -f1)

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
		echo "| hoptrace | \`hoptrace -n -r FILE >/dev/null\` | $h ms | $(mpps "$n" "$h") M | **$(ratio "$h" "$d")x** |"
		echo "| tcpdump (reading alone) | \`tcpdump -r FILE -w /dev/null\` | $d ms | $(mpps "$n" "$d") M | 1.00x |"
		echo "| tshark | \`tshark -n -r FILE -w /dev/null\` | $s ms | $(mpps "$n" "$s") M | $(ratio "$s" "$d")x |"
		echo
		echo "hoptrace's peak resident memory on this capture: $((rss / 1024)) MiB (GNU time, %M)."
		echo "Targets (issue 3): at most 2.5x tcpdump, at least 2 M packets/s, under 64 MiB."
		echo "<!-- replay-bench:end -->"
	} >"$tmp/section"
	put_section '<!-- replay-bench:begin -->' '<!-- replay-bench:end -->' "$tmp/section"
	rm -f "$tmp/big.pcap" "$tmp/shifted.pcap"
}

# rows (issue 27): --rows from the same mixed capture, with and without a
# filter expression after the file (BENCH_FILTER), against tcpdump reading
# alone, and hoptrace's peak memory at half the packets and at all of them
# (flat in the number of packets: it holds the traces in progress only).
case_rows() {
	local size d r rf rss_half rss_full nrows filt=${BENCH_FILTER:-host 10.77.7.2}
	local has_filter=1
	make_mix
	size=$(du -m "$tmp/big.pcap" | cut -f1)
	editcap -r "$tmp/big.pcap" "$tmp/half.pcap" "1-$((n / 2))" >/dev/null
	"$HOPTRACE" -n -r "$TOP/pcaps/traceroute-icmp4.pcap" --rows "$filt" \
	    >/dev/null 2>&1 || has_filter=0
	: >"$tmp/r"; : >"$tmp/rf"; : >"$tmp/d"
	cat "$tmp/big.pcap" >/dev/null	# warm the page cache
	for _ in $(seq "$RUNS"); do
		ms tcpdump -r "$tmp/big.pcap" -w /dev/null >>"$tmp/d"
		ms "$HOPTRACE" -n -r "$tmp/big.pcap" --rows >>"$tmp/r"
		[ "$has_filter" = 1 ] &&
			ms "$HOPTRACE" -n -r "$tmp/big.pcap" --rows "$filt" >>"$tmp/rf"
	done
	d=$(median <"$tmp/d"); r=$(median <"$tmp/r")
	rf=$([ "$has_filter" = 1 ] && median <"$tmp/rf" || echo "")
	rss_half=$(/usr/bin/time -f %M "$HOPTRACE" -n -r "$tmp/half.pcap" --rows 2>&1 >/dev/null | tail -1)
	rss_full=$(/usr/bin/time -f %M "$HOPTRACE" -n -r "$tmp/big.pcap" --rows 2>&1 >/dev/null | tail -1)
	nrows=$("$HOPTRACE" -n -r "$tmp/big.pcap" --rows | wc -l)
	{
		echo "<!-- replay-rows:begin -->"
		echo "## Rows from a large capture (bench/replay.sh rows)"
		echo
		echo "Run $(date -u '+%Y-%m-%d %H:%M') UTC on $(nproc) CPUs, Linux $(uname -r), load average $(cut -d' ' -f1-3 /proc/loadavg)."
		echo "Capture: the ${#files[@]} Ethernet captures of pcaps/ end to end, doubled with time-shifted"
		echo "copies ($rounds copies): $n packets, $size MB; $nrows rows."
		echo "Median wall time of $RUNS runs each, alternating, page cache warm."
		echo
		echo "| command | time | packets/s | ratio to tcpdump |"
		echo "|---|---:|---:|---:|"
		echo "| \`hoptrace -n -r FILE --rows >/dev/null\` | $r ms | $(mpps "$n" "$r") M | **$(ratio "$r" "$d")x** |"
		if [ -n "$rf" ]; then
			echo "| \`hoptrace -n -r FILE --rows '$filt' >/dev/null\` | $rf ms | $(mpps "$n" "$rf") M | **$(ratio "$rf" "$d")x** |"
		fi
		echo "| \`tcpdump -r FILE -w /dev/null\` (reading alone) | $d ms | $(mpps "$n" "$d") M | 1.00x |"
		echo
		echo "hoptrace's peak resident memory with --rows: $(awk -v k="$rss_half" 'BEGIN {printf "%.1f", k / 1024}') MiB at $((n / 2)) packets,"
		echo "$(awk -v k="$rss_full" 'BEGIN {printf "%.1f", k / 1024}') MiB at $n (GNU time, %M)."
		echo "Goal (issue 27): at most 1.5x tcpdump, memory flat in the number of packets."
		echo "<!-- replay-rows:end -->"
	} >"$tmp/section"
	put_section '<!-- replay-rows:begin -->' '<!-- replay-rows:end -->' "$tmp/section"
	rm -f "$tmp/big.pcap" "$tmp/shifted.pcap" "$tmp/half.pcap"
}

# measure LABEL FILE PACKETS: one table row (hoptrace and tcpdump
# alternating, SRUNS runs each, medians; hoptrace's peak RSS and traces)
# into rows[]; hoptrace's median into $h, its fastest run into $hmin
measure() {
	local label=$1 f=$2 n=$3 d rss traces
	: >"$tmp/h"; : >"$tmp/d"
	cat "$f" >/dev/null	# warm the page cache
	for _ in $(seq "$SRUNS"); do
		ms tcpdump -r "$f" -w /dev/null >>"$tmp/d"
		ms "$HOPTRACE" -n -r "$f" >>"$tmp/h"
	done
	h=$(median <"$tmp/h"); d=$(median <"$tmp/d")
	hmin=$(sort -n "$tmp/h" | head -1)
	rss=$(/usr/bin/time -f %M "$HOPTRACE" -n -r "$f" 2>&1 >/dev/null | tail -1)
	traces=$("$HOPTRACE" -n -r "$f" | grep -c '^hoptrace from')
	rows+=("| $label | $n | $(du -m "$f" | cut -f1) MB | $h ms | $d ms | $(mpps "$n" "$h") M | **$(ratio "$h" "$d")x** | $(awk -v k="$rss" 'BEGIN {printf "%.1f", k / 1024}') MiB | $traces |")
}

scale_rows=() flows_rows=() scale_growth="" flows_growth=""

case_scale() {
	local unit=$TOP/pcaps/mtr-icmp4-r10.pcap upk k f h hmin
	local first_h="" first_min="" first_n="" n rows=()
	cc -O2 -Wall -o "$tmp/repeat-pcap" "$TOP/bench/repeat-pcap.c"
	upk=$(capinfos -T -r -c "$unit" | cut -f2)
	for k in $SCALE; do
		f=$tmp/repeat-$k.pcap
		"$tmp/repeat-pcap" "$unit" "$k" 60 "$f"
		n=$((upk * k))
		measure "$k copies" "$f" "$n"
		[ -z "$first_h" ] && { first_h=$h; first_min=$hmin; first_n=$n; }
		rm -f "$f"
	done
	scale_rows=("${rows[@]}")
	scale_growth="$(ratio "$n" "$first_n")x the packets took $(ratio "$h" "$first_h")x the time (medians; fastest runs: $(ratio "$hmin" "$first_min")x)"
	scale_unit=$upk
}

case_flows() {
	local k f h hmin first_h="" first_min="" first_n="" n rows=()
	for k in $FLOWS; do
		f=$tmp/flows-$k.pcap
		python3 "$TOP/bench/many-flows.py" "$k" "$f"
		n=$((9 * k))
		measure "$k flows" "$f" "$n"
		[ -z "$first_h" ] && { first_h=$h; first_min=$hmin; first_n=$n; }
		rm -f "$f"
	done
	flows_rows=("${rows[@]}")
	flows_growth="$(ratio "$n" "$first_n")x the packets took $(ratio "$h" "$first_h")x the time (medians; fastest runs: $(ratio "$hmin" "$first_min")x)"
}

write_scale() {
	{
		echo "<!-- replay-scale:begin -->"
		echo "## Replay at scale: one identity repeated, many identities at once (bench/replay.sh)"
		echo
		echo "Run $(date -u '+%Y-%m-%d %H:%M') UTC on a machine with $(nproc) CPUs, Linux $(uname -r), load average $(cut -d' ' -f1-3 /proc/loadavg)."
		echo "Median wall time of $SRUNS runs each, hoptrace and tcpdump alternating, page cache warm; peak RSS by"
		echo "GNU time (%M); traces: \`hoptrace from\` headers printed."
		echo
		if [ "${#scale_rows[@]}" -gt 0 ]; then
			echo "Case scale: pcaps/mtr-icmp4-r10.pcap (one \`mtr -r -c 10\` run, $scale_unit packets, one trace of"
			echo "10 rounds) written N times by bench/repeat-pcap, each copy 60 s after the last: the same source,"
			echo "destination, ICMP identifier and sequence numbers every time, as a cron job tracing one host every"
			echo "minute leaves them.  Right: one trace per copy."
			echo
			echo "| capture | packets | file | hoptrace \`-n -r FILE >/dev/null\` | tcpdump \`-r FILE -w /dev/null\` | hoptrace packets/s | ratio to tcpdump | hoptrace peak RSS | traces |"
			echo "|---|---:|---:|---:|---:|---:|---:|---:|---:|"
			printf '%s\n' "${scale_rows[@]}"
			echo
			echo "Growth: $scale_growth."
			echo "Targets (issue 14): at least 2 M packets/s, at most 2.5x tcpdump, peak RSS at most 64 MiB and"
			echo "within 10% for both sizes, 10x the packets in at most 11x the time."
			echo
		fi
		if [ "${#flows_rows[@]}" -gt 0 ]; then
			echo "Case flows: N Linux \`traceroute -U\` runs open at once, each to its own destination, 9 probes"
			echo "each with a new source port (bench/many-flows.py; no replies).  Right: N traces.  Memory here"
			echo "holds N traces at once by design."
			echo
			echo "| capture | packets | file | hoptrace \`-n -r FILE >/dev/null\` | tcpdump \`-r FILE -w /dev/null\` | hoptrace packets/s | ratio to tcpdump | hoptrace peak RSS | traces |"
			echo "|---|---:|---:|---:|---:|---:|---:|---:|---:|"
			printf '%s\n' "${flows_rows[@]}"
			echo
			echo "Growth: $flows_growth."
		fi
		echo "<!-- replay-scale:end -->"
	} >"$tmp/scale"
	put_section '<!-- replay-scale:begin -->' '<!-- replay-scale:end -->' "$tmp/scale"
}

for c in $CASES; do
	case $c in
	mix) case_mix ;;
	rows) case_rows ;;
	scale) case_scale ;;
	flows) case_flows ;;
	*) echo "$0: unknown case $c (mix, rows, scale, flows)" >&2; exit 2 ;;
	esac
done
if [ "${#scale_rows[@]}" -gt 0 ] || [ "${#flows_rows[@]}" -gt 0 ]; then
	write_scale
fi

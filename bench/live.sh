#!/bin/bash
# bench/live.sh - time hoptrace against its peers on the namespace network.
#
#   bench/live.sh [BUILD_DIR]        (as root; BUILD_DIR holds ./hoptrace, default .)
#
# A benchmark, not a test: it reports figures and never fails on them.  It
# builds tests/net/netns.sh chains (source, 7 routers, target: 8 hops), gives
# every router and the target a real latency with bench/nfq-delay (NFQUEUE;
# see bench/netns-delay.sh), and times, in the same run, alternating tool by
# tool (the order rotates every round), BENCH_RUNS runs of each of
#   hoptrace, traceroute -I, tcptraceroute, scamper (icmp-paris), mtr -r -c 1
# on four cases:
#   answer  8 hops, 2 ms per router, every hop answers   (tool defaults)
#   silent  the same, hop 3 sends no ICMP errors           (tool defaults)
#   nolat   8 hops, no added latency: start-up and pacing  (tool defaults)
#   deaf    8 hops, 2 ms per router, the target drops every probe;
#           every tool waits 1 s and stops at 30 hops where it has options
# Every command runs inside the source namespace (ht_net_exec), timed there
# by bench/spawn-time (CLOCK_MONOTONIC around posix_spawn and waitpid: the
# same spawn cost for all tools, without the several milliseconds a shell
# spends forking itself on a VM), with its stdout on a terminal: both the
# time to exit (what a script waits for) and the time to the last line
# (what a user watching the terminal waits for) are reported.
# Before the cases, bench/sockcost measures what packet sockets cost on this
# machine (its RCU grace period: see that file); in the nolat case, five
# more hoptrace runs under strace -T list every system call of 1 ms or more
# on hoptrace's path, so the table says how many grace periods remain there
# and how long each took.  One warm-up run per tool and case is not
# counted (none in deaf, where the runs are long and nothing is left to
# warm).
#
# It prints and writes the medians, the ratio hoptrace/peer, whether every
# run of every tool found the same hops as the topology says
# (tests/net/netns.sh ht_hop_addr4), into BENCHMARKS.md between the markers
# <!-- live-bench:begin --> and <!-- live-bench:end --> (appended when
# absent; the rest of the file is kept).
#
# Environment:
#   HOPTRACE      hoptrace binary [BUILD_DIR/hoptrace]
#   BENCH_RUNS    timed runs per tool and case, 5..100 [5]
#   BENCH_DEAF_RUNS  the same for the deaf case alone, whose runs are long
#                 (tcptraceroute ~70 s each), 5..100 [BENCH_RUNS]
#   BENCH_CASES   cases to run, from "answer silent nolat deaf" [all]
#   BENCH_OUT     markdown file to update [BENCHMARKS.md next to bench/];
#                 "-" or empty: print only
#   BENCH_KEEP    directory to keep every tool's output in [a temporary one,
#                 removed at exit]
#   BENCH_REUSE   set: run nothing, report again on BENCH_KEEP's outputs
#   BENCH_NICE    nice value of the timed commands, -20..19 [-10]: on a shared
#                 machine, batch jobs (fuzzers, builds) then disturb less
#   BENCH_RCU_EXPEDITED  set to 1: run with /sys/kernel/rcu_expedited = 1
#                 (every RCU grace period a few microseconds; the old value
#                 is put back at exit), to show what the machine's grace
#                 period costs each tool; the table goes between the markers
#                 <!-- live-bench-expedited:begin/end --> instead
#   NFQ_DELAY     nfq-delay binary [compiled into BUILD_DIR:
#                 cc -O2 -o BUILD_DIR/nfq-delay bench/nfq-delay.c -lnetfilter_queue]
# Takes about 15 minutes with 5 runs (tcptraceroute on the deaf target
# alone waits 3 x 23 hops x 1 s per run).

set -u
export LC_ALL=C

BENCH=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
TOP=$(dirname "$BENCH")
BUILD=${1:-.}
if [ $# -gt 1 ] || [ "${1-}" = -h ] || [ "${1-}" = --help ]; then
	sed -n '2,/^$/s/^# \{0,1\}//p' "$0"
	exit 2
fi
BUILD=$(cd "$BUILD" 2>/dev/null && pwd) || {
	echo "live.sh: no such build directory: ${1-.}" >&2
	exit 2
}
HOPTRACE=${HOPTRACE:-$BUILD/hoptrace}
RUNS=${BENCH_RUNS:-5}
DEAF_RUNS=${BENCH_DEAF_RUNS:-$RUNS}
CASES=${BENCH_CASES:-answer silent nolat deaf}
OUT=${BENCH_OUT-$TOP/BENCHMARKS.md}
NICE=${BENCH_NICE:--10}
HOPS=8
DELAY=2
SILENT=3

if ! [[ $NICE =~ ^-?[0-9]+$ ]] || [ "$NICE" -lt -20 ] || [ "$NICE" -gt 19 ]; then
	echo "live.sh: BENCH_NICE must be -20..19 (got $NICE)" >&2
	exit 2
fi
if ! [[ $RUNS =~ ^[0-9]+$ ]] || [ "$RUNS" -lt 5 ] || [ "$RUNS" -gt 100 ]; then
	echo "live.sh: BENCH_RUNS must be 5..100 (got $RUNS)" >&2
	exit 2
fi
if ! [[ $DEAF_RUNS =~ ^[0-9]+$ ]] || [ "$DEAF_RUNS" -lt 5 ] || [ "$DEAF_RUNS" -gt 100 ]; then
	echo "live.sh: BENCH_DEAF_RUNS must be 5..100 (got $DEAF_RUNS)" >&2
	exit 2
fi
for c in $CASES; do
	case $c in
	answer | silent | nolat | deaf) ;;
	*)
		echo "live.sh: unknown case '$c' (answer silent nolat deaf)" >&2
		exit 2
		;;
	esac
done
if [ ! -x "$HOPTRACE" ]; then
	echo "live.sh: $HOPTRACE not found: build it first (make hoptrace) or set HOPTRACE" >&2
	exit 2
fi
HOPTRACE=$(cd "$(dirname "$HOPTRACE")" && pwd)/$(basename "$HOPTRACE")

# shellcheck source=../tests/net/netns.sh
. "$TOP/tests/net/netns.sh"
# shellcheck source=netns-delay.sh
. "$BENCH/netns-delay.sh"

ht_net_need_root nft iptables ip6tables
HT_BENCH_BUILD=$BUILD ht_delay_build >/dev/null || exit 1
# the timer: posix_spawn to waitpid around each command (bench/spawn-time.c)
SPAWN=$BUILD/spawn-time
if [ ! -x "$SPAWN" ] || [ "$BENCH/spawn-time.c" -nt "$SPAWN" ]; then
	if ! ${CC:-cc} -O2 -Wall -o "$SPAWN.$$" "$BENCH/spawn-time.c" ||
		! mv -f "$SPAWN.$$" "$SPAWN"; then
		rm -f "$SPAWN.$$"
		echo "live.sh: cannot compile bench/spawn-time.c" >&2
		exit 1
	fi
fi

# the socket cost probe (bench/sockcost.c)
SOCKCOST=$BUILD/sockcost
if [ ! -x "$SOCKCOST" ] || [ "$BENCH/sockcost.c" -nt "$SOCKCOST" ]; then
	if ! ${CC:-cc} -O2 -Wall -o "$SOCKCOST.$$" "$BENCH/sockcost.c" -lpcap ||
		! mv -f "$SOCKCOST.$$" "$SOCKCOST"; then
		rm -f "$SOCKCOST.$$"
		echo "live.sh: cannot compile bench/sockcost.c (libpcap-dev)" >&2
		exit 1
	fi
fi

# peers: label, binary; a missing one is left out (and said so)
declare -a TOOLS=(hoptrace)
declare -A MISSING=()
for t in traceroute:traceroute tcptraceroute:tcptraceroute scamper:scamper mtr:mtr; do
	if command -v "${t#*:}" >/dev/null 2>&1; then
		TOOLS+=("${t%%:*}")
	else
		MISSING[${t%%:*}]=1
		echo "live.sh: ${t#*:} not installed: left out" >&2
	fi
done

MARK=live-bench
TITLE="Live traces on the namespace network (bench/live.sh)"
RCU_OLD=""
if [ "${BENCH_RCU_EXPEDITED-}" = 1 ]; then
	MARK=live-bench-expedited
	TITLE="Live traces with /sys/kernel/rcu_expedited = 1 (bench/live.sh, BENCH_RCU_EXPEDITED=1)"
	if [ -z "${BENCH_REUSE-}" ]; then
		RCU_OLD=$(cat /sys/kernel/rcu_expedited 2>/dev/null) &&
			echo 1 >/sys/kernel/rcu_expedited || {
			echo "live.sh: cannot set /sys/kernel/rcu_expedited" >&2
			exit 1
		}
	fi
fi

# ---- state and cleanup ---------------------------------------------------
NET=""
RUNNER_PID=""
if [ -n "${BENCH_KEEP-}" ]; then
	WORK=$BENCH_KEEP
	mkdir -p "$WORK" || exit 1
else
	WORK=$(mktemp -d "${TMPDIR:-/tmp}/hoptrace-live.XXXXXX") || exit 1
fi
# shellcheck disable=SC2317  # called by the EXIT trap
cleanup() {
	if [ -n "$RUNNER_PID" ]; then
		kill -TERM "$RUNNER_PID" 2>/dev/null
		wait "$RUNNER_PID" 2>/dev/null
	fi
	if [ -n "$NET" ]; then
		ht_delay_stop "$NET"
		ht_net_down "$NET"
	fi
	[ -n "$RCU_OLD" ] && echo "$RCU_OLD" >/sys/kernel/rcu_expedited
	[ -z "${BENCH_KEEP-}" ] && rm -rf "$WORK"
}
trap cleanup EXIT
trap 'exit 143' TERM
trap 'exit 130' INT

# ---- the runner, inside the source namespace ------------------------------
# $1 command file (lines "label shell-words..."), $2 output dir, $3 runs,
# $4 warm-up runs.  Appends "label tag status start end" to $2/times.
# shellcheck disable=SC2016
RUNNER='
export LC_ALL=C
cmdfile=$1 out=$2 runs=$3 warm=$4 spawn=$5
mapfile -t lines <"$cmdfile"
T=${#lines[@]}
pid=""
trap "[ -n \"\$pid\" ] && kill -TERM \"\$pid\" 2>/dev/null; exit 143" TERM INT
one() { # index tag
	local line=${lines[$1]} lab r
	local -a c
	lab=${line%% *}
	eval "c=(${line#* })"
	"$spawn" "$out/$lab.$2.out" "$out/$lab.$2.err" "${c[@]}" >"$out/spawn" &
	pid=$!
	wait "$pid"
	pid=""
	read -r r <"$out/spawn" || r="127 0 0 0"
	printf "%s %s %s\n" "$lab" "$2" "$r" >>"$out/times"
}
for ((w = 1; w <= warm; w++)); do
	for ((i = 0; i < T; i++)); do one "$i" "w$w"; done
done
for ((r = 1; r <= runs; r++)); do
	for ((j = 0; j < T; j++)); do one "$(((j + r) % T))" "r$r"; done
done
'

# ---- commands per case ----------------------------------------------------
# _cmds CASE TARGET: print "label command..." lines (shell words)
_cmds() {
	local case=$1 a=$2 ht
	ht=$(printf '%q' "$HOPTRACE")
	{
	if [ "$case" = deaf ]; then
		printf 'hoptrace %s -n -W 1 -m 30 %s\n' "$ht" "$a"
		printf 'traceroute traceroute -I -n -w 1 -m 30 %s\n' "$a"
		printf 'tcptraceroute tcptraceroute -n -w 1 -m 30 %s\n' "$a"
		printf "scamper scamper -O text -c 'trace -P icmp-paris -w 1 -m 30' -i %s\n" "$a"
		printf 'mtr mtr -r -n -c 1 -G 1 -m 30 %s\n' "$a"
	else
		printf 'hoptrace %s -n %s\n' "$ht" "$a"
		printf 'traceroute traceroute -I -n %s\n' "$a"
		printf 'tcptraceroute tcptraceroute -n %s\n' "$a"
		printf "scamper scamper -O text -c 'trace -P icmp-paris' -i %s\n" "$a"
		printf 'mtr mtr -r -n -c 1 %s\n' "$a"
	fi
	# the cost of spawn, exec and wait alone, under the same load
	printf 'floor /bin/true\n'
	} | while IFS= read -r line; do
		[ -z "${MISSING[${line%% *}]-}" ] && printf '%s\n' "$line"
	done
}

# ---- hops in a tool's output ----------------------------------------------
# _hops LABEL FILE: "1:addr 2:addr 3:* ..." up to the last hop that answered;
# several addresses at one hop are joined with "/", a hop not printed is "-".
_hops() {
	awk -v tool="$1" '
	function isaddr(s) { return s ~ /^\(?[0-9]+\.[0-9]+\.[0-9]+\.[0-9]+\)?$/ }
	function add(h, s) {
		gsub(/[()]/, "", s)
		if (!((h, s) in seen)) {
			seen[h, s] = 1
			if (naddr[h]++)
				addrs[h] = addrs[h] "/" s
			else
				addrs[h] = s
		}
		if (h > last) last = h
	}
	{
		if (tool == "mtr") {
			if ($1 ~ /^[0-9]+\.\|--$/) {
				hop = $1 + 0
				printed[hop] = 1
				if (isaddr($2)) add(hop, $2)
			} else if ($0 ~ /\|--/ && hop > 0) {
				for (i = 1; i <= NF; i++) if (isaddr($i)) add(hop, $i)
			}
			next
		}
		if ($1 ~ /^[0-9]+$/) {
			hop = $1 + 0
			printed[hop] = 1
			for (i = 2; i <= NF; i++) if (isaddr($i)) add(hop, $i)
		}
	}
	END {
		out = ""
		for (h = 1; h <= last; h++)
			out = out (h > 1 ? " " : "") h ":" (naddr[h] ? addrs[h] : (printed[h] ? "*" : "-"))
		print out
	}' "$2"
}

# _expected CASE: the hops the topology answers from
_expected() {
	local case=$1 k last=$HOPS out=""
	[ "$case" = deaf ] && last=$((HOPS - 1))
	for ((k = 1; k <= last; k++)); do
		if [ "$case" = silent ] && [ "$k" = "$SILENT" ]; then
			out+="$k:* "
		else
			out+="$k:$(ht_hop_addr4 "$k") "
		fi
	done
	printf '%s\n' "${out% }"
}

# ---- one case ---------------------------------------------------------------
# _run_case CASE: network up, delay, runner, network down
_run_case() {
	local case=$1 opts=(--hops "$HOPS") warm=1 dir=$WORK/$1
	case $case in
	silent) opts+=(--silent "$SILENT") ;;
	deaf)
		opts+=(--deaf)
		warm=0
		;;
	esac
	mkdir -p "$dir"
	NET=hbl$$${case:0:1}
	echo "live.sh: case $case: building ${opts[*]} as $NET" >&2
	ht_net_up "$NET" "${opts[@]}" || return 1
	if [ "$case" != nolat ]; then
		ht_delay_start "$NET" "$DELAY" || return 1
	fi
	_cmds "$case" "$HT_TARGET4" >"$dir/commands"
	_expected "$case" >"$dir/expected"
	# the runner ends by itself (every tool stops at 30 hops and its waits);
	# timeout bounds it anyway
	timeout -s TERM 1800 nice -n "$NICE" ip netns exec "${NET}s" bash -c "$RUNNER" runner \
		"$dir/commands" "$dir" "$([ "$case" = deaf ] && echo "$DEAF_RUNS" || echo "$RUNS")" "$warm" \
		"$SPAWN" &
	RUNNER_PID=$!
	wait "$RUNNER_PID"
	RUNNER_PID=""
	if [ "$case" = nolat ] && command -v strace >/dev/null 2>&1; then
		# the system calls of 1 ms or more on hoptrace's path (grace periods)
		for r in 1 2 3 4 5; do
			ht_net_exec "$NET" s strace -qq -T -o "$dir/strace.$r" \
				-e trace=socket,bind,setsockopt,getsockopt,close,mmap,munmap,sendto,poll,exit_group \
				"$HOPTRACE" -n "$HT_TARGET4" >/dev/null 2>&1
		done
	fi
	ht_delay_stop "$NET"
	ht_net_down "$NET"
	NET=""
}

# ---- figures ----------------------------------------------------------------
# _median LABEL DIR [COLUMN]: median time in ms of the timed runs, from the
# start to the exit (column 5 of times, the default) or to the last line (6)
_median() {
	awk -v l="$1" -v c="${3:-5}" '$1 == l && $2 ~ /^r/ { printf "%.3f\n", ($c - $4) * 1000 }' "$2/times" |
		sort -n | awk '{ v[NR] = $1 } END {
			if (NR == 0) { print "nan"; exit }
			if (NR % 2) print v[(NR + 1) / 2]; else printf "%.3f\n", (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}

# _slow_calls DIR: "call: ms, ms, ... (in N of M runs)" for every system
# call of 1 ms or more in the strace files of DIR
_slow_calls() {
	local f m=0
	for f in "$1"/strace.*; do
		[ -e "$f" ] && m=$((m + 1))
	done
	[ "$m" = 0 ] && return
	awk -v m="$m" '
		FNR == 1 { run++ }
		match($0, /<[0-9.]+>$/) {
			d = substr($0, RSTART + 1, RLENGTH - 2) * 1000
			if (d < 1) next
			name = $0; sub(/\(.*/, "", name)
			if (name == "setsockopt") { split($0, a, ", "); name = name "(" a[3] ")" }
			else if (name == "close") name = "close (last reference)"
			if (!(name in n)) order[++k] = name
			n[name]++; v[name] = v[name] (v[name] == "" ? "" : ", ") sprintf("%.1f", d)
			seen[name, run] = 1
		}
		END {
			if (k == 0) { printf "none: no system call of 1 ms or more in %d runs\n", m; exit }
			for (i = 1; i <= k; i++) {
				r = 0; for (j = 1; j <= run; j++) if ((order[i], j) in seen) r++
				printf "%s: %s ms (in %d of %d runs)\n", order[i], v[order[i]], r, m
			}
		}' "$1"/strace.*
}

_fmt_ms() {
	awk -v v="$1" 'BEGIN {
		if (v == "nan") print "-"
		else if (v >= 1000) printf "%.2f s\n", v / 1000
		else if (v >= 100) printf "%.0f ms\n", v
		else printf "%.1f ms\n", v }'
}

_ratio() {
	awk -v a="$1" -v b="$2" 'BEGIN { if (a == "nan" || b == "nan" || b == 0) print "-"; else printf "%.2fx\n", a / b }'
}

_case_title() {
	case $1 in
	answer) echo "$HOPS hops, $DELAY ms per router, every hop answers" ;;
	silent) echo "$HOPS hops, $DELAY ms per router, hop $SILENT silent" ;;
	nolat) echo "$HOPS hops, no added latency" ;;
	deaf) echo "$HOPS hops, $DELAY ms per router, deaf target (1 s wait, 30 hops max)" ;;
	esac
}

_tool_title() {
	case $1 in
	hoptrace) echo "hoptrace" ;;
	traceroute) echo "traceroute -I" ;;
	tcptraceroute) echo "tcptraceroute" ;;
	scamper) echo "scamper icmp-paris" ;;
	mtr) echo "mtr -r -c 1" ;;
	esac
}

# destination RTT: median over traceroute's timed runs of its first RTT at
# the last hop (the physical limit of an every-hop-answers trace)
_dest_rtt() {
	local dir=$1 f
	for f in "$dir"/traceroute.r*.out; do
		[ -e "$f" ] || continue
		awk -v n="$HOPS" '$1 == n { for (i = 2; i < NF; i++) if ($(i + 1) == "ms") { print $i; exit } }' "$f"
	done | sort -n | awk '{ v[NR] = $1 } END { if (NR) printf "%.*f ms\n", v[int((NR + 1) / 2)] < 1 ? 3 : 1, v[int((NR + 1) / 2)] }'
}

# ---- main -------------------------------------------------------------------
# what the report says about the run, kept with the outputs (BENCH_REUSE)
if [ -z "${BENCH_REUSE-}" ]; then
	{
		printf 'START=%q\n' "$(date -u '+%Y-%m-%d %H:%M UTC')"
		printf 'LOAD0=%q\n' "$(cut -d' ' -f1-3 /proc/loadavg)"
		printf 'REV=%q\n' "$(git -C "$TOP" describe --always --dirty 2>/dev/null || echo unknown)"
		printf 'BIN=%q\n' "$(date -u -r "$HOPTRACE" '+%Y-%m-%d %H:%M UTC')"
		printf 'VERSION=%q\n' "$("$HOPTRACE" -V 2>/dev/null | head -1)"
		printf 'NICE=%q\n' "$NICE"
	} >"$WORK/meta"
fi
if [ -z "${BENCH_REUSE-}" ]; then
	"$SOCKCOST" 15 >"$WORK/sockcost" || echo "live.sh: sockcost failed" >&2
fi
for c in $CASES; do
	if [ -n "${BENCH_REUSE-}" ]; then
		# report again on the outputs kept by an earlier run
		if [ -z "${BENCH_KEEP-}" ] || [ ! -s "$WORK/$c/times" ] || [ ! -s "$WORK/meta" ]; then
			echo "live.sh: BENCH_REUSE needs BENCH_KEEP with the outputs of case $c" >&2
			exit 2
		fi
	elif ! _run_case "$c"; then
		echo "live.sh: case $c failed to set up" >&2
		exit 1
	fi
done
if [ -z "${BENCH_REUSE-}" ]; then
	printf 'LOAD1=%q\n' "$(cut -d' ' -f1-3 /proc/loadavg)" >>"$WORK/meta"
	"$SOCKCOST" 15 >"$WORK/sockcost.end" || echo "live.sh: sockcost failed" >&2
fi
# shellcheck disable=SC1091
. "$WORK/meta"

# table, hop check, anomalies
{
	printf '| case |'
	for t in "${TOOLS[@]}"; do printf ' %s |' "$(_tool_title "$t")"; done
	printf ' hops | spawn floor |\n|---|'
	for t in "${TOOLS[@]}"; do printf -- '---:|'; done
	printf -- '---|---:|\n'
} >"$WORK/table"
{
	printf '| case |'
	for t in "${TOOLS[@]}"; do printf ' %s |' "$(_tool_title "$t")"; done
	printf '\n|---|'
	for t in "${TOOLS[@]}"; do printf -- '---:|'; done
	printf '\n'
} >"$WORK/table.last"
: >"$WORK/anomalies"
: >"$WORK/hopdiff"
: >"$WORK/exits"
: >"$WORK/targets"
for c in $CASES; do
	dir=$WORK/$c
	exp=$(<"$dir/expected")
	declare -A med=() last=()
	for t in "${TOOLS[@]}"; do
		med[$t]=$(_median "$t" "$dir")
		last[$t]=$(_median "$t" "$dir" 6)
	done
	lrow="| $(_case_title "$c") |"
	for t in "${TOOLS[@]}"; do
		if [ "$t" = hoptrace ]; then
			lrow+=" **$(_fmt_ms "${last[$t]}")** |"
		else
			lrow+=" $(_fmt_ms "${last[$t]}") ($(_ratio "${last[hoptrace]}" "${last[$t]}")) |"
		fi
	done
	printf '%s\n' "$lrow" >>"$WORK/table.last"
	row="| $(_case_title "$c")"
	rtt=$(_dest_rtt "$dir")
	[ "$c" = answer ] || [ "$c" = nolat ] && [ -n "$rtt" ] && row+=" (destination RTT $rtt)"
	row+=" |"
	for t in "${TOOLS[@]}"; do
		if [ "$t" = hoptrace ]; then
			row+=" **$(_fmt_ms "${med[$t]}")** |"
		else
			row+=" $(_fmt_ms "${med[$t]}") ($(_ratio "${med[hoptrace]}" "${med[$t]}")) |"
		fi
	done
	bad=""
	for t in "${TOOLS[@]}"; do
		nbad=0
		nrun=0
		for f in "$dir/$t".r*.out "$dir/$t".w*.out; do
			[ -e "$f" ] || continue
			nrun=$((nrun + 1))
			got=$(_hops "$t" "$f")
			if [ "$got" != "$exp" ]; then
				nbad=$((nbad + 1))
				printf '%s|%s|%s|%s\n' "$c" "$(_tool_title "$t")" "$got" \
					"$(basename "$f" .out | sed 's/.*\.//')" >>"$WORK/hopdiff"
			fi
		done
		[ "$nbad" -gt 0 ] && bad+="$(_tool_title "$t") differs in $nbad/$nrun; "
		# exit status other than 0, one line per status
		awk -v l="$t" -v c="$c" -v tt="$(_tool_title "$t")" '
			$1 == l && $3 != 0 { if (!($3 in r)) o[++n] = $3; r[$3] = r[$3] (r[$3] == "" ? "" : ", ") $2 }
			END { for (i = 1; i <= n; i++) {
				printf "- %s, %s: exit status %s in runs %s", c, tt, o[i], r[o[i]]
				if (l == "tcptraceroute" && c == "deaf") printf " (its status when the target never answers)"
				printf "\n" } }' "$dir/times" >>"$WORK/exits"
	done
	if [ -z "$bad" ]; then
		row+=" same in every run |"
	else
		row+=" ${bad%; } |"
	fi
	row+=" $(_fmt_ms "$(_median floor "$dir")") |"
	printf '%s\n' "$row" >>"$WORK/table"
	# issue 13's targets, as figures (not a verdict on the build)
	tr=${med[traceroute]-nan}
	ltr=${last[traceroute]-nan}
	both="exit $(_ratio "${med[hoptrace]}" "$tr"), last line $(_ratio "${last[hoptrace]}" "$ltr")"
	case $c in
	answer) printf -- '- %s: hoptrace/traceroute -I: %s (target at most 0.80x to exit)\n' "$c" "$both" ;;
	silent) printf -- '- %s: hoptrace/traceroute -I: %s (target at most 1.00x)\n' "$c" "$both" ;;
	nolat) printf -- '- %s: hoptrace/traceroute -I: %s (target at most 1.50x)\n' "$c" "$both" ;;
	deaf) printf -- '- %s: hoptrace %s to exit with -W 1 (target at most 1.5 s)\n' "$c" "$(_fmt_ms "${med[hoptrace]}")" ;;
	esac >>"$WORK/targets"
	unset med last
done

# hop differences, one line per (case, tool, hops found) with its runs
if [ -s "$WORK/hopdiff" ]; then
	for c in $CASES; do echo "- $c: the topology's hops are \`$(<"$WORK/$c/expected")\`"; done >>"$WORK/anomalies"
	awk -F'|' '
		{ k = $1 "|" $2 "|" $3; if (!(k in runs)) order[++n] = k; runs[k] = runs[k] (runs[k] == "" ? "" : ", ") $4 }
		END { for (i = 1; i <= n; i++) { split(order[i], f, "|")
			printf "- %s, %s, runs %s: hops `%s`\n", f[1], f[2], runs[order[i]], f[3] } }' \
		"$WORK/hopdiff" >>"$WORK/anomalies"
fi

# ---- the markdown section ---------------------------------------------------
CPU=$(awk -F': ' '/^model name/ { print $2; exit }' /proc/cpuinfo 2>/dev/null)
{
	echo "<!-- $MARK:begin -->"
	echo "## $TITLE"
	echo
	echo "Run $START by \`bench/live.sh\` on a machine with $(nproc) CPUs${CPU:+ ($CPU)}, Linux $(uname -r);"
	echo "${VERSION:-hoptrace}, binary of $BIN (the source tree was at $REV when the run began)."
	echo "Median wall time of $RUNS runs per tool and case ($DEAF_RUNS for the deaf target), run alternately in one session (the order"
	echo "rotates every round; one warm-up run per tool not counted, none for the deaf target), each"
	echo "timed inside the source namespace from posix_spawn to waitpid (bench/spawn-time), at nice $NICE. In brackets: hoptrace's"
	echo "median divided by the peer's (below 1: hoptrace is faster). \"spawn floor\": the median of"
	echo "\`/bin/true\` timed the same way in the same rounds, the share of every figure that is only"
	echo "process creation on this machine at that time (load average ${LOAD0// /, } at the start,"
	echo "${LOAD1// /, } at the end: the machine is shared, so compare within a row)."
	echo
	echo "Network: tests/net/netns.sh, a chain source - 7 routers - target ($HOPS hops, IPv4)."
	echo "Latency: bench/nfq-delay holds every packet that a router forwards or sends, and every"
	echo "packet the target sends, $DELAY ms from its arrival (the kernel's receive stamp; NFQUEUE on"
	echo "FORWARD and OUTPUT, bench/netns-delay.sh),"
	echo "so hop k answers in about (2k-1) x $DELAY ms (nfq-delay runs SCHED_FIFO, so that its hold time"
	echo "stays $DELAY ms on a busy machine). The source adds none."
	echo
	cat "$WORK/table"
	echo
	echo "Time to the last line of output (stdout is a terminal: what a user sees), medians of the same runs:"
	echo
	cat "$WORK/table.last"
	echo
	if [ -s "$WORK/sockcost" ]; then
		gp=$(awk '$1 == "grace_period" { print $2 }' "$WORK/sockcost")
		gp1=$(awk '$1 == "grace_period" { print $2 }' "$WORK/sockcost.end" 2>/dev/null)
		exp=$(awk '$1 == "rcu_expedited" { print $2 }' "$WORK/sockcost")
		echo "**This machine's RCU grace period: ${gp} ms** before the cases, ${gp1:-?} ms after (bench/sockcost, median of"
		echo "15 ring set-ups; /sys/kernel/rcu_expedited = ${exp:-?}). What each socket step costs here, in ms"
		echo "(median, least, most of 15; before the cases):"
		echo
		echo "| step | median | min | max |"
		echo "|---|---:|---:|---:|"
		awk 'NF == 4 { printf "| %s | %s | %s | %s |\n", $1, $2, $3, $4 }' "$WORK/sockcost"
		echo
	fi
	if [ -n "$(_slow_calls "$WORK/nolat")" ]; then
		echo "System calls of 1 ms or more on hoptrace's own path (nolat network, 5 runs under strace -T;"
		echo "strace slows every call, these are the ones that wait):"
		echo
		_slow_calls "$WORK/nolat" | sed 's/^/- /'
		echo
	fi
	echo "Issue 13 targets, from these medians:"
	echo
	cat "$WORK/targets"
	echo
	if [ -s "$WORK/anomalies" ]; then
		echo "Hops other than the topology's:"
		echo
		cat "$WORK/anomalies"
	else
		echo "Every run of every tool found exactly the topology's hops (tests/net/netns.sh ht_hop_addr4)."
	fi
	if [ -s "$WORK/exits" ]; then
		echo
		echo "Exit status other than 0:"
		echo
		cat "$WORK/exits"
	fi
	echo
	echo "Commands (\`hoptrace\`: the binary under test; the peers: Debian 12 packages):"
	echo
	echo '```'
	for c in $CASES; do
		echo "# $c: $(_case_title "$c")"
		sed "s|^[a-z]* ||; s|$(printf '%q' "$HOPTRACE")|hoptrace|; s|^/bin/true\$|/bin/true    # spawn floor|" \
			"$WORK/$c/commands"
	done
	echo '```'
	echo "<!-- $MARK:end -->"
} >"$WORK/section.md"

cat "$WORK/section.md"
for t in "${!MISSING[@]}"; do echo "live.sh: $t was not installed: left out" >&2; done

if [ -n "$OUT" ] && [ "$OUT" != - ]; then
	tmp=$OUT.live.$$
	if [ -f "$OUT" ] && grep -q "^<!-- $MARK:begin -->\$" "$OUT" &&
		grep -q "^<!-- $MARK:end -->\$" "$OUT"; then
		awk -v sec="$WORK/section.md" -v b="<!-- $MARK:begin -->" -v e="<!-- $MARK:end -->" '
			$0 == b { while ((getline l < sec) > 0) print l; skip = 1; next }
			$0 == e { skip = 0; next }
			!skip { print }' "$OUT" >"$tmp"
	else
		{
			[ -f "$OUT" ] && cat "$OUT"
			[ -s "$OUT" ] && echo
			cat "$WORK/section.md"
		} >"$tmp"
	fi
	mv "$tmp" "$OUT" && echo "live.sh: wrote the table into $OUT" >&2
fi
exit 0

#!/bin/bash
# shellcheck shell=bash
# bench/netns-delay.sh - a real per-router latency for a tests/net/netns.sh network.
#
# This kernel has no netem.  Each router namespace (NAME r1 .. r<N-1>, any
# balancer branch r<k>b) and the target (NAME t) gets an iptables rule (nft
# compat) queueing FORWARD and OUTPUT to NFQUEUE, IPv4 and IPv6, and one
# bench/nfq-delay process that holds every queued packet MS milliseconds and
# then accepts it.  OUTPUT covers the ICMP errors and replies the node sends
# itself.  The source (NAME s) is left alone.  A probe to hop k and its
# answer thus cross k-1 routers twice and hop k once:
#     RTT(hop k) ~= (2k - 1) * MS     (8 hops, 2 ms: 30 ms)
#
# Source it (functions only) or run it:
#   . bench/netns-delay.sh
#   ht_delay_start NAME MS [QUEUE]    start; 0 on success, 1 (all undone) else
#   ht_delay_stop NAME                remove the rules, stop the helpers
#                                     (call it before ht_net_down NAME)
#   bench/netns-delay.sh start NAME MS [QUEUE]
#   bench/netns-delay.sh stop NAME
#   bench/netns-delay.sh build        compile nfq-delay, print its path
#
# NFQ_DELAY: the nfq-delay binary.  Unset: compiled from bench/nfq-delay.c
# into ${HT_BENCH_BUILD:-${TMPDIR:-/tmp}/hoptrace-bench} when missing or
# older than the source:
#   cc -O2 -o "$BUILD/nfq-delay" bench/nfq-delay.c -lnetfilter_queue
# (Debian package libnetfilter-queue-dev; libmnl is not needed.)
#
# HT_DELAY_JITTER: nfq-delay -j, ms: each hold plus a uniform [0, J) ms
# (a standard deviation of J/sqrt(12) a crossing; hop k's RTT crosses
# 2k - 1 queues: StDev ~= J sqrt((2k - 1) / 12)) [0]
#
# HT_DELAY_NODES: the namespaces to delay, as names after NAME (default:
# every r<k>, r<k>b and t).
#
# HT_DELAY_RTPRIO: nfq-delay -p, SCHED_FIFO priority, so that the hold time
# stays DELAY on a loaded machine [10]; 0: normal scheduling.
#
# State (pids, logs): ${TMPDIR:-/tmp}/ht-delay.NAME/.  Processes are stopped
# by the pids recorded there, nothing else.  The rules carry the comment
# "ht-delay" and --queue-bypass: if a helper dies, packets pass undelayed
# instead of being dropped.

_HT_DELAY_SRC=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/nfq-delay.c

_ht_delay_err() {
	printf 'netns-delay.sh: %s\n' "$*" >&2
}

# ht_delay_build: set NFQ_DELAY (compiling it if needed); print it
ht_delay_build() {
	local dir
	if [ -n "${NFQ_DELAY-}" ]; then
		[ -x "$NFQ_DELAY" ] || {
			_ht_delay_err "NFQ_DELAY=$NFQ_DELAY is not executable"
			return 1
		}
		printf '%s\n' "$NFQ_DELAY"
		return 0
	fi
	dir=${HT_BENCH_BUILD:-${TMPDIR:-/tmp}/hoptrace-bench}
	mkdir -p "$dir" || return 1
	if [ ! -x "$dir/nfq-delay" ] || [ "$_HT_DELAY_SRC" -nt "$dir/nfq-delay" ]; then
		# a private name, then rename: another bench may be using it
		if ! ${CC:-cc} -O2 -Wall -o "$dir/nfq-delay.$$" "$_HT_DELAY_SRC" -lnetfilter_queue ||
			! mv -f "$dir/nfq-delay.$$" "$dir/nfq-delay"; then
			rm -f "$dir/nfq-delay.$$"
			_ht_delay_err "cannot compile $_HT_DELAY_SRC (libnetfilter-queue-dev installed?)"
			return 1
		fi
	fi
	NFQ_DELAY=$dir/nfq-delay
	printf '%s\n' "$NFQ_DELAY"
}

_ht_delay_state() {
	printf '%s/ht-delay.%s\n' "${TMPDIR:-/tmp}" "$1"
}

# namespaces that get a delay: NAME r<k>[b] and NAME t, or the list in
# HT_DELAY_NODES (names after NAME, e.g. "r1 r2 m0 t" for a netns-graph.sh
# network)
_ht_delay_nodes() {
	local name=$1 ns rest
	if [ -n "${HT_DELAY_NODES-}" ]; then
		for rest in $HT_DELAY_NODES; do
			printf '%s%s\n' "$name" "$rest"
		done
		return 0
	fi
	while read -r ns _; do
		case $ns in
		"$name"*) ;;
		*) continue ;;
		esac
		rest=${ns#"$name"}
		if [[ $rest =~ ^(t|r[0-9]+b?)$ ]]; then
			printf '%s\n' "$ns"
		fi
	done < <(ip netns list 2>/dev/null)
}

# _ht_delay_rules NS QUEUE -I|-D
_ht_delay_rules() {
	local ns=$1 q=$2 op=$3 ipt chain rc=0
	for ipt in iptables ip6tables; do
		for chain in FORWARD OUTPUT; do
			if [ "$op" = -I ]; then
				ip netns exec "$ns" "$ipt" -w -I "$chain" 1 -m comment --comment ht-delay \
					-j NFQUEUE --queue-num "$q" --queue-bypass || rc=1
			else
				ip netns exec "$ns" "$ipt" -w -D "$chain" -m comment --comment ht-delay \
					-j NFQUEUE --queue-num "$q" --queue-bypass >/dev/null 2>&1
			fi
		done
	done
	return "$rc"
}

ht_delay_start() {
	local name=${1-} ms=${2-} q=${3:-0} st ns pid i ok
	local -a nodes
	if [ -z "$name" ] || [[ ! $ms =~ ^[0-9]+(\.[0-9]+)?$ ]] || [[ ! $q =~ ^[0-9]+$ ]]; then
		_ht_delay_err "usage: ht_delay_start NAME MS [QUEUE]"
		return 2
	fi
	ht_delay_build >/dev/null || return 1
	mapfile -t nodes < <(_ht_delay_nodes "$name")
	if [ "${#nodes[@]}" = 0 ]; then
		_ht_delay_err "no router or target namespace named ${name}r<k> or ${name}t"
		return 1
	fi
	st=$(_ht_delay_state "$name")
	if [ -e "$st" ]; then
		_ht_delay_err "$st exists: delay already started for $name (ht_delay_stop $name)"
		return 1
	fi
	mkdir -p "$st" || return 1
	printf '%s\n' "$q" >"$st/queue"
	# helpers first: a rule without its helper would pass packets undelayed
	for ns in "${nodes[@]}"; do
		# ip netns exec execs the program: $! is nfq-delay's own pid
		ip netns exec "$ns" "$NFQ_DELAY" -q "$q" -d "$ms" -j "${HT_DELAY_JITTER:-0}" -p "${HT_DELAY_RTPRIO:-10}" -v \
			</dev/null >/dev/null 2>"$st/$ns.log" &
		printf '%s\n' "$!" >"$st/$ns.pid"
	done
	for ns in "${nodes[@]}"; do
		pid=$(<"$st/$ns.pid")
		ok=0
		for ((i = 0; i < 200; i++)); do # at most ~4 s
			if grep -q ': ready$' "$st/$ns.log" 2>/dev/null; then
				ok=1
				break
			fi
			kill -0 "$pid" 2>/dev/null || break
			sleep 0.02
		done
		if [ "$ok" != 1 ]; then
			_ht_delay_err "nfq-delay in $ns did not start: $(cat "$st/$ns.log" 2>/dev/null)"
			ht_delay_stop "$name"
			return 1
		fi
	done
	for ns in "${nodes[@]}"; do
		if ! _ht_delay_rules "$ns" "$q" -I; then
			_ht_delay_err "iptables NFQUEUE rules failed in $ns"
			ht_delay_stop "$name"
			return 1
		fi
	done
	return 0
}

ht_delay_stop() {
	local name=${1-} st f ns pid q i
	[ -n "$name" ] || return 0
	st=$(_ht_delay_state "$name")
	[ -d "$st" ] || return 0
	q=$(cat "$st/queue" 2>/dev/null)
	q=${q:-0}
	# rules out first, so that nothing new is queued while a helper exits
	for f in "$st"/*.pid; do
		[ -e "$f" ] || continue
		ns=$(basename "$f" .pid)
		_ht_delay_rules "$ns" "$q" -D
	done
	for f in "$st"/*.pid; do
		[ -e "$f" ] || continue
		pid=$(<"$f")
		[[ $pid =~ ^[0-9]+$ ]] && kill -TERM "$pid" 2>/dev/null
	done
	for f in "$st"/*.pid; do
		[ -e "$f" ] || continue
		pid=$(<"$f")
		[[ $pid =~ ^[0-9]+$ ]] || continue
		for ((i = 0; i < 100; i++)); do # at most ~2 s, then SIGKILL
			kill -0 "$pid" 2>/dev/null || break
			sleep 0.02
		done
		kill -KILL "$pid" 2>/dev/null
		wait "$pid" 2>/dev/null
	done
	if [ -n "${HT_DELAY_KEEP_LOGS-}" ]; then
		cat "$st"/*.log >&2 2>/dev/null
	fi
	rm -rf "$st"
	return 0
}

if [ "${BASH_SOURCE[0]}" = "$0" ]; then
	set -u
	case ${1-} in
	start)
		shift
		ht_delay_start "$@"
		;;
	stop)
		shift
		HT_DELAY_KEEP_LOGS=1 ht_delay_stop "$@"
		;;
	build) ht_delay_build ;;
	*)
		echo "usage: $0 start NAME MS [QUEUE] | stop NAME | build" >&2
		exit 2
		;;
	esac
fi

#!/bin/bash
# tests/live/live-deaf.sh - hoptrace over a chain of 8 real Linux routers
# (tests/net/netns.sh) whose target (hop 8) drops every probe (--deaf), IPv4
# and IPv6, with -n -W 1:
#   -m 10       hops 1..7 intact, hops 8, 9, 10 exactly " 8  * * *" etc.,
#               nothing after hop 10
#   (-m 30)     the gap limit (--gap, default 5) ends the trace after five
#               silent hops in a row: hops 8..12 "* * *", nothing after
#   --gap 2     ends after hop 9
#   -j -m 10    JSON: hops 8..10 hold three {"x":"*"} each
#   the injector: while -m 10 waits its second for hops 8..10, every probe
#   is out (the first window holds them all) and hoptrace holds one packet
#   socket, the capture's; without -m, probes past hop 10 may still be
#   needed, and it holds two (IPv4)
# Every run: exit 0 (the trace ran, the target did not answer), stderr
# empty.  Exit 0 pass, 1 fail, 77 skip (not root, no netns, no
# nft/python3), 99 hard error.

set -u

# shellcheck source=preamble.sh source-path=SCRIPTDIR disable=SC1091
. "$(dirname "$0")/preamble.sh" nft python3 timeout
ht_live_net htd
HOPS=8
ht_live_up --hops "$HOPS" --deaf

# star K : regex of hop K with no reply to its 3 probes, exactly " K  * * *"
star() {
	printf '^%s$' "$(lit "$(printf '%2d  * * *' "$1")")"
}

LAST=$((HOPS - 1)) # the last hop that answers

# expect_deaf DESC AF TARGET MAXHOPS STARS : hops 1..LAST intact, then
# STARS silent hops, nothing more
expect_deaf() {
	local k
	local -a re
	mapfile -t re < <(
		header "$3" "$4" 3 && printf '\n'
		chain "$2" 1 "$LAST" 3
		for ((k = HOPS; k < HOPS + $5; k++)); do
			star "$k" && printf '\n'
		done
	)
	expect "$1" "${re[@]}"
	echo "  ${1#* }: $t_ms ms"
}

for af in 4 6; do
	if [ "$af" = 4 ]; then
		T=$HT_TARGET4 S=$HT_SOURCE4
	else
		T=$HT_TARGET6 S=$HT_SOURCE6
	fi
	echo "IPv$af: $S -> $T, $HOPS hops, target deaf"

	run -n -m 10 -W 1 "$T"
	expect_deaf "IPv$af -n -m 10 -W 1: hops $HOPS..10 silent, stop at 10" "$af" "$T" 10 3

	run -n -W 1 "$T"
	expect_deaf "IPv$af -n -W 1: gap limit 5, stop at hop $((HOPS + 4))" "$af" "$T" 30 5

	run -n -W 1 --gap 2 "$T"
	expect_deaf "IPv$af -n -W 1 --gap 2: stop at hop $((HOPS + 1))" "$af" "$T" 30 2

	t0=$(date +%s)
	run -n -j -m 10 -W 1 "$T"
	t1=$(date +%s)
	mapfile -t hops < <(for ((k = 1; k <= 10; k++)); do
		if [ "$k" -ge "$HOPS" ]; then echo '*'; else ht_hop_addr"$af" "$k"; fi
	done)
	check_json "IPv$af -n -j -m 10 -W 1: hops $HOPS..10 all {\"x\":\"*\"}" "$af" "$S" "$T" "$t0" "$t1" "${hops[@]}"
done

# sockets_of PID FILE... : how many of PID's descriptors are sockets listed
# in the source namespace's /proc/net FILEs (by inode: column 9 of packet,
# column 10 of raw and raw6)
sockets_of() {
	local pid=$1 n=0 i f
	local -A pk=()
	shift
	for f in "$@"; do
		# shellcheck disable=SC2016 # awk's $9, not the shell's
		while read -r i; do
			pk[$i]=1
		done < <(ht_net_exec "$N" s awk -v c="$([ "$f" = packet ] && echo 9 || echo 10)" \
			'NR > 1 { print $c }' "/proc/net/$f")
	done
	for i in "/proc/$pid/fd"/*; do
		i=$(readlink "$i" 2>/dev/null) || continue
		[[ $i =~ ^socket:\[([0-9]+)\]$ ]] || continue
		[ -n "${pk[${BASH_REMATCH[1]}]-}" ] && n=$((n + 1))
	done
	echo "$n"
}

# expect_sockets DESC PACKET RAW ARGS... : start hoptrace ARGS, count its
# packet sockets and raw IP sockets half a second in (it waits 1 s for hops
# 8.. then), expect PACKET and RAW; once it has exited, the namespace must
# have no packet socket left within a second (the capture's socket, left to
# a child so that the exit does not wait for the kernel, goes with it)
expect_sockets() {
	local desc=$1 pwant=$2 rwant=$3 pid pgot rgot left i
	shift 3
	checks=$((checks + 1))
	last_cmd="ip netns exec ${N}s hoptrace $*"
	# ip netns exec execs hoptrace: $! is hoptrace itself (which ends by
	# itself after its 1 s wait)
	ip netns exec "${N}s" "$HOPTRACE" "$@" >"$tmp/out" 2>"$tmp/err" </dev/null &
	pid=$!
	sleep 0.5
	pgot=$(sockets_of "$pid" packet)
	rgot=$(sockets_of "$pid" raw raw6)
	wait "$pid"
	rc=$?
	t_ms=0
	for ((i = 0; i < 20; i++)); do
		left=$(ht_net_exec "$N" s awk 'NR > 1' /proc/net/packet | wc -l)
		[ "$left" = 0 ] && break
		sleep 0.05
	done
	if [ "$pgot" != "$pwant" ] || [ "$rgot" != "$rwant" ] || [ "$rc" != 0 ]; then
		report "$desc" "$pgot packet and $rgot raw IP sockets open while it waited, expected $pwant and $rwant"
	elif [ "$left" != 0 ]; then
		report "$desc" "$left packet sockets still open in the namespace 1 s after the exit"
	else
		echo "  $desc: $pgot packet, $rgot raw; none left after the exit"
	fi
}

echo "injector: a raw IP socket, closed once every probe is out"
expect_sockets "-n -m 10 -W 1: the capture's socket alone" 1 0 -n -m 10 -W 1 "$HT_TARGET4"
expect_sockets "-n -W 1: the capture's and the injector's" 1 1 -n -W 1 "$HT_TARGET4"
expect_sockets "-6 -n -W 1: the capture's and the injector's" 1 1 -n -W 1 "$HT_TARGET6"

if [ "$failures" != 0 ]; then
	printf '%s of %s checks failed\n' "$failures" "$checks"
	exit 1
fi
printf 'PASS: %s checks\n' "$checks"
exit 0

#!/bin/bash
# tests/live/live-silent.sh - hoptrace over a chain of 8 real Linux routers
# (tests/net/netns.sh) where hop 3 sends no ICMP errors (--silent 3), IPv4 and
# IPv6, default options but -n: hop 3 is exactly " 3  * * *", hops 1, 2
# and 4..8 answer from their own address with 3 RTTs each, the trace ends
# at the target (hop 8); with -j, hop 3 holds three {"x":"*"}.  Every run:
# exit 0, stderr empty.  Exit 0 pass, 1 fail, 77 skip (not root, no netns,
# no nft/python3), 99 hard error.

set -u

# shellcheck source=preamble.sh source-path=SCRIPTDIR disable=SC1091
. "$(dirname "$0")/preamble.sh" nft python3 timeout
ht_live_net hts
HOPS=8
ht_live_up --hops "$HOPS" --silent 3

# star K : regex of hop K with no reply to its 3 probes, exactly " K  * * *"
star() {
	printf '^%s$' "$(lit "$(printf '%2d  * * *' "$1")")"
}

SILENT=3

for af in 4 6; do
	if [ "$af" = 4 ]; then
		T=$HT_TARGET4 S=$HT_SOURCE4
	else
		T=$HT_TARGET6 S=$HT_SOURCE6
	fi
	echo "IPv$af: $S -> $T, $HOPS hops, hop $SILENT silent"

	run -n "$T"
	mapfile -t re < <(
		header "$T" 30 3 && printf '\n'
		chain "$af" 1 $((SILENT - 1)) 3
		star "$SILENT" && printf '\n'
		chain "$af" $((SILENT + 1)) "$HOPS" 3
	)
	expect "IPv$af -n: hop $SILENT silent, the others intact" "${re[@]}"
	echo "  -n: $t_ms ms"

	t0=$(date +%s)
	run -n -j "$T"
	t1=$(date +%s)
	mapfile -t hops < <(for ((k = 1; k <= HOPS; k++)); do
		if [ "$k" = "$SILENT" ]; then echo '*'; else ht_hop_addr"$af" "$k"; fi
	done)
	check_json "IPv$af -n -j: hop $SILENT all {\"x\":\"*\"}" "$af" "$S" "$T" "$t0" "$t1" "${hops[@]}"
done

if [ "$failures" != 0 ]; then
	printf '%s of %s checks failed\n' "$failures" "$checks"
	exit 1
fi
printf 'PASS: %s checks\n' "$checks"
exit 0

#!/bin/bash
# tests/live/live-chain.sh - hoptrace over a chain of 8 real Linux routers
# (tests/net/netns.sh), IPv4 and IPv6: the output must match the topology
# exactly.  For each address family:
#   -n            header, then hops 1..8, each the hop's address and 3 RTTs
#   -n -q 1       one RTT per hop
#   -n -f 3       starts at hop 3
#   -n -m 5       stops at hop 5 (target not reached), exit 0
#   -n -j         one JSON object (RIPE Atlas fields), 8 hops x 3 replies
#   (names on)    "name (address)" per hop, within 5 s with a name server
#                 that never answers (10.77.0.99: no such host on the
#                 source's own link, so nothing leaves the namespaces)
# Every run: exit 0, stderr empty.  Exit 0 pass, 1 fail, 77 skip (not
# root, no netns, no python3/unshare/mount), 99 hard error.

set -u

# shellcheck source=preamble.sh source-path=SCRIPTDIR disable=SC1091
. "$(dirname "$0")/preamble.sh" python3 unshare mount timeout
ht_live_net htc
HOPS=8
ht_live_up --hops "$HOPS"

# A name server that never answers, for the runs with names on: an address
# on the source's own link where no host lives (its neighbour entry fails,
# nothing leaves the namespace), and "hosts: files dns" so that no other
# name service (nss-resolve, mdns) is asked.  Each such run gets a private
# mount namespace with these bound over /etc/resolv.conf and the hosts line
# of /etc/nsswitch.conf.
printf 'nameserver 10.77.0.99\n' >"$tmp/resolv.conf"
if [ -e /etc/nsswitch.conf ]; then
	sed '/^hosts:/d' /etc/nsswitch.conf >"$tmp/nsswitch.conf"
else
	: >"$tmp/nsswitch.conf"
fi
printf 'hosts: files dns\n' >>"$tmp/nsswitch.conf"
binds=()
for f in resolv.conf nsswitch.conf; do
	[ -e "/etc/$f" ] && binds+=("$tmp/$f" "$(readlink -f "/etc/$f")")
done
# shellcheck disable=SC2016
BIND_EXEC='
while [ "$1" != -- ]; do
	mount --bind "$1" "$2" || exit 99
	shift 2
done
shift
exec "$@"
'

for af in 4 6; do
	if [ "$af" = 4 ]; then
		T=$HT_TARGET4 S=$HT_SOURCE4
	else
		T=$HT_TARGET6 S=$HT_SOURCE6
	fi
	echo "IPv$af: $S -> $T, $HOPS hops"

	run -n "$T"
	mapfile -t re < <(header "$T" 30 3 && printf '\n' && chain "$af" 1 "$HOPS" 3)
	expect "IPv$af -n: $HOPS hops, 3 RTTs each" "${re[@]}"

	run -n -q 1 "$T"
	mapfile -t re < <(header "$T" 30 1 && printf '\n' && chain "$af" 1 "$HOPS" 1)
	expect "IPv$af -n -q 1: one RTT per hop" "${re[@]}"

	run -n -f 3 "$T"
	mapfile -t re < <(header "$T" 30 3 && printf '\n' && chain "$af" 3 "$HOPS" 3)
	expect "IPv$af -n -f 3: starts at hop 3" "${re[@]}"

	run -n -m 5 "$T"
	mapfile -t re < <(header "$T" 5 3 && printf '\n' && chain "$af" 1 5 3)
	expect "IPv$af -n -m 5: stops at hop 5" "${re[@]}"

	t0=$(date +%s)
	run -n -j "$T"
	t1=$(date +%s)
	mapfile -t hops < <(for ((k = 1; k <= HOPS; k++)); do ht_hop_addr"$af" "$k"; done)
	check_json "IPv$af -n -j: JSON, $HOPS hops" "$af" "$S" "$T" "$t0" "$t1" "${hops[@]}"

	# names on, no name server answering: still every address, and no hang
	last_cmd="ip netns exec ${N}s hoptrace $T (resolver: nameserver 10.77.0.99, hosts: files dns)"
	t0=$(date +%s%N)
	ht_net_exec "$N" s unshare -m --propagation private bash -c "$BIND_EXEC" \
		htdns "${binds[@]}" -- timeout 60 "$HOPTRACE" "$T" \
		>"$tmp/out" 2>"$tmp/err" </dev/null
	rc=$?
	t_ms=$((($(date +%s%N) - t0) / 1000000))
	mapfile -t re < <(header "$T" 30 3 && printf '\n' && chain "$af" 1 "$HOPS" 3 named)
	if expect "IPv$af, names on (name server not answering)" "${re[@]}"; then
		checks=$((checks + 1))
		if [ "$t_ms" -gt 5000 ]; then
			report "IPv$af, names on: took $t_ms ms, more than 5 s" \
				"reverse lookups must not hold the trace up"
		fi
	fi
	echo "  names on, no name server: $t_ms ms"
done

if [ "$failures" != 0 ]; then
	printf '%s of %s checks failed\n' "$failures" "$checks"
	exit 1
fi
printf 'PASS: %s checks\n' "$checks"
exit 0

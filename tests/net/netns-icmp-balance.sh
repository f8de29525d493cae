# shellcheck shell=bash
# tests/net/netns-icmp-balance.sh - per-flow balancing of ICMP echo in a
# tests/net/netns-graph.sh network, by the ICMP checksum.
#
# A Linux router balances ICMP by addresses only (its multipath hash has no
# ICMP field), so every echo between two hosts takes one branch.  Routers
# that hash the first four bytes of the transport header (type, code,
# checksum) split ICMP by its checksum: the field a Paris-style ICMP probe
# holds constant within a flow and hoptrace --mda varies between flows.
# This file makes every balancing router of the graph (two or more links
# away from the source) do that: an nftables prerouting rule marks each
# ICMP/ICMPv6 echo request with jhash(checksum) mod W + 1, W = its links
# away from the source, and "ip rule fwmark j+1" sends the mark to a table
# whose default route takes link j.  Other traffic keeps the multipath
# route.  Seeds differ by router, as netns-graph.sh's hash seeds do.
#
# Source it after netns.sh and netns-graph.sh; after ht_graph_up:
#   ht_graph_icmp_balance NAME     0, or 1 with a message
ht_graph_icmp_balance() {
	local name=$1 n i j L w rules seed=0
	local -a rl
	for n in $HT_GRAPH_NODES; do
		seed=$((seed + 1))
		read -ra rl <<<"${_htg_right[$n]-}"
		w=${#rl[@]}
		if [ "$n" = s ] || [ "$w" -lt 2 ]; then
			continue
		fi
		rules=""
		for i in "ip icmp" "ip6 icmpv6"; do
			# shellcheck disable=SC2086 # two words on purpose
			set -- $i
			rules+="table $1 htbal {
	chain pre {
		type filter hook prerouting priority mangle
		$2 type echo-request meta mark set jhash $2 checksum mod $w seed $((0x77 + seed)) offset 1
	}
}
"
		done
		if ! ip netns exec "$name$n" nft -f - <<<"$rules"; then
			_ht_err "$name$n: nft ICMP balancing failed"
			return 1
		fi
		for ((j = 0; j < w; j++)); do
			L=${rl[j]}
			# shellcheck disable=SC2016 # expanded by that bash
			if ! ip netns exec "$name$n" bash -c '
				ip rule add fwmark "$1" table "$2" &&
				ip -6 rule add fwmark "$1" table "$2" &&
				ip route add default via "$3" dev "$5" table "$2" &&
				ip -6 route add default via "$4" dev "$5" table "$2"' htbal \
				$((j + 1)) $((101 + j)) "10.77.$L.2" "$(_ht_v6 "$L" 2)" "e$L"; then
				_ht_err "$name$n: policy routes for ICMP balancing failed"
				return 1
			fi
		done
	done
	return 0
}

# shellcheck shell=bash
# tests/net/netns-graph.sh - a namespace network of any shape of diamonds, for
# multipath tests and benchmarks: nested, meshed, unequal branch lengths.
#
# Source it after tests/net/netns.sh (it uses that file's helpers); it defines
# functions only.
#
#   . "$srcdir/net/netns.sh"; . "$srcdir/net/netns-graph.sh"
#   ht_net_need_root
#   N=htg$$                                   # must end with a digit
#   trap 'ht_graph_down $N' EXIT
#   ht_graph_up $N "s>r1 r1>r2 r2>a r2>b a>r4 b>r4 r4>t" || exit 99
#   ht_graph_truth 4                          # the true nodes and links
#
# The shape is a list of links "u>v", u nearer the source.  Node names are
# a lower-case letter then letters or digits; "s" is the source, "t" the
# target, each other name a router.  The first link must leave s, and s has
# no other; t has exactly one link (the last hop is one node).
#
# Link i (0-based, in the order given) is 10.77.i.0/24 and fd77:0:0:i::/64
# (the IPv6 group is i's decimal digits, as in netns.sh): u holds .1 / ::1,
# v holds .2 / ::2, on an interface named e<i> at both ends.  Every node
# answers (time-exceeded, unreachable, echo reply) from the address it holds
# on its first link toward the source, whichever way a probe came: its route
# back to the source goes out there with that address as preferred source.
#
# A router with two or more links away from the source balances per flow
# over all of them: one multipath route for everything beyond, hash policy
# 3 over addresses, protocol and ports (fields 0x0037, IPv4 and IPv6), and
# a hash seed of its own (fib_multipath_hash_seed = its position in the list
# of nodes + 1): routers in a row with one seed would split flows alike, and
# a meshed diamond would look like parallel paths.
#
# Namespaces: ${NAME}<node>.  Sysctls as netns.sh: forwarding on routers,
# rp_filter and DAD off, ICMP rate limits off.  Neighbour caches are warmed
# over every link (one echo each way and family) and the target is checked
# from the source.  After ht_graph_up: HT_SOURCE4/6, HT_TARGET4/6,
# HT_GRAPH_NODES (names), HT_GRAPH_LINKS (the spec).
#
# Functions:
#   ht_graph_up NAME SPEC     build; 0, or non-zero with a message (nothing
#                             left behind)
#   ht_graph_down NAME        delete ${NAME}<letter...> namespaces; never fails
#   ht_graph_addr4 NODE, ht_graph_addr6 NODE   the address NODE answers from
#   ht_graph_truth AF         "N addr" for every node but s and "L a b" for
#                             every link not leaving s, sorted (the form
#                             tests/live/live-mda.sh's graph() prints)
#   ht_graph_shape SHAPE      the SPEC of one of the named diamonds that the
#                             tests and benchmarks share: width2, width4,
#                             width8 (W routers between r2 and r4), nested,
#                             meshed, unequal; non-zero for another name

ht_graph_shape() {
	local j s
	case ${1-} in
	width2 | width4 | width8)
		s="s>r1 r1>r2"
		for ((j = 0; j < ${1#width}; j++)); do s+=" r2>m$j m$j>r4"; done
		echo "$s r4>t" ;;
	nested) echo "s>r1 r1>r2 r2>a r2>b a>a1 a>a2 a1>a3 a2>a3 b>b1 b1>b2 a3>r6 b2>r6 r6>t" ;;
	meshed) echo "s>r1 r1>r2 r2>a1 r2>a2 a1>b1 a1>b2 a2>b1 a2>b2 b1>r5 b2>r5 r5>t" ;;
	unequal) echo "s>r1 r1>r2 r2>a r2>b a>a2 a2>r5 b>r5 r5>t" ;;
	*) return 1 ;;
	esac
}

ht_graph_down() {
	local name=${1-} ns rest batch=""
	[ -n "$name" ] || return 0
	command -v ip >/dev/null 2>&1 || return 0
	while read -r ns _; do
		case $ns in
		"$name"*) ;;
		*) continue ;;
		esac
		rest=${ns#"$name"}
		# NAME ends with a digit, nodes start with a letter: htg12 never
		# removes htg123's namespaces
		[[ $rest =~ ^[a-z][a-z0-9]*$ ]] && batch+="netns del $ns"$'\n'
	done < <(ip netns list 2>/dev/null)
	[ -n "$batch" ] && printf '%s' "$batch" | ip -force -batch - >/dev/null 2>&1
	return 0
}

# the link ids on each side of every node (globals of this file)
declare -gA _htg_left _htg_right _htg_first
declare -ga _htg_lu _htg_lv

_htg_parse() { # SPEC
	local e u v i=0
	_htg_left=()
	_htg_right=()
	_htg_first=()
	_htg_lu=()
	_htg_lv=()
	HT_GRAPH_NODES=""
	for e in $1; do
		if [[ ! $e =~ ^([a-z][a-z0-9]*)\>([a-z][a-z0-9]*)$ ]]; then
			_ht_err "bad link '$e' (want u>v)"
			return 2
		fi
		u=${BASH_REMATCH[1]}
		v=${BASH_REMATCH[2]}
		if [ "$i" = 0 ] && [ "$u" != s ]; then
			_ht_err "the first link must leave s"
			return 2
		fi
		if [ "$i" != 0 ] && { [ "$u" = s ] || [ "$v" = s ] || [ "$u" = t ]; }; then
			_ht_err "s has one link, and nothing leaves t ('$e')"
			return 2
		fi
		_htg_lu[i]=$u
		_htg_lv[i]=$v
		_htg_right[$u]+="$i "
		_htg_left[$v]+="$i "
		[ -n "${_htg_first[$v]-}" ] || _htg_first[$v]=$i
		[[ " $HT_GRAPH_NODES " == *" $u "* ]] || HT_GRAPH_NODES+="$u "
		[[ " $HT_GRAPH_NODES " == *" $v "* ]] || HT_GRAPH_NODES+="$v "
		i=$((i + 1))
	done
	if [ -z "${_htg_first[t]-}" ] || [ "${_htg_left[t]}" != "${_htg_first[t]} " ]; then
		_ht_err "t needs exactly one link"
		return 2
	fi
	if [ "$i" -gt 99 ]; then
		_ht_err "at most 99 links"
		return 2
	fi
	HT_GRAPH_LINKS=$1
	return 0
}

ht_graph_addr4() {
	[ -n "${_htg_first[${1-}]-}" ] || { _ht_err "no node '${1-}'"; return 1; }
	printf '10.77.%s.2\n' "${_htg_first[$1]}"
}

ht_graph_addr6() {
	[ -n "${_htg_first[${1-}]-}" ] || { _ht_err "no node '${1-}'"; return 1; }
	_ht_v6 "${_htg_first[$1]}" 2
}

ht_graph_truth() {
	local af=$1 i
	{
		for i in $HT_GRAPH_NODES; do
			[ "$i" = s ] || echo "N $(ht_graph_addr"$af" "$i")"
		done
		for ((i = 0; i < ${#_htg_lu[@]}; i++)); do
			[ "${_htg_lu[i]}" = s ] && continue
			echo "L $(ht_graph_addr"$af" "${_htg_lu[i]}") $(ht_graph_addr"$af" "${_htg_lv[i]}")"
		done
	} | sort -u
}

ht_graph_up() {
	local name=${1-} spec=${2-}
	if [[ ! $name =~ ^[A-Za-z0-9_]*[0-9]$ ]]; then
		_ht_err "usage: ht_graph_up NAME SPEC (NAME: letters, digits, _; ending with a digit)"
		return 2
	fi
	_htg_parse "$spec" || return 2

	local batch="" n i L nn=0 b4 b6 nh4 nh6 fl
	local -a sysc pids rl
	local -A seed
	for n in $HT_GRAPH_NODES; do
		if ip netns list 2>/dev/null | grep -q "^$name$n\\b"; then
			_ht_err "namespace $name$n exists already"
			return 1
		fi
		batch+="netns add $name$n"$'\n'
		nn=$((nn + 1))
		seed[$n]=$nn
	done
	for ((i = 0; i < ${#_htg_lu[@]}; i++)); do
		batch+="link add name e$i index $((10 + 2 * i)) netns $name${_htg_lu[i]}"
		batch+=" type veth peer name e$i index $((11 + 2 * i)) netns $name${_htg_lv[i]}"$'\n'
	done
	if ! printf '%s' "$batch" | ip -batch -; then
		_ht_err "$name: creating namespaces/veths failed"
		ht_graph_down "$name"
		return 1
	fi

	for n in $HT_GRAPH_NODES; do
		sysc=(net.ipv4.conf.all.rp_filter=0 net.ipv4.conf.default.rp_filter=0
			net.ipv6.conf.all.accept_dad=0 net.ipv6.conf.default.accept_dad=0
			net.ipv4.icmp_ratelimit=0 net.ipv6.icmp.ratelimit=0
			net.ipv4.icmp_msgs_per_sec=100000 net.ipv4.icmp_msgs_burst=100000)
		batch="link set lo up"$'\n'
		for L in ${_htg_right[$n]-} ${_htg_left[$n]-}; do
			sysc+=("net.ipv4.conf.e$L.rp_filter=0" "net.ipv6.conf.e$L.accept_dad=0")
		done
		for L in ${_htg_right[$n]-}; do
			batch+="addr add 10.77.$L.1/24 dev e$L"$'\n'
			batch+="addr add $(_ht_v6 "$L" 1)/64 dev e$L nodad"$'\n'
			batch+="link set e$L up"$'\n'
		done
		for L in ${_htg_left[$n]-}; do
			batch+="addr add 10.77.$L.2/24 dev e$L"$'\n'
			batch+="addr add $(_ht_v6 "$L" 2)/64 dev e$L nodad"$'\n'
			batch+="link set e$L up"$'\n'
		done
		if [ "$n" = t ]; then
			L=${_htg_first[t]}
			batch+="route add 0.0.0.0/0 via 10.77.$L.1 dev e$L src 10.77.$L.2"$'\n'
			batch+="route add ::/0 via $(_ht_v6 "$L" 1) dev e$L src $(_ht_v6 "$L" 2)"$'\n'
		else
			read -ra rl <<<"${_htg_right[$n]}"
			if [ "${#rl[@]}" = 1 ]; then
				L=${rl[0]}
				batch+="route add 0.0.0.0/0 via 10.77.$L.2 dev e$L"$'\n'
				batch+="route add ::/0 via $(_ht_v6 "$L" 2) dev e$L"$'\n'
			else
				nh4=""
				nh6=""
				for L in "${rl[@]}"; do
					nh4+=" nexthop via 10.77.$L.2 dev e$L"
					nh6+=" nexthop via $(_ht_v6 "$L" 2) dev e$L"
				done
				batch+="route add 0.0.0.0/0$nh4"$'\n'
				batch+="route add ::/0$nh6"$'\n'
				sysc+=("?net.ipv4.fib_multipath_hash_fields=0x0037"
					"?net.ipv6.fib_multipath_hash_fields=0x0037"
					"net.ipv4.fib_multipath_hash_policy=3|1"
					"net.ipv6.fib_multipath_hash_policy=3|1"
					"?net.ipv4.fib_multipath_hash_seed=${seed[$n]}")
			fi
		fi
		if [ "$n" != s ]; then
			sysc+=(net.ipv4.ip_forward=1 net.ipv6.conf.all.forwarding=1
				net.ipv6.conf.default.forwarding=1)
			fl=${_htg_first[$n]}
			b4="10.77.$fl"
			b6=$(_ht_v6 "$fl" "")
			if [ "$n" != t ] && [ "$fl" != 0 ]; then
				# back to the source's link, from the first left address
				batch+="route add 10.77.0.0/24 via $b4.1 dev e$fl src $b4.2"$'\n'
				batch+="route add $(_ht_v6 0 "")/64 via ${b6}1 dev e$fl src ${b6}2"$'\n'
			fi
		fi
		ip netns exec "$name$n" bash -c "$_HT_NS_SETUP" htsetup "" "${sysc[@]}" \
			<<<"$batch" &
		pids+=($!)
	done
	local fail=0
	for i in "${pids[@]}"; do
		wait "$i" || fail=1
	done
	if [ "$fail" != 0 ]; then
		_ht_err "$name: configuring the namespaces failed"
		ht_graph_down "$name"
		return 1
	fi
	HT_SOURCE4=10.77.0.1
	HT_SOURCE6=$(_ht_v6 0 1)
	HT_TARGET4=$(ht_graph_addr4 t)
	HT_TARGET6=$(ht_graph_addr6 t)

	# warm every link's neighbours, each way, then check source to target
	pids=()
	for n in $HT_GRAPH_NODES; do
		rl=()
		for L in ${_htg_right[$n]-}; do
			rl+=("10.77.$L.2" "$(_ht_v6 "$L" 2)")
		done
		for L in ${_htg_left[$n]-}; do
			rl+=("10.77.$L.1" "$(_ht_v6 "$L" 1)")
		done
		ip netns exec "$name$n" bash -c "$_HT_NS_PROBE" htprobe "${rl[@]}" &
		pids+=($!)
	done
	for i in "${pids[@]}"; do
		wait "$i" || fail=1
	done
	if [ "$fail" = 0 ] && ! ip netns exec "${name}s" bash -c "$_HT_NS_PROBE" htprobe \
		"$HT_TARGET4" "$HT_TARGET6"; then
		fail=1
	fi
	if [ "$fail" != 0 ]; then
		_ht_err "$name: network check failed; removing it"
		ht_graph_down "$name"
		return 1
	fi
	return 0
}

# shellcheck shell=bash
# tests/net/netns.sh - namespace test network for hoptrace's live tests.
#
# Source this file from a bash test script; it defines functions only.
#
#   . "$srcdir/net/netns.sh"
#   ht_net_need_root                      # exit 77 (SKIP) when impossible
#   N=ht$$a
#   trap 'ht_net_down $N' EXIT
#   trap 'exit 143' TERM                  # so that the EXIT trap runs
#   ht_net_up $N --hops 8 --silent 3 || exit 1
#   ht_net_exec $N s traceroute -n "$HT_TARGET4"
#
# Rules (see TESTBED.md): traffic only to addresses inside the namespaces
# built here, every loop bounded, cleanup by the caller's EXIT trap (and by
# ht_net_up itself when it fails half-way).  NAME must be unique among the
# tests running at once (use $$); letters, digits and _ only.  Kill any
# background process you started in a namespace before ht_net_down: a
# deleted namespace lives on while a process is still in it.
#
# Topology
# --------
# A chain of N+1 namespaces, hop 0 .. hop N (N = --hops, default 8):
#
#   ${NAME}s --- ${NAME}r1 --- ${NAME}r2 --- ... --- ${NAME}r<N-1> --- ${NAME}t
#   hop 0        hop 1         hop 2                 hop N-1           hop N
#   (source)     (routers, forwarding on)                              (target)
#
# Link i (i = 0 .. N-1) joins hop i (interface "eR") and hop i+1 (interface
# "eL"):
#   IPv4 10.77.i.0/24      hop i = 10.77.i.1   hop i+1 = 10.77.i.2
#   IPv6 fd77:0:0:i::/64   hop i = ...::1      hop i+1 = ...::2   (nodad)
# The IPv6 group "i" is the decimal link number written as hex digits
# (link 10 is fd77:0:0:10::/64); link 0 prints canonically as fd77::/64.
#
# Addresses each node answers from (time-exceeded, unreachable, echo reply):
#   hop k (1 <= k <= N):  10.77.(k-1).2  and  fd77:0:0:(k-1)::2
#     e.g. hop 1 = 10.77.0.2 / fd77::2, hop 3 = 10.77.2.2 / fd77:0:0:2::2
#   target (hop N):       10.77.(N-1).2  and  fd77:0:0:(N-1)::2
#   source (sends):       10.77.0.1      and  fd77::1
#   ht_hop_addr4 K / ht_hop_addr6 K print these.  That is the address of the
#   interface facing the source; every node's routes back carry it as
#   preferred source ("src"), so ICMP errors always come from it.
#
# --balance K (1 <= K, K+2 <= N) turns hops K..K+2 into a diamond:
#
#                eR  link K     eL [r(K+1)]  eR  link K+1     eL
#   [r K] <                                                        > [hop K+2]
#                eRb link 100+K eL [r(K+1)b] eR  link 100+K+1 eLb
#
#   link 100+K   : 10.77.(100+K).0/24,   fd77:0:0:(100+K)::/64 (K side .1/::1)
#   link 100+K+1 : 10.77.(100+K+1).0/24, fd77:0:0:(100+K+1)::/64
#   Router K reaches everything beyond itself by a two-way multipath route
#   (ip route ... nexthop via A nexthop via B), per flow, so hop K+1 answers
#   either from
#     10.77.K.2 / fd77:0:0:K::2             (${NAME}r<K+1>,  ht_hop_addr4/6)
#   or from
#     10.77.(100+K).2 / fd77:0:0:(100+K)::2 (${NAME}r<K+1>b, ht_hop_alt_addr4/6)
#   Hop K+2 routes everything back over the main branch (eL, with eL's
#   address as preferred source), so it answers from 10.77.(K+1).2 /
#   fd77:0:0:(K+1)::2 whichever branch the probe came by.  Hops beyond K+2
#   are unchanged: hop k answers from 10.77.(k-1).2 / fd77:0:0:(k-1)::2.
#   Flow hash at router K: fib_multipath_hash_policy=3 with
#   fib_multipath_hash_fields=0x0037 (source and destination address,
#   protocol, source and destination port), IPv4 and IPv6; policy 1 only if
#   the kernel has no policy 3 (< 5.15).  Policy 1 was not kept because it
#   reuses the L4 hash that a sender's connected socket (traceroute -U/-T,
#   TCP) puts on the packet, which survives veth: one 5-tuple then takes
#   random branches.  Seen on this kernel: ICMP echo requests all take one
#   branch whatever their identifier (only addresses count for them).
#
# Options of ht_net_up (all optional, "--opt N" or "--opt=N"):
#   --hops N       target is hop N (1..99); routers r1..r(N-1).     default 8
#   --silent K     hop K sends no ICMP errors (nftables output rule dropping
#                  ICMP types 3 and 11, ICMPv6 types 1 and 3), still forwards.
#                  1 <= K <= N; may be repeated.  With --balance, hop K+1
#                  means both branch routers.
#   --loss K:P     hop K (1..N) drops P% (0..100) of its answers, chosen at
#                  random packet by packet: an nftables output rule with
#                  "numgen random mod 100 < P" on its ICMP time-exceeded,
#                  destination-unreachable and echo-reply and ICMPv6 the
#                  same.  So a hop answers each probe with probability
#                  1 - P/100, independently.  May be repeated (other hops).
#   --deaf         the target drops every incoming ICMP/ICMPv6 echo request,
#                  UDP and TCP packet (nftables input rule), so it never
#                  answers a probe.
#   --ratelimit K  hop K keeps Linux's ICMP error rate limit, tuned to about
#                  one error per second (icmp_ratelimit=1000 ms with the
#                  default icmp_ratemask 6168, icmp_msgs_per_sec=1,
#                  icmp_msgs_burst=1, net.ipv6.icmp.ratelimit=1000).  A burst
#                  of 5 probes to that hop gets 1 or 2 answers.
#                  May be repeated.  Every other node has rate limits off.
#   --balance K    per-flow load balancer at hop K (see above).
#   --width W      with --balance: W parallel routers at hop K+1 (2..8,
#                  default 2), a diamond of width W between hop K and hop
#                  K+2.  Branch j (j = 1 .. W-1; 0 is the main one) is the
#                  router ${NAME}r<K+1><letter j: b c d e f g h>, on link
#                  100+K+2(j-1) from router K (its interface eR<letter>)
#                  and link 101+K+2(j-1) to hop K+2 (interface eL<letter>);
#                  it answers from 10.77.(100+K+2(j-1)).2 /
#                  fd77:0:0:(100+K+2(j-1))::2 (ht_hop_branch_addr4/6).
#                  Router K's multipath route has W next hops.
#   --prefix       the target also answers for every address of
#                  10.200.0.0/16 and fd77:200::/64 (AnyIP: "ip route add
#                  local PREFIX dev lo"), echo and port unreachable alike;
#                  every other node routes the prefixes toward the target.
#   --prefix-short K  (with --prefix) hop K (a router, 1 <= K < N) answers
#                  for the upper half, 10.200.128.0/17 and
#                  fd77:200:0:0:8000::/65, the same way: targets there are
#                  K hops away, the lower half's N.
#
# Every namespace: lo up, rp_filter off, IPv6 DAD off, ICMP rate limits off
# (icmp_ratelimit=0, ipv6 icmp.ratelimit=0, icmp_msgs_per_sec and
# icmp_msgs_burst 100000) unless --ratelimit.  Routers: ip_forward=1 and
# ipv6 forwarding=1.  Routes: every node but the target has a default route
# toward the target and explicit routes for the links behind it; the target's
# default route points back.
#
# After ht_net_up: HT_NET_NAME, HT_NET_HOPS, HT_NET_BALANCE (hop or empty),
# HT_NET_WIDTH (the diamond's width, 1 without --balance),
# HT_PREFIX4, HT_PREFIX6 (with --prefix; else empty), HT_PREFIX_SHORT (K or
# empty),
# HT_SOURCE4, HT_SOURCE6, HT_TARGET4, HT_TARGET6.  The network is checked and
# its neighbour caches warm: one round trip (ICMP echo with ping if
# installed, else a TCP connect answered by RST) from the source to the
# target over IPv4 and IPv6; with --deaf to hop N-1 instead, plus the last
# link's neighbours resolved by a UDP datagram; with --balance also across
# both links of the second branch.
#
# Functions:
#   ht_net_need_root [CMD...]   SKIP (exit 77) unless root, netns and veth work
#                               and every CMD (e.g. nft, traceroute) exists.
#   ht_net_up NAME [options]    build; returns 0, or non-zero with a message
#                               (2: bad usage; 1: failed, nothing left behind).
#   ht_net_down NAME            delete ${NAME}s, ${NAME}t, ${NAME}r<n>[b]
#                               (only those: not ${NAME}xyz); never fails.
#   ht_net_exec NAME NODE CMD...  ip netns exec "${NAME}${NODE}" CMD...
#                               NODE is s, t, r1, r3b, ...
#   ht_hop_addr4 K, ht_hop_addr6 K          address hop K answers from.
#   ht_hop_alt_addr4 K, ht_hop_alt_addr6 K  address the second branch
#                               router at hop K (= balance hop + 1) answers from.
#   ht_hop_branch_addr4 K J, ht_hop_branch_addr6 K J  the same for branch J
#                               (0 = the main router, 1 = the second, ...).

_ht_err() {
	printf 'netns.sh: %s\n' "$*" >&2
}

_ht_skip() {
	printf 'SKIP: %s\n' "$*" >&2
	exit 77
}

# _ht_v6 LINK HOST : canonical text of fd77:0:0:LINK::HOST
_ht_v6() {
	if [ "$1" = 0 ]; then
		printf 'fd77::%s\n' "$2"
	else
		printf 'fd77:0:0:%s::%s\n' "$1" "$2"
	fi
}

_ht_isnum() {
	case $1 in
	'' | *[!0-9]*) return 1 ;;
	esac
	# no leading zeros: they would change the addresses' text
	case $1 in
	0?*) return 1 ;;
	esac
	return 0
}

ht_net_need_root() {
	local probe out c
	if [ "${EUID:-$(id -u)}" != 0 ]; then
		_ht_skip "namespace test network needs root (CAP_NET_ADMIN)"
	fi
	command -v ip >/dev/null 2>&1 || _ht_skip "iproute2 'ip' not found"
	probe="htprobe$$_${RANDOM}"
	if ! out=$(ip netns add "$probe" 2>&1); then
		_ht_skip "'ip netns add' fails: $out"
	fi
	if ! out=$(ip -n "$probe" link add name a type veth peer name b 2>&1); then
		ip netns del "$probe" >/dev/null 2>&1
		_ht_skip "cannot create veth pairs: $out"
	fi
	ip netns del "$probe" >/dev/null 2>&1
	for c in "$@"; do
		command -v "$c" >/dev/null 2>&1 || _ht_skip "'$c' not installed"
	done
	return 0
}

ht_net_exec() {
	if [ $# -lt 3 ]; then
		_ht_err "usage: ht_net_exec NAME NODE CMD..."
		return 2
	fi
	local ns="$1$2"
	shift 2
	ip netns exec "$ns" "$@"
}

ht_net_down() {
	local name=${1-} ns rest batch=""
	[ -n "$name" ] || return 0
	command -v ip >/dev/null 2>&1 || return 0
	# Only our own scheme: NAME + s | t | r<digits> | r<digits>b, so that a
	# test named ht12 never removes the namespaces of a test named ht123.
	while read -r ns _; do
		case $ns in
		"$name"*) ;;
		*) continue ;;
		esac
		rest=${ns#"$name"}
		if [[ $rest =~ ^(s|t|r[0-9]+[b-h]?)$ ]]; then
			batch+="netns del $ns"$'\n'
		fi
	done < <(ip netns list 2>/dev/null)
	if [ -n "$batch" ]; then
		printf '%s' "$batch" | ip -force -batch - >/dev/null 2>&1
	fi
	return 0
}

_ht_hop_check() {
	if ! _ht_isnum "${1-}" || [ "$1" -lt 1 ] ||
		{ [ -n "${HT_NET_HOPS-}" ] && [ "$1" -gt "$HT_NET_HOPS" ]; }; then
		_ht_err "no such hop: '${1-}'"
		return 1
	fi
}

ht_hop_addr4() {
	_ht_hop_check "${1-}" || return 1
	printf '10.77.%s.2\n' "$(($1 - 1))"
}

ht_hop_addr6() {
	_ht_hop_check "${1-}" || return 1
	_ht_v6 "$(($1 - 1))" 2
}

_ht_alt_check() {
	if [ -z "${HT_NET_BALANCE-}" ] || [ "${1-}" != "$((HT_NET_BALANCE + 1))" ]; then
		_ht_err "hop '${1-}' has no second branch (balance hop: '${HT_NET_BALANCE-}')"
		return 1
	fi
}

ht_hop_alt_addr4() {
	_ht_alt_check "${1-}" || return 1
	printf '10.77.%s.2\n' "$((99 + $1))"
}

ht_hop_alt_addr6() {
	_ht_alt_check "${1-}" || return 1
	_ht_v6 "$((99 + $1))" 2
}

_ht_branch_link() { # K+1 J: the link on the left of branch J, or fail
	_ht_alt_check "${1-}" || return 1
	if ! _ht_isnum "${2-}" || [ "$2" -ge "${HT_NET_WIDTH:-1}" ]; then
		_ht_err "no branch '${2-}' (width ${HT_NET_WIDTH-})"
		return 1
	fi
	if [ "$2" = 0 ]; then
		printf '%s\n' "$(($1 - 1))"
	else
		printf '%s\n' "$((99 + $1 + 2 * ($2 - 1)))"
	fi
}

ht_hop_branch_addr4() {
	local L
	L=$(_ht_branch_link "${1-}" "${2-}") || return 1
	printf '10.77.%s.2\n' "$L"
}

ht_hop_branch_addr6() {
	local L
	L=$(_ht_branch_link "${1-}" "${2-}") || return 1
	_ht_v6 "$L" 2
}

# Script run by bash inside a namespace: $1 = nftables ruleset (may be
# empty), $2... = sysctls "key=value", "key=value1|value2" (first one the
# kernel accepts) or "?key=value" (may fail); stdin = an 'ip -batch' script.
# shellcheck disable=SC2016
_HT_NS_SETUP='
rc=0
rules=$1
shift
for kv in "$@"; do
	optional=0
	case $kv in
	"?"*)
		optional=1
		kv=${kv#"?"}
		;;
	esac
	k=${kv%%=*}
	IFS="|" read -ra vals <<<"${kv#*=}"
	ok=0
	for v in "${vals[@]}"; do
		if printf "%s\n" "$v" 2>/dev/null >"/proc/sys/${k//./\/}"; then
			ok=1
			break
		fi
	done
	if [ "$ok" = 0 ] && [ "$optional" = 0 ]; then
		echo "sysctl $kv failed" >&2
		rc=1
	fi
done
ip -batch - || rc=1
if [ -n "$rules" ]; then
	printf "%s\n" "$rules" | nft -f - || rc=1
fi
exit "$rc"
'

# Script run by bash inside a namespace: each argument is an address that
# must answer once: an ICMP echo with ping if installed, else a TCP connect
# to port 9 answered by RST.  Retries quickly for up to ~3 s per address:
# a fresh veth drops packets until its carrier is up.
# shellcheck disable=SC2016
_HT_NS_PROBE='
fail=0
for a in "$@"; do
	ok=0
	if command -v ping >/dev/null 2>&1; then
		if ping -n -q -c 1 -i 0.2 -w 3 "$a" >/dev/null 2>&1; then
			ok=1
		fi
	else
		for ((try = 0; try < 15; try++)); do
			out=$(LC_ALL=C timeout 0.2 bash -c "exec 3<>\"/dev/tcp/\$1/9\"" _ "$a" 2>&1)
			st=$?
			if [ "$st" = 0 ] || [[ $out == *refused* ]]; then
				ok=1
				break
			fi
		done
	fi
	if [ "$ok" != 1 ]; then
		echo "no answer from $a" >&2
		fail=1
	fi
done
exit "$fail"
'

# Script run by bash inside a namespace: each argument is the address of a
# direct neighbour that answers nothing (a deaf target).  Send it a UDP
# datagram (port 9) until its neighbour entry holds a link-layer address;
# at most 30 rounds of 0.1 s.
# shellcheck disable=SC2016
_HT_NS_NEIGH='
for ((try = 0; try < 30; try++)); do
	left=()
	for a in "$@"; do
		case $(ip neigh show to "$a") in
		*lladdr*) ;;
		*) left+=("$a") ;;
		esac
	done
	[ "${#left[@]}" = 0 ] && exit 0
	for a in "${left[@]}"; do
		{ exec 3>"/dev/udp/$a/9" && printf x >&3; } 2>/dev/null
		exec 3>&-
	done
	sleep 0.1
done
echo "neighbour not resolved: ${left[*]}" >&2
exit 1
'

# Helpers of ht_net_up; they use its local variables (bash dynamic scope).
_ht_addnode() { # suffix hop kind
	nsfx+=("$1")
	nhop+=("$2")
	nkind[$1]=$3
}

_ht_addlink() { # id left-suffix left-if right-suffix right-if right-hop
	lid+=("$1")
	llsfx[$1]=$2
	llif[$1]=$3
	lrsfx[$1]=$4
	lrif[$1]=$5
	lrhop[$1]=$6
	nright[$2]+="$1 "
	if [ "$5" = eL ]; then
		nleft[$4]=$1
	fi
}

ht_net_up() {
	local name=${1-}
	if [ -z "$name" ] || [[ ! $name =~ ^[A-Za-z0-9_]+$ ]]; then
		_ht_err "usage: ht_net_up NAME [--hops N] [--silent K] [--loss K:P] [--deaf] [--ratelimit K] [--balance K] (NAME: letters, digits, _)"
		return 2
	fi
	shift

	local hops=8 deaf=0 bal="" width=2 silent=" " rlim=" " opt val
	local prefix=0 pshort=""
	local -A loss=()
	while [ $# -gt 0 ]; do
		opt=$1
		val=""
		case $opt in
		--*=*)
			val=${opt#*=}
			opt=${opt%%=*}
			shift
			;;
		--hops | --silent | --ratelimit | --balance | --width | --prefix-short | --loss)
			if [ $# -lt 2 ]; then
				_ht_err "$opt needs a value"
				return 2
			fi
			val=$2
			shift 2
			;;
		*) shift ;;
		esac
		case $opt in
		--hops | --silent | --ratelimit | --balance | --width | --prefix-short)
			if ! _ht_isnum "$val"; then
				_ht_err "$opt: not a number: '$val'"
				return 2
			fi
			;;
		esac
		case $opt in
		--hops) hops=$val ;;
		--silent) silent+="$val " ;;
		--ratelimit) rlim+="$val " ;;
		--balance) bal=$val ;;
		--width) width=$val ;;
		--deaf) deaf=1 ;;
		--prefix) prefix=1 ;;
		--prefix-short) pshort=$val ;;
		--loss)
			if [[ ! $val =~ ^([0-9]+):([0-9]+)$ ]] ||
				[ "${BASH_REMATCH[1]}" -lt 1 ] ||
				[ "${BASH_REMATCH[2]}" -gt 100 ]; then
				_ht_err "--loss takes K:P, hop K 1..N and P 0..100 percent (got '$val')"
				return 2
			fi
			loss[${BASH_REMATCH[1]}]=${BASH_REMATCH[2]}
			;;
		*)
			_ht_err "unknown option '$opt'"
			return 2
			;;
		esac
	done

	if [ "$hops" -lt 1 ] || [ "$hops" -gt 99 ]; then
		_ht_err "--hops must be 1..99 (got $hops)"
		return 2
	fi
	for val in $silent $rlim; do
		if [ "$val" -lt 1 ] || [ "$val" -gt "$hops" ]; then
			_ht_err "--silent/--ratelimit hop must be 1..$hops (got $val)"
			return 2
		fi
	done
	if [ -n "$bal" ] && { [ "$bal" -lt 1 ] || [ $((bal + 2)) -gt "$hops" ]; }; then
		_ht_err "--balance K needs 1 <= K and K+2 <= hops ($hops) (got $bal)"
		return 2
	fi
	if [ -n "$pshort" ] && { [ "$prefix" = 0 ] || [ "$pshort" -lt 1 ] ||
		[ "$pshort" -ge "$hops" ]; }; then
		_ht_err "--prefix-short K needs --prefix and 1 <= K < hops ($hops) (got $pshort)"
		return 2
	fi
	if [ "$width" -lt 2 ] || [ "$width" -gt 8 ]; then
		_ht_err "--width must be 2..8 (got $width)"
		return 2
	fi
	for val in "${!loss[@]}"; do
		if [ "$val" -gt "$hops" ]; then
			_ht_err "--loss hop must be 1..$hops (got $val)"
			return 2
		fi
	done
	if [ "$deaf" = 1 ] || [ "$silent" != " " ] || [ ${#loss[@]} -gt 0 ]; then
		if ! command -v nft >/dev/null 2>&1; then
			_ht_err "--silent/--deaf/--loss need nft (nftables)"
			return 1
		fi
	fi

	# ---- the graph: nodes and links ----------------------------------
	# node: suffix, hop, the link on its left, the link(s) on its right
	local -a nsfx nhop
	local -A nleft nright nkind
	# link: id, left node suffix/if, right node suffix/if, hops of its ends
	local -a lid
	local -A llsfx llif lrsfx lrif lrhop
	local h sfx
	local -a hsfx # hop -> suffix of its (main) node
	local -A p6   # link -> IPv6 prefix text, "fd77:0:0:L::"
	for ((h = 0; h <= hops; h++)); do
		if [ "$h" = 0 ]; then
			hsfx[h]=s
			_ht_addnode s 0 host
		elif [ "$h" = "$hops" ]; then
			hsfx[h]=t
			_ht_addnode t "$h" host
		else
			hsfx[h]=r$h
			_ht_addnode "r$h" "$h" router
		fi
	done
	for ((h = 0; h < hops; h++)); do
		_ht_addlink "$h" "${hsfx[h]}" eR "${hsfx[h + 1]}" eL $((h + 1))
	done
	local altsfx="" bsfx letters=bcdefgh j L
	local -a branches
	if [ -n "$bal" ]; then
		for ((j = 1; j < width; j++)); do
			L=${letters:j-1:1}
			bsfx="r$((bal + 1))$L"
			branches+=("$bsfx")
			_ht_addnode "$bsfx" $((bal + 1)) router
			_ht_addlink $((100 + bal + 2 * (j - 1))) "${hsfx[bal]}" "eR$L" "$bsfx" eL $((bal + 1))
			_ht_addlink $((101 + bal + 2 * (j - 1))) "$bsfx" eR "${hsfx[bal + 2]}" "eL$L" $((bal + 2))
		done
		altsfx=${branches[0]}
	fi
	for h in "${lid[@]}"; do
		if [ "$h" = 0 ]; then p6[$h]="fd77::"; else p6[$h]="fd77:0:0:$h::"; fi
	done

	# ---- phase 1: namespaces and veth pairs, one ip process -----------
	local batch="" i
	# refuse names in use (and then leave them alone): another test's
	while read -r L _; do
		for sfx in "${nsfx[@]}"; do
			if [ "$L" = "$name$sfx" ]; then
				_ht_err "namespace $L exists already; NAME must be unique"
				return 1
			fi
		done
	done < <(ip netns list 2>/dev/null)
	for sfx in "${nsfx[@]}"; do
		batch+="netns add $name$sfx"$'\n'
	done
	# Explicit interface indexes, different at the two ends: when a veth's
	# ifindex equals its peer's (both are 2 in fresh namespaces), the kernel
	# treats its carrier change as not urgent and delivers it up to 1 s late,
	# and IPv6 stays unusable on that link until then.
	for L in "${lid[@]}"; do
		batch+="link add name ${llif[$L]} index $((10 + 2 * L)) netns $name${llsfx[$L]}"
		batch+=" type veth peer name ${lrif[$L]} index $((11 + 2 * L)) netns $name${lrsfx[$L]}"$'\n'
	done
	if ! printf '%s' "$batch" | ip -batch -; then
		_ht_err "$name: creating namespaces/veths failed"
		ht_net_down "$name"
		return 1
	fi

	# ---- phase 2: per namespace: sysctls, addresses, routes, nftables -
	local -a sysc pids rlinks
	local rules ifs gw4 gw6 nh4 nh6 hop kind lgw
	local nodefail=0
	for ((i = 0; i < ${#nsfx[@]}; i++)); do
		sfx=${nsfx[$i]}
		hop=${nhop[$i]}
		kind=${nkind[$sfx]}

		# interfaces of this node: eL/eLb on the left links, eR/eRb right
		ifs=""
		for L in "${lid[@]}"; do
			[ "${llsfx[$L]}" = "$sfx" ] && ifs+="${llif[$L]} "
			[ "${lrsfx[$L]}" = "$sfx" ] && ifs+="${lrif[$L]} "
		done

		sysc=(
			net.ipv4.conf.all.rp_filter=0 net.ipv4.conf.default.rp_filter=0
			net.ipv6.conf.all.accept_dad=0 net.ipv6.conf.default.accept_dad=0
		)
		for val in $ifs; do
			sysc+=("net.ipv4.conf.$val.rp_filter=0" "net.ipv6.conf.$val.accept_dad=0")
		done
		if [ "$kind" = router ]; then
			sysc+=(net.ipv4.ip_forward=1 net.ipv6.conf.all.forwarding=1
				net.ipv6.conf.default.forwarding=1)
		fi
		if [[ $rlim == *" $hop "* ]]; then
			sysc+=(net.ipv4.icmp_ratelimit=1000 net.ipv4.icmp_ratemask=6168
				net.ipv4.icmp_msgs_per_sec=1 net.ipv4.icmp_msgs_burst=1
				net.ipv6.icmp.ratelimit=1000)
		else
			sysc+=(net.ipv4.icmp_ratelimit=0 net.ipv6.icmp.ratelimit=0
				net.ipv4.icmp_msgs_per_sec=100000 net.ipv4.icmp_msgs_burst=100000)
		fi
		if [ -n "$bal" ] && [ "$hop" = "$bal" ] && [ "$sfx" != "$altsfx" ]; then
			# policy 3 = hash exactly the fields below (addresses, protocol,
			# ports); policy 1 would reuse the skb hash that the sender's
			# socket set, which survives veth, so that one flow from a
			# connected socket takes random branches.  Kernels without
			# policy 3 (< 5.15) get 1.
			sysc+=("?net.ipv4.fib_multipath_hash_fields=0x0037"
				"?net.ipv6.fib_multipath_hash_fields=0x0037"
				"net.ipv4.fib_multipath_hash_policy=3|1"
				"net.ipv6.fib_multipath_hash_policy=3|1")
		fi

		# addresses
		batch="link set lo up"$'\n'
		for L in "${lid[@]}"; do
			if [ "${llsfx[$L]}" = "$sfx" ]; then
				batch+="addr add 10.77.$L.1/24 dev ${llif[$L]}"$'\n'
				batch+="addr add ${p6[$L]}1/64 dev ${llif[$L]} nodad"$'\n'
				batch+="link set ${llif[$L]} up"$'\n'
			fi
			if [ "${lrsfx[$L]}" = "$sfx" ]; then
				batch+="addr add 10.77.$L.2/24 dev ${lrif[$L]}"$'\n'
				batch+="addr add ${p6[$L]}2/64 dev ${lrif[$L]} nodad"$'\n'
				batch+="link set ${lrif[$L]} up"$'\n'
			fi
		done

		# default route: toward the target (multipath at the balancer),
		# the target's points back
		if [ "$sfx" = t ]; then
			L=${nleft[t]}
			batch+="route add 0.0.0.0/0 via 10.77.$L.1 dev eL src 10.77.$L.2"$'\n'
			batch+="route add ::/0 via ${p6[$L]}1 dev eL src ${p6[$L]}2"$'\n'
		else
			nh4=""
			nh6=""
			for L in ${nright[$sfx]}; do
				gw4="10.77.$L.2"
				gw6=${p6[$L]}2
				nh4+=" nexthop via $gw4 dev ${llif[$L]}"
				nh6+=" nexthop via $gw6 dev ${llif[$L]}"
			done
			read -ra rlinks <<<"${nright[$sfx]}"
			if [ "${#rlinks[@]}" = 1 ]; then
				batch+="route add 0.0.0.0/0 via $gw4 dev ${llif[$L]}"$'\n'
				batch+="route add ::/0 via $gw6 dev ${llif[$L]}"$'\n'
			else
				batch+="route add 0.0.0.0/0$nh4"$'\n'
				batch+="route add ::/0$nh6"$'\n'
			fi
			# the target prefixes, as the default route goes
			if [ "$prefix" = 1 ] && [ "${#rlinks[@]}" = 1 ]; then
				batch+="route add 10.200.0.0/16 via $gw4 dev ${llif[$L]}"$'\n'
				batch+="route add fd77:200::/64 via $gw6 dev ${llif[$L]}"$'\n'
			elif [ "$prefix" = 1 ]; then
				batch+="route add 10.200.0.0/16$nh4"$'\n'
				batch+="route add fd77:200::/64$nh6"$'\n'
			fi
		fi
		if [ "$prefix" = 1 ] && [ "$sfx" = t ]; then
			batch+="route add local 10.200.0.0/16 dev lo"$'\n'
			batch+="route add local fd77:200::/64 dev lo"$'\n'
		fi
		if [ -n "$pshort" ] && [ "$sfx" = "r$pshort" ]; then
			batch+="route add local 10.200.128.0/17 dev lo"$'\n'
			batch+="route add local fd77:200:0:0:8000::/65 dev lo"$'\n'
		fi

		# links behind this node that it is not on: back over eL, with
		# eL's address as preferred source.  That pins the address ICMP
		# errors come from: without it, the IPv6 node after a balancer
		# answers from its second interface's address when the probe came
		# in over the second branch.
		if [ "$sfx" != s ] && [ "$sfx" != t ]; then
			lgw=${nleft[$sfx]}
			for L in "${lid[@]}"; do
				[ "${lrhop[$L]}" -le "$hop" ] || continue
				[ "${llsfx[$L]}" = "$sfx" ] && continue
				[ "${lrsfx[$L]}" = "$sfx" ] && continue
				batch+="route add 10.77.$L.0/24 via 10.77.$lgw.1 dev eL src 10.77.$lgw.2"$'\n'
				batch+="route add ${p6[$L]}/64 via ${p6[$lgw]}1 dev eL src ${p6[$lgw]}2"$'\n'
			done
		fi

		# nftables
		rules=""
		if [[ $silent == *" $hop "* ]]; then
			rules+="table inet hoptrace_silent {
	chain out {
		type filter hook output priority 0; policy accept;
		icmp type { destination-unreachable, time-exceeded } drop
		icmpv6 type { destination-unreachable, time-exceeded } drop
	}
}
"
		fi
		if [ -n "${loss[$hop]-}" ]; then
			rules+="table inet hoptrace_loss {
	chain out {
		type filter hook output priority 0; policy accept;
		icmp type { destination-unreachable, time-exceeded, echo-reply } numgen random mod 100 < ${loss[$hop]} drop
		icmpv6 type { destination-unreachable, time-exceeded, echo-reply } numgen random mod 100 < ${loss[$hop]} drop
	}
}
"
		fi
		if [ "$deaf" = 1 ] && [ "$sfx" = t ]; then
			rules+="table inet hoptrace_deaf {
	chain in {
		type filter hook input priority 0; policy accept;
		icmp type echo-request drop
		icmpv6 type echo-request drop
		meta l4proto { tcp, udp } drop
	}
}
"
		fi

		ip netns exec "$name$sfx" bash -c "$_HT_NS_SETUP" htsetup "$rules" "${sysc[@]}" \
			<<<"$batch" &
		pids+=($!)
	done
	for val in "${pids[@]}"; do
		wait "$val" || nodefail=1
	done
	if [ "$nodefail" != 0 ]; then
		_ht_err "$name: configuring the namespaces failed"
		ht_net_down "$name"
		return 1
	fi

	# shellcheck disable=SC2034  # for the scripts that source this file
	{
		HT_NET_NAME=$name
		HT_NET_HOPS=$hops
		HT_NET_BALANCE=$bal
		HT_NET_WIDTH=1
		[ -n "$bal" ] && HT_NET_WIDTH=$width
		HT_SOURCE4=10.77.0.1
		HT_SOURCE6=${p6[0]}1
		HT_TARGET4="10.77.$((hops - 1)).2"
		HT_TARGET6=${p6[$((hops - 1))]}2
		HT_PREFIX4=""
		HT_PREFIX6=""
		HT_PREFIX_SHORT=$pshort
		if [ "$prefix" = 1 ]; then
			HT_PREFIX4=10.200.0.0/16
			HT_PREFIX6=fd77:200::/64
		fi
	}

	# ---- warm-up and check: one round trip each -----------------------
	# This also waits until every link on the way has its carrier.
	local -a probe
	local fail=""
	if [ "$deaf" = 0 ]; then
		probe=("$HT_TARGET4" "$HT_TARGET6")
	elif [ "$hops" -ge 2 ]; then
		# the target answers nothing: check the hop before it
		probe=("10.77.$((hops - 2)).2" "${p6[$((hops - 2))]}2")
	else
		probe=()
	fi
	if [ "${#probe[@]}" -gt 0 ] &&
		! ip netns exec "${name}s" bash -c "$_HT_NS_PROBE" htprobe "${probe[@]}"; then
		fail="from ${name}s (to ${probe[*]})"
	fi
	if [ -z "$fail" ] && [ "$deaf" = 1 ] &&
		! ip netns exec "$name${hsfx[hops - 1]}" bash -c "$_HT_NS_NEIGH" htneigh \
			"$HT_TARGET4" "$HT_TARGET6"; then
		fail="of the deaf target's neighbour entries"
	fi
	if [ -z "$fail" ] && [ -n "$bal" ]; then
		# the balancer's second branch is not on the path checked above
		# (its far end is the target when K+2 = N: if deaf, only resolve)
		local farcheck=$_HT_NS_PROBE
		if [ "$deaf" = 1 ] && [ $((bal + 2)) = "$hops" ]; then
			farcheck=$_HT_NS_NEIGH
		fi
		for ((j = 1; j < width; j++)); do
			L=$((100 + bal + 2 * (j - 1)))
			if ! ip netns exec "${name}r$bal" bash -c "$_HT_NS_PROBE" htprobe \
				"10.77.$L.2" "${p6[$L]}2" ||
				! ip netns exec "$name${branches[j - 1]}" bash -c "$farcheck" htprobe \
					"10.77.$((L + 1)).2" "${p6[$((L + 1))]}2"; then
				fail="of the balancer's branch $j"
				break
			fi
		done
	fi
	if [ -n "$fail" ]; then
		_ht_err "$name: network check $fail failed; removing it"
		ht_net_down "$name"
		return 1
	fi
	return 0
}

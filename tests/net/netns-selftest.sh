#!/bin/bash
# tests/net/netns-selftest.sh - checks the namespace test network (netns.sh)
# against Linux traceroute 2.1: every hop answers from the address that
# ht_hop_addr4/ht_hop_addr6 state, a silent router shows '*', a deaf target
# never answers, the load balancer shows both branches, the rate-limited
# router drops errors.  Exit 0 pass, 1 fail, 77 skip (not root, no netns,
# no traceroute/nft).  All traffic stays inside the namespaces built here.

srcdir=${srcdir:-$(dirname "$0")/..}
# shellcheck source=../common.sh disable=SC1091
. "$srcdir/common.sh"
# shellcheck source=netns.sh source-path=SCRIPTDIR disable=SC1091
. "$srcdir/net/netns.sh"

ht_net_need_root nft traceroute

N=hts$$
trap 'ht_net_down "$N"' EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

up() {
	local t0=$EPOCHREALTIME t1
	ht_net_up "$N" "$@" || die "ht_net_up $N $*"
	t1=$EPOCHREALTIME
	# bash arithmetic has no floats: microseconds via string surgery
	up_ms=$(((${t1/./} - ${t0/./}) / 1000))
	echo "  ht_net_up $* : ${up_ms} ms"
}

down() {
	ht_net_down "$N"
	if ip netns list | grep -q "^$N"; then
		die "namespaces left after ht_net_down $N" "$(ip netns list)"
	fi
}

# trace ARGS... : run traceroute in the source; output in $out
trace() {
	out=$(ht_net_exec "$N" s timeout 30 traceroute -n "$@" 2>&1)
}

# hop K : sets $got to the addresses hop K answered from (sorted, unique,
# space separated; "" if none) and $stars to the number of '*' for it
hop() {
	local line w i found=""
	local -a f addrs=()
	got=""
	stars=0
	while IFS= read -r line; do
		read -ra f <<<"$line"
		if [ "${f[0]-}" = "$1" ]; then
			found=1
			break
		fi
	done <<<"$out"
	[ -n "$found" ] || return 0
	for ((i = 1; i < ${#f[@]}; i++)); do
		w=${f[i]}
		case $w in
		"*") stars=$((stars + 1)) ;;
		ms | !*) ;;
		*)
			# a number followed by "ms" is a time, anything else an address
			if [ "${f[i + 1]-}" != ms ] && [[ " ${addrs[*]} " != *" $w "* ]]; then
				addrs+=("$w")
			fi
			;;
		esac
	done
	if [ "${#addrs[@]}" -gt 1 ]; then
		got=$(printf '%s\n' "${addrs[@]}" | sort | tr '\n' ' ')
		got=${got% }
	else
		got=${addrs[*]}
	fi
}

# expect_hop K FAMILY(4|6) WHAT : hop K answered from ht_hop_addr only
expect_hop() {
	local want
	want=$(ht_hop_addr"$2" "$1")
	hop "$1"
	if [ "$got" != "$want" ]; then
		die "IPv$2 $3: hop $1: want '$want', got '$got'" "$out"
	fi
}

# expect_silent K FAMILY WHAT : hop K gave no answer
expect_silent() {
	hop "$1"
	if [ -n "$got" ]; then
		die "IPv$2 $3: hop $1 should be silent, got '$got'" "$out"
	fi
}

# expect_chain HOPS FAMILY SKIPHOP WHAT : hops 1..HOPS answer from
# ht_hop_addr, except SKIPHOP (0 = none) that shows only '*'; nothing after
expect_chain() {
	local k
	for ((k = 1; k <= $1; k++)); do
		if [ "$k" = "$3" ]; then
			expect_silent "$k" "$2" "$4"
			if [ "$stars" -lt 1 ]; then
				die "IPv$2 $4: hop $k: no '*'" "$out"
			fi
		else
			expect_hop "$k" "$2" "$4"
		fi
	done
	hop $(($1 + 1))
	if [ -n "$got" ] || [ "$stars" != 0 ]; then
		die "IPv$2 $4: trace went past hop $1" "$out"
	fi
}

echo "netns selftest (namespaces $N*)"

# --- address helpers --------------------------------------------------
# shellcheck disable=SC2034  # read by netns.sh
HT_NET_HOPS=8 HT_NET_BALANCE=3
[ "$(ht_hop_addr4 1)" = 10.77.0.2 ] || die "ht_hop_addr4 1 = $(ht_hop_addr4 1)"
[ "$(ht_hop_addr6 1)" = fd77::2 ] || die "ht_hop_addr6 1 = $(ht_hop_addr6 1)"
[ "$(ht_hop_addr6 8)" = fd77:0:0:7::2 ] || die "ht_hop_addr6 8 = $(ht_hop_addr6 8)"
[ "$(ht_hop_alt_addr4 4)" = 10.77.103.2 ] || die "ht_hop_alt_addr4 4 = $(ht_hop_alt_addr4 4)"
[ "$(ht_hop_alt_addr6 4)" = fd77:0:0:103::2 ] || die "ht_hop_alt_addr6 4"
! ht_hop_addr4 9 2>/dev/null || die "ht_hop_addr4 9 should fail for 8 hops"
! ht_hop_alt_addr4 5 2>/dev/null || die "ht_hop_alt_addr4 5 should fail"

# --- (a) plain 8-hop chain --------------------------------------------
echo "(a) chain of 8 hops"
up --hops 8
[ "$HT_TARGET4" = 10.77.7.2 ] || die "HT_TARGET4=$HT_TARGET4"
[ "$HT_TARGET6" = fd77:0:0:7::2 ] || die "HT_TARGET6=$HT_TARGET6"
trace -I -q 1 -w 1 "$HT_TARGET4"
expect_chain 8 4 0 "chain -I"
trace -6 -I -q 1 -w 1 "$HT_TARGET6"
expect_chain 8 6 0 "chain -I"
trace -U -q 1 -w 1 "$HT_TARGET4"
expect_chain 8 4 0 "chain -U"
down

# --- (b) silent router at hop 3 ---------------------------------------
echo "(b) --silent 3"
up --hops 8 --silent 3
trace -I -q 1 -w 1 "$HT_TARGET4"
expect_chain 8 4 3 "silent"
trace -6 -I -q 1 -w 1 "$HT_TARGET6"
expect_chain 8 6 3 "silent"
down

# --- (c) deaf target --------------------------------------------------
echo "(c) --deaf"
up --hops 8 --deaf
for m in -I -U -T; do
	trace "$m" -q 1 -w 1 -m 9 "$HT_TARGET4"
	for ((k = 1; k <= 7; k++)); do
		expect_hop "$k" 4 "deaf $m"
	done
	expect_silent 8 4 "deaf $m"
	expect_silent 9 4 "deaf $m"
done
trace -6 -I -q 1 -w 1 -m 9 "$HT_TARGET6"
expect_hop 7 6 "deaf -I"
expect_silent 8 6 "deaf -I"
expect_silent 9 6 "deaf -I"
down

# --- (d) per-flow load balancer at hop 3 ------------------------------
echo "(d) --balance 3"
up --hops 8 --balance 3
for fam in 4 6; do
	if [ "$fam" = 4 ]; then tgt=$HT_TARGET4; else tgt=$HT_TARGET6; fi
	main=$(ht_hop_addr"$fam" 4)
	alt=$(ht_hop_alt_addr"$fam" 4)
	both=$(printf '%s\n' "$main" "$alt" | sort | tr '\n' ' ' | sed 's/ $//')
	# 6 flows (source ports) per run: both branches with probability
	# 31/32 per run; at most 5 runs
	for ((try = 1; try <= 5; try++)); do
		trace "-$fam" -U -q 6 -w 1 "$tgt"
		for k in 1 2 3 5 6 7 8; do
			expect_hop "$k" "$fam" "balance"
		done
		hop 4
		if [ "$got" = "$both" ]; then
			break
		fi
		if [ "$got" != "$main" ] && [ "$got" != "$alt" ]; then
			die "IPv$fam balance: hop 4 answered from '$got'" "$out"
		fi
	done
	if [ "$got" != "$both" ]; then
		die "IPv$fam balance: hop 4 never showed both '$both'" "$out"
	fi
	echo "  IPv$fam hop 4: $got (run $try)"
	# one flow (one source port) keeps to one branch
	trace "-$fam" -U --sport=40001 -q 6 -w 1 -f 4 -m 4 "$tgt"
	hop 4
	if [ "$got" != "$main" ] && [ "$got" != "$alt" ]; then
		die "IPv$fam balance: one flow answered from '$got' at hop 4" "$out"
	fi
done
down

# --- (e) rate-limited router at hop 2 ---------------------------------
echo "(e) --ratelimit 2"
up --hops 4 --ratelimit 2
for fam in 4 6; do
	if [ "$fam" = 4 ]; then tgt=$HT_TARGET4; else tgt=$HT_TARGET6; fi
	trace "-$fam" -I -q 5 -w 1 "$tgt"
	for k in 1 2 3 4; do
		expect_hop "$k" "$fam" "ratelimit"
		if [ "$k" = 2 ]; then
			if [ "$stars" -lt 1 ]; then
				die "IPv$fam ratelimit: hop 2 answered all 5 probes" "$out"
			fi
		elif [ "$stars" != 0 ]; then
			die "IPv$fam ratelimit: hop $k lost probes" "$out"
		fi
	done
done
down

# --- (f) ht_net_down removes only its own namespaces ------------------
echo "(f) ht_net_down scope"
up --hops 1
ip netns add "${N}0s" || die "cannot add ${N}0s"
ht_net_down "$N"
ip netns list | grep -q "^${N}0s" || die "ht_net_down $N removed ${N}0s"
ht_net_down "${N}0"
if ip netns list | grep -q "^$N"; then
	die "namespaces left behind" "$(ip netns list)"
fi

echo "PASS"
exit 0

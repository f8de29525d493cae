#!/bin/bash
# tests/live/live-methods.sh - every probe method over real routers
# (tests/net/netns.sh): ICMP (-I), UDP (-U) and TCP (-T), each classic and
# --paris, over an 8-hop chain in IPv4 and IPv6: the hops are exactly the
# topology's, 3 RTTs each, and the last line is the target (TCP: marked
# [closed], the target has no listener on port 80).  Then through a
# per-flow load balancer at hop 3 (two routers at hop 4): classic UDP with
# -q 6 shows both routers at hop 4 (within a few runs: the ports of six
# probes could all hash one way), while every --paris run (UDP, TCP, ICMP)
# shows exactly one router at every hop.
# Exit 0 pass, 1 fail, 77 skip, 99 hard error.
set -u
# shellcheck source=preamble.sh source-path=SCRIPTDIR disable=SC1091
. "$(dirname "$0")/preamble.sh" timeout
ht_live_net htm
fail=0
R='[0-9]+\.[0-9]{3} ms'

bad() {
	echo "FAIL: $*"
	echo "--- output:"
	cat "$tmp/out" "$tmp/err"
	fail=1
}

run() {	# ARGS...: hoptrace in the source namespace, into $tmp/out, $tmp/err
	ht_net_exec "$N" s timeout 60 "$HOPTRACE" -n "$@" >"$tmp/out" 2>"$tmp/err"
}

# chain FAMILY ARGS...: an exact 8-hop trace
chain() {
	local fam=$1 k addr tgt want tag=""
	shift
	if [ "$fam" = 4 ]; then tgt=$HT_TARGET4; else tgt=$HT_TARGET6; fi
	run "$@" "$tgt" || { bad "-$fam $*: exit $?"; return; }
	[ -s "$tmp/err" ] && { bad "-$fam $*: stderr not empty"; return; }
	[ "$(wc -l <"$tmp/out")" -eq 9 ] || { bad "-$fam $*: want 9 lines"; return; }
	case " $* " in *" -T "*) tag=' \[closed\]' ;; esac
	for k in 1 2 3 4 5 6 7 8; do
		addr=$(ht_hop_addr"$fam" "$k" | sed 's/\./\\./g')
		want="^ $k  $addr  $R  $R  $R\$"
		[ "$k" -eq 8 ] && want="^ $k  $addr  $R$tag  $R$tag  $R$tag\$"
		sed -n "$((k + 1))p" "$tmp/out" | grep -Eq "$want" ||
			{ bad "-$fam $*: hop $k does not match /$want/"; return; }
	done
}

ht_net_up "$N" --hops 8 || exit 99
for fam in 4 6; do
	for m in -I -U -T; do
		chain "$fam" "$m"
		chain "$fam" "$m" --paris
	done
done
ht_net_down "$N"

# The load balancer: router 3 splits per flow between 10.77.3.2 and
# 10.77.103.2 (IPv6: fd77:0:0:3::2 and fd77:0:0:103::2) at hop 4.
ht_net_up "$N" --hops 8 --balance 3 || exit 99
for fam in 4 6; do
	if [ "$fam" = 4 ]; then
		tgt=$HT_TARGET4; a=$(ht_hop_addr4 4); b=$(ht_hop_alt_addr4 4)
	else
		tgt=$HT_TARGET6; a=$(ht_hop_addr6 4); b=$(ht_hop_alt_addr6 4)
	fi
	both=0
	for _ in 1 2 3 4 5; do
		run -U -q 6 "$tgt" || bad "-$fam -U -q 6: exit $?"
		line=$(sed -n 5p "$tmp/out")
		case $line in " 4 "*) ;; *) bad "-$fam -U: no hop 4 line" ;; esac
		if grep -qF " $a " <<<"$line" && grep -qF " $b " <<<"$line"; then
			both=1
			break
		fi
	done
	[ "$both" -eq 1 ] || bad "-$fam classic UDP never showed both $a and $b at hop 4 in 5 runs"
	for m in -U -T -I; do
		for _ in 1 2 3; do
			run "$m" --paris -q 6 "$tgt" || bad "-$fam $m --paris: exit $?"
			# every hop line names exactly one address
			while read -r hop rest; do
				n=$(grep -oE '(^| )[0-9a-f.:]+[0-9a-f]  [0-9]' <<<" $rest" | wc -l)
				[ "$n" -eq 1 ] || bad "-$fam $m --paris: hop $hop shows $n addresses: $rest"
			done < <(tail -n +2 "$tmp/out")
			[ "$(wc -l <"$tmp/out")" -eq 9 ] || bad "-$fam $m --paris: want 9 lines"
		done
	done
done
[ "$fail" -eq 0 ] && echo "PASS: -I -U -T, classic and Paris, IPv4 and IPv6"
exit "$fail"

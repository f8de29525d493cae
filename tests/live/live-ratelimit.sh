#!/bin/bash
# tests/live/live-ratelimit.sh - issue 7 item 6, rate-limited routers: through an
# 8-hop chain whose router at hop 3 answers about one ICMP error a second
# (ht_net_up --ratelimit 3), traces run back to back:
#  - each completes (exit 0) within 15 s;
#  - every line names only the address that hop answers from (hop 3:
#    10.77.2.2 / fd77:0:0:2::2 or '*', never another address), with one
#    '*' or one RTT per probe and nothing else;
#  - hop 3 shows '*' at least once over the runs (it cannot answer them all);
#  - every other hop answers all its probes.
# Exit 0 pass, 1 fail, 77 skip (not root, no netns).  All traffic stays
# inside the namespaces built here.
set -u

# shellcheck source=preamble.sh source-path=SCRIPTDIR disable=SC1091
. "$(dirname "$0")/preamble.sh" timeout

N=htrl$$
RL=3 # the rate-limited hop
Q=3  # probes per hop
tmp=""
failed=0

# shellcheck disable=SC2317  # called by the EXIT trap
cleanup() {
	ht_net_down "$N"
	[ -n "$tmp" ] && rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

tmp=$(mktemp -d) || die "mktemp failed"

RTT='[0-9]+\.[0-9]{3}'
rl_stars=0

# check_hop WHAT K ADDR LINE : LINE is hop K's line, ADDR the only address
# it may name.  Hop RL: each probe a '*' or an RTT from ADDR; the others:
# ADDR and Q RTTs exactly.  Sets hop_stars.  Returns 1 if wrong.
check_hop() {
	local what=$1 k=$2 addr=$3 line=$4 a re w seen=0 rtts=0 i
	local -a tok
	a=${addr//./\\.}
	hop_stars=0
	if [ "$k" != "$RL" ]; then
		re=$(printf '^%2d  %s(  %s ms){%d}$' "$k" "$a" "$RTT" "$Q")
		if [[ ! $line =~ $re ]]; then
			fail "$what: hop $k is wrong (want /$re/)" "$line"
			return 1
		fi
		return 0
	fi
	# the shape: " *" (first, or after a '*'), "  *" (after an RTT), the
	# address (before the first RTT), "  R ms"
	re=$(printf '^%2d ( \\*|  \\*| %s|  %s ms)+$' "$k" "$a" "$RTT")
	if [[ ! $line =~ $re ]]; then
		fail "$what: hop $k is wrong (want /$re/)" "$line"
		return 1
	fi
	# the meaning: every RTT after the address, one '*' or RTT per probe
	read -ra tok <<<"$line"
	for ((i = 1; i < ${#tok[@]}; i++)); do
		w=${tok[i]}
		if [ "$w" = "*" ]; then
			hop_stars=$((hop_stars + 1))
		elif [ "$w" = "$addr" ]; then
			seen=1
		elif [[ $w =~ ^$RTT$ ]] && [ "${tok[i + 1]-}" = ms ] && [ "$seen" = 1 ]; then
			rtts=$((rtts + 1))
			i=$((i + 1))
		else
			fail "$what: hop $k: unexpected '$w'" "$line"
			return 1
		fi
	done
	if [ $((hop_stars + rtts)) != "$Q" ]; then
		fail "$what: hop $k: $hop_stars '*' and $rtts RTTs, want $Q in all" "$line"
		return 1
	fi
	return 0
}

# trace WHAT FAMILY HOPTRACE-ARGS... : run one trace to the target, check it
trace() {
	local what=$1 fam=$2 rc out k target proto=ICMP
	shift 2
	local -a lines
	if [ "$fam" = 4 ]; then target=$HT_TARGET4; else target=$HT_TARGET6; fi
	case " $* " in
	*" -U "*) proto=UDP ;;
	esac
	ht_net_exec "$N" s timeout 15 "$HOPTRACE" -n -q "$Q" -W 1 "$@" "$target" \
		>"$tmp/out" 2>"$tmp/err"
	rc=$?
	out=$(cat "$tmp/out")
	if [ "$rc" = 124 ]; then
		fail "$what: not done within 15 s" "$out"$'\n'"$(cat "$tmp/err")"
		return
	fi
	if [ "$rc" != 0 ] || [ -s "$tmp/err" ]; then
		fail "$what: exit $rc (want 0), stderr:" "$(cat "$tmp/err")"$'\n'"stdout:"$'\n'"$out"
		return
	fi
	mapfile -t lines <<<"$out"
	if [ "${#lines[@]}" != 9 ]; then
		fail "$what: ${#lines[@]} lines, want the header and 8 hops" "$out"
		return
	fi
	if [ "${lines[0]}" != "hoptrace to $target ($target), 30 hops max, $Q probes per hop, $proto" ]; then
		fail "$what: wrong header" "$out"
		return
	fi
	for ((k = 1; k <= 8; k++)); do
		check_hop "$what" "$k" "$("ht_hop_addr$fam" "$k")" "${lines[k]}" || {
			printf '%s\n' "$out" | sed 's/^/    /' >&2
			return
		}
		[ "$k" = "$RL" ] && rl_stars=$((rl_stars + hop_stars))
	done
	echo "ok: $what: hop $RL: '${lines[RL]}'"
}

ht_net_up "$N" --hops 8 --ratelimit "$RL" || die "ht_net_up $N --hops 8 --ratelimit $RL"

for run in 1 2 3; do
	trace "IPv4 ICMP run $run" 4
done
trace "IPv4 UDP" 4 -U
for run in 1 2; do
	trace "IPv6 ICMP run $run" 6
done

if [ "$rl_stars" = 0 ]; then
	fail "hop $RL (one ICMP error a second) never showed '*' in 6 traces of $Q probes"
fi
[ "$failed" = 0 ] && echo "ok: every trace complete and exact; hop $RL: $rl_stars '*'"
exit "$failed"

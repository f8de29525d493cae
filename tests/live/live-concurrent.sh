#!/bin/bash
# tests/live/live-concurrent.sh - issue 13 item 4 (and issue 7's concurrency):
# nothing lost under load.  On an 8-hop chain, every round starts 8
# hoptrace processes at once in the source namespace:
#   ICMP, UDP and TCP to the target over IPv4 and over IPv6 (6 runs),
#   ICMP to hop 5 with -w, UDP over IPv6 to the target with -w,
# beside traceroute -I to the target (a new one every round) and two
# pings, ping -i 0.002 to the target over IPv4 and over IPv6, running
# through all rounds (their echo replies come to the same address as ours,
# and the routers' errors for traceroute's probes too).  CONCURRENT_ROUNDS
# rounds [20].  Every hoptrace run must be exact: exit 0, stderr empty (so
# no drop was reported), the header and each hop's address from the
# topology with 3 RTTs (TCP's last hop: each [closed]), nothing else; and
# each -w file, replayed, must give the same hops, so it holds every probe
# and every reply.
# Exit 0 pass, 1 fail, 77 skip (not root, no netns), 99 no ping or
# traceroute (both in .ci/run).  All traffic stays inside the namespaces
# built here.
set -u

# shellcheck source=preamble.sh source-path=SCRIPTDIR disable=SC1091
. "$(dirname "$0")/preamble.sh" timeout
for t in ping traceroute; do
	if ! command -v "$t" >/dev/null 2>&1; then
		echo "ERROR: $t is needed (iputils-ping, traceroute: see .ci/run)" >&2
		exit 99
	fi
done

ROUNDS=${CONCURRENT_ROUNDS:-20}
if ! [[ $ROUNDS =~ ^[0-9]+$ ]] || [ "$ROUNDS" -lt 1 ] || [ "$ROUNDS" -gt 500 ]; then
	echo "ERROR: CONCURRENT_ROUNDS must be 1..500 (got $ROUNDS)" >&2
	exit 99
fi
N=htcc$$
bgpids=()
failed=0

# shellcheck disable=SC2317  # called by the EXIT trap
cleanup() {
	local p
	for p in "${bgpids[@]}"; do
		kill "$p" 2>/dev/null
	done
	for p in "${bgpids[@]}"; do
		wait "$p" 2>/dev/null
	done
	ht_net_down "$N"
}
ht_tmpdir hoptrace-cc cleanup

# check_trace WHAT FILE PROTO TARGET ADDR... : FILE holds exactly the header
# and hops 1..n, hop k answering from the k-th ADDR with 3 RTTs (TCP: the
# destination's marked [closed]).
check_trace() {
	local what=$1 file=$2 proto=$3 target=$4 a re i=0 out n rtt
	shift 4
	local -a lines want=()
	n=$#
	out=$(cat "$file")
	want+=("^hoptrace to ${target//./\\.} \(${target//./\\.}\), 30 hops max, 3 probes per hop, $proto\$")
	for a in "$@"; do
		i=$((i + 1))
		rtt='  [0-9]+\.[0-9]{3} ms'
		[ "$proto" = TCP ] && [ "$i" = "$n" ] && rtt+=' \[closed\]'
		re=$(printf '^%2d  %s(%s){3}$' "$i" "${a//./\\.}" "$rtt")
		want+=("$re")
	done
	mapfile -t lines <<<"$out"
	if [ "${#lines[@]}" != "${#want[@]}" ]; then
		fail "$what: ${#lines[@]} lines, want ${#want[@]}" "$out"
		return 1
	fi
	for ((i = 0; i < ${#want[@]}; i++)); do
		if [[ ! ${lines[i]} =~ ${want[i]} ]]; then
			fail "$what: line $((i + 1)) is wrong (want /${want[i]}/)" "$out"
			return 1
		fi
	done
	return 0
}

# check_replay WHAT LIVE PCAP : the capture replays to LIVE's hop lines
check_replay() {
	local what=$1 live=$2 pcap=$3
	if ! "$HOPTRACE" -n -r "$pcap" >"$pcap.out" 2>"$pcap.err"; then
		fail "$what: -r of its -w file failed" "$(cat "$pcap.err")"
	elif [ -s "$pcap.err" ]; then
		fail "$what: -r of its -w file warns" "$(cat "$pcap.err")"
	elif ! diff <(tail -n +2 "$live") <(tail -n +2 "$pcap.out") >"$pcap.diff"; then
		fail "$what: its -w file replays otherwise (live < > replay)" "$(cat "$pcap.diff")"
	fi
}

ht_net_up "$N" --hops 8 || die "ht_net_up $N --hops 8"
T4=$HT_TARGET4
T6=$HT_TARGET6
H5=$(ht_hop_addr4 5)
v4=() v6=()
for ((k = 1; k <= 8; k++)); do
	v4+=("$(ht_hop_addr4 "$k")")
	v6+=("$(ht_hop_addr6 "$k")")
done

# The pings, through all rounds, bounded by timeout (a process group that a
# signal reaches whole); started through sh so that timeout's PID is known
# whatever ip netns exec does.
start_ping() { # NAME ADDR
	# shellcheck disable=SC2016  # $$ and $1 belong to the inner shell
	ht_net_exec "$N" s sh -c 'echo $$ >"$1"; shift; exec "$@"' sh "$tmp/$1.pid" \
		timeout 300 ping -n -q -i 0.002 "$2" >"$tmp/$1.out" 2>&1 &
	bgpids+=($!)
	eval "${1}job=\$!"
}
start_ping ping4 "$T4"
start_ping ping6 "$T6"
sleep 0.3
for p in ping4 ping6; do
	pid=$(cat "$tmp/$p.pid" 2>/dev/null)
	if [ -z "$pid" ] || ! kill -0 "$pid" 2>/dev/null; then
		die "$p did not start" "$(cat "$tmp/$p.out")"
	fi
	bgpids+=("$pid")
	eval "${p}pid=$pid"
done
echo "noise: ping -i 0.002 to $T4 and to $T6; traceroute -I -n $T4 every round"

t0=$SECONDS
trpids=()
names=(icmp4 icmp6 udp4 udp6 tcp4 tcp6 hop5w udp6w)
for ((r = 1; r <= ROUNDS; r++)); do
	pids=()
	# no -z: each run sends its whole window at once, and the 8 windows'
	# answers arrive in the same few milliseconds, at every run's address
	for n in "${names[@]}"; do
		case $n in
		icmp4) args=("$T4") ;;
		icmp6) args=("$T6") ;;
		udp4) args=(-U "$T4") ;;
		udp6) args=(-U "$T6") ;;
		tcp4) args=(-T "$T4") ;;
		tcp6) args=(-T "$T6") ;;
		hop5w) args=(-w "$tmp/$r.hop5w.pcap" "$H5") ;;
		udp6w) args=(-U -w "$tmp/$r.udp6w.pcap" "$T6") ;;
		esac
		ht_net_exec "$N" s timeout 20 "$HOPTRACE" -n "${args[@]}" \
			>"$tmp/$r.$n" 2>"$tmp/$r.$n.err" &
		pids+=($!)
	done
	bgpids+=("${pids[@]}")
	# not waited for here: it may wait for its own lost answers
	ht_net_exec "$N" s timeout 20 traceroute -I -n "$T4" >"$tmp/$r.tr" 2>&1 &
	bgpids+=($!)
	trpids+=($!)
	for i in "${!names[@]}"; do
		n=${names[i]}
		wait "${pids[i]}"
		rc=$?
		[ "$rc" = 0 ] || fail "round $r, $n: exit $rc" "$(cat "$tmp/$r.$n" "$tmp/$r.$n.err")"
		[ -s "$tmp/$r.$n.err" ] && fail "round $r, $n: stderr" "$(cat "$tmp/$r.$n.err")"
	done
	check_trace "round $r, ICMP IPv4" "$tmp/$r.icmp4" ICMP "$T4" "${v4[@]}"
	check_trace "round $r, ICMP IPv6" "$tmp/$r.icmp6" ICMP "$T6" "${v6[@]}"
	check_trace "round $r, UDP IPv4" "$tmp/$r.udp4" UDP "$T4" "${v4[@]}"
	check_trace "round $r, UDP IPv6" "$tmp/$r.udp6" UDP "$T6" "${v6[@]}"
	check_trace "round $r, TCP IPv4" "$tmp/$r.tcp4" TCP "$T4" "${v4[@]}"
	check_trace "round $r, TCP IPv6" "$tmp/$r.tcp6" TCP "$T6" "${v6[@]}"
	check_trace "round $r, ICMP IPv4 to hop 5 -w" "$tmp/$r.hop5w" ICMP "$H5" "${v4[@]:0:5}" &&
		check_replay "round $r, ICMP IPv4 to hop 5 -w" "$tmp/$r.hop5w" "$tmp/$r.hop5w.pcap"
	check_trace "round $r, UDP IPv6 -w" "$tmp/$r.udp6w" UDP "$T6" "${v6[@]}" &&
		check_replay "round $r, UDP IPv6 -w" "$tmp/$r.udp6w" "$tmp/$r.udp6w.pcap"
done
echo "$ROUNDS rounds of 8 hoptrace processes in $((SECONDS - t0)) s"

for p in ping4 ping6; do
	eval "pid=\$${p}pid job=\$${p}job"
	# shellcheck disable=SC2154  # set by the eval
	if ! kill -INT "$pid" 2>/dev/null; then
		fail "$p ended before the last round" "$(cat "$tmp/$p.out")"
		continue
	fi
	wait "$job"
	summary=$(grep 'transmitted' "$tmp/$p.out")
	if [[ ! $summary =~ ^([1-9][0-9]*)\ packets\ transmitted,\ ([1-9][0-9]*)\ received ]]; then
		fail "$p failed" "$(cat "$tmp/$p.out")"
	else
		echo "noise: $p: $summary"
	fi
done
for p in "${trpids[@]}"; do
	wait "$p" || echo "NOTE: a traceroute exited $? (not hoptrace's business)"
done

[ "$failed" = 0 ] && echo "ok: every hoptrace output exact, no drop, every -w file complete"
exit "$failed"

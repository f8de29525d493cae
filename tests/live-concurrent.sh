#!/bin/bash
# tests/live-concurrent.sh - issue 7 item 5, concurrency and noise: on an
# 8-hop chain, 4 hoptrace processes start at once in the source namespace
# (two ICMP to the target, one UDP to the target, one ICMP to hop 5) beside
# traceroute -I to the target and a 100-per-second ping to the target.
# Every hoptrace result must be exact: the header, each hop's address from
# the topology with 3 RTTs, nothing else.  Several rounds, the ping running
# through all of them.
# Exit 0 pass, 1 fail, 77 skip (not root, no netns).  traceroute and ping
# are optional noise (each skipped with a note when missing; without ping,
# a python3 raw-socket pinger stands in).  All traffic stays inside the
# namespaces built here.
set -u

srcdir=${srcdir:-$(dirname "$0")}
# shellcheck source=common.sh disable=SC1091
. "$srcdir/common.sh"
HOPTRACE=${HOPTRACE:-$srcdir/../hoptrace}
# shellcheck source=netns.sh source-path=SCRIPTDIR disable=SC1091
. "$srcdir/netns.sh"

ht_net_need_root timeout

ROUNDS=3
N=htcc$$
tmp=""
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
	[ -n "$tmp" ] && rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

ht_need_hoptrace
tmp=$(mktemp -d) || die "mktemp failed"

# check_trace WHAT FILE PROTO TARGET ADDR... : FILE holds exactly the header
# and hops 1..n, hop k answering from the k-th ADDR with 3 RTTs.
check_trace() {
	local what=$1 file=$2 proto=$3 target=$4 a re i=0 out
	shift 4
	local -a lines want=()
	out=$(cat "$file")
	want+=("^hoptrace to ${target//./\\.} \(${target//./\\.}\), 30 hops max, 3 probes per hop, $proto\$")
	for a in "$@"; do
		i=$((i + 1))
		re=$(printf '^%2d  %s(  [0-9]+\\.[0-9]{3} ms){3}$' "$i" "${a//./\\.}")
		want+=("$re")
	done
	mapfile -t lines <<<"$out"
	if [ "${#lines[@]}" != "${#want[@]}" ]; then
		fail "$what: ${#lines[@]} lines, want ${#want[@]}" "$out"
		return
	fi
	for ((i = 0; i < ${#want[@]}; i++)); do
		if [[ ! ${lines[i]} =~ ${want[i]} ]]; then
			fail "$what: line $((i + 1)) is wrong (want /${want[i]}/)" "$out"
			return
		fi
	done
}

# A stand-in for ping -i 0.01: python3, raw ICMP socket, 100 echo requests
# a second to argv[1], at most argv[2] of them, until SIGINT or SIGTERM;
# counts the replies with its identifier and prints a ping-like summary.
# shellcheck disable=SC2016
PYPING='
import os, select, signal, socket, struct, sys, time
dst, count = sys.argv[1], int(sys.argv[2])
ident = os.getpid() & 0x7fff
s = socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_ICMP)
def csum(b):
    if len(b) % 2:
        b += b"\0"
    t = sum(struct.unpack("!%dH" % (len(b) // 2), b))
    t = (t >> 16) + (t & 0xffff)
    t += t >> 16
    return ~t & 0xffff
got = set()
stop = []
def on_signal(sig, frame):
    stop.append(sig)
signal.signal(signal.SIGINT, on_signal)
signal.signal(signal.SIGTERM, on_signal)
def drain(until):
    while not stop:
        left = until - time.monotonic()
        if left <= 0:
            return
        r, _, _ = select.select([s], [], [], left)
        if not r:
            return
        pkt = s.recv(2048)
        ihl = (pkt[0] & 15) * 4
        t, _, _, i, q = struct.unpack("!BBHHH", pkt[ihl:ihl + 8])
        if t == 0 and i == ident:
            got.add(q)
print("PING %s: %d echo requests a second" % (dst, 100), flush=True)
start = time.monotonic()
sent = 0
for seq in range(1, count + 1):
    if stop:
        break
    body = b"hoptrace-noise".ljust(56, b".")
    hdr = struct.pack("!BBHHH", 8, 0, 0, ident, seq)
    hdr = struct.pack("!BBHHH", 8, 0, csum(hdr + body), ident, seq)
    s.sendto(hdr + body, (dst, 0))
    sent += 1
    drain(start + seq * 0.01)
stop.clear()
drain(time.monotonic() + 0.2)
print("%d packets transmitted, %d received" % (sent, len(got)))
sys.exit(0 if got else 1)
'

ht_net_up "$N" --hops 8 || die "ht_net_up $N --hops 8"
T=$HT_TARGET4
H5=$(ht_hop_addr4 5)
all8=()
for ((k = 1; k <= 8; k++)); do
	all8+=("$(ht_hop_addr4 "$k")")
done
first5=("${all8[@]:0:5}")

# The 100-per-second ping, through all rounds: started before the first,
# stopped (SIGINT, which prints its summary) after the last; at most 6000
# echo requests (60 s).
# Started through sh so that its PID is known whatever ip netns exec does.
pingpid=""
pinger=()
py=""
if [ -x /usr/bin/python3 ]; then
	py=/usr/bin/python3 # not a wrapper (pyenv shims start slowly, and fork)
elif command -v python3 >/dev/null 2>&1; then
	py=python3
fi
if command -v ping >/dev/null 2>&1; then
	# no -w: with a deadline, ping stopped early exits 1
	pinger=(ping -n -q -i 0.01 -c 6000 "$T")
	echo "noise: ping -i 0.01 $T"
elif [ -n "$py" ]; then
	pinger=("$py" -c "$PYPING" "$T" 6000)
	echo "noise: no ping (iputils-ping): python3 sends 100 echo requests/s to $T"
else
	echo "NOTE: neither ping (iputils-ping) nor python3: no 100-per-second ping"
fi
if [ "${#pinger[@]}" -gt 0 ]; then
	# timeout: a bound, and a process group that a signal to it reaches
	# whole (SIGINT: the pinger prints its summary and exits 0).  Started
	# through sh so that timeout's PID is known whatever ip netns exec does.
	# shellcheck disable=SC2016  # $$ and $1 belong to the inner shell
	ht_net_exec "$N" s sh -c 'echo $$ >"$1"; shift; exec "$@"' sh "$tmp/ping.pid" \
		timeout 70 "${pinger[@]}" >"$tmp/ping.out" 2>&1 &
	pingjob=$!
	bgpids+=("$pingjob")
	# wait (at most 10 s) until it has started: its first line
	for ((i = 0; i < 200; i++)); do
		pingpid=$(cat "$tmp/ping.pid" 2>/dev/null)
		[ -n "$pingpid" ] && [ -s "$tmp/ping.out" ] && break
		kill -0 "$pingjob" 2>/dev/null || break
		sleep 0.05
	done
	if [ -z "$pingpid" ] || [ ! -s "$tmp/ping.out" ]; then
		die "the pinger did not start within 10 s" "$(cat "$tmp/ping.out")"
	fi
	bgpids+=("$pingpid")
fi
if command -v traceroute >/dev/null 2>&1; then
	have_tr=1
	echo "noise: traceroute -I -n $T started with every round"
else
	have_tr=0
	echo "NOTE: traceroute not installed: rounds without it"
fi
sleep 0.3 # let the ping get going

t0=$SECONDS
trpids=()
names=(icmp1 icmp2 udp hop5)
for ((r = 1; r <= ROUNDS; r++)); do
	pids=()
	# -z 5: 5 ms between probes, so that the four traces overlap in time
	# (a trace of this chain takes a few ms otherwise)
	ht_net_exec "$N" s timeout 20 "$HOPTRACE" -n -z 5 "$T" >"$tmp/$r.icmp1" 2>&1 &
	pids+=($!)
	ht_net_exec "$N" s timeout 20 "$HOPTRACE" -n -z 5 "$T" >"$tmp/$r.icmp2" 2>&1 &
	pids+=($!)
	ht_net_exec "$N" s timeout 20 "$HOPTRACE" -n -z 5 -U "$T" >"$tmp/$r.udp" 2>&1 &
	pids+=($!)
	ht_net_exec "$N" s timeout 20 "$HOPTRACE" -n -z 5 "$H5" >"$tmp/$r.hop5" 2>&1 &
	pids+=($!)
	bgpids+=("${pids[@]}")
	if [ "$have_tr" = 1 ]; then
		# not waited for here: it may wait for its own lost answers
		ht_net_exec "$N" s timeout 20 traceroute -I -n "$T" >"$tmp/$r.tr" 2>&1 &
		bgpids+=($!)
		trpids+=($!)
	fi
	for i in 0 1 2 3; do
		wait "${pids[i]}"
		rc=$?
		[ "$rc" = 0 ] || fail "round $r, ${names[i]}: exit $rc" "$(cat "$tmp/$r.${names[i]}")"
	done
	check_trace "round $r, ICMP to target (1)" "$tmp/$r.icmp1" ICMP "$T" "${all8[@]}"
	check_trace "round $r, ICMP to target (2)" "$tmp/$r.icmp2" ICMP "$T" "${all8[@]}"
	check_trace "round $r, UDP to target" "$tmp/$r.udp" UDP "$T" "${all8[@]}"
	check_trace "round $r, ICMP to hop 5" "$tmp/$r.hop5" ICMP "$H5" "${first5[@]}"
done
echo "$ROUNDS rounds of 4 hoptrace processes in $((SECONDS - t0)) s"

if [ -n "$pingpid" ]; then
	if ! kill -INT "$pingpid" 2>/dev/null; then
		fail "the pinger ended before the last round" "$(cat "$tmp/ping.out")"
	fi
	wait "$pingjob"
	rc=$?
	summary=$(grep 'transmitted' "$tmp/ping.out")
	if [ "$rc" != 0 ] || [[ ! $summary =~ ^[1-9][0-9]*\ packets\ transmitted,\ [1-9][0-9]*\ received ]]; then
		fail "the 100-per-second ping failed (exit $rc)" "$(cat "$tmp/ping.out")"
	else
		echo "noise: $summary"
	fi
fi
for p in "${trpids[@]}"; do
	wait "$p" || echo "NOTE: a traceroute exited $? (not hoptrace's business)"
done

[ "$failed" = 0 ] && echo "ok: every hoptrace output exact"
exit "$failed"

#!/bin/bash
# tests/live/live-loopback.sh - issue 19: traces of this host's own addresses are
# exact and quiet.  On the host's loopback (127.0.0.1 and ::1; loopback is
# the only traffic outside the test's own namespaces that tests may make),
# each method - ICMP, UDP, TCP - classic, Paris, and classic with -i lo
# (libpcap's Ethernet view of lo instead of the "any" device), LOOPBACK_RUNS
# runs each [20], first alone, then with a fast ping (ping -i 0.002, whose echo
# replies come to the same address) beside it:
#   - stderr is empty (no drop warning: the capture sees every packet twice
#     on loopback, leaving and arriving, and the ring must hold a window of
#     that; the ping's replies must not pass our filter);
#   - the output is exactly the header and hop 1, the address itself with
#     3 RTTs (TCP: each marked [open] or [closed]);
#   - the run's -w capture, replayed, gives the same hop line.
# Exit 0 pass, 1 fail, 77 skip (not root, or loopback without ::1).
set -u

# shellcheck source=preamble.sh source-path=SCRIPTDIR disable=SC1091
. "$(dirname "$0")/preamble.sh"

if [ "$(id -u)" != 0 ]; then
	echo "SKIP: live-loopback needs root (raw sockets)"
	exit 77
fi
RUNS=${LOOPBACK_RUNS:-20}
if ! [[ $RUNS =~ ^[0-9]+$ ]] || [ "$RUNS" -lt 1 ] || [ "$RUNS" -gt 1000 ]; then
	echo "ERROR: LOOPBACK_RUNS must be 1..1000 (got $RUNS)" >&2
	exit 99
fi
addrs=(127.0.0.1)
if ip -6 addr show dev lo 2>/dev/null | grep -q 'inet6 ::1/'; then
	addrs+=(::1)
else
	echo "note: no ::1 on lo here: IPv6 left out"
fi

pingpid=""
# shellcheck disable=SC2317  # called by the EXIT trap
stop_ping() {
	if [ -n "$pingpid" ]; then
		kill "$pingpid" 2>/dev/null
		wait "$pingpid" 2>/dev/null
		pingpid=""
	fi
}
ht_tmpdir hoptrace-lo stop_ping
failures=0
checks=0

# one ADDR METHOD-OPTIONS... : one run, checked
one() {
	local a=$1 re rtt line
	shift
	checks=$((checks + 1))
	last_cmd="hoptrace -n $* -w $tmp/w.pcap $a"
	t_ms=""
	"$HOPTRACE" -n "$@" -w "$tmp/w.pcap" "$a" >"$tmp/out" 2>"$tmp/err" </dev/null
	rc=$?
	rtt='  [0-9]+\.[0-9]{3} ms'
	case " $* " in
	*" -T "*) rtt+=' \[(open|closed)\]' ;;
	esac
	re=$(printf '^ 1  %s(%s){3}$' "${a//./\\.}" "$rtt")
	local -a problems=()
	[ "$rc" = 0 ] || problems+=("exit status $rc")
	[ -s "$tmp/err" ] && problems+=("stderr not empty")
	if [ "$(wc -l <"$tmp/out")" != 2 ]; then
		problems+=("not exactly a header and one hop")
	fi
	line=$(sed -n 2p "$tmp/out")
	[[ $line =~ $re ]] || problems+=("hop 1 is not $a with 3 answers")
	if [ ${#problems[@]} = 0 ]; then
		"$HOPTRACE" -n -r "$tmp/w.pcap" >"$tmp/replay" 2>"$tmp/replay.err"
		if [ "$(sed -n 2p "$tmp/replay")" != "$line" ] ||
			[ "$(wc -l <"$tmp/replay")" != 2 ] || [ -s "$tmp/replay.err" ]; then
			problems+=("the -w capture replays otherwise: $(sed -n 2p "$tmp/replay") $(cat "$tmp/replay.err")")
		fi
	fi
	if [ ${#problems[@]} != 0 ]; then
		ht_report "$last_cmd" "${problems[@]}"
		return 1
	fi
	return 0
}

# UDP probes go to ports above this host's ephemeral range: a port in it
# may be any process's for a moment (a DNS lookup's socket, another
# test's), and a probe to it then gets no "port unreachable" (traceroute(8)
# warns of the same).  Classic UDP uses -p .. -p + 89.
read -r _ eph_hi </proc/sys/net/ipv4/ip_local_port_range 2>/dev/null || eph_hi=60999
UDP_PORT=$((eph_hi + 1))
[ "$UDP_PORT" -le $((65535 - 90)) ] || UDP_PORT=33434

# rounds LABEL : every address, method and flow mode, RUNS runs each
rounds() {
	local a m p r bad
	for a in "${addrs[@]}"; do
		for m in -I -U -T; do
			for p in "" --paris "-i lo"; do
				bad=0
				for ((r = 1; r <= RUNS; r++)); do
					# shellcheck disable=SC2086 # $p: one word or none
					if [ "$m" = -U ]; then
						one "$a" "$m" -p "$UDP_PORT" $p || bad=$((bad + 1))
					else
						one "$a" "$m" $p || bad=$((bad + 1))
					fi
					[ "$bad" -ge 3 ] && break	# enough said
				done
				printf '  %s %s %s %s: %s\n' "$1" "$a" "$m" "${p:-classic}" \
					"$([ "$bad" = 0 ] && echo "$RUNS of $RUNS exact and quiet" || echo "FAILED")"
			done
		done
	done
}

echo "alone:"
rounds alone

echo "beside ping -i 0.002 to the same address:"
for a in "${addrs[@]}"; do
	# bounded: at most 60 s, and stopped as soon as its address is done
	ping -n -q -i 0.002 -w 60 "$a" >/dev/null 2>&1 &
	pingpid=$!
	sleep 0.1
	if ! kill -0 "$pingpid" 2>/dev/null; then
		echo "  ping -i 0.002 $a would not run: left out"
		pingpid=""
		continue
	fi
	saved=("${addrs[@]}")
	addrs=("$a")
	rounds "with ping"
	addrs=("${saved[@]}")
	stop_ping
done

if [ "$failures" != 0 ]; then
	printf '%s of %s runs failed\n' "$failures" "$checks"
	exit 1
fi
printf 'PASS: %s runs\n' "$checks"
exit 0

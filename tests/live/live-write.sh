#!/bin/bash
# tests/live/live-write.sh - -w keeps the evidence: a live trace written with -w
# and replayed with -r shows the same hops and the same RTTs, to the
# microsecond, as the live run printed (IPv4 ICMP, IPv6 UDP, IPv4 TCP);
# tcpdump reads the file without a warning; and a run stopped by SIGINT or
# SIGTERM mid-trace (deaf target, long wait) leaves a whole file holding
# every probe and reply seen before the signal.  Exit 0 pass, 1 fail,
# 77 skip, 99 hard error.
set -u
# shellcheck source=preamble.sh source-path=SCRIPTDIR disable=SC1091
. "$(dirname "$0")/preamble.sh" timeout
ht_live_net htw
fail=0

bad() {
	echo "FAIL: $*"
	fail=1
}

# Same hops and RTTs: the hop lines of live and replay must be identical.
same_trace() {	# NAME ARGS... (the last is the target)
	local name=$1
	shift
	ht_net_exec "$N" s timeout 60 "$HOPTRACE" -n -w "$tmp/$name.pcap" "$@" \
	    >"$tmp/$name.live" 2>"$tmp/$name.err" || bad "$name: live run failed"
	[ -s "$tmp/$name.err" ] && bad "$name: live stderr: $(cat "$tmp/$name.err")"
	TZ=UTC "$HOPTRACE" -n -r "$tmp/$name.pcap" >"$tmp/$name.replay" \
	    2>"$tmp/$name.rerr" || bad "$name: replay failed"
	[ -s "$tmp/$name.rerr" ] && bad "$name: replay stderr: $(cat "$tmp/$name.rerr")"
	if ! diff -u <(tail -n +2 "$tmp/$name.live") \
	    <(tail -n +2 "$tmp/$name.replay"); then
		bad "$name: replay differs from the live run"
	fi
	[ "$(wc -l <"$tmp/$name.replay")" -eq 9 ] ||
		bad "$name: replay should hold a header and 8 hops"
	if command -v tcpdump >/dev/null; then
		tcpdump -nr "$tmp/$name.pcap" >/dev/null 2>"$tmp/$name.td"
		grep -v '^reading from file' "$tmp/$name.td" | grep -q . &&
			bad "$name: tcpdump complains: $(cat "$tmp/$name.td")"
	fi
}

ht_net_up "$N" --hops 8 || exit 99
same_trace icmp4 "$HT_TARGET4"
same_trace udp6 -U "$HT_TARGET6"
same_trace tcp4 -T "$HT_TARGET4"
ht_net_down "$N"

# Interrupted: a deaf target and a 5 s wait; the signal comes mid-trace.
ht_net_up "$N" --hops 8 --deaf || exit 99
for sig in INT TERM; do
	out=$tmp/sig$sig
	ht_net_exec "$N" s sh -c 'echo $$ >"$1"; exec "$2" -n -W 5 -w "$3" "$4"' \
	    sh "$out.pid" "$HOPTRACE" "$out.pcap" "$HT_TARGET4" >"$out.live" 2>&1 &
	job=$!
	# wait (bounded) until hops 1..7 are printed, then signal
	for _ in $(seq 100); do
		[ "$(grep -c '^ [0-9]  10\.' "$out.live")" -ge 7 ] && break
		sleep 0.05
	done
	kill -s "$sig" "$(cat "$out.pid")"
	wait "$job"
	rc=$?
	want=$((128 + $(kill -l "$sig")))
	[ "$rc" -eq "$want" ] || bad "SIG$sig: exit $rc, want $want"
	TZ=UTC "$HOPTRACE" -n -r "$out.pcap" >"$out.replay" 2>"$out.rerr" ||
		bad "SIG$sig: replay of the interrupted capture failed"
	[ -s "$out.rerr" ] && bad "SIG$sig: replay stderr: $(cat "$out.rerr")"
	# every hop printed live (1..7) is in the file with the same RTTs
	if ! diff -u <(grep '^ [1-7]  ' "$out.live") \
	    <(grep '^ [1-7]  ' "$out.replay"); then
		bad "SIG$sig: the capture lacks replies the live run printed"
	fi
	# the probes beyond (hop 8, unanswered) are in the file too
	grep -q '^ 8  \* \* \*$' "$out.replay" ||
		bad "SIG$sig: the probes to hop 8 are missing from the capture"
done
[ "$fail" -eq 0 ] && echo "PASS: -w complete and faithful"
exit "$fail"

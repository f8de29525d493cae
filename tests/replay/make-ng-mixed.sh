#!/bin/bash
# tests/replay/make-ng-mixed.sh - make pcaps/ng-mixed-traceroute.pcapng (run by
# hand, as root; pcaps/README says what it holds and how it was checked).
#
# On the namespace test network (tests/net/netns.sh, 8 hops), in the source
# namespace, two tcpdumps at once: one on eR (Ethernet, EN10MB) and one on
# lo (Linux records lo as EN10MB with zero MACs).  While both run:
# traceroute -n -I to the target (over eR), then traceroute -n (UDP) to
# 127.0.0.1 (over lo).  tests/replay/ng-merge.py then merges the two into
# one pcapng of two interfaces, lo rewritten as Npcap's loopback adapter
# records it on Windows (link type NULL), as Wireshark on Windows writes
# every interface into one file.  The tools' output goes to
# pcaps/tool-output/ng-mixed-traceroute.txt.  Needs tcpdump, traceroute
# and python3.
set -u
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
. "$top/tests/net/netns.sh"
ht_net_need_root tcpdump traceroute python3
N=htng$$
work=$(mktemp -d /tmp/ht-ng.XXXXXX)
pids=()
cleanup() {
	local p
	for p in "${pids[@]}"; do
		kill -INT "$p" 2>/dev/null
		wait "$p" 2>/dev/null
	done
	ht_net_down "$N"
	rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 143' TERM INT
ht_net_up "$N" --hops 8 || exit 1

for i in eR lo; do
	ip netns exec "${N}s" tcpdump -Z root -s 2048 -B 8192 -U \
		--immediate-mode -i "$i" -w "$work/$i.pcap" >"$work/$i.log" 2>&1 &
	pids+=($!)
done
for ((n = 0; n < 100; n++)); do
	grep -q 'listening on' "$work/eR.log" 2>/dev/null &&
		grep -q 'listening on' "$work/lo.log" 2>/dev/null && break
	sleep 0.05
done
{
	echo "# traceroute -n -I $(ht_hop_addr4 8)   (in the source namespace; tcpdump -i eR)"
	ip netns exec "${N}s" traceroute -n -I "$(ht_hop_addr4 8)"
	echo "# traceroute -n 127.0.0.1   (in the source namespace; tcpdump -i lo)"
	ip netns exec "${N}s" traceroute -n 127.0.0.1
} >"$work/tool.txt" 2>&1
sleep 0.5
for p in "${pids[@]}"; do
	kill -INT "$p"
	wait "$p"
done
pids=()
for i in eR lo; do
	grep -qx '0 packets dropped by kernel' "$work/$i.log" || {
		echo "tcpdump -i $i dropped packets: $(cat "$work/$i.log")" >&2
		exit 1
	}
done
python3 "$here/ng-merge.py" "$top/pcaps/ng-mixed-traceroute.pcapng" \
	"$work/eR.pcap" "$work/lo.pcap:null" || exit 1
mkdir -p "$top/pcaps/tool-output"
cp "$work/tool.txt" "$top/pcaps/tool-output/ng-mixed-traceroute.txt"
cat "$work/tool.txt"

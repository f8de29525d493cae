#!/bin/bash
# The README's demo: build an 8-hop namespace network (there is no
# internet here), trace across it live over IPv4 and IPv6 while keeping the
# probe traffic in a pcap, then replay that capture (no root needed for
# replay).  Usage: tests/demo.sh [path/to/hoptrace]
set -u
here=$(cd "$(dirname "$0")" && pwd)
HOPTRACE=${1:-${HOPTRACE:-$here/../hoptrace}}
. "$here/net/netns.sh"
ht_net_need_root
N=htdemo$$
out=$(mktemp -d)
trap 'ht_net_down $N; rm -rf "$out"' EXIT
trap 'exit 143' TERM INT
echo "== building an 8-hop chain of namespaces (router at hop 3 is silent)"
ht_net_up "$N" --hops 8 --silent 3 || exit 1
echo "== live trace, IPv4, keeping the probes in $out/demo.pcap"
ht_net_exec "$N" s "$HOPTRACE" -n -w "$out/demo.pcap" "$HT_TARGET4" || exit 1
echo "== live trace, IPv6"
ht_net_exec "$N" s "$HOPTRACE" -n "$HT_TARGET6" || exit 1
echo "== replay of the saved capture (same hops, same RTTs)"
"$HOPTRACE" -n -r "$out/demo.pcap" || exit 1
echo "== the same capture as RIPE Atlas JSON"
"$HOPTRACE" -n -j -r "$out/demo.pcap" || exit 1

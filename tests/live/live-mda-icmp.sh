#!/bin/bash
# tests/live/live-mda-icmp.sh - multipath discovery with ICMP echo probes
# (-I --mda) over real Linux routers (tests/net/netns-graph.sh).
#
# A Linux balancer hashes no ICMP field, so the diamonds here are made by
# tests/net/netns-icmp-balance.sh: the balancing routers split echo requests by
# their checksum (nftables jhash and policy routes), the field hoptrace
# varies between flows and holds within one.
#   - a width-4 diamond and the nested diamonds, IPv4 and IPv6, MDA-Lite at
#     99.99%: exactly the topology's nodes and links; full MDA on width 4;
#   - the replay of the run's -w capture gives the same hops, links, flows
#     and totals; -j holds the same graph;
#   - the probes (from the capture, read by tshark when installed): every
#     ICMP checksum valid, equal to the flow, the same at every TTL;
#   - without the checksum balancing (Linux's own hash) the width-4 diamond
#     shows one branch: every node and link found is true, one node at the
#     diamond's hop;
#   - usage: -p 65535 with -I --mda is refused (exit 2, one line).
# Exit 0 pass, 1 fail, 77 skip, 99 hard error.
# shellcheck disable=SC2154,SC2034 # tmp: ht_tmpdir; last_cmd: ht_report
set -u
# shellcheck source=preamble.sh source-path=SCRIPTDIR disable=SC1091
. "$(dirname "$0")/preamble.sh"
# shellcheck source=../net/netns-graph.sh source-path=SCRIPTDIR disable=SC1091
. "$srcdir/net/netns-graph.sh"
# shellcheck source=../net/netns-icmp-balance.sh source-path=SCRIPTDIR disable=SC1091
. "$srcdir/net/netns-icmp-balance.sh"

out=$("$HOPTRACE" -I --mda -p 65535 192.0.2.1 2>&1 >/dev/null)
st=$?
if [ "$st" != 2 ] || [ "$(printf '%s\n' "$out" | wc -l)" != 1 ]; then
	echo "FAIL: hoptrace -I --mda -p 65535: exit $st (want 2), stderr: $out"
	exit 1
fi

ht_net_need_root timeout python3 nft

N=htmdai$$0
ht_tmpdir htmdai "ht_graph_down $N"
failures=0
checks=0

declare -A SPEC
SPEC[width4]=$(ht_graph_shape width4)
SPEC[nested]=$(ht_graph_shape nested)

run() { # ARGS...: hoptrace in the source namespace
	last_cmd="ip netns exec ${N}s hoptrace $*"
	ip netns exec "${N}s" timeout 60 "$HOPTRACE" "$@" >"$tmp/out" 2>"$tmp/err" </dev/null
	rc=$?
}

graph() {
	awk '
	/^    [^ ]/ { from = $1; print "N " $1; next }
	/^      -> / { print "L " from " " $2; next }
	' "$1" | sort -u
}

ok_run() { # DESC
	checks=$((checks + 1))
	if [ "$rc" != 0 ] || [ -s "$tmp/err" ] ||
		! tail -n 1 "$tmp/out" | grep -Eq '^nodes [0-9]+, links [0-9]+, probes [0-9]+, confidence [0-9.]+%$'; then
		ht_report "$1" "exit $rc, stderr $(head -c 200 "$tmp/err"), or no totals line"
		return 1
	fi
	return 0
}

exact() { # DESC AF
	checks=$((checks + 1))
	graph "$tmp/out" >"$tmp/found"
	ht_graph_truth "$2" >"$tmp/truth"
	cmp -s "$tmp/found" "$tmp/truth" && return 0
	ht_report "$1" "graph differs from the topology (< found, > truth):" \
		"$(diff "$tmp/found" "$tmp/truth" | grep '^[<>]' | tr '\n' ';')"
	return 1
}

# cksums DESC AF CAP: the probes' checksums: valid, = flow, one per flow
cksums() {
	command -v tshark >/dev/null 2>&1 || return 0
	checks=$((checks + 1))
	local f=icmp ttl=ip.ttl seq=icmp.seq src="ip.src==$HT_SOURCE4"
	[ "$2" = 6 ] && f=icmpv6 ttl=ipv6.hlim seq=icmpv6.echo.sequence_number \
		src="ipv6.src==$HT_SOURCE6"
	# our probes: from the source, outer header an echo request (the
	# filter also matches the errors that quote them)
	tshark -r "$3" -Y "$src" -E occurrence=f -T fields -e "$ttl" -e "$f.checksum" \
		-e "$f.checksum.status" -e "$seq" -e "$f.type" 2>/dev/null |
		awk '$5 == 8 || $5 == 128 { print $1, $2, $3, $4 }' >"$tmp/ck"
	if ! python3 - "$tmp/ck" "$tmp/out" >"$tmp/ckerr" 2>&1 <<'PY'
import sys
flows = set()
for line in open(sys.argv[2]):
    w = line.split()
    if line.startswith("      -> "):
        for r in w[4].split(","):
            a, _, b = r.partition("-")
            flows.update(range(int(a), int(b or a) + 1))
n = 0
seqs = set()
for line in open(sys.argv[1]):
    ttl, ck, status, seq = line.split()
    n += 1
    assert status == "1", "checksum not valid: " + line
    assert int(ck, 16) >= min(flows), "checksum %s below the flows" % ck
    assert seq not in seqs, "sequence %s twice" % seq
    seqs.add(seq)
assert n > 0, "no probes"
# every flow a link lists is a checksum some probe carried
cks = set(int(l.split()[1], 16) for l in open(sys.argv[1]))
assert flows <= cks, "flows without a probe: %r" % sorted(flows - cks)[:5]
PY
	then
		ht_report "$1: probe checksums" "$(tail -n 1 "$tmp/ckerr")"
	fi
}

for shape in width4 nested; do
	ht_graph_up "$N" "${SPEC[$shape]}" >/dev/null || exit 99
	ht_graph_icmp_balance "$N" || exit 99
	for af in 4 6; do
		if [ "$af" = 4 ]; then tgt=$HT_TARGET4; else tgt=$HT_TARGET6; fi
		desc="$shape IPv$af ICMP MDA-Lite 99.99%"
		run -n -I --mda --confidence=99.99 -w "$tmp/cap" "$tgt"
		ok_run "$desc" || continue
		exact "$desc" "$af"
		cksums "$desc" "$af" "$tmp/cap"
		cp "$tmp/out" "$tmp/live"
		checks=$((checks + 1))
		last_cmd="hoptrace -n -r $tmp/cap --mda"
		"$HOPTRACE" -n -r "$tmp/cap" --mda >"$tmp/out" 2>"$tmp/err"
		if [ -s "$tmp/err" ] || ! cmp -s <(tail -n +2 "$tmp/live") <(tail -n +2 "$tmp/out"); then
			ht_report "$desc: replay" "differs from the live run (< live, > replay):" \
				"$(diff <(tail -n +2 "$tmp/live") <(tail -n +2 "$tmp/out") | grep '^[<>]' | head -5 | tr '\n' ';')"
		fi
		checks=$((checks + 1))
		"$HOPTRACE" -n -r "$tmp/cap" --mda -j >"$tmp/j" 2>"$tmp/err"
		ht_graph_truth "$af" >"$tmp/truth"
		if ! python3 -c '
import json, sys
o = json.loads(open(sys.argv[1]).read())
assert o["type"] == "mda" and o["proto"] == "ICMP", "type/proto"
addr = {n["id"]: n["addr"] for n in o["nodes"]}
got = sorted(set(["N " + a for a in addr.values()] +
    ["L %s %s" % (addr[l["from"]], addr[l["to"]]) for l in o["links"]]))
assert got == open(sys.argv[2]).read().splitlines(), "graph differs"
' "$tmp/j" "$tmp/truth" >"$tmp/jerr" 2>&1; then
			ht_report "$desc: -j replay" "$(tail -n 1 "$tmp/jerr")"
		fi
	done
	if [ "$shape" = width4 ]; then
		desc="width4 IPv4 ICMP full MDA 99.99%"
		run -n -I --mda=full --confidence=99.99 "$HT_TARGET4"
		ok_run "$desc" && exact "$desc" 4
	fi
	ht_graph_down "$N"
done

# Linux's own hash: one branch
ht_graph_up "$N" "${SPEC[width4]}" >/dev/null || exit 99
desc="width4 IPv4 ICMP, Linux's hash"
run -n -I --mda "$HT_TARGET4"
if ok_run "$desc"; then
	checks=$((checks + 1))
	graph "$tmp/out" >"$tmp/found"
	ht_graph_truth 4 >"$tmp/truth"
	if [ -n "$(comm -23 "$tmp/found" "$tmp/truth")" ] || [ "$(grep -c '^N ' "$tmp/found")" != 5 ]; then
		ht_report "$desc" "want one true path of 5 nodes, got: $(tr '\n' ';' <"$tmp/found")"
	fi
fi

if [ "$failures" != 0 ]; then
	echo "FAIL: $failures of $checks checks"
	exit 1
fi
echo "PASS: $checks checks: ICMP MDA on width-4 and nested diamonds balanced by the checksum, IPv4 and IPv6, live and replayed, checksums, Linux's own hash"

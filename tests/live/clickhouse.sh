#!/bin/bash
# tests/live/clickhouse.sh - a scan's rows in ClickHouse (src/mode/scan/clickhouse.sql):
# a run over the test network (tests/net/netns.sh --prefix: 256 targets of
# 10.200.0.0/24 and 64 of 10.200.128.0/26, 3 and 5 hops away), a private
# clickhouse-server (its own port, data and log directories, on loopback),
# the table made from the schema file, the rows loaded with FORMAT
# JSONEachRow, and the distinct responders per target and TTL that the
# server gives equal to those of hoptrace's own rows; rows loaded equal
# rows written; and the server's groups equal to the topology's truth
# (every target, every TTL to its distance, its one true responder).
# Then the rows replayed from peers' captures (-r FILE --rows: Linux
# traceroute, scamper and mtr, each over the 8-hop chain 10.77.k.2 to
# 10.77.7.2) load into the same table beside the scan's (which keep the
# trace columns' defaults), and the responders per TTL the server gives
# are the chain's, each TTL seen by every capture's trace.
# Skips (77) without root, netns or clickhouse-server.
# Exit 0 pass, 1 fail, 77 skip, 99 hard error.
set -u
# shellcheck source=preamble.sh source-path=SCRIPTDIR disable=SC1091
. "$(dirname "$0")/preamble.sh" python3 timeout clickhouse-server clickhouse-client
# shellcheck disable=SC2154 # top_srcdir: set by preamble.sh
schema=$top_srcdir/src/mode/scan/clickhouse.sql
[ -s "$schema" ] || { echo "ERROR: no $schema"; exit 99; }

N=htch$$
chpid=""
ht_tmpdir htch 'ht_net_down $N; [ -n "$chpid" ] && kill "$chpid" 2>/dev/null && wait "$chpid" 2>/dev/null'
ht_net_up "$N" --hops 5 --prefix --prefix-short 3 || {
	echo "ERROR: ht_net_up $N failed"
	exit 99
}

printf '10.200.0.0/24\n10.200.128.0/26\n' >"$tmp/targets"
ht_net_exec "$N" s timeout 60 "$HOPTRACE" --targets="$tmp/targets" --rows \
	--rate=4000 -m 8 >"$tmp/rows.json" 2>"$tmp/err" || {
	echo "FAIL: the scan failed:"
	cat "$tmp/err"
	exit 1
}

# a private server: ports from the PID, everything under $tmp/ch
base=$((20000 + ($$ % 1000) * 3))
mkdir -p "$tmp/ch/data" "$tmp/ch/log"
sed -e "s|/var/lib/clickhouse/|$tmp/ch/data/|g" \
	-e "s|/var/log/clickhouse-server/|$tmp/ch/log/|g" \
	-e "s|<http_port>8123</http_port>|<http_port>$base</http_port>|" \
	-e "s|<tcp_port>9000</tcp_port>|<tcp_port>$((base + 1))</tcp_port>|" \
	-e "s|<interserver_http_port>9009</interserver_http_port>|<interserver_http_port>$((base + 2))</interserver_http_port>|" \
	-e "s|<https_port>8443</https_port>||" -e "s|<tcp_port_secure>9440</tcp_port_secure>||" \
	/etc/clickhouse-server/config.xml >"$tmp/ch/config.xml"
cp /etc/clickhouse-server/users.xml "$tmp/ch/users.xml"
(cd "$tmp/ch" && exec clickhouse-server --config-file="$tmp/ch/config.xml") \
	>"$tmp/ch/out" 2>&1 &
chpid=$!
q() { clickhouse-client --port $((base + 1)) "$@"; }
for ((i = 0; i < 60; i++)); do
	q --query 'SELECT 1' >/dev/null 2>&1 && break
	kill -0 "$chpid" 2>/dev/null || break
	sleep 0.5
done
if ! q --query 'SELECT 1' >/dev/null 2>&1; then
	echo "ERROR: clickhouse-server did not start:"
	tail -20 "$tmp/ch/out" "$tmp/ch/log/clickhouse-server.err.log" 2>/dev/null
	exit 99
fi
fail=0
q --multiquery <"$schema" || { echo "FAIL: the schema does not load"; exit 1; }
q --query 'INSERT INTO hoptrace.hops FORMAT JSONEachRow' <"$tmp/rows.json" ||
	{ echo "FAIL: the rows do not load"; exit 1; }
n=$(q --query 'SELECT count() FROM hoptrace.hops')
if [ "$n" != "$(wc -l <"$tmp/rows.json")" ]; then
	echo "FAIL: $n rows in the table, $(wc -l <"$tmp/rows.json") written"
	fail=1
fi
# distinct responders per target and TTL: the server's, and the rows'
q --query "SELECT target, ttl, arrayStringConcat(arraySort(groupUniqArray(responder)), ',')
	FROM hoptrace.hops GROUP BY target, ttl ORDER BY target, ttl FORMAT TabSeparated" >"$tmp/ch.tsv"
python3 -c '
import json, sys
d = {}
for line in open(sys.argv[1]):
    r = json.loads(line)
    d.setdefault((r["target"], r["ttl"]), set()).add(r["responder"])
for (t, ttl) in sorted(d):
    print("%s\t%d\t%s" % (t, ttl, ",".join(sorted(d[(t, ttl)]))))
' "$tmp/rows.json" >"$tmp/own.tsv"
if ! cmp -s "$tmp/ch.tsv" "$tmp/own.tsv"; then
	echo "FAIL: responders per target and TTL differ (server < > rows):"
	diff "$tmp/ch.tsv" "$tmp/own.tsv" | head -10
	fail=1
fi
# and the server's groups against the topology: all 320 targets, each
# with every TTL up to its distance, each group the one true responder
# (a router below the distance, the target itself from there on)
if ! out=$(python3 - "$tmp/ch.tsv" <<'PY'
import ipaddress, sys
want = [ipaddress.ip_address("10.200.0.0") + i for i in range(256)] + \
    [ipaddress.ip_address("10.200.128.0") + i for i in range(64)]
short = ipaddress.ip_network("10.200.128.0/17")
got, err = {}, []
for line in open(sys.argv[1]):
    t, ttl, resp = line.rstrip("\n").split("\t")
    got.setdefault(t, {})[int(ttl)] = resp
for a in want:
    d = 3 if a in short else 5
    g = got.pop(str(a), {})
    for ttl in range(1, d + 1):
        truth = "10.77.%d.2" % (ttl - 1) if ttl < d else str(a)
        if g.get(ttl) != truth:
            err.append("%s ttl %d: the server says %r, the topology %s" % (a, ttl, g.get(ttl), truth))
    err += ["%s ttl %d: %r beyond its end" % (a, k, v) for k, v in g.items() if k > d and v != str(a)]
err += ["%s: not a target" % t for t in got]
print("\n".join(err[:10]))
sys.exit(1 if err else 0)
PY
); then
	echo "FAIL: the server's responders per target and TTL against the topology:"
	echo "$out"
	fail=1
fi
# the times arrive as written
t=$(q --query 'SELECT min(toUInt32(time)) = min(intDiv(time_ns, 1000000000)) FROM hoptrace.hops')
[ "$t" = 1 ] || { echo "FAIL: time and time_ns disagree in the table"; fail=1; }
# rows from any capture: three peers' traces of the chain 10.77.k.2
peers="traceroute-icmp4 scamper-icmp-paris4 mtr-icmp4-r3"
: >"$tmp/peers.json"
for p in $peers; do
	"$HOPTRACE" -r "$top_srcdir/pcaps/$p.pcap" --rows >>"$tmp/peers.json" 2>"$tmp/err" || {
		echo "FAIL: hoptrace -r pcaps/$p.pcap --rows failed:"
		cat "$tmp/err"
		exit 1
	}
done
q --query 'INSERT INTO hoptrace.hops FORMAT JSONEachRow' <"$tmp/peers.json" ||
	{ echo "FAIL: the peers' rows do not load"; exit 1; }
n=$(q --query 'SELECT count() FROM hoptrace.hops WHERE trace > 0')
if [ "$n" != "$(wc -l <"$tmp/peers.json")" ]; then
	echo "FAIL: $n trace rows in the table, $(wc -l <"$tmp/peers.json") written"
	fail=1
fi
n=$(q --query 'SELECT count() FROM hoptrace.hops WHERE trace = 0 AND trace_ns = 0 AND probe_size = 0')
if [ "$n" != "$(wc -l <"$tmp/rows.json")" ]; then
	echo "FAIL: $n rows with the trace columns' defaults, the scan wrote $(wc -l <"$tmp/rows.json")"
	fail=1
fi
# responders per TTL of the chain, and how many traces saw each TTL
q --query "SELECT ttl, arrayStringConcat(arraySort(groupUniqArray(responder)), ','),
	uniqExact(trace_ns) FROM hoptrace.hops WHERE trace > 0 AND target = '10.77.7.2'
	GROUP BY ttl ORDER BY ttl FORMAT TabSeparated" >"$tmp/peers.tsv"
for ((k = 1; k <= 8; k++)); do
	printf '%d\t10.77.%d.2\t3\n' "$k" $((k - 1))
done >"$tmp/chain.tsv"
if ! cmp -s "$tmp/peers.tsv" "$tmp/chain.tsv"; then
	echo "FAIL: the peers' responders per TTL against the chain (< server, > truth):"
	diff "$tmp/peers.tsv" "$tmp/chain.tsv" | head -10
	fail=1
fi
echo "$(wc -l <"$tmp/rows.json") rows, $(wc -l <"$tmp/ch.tsv") (target, TTL) groups;" \
	"$(wc -l <"$tmp/peers.json") rows of $peers"
[ "$fail" = 0 ] && echo "PASS: ClickHouse agrees" && exit 0
exit 1

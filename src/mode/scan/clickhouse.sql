-- src/mode/scan/clickhouse.sql - the table for hoptrace's rows: a scan's
-- (--targets ... --rows) and those of any capture (-r FILE --rows)
--
-- One row per reply, the fields of hoptrace(1) MANY TARGETS in their order,
-- then those only a trace's rows have (hoptrace(1) OUTPUT, Rows): what
-- names the trace, the tool's flow and the probe.  Those columns have
-- defaults, so a scan's rows (and rows written before they came) load as
-- they are:
--   clickhouse-client --query 'INSERT INTO hoptrace.hops FORMAT JSONEachRow' <rows.json
--   hoptrace -r traceroute.pcap --rows |
--       clickhouse-client --query 'INSERT INTO hoptrace.hops FORMAT JSONEachRow'
--
-- Partitioned by day of capture (a run, or a day of runs, drops or moves as
-- a whole); ordered by target, TTL and time, the questions users ask:
--   interfaces per TTL:   SELECT ttl, uniqExact(responder) ... GROUP BY ttl
--   the path to a target: SELECT ttl, groupUniqArray(responder) ...
--                         WHERE target = '...' GROUP BY ttl ORDER BY ttl
--   RTT distributions:    SELECT responder, quantiles(0.5, 0.9, 0.99)(rtt) ...
-- Addresses are text (ClickHouse 18.16, Debian's, has no IPv6 type); newer
-- servers may use IPv4/IPv6 columns for responder and target.
--
-- On a cluster: this table on every shard (as hops_local), and a
-- Distributed table over them, sharded by target so that each target's
-- rows stay on one shard:
--   CREATE TABLE hoptrace.hops_all AS hoptrace.hops_local
--       ENGINE = Distributed(CLUSTER, hoptrace, hops_local, cityHash64(target));
-- then INSERT into and SELECT from hops_all.

CREATE DATABASE IF NOT EXISTS hoptrace;

CREATE TABLE IF NOT EXISTS hoptrace.hops (
    target      String,     -- the address probed
    ttl         UInt8,      -- the probe's TTL / hop limit
    responder   String,     -- the reply's source
    rtt         Float64,    -- milliseconds
    reply       String,     -- time-exceeded, unreachable, echo-reply, tcp-syn-ack, tcp-rst
    icmp_type   UInt8,
    icmp_code   UInt8,
    quoted_ttl  UInt8,      -- as the router quoted it; 0 for echo replies
    reply_ttl   UInt8,
    size        UInt16,     -- the reply's IP length
    time        DateTime,   -- capture of the reply, Unix seconds
    time_ns     UInt64,     -- the same, nanoseconds
    src         String,     -- the prober's address
    af          UInt8,      -- 4 or 6
    proto       String,     -- the probes': ICMP, UDP or TCP
    -- a trace's rows only (-r FILE --rows); a scan's take the defaults
    trace       UInt32 DEFAULT 0,   -- the trace's number in its replay, from 1
    trace_ns    UInt64 DEFAULT 0,   -- its first probe's capture, nanoseconds
    sport       UInt16 DEFAULT 0,   -- the probe's UDP/TCP ports (0: ICMP)
    dport       UInt16 DEFAULT 0,
    icmp_id     UInt16 DEFAULT 0,   -- the probe's ICMP echo identifier
    flow_id     UInt16 DEFAULT 0,   -- what a per-flow load balancer hashes:
                                    -- UDP/TCP destination port, ICMP checksum
    probe_seq   UInt32 DEFAULT 0,   -- ICMP sequence, TCP sequence number
    probe_ipid  UInt32 DEFAULT 0,   -- IPv4 ID, IPv6 flow label
    probe_cksum UInt16 DEFAULT 0,   -- its ICMP, UDP or TCP checksum
    probe_size  UInt16 DEFAULT 0,   -- its IP length
    probe_ns    UInt64 DEFAULT 0    -- its capture, nanoseconds
) ENGINE = MergeTree()
PARTITION BY toYYYYMMDD(time)
ORDER BY (target, ttl, time);

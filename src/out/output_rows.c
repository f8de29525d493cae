/* \summary: rows of any trace as JSON Lines (ClickHouse FORMAT JSONEachRow): one a reply */
/*
 * One object an answered probe, in the order the probes were sent, the
 * fields of a scan's rows first and in their order (mode/scan/scan_rows.c,
 * so that both load into the table of mode/scan/clickhouse.sql):
 *   target, ttl, responder, rtt (ms, microsecond resolution), reply
 *   ("time-exceeded", "unreachable", "echo-reply", "tcp-syn-ack",
 *   "tcp-rst"), icmp_type, icmp_code (0 for a TCP reply), quoted_ttl (0
 *   for an echo reply), reply_ttl, size (the reply's IP length), time
 *   (Unix seconds of the reply's capture), time_ns, src, af, proto;
 * then what only a trace has:
 *   trace (its number in the run, from 1), trace_ns (the capture time
 *   of its first probe: with src, target and proto it names the trace
 *   across runs), the tool's flow: sport, dport (UDP and TCP; 0 for
 *   ICMP), icmp_id (ICMP echo; 0 for UDP and TCP), flow_id (what a
 *   per-flow load balancer tells flows apart by, wire/decode.h
 *   ht_l4_flow), and the probe: probe_seq (ICMP sequence, TCP sequence
 *   number; 0 for UDP), probe_ipid (IPv4 ID, IPv6 flow label),
 *   probe_cksum (its ICMP, UDP or TCP checksum), probe_size (its IP
 *   length), probe_ns (its capture time).
 * Every value is a number or an address, so no escaping is needed.
 */
#ifdef HAVE_CONFIG_H
#include <config.h>
#endif

#include <inttypes.h>
#include <stdio.h>

#include "base/addr.h"
#include "match/trace.h"
#include "out/output.h"
#include "wire/decode.h"

static const char *
reply_name(const struct ht_probe *p)
{
	switch (p->rkind) {
	case HT_R_TIMEX: return "time-exceeded";
	case HT_R_UNREACH: return "unreachable";
	case HT_R_ECHO: return "echo-reply";
	case HT_R_TCP: return p->tflags & HT_TH_RST ? "tcp-rst" : "tcp-syn-ack";
	default: return "other";
	}
}

static int
is_icmp(uint8_t proto)
{
	return proto == HT_PROTO_ICMP || proto == HT_PROTO_ICMP6;
}

static void
row(FILE *fp, const struct ht_trace *t, const struct ht_probe *p,
    uint64_t n)
{
	char d[HT_ADDRSTRLEN], f[HT_ADDRSTRLEN], s[HT_ADDRSTRLEN];
	ht_ns rtt = p->t_reply > p->t_sent ? p->t_reply - p->t_sent : 0;
	int icmp = is_icmp(t->proto);

	fprintf(fp, "{\"target\":\"%s\",\"ttl\":%u,\"responder\":\"%s\","
	    "\"rtt\":%" PRIu64 ".%03" PRIu64 ",\"reply\":\"%s\","
	    "\"icmp_type\":%u,\"icmp_code\":%u,\"quoted_ttl\":%u,"
	    "\"reply_ttl\":%u,\"size\":%u,\"time\":%" PRIu64 ","
	    "\"time_ns\":%" PRIu64 ",\"src\":\"%s\",\"af\":%d,"
	    "\"proto\":\"%s\",\"trace\":%" PRIu64 ",\"trace_ns\":%" PRIu64 ","
	    "\"sport\":%u,\"dport\":%u,\"icmp_id\":%u,\"flow_id\":%u,"
	    "\"probe_seq\":%" PRIu32 ",\"probe_ipid\":%" PRIu32 ","
	    "\"probe_cksum\":%u,\"probe_size\":%u,\"probe_ns\":%" PRIu64 "}\n",
	    ht_addr_str(&t->dst, d), p->ttl, ht_addr_str(&p->from, f),
	    (uint64_t)(rtt / 1000000), (uint64_t)(rtt / 1000 % 1000),
	    reply_name(p), p->rtype,
	    p->rkind == HT_R_TIMEX || p->rkind == HT_R_UNREACH ? p->rcode : 0,
	    p->rkind == HT_R_TIMEX || p->rkind == HT_R_UNREACH ? p->qttl : 0,
	    p->rttl, p->rsize,
	    (uint64_t)(p->t_reply / HT_NS_PER_SEC), (uint64_t)p->t_reply,
	    ht_addr_str(&t->src, s), t->dst.af, ht_proto_name(t->proto),
	    n, (uint64_t)t->t_first,
	    icmp ? 0u : p->l4.sport, icmp ? 0u : p->l4.dport,
	    icmp ? p->l4.id : 0u, ht_l4_flow(t->proto, &p->l4),
	    icmp ? (uint32_t)p->l4.seq : t->proto == HT_PROTO_TCP ?
	    p->l4.tseq : 0u, p->ipid, p->l4.cksum, p->size,
	    (uint64_t)p->t_sent);
}

void
ht_rows_trace(const struct ht_outctx *o, const struct ht_trace *t,
    uint8_t first_ttl, uint8_t last_ttl, uint64_t n)
{
	const struct ht_probe *p;
	uint32_t i;

	for (i = 0; i < t->n; i++) {
		p = &t->p[i];
		if (p->rkind != HT_R_NONE && p->ttl >= first_ttl &&
		    p->ttl <= last_ttl)
			row(o->fp, t, p, n);
	}
}

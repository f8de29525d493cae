/* \summary: a scan's rows as JSON Lines (ClickHouse FORMAT JSONEachRow) */
/*
 * One object a reply, its fields in this order (schema in
 * scan/schema.sql, meanings in hoptrace(1)):
 *   target, ttl, responder, rtt (ms, microsecond resolution), reply
 *   ("time-exceeded", "unreachable", "echo-reply", "tcp-syn-ack",
 *   "tcp-rst"), icmp_type, icmp_code (0 for a TCP reply),
 *   quoted_ttl (0 for an echo reply: it quotes nothing), reply_ttl, size
 *   (the reply's IP length), time (Unix seconds of its capture), time_ns,
 *   src, af, proto ("ICMP", "UDP", "TCP": the probes').
 * Every value is a number or an address, so no escaping is needed.
 */
#ifdef HAVE_CONFIG_H
#include <config.h>
#endif

#include <inttypes.h>

#include "mode/scan/scan.h"
#include "wire/decode.h"

static const char *
reply_name(const struct ht_scan_row *r)
{
	switch (r->kind) {
	case HT_R_TIMEX: return "time-exceeded";
	case HT_R_UNREACH: return "unreachable";
	case HT_R_ECHO: return "echo-reply";
	case HT_R_TCP: return r->tflags & HT_TH_RST ? "tcp-rst" : "tcp-syn-ack";
	default: return "other";
	}
}

static const char *
proto_name(uint8_t proto)
{
	switch (proto) {
	case HT_PROTO_UDP: return "UDP";
	case HT_PROTO_TCP: return "TCP";
	default: return "ICMP";
	}
}

void
ht_scan_row_json(FILE *fp, const struct ht_scan_row *r)
{
	char t[HT_ADDRSTRLEN], f[HT_ADDRSTRLEN], s[HT_ADDRSTRLEN];

	fprintf(fp, "{\"target\":\"%s\",\"ttl\":%u,\"responder\":\"%s\","
	    "\"rtt\":%" PRIu64 ".%03" PRIu64 ",\"reply\":\"%s\","
	    "\"icmp_type\":%u,\"icmp_code\":%u,\"quoted_ttl\":%u,"
	    "\"reply_ttl\":%u,\"size\":%u,\"time\":%" PRIu64 ","
	    "\"time_ns\":%" PRIu64 ",\"src\":\"%s\",\"af\":%d,"
	    "\"proto\":\"%s\"}\n",
	    ht_addr_str(&r->target, t), r->ttl, ht_addr_str(&r->from, f),
	    (uint64_t)(r->rtt / 1000000), (uint64_t)(r->rtt / 1000 % 1000),
	    reply_name(r),
	    r->type, r->code, r->qttl, r->rttl, r->rsize,
	    (uint64_t)(r->ts / HT_NS_PER_SEC), (uint64_t)r->ts,
	    ht_addr_str(&r->src, s),
	    r->target.af, proto_name(r->proto));
}

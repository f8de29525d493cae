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

#include <stdio.h>
#include <string.h>

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

/*
 * A row is written into a buffer by hand and out with one fwrite: half
 * the time a printf of its 27 fields took (bench/replay.sh rows).
 */
struct line {
	char b[768];	/* 27 fields: names 360 bytes, values under 300 */
	size_t n;
};

static void
put(struct line *l, const char *s)
{
	size_t k = strlen(s);

	if (l->n + k <= sizeof(l->b)) {
		memcpy(l->b + l->n, s, k);
		l->n += k;
	}
}

/* A decimal number, at least width digits (zeros in front). */
static void
put_u(struct line *l, uint64_t v, int width)
{
	static const char pairs[] =
	    "00010203040506070809101112131415161718192021222324"
	    "25262728293031323334353637383940414243444546474849"
	    "50515253545556575859606162636465666768697071727374"
	    "75767778798081828384858687888990919293949596979899";
	char d[24];
	int k = (int)sizeof(d), i;

	/* two digits a division: the timestamps have 19 */
	while (v >= 100) {
		i = (int)(v % 100) * 2;
		v /= 100;
		d[--k] = pairs[i + 1];
		d[--k] = pairs[i];
	}
	if (v >= 10) {
		d[--k] = pairs[v * 2 + 1];
		d[--k] = pairs[v * 2];
	} else
		d[--k] = (char)('0' + v);
	while ((int)sizeof(d) - k < width && k > 0)
		d[--k] = '0';
	if (l->n + (sizeof(d) - (size_t)k) <= sizeof(l->b)) {
		memcpy(l->b + l->n, d + k, sizeof(d) - (size_t)k);
		l->n += sizeof(d) - (size_t)k;
	}
}

/* ",\"key\":" then the number */
static void
field(struct line *l, const char *key, uint64_t v)
{
	put(l, ",\"");
	put(l, key);
	put(l, "\":");
	put_u(l, v, 1);
}

/* The part of a row every row of trace t shares, after "responder". */
struct trace_part {
	char dst[HT_ADDRSTRLEN], src[HT_ADDRSTRLEN];
};

static void
row(FILE *fp, const struct ht_trace *t, const struct trace_part *tp,
    const struct ht_probe *p, uint64_t n)
{
	char f[HT_ADDRSTRLEN];
	ht_ns rtt = p->t_reply > p->t_sent ? p->t_reply - p->t_sent : 0;
	int icmp = is_icmp(t->proto);
	int err = p->rkind == HT_R_TIMEX || p->rkind == HT_R_UNREACH;
	struct line l;

	l.n = 0;
	put(&l, "{\"target\":\"");
	put(&l, tp->dst);
	put(&l, "\"");
	field(&l, "ttl", p->ttl);
	put(&l, ",\"responder\":\"");
	put(&l, ht_addr_str(&p->from, f));
	put(&l, "\",\"rtt\":");
	put_u(&l, rtt / 1000000, 1);
	put(&l, ".");
	put_u(&l, rtt / 1000 % 1000, 3);
	put(&l, ",\"reply\":\"");
	put(&l, reply_name(p));
	put(&l, "\"");
	field(&l, "icmp_type", p->rtype);
	field(&l, "icmp_code", err ? p->rcode : 0);
	field(&l, "quoted_ttl", err ? p->qttl : 0);
	field(&l, "reply_ttl", p->rttl);
	field(&l, "size", p->rsize);
	field(&l, "time", p->t_reply / HT_NS_PER_SEC);
	field(&l, "time_ns", p->t_reply);
	put(&l, ",\"src\":\"");
	put(&l, tp->src);
	put(&l, "\"");
	field(&l, "af", t->dst.af);
	put(&l, ",\"proto\":\"");
	put(&l, ht_proto_name(t->proto));
	put(&l, "\"");
	field(&l, "trace", n);
	field(&l, "trace_ns", t->t_first);
	field(&l, "sport", icmp ? 0u : p->l4.sport);
	field(&l, "dport", icmp ? 0u : p->l4.dport);
	field(&l, "icmp_id", icmp ? p->l4.id : 0u);
	field(&l, "flow_id", ht_l4_flow(t->proto, &p->l4));
	field(&l, "probe_seq", icmp ? (uint32_t)p->l4.seq :
	    t->proto == HT_PROTO_TCP ? p->l4.tseq : 0u);
	field(&l, "probe_ipid", p->ipid);
	field(&l, "probe_cksum", p->l4.cksum);
	field(&l, "probe_size", p->size);
	field(&l, "probe_ns", p->t_sent);
	put(&l, "}\n");
	fwrite(l.b, 1, l.n, fp);
}

void
ht_rows_trace(const struct ht_outctx *o, const struct ht_trace *t,
    uint8_t first_ttl, uint8_t last_ttl, uint64_t n)
{
	const struct ht_probe *p;
	struct trace_part tp;
	uint32_t i;

	ht_addr_str(&t->dst, tp.dst);
	ht_addr_str(&t->src, tp.src);
	for (i = 0; i < t->n; i++) {
		p = &t->p[i];
		if (p->rkind != HT_R_NONE && p->ttl >= first_ttl &&
		    p->ttl <= last_ttl)
			row(o->fp, t, &tp, p, n);
	}
}

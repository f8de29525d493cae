/* \summary: libFuzzer target: one frame of any link type through decode, matcher and renderers */
/*
 * Input: a 2-byte big-endian link type, then the frame.  A link type that
 * ht_decode_dlt_ok() accepts is taken as is (so seeds read naturally: 00 01
 * is Ethernet, 00 71 Linux cooked); any other value picks one by index.
 *
 * Each input stands alone: a fresh matcher (learn = 1, as replay runs it)
 * sees the decoded packet several times at rising capture times, together
 * with the probes it would answer (made from its quoted header, or from
 * its addresses and ports for echo and TCP replies), so replies get matched
 * and traces get ordered, finished and rendered as text and JSON.
 */
#ifdef HAVE_CONFIG_H
#include <config.h>
#endif

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "match/trace.h"
#include "out/output.h"
#include "wire/decode.h"

#define T0	(1700000000ull * HT_NS_PER_SEC)
#define MS	1000000ull
#define WAIT	(5 * HT_NS_PER_SEC)

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Every link type ht_decode_dlt_ok() accepts (14: DLT_RAW on OpenBSD). */
static const int dlts[] = { 1, 113, 276, 12, 228, 229, 0, 108, 9, 50, 104,
    14 };
#define NDLTS	(sizeof(dlts) / sizeof(dlts[0]))

static FILE *devnull;
static volatile uint64_t sink;

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	if ((devnull = fopen("/dev/null", "w")) == NULL) {
		perror("/dev/null");
		return -1;
	}
	return 0;
}

static int
pick_dlt(const uint8_t *data)
{
	unsigned v = (unsigned)data[0] << 8 | data[1];
	size_t i;

	for (i = 0; i < NDLTS; i++)
		if (dlts[i] == (int)v && ht_decode_dlt_ok(dlts[i]))
			return dlts[i];
	return dlts[v % NDLTS];
}

/*
 * A probe, as ht_decode() would report it, that the reply r answers.
 * Returns -1 if r answers nothing a probe could be.
 */
static int
probe_for(const struct ht_pkt *r, struct ht_pkt *p)
{
	memset(p, 0, sizeof(*p));
	p->kind = HT_PKT_PROBE;
	switch (r->kind) {
	case HT_PKT_ERROR:
		p->ip = r->qip;
		p->l4 = r->ql4;
		break;
	case HT_PKT_ECHOREPLY:
		p->ip = r->ip;
		p->l4 = r->l4;
		p->l4.type = r->ip.proto == HT_PROTO_ICMP ? HT_ICMP_ECHO :
		    HT_ICMP6_ECHO;
		break;
	case HT_PKT_TCPREPLY:
		p->ip = r->ip;
		p->l4 = r->l4;
		p->l4.sport = r->l4.dport;
		p->l4.dport = r->l4.sport;
		p->l4.tseq = r->l4.tack - 1;
		p->l4.tack = 0;
		p->l4.tflags = HT_TH_SYN;
		break;
	default:
		return -1;
	}
	if (r->kind != HT_PKT_ERROR) {
		p->ip.src = r->ip.dst;
		p->ip.dst = r->ip.src;
	}
	/* Only what the decoder can report as a probe. */
	switch (p->ip.proto) {
	case HT_PROTO_ICMP:
	case HT_PROTO_ICMP6:
		if (p->l4.have < 8 ||
		    (p->ip.proto == HT_PROTO_ICMP) != (p->ip.src.af == 4) ||
		    p->l4.type != (p->ip.proto == HT_PROTO_ICMP ?
		    HT_ICMP_ECHO : HT_ICMP6_ECHO))
			return -1;
		break;
	case HT_PROTO_UDP:
		if (p->l4.have < 4)
			return -1;
		p->l4.have = 8;
		break;
	case HT_PROTO_TCP:
		if (p->l4.have < 4)
			return -1;
		p->l4.have = 18;
		p->l4.tflags = HT_TH_SYN;
		break;
	default:
		return -1;
	}
	if (p->ip.ttl == 0)
		p->ip.ttl = 1;
	return 0;
}

static void
feed(struct ht_matcher *m, const struct ht_pkt *pkt, ht_ns ts)
{
	struct ht_match res;

	sink += ht_match_packet(m, pkt, ts, &res);
	if (res.t != NULL)
		sink += res.t->n + res.probe;
}

/* The drivers' rendering: every finished trace, text then JSON. */
static void
render(struct ht_matcher *m, ht_ns now, int eof)
{
	struct ht_outctx o;
	struct ht_trace *t;
	uint8_t ttl, last;
	uint32_t i;

	memset(&o, 0, sizeof(o));
	o.fp = devnull;
	ht_matcher_expire(m, now);
	while ((t = ht_matcher_ready(m, eof)) != NULL) {
		last = ht_trace_last_ttl(t);
		ht_text_header(&o, t);
		for (ttl = t->min_ttl; ttl >= t->min_ttl && ttl <= last;
		    ttl++) {
			for (i = 0; i < t->n; i++)
				if (t->p[i].ttl == ttl)
					break;
			if (i < t->n)
				ht_text_hop(&o, t, ttl);
			sink += ht_trace_hop_answered(t, ttl);
			if (ttl == 255)
				break;
		}
		sink += (uint64_t)ht_json_trace(&o, t, last, t->t_last);
		ht_trace_free(m, t);
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct ht_matcher m;
	struct ht_pkt pkt, probe, again;
	int dlt, have_probe;

	if (size < 2)
		return 0;
	dlt = pick_dlt(data);
	sink += ht_decode(dlt, data + 2, size - 2, &pkt);
	sink += pkt.status + pkt.ip.len + pkt.qlen + pkt.ext.n_mpls +
	    pkt.ext.n_if;
	sink += (uintptr_t)ht_status_str(pkt.status);
	if (pkt.kind == HT_PKT_OTHER)
		return 0;

	ht_matcher_init(&m, 1, WAIT);
	have_probe = probe_for(&pkt, &probe) == 0;
	if (have_probe) {
		/* Probes at two TTLs, then the reply, a copy, a late copy. */
		feed(&m, &probe, T0);
		probe.ip.ttl = (uint8_t)(probe.ip.ttl + 1);
		probe.ip.id++;
		feed(&m, &probe, T0 + 1 * MS);
	}
	feed(&m, &pkt, T0 + 2 * MS);
	feed(&m, &pkt, T0 + 3 * MS);
	if (pkt.kind == HT_PKT_PROBE) {
		/* The next hop's probe: the trace spans two TTLs. */
		again = pkt;
		again.ip.ttl = (uint8_t)(again.ip.ttl + 1);
		again.ip.id++;
		feed(&m, &again, T0 + 4 * MS);
	}
	render(&m, T0 + 5 * MS, 0);
	/* Past the wait and the staleness: a restart, then expiry. */
	feed(&m, &pkt, T0 + 20 * HT_NS_PER_SEC);
	if (have_probe)
		feed(&m, &probe, T0 + 21 * HT_NS_PER_SEC);
	render(&m, T0 + 40 * HT_NS_PER_SEC, 0);
	render(&m, T0 + 40 * HT_NS_PER_SEC, 1);
	sink += m.n_probes + m.n_replies + m.n_unmatched + m.n_dups;
	ht_matcher_free(&m);
	return 0;
}

/* \summary: unit tests of the matcher (trace.c) on decoded hand-made packets */
/*
 * Packets start as hex text (field by field below, checksums real; the same
 * bytes as in check_decode.c) and go through ht_decode().  Variations (another
 * TTL, sequence number, IP ID) are made by changing the decoded fields the
 * way the wire bytes would change, checksums included (RFC 1624), and
 * test_builders_match_wire checks the builders against literal packets.
 *
 * Addresses: us 192.0.2.1 / 2001:db8::1, destination 198.51.100.7 /
 * 2001:db8:2::7, routers 203.0.113.x / 2001:db8:1::5.
 */
#ifdef HAVE_CONFIG_H
#include <config.h>
#endif

#include <check.h>
#include <pcap/dlt.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "hex.h"
#include "match/trace.h"
#include "packets.h"
#include "wire/decode.h"

#define MAXFRAME	2048
#define MS		(HT_NS_PER_SEC / 1000)
#define US		(HT_NS_PER_SEC / 1000000)
#define T0		(1700000000ull * HT_NS_PER_SEC)	/* 2023-11-14 */
#define WAIT		(2 * HT_NS_PER_SEC)

/* ------------------------------------------------------------------ */
/* Fixtures                                                            */

/* The next probe: TTL 4, ID 0x1004, seq 4 (checks the builders). */
static const char ECHO4_S4[] =
    /* IPv4: len 36 | ID 0x1004 | TTL 4 | proto 1 | cksum 0xba99 */
    "45 00 00 24 10 04 00 00 04 01 ba 99 c0 00 02 01 c6 33 64 07 "
    /* ICMP: type 8 | code 0 | cksum 0x447f | id 0x04d2 | seq 4 */
    "08 00 44 7f 04 d2 00 04 "
    "68 6f 70 74 72 61 63 65 ";

/* Time exceeded from 203.0.113.5 quoting ECHO4 as it arrived (TTL 1). */
static const char TE4_ECHO[] =
    /* IPv4: len 64 | ID 0xbeef | TTL 253 | proto 1 | cksum 0x00c6
     * | 203.0.113.5 -> 192.0.2.1 */
    "45 00 00 40 be ef 00 00 fd 01 00 c6 cb 00 71 05 c0 00 02 01 "
    /* ICMP: type 11 | code 0 | cksum 0xf4ff | unused */
    "0b 00 f4 ff 00 00 00 00 "
    /* quoted IPv4: len 36 | ID 0x1003 | TTL 1 | proto 1 | cksum 0xbd9a */
    "45 00 00 24 10 03 00 00 01 01 bd 9a c0 00 02 01 c6 33 64 07 "
    /* quoted ICMP echo: cksum 0x4480 | id 0x04d2 | seq 3 */
    "08 00 44 80 04 d2 00 03 "
    "68 6f 70 74 72 61 63 65 ";

/* Port unreachable from the destination quoting UDP4 (at TTL 1). */
static const char UNR4_PORT[] =
    /* IPv4: len 64 | ID 0x7777 | TTL 62 | proto 1 | cksum 0x190a
     * | 198.51.100.7 -> 192.0.2.1 */
    "45 00 00 40 77 77 00 00 3e 01 19 0a c6 33 64 07 c0 00 02 01 "
    /* ICMP: type 3 | code 3 (port unreachable) | cksum 0xe95a */
    "03 03 e9 5a 00 00 00 00 "
    /* quoted IPv4: ID 0x2002 | TTL 1 | proto 17 | cksum 0xad8b */
    "45 00 00 24 20 02 00 00 01 11 ad 8b c0 00 02 01 c6 33 64 07 "
    "9c 40 82 9b 00 10 46 0b "
    "68 6f 70 74 72 61 63 65 ";

/* Time exceeded from 203.0.113.2 quoting UDP4 (at TTL 1). */
static const char TE4_UDP[] =
    /* IPv4: len 64 | ID 0xbef0 | TTL 254 | proto 1 | cksum 0xffc7 */
    "45 00 00 40 be f0 00 00 fe 01 ff c7 cb 00 71 02 c0 00 02 01 "
    /* ICMP: type 11 | code 0 | cksum 0xe15d */
    "0b 00 e1 5d 00 00 00 00 "
    "45 00 00 24 20 02 00 00 01 11 ad 8b c0 00 02 01 c6 33 64 07 "
    "9c 40 82 9b 00 10 46 0b "
    "68 6f 70 74 72 61 63 65 ";

/* ICMPv6 port unreachable from the destination quoting UDP6 (hlim 1). */
static const char UNR6_PORT[] =
    /* IPv6: payload 64 | next 58 | hlim 61 | dst -> us */
    "60 00 00 00 00 40 3a 3d " DST6 US6
    /* ICMPv6: type 1 | code 4 (port unreachable) | cksum 0x3215 */
    "01 04 32 15 00 00 00 00 "
    "60 00 00 00 00 10 11 01 " US6 DST6
    "9c 40 82 9c 00 10 d6 ca "
    "68 6f 70 74 72 61 63 65 ";

/* ------------------------------------------------------------------ */
/* Helpers                                                             */

#define ASSERT_ADDR(x, s) do {						\
	struct ht_addr want_ = hex_addr(s);				\
	char got_[HT_ADDRSTRLEN];					\
	ck_assert_msg(ht_addr_eq(&(x), &want_), "%s is %s, want %s",	\
	    #x, ht_addr_str(&(x), got_), (s));				\
} while (0)

/* Decode literal hex (as raw IP); it must decode to `want`. */
static struct ht_pkt
decoded(const char *hex, enum ht_kind want)
{
	uint8_t buf[MAXFRAME], *copy;
	struct ht_pkt p;
	size_t n;

	n = hex_parse(hex, buf, sizeof(buf));
	ck_assert_msg(n != (size_t)-1, "malformed hex fixture");
	ck_assert(hex_ip_cksums_ok(buf, n));
	copy = hex_dup(buf, n);
	ck_assert_ptr_nonnull(copy);
	ck_assert_int_eq(ht_decode(DLT_RAW, copy, n, &p), want);
	free(copy);
	return p;
}

/* RFC 1624 eqn. 3: a checksum after one 16-bit word changes m -> m2. */
static uint16_t
cksum_adj(uint16_t hc, uint16_t m, uint16_t m2)
{
	uint32_t s = (uint32_t)(uint16_t)~hc + (uint16_t)~m + m2;

	s = (s & 0xffff) + (s >> 16);
	s = (s & 0xffff) + (s >> 16);
	return (uint16_t)~s;
}

/* ECHO4 at another TTL, IP ID and sequence number. */
static struct ht_pkt
echo4(uint8_t ttl, uint16_t ipid, uint16_t seq)
{
	struct ht_pkt p = decoded(ECHO4, HT_PKT_PROBE);

	p.ip.ttl = ttl;
	p.ip.id = ipid;
	p.l4.cksum = cksum_adj(p.l4.cksum, p.l4.seq, seq);
	p.l4.seq = seq;
	return p;
}

/* ECHO4 with another ICMP identifier (another process's ping). */
static struct ht_pkt
echo4_ident(uint16_t ident, uint8_t ttl, uint16_t ipid, uint16_t seq)
{
	struct ht_pkt p = echo4(ttl, ipid, seq);

	p.l4.cksum = cksum_adj(p.l4.cksum, p.l4.id, ident);
	p.l4.id = ident;
	return p;
}

/* ECHO6 at another hop limit and sequence number (flow label kept). */
static struct ht_pkt
echo6(uint8_t hlim, uint16_t seq)
{
	struct ht_pkt p = decoded(ECHO6, HT_PKT_PROBE);

	p.ip.ttl = hlim;
	p.l4.cksum = cksum_adj(p.l4.cksum, p.l4.seq, seq);
	p.l4.seq = seq;
	return p;
}

/* UDP4 with other ports, TTL and IP ID (the payload unchanged). */
static struct ht_pkt
udp4(uint16_t sport, uint16_t dport, uint8_t ttl, uint16_t ipid)
{
	struct ht_pkt p = decoded(UDP4, HT_PKT_PROBE);

	p.ip.ttl = ttl;
	p.ip.id = ipid;
	p.l4.cksum = cksum_adj(p.l4.cksum, p.l4.sport, sport);
	p.l4.cksum = cksum_adj(p.l4.cksum, p.l4.dport, dport);
	p.l4.sport = sport;
	p.l4.dport = dport;
	return p;
}

/* UDP4 whose first payload word is w (was "ho", 0x686f): Paris UDP. */
static struct ht_pkt
udp4_paris(uint8_t ttl, uint16_t ipid, uint16_t w)
{
	struct ht_pkt p = udp4(40000, 33434, ttl, ipid);

	p.l4.cksum = cksum_adj(p.l4.cksum, 0x686f, w);
	return p;
}

/* SYN4 at another TTL, IP ID and TCP sequence number. */
static struct ht_pkt
syn4(uint8_t ttl, uint16_t ipid, uint32_t tseq)
{
	struct ht_pkt p = decoded(SYN4, HT_PKT_PROBE);

	p.ip.ttl = ttl;
	p.ip.id = ipid;
	p.l4.cksum = cksum_adj(p.l4.cksum, (uint16_t)(p.l4.tseq >> 16),
	    (uint16_t)(tseq >> 16));
	p.l4.cksum = cksum_adj(p.l4.cksum, (uint16_t)p.l4.tseq,
	    (uint16_t)tseq);
	p.l4.tseq = tseq;
	return p;
}

/* syn4() from another source port. */
static struct ht_pkt
syn4_from(uint16_t sport, uint8_t ttl, uint16_t ipid, uint32_t tseq)
{
	struct ht_pkt p = syn4(ttl, ipid, tseq);

	p.l4.cksum = cksum_adj(p.l4.cksum, p.l4.sport, sport);
	p.l4.sport = sport;
	return p;
}

/*
 * An ICMP error quoting `probe` as a router sees it (TTL 1).  `base` is a
 * decoded error of the same protocol; `from` its new source.  The quote
 * keeps as many transport bytes as base's does (8 for TE4_TCP).
 */
static struct ht_pkt
quoting(const char *base, const struct ht_pkt *probe, const char *from)
{
	struct ht_pkt p = decoded(base, HT_PKT_ERROR);
	uint8_t have = p.ql4.have;

	p.ip.src = hex_addr(from);
	p.qip = probe->ip;
	p.qip.ttl = 1;
	p.ql4 = probe->l4;
	if (have < p.ql4.have) {	/* an RFC 792 8-byte quote */
		p.ql4.have = have;
		p.ql4.tack = 0;
		p.ql4.tflags = 0;
		p.ql4.cksum = 0;
	}
	return p;
}

/* An echo reply (from ER4/ER6) answering an echo probe. */
static struct ht_pkt
echo_reply(const char *base, uint16_t seq)
{
	struct ht_pkt p = decoded(base, HT_PKT_ECHOREPLY);

	p.l4.cksum = cksum_adj(p.l4.cksum, p.l4.seq, seq);
	p.l4.seq = seq;
	return p;
}

static enum ht_mwhat
feed(struct ht_matcher *m, const struct ht_pkt *p, ht_ns ts,
    struct ht_match *res)
{
	return ht_match_packet(m, p, ts, res);
}

/* A live trace of n ICMP echo probes (TTL k, ID 0x1000 + k, seq k). */
static struct ht_trace *
live_icmp(struct ht_matcher *m, int n)
{
	struct ht_addr us = hex_addr("192.0.2.1"),
	    dst = hex_addr("198.51.100.7");
	struct ht_trace *t;
	struct ht_pkt p;
	int k;

	ht_matcher_init(m, 0, WAIT);
	t = ht_trace_new(m, &us, &dst, HT_PROTO_ICMP, 0x04d2);
	ck_assert_ptr_nonnull(t);
	for (k = 1; k <= n; k++) {
		p = echo4((uint8_t)k, (uint16_t)(0x1000 + k), (uint16_t)k);
		ck_assert_int_eq(ht_trace_add_probe(t, (uint8_t)k, p.ip.id,
		    &p.l4, p.ip.len, T0 + (ht_ns)k * MS), k - 1);
	}
	return t;
}

/* ------------------------------------------------------------------ */
/* Builders                                                            */

START_TEST(test_builders_match_wire)
{
	struct ht_pkt w, b, s;

	/* echo4() at TTL 3 / seq 3 is ECHO4; at TTL 4 / seq 4 is ECHO4_S4 */
	w = decoded(ECHO4, HT_PKT_PROBE);
	b = echo4(3, 0x1003, 3);
	ck_assert(memcmp(&w.ip, &b.ip, sizeof(w.ip)) == 0);
	ck_assert(memcmp(&w.l4, &b.l4, sizeof(w.l4)) == 0);
	w = decoded(ECHO4_S4, HT_PKT_PROBE);
	b = echo4(4, 0x1004, 4);
	ck_assert(memcmp(&w.ip, &b.ip, sizeof(w.ip)) == 0);
	ck_assert(memcmp(&w.l4, &b.l4, sizeof(w.l4)) == 0);
	ck_assert_uint_eq(b.l4.cksum, 0x447f);

	/* the error built around ECHO4 is TE4_ECHO */
	w = decoded(TE4_ECHO, HT_PKT_ERROR);
	b = decoded(ECHO4, HT_PKT_PROBE);
	b = quoting(TE4_ECHO, &b, "203.0.113.5");
	ck_assert(memcmp(&w.ip, &b.ip, sizeof(w.ip)) == 0);
	ck_assert(memcmp(&w.qip, &b.qip, sizeof(w.qip)) == 0);
	ck_assert(memcmp(&w.ql4, &b.ql4, sizeof(w.ql4)) == 0);

	/* the 8-byte TCP quote */
	w = decoded(TE4_TCP, HT_PKT_ERROR);
	b = syn4(4, 0x4004, 0x11223344);
	s = decoded(SYN4, HT_PKT_PROBE);
	ck_assert(memcmp(&b.l4, &s.l4, sizeof(b.l4)) == 0);
	b = quoting(TE4_TCP, &b, "203.0.113.3");
	ck_assert(memcmp(&w.qip, &b.qip, sizeof(w.qip)) == 0);
	ck_assert(memcmp(&w.ql4, &b.ql4, sizeof(w.ql4)) == 0);

	/* UDP: the same probe rebuilt from other ports comes back */
	w = decoded(UDP4, HT_PKT_PROBE);
	b = udp4(40000, 33435, 2, 0x2002);
	ck_assert(memcmp(&w.l4, &b.l4, sizeof(w.l4)) == 0);

	/* ECHO6 and the echo reply builders */
	w = decoded(ECHO6, HT_PKT_PROBE);
	b = echo6(2, 5);
	ck_assert(memcmp(&w.l4, &b.l4, sizeof(w.l4)) == 0);
	w = decoded(ER4, HT_PKT_ECHOREPLY);
	b = echo_reply(ER4, 4);
	ck_assert(memcmp(&w.l4, &b.l4, sizeof(w.l4)) == 0);
}
END_TEST

/* ------------------------------------------------------------------ */
/* Live traces (learn = 0)                                             */

START_TEST(test_live_icmp)
{
	struct ht_matcher m;
	struct ht_match r;
	struct ht_trace *t = live_icmp(&m, 4);
	struct ht_pkt p;
	struct ht_probe *pr;
	ht_ns cap = T0 + 3 * MS + 20 * US;

	ck_assert_uint_eq(t->n, 4);
	ck_assert_uint_eq(t->min_ttl, 1);
	ck_assert_uint_eq(t->max_ttl, 4);
	ck_assert_uint_eq(t->p[2].t_sent, T0 + 3 * MS);
	ck_assert_uint_eq(t->p[2].flags, 0);

	/* the capture sees probe 3 leave: its time becomes the capture's */
	p = decoded(ECHO4, HT_PKT_PROBE);
	ck_assert_int_eq(feed(&m, &p, cap, &r), HT_M_PROBE);
	ck_assert_ptr_eq(r.t, t);
	ck_assert_uint_eq(r.probe, 2);
	ck_assert_uint_eq(t->p[2].flags, HT_P_SEEN);
	ck_assert_uint_eq(t->p[2].t_sent, cap);
	/* the same frame again (loopback on "any") changes nothing */
	ck_assert_int_eq(feed(&m, &p, cap + 200 * US, &r), HT_M_NONE);
	ck_assert_uint_eq(t->p[2].t_sent, cap);

	/* its time exceeded, 5 ms later */
	p = decoded(TE4_ECHO, HT_PKT_ERROR);
	ck_assert_int_eq(feed(&m, &p, cap + 5 * MS, &r), HT_M_REPLY);
	ck_assert_ptr_eq(r.t, t);
	ck_assert_uint_eq(r.probe, 2);
	pr = &t->p[2];
	ck_assert_uint_eq(pr->rkind, HT_R_TIMEX);
	ck_assert_uint_eq(pr->rcode, 0);
	ASSERT_ADDR(pr->from, "203.0.113.5");
	ck_assert_uint_eq(pr->rttl, 253);
	ck_assert_uint_eq(pr->qttl, 1);
	ck_assert_uint_eq(pr->rsize, 64);
	ck_assert_uint_eq(pr->t_reply, cap + 5 * MS);
	ck_assert_uint_eq(pr->t_reply - pr->t_sent, 5 * MS);	/* the RTT */
	ck_assert_ptr_null(pr->ext);
	ck_assert_uint_eq(t->nreplies, 1);
	ck_assert_uint_eq(m.n_replies, 1);
	ck_assert_uint_eq(t->end_ttl, 0);
	ck_assert(!ht_probe_final(t, pr));
	ck_assert(ht_trace_hop_answered(t, 3));
	ck_assert(!ht_trace_hop_answered(t, 2));

	/* a duplicate: counted, the first reply kept */
	p.ip.ttl = 250;
	ck_assert_int_eq(feed(&m, &p, cap + 9 * MS, &r), HT_M_DUP);
	ck_assert_uint_eq(r.probe, 2);
	ck_assert_uint_eq(pr->ndup, 1);
	ck_assert_uint_eq(pr->rttl, 253);
	ck_assert_uint_eq(pr->t_reply, cap + 5 * MS);
	ck_assert_uint_eq(t->nreplies, 1);
	ck_assert_uint_eq(m.n_dups, 1);

	/* the destination answers probe 4 (never seen by the capture) */
	p = decoded(ER4, HT_PKT_ECHOREPLY);
	ck_assert_int_eq(feed(&m, &p, T0 + 34 * MS, &r), HT_M_REPLY);
	ck_assert_uint_eq(r.probe, 3);
	pr = &t->p[3];
	ck_assert_uint_eq(pr->rkind, HT_R_ECHO);
	ASSERT_ADDR(pr->from, "198.51.100.7");
	ck_assert_uint_eq(pr->rttl, 61);
	ck_assert_uint_eq(pr->t_reply - pr->t_sent, 30 * MS);
	ck_assert(ht_probe_final(t, pr));
	ck_assert_uint_eq(t->end_ttl, 4);
	ck_assert_uint_eq(t->dest_reached, 1);
	ck_assert_uint_eq(ht_trace_last_ttl(t), 4);
	ck_assert_uint_eq(t->nreplies, 2);
	/* nothing else got a reply */
	ck_assert_uint_eq(t->p[0].rkind, HT_R_NONE);
	ck_assert_uint_eq(t->p[1].rkind, HT_R_NONE);
	ht_matcher_free(&m);
}
END_TEST

/* Replies matched by quoted seq, whatever order they come in. */
START_TEST(test_live_icmp_by_sequence)
{
	struct ht_matcher m;
	struct ht_match r;
	struct ht_trace *t = live_icmp(&m, 8);
	struct ht_pkt pr, e;
	static const char *const from[8] = {
		"203.0.113.1", "203.0.113.2", "203.0.113.3", "203.0.113.4",
		"203.0.113.5", "203.0.113.6", "203.0.113.7", "203.0.113.8"
	};
	static const int order[8] = { 5, 2, 7, 0, 4, 1, 6, 3 };
	int i, k;

	for (i = 0; i < 8; i++) {
		k = order[i];
		pr = echo4((uint8_t)(k + 1), (uint16_t)(0x1001 + k),
		    (uint16_t)(k + 1));
		e = quoting(TE4_ECHO, &pr, from[k]);
		ck_assert_int_eq(feed(&m, &e, T0 + 100 * MS + (ht_ns)i * MS,
		    &r), HT_M_REPLY);
		ck_assert_uint_eq(r.probe, k);
	}
	for (k = 0; k < 8; k++) {
		ASSERT_ADDR(t->p[k].from, from[k]);
		ck_assert_uint_eq(t->p[k].rkind, HT_R_TIMEX);
	}
	ht_matcher_free(&m);
}
END_TEST

START_TEST(test_live_foreign)
{
	struct ht_matcher m;
	struct ht_match r;
	struct ht_trace *t = live_icmp(&m, 4);
	struct ht_pkt probe = echo4(3, 0x1003, 3), e;
	uint32_t k;

	/* another process's ping: its probes and replies are not ours */
	e = echo4_ident(0x04d3, 3, 0x7003, 3);
	ck_assert_int_eq(feed(&m, &e, T0 + 5 * MS, &r), HT_M_NONE);
	ck_assert_uint_eq(m.count, 1);		/* no trace made for it */
	e = quoting(TE4_ECHO, &e, "203.0.113.5");
	ck_assert_int_eq(feed(&m, &e, T0 + 6 * MS, &r), HT_M_NONE);
	e = echo_reply(ER4, 4);
	e.l4.cksum = cksum_adj(e.l4.cksum, e.l4.id, 0x04d3);
	e.l4.id = 0x04d3;
	ck_assert_int_eq(feed(&m, &e, T0 + 7 * MS, &r), HT_M_NONE);

	/* our probe's fields, but sent from another address of ours */
	e = quoting(TE4_ECHO, &probe, "203.0.113.5");
	e.ip.dst = e.qip.src = hex_addr("192.0.2.99");
	ck_assert_int_eq(feed(&m, &e, T0 + 8 * MS, &r), HT_M_NONE);

	/* a quote whose source is not the reply's destination */
	e = quoting(TE4_ECHO, &probe, "203.0.113.5");
	e.ip.dst = hex_addr("192.0.2.99");
	ck_assert_int_eq(feed(&m, &e, T0 + 9 * MS, &r), HT_M_NONE);

	/* a quote to another destination */
	e = quoting(TE4_ECHO, &probe, "203.0.113.5");
	e.qip.dst = hex_addr("198.51.100.8");
	ck_assert_int_eq(feed(&m, &e, T0 + 10 * MS, &r), HT_M_NONE);

	/* an echo reply from a host that is not the destination */
	e = echo_reply(ER4, 4);
	e.ip.src = hex_addr("198.51.100.8");
	ck_assert_int_eq(feed(&m, &e, T0 + 11 * MS, &r), HT_M_NONE);

	/* a quoted sequence number we never sent */
	e = quoting(TE4_ECHO, &probe, "203.0.113.5");
	e.ql4.seq = 99;
	ck_assert_int_eq(feed(&m, &e, T0 + 12 * MS, &r), HT_M_NONE);

	/* a time exceeded quoting an echo reply, not an echo request */
	e = quoting(TE4_ECHO, &probe, "203.0.113.5");
	e.ql4.type = HT_ICMP_ECHOREPLY;
	ck_assert_int_eq(feed(&m, &e, T0 + 13 * MS, &r), HT_M_NONE);

	for (k = 0; k < t->n; k++)
		ck_assert_uint_eq(t->p[k].rkind, HT_R_NONE);
	ck_assert_uint_eq(t->nreplies, 0);
	ck_assert_uint_eq(m.n_replies, 0);
	ht_matcher_free(&m);
}
END_TEST

START_TEST(test_live_late)
{
	struct ht_matcher m;
	struct ht_match r;
	struct ht_trace *t = live_icmp(&m, 4);
	struct ht_pkt e;

	/* probe 1 flagged expired by the driver: its reply is not recorded */
	t->p[0].flags |= HT_P_EXPIRED;
	e = echo4(1, 0x1001, 1);
	e = quoting(TE4_ECHO, &e, "203.0.113.1");
	ck_assert_int_ne(feed(&m, &e, T0 + 1 * MS + 500 * MS, &r),
	    HT_M_REPLY);
	ck_assert_uint_eq(t->p[0].rkind, HT_R_NONE);
	ck_assert_uint_eq(t->p[0].t_reply, 0);

	/* probe 2, sent at T0 + 2 ms: a reply one ns beyond the wait */
	e = echo4(2, 0x1002, 2);
	e = quoting(TE4_ECHO, &e, "203.0.113.2");
	ck_assert_int_eq(feed(&m, &e, T0 + 2 * MS + WAIT + 1, &r), HT_M_NONE);
	ck_assert_uint_eq(t->p[1].rkind, HT_R_NONE);

	/* probe 3, sent at T0 + 3 ms: a reply exactly at the wait counts */
	e = echo4(3, 0x1003, 3);
	e = quoting(TE4_ECHO, &e, "203.0.113.3");
	ck_assert_int_eq(feed(&m, &e, T0 + 3 * MS + WAIT, &r), HT_M_REPLY);
	ck_assert_uint_eq(r.probe, 2);

	/* probe 4, sent at T0 + 4 ms: a "reply" from before it was sent */
	e = echo4(4, 0x1004, 4);
	e = quoting(TE4_ECHO, &e, "203.0.113.4");
	ck_assert_int_eq(feed(&m, &e, T0 + 3 * MS, &r), HT_M_NONE);
	ck_assert_uint_eq(t->p[3].rkind, HT_R_NONE);
	ck_assert_uint_eq(t->nreplies, 1);
	ht_matcher_free(&m);
}
END_TEST

START_TEST(test_live_udp_port_unreachable)
{
	struct ht_addr us = hex_addr("192.0.2.1"),
	    dst = hex_addr("198.51.100.7");
	struct ht_matcher m;
	struct ht_match r;
	struct ht_trace *t;
	struct ht_pkt p;
	int k;

	ht_matcher_init(&m, 0, WAIT);
	t = ht_trace_new(&m, &us, &dst, HT_PROTO_UDP, 40000);
	ck_assert_ptr_nonnull(t);
	/* classic: destination port 33434 + k, IP ID 0x2001 + k */
	for (k = 0; k < 3; k++) {
		p = udp4(40000, (uint16_t)(33434 + k), (uint8_t)(k + 1),
		    (uint16_t)(0x2001 + k));
		ck_assert_int_eq(ht_trace_add_probe(t, (uint8_t)(k + 1),
		    p.ip.id, &p.l4, p.ip.len, T0 + (ht_ns)k * MS), k);
	}
	/* UDP4 is the TTL-2 probe */
	p = decoded(UDP4, HT_PKT_PROBE);
	ck_assert_int_eq(feed(&m, &p, T0 + 1 * MS + 10 * US, &r), HT_M_PROBE);
	ck_assert_uint_eq(r.probe, 1);

	/* hop 1 answers probe 1 (a TE4_UDP rebuilt around it) */
	p = udp4(40000, 33434, 1, 0x2001);
	p = quoting(TE4_UDP, &p, "203.0.113.1");
	ck_assert_int_eq(feed(&m, &p, T0 + 3 * MS, &r), HT_M_REPLY);
	ck_assert_uint_eq(r.probe, 0);
	ck_assert_uint_eq(t->p[0].rkind, HT_R_TIMEX);

	/* a router's host unreachable (code 1) for probe 3 ends the trace
	 * there, without reaching the destination */
	p = udp4(40000, 33436, 3, 0x2003);
	p = quoting(UNR4_PORT, &p, "203.0.113.3");
	p.l4.code = 1;
	ck_assert_int_eq(feed(&m, &p, T0 + 4 * MS, &r), HT_M_REPLY);
	ck_assert_uint_eq(r.probe, 2);
	ck_assert_uint_eq(t->p[2].rkind, HT_R_UNREACH);
	ck_assert_uint_eq(t->p[2].rcode, 1);
	ck_assert_uint_eq(t->end_ttl, 3);
	ck_assert_uint_eq(t->dest_reached, 0);

	/* the destination's port unreachable for probe 2: a lower end */
	p = decoded(UNR4_PORT, HT_PKT_ERROR);
	ck_assert_int_eq(feed(&m, &p, T0 + 1 * MS + 10 * US + 7 * MS, &r),
	    HT_M_REPLY);
	ck_assert_uint_eq(r.probe, 1);
	ck_assert_uint_eq(t->p[1].rkind, HT_R_UNREACH);
	ck_assert_uint_eq(t->p[1].rcode, 3);
	ASSERT_ADDR(t->p[1].from, "198.51.100.7");
	ck_assert_uint_eq(t->p[1].rttl, 62);
	ck_assert_uint_eq(t->p[1].t_reply - t->p[1].t_sent, 7 * MS);
	ck_assert_uint_eq(t->end_ttl, 2);
	ck_assert_uint_eq(t->dest_reached, 1);
	ck_assert_uint_eq(ht_trace_last_ttl(t), 2);

	/* a time exceeded quoting UDP4 after that is a duplicate */
	p = decoded(TE4_UDP, HT_PKT_ERROR);
	ck_assert_int_eq(feed(&m, &p, T0 + 20 * MS, &r), HT_M_DUP);
	ck_assert_uint_eq(t->p[1].rkind, HT_R_UNREACH);
	/* a port we never probed */
	p = udp4(40000, 33500, 1, 0x2001);
	p = quoting(TE4_UDP, &p, "203.0.113.1");
	ck_assert_int_eq(feed(&m, &p, T0 + 21 * MS, &r), HT_M_NONE);
	ht_matcher_free(&m);
}
END_TEST

START_TEST(test_live_tcp)
{
	struct ht_addr us = hex_addr("192.0.2.1"),
	    dst = hex_addr("198.51.100.7");
	struct ht_matcher m;
	struct ht_match r;
	struct ht_trace *t;
	struct ht_pkt p;
	int k;

	ht_matcher_init(&m, 0, WAIT);
	t = ht_trace_new(&m, &us, &dst, HT_PROTO_TCP, 40001);
	/* one flow 40001 -> 80; the TCP sequence number tells probes apart */
	for (k = 1; k <= 5; k++) {
		p = syn4((uint8_t)k, (uint16_t)(0x4000 + k),
		    0x11223340u + (uint32_t)k);
		ck_assert_int_eq(ht_trace_add_probe(t, (uint8_t)k, p.ip.id,
		    &p.l4, p.ip.len, T0 + (ht_ns)k * MS), k - 1);
	}
	p = decoded(SYN4, HT_PKT_PROBE);		/* probe 4 */
	ck_assert_int_eq(feed(&m, &p, T0 + 4 * MS + 5 * US, &r), HT_M_PROBE);
	ck_assert_uint_eq(r.probe, 3);

	/* 8-byte quote of probe 3 */
	p = syn4(3, 0x4003, 0x11223343);
	p = quoting(TE4_TCP, &p, "203.0.113.3");
	ck_assert_uint_eq(p.ql4.have, 8);
	ck_assert_int_eq(feed(&m, &p, T0 + 9 * MS, &r), HT_M_REPLY);
	ck_assert_uint_eq(r.probe, 2);
	ASSERT_ADDR(t->p[2].from, "203.0.113.3");

	/* TE4_TCP itself quotes probe 4 */
	p = decoded(TE4_TCP, HT_PKT_ERROR);
	ck_assert_int_eq(feed(&m, &p, T0 + 10 * MS, &r), HT_M_REPLY);
	ck_assert_uint_eq(r.probe, 3);

	/* SYN-ACK with ack 0x11223345 = probe 4's sequence + 1 ... */
	p = decoded(SYNACK4, HT_PKT_TCPREPLY);
	p.l4.tack = 0x11223346;			/* ... or here probe 5's */
	ck_assert_int_eq(feed(&m, &p, T0 + 25 * MS, &r), HT_M_REPLY);
	ck_assert_uint_eq(r.probe, 4);
	ck_assert_uint_eq(t->p[4].rkind, HT_R_TCP);
	ck_assert_uint_eq(t->p[4].tflags, HT_TH_SYN | HT_TH_ACK);
	ASSERT_ADDR(t->p[4].from, "198.51.100.7");
	ck_assert_uint_eq(t->p[4].t_reply - t->p[4].t_sent, 20 * MS);
	ck_assert_uint_eq(t->end_ttl, 5);
	ck_assert_uint_eq(t->dest_reached, 1);

	/* an ack nobody's sequence + 1 is not ours */
	p = decoded(SYNACK4, HT_PKT_TCPREPLY);
	p.l4.tack = 0x11223399;
	ck_assert_int_eq(feed(&m, &p, T0 + 26 * MS, &r), HT_M_NONE);

	/* RST|ACK for probe 4 (already answered by its time exceeded) */
	p = decoded(RST4, HT_PKT_TCPREPLY);
	ck_assert_int_eq(feed(&m, &p, T0 + 27 * MS, &r), HT_M_DUP);
	ck_assert_uint_eq(r.probe, 3);
	ck_assert_uint_eq(t->p[3].rkind, HT_R_TIMEX);
	ht_matcher_free(&m);
}
END_TEST

START_TEST(test_live_tcp_synack)
{
	struct ht_addr us = hex_addr("192.0.2.1"),
	    dst = hex_addr("198.51.100.7");
	struct ht_matcher m;
	struct ht_match r;
	struct ht_trace *t;
	struct ht_pkt p;

	ht_matcher_init(&m, 0, WAIT);
	t = ht_trace_new(&m, &us, &dst, HT_PROTO_TCP, 40001);
	p = decoded(SYN4, HT_PKT_PROBE);
	ck_assert_int_eq(ht_trace_add_probe(t, 4, p.ip.id, &p.l4, p.ip.len,
	    T0), 0);
	p = syn4(5, 0x4005, 0x11223345);
	ck_assert_int_eq(ht_trace_add_probe(t, 5, p.ip.id, &p.l4, p.ip.len,
	    T0 + MS), 1);
	ck_assert_uint_eq(t->t_first, T0);
	/* the capture sees the first probe 5 us after it was sent */
	p = decoded(SYN4, HT_PKT_PROBE);
	ck_assert_int_eq(feed(&m, &p, T0 + 5 * US, &r), HT_M_PROBE);
	ck_assert_uint_eq(r.probe, 0);
	ck_assert_uint_eq(t->t_first, T0 + 5 * US);
	ck_assert_uint_eq(t->p[0].t_sent, T0 + 5 * US);
	/* SYNACK4 as it is on the wire: ack 0x11223345 = 0x11223344 + 1 */
	p = decoded(SYNACK4, HT_PKT_TCPREPLY);
	ck_assert_int_eq(feed(&m, &p, T0 + 12 * MS, &r), HT_M_REPLY);
	ck_assert_uint_eq(r.probe, 0);
	ck_assert_uint_eq(t->p[0].t_reply - t->p[0].t_sent, 12 * MS - 5 * US);
	ck_assert_uint_eq(t->p[0].rkind, HT_R_TCP);
	ck_assert_uint_eq(t->p[0].rttl, 60);
	ck_assert_uint_eq(t->end_ttl, 4);
	ck_assert_uint_eq(t->p[1].rkind, HT_R_NONE);
	/* and RST4, same ack: a duplicate of probe 1, not probe 2's answer */
	p = decoded(RST4, HT_PKT_TCPREPLY);
	ck_assert_int_eq(feed(&m, &p, T0 + 13 * MS, &r), HT_M_DUP);
	ck_assert_uint_eq(r.probe, 0);
	ck_assert_uint_eq(t->p[1].rkind, HT_R_NONE);
	/* RST4 acknowledging probe 2 (TTL 5): final too, but the end stays
	 * at the lower TTL */
	p.l4.tack = 0x11223346;
	ck_assert_int_eq(feed(&m, &p, T0 + 14 * MS, &r), HT_M_REPLY);
	ck_assert_uint_eq(r.probe, 1);
	ck_assert_uint_eq(t->p[1].rkind, HT_R_TCP);
	ck_assert_uint_eq(t->p[1].tflags, HT_TH_RST | HT_TH_ACK);
	ck_assert_uint_eq(t->end_ttl, 4);
	ck_assert_uint_eq(ht_trace_last_ttl(t), 4);
	ht_matcher_free(&m);
}
END_TEST

/* Paris UDP: one flow, probes told apart by IP ID (and checksum). */
START_TEST(test_live_paris_ipid)
{
	struct ht_addr us = hex_addr("192.0.2.1"),
	    dst = hex_addr("198.51.100.7");
	static const char *const from[3] = {
		"203.0.113.1", "203.0.113.2", "203.0.113.3"
	};
	static const int order[3] = { 1, 0, 2 };
	struct ht_pkt pr[3], e;
	struct ht_matcher m;
	struct ht_match r;
	struct ht_trace *t;
	int i, k;

	ht_matcher_init(&m, 0, WAIT);
	t = ht_trace_new(&m, &us, &dst, HT_PROTO_UDP, 40000);
	for (k = 0; k < 3; k++) {
		/* same ports and payload, so the same checksum too */
		pr[k] = udp4(40000, 33434, (uint8_t)(k + 1),
		    (uint16_t)(0x3001 + k));
		ck_assert_int_eq(ht_trace_add_probe(t, (uint8_t)(k + 1),
		    pr[k].ip.id, &pr[k].l4, pr[k].ip.len, T0 + (ht_ns)k * US),
		    k);
	}
	ck_assert_uint_eq(pr[0].l4.cksum, pr[2].l4.cksum);
	for (i = 0; i < 3; i++) {
		k = order[i];
		e = quoting(TE4_UDP, &pr[k], from[k]);
		ck_assert_int_eq(feed(&m, &e, T0 + 10 * MS + (ht_ns)i * MS,
		    &r), HT_M_REPLY);
		ck_assert_msg(r.probe == (uint32_t)k, "reply %d went to %u", k,
		    r.probe);
	}
	for (k = 0; k < 3; k++)
		ASSERT_ADDR(t->p[k].from, from[k]);
	ht_matcher_free(&m);
}
END_TEST

/* Paris UDP over IPv4 as probe.c sends it: IP ID = k, checksum carries k. */
START_TEST(test_live_paris_cksum_v4)
{
	struct ht_addr us = hex_addr("192.0.2.1"),
	    dst = hex_addr("198.51.100.7");
	static const int order[4] = { 2, 0, 3, 1 };
	struct ht_pkt pr[4], e;
	struct ht_matcher m;
	struct ht_match r;
	struct ht_trace *t;
	int i, k;

	ht_matcher_init(&m, 0, WAIT);
	t = ht_trace_new(&m, &us, &dst, HT_PROTO_UDP, 40000);
	for (k = 0; k < 4; k++) {
		pr[k] = udp4_paris((uint8_t)(k + 1), (uint16_t)(k + 1),
		    (uint16_t)(k + 1));
		ck_assert_int_eq(ht_trace_add_probe(t, (uint8_t)(k + 1),
		    pr[k].ip.id, &pr[k].l4, pr[k].ip.len, T0), k);
	}
	ck_assert_uint_ne(pr[0].l4.cksum, pr[1].l4.cksum);
	/* a copy of probe 2 seen leaving */
	ck_assert_int_eq(feed(&m, &pr[1], T0 + 40 * US, &r), HT_M_PROBE);
	ck_assert_uint_eq(r.probe, 1);
	for (i = 0; i < 4; i++) {
		k = order[i];
		e = quoting(TE4_UDP, &pr[k], "203.0.113.9");
		e.ip.src.a[3] = (uint8_t)(k + 1);
		ck_assert_int_eq(feed(&m, &e, T0 + 10 * MS, &r), HT_M_REPLY);
		ck_assert_uint_eq(r.probe, k);
		ck_assert_uint_eq(t->p[k].from.a[3], k + 1);
	}
	ht_matcher_free(&m);
}
END_TEST

/* Paris UDP over IPv6: no IP ID, only the checksum tells probes apart. */
START_TEST(test_live_paris_cksum_v6)
{
	struct ht_addr us = hex_addr("2001:db8::1"),
	    dst = hex_addr("2001:db8:2::7");
	struct ht_pkt base = decoded(UDP6, HT_PKT_PROBE), pr[3], e;
	struct ht_matcher m;
	struct ht_match r;
	struct ht_trace *t;
	int k;

	ht_matcher_init(&m, 0, WAIT);
	t = ht_trace_new(&m, &us, &dst, HT_PROTO_UDP, 40000);
	for (k = 0; k < 3; k++) {
		pr[k] = base;
		pr[k].ip.ttl = (uint8_t)(k + 1);
		/* payload word "ho" replaced by k + 1 */
		pr[k].l4.cksum = cksum_adj(base.l4.cksum, 0x686f,
		    (uint16_t)(k + 1));
		ck_assert_int_eq(ht_trace_add_probe(t, (uint8_t)(k + 1), 0,
		    &pr[k].l4, pr[k].ip.len, T0 + (ht_ns)k * US), k);
	}
	/* answers for 3, 1, 2 in that order */
	e = decoded(UNR6_PORT, HT_PKT_ERROR);
	e.ql4 = pr[2].l4;
	e.qip.ttl = 1;
	ck_assert_int_eq(feed(&m, &e, T0 + 10 * MS, &r), HT_M_REPLY);
	ck_assert_uint_eq(r.probe, 2);
	ck_assert_uint_eq(t->p[2].rcode, 4);
	ck_assert_uint_eq(t->end_ttl, 3);
	ck_assert_uint_eq(t->dest_reached, 1);
	for (k = 0; k < 2; k++) {
		e = decoded(UNR6_PORT, HT_PKT_ERROR);
		e.ip.src = hex_addr(k == 0 ? "2001:db8:1::5" : "2001:db8:1::6");
		e.l4.type = HT_ICMP6_TIMXCEED;
		e.l4.code = 0;
		e.ql4 = pr[k].l4;
		ck_assert_int_eq(feed(&m, &e, T0 + 11 * MS + (ht_ns)k * MS, &r),
		    HT_M_REPLY);
		ck_assert_uint_eq(r.probe, k);
		ck_assert_uint_eq(t->p[k].rkind, HT_R_TIMEX);
	}
	ck_assert_uint_eq(t->end_ttl, 3);
	ht_matcher_free(&m);
}
END_TEST

START_TEST(test_live_icmp6)
{
	struct ht_addr us = hex_addr("2001:db8::1"),
	    dst = hex_addr("2001:db8:2::7");
	struct ht_matcher m;
	struct ht_match r;
	struct ht_trace *t;
	struct ht_pkt p;
	int k;

	ht_matcher_init(&m, 0, WAIT);
	t = ht_trace_new(&m, &us, &dst, HT_PROTO_ICMP6, 0x04d2);
	/* hop limit k, seq k + 3, flow label 0x12345 */
	for (k = 1; k <= 3; k++) {
		p = echo6((uint8_t)k, (uint16_t)(k + 3));
		ck_assert_int_eq(ht_trace_add_probe(t, (uint8_t)k, p.ip.id,
		    &p.l4, p.ip.len, T0 + (ht_ns)k * MS), k - 1);
	}
	p = decoded(ECHO6, HT_PKT_PROBE);		/* hlim 2, seq 5 */
	ck_assert_int_eq(feed(&m, &p, T0 + 2 * MS + 3 * US, &r), HT_M_PROBE);
	ck_assert_uint_eq(r.probe, 1);
	p = decoded(TE6_ECHO, HT_PKT_ERROR);
	ck_assert_int_eq(feed(&m, &p, T0 + 6 * MS, &r), HT_M_REPLY);
	ck_assert_uint_eq(r.probe, 1);
	ASSERT_ADDR(t->p[1].from, "2001:db8:1::5");
	ck_assert_uint_eq(t->p[1].rttl, 63);
	ck_assert_uint_eq(t->p[1].t_reply - t->p[1].t_sent,
	    4 * MS - 3 * US);
	p = decoded(ER6, HT_PKT_ECHOREPLY);		/* seq 6 */
	ck_assert_int_eq(feed(&m, &p, T0 + 8 * MS, &r), HT_M_REPLY);
	ck_assert_uint_eq(r.probe, 2);
	ck_assert_uint_eq(t->p[2].rkind, HT_R_ECHO);
	ck_assert_uint_eq(t->end_ttl, 3);
	ck_assert_uint_eq(t->dest_reached, 1);
	ht_matcher_free(&m);
}
END_TEST

/* ICMP extensions travel with the reply. */
START_TEST(test_live_extensions_kept)
{
	struct ht_matcher m;
	struct ht_match r;
	struct ht_trace *t = live_icmp(&m, 3);
	struct ht_pkt e = decoded(TE4_ECHO, HT_PKT_ERROR);

	e.ext.present = 1;
	e.ext.version = 2;
	e.ext.n_mpls = 1;
	e.ext.mpls[0].label = 16001;
	e.ext.mpls[0].ttl = 1;
	ck_assert_int_eq(feed(&m, &e, T0 + 9 * MS, &r), HT_M_REPLY);
	ck_assert_ptr_nonnull(t->p[2].ext);
	ck_assert_uint_eq(t->p[2].ext->n_mpls, 1);
	ck_assert_uint_eq(t->p[2].ext->mpls[0].label, 16001);
	ht_matcher_free(&m);
}
END_TEST

/* More probes than the index's first size: it grows and still finds them. */
START_TEST(test_live_many_probes)
{
	struct ht_matcher m;
	struct ht_match r;
	struct ht_trace *t = live_icmp(&m, 200);
	struct ht_pkt e;
	int k;

	ck_assert_uint_eq(t->n, 200);
	for (k = 200; k >= 1; k -= 7) {
		e = echo4((uint8_t)k, (uint16_t)(0x1000 + k), (uint16_t)k);
		e = quoting(TE4_ECHO, &e, "203.0.113.5");
		ck_assert_int_eq(feed(&m, &e, T0 + 300 * MS, &r), HT_M_REPLY);
		ck_assert_uint_eq(r.probe, k - 1);
	}
	ht_matcher_free(&m);
}
END_TEST

/* ------------------------------------------------------------------ */
/* Replay (learn = 1)                                                  */

/* Feed echo probes (TTL ttl[i], seq seq0 + i) at ts0 + i ms. */
static struct ht_trace *
replay_echo(struct ht_matcher *m, const uint8_t *ttl, int n, uint16_t seq0,
    ht_ns ts0)
{
	struct ht_trace *t = NULL;
	struct ht_match r;
	struct ht_pkt p;
	int i;

	for (i = 0; i < n; i++) {
		p = echo4(ttl[i], (uint16_t)(seq0 + i), (uint16_t)(seq0 + i));
		ck_assert_int_eq(feed(m, &p, ts0 + (ht_ns)i * MS, &r),
		    HT_M_PROBE);
		if (t == NULL)
			t = r.t;
		ck_assert_ptr_eq(r.t, t);
		ck_assert_uint_eq(r.probe, t->n - 1);
		ck_assert_uint_eq(t->p[r.probe].t_sent, ts0 + (ht_ns)i * MS);
		ck_assert_uint_eq(t->p[r.probe].flags, HT_P_SEEN);
	}
	return t;
}

START_TEST(test_replay_ordered_trace)
{
	static const uint8_t ttl[9] = { 1, 1, 1, 2, 2, 2, 3, 3, 3 };
	struct ht_matcher m;
	struct ht_match r;
	struct ht_trace *t;
	struct ht_pkt e;

	ht_matcher_init(&m, 1, WAIT);
	t = replay_echo(&m, ttl, 3, 1, T0);
	ck_assert_uint_eq(t->ordered, 0);	/* one TTL so far */
	ck_assert_ptr_null(m.ohead);
	ck_assert_ptr_null(ht_matcher_ready(&m, 0));
	ck_assert_ptr_eq(replay_echo(&m, ttl + 3, 6, 4, T0 + 3 * MS), t);
	ck_assert_uint_eq(t->ordered, 1);
	ck_assert_ptr_eq(m.ohead, t);
	ck_assert_uint_eq(t->n, 9);
	ck_assert_uint_eq(t->min_ttl, 1);
	ck_assert_uint_eq(t->max_ttl, 3);
	ck_assert_uint_eq(t->ident, 0x04d2);
	ck_assert_uint_eq(t->t_first, T0);
	ck_assert_uint_eq(m.n_probes, 9);
	ASSERT_ADDR(t->src, "192.0.2.1");
	ASSERT_ADDR(t->dst, "198.51.100.7");

	/* hop 2 answers its second probe (seq 5) */
	e = echo4(2, 5, 5);
	e = quoting(TE4_ECHO, &e, "203.0.113.2");
	ck_assert_int_eq(feed(&m, &e, T0 + 20 * MS, &r), HT_M_REPLY);
	ck_assert_ptr_eq(r.t, t);
	ck_assert_uint_eq(r.probe, 4);
	ck_assert_uint_eq(t->p[4].t_reply - t->p[4].t_sent, 16 * MS);
	/* the destination answers seq 8 */
	e = echo_reply(ER4, 8);
	ck_assert_int_eq(feed(&m, &e, T0 + 21 * MS, &r), HT_M_REPLY);
	ck_assert_uint_eq(r.probe, 7);
	ck_assert_uint_eq(t->end_ttl, 3);

	ck_assert_ptr_null(ht_matcher_ready(&m, 0));	/* still open */
	ck_assert_ptr_eq(ht_matcher_ready(&m, 1), t);	/* EOF closes it */
	ck_assert_uint_eq(t->closed, 1);
	ht_trace_free(&m, t);
	ck_assert_ptr_null(ht_matcher_ready(&m, 1));
	ht_matcher_free(&m);
}
END_TEST

START_TEST(test_replay_single_ttl_ping)
{
	static const uint8_t ttl[5] = { 64, 64, 64, 64, 64 };
	struct ht_matcher m;
	struct ht_match r;
	struct ht_trace *t;
	struct ht_pkt e;
	int i;

	ht_matcher_init(&m, 1, WAIT);
	/* a ping: one probe a second, all at TTL 64 */
	for (i = 0; i < 5; i++) {
		t = replay_echo(&m, ttl, 1, (uint16_t)(1 + i),
		    T0 + (ht_ns)i * HT_NS_PER_SEC);
		ck_assert_uint_eq(t->n, (uint32_t)i + 1);
		e = echo_reply(ER4, (uint16_t)(1 + i));
		ck_assert_int_eq(feed(&m, &e, T0 + (ht_ns)i * HT_NS_PER_SEC +
		    20 * MS, &r), HT_M_REPLY);
		ck_assert_uint_eq(r.probe, i);
	}
	ck_assert_uint_eq(t->ordered, 0);
	ck_assert_ptr_null(m.ohead);
	ck_assert_ptr_null(ht_matcher_ready(&m, 0));
	ck_assert_ptr_null(ht_matcher_ready(&m, 1));
	ht_matcher_expire(&m, T0 + 60 * HT_NS_PER_SEC);
	ck_assert_ptr_null(ht_matcher_ready(&m, 1));
	ck_assert_uint_eq(m.count, 0);
	ht_matcher_free(&m);
}
END_TEST

START_TEST(test_replay_restart)
{
	static const uint8_t ttl[6] = { 1, 2, 3, 1, 2, 3 };
	struct ht_matcher m;
	struct ht_match r;
	struct ht_trace *a, *b;
	struct ht_pkt e;

	ht_matcher_init(&m, 1, WAIT);
	a = replay_echo(&m, ttl, 3, 101, T0);
	/* back to TTL 1, the sequence too: a second trace, same identity */
	b = replay_echo(&m, ttl + 3, 3, 4, T0 + 100 * MS);
	ck_assert_ptr_ne(a, b);
	ck_assert_uint_eq(a->closed, 1);
	ck_assert_uint_eq(b->closed, 0);
	ck_assert_ptr_eq(b->pred, a);
	ck_assert_ptr_eq(a->succ, b);
	ck_assert_uint_eq(a->n, 3);
	ck_assert_uint_eq(b->n, 3);
	ck_assert_uint_eq(b->ident, 0x04d2);

	/* a late answer to the first trace still finds it */
	e = echo4(2, 102, 102);
	e = quoting(TE4_ECHO, &e, "203.0.113.2");
	ck_assert_int_eq(feed(&m, &e, T0 + 150 * MS, &r), HT_M_REPLY);
	ck_assert_ptr_eq(r.t, a);
	ck_assert_uint_eq(r.probe, 1);
	/* and one for the second trace goes there */
	e = echo4(2, 5, 5);
	e = quoting(TE4_ECHO, &e, "203.0.113.2");
	ck_assert_int_eq(feed(&m, &e, T0 + 151 * MS, &r), HT_M_REPLY);
	ck_assert_ptr_eq(r.t, b);
	ck_assert_uint_eq(r.probe, 1);

	ck_assert_ptr_eq(ht_matcher_ready(&m, 0), a);	/* closed already */
	ht_trace_free(&m, a);
	ck_assert_ptr_null(b->pred);
	ck_assert_ptr_null(ht_matcher_ready(&m, 0));
	ck_assert_ptr_eq(ht_matcher_ready(&m, 1), b);
	ht_trace_free(&m, b);
	ck_assert_ptr_null(ht_matcher_ready(&m, 1));
	ht_matcher_free(&m);
}
END_TEST

START_TEST(test_replay_order_at_eof)
{
	struct ht_matcher m;
	struct ht_match r;
	struct ht_trace *a, *b, *c;
	struct ht_pkt p;

	ht_matcher_init(&m, 1, WAIT);
	/* B (to 198.51.100.8) starts first but reaches TTL 2 last */
	p = echo4(1, 1, 1);
	p.ip.dst = hex_addr("198.51.100.8");
	ck_assert_int_eq(feed(&m, &p, T0 + 10 * MS, &r), HT_M_PROBE);
	b = r.t;
	/* A (to 198.51.100.7) */
	p = echo4(1, 1, 1);
	ck_assert_int_eq(feed(&m, &p, T0 + 20 * MS, &r), HT_M_PROBE);
	a = r.t;
	ck_assert_ptr_ne(a, b);
	p = echo4(2, 2, 2);
	ck_assert_int_eq(feed(&m, &p, T0 + 30 * MS, &r), HT_M_PROBE);
	ck_assert_ptr_eq(r.t, a);
	/* C: a ping with another identifier, TTL 64 only */
	p = echo4_ident(0x0777, 64, 9, 1);
	ck_assert_int_eq(feed(&m, &p, T0 + 5 * MS, &r), HT_M_PROBE);
	c = r.t;
	ck_assert_ptr_ne(c, a);
	ck_assert_ptr_ne(c, b);
	p = echo4(2, 2, 2);
	p.ip.dst = hex_addr("198.51.100.8");
	ck_assert_int_eq(feed(&m, &p, T0 + 300 * MS, &r), HT_M_PROBE);
	ck_assert_ptr_eq(r.t, b);

	ck_assert_ptr_eq(m.ohead, b);
	ck_assert_ptr_eq(m.otail, a);
	ck_assert_ptr_null(ht_matcher_ready(&m, 0));
	ck_assert_ptr_eq(ht_matcher_ready(&m, 1), b);
	ht_trace_free(&m, b);
	ck_assert_ptr_eq(ht_matcher_ready(&m, 1), a);
	ht_trace_free(&m, a);
	ck_assert_ptr_null(ht_matcher_ready(&m, 1));	/* C never */
	ht_matcher_free(&m);
}
END_TEST

/* Linux traceroute: a socket per probe, so the source port changes. */
START_TEST(test_replay_linux_udp)
{
	struct ht_matcher m;
	struct ht_match r;
	struct ht_trace *t = NULL;
	struct ht_pkt p, e;
	int i;

	ht_matcher_init(&m, 1, WAIT);
	/* 9 probes: source port 50000 + i, destination 33434 + i, TTL 1..3 */
	for (i = 0; i < 9; i++) {
		p = udp4((uint16_t)(50000 + i), (uint16_t)(33434 + i),
		    (uint8_t)(1 + i / 3), (uint16_t)(0x5000 + i));
		ck_assert_int_eq(feed(&m, &p, T0 + (ht_ns)i * 50 * US, &r),
		    HT_M_PROBE);
		if (t == NULL)
			t = r.t;
		ck_assert_ptr_eq(r.t, t);
		ck_assert_uint_eq(r.probe, i);
	}
	ck_assert_uint_eq(t->ident, HT_IDENT_ANY);
	ck_assert_uint_eq(t->n, 9);
	ck_assert_uint_eq(t->ordered, 1);
	ck_assert_uint_eq(m.count, 1);

	/* hop 2 answers the probe from port 50004 */
	p = udp4(50004, 33438, 2, 0x5004);
	e = quoting(TE4_UDP, &p, "203.0.113.2");
	ck_assert_int_eq(feed(&m, &e, T0 + 5 * MS, &r), HT_M_REPLY);
	ck_assert_ptr_eq(r.t, t);
	ck_assert_uint_eq(r.probe, 4);
	/* hop 1 answers the very first one (port 50000) */
	p = udp4(50000, 33434, 1, 0x5000);
	e = quoting(TE4_UDP, &p, "203.0.113.1");
	ck_assert_int_eq(feed(&m, &e, T0 + 6 * MS, &r), HT_M_REPLY);
	ck_assert_uint_eq(r.probe, 0);
	/* the destination: port unreachable for port 50008 */
	p = udp4(50008, 33442, 3, 0x5008);
	e = quoting(UNR4_PORT, &p, "198.51.100.7");
	ck_assert_int_eq(feed(&m, &e, T0 + 7 * MS, &r), HT_M_REPLY);
	ck_assert_uint_eq(r.probe, 8);
	ck_assert_uint_eq(t->end_ttl, 3);
	ck_assert_uint_eq(t->dest_reached, 1);

	/* the tool runs again: TTL 1 from yet another port starts a new
	 * trace, which keeps "any source port" */
	p = udp4(50100, 33434, 1, 0x5100);
	ck_assert_int_eq(feed(&m, &p, T0 + 500 * MS, &r), HT_M_PROBE);
	ck_assert_ptr_ne(r.t, t);
	ck_assert_ptr_eq(r.t->pred, t);
	ck_assert_uint_eq(r.t->ident, HT_IDENT_ANY);
	ck_assert_uint_eq(t->closed, 1);
	ck_assert_uint_eq(t->n, 9);

	ck_assert_ptr_eq(ht_matcher_ready(&m, 1), t);
	ht_trace_free(&m, t);
	ht_matcher_free(&m);
}
END_TEST

/* Linux traceroute -T: a socket per probe, one destination port. */
START_TEST(test_replay_linux_tcp)
{
	struct ht_matcher m;
	struct ht_match r;
	struct ht_trace *t = NULL;
	struct ht_pkt p, e;
	int i;

	ht_matcher_init(&m, 1, WAIT);
	/* 6 SYNs to port 80: source port 45000 + 7 i, TTL 1, 1, 1, 2, 2, 2,
	 * a sequence number of its own each */
	for (i = 0; i < 6; i++) {
		p = syn4_from((uint16_t)(45000 + 7 * i), (uint8_t)(1 + i / 3),
		    (uint16_t)(0x6000 + i), 0x01000000u * (uint32_t)(i + 1));
		ck_assert_int_eq(feed(&m, &p, T0 + (ht_ns)i * 80 * US, &r),
		    HT_M_PROBE);
		if (t == NULL)
			t = r.t;
		ck_assert_ptr_eq(r.t, t);
		ck_assert_uint_eq(r.probe, i);
	}
	ck_assert_uint_eq(t->ident, HT_IDENT_ANY);
	ck_assert_uint_eq(t->ordered, 1);
	ck_assert_uint_eq(m.count, 1);

	/* hop 1 answers the second probe (port 45007) */
	p = syn4_from(45007, 1, 0x6001, 0x02000000);
	e = quoting(TE4_TCP, &p, "203.0.113.1");
	ck_assert_int_eq(feed(&m, &e, T0 + 3 * MS, &r), HT_M_REPLY);
	ck_assert_ptr_eq(r.t, t);
	ck_assert_uint_eq(r.probe, 1);
	/* the destination's SYN-ACK to port 45035 acknowledging probe 6 */
	e = decoded(SYNACK4, HT_PKT_TCPREPLY);
	e.l4.dport = 45035;
	e.l4.tack = 0x06000001;
	ck_assert_int_eq(feed(&m, &e, T0 + 4 * MS, &r), HT_M_REPLY);
	ck_assert_ptr_eq(r.t, t);
	ck_assert_uint_eq(r.probe, 5);
	ck_assert_uint_eq(t->end_ttl, 2);
	ck_assert_uint_eq(t->dest_reached, 1);
	/* to that port, but acknowledging another probe's sequence */
	e.l4.tack = 0x05000001;
	ck_assert_int_eq(feed(&m, &e, T0 + 5 * MS, &r), HT_M_NONE);
	ht_matcher_free(&m);
}
END_TEST

/* A frame captured twice is one probe; the same probe re-sent is two. */
START_TEST(test_replay_copies)
{
	struct ht_matcher m;
	struct ht_match r;
	struct ht_trace *t;
	struct ht_pkt p = echo4(1, 1, 1), e;

	ht_matcher_init(&m, 1, WAIT);
	ck_assert_int_eq(feed(&m, &p, T0, &r), HT_M_PROBE);
	t = r.t;
	ck_assert_int_eq(feed(&m, &p, T0 + 30 * US, &r), HT_M_NONE);
	ck_assert_uint_eq(t->n, 1);
	ck_assert_int_eq(feed(&m, &p, T0 + 1500 * MS, &r), HT_M_PROBE);
	ck_assert_uint_eq(t->n, 2);
	ck_assert_uint_eq(r.probe, 1);
	/*
	 * two answers: the first, 100 ms after the copy that was sent once
	 * the first had waited 1.5 s, to that copy (issue 27: the newest
	 * probe sent before it); the second to the other
	 */
	e = quoting(TE4_ECHO, &p, "203.0.113.1");
	ck_assert_int_eq(feed(&m, &e, T0 + 1600 * MS, &r), HT_M_REPLY);
	ck_assert_uint_eq(r.probe, 1);
	ck_assert_int_eq(feed(&m, &e, T0 + 1601 * MS, &r), HT_M_REPLY);
	ck_assert_uint_eq(r.probe, 0);
	ht_matcher_free(&m);
}
END_TEST

/* The same identity after a long silence is a new trace. */
START_TEST(test_replay_restart_after_silence)
{
	static const uint8_t ttl[3] = { 1, 2, 3 };
	struct ht_matcher m;
	struct ht_match r;
	struct ht_trace *a, *b;
	struct ht_pkt p;
	ht_ns later;

	ht_matcher_init(&m, 1, WAIT);
	a = replay_echo(&m, ttl, 2, 1, T0);
	later = T0 + MS + m.stale + 1;
	/* TTL 3 would continue the trace, were it not for the silence */
	b = replay_echo(&m, ttl + 2, 1, 3, later);
	ck_assert_ptr_ne(a, b);
	ck_assert_uint_eq(a->closed, 1);
	ck_assert_uint_eq(a->n, 2);
	ck_assert_ptr_eq(b->pred, a);
	ck_assert_uint_eq(b->n, 1);
	ck_assert_uint_eq(b->t_first, later);
	/* a single-TTL trace is simply replaced */
	p = echo4_ident(0x0777, 64, 1, 1);
	ck_assert_int_eq(feed(&m, &p, T0, &r), HT_M_PROBE);
	p = echo4_ident(0x0777, 64, 2, 2);
	ck_assert_int_eq(feed(&m, &p, T0 + m.stale + 1, &r), HT_M_PROBE);
	ck_assert_uint_eq(r.t->n, 1);
	ck_assert_uint_eq(r.probe, 0);
	ck_assert_ptr_null(r.t->pred);
	ht_matcher_free(&m);
}
END_TEST

/* A trace silent for longer than the stale time is closed and ready. */
START_TEST(test_replay_expire)
{
	static const uint8_t ttl[2] = { 1, 2 };
	struct ht_matcher m;
	struct ht_trace *t;

	ht_matcher_init(&m, 1, WAIT);
	ck_assert_uint_eq(m.stale, HT_RUN_GAP);	/* WAIT + 5 s is less */
	t = replay_echo(&m, ttl, 2, 1, T0);
	ck_assert_uint_eq(t->t_last, T0 + MS);
	ht_matcher_expire(&m, T0 + MS + m.stale);	/* not yet */
	ck_assert_uint_eq(t->closed, 0);
	ck_assert_ptr_null(ht_matcher_ready(&m, 0));
	ht_matcher_expire(&m, T0 + MS + m.stale + 1);
	ck_assert_uint_eq(t->closed, 1);
	ck_assert_ptr_eq(ht_matcher_ready(&m, 0), t);
	ht_trace_free(&m, t);
	ht_matcher_free(&m);
}
END_TEST

/* ------------------------------------------------------------------ */
/* Where a run ends (issue 14)                                         */

/*
 * One round of an mtr-shaped run: TTL 1..hops, one echo probe each, the
 * sequence going on from *seq, 10 ms apart from ts; every probe answered
 * 2 ms later (time exceeded, the last one by the destination) when
 * `answer`.  Returns the trace of the last probe.
 */
static struct ht_trace *
mtr_round(struct ht_matcher *m, int hops, uint16_t *seq, ht_ns ts,
    int answer)
{
	struct ht_match r;
	struct ht_trace *t = NULL;
	struct ht_pkt p, e;
	int k;

	for (k = 1; k <= hops; k++) {
		p = echo4((uint8_t)k, *seq, *seq);
		ck_assert_int_eq(feed(m, &p, ts + (ht_ns)k * 10 * MS, &r),
		    HT_M_PROBE);
		ck_assert(t == NULL || r.t == t);
		t = r.t;
		if (answer) {
			if (k < hops)
				e = quoting(TE4_ECHO, &p, "203.0.113.2");
			else
				e = echo_reply(ER4, *seq);
			ck_assert_int_eq(feed(m, &e, ts + (ht_ns)k * 10 * MS +
			    2 * MS, &r), HT_M_REPLY);
			ck_assert_ptr_eq(r.t, t);
		}
		(*seq)++;
	}
	return t;
}

/* mtr: back to TTL 1 every round, the sequence counting on: one trace. */
START_TEST(test_replay_mtr_rounds)
{
	struct ht_matcher m;
	struct ht_match r;
	struct ht_trace *t;
	struct ht_pkt p, e;
	uint16_t seq = 33000;
	uint8_t ttl;
	int i;

	ht_matcher_init(&m, 1, WAIT);
	t = mtr_round(&m, 4, &seq, T0, 1);
	for (i = 1; i < 3; i++)
		ck_assert_ptr_eq(mtr_round(&m, 4, &seq,
		    T0 + (ht_ns)i * HT_NS_PER_SEC, 1), t);
	ck_assert_uint_eq(t->rounds, 3);
	ck_assert_uint_eq(t->n, 12);
	ck_assert_uint_eq(t->nreplies, 12);
	ck_assert_uint_eq(t->end_ttl, 4);
	ck_assert_uint_eq(m.count, 1);
	for (i = 0; i < 12; i++)
		ck_assert_uint_eq(t->p[i].ttl, i % 4 + 1);
	for (ttl = 1; ttl <= 4; ttl++)
		ck_assert(ht_trace_hop_answered(t, ttl));

	/* a fourth round, unanswered; its TTL 2 answer comes late, after
	 * the fifth round began: it still lands on the fourth's probe */
	mtr_round(&m, 4, &seq, T0 + 3 * HT_NS_PER_SEC, 0);
	p = echo4(1, seq, seq);
	ck_assert_int_eq(feed(&m, &p, T0 + 4 * HT_NS_PER_SEC, &r),
	    HT_M_PROBE);
	ck_assert_ptr_eq(r.t, t);
	ck_assert_uint_eq(t->rounds, 5);
	p = echo4(2, 33013, 33013);
	e = quoting(TE4_ECHO, &p, "203.0.113.2");
	ck_assert_int_eq(feed(&m, &e, T0 + 4 * HT_NS_PER_SEC + MS, &r),
	    HT_M_REPLY);
	ck_assert_ptr_eq(r.t, t);
	ck_assert_uint_eq(r.probe, 13);
	ht_matcher_free(&m);
}
END_TEST

/* mtr -u: one source port, the destination port counting on. */
START_TEST(test_replay_mtr_udp_rounds)
{
	struct ht_matcher m;
	struct ht_match r;
	struct ht_trace *t = NULL;
	struct ht_pkt p;
	uint16_t port = 33000;
	int i, k;

	ht_matcher_init(&m, 1, WAIT);
	for (i = 0; i < 3; i++)
		for (k = 1; k <= 5; k++, port++) {
			p = udp4(41000, port, (uint8_t)k, port);
			ck_assert_int_eq(feed(&m, &p, T0 + (ht_ns)i *
			    HT_NS_PER_SEC + (ht_ns)k * MS, &r), HT_M_PROBE);
			ck_assert(t == NULL || r.t == t);
			t = r.t;
		}
	ck_assert_uint_eq(t->rounds, 3);
	ck_assert_uint_eq(t->n, 15);
	ck_assert_uint_eq(t->ident, 41000);
	/* the same run again from its first port: a new trace */
	p = udp4(41000, 33000, 1, 1);
	ck_assert_int_eq(feed(&m, &p, T0 + 5 * HT_NS_PER_SEC, &r),
	    HT_M_PROBE);
	ck_assert_ptr_ne(r.t, t);
	ck_assert_uint_eq(t->closed, 1);
	ht_matcher_free(&m);
}
END_TEST

/*
 * Windows tracert: identifier constant, sequence rising over the whole
 * run, 3 probes per TTL, pauses of seconds between TTLs: one trace.  The
 * next run counts on too, but a round of 3 probes per TTL is no mtr
 * round: back at TTL 1 it is a new trace.
 */
START_TEST(test_replay_tracert)
{
	struct ht_matcher m;
	struct ht_match r;
	struct ht_trace *a = NULL, *b = NULL;
	struct ht_pkt p;
	uint16_t seq = 67;
	ht_ns ts = T0;
	int run, k, q;

	ht_matcher_init(&m, 1, WAIT);
	for (run = 0; run < 2; run++)
		for (k = 1; k <= 6; k++) {
			for (q = 0; q < 3; q++, seq++) {
				p = echo4_ident(1, (uint8_t)k, seq, seq);
				ck_assert_int_eq(feed(&m, &p, ts, &r),
				    HT_M_PROBE);
				ts += 5 * MS;
			}
			if (run == 0)
				ck_assert(a == NULL || r.t == a);
			else
				ck_assert(b == NULL || r.t == b);
			if (run == 0)
				a = r.t;
			else
				b = r.t;
			/* tracert's name lookup, up to ~16 s (HT_RUN_GAP) */
			ts += (k == 3 ? 16 : 3) * HT_NS_PER_SEC;
		}
	ck_assert_ptr_ne(a, b);
	ck_assert_uint_eq(a->n, 18);
	ck_assert_uint_eq(a->rounds, 1);
	ck_assert_uint_eq(a->closed, 1);
	ck_assert_uint_eq(b->n, 18);
	ck_assert_ptr_eq(b->pred, a);
	ht_matcher_free(&m);
}
END_TEST

/*
 * Identical probes (issue 27): one echo per TTL, differing only in its TTL
 * (sequence 0, IP ID 1), each sent once the previous one was answered or
 * given up on (1 s).  Hop 3 is silent: hop 4's answer, quoting TTL 1 as
 * every router does, is the TTL 4 probe's, not the still open TTL 3's.
 */
START_TEST(test_replay_identical_silent_hop)
{
	static const char *from[6] = { "203.0.113.1", "203.0.113.2", NULL,
	    "203.0.113.4", "203.0.113.5", "203.0.113.6" };
	struct ht_matcher m;
	struct ht_match r;
	struct ht_trace *t = NULL;
	struct ht_pkt p, e;
	ht_ns ts = T0;
	int k;

	ht_matcher_init(&m, 1, WAIT);
	for (k = 1; k <= 6; k++) {
		p = echo4((uint8_t)k, 1, 0);
		ck_assert_int_eq(feed(&m, &p, ts, &r), HT_M_PROBE);
		ck_assert(t == NULL || r.t == t);
		t = r.t;
		if (from[k - 1] == NULL) {
			ts += HT_NS_PER_SEC;
			continue;
		}
		e = quoting(TE4_ECHO, &p, from[k - 1]);
		ts += (ht_ns)(2 * k) * MS;
		ck_assert_int_eq(feed(&m, &e, ts, &r), HT_M_REPLY);
		ck_assert_uint_eq(t->p[r.probe].ttl, k);
		ASSERT_ADDR(t->p[r.probe].from, from[k - 1]);
		ck_assert_uint_eq(t->p[r.probe].t_reply - t->p[r.probe].t_sent,
		    (ht_ns)(2 * k) * MS);
		ts += MS;
	}
	ck_assert_uint_eq(t->p[2].rkind, HT_R_NONE);
	ck_assert_uint_eq(t->nreplies, 5);
	ht_matcher_free(&m);
}
END_TEST

/*
 * The same identical probes sent in a burst (1 ms apart, all before the
 * first answer) are answered in the order they left, hop 3 silent: each
 * answer goes to the oldest open probe that could have drawn it.
 */
START_TEST(test_replay_identical_burst)
{
	struct ht_matcher m;
	struct ht_match r;
	struct ht_trace *t = NULL;
	struct ht_pkt p[5], e;
	int k;

	ht_matcher_init(&m, 1, WAIT);
	for (k = 1; k <= 5; k++) {
		p[k - 1] = echo4((uint8_t)k, 1, 0);
		ck_assert_int_eq(feed(&m, &p[k - 1], T0 + (ht_ns)k * MS, &r),
		    HT_M_PROBE);
		t = r.t;
	}
	/* hop k answers 10 + 2k ms after its probe: 11 ms onwards */
	for (k = 1; k <= 5; k++) {
		e = quoting(TE4_ECHO, &p[k - 1], "203.0.113.9");
		ck_assert_int_eq(feed(&m, &e, T0 + (ht_ns)(10 + 3 * k) * MS,
		    &r), HT_M_REPLY);
		ck_assert_uint_eq(t->p[r.probe].ttl, k);
	}
	ht_matcher_free(&m);

	/* paced 1 ms apart, each answered 1.5 ms on: after the next left */
	ht_matcher_init(&m, 1, WAIT);
	for (k = 1; k <= 5; k++) {
		p[k - 1] = echo4((uint8_t)k, 1, 0);
		ck_assert_int_eq(feed(&m, &p[k - 1], T0 + (ht_ns)k * MS, &r),
		    HT_M_PROBE);
		t = r.t;
		if (k == 1)
			continue;
		e = quoting(TE4_ECHO, &p[k - 2], "203.0.113.9");
		ck_assert_int_eq(feed(&m, &e, T0 + (ht_ns)k * MS + 500 * US,
		    &r), HT_M_REPLY);
		ck_assert_uint_eq(t->p[r.probe].ttl, k - 1);
	}
	ht_matcher_free(&m);
}
END_TEST

/*
 * Ordinary traffic is no trace (issue 27): a QUIC server's datagrams whose
 * TTL wanders over 45..51 on arrival print nothing; the same flow starting
 * at TTL 45 is a trace once an ICMP error quotes one of its datagrams.
 */
START_TEST(test_replay_busy_not_probes)
{
	struct ht_matcher m;
	struct ht_match r;
	struct ht_trace *t;
	struct ht_pkt p, e;
	int i;

	ht_matcher_init(&m, 1, WAIT);
	for (i = 0; i < 200; i++) {
		p = udp4(443, 51000, (uint8_t)(45 + (i * 5) % 7),
		    (uint16_t)(0x2000 + i));
		ck_assert_int_eq(feed(&m, &p, T0 + (ht_ns)i * 20 * MS, &r),
		    HT_M_PROBE);
		ck_assert_uint_eq(r.t->ordered, 0);
	}
	ck_assert_ptr_null(m.ohead);
	ck_assert_ptr_null(ht_matcher_ready(&m, 1));
	ht_matcher_free(&m);

	/* TTLs that start high but draw an answer: evidence enough */
	ht_matcher_init(&m, 1, WAIT);
	for (i = 0; i < 3; i++) {
		p = udp4(40000, (uint16_t)(33434 + i), (uint8_t)(45 + i),
		    (uint16_t)(0x7000 + i));
		ck_assert_int_eq(feed(&m, &p, T0 + (ht_ns)i * MS, &r),
		    HT_M_PROBE);
	}
	t = r.t;
	ck_assert_uint_eq(t->ordered, 0);
	e = quoting(TE4_UDP, &p, "203.0.113.45");
	ck_assert_int_eq(feed(&m, &e, T0 + 10 * MS, &r), HT_M_REPLY);
	ck_assert_uint_eq(t->ordered, 1);
	ck_assert_ptr_eq(ht_matcher_ready(&m, 1), t);
	ht_matcher_free(&m);
}
END_TEST

/*
 * A 2000-byte UDP probe in two fragments (1500 + 520): its size is the
 * whole datagram's once the last fragment is seen (issue 27); a fragment
 * of another datagram changes nothing.
 */
START_TEST(test_replay_fragmented_probe_size)
{
	struct ht_matcher m;
	struct ht_match r;
	struct ht_trace *t;
	struct ht_pkt p[2], f;
	int i;

	ht_matcher_init(&m, 1, WAIT);
	for (i = 0; i < 2; i++) {
		p[i] = udp4(40000, (uint16_t)(33434 + i), (uint8_t)(1 + i),
		    (uint16_t)(0x7a00 + i));
		p[i].ip.len = 1500;
		p[i].ip.whole = 1500;
		p[i].ip.frag = p[i].ip.mf = 1;
		p[i].ip.fid = p[i].ip.id;
		ck_assert_int_eq(feed(&m, &p[i], T0 + (ht_ns)i * MS, &r),
		    HT_M_PROBE);
		ck_assert_uint_eq(r.t->p[r.probe].size, 1500);
		f = p[i];
		f.kind = HT_PKT_FRAGMENT;
		memset(&f.l4, 0, sizeof(f.l4));
		f.ip.len = 520;
		f.ip.mf = 0;
		f.ip.foff = 1480;
		f.ip.whole = 2000;
		if (i == 1)
			f.ip.fid = 0x1234;	/* not this probe's */
		ck_assert_int_eq(feed(&m, &f, T0 + (ht_ns)i * MS + 10 * US,
		    &r), HT_M_NONE);
	}
	t = m.ohead;
	ck_assert_ptr_nonnull(t);
	ck_assert_uint_eq(t->n, 2);
	ck_assert_uint_eq(t->p[0].size, 2000);
	ck_assert_uint_eq(t->p[1].size, 1500);

	/* the last fragment first, then the probe's first fragment */
	p[0] = udp4(40000, 33436, 3, 0x7a02);
	p[0].ip.len = p[0].ip.whole = 1500;
	p[0].ip.frag = p[0].ip.mf = 1;
	p[0].ip.fid = p[0].ip.id;
	f = p[0];
	f.kind = HT_PKT_FRAGMENT;
	memset(&f.l4, 0, sizeof(f.l4));
	f.ip.len = 120;
	f.ip.mf = 0;
	f.ip.foff = 1480;
	f.ip.whole = 1600;
	ck_assert_int_eq(feed(&m, &f, T0 + 5 * MS, &r), HT_M_NONE);
	ck_assert_int_eq(feed(&m, &p[0], T0 + 5 * MS + 10 * US, &r),
	    HT_M_PROBE);
	ck_assert_ptr_eq(r.t, t);
	ck_assert_uint_eq(t->p[r.probe].size, 1600);
	ht_matcher_free(&m);
}
END_TEST

/*
 * Feed what replay.c feeds (expiry and printing as the capture streams)
 * and count the traces that come out; *most is the largest number of
 * traces held at once.  Check records every ck_assert that passes (a
 * write each), so the loops of the scale tests test with plain ifs.
 */
static unsigned
stream_ready(struct ht_matcher *m, ht_ns now, int eof, unsigned *most,
    uint32_t want_n, uint32_t want_rounds)
{
	struct ht_trace *t;
	unsigned n = 0, held = 0;

	for (t = m->ohead; t != NULL && held < 1000; t = t->onext)
		held++;
	if (held > *most)
		*most = held;
	ht_matcher_expire(m, now);
	while ((t = ht_matcher_ready(m, eof)) != NULL) {
		if (t->n != want_n || t->rounds != want_rounds ||
		    t->nreplies != want_n)
			ck_abort_msg("trace %u: %u probes, %u rounds, %u "
			    "replies", n, t->n, t->rounds, t->nreplies);
		ht_trace_free(m, t);
		n++;
	}
	return n;
}

/*
 * A cron job tracing one host again and again with one identity (same
 * source, destination, ICMP identifier, the sequence starting again each
 * run): one trace per run exactly, printed as the capture streams, never
 * more than two held.  Runs a minute apart (past HT_RUN_GAP) and 2 s apart
 * (only the restart of TTL and sequence tells them apart).  One run: 3
 * mtr rounds of TTL 1..4 200 ms apart, every probe answered.
 */
START_TEST(test_replay_many_repeats)
{
	static const ht_ns every[2] = { 60 * HT_NS_PER_SEC,
	    2 * HT_NS_PER_SEC };
	struct ht_pkt pk[24];
	ht_ns at[24];
	struct ht_matcher m;
	struct ht_match r;
	unsigned got, most, i, n = 10000;
	uint16_t seq = 33000;
	ht_ns ts;
	int j, k, c;

	for (j = 0; j < 3; j++)
		for (k = 1; k <= 4; k++, seq++) {
			i = (unsigned)(j * 8 + (k - 1) * 2);
			pk[i] = echo4((uint8_t)k, seq, seq);
			pk[i + 1] = k < 4 ?
			    quoting(TE4_ECHO, &pk[i], "203.0.113.2") :
			    echo_reply(ER4, seq);
			at[i] = (ht_ns)j * 200 * MS + (ht_ns)k * 10 * MS;
			at[i + 1] = at[i] + 2 * MS;
		}
	for (c = 0; c < 2; c++) {
		ht_matcher_init(&m, 1, WAIT);
		got = most = 0;
		ts = T0;
		for (i = 0; i < n; i++) {
			for (j = 0; j < 24; j++)
				if (feed(&m, &pk[j], ts + at[j], &r) !=
				    (j % 2 ? HT_M_REPLY : HT_M_PROBE))
					ck_abort_msg("run %u packet %d", i, j);
			got += stream_ready(&m, ts, 0, &most, 12, 3);
			ts += every[c];
		}
		got += stream_ready(&m, ts, 1, &most, 12, 3);
		ck_assert_uint_eq(got, n);
		ck_assert_uint_le(most, 2);
		ck_assert_uint_eq(m.count, 0);
		ck_assert_uint_eq(m.n_probes, 12 * n);
		ck_assert_uint_eq(m.n_replies, 12 * n);
		ht_matcher_free(&m);
	}
}
END_TEST

/* A ping that never ends is no trace: held HT_FLOW_MAX probes at most. */
START_TEST(test_replay_endless_ping)
{
	struct ht_matcher m;
	struct ht_match r;
	struct ht_pkt p;
	uint32_t i, most = 0;

	ht_matcher_init(&m, 1, WAIT);
	p = echo4_ident(0x0777, 64, 0, 0);
	for (i = 0; i < 3 * HT_FLOW_MAX; i++) {
		p.l4.seq = (uint16_t)i;		/* the checksum is not read */
		if (feed(&m, &p, T0 + (ht_ns)i * HT_NS_PER_SEC, &r) !=
		    HT_M_PROBE)
			ck_abort_msg("probe %u", i);
		if (r.t->n > most)
			most = r.t->n;
	}
	ck_assert_uint_eq(most, HT_FLOW_MAX);
	ck_assert_uint_eq(m.count, 1);
	ck_assert_ptr_null(m.ohead);
	ht_matcher_free(&m);
}
END_TEST

/*
 * Many Linux traceroute -U runs at once, to as many destinations: each
 * probe's new source port finds its own run's trace (the src/dst/proto
 * index, through its growth), never another's.
 */
START_TEST(test_replay_many_varying_flows)
{
	enum { FLOWS = 600, PROBES = 9 };
	static struct ht_trace *tr[FLOWS];
	struct ht_matcher m;
	struct ht_match r;
	struct ht_pkt p;
	int f, k;

	memset(tr, 0, sizeof(tr));
	ht_matcher_init(&m, 1, WAIT);
	for (k = 0; k < PROBES; k++)
		for (f = 0; f < FLOWS; f++) {
			p = udp4((uint16_t)(20000 + f * PROBES + k),
			    (uint16_t)(33434 + k), (uint8_t)(1 + k / 3),
			    (uint16_t)(f * PROBES + k));
			p.ip.dst.a[2] = (uint8_t)(f >> 8);
			p.ip.dst.a[3] = (uint8_t)f;
			if (feed(&m, &p, T0 + (ht_ns)(k * FLOWS + f) * US,
			    &r) != HT_M_PROBE)
				ck_abort_msg("flow %d probe %d", f, k);
			if (k == 0)
				tr[f] = r.t;
			if (r.t != tr[f])
				ck_abort_msg("flow %d probe %d: another "
				    "trace", f, k);
		}
	for (f = 0; f < FLOWS; f++) {
		ck_assert_uint_eq(tr[f]->n, PROBES);
		ck_assert_uint_eq(tr[f]->ident, HT_IDENT_ANY);
	}
	ck_assert_uint_eq(m.count, FLOWS);
	ck_assert_uint_eq(m.vcount, FLOWS);
	ht_matcher_free(&m);
}
END_TEST

/* Live mode makes no traces of its own. */
START_TEST(test_live_learns_nothing)
{
	struct ht_matcher m;
	struct ht_match r;
	struct ht_pkt p = echo4(1, 1, 1);

	ht_matcher_init(&m, 0, WAIT);
	ck_assert_int_eq(feed(&m, &p, T0, &r), HT_M_NONE);
	ck_assert_ptr_null(r.t);
	ck_assert_uint_eq(m.count, 0);
	p = decoded(TE4_ECHO, HT_PKT_ERROR);
	ck_assert_int_eq(feed(&m, &p, T0 + MS, &r), HT_M_NONE);
	ht_matcher_free(&m);
}
END_TEST

/* A matcher holding one Paris UDP trace of two probes, TTL 1 and 2. */
static struct ht_trace *
paris4_pair(struct ht_matcher *m, struct ht_pkt pr[2])
{
	struct ht_addr us = hex_addr("192.0.2.1"),
	    dst = hex_addr("198.51.100.7");
	struct ht_trace *t;
	int k;

	ht_matcher_init(m, 0, WAIT);
	t = ht_trace_new(m, &us, &dst, HT_PROTO_UDP, 40000);
	ck_assert_ptr_nonnull(t);
	for (k = 0; k < 2; k++) {
		pr[k] = udp4_paris((uint8_t)(k + 1), (uint16_t)(k + 1),
		    (uint16_t)(k + 1));
		ht_trace_add_probe(t, (uint8_t)(k + 1), pr[k].ip.id, &pr[k].l4,
		    pr[k].ip.len, T0);
	}
	return t;
}

/*
 * Paris UDP (probe.c: one flow, checksum carries k; IPv4 ID = sequence).
 * A second or late reply to one probe must not become the answer of
 * another unanswered probe of the same flow whose IP ID and checksum both
 * differ (a bug find_probe() once had: it weighed "still open" above what
 * the reply quotes).
 */
START_TEST(test_bug_paris_dup_goes_to_other_probe)
{
	struct ht_pkt pr[2], e;
	struct ht_matcher m;
	struct ht_match r;
	struct ht_trace *t = paris4_pair(&m, pr);

	e = quoting(TE4_UDP, &pr[0], "203.0.113.1");
	ck_assert_int_eq(feed(&m, &e, T0 + 5 * MS, &r), HT_M_REPLY);
	ck_assert_uint_eq(r.probe, 0);
	ck_assert_int_eq(feed(&m, &e, T0 + 6 * MS, &r), HT_M_DUP);
	ck_assert_uint_eq(r.probe, 0);
	ck_assert_uint_eq(t->p[1].rkind, HT_R_NONE);
	ht_matcher_free(&m);
}
END_TEST

/* The same with a late reply to an expired probe. */
START_TEST(test_bug_paris_late_goes_to_other_probe)
{
	struct ht_pkt pr[2], e;
	struct ht_matcher m;
	struct ht_match r;
	struct ht_trace *t = paris4_pair(&m, pr);

	t->p[0].flags |= HT_P_EXPIRED;
	e = quoting(TE4_UDP, &pr[0], "203.0.113.1");
	ck_assert_int_ne(feed(&m, &e, T0 + 1500 * MS, &r), HT_M_REPLY);
	ck_assert_uint_eq(t->p[1].rkind, HT_R_NONE);
	ht_matcher_free(&m);
}
END_TEST

/* Paris UDP over IPv6: the checksum is all there is to go by. */
START_TEST(test_bug_paris6_dup_goes_to_other_probe)
{
	struct ht_addr us = hex_addr("2001:db8::1"),
	    dst = hex_addr("2001:db8:2::7");
	struct ht_pkt base = decoded(UDP6, HT_PKT_PROBE), pr[2], e;
	struct ht_matcher m;
	struct ht_match r;
	struct ht_trace *t;
	int k;

	ht_matcher_init(&m, 0, WAIT);
	t = ht_trace_new(&m, &us, &dst, HT_PROTO_UDP, 40000);
	for (k = 0; k < 2; k++) {
		pr[k] = base;
		pr[k].ip.ttl = (uint8_t)(k + 2);
		pr[k].l4.cksum = cksum_adj(base.l4.cksum, 0x686f,
		    (uint16_t)(k + 1));
		ht_trace_add_probe(t, (uint8_t)(k + 2), 0, &pr[k].l4,
		    pr[k].ip.len, T0);
	}
	/* a time exceeded from hop 2 quoting probe 1 */
	e = decoded(UNR6_PORT, HT_PKT_ERROR);
	e.ip.src = hex_addr("2001:db8:1::5");
	e.l4.type = HT_ICMP6_TIMXCEED;
	e.l4.code = 0;
	e.ql4 = pr[0].l4;
	ck_assert_int_eq(feed(&m, &e, T0 + 5 * MS, &r), HT_M_REPLY);
	ck_assert_uint_eq(r.probe, 0);
	ck_assert_int_eq(feed(&m, &e, T0 + 6 * MS, &r), HT_M_DUP);
	ck_assert_uint_eq(t->p[1].rkind, HT_R_NONE);
	ht_matcher_free(&m);
}
END_TEST

static Suite *
trace_suite(void)
{
	Suite *s = suite_create("trace");
	TCase *tc;

	tc = tcase_create("builders");
	tcase_add_test(tc, test_builders_match_wire);
	suite_add_tcase(s, tc);

	tc = tcase_create("live");
	tcase_add_test(tc, test_live_icmp);
	tcase_add_test(tc, test_live_icmp_by_sequence);
	tcase_add_test(tc, test_live_foreign);
	tcase_add_test(tc, test_live_late);
	tcase_add_test(tc, test_live_udp_port_unreachable);
	tcase_add_test(tc, test_live_tcp);
	tcase_add_test(tc, test_live_tcp_synack);
	tcase_add_test(tc, test_live_paris_ipid);
	tcase_add_test(tc, test_live_paris_cksum_v4);
	tcase_add_test(tc, test_live_paris_cksum_v6);
	tcase_add_test(tc, test_live_icmp6);
	tcase_add_test(tc, test_live_extensions_kept);
	tcase_add_test(tc, test_live_many_probes);
	tcase_add_test(tc, test_live_learns_nothing);
	suite_add_tcase(s, tc);

	tc = tcase_create("replay");
	tcase_add_test(tc, test_replay_ordered_trace);
	tcase_add_test(tc, test_replay_single_ttl_ping);
	tcase_add_test(tc, test_replay_restart);
	tcase_add_test(tc, test_replay_restart_after_silence);
	tcase_add_test(tc, test_replay_order_at_eof);
	tcase_add_test(tc, test_replay_linux_udp);
	tcase_add_test(tc, test_replay_linux_tcp);
	tcase_add_test(tc, test_replay_copies);
	tcase_add_test(tc, test_replay_expire);
	tcase_add_test(tc, test_replay_mtr_rounds);
	tcase_add_test(tc, test_replay_mtr_udp_rounds);
	tcase_add_test(tc, test_replay_tracert);
	tcase_add_test(tc, test_replay_identical_silent_hop);
	tcase_add_test(tc, test_replay_identical_burst);
	tcase_add_test(tc, test_replay_busy_not_probes);
	tcase_add_test(tc, test_replay_fragmented_probe_size);
	tcase_add_test(tc, test_replay_many_repeats);
	tcase_add_test(tc, test_replay_endless_ping);
	tcase_add_test(tc, test_replay_many_varying_flows);
	suite_add_tcase(s, tc);

	tc = tcase_create("paris_regressions");
	tcase_add_test(tc, test_bug_paris_dup_goes_to_other_probe);
	tcase_add_test(tc, test_bug_paris_late_goes_to_other_probe);
	tcase_add_test(tc, test_bug_paris6_dup_goes_to_other_probe);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner *sr = srunner_create(trace_suite());
	int nfail;

	srunner_run_all(sr, CK_NORMAL);
	nfail = srunner_ntests_failed(sr);
	srunner_free(sr);
	return nfail == 0 ? 0 : 1;
}

/* \summary: unit tests of the simulated network: what each topology answers, byte for byte */
/*
 * Probes are built by the project's prober (dry: no socket, no privilege),
 * sent into a simulated network (simnet.c) through its struct
 * ht_netio_ops, and the frames that come back are decoded by the
 * project's decoder and matched by its matcher, as live frames are:
 *
 * - the text form: chains, groups, settings, errors named by line;
 * - a chain, ICMP, UDP and TCP, IPv4 and IPv6, raw and Ethernet frames:
 *   time exceeded from each router quoting the probe with TTL 1, the
 *   reply's TTL 64 less the routers back, checksums right, then the
 *   destination's echo reply, port unreachable or RST / SYN-ACK;
 * - a silent router, a deaf destination, loss (near the configured rate,
 *   the same for the same seed), a probe dropped on the way;
 * - diamonds: a flow keeps its branch, flows spread over all of them;
 *   ICMP by checksum (Paris) or by identifier (Linux); a meshed diamond;
 *   a per-packet balancer;
 * - an AnyIP /24, an unrouted destination (!N), rate limits;
 * - the clock: wait() moves to the next frame or the timeout, never
 *   back; frames in time order; keep(), close_send(), a full send
 *   buffer, a refused destination, the limits that end a runaway loop;
 * - the matcher pairs every reply with its probe, the RTT the delay;
 * - live captures of Linux routers (pcaps/hoptrace-*.pcap, an 8-hop
 *   chain): each probe in them, sent into the same chain simulated, draws
 *   the very reply the capture holds, byte for byte but for the IP ID
 *   (and so the IPv4 header checksum) and the IPv6 flow label.
 */
#ifdef HAVE_CONFIG_H
#include <config.h>
#endif

#include <check.h>
#include <pcap/pcap.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/err.h"
#include "hex.h"
#include "io/prober.h"
#include "match/trace.h"
#include "simnet.h"
#include "wire/decode.h"

#define MS	(HT_NS_PER_SEC / 1000)
#define MAXGOT	4096

/* One frame read back: when, its bytes, what the decoder made of it. */
struct got {
	ht_ns ts;
	uint32_t len;
	uint8_t data[1600];
	struct ht_pkt d;
};

static struct got *got;
static size_t ngot;

static void
setup(void)
{
	got = calloc(MAXGOT, sizeof(*got));
	ck_assert_ptr_nonnull(got);
	ngot = 0;
}

static void
teardown(void)
{
	free(got);
	got = NULL;
}

static void
net_of(struct simnet *sn, const char *text)
{
	char err[HT_ERRBUF];

	simnet_init(sn, DLT_RAW, 1);
	err[0] = '\0';
	ck_assert_msg(simnet_parse(sn, text, err) == 0, "%s", err);
	ngot = 0;
}

static struct ht_prober *
prober(const struct simnet *sn, enum ht_method m, const char *dst, int paris)
{
	struct ht_probe_cfg c;
	struct ht_prober *pr;
	char err[HT_ERRBUF];

	memset(&c, 0, sizeof(c));
	c.method = m;
	ck_assert_int_eq(ht_addr_parse(dst, &c.dst), 0);
	c.src = *simnet_src(sn, c.dst.af);
	c.ident = 40001;
	c.port = m == HT_METHOD_TCP ? 80 : 33434;
	c.paris = paris;
	c.payload = 12;
	c.dry = 1;
	pr = ht_prober_open(&c, err, sizeof(err));
	ck_assert_msg(pr != NULL, "%s", err);
	return pr;
}

/*
 * A dry prober of method m to dst, an address or a node's name (its IPv4
 * address).
 */
static struct ht_prober *
prober_to(struct simnet *sn, enum ht_method m, const char *dst, int paris)
{
	char a[HT_ADDRSTRLEN];
	const struct ht_addr *x = simnet_addr(sn, dst, 4);

	if (x == NULL)
		return prober(sn, m, dst, paris);
	return prober(sn, m, ht_addr_str(x, a), paris);
}

/* Build probe k at ttl and send it: send()'s answer. */
static int
send_probe(struct simnet *sn, struct ht_prober *pr, uint32_t k, uint8_t ttl,
    uint8_t *pkt, size_t *plen)
{
	uint8_t buf[HT_PROBE_MAX];
	char err[HT_ERRBUF];
	struct ht_addr dst;
	size_t ipoff;
	int n, rc;

	err[0] = '\0';
	n = ht_prober_build(pr, k, ttl, buf, sizeof(buf), &ipoff, err,
	    sizeof(err));
	ck_assert_msg(n > 0, "%s", err);
	ck_assert(hex_ip_cksums_ok(buf, (size_t)n));
	memset(&dst, 0, sizeof(dst));
	rc = simnet_ops.send(sn, &dst, buf, (size_t)n, err);
	ck_assert_msg(rc >= 0, "%s", err);
	if (pkt != NULL) {
		memcpy(pkt, buf, (size_t)n);
		*plen = (size_t)n;
	}
	return rc;
}

/* Read every frame due now into got[]; their number. */
static size_t
read_now(struct simnet *sn)
{
	const uint8_t *data;
	uint32_t caplen, len;
	ht_ns ts, last = 0;
	char err[HT_ERRBUF];
	size_t n = 0;
	int rc;

	while ((rc = simnet_ops.next(sn, &data, &caplen, &len, &ts, err)) == 1) {
		ck_assert_uint_eq(caplen, len);
		ck_assert_uint_le(ts, sn->now);
		ck_assert_uint_ge(ts, last);	/* in time order */
		last = ts;
		ck_assert_uint_lt(ngot, MAXGOT);
		ck_assert_uint_le(len, sizeof(got[ngot].data));
		got[ngot].ts = ts;
		got[ngot].len = len;
		memcpy(got[ngot].data, data, len);
		ht_decode(sn->dlt, got[ngot].data, len, &got[ngot].d);
		ck_assert_int_eq(got[ngot].d.status, HT_DEC_OK);
		ngot++;
		n++;
	}
	ck_assert_int_eq(rc, 0);
	return n;
}

/* Run the clock until nothing is scheduled, reading every frame. */
static void
drain(struct simnet *sn)
{
	char err[HT_ERRBUF];
	int i, ready;

	for (i = 0; i < 100000; i++) {
		read_now(sn);
		if (simnet_pending(sn) == 0)
			return;
		ck_assert_msg(simnet_ops.wait(sn, 1000 * MS, -1, &ready, err) == 0,
		    "%s", err);
	}
	ck_abort_msg("drain did not end");
}

/* The frames of got[] that are not our own probes. */
static size_t
replies(struct got **out, size_t max)
{
	size_t i, n = 0;

	for (i = 0; i < ngot && n < max; i++)
		if (got[i].d.kind != HT_PKT_PROBE)
			out[n++] = &got[i];
	return n;
}

static const uint8_t *
ip_of(const struct got *g, int dlt)
{
	return g->data + (dlt == DLT_EN10MB ? 14 : 0);
}

static void
assert_from(const struct ht_addr *a, const struct ht_addr *want)
{
	char x[HT_ADDRSTRLEN], y[HT_ADDRSTRLEN];

	ck_assert_msg(ht_addr_eq(a, want), "from %s, want %s",
	    ht_addr_str(a, x), ht_addr_str(want, y));
}

/* ---- the text form ---------------------------------------------------- */

START_TEST(test_parse)
{
	struct simnet sn;
	struct simnet_node *v;
	char err[HT_ERRBUF];
	struct ht_addr a;

	net_of(&sn, "# a width-2 diamond\n"
	    "s>r1>a,b>r3>t ; r3>u\n"
	    "r1 192.0.2.1 2001:db8::1 delay=1.5 jitter=0.25 loss=0.1\n"
	    "a silent hash=icmpid key=7\n"
	    "t 198.51.100.9 anyip=/24 tcp=synack udp=open ttl=255\n"
	    "u deaf unreach=host rate=10 burst=3 quote=8\n"
	    "net seed=99 sndbuf=4 refuse=203.0.113.0/24 limit=60\n");
	ck_assert_uint_eq(sn.nn, 7);
	v = simnet_find(&sn, "r1");
	ck_assert_ptr_nonnull(v);
	ck_assert_uint_eq(v->nsucc, 2);
	ck_assert_uint_eq(v->delay, 1500000);
	ck_assert_uint_eq(v->jitter, 250000);
	ck_assert(v->loss == 0.1);
	a = hex_addr("192.0.2.1");
	ck_assert(ht_addr_eq(&v->addr4, &a));
	a = hex_addr("2001:db8::1");
	ck_assert(ht_addr_eq(&v->addr6, &a));
	v = simnet_find(&sn, "a");
	ck_assert(v->silent && v->hash == SIMNET_HASH_ICMPID && v->key == 7);
	ck_assert_uint_eq(v->nsucc, 1);
	v = simnet_find(&sn, "t");
	a = hex_addr("198.51.100.0");
	ck_assert(ht_addr_eq(&v->anyip, &a));
	ck_assert_uint_eq(v->anyip_len, 24);
	ck_assert(v->tcp == SIMNET_TCP_SYNACK && v->udp_open && v->ittl == 255);
	v = simnet_find(&sn, "u");
	ck_assert(v->deaf && v->unreach == 2 && v->rate == 10 &&
	    v->burst == 3 && v->quote == 8);
	ck_assert_uint_eq(simnet_find(&sn, "r3")->nsucc, 2);
	ck_assert_uint_eq(sn.seed, 99);
	ck_assert_uint_eq(sn.sndbuf, 4);
	ck_assert_uint_eq(sn.nrefuse, 1);
	ck_assert_uint_eq(sn.limit, 60 * HT_NS_PER_SEC);
	/* automatic addresses: 10.79.0.(i+1), fd79::(i+1) */
	a = hex_addr("10.79.0.1");
	ck_assert(ht_addr_eq(simnet_src(&sn, 4), &a));
	a = hex_addr("fd79::1");
	ck_assert(ht_addr_eq(simnet_src(&sn, 6), &a));
	ck_assert_ptr_null(simnet_addr(&sn, "nosuch", 4));
	simnet_free(&sn);

	/* errors name their line */
	simnet_init(&sn, DLT_RAW, 1);
	ck_assert_int_eq(simnet_parse(&sn, "s>r1\nr1 delay=-1\n", err), -1);
	ck_assert_msg(strstr(err, "line 2") && strstr(err, "delay"), "%s", err);
	ck_assert_int_eq(simnet_parse(&sn, "r1 loss=2", err), -1);
	ck_assert_int_eq(simnet_parse(&sn, "r1 bogus", err), -1);
	ck_assert_int_eq(simnet_parse(&sn, "r1>s", err), -1);
	ck_assert_msg(strstr(err, "source"), "%s", err);
	ck_assert_int_eq(simnet_parse(&sn, "a>>b", err), -1);
	ck_assert_int_eq(simnet_parse(&sn, "a>b,", err), -1);
	ck_assert_int_eq(simnet_parse(&sn, "net color=red", err), -1);
	ck_assert_int_eq(simnet_parse(&sn, "r1 anyip=10.0.0.0/33", err), -1);
	ck_assert_int_eq(simnet_parse(&sn, "r1 hash=round", err), -1);
	ck_assert_int_eq(simnet_parse(&sn, "this_name_is_far_too_long x", err),
	    -1);
	simnet_free(&sn);
}
END_TEST

/* ---- a chain ---------------------------------------------------------- */

static const char chain4[] =
    "s>r1>r2>r3>t\n"
    "r1 delay=1\nr2 delay=2\nr3 delay=3\n"
    "t 198.51.100.7 delay=4\n";

static const char chain6[] =
    "s>r1>r2>r3>t\n"
    "r1 delay=1\nr2 delay=2\nr3 delay=3\n"
    "t 2001:db8:7::7 delay=4\n";

/*
 * Probes at TTL 1..5 of method m through a chain: TTL h < 4 draws a time
 * exceeded from router h after h ms, quoting the probe with TTL 1; 4 and
 * 5 draw the destination's answer after 4 ms, whose kind each method says.
 */
static void
chain_run(int dlt, enum ht_method m, const char *dst, int synack)
{
	static const char *const rname[] = { "r1", "r2", "r3" };
	struct simnet sn;
	struct ht_prober *pr;
	uint8_t probe[6][HT_PROBE_MAX];
	size_t plen[6];
	struct got *r[16];
	ht_ns t0;
	size_t n;
	int ttl, af, v6;
	const struct ht_pkt *d;

	net_of(&sn, strchr(dst, ':') ? chain6 : chain4);
	sn.dlt = dlt;
	if (synack)
		simnet_find(&sn, "t")->tcp = SIMNET_TCP_SYNACK;
	pr = prober(&sn, m, dst, 0);
	af = strchr(dst, ':') ? 6 : 4;
	v6 = af == 6;
	t0 = sn.now;
	ck_assert_uint_eq(t0, SIMNET_EPOCH);
	for (ttl = 1; ttl <= 5; ttl++)
		ck_assert_int_eq(send_probe(&sn, pr, (uint32_t)ttl, (uint8_t)ttl,
		    probe[ttl], &plen[ttl]), 0);
	/* our own probes are captured at once, as sent */
	ck_assert_uint_eq(read_now(&sn), 5);
	for (ttl = 1; ttl <= 5; ttl++) {
		ck_assert_int_eq(got[ttl - 1].d.kind, HT_PKT_PROBE);
		ck_assert_uint_eq(got[ttl - 1].ts, t0);
		ck_assert_uint_eq(got[ttl - 1].d.ip.ttl, ttl);
		ck_assert_uint_eq(got[ttl - 1].len, plen[ttl] +
		    (dlt == DLT_EN10MB ? 14 : 0));
		ck_assert(memcmp(ip_of(&got[ttl - 1], dlt), probe[ttl],
		    plen[ttl]) == 0);
	}
	drain(&sn);
	n = replies(r, 16);
	ck_assert_uint_eq(n, 5);
	for (ttl = 1; ttl <= 5; ttl++) {
		d = &r[ttl - 1]->d;
		ck_assert(hex_ip_cksums_ok(ip_of(r[ttl - 1], dlt),
		    r[ttl - 1]->len - (dlt == DLT_EN10MB ? 14 : 0)));
		assert_from(&d->ip.dst, simnet_src(&sn, af));
		ck_assert_uint_eq(r[ttl - 1]->ts, t0 + (ht_ns)(ttl < 4 ?
		    ttl : 4) * MS);
		if (ttl < 4) {
			ck_assert_int_eq(d->kind, HT_PKT_ERROR);
			ck_assert_uint_eq(d->l4.type, v6 ? HT_ICMP6_TIMXCEED :
			    HT_ICMP_TIMXCEED);
			ck_assert_uint_eq(d->l4.code, 0);
			assert_from(&d->ip.src, simnet_addr(&sn, rname[ttl - 1],
			    af));
			ck_assert_uint_eq(d->ip.ttl, 64 - (ttl - 1));
			/* the probe as it arrived: TTL 1, all of it quoted */
			ck_assert_uint_eq(d->qip.ttl, 1);
			ck_assert_uint_eq(d->qlen, plen[ttl]);
			ck_assert(memcmp(ip_of(r[ttl - 1], dlt) + (v6 ? 48 : 28) +
			    (v6 ? 8 : 20), probe[ttl] + (v6 ? 8 : 20),
			    plen[ttl] - (v6 ? 8 : 20)) == 0);
			ck_assert_uint_eq(d->qip.id, got[ttl - 1].d.ip.id);
			ck_assert(memcmp(&d->ql4, &got[ttl - 1].d.l4,
			    sizeof(d->ql4)) == 0);
			if (!v6)	/* the quoted header's checksum fits TTL 1 */
				ck_assert_uint_eq(hex_cksum(ip_of(r[ttl - 1],
				    dlt) + 28, 20), 0);
			continue;
		}
		assert_from(&d->ip.src, &got[0].d.ip.dst);
		ck_assert_uint_eq(d->ip.ttl, 64 - 3);
		switch (m) {
		case HT_METHOD_ICMP:
			ck_assert_int_eq(d->kind, HT_PKT_ECHOREPLY);
			ck_assert_uint_eq(d->l4.id, got[ttl - 1].d.l4.id);
			ck_assert_uint_eq(d->l4.seq, got[ttl - 1].d.l4.seq);
			ck_assert_uint_eq(d->ip.len, plen[ttl]);
			break;
		case HT_METHOD_UDP:
			ck_assert_int_eq(d->kind, HT_PKT_ERROR);
			ck_assert_uint_eq(d->l4.type, v6 ? HT_ICMP6_UNREACH :
			    HT_ICMP_UNREACH);
			ck_assert_uint_eq(d->l4.code, v6 ? 4 : 3);
			/* the destination quotes the TTL that was left */
			ck_assert_uint_eq(d->qip.ttl, ttl - 3);
			ck_assert_uint_eq(d->ql4.dport, got[ttl - 1].d.l4.dport);
			break;
		case HT_METHOD_TCP:
			ck_assert_int_eq(d->kind, HT_PKT_TCPREPLY);
			ck_assert_uint_eq(d->l4.sport, got[ttl - 1].d.l4.dport);
			ck_assert_uint_eq(d->l4.dport, got[ttl - 1].d.l4.sport);
			ck_assert_uint_eq(d->l4.tack, got[ttl - 1].d.l4.tseq + 1);
			ck_assert_uint_eq(d->l4.tflags, synack ?
			    (HT_TH_SYN | HT_TH_ACK) : (HT_TH_RST | HT_TH_ACK));
			break;
		}
	}
	ck_assert_uint_eq(simnet_pending(&sn), 0);
	ck_assert_uint_eq(sn.n_sent, 5);
	ht_prober_close(pr);
	simnet_free(&sn);
}

START_TEST(test_chain_icmp)
{
	chain_run(DLT_RAW, HT_METHOD_ICMP, "198.51.100.7", 0);
}
END_TEST

START_TEST(test_chain_udp)
{
	chain_run(DLT_RAW, HT_METHOD_UDP, "198.51.100.7", 0);
}
END_TEST

START_TEST(test_chain_tcp)
{
	chain_run(DLT_RAW, HT_METHOD_TCP, "198.51.100.7", 0);
	chain_run(DLT_RAW, HT_METHOD_TCP, "198.51.100.7", 1);
}
END_TEST

START_TEST(test_chain_ether)
{
	chain_run(DLT_EN10MB, HT_METHOD_ICMP, "198.51.100.7", 0);
	chain_run(DLT_EN10MB, HT_METHOD_UDP, "2001:db8:7::7", 0);
}
END_TEST

START_TEST(test_chain_v6)
{
	chain_run(DLT_RAW, HT_METHOD_ICMP, "2001:db8:7::7", 0);
	chain_run(DLT_RAW, HT_METHOD_UDP, "2001:db8:7::7", 0);
	chain_run(DLT_RAW, HT_METHOD_TCP, "2001:db8:7::7", 0);
	chain_run(DLT_RAW, HT_METHOD_TCP, "2001:db8:7::7", 1);
}
END_TEST

/* A router quoting RFC 792's 8 bytes only; a Cisco's TTL 255. */
START_TEST(test_quote_short)
{
	struct simnet sn;
	struct ht_prober *pr;
	struct got *r[4];

	net_of(&sn, "s>r1>t\nr1 quote=8 ttl=255\nt 198.51.100.7\n");
	pr = prober(&sn, HT_METHOD_UDP, "198.51.100.7", 0);
	send_probe(&sn, pr, 0, 1, NULL, NULL);
	drain(&sn);
	ck_assert_uint_eq(replies(r, 4), 1);
	ck_assert_int_eq(r[0]->d.kind, HT_PKT_ERROR);
	ck_assert_uint_eq(r[0]->d.qlen, 28);
	ck_assert_uint_eq(r[0]->d.ql4.have, 8);
	ck_assert_uint_eq(r[0]->d.ip.ttl, 255);
	ck_assert(hex_ip_cksums_ok(r[0]->data, r[0]->len));
	ht_prober_close(pr);
	simnet_free(&sn);
}
END_TEST

/* ---- silence and loss ------------------------------------------------- */

START_TEST(test_silent_hop)
{
	struct simnet sn;
	struct ht_prober *pr;
	struct got *r[8];
	int ttl;
	size_t n;

	net_of(&sn, "s>r1>r2>r3>t\nr2 silent\nt 198.51.100.7\n");
	pr = prober(&sn, HT_METHOD_UDP, "198.51.100.7", 0);
	for (ttl = 1; ttl <= 4; ttl++)
		send_probe(&sn, pr, (uint32_t)ttl, (uint8_t)ttl, NULL, NULL);
	drain(&sn);
	ck_assert_uint_eq(ngot, 4 + 3);
	n = replies(r, 8);
	ck_assert_uint_eq(n, 3);
	assert_from(&r[0]->d.ip.src, simnet_addr(&sn, "r1", 4));
	assert_from(&r[1]->d.ip.src, simnet_addr(&sn, "r3", 4));
	ck_assert_uint_eq(r[1]->d.qip.ttl, 1);
	ck_assert_uint_eq(r[1]->d.ql4.dport, 33434 + 3);
	assert_from(&r[2]->d.ip.src, simnet_addr(&sn, "t", 4));
	/* the silent router saw its probe, answered nothing */
	ck_assert_uint_eq(simnet_find(&sn, "r2")->n_probes, 1);
	ck_assert_uint_eq(simnet_find(&sn, "r2")->n_answers, 0);
	ht_prober_close(pr);
	simnet_free(&sn);
}
END_TEST

START_TEST(test_deaf_target)
{
	struct simnet sn;
	struct ht_prober *pr;
	struct got *r[16];
	enum ht_method m;
	int ttl;

	for (m = HT_METHOD_ICMP; m <= HT_METHOD_TCP; m++) {
		ngot = 0;
		net_of(&sn, "s>r1>r2>t\nt 198.51.100.7 deaf\n");
		pr = prober(&sn, m, "198.51.100.7", 1);
		for (ttl = 1; ttl <= 6; ttl++)
			send_probe(&sn, pr, (uint32_t)ttl, (uint8_t)ttl, NULL,
			    NULL);
		drain(&sn);
		ck_assert_uint_eq(replies(r, 16), 2);
		assert_from(&r[1]->d.ip.src, simnet_addr(&sn, "r2", 4));
		ck_assert_uint_eq(simnet_find(&sn, "t")->n_probes, 4);
		ht_prober_close(pr);
		simnet_free(&sn);
	}
	/* a host that ignores pings but not UDP */
	ngot = 0;
	net_of(&sn, "s>r1>t\nt 198.51.100.7 noecho\n");
	pr = prober(&sn, HT_METHOD_ICMP, "198.51.100.7", 0);
	send_probe(&sn, pr, 0, 5, NULL, NULL);
	drain(&sn);
	ck_assert_uint_eq(replies(r, 16), 0);
	ht_prober_close(pr);
	pr = prober(&sn, HT_METHOD_UDP, "198.51.100.7", 0);
	send_probe(&sn, pr, 0, 5, NULL, NULL);
	drain(&sn);
	ck_assert_uint_eq(replies(r, 16), 1);
	ht_prober_close(pr);
	simnet_free(&sn);
}
END_TEST

/* How many of n probes at ttl get an answer. */
static unsigned int
answered(struct simnet *sn, struct ht_prober *pr, uint8_t ttl, unsigned int n,
    uint8_t *pattern)
{
	struct got *r[1];
	unsigned int i, a = 0;

	for (i = 0; i < n; i++) {
		ngot = 0;
		send_probe(sn, pr, i, ttl, NULL, NULL);
		drain(sn);
		pattern[i] = (uint8_t)replies(r, 1);
		a += pattern[i];
	}
	return a;
}

START_TEST(test_loss)
{
	static uint8_t p1[2000], p2[2000], p3[2000];
	struct simnet sn;
	struct ht_prober *pr;
	unsigned int a;

	/* 30% of r2's answers lost: binomial(2000, 0.7), sd 20.5 */
	net_of(&sn, "s>r1>r2>t\nr2 loss=0.3\nnet seed=5\n");
	pr = prober_to(&sn, HT_METHOD_ICMP, "t", 1);
	a = answered(&sn, pr, 2, 2000, p1);
	ck_assert_msg(a > 1400 - 80 && a < 1400 + 80, "%u of 2000", a);
	ck_assert_uint_eq(simnet_find(&sn, "r2")->n_lost, 2000 - a);
	/* a lossless router behind a lossy one: all answer */
	ck_assert_uint_eq(answered(&sn, pr, 1, 100, p3), 100);
	simnet_free(&sn);
	/* the same seed, the same losses; another seed, others */
	net_of(&sn, "s>r1>r2>t\nr2 loss=0.3\nnet seed=5\n");
	ck_assert_uint_eq(answered(&sn, pr, 2, 2000, p2), a);
	ck_assert(memcmp(p1, p2, sizeof(p1)) == 0);
	simnet_free(&sn);
	net_of(&sn, "s>r1>r2>t\nr2 loss=0.3\nnet seed=6\n");
	answered(&sn, pr, 2, 2000, p2);
	ck_assert(memcmp(p1, p2, sizeof(p1)) != 0);
	simnet_free(&sn);
	/* probes dropped arriving at r2: r2 and all beyond go quiet */
	net_of(&sn, "s>r1>r2>t\nr2 drop=0.5\n");
	a = answered(&sn, pr, 3, 1000, p2);
	ck_assert_msg(a > 500 - 80 && a < 500 + 80, "%u of 1000", a);
	ck_assert_uint_eq(answered(&sn, pr, 1, 50, p2), 50);
	ht_prober_close(pr);
	simnet_free(&sn);
}
END_TEST

/* ---- balancers -------------------------------------------------------- */

/* The router that answers a Paris probe of flow f at ttl. */
static int
branch(struct simnet *sn, struct ht_prober *pr, enum ht_method m, uint16_t f,
    uint8_t ttl, uint32_t k)
{
	struct got *r[2];
	unsigned int i;

	if (m == HT_METHOD_ICMP)
		ht_prober_set_port(pr, (uint16_t)(1000 + f));
	else
		ht_prober_set_port(pr, (uint16_t)(33434 + f));
	ngot = 0;
	send_probe(sn, pr, k, ttl, NULL, NULL);
	drain(sn);
	ck_assert_uint_eq(replies(r, 2), 1);
	for (i = 0; i < sn->nn; i++)
		if (ht_addr_eq(&r[0]->d.ip.src, &sn->node[i].addr4))
			return (int)i;
	ck_abort_msg("an answer from no node");
	return -1;
}

/* Paris flows through a width-w diamond: flow -> branch, all w used. */
static void
diamond_run(enum ht_method m, unsigned int w, const char *hash)
{
	char text[256];
	int seen[SIMNET_MAXNODE], first[64];
	struct simnet sn;
	struct ht_prober *pr;
	struct ht_probe_cfg c;
	unsigned int f, nseen = 0, i;
	int v;

	snprintf(text, sizeof(text), "s>r1>%s>r3>t\nr1 hash=%s\n",
	    w == 2 ? "a,b" : w == 4 ? "a,b,c,d" : "a,b,c,d,e,f,g,h", hash);
	net_of(&sn, text);
	memset(seen, 0, sizeof(seen));
	pr = prober_to(&sn, m, "t", 1);
	(void)c;
	if (m == HT_METHOD_ICMP) {
		/* the checksum is the flow (ICMP Paris, MDA) */
		ht_prober_close(pr);
		memset(&c, 0, sizeof(c));
		c.method = m;
		c.dst = *simnet_addr(&sn, "t", 4);
		c.src = *simnet_src(&sn, 4);
		c.ident = 40001;
		c.port = 1000;
		c.paris = 1;
		c.cksum_flow = 1;
		c.payload = 12;
		c.dry = 1;
		pr = ht_prober_open(&c, text, sizeof(text));
		ck_assert_ptr_nonnull(pr);
	}
	for (f = 0; f < 64; f++) {
		first[f] = branch(&sn, pr, m, (uint16_t)f, 2, f * 3);
		if (!seen[first[f]]++)
			nseen++;
	}
	/* the same flow again, other probes (k), other TTL ahead: same branch */
	for (f = 0; f < 64; f++) {
		ck_assert_int_eq(branch(&sn, pr, m, (uint16_t)f, 2, f * 3 + 1),
		    first[f]);
		v = branch(&sn, pr, m, (uint16_t)f, 3, f * 3 + 2);
		ck_assert_str_eq(sn.node[v].name, "r3");
	}
	if (strcmp(hash, "icmpid") == 0 && m == HT_METHOD_ICMP) {
		ck_assert_uint_eq(nseen, 1);	/* one identifier: one path */
	} else {
		ck_assert_uint_eq(nseen, w);
		for (i = 0; i < sn.nn; i++)
			if (seen[i])
				ck_assert_msg(seen[i] >= (int)(64 / w / 3),
				    "%s: %d of 64 flows", sn.node[i].name,
				    seen[i]);
	}
	ht_prober_close(pr);
	simnet_free(&sn);
}

START_TEST(test_diamond)
{
	diamond_run(HT_METHOD_UDP, 2, "flow");
	diamond_run(HT_METHOD_UDP, 4, "flow");
	diamond_run(HT_METHOD_UDP, 8, "flow");
	diamond_run(HT_METHOD_TCP, 4, "flow");
	diamond_run(HT_METHOD_ICMP, 4, "flow");
	diamond_run(HT_METHOD_ICMP, 4, "icmpid");
	diamond_run(HT_METHOD_UDP, 4, "icmpid");
}
END_TEST

/*
 * Classic UDP (the destination port moves probe by probe) and classic
 * ICMP (the checksum does) wander across a diamond; Paris probes do not.
 */
START_TEST(test_diamond_classic)
{
	struct simnet sn;
	struct ht_prober *pr;
	struct got *r[2];
	struct ht_addr first;
	unsigned int k, moved;
	enum ht_method m;

	for (m = HT_METHOD_ICMP; m <= HT_METHOD_UDP; m++) {
		net_of(&sn, "s>r1>a,b,c,d>r3>t\n");
		pr = prober_to(&sn, m, "t", 0);
		moved = 0;
		for (k = 0; k < 32; k++) {
			ngot = 0;
			send_probe(&sn, pr, k, 2, NULL, NULL);
			drain(&sn);
			ck_assert_uint_eq(replies(r, 2), 1);
			if (k == 0)
				first = r[0]->d.ip.src;
			else if (!ht_addr_eq(&first, &r[0]->d.ip.src))
				moved++;
		}
		ck_assert_msg(moved > 8, "moved %u of 31", moved);
		ht_prober_close(pr);
		simnet_free(&sn);
	}
}
END_TEST

/* A meshed diamond: both halves balance; a flow's path is fixed. */
START_TEST(test_mesh)
{
	struct simnet sn;
	struct ht_prober *pr;
	int seen2[SIMNET_MAXNODE], seen3[SIMNET_MAXNODE], a, b, f;
	unsigned int n2 = 0, n3 = 0;

	net_of(&sn, "s>r1>a,b>c,d>t\n");
	memset(seen2, 0, sizeof(seen2));
	memset(seen3, 0, sizeof(seen3));
	pr = prober_to(&sn, HT_METHOD_UDP, "t", 1);
	for (f = 0; f < 64; f++) {
		a = branch(&sn, pr, HT_METHOD_UDP, (uint16_t)f, 2, 0);
		b = branch(&sn, pr, HT_METHOD_UDP, (uint16_t)f, 3, 1);
		n2 += !seen2[a]++;
		n3 += !seen3[b]++;
		ck_assert_int_eq(branch(&sn, pr, HT_METHOD_UDP, (uint16_t)f, 3,
		    2), b);
	}
	ck_assert_uint_eq(n2, 2);
	ck_assert_uint_eq(n3, 2);
	ht_prober_close(pr);
	simnet_free(&sn);
}
END_TEST

/* A per-packet balancer: one flow, every branch. */
START_TEST(test_per_packet)
{
	struct simnet sn;
	struct ht_prober *pr;
	int seen[SIMNET_MAXNODE], k;
	unsigned int n = 0;

	net_of(&sn, "s>r1>a,b,c>t\nr1 hash=packet\n");
	memset(seen, 0, sizeof(seen));
	pr = prober_to(&sn, HT_METHOD_UDP, "t", 1);
	for (k = 0; k < 60; k++)
		n += !seen[branch(&sn, pr, HT_METHOD_UDP, 7, 2, (uint32_t)k)]++;
	ck_assert_uint_eq(n, 3);
	ht_prober_close(pr);
	simnet_free(&sn);
}
END_TEST

/* simnet_route tells where a probe goes, and agrees with send(). */
START_TEST(test_route)
{
	struct simnet sn;
	struct ht_prober *pr;
	uint8_t pkt[HT_PROBE_MAX];
	char err[HT_ERRBUF];
	size_t ipoff;
	unsigned int hop, f;
	int n, kind, v, ttl;

	net_of(&sn, "s>r1>a,b>c,d,e>r5>t\nr5 silent\n");
	pr = prober_to(&sn, HT_METHOD_UDP, "t", 1);
	for (f = 0; f < 16; f++) {
		ht_prober_set_port(pr, (uint16_t)(33434 + f));
		for (ttl = 1; ttl <= 6; ttl++) {
			n = ht_prober_build(pr, 0, (uint8_t)ttl, pkt, sizeof(pkt),
			    &ipoff, err, sizeof(err));
			ck_assert_int_gt(n, 0);
			v = simnet_route(&sn, pkt, (size_t)n, &hop, &kind);
			if (ttl == 4) {
				ck_assert_int_eq(v, -1);	/* r5, silent */
				continue;
			}
			ck_assert_int_ge(v, 0);
			ck_assert_uint_eq(hop, ttl < 5 ? (unsigned int)ttl : 5);
			ck_assert_int_eq(kind, ttl < 5 ? SIMNET_A_TIMEX :
			    SIMNET_A_UNREACH);
			if (ttl >= 5)
				ck_assert_str_eq(sn.node[v].name, "t");
			if (ttl >= 2 && ttl <= 3)
				ck_assert_int_eq(branch(&sn, pr, HT_METHOD_UDP,
				    (uint16_t)f, (uint8_t)ttl, 0), v);
		}
	}
	ht_prober_close(pr);
	simnet_free(&sn);
}
END_TEST

/* ---- many targets ----------------------------------------------------- */

START_TEST(test_anyip)
{
	struct simnet sn;
	struct ht_prober *pr;
	struct got *r[2];
	char dst[32];
	struct ht_addr want;
	int x;
	enum ht_method m;

	net_of(&sn, "s>r1>r2>t\nr2 unreach=net\n"
	    "t 10.200.0.1 anyip=10.200.0.0/24 delay=3\n");
	for (m = HT_METHOD_ICMP; m <= HT_METHOD_TCP; m++)
		for (x = 0; x < 256; x += 17) {
			snprintf(dst, sizeof(dst), "10.200.0.%d", x);
			pr = prober(&sn, m, dst, 0);
			ngot = 0;
			send_probe(&sn, pr, 0, 8, NULL, NULL);
			drain(&sn);
			ck_assert_uint_eq(replies(r, 2), 1);
			want = hex_addr(dst);
			/* every address of the prefix answers as the host */
			assert_from(&r[0]->d.ip.src, &want);
			ck_assert_int_eq(r[0]->d.kind, m == HT_METHOD_ICMP ?
			    HT_PKT_ECHOREPLY : m == HT_METHOD_UDP ?
			    HT_PKT_ERROR : HT_PKT_TCPREPLY);
			ck_assert_uint_eq(r[0]->ts - got[0].ts, 3 * MS);
			ht_prober_close(pr);
		}
	/* outside it: r2 has no route, !N */
	pr = prober(&sn, HT_METHOD_ICMP, "10.201.0.1", 0);
	ngot = 0;
	send_probe(&sn, pr, 0, 8, NULL, NULL);
	drain(&sn);
	ck_assert_uint_eq(replies(r, 2), 1);
	ck_assert_int_eq(r[0]->d.kind, HT_PKT_ERROR);
	ck_assert_uint_eq(r[0]->d.l4.type, HT_ICMP_UNREACH);
	ck_assert_uint_eq(r[0]->d.l4.code, 0);
	assert_from(&r[0]->d.ip.src, simnet_addr(&sn, "r2", 4));
	/* even at TTL 1 past r2... and r1's time exceeded before it */
	ngot = 0;
	send_probe(&sn, pr, 1, 1, NULL, NULL);
	drain(&sn);
	ck_assert_uint_eq(replies(r, 2), 1);
	ck_assert_uint_eq(r[0]->d.l4.type, HT_ICMP_TIMXCEED);
	ht_prober_close(pr);
	simnet_free(&sn);
}
END_TEST

/* Two hosts behind a balancer: each destination takes its own route. */
START_TEST(test_routes_by_destination)
{
	struct simnet sn;
	struct ht_prober *pr;
	int f;

	net_of(&sn, "s>r1>a,b\na>x\nb>y\n"
	    "x 192.0.2.10\ny 192.0.2.20\n");
	pr = prober(&sn, HT_METHOD_UDP, "192.0.2.20", 1);
	for (f = 0; f < 16; f++)
		ck_assert_str_eq(sn.node[branch(&sn, pr, HT_METHOD_UDP,
		    (uint16_t)f, 2, 0)].name, "b");
	ht_prober_close(pr);
	pr = prober(&sn, HT_METHOD_UDP, "192.0.2.10", 1);
	for (f = 0; f < 16; f++)
		ck_assert_str_eq(sn.node[branch(&sn, pr, HT_METHOD_UDP,
		    (uint16_t)f, 2, 0)].name, "a");
	ht_prober_close(pr);
	simnet_free(&sn);
}
END_TEST

START_TEST(test_rate_limit)
{
	struct simnet sn;
	struct ht_prober *pr;
	struct got *r[16];
	char err[HT_ERRBUF];
	int k, ready;

	/* 2 at once, then one per 100 ms */
	net_of(&sn, "s>r1>t\nr1 rate=10 burst=2\n");
	pr = prober_to(&sn, HT_METHOD_ICMP, "t", 1);
	for (k = 0; k < 5; k++)
		send_probe(&sn, pr, (uint32_t)k, 1, NULL, NULL);
	drain(&sn);
	ck_assert_uint_eq(replies(r, 16), 2);
	ck_assert_uint_eq(simnet_find(&sn, "r1")->n_limited, 3);
	ck_assert_int_eq(simnet_ops.wait(&sn, 100 * MS, -1, &ready, err), 0);
	ngot = 0;
	send_probe(&sn, pr, 5, 1, NULL, NULL);
	send_probe(&sn, pr, 6, 1, NULL, NULL);
	drain(&sn);
	ck_assert_uint_eq(replies(r, 16), 1);
	/* echo replies are not limited (Linux's icmp_ratemask) */
	ngot = 0;
	for (k = 0; k < 5; k++)
		send_probe(&sn, pr, (uint32_t)(10 + k), 2, NULL, NULL);
	drain(&sn);
	ck_assert_uint_eq(replies(r, 16), 5);
	ht_prober_close(pr);
	simnet_free(&sn);
}
END_TEST

/* ---- the clock and the netio contract --------------------------------- */

START_TEST(test_clock)
{
	struct simnet sn;
	struct ht_netio net;
	struct ht_prober *pr;
	const uint8_t *data;
	uint32_t caplen, len;
	char err[HT_ERRBUF];
	ht_ns ts, t0;
	int ready;

	net_of(&sn, "s>r1>r2>t\nr1 delay=10\nr2 delay=30\n");
	simnet_netio(&sn, &net);
	ck_assert_ptr_eq(net.ops, &simnet_ops);
	ck_assert_ptr_eq(net.io, &sn);
	ck_assert_int_eq(net.dlt, DLT_RAW);
	t0 = net.ops->now(net.io);
	ck_assert_uint_eq(t0, SIMNET_EPOCH);
	/* nothing scheduled: the timeout passes, in virtual time */
	ck_assert_int_eq(net.ops->wait(net.io, 250 * MS, -1, &ready, err), 0);
	ck_assert_uint_eq(net.ops->now(net.io), t0 + 250 * MS);
	ck_assert_int_eq(net.ops->next(net.io, &data, &caplen, &len, &ts, err),
	    0);
	t0 = net.ops->now(net.io);
	pr = prober_to(&sn, HT_METHOD_ICMP, "t", 0);
	send_probe(&sn, pr, 0, 2, NULL, NULL);
	send_probe(&sn, pr, 1, 1, NULL, NULL);
	/* the probes are due now: wait returns at once */
	ck_assert_int_eq(net.ops->wait(net.io, 1000 * MS, -1, &ready, err), 0);
	ck_assert_uint_eq(net.ops->now(net.io), t0);
	ck_assert_uint_eq(read_now(&sn), 2);
	/* then the clock goes to the first reply (r1's, 10 ms) */
	ck_assert_int_eq(net.ops->wait(net.io, 1000 * MS, -1, &ready, err), 0);
	ck_assert_uint_eq(net.ops->now(net.io), t0 + 10 * MS);
	ck_assert_uint_eq(read_now(&sn), 1);
	/* a timeout shorter than the next frame: the timeout */
	ck_assert_int_eq(net.ops->wait(net.io, 5 * MS, -1, &ready, err), 0);
	ck_assert_uint_eq(net.ops->now(net.io), t0 + 15 * MS);
	ck_assert_uint_eq(read_now(&sn), 0);
	ck_assert_int_eq(net.ops->wait(net.io, 0, -1, &ready, err), 0);
	ck_assert_uint_eq(net.ops->now(net.io), t0 + 15 * MS);
	ck_assert_int_eq(net.ops->wait(net.io, 1000 * MS, -1, &ready, err), 0);
	ck_assert_uint_eq(net.ops->now(net.io), t0 + 30 * MS);
	/* keep: the frame next() gave last is counted (the -w file) */
	ck_assert_int_eq(net.ops->next(net.io, &data, &caplen, &len, &ts, err),
	    1);
	ck_assert_uint_eq(ts, t0 + 30 * MS);
	ck_assert_int_eq(sn.n_kept, 0);
	net.ops->keep(net.io);
	ck_assert_int_eq(sn.n_kept, 1);
	ck_assert_int_eq(net.ops->next(net.io, &data, &caplen, &len, &ts, err),
	    0);
	/* the extra descriptor: readable at the time set */
	sn.extra_at = net.ops->now(net.io) + 7 * MS;
	ck_assert_int_eq(net.ops->wait(net.io, 1000 * MS, -1, &ready, err), 0);
	ck_assert_int_eq(ready, 0);	/* not waited on: not reported */
	sn.extra_at = net.ops->now(net.io) + 7 * MS;
	t0 = net.ops->now(net.io);
	ck_assert_int_eq(net.ops->wait(net.io, 1000 * MS, 3, &ready, err), 0);
	ck_assert_int_eq(ready, 1);
	ck_assert_uint_eq(net.ops->now(net.io), t0 + 7 * MS);
	ck_assert_int_eq(net.ops->wait(net.io, 1000 * MS, 3, &ready, err), 0);
	ck_assert_int_eq(ready, 0);
	/* close_send: recorded; a send after it is the caller's bug */
	net.ops->close_send(net.io);
	ck_assert_int_eq(sn.closed, 1);
	ck_assert_int_eq(net.ops->send(net.io, simnet_src(&sn, 4),
	    (const uint8_t *)"E", 1, err), -1);
	ck_assert_msg(strstr(err, "close_send"), "%s", err);
	ht_prober_close(pr);
	simnet_free(&sn);
}
END_TEST

START_TEST(test_runaway)
{
	struct simnet sn;
	char err[HT_ERRBUF];
	int i, ready, rc = 0;

	/* waits that move nothing, again and again: an error, not a hang */
	net_of(&sn, "s>r1\n");
	for (i = 0; i < 2000000 && rc == 0; i++)
		rc = simnet_ops.wait(&sn, 0, -1, &ready, err);
	ck_assert_int_eq(rc, -1);
	ck_assert_msg(strstr(err, "move nothing"), "%s", err);
	simnet_free(&sn);
	/* the virtual time limit */
	net_of(&sn, "s>r1\nnet limit=10\n");
	rc = 0;
	for (i = 0; i < 100 && rc == 0; i++)
		rc = simnet_ops.wait(&sn, 1000 * MS, -1, &ready, err);
	ck_assert_int_eq(rc, -1);
	ck_assert_int_eq(i, 11);
	ck_assert_msg(strstr(err, "virtual time"), "%s", err);
	simnet_free(&sn);
}
END_TEST

START_TEST(test_sndbuf_refuse)
{
	struct simnet sn;
	struct ht_prober *pr;
	char err[HT_ERRBUF];
	int k, ready;

	net_of(&sn, "s>r1>t\nr1 delay=1\nt 198.51.100.7\nnet sndbuf=3 refuse=192.0.2.0/24\n");
	pr = prober(&sn, HT_METHOD_ICMP, "198.51.100.7", 0);
	for (k = 0; k < 3; k++)
		ck_assert_int_eq(send_probe(&sn, pr, (uint32_t)k, 1, NULL,
		    NULL), 0);
	ck_assert_int_eq(send_probe(&sn, pr, 3, 1, NULL, NULL), 1);
	ck_assert_uint_eq(read_now(&sn), 3);	/* the 4th never left */
	ck_assert_int_eq(simnet_ops.wait(&sn, 1 * MS, -1, &ready, err), 0);
	ck_assert_int_eq(send_probe(&sn, pr, 3, 1, NULL, NULL), 0);
	ht_prober_close(pr);
	pr = prober(&sn, HT_METHOD_ICMP, "192.0.2.1", 0);
	ck_assert_int_eq(send_probe(&sn, pr, 0, 1, NULL, NULL), 2);
	ck_assert_uint_eq(sn.n_refused, 1);
	ck_assert_uint_eq(sn.n_full, 1);
	ck_assert_uint_eq(sn.n_sent, 4);
	ht_prober_close(pr);
	simnet_free(&sn);
}
END_TEST

/* ---- the matcher ------------------------------------------------------ */

/*
 * Live, the engine records each probe before the capture sees it leave;
 * here the test does: then every frame goes through the matcher, our
 * probes are seen, each reply lands on its probe, RTT = the delay.
 */
static void
match_run(enum ht_method m, const char *dst, int paris)
{
	static const ht_ns delay[] = { 0, 7, 11, 13, 17 };
	struct simnet sn;
	struct ht_prober *pr;
	struct ht_matcher mt;
	struct ht_trace *t;
	struct ht_match res;
	struct ht_pkt d;
	uint8_t pkt[HT_PROBE_MAX];
	size_t plen, i;
	long idx;
	int ttl, q, af = strchr(dst, ':') ? 6 : 4;
	uint32_t k = 0, nprobe = 0, nreply = 0;
	char text[256];

	snprintf(text, sizeof(text), "s>r1>r2>r3>t\nr1 delay=7\nr2 delay=11\n"
	    "r3 delay=13 jitter=0\nt %s delay=17\n", dst);
	net_of(&sn, text);
	pr = prober(&sn, m, dst, paris);
	ht_matcher_init(&mt, 0, 5 * HT_NS_PER_SEC);
	t = ht_trace_new(&mt, simnet_src(&sn, af), simnet_addr(&sn, "t", af),
	    m == HT_METHOD_ICMP ? (af == 6 ? HT_PROTO_ICMP6 : HT_PROTO_ICMP) :
	    m == HT_METHOD_UDP ? HT_PROTO_UDP : HT_PROTO_TCP, 40001);
	ck_assert_ptr_nonnull(t);
	for (ttl = 1; ttl <= 5; ttl++)
		for (q = 0; q < 3; q++) {
			send_probe(&sn, pr, k++, (uint8_t)ttl, pkt, &plen);
			ht_decode(DLT_RAW, pkt, plen, &d);
			idx = ht_trace_add_probe(t, (uint8_t)ttl, d.ip.id, &d.l4,
			    d.ip.len, sn.now);
			ck_assert_int_ge(idx, 0);
		}
	drain(&sn);
	for (i = 0; i < ngot; i++) {
		switch (ht_match_packet(&mt, &got[i].d, got[i].ts, &res)) {
		case HT_M_PROBE:
			nprobe++;
			break;
		case HT_M_REPLY:
			nreply++;
			break;
		default:
			ck_abort_msg("frame %zu matched nothing", i);
		}
		ck_assert_ptr_eq(res.t, t);
	}
	ck_assert_uint_eq(nprobe, 15);
	ck_assert_uint_eq(nreply, 15);
	for (i = 0; i < t->n; i++) {
		const struct ht_probe *p = &t->p[i];

		ck_assert(p->flags & HT_P_SEEN);
		ck_assert_uint_eq(p->t_reply - p->t_sent,
		    delay[p->ttl < 4 ? p->ttl : 4] * MS);
		ck_assert_int_eq(p->rkind, p->ttl < 4 ? HT_R_TIMEX :
		    m == HT_METHOD_ICMP ? HT_R_ECHO : m == HT_METHOD_UDP ?
		    HT_R_UNREACH : HT_R_TCP);
		if (p->ttl < 4)
			ck_assert_uint_eq(p->qttl, 1);
	}
	ck_assert_uint_eq(t->end_ttl, 4);
	ck_assert(t->dest_reached);
	ck_assert_uint_eq(mt.n_unmatched, 0);
	ck_assert_uint_eq(mt.n_dups, 0);
	ht_matcher_free(&mt);
	ht_prober_close(pr);
	simnet_free(&sn);
}

START_TEST(test_match)
{
	match_run(HT_METHOD_ICMP, "198.51.100.7", 0);
	match_run(HT_METHOD_ICMP, "198.51.100.7", 1);
	match_run(HT_METHOD_UDP, "198.51.100.7", 0);
	match_run(HT_METHOD_UDP, "198.51.100.7", 1);
	match_run(HT_METHOD_TCP, "198.51.100.7", 1);
	match_run(HT_METHOD_ICMP, "2001:db8::7", 1);
	match_run(HT_METHOD_UDP, "2001:db8::7", 0);
	match_run(HT_METHOD_TCP, "2001:db8::7", 1);
}
END_TEST

/* ---- against live captures ------------------------------------------ */

/* tests/netns.sh's 8-hop chain: hop k answers from 10.77.(k-1).2. */
static const char live_chain[] =
    "s>r1>r2>r3>r4>r5>r6>r7>t\n"
    "s 10.77.0.1 fd77::1\n"
    "r1 10.77.0.2 fd77::2\n"
    "r2 10.77.1.2 fd77:0:0:1::2\n"
    "r3 10.77.2.2 fd77:0:0:2::2\n"
    "r4 10.77.3.2 fd77:0:0:3::2\n"
    "r5 10.77.4.2 fd77:0:0:4::2\n"
    "r6 10.77.5.2 fd77:0:0:5::2\n"
    "r7 10.77.6.2 fd77:0:0:6::2\n"
    "t 10.77.7.2 fd77:0:0:7::2\n";

/* The bytes that differ from one Linux to another: masked. */
static void
mask_ids(uint8_t *ip, size_t len)
{
	if (len >= 20 && ip[0] >> 4 == 4) {
		ip[4] = ip[5] = 0;		/* IP ID */
		ip[10] = ip[11] = 0;		/* its header checksum */
	} else if (len >= 40 && ip[0] >> 4 == 6) {
		ip[1] &= 0xf0;			/* flow label */
		ip[2] = ip[3] = 0;
	}
}

static void
live_run(const char *name)
{
	char path[1024], err[PCAP_ERRBUF_SIZE], serr[HT_ERRBUF];
	const char *top = getenv("top_srcdir");
	struct pcap_pkthdr *h;
	const u_char *data;
	pcap_t *p;
	struct simnet sn;
	struct ht_matcher m;
	struct ht_match res;
	struct ht_pkt d, *sd;
	struct got *r[2];
	static uint8_t probes[256][HT_PROBE_MAX], real[1600];
	static size_t plen[256];
	size_t off, len;
	unsigned int nreply = 0;
	struct ht_addr dst;

	snprintf(path, sizeof(path), "%s/pcaps/%s", top ? top : ".", name);
	p = pcap_open_offline(path, err);
	ck_assert_msg(p != NULL, "%s", err);
	ck_assert_int_eq(pcap_datalink(p), DLT_LINUX_SLL);
	off = 16;
	net_of(&sn, live_chain);
	ht_matcher_init(&m, 1, 10 * HT_NS_PER_SEC);
	while (pcap_next_ex(p, &h, &data) == 1) {
		ht_decode(DLT_LINUX_SLL, data, h->caplen, &d);
		switch (ht_match_packet(&m, &d, (ht_ns)h->ts.tv_sec *
		    HT_NS_PER_SEC + (ht_ns)h->ts.tv_usec * 1000, &res)) {
		case HT_M_PROBE:
			/* replay: one trace, probe k is its k-th */
			ck_assert_uint_lt(res.probe, 256);
			len = h->caplen - off;
			ck_assert_uint_le(len, HT_PROBE_MAX);
			memcpy(probes[res.probe], data + off, len);
			plen[res.probe] = len;
			break;
		case HT_M_REPLY:
			ngot = 0;
			memset(&dst, 0, sizeof(dst));
			ck_assert_int_eq(simnet_ops.send(&sn, &dst,
			    probes[res.probe], plen[res.probe], serr), 0);
			drain(&sn);
			ck_assert_uint_eq(replies(r, 2), 1);
			len = h->caplen - off;
			ck_assert_uint_eq(r[0]->len, len);
			memcpy(real, data + off, len);
			sd = &r[0]->d;
			ck_assert_int_eq(sd->kind, d.kind);
			ck_assert(ht_addr_eq(&sd->ip.src, &d.ip.src));
			ck_assert_uint_eq(sd->ip.ttl, d.ip.ttl);
			ck_assert(memcmp(&sd->l4, &d.l4, sizeof(d.l4)) == 0);
			ck_assert(memcmp(&sd->qip, &d.qip, sizeof(d.qip)) == 0);
			ck_assert(memcmp(&sd->ql4, &d.ql4, sizeof(d.ql4)) == 0);
			ck_assert_uint_eq(sd->qlen, d.qlen);
			mask_ids(real, len);
			mask_ids(r[0]->data, len);
			ck_assert_msg(memcmp(real, r[0]->data, len) == 0,
			    "%s: reply %u differs", name, nreply);
			nreply++;
			break;
		default:
			break;
		}
	}
	pcap_close(p);
	/* 8 hops of 3 probes */
	ck_assert_uint_eq(nreply, 24);
	ht_matcher_free(&m);
	simnet_free(&sn);
}

START_TEST(test_live_bytes)
{
	live_run("hoptrace-udp4.pcap");
	live_run("hoptrace-tcp4.pcap");
	live_run("hoptrace-icmp4.pcap");
	live_run("hoptrace-udp6.pcap");
	live_run("hoptrace-icmp6.pcap");
}
END_TEST

static Suite *
suite(void)
{
	Suite *s = suite_create("simnet");
	TCase *tc = tcase_create("net");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_parse);
	tcase_add_test(tc, test_chain_icmp);
	tcase_add_test(tc, test_chain_udp);
	tcase_add_test(tc, test_chain_tcp);
	tcase_add_test(tc, test_chain_ether);
	tcase_add_test(tc, test_chain_v6);
	tcase_add_test(tc, test_quote_short);
	tcase_add_test(tc, test_silent_hop);
	tcase_add_test(tc, test_deaf_target);
	tcase_add_test(tc, test_loss);
	tcase_add_test(tc, test_diamond);
	tcase_add_test(tc, test_diamond_classic);
	tcase_add_test(tc, test_mesh);
	tcase_add_test(tc, test_per_packet);
	tcase_add_test(tc, test_route);
	tcase_add_test(tc, test_anyip);
	tcase_add_test(tc, test_routes_by_destination);
	tcase_add_test(tc, test_rate_limit);
	tcase_add_test(tc, test_clock);
	tcase_add_test(tc, test_runaway);
	tcase_add_test(tc, test_sndbuf_refuse);
	tcase_add_test(tc, test_match);
	tcase_add_test(tc, test_live_bytes);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner *sr = srunner_create(suite());
	int nf;

	srunner_run_all(sr, CK_NORMAL);
	nf = srunner_ntests_failed(sr);
	srunner_free(sr);
	return nf == 0 ? 0 : 1;
}

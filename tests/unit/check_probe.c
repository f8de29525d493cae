/* \summary: unit tests of the probe builder and its checksum arithmetic */
/*
 * - byte for byte, the probes of every method and mode as the builders
 *   before wire/probe_build.c made them (tests/probe_golden.h: ICMP, UDP
 *   and TCP over IPv4 and IPv6, classic and Paris, the sequence number
 *   across 0xffff and 0, --flows' ICMP flows, MDA's checksum flows, the
 *   payload cut to size, runs of 300 probes from one prober, a scan's
 *   probes across the time stamp's values, runs of 500 to many targets),
 *   through the old public functions (io/prober.h, mode/scan/scan_probe.h);
 * - the checksum arithmetic (wire/cksum.c, RFC 1624): a forced checksum
 *   and a kept one against a full recomputation (RFC 1071) over random
 *   data; the Paris word for every sequence number against its old
 *   formula; the one way zero is written;
 * - a description built directly (ht_probe_build) gives the same bytes;
 *   one builder across protocols and families, as fresh ones; the IPv6
 *   flow label; refusals.
 */
#ifdef HAVE_CONFIG_H
#include <config.h>
#endif

#include <check.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hex.h"
#include "io/prober.h"
#include "mode/scan/scan_probe.h"
#include "wire/cksum.h"
#include "wire/decode.h"
#include "wire/probe.h"

#include "probe_golden.h"

#define FNV0	0xcbf29ce484222325ULL

static uint64_t
fnv(uint64_t h, const uint8_t *p, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		h ^= p[i];
		h *= 0x100000001b3ULL;
	}
	return h;
}

/* As probe_golden.h writes a probe: hex, or "fnv LENGTH HASH". */
static const char *
golden_form(const uint8_t *p, int n, char *out, size_t cap)
{
	int i;

	if (n > 200) {
		snprintf(out, cap, "fnv %d %016llx", n,
		    (unsigned long long)fnv(FNV0, p, (size_t)n));
		return out;
	}
	ck_assert((size_t)n * 2 < cap);
	for (i = 0; i < n; i++)
		snprintf(out + 2 * i, 3, "%02x", p[i]);
	out[2 * n] = '\0';
	return out;
}

/* A deterministic generator (xorshift32): the same data every run. */
static struct ht_probe_cfg
cfg_of(enum ht_method method, int af, int paris, int cksum_flow,
    unsigned int payload, unsigned int ident, unsigned int port)
{
	struct ht_probe_cfg c;

	memset(&c, 0, sizeof(c));
	c.method = method;
	c.src = hex_addr(af == 6 ? "2001:db8::1" : "192.0.2.1");
	c.dst = hex_addr(af == 6 ? "2001:db8:2::7" : "198.51.100.7");
	c.ident = (uint16_t)ident;
	c.port = (uint16_t)port;
	c.paris = paris;
	c.cksum_flow = cksum_flow;
	c.payload = (uint16_t)payload;
	c.dry = 1;
	return c;
}

/* The trace's probe of row g, as the prober builds it: length or -1. */
static int
prober_probe(const struct golden_probe *g, uint8_t *buf, size_t len)
{
	struct ht_probe_cfg c = cfg_of(g->method, g->af, g->paris,
	    g->cksum_flow, g->payload, g->ident, 1000);
	char err[256];
	struct ht_prober *pr;
	size_t off = 99;
	int n;

	pr = ht_prober_open(&c, err, sizeof(err));
	ck_assert_msg(pr != NULL, "%s", err);
	ht_prober_set_port(pr, (uint16_t)g->port);
	ht_prober_set_icmp_flow(pr, (uint16_t)g->flow);
	n = ht_prober_build(pr, g->k, (uint8_t)g->ttl, buf, len, &off, err,
	    sizeof(err));
	ht_prober_close(pr);
	if (n >= 0)
		ck_assert_uint_eq(off, 0);
	return n;
}

START_TEST(test_golden_probes)
{
	uint8_t buf[HT_PROBE_MAX];
	char got[512];
	size_t i, n = sizeof(golden_probes) / sizeof(golden_probes[0]);
	int len;

	for (i = 0; i < n; i++) {
		const struct golden_probe *g = &golden_probes[i];

		len = prober_probe(g, buf, sizeof(buf));
		if (g->hex == NULL) {
			ck_assert_msg(len < 0, "probe %zu: built", i);
			continue;
		}
		ck_assert_msg(len > 0, "probe %zu: not built", i);
		ck_assert_msg(strcmp(golden_form(buf, len, got, sizeof(got)),
		    g->hex) == 0, "probe %zu (method %d IPv%d paris %d "
		    "cksum_flow %d payload %u ident %#x port %u flow %u k %u): "
		    "%s, want %s", i, g->method, g->af, g->paris,
		    g->cksum_flow, g->payload, g->ident, g->port, g->flow,
		    g->k, got, g->hex);
		ck_assert_msg(hex_ip_cksums_ok(buf, (size_t)len),
		    "probe %zu: bad checksum", i);
	}
}
END_TEST

START_TEST(test_golden_runs)
{
	uint8_t buf[HT_PROBE_MAX];
	char err[256];
	size_t i, n = sizeof(golden_runs) / sizeof(golden_runs[0]), off;
	uint32_t k, f;
	int len;

	for (i = 0; i < n; i++) {
		const struct golden_run *g = &golden_runs[i];
		struct ht_probe_cfg c = cfg_of(g->method, g->af, g->paris,
		    g->cksum_flow, g->payload, g->ident, g->port);
		struct ht_prober *pr = ht_prober_open(&c, err, sizeof(err));
		uint64_t h = FNV0;
		size_t total = 0;

		ck_assert_msg(pr != NULL, "%s", err);
		for (k = 0; k < 300; k++) {
			f = g->nflows ? k % g->nflows : 0;
			if (g->cksum_flow || g->method != HT_METHOD_ICMP)
				ht_prober_set_port(pr, (uint16_t)(g->port + f));
			else
				ht_prober_set_icmp_flow(pr, (uint16_t)f);
			len = ht_prober_build(pr, k, (uint8_t)(1 + k % 30),
			    buf, sizeof(buf), &off, err, sizeof(err));
			ck_assert_msg(len > 0, "run %zu, k %u: %s", i, k, err);
			ck_assert(hex_ip_cksums_ok(buf, (size_t)len));
			h = fnv(h, buf, (size_t)len);
			total += (size_t)len;
		}
		ht_prober_close(pr);
		ck_assert_msg(total == g->total && h == g->fnv,
		    "run %zu: %zu bytes, %016llx; want %zu, %016llx", i, total,
		    (unsigned long long)h, g->total,
		    (unsigned long long)g->fnv);
	}
}
END_TEST

START_TEST(test_golden_scans)
{
	uint8_t buf[512];
	char err[256], got[512];
	size_t i, n = sizeof(golden_scans) / sizeof(golden_scans[0]);
	int len;

	for (i = 0; i < n; i++) {
		const struct golden_scan *g = &golden_scans[i];
		struct ht_addr s = hex_addr(g->src), d = hex_addr(g->dst);
		struct ht_scan_prober *pr;

		pr = ht_scan_prober_open(&s, NULL, (uint8_t)g->proto,
		    (uint16_t)g->ident, (uint16_t)g->port,
		    (uint16_t)g->payload, 1, err, sizeof(err));
		ck_assert_msg(pr != NULL, "%s", err);
		len = ht_scan_prober_build(pr, &d, (uint8_t)g->ttl,
		    (ht_ns)g->now, buf, sizeof(buf), err, sizeof(err));
		ht_scan_prober_close(pr);
		ck_assert_msg(len > 0, "scan probe %zu: %s", i, err);
		ck_assert_msg(strcmp(golden_form(buf, len, got, sizeof(got)),
		    g->hex) == 0, "scan probe %zu (proto %u %s ttl %u now "
		    "%llu payload %u): %s, want %s", i, g->proto, g->dst,
		    g->ttl, (unsigned long long)g->now, g->payload, got,
		    g->hex);
		ck_assert(hex_ip_cksums_ok(buf, (size_t)len));
	}
}
END_TEST

START_TEST(test_golden_scan_runs)
{
	uint8_t buf[512];
	char err[256];
	size_t i, n = sizeof(golden_scan_runs) / sizeof(golden_scan_runs[0]);
	unsigned int j, b;
	int len;

	for (i = 0; i < n; i++) {
		const struct golden_scan_run *g = &golden_scan_runs[i];
		struct ht_addr s = hex_addr(g->af == 6 ? "2001:db8::1" :
		    "192.0.2.1"), d;
		struct ht_scan_prober *pr;
		uint64_t h = FNV0, now = 1700000000123456789ULL;
		uint32_t x = 12345;
		size_t total = 0;

		pr = ht_scan_prober_open(&s, NULL, (uint8_t)g->proto, 0x8123,
		    g->proto == HT_PROTO_TCP ? 80 : 33434,
		    (uint16_t)g->payload, 1, err, sizeof(err));
		ck_assert_msg(pr != NULL, "%s", err);
		for (j = 0; j < 500; j++) {
			/* the destination's bytes after the first (four) */
			d = s;
			for (b = g->af == 6 ? 4 : 1; b < (g->af == 6 ? 16u :
			    4u); b++) {
				x = x * 1103515245u + 12345u;
				d.a[b] = (uint8_t)(x >> 16);
			}
			now += (uint64_t)(x % 100000u) * 1000u + 7;
			len = ht_scan_prober_build(pr, &d,
			    (uint8_t)(1 + j % 32), now, buf, sizeof(buf), err,
			    sizeof(err));
			ck_assert_msg(len > 0, "%s", err);
			ck_assert(hex_ip_cksums_ok(buf, (size_t)len));
			h = fnv(h, buf, (size_t)len);
			total += (size_t)len;
		}
		ht_scan_prober_close(pr);
		ck_assert_msg(total == g->total && h == g->fnv,
		    "scan run %zu: %zu bytes, %016llx; want %zu, %016llx", i,
		    total, (unsigned long long)h, g->total,
		    (unsigned long long)g->fnv);
	}
}
END_TEST

/* A description of an ICMP Paris probe, as the trace's of golden row g. */
static uint32_t
rnd(uint32_t *x)
{
	*x ^= *x << 13;
	*x ^= *x >> 17;
	*x ^= *x << 5;
	return *x;
}

static uint32_t
ocv(uint32_t v)
{
	return v % 0xffff;
}

START_TEST(test_cksum_add)
{
	uint32_t a, b;
	uint16_t s;

	ck_assert_uint_eq(ht_cksum_add(0, 0), 0);
	for (a = 0; a <= 0xffff; a += 97)
		for (b = 0; b <= 0xffff; b += 89) {
			s = ht_cksum_add((uint16_t)a, (uint16_t)b);
			ck_assert_uint_eq(ocv(s), ocv(a + b));
			/* zero is 0xffff unless both were 0x0000 */
			ck_assert(s != 0 || (a == 0 && b == 0));
		}
	ck_assert_uint_eq(ht_cksum_add(0xffff, 0), 0xffff);
	ck_assert_uint_eq(ht_cksum_add(0, 0xffff), 0xffff);
	ck_assert_uint_eq(ht_cksum_add(0xffff, 0xffff), 0xffff);
	ck_assert_uint_eq(ht_cksum_add(0x8000, 0x8000), 1);
}
END_TEST

/* Random data of n bytes whose checksum (RFC 1071) is right at ck. */
static void
random_data(uint8_t *p, size_t n, size_t ck, uint32_t *x)
{
	size_t i;
	uint16_t c;

	for (i = 0; i < n; i++)
		p[i] = (uint8_t)rnd(x);
	p[ck] = p[ck + 1] = 0;
	c = hex_cksum(p, n);
	p[ck] = (uint8_t)(c >> 8);
	p[ck + 1] = (uint8_t)c;
	ck_assert_uint_eq(hex_cksum(p, n), 0);
}

START_TEST(test_cksum_force_random)
{
	static const uint16_t edge[] = { 0, 0xffff, 1, 0xfffe };
	uint8_t p[512], q[512];
	uint32_t x = 0x2545f491, r;
	size_t n, ck, w;
	uint16_t want, full;
	int i;

	for (i = 0; i < 50000; i++) {
		/* lengths odd and even; fields at even offsets, apart */
		n = 4 + rnd(&x) % 500;
		ck = 2 * (rnd(&x) % (n / 2));
		do
			w = 2 * (rnd(&x) % (n / 2));
		while (w == ck);
		random_data(p, n, ck, &x);
		r = rnd(&x);
		want = r % 8 == 0 ? edge[(r >> 3) % 4] : (uint16_t)(r >> 8);
		memcpy(q, p, n);
		ck_assert_int_eq(ht_cksum_force(p, n, ck, w, want), 0);
		ck_assert(p[ck] == want >> 8 && p[ck + 1] == (want & 0xff));
		/* the data still checks */
		ck_assert_msg(hex_cksum(p, n) == 0, "n %zu ck %zu w %zu want "
		    "%#x", n, ck, w, want);
		/* a full recomputation gives want (0xffff and 0 alike) */
		p[ck] = p[ck + 1] = 0;
		full = hex_cksum(p, n);
		ck_assert_uint_eq(ocv(full), ocv(want));
		/* only the two fields moved */
		p[ck] = q[ck];
		p[ck + 1] = q[ck + 1];
		p[w] = q[w];
		p[w + 1] = q[w + 1];
		ck_assert(memcmp(p, q, n) == 0);
	}
}
END_TEST

START_TEST(test_cksum_keep_random)
{
	uint8_t p[256];
	uint32_t x = 0x9e3779b9;
	size_t n, ck, w, f;
	uint16_t to, from, nw, c;
	int i;

	/* a field changes, the word compensates: the checksum stays */
	for (i = 0; i < 50000; i++) {
		n = 6 + rnd(&x) % 250;
		ck = 2 * (rnd(&x) % (n / 2));
		do {
			w = 2 * (rnd(&x) % (n / 2));
			f = 2 * (rnd(&x) % (n / 2));
		} while (w == ck || f == ck || f == w);
		random_data(p, n, ck, &x);
		c = (uint16_t)(p[ck] << 8 | p[ck + 1]);
		from = (uint16_t)(p[f] << 8 | p[f + 1]);
		to = (uint16_t)rnd(&x);
		nw = ht_cksum_keep((uint16_t)(p[w] << 8 | p[w + 1]), from, to);
		p[f] = (uint8_t)(to >> 8);
		p[f + 1] = (uint8_t)to;
		p[w] = (uint8_t)(nw >> 8);
		p[w + 1] = (uint8_t)nw;
		ck_assert(hex_cksum(p, n) == 0);
		ck_assert(p[ck] == c >> 8 && p[ck + 1] == (c & 0xff));
	}
}
END_TEST

START_TEST(test_cksum_force_bounds)
{
	uint8_t p[16];
	uint32_t x = 7;

	random_data(p, sizeof(p), 2, &x);
	ck_assert_int_lt(ht_cksum_force(p, 16, 2, 3, 1), 0);	/* overlap */
	ck_assert_int_lt(ht_cksum_force(p, 16, 2, 2, 1), 0);
	ck_assert_int_lt(ht_cksum_force(p, 16, 2, 15, 1), 0);	/* past end */
	ck_assert_int_lt(ht_cksum_force(p, 16, 15, 8, 1), 0);
	ck_assert_int_lt(ht_cksum_force(p, 1, 0, 0, 1), 0);
	ck_assert_int_lt(ht_cksum_force(p, 0, 0, 2, 1), 0);
	ck_assert_int_eq(ht_cksum_force(p, 16, 2, 14, 1), 0);
	ck_assert_uint_eq(hex_cksum(p, 16), 0);
}
END_TEST

/* The old builders' formulas, to hold the new arithmetic to. */
static uint16_t
old_oc_add(uint16_t a, uint16_t b)
{
	uint32_t s = (uint32_t)a + b;

	return (uint16_t)((s & 0xffff) + (s >> 16));
}

/* An echo request (ident 0x2492, 2 bytes after the word) and its checksum */
static uint16_t
echo_cksum(uint16_t seq, uint16_t w)
{
	uint8_t e[12] = { 8, 0, 0, 0, 0x24, 0x92, 0, 0, 0, 0, 0x42, 0x43 };

	e[6] = (uint8_t)(seq >> 8);
	e[7] = (uint8_t)seq;
	e[8] = (uint8_t)(w >> 8);
	e[9] = (uint8_t)w;
	return hex_cksum(e, sizeof(e));
}

START_TEST(test_cksum_paris)
{
	static const uint16_t flows[] = { 0, 1, 2, 3, 15, 0x8000, 0xfffe,
	    0xffff };
	uint16_t w, c0 = echo_cksum(0, 0);
	uint32_t seq;
	size_t j;

	for (j = 0; j < sizeof(flows) / sizeof(flows[0]); j++)
		for (seq = 0; seq <= 0xffff; seq++) {
			/* io/prober.c before: ~seq, or with a flow this */
			w = ht_cksum_paris((uint16_t)seq, flows[j]);
			ck_assert_uint_eq(w, flows[j] == 0 ?
			    (uint16_t)~seq : old_oc_add((uint16_t)~seq,
			    (uint16_t)~flows[j]));
			/* the checksum: sequence 0's plus the flow */
			ck_assert_uint_eq(ocv(echo_cksum((uint16_t)seq, w)),
			    ocv((uint32_t)c0 + flows[j]));
		}
}
END_TEST

START_TEST(test_cksum_scan_fixup)
{
	uint32_t got, want, s;
	uint16_t w;

	/* mode/scan's fixup before: ~want + got, the carry round once */
	for (got = 0; got <= 0xffff; got += 251)
		for (want = 0; want <= 0xffff; want += 257) {
			w = ht_cksum_keep(0, (uint16_t)got, (uint16_t)want);
			s = (uint32_t)(uint16_t)~want + got;
			ck_assert_uint_eq(w, (s & 0xffff) + (s >> 16));
		}
	/* and io/prober.c's cksum_set: ~want + HC + m */
	for (got = 1; got <= 0xffff; got += 4099)
		for (want = 1; want < 0xffff; want += 131)
			for (s = 0; s <= 0xffff; s += 3121)
				ck_assert_uint_eq(ht_cksum_keep((uint16_t)s,
				    (uint16_t)got, (uint16_t)want),
				    old_oc_add(old_oc_add((uint16_t)~want,
				    (uint16_t)got), (uint16_t)s));
}
END_TEST

static struct ht_probe_desc
desc_of(const struct golden_probe *g, uint8_t *payload)
{
	struct ht_probe_desc d;
	uint16_t seq = (uint16_t)(g->ident * 7 + g->k + 1), w;
	unsigned int i;

	memset(&d, 0, sizeof(d));
	d.src = hex_addr(g->af == 6 ? "2001:db8::1" : "192.0.2.1");
	d.dst = hex_addr(g->af == 6 ? "2001:db8:2::7" : "198.51.100.7");
	d.proto = g->af == 6 ? HT_PROTO_ICMP6 : HT_PROTO_ICMP;
	d.ttl = (uint8_t)g->ttl;
	d.ip_id = seq != 0 ? seq : 0xffff;
	d.ident = (uint16_t)g->ident;
	d.seq = seq;
	for (i = 0; i < g->payload; i++)
		payload[i] = (uint8_t)(0x40 + i % 32);
	w = ht_cksum_paris(seq, (uint16_t)g->flow);
	payload[0] = (uint8_t)(w >> 8);
	payload[1] = (uint8_t)w;
	d.payload = payload;
	d.plen = (uint16_t)g->payload;
	d.cksum_set = g->cksum_flow;
	d.cksum = (uint16_t)g->port;
	return d;
}

START_TEST(test_desc_direct)
{
	uint8_t pl[HT_PROBE_MAX], a[HT_PROBE_MAX], b[HT_PROBE_MAX];
	char err[256];
	size_t i, n = sizeof(golden_probes) / sizeof(golden_probes[0]);
	struct ht_probe_builder *bd;
	struct ht_probe_desc d;
	int la, lb, tried = 0;

	/* every golden ICMP Paris probe, from a description */
	bd = ht_probe_builder_new(err, sizeof(err));
	ck_assert_msg(bd != NULL, "%s", err);
	for (i = 0; i < n; i++) {
		const struct golden_probe *g = &golden_probes[i];

		if (g->method != HT_METHOD_ICMP || !g->paris ||
		    g->payload < 2 || g->payload > 200 || g->hex == NULL)
			continue;
		d = desc_of(g, pl);
		la = ht_probe_build(&d, a, sizeof(a), err, sizeof(err));
		ck_assert_msg(la > 0, "%s", err);
		lb = prober_probe(g, b, sizeof(b));
		ck_assert_int_eq(la, lb);
		ck_assert_msg(memcmp(a, b, (size_t)la) == 0, "probe %zu", i);
		/* one builder, families alternating: the same bytes */
		lb = ht_probe_builder_build(bd, &d, b, sizeof(b), err,
		    sizeof(err));
		ck_assert_int_eq(la, lb);
		ck_assert(memcmp(a, b, (size_t)la) == 0);
		tried++;
	}
	ck_assert_int_gt(tried, 20);
	/* and across protocols */
	d.proto = HT_PROTO_UDP;
	d.port = 33434;
	la = ht_probe_build(&d, a, sizeof(a), err, sizeof(err));
	lb = ht_probe_builder_build(bd, &d, b, sizeof(b), err, sizeof(err));
	ck_assert_int_gt(la, 0);
	ck_assert_int_eq(la, lb);
	ck_assert(memcmp(a, b, (size_t)la) == 0);
	ck_assert(hex_ip_cksums_ok(a, (size_t)la));
	ht_probe_builder_free(bd);
}
END_TEST

START_TEST(test_desc_fields)
{
	uint8_t pl[16], a[256];
	char err[256];
	struct ht_probe_desc d;
	int n;

	memset(&d, 0, sizeof(d));
	memset(pl, 0x55, sizeof(pl));
	d.src = hex_addr("2001:db8::1");
	d.dst = hex_addr("2001:db8:2::7");
	d.proto = HT_PROTO_TCP;
	d.ttl = 9;
	d.flow = 0xabcde;
	d.ident = 40000;
	d.port = 443;
	d.tcp_seq = 0x01020304;
	d.payload = pl;
	d.plen = sizeof(pl);
	d.cksum_set = 1;
	d.cksum = 0x1234;
	n = ht_probe_build(&d, a, sizeof(a), err, sizeof(err));
	ck_assert_msg(n == 40 + 20 + 16, "%d: %s", n, err);
	/* version 6, traffic class 0, the flow label */
	ck_assert(a[0] == 0x60 && a[1] == 0x0a && a[2] == 0xbc &&
	    a[3] == 0xde);
	ck_assert(a[6] == HT_PROTO_TCP && a[7] == 9);
	ck_assert(a[40] == 40000 >> 8 && a[42] == 443 >> 8);
	ck_assert(a[44] == 1 && a[45] == 2 && a[46] == 3 && a[47] == 4);
	ck_assert(a[53] == 0x02);	/* SYN */
	ck_assert(a[56] == 0x12 && a[57] == 0x34);
	ck_assert(hex_ip_cksums_ok(a, (size_t)n));
	/* no room */
	ck_assert_int_lt(ht_probe_build(&d, a, 40, err, sizeof(err)), 0);
	/* no payload word for the checksum */
	d.plen = 1;
	ck_assert_int_lt(ht_probe_build(&d, a, sizeof(a), err, sizeof(err)),
	    0);
	d.plen = 0;
	d.payload = NULL;
	ck_assert_int_lt(ht_probe_build(&d, a, sizeof(a), err, sizeof(err)),
	    0);
	d.cksum_set = 0;
	ck_assert_int_eq(ht_probe_build(&d, a, sizeof(a), err, sizeof(err)),
	    60);
	/* ICMP of the other family; no family; a payload not given */
	d.proto = HT_PROTO_ICMP;
	ck_assert_int_lt(ht_probe_build(&d, a, sizeof(a), err, sizeof(err)),
	    0);
	d.proto = HT_PROTO_ICMP6;
	d.dst.af = 0;
	ck_assert_int_lt(ht_probe_build(&d, a, sizeof(a), err, sizeof(err)),
	    0);
	d.dst.af = 6;
	d.plen = 4;
	ck_assert_int_lt(ht_probe_build(&d, a, sizeof(a), err, sizeof(err)),
	    0);
}
END_TEST

/* The ones' complement value of a 16-bit word: 0xffff is 0. */
static Suite *
probe_suite(void)
{
	Suite *s = suite_create("probe");
	TCase *tc = tcase_create("probe");

	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_golden_probes);
	tcase_add_test(tc, test_golden_runs);
	tcase_add_test(tc, test_golden_scans);
	tcase_add_test(tc, test_golden_scan_runs);
	tcase_add_test(tc, test_cksum_add);
	tcase_add_test(tc, test_cksum_force_random);
	tcase_add_test(tc, test_cksum_keep_random);
	tcase_add_test(tc, test_cksum_force_bounds);
	tcase_add_test(tc, test_cksum_paris);
	tcase_add_test(tc, test_cksum_scan_fixup);
	tcase_add_test(tc, test_desc_direct);
	tcase_add_test(tc, test_desc_fields);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner *sr = srunner_create(probe_suite());
	int nfail;

	srunner_run_all(sr, CK_NORMAL);
	nfail = srunner_ntests_failed(sr);
	srunner_free(sr);
	return nfail == 0 ? 0 : 1;
}

/* \summary: unit tests of probe building: the bytes of every kind of probe */
/*
 * - byte for byte, the probes of every method and mode as the builders
 *   before wire/probe_build.c made them (tests/probe_golden.h: ICMP, UDP
 *   and TCP over IPv4 and IPv6, classic and Paris, the sequence number
 *   across 0xffff and 0, --flows' ICMP flows, MDA's checksum flows, the
 *   payload cut to size, runs of 300 probes from one prober, a scan's
 *   probes across the time stamp's values, runs of 500 to many targets),
 *   through the old public functions (io/prober.h, mode/scan/scan_probe.h).
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
#include "wire/decode.h"

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

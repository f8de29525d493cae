/* \summary: unit tests of the scan mode: targets, permutation, encoding, matcher */
/*
 * - targets (scan_targets.c): comments, blank lines, IPv4 and IPv6
 *   addresses and prefixes, host bits cleared, counts, every target's
 *   address and its number back (ht_targets_find), bad lines named by
 *   number, fatal or skipped, one family a run, the size limit, and
 *   --per-prefix: one address in each /N, the same for the same seed;
 * - the permutation (scan_perm.c): a bijection of [0, n) for sizes from 1
 *   to 2^20 + 3, each element once, and a different order for another key;
 * - the encoding and matcher (scan_match.c): probes built by the scan
 *   prober (dry) carry right checksums; a time exceeded quoting one, an
 *   unreachable, and the echo reply the target sends give back target,
 *   TTL and the exact RTT, across the time stamp's wrap; a quote with
 *   another destination fails the check; others' packets are not ours.
 */
#ifdef HAVE_CONFIG_H
#include <config.h>
#endif

#include <check.h>
#include <pcap/dlt.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hex.h"
#include "mode/scan/scan_match.h"
#include "mode/scan/scan_perm.h"
#include "mode/scan/scan_probe.h"
#include "mode/scan/scan_targets.h"
#include "wire/decode.h"

static struct ht_targets
from_text(const char *text, unsigned int per, int skip, int want_rc,
    char *err)
{
	struct ht_targets t;
	FILE *fp = fmemopen((void *)(uintptr_t)text, strlen(text), "r");
	int rc;

	ck_assert_ptr_nonnull(fp);
	ht_targets_init(&t, per, 42);
	err[0] = '\0';
	rc = ht_targets_read(&t, fp, skip, err, HT_TARGETS_ERR);
	fclose(fp);
	ck_assert_msg(rc == want_rc, "rc %d, want %d: %s", rc, want_rc, err);
	return t;
}

static const char *
nth(const struct ht_targets *t, uint64_t i, char *buf)
{
	struct ht_addr a;

	ht_targets_get(t, i, &a);
	return ht_addr_str(&a, buf);
}

START_TEST(test_targets_parse)
{
	char err[HT_TARGETS_ERR], b[HT_ADDRSTRLEN];
	struct ht_targets t;
	struct ht_addr a;
	uint64_t i;

	t = from_text("# a comment\n\n  10.0.0.1  \n10.1.2.3/30 # four\n"
	    "\t192.0.2.77/29\r\n10.9.0.0/32\n", 0, 0, 0, err);
	ck_assert_uint_eq(t.total, 1 + 4 + 8 + 1);
	ck_assert_uint_eq(t.n, 4);
	ck_assert_int_eq(t.af, 4);
	ck_assert_str_eq(nth(&t, 0, b), "10.0.0.1");
	ck_assert_str_eq(nth(&t, 1, b), "10.1.2.0");	/* host bits cleared */
	ck_assert_str_eq(nth(&t, 4, b), "10.1.2.3");
	ck_assert_str_eq(nth(&t, 5, b), "192.0.2.72");
	ck_assert_str_eq(nth(&t, 12, b), "192.0.2.79");
	ck_assert_str_eq(nth(&t, 13, b), "10.9.0.0");
	ck_assert_uint_eq(t.r[2].line, 5);
	for (i = 0; i < t.total; i++) {
		ht_targets_get(&t, i, &a);
		ck_assert_int_eq(ht_targets_find(&t, &a), (int64_t)i);
		ck_assert(ht_targets_covers(&t, &a));
	}
	a = hex_addr("10.1.2.4");
	ck_assert_int_eq(ht_targets_find(&t, &a), -1);
	ck_assert(!ht_targets_covers(&t, &a));
	a = hex_addr("2001:db8::1");
	ck_assert_int_eq(ht_targets_find(&t, &a), -1);
	ht_targets_free(&t);

	t = from_text("2001:db8::/120\n2001:db8:1::5\n", 0, 0, 0, err);
	ck_assert_uint_eq(t.total, 257);
	ck_assert_int_eq(t.af, 6);
	ck_assert_str_eq(nth(&t, 255, b), "2001:db8::ff");
	ck_assert_str_eq(nth(&t, 256, b), "2001:db8:1::5");
	a = hex_addr("2001:db8::80");
	ck_assert_int_eq(ht_targets_find(&t, &a), 128);
	ht_targets_free(&t);

	/* a selection (replay): any size, only covers() */
	{
		FILE *fp = fmemopen((void *)(uintptr_t)"10.0.0.0/8\n"
		    "2001:db8::/64\n", 25, "r");

		ht_targets_init(&t, 0, 1);
		t.cover = 1;
		ck_assert_int_eq(ht_targets_read(&t, fp, 1, err, sizeof(err)),
		    0);
		fclose(fp);
		ck_assert_uint_eq(t.skipped, 0);	/* both families */
		a = hex_addr("10.200.3.4");
		ck_assert(ht_targets_covers(&t, &a));
		a = hex_addr("2001:db8::77:1");
		ck_assert(ht_targets_covers(&t, &a));
		a = hex_addr("11.0.0.1");
		ck_assert(!ht_targets_covers(&t, &a));
		a = hex_addr("2001:db8:0:1::1");
		ck_assert(!ht_targets_covers(&t, &a));
		ht_targets_free(&t);
	}
	/* nested prefixes: the narrower one's base holds no wider address */
	t = from_text("10.0.0.0/16\n10.0.0.8/30\n", 0, 0, 0, err);
	a = hex_addr("10.0.200.1");
	ck_assert(ht_targets_covers(&t, &a));
	ck_assert_int_eq(ht_targets_find(&t, &a), 200 * 256 + 1);
	ht_targets_free(&t);
}
END_TEST

/*
 * Both families in one file: IPv6 and IPv4 lines keep their file order
 * in the numbering, each address is found only in its own family (an
 * IPv6 address whose first bytes spell an IPv4 target is not one), and
 * -4 / -6 (only_af) leave the other family's lines out, counted.
 */
START_TEST(test_targets_mixed)
{
	char err[HT_TARGETS_ERR], b[HT_ADDRSTRLEN];
	struct ht_targets t;
	struct ht_addr a;
	uint64_t i;
	FILE *fp;
	static const char text[] = "2001:db8::/126\n10.0.0.0/30\n"
	    "10.0.0.9\n2001:db8::1:0/127\n";

	t = from_text(text, 0, 0, 0, err);
	ck_assert_uint_eq(t.total, 4 + 4 + 1 + 2);
	ck_assert_uint_eq(t.fams, HT_TGT_V4 | HT_TGT_V6);
	ck_assert_int_eq(t.af, 6);		/* the first line's */
	ck_assert_str_eq(nth(&t, 0, b), "2001:db8::");
	ck_assert_str_eq(nth(&t, 4, b), "10.0.0.0");
	ck_assert_str_eq(nth(&t, 8, b), "10.0.0.9");
	ck_assert_str_eq(nth(&t, 10, b), "2001:db8::1:1");
	for (i = 0; i < t.total; i++) {
		ht_targets_get(&t, i, &a);
		ck_assert_int_eq(ht_targets_find(&t, &a), (int64_t)i);
	}
	a = hex_addr("a00:1::");	/* bytes 0a 00 00 01 ..., IPv6 */
	ck_assert_int_eq(ht_targets_find(&t, &a), -1);
	ck_assert(!ht_targets_covers(&t, &a));
	a = hex_addr("32.1.13.184");	/* 2001:0db8 as IPv4 */
	ck_assert_int_eq(ht_targets_find(&t, &a), -1);
	ht_targets_free(&t);

	/* -4: the IPv6 lines left out */
	fp = fmemopen((void *)(uintptr_t)text, strlen(text), "r");
	ck_assert_ptr_nonnull(fp);
	ht_targets_init(&t, 0, 1);
	t.only_af = 4;
	ck_assert_int_eq(ht_targets_read(&t, fp, 0, err, sizeof(err)), 0);
	fclose(fp);
	ck_assert_uint_eq(t.total, 5);
	ck_assert_uint_eq(t.other_af, 2);
	ck_assert_uint_eq(t.fams, HT_TGT_V4);
	ck_assert_str_eq(nth(&t, 0, b), "10.0.0.0");
	ht_targets_free(&t);
}
END_TEST

START_TEST(test_targets_bad)
{
	static const struct {
		const char *text, *msg;
	} cases[] = {
		{ "10.0.0.1\nfoo\n", "line 2: not an IPv4 or IPv6 address" },
		{ "10.0.0.1 10.0.0.2\n", "line 1: one address or prefix a line" },
		{ "\n\n10.0.0.0/33\n", "line 3: prefix length must be 0 to 32" },
		{ "10.0.0.0/\n", "line 1: prefix length" },
		{ "10.0.0.0/-1\n", "line 1: prefix length" },
		{ "10.0.0.0/8x\n", "line 1: prefix length" },
		{ "2001:db8::/129\n", "line 1: prefix length must be 0 to 128" },
		{ "10.0.0.0/7\n", "line 1: /7 holds too many targets" },
		{ "2001:db8::/64\n", "line 1: /64 holds too many targets" },
		{ "10.0.0.0/9\n10.128.0.0/9\n10.0.0.1\n",
		    "line 3: /32 holds too many" },
	};
	char err[HT_TARGETS_ERR];
	struct ht_targets t;
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		t = from_text(cases[i].text, 0, 0, -1, err);
		ck_assert_msg(strncmp(err, cases[i].msg,
		    strlen(cases[i].msg)) == 0, "case %zu: '%s'", i, err);
		ht_targets_free(&t);
	}
	/* skipped: counted, the first kept, the good lines read */
	t = from_text("10.0.0.1\nfoo\n10.0.0.2\n10.0.0.0/99\n", 0, 1, 0, err);
	ck_assert_uint_eq(t.total, 2);
	ck_assert_uint_eq(t.skipped, 2);
	ck_assert_msg(strncmp(t.first_bad, "line 2:", 7) == 0, "%s",
	    t.first_bad);
	ht_targets_free(&t);
	/* --per-prefix longer than the address */
	t = from_text("10.0.0.0/8\n", 40, 0, -1, err);
	ck_assert_msg(strstr(err, "--per-prefix=40") != NULL, "%s", err);
	ht_targets_free(&t);
}
END_TEST

START_TEST(test_targets_per_prefix)
{
	char err[HT_TARGETS_ERR], b[HT_ADDRSTRLEN];
	struct ht_targets t, u;
	struct ht_addr a, x;
	uint64_t i;

	/* a /16 at one a /24: 256 targets, target i in 10.7.i.0/24 */
	t = from_text("10.7.0.0/16\n10.8.0.0/28\n10.9.9.9\n", 24, 0, 0, err);
	ck_assert_uint_eq(t.total, 256 + 1 + 1);
	for (i = 0; i < 256; i++) {
		ht_targets_get(&t, i, &a);
		ck_assert_msg(a.a[0] == 10 && a.a[1] == 7 && a.a[2] == i,
		    "target %llu: %s", (unsigned long long)i,
		    ht_addr_str(&a, b));
		ck_assert_int_eq(ht_targets_find(&t, &a), (int64_t)i);
		/* another address of the /24 is none */
		x = a;
		x.a[3] ^= 1;
		ck_assert_int_eq(ht_targets_find(&t, &x), -1);
		ck_assert(ht_targets_covers(&t, &x));
	}
	/* a /28 inside one /24: one address of the /28 */
	ht_targets_get(&t, 256, &a);
	ck_assert(a.a[0] == 10 && a.a[1] == 8 && a.a[2] == 0 && a.a[3] < 16);
	ck_assert_str_eq(nth(&t, 257, b), "10.9.9.9");
	/* the same seed, the same addresses */
	u = from_text("10.7.0.0/16\n10.8.0.0/28\n10.9.9.9\n", 24, 0, 0, err);
	for (i = 0; i < t.total; i++) {
		ht_targets_get(&t, i, &a);
		ht_targets_get(&u, i, &x);
		ck_assert(ht_addr_eq(&a, &x));
	}
	ht_targets_free(&u);
	ht_targets_free(&t);
	/* IPv6: a /48 at one a /56, random in the 72 host bits */
	t = from_text("2001:db8:5::/48\n", 56, 0, 0, err);
	ck_assert_uint_eq(t.total, 256);
	ht_targets_get(&t, 3, &a);
	ck_assert(a.a[6] == 3 && a.a[5] == 5);
	ck_assert_int_eq(ht_targets_find(&t, &a), 3);
	ht_targets_free(&t);
}
END_TEST

START_TEST(test_perm_bijection)
{
	static const uint64_t sizes[] = { 1, 2, 3, 5, 16, 17, 100, 255, 1000,
	    4097, 65536, 65536 * 16 + 3 };
	struct ht_perm p;
	uint8_t *seen;
	uint64_t n, i, v, fixed;
	size_t k;

	for (k = 0; k < sizeof(sizes) / sizeof(sizes[0]); k++) {
		n = sizes[k];
		seen = calloc((size_t)n, 1);
		ck_assert_ptr_nonnull(seen);
		ht_perm_init(&p, n, 0x1234 + k);
		for (i = 0, fixed = 0; i < n; i++) {
			v = ht_perm_at(&p, i);
			ck_assert_msg(v < n, "n %llu: %llu -> %llu",
			    (unsigned long long)n, (unsigned long long)i,
			    (unsigned long long)v);
			ck_assert_msg(!seen[v], "n %llu: %llu twice",
			    (unsigned long long)n, (unsigned long long)v);
			seen[v] = 1;
			fixed += v == i;
		}
		/* shuffled: few fixed points (about one, on average) */
		if (n >= 100)
			ck_assert_msg(fixed < n / 20, "n %llu: %llu fixed",
			    (unsigned long long)n, (unsigned long long)fixed);
		free(seen);
	}
}
END_TEST

START_TEST(test_perm_keyed)
{
	struct ht_perm p, q;
	uint64_t i, same = 0;

	ht_perm_init(&p, 10000, 1);
	ht_perm_init(&q, 10000, 2);
	for (i = 0; i < 10000; i++)
		same += ht_perm_at(&p, i) == ht_perm_at(&q, i);
	ck_assert_uint_lt(same, 100);
	ht_perm_init(&q, 10000, 1);
	for (i = 0; i < 10000; i++)
		ck_assert_uint_eq(ht_perm_at(&p, i), ht_perm_at(&q, i));
}
END_TEST

/* The wire bytes of the scan probe (proto, 0: ICMP) to dst at ttl sent at t. */
static size_t
build_l4(uint8_t proto, const char *src, const char *dst, uint8_t ttl, ht_ns t,
    uint8_t *buf)
{
	char err[256];
	struct ht_addr s = hex_addr(src), d = hex_addr(dst);
	struct ht_scan_prober *pr;
	int n;

	pr = ht_scan_prober_open(&s, NULL, proto, 0x8123,
	    proto == HT_PROTO_TCP ? 80 : 33434, 16, 1, err, sizeof(err));
	ck_assert_msg(pr != NULL, "%s", err);
	n = ht_scan_prober_build(pr, &d, ttl, t, buf, 256, err, sizeof(err));
	ck_assert_msg(n > 0, "%s", err);
	ht_scan_prober_close(pr);
	ck_assert_msg(hex_ip_cksums_ok(buf, (size_t)n), "bad checksum");
	return (size_t)n;
}

static size_t
build(const char *src, const char *dst, uint8_t ttl, ht_ns t, uint8_t *buf)
{
	return build_l4(0, src, dst, ttl, t, buf);
}

/* A router's ICMP error (type) from r quoting the probe q (as Linux: all). */
static size_t
error_of(const uint8_t *q, size_t qn, const char *r, uint8_t type,
    uint8_t *out)
{
	int v6 = q[0] >> 4 == 6;
	size_t h = v6 ? 40 : 20;
	struct ht_addr a = hex_addr(r);

	memset(out, 0, h + 8);
	if (v6) {
		out[0] = 0x60;
		out[4] = (uint8_t)((8 + qn) >> 8);
		out[5] = (uint8_t)(8 + qn);
		out[6] = 58;
		out[7] = 62;
		memcpy(out + 8, a.a, 16);
		memcpy(out + 24, q + 8, 16);	/* to the probe's source */
	} else {
		out[0] = 0x45;
		out[2] = (uint8_t)((h + 8 + qn) >> 8);
		out[3] = (uint8_t)(h + 8 + qn);
		out[8] = 62;
		out[9] = 1;
		memcpy(out + 12, a.a, 4);
		memcpy(out + 16, q + 12, 4);
	}
	out[h] = type;
	memcpy(out + h + 8, q, qn);
	/* the quoted TTL, as it was where it ran out */
	out[h + 8 + (v6 ? 7 : 8)] = 1;
	return h + 8 + qn;
}

/* The echo reply to probe q, as the target makes it: checksums right. */
static size_t
reply_of(const uint8_t *q, size_t n, uint8_t *out)
{
	int v6 = q[0] >> 4 == 6;
	size_t h = v6 ? 40 : 20;
	uint32_t sum;
	uint16_t c;

	memcpy(out, q, n);
	memcpy(out + (v6 ? 8 : 12), q + (v6 ? 24 : 16), v6 ? 16 : 4);
	memcpy(out + (v6 ? 24 : 16), q + (v6 ? 8 : 12), v6 ? 16 : 4);
	out[h] = v6 ? 129 : 0;
	out[h + 2] = out[h + 3] = 0;
	if (v6) {
		sum = hex_sum(out + 8, 32, 0) + 58 + (uint32_t)(n - h);
		c = hex_fold(hex_sum(out + h, n - h, sum));
	} else {
		out[10] = out[11] = 0;
		c = hex_cksum(out, h);
		out[10] = (uint8_t)(c >> 8);
		out[11] = (uint8_t)c;
		c = hex_cksum(out + h, n - h);
	}
	out[h + 2] = (uint8_t)(c >> 8);
	out[h + 3] = (uint8_t)c;
	ck_assert(hex_ip_cksums_ok(out, n));
	return n;
}

static int
ident_8123(uint16_t id, void *arg)
{
	(void)arg;
	return id == 0x8123;
}

static void
one_family(const char *src, const char *dst, const char *router)
{
	uint8_t p[256], e[512];
	struct ht_pkt pkt;
	struct ht_scan_row row;
	ht_ns t0, rtt;
	size_t n, m;
	int ttl, k;
	char b[HT_ADDRSTRLEN];
	/* send times: any, and just before the time stamp wraps */
	const ht_ns starts[] = { 1796356592311012000ull,
	    (ht_ns)HT_SCAN_TMOD * 1000 * 107 - 3000 };
	const ht_ns rtts[] = { 0, 17000, 2500000, 16000000000ull };

	for (k = 0; k < 2; k++)
		for (ttl = 1; ttl <= 32; ttl += 7) {
			t0 = starts[k] + (ht_ns)ttl * 1000;
			n = build(src, dst, (uint8_t)ttl, t0, p);
			ck_assert_int_eq(ht_decode(DLT_RAW, p, n, &pkt),
			    HT_PKT_PROBE);
			ck_assert_int_eq(ht_scan_match(&pkt, t0, ident_8123,
			    NULL, &row), HT_SCAN_PROBE);
			ck_assert_str_eq(ht_addr_str(&row.target, b), dst);
			ck_assert_uint_eq(row.ttl, ttl);
			rtt = rtts[(size_t)(ttl + k) % 4];
			/* a time exceeded, an unreachable */
			m = error_of(p, n, router, p[0] >> 4 == 6 ? 3 : 11, e);
			ck_assert_int_eq(ht_decode(DLT_RAW, e, m, &pkt),
			    HT_PKT_ERROR);
			ck_assert_int_eq(ht_scan_match(&pkt, t0 + rtt + 999,
			    ident_8123, NULL, &row), HT_SCAN_REPLY);
			ck_assert_str_eq(ht_addr_str(&row.target, b), dst);
			ck_assert_str_eq(ht_addr_str(&row.from, b), router);
			ck_assert_str_eq(ht_addr_str(&row.src, b), src);
			ck_assert_uint_eq(row.ttl, ttl);
			ck_assert_uint_eq(row.qttl, 1);
			ck_assert_uint_eq(row.kind, HT_R_TIMEX);
			ck_assert_uint_eq(row.rtt, rtt);
			m = error_of(p, n, router, p[0] >> 4 == 6 ? 1 : 3, e);
			ht_decode(DLT_RAW, e, m, &pkt);
			ck_assert_int_eq(ht_scan_match(&pkt, t0 + rtt,
			    ident_8123, NULL, &row), HT_SCAN_REPLY);
			ck_assert_uint_eq(row.kind, HT_R_UNREACH);
			/* only 8 bytes quoted (RFC 792) are enough */
			if (p[0] >> 4 == 4) {
				m = error_of(p, 28, router, 11, e);
				ht_decode(DLT_RAW, e, m, &pkt);
				ck_assert_int_eq(ht_scan_match(&pkt, t0 + rtt,
				    ident_8123, NULL, &row), HT_SCAN_REPLY);
				ck_assert_uint_eq(row.rtt, rtt);
			}
			/* the target's echo reply */
			m = reply_of(p, n, e);
			ck_assert_int_eq(ht_decode(DLT_RAW, e, m, &pkt),
			    HT_PKT_ECHOREPLY);
			ck_assert_int_eq(ht_scan_match(&pkt, t0 + rtt,
			    ident_8123, NULL, &row), HT_SCAN_REPLY);
			ck_assert_str_eq(ht_addr_str(&row.target, b), dst);
			ck_assert_str_eq(ht_addr_str(&row.from, b), dst);
			ck_assert_uint_eq(row.ttl, ttl);
			ck_assert_uint_eq(row.kind, HT_R_ECHO);
			ck_assert_uint_eq(row.rtt, rtt);
			/* a quote whose destination was changed (NAT) */
			m = error_of(p, n, router, p[0] >> 4 == 6 ? 3 : 11, e);
			e[m - n + (p[0] >> 4 == 6 ? 39 : 19)] ^= 1;
			ht_decode(DLT_RAW, e, m, &pkt);
			ck_assert_int_eq(ht_scan_match(&pkt, t0, ident_8123,
			    NULL, &row), HT_SCAN_BAD);
		}
}

START_TEST(test_match_v4)
{
	one_family("10.77.0.1", "10.200.3.4", "10.77.2.2");
}
END_TEST

START_TEST(test_match_v6)
{
	one_family("fd77::1", "fd77:200::8000:0:0:3", "fd77:0:0:2::2");
}
END_TEST

static int
ident_none(uint16_t id, void *arg)
{
	(void)id;
	(void)arg;
	return 0;
}

/* Packets of others: a ping and its reply, a plain hoptrace probe's error. */
START_TEST(test_match_others)
{
	uint8_t p[256], e[512];
	struct ht_pkt pkt;
	struct ht_scan_row row;
	size_t n, m;

	n = build("10.77.0.1", "10.200.3.4", 5, 1000000, p);
	/* an echo reply of an identifier not ours */
	m = reply_of(p, n, e);
	ht_decode(DLT_RAW, e, m, &pkt);
	ck_assert_int_eq(ht_scan_match(&pkt, 0, ident_none, NULL, &row),
	    HT_SCAN_NONE);
	/* a ping: its IP ID is no check */
	p[4] ^= 0x55;
	p[10] = p[11] = 0;
	{
		uint16_t c = hex_cksum(p, 20);

		p[10] = (uint8_t)(c >> 8);
		p[11] = (uint8_t)c;
	}
	ht_decode(DLT_RAW, p, n, &pkt);
	ck_assert_int_eq(ht_scan_match(&pkt, 0, ident_8123, NULL, &row),
	    HT_SCAN_NONE);
	/* and an error quoting it: not ours, or bad if our identifier */
	m = error_of(p, n, "10.77.2.2", 11, e);
	ht_decode(DLT_RAW, e, m, &pkt);
	ck_assert_int_eq(ht_scan_match(&pkt, 0, ident_none, NULL, &row),
	    HT_SCAN_NONE);
	ck_assert_int_eq(ht_scan_match(&pkt, 0, ident_8123, NULL, &row),
	    HT_SCAN_BAD);
}
END_TEST

/* The target's TCP answer (flags) to the SYN q: ports and addresses swapped. */
static size_t
tcp_reply_of(const uint8_t *q, size_t n, uint8_t flags, uint8_t *out)
{
	int v6 = q[0] >> 4 == 6;
	size_t h = v6 ? 40 : 20;
	uint32_t seq = (uint32_t)q[h + 4] << 24 | (uint32_t)q[h + 5] << 16 |
	    (uint32_t)q[h + 6] << 8 | q[h + 7], ack = seq + 1, sum;
	uint16_t c;

	memcpy(out, q, n);
	memcpy(out + (v6 ? 8 : 12), q + (v6 ? 24 : 16), v6 ? 16 : 4);
	memcpy(out + (v6 ? 24 : 16), q + (v6 ? 8 : 12), v6 ? 16 : 4);
	memcpy(out + h, q + h + 2, 2);
	memcpy(out + h + 2, q + h, 2);
	memset(out + h + 4, 0x5a, 4);	/* the target's own sequence */
	out[h + 8] = (uint8_t)(ack >> 24);
	out[h + 9] = (uint8_t)(ack >> 16);
	out[h + 10] = (uint8_t)(ack >> 8);
	out[h + 11] = (uint8_t)ack;
	out[h + 13] = flags;
	out[h + 16] = out[h + 17] = 0;
	if (v6) {
		out[1] = out[2] = out[3] = 0;	/* its own flow label */
		sum = hex_sum(out + 8, 32, 0);
	} else {
		out[4] = 0x12;	/* its own IP ID */
		out[10] = out[11] = 0;
		c = hex_cksum(out, h);
		out[10] = (uint8_t)(c >> 8);
		out[11] = (uint8_t)c;
		sum = hex_sum(out + 12, 8, 0);
	}
	sum += 6 + (uint32_t)(n - h);
	c = hex_fold(hex_sum(out + h, n - h, sum));
	out[h + 16] = (uint8_t)(c >> 8);
	out[h + 17] = (uint8_t)c;
	ck_assert(hex_ip_cksums_ok(out, n));
	return n;
}

/* UDP and TCP probes: encoded, built, matched from errors and answers. */
static void
one_l4(uint8_t proto, const char *src, const char *dst, const char *router)
{
	uint8_t p[256], e[512];
	struct ht_pkt pkt;
	struct ht_scan_row row;
	ht_ns t0, rtt;
	size_t n, m, h = strchr(dst, ':') ? 40 : 20;
	int ttl, k, v6 = h == 40;
	uint16_t dport0 = 0, dport;
	char b[HT_ADDRSTRLEN];
	const ht_ns starts[] = { 1796356592311012000ull,
	    (ht_ns)HT_SCAN_TMOD * 1000 * 107 - 3000 };
	const ht_ns rtts[] = { 0, 17000, 2500000, 16000000000ull };

	for (k = 0; k < 2; k++)
		for (ttl = 1; ttl <= 32; ttl += 5) {
			t0 = starts[k] + (ht_ns)ttl * 1000;
			n = build_l4(proto, src, dst, (uint8_t)ttl, t0, p);
			ck_assert_uint_eq(p[v6 ? 6 : 9], proto);
			dport = (uint16_t)(p[h + 2] << 8 | p[h + 3]);
			if (proto == HT_PROTO_UDP) {
				/* -p's high bits; one port for the target */
				ck_assert_uint_eq(dport & 0xfc00, 33434 & 0xfc00);
				ck_assert(p[h + 6] != 0 || p[h + 7] != 0);
			} else
				ck_assert_uint_eq(dport, 80);
			if (dport0 == 0)
				dport0 = dport;
			ck_assert_uint_eq(dport, dport0);
			ck_assert_uint_eq(p[h] << 8 | p[h + 1], 0x8123);
			ck_assert_int_eq(ht_decode(DLT_RAW, p, n, &pkt),
			    HT_PKT_PROBE);
			ck_assert_int_eq(ht_scan_match(&pkt, t0, ident_8123,
			    NULL, &row), HT_SCAN_PROBE);
			ck_assert_str_eq(ht_addr_str(&row.target, b), dst);
			ck_assert_uint_eq(row.ttl, ttl);
			ck_assert_uint_eq(row.proto, proto);
			rtt = rtts[(size_t)(ttl + k) % 4];
			m = error_of(p, n, router, v6 ? 3 : 11, e);
			ck_assert_int_eq(ht_decode(DLT_RAW, e, m, &pkt),
			    HT_PKT_ERROR);
			ck_assert_int_eq(ht_scan_match(&pkt, t0 + rtt + 999,
			    ident_8123, NULL, &row), HT_SCAN_REPLY);
			ck_assert_str_eq(ht_addr_str(&row.target, b), dst);
			ck_assert_str_eq(ht_addr_str(&row.from, b), router);
			ck_assert_uint_eq(row.ttl, ttl);
			ck_assert_uint_eq(row.qttl, 1);
			ck_assert_uint_eq(row.kind, HT_R_TIMEX);
			ck_assert_uint_eq(row.proto, proto);
			ck_assert_uint_eq(row.rtt, rtt);
			/* only 8 bytes quoted (RFC 792) are enough */
			if (!v6) {
				m = error_of(p, 28, router, 11, e);
				ht_decode(DLT_RAW, e, m, &pkt);
				ck_assert_int_eq(ht_scan_match(&pkt, t0 + rtt,
				    ident_8123, NULL, &row), HT_SCAN_REPLY);
				ck_assert_uint_eq(row.rtt, rtt);
				ck_assert_uint_eq(row.ttl, ttl);
			}
			if (proto == HT_PROTO_UDP) {
				/* the target's port unreachable */
				m = error_of(p, n, dst, v6 ? 1 : 3, e);
				e[h + 1] = v6 ? 4 : 3;
				ht_decode(DLT_RAW, e, m, &pkt);
				ck_assert_int_eq(ht_scan_match(&pkt, t0 + rtt,
				    ident_8123, NULL, &row), HT_SCAN_REPLY);
				ck_assert_uint_eq(row.kind, HT_R_UNREACH);
				ck_assert_str_eq(ht_addr_str(&row.from, b), dst);
			} else {
				/* the target's SYN-ACK, and a RST */
				m = tcp_reply_of(p, n, 0x12, e);
				ck_assert_int_eq(ht_decode(DLT_RAW, e, m, &pkt),
				    HT_PKT_TCPREPLY);
				ck_assert_int_eq(ht_scan_match(&pkt, t0 + rtt,
				    ident_8123, NULL, &row), HT_SCAN_REPLY);
				ck_assert_uint_eq(row.kind, HT_R_TCP);
				ck_assert_str_eq(ht_addr_str(&row.target, b),
				    dst);
				ck_assert_str_eq(ht_addr_str(&row.from, b), dst);
				ck_assert_uint_eq(row.ttl, ttl);
				ck_assert_uint_eq(row.rtt, rtt);
				ck_assert_uint_eq(row.type, 0);
				m = tcp_reply_of(p, n, 0x14, e);
				ht_decode(DLT_RAW, e, m, &pkt);
				ck_assert_int_eq(ht_scan_match(&pkt, t0 + rtt,
				    ident_8123, NULL, &row), HT_SCAN_REPLY);
				ck_assert_uint_eq(row.tflags & 0x04, 0x04);
				/* to a port not ours */
				ck_assert_int_eq(ht_scan_match(&pkt, t0,
				    ident_none, NULL, &row), HT_SCAN_NONE);
			}
			/* a quote whose destination was changed (NAT) */
			m = error_of(p, n, router, v6 ? 3 : 11, e);
			e[m - n + (v6 ? 39 : 19)] ^= 1;
			ht_decode(DLT_RAW, e, m, &pkt);
			ck_assert_int_eq(ht_scan_match(&pkt, t0, ident_8123,
			    NULL, &row), HT_SCAN_BAD);
			ck_assert_int_eq(ht_scan_match(&pkt, t0, ident_none,
			    NULL, &row), HT_SCAN_NONE);
		}
}

START_TEST(test_match_udp)
{
	one_l4(HT_PROTO_UDP, "10.77.0.1", "10.200.3.4", "10.77.2.2");
	one_l4(HT_PROTO_UDP, "fd77::1", "fd77:200::8000:0:0:3", "fd77:0:0:2::2");
}
END_TEST

START_TEST(test_match_tcp)
{
	one_l4(HT_PROTO_TCP, "10.77.0.1", "10.200.3.4", "10.77.2.2");
	one_l4(HT_PROTO_TCP, "fd77::1", "fd77:200::8000:0:0:3", "fd77:0:0:2::2");
}
END_TEST

static Suite *
scan_suite(void)
{
	Suite *s = suite_create("scan");
	TCase *tc = tcase_create("scan");

	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_targets_parse);
	tcase_add_test(tc, test_targets_mixed);
	tcase_add_test(tc, test_targets_bad);
	tcase_add_test(tc, test_targets_per_prefix);
	tcase_add_test(tc, test_perm_bijection);
	tcase_add_test(tc, test_perm_keyed);
	tcase_add_test(tc, test_match_v4);
	tcase_add_test(tc, test_match_v6);
	tcase_add_test(tc, test_match_others);
	tcase_add_test(tc, test_match_udp);
	tcase_add_test(tc, test_match_tcp);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner *sr = srunner_create(scan_suite());
	int nfail;

	srunner_run_all(sr, CK_NORMAL);
	nfail = srunner_ntests_failed(sr);
	srunner_free(sr);
	return nfail == 0 ? 0 : 1;
}

/* \summary: unit tests of the RIPE Atlas JSON output (output_json.c) and the rows (output_rows.c) */
/*
 * Hand-made packets (tests/unit/packets.h) go the whole way: ht_decode(), the
 * matcher, ht_json_trace(), and the line it writes is parsed back with
 * jansson.  Each destination unreachable is built around a probe as the
 * router received it (TTL 1), with real checksums, so it is the packet a
 * router sends.
 *
 * The "err" expected for each code is what RIPE Atlas probes write
 * (ripe-atlas-software-probe, probe-busybox/eperd/traceroute.c):
 * ready_callback4 gives "N", "H", "P" for ICMP codes 0-2, "p" for port
 * unreachable (3) only when the probe was ICMP (its UDP and TCP branches
 * write nothing: the normal end of their trace), nothing for fragmentation
 * needed (4: it writes "mtu"), "A" for 13 and the number for the rest;
 * ready_callback6, one switch for every probe protocol, gives "N", "A",
 * "h", "H" for ICMPv6 codes 0-3, nothing for port unreachable (4) and the
 * number for the rest.
 *
 * The rows (--rows, ht_rows_trace()) go the same way: one row a reply, its
 * keys in the order of a scan's rows then the trace's, its values the
 * probe's and the reply's fields; none for an unanswered probe.
 */
#ifdef HAVE_CONFIG_H
#include <config.h>
#endif

#include <check.h>
#include <jansson.h>
#include <pcap/dlt.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hex.h"
#include "match/trace.h"
#include "out/output.h"
#include "packets.h"
#include "wire/decode.h"

#define MAXFRAME	2048
#define MS		(HT_NS_PER_SEC / 1000)
#define T0		(1700000000ull * HT_NS_PER_SEC)	/* 2023-11-14 */
#define WAIT		(2 * HT_NS_PER_SEC)

#define US4	"c0 00 02 01 "		/* 192.0.2.1, us */
#define DST4	"c6 33 64 07 "		/* 198.51.100.7, the destination */
#define R4	"cb 00 71 05 "		/* 203.0.113.5, a router */

/* TCP SYN 40001 -> 80 over IPv6, hop limit 4, seq 0x11223344. */
static const char SYN6[] =
    /* IPv6: flow 0 | payload 20 | next 6 | hlim 4 */
    "60 00 00 00 00 14 06 04 " US6 DST6
    /* TCP: 40001 -> 80 | seq 0x11223344 | ack 0 | off 5 | SYN
     * | window 64240 | cksum 0x787e | urg 0 */
    "9c 41 00 50 11 22 33 44 00 00 00 00 50 02 fa f0 78 7e 00 00 ";

/* What Atlas writes for each code (NULL: no err), as in the summary. */
static const char *const V4_ICMP[16] = {
	"N", "H", "P", "p", NULL, "5", "6", "7",
	"8", "9", "10", "11", "12", "A", "14", "15"
};
static const char *const V4_UDP_TCP[16] = {
	"N", "H", "P", NULL, NULL, "5", "6", "7",
	"8", "9", "10", "11", "12", "A", "14", "15"
};
static const char *const V6_ANY[8] = {
	"N", "A", "h", "H", NULL, "5", "6", "7"
};

/* ------------------------------------------------------------------ */
/* Helpers                                                             */

static struct ht_pkt
decode_bytes(const uint8_t *buf, size_t n, enum ht_kind want)
{
	struct ht_pkt p;
	uint8_t *copy;

	ck_assert(hex_ip_cksums_ok(buf, n));
	copy = hex_dup(buf, n);
	ck_assert_ptr_nonnull(copy);
	ck_assert_int_eq(ht_decode(DLT_RAW, copy, n, &p), want);
	free(copy);
	return p;
}

static struct ht_pkt
decoded(const char *hex, enum ht_kind want)
{
	uint8_t buf[MAXFRAME];
	size_t n;

	n = hex_parse(hex, buf, sizeof(buf));
	ck_assert_msg(n != (size_t)-1, "malformed hex fixture");
	return decode_bytes(buf, n, want);
}

static void
put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

/*
 * A destination unreachable of this code from `from` (address bytes in
 * hex) to us, quoting all of `probe` as it reached the sender: TTL or hop
 * limit 1.  RFC 792 and RFC 4443 s. 3.1 layouts; checksums computed
 * (RFC 1071; ICMPv6 over the pseudo-header, RFC 8200 s. 8.1).
 */
static struct ht_pkt
unreach(const char *probe, const char *from, uint8_t code)
{
	uint8_t q[MAXFRAME], f[MAXFRAME];
	size_t nq, n;
	uint32_t sum;

	nq = hex_parse(probe, q, sizeof(q));
	ck_assert(nq != (size_t)-1 && nq >= 28);
	if (q[0] >> 4 == 4) {
		q[8] = 1;
		put16(q + 10, 0);
		put16(q + 10, hex_cksum(q, 20));
		n = hex_join(f, sizeof(f),
		    /* IPv4: len below | ID 0x7777 | TTL 62 | proto 1
		     * | cksum below | from -> us */
		    "45 00 00 00 77 77 00 00 3e 01 00 00 ", from, US4,
		    /* ICMP: type 3 | code below | cksum below | unused */
		    "03 00 00 00 00 00 00 00 ", (const char *)NULL);
		ck_assert(n == 28 && n + nq <= sizeof(f));
		memcpy(f + n, q, nq);
		n += nq;
		put16(f + 2, (uint16_t)n);
		f[21] = code;
		put16(f + 22, hex_cksum(f + 20, n - 20));
		put16(f + 10, hex_cksum(f, 20));
	} else {
		q[7] = 1;
		n = hex_join(f, sizeof(f),
		    /* IPv6: payload below | next 58 | hlim 61 | from -> us */
		    "60 00 00 00 00 00 3a 3d ", from, US6,
		    /* ICMPv6: type 1 | code below | cksum below | unused */
		    "01 00 00 00 00 00 00 00 ", (const char *)NULL);
		ck_assert(n == 48 && n + nq <= sizeof(f));
		memcpy(f + n, q, nq);
		n += nq;
		put16(f + 4, (uint16_t)(n - 40));
		f[41] = code;
		sum = hex_sum(f + 8, 32, 0) + HT_PROTO_ICMP6 +
		    (uint32_t)(n - 40);
		put16(f + 42, hex_fold(hex_sum(f + 40, n - 40, sum)));
	}
	return decode_bytes(f, n, HT_PKT_ERROR);
}

/*
 * A live trace of the one probe `probe` (protocol proto, identity ident)
 * sent at T0 and answered by `reply` `rtt` ns later, as hoptrace -j writes
 * it, parsed back.  *reply_obj is the probe's element of the first hop.
 * The caller json_decref()s the result.
 */
static json_t *
json_of(const char *probe, uint8_t proto, uint32_t ident,
    const struct ht_pkt *reply, ht_ns rtt, json_t **reply_obj)
{
	struct ht_outctx o;
	struct ht_matcher m;
	struct ht_match r;
	struct ht_trace *t;
	struct ht_pkt p = decoded(probe, HT_PKT_PROBE);
	json_error_t jerr;
	json_t *root, *hops, *res;
	char *text = NULL;
	size_t len = 0;

	ht_matcher_init(&m, 0, WAIT);
	t = ht_trace_new(&m, &p.ip.src, &p.ip.dst, proto, ident);
	ck_assert_ptr_nonnull(t);
	ck_assert_int_eq(ht_trace_add_probe(t, p.ip.ttl, p.ip.id, &p.l4,
	    p.ip.len, T0), 0);
	ck_assert_int_eq(ht_match_packet(&m, reply, T0 + rtt, &r),
	    HT_M_REPLY);
	ck_assert_uint_eq(r.probe, 0);

	memset(&o, 0, sizeof(o));
	o.fp = open_memstream(&text, &len);
	ck_assert_ptr_nonnull(o.fp);
	ck_assert_int_eq(ht_json_trace(&o, t, ht_trace_last_ttl(t),
	    T0 + rtt), 0);
	ck_assert_int_eq(fclose(o.fp), 0);
	ht_matcher_free(&m);

	ck_assert_msg(len > 0 && text[len - 1] == '\n' &&
	    strchr(text, '\n') == text + len - 1, "not one line: %s", text);
	root = json_loads(text, JSON_REJECT_DUPLICATES, &jerr);
	ck_assert_msg(root != NULL, "%s: %s", jerr.text, text);
	free(text);
	hops = json_object_get(root, "result");
	ck_assert_uint_eq(json_array_size(hops), 1);
	ck_assert_int_eq(json_integer_value(json_object_get(
	    json_array_get(hops, 0), "hop")), p.ip.ttl);
	res = json_object_get(json_array_get(hops, 0), "result");
	ck_assert_uint_eq(json_array_size(res), 1);
	*reply_obj = json_array_get(res, 0);
	ck_assert(json_is_object(*reply_obj));
	return root;
}

/*
 * The unreachable of this code from `from` (hex; `from_s` as text) for
 * the one probe `probe` carries err `want` (NULL: no err at all), and
 * is otherwise a plain reply from that address.
 */
static void
check_err(const char *probe, uint8_t proto, uint32_t ident,
    const char *from, const char *from_s, uint8_t code, const char *want)
{
	struct ht_pkt e = unreach(probe, from, code);
	json_t *root, *r, *err;

	ck_assert_uint_eq(e.l4.code, code);
	root = json_of(probe, proto, ident, &e, 7 * MS, &r);
	ck_assert_str_eq(json_string_value(json_object_get(r, "from")),
	    from_s);
	ck_assert(json_real_value(json_object_get(r, "rtt")) == 7.0);
	ck_assert_ptr_null(json_object_get(r, "ittl"));	/* quoted TTL 1 */
	err = json_object_get(r, "err");
	if (want == NULL)
		ck_assert_msg(err == NULL, "code %u: err %s, Atlas writes none",
		    code, json_string_value(err));
	else {
		ck_assert_msg(json_is_string(err), "code %u: no err, Atlas "
		    "writes \"%s\"", code, want);
		ck_assert_str_eq(json_string_value(err), want);
	}
	json_decref(root);
}

/* Port unreachable comes from the destination, the rest from a router. */
#define FROM4(code)	((code) == 3 ? DST4 : R4)
#define FROM4_S(code)	((code) == 3 ? "198.51.100.7" : "203.0.113.5")
#define FROM6(code)	((code) == 4 ? DST6 : R6)
#define FROM6_S(code)	((code) == 4 ? "2001:db8:2::7" : "2001:db8:1::5")

/* ------------------------------------------------------------------ */
/* err, code by code                                                   */

START_TEST(test_err_v4_icmp)
{
	check_err(ECHO4, HT_PROTO_ICMP, 0x04d2, FROM4(_i), FROM4_S(_i),
	    (uint8_t)_i, V4_ICMP[_i]);
}
END_TEST

START_TEST(test_err_v4_udp)
{
	check_err(UDP4, HT_PROTO_UDP, 40000, FROM4(_i), FROM4_S(_i),
	    (uint8_t)_i, V4_UDP_TCP[_i]);
}
END_TEST

START_TEST(test_err_v4_tcp)
{
	check_err(SYN4, HT_PROTO_TCP, 40001, FROM4(_i), FROM4_S(_i),
	    (uint8_t)_i, V4_UDP_TCP[_i]);
}
END_TEST

START_TEST(test_err_v6_icmp)
{
	check_err(ECHO6, HT_PROTO_ICMP6, 0x04d2, FROM6(_i), FROM6_S(_i),
	    (uint8_t)_i, V6_ANY[_i]);
}
END_TEST

START_TEST(test_err_v6_udp)
{
	check_err(UDP6, HT_PROTO_UDP, 40000, FROM6(_i), FROM6_S(_i),
	    (uint8_t)_i, V6_ANY[_i]);
}
END_TEST

START_TEST(test_err_v6_tcp)
{
	check_err(SYN6, HT_PROTO_TCP, 40001, FROM6(_i), FROM6_S(_i),
	    (uint8_t)_i, V6_ANY[_i]);
}
END_TEST

/* ------------------------------------------------------------------ */
/* err, by who sends it and what else the reply is                     */

START_TEST(test_err_port_from_router)
{
	/*
	 * A router (a firewall rejecting) sending the port unreachable:
	 * Atlas keys on the probe's protocol alone, so a UDP or TCP probe's
	 * still carries no err, and an ICMP probe's carries "p".
	 */
	check_err(UDP4, HT_PROTO_UDP, 40000, R4, "203.0.113.5", 3, NULL);
	check_err(SYN4, HT_PROTO_TCP, 40001, R4, "203.0.113.5", 3, NULL);
	check_err(ECHO4, HT_PROTO_ICMP, 0x04d2, R4, "203.0.113.5", 3, "p");
	check_err(UDP6, HT_PROTO_UDP, 40000, R6, "2001:db8:1::5", 4, NULL);
	/* and the destination's network unreachable is still "N" */
	check_err(UDP4, HT_PROTO_UDP, 40000, DST4, "198.51.100.7", 0, "N");
}
END_TEST

START_TEST(test_no_err_on_replies)
{
	json_t *root, *r;
	struct ht_pkt p;

	/* time exceeded, echo reply, SYN-ACK: never an err */
	p = decoded(TE4_TCP, HT_PKT_ERROR);
	root = json_of(SYN4, HT_PROTO_TCP, 40001, &p, 3 * MS, &r);
	ck_assert_str_eq(json_string_value(json_object_get(r, "from")),
	    "203.0.113.3");
	ck_assert_ptr_null(json_object_get(r, "err"));
	json_decref(root);

	p = decoded(SYNACK4, HT_PKT_TCPREPLY);
	root = json_of(SYN4, HT_PROTO_TCP, 40001, &p, 3 * MS, &r);
	ck_assert_ptr_null(json_object_get(r, "err"));
	ck_assert_str_eq(json_string_value(json_object_get(r, "flags")),
	    "SA");
	json_decref(root);

	p = decoded(TE6_ECHO, HT_PKT_ERROR);
	root = json_of(ECHO6, HT_PROTO_ICMP6, 0x04d2, &p, 3 * MS, &r);
	ck_assert_ptr_null(json_object_get(r, "err"));
	json_decref(root);
}
END_TEST

/* ------------------------------------------------------------------ */
/* rtt                                                                 */

START_TEST(test_rtt_resolution)
{
	/*
	 * rtt is the capture's difference of timestamps in ms, unrounded:
	 * 62,500 ns is 0.0625 ms (which the text prints as 0.062, and a
	 * reader rounding to 3 decimals gets the same), not 0.063 from a
	 * first rounding to the microsecond; 1,234,567 ns is 1.234567.
	 */
	static const ht_ns ns[] = { 62500, 1234567, 1999999999 };
	static const double ms[] = { 0.0625, 1.234567, 1999.999999 };
	struct ht_pkt e = unreach(UDP4, DST4, 3);
	json_t *root, *r;
	size_t i;

	for (i = 0; i < sizeof(ns) / sizeof(ns[0]); i++) {
		root = json_of(UDP4, HT_PROTO_UDP, 40000, &e, ns[i], &r);
		ck_assert_msg(json_real_value(json_object_get(r, "rtt")) ==
		    ms[i], "%llu ns: rtt %.12g, want %.12g",
		    (unsigned long long)ns[i],
		    json_real_value(json_object_get(r, "rtt")), ms[i]);
		json_decref(root);
	}
}
END_TEST

/* ------------------------------------------------------------------ */
/* rows (--rows of any capture: out/output_rows.c)                     */

/*
 * The rows of a live trace of the one probe `probe`, answered by `reply`
 * (NULL: unanswered) `rtt` ns later: the text, which the caller frees.
 */
static char *
rows_of(const char *probe, uint8_t proto, uint32_t ident,
    const struct ht_pkt *reply, ht_ns rtt)
{
	struct ht_outctx o;
	struct ht_matcher m;
	struct ht_match r;
	struct ht_trace *t;
	struct ht_pkt p = decoded(probe, HT_PKT_PROBE);
	char *text = NULL;
	size_t len = 0;

	ht_matcher_init(&m, 0, WAIT);
	t = ht_trace_new(&m, &p.ip.src, &p.ip.dst, proto, ident);
	ck_assert_ptr_nonnull(t);
	ck_assert_int_eq(ht_trace_add_probe(t, p.ip.ttl, p.ip.id, &p.l4,
	    p.ip.len, T0), 0);
	t->t_first = T0;
	if (reply != NULL)
		ck_assert_int_eq(ht_match_packet(&m, reply, T0 + rtt, &r),
		    HT_M_REPLY);
	memset(&o, 0, sizeof(o));
	o.fp = open_memstream(&text, &len);
	ck_assert_ptr_nonnull(o.fp);
	ht_rows_trace(&o, t, 0, 255, 7);
	ck_assert_int_eq(fclose(o.fp), 0);
	ht_matcher_free(&m);
	return text;
}

/* The one row of text, parsed; its keys in the rows' order. */
static json_t *
one_row(char *text)
{
	static const char *const keys[] = {
		/* a scan's rows' (mode/scan/scan_rows.c), in their order */
		"target", "ttl", "responder", "rtt", "reply", "icmp_type",
		"icmp_code", "quoted_ttl", "reply_ttl", "size", "time",
		"time_ns", "src", "af", "proto",
		/* then the trace's, the flow's and the probe's */
		"trace", "trace_ns", "sport", "dport", "icmp_id", "flow_id",
		"probe_seq", "probe_ipid", "probe_cksum", "probe_size",
		"probe_ns"
	};
	json_error_t jerr;
	json_t *row;
	const char *at = text;
	char k[32];
	size_t i, len = strlen(text);

	ck_assert_msg(len > 0 && text[len - 1] == '\n' &&
	    strchr(text, '\n') == text + len - 1, "not one line: %s", text);
	row = json_loads(text, JSON_REJECT_DUPLICATES, &jerr);
	ck_assert_msg(row != NULL, "%s: %s", jerr.text, text);
	ck_assert_uint_eq(json_object_size(row), sizeof(keys) / sizeof(keys[0]));
	for (i = 0; i < sizeof(keys) / sizeof(keys[0]); i++) {
		snprintf(k, sizeof(k), "\"%s\":", keys[i]);
		at = strstr(at, k);
		ck_assert_msg(at != NULL, "key %s missing or out of order: %s",
		    keys[i], text);
	}
	free(text);
	return row;
}

#define RINT(row, k)	json_integer_value(json_object_get(row, k))
#define RSTR(row, k)	json_string_value(json_object_get(row, k))

START_TEST(test_rows_udp_unreach)
{
	struct ht_pkt e = unreach(UDP4, DST4, 3);
	struct ht_pkt p = decoded(UDP4, HT_PKT_PROBE);
	json_t *row = one_row(rows_of(UDP4, HT_PROTO_UDP, 40000, &e, 7 * MS));

	ck_assert_str_eq(RSTR(row, "target"), "198.51.100.7");
	ck_assert_str_eq(RSTR(row, "responder"), "198.51.100.7");
	ck_assert_str_eq(RSTR(row, "src"), "192.0.2.1");
	ck_assert_str_eq(RSTR(row, "reply"), "unreachable");
	ck_assert_str_eq(RSTR(row, "proto"), "UDP");
	ck_assert(json_real_value(json_object_get(row, "rtt")) == 7.0);
	ck_assert_int_eq(RINT(row, "icmp_type"), 3);
	ck_assert_int_eq(RINT(row, "icmp_code"), 3);
	ck_assert_int_eq(RINT(row, "ttl"), p.ip.ttl);
	ck_assert_int_eq(RINT(row, "af"), 4);
	ck_assert_int_eq(RINT(row, "size"), e.ip.len);
	ck_assert_int_eq(RINT(row, "time"), 1700000000);
	ck_assert_int_eq(RINT(row, "time_ns"), (json_int_t)(T0 + 7 * MS));
	ck_assert_int_eq(RINT(row, "trace"), 7);
	ck_assert_int_eq(RINT(row, "trace_ns"), (json_int_t)T0);
	ck_assert_int_eq(RINT(row, "probe_ns"), (json_int_t)T0);
	ck_assert_int_eq(RINT(row, "sport"), p.l4.sport);
	ck_assert_int_eq(RINT(row, "dport"), p.l4.dport);
	ck_assert_int_eq(RINT(row, "flow_id"), p.l4.dport);
	ck_assert_int_eq(RINT(row, "icmp_id"), 0);
	ck_assert_int_eq(RINT(row, "probe_seq"), 0);
	ck_assert_int_eq(RINT(row, "probe_ipid"), p.ip.id);
	ck_assert_int_eq(RINT(row, "probe_cksum"), p.l4.cksum);
	ck_assert_int_eq(RINT(row, "probe_size"), p.ip.len);
	json_decref(row);
}
END_TEST

START_TEST(test_rows_tcp_and_icmp6)
{
	struct ht_pkt e = decoded(SYNACK4, HT_PKT_TCPREPLY);
	struct ht_pkt p = decoded(SYN4, HT_PKT_PROBE);
	json_t *row = one_row(rows_of(SYN4, HT_PROTO_TCP, 40001, &e, 3 * MS));

	ck_assert_str_eq(RSTR(row, "reply"), "tcp-syn-ack");
	ck_assert_str_eq(RSTR(row, "proto"), "TCP");
	ck_assert_int_eq(RINT(row, "icmp_type"), 0);
	ck_assert_int_eq(RINT(row, "quoted_ttl"), 0);
	ck_assert_int_eq(RINT(row, "probe_seq"), p.l4.tseq);
	ck_assert_int_eq(RINT(row, "dport"), p.l4.dport);
	json_decref(row);

	e = decoded(TE6_ECHO, HT_PKT_ERROR);
	p = decoded(ECHO6, HT_PKT_PROBE);
	row = one_row(rows_of(ECHO6, HT_PROTO_ICMP6, 0x04d2, &e, 3 * MS));
	ck_assert_str_eq(RSTR(row, "reply"), "time-exceeded");
	ck_assert_str_eq(RSTR(row, "proto"), "ICMP");
	ck_assert_int_eq(RINT(row, "af"), 6);
	ck_assert_int_eq(RINT(row, "icmp_type"), 3);	/* ICMPv6 */
	ck_assert_int_eq(RINT(row, "quoted_ttl"), e.qip.ttl);
	ck_assert_int_eq(RINT(row, "icmp_id"), 0x04d2);
	ck_assert_int_eq(RINT(row, "probe_seq"), p.l4.seq);
	ck_assert_int_eq(RINT(row, "flow_id"), p.l4.cksum);
	ck_assert_int_eq(RINT(row, "sport"), 0);
	ck_assert_int_eq(RINT(row, "dport"), 0);
	json_decref(row);
}
END_TEST

START_TEST(test_rows_unanswered)
{
	char *text = rows_of(UDP4, HT_PROTO_UDP, 40000, NULL, 0);

	ck_assert_msg(text == NULL || text[0] == '\0', "a row without a "
	    "reply: %s", text);
	free(text);
}
END_TEST

static Suite *
json_suite(void)
{
	Suite *s = suite_create("json");
	TCase *tc;

	tc = tcase_create("err");
	tcase_add_loop_test(tc, test_err_v4_icmp, 0, 16);
	tcase_add_loop_test(tc, test_err_v4_udp, 0, 16);
	tcase_add_loop_test(tc, test_err_v4_tcp, 0, 16);
	tcase_add_loop_test(tc, test_err_v6_icmp, 0, 8);
	tcase_add_loop_test(tc, test_err_v6_udp, 0, 8);
	tcase_add_loop_test(tc, test_err_v6_tcp, 0, 8);
	tcase_add_test(tc, test_err_port_from_router);
	tcase_add_test(tc, test_no_err_on_replies);
	suite_add_tcase(s, tc);

	tc = tcase_create("rtt");
	tcase_add_test(tc, test_rtt_resolution);
	suite_add_tcase(s, tc);

	tc = tcase_create("rows");
	tcase_add_test(tc, test_rows_udp_unreach);
	tcase_add_test(tc, test_rows_tcp_and_icmp6);
	tcase_add_test(tc, test_rows_unanswered);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner *sr = srunner_create(json_suite());
	int nfail;

	srunner_run_all(sr, CK_NORMAL);
	nfail = srunner_ntests_failed(sr);
	srunner_free(sr);
	return nfail == 0 ? 0 : 1;
}

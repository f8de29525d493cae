/* \summary: unit tests of the rounds mode: statistics, the model, the report */
/*
 * Hand-computed statistics for the RTTs 10, 14, 8 and 20 ms and one lost
 * probe:
 *   Snt 5, Rcv 4, Loss 20 %; Last 20, Best 8, Wrst 20; Avg 52 / 4 = 13.
 *   Deviations -3, 1, -5, 7: squares 9 + 1 + 25 + 49 = 84; StDev =
 *   sqrt(84 / 3) = sqrt(28) = 5.29150 ms.
 *   Jitter (mtr): 0 (first), |14-10| = 4, |8-14| = 6, |20-8| = 12:
 *   Jttr 12, Javg (0 + 4 + 6 + 12) / 4 = 5.5, Jmax 12.
 *   Jint, J += |D| - (J + 8) / 16 in ns: 0; 4,000,000;
 *   4,000,000 + 6,000,000 - 250,000 = 9,750,000;
 *   9,750,000 + 12,000,000 - 609,375 = 21,140,625 ns.
 */
#ifdef HAVE_CONFIG_H
#include <config.h>
#endif

#include <check.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "match/trace.h"
#include "mode/cont/cont.h"
#include "mode/cont/cont_model.h"
#include "mode/cont/cont_stats.h"

#define MS	1000000ull

START_TEST(test_stats_hand)
{
	struct ht_cstat s;

	ht_cstat_init(&s);
	ht_cstat_reply(&s, 10 * MS);
	ht_cstat_reply(&s, 14 * MS);
	ht_cstat_lost(&s);
	ht_cstat_reply(&s, 8 * MS);
	ht_cstat_reply(&s, 20 * MS);
	ck_assert_uint_eq(s.snt, 5);
	ck_assert_uint_eq(s.rcv, 4);
	ck_assert(fabs(ht_cstat_loss(&s) - 20.0) < 1e-9);
	ck_assert_uint_eq(s.last, 20 * MS);
	ck_assert_uint_eq(s.best, 8 * MS);
	ck_assert_uint_eq(s.worst, 20 * MS);
	ck_assert(fabs(s.mean - 13e6) < 1e-3);
	ck_assert(fabs(ht_cstat_stdev(&s) - sqrt(28.0) * 1e6) < 1e-3);
	ck_assert_uint_eq(s.jitter, 12 * MS);
	ck_assert(fabs(s.javg - 5.5e6) < 1e-3);
	ck_assert_uint_eq(s.jmax, 12 * MS);
	ck_assert_uint_eq(s.jint, 21140625);
}
END_TEST

START_TEST(test_stats_edges)
{
	struct ht_cstat s;

	ht_cstat_init(&s);
	ck_assert(ht_cstat_loss(&s) == 0);
	ck_assert(ht_cstat_stdev(&s) == 0);
	ht_cstat_lost(&s);
	ht_cstat_lost(&s);
	ck_assert(ht_cstat_loss(&s) == 100);
	ck_assert_uint_eq(s.best, 0);
	ht_cstat_reply(&s, 7 * MS);
	/* one reply: no spread, no jitter */
	ck_assert(ht_cstat_stdev(&s) == 0);
	ck_assert_uint_eq(s.jitter, 0);
	ck_assert_uint_eq(s.jint, 0);
	ck_assert(fabs(ht_cstat_loss(&s) - 200.0 / 3) < 1e-9);
	ck_assert_uint_eq(s.best, 7 * MS);
	ck_assert_uint_eq(s.worst, 7 * MS);
	/* an RTT of 0 (clock granularity) is a reply, not a loss */
	ht_cstat_reply(&s, 0);
	ck_assert_uint_eq(s.best, 0);
	ck_assert_uint_eq(s.rcv, 2);
}
END_TEST

/*
 * One pass, large values: a million RTTs of 1000 s plus or minus 1 us.
 * The spread is 1 us (times sqrt(n / (n - 1))); summing squares of
 * values near 1e12 ns in doubles would lose it entirely.
 */
START_TEST(test_stats_welford)
{
	struct ht_cstat s;
	const uint64_t base = 1000ull * 1000 * MS;
	uint32_t i, n = 1000000;
	double want = 1000.0 * sqrt((double)n / (n - 1));

	ht_cstat_init(&s);
	for (i = 0; i < n; i++)
		ht_cstat_reply(&s, i % 2 ? base + 1000 : base - 1000);
	ck_assert(fabs(s.mean - (double)base) < 1e-3);
	ck_assert_msg(fabs(ht_cstat_stdev(&s) - want) < 1e-3 * want,
	    "stdev %f, want %f", ht_cstat_stdev(&s), want);
	ck_assert_uint_eq(s.jmax, 2000);
	ck_assert(fabs(s.javg - 2000.0 * (n - 1) / n) < 1e-3);
	/* Jint's fixed point: J = 16 |D| */
	ck_assert(s.jint >= 31990 && s.jint <= 32010);
}
END_TEST

static struct ht_matcher m;

static struct ht_trace *
mk_trace(void)
{
	struct ht_addr src, dst;

	ht_addr_parse("10.77.0.1", &src);
	ht_addr_parse("10.77.2.2", &dst);
	ht_matcher_init(&m, 0, 5 * HT_NS_PER_SEC);
	return ht_trace_new(&m, &src, &dst, HT_PROTO_ICMP, 0x8001);
}

/* Add a probe at ttl sent at when; answered by from after rtt, or not. */
static struct ht_probe *
probe(struct ht_trace *t, uint8_t ttl, ht_ns when, const char *from,
    ht_ns rtt, uint8_t kind)
{
	struct ht_l4 l4;
	struct ht_probe *p;
	long i;

	memset(&l4, 0, sizeof(l4));
	l4.id = 0x8001;
	l4.seq = (uint16_t)(t->n + 1);
	i = ht_trace_add_probe(t, ttl, l4.seq, &l4, 60, when);
	ck_assert(i >= 0);
	p = &t->p[i];
	if (from != NULL) {
		p->rkind = kind;
		ht_addr_parse(from, &p->from);
		p->t_reply = when + rtt;
	}
	return p;
}

/*
 * Three rounds to a destination at TTL 3: hop 1 loses round 2; hop 2
 * answers from A, B, A (a balancer); round 1 also probed TTL 4, which the
 * destination answered and which is not shown.
 */
static struct ht_trace *
three_rounds(void)
{
	struct ht_trace *t = mk_trace();
	ht_ns r;
	int k;

	for (k = 0; k < 3; k++) {
		r = (ht_ns)(k + 1) * HT_NS_PER_SEC;
		if (k == 1)
			probe(t, 1, r, NULL, 0, 0)->flags |= HT_P_EXPIRED;
		else
			probe(t, 1, r, "10.77.0.2", (ht_ns)(k + 1) * MS,
			    HT_R_TIMEX);
		probe(t, 2, r, k == 1 ? "10.77.101.2" : "10.77.1.2",
		    (ht_ns)(2 + 2 * k) * MS, HT_R_TIMEX);
		probe(t, 3, r, "10.77.2.2", 3 * MS, HT_R_ECHO);
		if (k == 0)
			probe(t, 4, r, "10.77.2.2", 3 * MS, HT_R_ECHO);
	}
	t->end_ttl = 3;
	t->dest_reached = 1;
	return t;
}

START_TEST(test_model_rounds)
{
	struct ht_cont_model *md = malloc(sizeof(*md));
	struct ht_trace *t = three_rounds();
	char a[HT_ADDRSTRLEN];

	ht_cont_model_init(md, t);
	ht_cont_feed(md, t, 0, 0);
	ck_assert_uint_eq(md->next, t->n);
	ck_assert_uint_eq(md->first_ttl, 1);
	ck_assert_uint_eq(md->last_ttl, 3);
	ck_assert_uint_eq(md->hop[1].st.snt, 3);
	ck_assert_uint_eq(md->hop[1].st.rcv, 2);
	ck_assert_uint_eq(md->hop[1].st.last, 3 * MS);
	ck_assert_uint_eq(md->hop[2].st.snt, 3);
	ck_assert_uint_eq(md->hop[2].st.rcv, 3);
	ck_assert(fabs(md->hop[2].st.mean - 4e6) < 1e-3);
	ck_assert_uint_eq(md->hop[2].nresp, 2);
	ck_assert_str_eq(ht_addr_str(&md->hop[2].resp[0].addr, a),
	    "10.77.1.2");
	ck_assert_str_eq(ht_addr_str(&md->hop[2].resp[1].addr, a),
	    "10.77.101.2");
	ck_assert_uint_eq(md->hop[2].resp[0].st.rcv, 2);
	ck_assert(fabs(md->hop[2].resp[0].st.mean - 4e6) < 1e-3);
	ck_assert_uint_eq(md->hop[2].resp[1].st.rcv, 1);
	/* the newest reply came from A */
	ck_assert_uint_eq(md->hop[2].latest, 0);
	ck_assert_uint_eq(md->hop[3].st.snt, 3);
	ck_assert_uint_eq(md->hop[4].st.snt, 1);
	ht_matcher_free(&m);
	free(md);
}
END_TEST

START_TEST(test_model_pending)
{
	struct ht_cont_model *md = malloc(sizeof(*md));
	struct ht_trace *t = mk_trace();

	probe(t, 1, HT_NS_PER_SEC, "10.77.0.2", MS, HT_R_TIMEX);
	probe(t, 2, HT_NS_PER_SEC, NULL, 0, 0);		/* in flight */
	probe(t, 3, HT_NS_PER_SEC, "10.77.2.2", MS, HT_R_ECHO);
	t->end_ttl = 3;
	ht_cont_model_init(md, t);
	/* not at the end: the model waits for the probe in flight */
	ht_cont_feed(md, t, 0, 0);
	ck_assert_uint_eq(md->next, 1);
	ck_assert_uint_eq(md->hop[3].st.snt, 0);
	/* a live run stopped: left out */
	ht_cont_feed(md, t, 1, 0);
	ck_assert_uint_eq(md->hop[2].st.snt, 0);
	ck_assert_uint_eq(md->hop[3].st.snt, 1);
	/* a capture is over: lost */
	ht_cont_model_init(md, t);
	ht_cont_feed(md, t, 1, 1);
	ck_assert_uint_eq(md->hop[2].st.snt, 1);
	ck_assert_uint_eq(md->hop[2].st.rcv, 0);
	ht_matcher_free(&m);
	free(md);
}
END_TEST

/* No destination: one hop past the farthest that answered is shown. */
START_TEST(test_model_deaf)
{
	struct ht_cont_model *md = malloc(sizeof(*md));
	struct ht_trace *t = mk_trace();
	int ttl;

	for (ttl = 1; ttl <= 10; ttl++)
		probe(t, (uint8_t)ttl, HT_NS_PER_SEC, ttl <= 4 ? "10.77.0.2" :
		    NULL, MS, HT_R_TIMEX);
	ht_cont_model_init(md, t);
	ht_cont_feed(md, t, 1, 1);
	ck_assert_uint_eq(md->last_ttl, 5);
	ht_matcher_free(&m);
	free(md);
}
END_TEST

static char *
render(const struct ht_cont_model *md, enum ht_cont_fmt fmt)
{
	struct ht_cont_cfg cc;
	struct ht_outctx o;
	char *buf = NULL;
	size_t len = 0;

	memset(&cc, 0, sizeof(cc));
	memset(&o, 0, sizeof(o));
	cc.fmt = fmt;
	cc.local = "vm";
	o.fp = open_memstream(&buf, &len);
	ck_assert_ptr_nonnull(o.fp);
	ht_cont_render(&o, &cc, md);
	fclose(o.fp);
	return buf;
}

/*
 * mtr 0.95's columns: the host column to 33, then 6,6,1,6,6,6,6,6.  Wide:
 * names padded to the longest (here the responder line's "10.77.101.2",
 * 11 + 4), the header's statistics 2 left of the hops', as mtr -w has it.
 */
START_TEST(test_report_layout)
{
	static const char want[] =
"HOST: vm                          Loss%   Snt   Last   Avg  Best  Wrst StDev\n"
"  1.|-- 10.77.0.2                 33.3%     3    3.0   2.0   1.0   3.0   1.4\n"
"  2.|-- 10.77.1.2                  0.0%     3    6.0   4.0   2.0   6.0   2.0\n"
"    |  `|-- 10.77.1.2             33.3%     3    6.0   4.0   2.0   6.0   2.8\n"
"    |  `|-- 10.77.101.2           66.7%     3    4.0   4.0   4.0   4.0   0.0\n"
"  3.|-- 10.77.2.2                  0.0%     3    3.0   3.0   3.0   3.0   0.0\n";
	static const char want_wide[] =
"HOST: vm              Loss%   Snt   Last   Avg  Best  Wrst StDev\n"
"  1.|-- 10.77.0.2       33.3%     3    3.0   2.0   1.0   3.0   1.4\n"
"  2.|-- 10.77.1.2        0.0%     3    6.0   4.0   2.0   6.0   2.0\n"
"    |  `|-- 10.77.1.2   33.3%     3    6.0   4.0   2.0   6.0   2.8\n"
"    |  `|-- 10.77.101.2 66.7%     3    4.0   4.0   4.0   4.0   0.0\n";
	struct ht_cont_model *md = malloc(sizeof(*md));
	struct ht_trace *t = three_rounds();
	char *out, *body;

	ht_cont_model_init(md, t);
	ht_cont_feed(md, t, 1, 1);
	out = render(md, HT_CONT_REPORT);
	ck_assert(strncmp(out, "Start: ", 7) == 0);
	body = strchr(out, '\n') + 1;
	ck_assert_str_eq(body, want);
	free(out);
	out = render(md, HT_CONT_WIDE);
	body = strchr(out, '\n') + 1;
	ck_assert_msg(strncmp(body, want_wide, strlen(want_wide)) == 0,
	    "got:\n%s", body);
	free(out);
	/* total loss: the 100.0 eats its % sign, as in mtr */
	md->hop[1].st.rcv = 0;
	out = render(md, HT_CONT_REPORT);
	ck_assert_msg(strstr(out, "  1.|-- 10.77.0.2                 100.0     3") !=
	    NULL, "got:\n%s", out);
	free(out);
	ht_matcher_free(&m);
	free(md);
}
END_TEST

START_TEST(test_csv_layout)
{
	struct ht_cont_model *md = malloc(sizeof(*md));
	struct ht_trace *t = three_rounds();
	char *out, want[256];

	ht_cont_model_init(md, t);
	ht_cont_feed(md, t, 1, 1);
	out = render(md, HT_CONT_CSV);
	ck_assert(strncmp(out, "Mtr_Version,Start_Time,Status,Host,Hop,Ip,"
	    "Loss%,Snt, ,Last,Avg,Best,Wrst,StDev,\n", 77) == 0);
	snprintf(want, sizeof(want), "HOPTRACE.%s,1,OK,10.77.2.2,1,10.77.0.2,"
	    "33.33,3,1,3.00,2.00,1.00,3.00,1.41\n", PACKAGE_VERSION);
	ck_assert_msg(strstr(out, want) != NULL, "got:\n%s", out);
	free(out);
	ht_matcher_free(&m);
	free(md);
}
END_TEST

/*
 * -o "LSD NBAW JMXI": mtr's titles and widths (Drop 5, Jitter columns 5);
 * hop 1 of three_rounds(): RTTs 1 ms, lost, 3 ms: jitter 0 then 2 ms.
 */
START_TEST(test_fields)
{
	static const char title[] =
	    " Loss%   Snt Drop   Last  Best   Avg  Wrst  Jttr Javg Jmax Jint";
	static const char hop1[] =
	    " 33.3%     3    1    3.0   1.0   2.0   3.0   2.0  1.0  2.0  2.0";
	struct ht_cont_model *md = malloc(sizeof(*md));
	struct ht_trace *t = three_rounds();
	char buf[256];
	size_t n;

	ck_assert_int_eq(ht_cont_fields_ok("LSD NBAW JMXI"), 0);
	ck_assert_int_eq(ht_cont_fields_ok("G"), 0);
	ck_assert_int_eq(ht_cont_fields_ok(""), -1);
	ck_assert_int_eq(ht_cont_fields_ok("LQ"), -1);
	ck_assert_int_eq(ht_cont_fields_ok("LLLLLLLLLLLLLLLLLLLLL"), -1);
	ht_cont_model_init(md, t);
	ht_cont_feed(md, t, 1, 1);
	buf[0] = '\0';
	n = ht_cont_cols(buf, sizeof(buf), 0, "LSD NBAW JMXI", NULL, 0, 1);
	ck_assert_uint_eq(n, 63);
	ck_assert_str_eq(buf, title);
	n = ht_cont_cols(buf, sizeof(buf), 0, "LSD NBAW JMXI", &md->hop[1].st,
	    md->hop[1].st.snt, 0);
	ck_assert_str_eq(buf, hop1);
	/* Gmean of 1 and 3 ms: sqrt(3) ms */
	ck_assert(fabs(ht_cstat_gmean(&md->hop[1].st) - sqrt(3.0) * MS) < 1);
	ht_matcher_free(&m);
	free(md);
}
END_TEST

/*
 * Two flows interleaved (UDP, destination ports 33434 and 33435): each
 * flow's probes in its own table, in order of first appearance; a third
 * flow beyond K = 2 is counted in "others"; K = 1 takes every probe.
 */
START_TEST(test_flow_set)
{
	struct ht_cont_set fs;
	struct ht_addr src, dst;
	struct ht_trace *t;
	struct ht_l4 l4;
	struct ht_probe *p;
	long i;
	int k, f;

	ht_addr_parse("10.77.0.1", &src);
	ht_addr_parse("10.77.2.2", &dst);
	ht_matcher_init(&m, 0, 5 * HT_NS_PER_SEC);
	t = ht_trace_new(&m, &src, &dst, HT_PROTO_UDP, 40000);
	for (k = 0; k < 4; k++)
		for (f = 0; f < 3; f++) {
			memset(&l4, 0, sizeof(l4));
			l4.sport = 40000;
			l4.dport = (uint16_t)(33435 - (f == 0) + (f == 2));
			i = ht_trace_add_probe(t, 1, (uint32_t)t->n + 1, &l4,
			    60, HT_NS_PER_SEC);
			ck_assert(i >= 0);
			p = &t->p[i];
			p->rkind = HT_R_TIMEX;
			ht_addr_parse(f == 1 ? "10.77.0.2" : "10.77.100.2",
			    &p->from);
			p->t_reply = p->t_sent + (ht_ns)(f + 1) * MS;
		}
	ck_assert_int_eq(ht_l4_flow(HT_PROTO_UDP, &t->p[0].l4), 33434);
	ck_assert_int_eq(ht_cont_set_new(&fs, 2, t), 0);
	ht_cont_set_feed(&fs, t, 1, 1);
	ck_assert_uint_eq(fs.nflows, 2);
	ck_assert_uint_eq(fs.key[0], 33434);
	ck_assert_uint_eq(fs.key[1], 33435);
	ck_assert_uint_eq(fs.others, 4);
	ck_assert_uint_eq(fs.flow[0]->hop[1].st.snt, 4);
	ck_assert_uint_eq(fs.flow[0]->hop[1].nresp, 1);
	ck_assert_uint_eq(fs.flow[0]->hop[1].st.last, 1 * MS);
	ck_assert_uint_eq(fs.flow[1]->hop[1].st.last, 2 * MS);
	ck_assert_uint_eq(fs.flow[1]->rounds, 4);
	ht_cont_set_free(&fs);
	ck_assert_int_eq(ht_cont_set_new(&fs, 1, t), 0);
	ht_cont_set_feed(&fs, t, 1, 1);
	ck_assert_uint_eq(fs.flow[0]->hop[1].st.snt, 12);
	ck_assert_uint_eq(fs.flow[0]->hop[1].nresp, 2);
	ht_cont_set_free(&fs);
	ck_assert_int_eq(ht_cont_set_new(&fs, 0, t), -1);
	ck_assert_int_eq(ht_cont_set_new(&fs, HT_CONT_FLOWS + 1, t), -1);
	ht_matcher_free(&m);
}
END_TEST

static Suite *
suite(void)
{
	Suite *s = suite_create("cont");
	TCase *tc = tcase_create("stats");

	tcase_add_test(tc, test_stats_hand);
	tcase_add_test(tc, test_stats_edges);
	tcase_add_test(tc, test_stats_welford);
	suite_add_tcase(s, tc);
	tc = tcase_create("model");
	tcase_add_test(tc, test_model_rounds);
	tcase_add_test(tc, test_model_pending);
	tcase_add_test(tc, test_model_deaf);
	tcase_add_test(tc, test_report_layout);
	tcase_add_test(tc, test_csv_layout);
	tcase_add_test(tc, test_fields);
	tcase_add_test(tc, test_flow_set);
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

/* \summary: unit tests of MDA: the stopping rule, the planner on simulated diamonds, the graph */
/*
 * The stopping points are checked against the published ones (Augustin et
 * al. 2007, Table 1: 95%) and against values derived by hand for 99%:
 *
 *   k = 1 (K = 2 next hops): P(n) = 2 (1/2)^n.  P <= 0.01 needs
 *     2^(n-1) >= 100, n - 1 >= 6.64: n_1 = 8 (P(7) = 0.0156).
 *   k = 2 (K = 3): P(n) = 3 (2/3)^n - 3 (1/3)^n.  P(14) = 0.01028 > 0.01,
 *     P(15) = 0.006851: n_2 = 15.
 *   k = 3 (K = 4): P(n) = 4 (3/4)^n - 6 (1/2)^n + 4 (1/4)^n.
 *     P(20) = 0.012676, P(21) = 0.009509: n_3 = 21.
 *
 * The planner runs against a simulated network: each flow's next hop at
 * the balancer is a fixed function of its number (as a hash is), every
 * probe is answered at once (or never, for a silent hop), and the graph
 * built from the probes must equal the simulated topology.
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

#include "mda/mda.h"
#include "mda/mda_graph.h"
#include "mda/mda_plan.h"
#include "mda/mda_rule.h"
#include "trace.h"

#define BASE	33434
#define KMAX	64

START_TEST(test_published_95)
{
	static const uint32_t want[] = { 6, 11, 16, 21, 27, 33, 38, 44, 51,
	    57, 63, 70, 76, 83, 90, 96 };
	unsigned int k;

	for (k = 1; k <= 16; k++)
		ck_assert_uint_eq(ht_mda_nk(k, 0.05), want[k - 1]);
}
END_TEST

START_TEST(test_hand_99)
{
	ck_assert_uint_eq(ht_mda_nk(1, 0.01), 8);
	ck_assert_uint_eq(ht_mda_nk(2, 0.01), 15);
	ck_assert_uint_eq(ht_mda_nk(3, 0.01), 21);
	ck_assert_uint_eq(ht_mda_nk(4, 0.01), 28);
	ck_assert_uint_eq(ht_mda_nk(5, 0.01), 36);
	/* the points either side, by the formulas above */
	ck_assert(fabs(ht_mda_fail(1, 7) - 2.0 / 128) < 1e-12);
	ck_assert(fabs(ht_mda_fail(1, 8) - 2.0 / 256) < 1e-12);
	ck_assert(fabs(ht_mda_fail(2, 14) - (3 * pow(2.0 / 3, 14) -
	    3 * pow(1.0 / 3, 14))) < 1e-12);
	ck_assert(ht_mda_fail(2, 14) > 0.01 && ht_mda_fail(2, 15) <= 0.01);
	ck_assert(fabs(ht_mda_fail(3, 21) - (4 * pow(0.75, 21) -
	    6 * pow(0.5, 21) + 4 * pow(0.25, 21))) < 1e-12);
	ck_assert(ht_mda_fail(3, 20) > 0.01 && ht_mda_fail(3, 21) <= 0.01);
}
END_TEST

START_TEST(test_rule_edges)
{
	uint32_t nk[KMAX + 1];
	unsigned int k;

	ck_assert_uint_eq(ht_mda_nk(0, 0.05), 1);
	ck_assert(ht_mda_fail(0, 1) == 0);
	ck_assert(ht_mda_fail(3, 3) == 1);	/* fewer flows than hops */
	ck_assert_uint_eq(ht_mda_nk(1, 0), 0);
	ck_assert_uint_eq(ht_mda_nk(1, 1), 0);
	ck_assert_uint_eq(ht_mda_nk(HT_MDA_KMAX + 1, 0.05), 0);
	ck_assert_int_eq(ht_mda_table(1e-6, KMAX, nk), 0);
	for (k = 1; k <= KMAX; k++) {
		ck_assert_uint_gt(nk[k], nk[k - 1]);
		ck_assert(ht_mda_fail(k, nk[k]) <= 1e-6);
		ck_assert(ht_mda_fail(k, nk[k] - 1) > 1e-6);
	}
}
END_TEST

START_TEST(test_flows_str)
{
	static const uint16_t f[] = { 1, 2, 3, 5, 7, 8 };
	char buf[64], small[8];

	ck_assert_str_eq(ht_mda_flows_str(f, 6, buf, sizeof(buf)),
	    "1-3,5,7-8");
	ck_assert_str_eq(ht_mda_flows_str(f, 1, buf, sizeof(buf)), "1");
	ck_assert_str_eq(ht_mda_flows_str(f, 0, buf, sizeof(buf)), "");
	ht_mda_flows_str(f, 6, small, sizeof(small));
	ck_assert_uint_lt(strlen(small), sizeof(small));
}
END_TEST

/* ------------------------------------------------------------------ */
/* A simulated network                                                 */

/*
 * Hops 1 .. len; hop div + 1 has width routers chosen by the flow (a
 * multiplicative hash), the others one; the last hop is the destination
 * (port unreachable).  silent: a hop that never answers (0: none).
 */
struct sim {
	unsigned int len, div, width, silent;
	uint32_t sent_at[256];
};

static void
sim_addr(const struct sim *s, unsigned int hop, unsigned int branch,
    struct ht_addr *a)
{
	memset(a, 0, sizeof(*a));
	a->af = 4;
	a->a[0] = 10;
	a->a[1] = 77;
	a->a[2] = (uint8_t)(hop - 1 + 100 * (branch > 0) + 2 * (branch - (branch > 0)));
	a->a[3] = 2;
	(void)s;
}

static unsigned int
sim_branch(const struct sim *s, uint32_t flow)
{
	uint32_t h = (flow + 1) * 2654435761u;

	return (h >> 16) % s->width;
}

/* Answer probe i of t as the network would. */
static void
sim_answer(struct sim *s, struct ht_trace *t, uint32_t i)
{
	struct ht_probe *p = &t->p[i];
	uint32_t flow = (uint16_t)(p->l4.dport - BASE);
	unsigned int hop = p->ttl > s->len ? s->len : p->ttl;

	s->sent_at[p->ttl]++;
	if (hop == s->silent) {
		p->flags |= HT_P_EXPIRED;
		return;
	}
	sim_addr(s, hop, hop == s->div + 1 ? sim_branch(s, flow) : 0,
	    &p->from);
	p->rkind = hop == s->len ? HT_R_UNREACH : HT_R_TIMEX;
	p->rcode = hop == s->len ? 3 : 0;
	t->nreplies++;
}

/* Run the planner to its end; returns the trace (in m). */
static struct ht_trace *
sim_run(struct sim *s, struct ht_matcher *m, double alpha,
    uint32_t max_probes, enum ht_mda_end *end)
{
	static uint32_t nk[KMAX + 1];
	struct ht_mda_plan_cfg c;
	struct ht_mda_plan st;
	struct ht_mda_send out[16];
	struct ht_addr src, dst;
	struct ht_trace *t;
	struct ht_l4 l4;
	int n, i, rounds;
	long k;

	ck_assert_int_eq(ht_mda_table(alpha, KMAX, nk), 0);
	memset(&c, 0, sizeof(c));
	c.first_ttl = 1;
	c.max_ttl = 30;
	c.gap = 3;
	c.max_probes = max_probes;
	c.max_flows = 65536 - BASE;
	c.base = BASE;
	c.nk = nk;
	c.kmax = KMAX;
	ht_mda_plan_init(&st, &c);
	ht_matcher_init(m, 0, HT_NS_PER_SEC);
	m->multiflow = 1;
	ht_addr_parse("10.77.0.1", &src);
	sim_addr(s, s->len, 0, &dst);
	t = ht_trace_new(m, &src, &dst, HT_PROTO_UDP, 40000);
	ck_assert_ptr_nonnull(t);
	for (rounds = 0; rounds < 100000; rounds++) {
		n = ht_mda_plan_next(&c, &st, t, out, 16);
		ck_assert_int_ge(n, 0);
		if (st.end != HT_MDA_RUNNING)
			break;
		ck_assert_int_gt(n, 0);	/* everything answers at once */
		for (i = 0; i < n; i++) {
			memset(&l4, 0, sizeof(l4));
			l4.have = 8;
			l4.sport = 40000;
			l4.dport = (uint16_t)(BASE + out[i].flow);
			l4.cksum = (uint16_t)t->n;
			k = ht_trace_add_probe(t, out[i].ttl, t->n, &l4, 60,
			    (ht_ns)t->n);
			ck_assert_int_ge(k, 0);
			sim_answer(s, t, (uint32_t)k);
		}
	}
	ck_assert_uint_le(t->n, max_probes);
	*end = st.end;
	return t;
}

static long
find_node(const struct ht_mda_graph *g, const struct ht_addr *a)
{
	uint32_t i;

	for (i = 0; i < g->nnode; i++)
		if (ht_addr_eq(&g->node[i].addr, a))
			return (long)i;
	return -1;
}

static int
has_link(const struct ht_mda_graph *g, long from, long to)
{
	uint32_t i;

	for (i = 0; i < g->nlink; i++)
		if ((long)g->link[i].from == from && (long)g->link[i].to == to)
			return 1;
	return 0;
}

/* The graph is exactly the simulated diamond. */
static void
check_diamond(struct sim *s, const struct ht_mda_graph *g)
{
	struct ht_addr a, b;
	unsigned int h, i, j, wi, wj;

	ck_assert_uint_eq(g->nnode, s->len - 1 + s->width);
	ck_assert_uint_eq(g->nlink, s->len - 3 + 2 * s->width);
	for (h = 1; h < s->len; h++) {
		wi = h == s->div + 1 ? s->width : 1;
		wj = h + 1 == s->div + 1 ? s->width : 1;
		for (i = 0; i < wi; i++)
			for (j = 0; j < wj; j++) {
				sim_addr(s, h, i, &a);
				sim_addr(s, h + 1, j, &b);
				ck_assert_int_ge(find_node(g, &a), 0);
				ck_assert_int_ge(find_node(g, &b), 0);
				ck_assert(has_link(g, find_node(g, &a),
				    find_node(g, &b)));
			}
	}
}

static void
diamond(unsigned int width)
{
	struct sim s;
	struct ht_matcher m;
	struct ht_mda_graph g;
	struct ht_trace *t;
	enum ht_mda_end end;
	uint32_t i;

	memset(&s, 0, sizeof(s));
	s.len = 6;
	s.div = 2;
	s.width = width;
	t = sim_run(&s, &m, 1e-4, 5000, &end);
	ck_assert_int_eq(end, HT_MDA_END_DEST);
	ck_assert_int_eq(ht_mda_graph_build(t, &g), 0);
	check_diamond(&s, &g);
	ck_assert(g.confidence >= 1 - 1e-4);
	/* every branch router had its n_1 flows probed one hop on */
	for (i = 0; i < g.nnode; i++)
		if (g.node[i].ttl_min == s.div + 1)
			ck_assert_uint_ge(g.node[i].behind,
			    ht_mda_nk(1, 1e-4));
	ht_mda_graph_free(&g);
	ht_matcher_free(&m);
}

START_TEST(test_plan_chain)
{
	diamond(1);
}
END_TEST

START_TEST(test_plan_diamond2)
{
	diamond(2);
}
END_TEST

START_TEST(test_plan_diamond4)
{
	diamond(4);
}
END_TEST

START_TEST(test_plan_diamond8)
{
	diamond(8);
}
END_TEST

/* At 95% a width-2 diamond costs what the published points say. */
START_TEST(test_plan_cost95)
{
	struct sim s;
	struct ht_matcher m;
	struct ht_trace *t;
	enum ht_mda_end end;

	memset(&s, 0, sizeof(s));
	s.len = 4;
	s.div = 1;
	s.width = 2;
	t = sim_run(&s, &m, 0.05, 5000, &end);
	ck_assert_int_eq(end, HT_MDA_END_DEST);
	/*
	 * hop 1: 6 (n_1), then 5 more to reach the 11 flows through it that
	 * hop 2 needs (node control: n_2, both branches seen); hop 2: 11 and
	 * what it takes to put 6 through each branch; hop 3: 6 per branch;
	 * hop 4: 6 through the one node of hop 3.
	 */
	ck_assert_uint_eq(s.sent_at[1], 11);
	ck_assert_uint_ge(s.sent_at[2], 11);
	ck_assert_uint_eq(s.sent_at[3], 12);
	ck_assert_uint_eq(s.sent_at[4], 6);
	(void)t;
	ht_matcher_free(&m);
}
END_TEST

/* A silent hop is one anonymous node; the run goes on past it. */
START_TEST(test_plan_silent)
{
	struct sim s;
	struct ht_matcher m;
	struct ht_mda_graph g;
	struct ht_trace *t;
	enum ht_mda_end end;
	struct ht_addr a;
	long anon, before, after;
	uint32_t i;

	memset(&s, 0, sizeof(s));
	s.len = 5;
	s.div = 10;		/* no balancer */
	s.width = 1;
	s.silent = 3;
	t = sim_run(&s, &m, 0.05, 5000, &end);
	ck_assert_int_eq(end, HT_MDA_END_DEST);
	ck_assert_int_eq(ht_mda_graph_build(t, &g), 0);
	ck_assert_uint_eq(g.nnode, 5);
	anon = -1;
	for (i = 0; i < g.nnode; i++)
		if (g.node[i].addr.af == 0)
			anon = (long)i;
	ck_assert_int_ge(anon, 0);
	ck_assert_uint_eq(g.node[anon].ttl_min, 3);
	sim_addr(&s, 2, 0, &a);
	before = find_node(&g, &a);
	sim_addr(&s, 4, 0, &a);
	after = find_node(&g, &a);
	ck_assert(has_link(&g, before, anon));
	ck_assert(has_link(&g, anon, after));
	ck_assert_uint_eq(g.nlink, 4);
	ht_mda_graph_free(&g);
	ht_matcher_free(&m);
}
END_TEST

/* A deaf path ends after gap silent hops; the budget is a hard bound. */
START_TEST(test_plan_bounds)
{
	struct sim s;
	struct ht_matcher m;
	struct ht_trace *t;
	enum ht_mda_end end;

	memset(&s, 0, sizeof(s));
	s.len = 30;
	s.div = 2;
	s.width = 8;
	t = sim_run(&s, &m, 1e-6, 40, &end);
	ck_assert_int_eq(end, HT_MDA_END_PROBES);
	ck_assert_uint_eq(t->n, 40);
	ht_matcher_free(&m);
}
END_TEST

static Suite *
suite(void)
{
	Suite *s = suite_create("mda");
	TCase *tc = tcase_create("rule");

	tcase_add_test(tc, test_published_95);
	tcase_add_test(tc, test_hand_99);
	tcase_add_test(tc, test_rule_edges);
	tcase_add_test(tc, test_flows_str);
	suite_add_tcase(s, tc);
	tc = tcase_create("plan");
	tcase_add_test(tc, test_plan_chain);
	tcase_add_test(tc, test_plan_diamond2);
	tcase_add_test(tc, test_plan_diamond4);
	tcase_add_test(tc, test_plan_diamond8);
	tcase_add_test(tc, test_plan_cost95);
	tcase_add_test(tc, test_plan_silent);
	tcase_add_test(tc, test_plan_bounds);
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

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

#include "match/trace.h"
#include "mode/mda/mda.h"
#include "mode/mda/mda_graph.h"
#include "mode/mda/mda_plan.h"
#include "mode/mda/mda_rule.h"

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

/*
 * dublin-traceroute's way: every flow at every TTL up to a last one past
 * the destination.  The probes past the TTL where a flow ended are folded:
 * the graph ends at the destination's hop, they count in folded only, and
 * it is the diamond.
 */
START_TEST(test_graph_fold)
{
	struct sim s;
	struct ht_matcher m;
	struct ht_mda_graph g;
	struct ht_addr src, dst;
	struct ht_trace *t;
	struct ht_l4 l4;
	uint32_t f, sum;
	unsigned int h;
	long k;

	memset(&s, 0, sizeof(s));
	s.len = 5;
	s.div = 2;
	s.width = 2;
	ht_matcher_init(&m, 0, HT_NS_PER_SEC);
	m.multiflow = 1;
	ht_addr_parse("10.77.0.1", &src);
	sim_addr(&s, s.len, 0, &dst);
	t = ht_trace_new(&m, &src, &dst, HT_PROTO_UDP, 12345);
	ck_assert_ptr_nonnull(t);
	for (h = 1; h <= 8; h++)
		for (f = 0; f < 20; f++) {
			memset(&l4, 0, sizeof(l4));
			l4.have = 8;
			l4.sport = 12345;
			l4.dport = (uint16_t)(BASE + f);
			l4.cksum = (uint16_t)t->n;
			k = ht_trace_add_probe(t, (uint8_t)h, t->n, &l4, 60,
			    (ht_ns)t->n);
			ck_assert_int_ge(k, 0);
			sim_answer(&s, t, (uint32_t)k);
		}
	ck_assert_int_eq(ht_mda_graph_build(t, &g), 0);
	ck_assert_uint_eq(g.last_ttl, s.len);
	ck_assert_uint_eq(g.folded, 20 * (8 - s.len));
	ck_assert_uint_eq(g.probes, 20 * s.len);
	ck_assert_uint_eq(g.replies, 20 * s.len);
	for (sum = 0, h = 0; h < 256; h++)
		sum += g.hop[h].probes;
	ck_assert_uint_eq(sum, g.probes);
	for (h = s.len + 1; h < 256; h++)
		ck_assert_uint_eq(g.hop[h].probes, 0);
	check_diamond(&s, &g);
	ht_mda_graph_free(&g);
	ht_matcher_free(&m);
}
END_TEST

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
	 * hop 4: one probe, sent a hop ahead with hop 3's first ones, since
	 * it finds the destination right behind hop 3's one node: a router
	 * next to the destination has no other way to it.
	 */
	ck_assert_uint_eq(s.sent_at[1], 11);
	ck_assert_uint_ge(s.sent_at[2], 11);
	ck_assert_uint_eq(s.sent_at[3], 12);
	ck_assert_uint_eq(s.sent_at[4], 1);
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

/* ------------------------------------------------------------------ */
/* A simulated layered network: MDA-Lite and the switch to full MDA     */

/*
 * Hops 1 .. len; hop h has n[h] routers, router (h, i) has the address id
 * addr[h][i] (one address may stand at two hops: unequal branch lengths)
 * and splits flows over its successors succ[h][i][0 .. nsucc - 1] at hop
 * h + 1 by a hash of (flow, router) of its own, as a Linux router with
 * its own hash seed does.  The address id dest is the destination.
 */
#define GS_HOPS	12
#define GS_W	8

struct gsim {
	unsigned int len, dest;
	unsigned int n[GS_HOPS + 1];
	unsigned int addr[GS_HOPS + 1][GS_W];
	unsigned int nsucc[GS_HOPS + 1][GS_W];
	unsigned int succ[GS_HOPS + 1][GS_W][GS_W];
	uint32_t key;		/* mixed into every router's hash: one run's */
	int first_single;	/* the planner told the route has one next hop */
	uint32_t sent;
	uint32_t sent_ttl[256];
};

static void
gs_addr(unsigned int id, struct ht_addr *a)
{
	memset(a, 0, sizeof(*a));
	a->af = 4;
	a->a[0] = 10;
	a->a[1] = 78;
	a->a[2] = (uint8_t)(id / 250);
	a->a[3] = (uint8_t)(id % 250 + 1);
}

static uint32_t
gs_mix(uint32_t x)
{
	x ^= x >> 16;
	x *= 0x7feb352du;
	x ^= x >> 15;
	x *= 0x846ca68bu;
	x ^= x >> 16;
	return x;
}

/* The router (index at hop) a flow reaches at TTL ttl (ttl <= len). */
static unsigned int
gs_at(const struct gsim *s, uint32_t flow, unsigned int ttl)
{
	unsigned int h, i = 0;

	for (h = 1; h < ttl; h++)
		i = s->succ[h][i][gs_mix((flow * 131u + h * 8u + i + 1) ^
		    gs_mix(s->key)) % s->nsucc[h][i]];
	return i;
}

static void
gs_answer(struct gsim *s, struct ht_trace *t, uint32_t k)
{
	struct ht_probe *p = &t->p[k];
	uint32_t flow = (uint16_t)(p->l4.dport - BASE);
	unsigned int ttl = p->ttl, h, i, id;

	s->sent++;
	s->sent_ttl[p->ttl]++;
	/* past the destination of its path: the destination answers */
	for (h = 1; h < ttl && h < s->len; h++)
		if (s->addr[h][gs_at(s, flow, h)] == s->dest)
			break;
	if (ttl > h)
		ttl = h;
	i = gs_at(s, flow, ttl);
	id = s->addr[ttl][i];
	gs_addr(id, &p->from);
	p->rkind = id == s->dest ? HT_R_UNREACH : HT_R_TIMEX;
	p->rcode = id == s->dest ? 3 : 0;
	t->nreplies++;
}

static struct ht_trace *
gs_run(struct gsim *s, struct ht_matcher *m, double alpha, int lite,
    struct ht_mda_plan *st)
{
	static uint32_t nk[KMAX + 1];
	struct ht_mda_plan_cfg c;
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
	c.max_probes = 20000;
	c.max_flows = 65536 - BASE;
	c.base = BASE;
	c.nk = nk;
	c.kmax = KMAX;
	c.lite = lite;
	c.first_single = (uint8_t)s->first_single;
	ht_mda_plan_init(st, &c);
	ht_matcher_init(m, 0, HT_NS_PER_SEC);
	m->multiflow = 1;
	ht_addr_parse("10.77.0.1", &src);
	gs_addr(s->dest, &dst);
	t = ht_trace_new(m, &src, &dst, HT_PROTO_UDP, 40000);
	ck_assert_ptr_nonnull(t);
	s->sent = 0;
	memset(s->sent_ttl, 0, sizeof(s->sent_ttl));
	for (rounds = 0; rounds < 100000; rounds++) {
		n = ht_mda_plan_next(&c, st, t, out, 16);
		ck_assert_int_ge(n, 0);
		if (st->end != HT_MDA_RUNNING)
			break;
		ck_assert_int_gt(n, 0);
		for (i = 0; i < n; i++) {
			memset(&l4, 0, sizeof(l4));
			l4.have = 8;
			l4.sport = 40000;
			l4.dport = (uint16_t)(BASE + out[i].flow);
			l4.cksum = (uint16_t)t->n;
			k = ht_trace_add_probe(t, out[i].ttl, t->n, &l4, 60,
			    (ht_ns)t->n);
			ck_assert_int_ge(k, 0);
			gs_answer(s, t, (uint32_t)k);
		}
	}
	ck_assert_int_eq(st->end, HT_MDA_END_DEST);
	return t;
}

/* The graph has exactly the simulated addresses and links. */
static void
gs_check(const struct gsim *s, const struct ht_mda_graph *g)
{
	struct ht_addr a, b;
	/* router ids: h on a one-router hop, 100 h + i in a widened one */
	unsigned int h, i, j, nn = 0, nl = 0, seen[100 * (GS_HOPS + 1)];
	unsigned int lk[GS_HOPS * GS_W * GS_W][2], x;
	int dup;

	memset(seen, 0, sizeof(seen));
	for (h = 1; h <= s->len; h++)
		for (i = 0; i < s->n[h]; i++) {
			gs_addr(s->addr[h][i], &a);
			ck_assert_int_ge(find_node(g, &a), 0);
			ck_assert_uint_lt(s->addr[h][i], sizeof(seen) /
			    sizeof(seen[0]));
			if (!seen[s->addr[h][i]]++)
				nn++;
			if (h == s->len || s->addr[h][i] == s->dest)
				continue;
			for (j = 0; j < s->nsucc[h][i]; j++) {
				gs_addr(s->addr[h + 1][s->succ[h][i][j]], &b);
				ck_assert_msg(has_link(g, find_node(g, &a),
				    find_node(g, &b)), "no link %u.%u -> %u",
				    h, i, s->succ[h][i][j]);
				dup = 0;
				for (x = 0; x < nl; x++)
					if (lk[x][0] == s->addr[h][i] &&
					    lk[x][1] == s->addr[h + 1][s->succ[h][i][j]])
						dup = 1;
				if (!dup) {
					ck_assert_uint_lt(nl, sizeof(lk) /
					    sizeof(lk[0]));
					lk[nl][0] = s->addr[h][i];
					lk[nl][1] = s->addr[h + 1][s->succ[h][i][j]];
					nl++;
				}
			}
		}
	ck_assert_uint_eq(g->nnode, nn);
	ck_assert_uint_eq(g->nlink, nl);
}

/* A chain of len hops: router (h, 0) with id h, one successor each. */
static void
gs_chain(struct gsim *s, unsigned int len)
{
	unsigned int h;

	memset(s, 0, sizeof(*s));
	s->len = len;
	s->dest = len;
	for (h = 1; h <= len; h++) {
		s->n[h] = 1;
		s->addr[h][0] = h;
		s->nsucc[h][0] = 1;
	}
}

/* Hop h gets w routers (ids 100 h + i), fed by every router of h - 1. */
static void
gs_widen(struct gsim *s, unsigned int h, unsigned int w)
{
	unsigned int i, j;

	s->n[h] = w;
	for (i = 0; i < w; i++) {
		s->addr[h][i] = 100 * h + i;
		s->nsucc[h][i] = 1;
		s->succ[h][i][0] = 0;
	}
	for (j = 0; j < s->n[h - 1]; j++) {
		s->nsucc[h - 1][j] = w;
		for (i = 0; i < w; i++)
			s->succ[h - 1][j][i] = i;
	}
}

/* Every true link of s in g (gs_check without its assertions). */
static int
gs_complete(const struct gsim *s, const struct ht_mda_graph *g)
{
	struct ht_addr a, b;
	unsigned int h, i, j;

	for (h = 1; h < s->len; h++)
		for (i = 0; i < s->n[h]; i++) {
			if (s->addr[h][i] == s->dest)
				continue;
			gs_addr(s->addr[h][i], &a);
			for (j = 0; j < s->nsucc[h][i]; j++) {
				gs_addr(s->addr[h + 1][s->succ[h][i][j]], &b);
				if (find_node(g, &a) < 0 || find_node(g, &b) < 0 ||
				    !has_link(g, find_node(g, &a),
				    find_node(g, &b)))
					return 0;
			}
		}
	return 1;
}

/* Runs (keys 1 .. runs) of s that missed a link. */
static unsigned int
gs_misses(struct gsim *s, double alpha, int lite, unsigned int runs)
{
	struct ht_matcher m;
	struct ht_mda_plan st;
	struct ht_mda_graph g;
	struct ht_trace *t;
	unsigned int r, miss = 0;

	for (r = 1; r <= runs; r++) {
		s->key = r;
		t = gs_run(s, &m, alpha, lite, &st);
		ck_assert_int_eq(ht_mda_graph_build(t, &g), 0);
		miss += !gs_complete(s, &g);
		ht_mda_graph_free(&g);
		ht_matcher_free(&m);
	}
	s->key = 0;
	return miss;
}

/* Lite and full on s: both exact; returns the probes of each. */
static void
gs_both(struct gsim *s, double alpha, uint8_t *why, uint32_t *lite_n,
    uint32_t *full_n)
{
	struct ht_matcher m;
	struct ht_mda_plan st;
	struct ht_mda_graph g;
	struct ht_trace *t;
	int lite;

	for (lite = 1; lite >= 0; lite--) {
		t = gs_run(s, &m, alpha, lite, &st);
		ck_assert_int_eq(ht_mda_graph_build(t, &g), 0);
		gs_check(s, &g);
		ck_assert_msg(g.confidence >= 1 - alpha - 1e-9,
		    "confidence %g", g.confidence);
		if (lite) {
			*lite_n = t->n;
			memcpy(why, st.why, sizeof(st.why));
		} else {
			*full_n = t->n;
			ck_assert(memcmp(st.why, (uint8_t[256]){ 0 }, 256) == 0);
		}
		if (getenv("GS_DEBUG"))
			fprintf(stderr, "lite %d: %u probes, %u nodes %u links conf %g\n",
			    lite, t->n, g.nnode, g.nlink, g.confidence);
		ht_mda_graph_free(&g);
		ht_matcher_free(&m);
	}
}

/*
 * The stopping rule's promise, over many runs with balancers hashing anew
 * each time: a width-2 diamond is missed exactly when the n_1 flows that
 * test its divergence point all take one branch, 2 (1/2)^n_1 of the runs:
 * 1/32 at 95% (n_1 = 6), 1/128 at 99% (n_1 = 8), for MDA-Lite and full MDA
 * alike.  1,500 runs: 46.9 and 11.7 expected; the bounds are about four
 * standard deviations wide, and the keys are fixed, so the counts are too.
 * A planner that stopped a flow early (5 flows: 94 misses) or that had
 * another way of missing a branch fails it.
 */
START_TEST(test_plan_miss_rate)
{
	struct gsim s;
	unsigned int miss;
	int lite;

	gs_chain(&s, 6);
	gs_widen(&s, 3, 2);
	for (lite = 0; lite <= 1; lite++) {
		s.first_single = lite;
		miss = gs_misses(&s, 0.05, lite, 1500);
		ck_assert_msg(miss >= 20 && miss <= 74,
		    "95%%, lite %d: %u of 1500 runs missed a link", lite, miss);
	}
	miss = gs_misses(&s, 0.01, 1, 1500);
	ck_assert_msg(miss >= 1 && miss <= 25,
	    "99%%: %u of 1500 runs missed a link", miss);
}
END_TEST

/*
 * A route of one next hop: one probe at the first TTL, and in both methods
 * the width-2 diamond found as before; the destination behind the
 * convergence point costs one probe (a router next to it).
 */
START_TEST(test_plan_first_route)
{
	struct gsim s;
	uint8_t why[256];
	uint32_t ln, fn, with_l, with_f;

	gs_chain(&s, 6);
	gs_widen(&s, 3, 2);
	gs_both(&s, 1e-3, why, &ln, &fn);
	ck_assert_uint_gt(s.sent_ttl[1], 1);
	s.first_single = 1;
	gs_both(&s, 1e-3, why, &with_l, &with_f);
	ck_assert_uint_eq(s.sent_ttl[1], 1);	/* full MDA, the last run */
	ck_assert_uint_eq(s.sent_ttl[6], 1);
	ck_assert_uint_lt(with_l, ln);
	ck_assert_uint_lt(with_f, fn);
}
END_TEST

/* Unmeshed, uniform diamonds: no switch, fewer probes than full MDA. */
START_TEST(test_lite_diamonds)
{
	static const unsigned int widths[] = { 2, 4, 8 };
	struct gsim s;
	uint8_t why[256];
	uint32_t ln, fn, h;
	unsigned int i;

	for (i = 0; i < 3; i++) {
		gs_chain(&s, 6);
		gs_widen(&s, 3, widths[i]);
		gs_both(&s, 0.05, why, &ln, &fn);
		for (h = 0; h < 256; h++)
			ck_assert_uint_eq(why[h], HT_MDA_WHY_LITE);
		ck_assert_msg(ln < fn, "width %u: lite %u, full %u probes",
		    widths[i], ln, fn);
		gs_both(&s, 1e-4, why, &ln, &fn);
		ck_assert_msg(ln < fn, "width %u: lite %u, full %u probes",
		    widths[i], ln, fn);
	}
}
END_TEST

/* Two levels of 2 and 3 routers, every router linked to every one of the
 * next: the meshing test fails at hop 4 and full MDA takes the diamond. */
START_TEST(test_lite_meshed)
{
	struct gsim s;
	uint8_t why[256];
	uint32_t ln, fn;
	unsigned int w;

	for (w = 2; w <= 3; w++) {
		gs_chain(&s, 7);
		gs_widen(&s, 3, 2);
		gs_widen(&s, 4, w);
		gs_both(&s, 1e-3, why, &ln, &fn);
		ck_assert_uint_eq(why[3], HT_MDA_WHY_LITE);
		ck_assert_uint_eq(why[4], HT_MDA_WHY_MESHED);
		ck_assert_uint_eq(why[5], HT_MDA_WHY_DIAMOND);
		ck_assert_uint_eq(why[6], HT_MDA_WHY_LITE);
	}
}
END_TEST

/*
 * Nested: hop 2 splits over a (3.0) and b (3.1); a splits again over
 * 4.0 and 4.1, which meet at 5.0; b goes 4.2, 5.1; all meet at 6.0.
 * Width asymmetry at hop 4 (a has two successors, b one): the switch.
 */
START_TEST(test_lite_nested)
{
	struct gsim s;
	uint8_t why[256];
	uint32_t ln, fn;

	gs_chain(&s, 8);
	gs_widen(&s, 3, 2);
	s.n[4] = 3;
	s.n[5] = 2;
	for (unsigned int i = 0; i < 3; i++) {
		s.addr[4][i] = 400 + i;
		s.nsucc[4][i] = 1;
		s.succ[4][i][0] = i == 2;
	}
	s.addr[5][0] = 500;
	s.addr[5][1] = 501;
	s.nsucc[5][0] = s.nsucc[5][1] = 1;
	s.nsucc[3][0] = 2;
	s.succ[3][0][0] = 0;
	s.succ[3][0][1] = 1;
	s.nsucc[3][1] = 1;
	s.succ[3][1][0] = 2;
	gs_both(&s, 1e-3, why, &ln, &fn);
	ck_assert_uint_eq(why[3], HT_MDA_WHY_LITE);
	ck_assert_uint_eq(why[4], HT_MDA_WHY_NONUNIFORM);
	ck_assert_uint_eq(why[5], HT_MDA_WHY_DIAMOND);
	ck_assert_uint_eq(why[7], HT_MDA_WHY_LITE);
}
END_TEST

/*
 * Unequal branches: hop 2 splits over 3.0 and 3.1; 3.0 goes on to 4.0
 * and then to router 5, 3.1 straight to router 5 (id 5 at hops 4 and 5),
 * then the destination (id 6, at hops 5 and 6).
 */
START_TEST(test_lite_unequal)
{
	struct gsim s;
	uint8_t why[256];
	uint32_t ln, fn;

	gs_chain(&s, 6);
	gs_widen(&s, 3, 2);
	s.n[4] = 2;
	s.addr[4][0] = 400;
	s.addr[4][1] = 5;
	s.nsucc[3][0] = s.nsucc[3][1] = 1;
	s.succ[3][0][0] = 0;
	s.succ[3][1][0] = 1;
	s.nsucc[4][0] = s.nsucc[4][1] = 1;
	s.succ[4][0][0] = 0;
	s.succ[4][1][0] = 1;
	s.n[5] = 2;
	s.addr[5][0] = 5;
	s.addr[5][1] = 6;
	s.nsucc[5][0] = s.nsucc[5][1] = 1;
	s.succ[5][0][0] = 0;
	s.succ[5][1][0] = 0;
	s.dest = 6;
	s.addr[6][0] = 6;
	gs_both(&s, 1e-3, why, &ln, &fn);
	/*
	 * Router 5 answered at hop 4 (the short branch) before hop 5 (the
	 * long one): its next hop, the destination, is known from there, so
	 * the flows that reach it at hop 5 go no further; at most the one
	 * probe sent a hop ahead with hop 5's first ones reaches hop 6.
	 */
	ck_assert_uint_le(s.sent_ttl[6], 1);
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
	tcase_add_test(tc, test_graph_fold);
	tcase_add_test(tc, test_plan_chain);
	tcase_add_test(tc, test_plan_diamond2);
	tcase_add_test(tc, test_plan_diamond4);
	tcase_add_test(tc, test_plan_diamond8);
	tcase_add_test(tc, test_plan_cost95);
	tcase_add_test(tc, test_plan_silent);
	tcase_add_test(tc, test_plan_bounds);
	suite_add_tcase(s, tc);
	tc = tcase_create("lite");
	tcase_set_timeout(tc, 120);	/* thousands of runs; slower under ASan */
	tcase_add_test(tc, test_lite_diamonds);
	tcase_add_test(tc, test_lite_meshed);
	tcase_add_test(tc, test_lite_nested);
	tcase_add_test(tc, test_lite_unequal);
	tcase_add_test(tc, test_plan_miss_rate);
	tcase_add_test(tc, test_plan_first_route);
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

/* \summary: the MDA planner against simulated load balancers, many runs */
/*
 * bench/mda-sim - how often hoptrace's MDA planner (src/mda/mda_plan.c)
 * finds every link of a multipath graph, and with how many probes, over
 * many runs: a figure that a handful of live runs cannot give (a 95%
 * confidence misses about one run in thirty on a width-2 diamond; twenty
 * live runs cannot tell 3% from 8%).  No network: each router of the
 * graph picks a next hop by hashing the flow with a key of its own that
 * changes from run to run (as a per-flow load balancer with a random
 * seed, or hoptrace's run-to-run source port, would), uniformly over its
 * next hops.  Every probe is answered.  The planner, the probe table and
 * the graph builder are the ones hoptrace runs.
 *
 *   mda-sim [-n RUNS] [-c CONFIDENCE] [-m lite|full] [-a] [-d] [-v] SPEC
 *
 * -a: the first hop probed as any other (n_1 flows); without it, as a live
 * run whose route has one next hop probes it (one answer).  -d: for each
 * run that missed a link, the first link missing and every probe
 * (FLOW@TTL=NODE) on stderr.  -v: the probes sent at each TTL.
 *
 * SPEC: the links of the graph as bench/mda.sh and tests/net/netns-graph.sh
 * write them: "s>r1 r1>r2 r2>a r2>b a>r4 b>r4 r4>t", s the source, t the
 * destination (one hop, the last).  Prints one line:
 *   runs R complete C fraction F probes_mean M probes_median D
 * and with -v the probes sent at each TTL (mean over runs).  Runs (10,000
 * by default) differ in the routers' hash keys only; run r's keys are
 * fixed, so two builds of the planner meet the same balancers.
 */
#ifdef HAVE_CONFIG_H
#include <config.h>
#endif

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/addr.h"
#include "match/trace.h"
#include "mode/mda/mda_graph.h"
#include "mode/mda/mda_plan.h"
#include "mode/mda/mda_rule.h"

#define MAXN	64		/* nodes */
#define MAXS	16		/* successors of a node */
#define BASE	33434
#define KMAX	64

struct net {
	char name[MAXN][16];
	unsigned int nn;
	unsigned int succ[MAXN][MAXS], nsucc[MAXN];
	unsigned int s, t;
	uint32_t key[MAXN];	/* this run's hash key per router */
};

static unsigned int
node(struct net *g, const char *nm, size_t len)
{
	unsigned int i;

	if (len == 0 || len >= sizeof(g->name[0])) {
		fprintf(stderr, "mda-sim: bad node name in the spec\n");
		exit(2);
	}
	for (i = 0; i < g->nn; i++)
		if (strlen(g->name[i]) == len && memcmp(g->name[i], nm, len) == 0)
			return i;
	if (g->nn == MAXN) {
		fprintf(stderr, "mda-sim: more than %d nodes\n", MAXN);
		exit(2);
	}
	memcpy(g->name[g->nn], nm, len);
	g->name[g->nn][len] = '\0';
	return g->nn++;
}

static void
parse(struct net *g, const char *spec)
{
	const char *p = spec, *e, *gt;
	unsigned int u, v;

	memset(g, 0, sizeof(*g));
	g->s = node(g, "s", 1);
	g->t = node(g, "t", 1);
	while (*p) {
		while (*p == ' ')
			p++;
		if (!*p)
			break;
		for (e = p; *e && *e != ' '; e++)
			;
		gt = memchr(p, '>', (size_t)(e - p));
		if (gt == NULL) {
			fprintf(stderr, "mda-sim: link without '>' in the spec\n");
			exit(2);
		}
		u = node(g, p, (size_t)(gt - p));
		v = node(g, gt + 1, (size_t)(e - gt - 1));
		if (g->nsucc[u] == MAXS) {
			fprintf(stderr, "mda-sim: more than %d next hops\n", MAXS);
			exit(2);
		}
		g->succ[u][g->nsucc[u]++] = v;
		p = e;
	}
	if (g->nsucc[g->s] != 1 || g->nsucc[g->t] != 0) {
		fprintf(stderr, "mda-sim: s needs one link, t none\n");
		exit(2);
	}
}

/* Node i answers from 10.79.0.i. */
static void
addr_of(unsigned int i, struct ht_addr *a)
{
	memset(a, 0, sizeof(*a));
	a->af = 4;
	a->a[0] = 10;
	a->a[1] = 79;
	a->a[2] = 0;
	a->a[3] = (uint8_t)(i + 1);
}

static uint32_t
mix(uint32_t x)
{
	x ^= x >> 16;
	x *= 0x7feb352du;
	x ^= x >> 15;
	x *= 0x846ca68bu;
	x ^= x >> 16;
	return x;
}

/* The node that answers flow at ttl; *end set if it is the destination. */
static unsigned int
walk(const struct net *g, uint32_t flow, unsigned int ttl, int *end)
{
	unsigned int v = g->s, h;

	for (h = 0; h < ttl && v != g->t; h++) {
		if (g->nsucc[v] == 1)
			v = g->succ[v][0];
		else
			v = g->succ[v][mix(flow * 0x9e3779b1u ^ g->key[v]) %
			    g->nsucc[v]];
	}
	*end = v == g->t;
	return v;
}

/* Every link of the graph (from s's successor on) found in g? */
static int
complete(const struct net *n, const struct ht_mda_graph *g, int dump)
{
	struct ht_addr a, b;
	unsigned int u, j, i, found;

	for (u = 0; u < n->nn; u++) {
		if (u == n->s)
			continue;
		for (j = 0; j < n->nsucc[u]; j++) {
			addr_of(u, &a);
			addr_of(n->succ[u][j], &b);
			found = 0;
			for (i = 0; i < g->nlink && !found; i++)
				found = ht_addr_eq(&g->node[g->link[i].from].addr,
				    &a) && ht_addr_eq(&g->node[g->link[i].to].addr,
				    &b);
			if (!found) {
				if (dump)
					fprintf(stderr, "missing %s>%s\n",
					    n->name[u], n->name[n->succ[u][j]]);
				return 0;
			}
		}
	}
	return 1;
}

static int
cmp_u32(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;

	return x < y ? -1 : x > y;
}

int
main(int argc, char **argv)
{
	static uint32_t nk[KMAX + 1];
	struct net n;
	struct ht_mda_plan_cfg c;
	struct ht_mda_plan st;
	struct ht_mda_send out[16];
	struct ht_matcher m;
	struct ht_mda_graph g;
	struct ht_addr src, dst;
	struct ht_trace *t;
	struct ht_l4 l4;
	double conf = 95, perhop[256];
	unsigned long runs = 10000, r, ok = 0, sum = 0;
	uint32_t *probes, i;
	int opt, lite = 1, verbose = 0, k, end, nout, rounds, dump = 0;
	int first_single = 1;
	long idx;
	unsigned int v;
	char *e;

	while ((opt = getopt(argc, argv, "n:c:m:vda")) != -1) {
		switch (opt) {
		case 'a':
			first_single = 0;
			break;
		case 'd':
			dump = 1;
			break;
		case 'n':
			errno = 0;
			runs = strtoul(optarg, &e, 10);
			if (errno || *e || runs == 0 || runs > 10000000) {
				fprintf(stderr, "mda-sim: -n 1..10000000\n");
				return 2;
			}
			break;
		case 'c':
			conf = strtod(optarg, &e);
			if (*e || !(conf >= 50 && conf < 100)) {
				fprintf(stderr, "mda-sim: -c 50..99.999\n");
				return 2;
			}
			break;
		case 'm':
			if (strcmp(optarg, "lite") == 0)
				lite = 1;
			else if (strcmp(optarg, "full") == 0)
				lite = 0;
			else {
				fprintf(stderr, "mda-sim: -m lite or full\n");
				return 2;
			}
			break;
		case 'v':
			verbose = 1;
			break;
		default:
			fprintf(stderr, "usage: mda-sim [-n RUNS] [-c CONF] "
			    "[-m lite|full] [-a] [-d] [-v] SPEC\n");
			return 2;
		}
	}
	if (optind != argc - 1) {
		fprintf(stderr, "usage: mda-sim [-n RUNS] [-c CONF] "
		    "[-m lite|full] [-a] [-d] [-v] SPEC\n");
		return 2;
	}
	parse(&n, argv[optind]);
	if (ht_mda_table(1 - conf / 100, KMAX, nk) < 0) {
		fprintf(stderr, "mda-sim: no stopping points for %g%%\n", conf);
		return 2;
	}
	if ((probes = calloc(runs, sizeof(*probes))) == NULL) {
		fprintf(stderr, "mda-sim: out of memory\n");
		return 1;
	}
	memset(perhop, 0, sizeof(perhop));
	memset(&c, 0, sizeof(c));
	c.first_ttl = 1;
	c.max_ttl = 30;
	c.gap = 3;
	c.max_probes = 20000;
	c.max_flows = 65536 - BASE;
	c.base = BASE;
	c.nk = nk;
	c.first_single = first_single;
	c.kmax = KMAX;
	c.lite = lite;
	ht_addr_parse("10.79.1.1", &src);
	addr_of(n.t, &dst);
	for (r = 0; r < runs; r++) {
		for (v = 0; v < n.nn; v++)
			n.key[v] = mix((uint32_t)r * 2654435761u + v * 40503u + 1);
		ht_mda_plan_init(&st, &c);
		ht_matcher_init(&m, 0, HT_NS_PER_SEC);
		m.multiflow = 1;
		if ((t = ht_trace_new(&m, &src, &dst, HT_PROTO_UDP, 40000)) ==
		    NULL) {
			fprintf(stderr, "mda-sim: out of memory\n");
			return 1;
		}
		for (rounds = 0; rounds < 100000; rounds++) {
			nout = ht_mda_plan_next(&c, &st, t, out, 16);
			if (nout < 0) {
				fprintf(stderr, "mda-sim: out of memory\n");
				return 1;
			}
			if (st.end != HT_MDA_RUNNING || nout == 0)
				break;
			for (k = 0; k < nout; k++) {
				memset(&l4, 0, sizeof(l4));
				l4.have = 8;
				l4.sport = 40000;
				l4.dport = (uint16_t)(BASE + out[k].flow);
				idx = ht_trace_add_probe(t, out[k].ttl, t->n,
				    &l4, 60, (ht_ns)t->n);
				if (idx < 0) {
					fprintf(stderr, "mda-sim: out of memory\n");
					return 1;
				}
				v = walk(&n, out[k].flow, out[k].ttl, &end);
				addr_of(v, &t->p[idx].from);
				t->p[idx].rkind = end ? HT_R_UNREACH : HT_R_TIMEX;
				t->p[idx].rcode = end ? 3 : 0;
				t->nreplies++;
				perhop[out[k].ttl]++;
			}
		}
		if (st.end == HT_MDA_RUNNING) {
			fprintf(stderr, "mda-sim: run %lu did not end\n", r);
			return 1;
		}
		if (ht_mda_graph_build(t, &g) < 0) {
			fprintf(stderr, "mda-sim: out of memory\n");
			return 1;
		}
		if (complete(&n, &g, dump))
			ok++;
		if (dump && (getenv("DUMPALL") || !complete(&n, &g, 0))) {
			fprintf(stderr, "  run %lu, probes FLOW@TTL=NODE:", r);
			for (i = 0; i < t->n; i++)
				fprintf(stderr, " %u@%u=%s",
				    (unsigned int)(t->p[i].l4.dport - BASE),
				    t->p[i].ttl, n.name[t->p[i].from.a[3] - 1]);
			fprintf(stderr, "\n");
		}
		probes[r] = t->n;
		sum += t->n;
		ht_mda_graph_free(&g);
		ht_matcher_free(&m);
	}
	qsort(probes, runs, sizeof(*probes), cmp_u32);
	printf("runs %lu complete %lu fraction %.4f probes_mean %.1f "
	    "probes_median %u\n", runs, ok, (double)ok / (double)runs,
	    (double)sum / (double)runs, probes[runs / 2]);
	if (verbose)
		for (i = 1; i < 256; i++)
			if (perhop[i] > 0)
				printf("  ttl %u: %.2f probes\n", i,
				    perhop[i] / (double)runs);
	free(probes);
	return 0;
}

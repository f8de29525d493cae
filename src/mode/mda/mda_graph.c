/* \summary: build the multipath graph from a trace's probes (pure) */
#ifdef HAVE_CONFIG_H
#include <config.h>
#endif

#include <stdlib.h>
#include <string.h>

#include "mode/mda/mda_graph.h"
#include "mode/mda/mda_rule.h"

/* One probe's place in the graph: its flow, TTL and the node it reached. */
struct ent {
	uint16_t flow;
	uint8_t ttl;
	uint8_t final;
	uint32_t probe;		/* index in the trace: ties go to the first */
	uint32_t node;
};

int
ht_mda_node_at(const struct ht_mda_graph *g, uint32_t i, uint8_t ttl)
{
	return (g->node[i].ttls[ttl / 32] >> (ttl % 32)) & 1;
}

static int
ent_cmp(const void *a, const void *b)
{
	const struct ent *x = a, *y = b;

	if (x->flow != y->flow)
		return x->flow < y->flow ? -1 : 1;
	if (x->ttl != y->ttl)
		return x->ttl < y->ttl ? -1 : 1;
	return x->probe < y->probe ? -1 : x->probe > y->probe;
}

/* Anonymous nodes sort after the addressed ones of their hop. */
static int
node_cmp(const struct ht_mda_node *x, const struct ht_mda_node *y)
{
	if (x->ttl_min != y->ttl_min)
		return x->ttl_min < y->ttl_min ? -1 : 1;
	if (x->addr.af != y->addr.af)
		return x->addr.af == 0 ? 1 : y->addr.af == 0 ? -1 :
		    x->addr.af < y->addr.af ? -1 : 1;
	return memcmp(x->addr.a, y->addr.a, sizeof(x->addr.a));
}

static int
node_qcmp(const void *a, const void *b)
{
	return node_cmp(a, b);
}

static int
key_qcmp(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;

	return x < y ? -1 : x > y;
}

static int
link_qcmp(const void *a, const void *b)
{
	const struct ht_mda_link *x = a, *y = b;

	if (x->from != y->from)
		return x->from < y->from ? -1 : 1;
	return x->to < y->to ? -1 : x->to > y->to;
}

/* The node of an address (or of TTL ttl's silent hop): index, or -1. */
/*
 * A new zeroed last element for array p of *n elements of size bytes
 * (*cap of them allocated, twice as many, 16 at first, when it is full):
 * p, perhaps moved, *n one more; NULL when there is no memory (p, *n and
 * *cap as they were).
 */
static void *
append(void *p, uint32_t *n, uint32_t *cap, size_t size)
{
	uint32_t c = *cap ? *cap * 2 : 16;

	if (*n == *cap) {
		if ((p = realloc(p, c * size)) == NULL)
			return NULL;
		*cap = c;
	}
	memset((char *)p + *n * size, 0, size);
	(*n)++;
	return p;
}

static long
node_get(struct ht_mda_graph *g, uint32_t *cap, const struct ht_addr *a,
    uint8_t ttl)
{
	struct ht_mda_node *nn;
	uint32_t i;

	for (i = 0; i < g->nnode; i++)
		if (a->af != 0 ? ht_addr_eq(&g->node[i].addr, a) :
		    g->node[i].addr.af == 0 && g->node[i].ttl_min == ttl)
			break;
	if (i == g->nnode) {
		if ((nn = append(g->node, &g->nnode, cap, sizeof(*nn))) == NULL)
			return -1;
		g->node = nn;
		nn[i].addr = *a;
		nn[i].ttl_min = nn[i].ttl_max = ttl;
	}
	nn = &g->node[i];
	if (ttl < nn->ttl_min)
		nn->ttl_min = ttl;
	if (ttl > nn->ttl_max)
		nn->ttl_max = ttl;
	nn->ttls[ttl / 32] |= 1u << (ttl % 32);
	return (long)i;
}

static int
link_add(struct ht_mda_graph *g, uint32_t *cap, uint32_t from, uint32_t to,
    uint8_t ttl, uint16_t flow, ht_ns rtt)
{
	struct ht_mda_link *l;
	uint16_t *nf;
	ht_ns *nr;
	uint32_t i;

	for (i = 0; i < g->nlink; i++)
		if (g->link[i].from == from && g->link[i].to == to)
			break;
	if (i == g->nlink) {
		if ((l = append(g->link, &g->nlink, cap, sizeof(*l))) == NULL)
			return -1;
		g->link = l;
		l[i].from = from;
		l[i].to = to;
		l[i].ttl = ttl;
	}
	l = &g->link[i];
	if (ttl < l->ttl)
		l->ttl = ttl;
	/* flows come in ascending order; one flow may prove it twice */
	if (l->nflows > 0 && l->flows[l->nflows - 1] == flow)
		return 0;
	if (l->nflows == l->cap) {
		l->cap = l->cap ? l->cap * 2 : 8;
		if ((nf = realloc(l->flows, l->cap * sizeof(*nf))) == NULL)
			return -1;
		l->flows = nf;
		if ((nr = realloc(l->rtts, l->cap * sizeof(*nr))) == NULL)
			return -1;
		l->rtts = nr;
	}
	l->rtts[l->nflows] = rtt;
	l->flows[l->nflows++] = flow;
	return 0;
}

/* The RTT of probe i's reply (0 if none). */
static ht_ns
rtt_of(const struct ht_trace *t, uint32_t i)
{
	const struct ht_probe *p = &t->p[i];

	if (p->rkind == HT_R_NONE || p->t_reply < p->t_sent)
		return 0;
	return p->t_reply - p->t_sent;
}

/* Sort the nodes and renumber everything that points at them. */
static int
sort_nodes(struct ht_mda_graph *g, struct ent *e, uint32_t ne)
{
	struct ht_mda_node *sorted;
	uint32_t *map, i, j;

	if (g->nnode == 0)
		return 0;
	if ((sorted = malloc(g->nnode * sizeof(*sorted))) == NULL ||
	    (map = malloc(g->nnode * sizeof(*map))) == NULL) {
		free(sorted);
		return -1;
	}
	memcpy(sorted, g->node, g->nnode * sizeof(*sorted));
	qsort(sorted, g->nnode, sizeof(*sorted), node_qcmp);
	for (i = 0; i < g->nnode; i++)
		for (j = 0; j < g->nnode; j++)
			if (node_cmp(&g->node[i], &sorted[j]) == 0) {
				map[i] = j;
				break;
			}
	for (i = 0; i < ne; i++)
		e[i].node = map[e[i].node];
	free(g->node);
	g->node = sorted;
	free(map);
	return 0;
}

/*
 * MDA-Lite's bound for the step from hop h - 1 to hop h, as the graph
 * shows it: the hop-wide rule (the interfaces of h against the probes sent
 * to h) where the links between the two hops are unmeshed and even (equal
 * successor counts at h - 1, equal predecessor counts at h), and where both
 * hops have two or more interfaces, the meshing test's n_1 flows through
 * each interface of h - 1 too.  1 (no bound) where an assumption fails.
 */
static double
lite_bound(const struct ht_mda_graph *g, unsigned int h)
{
	uint32_t nu = 0, nv = 0, i, j, d, du = 0, dv = 0;
	double worst = 0, f;
	int out2 = 0, in2 = 0, uneven = 0;

	for (i = 0; i < g->nnode; i++) {
		if (ht_mda_node_at(g, i, (uint8_t)(h - 1)) && !g->node[i].final)
			nu++;
		if (ht_mda_node_at(g, i, (uint8_t)h))
			nv++;
	}
	for (i = 0; i < g->nnode; i++) {
		if (ht_mda_node_at(g, i, (uint8_t)(h - 1)) &&
		    !g->node[i].final) {
			if (g->node[i].addr.af == 0)
				return 1;
			for (j = 0, d = 0; j < g->nlink; j++)
				if (g->link[j].from == i &&
				    ht_mda_node_at(g, g->link[j].to, (uint8_t)h))
					d++;
			out2 |= d >= 2;
			if (du != 0 && d != du)
				uneven = 1;
			du = d;
			f = ht_mda_fail(1, g->node[i].behind);
			if (nv >= 2 && f > worst)
				worst = f;
		}
		if (ht_mda_node_at(g, i, (uint8_t)h)) {
			if (g->node[i].addr.af == 0)
				return 1;
			for (j = 0, d = 0; j < g->nlink; j++)
				if (g->link[j].to == i && !g->node[g->link[j].from].final &&
				    ht_mda_node_at(g, g->link[j].from,
				    (uint8_t)(h - 1)))
					d++;
			in2 |= d >= 2;
			if (dv != 0 && d != dv)
				uneven = 1;
			dv = d;
		}
	}
	if (nu == 0 || nv == 0 || (out2 && in2) ||
	    (nu >= 2 && nv >= 2 && uneven))
		return 1;
	if (nu < 2 || nv < 2)
		worst = 0;
	f = ht_mda_fail(nv, g->hop[h].probes);
	return f > worst ? f : worst;
}

/*
 * Does a flow go from node i straight to the destination?  Then i shares a
 * link with it and forwards to it over that link alone: i's next hops are
 * known without counting flows (hoptrace's planner sends one there).
 */
static int
next_to_dest(const struct ht_mda_graph *g, uint32_t i)
{
	uint32_t j;

	for (j = 0; j < g->nlink; j++)
		if (g->link[j].from == i && g->node[g->link[j].to].final &&
		    ht_addr_eq(&g->node[g->link[j].to].addr, &g->dst))
			return 1;
	return 0;
}

/*
 * The confidence: for each hop h after the first, the failure bound of
 * full MDA (the worst of the nodes before it: each node's bound given its
 * next hops, k at least 1, and the flows sent one hop past it, n) or of
 * MDA-Lite (lite_bound), whichever is smaller; the first hop's given its
 * nodes and probes where it shows two or more (see below).  Nodes whose
 * flows went no further are left out where nothing was probed past their
 * hop (the end of the run), and count as unknown (failure 1) where
 * something was; nodes next to the destination are certain.
 */
static void
confidence(struct ht_mda_graph *g)
{
	const struct ht_mda_node *v;
	double worst, f, hopf[257];
	uint32_t i, k;
	unsigned int h;

	for (h = 0; h < 257; h++)
		hopf[h] = 0;
	/*
	 * The first hop holds the next hops of the source's own route: one
	 * interface there is what a route of one next hop gives (a live run
	 * reads it from the routing table and probes it once), two or more
	 * a multipath route, whose enumeration counts as any other's.
	 */
	k = g->hop[g->first_ttl].nnodes;
	worst = k >= 2 ? ht_mda_fail(k, g->hop[g->first_ttl].probes) : 0;
	for (i = 0; i < g->nnode; i++) {
		v = &g->node[i];
		if (v->final || v->ttl_min >= g->last_ttl || next_to_dest(g, i))
			continue;
		if (v->behind == 0 && v->ttl_max >= g->last_ttl)
			continue;
		f = ht_mda_fail(v->nout ? v->nout : 1, v->behind);
		if (f > hopf[v->ttl_min + 1])
			hopf[v->ttl_min + 1] = f;
	}
	for (h = (unsigned int)g->first_ttl + 1; h <= g->last_ttl; h++) {
		if (hopf[h] == 0)
			continue;
		f = lite_bound(g, h);
		if (f > hopf[h])
			f = hopf[h];
		if (f > worst)
			worst = f;
	}
	g->confidence = 1 - worst;
}

#define DIAMOND_NODES	4096	/* larger graphs get no diamond summary */

/* Mark in seen[] what d reaches, not passing through skip (or -1). */
static void
reach(const struct ht_mda_graph *g, uint32_t d, long skip, uint8_t *seen,
    uint32_t *stack)
{
	uint32_t n = 0, v, j;

	memset(seen, 0, g->nnode);
	seen[d] = 1;
	stack[n++] = d;
	while (n > 0) {		/* each node is pushed once: bounded */
		v = stack[--n];
		for (j = 0; j < g->nlink; j++) {
			if (g->link[j].from != v || seen[g->link[j].to] ||
			    (long)g->link[j].to == skip)
				continue;
			seen[g->link[j].to] = 1;
			stack[n++] = g->link[j].to;
		}
	}
}

/*
 * Diamonds: every node with two or more next hops (the divergence point),
 * with its convergence point: the nearest node that every path from it to
 * an end of the graph passes through (its immediate post-dominator).
 */
static int
diamonds(struct ht_mda_graph *g)
{
	struct ht_mda_diamond *dm;
	uint8_t *fwd = NULL, *cut = NULL, *in = NULL, cnt[256];
	uint32_t *stack = NULL, *dist = NULL, *dmax = NULL, d, c, v, j, r, nd = 0;
	uint32_t *nin = NULL, *nout = NULL;
	long best;
	int rc = -1, ok, changed;
	unsigned int h;

	if (g->nnode == 0 || g->nnode > DIAMOND_NODES)
		return 0;
	if ((fwd = malloc(g->nnode)) == NULL || (cut = malloc(g->nnode)) ==
	    NULL || (in = malloc((size_t)g->nnode * g->nnode)) == NULL ||
	    (stack = malloc(g->nnode * sizeof(*stack))) == NULL ||
	    (dist = malloc(g->nnode * sizeof(*dist))) == NULL ||
	    (dmax = malloc(g->nnode * sizeof(*dmax))) == NULL ||
	    (nin = calloc(g->nnode, sizeof(*nin))) == NULL ||
	    (nout = calloc(g->nnode, sizeof(*nout))) == NULL ||
	    (g->diamond = calloc(g->nnode, sizeof(*g->diamond))) == NULL)
		goto out;
	for (d = 0; d < g->nnode; d++) {
		if (g->node[d].nout < 2)
			continue;
		dm = &g->diamond[nd];
		dm->div = d;
		dm->conv = UINT32_MAX;
		dm->parent = UINT32_MAX;
		reach(g, d, -1, fwd, stack);
		best = -1;
		for (c = 0; c < g->nnode; c++) {
			if (c == d || !fwd[c] || (best >= 0 &&
			    g->node[c].ttl_min >= g->node[best].ttl_min))
				continue;
			/* without c, does d still reach an end? */
			reach(g, d, (long)c, cut, stack);
			for (v = 0, ok = 1; v < g->nnode && ok; v++)
				if (cut[v] && v != c && g->node[v].nout == 0)
					ok = 0;
			if (ok)
				best = (long)c;
		}
		/* the interior: reached from d, reaching the convergence */
		memset(in + (size_t)nd * g->nnode, 0, g->nnode);
		if (best >= 0) {
			dm->conv = (uint32_t)best;
			for (v = 0; v < g->nnode; v++) {
				if (!fwd[v] || v == d || v == (uint32_t)best)
					continue;
				reach(g, v, -1, cut, stack);
				in[(size_t)nd * g->nnode + v] = cut[best];
			}
		}
		/* width, path lengths (relaxation, bounded by the node count) */
		memset(cnt, 0, sizeof(cnt));
		for (v = 0; v < g->nnode; v++) {
			dist[v] = UINT32_MAX;
			dmax[v] = 0;
			if (in[(size_t)nd * g->nnode + v])
				for (h = g->node[v].ttl_min;
				    h <= g->node[v].ttl_max; h++)
					if (ht_mda_node_at(g, v, (uint8_t)h) &&
					    cnt[h] < 255 && ++cnt[h] > dm->width)
						dm->width = cnt[h];
		}
		dist[d] = 0;
		for (r = 0, changed = 1; changed && r <= g->nnode; r++) {
			changed = 0;
			for (j = 0; j < g->nlink && best >= 0; j++) {
				v = g->link[j].from;
				c = g->link[j].to;
				if (dist[v] == UINT32_MAX || (v != d &&
				    !in[(size_t)nd * g->nnode + v]) || (c !=
				    (uint32_t)best && !in[(size_t)nd * g->nnode + c]))
					continue;
				if (dist[v] + 1 < dist[c]) {
					dist[c] = dist[v] + 1;
					changed = 1;
				}
				if (dmax[v] + 1 > dmax[c] && dmax[v] < g->nnode) {
					dmax[c] = dmax[v] + 1;
					changed = 1;
				}
			}
		}
		if (best >= 0) {
			dm->min_len = dist[best];
			dm->max_len = dmax[best];
		}
		/* meshed: a link inside from a node of two successors there
		 * to a node of two predecessors there */
		memset(nin, 0, g->nnode * sizeof(*nin));
		memset(nout, 0, g->nnode * sizeof(*nout));
		for (j = 0; j < g->nlink; j++)
			if (in[(size_t)nd * g->nnode + g->link[j].from] &&
			    in[(size_t)nd * g->nnode + g->link[j].to]) {
				nout[g->link[j].from]++;
				nin[g->link[j].to]++;
			}
		for (j = 0; j < g->nlink; j++)
			if (nout[g->link[j].from] >= 2 &&
			    nin[g->link[j].to] >= 2)
				dm->meshed = 1;
		nd++;
	}
	/* the smallest diamond whose interior holds another's divergence */
	for (d = 0; d < nd; d++) {
		best = -1;
		for (c = 0; c < nd; c++) {
			if (c == d || !in[(size_t)c * g->nnode +
			    g->diamond[d].div])
				continue;
			if (best < 0 || g->diamond[c].max_len <
			    g->diamond[best].max_len)
				best = (long)c;
		}
		g->diamond[d].parent = best < 0 ? UINT32_MAX : (uint32_t)best;
	}
	g->ndiamond = nd;
	rc = 0;
out:
	free(fwd);
	free(cut);
	free(in);
	free(stack);
	free(dist);
	free(dmax);
	free(nin);
	free(nout);
	if (rc < 0) {
		free(g->diamond);
		g->diamond = NULL;
	}
	return rc;
}

int
ht_mda_graph_build(const struct ht_trace *t, struct ht_mda_graph *g)
{
	const struct ht_probe *p;
	struct ht_addr none;
	struct ent *e = NULL;
	uint32_t *keys = NULL, key, i, j, ne = 0, nk = 0, ncap = 0, lcap = 0;
	uint8_t *end = NULL;
	long ni, one[256];

	memset(g, 0, sizeof(*g));
	memset(&none, 0, sizeof(none));
	for (i = 0; i < 256; i++)
		one[i] = -1;	/* no hop of one interface (yet) */
	g->src = t->src;
	g->dst = t->dst;
	g->proto = t->proto;
	g->first_ttl = t->min_ttl;
	g->last_ttl = t->min_ttl;
	g->dest_reached = t->dest_reached;
	g->t_first = t->t_first;
	g->t_last = t->t_last;
	g->confidence = 1;
	if (t->n == 0)
		return 0;
	/*
	 * The lowest TTL at which each flow ended (0: never).  Probes of a
	 * flow past its end are folded, as a trace folds the probes beyond
	 * the destination: dublin-traceroute sends every flow at every TTL
	 * up to its last.
	 */
	if ((end = calloc(65536, 1)) == NULL)
		goto fail;
	for (i = 0; i < t->n; i++) {
		p = &t->p[i];
		key = ht_l4_flow(t->proto, &p->l4);
		if (ht_probe_final(t, p) && (end[key] == 0 || p->ttl < end[key]))
			end[key] = p->ttl;
	}
	for (i = 0; i < t->n; i++) {
		p = &t->p[i];
		key = ht_l4_flow(t->proto, &p->l4);
		if (end[key] != 0 && p->ttl > end[key]) {
			g->folded++;
			continue;
		}
		g->probes++;
		g->hop[p->ttl].probes++;
		if (p->ttl > g->last_ttl)
			g->last_ttl = p->ttl;
		if (p->rkind != HT_R_NONE) {
			g->replies++;
			g->hop[p->ttl].replies++;
		}
	}
	if ((e = malloc(t->n * sizeof(*e))) == NULL)
		goto fail;
	for (i = 0; i < t->n; i++) {
		p = &t->p[i];
		key = ht_l4_flow(t->proto, &p->l4);
		if (end[key] != 0 && p->ttl > end[key])
			continue;	/* folded */
		if (p->rkind == HT_R_NONE && g->hop[p->ttl].replies > 0)
			continue;	/* a loss at a hop that answers */
		ni = node_get(g, &ncap, p->rkind != HT_R_NONE ? &p->from :
		    &none, p->ttl);
		if (ni < 0)
			goto fail;
		e[ne].flow = ht_l4_flow(t->proto, &p->l4);
		e[ne].ttl = p->ttl;
		e[ne].final = ht_probe_final(t, p);
		e[ne].probe = i;
		e[ne].node = (uint32_t)ni;
		if (e[ne].final)
			g->node[ni].final = 1;
		ne++;
	}
	if (sort_nodes(g, e, ne) < 0)
		goto fail;
	qsort(e, ne, sizeof(*e), ent_cmp);
	for (i = 0; i < g->nnode; i++)
		for (j = 0; j < 256; j++)
			if (ht_mda_node_at(g, i, (uint8_t)j)) {
				g->hop[j].nnodes++;
				one[j] = g->hop[j].nnodes == 1 &&
				    g->node[i].addr.af != 0 &&
				    !g->node[i].final ? (long)i : -1;
			}
	/* every (flow, TTL) probed, answered or not */
	if ((keys = malloc(t->n * sizeof(*keys))) == NULL)
		goto fail;
	for (i = 0; i < t->n; i++) {
		key = ht_l4_flow(t->proto, &t->p[i].l4);
		if (end[key] != 0 && t->p[i].ttl > end[key])
			continue;
		keys[nk++] = key << 8 | t->p[i].ttl;
	}
	qsort(keys, nk, sizeof(*keys), key_qcmp);
	/* first answer per (flow, TTL); consecutive TTLs of a flow link */
	for (i = 0, j = 0; i < ne; i++) {
		if (i > 0 && e[i].flow == e[j].flow && e[i].ttl == e[j].ttl)
			continue;	/* a later probe of the same flow and TTL */
		if (i > 0 && e[i].flow == e[j].flow &&
		    e[i].ttl == e[j].ttl + 1 && !e[j].final &&
		    link_add(g, &lcap, e[j].node, e[i].node, e[j].ttl,
		    e[i].flow, rtt_of(t, e[i].probe)) < 0)
			goto fail;
		/*
		 * A flow first probed past a hop of one interface, and never
		 * at that hop, passed that interface: tools that probe such a
		 * hop once (scamper's tracelb) prove their links so.  hoptrace
		 * itself always probes the hop before (node control).
		 */
		key = (uint32_t)e[i].flow << 8 | (uint32_t)(e[i].ttl - 1);
		if ((i == 0 || e[i].flow != e[j].flow) &&
		    e[i].ttl > g->first_ttl && one[e[i].ttl - 1] >= 0 &&
		    bsearch(&key, keys, nk, sizeof(*keys), key_qcmp) == NULL) {
			if (link_add(g, &lcap, (uint32_t)one[e[i].ttl - 1],
			    e[i].node, (uint8_t)(e[i].ttl - 1), e[i].flow,
			    rtt_of(t, e[i].probe)) < 0)
				goto fail;
			g->node[one[e[i].ttl - 1]].behind++;
		}
		j = i;
	}
	/* flows of each node probed one hop further (answered or not) */
	for (i = 0, j = 0; i < ne; i++) {
		if (i > 0 && e[i].flow == e[j].flow && e[i].ttl == e[j].ttl)
			continue;
		j = i;
		if (e[i].final || e[i].ttl == 255)
			continue;
		key = (uint32_t)e[i].flow << 8 | (uint32_t)(e[i].ttl + 1);
		if (bsearch(&key, keys, nk, sizeof(*keys), key_qcmp) != NULL)
			g->node[e[i].node].behind++;
	}
	free(keys);
	keys = NULL;
	free(e);
	e = NULL;
	free(end);
	end = NULL;
	if (g->nlink > 1)
		qsort(g->link, g->nlink, sizeof(*g->link), link_qcmp);
	for (i = 0; i < g->nlink; i++)
		g->node[g->link[i].from].nout++;
	confidence(g);
	if (diamonds(g) < 0)
		goto fail;
	return 0;
fail:
	free(e);
	free(keys);
	free(end);
	ht_mda_graph_free(g);
	return -1;
}

void
ht_mda_graph_free(struct ht_mda_graph *g)
{
	uint32_t i;

	for (i = 0; i < g->nlink; i++) {
		free(g->link[i].flows);
		free(g->link[i].rtts);
	}
	free(g->link);
	free(g->diamond);
	free(g->node);
	memset(g, 0, sizeof(*g));
}

/* \summary: full MDA's probing decisions, from the probe table alone */
#ifdef HAVE_CONFIG_H
#include <config.h>
#endif

#include <stdlib.h>
#include <string.h>

#include "mode/mda/mda_graph.h"
#include "mode/mda/mda_plan.h"

/* A flow's state at one TTL. */
#define S_NONE	0u		/* not probed there */
#define S_WAIT	1u		/* probed, no answer yet */
#define S_LOST	2u		/* probed, no answer in time */
#define S_NODE	3u		/* S_NODE + i: answered by the hop's node i */

#define HOP_NODES	256	/* distinct interfaces told apart per hop */

/* The interfaces that answered at one TTL. */
struct hopset {
	struct ht_addr addr[HOP_NODES];
	uint8_t final[HOP_NODES];
	uint8_t known[HOP_NODES];	/* answered at a lower TTL too */
	uint8_t dest[HOP_NODES];	/* the destination answering */
	uint32_t n;
	uint32_t answered, waiting;	/* flows in S_NODE+, S_WAIT */
	uint32_t probes;		/* probes of our flows sent at this TTL */
};

void
ht_mda_plan_init(struct ht_mda_plan *st, const struct ht_mda_plan_cfg *c)
{
	memset(st, 0, sizeof(*st));
	st->hop = c->first_ttl;
}

static uint32_t
node_of(struct hopset *hs, const struct ht_addr *a)
{
	uint32_t i;

	for (i = 0; i < hs->n; i++)
		if (ht_addr_eq(&hs->addr[i], a))
			return i;
	if (hs->n == HOP_NODES)
		return HOP_NODES - 1;	/* beyond telling apart: the last */
	hs->addr[hs->n] = *a;
	hs->final[hs->n] = hs->known[hs->n] = hs->dest[hs->n] = 0;
	return hs->n++;
}

/* The state of every flow at TTL ttl (s[] of nflows entries). */
static void
flow_states(const struct ht_mda_plan_cfg *c, const struct ht_mda_plan *st,
    const struct ht_trace *t, uint8_t ttl, uint32_t *s, struct hopset *hs)
{
	const struct ht_probe *p;
	uint32_t i, f, v;

	memset(s, 0, st->nflows * sizeof(*s));
	hs->n = hs->answered = hs->waiting = hs->probes = 0;
	for (i = 0; i < t->n; i++) {
		p = &t->p[i];
		if (p->ttl != ttl)
			continue;
		f = (uint16_t)(ht_l4_flow(t->proto, &p->l4) - c->base);
		if (f >= st->nflows)
			continue;	/* not ours */
		hs->probes++;
		if (s[f] >= S_NODE)
			continue;	/* answered already */
		if (p->rkind != HT_R_NONE) {
			v = node_of(hs, &p->from);
			if (ht_probe_final(t, p)) {
				hs->final[v] = 1;
				hs->dest[v] = ht_addr_eq(&p->from, &t->dst);
			}
			s[f] = S_NODE + v;
		} else if (!(p->flags & HT_P_EXPIRED))
			s[f] = S_WAIT;
		else if (s[f] == S_NONE)
			s[f] = S_LOST;
	}
	for (f = 0; f < st->nflows; f++)
		if (s[f] >= S_NODE)
			hs->answered++;
		else if (s[f] == S_WAIT)
			hs->waiting++;
	/* an interface seen nearer too: its next hops are enumerated there */
	for (i = 0; i < t->n && hs->n > 0; i++) {
		p = &t->p[i];
		if (p->ttl >= ttl || p->rkind == HT_R_NONE)
			continue;
		for (v = 0; v < hs->n; v++)
			if (ht_addr_eq(&hs->addr[v], &p->from))
				hs->known[v] = 1;
	}
}

/*
 * The interfaces of h - 1 that need no flows probed one hop further (shut[]
 * set): those that ended their flows, those seen at a lower TTL (their next
 * hops were enumerated there: a longer branch rejoining a shorter one), and
 * those a flow went through straight to the destination.  A router next to
 * the destination forwards to it over the link they share, so it has no
 * other next hop toward it: one flow proves that.  Returns how many are
 * shut without having ended flows themselves.
 */
static uint32_t
shut_nodes(const uint32_t *prev, const struct hopset *hp, const uint32_t *cur,
    const struct hopset *hc, uint32_t nflows, uint8_t *shut)
{
	uint32_t u, f, n = 0;

	for (u = 0; u < hp->n; u++)
		shut[u] = hp->final[u] || hp->known[u];
	for (f = 0; f < nflows; f++)
		if (prev[f] >= S_NODE && cur[f] >= S_NODE &&
		    hc->dest[cur[f] - S_NODE])
			shut[prev[f] - S_NODE] = 1;
	for (u = 0; u < hp->n; u++)
		if (shut[u] && !hp->final[u])
			n++;
	return n;
}

static uint32_t
need(const struct ht_mda_plan_cfg *c, uint32_t k)
{
	if (k == 0)
		k = 1;	/* nothing seen: as for one (a lost probe hides one) */
	return c->nk[k > c->kmax ? c->kmax : k];
}

/* Emit (flow, ttl) if there is room; 1 if emitted. */
static int
emit(struct ht_mda_send *out, uint32_t *nout, uint32_t room, uint32_t flow,
    uint8_t ttl)
{
	if (*nout >= room)
		return 0;
	out[*nout].flow = flow;
	out[*nout].ttl = ttl;
	(*nout)++;
	return 1;
}

#define ANY_STATE	UINT32_MAX	/* for probe_new(): whatever the state */

/*
 * Probes at ttl for the flows below n not yet probed there (cur S_NONE)
 * that had state pv one hop before (in prev; ANY_STATE: whatever state),
 * until *want of them are emitted, each then S_WAIT in cur, *busy set
 * once one is.  0, or -1 once out is full.
 */
static int
probe_new(struct ht_mda_send *out, uint32_t *nout, uint32_t room,
    const uint32_t *prev, uint32_t pv, uint32_t *cur, uint32_t n,
    uint8_t ttl, uint32_t *want, int *busy)
{
	uint32_t f;

	for (f = 0; f < n && *want > 0; f++) {
		if (cur[f] != S_NONE || (pv != ANY_STATE && prev[f] != pv))
			continue;
		if (!emit(out, nout, room, f, ttl))
			return -1;
		cur[f] = S_WAIT;
		(*want)--;
		*busy = 1;
	}
	return 0;
}

/*
 * One hop's work: probes for every predecessor that lacks its n_k.
 * Returns 1 while the hop is not done (probes emitted or awaited).
 */
static int
hop_work(const struct ht_mda_plan_cfg *c, struct ht_mda_plan *st,
    const uint32_t *prev, const struct hopset *hp, uint32_t *cur,
    const struct hopset *hc, struct ht_mda_send *out, uint32_t *nout,
    uint32_t room)
{
	uint8_t h = st->hop, seen[HOP_NODES], shut[HOP_NODES];
	uint32_t npred, v, f, mine, probed, k, want, extra, nflows0, lost;
	int first = h == c->first_ttl, busy = 0, silent_prev, direct;
	double share, expect, most = 0;

	nflows0 = st->nflows;
	silent_prev = !first && hp->answered == 0;
	/*
	 * Behind a first hop that the route shows to be one interface,
	 * every flow passes it: new flows go straight to h.
	 */
	direct = c->first_single && h == c->first_ttl + 1 && hp->n == 1;
	(void)shut_nodes(prev, hp, cur, hc, nflows0, shut);
	/* predecessors: the source, the anonymous node, or each interface */
	npred = first || silent_prev ? 1 : hp->n;
	for (v = 0; v < npred; v++) {
		if (!first && !silent_prev && shut[v])
			continue;	/* nothing (more) to find behind it */
		memset(seen, 0, sizeof(seen));
		mine = probed = k = lost = 0;
		for (f = 0; f < nflows0; f++) {
			if (!first && !(direct && prev[f] == S_NONE &&
			    cur[f] != S_NONE) && (silent_prev ?
			    prev[f] != S_LOST : prev[f] != S_NODE + v))
				continue;
			mine++;
			if (cur[f] == S_NONE)
				continue;
			probed++;
			if (cur[f] == S_LOST)
				lost++;
			if (cur[f] >= S_NODE && !seen[cur[f] - S_NODE]) {
				seen[cur[f] - S_NODE] = 1;
				k++;
			}
		}
		/*
		 * A route of one next hop: the first hop is one interface,
		 * which one answer shows (n_1 once every probe was lost).
		 */
		if (first && c->first_single && (probed == 0 || lost < probed))
			want = 1;
		else
			want = need(c, k);
		if (probed >= want)
			continue;
		want -= probed;
		/* flows known to pass v, not yet probed at h */
		if (probe_new(out, nout, room, prev, first ? ANY_STATE :
		    silent_prev ? S_LOST : S_NODE + v, cur, nflows0, h, &want,
		    &busy) < 0)
			return 1;
		if (want == 0)
			continue;
		if (first || direct) {
			/* every new flow passes the source (or v) */
			while (want > 0 && st->nflows < c->max_flows &&
			    emit(out, nout, room, st->nflows, h)) {
				st->nflows++;
				want--;
				busy = 1;
			}
			continue;
		}
		/*
		 * Node control: new flows to h - 1, as many as should bring
		 * the missing ones to v, less those already on their way.
		 */
		share = (double)mine / (double)(hp->answered ? hp->answered :
		    mine);
		expect = (double)hp->waiting * share;
		if (expect >= (double)want) {
			busy = 1;
			continue;
		}
		if (((double)want - expect) / share > most)
			most = ((double)want - expect) / share;
	}
	/*
	 * One batch of new flows for every interface short of flows: each
	 * lands on one of them, so the batch that fills the one that takes
	 * the fewest fills the others too (as many for each would be spent
	 * on its neighbours).
	 */
	extra = (uint32_t)(most + 0.999);
	while (extra > 0 && st->nflows < c->max_flows &&
	    emit(out, nout, room, st->nflows, (uint8_t)(h - 1))) {
		st->nflows++;
		extra--;
		busy = 1;
	}
	return busy || hp->waiting > 0 || hc->waiting > 0;
}

/*
 * New flows to ttl, as many as should bring want more to a node that takes
 * share (0 < share <= 1) of the flows there.  Returns 1 if any was emitted.
 */
static int
fresh(const struct ht_mda_plan_cfg *c, struct ht_mda_plan *st,
    struct ht_mda_send *out, uint32_t *nout, uint32_t room, uint32_t want,
    double share, uint8_t ttl)
{
	uint32_t extra;
	int any = 0;

	if (share <= 0 || share > 1)
		share = 1;
	extra = (uint32_t)((double)want / share + 0.999);
	while (extra > 0 && st->nflows < c->max_flows &&
	    emit(out, nout, room, st->nflows, ttl)) {
		st->nflows++;
		extra--;
		any = 1;
	}
	return any;
}

/*
 * MDA-Lite's work at one hop (see mda_plan.h).  Returns 1 while the hop is
 * not done, 0 when it is, 2 when a test failed and full MDA takes the hop
 * over (st->phase and st->why set).
 */
static int
lite_work(const struct ht_mda_plan_cfg *c, struct ht_mda_plan *st,
    const uint32_t *prev, const struct hopset *hp, uint32_t *cur,
    const struct hopset *hc, struct ht_mda_send *out, uint32_t *nout,
    uint32_t room)
{
	static const uint32_t one = 1;
	uint8_t h = st->hop, adj[HOP_NODES][HOP_NODES / 8];
	uint32_t fwd[HOP_NODES], back[HOP_NODES], nu[HOP_NODES], nv[HOP_NODES];
	uint32_t deg[HOP_NODES], a = 0, b = hc->n, f, u, v, probed = 0, want;
	double most = 0;
	uint32_t nflows0 = st->nflows, n1 = need(c, 1), d0;
	uint8_t shut[HOP_NODES];
	int tests, out2 = 0, in2 = 0, uneven = 0, busy = 0;

	/*
	 * The first hop, a silent hop before, or an interface of h - 1 with
	 * nothing behind it to find (a branch rejoining, a router next to
	 * the destination): the hop-wide count would mix flows that need
	 * probing with flows that do not, so each interface gets its own.
	 */
	if (h == c->first_ttl || hp->answered == 0 ||
	    shut_nodes(prev, hp, cur, hc, nflows0, shut) > 0)
		return hop_work(c, st, prev, hp, cur, hc, out, nout, room);
	for (u = 0; u < hp->n; u++)
		if (!hp->final[u])
			a++;

	/* vertex discovery: n_k flows at h, those of h - 1 first */
	for (f = 0; f < nflows0; f++)
		if (cur[f] != S_NONE)
			probed++;
	if (probed < need(c, b)) {
		want = need(c, b) - probed;
		for (f = 0; f < nflows0 && want > 0; f++) {
			if (cur[f] != S_NONE || prev[f] < S_NODE ||
			    hp->final[prev[f] - S_NODE])
				continue;
			if (!emit(out, nout, room, f, h))
				return 1;
			cur[f] = S_WAIT;
			want--;
		}
		(void)fresh(c, st, out, nout, room, want, 1, h);
		return 1;
	}
	if (hp->waiting > 0 || hc->waiting > 0)
		return 1;
	if (a == 0 || b == 0)
		return 0;	/* all ended, or a silent hop: nothing to link */

	memset(adj, 0, sizeof(adj));
	memset(fwd, 0, sizeof(fwd));
	memset(back, 0, sizeof(back));
	memset(nu, 0, sizeof(nu));
	memset(nv, 0, sizeof(nv));
	for (f = 0; f < nflows0; f++) {
		u = prev[f] >= S_NODE ? prev[f] - S_NODE : HOP_NODES;
		v = cur[f] >= S_NODE ? cur[f] - S_NODE : HOP_NODES;
		if (u < HOP_NODES && hp->final[u])
			u = HOP_NODES;
		if (u < HOP_NODES) {
			nu[u]++;
			if (cur[f] != S_NONE)
				fwd[u]++;
		}
		if (v < HOP_NODES) {
			nv[v]++;
			if (prev[f] != S_NONE)
				back[v]++;
		}
		if (u < HOP_NODES && v < HOP_NODES)
			adj[u][v / 8] |= (uint8_t)(1u << (v % 8));
	}
	tests = a >= 2 && b >= 2;

	/* on from h - 1: one flow of each u (n_1 for the meshing test) */
	for (u = 0; u < hp->n; u++) {
		if (hp->final[u] || fwd[u] >= (tests ? n1 : one))
			continue;
		want = (tests ? n1 : one) - fwd[u];
		if (probe_new(out, nout, room, prev, S_NODE + u, cur, nflows0,
		    h, &want, &busy) < 0)
			return 1;
		/* the split is assumed uniform: u takes 1/a of new flows */
		if (want > 0 && (double)want * (double)a > most)
			most = (double)want * (double)a;
	}
	/* new flows for all that lack them at once (see hop_work) */
	if (most > 0 && fresh(c, st, out, nout, room,
	    (uint32_t)(most + 0.999), 1, (uint8_t)(h - 1)))
		busy = 1;
	if (busy)
		return 1;
	for (u = 0; u < hp->n; u++) {
		deg[u] = 0;
		for (v = 0; v < b; v++)
			deg[u] += (adj[u][v / 8] >> (v % 8)) & 1;
		if (deg[u] >= 2)
			out2 = 1;
	}
	for (u = 0, d0 = 0; u < hp->n; u++) {
		if (hp->final[u])
			continue;
		if (d0 == 0)
			d0 = deg[u];
		else if (deg[u] != d0)
			uneven = 1;
	}

	/*
	 * Back from h: one flow of each v, so that it has a link (unless h - 1
	 * has one interface, which the graph then infers); n_1 for the
	 * meshing test once some u showed two successors.
	 */
	if (hp->n < 2 && !tests)
		return 0;
	for (v = 0; v < b; v++) {
		want = tests && out2 ? n1 : one;
		if (back[v] >= want)
			continue;
		want -= back[v];
		for (f = 0; f < nflows0 && want > 0; f++) {
			if (cur[f] != S_NODE + v || prev[f] != S_NONE)
				continue;
			if (!emit(out, nout, room, f, (uint8_t)(h - 1)))
				return 1;
			want--;
			busy = 1;
		}
		if (want > 0 && tests && out2 && fresh(c, st, out, nout,
		    room, want, (double)nv[v] / (double)hc->answered, h))
			busy = 1;
	}
	if (busy || !tests)
		return busy;
	for (v = 0, d0 = 0; v < b; v++) {
		deg[v] = 0;
		for (u = 0; u < hp->n; u++)
			if (!hp->final[u])
				deg[v] += (adj[u][v / 8] >> (v % 8)) & 1;
		if (deg[v] >= 2)
			in2 = 1;
		if (v == 0)
			d0 = deg[v];
		else if (deg[v] != d0)
			uneven = 1;
	}
	if (out2 && in2)
		st->why[h] = HT_MDA_WHY_MESHED;
	else if (uneven)
		st->why[h] = HT_MDA_WHY_NONUNIFORM;
	else
		return 0;
	st->phase = 1;
	return 2;
}

/*
 * With the first probes of a hop, one of their flows goes a hop further
 * too, unless something is there already: where that hop is the
 * destination behind a single interface, this one probe settles it (see
 * shut_nodes) a round trip early, and elsewhere it is one of the flows the
 * next hop needs anyway.
 */
static void
scout(const struct ht_mda_plan_cfg *c, const struct ht_mda_plan *st,
    const struct ht_trace *t, struct ht_mda_send *out, uint32_t *nout)
{
	uint32_t i, pick = UINT32_MAX;

	if (st->hop >= c->max_ttl)
		return;
	for (i = 0; i < *nout; i++) {
		if (out[i].ttl > st->hop)
			return;
		if (out[i].ttl == st->hop && pick == UINT32_MAX)
			pick = i;
	}
	if (pick == UINT32_MAX)
		return;
	for (i = 0; i < t->n; i++)
		if (t->p[i].ttl > st->hop)
			return;
	out[*nout].flow = out[pick].flow;
	out[*nout].ttl = (uint8_t)(st->hop + 1);
	(*nout)++;
}

int
ht_mda_plan_next(const struct ht_mda_plan_cfg *c, struct ht_mda_plan *st,
    const struct ht_trace *t, struct ht_mda_send *out, uint32_t max)
{
	struct hopset *hp = NULL, *hc = NULL;
	uint32_t *prev = NULL, *cur = NULL, nout = 0, room, cap, f;
	int rc = -1, busy, guard, nonfinal;

	if (st->end != HT_MDA_RUNNING)
		return 0;
	if (t->n >= c->max_probes) {
		/* the budget is spent: let what is on its way come back */
		for (f = 0; f < t->n; f++)
			if (t->p[f].rkind == HT_R_NONE &&
			    !(t->p[f].flags & HT_P_EXPIRED))
				return 0;
		st->end = HT_MDA_END_PROBES;
		return 0;
	}
	room = t->n >= c->max_probes ? 0 : c->max_probes - t->n;
	if (room > max)
		room = max;
	/* every new flow of this call is among the first nflows + room */
	cap = st->nflows + room + 1;
	if ((hp = malloc(sizeof(*hp))) == NULL ||
	    (hc = malloc(sizeof(*hc))) == NULL ||
	    (prev = calloc(cap, sizeof(*prev))) == NULL ||
	    (cur = calloc(cap, sizeof(*cur))) == NULL)
		goto out;
	for (guard = 0; guard < 512; guard++) {
		if (st->hop > c->first_ttl)
			flow_states(c, st, t, (uint8_t)(st->hop - 1), prev, hp);
		else
			memset(hp, 0, sizeof(*hp));
		flow_states(c, st, t, st->hop, cur, hc);
		/*
		 * The probe sent a hop ahead is all there is here yet: its
		 * answer, a round trip shorter than a new probe's, may settle
		 * the hop (the destination behind one interface), so wait.
		 */
		if (hc->answered == 0 && hc->waiting == 1 && hc->probes == 1)
			busy = 1;
		else if (c->lite && !st->full && st->phase == 0)
			busy = lite_work(c, st, prev, hp, cur, hc, out, &nout,
			    room);
		else
			busy = hop_work(c, st, prev, hp, cur, hc, out, &nout,
			    room);
		if (busy == 2)
			continue;	/* full MDA takes the hop over */
		if (busy || nout > 0)
			break;
		if (c->lite) {
			/* a switch holds until the diamond converges */
			if (st->full || st->phase)
				st->full = hc->n > 1;
			st->phase = 0;
			if (st->full && st->hop < 255)
				st->why[st->hop + 1] = HT_MDA_WHY_DIAMOND;
		}
		/* the hop is done: go on? */
		nonfinal = 0;
		for (f = 0; f < st->nflows; f++)
			if (cur[f] >= S_NODE && !hc->final[cur[f] - S_NODE] &&
			    !hc->known[cur[f] - S_NODE])
				nonfinal = 1;
		if (hc->answered == 0) {
			if (++st->silent >= c->gap) {
				st->end = HT_MDA_END_GAP;
				break;
			}
		} else {
			st->silent = 0;
			if (!nonfinal) {
				st->end = HT_MDA_END_DEST;
				break;
			}
		}
		if (st->hop >= c->max_ttl) {
			st->end = HT_MDA_END_MAXTTL;
			break;
		}
		st->hop++;
	}
	if (nout > 0 && nout < room && st->end == HT_MDA_RUNNING)
		scout(c, st, t, out, &nout);
	rc = (int)nout;
out:
	free(hp);
	free(hc);
	free(prev);
	free(cur);
	return rc;
}

/* \summary: multipath discovery, live: the planner's probes on the engine, the graph rendered */
#ifdef HAVE_CONFIG_H
#include <config.h>
#endif

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine/engine.h"
#include "mode/mda/mda.h"
#include "mode/mda/mda_plan.h"
#include "mode/mda/mda_rule.h"

#define KMAX		64	/* nodes with more next hops use n_64 */
/*
 * How long a probe waits: -W, shortened to ten times the slowest answer
 * seen so far in the run, never below 100 ms.  Only unanswered probes pay
 * it; an answer ends a probe's wait at once.
 */
#define WAIT_FLOOR	(100 * 1000000ull)	/* least wait for an answer */
#define WAIT_X		10	/* times the slowest answer seen */

/* The MDA mode's state beside the engine's. */
struct mmode {
	const struct ht_live_cfg *lc;
	const struct ht_mda_cfg *mc;
	const struct ht_outctx *o;
	struct ht_mda_stats *st;
	struct ht_mda_plan_cfg pc;
	struct ht_mda_plan plan;
	struct ht_mda_send sends[HT_ENGINE_BATCH];
	uint32_t nk[KMAX + 1];
};

/* What the planner asks for now: flow i is -p + i (port, or checksum). */
static int
next(void *arg, struct ht_engine *e, ht_ns now, uint32_t room,
    struct ht_send *s, ht_ns *wake, char *err)
{
	struct mmode *mm = arg;
	const struct ht_live_cfg *lc = mm->lc;
	int n, i;

	if (lc->send_gap) {
		if (e->seq > 0 && now < e->last_send + lc->send_gap) {
			if (room > 0)
				*wake = e->last_send + lc->send_gap;
			room = 0;
		} else if (room > 1)
			room = 1;
	}
	n = ht_mda_plan_next(&mm->pc, &mm->plan, e->t, mm->sends, room);
	if (n < 0) {
		snprintf(err, HT_ERRBUF, "out of memory");
		return -1;
	}
	for (i = 0; i < n; i++) {
		s[i].ttl = mm->sends[i].ttl;
		s[i].flow_kind = HT_FLOW_PORT;
		s[i].flow = (uint16_t)(lc->probe.port + mm->sends[i].flow);
		s[i].rank = 0;
	}
	if (n > 0 && lc->send_gap)
		*wake = now + lc->send_gap;
	return n;
}

static int
sent_all(void *arg, const struct ht_engine *e)
{
	const struct mmode *mm = arg;

	(void)e;
	return mm->plan.end != HT_MDA_RUNNING;
}

/* The graph of what the run found, rendered. */
static int
finish(void *arg, struct ht_engine *e, int rc, char *err)
{
	struct mmode *mm = arg;
	struct ht_mda_graph g;
	uint32_t i;

	if (rc < 0 || e->t == NULL)
		return rc;
	mm->st->budget_spent = mm->plan.end == HT_MDA_END_PROBES;
	mm->st->probes = e->t->n;
	if (ht_mda_graph_build(e->t, &g) < 0) {
		snprintf(err, HT_ERRBUF, "out of memory");
		return -1;
	}
	for (i = 0; i < 256; i++)
		if (i <= e->t->max_ttl && g.hop[i].probes > 0)
			g.why[i] = mm->plan.why[i];
	memcpy(mm->st->why, g.why, sizeof(mm->st->why));	/* -w end note */
	g.lite = (uint8_t)mm->mc->lite;
	ht_mda_names(mm->o->names, &g);
	if (mm->mc->json)
		ht_mda_json(mm->o, &g);
	else if (mm->mc->dot)
		ht_mda_dot(mm->o, &g);
	else
		ht_mda_text(mm->o, mm->mc, &g);
	ht_mda_graph_free(&g);
	return 0;
}

/* The mode's decisions, as the engine asks for them. */
static const struct ht_engine_ops mda_ops = {
	.next = next, .sent_all = sent_all, .finish = finish,
	.wait_floor = WAIT_FLOOR, .wait_x = WAIT_X,
	.multiflow = 1,
};

int
ht_mda_run(const struct ht_live_cfg *lc, const struct ht_mda_cfg *mc,
    const struct ht_netio *net, struct ht_prober *pr,
    const struct ht_outctx *o, struct ht_mda_stats *st, char *err)
{
	struct mmode *mm;
	int rc;

	memset(st, 0, sizeof(*st));
	mm = calloc(1, sizeof(*mm));
	if (mm == NULL) {
		snprintf(err, HT_ERRBUF, "out of memory");
		ht_prober_close(pr);
		return -1;
	}
	mm->lc = lc;
	mm->mc = mc;
	mm->o = o;
	mm->st = st;
	if (ht_mda_table(1 - mc->confidence, KMAX, mm->nk) < 0) {
		snprintf(err, HT_ERRBUF, "confidence %g: no stopping points",
		    mc->confidence * 100);
		ht_prober_close(pr);
		free(mm);
		return -1;
	}
	mm->pc.first_ttl = lc->first_ttl;
	mm->pc.max_ttl = lc->max_ttl;
	mm->pc.gap = lc->gap;
	mm->pc.max_probes = mc->max_probes;
	/* ICMP: the flow is the checksum, which cannot be 0xffff */
	mm->pc.max_flows = (lc->probe.method == HT_METHOD_ICMP ? 65535u :
	    65536u) - lc->probe.port;
	mm->pc.base = lc->probe.port;
	mm->pc.nk = mm->nk;
	mm->pc.kmax = KMAX;
	mm->pc.lite = mc->lite;
	mm->pc.first_single = lc->first_ttl == 1 && mc->first_single;
	ht_mda_plan_init(&mm->plan, &mm->pc);
	rc = ht_engine_run(lc, net, pr, o->names, -1, &mda_ops, mm, err);
	free(mm);
	return rc;
}

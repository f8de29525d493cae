/* \summary: full MDA: which flows to probe at which TTL next (pure) */
#ifndef HT_MDA_PLAN_H
#define HT_MDA_PLAN_H

#include <stdint.h>

#include "match/trace.h"

/*
 * The Multipath Detection Algorithm (Augustin et al., IMC 2007; Veitch et
 * al., INFOCOM 2009), hop by hop.  At TTL h, for every node v that flows
 * reached at TTL h - 1 (the source, for the first TTL), the flows known to
 * pass v are probed at h until, with k distinct next hops seen behind v,
 * n_k of them have been (n_1 when none answered).  When too few flows are
 * known to pass v, new flows are sent to TTL h - 1 until enough land on v
 * (node control), about (missing / share of flows that v takes) of them.
 * The hop is done when every such node has its n_k and no probe at h - 1
 * or h is still waiting; the run ends when no flow at h went on (all
 * reached the destination or an unreachable), after gap silent hops in a
 * row, at the last TTL, or when the probe budget is spent.
 *
 * MDA-Lite (Vermeulen et al., IMC 2018), with lite set, assumes that the
 * balancers split flows uniformly and that diamonds are not meshed, and
 * tests both.  At TTL h it probes n_k flows in all (k the interfaces seen at
 * h), flows known at h - 1 first, then new ones sent to h alone: a hop-wide
 * count, where full MDA needs n_k through every interface of h - 1.  Then,
 * when h - 1 has two or more interfaces, every interface of h gets a flow
 * traced back to h - 1 and every one of h - 1 a flow traced on to h, so that
 * each has a link.  Where both hops have two or more:
 *   - the meshing test: n_1 flows of every interface u of h - 1 probed at h
 *     (what rules out a second successor of u at the run's confidence); if
 *     some u shows two or more, n_1 flows of every interface v of h traced
 *     back to h - 1.  Some u with two successors and some v with two
 *     predecessors: the hops are meshed;
 *   - the uniformity test: the interfaces of h - 1 must have equal numbers
 *     of successors, and those of h equal numbers of predecessors (width
 *     asymmetry makes the split at h non-uniform).
 * Where a test fails, hop h is enumerated by full MDA, and so is every
 * further hop until the diamond converges (a hop of one interface).
 *
 * Flow i is the flow identifier base + i (UDP/TCP destination port);
 * probes of other flow identifiers in the trace are ignored.  The planner
 * reads the trace (a probe waits while it has no reply and is not
 * HT_P_EXPIRED) and keeps only the hop and the flow count between calls,
 * so a unit test can drive it with simulated answers.
 */

enum ht_mda_end {
	HT_MDA_RUNNING = 0,
	HT_MDA_END_DEST,	/* every flow at the last hop ended */
	HT_MDA_END_GAP,		/* gap silent hops in a row */
	HT_MDA_END_MAXTTL,	/* the last TTL was enumerated */
	HT_MDA_END_PROBES	/* the probe budget ran out */
};

struct ht_mda_plan_cfg {
	uint8_t first_ttl, max_ttl;
	int gap;		/* silent hops in a row that end the run, >= 1 */
	uint32_t max_probes;	/* probes in the trace at most */
	uint32_t max_flows;	/* flow indices 0 .. max_flows - 1 */
	uint16_t base;		/* flow i = base + i */
	const uint32_t *nk;	/* stopping points n_0 .. n_kmax */
	uint8_t first_single;	/* the route has one next hop: one probe
				   answered at the first TTL settles it */
	unsigned int kmax;	/* larger k use n_kmax */
	int lite;		/* MDA-Lite, switching to full MDA (above) */
};

/* Why MDA-Lite enumerated a hop with full MDA (ht_mda_plan.why[hop]). */
enum ht_mda_why {
	HT_MDA_WHY_LITE = 0,	/* it did not: MDA-Lite (or a full run) */
	HT_MDA_WHY_MESHED,	/* the meshing test found meshing */
	HT_MDA_WHY_NONUNIFORM,	/* unequal successor/predecessor counts */
	HT_MDA_WHY_DIAMOND	/* an earlier hop of this diamond switched */
};

struct ht_mda_plan {
	uint8_t hop;		/* TTL being enumerated */
	uint32_t nflows;	/* flows handed out so far */
	int silent;		/* silent hops in a row before hop */
	enum ht_mda_end end;
	/* MDA-Lite */
	uint8_t phase;		/* 0: lite at hop; 1: full MDA at hop */
	uint8_t full;		/* full MDA until the diamond converges */
	uint8_t why[256];	/* enum ht_mda_why per hop */
};

struct ht_mda_send {
	uint32_t flow;		/* index: flow identifier base + flow */
	uint8_t ttl;
};

void ht_mda_plan_init(struct ht_mda_plan *st, const struct ht_mda_plan_cfg *c);

/*
 * The next probes to send now, at most max, into out.  Returns how many
 * (0: wait for answers or expiries; st->end != HT_MDA_RUNNING: finished),
 * or -1 on allocation failure.
 */
int ht_mda_plan_next(const struct ht_mda_plan_cfg *c, struct ht_mda_plan *st,
    const struct ht_trace *t, struct ht_mda_send *out, uint32_t max);

#endif

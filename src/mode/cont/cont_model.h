/* \summary: the continuous mode's model: per-hop and per-responder statistics */
#ifndef HT_CONT_MODEL_H
#define HT_CONT_MODEL_H

#include <stdint.h>

#include "base/addr.h"
#include "match/trace.h"
#include "mode/cont/cont_stats.h"

#define HT_CONT_RESP	8	/* responders kept per hop; more: in "others" */
#define HT_CONT_HIST	64	/* the newest probes a hop remembers (screen) */
#define HT_CONT_LOST	UINT32_MAX	/* in hist: no answer */

struct ht_cont_resp {
	struct ht_addr addr;
	struct ht_cstat st;
	const char *name;	/* reverse DNS (driver fills), or NULL */
};

struct ht_cont_hop {
	struct ht_cstat st;	/* every probe at this TTL */
	struct ht_cont_resp resp[HT_CONT_RESP];
	uint8_t nresp;
	uint8_t latest;		/* index of the newest reply's responder */
	uint32_t others;	/* replies from responders beyond HT_CONT_RESP */
	uint32_t hist[HT_CONT_HIST];	/* ring: RTT in us, or HT_CONT_LOST */
	uint32_t nhist;		/* probes put in the ring, ever */
};

/*
 * The table the report, CSV, JSON and the screen read: built from a trace
 * by ht_cont_feed(), live round by round or from a replayed capture, so
 * that both give the same table by construction.  Constant size.
 */
struct ht_cont_model {
	struct ht_addr src, dst;
	uint8_t proto;
	uint8_t first_ttl;	/* lowest TTL probed */
	uint8_t last_ttl;	/* the last hop worth showing (ht_cont_feed) */
	uint32_t rounds;	/* rounds sent (live) or found (replay) */
	uint32_t next;		/* the trace's next probe to take */
	ht_ns t_first, t_last;
	struct ht_cont_hop hop[256];
};

void ht_cont_model_init(struct ht_cont_model *md, const struct ht_trace *t);
/* Forget the statistics (the screen's "r"); the probes taken stay taken. */
void ht_cont_model_reset(struct ht_cont_model *md);

/*
 * Take the trace's probes, in the order they were sent, as far as each is
 * final: answered, or its wait over (HT_P_EXPIRED).  With at_end the rest
 * are taken too: a probe without a reply counts as lost when lost_pending
 * is set (a replayed capture is over), else it is left out (a live run
 * interrupted while it was in flight: neither sent nor lost, as mtr
 * leaves a probe in transit out of Loss%).  Probes at TTLs past the
 * destination are counted at their TTL but never shown.
 */
void ht_cont_feed(struct ht_cont_model *md, const struct ht_trace *t,
    int at_end, int lost_pending);

/*
 * K Paris flows side by side (--flows=K): one trace, its probes shared out
 * to K tables by their flow identifier (ht_l4_flow), the flows
 * numbered in the order of their first probes; the probes of further
 * flows are counted in "others" and shown nowhere.  With K = 1 every
 * probe goes to flow 0 whatever its identifier, as ht_cont_feed().
 */
#define HT_CONT_FLOWS	64

struct ht_cont_set {
	uint32_t maxflows;	/* K */
	uint32_t nflows;	/* flows seen so far (<= K) */
	uint32_t next;		/* the trace's next probe to take */
	uint32_t others;	/* probes of flows beyond K */
	uint32_t key[HT_CONT_FLOWS];
	struct ht_cont_model *flow[HT_CONT_FLOWS];	/* K of them */
};

/* K tables for trace t (NULL: empty ones); 0, or -1 (no memory). */
int ht_cont_set_new(struct ht_cont_set *s, uint32_t k,
    const struct ht_trace *t);
void ht_cont_set_free(struct ht_cont_set *s);
/* Start again from trace t: no flows, no statistics. */
void ht_cont_set_init(struct ht_cont_set *s, const struct ht_trace *t);
/* Forget the statistics of every flow (the screen's "r"). */
void ht_cont_set_reset(struct ht_cont_set *s);
/*
 * ht_cont_feed() for K flows.  With K > 1 a flow's rounds are the most
 * probes it counted at one TTL (its own, live or replayed alike).
 */
void ht_cont_set_feed(struct ht_cont_set *s, const struct ht_trace *t,
    int at_end, int lost_pending);

#endif

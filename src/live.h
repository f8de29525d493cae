/* \summary: the live driver: a poll loop with a send schedule */
#ifndef HT_LIVE_H
#define HT_LIVE_H

#include "capture.h"
#include "output.h"
#include "probe.h"
#include "trace.h"

struct ht_live_cfg {
	struct ht_probe_cfg probe;
	uint8_t first_ttl, max_ttl;
	int queries;		/* probes per hop */
	int simq;		/* probes in flight at once */
	int gap;		/* stop after this many silent hops in a row */
	ht_ns wait;		/* longest wait for a reply */
	ht_ns here_x, near_x;	/* adaptive wait factors (x1000) */
	ht_ns min_wait;		/* adaptive wait floor */
	ht_ns send_gap;		/* least time between two probes */
	int json;
	/*
	 * Called once, when the first probes have left and before any packet
	 * is read: the privilege drop goes there, so that the start-up work
	 * it takes overlaps the probes' way out.  0, or -1 with err.
	 */
	int (*started)(void *arg, char *err);
	void *started_arg;
};

/* What the caller may want to know of a finished trace. */
struct ht_live_stats {
	unsigned int unanswered;	/* printed probes without a reply */
};

/*
 * Run one trace.  Returns 0 when it ran (the destination answered or
 * not), -1 with err on a runtime failure, or the number of a signal that
 * stopped it.  It takes pr and closes it: as soon as the trace will send
 * nothing more, so that the rest of the trace, which reads packets from
 * the network, runs without a socket that could write any.
 */
int ht_live_run(const struct ht_live_cfg *cfg, struct ht_capture *cap,
    struct ht_prober *pr, const struct ht_outctx *o,
    struct ht_live_stats *st, char *err);

#endif

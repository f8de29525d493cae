/* \summary: what every live mode is given: the probes, TTLs, waits, window and pacing */
#ifndef HT_LIVE_H
#define HT_LIVE_H

#include "base/time.h"
#include "wire/probe.h"

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

#endif

/* \summary: the one-path trace (traceroute's job): its live and replay drivers */
#ifndef HT_TRACE_MODE_H
#define HT_TRACE_MODE_H

#include "engine/live.h"
#include "engine/replay.h"
#include "io/capture.h"
#include "io/prober.h"
#include "match/trace.h"
#include "out/output.h"

/* What the caller may want to know of a finished trace. */
struct ht_live_stats {
	unsigned int unanswered;	/* printed probes without a reply */
	ht_ns t_end;		/* the run's end as -j gives it (the last
				 * reply or wait over): for the -w end note */
};

/*
 * Run one trace over net (engine/netio.h: the live network, or a
 * simulated one in tests).  Returns 0 when it ran (the destination
 * answered or not), -1 with err on a runtime failure, or the number of a
 * signal that stopped it.  It takes pr and closes it as soon as the trace
 * will send nothing more, so that the rest of the trace, which reads
 * packets from the network, runs without a socket that could write any.
 */
struct ht_netio;
int ht_trace_run(const struct ht_live_cfg *cfg, const struct ht_netio *net,
    struct ht_prober *pr, const struct ht_outctx *o,
    struct ht_live_stats *st, char *err);

/*
 * Read an opened capture front to back and print each trace found (one
 * that hoptrace's -w recorded as its live run printed it).  Returns 0
 * (warnings in rd->st), or -1 with err.
 */
int ht_replay_run(struct ht_replay *rd, const struct ht_outctx *o,
    int json, ht_ns wait, char *err);

#endif

/* \summary: MDA replay: every trace of a capture rebuilt as a multipath graph */
/*
 * The same reading as replay.c (decode, the matcher in learning mode), with
 * the matcher told that a probe to a lower TTL continues a trace (MDA goes
 * back to earlier hops for more flows); each finished trace becomes a
 * graph, rendered like a live run's.
 */
#ifdef HAVE_CONFIG_H
#include <config.h>
#endif

#include <stdio.h>
#include <string.h>

#include "engine/replay.h"
#include "match/trace.h"
#include "mode/mda/mda.h"
#include "wire/decode.h"

#define EXPIRE_EVERY	4096

static int
flush_ready(struct ht_matcher *m, const struct ht_mda_cfg *mc,
    const struct ht_outctx *o, int eof, struct ht_replay_stats *st, char *err)
{
	struct ht_mda_graph g;
	struct ht_trace *t;

	while ((t = ht_matcher_ready(m, eof)) != NULL) {
		if (ht_mda_graph_build(t, &g) < 0) {
			snprintf(err, HT_ERRBUF, "out of memory");
			return -1;
		}
		ht_mda_names(o->names, &g);
		if (mc->json)
			ht_mda_json(o, &g);
		else if (mc->dot)
			ht_mda_dot(o, &g);
		else
			ht_mda_text(o, mc, &g);
		ht_mda_graph_free(&g);
		st->traces++;
		ht_trace_free(m, t);
	}
	return 0;
}

int
ht_mda_replay_run(struct ht_capture *cap, const struct ht_mda_cfg *mc,
    const struct ht_outctx *o, ht_ns wait, struct ht_replay_stats *st,
    char *err)
{
	struct ht_matcher m;
	struct ht_pkt pkt;
	struct ht_match res;
	ht_ns ts, latest = 0;
	int rc;

	if (ht_replay_start(cap, st, err) < 0)
		return -1;
	ht_matcher_init(&m, 1, wait);
	m.multiflow = 1;
	while (ht_replay_next(cap, &pkt, &ts, st)) {
		if (ts > latest)
			latest = ts;
		if (pkt.kind != HT_PKT_OTHER)
			ht_match_packet(&m, &pkt, ts, &res);
		if (st->packets % EXPIRE_EVERY == 0) {
			ht_matcher_expire(&m, latest);
			if (flush_ready(&m, mc, o, 0, st, err) < 0) {
				ht_matcher_free(&m);
				return -1;
			}
		}
	}
	if (ht_replay_end(cap, st, err) < 0) {
		ht_matcher_free(&m);
		return -1;
	}
	rc = flush_ready(&m, mc, o, 1, st, err);
	ht_matcher_free(&m);
	return rc;
}

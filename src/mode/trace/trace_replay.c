/* \summary: trace replay: stream a capture through decode and the matcher */
/*
 * The file is read once, front to back.  A trace is printed, and its memory
 * freed, once its run is over (trace.c: the TTL restarts, or the flow has
 * been silent for HT_RUN_GAP of capture time, checked every EXPIRE_EVERY
 * packets) and every trace that began before it has been printed; so
 * memory holds only the traces in progress, not the file, and each packet
 * costs the same whatever came before it.
 */
#ifdef HAVE_CONFIG_H
#include <config.h>
#endif

#include <stdio.h>
#include <string.h>

#include "engine/names.h"
#include "engine/replay.h"
#include "match/trace.h"
#include "mode/trace/trace_mode.h"
#include "wire/decode.h"

#define EXPIRE_EVERY	4096	/* packets between expiry sweeps */

static void
flush_ready(struct ht_matcher *m, const struct ht_outctx *o, int json,
    int eof, struct ht_replay_stats *st)
{
	struct ht_trace *t;
	uint32_t probed[8], i;
	uint8_t ttl, last;

	while ((t = ht_matcher_ready(m, eof)) != NULL) {
		last = ht_trace_last_ttl(t);
		ht_names_lookup_trace(o->names, t, !json, last,
		    HT_NAME_WAIT_MS);
		if (json)
			ht_json_trace(o, t, last, t->t_last);
		else {
			/* the TTLs probed, in one pass over the probes */
			memset(probed, 0, sizeof(probed));
			for (i = 0; i < t->n; i++)
				probed[t->p[i].ttl >> 5] |=
				    1u << (t->p[i].ttl & 31);
			ht_text_header(o, t);
			for (ttl = t->min_ttl; ttl >= t->min_ttl && ttl <= last;
			    ttl++) {
				if (probed[ttl >> 5] & (1u << (ttl & 31)))
					ht_text_hop(o, t, ttl);
				if (ttl == 255)
					break;
			}
		}
		st->traces++;
		ht_trace_free(m, t);
	}
}

int
ht_replay_run(struct ht_capture *cap, const struct ht_outctx *o, int json,
    ht_ns wait, struct ht_replay_stats *st, char *err)
{
	struct ht_matcher m;
	struct ht_pkt pkt;
	struct ht_match res;
	ht_ns ts, latest = 0;

	if (ht_replay_start(cap, st, err) < 0)
		return -1;
	ht_matcher_init(&m, 1, wait);
	while (ht_replay_next(cap, &pkt, &ts, st)) {
		if (ts > latest)
			latest = ts;
		if (pkt.kind != HT_PKT_OTHER)
			ht_match_packet(&m, &pkt, ts, &res);
		if (st->packets % EXPIRE_EVERY == 0) {
			ht_matcher_expire(&m, latest);
			flush_ready(&m, o, json, 0, st);
		}
	}
	if (ht_replay_end(cap, st, err) < 0) {
		ht_matcher_free(&m);
		return -1;
	}
	flush_ready(&m, o, json, 1, st);
	ht_matcher_free(&m);
	return 0;
}

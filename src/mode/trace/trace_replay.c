/* \summary: trace replay: stream a capture through decode and the matcher */
/*
 * The file is read once, front to back.  A trace is printed, and its memory
 * freed, once its run is over (trace.c: the TTL restarts, or the flow has
 * been silent for HT_RUN_GAP of capture time, checked every HT_REPLAY_EXPIRE
 * packets) and every trace that began before it has been printed; so
 * memory holds only the traces in progress, not the file, and each packet
 * costs the same whatever came before it.
 *
 * A trace that hoptrace's own -w wrote (a start note of mode trace names
 * its identity, wire/note.h) is printed as the live run printed it: the
 * live header (the destination as typed, the hops max, the probes per
 * hop), the hops from -f until the destination or --gap silent hops in a
 * row (as trace_live.c stops), and in JSON the end time the run recorded.
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
#include "wire/note.h"

/* The live run's options, from its start note. */
struct live_opts {
	struct ht_outctx o;
	char host[256];
	long first, max, gap;
	ht_ns t_end;		/* the run's end (its end note); 0 none */
};

/* Is t a trace hoptrace's own -w recorded?  1 with *lo filled in. */
static int
live_note(const struct ht_replay *rd, const struct ht_trace *t,
    const struct ht_outctx *o, struct live_opts *lo)
{
	const struct ht_note *n;
	char mode[16], v[32];
	long x;

	n = ht_replay_note(rd, "start", &t->src, &t->dst, t->proto, t->ident);
	if (n == NULL || !ht_note_get(n, "mode", mode, sizeof(mode)) ||
	    strcmp(mode, "trace") != 0 ||
	    !ht_note_long(n, "first", 1, 255, &lo->first) ||
	    !ht_note_long(n, "max", 1, 255, &lo->max) ||
	    !ht_note_long(n, "gap", 1, 255, &lo->gap) ||
	    !ht_note_long(n, "queries", 1, 255, &x))
		return 0;
	/*
	 * The text's header stays the replay's (CONTRACT: source,
	 * destination, protocol, the first probe's capture time); the hops
	 * and -j's end are the live run's.
	 */
	lo->o = *o;
	lo->o.max_hops = (int)lo->max;
	lo->o.queries = (int)x;
	lo->o.first_ttl = (uint8_t)lo->first;
	lo->o.paris = ht_note_long(n, "paris", 0, 1, &x) && x;
	lo->o.dst_name = ht_note_get(n, "host", lo->host, sizeof(lo->host)) ?
	    lo->host : NULL;
	lo->t_end = 0;
	n = ht_replay_note(rd, "end", &t->src, &t->dst, t->proto, t->ident);
	if (n != NULL && ht_note_get(n, "t_end", v, sizeof(v)))
		sscanf(v, "%llu", (unsigned long long *)&lo->t_end);
	return 1;
}

/*
 * The last TTL the live run printed: from -f up, a hop at a time, until
 * the destination's hop (or -m), or --gap silent hops in a row, or a hop
 * the capture holds no probe for (the run was stopped before it).  0:
 * none.  Marks the TTLs probed in probed[].
 */
static uint8_t
live_last(const struct ht_trace *t, const struct live_opts *lo,
    const uint32_t probed[8])
{
	long limit = t->end_ttl ? t->end_ttl : lo->max, ttl, answered;
	uint8_t last = 0;

	answered = lo->first - 1;
	for (ttl = lo->first; ttl <= limit && ttl <= 255; ttl++) {
		if (!(probed[ttl >> 5] & (1u << (ttl & 31))))
			break;
		last = (uint8_t)ttl;
		if (ht_trace_hop_answered(t, (uint8_t)ttl))
			answered = ttl;
		if (ttl - answered >= lo->gap)
			break;
	}
	return last;
}

/* What the replay loop hands the finished traces to. */
struct treplay {
	struct ht_replay *rd;
	const struct ht_outctx *o;
	int json;
};

static int
flush_ready(void *arg, struct ht_matcher *m, int eof, char *err)
{
	const struct treplay *tr = arg;
	struct ht_replay *rd = tr->rd;
	const struct ht_outctx *o = tr->o;
	int json = tr->json;
	struct live_opts lo;
	const struct ht_outctx *oo;
	struct ht_trace *t;
	uint32_t probed[8], i;
	uint8_t ttl, first, last;
	int live;

	while ((t = ht_matcher_ready(m, eof)) != NULL) {
		/* the TTLs probed, in one pass over the probes */
		memset(probed, 0, sizeof(probed));
		for (i = 0; i < t->n; i++)
			probed[t->p[i].ttl >> 5] |= 1u << (t->p[i].ttl & 31);
		live = live_note(rd, t, o, &lo);
		oo = live ? &lo.o : o;
		first = live ? (uint8_t)lo.first : t->min_ttl;
		last = live ? live_last(t, &lo, probed) : ht_trace_last_ttl(t);
		if (oo->rows) {
			/* the replies the text shows, a row each */
			ht_rows_trace(oo, t, first, last, rd->st.traces + 1);
			rd->st.traces++;
			ht_trace_free(m, t);
			continue;
		}
		ht_names_lookup_trace(oo->names, t, !json, last,
		    HT_NAME_WAIT_MS);
		if (json)
			ht_json_trace(oo, t, last, live && lo.t_end ? lo.t_end :
			    t->t_last);
		else {
			ht_text_header(oo, t);
			for (ttl = first; ttl >= first && ttl <= last; ttl++) {
				if (probed[ttl >> 5] & (1u << (ttl & 31)))
					ht_text_hop(oo, t, ttl);
				if (ttl == 255)
					break;
			}
		}
		rd->st.traces++;
		ht_trace_free(m, t);
	}
	(void)err;
	return 0;
}

int
ht_replay_run(struct ht_replay *rd, const struct ht_outctx *o, int json,
    ht_ns wait, char *err)
{
	struct treplay tr = { rd, o, json };

	return ht_replay_traces(rd, wait, 0, flush_ready, &tr, err);
}

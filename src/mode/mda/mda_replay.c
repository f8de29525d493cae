/* \summary: MDA replay: every trace of a capture rebuilt as a multipath graph */
/*
 * The same reading as replay.c (decode, the matcher in learning mode), with
 * the matcher told that a probe to a lower TTL continues a trace (MDA goes
 * back to earlier hops for more flows); each finished trace becomes a
 * graph, rendered like a live run's.
 *
 * A trace that hoptrace's own --mda -w wrote (a start note of mode mda
 * names its identity, wire/note.h) is rendered as the live run rendered
 * it: its header (the destination as typed, the hops max, MDA-Lite or
 * full, the confidence asked), and what the run decided that no packet
 * shows, from its end note: the hops MDA-Lite gave to full MDA and why,
 * and whether --max-probes ended it (in st, for main's warning).
 */
#ifdef HAVE_CONFIG_H
#include <config.h>
#endif

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine/replay.h"
#include "match/trace.h"
#include "mode/mda/mda.h"
#include "wire/decode.h"
#include "wire/note.h"

/* The live run's options and decisions, from its notes. */
struct live_opts {
	struct ht_outctx o;
	struct ht_mda_cfg mc;
	char host[256];
};

/* "4:1,5:3": hop 4 switched for reason 1, hop 5 for reason 3 */
static void
read_why(const char *s, uint8_t why[256])
{
	unsigned long h, w;
	char *end;

	while (*s != '\0') {
		h = strtoul(s, &end, 10);
		if (end == s || *end != ':')
			return;
		s = end + 1;
		w = strtoul(s, &end, 10);
		if (end == s || h > 255 || w > 255)
			return;
		why[h] = (uint8_t)w;
		s = *end == ',' ? end + 1 : end;
		if (*end != ',' && *end != '\0')
			return;
	}
}

/*
 * Is t a trace hoptrace's own --mda -w recorded?  1 with *lo filled in
 * and g given the run's decisions, st its budget.
 */
static int
live_note(const struct ht_replay *rd, const struct ht_trace *t,
    const struct ht_outctx *o, const struct ht_mda_cfg *mc,
    struct live_opts *lo, struct ht_mda_graph *g, struct ht_mda_stats *st)
{
	const struct ht_note *n;
	char v[512];
	long x, max;
	double pct;

	n = ht_replay_note(rd, "start", &t->src, &t->dst, t->proto, t->ident);
	if (n == NULL || !ht_note_get(n, "mode", v, sizeof(v)) ||
	    strcmp(v, "mda") != 0 || !ht_note_long(n, "max", 1, 255, &max) ||
	    !ht_note_get(n, "mda", v, sizeof(v)) ||
	    (strcmp(v, "lite") != 0 && strcmp(v, "full") != 0))
		return 0;
	lo->o = *o;
	lo->o.live = 1;
	lo->o.max_hops = (int)max;
	lo->o.dst_name = ht_note_get(n, "host", lo->host, sizeof(lo->host)) ?
	    lo->host : NULL;
	lo->mc = *mc;
	lo->mc.lite = strcmp(v, "lite") == 0;
	/* as mda_cmd.c turns --confidence (percent) into the run's */
	if (ht_note_get(n, "confidence", v, sizeof(v)) &&
	    sscanf(v, "%lf", &pct) == 1)
		lo->mc.confidence = pct / 100;
	if (ht_note_long(n, "max_probes", 1, 0xffffffffL, &x))
		lo->mc.max_probes = (uint32_t)x;
	g->lite = (uint8_t)lo->mc.lite;
	n = ht_replay_note(rd, "end", &t->src, &t->dst, t->proto, t->ident);
	if (n != NULL) {
		if (ht_note_get(n, "why", v, sizeof(v)))
			read_why(v, g->why);
		if (ht_note_long(n, "budget", 0, 1, &x) && x) {
			st->budget_spent = 1;
			st->max_probes = lo->mc.max_probes;
		}
	}
	return 1;
}

/* What the replay loop hands the finished traces to. */
struct mreplay {
	struct ht_replay *rd;
	const struct ht_mda_cfg *mc;
	const struct ht_outctx *o;
	struct ht_mda_stats *st;
};

static int
flush_ready(void *arg, struct ht_matcher *m, int eof, char *err)
{
	const struct mreplay *mr = arg;
	struct ht_replay *rd = mr->rd;
	const struct ht_mda_cfg *mc = mr->mc;
	const struct ht_outctx *o = mr->o;
	struct ht_mda_stats *st = mr->st;
	struct ht_mda_graph g;
	struct live_opts lo;
	const struct ht_outctx *oo = o;
	const struct ht_mda_cfg *mm = mc;
	struct ht_trace *t;

	while ((t = ht_matcher_ready(m, eof)) != NULL) {
		if (o->rows) {
			/* every reply of every flow, a row each */
			ht_rows_trace(o, t, 0, 255, rd->st.traces + 1);
			rd->st.traces++;
			ht_trace_free(m, t);
			continue;
		}
		if (ht_mda_graph_build(t, &g) < 0) {
			snprintf(err, HT_ERRBUF, "out of memory");
			return -1;
		}
		if (live_note(rd, t, o, mc, &lo, &g, st)) {
			oo = &lo.o;
			mm = &lo.mc;
		} else {
			oo = o;
			mm = mc;
		}
		ht_mda_names(oo->names, &g);
		if (mc->json)
			ht_mda_json(oo, &g);
		else if (mc->dot)
			ht_mda_dot(oo, &g);
		else
			ht_mda_text(oo, mm, &g);
		ht_mda_graph_free(&g);
		rd->st.traces++;
		ht_trace_free(m, t);
	}
	return 0;
}

int
ht_mda_replay_run(struct ht_replay *rd, const struct ht_mda_cfg *mc,
    const struct ht_outctx *o, ht_ns wait, struct ht_mda_stats *st,
    char *err)
{
	struct mreplay mr = { rd, mc, o, st };

	memset(st, 0, sizeof(*st));
	return ht_replay_traces(rd, wait, 1, flush_ready, &mr, err);
}

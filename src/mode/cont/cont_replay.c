/* \summary: continuous-mode replay: every trace of a capture as a statistics table */
/*
 * The same reading as replay.c (decode, the matcher learning traces from
 * the probes it sees; a tool's rounds, mtr's or hoptrace -c's, stay one
 * trace); each finished trace is fed to the model, every probe without a
 * reply counted as lost, and rendered as a live run's is.
 *
 * UDP and TCP rounds with Paris flows repeat their probes' fields every
 * round, so the matcher starts a new trace of the same identity each
 * round (trace.c: restarts).  A trace that probes each TTL once, of the
 * same identity as the table in progress and starting within HT_RUN_GAP
 * of its end, is taken as that table's next round.
 *
 * With --flows=K the table is K tables, the probes shared out by their
 * flow identifier (cont_model.h, ht_cont_set), as a live run of K flows
 * keeps them.
 *
 * A capture hoptrace's own rounds wrote with -w (a start note of mode
 * cont, wire/note.h) is rendered as the live run rendered it: mtr's
 * "HOST:" is the name of the host it ran on, the destination as typed,
 * and its --flows unless the replay gives its own.
 */
#ifdef HAVE_CONFIG_H
#include <config.h>
#endif

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine/replay.h"
#include "match/trace.h"
#include "mode/cont/cont.h"
#include "wire/decode.h"
#include "wire/note.h"

static int
is_icmp_proto(uint8_t proto)
{
	return proto == HT_PROTO_ICMP || proto == HT_PROTO_ICMP6;
}

/* The table in progress: its identity, and rounds before this trace. */
struct pending {
	int open;
	uint32_t ident, rounds;
};

/* Does the trace probe each TTL once (a round, or rounds of one)? */
static int
one_per_ttl(const struct ht_trace *t)
{
	return t->n <= (uint32_t)(t->max_ttl - t->min_ttl + 1) * t->rounds;
}

static int
continues(const struct pending *pd, const struct ht_cont_set *fs,
    const struct ht_trace *t)
{
	const struct ht_cont_model *md = fs->flow[0];

	return pd->open && !is_icmp_proto(t->proto) && one_per_ttl(t) &&
	    t->ident == pd->ident && t->proto == md->proto &&
	    ht_addr_eq(&t->src, &md->src) && ht_addr_eq(&t->dst, &md->dst) &&
	    t->t_first < md->t_last + HT_RUN_GAP;
}

static void
render(struct pending *pd, struct ht_cont_set *fs, const struct ht_cont_cfg *cc,
    const struct ht_outctx *o, struct ht_replay_stats *st)
{
	if (!pd->open)
		return;
	ht_cont_names_set(fs, o->names, 200);
	ht_cont_render_set(o, cc, fs);
	st->traces++;
	pd->open = 0;
}

/* The live run's options, from its start note. */
struct live_opts {
	struct ht_cont_cfg cc;
	char local[256], host[256];
};

/*
 * cc as the live run that wrote the capture had it, where a start note
 * of mode cont says (its flows only if cc has none); else cc itself.
 */
static const struct ht_cont_cfg *
live_cfg(const struct ht_replay *rd, const struct ht_cont_cfg *cc,
    struct live_opts *lo)
{
	const struct ht_note *n;
	char mode[16];
	long k;

	n = ht_replay_note(rd, "start", NULL, NULL, -1, -1);
	if (n == NULL || !ht_note_get(n, "mode", mode, sizeof(mode)) ||
	    strcmp(mode, "cont") != 0)
		return cc;
	lo->cc = *cc;
	if (ht_note_get(n, "local", lo->local, sizeof(lo->local)))
		lo->cc.local = lo->local;
	if (ht_note_get(n, "host", lo->host, sizeof(lo->host)))
		lo->cc.dst_name = lo->host;
	if (cc->flows == 0 && ht_note_long(n, "flows", 1, 64, &k))
		lo->cc.flows = (uint32_t)k;
	return &lo->cc;
}

/* What the replay loop hands the finished traces to. */
struct creplay {
	const struct ht_cont_cfg *cc;
	struct ht_cont_set *fs;
	struct pending *pd;
	const struct ht_outctx *o;
	struct ht_replay_stats *st;
};

static int
flush_ready(void *arg, struct ht_matcher *m, int eof, char *err)
{
	const struct creplay *cr = arg;
	const struct ht_cont_cfg *cc = cr->cc;
	struct ht_cont_set *fs = cr->fs;
	struct pending *pd = cr->pd;
	const struct ht_outctx *o = cr->o;
	struct ht_replay_stats *st = cr->st;
	struct ht_trace *t;

	while ((t = ht_matcher_ready(m, eof)) != NULL) {
		if (o->rows) {
			/* every round's replies, a row each */
			ht_rows_trace(o, t, 0, ht_trace_last_ttl(t),
			    st->traces + 1);
			st->traces++;
			ht_trace_free(m, t);
			continue;
		}
		if (continues(pd, fs, t)) {
			pd->rounds = fs->flow[0]->rounds;
			fs->next = 0;
		} else {
			render(pd, fs, cc, o, st);
			ht_cont_set_init(fs, t);
			pd->open = 1;
			pd->ident = t->ident;
			pd->rounds = 0;
		}
		ht_cont_set_feed(fs, t, 1, 1);
		if (fs->maxflows == 1)
			fs->flow[0]->rounds = pd->rounds + t->rounds;
		if (!one_per_ttl(t) || is_icmp_proto(t->proto))
			render(pd, fs, cc, o, st);
		ht_trace_free(m, t);
	}
	if (eof)
		render(pd, fs, cc, o, st);
	(void)err;
	return 0;
}

int
ht_cont_replay_run(struct ht_replay *rd, const struct ht_cont_cfg *ccin,
    const struct ht_outctx *o, ht_ns wait, char *err)
{
	struct live_opts lo;
	struct ht_cont_set fs;
	struct pending pd;
	struct creplay cr;
	int rc;

	memset(&pd, 0, sizeof(pd));
	/* the start note is the capture's first frame */
	ht_replay_prefetch(rd, 0, 1);
	cr.cc = live_cfg(rd, ccin, &lo);
	if (ht_cont_set_new(&fs, cr.cc->flows ? cr.cc->flows : 1, NULL) < 0) {
		snprintf(err, HT_ERRBUF, "out of memory");
		return -1;
	}
	cr.fs = &fs;
	cr.pd = &pd;
	cr.o = o;
	cr.st = &rd->st;
	rc = ht_replay_traces(rd, wait, 0, flush_ready, &cr, err);
	ht_cont_set_free(&fs);
	return rc;
}

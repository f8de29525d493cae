/* \summary: the one-path trace as an entry of main.c's table of modes */
#ifdef HAVE_CONFIG_H
#include <config.h>
#endif

#include "engine/mode.h"
#include "engine/note.h"
#include "mode/trace/trace_mode.h"

/*
 * The trace has no options of its own (the shared ones are its) and sends
 * the probes they describe: no setup.
 */

static int
mode_live(const void *m, void *run, const struct ht_cmd *c,
    struct ht_mode_live *r, char *err)
{
	struct ht_live_stats ls;
	struct ht_note n;
	int rc;

	(void)run;
	(void)m;
	rc = ht_trace_run(r->cfg, &r->net, r->pr, r->out, &ls, err);
	r->unanswered = ls.unanswered;
	if (rc >= 0 && c->wfile != NULL) {
		/* the -w file's last frame: when -j's trace ended */
		ht_note_init(&n, "end");
		ht_note_identity(&n, r->cfg);
		ht_note_putf(&n, "t_end", "%llu", (unsigned long long)ls.t_end);
		(void)ht_note_dump(r->cap, &n);
	}
	return rc;
}

static int
mode_replay(const void *m, void *run, const struct ht_cmd *c,
    struct ht_replay *rd, struct ht_outctx *o, char *warning, char *err)
{
	(void)run;
	(void)m;
	(void)warning;
	return ht_replay_run(rd, o, c->json, (ht_ns)(c->wait * 1e9), err);
}

const struct ht_mode ht_mode_trace = {
	.name = "trace",
	.note = "trace",
	.opts_size = 0,
	.shortopts = "",
	.ports_rise = 1,
	.live = mode_live,
	.replay = mode_replay,
};

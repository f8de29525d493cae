/* \summary: multipath discovery's options: parsed, checked, turned into the driver's configuration */
#ifdef HAVE_CONFIG_H
#include <config.h>
#endif

#include <getopt.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include "engine/cmd.h"
#include "engine/mode.h"
#include "engine/note.h"
#include "io/route.h"
#include "mode/mda/mda.h"

struct ht_mda_cmd {
	int mode;		/* 0 none, 1 full, 2 lite */
	int given;		/* --confidence or --max-probes given */
	int dot;
	double confidence;	/* percent */
	long max_probes;
};

enum { OPT_MDA = HT_CMD_OPT_MDA, OPT_CONFIDENCE, OPT_MAX_PROBES, OPT_DOT };

static const struct option longopts[] = {
	{ "mda", optional_argument, NULL, OPT_MDA },
	{ "confidence", required_argument, NULL, OPT_CONFIDENCE },
	{ "max-probes", required_argument, NULL, OPT_MAX_PROBES },
	{ "dot", no_argument, NULL, OPT_DOT },
	{ NULL, 0, NULL, 0 }
};

static const char help[] =
"Multipath (MDA):\n"
"      --mda[=lite|full]    find every path through per-flow load balancers\n"
"                           (UDP unless -T or -I): MDA-Lite, which switches\n"
"                           to full MDA where it finds meshing or uneven\n"
"                           splits [lite]\n"
"      --confidence=P       chance of seeing every next hop, 50..99.9999 % [95]\n"
"      --max-probes=N       probes in all at most, 1..65535 [5000]\n"
"      --dot                the graph in Graphviz DOT instead of text\n";

static const struct ht_mda_cmd defaults = {
	.confidence = 95,
	.max_probes = 5000,
};

static const struct ht_cmd_num nums[] = {
	{ OPT_CONFIDENCE, "confidence (--confidence)", 50, 99.9999, "percent",
	    offsetof(struct ht_mda_cmd, confidence) },
	{ OPT_MAX_PROBES, "max probes (--max-probes)", 1, 65535, NULL,
	    offsetof(struct ht_mda_cmd, max_probes) },
	{ 0, NULL, 0, 0, NULL, 0 }
};

static int
mda_opt(void *opts, int c, const char *arg, char *err)
{
	struct ht_mda_cmd *m = opts;
	int r;

	if ((r = ht_cmd_nums(nums, m, c, arg, err)) != 0) {
		m->given = 1;
		return r;
	}
	switch (c) {
	case OPT_MDA:
		if (arg == NULL || strcmp(arg, "lite") == 0)
			m->mode = 2;
		else if (strcmp(arg, "full") == 0)
			m->mode = 1;
		else
			HT_CMD_FAIL("--mda takes lite or full, not '%s'", arg);
		return 1;
	case OPT_DOT:
		m->dot = 1;
		return 1;
	}
	return 0;
}

static int
mda_check(const void *opts, struct ht_cmd *c, char *err)
{
	const struct ht_mda_cmd *m = opts;

	/* --dot is a form: a replay gives it without --mda */
	if (!m->mode && (m->given || (m->dot && c->rfile == NULL)))
		HT_CMD_FAIL("--confidence, --max-probes and --dot need --mda");
	if (c->json && m->dot)
		HT_CMD_FAIL("-j and --dot cannot be used together");
	if (c->rows && m->dot)
		HT_CMD_FAIL("--rows and --dot cannot be used together");
	if (!m->mode)
		return 0;
	if (!c->method_set)
		c->method = HT_METHOD_UDP;
	/* ICMP: the checksum carries the flow (port + flow) */
	if (c->rfile == NULL && c->method == HT_METHOD_ICMP &&
	    c->port > 65534)
		HT_CMD_FAIL("port (-p %ld) too high for ICMP --mda: the "
		    "checksum carries the flow, port + flow in 1..65534",
		    c->port);
	return 0;
}

static void
mda_cfg(const struct ht_mda_cmd *m, const struct ht_cmd *c,
    struct ht_mda_cfg *mc)
{
	memset(mc, 0, sizeof(*mc));
	mc->lite = m->mode == 2;
	mc->confidence = m->confidence / 100;
	mc->max_probes = (uint32_t)m->max_probes;
	mc->dot = m->dot;
	mc->json = c->json;
}

/* ---- the entry in main.c's table of modes (engine/mode.h) ---- */

static int
mda_on(const void *opts)
{
	const struct ht_mda_cmd *m = opts;

	/* --dot is a form of output: with -r it asks for a graph */
	return m->mode != 0 || m->dot;
}

/* Paris probes, flow i's port (or ICMP checksum) -p + i, set per probe. */
static void
mode_setup(const void *m, const struct ht_cmd *c, struct ht_live_cfg *cfg)
{
	(void)m;
	(void)c;
	cfg->probe.paris = 1;
	cfg->probe.cksum_flow = 1;
}

/*
 * The -w file's last frame: what the run decided that its packets do not
 * show (MDA-Lite's switches to full MDA, and whether the budget ran out).
 */
static void
note_end(const struct ht_mode_live *r, const struct ht_mda_stats *ms)
{
	struct ht_note n;
	char why[1024];
	size_t used = 0;
	unsigned int h;
	int w;

	ht_note_init(&n, "end");
	ht_note_identity(&n, r->cfg);
	why[0] = '\0';
	for (h = 0; h < 256; h++) {
		if (ms->why[h] == 0)
			continue;
		w = snprintf(why + used, sizeof(why) - used, "%s%u:%u",
		    used ? "," : "", h, ms->why[h]);
		if (w < 0 || (size_t)w >= sizeof(why) - used)
			break;
		used += (size_t)w;
	}
	ht_note_put(&n, "why", why);
	ht_note_putf(&n, "budget", "%d", ms->budget_spent ? 1 : 0);
	(void)ht_note_dump(r->cap, &n);
}

/* What the start note says of an MDA run beyond the shared options. */
static void
mda_note(const void *opts, const struct ht_cmd *c, struct ht_note *n)
{
	const struct ht_mda_cmd *m = opts;

	(void)c;
	ht_note_put(n, "mda", m->mode == 2 ? "lite" : "full");
	ht_note_putf(n, "confidence", "%.17g", m->confidence);
	ht_note_putf(n, "max_probes", "%ld", m->max_probes);
}

static int
mode_live(const void *m, void *run, const struct ht_cmd *c,
    struct ht_mode_live *r, char *err)
{
	const struct ht_mda_cmd *md = m;
	struct ht_mda_cfg mc;
	struct ht_mda_stats ms;
	int rc;

	(void)run;
	mda_cfg(md, c, &mc);
	/*
	 * TTL 1 is the next hop of this host's route: where the table's
	 * entry has one, one answer there is the whole first hop.
	 */
	mc.first_single = ht_route_nexthops(&r->cfg->probe.dst,
	    r->cfg->probe.dev) == 1;
	rc = ht_mda_run(r->cfg, &mc, &r->net, r->pr, r->out, &ms, err);
	if (rc >= 0 && ms.budget_spent)
		snprintf(r->warning, sizeof(r->warning), "--max-probes %ld "
		    "spent; the graph may miss paths", md->max_probes);
	if (rc >= 0 && c->wfile != NULL)
		note_end(r, &ms);
	return rc;
}

static int
mode_replay(const void *m, void *run, const struct ht_cmd *c,
    struct ht_replay *rd, struct ht_outctx *o, char *warning, char *err)
{
	struct ht_mda_cfg mc;
	struct ht_mda_stats ms;
	int rc;

	(void)run;
	mda_cfg(m, c, &mc);
	memset(&ms, 0, sizeof(ms));
	rc = ht_mda_replay_run(rd, &mc, o, (ht_ns)(c->wait * 1e9), &ms, err);
	/* as the live run that wrote the capture warned */
	if (rc >= 0 && ms.budget_spent)
		snprintf(warning, HT_ERRBUF, "--max-probes %lu spent; the graph "
		    "may miss paths", (unsigned long)ms.max_probes);
	return rc;
}

const struct ht_mode ht_mode_mda = {
	.name = "mda",
	.note = "mda",
	.note_fill = mda_note,
	.opts_size = sizeof(struct ht_mda_cmd),
	.shortopts = "",
	.longopts = longopts,
	.help = help,
	.defaults = &defaults,
	.opt = mda_opt,
	.on = mda_on,
	.check = mda_check,
	.setup = mode_setup,
	.live = mode_live,
	.replay = mode_replay,
};

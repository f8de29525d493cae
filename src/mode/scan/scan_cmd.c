/* \summary: the many-targets options: parsed, checked, turned into the driver's configuration */
#ifdef HAVE_CONFIG_H
#include <config.h>
#endif

#include <getopt.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include "engine/cmd.h"
#include "engine/mode.h"
#include "mode/scan/scan.h"

struct ht_scan_cmd {
	const char *targets;	/* --targets */
	int skip_bad, stop_set;
	int given;		/* --rate, --per-prefix, --skip-bad or
				 * --stop-set given */
	double rate;
	long per_prefix;
};

enum { OPT_TARGETS = HT_CMD_OPT_SCAN, OPT_RATE, OPT_PER_PREFIX,
	OPT_SKIP_BAD, OPT_STOP_SET };

static const struct option longopts[] = {
	{ "targets", required_argument, NULL, OPT_TARGETS },
	{ "rate", required_argument, NULL, OPT_RATE },
	{ "per-prefix", required_argument, NULL, OPT_PER_PREFIX },
	{ "skip-bad", no_argument, NULL, OPT_SKIP_BAD },
	{ "stop-set", no_argument, NULL, OPT_STOP_SET },
	{ NULL, 0, NULL, 0 }
};

static const char help[] =
"Many targets:\n"
"      --targets=FILE       trace every address or prefix in FILE (- stdin),\n"
"                           probes in a random order, stateless\n"
"      --rate=PPS           probes a second, 1..1000000 [1000]\n"
"      --per-prefix=N       one random address in each /N of a prefix, 1..128\n"
"      --skip-bad           skip bad lines of FILE (with a warning)\n"
"      --stop-set           skip TTLs below an interface seen for another\n"
"                           target (Doubletree's stop set)\n";

static const struct ht_scan_cmd defaults = {
	.rate = HT_SCAN_RATE,
};

static const struct ht_cmd_num nums[] = {
	{ OPT_RATE, "rate (--rate)", 1, 1000000, "probes a second",
	    offsetof(struct ht_scan_cmd, rate) },
	{ OPT_PER_PREFIX, "per-prefix (--per-prefix)", 1, 128, NULL,
	    offsetof(struct ht_scan_cmd, per_prefix) },
	{ 0, NULL, 0, 0, NULL, 0 }
};

static int
scan_opt(void *opts, int c, const char *arg, char *err)
{
	struct ht_scan_cmd *s = opts;
	int r;

	if ((r = ht_cmd_nums(nums, s, c, arg, err)) != 0) {
		s->given = 1;
		return r;
	}
	switch (c) {
	case OPT_TARGETS:
		s->targets = arg;
		return 1;
	case OPT_SKIP_BAD:
		s->skip_bad = s->given = 1;
		return 1;
	case OPT_STOP_SET:
		s->stop_set = s->given = 1;
		return 1;
	}
	return 0;
}

static int
scan_on(const void *opts)
{
	const struct ht_scan_cmd *s = opts;

	return s->targets != NULL;
}

static int
scan_check(const void *opts, struct ht_cmd *c, char *err)
{
	const struct ht_scan_cmd *s = opts;

	/* --rows is a form of the scan's, or of any capture's replay */
	if (c->json && c->rows)
		HT_CMD_FAIL("--rows and -j cannot be used together (a row a "
		    "reply, or a trace a target)");
	if (!scan_on(s)) {
		if (s->given)
			HT_CMD_FAIL("--rate, --per-prefix, --skip-bad and "
			    "--stop-set need --targets");
		if (c->rows && c->rfile == NULL)
			HT_CMD_FAIL("--rows needs --targets (or -r FILE)");
		return 0;
	}
	if (c->paris)
		HT_CMD_FAIL("--targets keeps each target's flow constant "
		    "already (--paris is not needed)");
	if (!c->rows && !c->json)
		HT_CMD_FAIL("--targets needs --rows (a JSON row a reply) or -j "
		    "(Atlas JSON a target)");
	if (!c->max_set)
		c->max = HT_SCAN_MAX_HOPS;
	if (c->first > c->max)
		HT_CMD_FAIL("first TTL (-f %ld) must not be above max hops "
		    "(-m %ld)", c->first, c->max);
	if (c->max - c->first + 1 > HT_SCAN_TTLS)
		HT_CMD_FAIL("--targets probes at most %d TTLs (-f %ld -m %ld "
		    "asks %ld)", HT_SCAN_TTLS, c->first, c->max,
		    c->max - c->first + 1);
	if (s->targets != NULL && c->port < 0)
		c->port = c->method == HT_METHOD_TCP ? 80 : 33434;
	return 0;
}

static void
scan_cfg(const struct ht_scan_cmd *s, const struct ht_cmd *c,
    struct ht_scan_cfg *sc)
{
	memset(sc, 0, sizeof(*sc));
	sc->targets = s->targets;
	sc->per_prefix = (unsigned int)s->per_prefix;
	sc->skip_bad = s->skip_bad;
	sc->rate = s->rate;
	sc->first_ttl = (uint8_t)c->first;
	sc->max_ttl = (uint8_t)c->max;
	sc->gap = (int)c->gap;
	sc->stop_set = s->stop_set;
	sc->wait = (ht_ns)(c->wait * 1e9);
	sc->af = c->af;
	sc->dev = c->dev;
	sc->src = c->src;
	sc->user = c->user;
	sc->wfile = c->wfile;
	sc->rfile = c->rfile;
	sc->rows = c->rows;
	sc->json = c->json;
	sc->proto = c->method == HT_METHOD_UDP ? HT_PROTO_UDP :
	    c->method == HT_METHOD_TCP ? HT_PROTO_TCP : 0;
	sc->port = (uint16_t)(c->port > 0 ? c->port : 0);
}

/* ---- the entry in main.c's table of modes (engine/mode.h) ---- */

/* Before anything opens: the seed, the targets file. */
static int
scan_prepare(const void *opts, const struct ht_cmd *c, void **run, char *err)
{
	struct ht_scan_cfg sc;

	scan_cfg(opts, c, &sc);
	return ht_scan_prepare(&sc, run, err);
}

/* Many targets: their capture and senders are the run's own. */
static int
scan_live(const void *opts, void *run, const struct ht_cmd *c,
    struct ht_mode_live *r, char *err)
{
	(void)opts;
	(void)c;
	return ht_scan_live_run(run, r->cap, r->cfg->started,
	    r->cfg->started_arg, &r->drops_told, stdout, err);
}

static int
scan_replay(const void *opts, void *run, const struct ht_cmd *c,
    struct ht_replay *rd, struct ht_outctx *o, char *warning, char *err)
{
	(void)opts;
	(void)o;
	(void)warning;
	return ht_scan_replay_run(run, rd, c->json, stdout, err);
}

const struct ht_mode ht_mode_scan = {
	.name = "scan",
	.note = "scan",
	.sniff = ht_scan_replay_sniff,
	.opts_size = sizeof(struct ht_scan_cmd),
	.shortopts = "",
	.longopts = longopts,
	.help = help,
	.nohost = "--targets",
	.numeric = 1,
	.defaults = &defaults,
	.opt = scan_opt,
	.on = scan_on,
	.check = scan_check,
	.prepare = scan_prepare,
	.release = ht_scan_release,
	.live = scan_live,
	.replay = scan_replay,
};

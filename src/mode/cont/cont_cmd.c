/* \summary: the rounds options: parsed, checked, turned into the driver's configuration */
#ifdef HAVE_CONFIG_H
#include <config.h>
#endif

#include <getopt.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "engine/cmd.h"
#include "engine/mode.h"
#include "engine/note.h"
#include "mode/cont/cont.h"

struct ht_cont_cmd {
	int on;			/* -c, --interval, --report, --csv, --flows
				 * or -o given */
	long count;		/* -c: rounds, 0 until interrupted */
	int count_set;
	double interval;	/* --interval, seconds */
	int report, report_wide, csv;
	long flows;		/* --flows: Paris flows side by side */
	const char *fields;	/* -o: mtr's report fields */
};

#define HT_CONT_CMD_SHORT	"c:o:"

enum { OPT_INTERVAL = HT_CMD_OPT_CONT, OPT_REPORT, OPT_REPORT_WIDE, OPT_CSV,
	OPT_FLOWS };

static const struct option longopts[] = {
	{ "count", required_argument, NULL, 'c' },
	{ "interval", required_argument, NULL, OPT_INTERVAL },
	{ "report", no_argument, NULL, OPT_REPORT },
	{ "report-wide", no_argument, NULL, OPT_REPORT_WIDE },
	{ "csv", no_argument, NULL, OPT_CSV },
	{ "flows", required_argument, NULL, OPT_FLOWS },
	{ "order", required_argument, NULL, 'o' },
	{ NULL, 0, NULL, 0 }
};

static const char help[] =
"Rounds (mtr's statistics; one probe per hop a round, Paris flows):\n"
"  -c, --count=N            rounds, 0..10000000, 0 until interrupted\n"
"                           (the live screen's default) [10]\n"
"      --interval=S         seconds from a round to the next, 0.001..3600\n"
"                           (below 0.2 needs root) [1]\n"
"      --report             mtr's report table after the last round, no screen\n"
"      --report-wide        the same, host names never cut\n"
"      --csv                mtr's CSV instead of the table\n"
"      --flows=K            K Paris flows side by side, 1..64, a table each\n"
"                           (flow F: UDP/TCP port -p + F, ICMP checksum + F)\n"
"  -o, --order=FIELDS       mtr's fields and their order [LS NABWV]:\n"
"                           L D R S N B A W V G J M X I, space\n";

static const struct ht_cont_cmd defaults = {
	.count = 10,
	.interval = 1,
};

static const struct ht_cmd_num nums[] = {
	{ 'c', "count (-c)", 0, 10000000, NULL,
	    offsetof(struct ht_cont_cmd, count) },
	{ OPT_INTERVAL, "interval (--interval)", 0.001, 3600, "seconds",
	    offsetof(struct ht_cont_cmd, interval) },
	{ OPT_FLOWS, "flows (--flows)", 1, 64, NULL,
	    offsetof(struct ht_cont_cmd, flows) },
	{ 0, NULL, 0, 0, NULL, 0 }
};

static int
cont_opt(void *opts, int c, const char *arg, char *err)
{
	struct ht_cont_cmd *r = opts;
	int rc;

	if ((rc = ht_cmd_nums(nums, r, c, arg, err)) != 0) {
		r->on = 1;
		r->count_set |= c == 'c';
		return rc;
	}
	switch (c) {
	case OPT_REPORT:
		r->report = r->on = 1;
		return 1;
	case OPT_REPORT_WIDE:
		r->report_wide = r->on = 1;
		return 1;
	case OPT_CSV:
		r->csv = r->on = 1;
		return 1;
	case 'o':
		if (ht_cont_fields_ok(arg) < 0)
			HT_CMD_FAIL("fields (-o) '%s': 1 to %d of mtr's keys "
			    "L D R S N B A W V G J M X I and space", arg,
			    HT_CONT_MAXFIELDS);
		r->fields = arg;
		r->on = 1;
		return 1;
	}
	return 0;
}

static int
cont_check(const void *opts, struct ht_cmd *c, char *err)
{
	const struct ht_cont_cmd *r = opts;

	if (!r->on)
		return 0;
	if (c->queries_set)
		HT_CMD_FAIL("-q does not apply to rounds: a round sends one "
		    "probe per hop (-c sets the rounds)");
	if (c->json && r->csv)
		HT_CMD_FAIL("-j and --csv cannot be used together");
	if (c->rows && (r->report || r->report_wide || r->csv ||
	    r->fields != NULL))
		HT_CMD_FAIL("--rows and --report, --report-wide, --csv or -o "
		    "cannot be used together");
	/* ping(8)'s rule: a fast interval is for root only */
	if (c->rfile == NULL && r->interval < 0.2 && getuid() != 0)
		HT_CMD_FAIL("--interval below 0.2 s needs root (as ping's "
		    "interval does), not %g", r->interval);
	if (c->rfile != NULL)
		return 0;
	if (r->flows > 1 && c->method != HT_METHOD_ICMP && c->port > 0 &&
	    c->port + r->flows > 65536)
		HT_CMD_FAIL("port (-p %ld) too high for --flows=%ld: flow F "
		    "probes port -p + F - 1, which must stay below 65536",
		    c->port, r->flows);
	/* one probe per hop a round: a window of 30 hops */
	c->queries = 1;
	if (c->simq == 0)
		c->simq = 30;
	return 0;
}

static void
cont_cfg(const struct ht_cont_cmd *r, const struct ht_cmd *c,
    struct ht_cont_cfg *cc, char *host, size_t hostlen)
{
	memset(cc, 0, sizeof(*cc));
	cc->count = (uint32_t)r->count;
	cc->interval = (ht_ns)(r->interval * 1e9);
	cc->fmt = c->json ? HT_CONT_JSON : r->csv ? HT_CONT_CSV :
	    r->report_wide ? HT_CONT_WIDE : HT_CONT_REPORT;
	cc->wide = r->report_wide;
	/* on a terminal without --report, --csv or -j: the live screen */
	cc->screen = c->rfile == NULL && !r->report && !r->report_wide &&
	    !r->csv && !c->json && isatty(STDIN_FILENO) &&
	    isatty(STDOUT_FILENO);
	if (cc->screen && !r->count_set)
		cc->count = 0;		/* until q, as mtr's screen */
	if (gethostname(host, hostlen) < 0)
		snprintf(host, hostlen, "localhost");
	host[hostlen - 1] = '\0';
	cc->local = host;
	cc->dst_name = c->host;
	cc->fields = r->fields;
	cc->flows = r->flows ? (uint32_t)r->flows : 1;
	cc->pace = !c->send_set;
}

/* ---- the entry in main.c's table of modes (engine/mode.h) ---- */

static int
cont_on(const void *opts)
{
	const struct ht_cont_cmd *r = opts;

	return r->on;
}

/* Paris probes: each flow keeps one path round after round. */
static void
mode_setup(const void *m, const struct ht_cmd *c, struct ht_live_cfg *cfg)
{
	(void)m;
	(void)c;
	cfg->probe.paris = 1;
}

static int
mode_live(const void *m, void *run, const struct ht_cmd *c,
    struct ht_mode_live *r, char *err)
{
	struct ht_cont_cfg cc;
	char host[256], title[512], abuf[HT_ADDRSTRLEN];

	(void)run;
	cont_cfg(m, c, &cc, host, sizeof(host));
	ht_addr_str(&r->cfg->probe.dst, abuf);
	snprintf(title, sizeof(title), "hoptrace to %s (%s), %s, Paris",
	    c->host, abuf, c->method == HT_METHOD_UDP ? "UDP" :
	    c->method == HT_METHOD_TCP ? "TCP" : "ICMP");
	cc.title = title;
	return ht_cont_run(r->cfg, &cc, &r->net, r->pr, r->out, err);
}

static int
mode_replay(const void *m, void *run, const struct ht_cmd *c,
    struct ht_replay *rd, struct ht_outctx *o, char *warning, char *err)
{
	const struct ht_cont_cmd *r = m;
	struct ht_cont_cfg cc;
	char host[256];

	(void)run;
	(void)warning;
	cont_cfg(r, c, &cc, host, sizeof(host));
	cc.local = NULL;	/* a replay names the capture's source */
	cc.dst_name = NULL;
	cc.flows = (uint32_t)r->flows;	/* 0: the capture's */
	return ht_cont_replay_run(rd, &cc, o, (ht_ns)(c->wait * 1e9), err);
}

/* What the start note says of rounds beyond the shared options. */
static void
cont_note(const void *opts, const struct ht_cmd *c, struct ht_note *n)
{
	const struct ht_cont_cmd *r = opts;
	struct ht_cont_cfg cc;
	char host[256];

	cont_cfg(r, c, &cc, host, sizeof(host));
	ht_note_put(n, "local", cc.local);
	ht_note_putf(n, "flows", "%ld", r->flows ? r->flows : 1);
}

const struct ht_mode ht_mode_cont = {
	.name = "rounds",
	.note = "cont",
	.note_fill = cont_note,
	.opts_size = sizeof(struct ht_cont_cmd),
	.shortopts = HT_CONT_CMD_SHORT,
	.longopts = longopts,
	.help = help,
	.ports_rise = 1,
	.defaults = &defaults,
	.opt = cont_opt,
	.on = cont_on,
	.check = cont_check,
	.setup = mode_setup,
	.live = mode_live,
	.replay = mode_replay,
};

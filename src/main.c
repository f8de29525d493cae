/* \summary: hoptrace: the table of modes, the command line, privileges, dispatch */
#ifdef HAVE_CONFIG_H
#include <config.h>
#endif

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/names.h"
#include "engine/cmd.h"
#include "engine/mode.h"
#include "engine/open.h"
#include "engine/replay.h"
#include "io/capture.h"
#include "io/priv.h"
#include "io/resolve.h"
#include "out/output.h"

#define EXIT_RUNTIME	1
#define EXIT_USAGE	2
#define NAME_BUDGET_MS	800
#define MAX_LONGOPTS	64

/*
 * The modes, in the order they are asked whether the options choose them;
 * the one-path trace, last, always does.  A fifth mode is a folder under
 * src/mode/ and a line here.
 */
static const struct ht_mode *const modes[] = {
	&ht_mode_mda, &ht_mode_scan, &ht_mode_cont, &ht_mode_trace
};
#define NMODES	(sizeof(modes) / sizeof(modes[0]))

/* Pairs of modes the options may not choose together. */
static const struct {
	const struct ht_mode *a, *b;
	const char *why;
} clashes[] = {
	{ &ht_mode_scan, &ht_mode_mda,
	    "--targets and --rows cannot be used with --mda" },
	{ &ht_mode_cont, &ht_mode_mda, "--mda and rounds (-c, --interval, "
	    "--report, --csv) cannot be used together" },
};

/* Everything the command line decides: the shared options, each mode's. */
struct opts {
	struct ht_cmd c;
	void *m[NMODES];
	const struct ht_mode *mode;	/* the one chosen */
	const void *mo;			/* its options */
};

static void
usage_error(const char *fmt, ...)
{
	va_list ap;

	fputs("hoptrace: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	exit(EXIT_USAGE);
}

static void
help(void)
{
	size_t i;

	fputs(ht_cmd_help_head, stdout);
	fputs(ht_cmd_help_probes, stdout);
	for (i = 0; i < NMODES; i++)
		if (modes[i]->help != NULL)
			fputs(modes[i]->help, stdout);
	fputs(ht_cmd_help_output, stdout);
}

/* Do the options ask for mode md? */
static int
chosen(const struct opts *o, const struct ht_mode *md)
{
	size_t i;

	for (i = 0; i < NMODES; i++)
		if (modes[i] == md)
			return md->on == NULL || md->on(o->m[i]);
	return 0;
}

static void
parse(int argc, char **argv, struct opts *o)
{
	struct option lo[MAX_LONGOPTS];
	const struct option *p;
	char err[HT_ERRBUF], shortopts[128];
	size_t i, n = 0;
	int ch, r;

	memset(o, 0, sizeof(*o));
	ht_cmd_init(&o->c);
	for (p = ht_cmd_longopts; p->name != NULL; p++)
		lo[n++] = *p;
	snprintf(shortopts, sizeof(shortopts), "%s", HT_CMD_SHORT);
	for (i = 0; i < NMODES; i++) {
		if ((o->m[i] = calloc(1, modes[i]->opts_size + 1)) == NULL) {
			fputs("hoptrace: out of memory\n", stderr);
			exit(EXIT_RUNTIME);
		}
		if (modes[i]->init != NULL)
			modes[i]->init(o->m[i]);
		for (p = modes[i]->longopts; p != NULL && p->name != NULL; p++)
			if (n + 1 < MAX_LONGOPTS)
				lo[n++] = *p;
		strncat(shortopts, modes[i]->shortopts,
		    sizeof(shortopts) - strlen(shortopts) - 1);
	}
	memset(&lo[n], 0, sizeof(lo[n]));
	opterr = 0;
	while ((ch = getopt_long(argc, argv, shortopts, lo, NULL)) != -1) {
		if (ch == 'h') {
			help();
			exit(0);
		}
		if (ch == 'V') {
			printf("hoptrace %s\n", PACKAGE_VERSION);
			exit(0);
		}
		if (ch == ':')
			usage_error("option '%s' needs a value", argv[optind - 1]);
		if (ch == '?') {
			if (optopt)
				usage_error("unknown option '-%c' (see hoptrace "
				    "--help)", optopt);
			usage_error("unknown option '%s' (see hoptrace --help)",
			    argv[optind - 1]);
		}
		r = ht_cmd_opt(&o->c, ch, optarg, err);
		for (i = 0; r == 0 && i < NMODES; i++)
			if (modes[i]->opt != NULL)
				r = modes[i]->opt(o->m[i], ch, optarg, err);
		if (r == 0)
			usage_error("internal error: option %d has no parser", ch);
		if (r < 0)
			usage_error("%s", err);
	}
	for (i = 0; i < NMODES && o->mode == NULL; i++)
		if (modes[i]->on == NULL || modes[i]->on(o->m[i])) {
			o->mode = modes[i];
			o->mo = o->m[i];
		}
	for (i = 0; i < sizeof(clashes) / sizeof(clashes[0]); i++)
		if (chosen(o, clashes[i].a) && chosen(o, clashes[i].b))
			usage_error("%s", clashes[i].why);
	for (i = 0; i < NMODES; i++)
		if (modes[i]->check != NULL &&
		    modes[i]->check(o->m[i], &o->c, err) < 0)
			usage_error("%s", err);
	if (ht_cmd_finish(&o->c, argc, argv, optind, o->mode->nohost,
	    o->mode->ports_rise, err) < 0)
		usage_error("%s", err);
}

/* No names: -n, or a mode that shows addresses only. */
static int
numeric(const struct opts *o)
{
	return o->c.numeric || o->mode->numeric;
}

/* "stdin" for "-": the name a message gives the capture. */
static const char *
file_name(const char *f)
{
	return strcmp(f, "-") == 0 ? "stdin" : f;
}

static int
run_replay(const struct opts *o, void *run)
{
	char err[HT_ERRBUF];
	const char *f = file_name(o->c.rfile);
	struct ht_capture cap;
	struct ht_replay_stats st;
	struct ht_outctx out;
	struct ht_user user;
	struct ht_names names;
	int rc;

	if (ht_capture_open_file(&cap, o->c.rfile, err) < 0) {
		fprintf(stderr, "hoptrace: %s\n", err);
		return EXIT_RUNTIME;
	}
	/* Replay needs no privileges: give up any we were started with. */
	if (ht_priv_lookup(o->c.user, &user, err, sizeof(err)) < 0 ||
	    ht_drop_privileges(&user, err, sizeof(err)) < 0) {
		fprintf(stderr, "hoptrace: %s\n", err);
		ht_capture_close(&cap);
		return EXIT_RUNTIME;
	}
	memset(&out, 0, sizeof(out));
	out.fp = stdout;
	ht_names_init(&names);
	names.res = numeric(o) ? NULL : ht_resolver_new(NAME_BUDGET_MS);
	out.names = numeric(o) ? NULL : &names;
	rc = o->mode->replay(o->mo, run, &o->c, &cap, &out, &st, err);
	ht_capture_close(&cap);
	if (rc < 0) {
		fprintf(stderr, "hoptrace: %s: %s\n", f, err);
		return EXIT_RUNTIME;
	}
	if (st.truncated)
		fprintf(stderr, "hoptrace: warning: %s: capture damaged or "
		    "cut short after %llu packets: %s\n", f,
		    (unsigned long long)st.packets, st.warning);
	if (st.malformed)
		fprintf(stderr, "hoptrace: warning: %s: %llu malformed packet%s "
		    "ignored (first: packet %llu, %s)\n", f,
		    (unsigned long long)st.malformed, st.malformed > 1 ? "s" : "",
		    (unsigned long long)st.first_bad,
		    ht_status_str(st.first_bad_why));
	return 0;
}

/* What the live run needs once its first probes have left. */
struct started {
	const struct opts *o;
	struct ht_user user;	/* looked up already when --user is given */
	int have_user;
	struct ht_outctx *out;
	int dropped;		/* privileges dropped; else a failure */
};

/*
 * The first probes are out: drop privileges before a single packet is
 * read (rule 4 of STYLE.md is about untrusted input, and none has been
 * parsed yet), then start the name resolver, whose thread must not hold
 * capabilities (they are per thread).  The drop costs 0.4-1 ms; here it
 * overlaps the probes' way out instead of delaying them.
 */
static int
live_started(void *arg, char *err)
{
	struct started *st = arg;

	if ((!st->have_user &&
	    ht_priv_lookup(st->o->c.user, &st->user, err, HT_ERRBUF) < 0) ||
	    ht_drop_privileges(&st->user, err, HT_ERRBUF) < 0)
		return -1;
	st->dropped = 1;
	if (st->out->names != NULL)
		st->out->names->res = ht_resolver_new(NAME_BUDGET_MS);
	return 0;
}

static int
run_live(const struct opts *o, void *run)
{
	char err[HT_ERRBUF];
	struct ht_live_cfg cfg;
	struct ht_capture cap;
	struct ht_mode_live r;
	struct ht_outctx out;
	struct started st;
	struct ht_names names;
	unsigned int drops = 0;
	int rc;

	memset(&cfg, 0, sizeof(cfg));
	memset(&st, 0, sizeof(st));
	memset(&r, 0, sizeof(r));
	memset(&cap, 0, sizeof(cap));
	st.o = o;
	st.out = &out;
	/* A user named with --user must exist before anything is sent. */
	if (o->c.user != NULL) {
		if (ht_priv_lookup(o->c.user, &st.user, err, sizeof(err)) < 0) {
			fprintf(stderr, "hoptrace: %s\n", err);
			return EXIT_RUNTIME;
		}
		st.have_user = 1;
	}
	ht_cmd_live_cfg(&o->c, &cfg);
	if (o->mode->setup != NULL)
		o->mode->setup(o->mo, &o->c, &cfg);
	/* a mode of many targets opens its capture and senders itself */
	if (o->mode->nohost == NULL &&
	    (rc = ht_live_open(&o->c, &cfg, &cap, &r.pr, err)) < 0) {
		if (rc == -2)
			usage_error("%s", err);
		fprintf(stderr, "hoptrace: %s\n", err);
		return EXIT_RUNTIME;
	}
	memset(&out, 0, sizeof(out));
	out.fp = stdout;
	/* the resolver starts after the privilege drop (live_started) */
	ht_names_init(&names);
	out.names = numeric(o) ? NULL : &names;
	cfg.started = live_started;
	cfg.started_arg = &st;
	out.dst_name = o->c.host;
	out.max_hops = (int)o->c.max;
	out.queries = (int)o->c.queries;
	out.first_ttl = (uint8_t)o->c.first;
	out.paris = o->c.paris;
	out.live = 1;
	r.cfg = &cfg;
	r.cap = &cap;
	ht_netio_live_init(&r.net, &r.nl, &cap, r.pr);
	r.out = &out;
	rc = o->mode->live(o->mo, run, &o->c, &r, err);
	if (rc == -2) {
		ht_capture_close(&cap);
		usage_error("%s", err);
	}
	if (rc >= 0 && r.warning[0] != '\0')
		fprintf(stderr, "hoptrace: warning: %s\n", r.warning);
	/*
	 * Drops are of packets our filter passed (ht_capture_ready() reset the
	 * count): ours.  They matter where a probe shows no answer, or where
	 * the -w file should hold them.
	 */
	if (!r.drops_told && ht_capture_drops(&cap, &drops) == 0 && drops > 0 &&
	    (r.unanswered > 0 || o->c.wfile != NULL))
		fprintf(stderr, "hoptrace: warning: the capture dropped %u of "
		    "our packets (the ring was full)%s%s%s\n", drops,
		    r.unanswered > 0 ? "; a reply may show as *" : "",
		    o->c.wfile != NULL ? "; missing from " : "",
		    o->c.wfile != NULL ? o->c.wfile : "");
	if (rc < 0) {
		ht_capture_close(&cap);		/* the run closed the prober */
		fprintf(stderr, "hoptrace: %s\n", err);
		if (!st.dropped && o->c.wfile != NULL)
			unlink(o->c.wfile);	/* nothing was traced */
		return EXIT_RUNTIME;
	}
	ht_capture_leave(&cap);		/* no wait for the kernel */
	return rc > 0 ? 128 + rc : 0;
}

int
main(int argc, char **argv)
{
	char err[HT_ERRBUF];
	struct opts o;
	void *run = NULL;
	int rc;

	parse(argc, argv, &o);
	/* what the mode reads before anything opens or privileges go */
	if (o.mode->prepare != NULL &&
	    (rc = o.mode->prepare(o.mo, &o.c, &run, err)) < 0) {
		if (rc == -2)
			usage_error("%s", err);
		fprintf(stderr, "hoptrace: %s\n", err);
		return EXIT_RUNTIME;
	}
	rc = o.c.rfile != NULL ? run_replay(&o, run) : run_live(&o, run);
	if (o.mode->release != NULL)
		o.mode->release(run);
	if ((rc == 0 || rc > 128) && (fflush(stdout) != 0 || ferror(stdout))) {
		fprintf(stderr, "hoptrace: cannot write output: %s\n",
		    strerror(errno));
		return EXIT_RUNTIME;
	}
	return rc;
}

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
#include "engine/note.h"
#include "engine/open.h"
#include "engine/replay.h"
#include "io/capture.h"
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

/*
 * --replay-as names the mode a capture is replayed as: it must name one,
 * come with -r, and agree with the mode the other options chose.
 */
static void
replay_as(struct opts *o)
{
	size_t i;

	for (i = 0; i < NMODES; i++)
		if (strcmp(o->c.replay_as, modes[i]->name) == 0)
			break;
	if (i == NMODES)
		usage_error("--replay-as takes trace, mda, rounds or scan, not "
		    "'%s'", o->c.replay_as);
	if (o->c.rfile == NULL)
		usage_error("--replay-as needs -r (it names the mode a capture "
		    "is replayed as)");
	if (o->mode != &ht_mode_trace && o->mode != modes[i])
		usage_error("--replay-as=%s and the options of another mode "
		    "cannot be used together", o->c.replay_as);
	o->mode = modes[i];
	o->mo = o->m[i];
}

/*
 * The mode a capture is replayed as, where no option chose one: the
 * start note hoptrace's -w wrote first in the file (wire/note.h), else a
 * mode that knows its probes when it sees them (a scan's), else traces.
 */
static void
replay_mode(struct opts *o, const struct ht_replay *rd)
{
	const struct ht_note *n;
	char mode[16];
	size_t i;

	if (o->mode != &ht_mode_trace || o->c.replay_as != NULL)
		return;
	n = ht_replay_note(rd, "start", NULL, NULL, -1, -1);
	for (i = 0; i < NMODES; i++)
		if ((n != NULL && ht_note_get(n, "mode", mode, sizeof(mode)) &&
		    strcmp(mode, modes[i]->note) == 0) ||
		    (n == NULL && modes[i]->sniff != NULL &&
		    modes[i]->sniff(rd))) {
			o->mode = modes[i];
			o->mo = o->m[i];
			return;
		}
}

static void
parse(int argc, char **argv, struct opts *o)
{
	struct option lo[MAX_LONGOPTS];
	char err[HT_ERRBUF], shortopts[128];
	size_t i;
	int ch, r;

	memset(o, 0, sizeof(*o));
	ht_cmd_init(&o->c);
	for (i = 0; i < NMODES; i++) {
		if ((o->m[i] = calloc(1, modes[i]->opts_size + 1)) == NULL) {
			fputs("hoptrace: out of memory\n", stderr);
			exit(EXIT_RUNTIME);
		}
		if (modes[i]->init != NULL)
			modes[i]->init(o->m[i]);
	}
	ht_modes_getopt(modes, NMODES, lo, MAX_LONGOPTS, shortopts,
	    sizeof(shortopts));
	opterr = 0;
	while ((ch = getopt_long(argc, argv, shortopts, lo, NULL)) != -1) {
		if (ch == 'h') {
			ht_modes_help(modes, NMODES, stdout);
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
	if (o->c.replay_as != NULL)
		replay_as(o);
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
run_replay(struct opts *o, void *run)
{
	char err[HT_ERRBUF], warning[HT_ERRBUF];
	const char *f = file_name(o->c.rfile);
	struct ht_capture cap;
	struct ht_replay rd;
	struct ht_outctx out;
	struct ht_names names;
	int rc;

	/* Replay needs no privileges: any we were started with go. */
	if (ht_replay_open_file(&cap, o->c.rfile, o->c.user, err) < 0) {
		fprintf(stderr, "hoptrace: %s\n", err);
		return EXIT_RUNTIME;
	}
	if (ht_replay_open(&rd, &cap, err) < 0) {
		fprintf(stderr, "hoptrace: %s: %s\n", f, err);
		ht_capture_close(&cap);
		return EXIT_RUNTIME;
	}
	/* the note comes first; a scan shows itself in its first probes */
	ht_replay_prefetch(&rd, 4, 64);
	if (o->mode == &ht_mode_trace && o->c.replay_as == NULL) {
		replay_mode(o, &rd);
		run = NULL;	/* the capture chose: nothing prepared */
	}
	memset(&out, 0, sizeof(out));
	out.fp = stdout;
	ht_names_init(&names);
	names.res = numeric(o) ? NULL : ht_resolver_new(NAME_BUDGET_MS);
	out.names = numeric(o) ? NULL : &names;
	warning[0] = '\0';
	rc = o->mode->replay(o->mo, run, &o->c, &rd, &out, warning, err);
	ht_replay_close(&rd);
	ht_capture_close(&cap);
	if (rc < 0) {
		fprintf(stderr, "hoptrace: %s: %s\n", f, err);
		return EXIT_RUNTIME;
	}
	ht_replay_warn(&rd.st, f, stderr);
	/* as the live run that wrote the capture warned */
	if (warning[0] != '\0')
		fprintf(stderr, "hoptrace: warning: %s\n", warning);
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
	struct ht_started st;
	struct ht_names names;
	struct ht_note note;
	int rc;

	memset(&cfg, 0, sizeof(cfg));
	memset(&r, 0, sizeof(r));
	memset(&cap, 0, sizeof(cap));
	memset(&out, 0, sizeof(out));
	/* the resolver starts after the privilege drop (ht_started) */
	ht_names_init(&names);
	out.names = numeric(o) ? NULL : &names;
	ht_started_init(&st, o->c.user, out.names, NAME_BUDGET_MS);
	/* A user named with --user must exist before anything is sent. */
	if (ht_started_user(&st, err) < 0) {
		fprintf(stderr, "hoptrace: %s\n", err);
		return EXIT_RUNTIME;
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
	out.fp = stdout;
	if (o->c.wfile != NULL && o->mode->nohost == NULL) {
		/* the -w file's first frame names the run (wire/note.h) */
		ht_note_start(&note, o->mode->note, &o->c, &cfg);
		if (o->mode->note != NULL && o->mode->note_fill != NULL)
			o->mode->note_fill(o->mo, &o->c, &note);
		(void)ht_note_dump(&cap, &note);
	}
	cfg.started = ht_started;
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
	if (!r.drops_told)
		ht_live_warn_drops(&cap, r.unanswered, o->c.wfile, stderr);
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

/* \summary: hoptrace: the table of modes, the command line, dispatch */
#ifdef HAVE_CONFIG_H
#include <config.h>
#endif

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine/cmd.h"
#include "engine/mode.h"
#include "run.h"

#define EXIT_RUNTIME	1
#define EXIT_USAGE	2
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
_Static_assert(NMODES <= HT_NMODES_MAX, "HT_NMODES_MAX (run.h) too small");

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

/*
 * --replay-as names the mode a capture is replayed as: it must name one,
 * come with -r, and agree with the mode the other options chose.
 */
static void
replay_as(struct opts *o)
{
	size_t i = ht_modes_named(modes, NMODES, o->c.replay_as);

	if (i == NMODES)
		usage_error("--replay-as takes trace, mda, rounds or scan, not "
		    "'%s'", o->c.replay_as);
	if (o->c.rfile == NULL)
		usage_error("--replay-as needs -r (it names the mode a capture "
		    "is replayed as)");
	if (o->mode != &ht_mode_trace && o->mode != modes[i])
		usage_error("--replay-as=%s and the options of another mode "
		    "cannot be used together", o->c.replay_as);
	ht_run_choose(o, modes[i], o->m[i]);
}

static void
parse(int argc, char **argv, struct opts *o)
{
	struct option lo[MAX_LONGOPTS];
	char err[HT_ERRBUF], shortopts[128];
	size_t i;
	int ch;

	memset(o, 0, sizeof(*o));
	ht_cmd_init(&o->c);
	if (ht_modes_init(modes, NMODES, o->m) < 0) {
		fputs("hoptrace: out of memory\n", stderr);
		exit(EXIT_RUNTIME);
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
		if (ht_modes_opt(modes, NMODES, o->m, &o->c, ch, optarg,
		    err) < 0)
			usage_error("%s", err);
	}
	for (i = 0; i < NMODES && o->mode == NULL; i++)
		if (modes[i]->on == NULL || modes[i]->on(o->m[i]))
			ht_run_choose(o, modes[i], o->m[i]);
	if (ht_modes_check(modes, NMODES, o->m, &o->c, err) < 0)
		usage_error("%s", err);
	if (o->c.replay_as != NULL)
		replay_as(o);
	if (ht_cmd_finish(&o->c, argc, argv, optind, o->mode->nohost,
	    o->mode->ports_rise, err) < 0)
		usage_error("%s", err);
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
	rc = o.c.rfile != NULL ? ht_run_replay(&o, run, modes, NMODES) :
	    ht_run_live(&o, run);
	if (o.mode->release != NULL)
		o.mode->release(run);
	if ((rc == 0 || rc > 128) && (fflush(stdout) != 0 || ferror(stdout))) {
		fprintf(stderr, "hoptrace: cannot write output: %s\n",
		    strerror(errno));
		return EXIT_RUNTIME;
	}
	return rc;
}

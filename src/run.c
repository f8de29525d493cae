/* \summary: hoptrace's two runs: live (handles, privileges, the mode on the engine) and replay */
#ifdef HAVE_CONFIG_H
#include <config.h>
#endif

#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "base/names.h"
#include "engine/open.h"
#include "engine/replay.h"
#include "io/capture.h"
#include "io/resolve.h"
#include "out/output.h"
#include "run.h"

#define EXIT_RUNTIME	1
#define EXIT_USAGE	2
#define NAME_BUDGET_MS	800

/* A usage error found once the run began: its one line, exit status 2. */
static int
usage(const char *err)
{
	fprintf(stderr, "hoptrace: %s\n", err);
	return EXIT_USAGE;
}

void
ht_run_choose(struct opts *o, const struct ht_mode *md, const void *mo)
{
	o->mode = md;
	o->mo = mo;
}

/* No names: -n, rows, or a mode that shows addresses only. */
static int
numeric(const struct opts *o)
{
	return o->c.numeric || o->c.rows || o->mode->numeric;
}

/* "stdin" for "-": the name a message gives the capture. */
static const char *
file_name(const char *f)
{
	return strcmp(f, "-") == 0 ? "stdin" : f;
}

int
ht_run_replay(struct opts *o, void *run, const struct ht_mode *const *modes,
    size_t n)
{
	char err[HT_ERRBUF], warning[HT_ERRBUF];
	const char *f = file_name(o->c.rfile);
	struct ht_capture cap;
	struct ht_replay rd;
	struct ht_outctx out;
	struct ht_names names;
	size_t i;
	int rc;

	/* Replay needs no privileges: any we were started with go. */
	if (ht_replay_open_file(&cap, o->c.rfile, o->c.user, err) < 0) {
		fprintf(stderr, "hoptrace: %s\n", err);
		return EXIT_RUNTIME;
	}
	/* tcpdump's rule: the file first, then the expression for its link type */
	if (o->c.rexpr != NULL && ht_capture_select(&cap, o->c.rexpr, err) < 0) {
		ht_capture_close(&cap);
		return usage(err);
	}
	if (ht_replay_open(&rd, &cap, err) < 0) {
		fprintf(stderr, "hoptrace: %s: %s\n", f, err);
		ht_capture_close(&cap);
		return EXIT_RUNTIME;
	}
	/* the note comes first; a scan shows itself in its first probes */
	ht_replay_prefetch(&rd, 4, 64);
	if (o->mode == &ht_mode_trace && o->c.replay_as == NULL &&
	    (i = ht_modes_of_capture(modes, n, &rd)) < n) {
		ht_run_choose(o, modes[i], o->m[i]);
		run = NULL;	/* the capture chose: nothing prepared */
	}
	memset(&out, 0, sizeof(out));
	out.fp = stdout;
	out.rows = o->c.rows;	/* a form of every trace-keeping mode */
	ht_names_init(&names);
	names.res = numeric(o) ? NULL : ht_resolver_new(NAME_BUDGET_MS);
	out.names = numeric(o) ? NULL : &names;
	warning[0] = '\0';
	rc = o->mode->replay(o->mo, run, &o->c, &rd, &out, warning, err);
	ht_names_free(&names);
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

int
ht_run_live(const struct opts *o, void *run)
{
	char err[HT_ERRBUF];
	struct ht_live_cfg cfg;
	struct ht_capture cap;
	struct ht_mode_live r;
	struct ht_outctx out;
	struct ht_started st;
	struct ht_names names;
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
			return usage(err);
		fprintf(stderr, "hoptrace: %s\n", err);
		return EXIT_RUNTIME;
	}
	out.fp = stdout;
	/* the -w file's first frame names the run (wire/note.h) */
	if (o->c.wfile != NULL && o->mode->nohost == NULL)
		ht_mode_note_start(o->mode, o->mo, &o->c, &cfg, &cap);
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
	ht_names_free(&names);
	if (rc == -2) {
		ht_capture_close(&cap);
		return usage(err);
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


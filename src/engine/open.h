/* \summary: a live run's privileged handles: the route, the capture and its filter, the -w file, the raw socket */
#ifndef HT_OPEN_H
#define HT_OPEN_H

#include <stdio.h>

#include "engine/cmd.h"
#include "engine/live.h"
#include "io/capture.h"
#include "io/priv.h"
#include "io/prober.h"

/*
 * For the HOST of c and the probes cfg describes (method, Paris, flows:
 * filled by ht_cmd_live_cfg() and the mode): the destination, the source
 * (-s, else the route's) and interface, then the capture (sized for the
 * window, its filter admitting our probes and their answers, emptied of
 * what came before), the -w dump, and the raw socket.  0; -1 with err, a
 * runtime failure (nothing is left open, no -w file made); -2 with err, a
 * usage error (HOST or -s).
 */
int ht_live_open(const struct ht_cmd *c, struct ht_live_cfg *cfg,
    struct ht_capture *cap, struct ht_prober **pr, char *err);

/*
 * The capture on dev (NULL: any) for the probes of n families (pc[0..n),
 * n 1 or 2), snaplen bytes a frame and a ring of ring bytes: its filter
 * admitting their probes and answers, emptied of what came before, and
 * the -w dump (wfile, or NULL).  0, or -1 with err (nothing left open).
 */
int ht_open_capture(const char *dev, const struct ht_probe_cfg *pc, int n,
    int snaplen, int ring, const char *wfile, struct ht_capture *cap,
    char *err);

/*
 * What the ring dropped of ours, a warning on fp where it matters: where
 * a probe shows no answer (unanswered), or where the -w file (wfile)
 * should hold them.
 */
void ht_live_warn_drops(struct ht_capture *cap, unsigned int unanswered,
    const char *wfile, FILE *fp);

/*
 * A saved capture to replay (path, "-" stdin), then every privilege the
 * process was started with given up (to user, else nobody): replay needs
 * none.  0, or -1 with err (nothing left open).
 */
int ht_replay_open_file(struct ht_capture *cap, const char *path,
    const char *user, char *err);

/*
 * The started hook of a live run (engine/live.h): the first probes are
 * out, so privileges go (to --user, else nobody) before a single packet
 * is read, then the name resolver starts (its thread must not hold
 * capabilities: they are per thread) when the run shows names.
 */
struct ht_names;
struct ht_started {
	const char *user;	/* --user, or NULL: nobody */
	struct ht_user pw;	/* looked up already when --user is given */
	int have_user;
	struct ht_names *names;	/* the run's names, or NULL: none */
	unsigned int budget_ms;	/* the resolver's */
	int dropped;		/* privileges dropped; else a failure */
};

void ht_started_init(struct ht_started *st, const char *user,
    struct ht_names *names, unsigned int budget_ms);
/* A user named with --user must exist before anything is sent: 0, -1. */
int ht_started_user(struct ht_started *st, char *err);
/* The hook itself (arg: the struct ht_started): 0, or -1 with err. */
int ht_started(void *arg, char *err);

#endif

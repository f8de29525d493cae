/* \summary: a mode (one measurement) as main.c's table of modes sees it */
#ifndef HT_MODE_H
#define HT_MODE_H

#include <getopt.h>
#include <stddef.h>
#include <stdio.h>

#include "base/err.h"
#include "engine/cmd.h"
#include "engine/live.h"
#include "engine/netio.h"

struct ht_capture;
struct ht_note;
struct ht_outctx;
struct ht_prober;
struct ht_replay;

/* What main.c opened for a live run, and what the run tells it back. */
struct ht_mode_live {
	struct ht_live_cfg *cfg;	/* the probes, TTLs, waits, the started
					 * hook (privileges go there) */
	struct ht_capture *cap;		/* filtered, -w dump open */
	struct ht_prober *pr;		/* taken by the run */
	struct ht_netio net;		/* the live network: cap and pr */
	struct ht_netio_live nl;
	struct ht_outctx *out;
	unsigned int unanswered;	/* shown probes without an answer */
	int drops_told;			/* the run said what the ring lost */
	char warning[HT_ERRBUF];	/* a warning line for main to print */
};

/*
 * One entry of main.c's table: the mode's options (parsed into a struct of
 * opts_size bytes that main.c owns), its checks, and its runs.  The first
 * mode in the table whose on() is true runs; the last entry (the one-path
 * trace) is always on.
 */
struct ht_mode {
	const char *name;		/* as --replay-as names it */
	const char *note;		/* as a -w capture's start note does */
	size_t opts_size;
	const char *shortopts;		/* its short options for getopt ("") */
	const struct option *longopts;	/* its long options, from its own
					 * base (engine/cmd.h) */
	const char *help;		/* its part of --help */
	const char *nohost;		/* live, it takes no HOST: the option
					 * that says so; else NULL */
	int ports_rise;			/* its UDP ports rise per probe
					 * (unless --paris): -p is checked */
	int numeric;			/* it shows addresses, never names */
	void (*init)(void *m);
	/* An option: 1 taken, 0 not the mode's, -1 with err (a usage error). */
	int (*opt)(void *m, int ch, const char *arg, char *err);
	/* Do the options ask for this mode? */
	int (*on)(const void *m);
	/*
	 * The options checked together (whether the mode is on or not: its
	 * options without it are an error), defaults set in c.  0, or -1
	 * with err (a usage error).
	 */
	int (*check)(const void *m, struct ht_cmd *c, char *err);
	/*
	 * Before any handle opens or privilege goes (may be NULL): what the
	 * run needs read first (a targets file), into *run, which live or
	 * replay get and release frees.  0; -1 with err, a runtime failure;
	 * -2 with err, a usage error.
	 */
	int (*prepare)(const void *m, const struct ht_cmd *c, void **run,
	    char *err);
	void (*release)(void *run);
	/* The probes the mode sends (Paris, flows), before handles open. */
	void (*setup)(const void *m, const struct ht_cmd *c,
	    struct ht_live_cfg *cfg);
	/*
	 * Live: 0 when it ran, -1 with err, or the signal that stopped it.
	 * A mode with nohost set opens the capture itself (r->cap, with
	 * ht_open_capture()) and its own senders; r->pr is NULL.
	 */
	int (*live)(const void *m, void *run, const struct ht_cmd *c,
	    struct ht_mode_live *r, char *err);
	/*
	 * What a -w capture's start note says of the run beyond the shared
	 * options (engine/note.h: ht_note_start()).  May be NULL.
	 */
	void (*note_fill)(const void *m, const struct ht_cmd *c,
	    struct ht_note *n);
	/*
	 * A capture without a start note: is it this mode's, by the probes
	 * read ahead (ht_replay_prefetch)?  May be NULL.
	 */
	int (*sniff)(const struct ht_replay *rd);
	/*
	 * Replay of an opened capture (run NULL when the capture, not the
	 * options, chose the mode): 0 (warnings in rd->st, and one line in
	 * warning for main to print), or -1 with err.
	 */
	int (*replay)(const void *m, void *run, const struct ht_cmd *c,
	    struct ht_replay *rd, struct ht_outctx *o, char *warning,
	    char *err);
};

/*
 * The getopt_long() table of the shared options and every mode's (maxlo
 * entries at most, the last a zero one), and the short letters into
 * shortopts (len bytes).
 */
void ht_modes_getopt(const struct ht_mode *const *modes, size_t n,
    struct option *lo, size_t maxlo, char *shortopts, size_t len);
/* --help: the usage, the shared options, each mode's, the output's. */
void ht_modes_help(const struct ht_mode *const *modes, size_t n, FILE *fp);

/*
 * Each mode's options, allocated (m[i], opts_size bytes) and set to their
 * defaults: 0, or -1 (out of memory).
 */
int ht_modes_init(const struct ht_mode *const *modes, size_t n, void **m);
/*
 * Option ch (value arg): the shared options' or a mode's.  1 taken, -1
 * with err (a usage error, or no one's: an internal error).
 */
int ht_modes_opt(const struct ht_mode *const *modes, size_t n, void **m,
    struct ht_cmd *c, int ch, const char *arg, char *err);
/*
 * The options checked: no two modes chosen that cannot go together, then
 * every mode's check (mode.h).  0, or -1 with err.
 */
int ht_modes_check(const struct ht_mode *const *modes, size_t n, void **m,
    struct ht_cmd *c, char *err);
/* Do the options (m) choose mode md? */
int ht_modes_chosen(const struct ht_mode *const *modes, size_t n,
    void *const *m, const struct ht_mode *md);
/*
 * The -w file's first frame for a live run of md (options mo): the shared
 * start note (engine/note.h) and the mode's own part.
 */
void ht_mode_note_start(const struct ht_mode *md, const void *mo,
    const struct ht_cmd *c, const struct ht_live_cfg *cfg,
    struct ht_capture *cap);

/* The index of the mode called name (--replay-as), or n. */
size_t ht_modes_named(const struct ht_mode *const *modes, size_t n,
    const char *name);
/*
 * The mode a capture read ahead in rd is, where no option chose one: the
 * mode its start note (a -w capture's first frame, wire/note.h) names,
 * else one that knows its probes when it sees them (sniff): its index,
 * or n (traces, one by one).
 */
size_t ht_modes_of_capture(const struct ht_mode *const *modes, size_t n,
    const struct ht_replay *rd);

/* The modes, in the order main.c asks them (mode/X/X_cmd.c each). */
extern const struct ht_mode ht_mode_scan, ht_mode_mda, ht_mode_cont,
    ht_mode_trace;

#endif

/* \summary: hoptrace's two runs: live (handles, privileges, the mode on the engine) and replay */
#ifndef HT_RUN_H
#define HT_RUN_H

#include <stddef.h>

#include "engine/cmd.h"
#include "engine/mode.h"

#define HT_NMODES_MAX	8

/* Everything the command line decides: the shared options, each mode's. */
struct opts {
	struct ht_cmd c;
	void *m[HT_NMODES_MAX];
	const struct ht_mode *mode;	/* the one chosen */
	const void *mo;			/* its options */
};

/* The run is mode md's, its options mo. */
void ht_run_choose(struct opts *o, const struct ht_mode *md, const void *mo);

/*
 * Replay o->c.rfile with the mode the options chose, or (the one-path
 * trace chosen by default) the one the capture names (modes[0..n)).
 * Live: the handles, the mode on the engine.  Each returns an exit
 * status: 0, 1 (a runtime failure: the message printed), 2 (a usage
 * error found late: printed), or 128 + the signal that stopped it.
 */
int ht_run_replay(struct opts *o, void *run, const struct ht_mode *const *modes,
    size_t n);
int ht_run_live(const struct opts *o, void *run);

#endif

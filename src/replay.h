/* \summary: the replay driver: rebuild every trace in a saved capture */
#ifndef HT_REPLAY_H
#define HT_REPLAY_H

#include <stdio.h>

#include "capture.h"
#include "decode.h"
#include "output.h"

struct ht_replay_stats {
	uint64_t packets, traces, malformed;
	uint64_t first_bad;		/* packet number of the first malformed */
	enum ht_status first_bad_why;
	int truncated;			/* the file ended mid-record */
	char warning[HT_ERRBUF];	/* why reading stopped early */
};

/*
 * Read an opened capture front to back and print each trace found.
 * Returns 0 (warnings in st), or -1 with err.
 */
int ht_replay_run(struct ht_capture *cap, const struct ht_outctx *o,
    int json, ht_ns wait, struct ht_replay_stats *st, char *err);

#endif

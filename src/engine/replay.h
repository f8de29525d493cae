/* \summary: the replay reader: a saved capture, packet by packet, decoded */
#ifndef HT_REPLAY_H
#define HT_REPLAY_H

#include <stdio.h>

#include "engine/frame.h"
#include "io/capture.h"
#include "wire/decode.h"

struct ht_replay_stats {
	struct ht_frame_stats fs;	/* the frames read (engine/frame.h) */
	uint64_t packets, traces, malformed;
	uint64_t first_bad;		/* packet number of the first malformed */
	enum ht_status first_bad_why;
	int truncated;			/* the file ended mid-record */
	int read_error;			/* reading stopped on an error */
	char warning[HT_ERRBUF];	/* why reading stopped early */
};

/*
 * What every mode's replay driver reads with.  ht_replay_start() checks
 * the link type (0, or -1 with err) and clears st.  ht_replay_next() reads
 * and decodes the next packet: 1 with *pkt and its capture time *ts (the
 * packet may be HT_PKT_OTHER: not ours to match; malformed ones are
 * counted in st), 0 at the end of the capture.  ht_replay_end() says what
 * the end was: 0, with st->truncated and st->warning set when the file
 * was cut short after some packets, or -1 with err when nothing in it was
 * readable (a damaged capture).
 */
int ht_replay_start(const struct ht_capture *cap, struct ht_replay_stats *st,
    char *err);
int ht_replay_next(struct ht_capture *cap, struct ht_pkt *pkt, ht_ns *ts,
    struct ht_replay_stats *st);
/* The warnings of a finished replay of the capture called name, on fp. */
void ht_replay_warn(const struct ht_replay_stats *st, const char *name,
    FILE *fp);

int ht_replay_end(struct ht_capture *cap, struct ht_replay_stats *st,
    char *err);

#endif

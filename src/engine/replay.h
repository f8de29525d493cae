/* \summary: the replay reader: a saved capture, packet by packet, decoded, and its notes */
#ifndef HT_REPLAY_H
#define HT_REPLAY_H

#include <stdio.h>

#include "engine/frame.h"
#include "io/capture.h"
#include "wire/decode.h"
#include "wire/note.h"

struct ht_replay_stats {
	struct ht_frame_stats fs;	/* the frames read (engine/frame.h) */
	uint64_t traces;
	int truncated;			/* the file ended mid-record */
	int read_error;			/* reading stopped on an error */
	uint64_t other_link;		/* packets of link types not ours */
	int other_dlt;			/* the last such link type */
	char warning[HT_ERRBUF];	/* why reading stopped early */
};

#define HT_REPLAY_NOTES	8	/* notes kept (the first) */

/* A frame read ahead (ht_replay_prefetch), decoded. */
struct ht_replay_ahead {
	struct ht_pkt pkt;
	ht_ns ts;
};

/*
 * What every mode's replay driver reads with: the capture, the counts,
 * the frames read ahead to decide how to replay it, and hoptrace's own
 * notes (a -w capture's mode and options, wire/note.h) in the order read.
 */
struct ht_replay {
	struct ht_capture *cap;
	struct ht_replay_stats st;
	struct ht_replay_ahead *ahead;
	size_t nahead, next;		/* read ahead; given out already */
	struct ht_note note[HT_REPLAY_NOTES];
	size_t nnote;
};

/*
 * ht_replay_open() checks the link type (0, or -1 with err) and clears
 * rd.  ht_replay_prefetch() reads ahead until `probes` probes (0: no
 * limit) or `frames` frames are read ahead, or the capture ends (what
 * was read goes to the driver all the same; notes among it are known at
 * once).  ht_replay_next()
 * gives the next frame decoded: 1 with *pkt and its capture time *ts (it
 * may be HT_PKT_OTHER: not ours to match; a note is one; malformed ones
 * are counted in rd->st), 0 at the end of the capture.  ht_replay_end()
 * says what the end was: 0, with st.truncated and st.warning set when
 * the file was cut short after some packets, or -1 with err when nothing
 * in it was readable (a damaged capture).  ht_replay_close() frees what
 * rd holds (not the capture).
 */
int ht_replay_open(struct ht_replay *rd, struct ht_capture *cap, char *err);
void ht_replay_prefetch(struct ht_replay *rd, unsigned int probes,
    unsigned int frames);
int ht_replay_next(struct ht_replay *rd, struct ht_pkt *pkt, ht_ns *ts);
int ht_replay_end(struct ht_replay *rd, char *err);
void ht_replay_close(struct ht_replay *rd);

/*
 * The replay loop: every frame of rd, decoded, to packet (0 goes on, -1
 * stops with err), then the end of the capture (ht_replay_end).  0, or
 * -1 with err.
 */
int ht_replay_packets(struct ht_replay *rd,
    int (*packet)(void *arg, const struct ht_pkt *pkt, ht_ns ts, char *err),
    void *arg, char *err);

/*
 * The replay loop of the modes that keep traces: every frame of rd
 * through the matcher (match/trace.h; learning traces from the probes
 * seen, multiflow as MDA needs it), traces closed once their run is over
 * (every HT_REPLAY_EXPIRE frames of capture time) and handed, in the
 * order of their first probes, to ready (eof: the capture is over, every
 * trace is).  ready frees what it takes (ht_matcher_ready, then
 * ht_trace_free): 0, or -1 with err.  Memory holds only the traces in
 * progress, not the file.  0, or -1 with err.
 */
#define HT_REPLAY_EXPIRE	4096	/* frames between expiry sweeps */
struct ht_matcher;
int ht_replay_traces(struct ht_replay *rd, ht_ns wait, int multiflow,
    int (*ready)(void *arg, struct ht_matcher *m, int eof, char *err),
    void *arg, char *err);

/* The warnings of a finished replay of the capture called name, on fp. */
void ht_replay_warn(const struct ht_replay_stats *st, const char *name,
    FILE *fp);

/*
 * The first note of this kind ("start", "end") read so far whose trace
 * identity (keys src, dst, proto, ident; a key the note lacks matches
 * anything) is the one given; NULL if none.  src or dst NULL: any.
 */
const struct ht_note *ht_replay_note(const struct ht_replay *rd,
    const char *kind, const struct ht_addr *src, const struct ht_addr *dst,
    int proto, long ident);

#endif

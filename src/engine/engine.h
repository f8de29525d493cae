/* \summary: the live engine: the one loop that sends, captures, matches and expires for every mode */
#ifndef HT_ENGINE_H
#define HT_ENGINE_H

#include <stdint.h>

#include "base/names.h"
#include "base/time.h"
#include "engine/frame.h"
#include "engine/live.h"
#include "engine/netio.h"
#include "io/prober.h"
#include "match/trace.h"
#include "wire/decode.h"
#include "wire/probe.h"

/*
 * A mode never owns a loop: it says what to send next and what an answer
 * or a silence means, through struct ht_engine_ops, and the engine does
 * the rest (scamper's task table; trippy's one tracer loop).  One pass of
 * the loop:
 *
 *   expire the probes whose wait is over (ops->waits), each ops->expired
 *   ask ops->next for what to send now, build each probe (io/prober.h),
 *     record it in the trace, send it (netio), stamp it
 *   the first time probes left: the started hook (privileges go), then
 *     ops->started
 *   ops->sent_all: nothing more will leave, the sending side is closed
 *   ops->step: the mode acts on what is known (prints, feeds statistics);
 *     it may end the run
 *   the run ends when nothing more will be sent and nothing is in flight
 *   wait for a packet, the next deadline, the mode's wake-up time or its
 *     extra file descriptor, whichever comes first
 *   read every captured packet: decode, match, keep ours in the -w file,
 *     ask for each new responder's name once, ops->answered
 *
 * then, once the loop is over (or a signal came), a last read of what the
 * capture holds and ops->finish, which renders.
 *
 * A stateless mode (many targets at a rate) keeps no trace: it gives its
 * probes one at a time as descriptions (ops->next_desc) that the engine
 * builds and sends to any destination, learns each one's fate
 * (ops->sent), matches what the capture brings itself (ops->packet) and
 * expires its own probes (ops->expire, ops->busy).  The loop is the same.
 */

/* What a probe's flow identifier is set to (io/prober.h). */
enum ht_flow_kind {
	HT_FLOW_KEEP = 0,	/* as the prober builds it (classic, -p) */
	HT_FLOW_PORT,		/* ht_prober_set_port(flow) */
	HT_FLOW_ICMP		/* ht_prober_set_icmp_flow(flow) */
};

/* One probe a mode asks for. */
struct ht_send {
	uint8_t ttl;
	uint8_t flow_kind;	/* enum ht_flow_kind */
	uint16_t flow;
	uint32_t rank;		/* sent in ascending rank (stable); recorded
				 * in the order asked */
};

#define HT_ENGINE_BATCH	64	/* probes asked for in one pass at most */

struct ht_engine;

struct ht_engine_ops {
	/*
	 * Up to room probes (at most HT_ENGINE_BATCH) to send now, into s:
	 * their number, or -1 with err.  *wake: when to be asked again
	 * though nothing else happens (pacing), 0 for no such time.
	 */
	int (*next)(void *m, struct ht_engine *e, ht_ns now, uint32_t room,
	    struct ht_send *s, ht_ns *wake, char *err);
	/* Will nothing more ever be sent? */
	int (*sent_all)(void *m, const struct ht_engine *e);
	/*
	 * The wait of a probe at each TTL, w[0..255].  NULL: the same for
	 * every TTL, ht_engine_wait_scaled(e, wait_floor, wait_x).
	 */
	void (*waits)(void *m, const struct ht_engine *e, ht_ns w[256]);
	/* Probe k (an index into e->t->p) answered / gave up.  May be NULL. */
	void (*answered)(void *m, struct ht_engine *e, uint32_t k);
	void (*expired)(void *m, struct ht_engine *e, uint32_t k);
	/* The first probes left, privileges dropped.  May be NULL. */
	int (*started)(void *m, struct ht_engine *e, char *err);
	/*
	 * After each pass's sends and expiry: 1 ends the run, 0 goes on, -1
	 * with err.  May be NULL.
	 */
	int (*step)(void *m, struct ht_engine *e, ht_ns now, char *err);
	/* extra_fd is readable: 1 ends the run, 0 goes on.  May be NULL. */
	int (*input)(void *m, struct ht_engine *e);
	/*
	 * The run is over: rc 0 (finished, or stopped by a signal: render
	 * what is known) or -1 (failed: free only).  0, or -1 with err.
	 */
	int (*finish)(void *m, struct ht_engine *e, int rc, char *err);
	/*
	 * A stateless mode's (next, sent_all, step, finish as above; next and
	 * waits unused).  next_desc: the one probe to send now, 1 with d
	 * (its dst any address), 0 none now (*wake as for next), -1 with
	 * err; the engine asks again, up to HT_ENGINE_BATCH times a pass.
	 * sent: what came of it (0 sent, 1 the socket is full: asked again
	 * later, 2 refused by the kernel), at now.  packet: a decoded packet
	 * captured at ts, 1 when it is ours (kept in the -w file).  expire:
	 * the mode's own waits, the next deadline or 0.  busy: probes still
	 * in their wait.
	 */
	int (*next_desc)(void *m, struct ht_engine *e, ht_ns now,
	    struct ht_probe_desc *d, ht_ns *wake, char *err);
	void (*sent)(void *m, struct ht_engine *e, const struct ht_probe_desc *d,
	    int rc, ht_ns now);
	int (*packet)(void *m, struct ht_engine *e, const struct ht_pkt *pkt,
	    ht_ns ts);
	ht_ns (*expire)(void *m, struct ht_engine *e, ht_ns now);
	int (*busy)(void *m, const struct ht_engine *e);
	/* The matcher's multiflow (match/trace.h): MDA's TTLs go back down. */
	int multiflow;
	ht_ns wait_floor;	/* with waits NULL: the least wait */
	unsigned int wait_x;	/* with waits NULL: times the slowest answer */
};

/* The run's state; modes read it, only the engine writes it. */
struct ht_engine {
	const struct ht_live_cfg *cfg;
	struct ht_netio net;
	struct ht_prober *pr;	/* builds; NULL once nothing more is sent
				 * (and for a stateless mode) */
	struct ht_names *names;	/* responders' names asked for; NULL: -n */
	struct ht_matcher m;
	struct ht_trace *t;	/* the one trace every probe belongs to;
				 * NULL for a stateless mode */
	struct ht_probe_builder *b;	/* a stateless mode's builder */
	int sending;		/* the sending side is open */
	uint32_t seq;		/* probes sent in the run (the probe number) */
	uint32_t inflight;	/* sent, neither answered nor given up */
	uint32_t open_from;	/* no probe below this index is in flight */
	ht_ns t_start, last_send;
	ht_ns t_end;		/* the last answer or expiry */
	ht_ns slowest;		/* the slowest answer's round trip */
	int started;
	int extra_fd;		/* also waited on (a screen's keys), or -1 */
	uint8_t (*frames)[HT_PROBE_MAX];	/* one batch, in build order */
	size_t frame_len[HT_ENGINE_BATCH];
	uint32_t frame_probe[HT_ENGINE_BATCH];	/* its index in t->p */
	/* the batch's frames not sent yet, in send order (the socket was
	 * full for some of them) */
	uint32_t held[HT_ENGINE_BATCH];
	uint32_t nheld;
	uint64_t full, refused;	/* sends the socket put off / refused */
	struct ht_frame_stats frames_in;	/* captured frames read */
	uint8_t one[HT_PROBE_MAX];	/* a stateless mode's probe */
};

/*
 * Run a mode live: one trace of cfg->probe's identity, probes built by pr
 * (which the engine takes and closes as soon as nothing more will be
 * sent, then tells net; NULL for a stateless mode), sent and captured
 * through net.  The handlers of SIGINT and SIGTERM stay caught after the
 * run: a second signal must not end the process before its output.  0 when it ran, -1 with err, or the number of the signal
 * that stopped it (the mode has rendered what it knew).
 */
int ht_engine_run(const struct ht_live_cfg *cfg, const struct ht_netio *net,
    struct ht_prober *pr, struct ht_names *names, int extra_fd,
    const struct ht_engine_ops *ops, void *m, char *err);

/*
 * The adaptive wait of modes that have no per-hop one: the longest wait
 * (-W) shortened to x times the slowest answer seen, never below floor.
 */
ht_ns ht_engine_wait_scaled(const struct ht_engine *e, ht_ns floor,
    unsigned int x);

/* A stateless mode saw an answer rtt after its probe (its wait adapts). */
void ht_engine_saw_rtt(struct ht_engine *e, ht_ns rtt);

/* The trace forgets its first n probes (ht_trace_drop); 0, or -1. */
int ht_engine_drop(struct ht_engine *e, uint32_t n);

#endif

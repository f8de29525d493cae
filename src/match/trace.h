/* \summary: the trace model and the matcher of replies to probes */
#ifndef HT_TRACE_H
#define HT_TRACE_H

#include <stddef.h>
#include <stdint.h>

#include "base/addr.h"
#include "base/time.h"
#include "wire/decode.h"

#define HT_IDENT_ANY	0xffffffffu	/* UDP/TCP trace whose source port varies */

/*
 * Where one run of a tool ends (replay).  A flow silent for longer than
 * HT_RUN_GAP has ended: the longest pause within one run of the tools we
 * know is Windows tracert's, a reply wait (4 s) and a reverse lookup of
 * the hop that times out (Windows' DNS client gives up after 1+1+2+4+4 =
 * 12 s), 16 s; mtr pauses 1 s (-i) between rounds, traceroute and
 * scamper at most their wait (5 s).  30 s is above all of them and below
 * the minute between runs of a cron job.  A replay wait (-W) above 25 s
 * raises it to wait + 5 s.
 */
#define HT_RUN_GAP	(30 * HT_NS_PER_SEC)
/* A flow that sent this many probes without a second TTL is no trace. */
#define HT_FLOW_MAX	1024
/*
 * Replay: a flow is a trace only where the capture gives evidence that its
 * datagrams are probes (issue 27): a reply matched to one of them, or TTLs
 * that start low and rise.  A host's ordinary traffic arrives with what a
 * path left of 64, 128 or 255 (QUIC from port 443 at TTL 45..51) and leaves
 * at one TTL; a traceroute starts at TTL 1 (-f at most a few hops further).
 * HT_TTL_LOW is the highest TTL a trace without replies may start at.
 */
#define HT_TTL_LOW	32

enum ht_rkind {
	HT_R_NONE = 0,
	HT_R_TIMEX,		/* time exceeded */
	HT_R_UNREACH,		/* destination unreachable */
	HT_R_ECHO,		/* echo reply */
	HT_R_TCP		/* TCP SYN-ACK or RST */
};

/* Probe flags */
#define HT_P_SEEN	0x01	/* the capture saw it leave; t_sent is its timestamp */
#define HT_P_EXPIRED	0x02	/* its wait is over; later replies are ignored */

struct ht_probe {
	ht_ns t_sent;		/* capture time (or send time if not seen) */
	ht_ns t_reply;
	uint32_t hnext;		/* next probe index + 1 in the same bucket */
	uint32_t ipid;		/* IPv4 ID / IPv6 flow label */
	struct ht_l4 l4;	/* the probe's own header fields */
	uint16_t size;		/* probe IP length */
	uint8_t ttl;
	uint8_t flags;
	/* the reply, if rkind != HT_R_NONE */
	uint8_t rkind;
	uint8_t rtype;		/* ICMP type of the reply (0 for TCP) */
	uint8_t rcode;		/* ICMP code of an error */
	uint8_t rttl;		/* reply's TTL / hop limit */
	uint8_t qttl;		/* TTL of the probe as the router quoted it */
	uint8_t tflags;		/* TCP reply flags */
	uint8_t ndup;		/* further replies to the same probe */
	uint16_t rsize;		/* reply's IP length */
	struct ht_addr from;
	struct ht_ext *ext;	/* ICMP extensions, or NULL */
};

struct ht_trace {
	struct ht_trace *hnext;		/* matcher's hash chain */
	struct ht_trace *onext, *oprev;	/* output order (by first probe) */
	struct ht_trace *lnext, *lprev;	/* activity order (for expiry) */
	struct ht_trace *pred, *succ;	/* same identity before/after a restart */
	struct ht_trace *vnext, *vprev;	/* by src, dst, proto: latest first */
	struct ht_addr src, dst;
	uint8_t proto;
	uint8_t closed;		/* no new probes; still takes late replies */
	uint8_t ordered;	/* on the output list: probes at 2+ TTLs */
	uint8_t min_ttl, max_ttl;
	uint8_t end_ttl;	/* lowest TTL with a final reply, 0 none */
	uint8_t dest_reached;	/* end_ttl was the destination answering */
	uint32_t ident;		/* ICMP id or UDP/TCP source port, or ANY */
	uint64_t serial;
	ht_ns t_first, t_last;	/* first probe, last event */
	struct ht_probe *p;
	uint32_t n, cap;
	uint32_t *bucket;	/* probe index + 1, by probe key */
	uint32_t nbucket;
	uint32_t nreplies;
	uint32_t rounds;	/* passes through the TTLs in one run (mtr), 1+ */
	uint32_t round_ttl[8];	/* bitmap: TTLs probed in the current round */
	uint8_t round_multi;	/* some TTL had two probes in this round */
	uint8_t vlinked;	/* on the src/dst/proto index */
};

/*
 * A probe sent in fragments whose later fragments may yet come (replay and
 * live alike): where to add their length.  A short ring: fragments follow
 * their first within microseconds.
 */
#define HT_FRAG_REFS	16
struct ht_fragref {
	struct ht_addr src, dst;
	uint64_t serial;	/* the trace's */
	ht_ns ts;		/* the first fragment's capture time */
	uint32_t fid;		/* fragment identification */
	uint32_t ident;		/* the trace's identity */
	uint32_t probe;		/* index into its p, or none yet */
	uint16_t whole;		/* a later fragment's (before its first) */
	uint8_t proto, ttl;
};

struct ht_matcher {
	struct ht_trace **tab;
	size_t ntab, count;
	struct ht_trace **vtab;		/* UDP/TCP traces by src, dst, proto */
	size_t nvtab, vcount;
	int learn;		/* replay: make traces from probes seen */
	int multiflow;		/* MDA: going back to a lower TTL is no restart */
	ht_ns wait;		/* longest probe-to-reply time accepted */
	ht_ns stale;		/* a trace silent this long is over */
	uint64_t serial;
	struct ht_trace *ohead, *otail;	/* traces with 2+ TTLs, by first probe */
	struct ht_trace *lhead, *ltail;	/* all traces, least recent first */
	struct ht_fragref frag[HT_FRAG_REFS];
	unsigned nfrag;		/* refs made; the next goes at nfrag % size */
	/* counters */
	uint64_t n_probes, n_replies, n_unmatched, n_dups;
};

/* What one packet did to the model. */
enum ht_mwhat { HT_M_NONE = 0, HT_M_PROBE, HT_M_REPLY, HT_M_DUP };

struct ht_match {
	enum ht_mwhat what;
	struct ht_trace *t;
	uint32_t probe;		/* index into t->p */
};

void ht_matcher_init(struct ht_matcher *m, int learn, ht_ns wait);
void ht_matcher_free(struct ht_matcher *m);

/* Make (live) a trace for one identity; NULL on allocation failure. */
struct ht_trace *ht_trace_new(struct ht_matcher *m, const struct ht_addr *src,
    const struct ht_addr *dst, uint8_t proto, uint32_t ident);

/*
 * Record a probe we are sending (live), before the capture sees it.
 * Returns its index, or -1 on allocation failure.
 */
long ht_trace_add_probe(struct ht_trace *t, uint8_t ttl, uint32_t ipid,
    const struct ht_l4 *l4, uint16_t size, ht_ns when);

/*
 * Forget the first n probes (a run of rounds, once its statistics have
 * them); 0, or -1 when the index could not be rebuilt (no memory).
 */
int ht_trace_drop(struct ht_trace *t, uint32_t n);

/* Feed one decoded packet captured at ts.  Returns res->what. */
enum ht_mwhat ht_match_packet(struct ht_matcher *m, const struct ht_pkt *pkt,
    ht_ns ts, struct ht_match *res);

/* Traces whose last event is older than now - stale are closed. */
void ht_matcher_expire(struct ht_matcher *m, ht_ns now);

/* The first trace of the output order if it is finished (closed), else NULL. */
struct ht_trace *ht_matcher_ready(struct ht_matcher *m, int at_eof);

/* Unlink and free a trace. */
void ht_trace_free(struct ht_matcher *m, struct ht_trace *t);

/* Does a reply of this kind from this address end the trace? */
int ht_probe_final(const struct ht_trace *t, const struct ht_probe *p);

/* Did any probe at this TTL get a reply? */
int ht_trace_hop_answered(const struct ht_trace *t, uint8_t ttl);

/* The last TTL worth showing: end_ttl, or the highest probed. */
uint8_t ht_trace_last_ttl(const struct ht_trace *t);

#endif

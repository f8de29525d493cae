/* \summary: the multipath model: interfaces per hop and the links between them */
#ifndef HT_MDA_GRAPH_H
#define HT_MDA_GRAPH_H

#include <stdint.h>

#include "base/addr.h"
#include "match/trace.h"

/*
 * Built from one trace's probe table (ht_mda_graph_build), so that a live
 * run and the replay of its capture give the same graph by construction.
 *
 * A flow is the field a per-flow load balancer hashes and the probes vary:
 * the destination port for UDP and TCP (the source port is the run's
 * identifier), the ICMP checksum for ICMP.  A flow's answer at TTL h is the
 * first reply to a probe of that flow at h; two consecutive TTLs answered
 * for one flow prove a link.  A hop where every probe went unanswered is
 * one anonymous node ("*", af 0), through which the flows probed there
 * link the hops around it.  Probes of a flow past the lowest TTL where
 * it ended (destination reached, or an unreachable) are folded: counted in
 * folded, in no hop, node or link (dublin-traceroute sends every flow to
 * its last TTL; hoptrace never probes an ended flow further).
 */

struct ht_mda_node {
	struct ht_addr addr;	/* af 0: the anonymous node of a silent hop */
	uint8_t ttl_min, ttl_max;	/* hops it answered at */
	uint32_t ttls[8];	/* bit h: it answered at TTL h */
	uint8_t final;		/* it ended flows (destination, unreachable) */
	uint32_t nout;		/* links from it */
	uint32_t behind;	/* its flows probed one hop further */
};

struct ht_mda_link {
	uint32_t from, to;	/* node indices */
	uint8_t ttl;		/* lowest TTL of from where a flow proved it */
	uint32_t nflows, cap;
	uint16_t *flows;	/* ascending */
	ht_ns *rtts;		/* per flow: the RTT of its reply at to */
};

/*
 * A diamond: a node with two or more next hops (div) and the nearest node
 * that every path from it to an end of the graph passes (conv); between
 * them, the interior: nodes that div reaches and that reach conv.
 */
struct ht_mda_diamond {
	uint32_t div, conv;	/* node indices; conv UINT32_MAX: none */
	uint32_t width;		/* most interior nodes at one TTL */
	uint32_t min_len, max_len;	/* links on the shortest, longest path */
	uint32_t parent;	/* the smallest diamond whose interior holds
				   div (nested), or UINT32_MAX */
	uint8_t meshed;		/* an interior link from a node of two or
				   more interior successors to one of two
				   or more interior predecessors */
};

struct ht_mda_hop {
	uint32_t probes, replies;
	uint32_t nnodes;	/* nodes answering at this TTL */
};

struct ht_mda_graph {
	struct ht_addr src, dst;
	uint8_t proto;
	uint8_t first_ttl, last_ttl;	/* lowest and highest TTL probed */
	uint8_t dest_reached;
	uint32_t probes, replies;	/* shown: not folded */
	uint32_t folded;	/* probes of a flow past the TTL it ended at */
	ht_ns t_first, t_last;
	struct ht_mda_node *node;	/* sorted by (ttl_min, address) */
	uint32_t nnode;
	struct ht_mda_link *link;	/* sorted by (from, to) */
	uint32_t nlink;
	struct ht_mda_hop hop[256];
	struct ht_mda_diamond *diamond;	/* by divergence point */
	uint32_t ndiamond;
	/*
	 * The confidence the probes achieved: 1 - the largest failure
	 * probability (ht_mda_fail) of any node enumerated, given the next
	 * hops it showed and the flows sent through it (the source counts as
	 * the node before the first hop).
	 */
	double confidence;
	/*
	 * A live MDA-Lite run's switches to full MDA: enum ht_mda_why per
	 * hop, filled in by the driver (a capture does not tell; 0 in replay).
	 */
	uint8_t why[256];
	uint8_t lite;		/* the driver ran MDA-Lite (live only) */
};

/* Build g from t.  0, or -1 on allocation failure (g then empty). */
int ht_mda_graph_build(const struct ht_trace *t, struct ht_mda_graph *g);

void ht_mda_graph_free(struct ht_mda_graph *g);

/* Does node i answer at TTL ttl? */
int ht_mda_node_at(const struct ht_mda_graph *g, uint32_t i, uint8_t ttl);

#endif

/* \summary: multipath discovery (MDA): the live and replay drivers, the renderers */
#ifndef HT_MDA_H
#define HT_MDA_H

#include "engine/live.h"
#include "io/capture.h"
#include "io/prober.h"
#include "mode/mda/mda_graph.h"
#include "out/output.h"

struct ht_mda_cfg {
	int lite;		/* MDA-Lite (mda_plan.h), else full MDA */
	double confidence;	/* per stopping decision, 0.5 .. 0.999999 */
	uint32_t max_probes;
	int dot;		/* Graphviz DOT instead of text */
	int json;		/* one JSON object (mda_json.c) instead */
	int first_single;	/* TTL 1 is this host's route's one next hop
				 * (live: from the routing table) */
};

/* What the caller may want to know of a finished run. */
struct ht_mda_stats {
	int budget_spent;	/* --max-probes ended the run */
	uint32_t probes;
	uint32_t max_probes;	/* replay: the budget the live run had */
	uint8_t why[256];	/* live: MDA-Lite's switches to full MDA, enum
				 * ht_mda_why per hop (for the -w end note) */
};

/*
 * Run MDA over net (engine/netio.h: live, or simulated in tests): lc
 * gives the probe method and addresses, TTLs, wait, window (simq), send
 * interval, gap and the started() hook; probes use lc->probe.port + i as
 * flow i (pr must be built with paris set).  Takes pr and closes it.  0
 * when it ran, -1 with err, or the signal that stopped it.
 */
struct ht_netio;
int ht_mda_run(const struct ht_live_cfg *lc, const struct ht_mda_cfg *mc,
    const struct ht_netio *net, struct ht_prober *pr,
    const struct ht_outctx *o, struct ht_mda_stats *st, char *err);

/*
 * Rebuild the multipath graph of every trace in a capture and render each
 * (a trace hoptrace's --mda -w recorded as its live run rendered it; st:
 * whether the budget ended that run).  0 (warnings in rd->st), or -1
 * with err.
 */
struct ht_replay;
int ht_mda_replay_run(struct ht_replay *rd, const struct ht_mda_cfg *mc,
    const struct ht_outctx *o, ht_ns wait, struct ht_mda_stats *st,
    char *err);

/* The graph's responders' names into names (mda_names.c), before rendering. */
struct ht_names;
void ht_mda_names(struct ht_names *names, const struct ht_mda_graph *g);

/* Renderers: they only read the graph (and the names). */
void ht_mda_text(const struct ht_outctx *o, const struct ht_mda_cfg *mc,
    const struct ht_mda_graph *g);
void ht_mda_dot(const struct ht_outctx *o, const struct ht_mda_graph *g);
/* One JSON object on one line (schema in mda_json.c); 0, or -1. */
int ht_mda_json(const struct ht_outctx *o, const struct ht_mda_graph *g);

/* "meshed", "non-uniform", "diamond" for enum ht_mda_why */
const char *ht_mda_why_name(unsigned int why);

/* "33434-33436,33440": flows as ranges into buf; returns buf. */
const char *ht_mda_flows_str(const uint16_t *f, uint32_t n, char *buf,
    size_t len);

#endif

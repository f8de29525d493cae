/* \summary: continuous rounds (mtr's job): the drivers and the renderers */
#ifndef HT_CONT_H
#define HT_CONT_H

#include "engine/live.h"
#include "io/capture.h"
#include "io/prober.h"
#include "mode/cont/cont_model.h"
#include "out/output.h"

enum ht_cont_fmt { HT_CONT_REPORT = 0, HT_CONT_WIDE, HT_CONT_CSV,
	HT_CONT_JSON };

struct ht_cont_cfg {
	uint32_t count;		/* rounds; 0: until interrupted */
	ht_ns interval;		/* from one round's start to the next's */
	enum ht_cont_fmt fmt;
	int wide;		/* --report-wide (also with --csv: responders) */
	const char *local;	/* mtr's "HOST:"; NULL: the trace's source */
	const char *dst_name;	/* as the user typed it; NULL: the address */
	int screen;		/* the live screen (a terminal, no --report) */
	const char *title;	/* the screen's first line */
	const char *fields;	/* -o: mtr's field keys; NULL: HT_CONT_FIELDS */
	uint32_t flows;		/* --flows: K Paris flows side by side (1..) */
	int pace;		/* no -z: a round's probes one by one (cont_live.c) */
};

/* mtr's report fields by default (Loss%, Snt, a space, the times). */
#define HT_CONT_FIELDS		"LS NABWV"
#define HT_CONT_MAXFIELDS	20	/* mtr's MAXFLD */

/* Is order a field list -o takes (1..20 of mtr's keys)?  0, or -1. */
int ht_cont_fields_ok(const char *order);

/*
 * The columns of order at buf + len, their titles or a statistic's
 * values, each at mtr's width; returns the new length (room: buf's size).
 */
size_t ht_cont_cols(char *buf, size_t room, size_t len, const char *order,
    const struct ht_cstat *s, uint32_t snt, int titles);

/* "UDP port 33435", "ICMP checksum 0x1234": flow i's identifier. */
const char *ht_cont_flow_str(const struct ht_cont_set *fs, uint32_t i,
    char *buf, size_t len);

/*
 * Run rounds over net (engine/netio.h: live, or simulated in tests):
 * every round sends one probe to each TTL from lc->first_ttl to the
 * destination's (lc->max_ttl until it answers), one
 * after another (cc->pace: each when the one before is answered, at most
 * half the interval over the round's probes apart; else lc->send_gap
 * apart) within the window lc->simq, with Paris flows when the prober
 * was opened with paris set.  After the last round (or a signal) the
 * statistics are rendered.  Takes pr and closes it.  0 when it ran, -1
 * with err, or the number of the signal that stopped it.
 */
struct ht_netio;
int ht_cont_run(const struct ht_live_cfg *lc, const struct ht_cont_cfg *cc,
    const struct ht_netio *net, struct ht_prober *pr,
    const struct ht_outctx *o, char *err);

/*
 * Every trace of a capture as a table of statistics (rounds hoptrace's -w
 * recorded as their live run rendered them; cc->flows 0: the live run's,
 * else 1).  0 (warnings in rd->st), or -1 with err.
 */
struct ht_replay;
int ht_cont_replay_run(struct ht_replay *rd, const struct ht_cont_cfg *cc,
    const struct ht_outctx *o, ht_ns wait, char *err);

/*
 * Fill in the responders' names (cont_names.c; NULL names: none), waiting
 * at most wait_ms for each (0: the names known now).
 */
struct ht_names;
void ht_cont_names(struct ht_cont_model *md, struct ht_names *names,
    unsigned wait_ms);
void ht_cont_names_set(struct ht_cont_set *fs, struct ht_names *names,
    unsigned wait_ms);

/* Renderers: they only read the model. */
void ht_cont_render(const struct ht_outctx *o, const struct ht_cont_cfg *cc,
    const struct ht_cont_model *md);
void ht_cont_report(const struct ht_outctx *o, const struct ht_cont_cfg *cc,
    const struct ht_cont_model *md);
void ht_cont_csv(const struct ht_outctx *o, const struct ht_cont_cfg *cc,
    const struct ht_cont_model *md);
/* One JSON object on one line (schema in cont_json.c); 0, or -1. */
int ht_cont_json(const struct ht_outctx *o, const struct ht_cont_cfg *cc,
    const struct ht_cont_model *md);
/* The K flows' tables (K = 1: as ht_cont_render()). */
void ht_cont_render_set(const struct ht_outctx *o,
    const struct ht_cont_cfg *cc, const struct ht_cont_set *fs);
int ht_cont_json_set(const struct ht_outctx *o, const struct ht_cont_cfg *cc,
    const struct ht_cont_set *fs);

#endif

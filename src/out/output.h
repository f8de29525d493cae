/* \summary: rendering a trace as text or JSON; renderers only read the model */
#ifndef HT_OUTPUT_H
#define HT_OUTPUT_H

#include <stdio.h>

#include "match/trace.h"

struct ht_names;

/* What the renderers need besides the model. */
struct ht_outctx {
	FILE *fp;
	/* responders' names (base/names.h): filled by the drivers, read
	 * here; NULL: numeric (-n) */
	struct ht_names *names;
	const char *dst_name;		/* as the user typed it (live) */
	int max_hops, queries;
	uint8_t first_ttl;
	int paris;
	int live;
	int rows;			/* --rows: a row per reply instead */
};

const char *ht_proto_name(uint8_t proto);

/* Text (traceroute(8) style). */
void ht_text_header(const struct ht_outctx *o, const struct ht_trace *t);
void ht_text_hop(const struct ht_outctx *o, const struct ht_trace *t,
    uint8_t ttl);

/* traceroute's annotation of an ICMP unreachable code ("" for none). */
const char *ht_unreach_tag(int af, uint8_t code, char *buf, size_t len);

/*
 * RIPE Atlas's "err" for an ICMP unreachable code answering a probe of
 * protocol proto (HT_PROTO_*), or NULL where Atlas writes none.
 */
const char *ht_unreach_err(int af, uint8_t proto, uint8_t code, char *buf,
    size_t len);

/* JSON Lines, RIPE Atlas traceroute result format: one line per trace. */
int ht_json_trace(const struct ht_outctx *o, const struct ht_trace *t,
    uint8_t last_ttl, ht_ns t_end);

/*
 * Rows (--rows): a JSON object (ClickHouse JSONEachRow) per answered
 * probe at TTLs first_ttl..last_ttl, in the order the probes were sent,
 * the fields of a scan's rows then the trace's, flow's and probe's
 * (output_rows.c); n: the trace's number in the run, from 1.
 */
void ht_rows_trace(const struct ht_outctx *o, const struct ht_trace *t,
    uint8_t first_ttl, uint8_t last_ttl, uint64_t n);

#endif

/* \summary: the multipath graph as one JSON object per trace (read-only) */
/*
 * Schema (JSON Lines, one object per trace), documented in the man page:
 *   type "mda", af, proto, src_addr, dst_addr, timestamp, endtime (Unix
 *   seconds of the first probe and the last event), probes, replies,
 *   folded (probes of a flow past the TTL where it reached the
 *   destination or an unreachable: not in probes, hops or links),
 *   confidence (0..1, as the text's totals line), dest_reached,
 *   hops:  [{hop, probes, replies, nodes: [node ids]}]
 *   nodes: [{id, addr ("*" for a silent hop), hops: [TTLs], final}]
 *   links: [{from, to (node ids), hop (TTL of from), flows: [ids],
 *            rtts: [ms, one per flow: the RTT of that flow's reply at to]}]
 *   diamonds: [{div, conv (node ids; conv null if the paths never meet
 *            again), div_hop, conv_hop (their first TTLs), width (most
 *            interior nodes at one TTL), min_length, max_length (links on
 *            the shortest and longest path from div to conv), meshed,
 *            parent (index of the smallest diamond holding this one's
 *            divergence point inside, or null)}]
 *   lite (live MDA-Lite runs only): {switched: [{hop, why: "meshed",
 *            "non-uniform" or "diamond"}]}: hops given to full MDA
 */
#ifdef HAVE_CONFIG_H
#include <config.h>
#endif

#include <jansson.h>
#include <math.h>

#include "mode/mda/mda.h"

static json_t *
node_json(const struct ht_mda_graph *g, uint32_t i)
{
	const struct ht_mda_node *v = &g->node[i];
	char a[HT_ADDRSTRLEN];
	json_t *o, *hops;
	unsigned int h;

	o = json_object();
	json_object_set_new(o, "id", json_integer(i));
	json_object_set_new(o, "addr", json_string(v->addr.af ?
	    ht_addr_str(&v->addr, a) : "*"));
	hops = json_array();
	for (h = v->ttl_min; h <= v->ttl_max; h++)
		if (ht_mda_node_at(g, i, (uint8_t)h))
			json_array_append_new(hops, json_integer(h));
	json_object_set_new(o, "hops", hops);
	json_object_set_new(o, "final", json_boolean(v->final));
	return o;
}

/* ms with microsecond resolution (jansson never gets a NaN here) */
static json_t *
ms(ht_ns t)
{
	return json_real(floor((double)t / 1000.0 + 0.5) / 1000.0);
}

static json_t *
diamond_json(const struct ht_mda_graph *g, const struct ht_mda_diamond *d)
{
	json_t *o = json_object();
	int conv = d->conv != UINT32_MAX;

	json_object_set_new(o, "div", json_integer(d->div));
	json_object_set_new(o, "conv", conv ? json_integer(d->conv) :
	    json_null());
	json_object_set_new(o, "div_hop",
	    json_integer(g->node[d->div].ttl_min));
	json_object_set_new(o, "conv_hop", conv ?
	    json_integer(g->node[d->conv].ttl_min) : json_null());
	json_object_set_new(o, "width", json_integer(d->width));
	json_object_set_new(o, "min_length", conv ?
	    json_integer(d->min_len) : json_null());
	json_object_set_new(o, "max_length", conv ?
	    json_integer(d->max_len) : json_null());
	json_object_set_new(o, "meshed", json_boolean(d->meshed));
	json_object_set_new(o, "parent", d->parent != UINT32_MAX ?
	    json_integer(d->parent) : json_null());
	return o;
}

int
ht_mda_json(const struct ht_outctx *o, const struct ht_mda_graph *g)
{
	char a[HT_ADDRSTRLEN];
	const struct ht_mda_link *l;
	json_t *top, *arr, *x, *ids;
	uint32_t i, j;
	unsigned int h;
	int rc;

	top = json_object();
	json_object_set_new(top, "type", json_string("mda"));
	json_object_set_new(top, "af", json_integer(g->dst.af));
	json_object_set_new(top, "proto", json_string(ht_proto_name(g->proto)));
	json_object_set_new(top, "src_addr", json_string(ht_addr_str(&g->src,
	    a)));
	json_object_set_new(top, "dst_addr", json_string(ht_addr_str(&g->dst,
	    a)));
	json_object_set_new(top, "timestamp",
	    json_integer((json_int_t)(g->t_first / HT_NS_PER_SEC)));
	json_object_set_new(top, "endtime",
	    json_integer((json_int_t)(g->t_last / HT_NS_PER_SEC)));
	json_object_set_new(top, "probes", json_integer(g->probes));
	json_object_set_new(top, "replies", json_integer(g->replies));
	json_object_set_new(top, "folded", json_integer(g->folded));
	json_object_set_new(top, "confidence",
	    json_real(floor(g->confidence * 1e6) / 1e6));
	json_object_set_new(top, "dest_reached",
	    json_boolean(g->dest_reached));
	arr = json_array();
	for (h = g->first_ttl; h <= g->last_ttl && g->probes > 0; h++) {
		if (g->hop[h].probes == 0)
			continue;
		x = json_object();
		json_object_set_new(x, "hop", json_integer(h));
		json_object_set_new(x, "probes", json_integer(g->hop[h].probes));
		json_object_set_new(x, "replies",
		    json_integer(g->hop[h].replies));
		ids = json_array();
		for (i = 0; i < g->nnode; i++)
			if (ht_mda_node_at(g, i, (uint8_t)h))
				json_array_append_new(ids, json_integer(i));
		json_object_set_new(x, "nodes", ids);
		json_array_append_new(arr, x);
	}
	json_object_set_new(top, "hops", arr);
	arr = json_array();
	for (i = 0; i < g->nnode; i++)
		json_array_append_new(arr, node_json(g, i));
	json_object_set_new(top, "nodes", arr);
	arr = json_array();
	for (j = 0; j < g->nlink; j++) {
		l = &g->link[j];
		x = json_object();
		json_object_set_new(x, "from", json_integer(l->from));
		json_object_set_new(x, "to", json_integer(l->to));
		json_object_set_new(x, "hop", json_integer(l->ttl));
		ids = json_array();
		for (i = 0; i < l->nflows; i++)
			json_array_append_new(ids, json_integer(l->flows[i]));
		json_object_set_new(x, "flows", ids);
		ids = json_array();
		for (i = 0; i < l->nflows; i++)
			json_array_append_new(ids, ms(l->rtts[i]));
		json_object_set_new(x, "rtts", ids);
		json_array_append_new(arr, x);
	}
	json_object_set_new(top, "links", arr);
	arr = json_array();
	for (j = 0; j < g->ndiamond; j++)
		json_array_append_new(arr, diamond_json(g, &g->diamond[j]));
	json_object_set_new(top, "diamonds", arr);
	for (h = 0, x = NULL; h < 256; h++) {
		if (g->why[h] == 0)
			continue;
		if (x == NULL)
			x = json_array();
		ids = json_object();
		json_object_set_new(ids, "hop", json_integer(h));
		json_object_set_new(ids, "why",
		    json_string(ht_mda_why_name(g->why[h])));
		json_array_append_new(x, ids);
	}
	if (g->lite) {
		ids = json_object();
		json_object_set_new(ids, "switched", x ? x : json_array());
		json_object_set_new(top, "lite", ids);
	} else if (x != NULL)
		json_decref(x);
	rc = json_dumpf(top, o->fp, JSON_COMPACT | JSON_PRESERVE_ORDER |
	    JSON_REAL_PRECISION(10));
	json_decref(top);
	if (rc == 0)
		fputc('\n', o->fp);
	fflush(o->fp);
	return rc;
}

/* \summary: the statistics table as one JSON object (mtr --json's layout) */
/*
 * Schema (one object on one line; times in milliseconds rounded to the
 * microsecond, Loss% in percent rounded to 0.001):
 *
 *   {"report":{
 *     "mtr":{"src":LOCAL HOST NAME (a replay: the source address),"dst":DESTINATION AS GIVEN,
 *            "tests":ROUNDS,"tool":"hoptrace","version":V,
 *            "proto":"ICMP"|"UDP"|"TCP","af":4|6,
 *            "src_addr":A,"dst_addr":A,"start":UNIX SECONDS},
 *     "hubs":[{"count":HOP (TTL),"host":NAME or "???","ip":A or null,
 *              "Loss%":F,"Snt":N,"Rcv":N,"Drop":N,
 *              "Last":F,"Avg":F,"Best":F,"Wrst":F,"StDev":F,
 *              "Jttr":F,"Javg":F,"Jmax":F,"Jint":F,
 *              "responders":[{"host":NAME,"ip":A,"Loss%":F,"Snt":N,
 *                             "Rcv":N,"Last":F, ... "Jint":F}, ...]},
 *             ...]}}
 *
 * With --flows=K (K > 1), "mtr" has "flows":K, "hubs" is the first
 * flow's and "flows" lists every flow seen, in the order of its first
 * probe:
 *
 *     "flows":[{"flow":1,"id":"UDP port 33434","key":33434,"tests":N,
 *               "hubs":[...as above...]}, ...]
 *
 * "id" names the flow identifier a per-flow balancer hashes (UDP/TCP
 * destination port; ICMP: "ICMP checksum 0x...."), "key" is its value.
 * Hub fields also hold "Gmean" (mtr's geometric mean).
 *
 * "report", "mtr", "hubs" and the hub fields "count", "host", "Loss%",
 * "Snt", "Last", "Avg", "Best", "Wrst" and "StDev" are those of mtr
 * --json; the rest are hoptrace's.  "responders" lists every address that
 * answered at the hop, in the order of their first replies; a responder's
 * Snt is its hop's, its Loss% the share of the hop's probes it did not
 * answer.
 */
#ifdef HAVE_CONFIG_H
#include <config.h>
#endif

#include <math.h>
#include <stdlib.h>

#include <jansson.h>

#include "mode/cont/cont.h"

static json_t *
msj(double ns)
{
	return json_real(round(ns / 1e3) / 1e3);
}

/* Set key to v; a NULL v (no memory) marks the object failed. */
static void
put(json_t *o, int *bad, const char *k, json_t *v)
{
	if (v == NULL || json_object_set_new(o, k, v) < 0)
		*bad = 1;
}

static void
put_stats(json_t *o, int *bad, const struct ht_cstat *s, uint32_t snt)
{
	put(o, bad, "Loss%", json_real(round((snt ? 100.0 *
	    (double)(snt - s->rcv) / snt : 0.0) * 1e3) / 1e3));
	put(o, bad, "Snt", json_integer(snt));
	put(o, bad, "Rcv", json_integer(s->rcv));
	put(o, bad, "Drop", json_integer(snt - s->rcv));
	put(o, bad, "Last", msj((double)s->last));
	put(o, bad, "Avg", msj(s->mean));
	put(o, bad, "Best", msj((double)s->best));
	put(o, bad, "Wrst", msj((double)s->worst));
	put(o, bad, "StDev", msj(ht_cstat_stdev(s)));
	put(o, bad, "Gmean", msj(ht_cstat_gmean(s)));
	put(o, bad, "Jttr", msj((double)s->jitter));
	put(o, bad, "Javg", msj(s->javg));
	put(o, bad, "Jmax", msj((double)s->jmax));
	put(o, bad, "Jint", msj((double)s->jint));
}

static json_t *
hub(const struct ht_cont_hop *h, int ttl, int *bad)
{
	char abuf[HT_ADDRSTRLEN];
	const struct ht_cont_resp *r;
	json_t *o = json_object(), *rs = json_array(), *ro;
	uint8_t i;

	if (o == NULL || rs == NULL) {
		json_decref(o);
		json_decref(rs);
		*bad = 1;
		return NULL;
	}
	put(o, bad, "count", json_integer(ttl));
	if (h->nresp == 0) {
		put(o, bad, "host", json_string("???"));
		put(o, bad, "ip", json_null());
	} else {
		r = &h->resp[h->latest];
		put(o, bad, "host", json_string(r->name ? r->name :
		    ht_addr_str(&r->addr, abuf)));
		put(o, bad, "ip", json_string(ht_addr_str(&r->addr, abuf)));
	}
	put_stats(o, bad, &h->st, h->st.snt);
	for (i = 0; i < h->nresp; i++) {
		r = &h->resp[i];
		if ((ro = json_object()) == NULL) {
			*bad = 1;
			break;
		}
		put(ro, bad, "host", json_string(r->name ? r->name :
		    ht_addr_str(&r->addr, abuf)));
		put(ro, bad, "ip", json_string(ht_addr_str(&r->addr, abuf)));
		put_stats(ro, bad, &r->st, h->st.snt);
		if (json_array_append_new(rs, ro) < 0)
			*bad = 1;
	}
	put(o, bad, "responders", rs);
	return o;
}

static json_t *
hubs_of(const struct ht_cont_model *md, int *bad)
{
	json_t *hubs = json_array();
	int ttl;

	if (hubs == NULL) {
		*bad = 1;
		return NULL;
	}
	for (ttl = md->first_ttl; ttl >= 1 && ttl <= md->last_ttl; ttl++)
		if (json_array_append_new(hubs, hub(&md->hop[ttl], ttl,
		    bad)) < 0)
			*bad = 1;
	return hubs;
}

static json_t *
flows_of(const struct ht_cont_set *fs, int *bad)
{
	char fb[64];
	json_t *a = json_array(), *f;
	uint32_t i;

	if (a == NULL) {
		*bad = 1;
		return NULL;
	}
	for (i = 0; i < fs->nflows; i++) {
		if ((f = json_object()) == NULL) {
			*bad = 1;
			break;
		}
		put(f, bad, "flow", json_integer(i + 1));
		put(f, bad, "id", json_string(ht_cont_flow_str(fs, i, fb,
		    sizeof(fb))));
		put(f, bad, "key", json_integer(fs->key[i]));
		put(f, bad, "tests", json_integer(fs->flow[i]->rounds));
		put(f, bad, "hubs", hubs_of(fs->flow[i], bad));
		if (json_array_append_new(a, f) < 0)
			*bad = 1;
	}
	return a;
}

/* The report of md; with fs (K > 1 flows) its "flows" too. */
static int
json_out(const struct ht_outctx *o, const struct ht_cont_cfg *cc,
    const struct ht_cont_model *md, const struct ht_cont_set *fs)
{
	char abuf[HT_ADDRSTRLEN];
	json_t *top = json_object(), *rep = json_object(), *mtr = json_object();
	int bad = 0, rc;

	if (top == NULL || rep == NULL || mtr == NULL) {
		json_decref(top);
		json_decref(rep);
		json_decref(mtr);
		return -1;
	}
	put(mtr, &bad, "src", json_string(cc->local != NULL ? cc->local :
	    ht_addr_str(&md->src, abuf)));
	put(mtr, &bad, "dst", json_string(cc->dst_name ? cc->dst_name :
	    ht_addr_str(&md->dst, abuf)));
	put(mtr, &bad, "tests", json_integer(md->rounds));
	put(mtr, &bad, "tool", json_string("hoptrace"));
	put(mtr, &bad, "version", json_string(PACKAGE_VERSION));
	put(mtr, &bad, "proto", json_string(ht_proto_name(md->proto)));
	put(mtr, &bad, "af", json_integer(md->dst.af));
	put(mtr, &bad, "src_addr", json_string(ht_addr_str(&md->src, abuf)));
	put(mtr, &bad, "dst_addr", json_string(ht_addr_str(&md->dst, abuf)));
	put(mtr, &bad, "start", json_integer((json_int_t)(md->t_first /
	    HT_NS_PER_SEC)));
	if (fs != NULL)
		put(mtr, &bad, "flows", json_integer(fs->maxflows));
	put(rep, &bad, "mtr", mtr);
	put(rep, &bad, "hubs", hubs_of(md, &bad));
	if (fs != NULL)
		put(rep, &bad, "flows", flows_of(fs, &bad));
	put(top, &bad, "report", rep);
	if (bad) {
		json_decref(top);
		return -1;
	}
	rc = json_dumpf(top, o->fp, JSON_COMPACT | JSON_PRESERVE_ORDER |
	    JSON_REAL_PRECISION(12));
	fputc('\n', o->fp);
	json_decref(top);
	return rc < 0 ? -1 : 0;
}

int
ht_cont_json(const struct ht_outctx *o, const struct ht_cont_cfg *cc,
    const struct ht_cont_model *md)
{
	return json_out(o, cc, md, NULL);
}

int
ht_cont_json_set(const struct ht_outctx *o, const struct ht_cont_cfg *cc,
    const struct ht_cont_set *fs)
{
	return json_out(o, cc, fs->flow[0], fs->maxflows > 1 ? fs : NULL);
}

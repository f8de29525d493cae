/* \summary: RIPE Atlas traceroute results (fw 5080 layout) as JSON Lines */
/*
 * One object per trace, built with jansson so the output is always valid
 * JSON.  Field meanings follow the RIPE Atlas result documentation for
 * traceroute (fw >= 5000): each probe sent has one element in its hop's
 * "result", a reply object or {"x":"*"}.
 */
#ifdef HAVE_CONFIG_H
#include <config.h>
#endif

#include <jansson.h>

#include "base/names.h"
#include "out/output.h"

#define ATLAS_FW	5080

/*
 * The "err" of a destination unreachable, where and as RIPE Atlas probes
 * write one (ripe-atlas-software-probe, probe-busybox/eperd/traceroute.c:
 * ready_callback4 switches on the ICMP code in each of its branches for a
 * quoted TCP, UDP or ICMP probe; ready_callback6 has one switch on the
 * ICMPv6 code for every probe protocol).  NULL: Atlas writes no err.
 *
 * ICMP, RFC 792 and RFC 1812 s. 5.2.7.1: 0 "N" network, 1 "H" host, 2 "P"
 * protocol, 3 port: "p" for an ICMP probe, none for UDP and TCP (the
 * normal end of their trace), 4 fragmentation needed: none (Atlas writes
 * its "mtu" instead), 13 "A" administratively prohibited.
 * ICMPv6, RFC 4443 s. 3.1: 0 "N" no route, 1 "A" administratively
 * prohibited, 2 "h" beyond the scope of the source address, 3 "H" address
 * unreachable, 4 port: none, whatever the probe.
 * Any other code: the code in decimal.
 */
const char *
ht_unreach_err(int af, uint8_t proto, uint8_t code, char *buf, size_t len)
{
	if (af == 4) {
		switch (code) {
		case 0:
			return "N";
		case 1:
			return "H";
		case 2:
			return "P";
		case 3:
			return proto == HT_PROTO_ICMP ? "p" : NULL;
		case 4:
			return NULL;
		case 13:
			return "A";
		}
	} else {
		switch (code) {
		case 0:
			return "N";
		case 1:
			return "A";
		case 2:
			return "h";
		case 3:
			return "H";
		case 4:
			return NULL;
		}
	}
	snprintf(buf, len, "%u", code);
	return buf;
}

/* Set a key, dropping the value if jansson could not make it. */
static void
put(json_t *o, const char *key, json_t *v)
{
	if (v != NULL)
		json_object_set_new(o, key, v);
}

static json_t *
ext_json(const struct ht_ext *e)
{
	static const char *const role[4] = { "in", "sub", "out", "nexthop" };
	char s[HT_ADDRSTRLEN];
	json_t *x = json_object(), *objs = json_array(), *o, *ls, *l;
	unsigned i;

	put(x, "version", json_integer(e->version));
	put(x, "rfc4884", json_integer(e->rfc4884));
	if (e->n_mpls > 0) {
		o = json_object();
		ls = json_array();
		put(o, "class", json_integer(1));
		put(o, "type", json_integer(1));
		for (i = 0; i < e->n_mpls; i++) {
			l = json_object();
			put(l, "label", json_integer(e->mpls[i].label));
			put(l, "exp", json_integer(e->mpls[i].exp));
			put(l, "s", json_integer(e->mpls[i].s));
			put(l, "ttl", json_integer(e->mpls[i].ttl));
			json_array_append_new(ls, l);
		}
		put(o, "mpls", ls);
		json_array_append_new(objs, o);
	}
	for (i = 0; i < e->n_if; i++) {
		const struct ht_ifinfo *f = &e->ifs[i];

		o = json_object();
		put(o, "class", json_integer(2));
		put(o, "type", json_integer((f->role & 3) << 6 |
		    f->has_index << 3 | f->has_addr << 2 | f->has_name << 1 |
		    f->has_mtu));
		put(o, "role", json_string(role[f->role & 3]));
		if (f->has_index)
			put(o, "ifindex", json_integer(f->ifindex));
		if (f->has_addr)
			put(o, "addr", json_string(ht_addr_str(&f->addr, s)));
		if (f->has_name)
			put(o, "name", json_string(f->name));
		if (f->has_mtu)
			put(o, "mtu", json_integer(f->mtu));
		json_array_append_new(objs, o);
	}
	put(x, "obj", objs);
	return x;
}

static json_t *
reply_json(const struct ht_outctx *o, const struct ht_trace *t,
    const struct ht_probe *p)
{
	char s[HT_ADDRSTRLEN], code[8];
	const char *name, *err;
	json_t *r = json_object();
	double rtt;

	if (p->rkind == HT_R_NONE) {
		put(r, "x", json_string("*"));
		return r;
	}
	put(r, "from", json_string(ht_addr_str(&p->from, s)));
	if ((name = ht_names_get(o->names, &p->from)) != NULL)
		put(r, "name", json_string(name));
	/* milliseconds at the resolution of the timestamps, the very value
	 * the text output prints to 3 decimals, so a reader rounding it
	 * (ripe.atlas.sagan does) gets the text's figure; 12 significant
	 * digits hold it exactly below 1000 s.  A reply never precedes its
	 * probe: the matcher checks. */
	rtt = (double)(p->t_reply - p->t_sent) / 1e6;
	put(r, "rtt", json_real(rtt));
	put(r, "size", json_integer(p->rsize));
	put(r, "ttl", json_integer(p->rttl));
	if (p->rkind == HT_R_UNREACH && (err = ht_unreach_err(p->from.af,
	    t->proto, p->rcode, code, sizeof(code))) != NULL)
		put(r, "err", json_string(err));
	if ((p->rkind == HT_R_TIMEX || p->rkind == HT_R_UNREACH) &&
	    p->qttl != 1)
		put(r, "ittl", json_integer(p->qttl));
	if (p->rkind == HT_R_TCP)
		put(r, "flags", json_string(p->tflags & HT_TH_RST ?
		    (p->tflags & HT_TH_ACK ? "RA" : "R") : "SA"));
	if (p->ndup)
		put(r, "dup", json_true());
	if (p->ext != NULL && (p->ext->n_mpls > 0 || p->ext->n_if > 0))
		put(r, "icmpext", ext_json(p->ext));
	return r;
}

int
ht_json_trace(const struct ht_outctx *o, const struct ht_trace *t,
    uint8_t last_ttl, ht_ns t_end)
{
	char s[HT_ADDRSTRLEN], d[HT_ADDRSTRLEN];
	json_t *root, *hops, *hop, *res;
	const struct ht_probe *p;
	char *text;
	unsigned ttl;
	uint32_t i, sent, rcvd;
	int rc;

	ht_addr_str(&t->src, s);
	ht_addr_str(&t->dst, d);
	root = json_object();
	put(root, "type", json_string("traceroute"));
	put(root, "fw", json_integer(ATLAS_FW));
	put(root, "msm_id", json_integer(0));
	put(root, "prb_id", json_integer(0));
	put(root, "af", json_integer(t->dst.af));
	put(root, "proto", json_string(ht_proto_name(t->proto)));
	put(root, "src_addr", json_string(s));
	put(root, "dst_addr", json_string(d));
	put(root, "dst_name", json_string(o->dst_name ? o->dst_name : d));
	put(root, "from", json_string(s));
	put(root, "paris_id", json_integer(o->paris ? 1 : 0));
	put(root, "size", json_integer(t->n ? t->p[0].size : 0));
	put(root, "timestamp", json_integer((json_int_t)(t->t_first /
	    HT_NS_PER_SEC)));
	put(root, "endtime", json_integer((json_int_t)(t_end /
	    HT_NS_PER_SEC)));
	if (t->ident != HT_IDENT_ANY)
		put(root, "probe_id", json_integer(t->ident));
	put(root, "dest_reached", json_boolean(t->dest_reached &&
	    t->end_ttl <= last_ttl));
	/* a run of several rounds (mtr): their count; per hop, below, how
	 * many probes went out and how many were answered */
	if (t->rounds > 1)
		put(root, "rounds", json_integer(t->rounds));
	hops = json_array();
	for (ttl = t->min_ttl; ttl <= last_ttl && t->n; ttl++) {
		res = json_array();
		sent = rcvd = 0;
		for (i = 0; i < t->n; i++) {
			p = &t->p[i];
			if (p->ttl != ttl)
				continue;
			json_array_append_new(res, reply_json(o, t, p));
			sent++;
			if (p->rkind != HT_R_NONE)
				rcvd++;
		}
		if (json_array_size(res) == 0) {
			json_decref(res);
			continue;
		}
		hop = json_object();
		put(hop, "hop", json_integer(ttl));
		put(hop, "result", res);
		if (t->rounds > 1) {
			put(hop, "sent", json_integer(sent));
			put(hop, "rcvd", json_integer(rcvd));
		}
		json_array_append_new(hops, hop);
	}
	put(root, "result", hops);
	text = json_dumps(root, JSON_COMPACT | JSON_PRESERVE_ORDER |
	    JSON_REAL_PRECISION(12));
	json_decref(root);
	if (text == NULL)
		return -1;
	rc = fprintf(o->fp, "%s\n", text) < 0 ? -1 : 0;
	free(text);
	fflush(o->fp);
	return rc;
}

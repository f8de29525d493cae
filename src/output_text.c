/* \summary: traceroute(8)-style text output of the trace model */
#ifdef HAVE_CONFIG_H
#include <config.h>
#endif

#include <inttypes.h>
#include <time.h>

#include "output.h"
#include "resolve.h"

/* How long the text output waits for one name (within the budget). */
#define NAME_WAIT_MS	250

const char *
ht_proto_name(uint8_t proto)
{
	switch (proto) {
	case HT_PROTO_ICMP:
	case HT_PROTO_ICMP6:
		return "ICMP";
	case HT_PROTO_UDP:
		return "UDP";
	case HT_PROTO_TCP:
		return "TCP";
	default:
		return "?";
	}
}

/*
 * Destination unreachable codes, RFC 792 and RFC 1812 (ICMPv4),
 * RFC 4443 (ICMPv6), as traceroute(8) flags them.  Port unreachable is the
 * normal end of a UDP trace and carries no flag.
 */
const char *
ht_unreach_tag(int af, uint8_t code, char *buf, size_t len)
{
	static const char *const v4[16] = {
		"!N", "!H", "!P", "", "!F", "!S", "!N", "!H",
		"!H", "!X", "!X", "!N", "!H", "!X", "!V", "!C"
	};
	static const char *const v6[8] = {
		"!N", "!X", "!H", "!H", "", "!X", "!X", "!X"
	};

	if (af == 4 && code < 16)
		return v4[code];
	if (af == 6 && code < 8)
		return v6[code];
	snprintf(buf, len, "!<%u>", code);
	return buf;
}

static void
print_addr(const struct ht_outctx *o, const struct ht_addr *a)
{
	char s[HT_ADDRSTRLEN];
	const char *name;

	ht_addr_str(a, s);
	if (o->res == NULL) {
		fprintf(o->fp, " %s", s);
		return;
	}
	name = ht_resolver_name(o->res, a, NAME_WAIT_MS);
	fprintf(o->fp, " %s (%s)", name ? name : s, s);
}

static void
print_ext(const struct ht_outctx *o, const struct ht_ext *e)
{
	static const char *const role[4] = { "in", "sub", "out", "nexthop" };
	char s[HT_ADDRSTRLEN];
	const char *sep = "";
	unsigned i;

	if (e->n_mpls > 0) {
		fputs(" <MPLS:", o->fp);
		for (i = 0; i < e->n_mpls; i++)
			fprintf(o->fp, "%sL=%" PRIu32 ",E=%u,S=%u,T=%u",
			    i ? "/" : "", e->mpls[i].label, e->mpls[i].exp,
			    e->mpls[i].s, e->mpls[i].ttl);
		fputc('>', o->fp);
	}
	for (i = 0; i < e->n_if; i++) {
		const struct ht_ifinfo *f = &e->ifs[i];

		fprintf(o->fp, " <IF:%s", role[f->role & 3]);
		sep = ",";
		if (f->has_name)
			fprintf(o->fp, "%sname=%s", sep, f->name);
		if (f->has_index)
			fprintf(o->fp, "%sifindex=%" PRIu32, sep, f->ifindex);
		if (f->has_addr)
			fprintf(o->fp, "%saddr=%s", sep,
			    ht_addr_str(&f->addr, s));
		if (f->has_mtu)
			fprintf(o->fp, "%smtu=%" PRIu32, sep, f->mtu);
		fputc('>', o->fp);
	}
}

void
ht_text_header(const struct ht_outctx *o, const struct ht_trace *t)
{
	char d[HT_ADDRSTRLEN], s[HT_ADDRSTRLEN], when[64];
	const char *name;
	struct tm tm;
	time_t sec;

	ht_addr_str(&t->dst, d);
	if (o->live) {
		fprintf(o->fp, "hoptrace to %s (%s), %d hops max, "
		    "%d probes per hop, %s%s\n", o->dst_name ? o->dst_name : d,
		    d, o->max_hops, o->queries, ht_proto_name(t->proto),
		    o->paris ? " (Paris)" : "");
		return;
	}
	name = o->res ? ht_resolver_name(o->res, &t->dst, NAME_WAIT_MS) : NULL;
	sec = (time_t)(t->t_first / HT_NS_PER_SEC);
	gmtime_r(&sec, &tm);
	strftime(when, sizeof(when), "%Y-%m-%d %H:%M:%S", &tm);
	fprintf(o->fp, "hoptrace from %s to %s (%s), %s, first probe "
	    "%s.%06u UTC\n", ht_addr_str(&t->src, s), name ? name : d, d,
	    ht_proto_name(t->proto), when,
	    (unsigned)(t->t_first % HT_NS_PER_SEC / 1000));
}

void
ht_text_hop(const struct ht_outctx *o, const struct ht_trace *t, uint8_t ttl)
{
	const struct ht_probe *p;
	const struct ht_addr *last = NULL;
	char tag[16];
	const char *ann;
	uint32_t i;
	int after_rtt = 0;

	fprintf(o->fp, "%2u ", ttl);
	for (i = 0; i < t->n; i++) {
		p = &t->p[i];
		if (p->ttl != ttl)
			continue;
		if (p->rkind == HT_R_NONE) {
			fputs(after_rtt ? "  *" : " *", o->fp);
			after_rtt = 0;
			continue;
		}
		if (last == NULL || !ht_addr_eq(last, &p->from)) {
			print_addr(o, &p->from);
			last = &p->from;
		}
		fprintf(o->fp, "  %.3f ms",
		    (double)(p->t_reply - p->t_sent) / 1e6);
		after_rtt = 1;
		if (p->rkind == HT_R_UNREACH) {
			ann = ht_unreach_tag(p->from.af, p->rcode, tag,
			    sizeof(tag));
			if (*ann)
				fprintf(o->fp, " %s", ann);
		} else if (p->rkind == HT_R_TCP)
			fputs(p->tflags & HT_TH_RST ? " [closed]" : " [open]",
			    o->fp);
		if (p->ext != NULL)
			print_ext(o, p->ext);
	}
	fputc('\n', o->fp);
}

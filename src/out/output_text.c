/* \summary: traceroute(8)-style text output of the trace model */
#ifdef HAVE_CONFIG_H
#include <config.h>
#endif

#include <inttypes.h>
#include <stdarg.h>
#include <string.h>
#include <time.h>

#include "base/names.h"
#include "out/output.h"

/* How long the text output waits for one name (within the budget). */

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

/*
 * A hop line is built in a buffer and written with one fwrite (a replay
 * prints millions of RTTs: printf's float conversion was a quarter of
 * its time).  A line longer than the buffer goes out in pieces.
 */
struct line {
	FILE *fp;
	size_t n;
	char b[4096];
};

static void
line_flush(struct line *l)
{
	if (l->n > 0)
		fwrite(l->b, 1, l->n, l->fp);
	l->n = 0;
}

static void
line_put_slow(struct line *l, const char *s, size_t len)
{
	size_t k;

	while (len > 0) {
		if (l->n == sizeof(l->b))
			line_flush(l);
		k = sizeof(l->b) - l->n;
		if (k > len)
			k = len;
		memcpy(l->b + l->n, s, k);
		l->n += k;
		s += k;
		len -= k;
	}
}

static inline void
line_put(struct line *l, const char *s, size_t len)
{
	if (len <= sizeof(l->b) - l->n) {
		memcpy(l->b + l->n, s, len);
		l->n += len;
	} else
		line_put_slow(l, s, len);
}

static void
line_str(struct line *l, const char *s)
{
	line_put(l, s, strlen(s));
}

static void
line_printf(struct line *l, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static void
line_printf(struct line *l, const char *fmt, ...)
{
	char tmp[512];
	va_list ap;
	int k;

	va_start(ap, fmt);
	k = vsnprintf(tmp, sizeof(tmp), fmt, ap);
	va_end(ap);
	if (k > 0)
		line_put(l, tmp, (size_t)k < sizeof(tmp) ? (size_t)k :
		    sizeof(tmp) - 1);
}

/* An unsigned number in decimal, at least `width` digits (zero-padded). */
static void
line_uint(struct line *l, uint64_t v, int width)
{
	char d[24];
	int i = (int)sizeof(d);

	do {
		d[--i] = (char)('0' + v % 10);
		v /= 10;
		width--;
	} while ((v != 0 || width > 0) && i > 0);
	line_put(l, d + i, sizeof(d) - (size_t)i);
}

/*
 * "  R ms": what printf("%.3f", ns / 1e6) prints, by integer arithmetic
 * except at an exact half microsecond, where the binary double decides.
 */
static void
line_rtt(struct line *l, ht_ns ns)
{
	uint64_t us;

	if (ns % 1000 == 500) {
		line_printf(l, "  %.3f ms", (double)ns / 1e6);
		return;
	}
	us = (ns + 500) / 1000;
	line_put(l, "  ", 2);
	line_uint(l, us / 1000, 1);
	line_put(l, ".", 1);
	line_uint(l, us % 1000, 3);
	line_put(l, " ms", 3);
}

static void
print_addr(const struct ht_outctx *o, struct line *l, const struct ht_addr *a)
{
	char s[HT_ADDRSTRLEN];
	const char *name;

	ht_addr_str(a, s);
	line_put(l, " ", 1);
	if (o->names == NULL) {
		line_str(l, s);
		return;
	}
	name = ht_names_get(o->names, a);
	line_str(l, name ? name : s);
	line_put(l, " (", 2);
	line_str(l, s);
	line_put(l, ")", 1);
}

static void
print_ext(struct line *l, const struct ht_ext *e)
{
	static const char *const role[4] = { "in", "sub", "out", "nexthop" };
	char s[HT_ADDRSTRLEN];
	const char *sep = "";
	unsigned i;

	if (e->n_mpls > 0) {
		line_str(l, " <MPLS:");
		for (i = 0; i < e->n_mpls; i++)
			line_printf(l, "%sL=%" PRIu32 ",E=%u,S=%u,T=%u",
			    i ? "/" : "", e->mpls[i].label, e->mpls[i].exp,
			    e->mpls[i].s, e->mpls[i].ttl);
		line_put(l, ">", 1);
	}
	for (i = 0; i < e->n_if; i++) {
		const struct ht_ifinfo *f = &e->ifs[i];

		line_printf(l, " <IF:%s", role[f->role & 3]);
		sep = ",";
		if (f->has_name)
			line_printf(l, "%sname=%s", sep, f->name);
		if (f->has_index)
			line_printf(l, "%sifindex=%" PRIu32, sep, f->ifindex);
		if (f->has_addr)
			line_printf(l, "%saddr=%s", sep,
			    ht_addr_str(&f->addr, s));
		if (f->has_mtu)
			line_printf(l, "%smtu=%" PRIu32, sep, f->mtu);
		line_put(l, ">", 1);
	}
}

void
ht_text_header(const struct ht_outctx *o, const struct ht_trace *t)
{
	char d[HT_ADDRSTRLEN], s[HT_ADDRSTRLEN], when[64];
	const char *name;
	struct line l;
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
	name = ht_names_get(o->names, &t->dst);
	sec = (time_t)(t->t_first / HT_NS_PER_SEC);
	gmtime_r(&sec, &tm);
	strftime(when, sizeof(when), "%Y-%m-%d %H:%M:%S", &tm);
	l.fp = o->fp;
	l.n = 0;
	line_str(&l, "hoptrace from ");
	line_str(&l, ht_addr_str(&t->src, s));
	line_str(&l, " to ");
	line_str(&l, name ? name : d);
	line_str(&l, " (");
	line_str(&l, d);
	line_str(&l, "), ");
	line_str(&l, ht_proto_name(t->proto));
	line_str(&l, ", first probe ");
	line_str(&l, when);
	line_put(&l, ".", 1);
	line_uint(&l, t->t_first % HT_NS_PER_SEC / 1000, 6);
	line_str(&l, " UTC");
	if (t->rounds > 1) {
		line_str(&l, ", ");
		line_uint(&l, t->rounds, 1);
		line_str(&l, " rounds");
	}
	line_put(&l, "\n", 1);
	line_flush(&l);
}

void
ht_text_hop(const struct ht_outctx *o, const struct ht_trace *t, uint8_t ttl)
{
	const struct ht_probe *p;
	const struct ht_addr *last = NULL;
	struct line l;
	char tag[16];
	const char *ann;
	uint32_t i, sent = 0, rcvd = 0;
	int after_rtt = 0;

	l.fp = o->fp;
	l.n = 0;
	if (ttl < 10)
		line_put(&l, " ", 1);
	line_uint(&l, ttl, 1);
	line_put(&l, " ", 1);
	for (i = 0; i < t->n; i++) {
		p = &t->p[i];
		if (p->ttl != ttl)
			continue;
		sent++;
		if (p->rkind == HT_R_NONE) {
			line_str(&l, after_rtt ? "  *" : " *");
			after_rtt = 0;
			continue;
		}
		rcvd++;
		if (last == NULL || !ht_addr_eq(last, &p->from)) {
			print_addr(o, &l, &p->from);
			last = &p->from;
		}
		line_rtt(&l, p->t_reply - p->t_sent);
		after_rtt = 1;
		if (p->rkind == HT_R_UNREACH) {
			ann = ht_unreach_tag(p->from.af, p->rcode, tag,
			    sizeof(tag));
			if (*ann) {
				line_put(&l, " ", 1);
				line_str(&l, ann);
			}
		} else if (p->rkind == HT_R_TCP)
			line_str(&l, p->tflags & HT_TH_RST ? " [closed]" :
			    " [open]");
		if (p->ext != NULL)
			print_ext(&l, p->ext);
	}
	/* a run of several rounds (mtr): what each hop got, as mtr counts */
	if (t->rounds > 1) {
		line_put(&l, "  (", 3);
		line_uint(&l, sent, 1);
		line_put(&l, " sent, ", 7);
		line_uint(&l, rcvd, 1);
		line_put(&l, " received)", 10);
	}
	line_put(&l, "\n", 1);
	line_flush(&l);
}

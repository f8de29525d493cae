/* \summary: the statistics table as mtr --report and --csv print it */
/*
 * Columns, titles, widths and number formats are those of mtr 0.95
 * (Debian's mtr-tiny) with its default fields "LS NABWV": Loss%, Snt, a
 * one-space column, Last, Avg, Best, Wrst, StDev.  Each column starts at a
 * fixed place, so a value wider than its column loses its last character
 * to the next one, as in mtr (a hop with 100% loss shows "100.0").  The
 * host column is 33 characters from the line's start ("HOST: " and the
 * hop prefix included) unless --report-wide, which makes it as wide as the
 * longest name.  A hop with two or more responders is followed by one line
 * for each, prefixed "    |  `|-- " as mtr lists the other addresses of a
 * hop, with that responder's own statistics: its Snt is the hop's, its
 * Loss% the share of the hop's probes it did not answer.
 */
#ifdef HAVE_CONFIG_H
#include <config.h>
#endif

#include <stdio.h>
#include <string.h>
#include <time.h>

#include "cont/cont.h"
#include "resolve.h"

#define HOST_COL	33	/* where mtr's statistics start */
#define LINE_MAX_	1024

enum col { C_LOSS, C_SNT, C_SPACE, C_LAST, C_AVG, C_BEST, C_WRST, C_STDEV };

static const struct {
	const char *title;
	int width;
} cols[] = {
	{ "Loss%", 6 }, { "Snt", 6 }, { " ", 1 }, { "Last", 6 },
	{ "Avg", 6 }, { "Best", 6 }, { "Wrst", 6 }, { "StDev", 6 }
};
#define NCOLS	(sizeof(cols) / sizeof(cols[0]))

static double
ms(double ns)
{
	return ns / 1e6;
}

/* One column's value, printed at buf + at (room bytes there). */
static void
col_value(char *buf, size_t room, enum col c, const struct ht_cstat *s,
    uint32_t snt)
{
	switch (c) {
	case C_LOSS:
		snprintf(buf, room, " %4.1f%%", snt ? 100.0 *
		    (double)(snt - s->rcv) / snt : 0.0);
		break;
	case C_SNT:
		snprintf(buf, room, " %5u", snt);
		break;
	case C_SPACE:
		snprintf(buf, room, " ");
		break;
	case C_LAST:
		snprintf(buf, room, " %5.1f", ms((double)s->last));
		break;
	case C_AVG:
		snprintf(buf, room, " %5.1f", ms(s->mean));
		break;
	case C_BEST:
		snprintf(buf, room, " %5.1f", ms((double)s->best));
		break;
	case C_WRST:
		snprintf(buf, room, " %5.1f", ms((double)s->worst));
		break;
	case C_STDEV:
		snprintf(buf, room, " %5.1f", ms(ht_cstat_stdev(s)));
		break;
	}
}

/* The columns from offset len on; the line ends there. */
static void
put_cols(FILE *fp, char *buf, size_t len, const struct ht_cstat *s,
    uint32_t snt, int titles)
{
	size_t i;

	for (i = 0; i < NCOLS && len + 16 < LINE_MAX_; i++) {
		if (titles)
			snprintf(buf + len, LINE_MAX_ - len, "%*s",
			    cols[i].width, cols[i].title);
		else
			col_value(buf + len, LINE_MAX_ - len, (enum col)i, s,
			    snt);
		len += (size_t)cols[i].width;
	}
	fprintf(fp, "%s\n", buf);
}

/* mtr's "HOST:": this host's name live; the trace's source in a replay. */
static const char *
local_name(const struct ht_cont_cfg *cc, const struct ht_cont_model *md,
    char *abuf)
{
	return cc->local != NULL ? cc->local : ht_addr_str(&md->src, abuf);
}

static const char *
resp_name(const struct ht_cont_resp *r, char *abuf)
{
	return r->name != NULL ? r->name : ht_addr_str(&r->addr, abuf);
}

/* A hop's name: its newest responder's, or mtr's "???". */
static const char *
hop_name(const struct ht_cont_hop *h, char *abuf)
{
	if (h->nresp == 0)
		return "???";
	return resp_name(&h->resp[h->latest], abuf);
}

/* Where the statistics start: the wide layout's name width, else 0. */
static size_t
wide_width(const struct ht_cont_cfg *cc, const struct ht_cont_model *md)
{
	char abuf[HT_ADDRSTRLEN];
	size_t w = strlen(local_name(cc, md, abuf)), n;
	int ttl;
	uint8_t i;

	for (ttl = md->first_ttl; ttl >= 1 && ttl <= md->last_ttl; ttl++) {
		n = strlen(hop_name(&md->hop[ttl], abuf));
		if (n > w)
			w = n;
		for (i = 0; md->hop[ttl].nresp > 1 && i < md->hop[ttl].nresp;
		    i++) {
			/* the responder lines are 4 characters longer */
			n = strlen(resp_name(&md->hop[ttl].resp[i], abuf)) + 4;
			if (n > w)
				w = n;
		}
	}
	return w < 200 ? w : 200;
}

/* Start a line: the text as it is (wide), or padded or cut to column 33. */
static size_t
lead(char *buf, const char *text, int wide)
{
	if (wide) {
		snprintf(buf, LINE_MAX_, "%s", text);
		return strlen(buf);
	}
	snprintf(buf, LINE_MAX_, "%-*s", HOST_COL, text);
	buf[HOST_COL] = '\0';
	return HOST_COL;
}

void
ht_cont_report(const struct ht_outctx *o, const struct ht_cont_cfg *cc,
    const struct ht_cont_model *md)
{
	char buf[LINE_MAX_], text[LINE_MAX_], abuf[HT_ADDRSTRLEN], tbuf[64];
	const struct ht_cont_hop *h;
	int wide = cc->fmt == HT_CONT_WIDE || cc->wide, ttl;
	size_t w = wide ? wide_width(cc, md) : 0, len;
	time_t sec = (time_t)(md->t_first / HT_NS_PER_SEC);
	struct tm tm;
	uint8_t i;

	if (localtime_r(&sec, &tm) != NULL &&
	    strftime(tbuf, sizeof(tbuf), "%Y-%m-%dT%H:%M:%S%z", &tm) > 0)
		fprintf(o->fp, "Start: %s\n", tbuf);
	snprintf(text, sizeof(text), "HOST: %-*s", (int)w,
	    local_name(cc, md, abuf));
	len = lead(buf, text, wide);
	put_cols(o->fp, buf, len, NULL, 0, 1);
	for (ttl = md->first_ttl; ttl >= 1 && ttl <= md->last_ttl; ttl++) {
		h = &md->hop[ttl];
		snprintf(text, sizeof(text), " %2d.|-- %-*s", ttl, (int)w,
		    hop_name(h, abuf));
		len = lead(buf, text, wide);
		put_cols(o->fp, buf, len, &h->st, h->st.snt, 0);
		if (h->nresp < 2)
			continue;
		for (i = 0; i < h->nresp; i++) {
			snprintf(text, sizeof(text), "    |  `|-- %-*s",
			    w > 4 ? (int)w - 4 : 0,
			    resp_name(&h->resp[i], abuf));
			len = lead(buf, text, wide);
			put_cols(o->fp, buf, len, &h->resp[i].st, h->st.snt,
			    0);
		}
	}
}

/*
 * mtr 0.95's CSV: a header line (ending in a comma, as mtr's does), then
 * one line per hop: the tool and its version, the start time (Unix
 * seconds), "OK", the destination, the hop, its name, then the columns:
 * Loss% and the times with two decimals, Snt, and for the one-space
 * column the probes dropped.  --report-wide adds a line per responder of
 * a hop with two or more, its name in the Ip column.
 */
static void
csv_line(FILE *fp, const struct ht_cont_cfg *cc, const struct ht_cont_model *md,
    int ttl, const char *name, const struct ht_cstat *s, uint32_t snt)
{
	char abuf[HT_ADDRSTRLEN];

	fprintf(fp, "HOPTRACE.%s,%llu,OK,%s,%d,%s,%.2f,%u,%u,%.2f,%.2f,%.2f,"
	    "%.2f,%.2f\n", PACKAGE_VERSION,
	    (unsigned long long)(md->t_first / HT_NS_PER_SEC),
	    cc->dst_name ? cc->dst_name : ht_addr_str(&md->dst, abuf), ttl,
	    name, snt ? 100.0 * (double)(snt - s->rcv) / snt : 0.0, snt,
	    snt - s->rcv, ms((double)s->last), ms(s->mean),
	    ms((double)s->best), ms((double)s->worst), ms(ht_cstat_stdev(s)));
}

void
ht_cont_csv(const struct ht_outctx *o, const struct ht_cont_cfg *cc,
    const struct ht_cont_model *md)
{
	char abuf[HT_ADDRSTRLEN];
	const struct ht_cont_hop *h;
	size_t i;
	int ttl;
	uint8_t r;

	fputs("Mtr_Version,Start_Time,Status,Host,Hop,Ip", o->fp);
	for (i = 0; i < NCOLS; i++)
		fprintf(o->fp, ",%s", cols[i].title);
	fputs(",\n", o->fp);
	for (ttl = md->first_ttl; ttl >= 1 && ttl <= md->last_ttl; ttl++) {
		h = &md->hop[ttl];
		csv_line(o->fp, cc, md, ttl, hop_name(h, abuf), &h->st,
		    h->st.snt);
		for (r = 0; cc->wide && h->nresp > 1 && r < h->nresp; r++)
			csv_line(o->fp, cc, md, ttl,
			    resp_name(&h->resp[r], abuf), &h->resp[r].st,
			    h->st.snt);
	}
}

void
ht_cont_names(struct ht_cont_model *md, struct ht_resolver *res,
    unsigned wait_ms)
{
	int ttl;
	uint8_t i;

	if (res == NULL)
		return;
	for (ttl = md->first_ttl; ttl >= 1 && ttl <= md->last_ttl; ttl++)
		for (i = 0; i < md->hop[ttl].nresp; i++)
			ht_resolver_ask(res, &md->hop[ttl].resp[i].addr);
	for (ttl = md->first_ttl; ttl >= 1 && ttl <= md->last_ttl; ttl++)
		for (i = 0; i < md->hop[ttl].nresp; i++)
			md->hop[ttl].resp[i].name = ht_resolver_name(res,
			    &md->hop[ttl].resp[i].addr, wait_ms);
}

void
ht_cont_render(const struct ht_outctx *o, const struct ht_cont_cfg *cc,
    const struct ht_cont_model *md)
{
	switch (cc->fmt) {
	case HT_CONT_CSV:
		ht_cont_csv(o, cc, md);
		break;
	case HT_CONT_JSON:
		ht_cont_json(o, cc, md);
		break;
	default:
		ht_cont_report(o, cc, md);
		break;
	}
}

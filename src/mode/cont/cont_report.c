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

#include "mode/cont/cont.h"

#define HOST_COL	33	/* where mtr's statistics start */
#define LINE_MAX_	1024

/*
 * mtr 0.95's fields (ui/mtr.c, data_fields): the key -o takes, the title,
 * the width and the format a report prints.  ' ' is a one-space column
 * (the CSV puts the probes dropped there, as mtr's does).
 */
enum fkind { F_SPACE, F_LOSS, F_INT, F_MS, F_JMS };

static const struct field {
	char key;
	const char *title;
	int width;
	enum fkind kind;
} fields[] = {
	{ ' ', " ", 1, F_SPACE }, { 'L', "Loss%", 6, F_LOSS },
	{ 'D', "Drop", 5, F_INT }, { 'R', "Rcv", 6, F_INT },
	{ 'S', "Snt", 6, F_INT }, { 'N', "Last", 6, F_MS },
	{ 'B', "Best", 6, F_MS }, { 'A', "Avg", 6, F_MS },
	{ 'W', "Wrst", 6, F_MS }, { 'V', "StDev", 6, F_MS },
	{ 'G', "Gmean", 6, F_MS }, { 'J', "Jttr", 5, F_JMS },
	{ 'M', "Javg", 5, F_JMS }, { 'X', "Jmax", 5, F_JMS },
	{ 'I', "Jint", 5, F_JMS }
};
#define NFIELDS	(sizeof(fields) / sizeof(fields[0]))

static const struct field *
field_of(char key)
{
	size_t i;

	for (i = 0; i < NFIELDS; i++)
		if (fields[i].key == key)
			return &fields[i];
	return NULL;
}

int
ht_cont_fields_ok(const char *order)
{
	size_t n;

	for (n = 0; order[n] != '\0'; n++)
		if (n >= HT_CONT_MAXFIELDS || field_of(order[n]) == NULL)
			return -1;
	return n > 0 ? 0 : -1;
}

static const char *
order_of(const struct ht_cont_cfg *cc)
{
	return cc->fields != NULL ? cc->fields : HT_CONT_FIELDS;
}

static double
ms(double ns)
{
	return ns / 1e6;
}

/* A field's value: a count, a percentage or milliseconds. */
static double
value(char key, const struct ht_cstat *s, uint32_t snt)
{
	switch (key) {
	case 'L':
		return snt ? 100.0 * (double)(snt - s->rcv) / snt : 0.0;
	case ' ':
	case 'D':
		return snt - s->rcv;
	case 'R':
		return s->rcv;
	case 'S':
		return snt;
	case 'N':
		return ms((double)s->last);
	case 'B':
		return ms((double)s->best);
	case 'A':
		return ms(s->mean);
	case 'W':
		return ms((double)s->worst);
	case 'V':
		return ms(ht_cstat_stdev(s));
	case 'G':
		return ms(ht_cstat_gmean(s));
	case 'J':
		return ms((double)s->jitter);
	case 'M':
		return ms(s->javg);
	case 'X':
		return ms((double)s->jmax);
	case 'I':
		return ms((double)s->jint);
	default:
		return 0;
	}
}

/* One column's text at buf (room bytes there). */
static void
col_value(char *buf, size_t room, const struct field *f,
    const struct ht_cstat *s, uint32_t snt)
{
	double v = value(f->key, s, snt);

	switch (f->kind) {
	case F_SPACE:
		snprintf(buf, room, " ");
		break;
	case F_LOSS:
		snprintf(buf, room, " %4.1f%%", v);
		break;
	case F_INT:
		snprintf(buf, room, " %*u", f->width - 1, (unsigned)v);
		break;
	case F_MS:
		snprintf(buf, room, " %5.1f", v);
		break;
	case F_JMS:
		snprintf(buf, room, " %4.1f", v);
		break;
	}
}

size_t
ht_cont_cols(char *buf, size_t room, size_t len, const char *order,
    const struct ht_cstat *s, uint32_t snt, int titles)
{
	const struct field *f;
	size_t i;

	for (i = 0; order[i] != '\0' && i < HT_CONT_MAXFIELDS &&
	    len + 16 < room; i++) {
		if ((f = field_of(order[i])) == NULL)
			continue;
		if (titles)
			snprintf(buf + len, room - len, "%*s", f->width,
			    f->title);
		else
			col_value(buf + len, room - len, f, s, snt);
		len += (size_t)f->width;
	}
	return len;
}

/* The columns from offset len on; the line ends there. */
static void
put_cols(FILE *fp, const char *order, char *buf, size_t len,
    const struct ht_cstat *s, uint32_t snt, int titles)
{
	ht_cont_cols(buf, LINE_MAX_, len, order, s, snt, titles);
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

static void
start_line(FILE *fp, const struct ht_cont_model *md)
{
	char tbuf[64];
	time_t sec = (time_t)(md->t_first / HT_NS_PER_SEC);
	struct tm tm;

	if (localtime_r(&sec, &tm) != NULL &&
	    strftime(tbuf, sizeof(tbuf), "%Y-%m-%dT%H:%M:%S%z", &tm) > 0)
		fprintf(fp, "Start: %s\n", tbuf);
}

/* The table without its "Start:" line. */
static void
table(const struct ht_outctx *o, const struct ht_cont_cfg *cc,
    const struct ht_cont_model *md)
{
	char buf[LINE_MAX_], text[LINE_MAX_], abuf[HT_ADDRSTRLEN];
	const struct ht_cont_hop *h;
	const char *order = order_of(cc);
	int wide = cc->fmt == HT_CONT_WIDE || cc->wide, ttl;
	size_t w = wide ? wide_width(cc, md) : 0, len;
	uint8_t i;

	snprintf(text, sizeof(text), "HOST: %-*s", (int)w,
	    local_name(cc, md, abuf));
	len = lead(buf, text, wide);
	put_cols(o->fp, order, buf, len, NULL, 0, 1);
	for (ttl = md->first_ttl; ttl >= 1 && ttl <= md->last_ttl; ttl++) {
		h = &md->hop[ttl];
		snprintf(text, sizeof(text), " %2d.|-- %-*s", ttl, (int)w,
		    hop_name(h, abuf));
		len = lead(buf, text, wide);
		put_cols(o->fp, order, buf, len, &h->st, h->st.snt, 0);
		if (h->nresp < 2)
			continue;
		for (i = 0; i < h->nresp; i++) {
			snprintf(text, sizeof(text), "    |  `|-- %-*s",
			    w > 4 ? (int)w - 4 : 0,
			    resp_name(&h->resp[i], abuf));
			len = lead(buf, text, wide);
			put_cols(o->fp, order, buf, len, &h->resp[i].st,
			    h->st.snt, 0);
		}
	}
}

void
ht_cont_report(const struct ht_outctx *o, const struct ht_cont_cfg *cc,
    const struct ht_cont_model *md)
{
	start_line(o->fp, md);
	table(o, cc, md);
}

const char *
ht_cont_flow_str(const struct ht_cont_set *fs, uint32_t i, char *buf,
    size_t len)
{
	uint8_t proto = fs->flow[0]->proto;

	if (proto == HT_PROTO_UDP || proto == HT_PROTO_TCP)
		snprintf(buf, len, "%s port %u", proto == HT_PROTO_UDP ?
		    "UDP" : "TCP", fs->key[i]);
	else
		snprintf(buf, len, "%s checksum 0x%04x",
		    ht_proto_name(proto), fs->key[i]);
	return buf;
}

/*
 * K flows: one "Start:" line, then each flow's table headed by
 * "Flow F of K: ITS IDENTIFIER", in the order of the flows' first probes.
 */
static void
report_flows(const struct ht_outctx *o, const struct ht_cont_cfg *cc,
    const struct ht_cont_set *fs)
{
	char fb[64];
	uint32_t i;

	start_line(o->fp, fs->flow[0]);
	for (i = 0; i < fs->nflows; i++) {
		fprintf(o->fp, "Flow %u of %u: %s\n", i + 1, fs->maxflows,
		    ht_cont_flow_str(fs, i, fb, sizeof(fb)));
		table(o, cc, fs->flow[i]);
	}
}

/*
 * mtr 0.95's CSV: a header line (ending in a comma, as mtr's does), then
 * one line per hop: the tool and its version, the start time (Unix
 * seconds), "OK", the destination, the hop, its name, then the fields
 * (-o): Loss% and the times with two decimals, the counts as integers,
 * and for the one-space column the probes dropped.  --report-wide adds a
 * line per responder of a hop with two or more, its name in the Ip
 * column.  With K flows (K > 1) the header ends in "Flow," and each line
 * in the flow's number (1..K).
 */
static void
csv_line(FILE *fp, const struct ht_cont_cfg *cc, const struct ht_cont_model *md,
    int ttl, const char *name, const struct ht_cstat *s, uint32_t snt,
    uint32_t flow)
{
	char abuf[HT_ADDRSTRLEN];
	const struct field *f;
	const char *order = order_of(cc);
	size_t i;

	fprintf(fp, "HOPTRACE.%s,%llu,OK,%s,%d,%s", PACKAGE_VERSION,
	    (unsigned long long)(md->t_first / HT_NS_PER_SEC),
	    cc->dst_name ? cc->dst_name : ht_addr_str(&md->dst, abuf), ttl,
	    name);
	for (i = 0; order[i] != '\0' && i < HT_CONT_MAXFIELDS; i++) {
		if ((f = field_of(order[i])) == NULL)
			continue;
		if (f->kind == F_INT || f->kind == F_SPACE)
			fprintf(fp, ",%u", (unsigned)value(f->key, s, snt));
		else
			fprintf(fp, ",%.2f", value(f->key, s, snt));
	}
	if (flow != 0)
		fprintf(fp, ",%u", flow);
	fputc('\n', fp);
}

static void
csv_rows(const struct ht_outctx *o, const struct ht_cont_cfg *cc,
    const struct ht_cont_model *md, uint32_t flow)
{
	char abuf[HT_ADDRSTRLEN];
	const struct ht_cont_hop *h;
	int ttl;
	uint8_t r;

	for (ttl = md->first_ttl; ttl >= 1 && ttl <= md->last_ttl; ttl++) {
		h = &md->hop[ttl];
		csv_line(o->fp, cc, md, ttl, hop_name(h, abuf), &h->st,
		    h->st.snt, flow);
		for (r = 0; cc->wide && h->nresp > 1 && r < h->nresp; r++)
			csv_line(o->fp, cc, md, ttl,
			    resp_name(&h->resp[r], abuf), &h->resp[r].st,
			    h->st.snt, flow);
	}
}

static void
csv_header(FILE *fp, const struct ht_cont_cfg *cc, int flows)
{
	const struct field *f;
	const char *order = order_of(cc);
	size_t i;

	fputs("Mtr_Version,Start_Time,Status,Host,Hop,Ip", fp);
	for (i = 0; order[i] != '\0' && i < HT_CONT_MAXFIELDS; i++)
		if ((f = field_of(order[i])) != NULL)
			fprintf(fp, ",%s", f->title);
	fputs(flows ? ",Flow,\n" : ",\n", fp);
}

void
ht_cont_csv(const struct ht_outctx *o, const struct ht_cont_cfg *cc,
    const struct ht_cont_model *md)
{
	csv_header(o->fp, cc, 0);
	csv_rows(o, cc, md, 0);
}

void
ht_cont_render_set(const struct ht_outctx *o, const struct ht_cont_cfg *cc,
    const struct ht_cont_set *fs)
{
	uint32_t i;

	if (fs->maxflows <= 1) {
		ht_cont_render(o, cc, fs->flow[0]);
		return;
	}
	switch (cc->fmt) {
	case HT_CONT_CSV:
		csv_header(o->fp, cc, 1);
		for (i = 0; i < fs->nflows; i++)
			csv_rows(o, cc, fs->flow[i], i + 1);
		break;
	case HT_CONT_JSON:
		ht_cont_json_set(o, cc, fs);
		break;
	default:
		report_flows(o, cc, fs);
		break;
	}
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

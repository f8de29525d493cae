/* \summary: the multipath graph as text and as Graphviz DOT (read-only) */
#ifdef HAVE_CONFIG_H
#include <config.h>
#endif

#include <math.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "base/names.h"
#include "mode/mda/mda.h"


const char *
ht_mda_flows_str(const uint16_t *f, uint32_t n, char *buf, size_t len)
{
	size_t used = 0;
	uint32_t i, j;
	int w;

	buf[0] = '\0';
	for (i = 0; i < n; i = j + 1) {
		for (j = i; j + 1 < n && f[j + 1] == f[j] + 1; j++)
			;
		if (j > i)
			w = snprintf(buf + used, len - used, "%s%u-%u",
			    i ? "," : "", f[i], f[j]);
		else
			w = snprintf(buf + used, len - used, "%s%u",
			    i ? "," : "", f[i]);
		if (w < 0 || (size_t)w >= len - used) {
			/* keep what fits, mark the cut */
			if (len >= 4)
				memcpy(buf + len - 4, "...", 4);
			break;
		}
		used += (size_t)w;
	}
	return buf;
}

static const char *const why_names[] = {
	"lite", "meshed", "non-uniform", "diamond"
};

const char *
ht_mda_why_name(unsigned int why)
{
	return why < sizeof(why_names) / sizeof(why_names[0]) ?
	    why_names[why] : "?";
}

/* " (full MDA at hop 4: meshed; 5: diamond)" or "" */
static const char *
why_str(const struct ht_mda_graph *g, char *buf, size_t len)
{
	size_t used = 0;
	unsigned int h;
	int w, n = 0;

	buf[0] = '\0';
	for (h = 0; h < 256; h++) {
		if (g->why[h] == 0)
			continue;
		w = snprintf(buf + used, len - used, "%s%u: %s",
		    n++ ? "; " : " (full MDA at hop ", h,
		    ht_mda_why_name(g->why[h]));
		if (w < 0 || (size_t)w + 2 >= len - used)
			break;
		used += (size_t)w;
	}
	if (n > 0)
		memcpy(buf + used, ")", 2);
	return buf;
}

/* "name (addr)", "addr" with -n, "*" for an anonymous node */
static const char *
who(const struct ht_outctx *o, const struct ht_mda_node *v, char *buf,
    size_t len)
{
	char a[HT_ADDRSTRLEN];
	const char *name;

	if (v->addr.af == 0)
		return "*";
	ht_addr_str(&v->addr, a);
	name = ht_names_get(o->names, &v->addr);
	if (name != NULL)
		snprintf(buf, len, "%s (%s)", name, a);
	else
		snprintf(buf, len, "%s", a);
	return buf;
}

/* The confidence, rounded down to 0.01%: never claims more than it has. */
static double
pct_down(double c)
{
	return floor(c * 10000 + 1e-9) / 100;
}

void
ht_mda_text(const struct ht_outctx *o, const struct ht_mda_cfg *mc,
    const struct ht_mda_graph *g)
{
	char d[HT_ADDRSTRLEN], s[HT_ADDRSTRLEN], when[64], w1[320], w2[320];
	char flows[1024], why[512];
	const struct ht_mda_link *l;
	struct tm tm;
	time_t sec;
	uint32_t i, j;
	unsigned int h;

	ht_addr_str(&g->dst, d);
	if (o->live)
		fprintf(o->fp, "hoptrace --mda to %s (%s), %d hops max, %s, "
		    "%s MDA%s, %g%% confidence\n", o->dst_name ? o->dst_name :
		    d, d, o->max_hops, ht_proto_name(g->proto),
		    mc->lite ? "lite" : "full", why_str(g, why, sizeof(why)),
		    mc->confidence * 100);
	else {
		sec = (time_t)(g->t_first / HT_NS_PER_SEC);
		gmtime_r(&sec, &tm);
		strftime(when, sizeof(when), "%Y-%m-%d %H:%M:%S", &tm);
		fprintf(o->fp, "hoptrace --mda from %s to %s, %s, first probe "
		    "%s.%06u UTC\n", ht_addr_str(&g->src, s), d,
		    ht_proto_name(g->proto), when,
		    (unsigned)(g->t_first % HT_NS_PER_SEC / 1000));
	}
	for (h = g->first_ttl; h <= g->last_ttl && g->probes > 0; h++) {
		if (g->hop[h].probes == 0)
			continue;
		fprintf(o->fp, "%2u  %u interface%s, %u probe%s\n", h,
		    g->hop[h].nnodes, g->hop[h].nnodes == 1 ? "" : "s",
		    g->hop[h].probes, g->hop[h].probes == 1 ? "" : "s");
		for (i = 0; i < g->nnode; i++) {
			if (!ht_mda_node_at(g, i, (uint8_t)h))
				continue;
			fprintf(o->fp, "    %s%s\n", who(o, &g->node[i], w1,
			    sizeof(w1)), g->node[i].final && g->node[i].addr.af
			    && ht_addr_eq(&g->node[i].addr, &g->dst) ?
			    "  [destination]" : "");
			for (j = 0; j < g->nlink; j++) {
				l = &g->link[j];
				if (l->from != i || l->ttl != h)
					continue;
				fprintf(o->fp, "      -> %s  %u flow%s: %s\n",
				    who(o, &g->node[l->to], w2, sizeof(w2)),
				    l->nflows, l->nflows == 1 ? "" : "s",
				    ht_mda_flows_str(l->flows, l->nflows, flows,
				    sizeof(flows)));
			}
		}
	}
	fprintf(o->fp, "nodes %u, links %u, probes %u, confidence %.2f%%\n",
	    g->nnode, g->nlink, g->probes, pct_down(g->confidence));
	fflush(o->fp);
}

/* A DOT string: quotes and backslashes escaped, a newline as \n. */
static void
dot_str(FILE *fp, const char *s)
{
	fputc('"', fp);
	for (; *s != '\0'; s++) {
		if (*s == '\n') {
			fputs("\\n", fp);
			continue;
		}
		if (*s == '"' || *s == '\\')
			fputc('\\', fp);
		fputc(*s, fp);
	}
	fputc('"', fp);
}

void
ht_mda_dot(const struct ht_outctx *o, const struct ht_mda_graph *g)
{
	char d[HT_ADDRSTRLEN], s[HT_ADDRSTRLEN], w[320], label[400];
	const struct ht_mda_node *v;
	const struct ht_mda_link *l;
	uint32_t i, j;
	unsigned int h;

	fprintf(o->fp, "digraph hoptrace {\n");
	snprintf(label, sizeof(label), "hoptrace --mda %s to %s, %s: %u "
	    "nodes, %u links, %u probes", ht_addr_str(&g->src, s),
	    ht_addr_str(&g->dst, d), ht_proto_name(g->proto), g->nnode,
	    g->nlink, g->probes);
	fprintf(o->fp, "\tlabel=");
	dot_str(o->fp, label);
	fprintf(o->fp, ";\n\tlabelloc=t;\n\trankdir=TB;\n"
	    "\tnode [shape=box, fontname=\"monospace\"];\n");
	fprintf(o->fp, "\tsrc [label=");
	dot_str(o->fp, s);
	fprintf(o->fp, ", shape=ellipse];\n");
	for (i = 0; i < g->nnode; i++) {
		v = &g->node[i];
		snprintf(label, sizeof(label), "%s\nhop %u", who(o, v, w,
		    sizeof(w)), v->ttl_min);
		fprintf(o->fp, "\tn%u [label=", i);
		dot_str(o->fp, label);
		if (v->addr.af == 0)
			fprintf(o->fp, ", style=dashed");
		else if (v->final)
			fprintf(o->fp, ", shape=ellipse");
		fprintf(o->fp, "];\n");
		if (v->ttl_min == g->first_ttl)
			fprintf(o->fp, "\tsrc -> n%u;\n", i);
	}
	for (j = 0; j < g->nlink; j++) {
		l = &g->link[j];
		fprintf(o->fp, "\tn%u -> n%u [label=\"%u\"];\n", l->from, l->to,
		    l->nflows);
	}
	/* one rank per hop, as the hops go */
	for (h = g->first_ttl; h <= g->last_ttl && g->nnode > 0; h++) {
		fprintf(o->fp, "\t{ rank=same;");
		for (i = 0; i < g->nnode; i++)
			if (g->node[i].ttl_min == h)
				fprintf(o->fp, " n%u;", i);
		fprintf(o->fp, " }\n");
	}
	fprintf(o->fp, "}\n");
	fflush(o->fp);
}

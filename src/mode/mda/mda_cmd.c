/* \summary: multipath discovery's options: parsed, checked, turned into the driver's configuration */
#ifdef HAVE_CONFIG_H
#include <config.h>
#endif

#include <stdio.h>
#include <string.h>

#include "mode/mda/mda_cmd.h"

enum { OPT_MDA = HT_CMD_OPT_MDA, OPT_CONFIDENCE, OPT_MAX_PROBES, OPT_DOT };

const struct option ht_mda_cmd_longopts[] = {
	{ "mda", optional_argument, NULL, OPT_MDA },
	{ "confidence", required_argument, NULL, OPT_CONFIDENCE },
	{ "max-probes", required_argument, NULL, OPT_MAX_PROBES },
	{ "dot", no_argument, NULL, OPT_DOT },
	{ NULL, 0, NULL, 0 }
};

const char ht_mda_cmd_help[] =
"Multipath (MDA):\n"
"      --mda[=lite|full]    find every path through per-flow load balancers\n"
"                           (UDP unless -T or -I): MDA-Lite, which switches\n"
"                           to full MDA where it finds meshing or uneven\n"
"                           splits [lite]\n"
"      --confidence=P       chance of seeing every next hop, 50..99.9999 % [95]\n"
"      --max-probes=N       probes in all at most, 1..65535 [5000]\n"
"      --dot                the graph in Graphviz DOT instead of text\n";

void
ht_mda_cmd_init(struct ht_mda_cmd *m)
{
	memset(m, 0, sizeof(*m));
	m->confidence = 95;
	m->max_probes = 5000;
}

int
ht_mda_cmd_opt(struct ht_mda_cmd *m, int c, const char *arg, char *err)
{
	switch (c) {
	case OPT_MDA:
		if (arg == NULL || strcmp(arg, "lite") == 0)
			m->mode = 2;
		else if (strcmp(arg, "full") == 0)
			m->mode = 1;
		else {
			snprintf(err, HT_ERRBUF, "--mda takes lite or full, "
			    "not '%s'", arg);
			return -1;
		}
		return 1;
	case OPT_CONFIDENCE:
		m->given = 1;
		return ht_cmd_real("confidence (--confidence)", arg, 50,
		    99.9999, "percent", &m->confidence, err) < 0 ? -1 : 1;
	case OPT_MAX_PROBES:
		m->given = 1;
		return ht_cmd_long("max probes (--max-probes)", arg, 1, 65535,
		    &m->max_probes, err) < 0 ? -1 : 1;
	case OPT_DOT:
		m->dot = 1;
		return 1;
	}
	return 0;
}

int
ht_mda_cmd_check(const struct ht_mda_cmd *m, struct ht_cmd *c, char *err)
{
	/* --dot is a form: a replay gives it without --mda */
	if (!m->mode && (m->given || (m->dot && c->rfile == NULL))) {
		snprintf(err, HT_ERRBUF, "--confidence, --max-probes "
		    "and --dot need --mda");
		return -1;
	}
	if (c->json && m->dot) {
		snprintf(err, HT_ERRBUF, "-j and --dot cannot be used together");
		return -1;
	}
	if (!m->mode)
		return 0;
	if (!c->method_set)
		c->method = HT_METHOD_UDP;
	/* ICMP: the checksum carries the flow (port + flow) */
	if (c->rfile == NULL && c->method == HT_METHOD_ICMP &&
	    c->port > 65534) {
		snprintf(err, HT_ERRBUF, "port (-p %ld) too high for ICMP --mda: "
		    "the checksum carries the flow, port + flow in 1..65534",
		    c->port);
		return -1;
	}
	return 0;
}

void
ht_mda_cmd_cfg(const struct ht_mda_cmd *m, const struct ht_cmd *c,
    struct ht_mda_cfg *mc)
{
	memset(mc, 0, sizeof(*mc));
	mc->lite = m->mode == 2;
	mc->confidence = m->confidence / 100;
	mc->max_probes = (uint32_t)m->max_probes;
	mc->dot = m->dot;
	mc->json = c->json;
}

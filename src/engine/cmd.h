/* \summary: the command line's shared part: the options every mode reads, range-checked numbers */
#ifndef HT_CMD_H
#define HT_CMD_H

#include "io/prober.h"

/*
 * The options of the trace itself, which every mode also reads.  Each
 * mode's own options live beside its driver (mda/mda_cmd.h,
 * scan/scan_cmd.h, cont/cont_cmd.h); main.c holds them all in one struct.
 */
struct ht_cmd {
	int af;			/* 0, 4 or 6 */
	enum ht_method method;
	int method_set;		/* -I, -U or -T given */
	int paris;
	long first, max, queries, simq, gap, port;	/* port -1: default */
	int max_set, queries_set;	/* -m, -q given */
	double wait;		/* seconds */
	double send_ms;		/* -z */
	int send_set;		/* -z given */
	const char *dev, *src, *wfile, *rfile, *user, *host;
	int numeric, json;
};

/*
 * Long option numbers: the trace's from 256, each mode's from its own
 * base, so that one getopt_long() table holds them all.
 */
#define HT_CMD_OPT_MDA		320
#define HT_CMD_OPT_SCAN		340
#define HT_CMD_OPT_CONT		360

/*
 * An integer option in [lo, hi] (OpenBSD's strtonum rule: the error names
 * the option and the range): 0, or -1 with err (HT_ERRBUF bytes).
 */
int ht_cmd_long(const char *what, const char *s, long lo, long hi, long *v,
    char *err);
/* The same for a real number in [lo, hi], unit named in the error. */
int ht_cmd_real(const char *what, const char *s, double lo, double hi,
    const char *unit, double *v, char *err);

#endif

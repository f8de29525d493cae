/* \summary: the command line's shared part: the options every mode reads, range-checked numbers */
#ifndef HT_CMD_H
#define HT_CMD_H

#include <getopt.h>
#include <stddef.h>
#include <stdio.h>

#include "base/err.h"
#include "wire/probe.h"

/*
 * The options of the trace itself, which every mode also reads.  Each
 * mode's own options live beside its driver (mode/X/X_cmd.c, an entry of
 * main.c's table of modes: engine/mode.h).
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
	const char *replay_as;	/* --replay-as: a mode's name, or NULL */
	char *rexpr;		/* -r FILE EXPRESSION: the filter, or NULL */
	int numeric, json;
	int rows;		/* --rows: a row per reply (a scan's, or any
				 * replayed trace's) */
};

/*
 * Long option numbers: the trace's from 256, each mode's from its own
 * base, so that one getopt_long() table holds them all.
 */
#define HT_CMD_OPT_MDA		320
#define HT_CMD_OPT_SCAN		340
#define HT_CMD_OPT_CONT		360

/* The shared options: getopt's short letters and long entries, --help. */
#define HT_CMD_SHORT	":IUT46f:m:q:W:N:z:p:i:s:njw:r:hV"
extern const struct option ht_cmd_longopts[];
extern const char ht_cmd_help_head[], ht_cmd_help_probes[],
    ht_cmd_help_output[];

/* The defaults, before the command line is read. */
void ht_cmd_init(struct ht_cmd *c);
/*
 * One of the shared options: 1 taken, 0 not one of them, -1 with err (a
 * usage error).  -h and -V are main.c's.
 */
int ht_cmd_opt(struct ht_cmd *c, int ch, const char *arg, char *err);
/*
 * The command line read: the one HOST (or none with -r, whose operands
 * are a filter expression, joined with spaces as tcpdump joins them; or
 * none with a mode that takes none: nohost names its option), and the
 * defaults that
 * depend on the rest (-N, -p).  ports_rise: the mode's UDP ports rise per
 * probe unless --paris.  0, or -1 with err (a usage error).
 */
int ht_cmd_finish(struct ht_cmd *c, int argc, char **argv, int optind,
    const char *nohost, int ports_rise, char *err);
/* The live configuration the shared options make (probes' address aside). */
struct ht_live_cfg;
void ht_cmd_live_cfg(const struct ht_cmd *c, struct ht_live_cfg *cfg);

/*
 * A usage error, in a function with char *err (HT_ERRBUF bytes) that
 * returns 0 or -1: the message into err, and return -1.
 */
#define HT_CMD_FAIL(...)	do { \
	snprintf(err, HT_ERRBUF, __VA_ARGS__); \
	return -1; \
} while (0)

/*
 * An integer option in [lo, hi] (OpenBSD's strtonum rule: the error names
 * the option and the range): 0, or -1 with err (HT_ERRBUF bytes).
 */
int ht_cmd_long(const char *what, const char *s, long lo, long hi, long *v,
    char *err);
/* The same for a real number in [lo, hi], unit named in the error. */
int ht_cmd_real(const char *what, const char *s, double lo, double hi,
    const char *unit, double *v, char *err);

/*
 * A table of numeric options (its last entry's ch 0): each a long, or a
 * double where unit is set, at offset off of an options struct, checked
 * by ht_cmd_long() or ht_cmd_real().
 */
struct ht_cmd_num {
	int ch;			/* getopt's value */
	const char *what;	/* the error's name: "max hops (-m)" */
	double lo, hi;
	const char *unit;	/* a real number's unit; NULL: an integer */
	size_t off;		/* offsetof the long or double */
};

/*
 * Option ch if tab has it: 1 taken (its value in opts), 0 not in tab, -1
 * with err (a usage error).
 */
int ht_cmd_nums(const struct ht_cmd_num *tab, void *opts, int ch,
    const char *s, char *err);

#endif

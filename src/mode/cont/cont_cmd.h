/* \summary: the rounds options (-c, --interval, --report, --csv, --flows, -o) */
#ifndef HT_CONT_CMD_H
#define HT_CONT_CMD_H

#include <getopt.h>
#include <stddef.h>

#include "engine/cmd.h"
#include "mode/cont/cont.h"

struct ht_cont_cmd {
	int on;			/* -c, --interval, --report, --csv, --flows
				 * or -o given */
	long count;		/* -c: rounds, 0 until interrupted */
	int count_set;
	double interval;	/* --interval, seconds */
	int report, report_wide, csv;
	long flows;		/* --flows: Paris flows side by side */
	const char *fields;	/* -o: mtr's report fields */
};

/* Its short options (for getopt's string), long entries and --help. */
#define HT_CONT_CMD_SHORT	"c:o:"
extern const struct option ht_cont_cmd_longopts[];
extern const char ht_cont_cmd_help[];

void ht_cont_cmd_init(struct ht_cont_cmd *r);
/* Option c (value arg): 1 taken, 0 not a rounds option, -1 with err. */
int ht_cont_cmd_opt(struct ht_cont_cmd *r, int c, const char *arg, char *err);
/*
 * After the command line: the options agree with each other and with c's
 * (which gains the rounds' defaults: one probe a hop, a window of 30).
 * 0, or -1 with err.
 */
int ht_cont_cmd_check(const struct ht_cont_cmd *r, struct ht_cmd *c,
    char *err);
/* The driver's configuration; host (hostlen bytes) holds mtr's "HOST:". */
void ht_cont_cmd_cfg(const struct ht_cont_cmd *r, const struct ht_cmd *c,
    struct ht_cont_cfg *cc, char *host, size_t hostlen);

#endif

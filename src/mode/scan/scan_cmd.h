/* \summary: the many-targets options (--targets, --rate, --per-prefix, --rows, ...) */
#ifndef HT_SCAN_CMD_H
#define HT_SCAN_CMD_H

#include <getopt.h>

#include "engine/cmd.h"
#include "mode/scan/scan.h"

struct ht_scan_cmd {
	const char *targets;	/* --targets */
	int rows, skip_bad, stop_set;
	int given;		/* --rate, --per-prefix, --skip-bad or
				 * --stop-set given */
	double rate;
	long per_prefix;
};

extern const struct option ht_scan_cmd_longopts[];
extern const char ht_scan_cmd_help[];

void ht_scan_cmd_init(struct ht_scan_cmd *s);
/* Option c (value arg): 1 taken, 0 not a scan option, -1 with err. */
int ht_scan_cmd_opt(struct ht_scan_cmd *s, int c, const char *arg, char *err);
/* --targets or --rows: the many-targets mode. */
int ht_scan_cmd_on(const struct ht_scan_cmd *s);
/*
 * After the command line: the options agree with each other and with c's
 * (which gains the scan's defaults: -m 16, the port).  0, or -1 with err.
 */
int ht_scan_cmd_check(const struct ht_scan_cmd *s, struct ht_cmd *c,
    char *err);
void ht_scan_cmd_cfg(const struct ht_scan_cmd *s, const struct ht_cmd *c,
    struct ht_scan_cfg *sc);

#endif

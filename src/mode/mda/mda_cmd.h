/* \summary: multipath discovery's options (--mda, --confidence, --max-probes, --dot) */
#ifndef HT_MDA_CMD_H
#define HT_MDA_CMD_H

#include <getopt.h>

#include "engine/cmd.h"
#include "mode/mda/mda.h"

struct ht_mda_cmd {
	int mode;		/* 0 none, 1 full, 2 lite */
	int given;		/* --confidence or --max-probes given */
	int dot;
	double confidence;	/* percent */
	long max_probes;
};

/* Its entries of the getopt_long() table, ending in a zero entry. */
extern const struct option ht_mda_cmd_longopts[];
/* Its section of --help. */
extern const char ht_mda_cmd_help[];

void ht_mda_cmd_init(struct ht_mda_cmd *m);
/* Option c (value arg): 1 taken, 0 not an MDA option, -1 with err. */
int ht_mda_cmd_opt(struct ht_mda_cmd *m, int c, const char *arg, char *err);
/*
 * After the command line: the options agree with each other and with c's
 * (which gains MDA's defaults: UDP unless -I or -T).  0, or -1 with err.
 */
int ht_mda_cmd_check(const struct ht_mda_cmd *m, struct ht_cmd *c,
    char *err);
/* The driver's configuration. */
void ht_mda_cmd_cfg(const struct ht_mda_cmd *m, const struct ht_cmd *c,
    struct ht_mda_cfg *mc);

#endif

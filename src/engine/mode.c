/* \summary: the table of modes: its getopt table and --help */
#ifdef HAVE_CONFIG_H
#include <config.h>
#endif

#include <stdio.h>
#include <string.h>

#include "engine/mode.h"

void
ht_modes_getopt(const struct ht_mode *const *modes, size_t n,
    struct option *lo, size_t maxlo, char *shortopts, size_t len)
{
	const struct option *p;
	size_t i, k = 0;

	for (p = ht_cmd_longopts; p->name != NULL && k + 1 < maxlo; p++)
		lo[k++] = *p;
	snprintf(shortopts, len, "%s", HT_CMD_SHORT);
	for (i = 0; i < n; i++) {
		for (p = modes[i]->longopts; p != NULL && p->name != NULL &&
		    k + 1 < maxlo; p++)
			lo[k++] = *p;
		strncat(shortopts, modes[i]->shortopts,
		    len - strlen(shortopts) - 1);
	}
	memset(&lo[k], 0, sizeof(lo[k]));
}

void
ht_modes_help(const struct ht_mode *const *modes, size_t n, FILE *fp)
{
	size_t i;

	fputs(ht_cmd_help_head, fp);
	fputs(ht_cmd_help_probes, fp);
	for (i = 0; i < n; i++)
		if (modes[i]->help != NULL)
			fputs(modes[i]->help, fp);
	fputs(ht_cmd_help_output, fp);
}

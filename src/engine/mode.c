/* \summary: the table of modes: its getopt table and --help */
#ifdef HAVE_CONFIG_H
#include <config.h>
#endif

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine/mode.h"
#include "engine/note.h"
#include "engine/replay.h"

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

size_t
ht_modes_named(const struct ht_mode *const *modes, size_t n,
    const char *name)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (strcmp(name, modes[i]->name) == 0)
			break;
	return i;
}

size_t
ht_modes_of_capture(const struct ht_mode *const *modes, size_t n,
    const struct ht_replay *rd)
{
	const struct ht_note *note;
	char mode[16];
	size_t i;

	note = ht_replay_note(rd, "start", NULL, NULL, -1, -1);
	for (i = 0; i < n; i++)
		if (note != NULL ? ht_note_get(note, "mode", mode,
		    sizeof(mode)) && strcmp(mode, modes[i]->note) == 0 :
		    modes[i]->sniff != NULL && modes[i]->sniff(rd))
			break;
	return i;
}

int
ht_modes_init(const struct ht_mode *const *modes, size_t n, void **m)
{
	size_t i;

	for (i = 0; i < n; i++) {
		if ((m[i] = calloc(1, modes[i]->opts_size + 1)) == NULL)
			return -1;
		if (modes[i]->defaults != NULL)
			memcpy(m[i], modes[i]->defaults, modes[i]->opts_size);
	}
	return 0;
}

int
ht_modes_opt(const struct ht_mode *const *modes, size_t n, void **m,
    struct ht_cmd *c, int ch, const char *arg, char *err)
{
	size_t i;
	int r;

	r = ht_cmd_opt(c, ch, arg, err);
	for (i = 0; r == 0 && i < n; i++)
		if (modes[i]->opt != NULL)
			r = modes[i]->opt(m[i], ch, arg, err);
	if (r == 0)
		snprintf(err, HT_ERRBUF, "internal error: option %d has no "
		    "parser", ch);
	return r > 0 ? 1 : -1;
}

/* Pairs of modes the options may not choose together. */
static const struct {
	const struct ht_mode *a, *b;
	const char *why;
} clashes[] = {
	{ &ht_mode_scan, &ht_mode_mda,
	    "--targets cannot be used with --mda" },
	{ &ht_mode_cont, &ht_mode_mda, "--mda and rounds (-c, --interval, "
	    "--report, --csv) cannot be used together" },
};

int
ht_modes_check(const struct ht_mode *const *modes, size_t n, void **m,
    struct ht_cmd *c, char *err)
{
	size_t i;

	for (i = 0; i < sizeof(clashes) / sizeof(clashes[0]); i++)
		if (ht_modes_chosen(modes, n, m, clashes[i].a) &&
		    ht_modes_chosen(modes, n, m, clashes[i].b)) {
			snprintf(err, HT_ERRBUF, "%s", clashes[i].why);
			return -1;
		}
	for (i = 0; i < n; i++)
		if (modes[i]->check != NULL && modes[i]->check(m[i], c, err) < 0)
			return -1;
	return 0;
}

int
ht_modes_chosen(const struct ht_mode *const *modes, size_t n,
    void *const *m, const struct ht_mode *md)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (modes[i] == md)
			return md->on == NULL || md->on(m[i]);
	return 0;
}

void
ht_mode_note_start(const struct ht_mode *md, const void *mo,
    const struct ht_cmd *c, const struct ht_live_cfg *cfg,
    struct ht_capture *cap)
{
	struct ht_note note;

	ht_note_start(&note, md->note, c, cfg);
	if (md->note_fill != NULL)
		md->note_fill(mo, c, &note);
	(void)ht_note_dump(cap, &note);
}

/* \summary: the live screen of rounds (ncurses): draws the model, reads keys */
#ifndef HT_CONT_SCREEN_H
#define HT_CONT_SCREEN_H

#include <stdint.h>

#include "mode/cont/cont_model.h"

/* What the screen shows besides the model; the driver owns it. */
struct ht_screen_view {
	const char *title;	/* "hoptrace to HOST (ADDR), ICMP, Paris" */
	uint32_t round, count;	/* rounds begun; asked for (0: no end) */
	double interval;	/* seconds */
	int paused;
	int names;		/* show names (n) */
	int display;		/* 0 statistics, 1 the newest rounds (d) */
	int flow, flows;	/* the flow shown (f), of how many */
	char flow_id[64];	/* its identifier ("UDP port 33435"), or "" */
};

#define HT_SCREEN_DISPLAYS	2

/*
 * Take over the terminal (stdin and stdout must be one).  0, or -1 with
 * err.  The caller's signal handlers stay; ncurses adds its SIGWINCH one.
 */
int ht_screen_open(char *err, size_t errlen);
/* Draw the whole screen from the model. */
void ht_screen_draw(const struct ht_cont_model *md,
    const struct ht_screen_view *v);
/* The next key pressed, or -1 if none (never waits); a resize redraws. */
int ht_screen_key(void);
/* Give the terminal back as it was (safe to call twice). */
void ht_screen_close(void);

#endif

/* \summary: the live screen of rounds (ncurses): draws the model, reads keys */
/*
 * The screen only reads the model (cont_model.h) and a view of the run's
 * state; the driver calls it once a round and after each key.  Columns
 * as mtr's curses display: the host, then Loss%, Snt, Last, Avg, Best,
 * Wrst, StDev, and where the terminal is wide enough a sparkline of the
 * hop's newest probes (oldest first, eight levels from the lowest to the
 * highest RTT of those shown, "?" for no answer; block characters on a
 * UTF-8 terminal, else "_.,-=+*#"); the second display (d) shows each
 * hop's newest probes, oldest first: "?" for no answer, else a digit 0-9
 * placing the RTT between the hop's best (0) and worst (9).  With
 * --flows the flow shown (f) is named on the second line.
 */
#ifdef HAVE_CONFIG_H
#include <config.h>
#endif

#include <curses.h>
#include <langinfo.h>
#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "mode/cont/cont_screen.h"

static SCREEN *scr;
static int utf8;		/* the terminal takes UTF-8: block characters */

int
ht_screen_open(char *err, size_t errlen)
{
	if (!isatty(STDIN_FILENO) || !isatty(STDOUT_FILENO)) {
		snprintf(err, errlen, "the screen needs a terminal");
		return -1;
	}
	/* the characters only: numbers stay as the C locale prints them */
	setlocale(LC_CTYPE, "");
	if ((scr = newterm(NULL, stdout, stdin)) == NULL) {
		snprintf(err, errlen, "cannot start the screen (TERM=%s)",
		    getenv("TERM") ? getenv("TERM") : "");
		return -1;
	}
	set_term(scr);
	utf8 = strcmp(nl_langinfo(CODESET), "UTF-8") == 0;
	cbreak();
	noecho();
	nodelay(stdscr, TRUE);
	keypad(stdscr, TRUE);
	curs_set(0);
	return 0;
}

void
ht_screen_close(void)
{
	if (scr == NULL)
		return;
	endwin();
	delscreen(scr);
	scr = NULL;
	fflush(stdout);
}

int
ht_screen_key(void)
{
	int c;

	if (scr == NULL)
		return -1;
	c = getch();
	if (c == KEY_RESIZE)
		return 0;	/* the caller redraws */
	return c == ERR ? -1 : c;
}

static const char *
name_of(const struct ht_cont_resp *r, int names, char *abuf)
{
	return names && r->name != NULL ? r->name :
	    ht_addr_str(&r->addr, abuf);
}

#define STATS_W	44	/* the width stats_line() prints */

static void
stats_line(const struct ht_cstat *s, uint32_t snt)
{
	printw(" %5.1f%% %5u %6.1f %5.1f %5.1f %5.1f %5.1f",
	    snt ? 100.0 * (double)(snt - s->rcv) / snt : 0.0, snt,
	    (double)s->last / 1e6, s->mean / 1e6, (double)s->best / 1e6,
	    (double)s->worst / 1e6, ht_cstat_stdev(s) / 1e6);
}

/*
 * Where the hop's newest probes that fit in width begin (of those its
 * history keeps); h->nhist when none fit.
 */
static uint32_t
newest(const struct ht_cont_hop *h, int width)
{
	uint32_t n = h->nhist < HT_CONT_HIST ? h->nhist : HT_CONT_HIST;

	if (width < 1)
		return h->nhist;
	if (n > (uint32_t)width)
		n = (uint32_t)width;
	return h->nhist - n;
}

/* The hop's newest probes, as many as fit in width. */
static void
history(const struct ht_cont_hop *h, int width)
{
	uint32_t i, v;
	uint32_t lo = (uint32_t)(h->st.best / 1000),
	    hi = (uint32_t)(h->st.worst / 1000);

	for (i = newest(h, width); i < h->nhist; i++) {
		v = h->hist[i % HT_CONT_HIST];
		if (v == HT_CONT_LOST)
			addch('?');
		else
			addch((chtype)('0' + (hi > lo ? (v < lo ? 0 : v > hi ?
			    9 : 9 * (v - lo) / (hi - lo)) : 0)));
	}
}

/* The hop's newest probes as a sparkline, at most width of them. */
static void
sparkline(const struct ht_cont_hop *h, int width)
{
	static const char *const block[8] = { "\u2581", "\u2582", "\u2583",
	    "\u2584", "\u2585", "\u2586", "\u2587", "\u2588" };
	static const char ramp[] = "_.,-=+*#";
	uint32_t from = newest(h, width), i, v;
	uint32_t lo = HT_CONT_LOST, hi = 0, lv;

	for (i = from; i < h->nhist; i++) {
		v = h->hist[i % HT_CONT_HIST];
		if (v == HT_CONT_LOST)
			continue;
		if (v < lo)
			lo = v;
		if (v > hi)
			hi = v;
	}
	for (i = from; i < h->nhist; i++) {
		v = h->hist[i % HT_CONT_HIST];
		if (v == HT_CONT_LOST) {
			addch('?');
			continue;
		}
		lv = hi > lo ? 7 * (v - lo) / (hi - lo) : 0;
		if (utf8)
			addstr(block[lv]);
		else
			addch((chtype)ramp[lv]);
	}
}

void
ht_screen_draw(const struct ht_cont_model *md, const struct ht_screen_view *v)
{
	char abuf[HT_ADDRSTRLEN];
	const struct ht_cont_hop *h;
	int rows, cols, ttl, y, hostw, sparkw;
	uint8_t i;

	if (scr == NULL)
		return;
	getmaxyx(stdscr, rows, cols);
	erase();
	mvprintw(0, 0, "%.*s", cols, v->title);
	move(1, 0);
	if (v->count)
		printw("round %u of %u", v->round, v->count);
	else
		printw("round %u", v->round);
	printw(", every %g s, flow %d of %d%s%s%s", v->interval, v->flow + 1,
	    v->flows, v->flow_id[0] ? ": " : "", v->flow_id,
	    v->paused ? "  [paused]" : "");
	mvprintw(2, 0, "Keys: q quit  p pause  r reset  n names  "
	    "d display  f flow");
	hostw = cols - 48 > 40 ? 40 : cols - 48 > 10 ? cols - 48 : 10;
	sparkw = cols - (4 + hostw + STATS_W + 1);
	if (sparkw > 40)
		sparkw = 40;
	if (v->display == 0)
		mvprintw(4, 0, " %-*s %6s %5s %6s %5s %5s %5s %5s%s", hostw + 3,
		    "Host", "Loss%", "Snt", "Last", "Avg", "Best", "Wrst",
		    "StDev", sparkw >= 8 ? "  newest rounds" : "");
	else
		mvprintw(4, 0, " %-*s %s", hostw + 3 < 24 ? hostw + 3 : 24,
		    "Host", "newest probes (? none, 0 best .. 9 worst)");
	y = 5;
	for (ttl = md->first_ttl; ttl >= 1 && ttl <= md->last_ttl &&
	    y < rows; ttl++) {
		h = &md->hop[ttl];
		move(y++, 0);
		printw("%2d. ", ttl);
		if (v->display == 0) {
			printw("%-*.*s", hostw, hostw, h->nresp ?
			    name_of(&h->resp[h->latest], v->names, abuf) :
			    "???");
			stats_line(&h->st, h->st.snt);
			if (sparkw >= 8) {
				addch(' ');
				sparkline(h, sparkw);
			}
			for (i = 0; h->nresp > 1 && i < h->nresp && y < rows;
			    i++) {
				move(y++, 0);
				printw("    %-*.*s", hostw, hostw,
				    name_of(&h->resp[i], v->names, abuf));
				stats_line(&h->resp[i].st, h->st.snt);
			}
		} else {
			printw("%-24.24s ", h->nresp ?
			    name_of(&h->resp[h->latest], v->names, abuf) :
			    "???");
			history(h, cols - 29);
		}
	}
	refresh();
}

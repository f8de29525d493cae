/* \summary: the live rounds driver: a round of probes every interval, statistics after */
#ifdef HAVE_CONFIG_H
#include <config.h>
#endif

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine/engine.h"
#include "mode/cont/cont.h"
#include "mode/cont/cont_screen.h"

/*
 * How long a probe waits: -W, shortened to ten times the slowest answer
 * of the run so far, never below 200 ms.  Later answers count as loss.
 */
#define WAIT_FLOOR	(200 * 1000000ull)	/* least wait for an answer */
#define WAIT_X		10	/* times the slowest answer seen */

#define DROP_AT		4096	/* probes taken before the trace forgets them */

/* The rounds' state beside the engine's. */
struct clive {
	const struct ht_live_cfg *lc;
	const struct ht_cont_cfg *cc;
	const struct ht_outctx *o;
	struct ht_engine *e;	/* once the engine runs */
	struct ht_cont_set fs;	/* a table per flow */
	uint32_t round;		/* rounds begun */
	unsigned int ttl_next;	/* the round's next TTL to send; 0: sent */
	uint32_t flow_next;	/* the flow that TTL is sent in */
	ht_ns gap;		/* least time between two probes this round */
	ht_ns t_start;		/* when round 1 began (moved on by a pause) */
	uint32_t drawn;		/* the round the screen last showed */
	struct ht_screen_view view;
	int quit;		/* q pressed */
};

/* The last TTL a round probes: the destination's once it answered. */
static unsigned int
limit_ttl(const struct clive *cl)
{
	return cl->e->t->end_ttl ? cl->e->t->end_ttl : cl->lc->max_ttl;
}

/*
 * The longest time between two probes of a round: -z when given (then
 * also the least: a fixed spacing), else the round's probes spread over
 * half the interval, as mtr spreads its own over the whole of it.  Paced
 * (no -z), a probe goes as soon as the one before it is answered or
 * given up, and at the latest this long after it: one probe of the
 * round in flight at a time, so that the round's own probes and answers
 * never meet in a router's queue.  A burst of a whole round does meet
 * there, each probe waiting for the ones before it, and the later hops'
 * times grow by the queueing the burst itself causes (BENCHMARKS.md,
 * bench/continuous.sh); so do probes sent a fixed time apart once the
 * hops' RTTs are longer than that time.
 */
static ht_ns
gap_of(const struct clive *cl)
{
	uint64_t n;
	ht_ns g;

	if (!cl->cc->pace)
		return cl->lc->send_gap;
	n = (uint64_t)(limit_ttl(cl) - cl->lc->first_ttl + 1) *
	    cl->fs.maxflows;
	g = cl->cc->interval / (2 * (n > 0 ? n : 1));
	return g > 0 ? g : 1;
}

/* The round's TTLs are sent in this flow: the next flow's, or the end. */
static int
next_flow(struct clive *cl)
{
	if (++cl->flow_next < cl->fs.maxflows) {
		cl->ttl_next = cl->lc->first_ttl;
		return 1;
	}
	cl->ttl_next = 0;
	return 0;
}

/* Is the newest probe answered or given up (the paced round goes on)? */
static int
last_final(const struct clive *cl)
{
	const struct ht_probe *p = &cl->e->t->p[cl->e->t->n - 1];

	return p->rkind != HT_R_NONE || (p->flags & HT_P_EXPIRED);
}

/*
 * What the schedule allows now: a new round when its time has come and
 * the last one is all sent, then the round's TTLs in order, first TTL
 * first (so that a replay of the capture sees the round begin), flow by
 * flow (--flows), within the window and the spacing (gap_of): flow f is
 * the UDP/TCP destination port -p + f, or the ICMP checksum + f.
 */
static int
next(void *arg, struct ht_engine *e, ht_ns now, uint32_t room,
    struct ht_send *s, ht_ns *wake, char *err)
{
	struct clive *cl = arg;
	const struct ht_live_cfg *lc = cl->lc;
	uint32_t n = 0;

	(void)err;
	if (cl->e == NULL) {
		/* the first call: the tables are of the engine's trace */
		cl->e = e;
		ht_cont_set_init(&cl->fs, e->t);
		cl->t_start = e->t_start;
	}
	if (cl->ttl_next == 0 && !cl->view.paused && (cl->cc->count == 0 ||
	    cl->round < cl->cc->count) && now >= cl->t_start +
	    cl->round * cl->cc->interval) {
		cl->round++;
		cl->ttl_next = lc->first_ttl;
		cl->flow_next = 0;
		cl->gap = gap_of(cl);
	}
	while (cl->ttl_next != 0 && n < room) {
		if (cl->ttl_next > limit_ttl(cl) && !next_flow(cl))
			break;
		/* spaced: one probe a pass, the next when its time comes */
		if (cl->gap && n > 0)
			break;
		if (cl->gap && e->t->n > 0 && now < e->last_send + cl->gap &&
		    !(cl->cc->pace && last_final(cl)))
			break;
		s[n].ttl = (uint8_t)cl->ttl_next;
		if (lc->probe.method == HT_METHOD_ICMP) {
			s[n].flow_kind = HT_FLOW_ICMP;
			s[n].flow = (uint16_t)cl->flow_next;
		} else {
			s[n].flow_kind = HT_FLOW_PORT;
			s[n].flow = (uint16_t)(lc->probe.port + cl->flow_next);
		}
		s[n].rank = 0;
		n++;
		cl->ttl_next++;
		if (cl->ttl_next > limit_ttl(cl))
			(void)next_flow(cl);
	}
	if (cl->ttl_next == 0 && !cl->view.paused)
		*wake = cl->t_start + cl->round * cl->cc->interval;
	else if (cl->ttl_next != 0 && e->inflight + n < (uint32_t)lc->simq)
		*wake = cl->gap ? (n > 0 ? now : e->last_send) + cl->gap : now;
	return (int)n;
}

static int
sent_all(void *arg, const struct ht_engine *e)
{
	const struct clive *cl = arg;

	(void)e;
	return cl->cc->count != 0 && cl->round >= cl->cc->count &&
	    cl->ttl_next == 0;
}

/* The screen's name of the flow shown. */
static void
flow_label(struct clive *cl)
{
	struct ht_screen_view *v = &cl->view;

	if (v->flows > 1 && (uint32_t)v->flow < cl->fs.nflows)
		ht_cont_flow_str(&cl->fs, (uint32_t)v->flow, v->flow_id,
		    sizeof(v->flow_id));
	else
		v->flow_id[0] = '\0';
}

/* The screen's keys: mtr's q, p, r, n, d and f.  Returns 1 to redraw. */
static int
keys(struct clive *cl)
{
	struct ht_screen_view *v = &cl->view;
	int c, n, redraw = 0;
	ht_ns now;

	for (n = 0; n < 64 && (c = ht_screen_key()) >= 0; n++) {
		redraw = 1;
		switch (c) {
		case 'q':
		case 'Q':
			cl->quit = 1;
			break;
		case 'p':
		case 'P':
			v->paused = !v->paused;
			if (!v->paused) {
				/* the rounds go on from now */
				now = cl->e->net.ops->now(cl->e->net.io);
				cl->t_start = now - cl->round *
				    cl->cc->interval;
				if (cl->round > 0)
					cl->t_start += cl->cc->interval;
			}
			break;
		case 'r':
		case 'R':
			ht_cont_set_reset(&cl->fs);
			break;
		case 'n':
		case 'N':
			v->names = !v->names;
			break;
		case 'd':
		case 'D':
			v->display = (v->display + 1) % HT_SCREEN_DISPLAYS;
			break;
		case 'f':
		case 'F':
			v->flow = (v->flow + 1) % v->flows;
			flow_label(cl);
			break;
		default:
			break;	/* 0: a resize */
		}
	}
	return redraw;
}

static void
draw(struct clive *cl)
{
	struct ht_cont_model *md = cl->fs.flow[cl->view.flow];

	cl->view.round = cl->round;
	if (cl->view.names)
		ht_cont_names(md, cl->o->names, 0);
	if (cl->view.flow_id[0] == '\0')
		flow_label(cl);
	ht_screen_draw(md, &cl->view);
}

/* The first probes are out: the resolver started there too (no -n). */
static int
started(void *arg, struct ht_engine *e, char *err)
{
	struct clive *cl = arg;

	(void)e;
	(void)err;
	cl->view.names = cl->o->names != NULL;
	return 0;
}

/*
 * Each pass: the statistics take the probes that are final, the trace
 * forgets them (memory stays flat however long), the screen shows each
 * new round (and, paused, the last round's answers and losses).
 */
static int
step(void *arg, struct ht_engine *e, ht_ns now, char *err)
{
	struct clive *cl = arg;
	uint32_t taken = cl->fs.next;

	(void)now;
	if (cl->e == NULL)
		return 0;	/* nothing sent yet */
	ht_cont_set_feed(&cl->fs, e->t, 0, 0);
	if (cl->cc->screen && cl->view.paused && cl->fs.next != taken)
		draw(cl);
	if (cl->fs.next >= DROP_AT && cl->fs.next * 2 >= e->t->n) {
		if (ht_engine_drop(e, cl->fs.next) < 0) {
			snprintf(err, HT_ERRBUF, "out of memory");
			return -1;
		}
		cl->fs.next = 0;
	}
	if (cl->cc->screen && cl->round != cl->drawn) {
		draw(cl);	/* once a round */
		cl->drawn = cl->round;
	}
	return cl->quit;
}

/* The screen's keys came. */
static int
input(void *arg, struct ht_engine *e)
{
	struct clive *cl = arg;

	(void)e;
	if (cl->e != NULL && keys(cl))
		draw(cl);
	return cl->quit;
}

/* The last answers taken, the terminal back as it was, then the tables. */
static int
finish(void *arg, struct ht_engine *e, int rc, char *err)
{
	struct clive *cl = arg;
	int ok = rc == 0 && cl->e != NULL;

	(void)e;
	(void)err;
	if (ok) {
		ht_cont_set_feed(&cl->fs, e->t, 1, 0);
		if (cl->fs.maxflows == 1)
			cl->fs.flow[0]->rounds = cl->round;
	}
	ht_screen_close();
	if (ok) {
		ht_cont_names_set(&cl->fs, cl->o->names, 200);
		ht_cont_render_set(cl->o, cl->cc, &cl->fs);
	}
	return rc;
}

/* The mode's decisions, as the engine asks for them. */
static const struct ht_engine_ops cont_ops = {
	.next = next, .sent_all = sent_all,
	.wait_floor = WAIT_FLOOR, .wait_x = WAIT_X,
	.started = started, .step = step, .input = input, .finish = finish,
	.multiflow = 0,
};

int
ht_cont_run(const struct ht_live_cfg *lc, const struct ht_cont_cfg *cc,
    const struct ht_netio *net, struct ht_prober *pr,
    const struct ht_outctx *o, char *err)
{
	struct clive *cl;
	int rc;

	cl = calloc(1, sizeof(*cl));
	if (cl == NULL || ht_cont_set_new(&cl->fs, cc->flows ? cc->flows : 1,
	    NULL) < 0) {
		snprintf(err, HT_ERRBUF, "out of memory");
		ht_prober_close(pr);
		free(cl);
		return -1;
	}
	cl->lc = lc;
	cl->cc = cc;
	cl->o = o;
	cl->view.title = cc->title ? cc->title : "hoptrace";
	cl->view.count = cc->count;
	cl->view.interval = (double)cc->interval / 1e9;
	cl->view.names = o->names != NULL;	/* lc->started may start it */
	cl->view.flows = (int)cl->fs.maxflows;
	if (cc->screen && ht_screen_open(err, HT_ERRBUF) < 0) {
		ht_prober_close(pr);
		ht_screen_close();
		ht_cont_set_free(&cl->fs);
		free(cl);
		return -1;
	}
	rc = ht_engine_run(lc, net, pr, o->names, cc->screen ? 0 : -1,
	    &cont_ops, cl, err);
	ht_cont_set_free(&cl->fs);
	free(cl);
	return rc;
}

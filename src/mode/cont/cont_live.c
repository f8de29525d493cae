/* \summary: the live rounds driver: a round of probes every interval, statistics after */
#ifdef HAVE_CONFIG_H
#include <config.h>
#endif

#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "io/resolve.h"
#include "io/stop.h"
#include "mode/cont/cont.h"
#include "mode/cont/cont_screen.h"
#include "wire/decode.h"

#define WAIT_FLOOR	(200 * 1000000ull)	/* least wait for an answer */
#define WAIT_X		10	/* times the slowest answer seen */
#define DROP_AT		4096	/* probes taken before the trace forgets them */

/* Run-time state of one run of rounds. */
struct clive {
	const struct ht_live_cfg *lc;
	const struct ht_cont_cfg *cc;
	struct ht_capture *cap;
	struct ht_prober *pr;
	const struct ht_outctx *o;
	struct ht_matcher m;
	struct ht_trace *t;
	struct ht_cont_set fs;	/* a table per flow */
	uint32_t round;		/* rounds begun */
	unsigned int ttl_next;	/* the round's next TTL to send; 0: sent */
	uint32_t flow_next;	/* the flow that TTL is sent in */
	ht_ns gap;		/* least time between two probes this round */
	uint32_t inflight;
	uint32_t sent;		/* probes sent: the probe number (sequence) */
	ht_ns t_start, last_send, slowest;
	struct ht_screen_view view;
	int quit;		/* q pressed */
	uint8_t frame[HT_PROBE_MAX];
};

/*
 * How long a probe waits: -W, shortened to ten times the slowest answer
 * of the run so far, never below 200 ms.  Later answers count as loss.
 */
static ht_ns
wait_of(const struct clive *cl)
{
	ht_ns w = cl->slowest * WAIT_X;

	if (cl->slowest == 0)
		return cl->lc->wait;
	if (w < WAIT_FLOOR)
		w = WAIT_FLOOR;
	return w < cl->lc->wait ? w : cl->lc->wait;
}

/* The last TTL a round probes: the destination's once it answered. */
static unsigned int
limit_ttl(const struct clive *cl)
{
	return cl->t->end_ttl ? cl->t->end_ttl : cl->lc->max_ttl;
}

static int
send_one(struct clive *cl, uint8_t ttl, char *err)
{
	struct ht_pkt pkt;
	size_t off;
	int l;

	/* flow f: UDP/TCP destination port -p + f, ICMP checksum + f */
	if (cl->lc->probe.method == HT_METHOD_ICMP)
		ht_prober_set_icmp_flow(cl->pr, (uint16_t)cl->flow_next);
	else
		ht_prober_set_port(cl->pr, (uint16_t)(cl->lc->probe.port +
		    cl->flow_next));

	/* the run's count, not t->n: the trace forgets old probes */
	l = ht_prober_build(cl->pr, cl->sent, ttl, cl->frame,
	    sizeof(cl->frame), &off, err, HT_ERRBUF);
	if (l < 0)
		return -1;
	if (ht_decode(DLT_RAW, cl->frame + off, (size_t)l - off, &pkt) !=
	    HT_PKT_PROBE) {
		snprintf(err, HT_ERRBUF, "internal error: probe not decodable");
		return -1;
	}
	if (ht_trace_add_probe(cl->t, ttl, pkt.ip.id, &pkt.l4, pkt.ip.len,
	    ht_now_ns()) < 0) {
		snprintf(err, HT_ERRBUF, "out of memory");
		return -1;
	}
	if (ht_prober_write(cl->pr, cl->frame + off, (size_t)l - off, err,
	    HT_ERRBUF) < 0)
		return -1;
	cl->t->p[cl->t->n - 1].t_sent = cl->last_send = ht_now_ns();
	cl->inflight++;
	cl->sent++;
	return 0;
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
	const struct ht_probe *p = &cl->t->p[cl->t->n - 1];

	return p->rkind != HT_R_NONE || (p->flags & HT_P_EXPIRED);
}

/*
 * Send what the schedule allows now: a new round when its time has come
 * and the last one is all sent, then the round's TTLs in order, first TTL
 * first (so that a replay of the capture sees the round begin), flow by
 * flow (--flows), within the window and the spacing (gap_of).
 */
static int
send_due(struct clive *cl, ht_ns now, char *err)
{
	const struct ht_live_cfg *lc = cl->lc;

	if (cl->ttl_next == 0 && !cl->view.paused && (cl->cc->count == 0 ||
	    cl->round < cl->cc->count) && now >= cl->t_start +
	    cl->round * cl->cc->interval) {
		cl->round++;
		cl->ttl_next = lc->first_ttl;
		cl->flow_next = 0;
		cl->gap = gap_of(cl);
	}
	while (cl->ttl_next != 0 && cl->inflight < (uint32_t)lc->simq) {
		if (cl->ttl_next > limit_ttl(cl) && !next_flow(cl))
			break;
		if (cl->gap && cl->t->n > 0 &&
		    ht_now_ns() < cl->last_send + cl->gap &&
		    !(cl->cc->pace && last_final(cl)))
			break;
		if (send_one(cl, (uint8_t)cl->ttl_next, err) < 0)
			return -1;
		cl->ttl_next++;
		if (cl->ttl_next > limit_ttl(cl))
			(void)next_flow(cl);
	}
	return 0;
}

static int
drain(struct clive *cl, char *err)
{
	struct pcap_pkthdr *h;
	const u_char *data;
	struct ht_pkt pkt;
	struct ht_match res;
	struct ht_probe *p;
	enum ht_mwhat w;
	int rc, n = 0;

	while (n++ < 10000 && (rc = pcap_next_ex(cl->cap->p, &h, &data)) == 1) {
		if (ht_decode(cl->cap->dlt, data, h->caplen, &pkt) ==
		    HT_PKT_OTHER)
			continue;
		w = ht_match_packet(&cl->m, &pkt, ht_capture_ts(cl->cap, h),
		    &res);
		if (w == HT_M_NONE || res.t != cl->t)
			continue;
		if (w == HT_M_REPLY) {
			p = &cl->t->p[res.probe];
			cl->inflight--;
			if (p->t_reply > p->t_sent &&
			    p->t_reply - p->t_sent > cl->slowest)
				cl->slowest = p->t_reply - p->t_sent;
		}
		if (cl->cap->dump && (w == HT_M_PROBE || w == HT_M_REPLY))
			pcap_dump((u_char *)cl->cap->dump, h, data);
	}
	if (rc == PCAP_ERROR) {
		snprintf(err, HT_ERRBUF, "capture failed: %s",
		    pcap_geterr(cl->cap->p));
		return -1;
	}
	return 0;
}

/*
 * Expire the probes whose wait is over; the next deadline, or 0.  Only
 * probes the model has not taken can be waiting: the scan starts there.
 */
static ht_ns
expire(struct clive *cl, ht_ns now)
{
	struct ht_probe *p;
	ht_ns w = wait_of(cl), dl, next = 0;
	uint32_t k;

	for (k = cl->fs.next; k < cl->t->n; k++) {
		p = &cl->t->p[k];
		if (p->rkind != HT_R_NONE || (p->flags & HT_P_EXPIRED))
			continue;
		dl = p->t_sent + w;
		if (now >= dl) {
			p->flags |= HT_P_EXPIRED;
			cl->inflight--;
		} else if (next == 0 || dl < next)
			next = dl;
	}
	return next;
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
				now = ht_now_ns();
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
		ht_cont_names(md, cl->o->res, 0);
	if (cl->view.flow_id[0] == '\0')
		flow_label(cl);
	ht_screen_draw(md, &cl->view);
}

/* Milliseconds from now to t (at least 0), at most cap. */
static long
ms_until(ht_ns now, ht_ns t, long cap)
{
	ht_ns d;

	if (t <= now)
		return 0;
	d = (t - now) / 1000000 + 1;
	return d < (ht_ns)cap ? (long)d : cap;
}

int
ht_cont_live_run(const struct ht_live_cfg *lc, const struct ht_cont_cfg *cc,
    struct ht_capture *cap, struct ht_prober *pr, const struct ht_outctx *o,
    char *err)
{
	struct clive cl;
	struct ht_stop stop;
	struct pollfd pfd[2];
	ht_ns now, dl;
	long timeout;
	uint32_t drawn = 0, taken;
	int rc = 0, started = 0, all_sent;

	memset(&cl, 0, sizeof(cl));
	cl.lc = lc;
	cl.cc = cc;
	cl.cap = cap;
	cl.pr = pr;
	cl.o = o;
	ht_matcher_init(&cl.m, 0, lc->wait);
	cl.t = ht_trace_new(&cl.m, &lc->probe.src, &lc->probe.dst,
	    lc->probe.method == HT_METHOD_UDP ? HT_PROTO_UDP :
	    lc->probe.method == HT_METHOD_TCP ? HT_PROTO_TCP :
	    lc->probe.dst.af == 6 ? HT_PROTO_ICMP6 : HT_PROTO_ICMP,
	    lc->probe.ident);
	if (cl.t == NULL || ht_cont_set_new(&cl.fs, cc->flows ? cc->flows :
	    1, cl.t) < 0) {
		snprintf(err, HT_ERRBUF, "out of memory");
		ht_prober_close(pr);
		ht_matcher_free(&cl.m);
		return -1;
	}

	ht_stop_catch(&stop);
	pfd[0].fd = cap->fd;
	pfd[0].events = POLLIN;
	pfd[1].fd = 0;		/* the screen's keys */
	pfd[1].events = POLLIN;
	cl.view.title = cc->title ? cc->title : "hoptrace";
	cl.view.count = cc->count;
	cl.view.interval = (double)cc->interval / 1e9;
	cl.view.names = o->res != NULL;	/* lc->started may start it */
	cl.view.flows = (int)cl.fs.maxflows;
	if (cc->screen && ht_screen_open(err, HT_ERRBUF) < 0) {
		rc = -1;
		goto out;
	}
	cl.t_start = ht_now_ns();
	/* Bounded by the rounds asked for, or by a signal or q with -c 0. */
	while (!ht_stop_sig() && !cl.quit) {
		now = ht_now_ns();
		if (cl.pr != NULL && send_due(&cl, now, err) < 0) {
			rc = -1;
			goto out;
		}
		if (!started && cl.t->n > 0) {
			/* first probes out: privileges go */
			if (lc->started != NULL &&
			    lc->started(lc->started_arg, err) < 0) {
				rc = -1;
				goto out;
			}
			started = 1;
			/* the resolver starts there too (no -n): names on */
			cl.view.names = o->res != NULL;
		}
		all_sent = cc->count != 0 && cl.round >= cc->count &&
		    cl.ttl_next == 0;
		if (all_sent && cl.pr != NULL) {
			/* nothing more to send: no writing socket */
			ht_prober_close(cl.pr);
			cl.pr = NULL;
		}
		now = ht_now_ns();
		dl = expire(&cl, now);
		taken = cl.fs.next;
		ht_cont_set_feed(&cl.fs, cl.t, 0, 0);
		/* paused, the last round's answers and losses still show */
		if (cc->screen && cl.view.paused && cl.fs.next != taken)
			draw(&cl);
		/* the statistics have them: memory stays flat however long */
		if (cl.fs.next >= DROP_AT && cl.fs.next * 2 >= cl.t->n) {
			if (ht_trace_drop(cl.t, cl.fs.next) < 0) {
				snprintf(err, HT_ERRBUF, "out of memory");
				rc = -1;
				goto out;
			}
			cl.fs.next = 0;
		}
		if (cc->screen && cl.round != drawn) {
			draw(&cl);	/* once a round */
			drawn = cl.round;
		}
		if (all_sent && cl.inflight == 0)
			break;
		timeout = 1000;
		if (dl != 0)
			timeout = ms_until(now, dl, timeout);
		if (cl.pr != NULL && cl.ttl_next == 0 && !cl.view.paused)
			timeout = ms_until(now, cl.t_start + cl.round *
			    cc->interval, timeout);
		if (cl.pr != NULL && cl.ttl_next != 0 &&
		    cl.inflight < (uint32_t)lc->simq)
			timeout = cl.gap ? ms_until(now, cl.last_send +
			    cl.gap, timeout) : 0;
		if (poll(pfd, cc->screen ? 2 : 1, (int)timeout) < 0 &&
		    errno != EINTR) {
			snprintf(err, HT_ERRBUF, "poll: %s", strerror(errno));
			rc = -1;
			goto out;
		}
		if (drain(&cl, err) < 0) {
			rc = -1;
			goto out;
		}
		if (cc->screen && keys(&cl))
			draw(&cl);
	}
	if (!started && lc->started != NULL &&
	    lc->started(lc->started_arg, err) < 0) {
		rc = -1;
		goto out;
	}
	/* Whatever the capture already holds belongs in the -w file. */
	if (drain(&cl, err) < 0) {
		rc = -1;
		goto out;
	}
	ht_cont_set_feed(&cl.fs, cl.t, 1, 0);
	if (cl.fs.maxflows == 1)
		cl.fs.flow[0]->rounds = cl.round;
	/* the terminal back as it was, then the table (as --report) */
	ht_screen_close();
	ht_cont_names_set(&cl.fs, o->res, 200);
	ht_cont_render_set(o, cc, &cl.fs);
	if (ht_stop_sig())
		rc = ht_stop_sig();
out:
	ht_screen_close();
	ht_prober_close(cl.pr);
	ht_stop_release(&stop);
	ht_matcher_free(&cl.m);
	ht_cont_set_free(&cl.fs);
	return rc;
}

/* \summary: one path, live: what to send next, when a hop is final, printed in order */
/*
 * The trace's decisions on the engine (engine/engine.h): probe k goes to
 * TTL first + k / queries, within the window (-N) and never more than the
 * gap limit past the last hop that answered; each probe's wait is
 * traceroute's HERE/NEAR heuristic; a hop is printed as soon as every
 * probe to it is answered or given up, in TTL order, and the trace ends
 * at the destination or after the gap limit's silent hops.
 */
#ifdef HAVE_CONFIG_H
#include <config.h>
#endif

#include <stdio.h>
#include <string.h>

#include "engine/engine.h"
#include "engine/names.h"
#include "mode/trace/trace_mode.h"

/* The trace mode's state beside the engine's. */
struct tmode {
	const struct ht_live_cfg *cfg;
	const struct ht_outctx *o;
	struct ht_live_stats *st;
	uint32_t total;		/* probes the schedule allows */
	uint8_t printed;	/* next TTL to print */
	int top_reply;		/* highest TTL with a reply, or first - 1 */
	int last_shown_reply;	/* highest printed TTL with a reply */
};

static uint8_t
ttl_of(const struct tmode *tm, uint32_t k)
{
	return (uint8_t)(tm->cfg->first_ttl + k / (uint32_t)tm->cfg->queries);
}

/* The last TTL worth probing or printing now. */
static int
limit_ttl(const struct tmode *tm, const struct ht_engine *e)
{
	return e->t->end_ttl ? e->t->end_ttl : tm->cfg->max_ttl;
}

/* The adaptive part of a wait: factor (x1000) times rtt, never below the floor. */
static ht_ns
scaled(const struct ht_live_cfg *c, ht_ns factor, ht_ns rtt)
{
	ht_ns x = factor * rtt / 1000;

	return x < c->min_wait ? c->min_wait : x;
}

/*
 * How long a probe at each TTL may wait: traceroute's HERE/NEAR heuristic,
 * -W shortened to HERE times the fastest answer from the same hop, or NEAR
 * times the fastest answer from any later hop.  One pass over the probes.
 */
static void
waits(void *arg, const struct ht_engine *e, ht_ns w[256])
{
	const struct tmode *tm = arg;
	const struct ht_live_cfg *c = tm->cfg;
	const struct ht_probe *q;
	ht_ns here[256], near = 0, r;
	uint32_t i;
	int ttl;

	memset(here, 0, sizeof(here));
	for (i = 0; i < e->t->n; i++) {
		q = &e->t->p[i];
		if (q->rkind == HT_R_NONE)
			continue;
		r = q->t_reply - q->t_sent;
		if (here[q->ttl] == 0 || r < here[q->ttl])
			here[q->ttl] = r + 1;	/* +1: 0 means none */
	}
	for (ttl = 255; ttl >= 0; ttl--) {
		w[ttl] = c->wait;
		if (here[ttl] && scaled(c, c->here_x, here[ttl] - 1) < w[ttl])
			w[ttl] = scaled(c, c->here_x, here[ttl] - 1);
		if (near && scaled(c, c->near_x, near - 1) < w[ttl])
			w[ttl] = scaled(c, c->near_x, near - 1);
		if (here[ttl] && (near == 0 || here[ttl] < near))
			near = here[ttl];
	}
}

static int
hop_final(const struct tmode *tm, const struct ht_engine *e, uint8_t ttl)
{
	const struct ht_probe *p;
	uint32_t q = (uint32_t)tm->cfg->queries;
	uint32_t k0 = (uint32_t)(ttl - tm->cfg->first_ttl) * q, k;

	if (k0 + q > e->seq)
		return 0;
	for (k = k0; k < k0 + q; k++) {
		p = &e->t->p[k];
		if (p->rkind == HT_R_NONE && !(p->flags & HT_P_EXPIRED))
			return 0;
	}
	return 1;
}

/*
 * Will the trace never send again?  The probes go in TTL order, and the
 * last TTL worth probing only comes down (when the destination answers).
 */
static int
sent_all(void *arg, const struct ht_engine *e)
{
	const struct tmode *tm = arg;

	return e->seq >= tm->total || ttl_of(tm, e->seq) > limit_ttl(tm, e);
}

/* May probe number next go, with inflight probes in flight? */
static int
may_send(const struct tmode *tm, const struct ht_engine *e, uint32_t next,
    uint32_t inflight)
{
	int ttl;

	if (next >= tm->total || inflight >= (uint32_t)tm->cfg->simq)
		return 0;
	ttl = ttl_of(tm, next);
	if (ttl > limit_ttl(tm, e))
		return 0;
	/*
	 * The first window probes as many hops as -N holds; beyond it, never
	 * more than the gap limit past the last hop that answered, so a deaf
	 * destination costs no probes the gap limit would not print.
	 */
	return ttl <= tm->top_reply + tm->cfg->gap ||
	    ttl < tm->cfg->first_ttl + tm->cfg->simq / tm->cfg->queries;
}

/*
 * Every probe the schedule allows now (one per call with -z).  They are
 * sent the batch's first TTL first, then the others farthest TTL first,
 * so that the probes with the longest way to go leave early (the
 * destination's answer, which ends the trace, comes back sooner).  The
 * first TTL goes first so that a capture of the run still starts the
 * trace where it starts (see restarts() in trace.c).
 */
static int
next(void *arg, struct ht_engine *e, ht_ns now, uint32_t room,
    struct ht_send *s, ht_ns *wake, char *err)
{
	const struct tmode *tm = arg;
	const struct ht_live_cfg *c = tm->cfg;
	uint32_t n = 0;
	uint8_t ttl, first = ttl_of(tm, e->seq);

	(void)err;
	if (c->send_gap && e->seq > 0 && now < e->last_send + c->send_gap) {
		if (may_send(tm, e, e->seq, e->inflight))
			*wake = e->last_send + c->send_gap;
		return 0;
	}
	while (n < room && may_send(tm, e, e->seq + n, e->inflight + n)) {
		ttl = ttl_of(tm, e->seq + n);
		s[n].ttl = ttl;
		s[n].flow_kind = HT_FLOW_KEEP;
		s[n].flow = 0;
		s[n].rank = ttl == first ? 0 : 256u - ttl;
		n++;
		if (c->send_gap) {
			*wake = now + c->send_gap;
			break;
		}
	}
	return (int)n;
}

static void
answered(void *arg, struct ht_engine *e, uint32_t k)
{
	struct tmode *tm = arg;

	if (e->t->p[k].ttl > tm->top_reply)
		tm->top_reply = e->t->p[k].ttl;
}

/* The first probes are out (privileges gone): the header. */
static int
started(void *arg, struct ht_engine *e, char *err)
{
	struct tmode *tm = arg;

	(void)err;
	if (!tm->cfg->json)
		ht_text_header(tm->o, e->t);
	fflush(tm->o->fp);
	return 0;
}

/* The names of a hop's responders, each waited for a while. */
static void
hop_names(const struct tmode *tm, const struct ht_engine *e, uint8_t ttl)
{
	uint32_t q = (uint32_t)tm->cfg->queries;
	uint32_t k0 = (uint32_t)(ttl - tm->cfg->first_ttl) * q, k;

	for (k = k0; k < k0 + q && k < e->t->n; k++)
		if (e->t->p[k].rkind != HT_R_NONE)
			ht_names_lookup(tm->o->names, &e->t->p[k].from,
			    HT_NAME_WAIT_MS);
}

/* Print every hop that is final, in order; 1 once the trace is over. */
static int
step(void *arg, struct ht_engine *e, ht_ns now, char *err)
{
	struct tmode *tm = arg;

	(void)now;
	(void)err;
	while (tm->printed <= limit_ttl(tm, e) &&
	    hop_final(tm, e, tm->printed)) {
		if (ht_trace_hop_answered(e->t, tm->printed))
			tm->last_shown_reply = tm->printed;
		if (!tm->cfg->json) {
			hop_names(tm, e, tm->printed);
			ht_text_hop(tm->o, e->t, tm->printed);
			fflush(tm->o->fp);
		}
		if (tm->printed == limit_ttl(tm, e) ||
		    tm->printed - tm->last_shown_reply >= tm->cfg->gap)
			return 1;
		tm->printed++;
	}
	return 0;
}

/* Probes at the TTLs shown (first .. last) that got no reply. */
static unsigned int
unanswered(const struct ht_engine *e, int last)
{
	const struct ht_probe *p;
	unsigned int n = 0;
	uint32_t k;

	for (k = 0; k < e->t->n; k++) {
		p = &e->t->p[k];
		if (p->ttl <= last && p->rkind == HT_R_NONE)
			n++;
	}
	return n;
}

static int
finish(void *arg, struct ht_engine *e, int rc, char *err)
{
	struct tmode *tm = arg;
	int last;

	(void)err;
	if (e->t == NULL)
		return rc;
	last = tm->printed > limit_ttl(tm, e) ? limit_ttl(tm, e) :
	    tm->printed;
	/* the trace's end: its last answer or expiry (-j; the -w end note) */
	tm->st->t_end = e->t_end ? e->t_end : e->net.ops->now(e->net.io);
	if (tm->cfg->json && rc == 0) {
		ht_names_lookup_trace(tm->o->names, e->t, 0, (uint8_t)last,
		    HT_NAME_WAIT_MS);
		ht_json_trace(tm->o, e->t, (uint8_t)last, tm->st->t_end);
	}
	tm->st->unanswered = unanswered(e, last);
	return rc;
}

/* The mode's decisions, as the engine asks for them. */
static const struct ht_engine_ops trace_ops = {
	.next = next, .sent_all = sent_all, .waits = waits,
	.answered = answered, .started = started, .step = step,
	.finish = finish, .multiflow = 0,
};

int
ht_trace_run(const struct ht_live_cfg *cfg, const struct ht_netio *net,
    struct ht_prober *pr, const struct ht_outctx *o,
    struct ht_live_stats *st, char *err)
{
	struct tmode tm;

	memset(&tm, 0, sizeof(tm));
	memset(st, 0, sizeof(*st));
	tm.cfg = cfg;
	tm.o = o;
	tm.st = st;
	tm.total = (uint32_t)(cfg->max_ttl - cfg->first_ttl + 1) *
	    (uint32_t)cfg->queries;
	tm.printed = cfg->first_ttl;
	tm.top_reply = tm.last_shown_reply = cfg->first_ttl - 1;
	return ht_engine_run(cfg, net, pr, o->names, -1, &trace_ops, &tm, err);
}

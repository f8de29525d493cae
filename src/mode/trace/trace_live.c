/* \summary: live tracing: send on a schedule, capture, match, print in order */
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
#include "mode/trace/trace_mode.h"
#include "wire/decode.h"

/* At most this many probes are built, then sent farthest first, at once. */
#define HT_SEND_BATCH	64

/* Run-time state of one live trace. */
struct live {
	const struct ht_live_cfg *cfg;
	struct ht_capture *cap;
	struct ht_prober *pr;
	const struct ht_outctx *o;
	struct ht_matcher m;
	struct ht_trace *t;
	uint32_t total;		/* probes the schedule allows */
	uint32_t next;		/* next probe number to send */
	uint32_t inflight;
	uint8_t printed;	/* next TTL to print */
	int top_reply;		/* highest TTL with a reply, or first - 1 */
	int last_shown_reply;	/* highest printed TTL with a reply */
	ht_ns last_send;
	uint8_t *frames;	/* one batch of probes, slot bytes each */
	size_t slot;
	ht_ns t_end;
};

static uint8_t
ttl_of(const struct live *lv, uint32_t k)
{
	return (uint8_t)(lv->cfg->first_ttl + k / (uint32_t)lv->cfg->queries);
}

/* The last TTL worth probing or printing now. */
static int
limit_ttl(const struct live *lv)
{
	return lv->t->end_ttl ? lv->t->end_ttl : lv->cfg->max_ttl;
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
waits(const struct live *lv, ht_ns w[256])
{
	const struct ht_live_cfg *c = lv->cfg;
	const struct ht_probe *q;
	ht_ns here[256], near = 0, r;
	uint32_t i;
	int ttl;

	memset(here, 0, sizeof(here));
	for (i = 0; i < lv->t->n; i++) {
		q = &lv->t->p[i];
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
hop_final(const struct live *lv, uint8_t ttl)
{
	const struct ht_probe *p;
	uint32_t k0 = (uint32_t)(ttl - lv->cfg->first_ttl) *
	    (uint32_t)lv->cfg->queries, k;

	if (k0 + (uint32_t)lv->cfg->queries > lv->next)
		return 0;
	for (k = k0; k < k0 + (uint32_t)lv->cfg->queries; k++) {
		p = &lv->t->p[k];
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
sent_all(const struct live *lv)
{
	return lv->next >= lv->total || ttl_of(lv, lv->next) > limit_ttl(lv);
}

static int
may_send(const struct live *lv)
{
	int ttl;

	if (lv->pr == NULL || lv->next >= lv->total ||
	    lv->inflight >= (uint32_t)lv->cfg->simq)
		return 0;
	ttl = ttl_of(lv, lv->next);
	if (ttl > limit_ttl(lv))
		return 0;
	/*
	 * The first window probes as many hops as -N holds; beyond it, never
	 * more than the gap limit past the last hop that answered, so a deaf
	 * destination costs no probes the gap limit would not print.
	 */
	return ttl <= lv->top_reply + lv->cfg->gap ||
	    ttl < lv->cfg->first_ttl + lv->cfg->simq / lv->cfg->queries;
}

/* Send frame j of the batch that starts at probe k0; stamp it. */
static int
write_probe(struct live *lv, uint32_t k0, uint32_t j, size_t len, char *err)
{
	if (ht_prober_write(lv->pr, lv->frames + j * lv->slot, len, err,
	    HT_ERRBUF) < 0)
		return -1;
	lv->t->p[k0 + j].t_sent = lv->last_send = ht_now_ns();
	return 0;
}

/*
 * Send every probe the schedule allows now (one per call with -z), in
 * batches: build and record each in order, then send the probes to the
 * batch's first TTL, then the others farthest TTL first, so that the
 * probes with the longest way to go leave early (the destination's answer,
 * which ends the trace, comes back sooner).  The first TTL goes first so
 * that a capture of the run still starts the trace where it starts (see
 * restarts() in trace.c).  Each probe's send time is taken right after
 * its write; the capture's own stamp of the probe leaving replaces it.
 */
static int
send_batch(struct live *lv, char *err)
{
	size_t len[HT_SEND_BATCH], off;
	struct ht_pkt pkt;
	uint32_t k0 = lv->next, n = 0, first = 0, start, end, j;
	ht_ns now = ht_now_ns();
	uint8_t ttl;
	int l;

	while (n < HT_SEND_BATCH && may_send(lv) && (lv->next == 0 ||
	    now >= lv->last_send + lv->cfg->send_gap)) {
		ttl = ttl_of(lv, lv->next);
		l = ht_prober_build(lv->pr, lv->next, ttl,
		    lv->frames + n * lv->slot, lv->slot, &off, err, HT_ERRBUF);
		if (l < 0)
			return -1;
		/* Record the probe by the fields the decoder will read back. */
		if (ht_decode(DLT_RAW, lv->frames + n * lv->slot + off,
		    (size_t)l - off, &pkt) != HT_PKT_PROBE) {
			snprintf(err, HT_ERRBUF, "internal error: probe not "
			    "decodable");
			return -1;
		}
		if (ht_trace_add_probe(lv->t, ttl, pkt.ip.id, &pkt.l4,
		    pkt.ip.len, now) < 0) {
			snprintf(err, HT_ERRBUF, "out of memory");
			return -1;
		}
		if (ttl == ttl_of(lv, k0))
			first++;
		len[n++] = (size_t)l;
		lv->next++;
		lv->inflight++;
		/* last_send: set by each write below */
		if (lv->cfg->send_gap)
			break;
	}
	/*
	 * The batch's first TTL, then the others farthest first; the probes
	 * to one TTL in their order (k is TTL-major: each TTL's probes are
	 * consecutive), as a replay lists them.
	 */
	for (j = 0; j < first; j++)
		if (write_probe(lv, k0, j, len[j], err) < 0)
			return -1;
	for (end = n; end > first; end = start) {
		for (start = end - 1; start > first && ttl_of(lv, k0 +
		    start - 1) == ttl_of(lv, k0 + end - 1); start--)
			;
		for (j = start; j < end; j++)
			if (write_probe(lv, k0, j, len[j], err) < 0)
				return -1;
	}
	return 0;
}

/* Read everything the capture holds; match it; keep what is ours. */
static int
drain(struct live *lv, char *err)
{
	struct pcap_pkthdr *h;
	const u_char *data;
	struct ht_pkt pkt;
	struct ht_match res;
	enum ht_mwhat w;
	ht_ns ts;
	int rc, n = 0;

	while (n++ < 10000 && (rc = pcap_next_ex(lv->cap->p, &h, &data)) == 1) {
		ts = ht_capture_ts(lv->cap, h);
		if (ht_decode(lv->cap->dlt, data, h->caplen, &pkt) ==
		    HT_PKT_OTHER)
			continue;
		w = ht_match_packet(&lv->m, &pkt, ts, &res);
		if (w == HT_M_NONE || res.t != lv->t)
			continue;
		if (w == HT_M_REPLY) {
			struct ht_probe *p = &lv->t->p[res.probe];

			lv->inflight--;
			if (p->ttl > lv->top_reply)
				lv->top_reply = p->ttl;
			if (lv->o->res)
				ht_resolver_ask(lv->o->res, &p->from);
			lv->t_end = ts;
		}
		if (lv->cap->dump && (w == HT_M_PROBE || w == HT_M_REPLY))
			pcap_dump((u_char *)lv->cap->dump, h, data);
	}
	if (rc == PCAP_ERROR) {
		snprintf(err, HT_ERRBUF, "capture failed: %s",
		    pcap_geterr(lv->cap->p));
		return -1;
	}
	return 0;
}

/* Give up on probes whose wait is over; returns the next deadline. */
static ht_ns
expire(struct live *lv, ht_ns now)
{
	struct ht_probe *p;
	ht_ns dl, next = 0, w[256];
	uint32_t k;

	waits(lv, w);
	for (k = 0; k < lv->next; k++) {
		p = &lv->t->p[k];
		if (p->rkind != HT_R_NONE || (p->flags & HT_P_EXPIRED))
			continue;
		dl = p->t_sent + w[p->ttl];
		if (now >= dl) {
			p->flags |= HT_P_EXPIRED;
			lv->inflight--;
			if (now > lv->t_end)
				lv->t_end = now;
		} else if (next == 0 || dl < next)
			next = dl;
	}
	return next;
}

/* Probes at the TTLs shown (first .. last) that got no reply. */
static unsigned int
unanswered(const struct live *lv, int last)
{
	const struct ht_probe *p;
	unsigned int n = 0;
	uint32_t k;

	for (k = 0; k < lv->next; k++) {
		p = &lv->t->p[k];
		if (p->ttl <= last && p->rkind == HT_R_NONE)
			n++;
	}
	return n;
}

int
ht_live_run(const struct ht_live_cfg *cfg, struct ht_capture *cap,
    struct ht_prober *pr, const struct ht_outctx *o,
    struct ht_live_stats *st, char *err)
{
	struct live lv;
	struct ht_stop stop;
	struct pollfd pfd;
	ht_ns now, dl, next_send;
	long timeout;
	int rc = 0, done = 0, started = 0, silent;

	memset(&lv, 0, sizeof(lv));
	memset(st, 0, sizeof(*st));
	lv.cfg = cfg;
	lv.cap = cap;
	lv.pr = pr;
	lv.o = o;
	lv.total = (uint32_t)(cfg->max_ttl - cfg->first_ttl + 1) *
	    (uint32_t)cfg->queries;
	lv.printed = cfg->first_ttl;
	lv.top_reply = lv.last_shown_reply = cfg->first_ttl - 1;
	ht_matcher_init(&lv.m, 0, cfg->wait);
	lv.t = ht_trace_new(&lv.m, &cfg->probe.src, &cfg->probe.dst,
	    cfg->probe.method == HT_METHOD_UDP ? HT_PROTO_UDP :
	    cfg->probe.method == HT_METHOD_TCP ? HT_PROTO_TCP :
	    cfg->probe.dst.af == 6 ? HT_PROTO_ICMP6 : HT_PROTO_ICMP,
	    cfg->probe.ident);
	/* a frame: Ethernet, IPv6 and TCP headers at most, and the payload */
	lv.slot = (14 + 40 + 20 + (size_t)cfg->probe.payload + 15) &
	    ~(size_t)15;
	lv.frames = malloc(HT_SEND_BATCH * lv.slot);
	if (lv.t == NULL || lv.frames == NULL) {
		snprintf(err, HT_ERRBUF, "out of memory");
		ht_prober_close(pr);
		ht_matcher_free(&lv.m);
		free(lv.frames);
		return -1;
	}

	ht_stop_catch(&stop);

	pfd.fd = cap->fd;
	pfd.events = POLLIN;
	while (!done && !ht_stop_sig()) {
		if (send_batch(&lv, err) < 0) {
			rc = -1;
			goto out;
		}
		if (!started) {
			/* first probes out: privileges go, then the header */
			if (cfg->started != NULL &&
			    cfg->started(cfg->started_arg, err) < 0) {
				rc = -1;
				goto out;
			}
			if (!cfg->json)
				ht_text_header(o, lv.t);
			fflush(o->fp);
			started = 1;
		}
		now = ht_now_ns();
		dl = expire(&lv, now);
		/* Print every hop that is final, in order. */
		while (lv.printed <= limit_ttl(&lv) &&
		    hop_final(&lv, lv.printed)) {
			silent = !ht_trace_hop_answered(lv.t, lv.printed);
			if (!silent)
				lv.last_shown_reply = lv.printed;
			if (!cfg->json) {
				ht_text_hop(o, lv.t, lv.printed);
				fflush(o->fp);
			}
			if (lv.printed == limit_ttl(&lv) ||
			    lv.printed - lv.last_shown_reply >= cfg->gap) {
				done = 1;
				break;
			}
			lv.printed++;
		}
		if (done)
			break;
		if (lv.next >= lv.total && lv.inflight == 0 && dl == 0 &&
		    lv.printed > limit_ttl(&lv))
			break;
		/* Nothing left to send: close the injector while we wait. */
		if (lv.pr != NULL && sent_all(&lv)) {
			ht_prober_close(lv.pr);
			lv.pr = NULL;
		}
		timeout = 1000;
		if (dl != 0)
			timeout = dl > now ? (long)((dl - now) / 1000000) + 1 : 0;
		if (may_send(&lv) && cfg->send_gap) {
			next_send = lv.last_send + cfg->send_gap;
			if (next_send <= now)
				timeout = 0;
			else if ((long)((next_send - now) / 1000000) < timeout)
				timeout = (long)((next_send - now) / 1000000);
		}
		if (poll(&pfd, 1, (int)timeout) < 0 && errno != EINTR) {
			snprintf(err, HT_ERRBUF, "poll: %s", strerror(errno));
			rc = -1;
			goto out;
		}
		if (drain(&lv, err) < 0) {
			rc = -1;
			goto out;
		}
	}
	/* Whatever the capture already holds belongs in the -w file. */
	if (drain(&lv, err) < 0)
		rc = -1;
	st->t_end = lv.t_end ? lv.t_end : ht_now_ns();	/* -w end note */
	if (cfg->json && rc == 0)
		ht_json_trace(o, lv.t, lv.printed > limit_ttl(&lv) ?
		    (uint8_t)limit_ttl(&lv) : lv.printed, st->t_end);
	if (rc == 0 && ht_stop_sig())
		rc = ht_stop_sig();
out:
	st->unanswered = unanswered(&lv, lv.printed > limit_ttl(&lv) ?
	    limit_ttl(&lv) : lv.printed);
	ht_prober_close(lv.pr);
	ht_stop_release(&stop);
	ht_matcher_free(&lv.m);
	free(lv.frames);
	return rc;
}

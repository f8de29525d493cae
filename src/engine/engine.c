/* \summary: the live engine: the one loop that sends, captures, matches and expires for every mode */
#ifdef HAVE_CONFIG_H
#include <config.h>
#endif

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <pcap/pcap.h>

#include "base/err.h"
#include "engine/engine.h"
#include "engine/frame.h"
#include "engine/names.h"
#include "io/stop.h"
#include "wire/decode.h"

/* Packets read in one pass at most (the loop comes back at once). */
#define DRAIN_MAX	10000

/* Every pass sends, reads, expires or waits: bounded by this many. */
#define PASS_MAX	(1ull << 40)

/* From now to t, at most cap (0 when t is past). */
static ht_ns
until(ht_ns now, ht_ns t, ht_ns cap)
{
	if (t <= now)
		return 0;
	return t - now < cap ? t - now : cap;
}

ht_ns
ht_engine_wait_scaled(const struct ht_engine *e, ht_ns floor, unsigned int x)
{
	ht_ns w = e->slowest * x;

	if (e->slowest == 0)
		return e->cfg->wait;
	if (w < floor)
		w = floor;
	return w < e->cfg->wait ? w : e->cfg->wait;
}

void
ht_engine_saw_rtt(struct ht_engine *e, ht_ns rtt)
{
	if (rtt > e->slowest && rtt < e->cfg->wait)
		e->slowest = rtt;
}

int
ht_engine_drop(struct ht_engine *e, uint32_t n)
{
	if (ht_trace_drop(e->t, n) < 0)
		return -1;
	e->open_from = e->open_from > n ? e->open_from - n : 0;
	return 0;
}

static void
close_send(struct ht_engine *e)
{
	if (!e->sending)
		return;
	e->sending = 0;
	ht_prober_close(e->pr);
	e->pr = NULL;
	if (e->net.ops->close_send != NULL)
		e->net.ops->close_send(e->net.io);
}

/* Give up on probe idx at now: its wait is over, or it was refused. */
static void
give_up(struct ht_engine *e, const struct ht_engine_ops *ops, void *m,
    uint32_t idx, ht_ns now)
{
	struct ht_probe *p = &e->t->p[idx];

	if (p->rkind != HT_R_NONE || (p->flags & HT_P_EXPIRED))
		return;
	p->flags |= HT_P_EXPIRED;
	e->inflight--;
	if (now > e->t_end)
		e->t_end = now;
	if (ops->expired != NULL)
		ops->expired(m, e, idx);
}

/* Give up on probes whose wait is over; returns the next deadline, or 0. */
static ht_ns
expire(struct ht_engine *e, const struct ht_engine_ops *ops, void *m,
    ht_ns now)
{
	struct ht_probe *p;
	ht_ns dl, next = 0, w[256];
	uint32_t k;

	if (e->inflight == 0)
		return 0;
	if (ops->waits != NULL)
		ops->waits(m, e, w);
	else
		for (k = 0; k < 256; k++)
			w[k] = ht_engine_wait_scaled(e, ops->wait_floor,
			    ops->wait_x);
	while (e->open_from < e->t->n) {
		p = &e->t->p[e->open_from];
		if (p->rkind == HT_R_NONE && !(p->flags & HT_P_EXPIRED))
			break;
		e->open_from++;
	}
	for (k = e->open_from; k < e->t->n; k++) {
		p = &e->t->p[k];
		if (p->rkind != HT_R_NONE || (p->flags & HT_P_EXPIRED))
			continue;
		dl = p->t_sent + w[p->ttl];
		if (now >= dl)
			give_up(e, ops, m, k, now);
		else if (next == 0 || dl < next)
			next = dl;
	}
	return next;
}

/*
 * Send the held frames (e->held, in send order): each stamped right after
 * its write (the capture's own stamp of it leaving replaces that); a
 * refused one is lost at once; a full socket keeps the rest held, in
 * order, for the next pass.  0, 1 when some are still held, -1 with err.
 */
static int
send_held(struct ht_engine *e, const struct ht_engine_ops *ops, void *m,
    char *err)
{
	uint32_t j, k, f;
	ht_ns now;
	int r;

	for (j = 0; j < e->nheld; j++) {
		f = e->held[j];
		r = e->net.ops->send(e->net.io, &e->cfg->probe.dst,
		    e->frames[f], e->frame_len[f], err);
		if (r < 0)
			return -1;
		if (r == 1) {
			e->full++;
			break;
		}
		now = e->net.ops->now(e->net.io);
		e->t->p[e->frame_probe[f]].t_sent = e->last_send = now;
		if (r == 2) {
			e->refused++;
			give_up(e, ops, m, e->frame_probe[f], now);
		}
	}
	/* what the socket put off moves to the front, in order */
	for (k = 0; j + k < e->nheld; k++)
		e->held[k] = e->held[j + k];
	e->nheld = k;
	return k > 0;
}

/*
 * Build and record what the mode asks for now, in the order asked (by
 * the fields the decoder will read back from the capture), then send it
 * in rank order.  Frames the socket put off go first, before the mode is
 * asked for more (no frame is built while one is held).  0, or -1 with
 * err.
 */
static int
send_due(struct ht_engine *e, const struct ht_engine_ops *ops, void *m,
    ht_ns now, ht_ns *wake, char *err)
{
	struct ht_send s[HT_ENGINE_BATCH];
	uint32_t room, i, j;
	struct ht_pkt pkt;
	size_t off;
	long k;
	int n, l, r;

	*wake = 0;
	if (e->nheld > 0) {
		if ((r = send_held(e, ops, m, err)) < 0)
			return -1;
		if (r > 0) {
			/* the socket is full: try again in a millisecond */
			*wake = now + 1000000;
			return 0;
		}
	}
	room = (uint32_t)e->cfg->simq > e->inflight ?
	    (uint32_t)e->cfg->simq - e->inflight : 0;
	if (room > HT_ENGINE_BATCH)
		room = HT_ENGINE_BATCH;
	n = ops->next(m, e, now, room, s, wake, err);
	if (n < 0)
		return -1;
	if ((uint32_t)n > room) {
		snprintf(err, HT_ERRBUF, "internal error: %d probes asked "
		    "for, room for %u", n, room);
		return -1;
	}
	for (i = 0; i < (uint32_t)n; i++) {
		if (s[i].flow_kind == HT_FLOW_PORT)
			ht_prober_set_port(e->pr, s[i].flow);
		else if (s[i].flow_kind == HT_FLOW_ICMP)
			ht_prober_set_icmp_flow(e->pr, s[i].flow);
		l = ht_prober_build(e->pr, e->seq, s[i].ttl, e->frames[i],
		    sizeof(e->frames[i]), &off, err, HT_ERRBUF);
		if (l < 0)
			return -1;
		if (off != 0) {
			snprintf(err, HT_ERRBUF, "internal error: probe "
			    "not an IP packet");
			return -1;
		}
		if (ht_decode(DLT_RAW, e->frames[i], (size_t)l, &pkt) !=
		    HT_PKT_PROBE) {
			snprintf(err, HT_ERRBUF, "internal error: probe not "
			    "decodable");
			return -1;
		}
		k = ht_trace_add_probe(e->t, s[i].ttl, pkt.ip.id, &pkt.l4,
		    pkt.ip.len, now);
		if (k < 0) {
			snprintf(err, HT_ERRBUF, "out of memory");
			return -1;
		}
		e->frame_probe[i] = (uint32_t)k;
		e->frame_len[i] = (size_t)l;
		e->seq++;
		e->inflight++;
		/* insertion by rank, stable */
		for (j = i; j > 0 && s[e->held[j - 1]].rank > s[i].rank; j--)
			e->held[j] = e->held[j - 1];
		e->held[j] = i;
	}
	e->nheld = (uint32_t)n;
	if ((r = send_held(e, ops, m, err)) < 0)
		return -1;
	if (r > 0)
		*wake = now + 1000000;
	return 0;
}

/*
 * A stateless mode's probes: asked for one at a time, built, sent to
 * their own destinations, each one's fate told at once (a full socket
 * ends the pass: the mode asks again for the same probe later).
 */
static int
send_stateless(struct ht_engine *e, const struct ht_engine_ops *ops,
    void *m, ht_ns *wake, char *err)
{
	struct ht_probe_desc d;
	ht_ns now;
	int i, r, l;

	*wake = 0;
	for (i = 0; i < HT_ENGINE_BATCH; i++) {
		now = e->net.ops->now(e->net.io);
		memset(&d, 0, sizeof(d));
		if ((r = ops->next_desc(m, e, now, &d, wake, err)) <= 0)
			return r;
		l = ht_probe_builder_build(e->b, &d, e->one, sizeof(e->one),
		    err, HT_ERRBUF);
		if (l < 0)
			return -1;
		r = e->net.ops->send(e->net.io, &d.dst, e->one, (size_t)l, err);
		if (r < 0)
			return -1;
		ops->sent(m, e, &d, r, now);
		if (r == 1) {
			e->full++;
			/* the socket is full: again in a little while */
			*wake = now + 100000;
			return 0;
		}
		if (r == 2)
			e->refused++;
		else {
			e->seq++;
			e->last_send = now;
		}
	}
	return 0;
}

/* Read everything the capture holds; match it; keep what is ours. */
static int
drain(struct ht_engine *e, const struct ht_engine_ops *ops, void *m,
    char *err)
{
	const uint8_t *data;
	uint32_t caplen, len;
	struct ht_pkt pkt;
	struct ht_match res;
	struct ht_probe *p;
	enum ht_mwhat w;
	ht_ns ts;
	int rc, n = 0;

	while (n++ < DRAIN_MAX && (rc = e->net.ops->next(e->net.io, &data,
	    &caplen, &len, &ts, err)) == 1) {
		if (ht_frame_decode(e->net.dlt, data, caplen, len, &pkt,
		    &e->frames_in) == HT_PKT_OTHER)
			continue;
		if (ops->packet != NULL) {
			if (ops->packet(m, e, &pkt, ts))
				e->net.ops->keep(e->net.io);
			continue;
		}
		w = ht_match_packet(&e->m, &pkt, ts, &res);
		if (w == HT_M_NONE || res.t != e->t)
			continue;
		if (w == HT_M_PROBE || w == HT_M_REPLY)
			e->net.ops->keep(e->net.io);
		if (w != HT_M_REPLY)
			continue;
		p = &e->t->p[res.probe];
		e->inflight--;
		if (p->t_reply > p->t_sent &&
		    p->t_reply - p->t_sent > e->slowest)
			e->slowest = p->t_reply - p->t_sent;
		ht_names_ask(e->names, &p->from);
		e->t_end = ts;
		if (ops->answered != NULL)
			ops->answered(m, e, res.probe);
	}
	return rc < 0 ? -1 : 0;
}

static int
start(struct ht_engine *e, const struct ht_engine_ops *ops, void *m,
    char *err)
{
	e->started = 1;
	if (e->cfg->started != NULL &&
	    e->cfg->started(e->cfg->started_arg, err) < 0)
		return -1;
	if (ops->started != NULL && ops->started(m, e, err) < 0)
		return -1;
	return 0;
}

int
ht_engine_run(const struct ht_live_cfg *cfg, const struct ht_netio *net,
    struct ht_prober *pr, struct ht_names *names, int extra_fd,
    const struct ht_engine_ops *ops, void *m, char *err)
{
	struct ht_engine e;
	const struct ht_probe_cfg *pc = &cfg->probe;
	ht_ns now, dl, wake;
	uint64_t pass;
	ht_ns timeout;
	int rc = 0, r, ready;

	memset(&e, 0, sizeof(e));
	e.cfg = cfg;
	e.net = *net;
	e.pr = pr;
	e.names = names;
	e.extra_fd = extra_fd;
	e.frames = malloc(HT_ENGINE_BATCH * sizeof(*e.frames));
	ht_matcher_init(&e.m, 0, cfg->wait);
	e.m.multiflow = ops->multiflow;
	e.sending = 1;
	if (ops->next_desc != NULL)
		e.b = ht_probe_builder_new(err, HT_ERRBUF);
	else
		e.t = ht_trace_new(&e.m, &pc->src, &pc->dst,
		    pc->method == HT_METHOD_UDP ? HT_PROTO_UDP :
		    pc->method == HT_METHOD_TCP ? HT_PROTO_TCP :
		    pc->dst.af == 6 ? HT_PROTO_ICMP6 : HT_PROTO_ICMP,
		    pc->ident);
	if ((e.t == NULL && e.b == NULL) || e.frames == NULL) {
		/* a builder that failed has said why in err */
		if (e.frames == NULL || ops->next_desc == NULL)
			snprintf(err, HT_ERRBUF, "out of memory");
		goto fail;
	}

	ht_stop_catch();
	e.t_start = e.net.ops->now(e.net.io);
	for (pass = 0; pass < PASS_MAX && !ht_stop_sig(); pass++) {
		now = e.net.ops->now(e.net.io);
		dl = ops->expire != NULL ? ops->expire(m, &e, now) :
		    expire(&e, ops, m, now);
		wake = 0;
		if (e.sending && (ops->next_desc != NULL ?
		    send_stateless(&e, ops, m, &wake, err) :
		    send_due(&e, ops, m, now, &wake, err)) < 0)
			goto fail;
		if (!e.started && e.seq > 0 && start(&e, ops, m, err) < 0)
			goto fail;
		if (e.sending && e.nheld == 0 && ops->sent_all(m, &e))
			close_send(&e);	/* no writing socket from here on */
		now = e.net.ops->now(e.net.io);
		if (ops->step != NULL) {
			if ((r = ops->step(m, &e, now, err)) < 0)
				goto fail;
			if (r > 0)
				break;
		}
		if (!e.sending && (ops->busy != NULL ? !ops->busy(m, &e) :
		    e.inflight == 0))
			break;
		timeout = HT_NS_PER_SEC;
		/*
		 * A wait ends on the next whole millisecond after its
		 * deadline, as it did when the loops polled in milliseconds:
		 * an answer that the kernel delivers a little late under load
		 * still counts.  Pacing (wake) is to the nanosecond.
		 */
		if (dl != 0)
			timeout = dl > now ? until(now, dl + 1000000 -
			    (dl - now) % 1000000, timeout) : 0;
		if (wake != 0)
			timeout = until(now, wake, timeout);
		ready = 0;
		if (e.net.ops->wait(e.net.io, timeout, e.extra_fd, &ready,
		    err) < 0)
			goto fail;
		if (drain(&e, ops, m, err) < 0)
			goto fail;
		if (ready && ops->input != NULL && ops->input(m, &e))
			break;
	}
	if (!e.started && start(&e, ops, m, err) < 0)
		goto fail;
	/* Whatever the capture already holds belongs in the -w file. */
	if (drain(&e, ops, m, err) < 0)
		goto fail;
	close_send(&e);
	rc = ops->finish(m, &e, 0, err);
	if (rc == 0 && ht_stop_sig())
		rc = ht_stop_sig();
	goto out;
fail:
	close_send(&e);
	(void)ops->finish(m, &e, -1, err);
	rc = -1;
out:
	ht_matcher_free(&e.m);
	ht_probe_builder_free(e.b);
	free(e.frames);
	return rc;
}

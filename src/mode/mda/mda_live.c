/* \summary: the live MDA driver: a poll loop that sends what the planner asks */
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
#include "io/route.h"
#include "io/stop.h"
#include "mode/mda/mda.h"
#include "mode/mda/mda_plan.h"
#include "mode/mda/mda_rule.h"
#include "wire/decode.h"

#define KMAX		64	/* nodes with more next hops use n_64 */
#define WAIT_FLOOR	(100 * 1000000ull)	/* least wait for an answer */
#define WAIT_X		10	/* times the slowest answer seen */

struct mlive {
	const struct ht_live_cfg *lc;
	struct ht_capture *cap;
	struct ht_prober *pr;
	const struct ht_outctx *o;
	struct ht_matcher m;
	struct ht_trace *t;
	uint32_t inflight;
	ht_ns last_send, slowest;
	uint8_t frame[HT_PROBE_MAX];
};

/*
 * How long a probe waits: -W, shortened to ten times the slowest answer
 * seen so far in the run, never below 100 ms.  Only unanswered probes pay
 * it; an answer ends a probe's wait at once.
 */
static ht_ns
wait_of(const struct mlive *ml)
{
	ht_ns w = ml->slowest * WAIT_X;

	if (ml->slowest == 0)
		return ml->lc->wait;
	if (w < WAIT_FLOOR)
		w = WAIT_FLOOR;
	return w < ml->lc->wait ? w : ml->lc->wait;
}

static int
send_one(struct mlive *ml, const struct ht_mda_send *s, char *err)
{
	struct ht_pkt pkt;
	size_t off;
	int l;

	ht_prober_set_port(ml->pr, (uint16_t)(ml->lc->probe.port + s->flow));
	l = ht_prober_build(ml->pr, ml->t->n, s->ttl, ml->frame,
	    sizeof(ml->frame), &off, err, HT_ERRBUF);
	if (l < 0)
		return -1;
	if (ht_decode(DLT_RAW, ml->frame + off, (size_t)l - off, &pkt) !=
	    HT_PKT_PROBE) {
		snprintf(err, HT_ERRBUF, "internal error: probe not decodable");
		return -1;
	}
	if (ht_trace_add_probe(ml->t, s->ttl, pkt.ip.id, &pkt.l4, pkt.ip.len,
	    ht_now_ns()) < 0) {
		snprintf(err, HT_ERRBUF, "out of memory");
		return -1;
	}
	if (ht_prober_write(ml->pr, ml->frame + off, (size_t)l - off, err,
	    HT_ERRBUF) < 0)
		return -1;
	ml->t->p[ml->t->n - 1].t_sent = ml->last_send = ht_now_ns();
	ml->inflight++;
	return 0;
}

static int
drain(struct mlive *ml, char *err)
{
	struct pcap_pkthdr *h;
	const u_char *data;
	struct ht_pkt pkt;
	struct ht_match res;
	struct ht_probe *p;
	enum ht_mwhat w;
	int rc, n = 0;

	while (n++ < 10000 && (rc = pcap_next_ex(ml->cap->p, &h, &data)) == 1) {
		if (ht_decode(ml->cap->dlt, data, h->caplen, &pkt) ==
		    HT_PKT_OTHER)
			continue;
		w = ht_match_packet(&ml->m, &pkt, ht_capture_ts(ml->cap, h),
		    &res);
		if (w == HT_M_NONE || res.t != ml->t)
			continue;
		if (w == HT_M_REPLY) {
			p = &ml->t->p[res.probe];
			ml->inflight--;
			if (p->t_reply > p->t_sent &&
			    p->t_reply - p->t_sent > ml->slowest)
				ml->slowest = p->t_reply - p->t_sent;
			if (ml->o->res)
				ht_resolver_ask(ml->o->res, &p->from);
		}
		if (ml->cap->dump && (w == HT_M_PROBE || w == HT_M_REPLY))
			pcap_dump((u_char *)ml->cap->dump, h, data);
	}
	if (rc == PCAP_ERROR) {
		snprintf(err, HT_ERRBUF, "capture failed: %s",
		    pcap_geterr(ml->cap->p));
		return -1;
	}
	return 0;
}

/* Expire probes whose wait is over; the next deadline, or 0. */
static ht_ns
expire(struct mlive *ml, ht_ns now)
{
	struct ht_probe *p;
	ht_ns w = wait_of(ml), dl, next = 0;
	uint32_t k;

	for (k = 0; k < ml->t->n; k++) {
		p = &ml->t->p[k];
		if (p->rkind != HT_R_NONE || (p->flags & HT_P_EXPIRED))
			continue;
		dl = p->t_sent + w;
		if (now >= dl) {
			p->flags |= HT_P_EXPIRED;
			ml->inflight--;
		} else if (next == 0 || dl < next)
			next = dl;
	}
	return next;
}

int
ht_mda_live_run(const struct ht_live_cfg *lc, const struct ht_mda_cfg *mc,
    struct ht_capture *cap, struct ht_prober *pr, const struct ht_outctx *o,
    struct ht_mda_stats *st, char *err)
{
	struct ht_mda_plan_cfg pc;
	struct ht_mda_plan plan;
	struct ht_mda_send *sends = NULL;
	struct ht_mda_graph g;
	struct mlive ml;
	struct ht_stop stop;
	struct pollfd pfd;
	uint32_t nk[KMAX + 1], room, i;
	ht_ns now, dl;
	long timeout;
	int rc = 0, n, started = 0, guard;

	memset(&ml, 0, sizeof(ml));
	memset(st, 0, sizeof(*st));
	ml.lc = lc;
	ml.cap = cap;
	ml.pr = pr;
	ml.o = o;
	if (ht_mda_table(1 - mc->confidence, KMAX, nk) < 0) {
		snprintf(err, HT_ERRBUF, "confidence %g: no stopping points",
		    mc->confidence * 100);
		ht_prober_close(pr);
		return -1;
	}
	memset(&pc, 0, sizeof(pc));
	pc.first_ttl = lc->first_ttl;
	pc.max_ttl = lc->max_ttl;
	pc.gap = lc->gap;
	pc.max_probes = mc->max_probes;
	/* ICMP: the flow is the checksum, which cannot be 0xffff */
	pc.max_flows = (lc->probe.method == HT_METHOD_ICMP ? 65535u : 65536u) -
	    lc->probe.port;
	pc.base = lc->probe.port;
	pc.nk = nk;
	pc.kmax = KMAX;
	pc.lite = mc->lite;
	/*
	 * TTL 1 is the next hop of this host's route: where the table's
	 * entry has one, one answer there is the whole first hop.
	 */
	pc.first_single = lc->first_ttl == 1 &&
	    ht_route_nexthops(&lc->probe.dst, lc->probe.dev) == 1;
	ht_mda_plan_init(&plan, &pc);
	ht_matcher_init(&ml.m, 0, lc->wait);
	ml.m.multiflow = 1;
	ml.t = ht_trace_new(&ml.m, &lc->probe.src, &lc->probe.dst,
	    lc->probe.method == HT_METHOD_UDP ? HT_PROTO_UDP :
	    lc->probe.method == HT_METHOD_TCP ? HT_PROTO_TCP :
	    lc->probe.dst.af == 6 ? HT_PROTO_ICMP6 : HT_PROTO_ICMP,
	    lc->probe.ident);
	sends = calloc((size_t)lc->simq, sizeof(*sends));
	if (ml.t == NULL || sends == NULL) {
		snprintf(err, HT_ERRBUF, "out of memory");
		ht_prober_close(pr);
		ht_matcher_free(&ml.m);
		free(sends);
		return -1;
	}

	ht_stop_catch(&stop);
	pfd.fd = cap->fd;
	pfd.events = POLLIN;
	/* every round sends, reads or expires something: bounded by probes */
	for (guard = 0; !ht_stop_sig() && guard < 64 * 1024 * 1024; guard++) {
		now = ht_now_ns();
		dl = expire(&ml, now);
		room = (uint32_t)lc->simq > ml.inflight ?
		    (uint32_t)lc->simq - ml.inflight : 0;
		if (lc->send_gap) {
			if (now < ml.last_send + lc->send_gap)
				room = 0;
			else if (room > 1)
				room = 1;
		}
		if (ml.pr != NULL) {
			if ((n = ht_mda_plan_next(&pc, &plan, ml.t, sends,
			    room)) < 0) {
				snprintf(err, HT_ERRBUF, "out of memory");
				rc = -1;
				goto out;
			}
			for (i = 0; i < (uint32_t)n; i++)
				if (send_one(&ml, &sends[i], err) < 0) {
					rc = -1;
					goto out;
				}
			if (n > 0 && !started) {
				if (lc->started != NULL &&
				    lc->started(lc->started_arg, err) < 0) {
					rc = -1;
					goto out;
				}
				started = 1;
			}
			if (plan.end != HT_MDA_RUNNING) {
				/* nothing more to send: no writing socket */
				ht_prober_close(ml.pr);
				ml.pr = NULL;
			}
		}
		if (ml.pr == NULL && ml.inflight == 0)
			break;
		timeout = 1000;
		if (dl != 0)
			timeout = dl > now ? (long)((dl - now) / 1000000) + 1 : 0;
		if (lc->send_gap && ml.pr != NULL && ml.inflight <
		    (uint32_t)lc->simq) {
			dl = ml.last_send + lc->send_gap;
			if (dl <= now)
				timeout = 0;
			else if ((long)((dl - now) / 1000000) < timeout)
				timeout = (long)((dl - now) / 1000000) + 1;
		}
		if (poll(&pfd, 1, (int)timeout) < 0 && errno != EINTR) {
			snprintf(err, HT_ERRBUF, "poll: %s", strerror(errno));
			rc = -1;
			goto out;
		}
		if (drain(&ml, err) < 0) {
			rc = -1;
			goto out;
		}
	}
	if (!started && lc->started != NULL &&
	    lc->started(lc->started_arg, err) < 0) {
		rc = -1;
		goto out;
	}
	if (drain(&ml, err) < 0) {
		rc = -1;
		goto out;
	}
	st->budget_spent = plan.end == HT_MDA_END_PROBES;
	st->probes = ml.t->n;
	if (ht_mda_graph_build(ml.t, &g) < 0) {
		snprintf(err, HT_ERRBUF, "out of memory");
		rc = -1;
		goto out;
	}
	for (i = 0; i < 256; i++)
		if (i <= ml.t->max_ttl && g.hop[i].probes > 0)
			g.why[i] = plan.why[i];
	memcpy(st->why, g.why, sizeof(st->why));	/* the -w end note */
	g.lite = (uint8_t)mc->lite;
	if (mc->json)
		ht_mda_json(o, &g);
	else if (mc->dot)
		ht_mda_dot(o, &g);
	else
		ht_mda_text(o, mc, &g);
	ht_mda_graph_free(&g);
	if (ht_stop_sig())
		rc = ht_stop_sig();
out:
	ht_prober_close(ml.pr);
	ht_stop_release(&stop);
	ht_matcher_free(&ml.m);
	free(sends);
	return rc;
}

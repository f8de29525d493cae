/* \summary: the continuous mode's model: per-hop and per-responder statistics */
#ifdef HAVE_CONFIG_H
#include <config.h>
#endif

#include <stdlib.h>
#include <string.h>

#include "mode/cont/cont_model.h"

void
ht_cont_model_reset(struct ht_cont_model *md)
{
	int i, j;

	memset(md->hop, 0, sizeof(md->hop));
	for (i = 0; i < 256; i++) {
		ht_cstat_init(&md->hop[i].st);
		for (j = 0; j < HT_CONT_RESP; j++)
			ht_cstat_init(&md->hop[i].resp[j].st);
	}
}

void
ht_cont_model_init(struct ht_cont_model *md, const struct ht_trace *t)
{
	memset(md, 0, sizeof(*md));
	md->src = t->src;
	md->dst = t->dst;
	md->proto = t->proto;
	ht_cont_model_reset(md);
}

/* The hop's entry for a responder, made on its first reply; NULL if full. */
static struct ht_cont_resp *
responder(struct ht_cont_hop *h, const struct ht_addr *a)
{
	uint8_t i;

	for (i = 0; i < h->nresp; i++)
		if (ht_addr_eq(&h->resp[i].addr, a)) {
			h->latest = i;
			return &h->resp[i];
		}
	if (h->nresp == HT_CONT_RESP)
		return NULL;
	h->resp[h->nresp].addr = *a;
	h->latest = h->nresp;
	return &h->resp[h->nresp++];
}

static void
take(struct ht_cont_model *md, const struct ht_probe *p)
{
	struct ht_cont_hop *h = &md->hop[p->ttl];
	struct ht_cont_resp *r;
	uint64_t rtt;

	if (p->rkind == HT_R_NONE) {
		ht_cstat_lost(&h->st);
		h->hist[h->nhist++ % HT_CONT_HIST] = HT_CONT_LOST;
		return;
	}
	rtt = p->t_reply > p->t_sent ? p->t_reply - p->t_sent : 0;
	h->hist[h->nhist++ % HT_CONT_HIST] = rtt / 1000 < HT_CONT_LOST ?
	    (uint32_t)(rtt / 1000) : HT_CONT_LOST - 1;
	ht_cstat_reply(&h->st, rtt);
	if ((r = responder(h, &p->from)) != NULL)
		ht_cstat_reply(&r->st, rtt);
	else
		h->others++;
}

/*
 * The last hop worth showing, as mtr shows it: the destination's (or the
 * hop that ended the trace with an error), else one past the farthest hop
 * that answered, within the TTLs probed.
 */
static uint8_t
last_shown(const struct ht_cont_model *md, const struct ht_trace *t)
{
	int ttl, last = 0;

	if (t->end_ttl)
		return t->end_ttl;
	for (ttl = t->min_ttl; ttl <= t->max_ttl; ttl++)
		if (md->hop[ttl].st.rcv > 0)
			last = ttl + 1;
	if (last == 0 || last > t->max_ttl)
		last = t->max_ttl;
	return (uint8_t)last;
}

/*
 * The trace's next probe to take, from *next on, *next moved past it:
 * one that is final (answered or expired), or at the trace's end one
 * still pending where lost_pending says to take it as lost (else it is
 * passed over).  NULL at the last probe, or at the first pending one
 * before the end: the feed goes on from there when the trace has moved.
 */
static const struct ht_probe *
next_probe(const struct ht_trace *t, uint32_t *next, int at_end,
    int lost_pending)
{
	const struct ht_probe *p;

	for (; *next < t->n; (*next)++) {
		p = &t->p[*next];
		if (p->rkind != HT_R_NONE || (p->flags & HT_P_EXPIRED) ||
		    (at_end && lost_pending)) {
			(*next)++;
			return p;
		}
		if (!at_end)
			return NULL;
	}
	return NULL;
}

static void
finish(struct ht_cont_model *md, const struct ht_trace *t)
{
	md->first_ttl = t->min_ttl;
	md->last_ttl = last_shown(md, t);
	if (md->t_first == 0)	/* a trace's first probes may be dropped */
		md->t_first = t->t_first;
	md->t_last = t->t_last;
}

void
ht_cont_feed(struct ht_cont_model *md, const struct ht_trace *t,
    int at_end, int lost_pending)
{
	const struct ht_probe *p;

	while ((p = next_probe(t, &md->next, at_end, lost_pending)) != NULL)
		take(md, p);
	finish(md, t);
	if (md->rounds < t->rounds)
		md->rounds = t->rounds;
}

int
ht_cont_set_new(struct ht_cont_set *s, uint32_t k, const struct ht_trace *t)
{
	uint32_t i;

	memset(s, 0, sizeof(*s));
	if (k < 1 || k > HT_CONT_FLOWS)
		return -1;
	for (i = 0; i < k; i++)
		if ((s->flow[i] = malloc(sizeof(*s->flow[i]))) == NULL) {
			ht_cont_set_free(s);
			return -1;
		}
	s->maxflows = k;
	ht_cont_set_init(s, t);
	return 0;
}

void
ht_cont_set_free(struct ht_cont_set *s)
{
	uint32_t i;

	for (i = 0; i < HT_CONT_FLOWS; i++) {
		free(s->flow[i]);
		s->flow[i] = NULL;
	}
	s->maxflows = s->nflows = 0;
}

void
ht_cont_set_init(struct ht_cont_set *s, const struct ht_trace *t)
{
	uint32_t i;

	for (i = 0; i < s->maxflows; i++)
		if (t != NULL)
			ht_cont_model_init(s->flow[i], t);
		else
			memset(s->flow[i], 0, sizeof(*s->flow[i]));
	s->nflows = s->maxflows == 1 ? 1 : 0;
	s->next = s->others = 0;
	memset(s->key, 0, sizeof(s->key));
}

void
ht_cont_set_reset(struct ht_cont_set *s)
{
	uint32_t i;

	for (i = 0; i < s->maxflows; i++)
		ht_cont_model_reset(s->flow[i]);
	s->others = 0;
}

/* The table of the probe's flow, made on its first probe; NULL: too many. */
static struct ht_cont_model *
flow_of(struct ht_cont_set *s, const struct ht_trace *t,
    const struct ht_probe *p)
{
	uint32_t key, i;

	if (s->maxflows == 1)
		return s->flow[0];
	key = ht_l4_flow(t->proto, &p->l4);
	for (i = 0; i < s->nflows; i++)
		if (s->key[i] == key)
			return s->flow[i];
	if (s->nflows == s->maxflows)
		return NULL;
	s->key[s->nflows] = key;
	return s->flow[s->nflows++];
}

/* A flow's rounds: the most probes it counted at one TTL. */
static uint32_t
flow_rounds(const struct ht_cont_model *md)
{
	uint32_t r = 0;
	int ttl;

	for (ttl = 1; ttl < 256; ttl++)
		if (md->hop[ttl].st.snt > r)
			r = md->hop[ttl].st.snt;
	return r;
}

void
ht_cont_set_feed(struct ht_cont_set *s, const struct ht_trace *t,
    int at_end, int lost_pending)
{
	const struct ht_probe *p;
	struct ht_cont_model *md;
	uint32_t i;

	while ((p = next_probe(t, &s->next, at_end, lost_pending)) != NULL) {
		if ((md = flow_of(s, t, p)) != NULL)
			take(md, p);
		else
			s->others++;
	}
	for (i = 0; i < s->maxflows; i++) {
		md = s->flow[i];
		finish(md, t);
		if (s->maxflows > 1)
			md->rounds = flow_rounds(md);
		else if (md->rounds < t->rounds)
			md->rounds = t->rounds;
	}
}

/* \summary: the continuous mode's model: per-hop and per-responder statistics */
#ifdef HAVE_CONFIG_H
#include <config.h>
#endif

#include <string.h>

#include "cont/cont_model.h"

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

void
ht_cont_feed(struct ht_cont_model *md, const struct ht_trace *t,
    int at_end, int lost_pending)
{
	const struct ht_probe *p;

	for (; md->next < t->n; md->next++) {
		p = &t->p[md->next];
		if (p->rkind == HT_R_NONE && !(p->flags & HT_P_EXPIRED)) {
			if (!at_end)
				break;
			if (!lost_pending)
				continue;
		}
		take(md, p);
	}
	md->first_ttl = t->min_ttl;
	md->last_ttl = last_shown(md, t);
	if (md->t_first == 0)	/* a trace's first probes may be dropped */
		md->t_first = t->t_first;
	md->t_last = t->t_last;
	if (md->rounds < t->rounds)
		md->rounds = t->rounds;
}

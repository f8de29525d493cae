/* \summary: the trace model and the matcher (pure: no sockets, no output) */
/*
 * A trace is the probes one source sends one destination with one protocol
 * and one probe identity (ICMP identifier or UDP/TCP source port).  Probes
 * are indexed by a key of the fields every reply echoes back (ICMP
 * sequence, UDP/TCP ports); candidates sharing a key, as a Paris
 * traceroute's do, are told apart by IP ID, TCP sequence and checksum.
 */
#ifdef HAVE_CONFIG_H
#include <config.h>
#endif

#include <stdlib.h>
#include <string.h>

#include "match/trace.h"

#define TAB_MIN		64
#define BUCKETS_MIN	16

static int
is_icmp(uint8_t proto)
{
	return proto == HT_PROTO_ICMP || proto == HT_PROTO_ICMP6;
}

/* An address folded into 32 bits, a word at a time. */
static uint32_t
addr_word(const struct ht_addr *a)
{
	uint32_t w[4];

	memcpy(w, a->a, sizeof(w));
	if (a->af != 6)
		return w[0];
	return w[0] ^ (w[1] * 0x9e3779b1U) ^ (w[2] * 0x85ebca77U) ^
	    (w[3] * 0xc2b2ae3dU);
}

/* Every packet hashes its flow, so a multiply-xorshift mix, not FNV. */
static uint32_t
trace_hash(const struct ht_addr *src, const struct ht_addr *dst,
    uint8_t proto, uint32_t ident)
{
	uint64_t h = ((uint64_t)addr_word(src) << 32 | addr_word(dst)) ^
	    ((uint64_t)ident << 8 | proto) * 0x9e3779b97f4a7c15ULL;

	h ^= h >> 31;
	h *= 0xbf58476d1ce4e5b9ULL;
	h ^= h >> 29;
	return (uint32_t)h;
}

static struct ht_trace *
tab_find(const struct ht_matcher *m, const struct ht_addr *src,
    const struct ht_addr *dst, uint8_t proto, uint32_t ident)
{
	struct ht_trace *t;

	if (m->ntab == 0)
		return NULL;
	t = m->tab[trace_hash(src, dst, proto, ident) & (m->ntab - 1)];
	for (; t != NULL; t = t->hnext)
		if (t->ident == ident && t->proto == proto &&
		    ht_addr_eq(&t->src, src) && ht_addr_eq(&t->dst, dst))
			return t;
	return NULL;
}

static int
tab_grow(struct ht_matcher *m)
{
	struct ht_trace **nt, *t, *next;
	size_t i, n = m->ntab ? m->ntab * 2 : TAB_MIN;
	uint32_t h;

	if ((nt = calloc(n, sizeof(*nt))) == NULL)
		return -1;
	for (i = 0; i < m->ntab; i++)
		for (t = m->tab[i]; t != NULL; t = next) {
			next = t->hnext;
			h = trace_hash(&t->src, &t->dst, t->proto, t->ident);
			t->hnext = nt[h & (n - 1)];
			nt[h & (n - 1)] = t;
		}
	free(m->tab);
	m->tab = nt;
	m->ntab = n;
	return 0;
}

static void
tab_insert(struct ht_matcher *m, struct ht_trace *t)
{
	uint32_t h = trace_hash(&t->src, &t->dst, t->proto, t->ident);

	t->hnext = m->tab[h & (m->ntab - 1)];
	m->tab[h & (m->ntab - 1)] = t;
	m->count++;
}

static void
tab_remove(struct ht_matcher *m, struct ht_trace *t)
{
	struct ht_trace **pp;
	uint32_t h = trace_hash(&t->src, &t->dst, t->proto, t->ident);

	for (pp = &m->tab[h & (m->ntab - 1)]; *pp != NULL; pp = &(*pp)->hnext)
		if (*pp == t) {
			*pp = t->hnext;
			t->hnext = NULL;
			m->count--;
			return;
		}
}

/*
 * The src/dst/proto index (replay, UDP and TCP): each bucket lists its
 * traces most recently active first, so the newest trace of one source,
 * destination and protocol is found without a walk over every trace
 * (join_varying).
 */
static uint32_t
flow_hash(const struct ht_addr *src, const struct ht_addr *dst, uint8_t proto)
{
	return trace_hash(src, dst, proto, 0);
}

static int
vtab_grow(struct ht_matcher *m)
{
	struct ht_trace **nt, *t, *next, *tail[2];
	size_t i, j, n = m->nvtab ? m->nvtab * 2 : TAB_MIN;
	int b;

	if ((nt = calloc(n, sizeof(*nt))) == NULL)
		return -1;
	/* bucket i splits into i and i + nvtab; each keeps its order */
	for (i = 0; i < m->nvtab; i++) {
		tail[0] = tail[1] = NULL;
		for (t = m->vtab[i]; t != NULL; t = next) {
			next = t->vnext;
			j = flow_hash(&t->src, &t->dst, t->proto) & (n - 1);
			b = j != i;
			t->vnext = NULL;
			t->vprev = tail[b];
			if (tail[b] != NULL)
				tail[b]->vnext = t;
			else
				nt[j] = t;
			tail[b] = t;
		}
	}
	free(m->vtab);
	m->vtab = nt;
	m->nvtab = n;
	return 0;
}

static void
vtab_unlink(struct ht_matcher *m, struct ht_trace *t)
{
	size_t i;

	if (!t->vlinked)
		return;
	if (t->vprev != NULL)
		t->vprev->vnext = t->vnext;
	else {
		i = flow_hash(&t->src, &t->dst, t->proto) & (m->nvtab - 1);
		m->vtab[i] = t->vnext;
	}
	if (t->vnext != NULL)
		t->vnext->vprev = t->vprev;
	t->vnext = t->vprev = NULL;
	t->vlinked = 0;
	m->vcount--;
}

/* Put t first in its bucket (without memory it is simply not indexed). */
static void
vtab_front(struct ht_matcher *m, struct ht_trace *t)
{
	size_t i;

	if (t->vlinked && t->vprev == NULL)
		return;
	vtab_unlink(m, t);
	if (m->vcount >= m->nvtab && vtab_grow(m) < 0)
		return;
	i = flow_hash(&t->src, &t->dst, t->proto) & (m->nvtab - 1);
	t->vprev = NULL;
	t->vnext = m->vtab[i];
	if (t->vnext != NULL)
		t->vnext->vprev = t;
	m->vtab[i] = t;
	t->vlinked = 1;
	m->vcount++;
}

/* Activity list: least recently active first. */
static void
lru_unlink(struct ht_matcher *m, struct ht_trace *t)
{
	if (t->lprev)
		t->lprev->lnext = t->lnext;
	else if (m->lhead == t)
		m->lhead = t->lnext;
	if (t->lnext)
		t->lnext->lprev = t->lprev;
	else if (m->ltail == t)
		m->ltail = t->lprev;
	t->lnext = t->lprev = NULL;
}

static void
lru_touch(struct ht_matcher *m, struct ht_trace *t, ht_ns ts)
{
	if (ts > t->t_last)
		t->t_last = ts;
	if (t->closed)
		return;
	if (m->learn && !is_icmp(t->proto))
		vtab_front(m, t);
	if (m->ltail == t)
		return;
	lru_unlink(m, t);
	t->lprev = m->ltail;
	if (m->ltail)
		m->ltail->lnext = t;
	else
		m->lhead = t;
	m->ltail = t;
}

/* Output list, by time of first probe. */
static void
order_insert(struct ht_matcher *m, struct ht_trace *t)
{
	struct ht_trace *a = m->otail;

	while (a != NULL && (a->t_first > t->t_first ||
	    (a->t_first == t->t_first && a->serial > t->serial)))
		a = a->oprev;
	t->oprev = a;
	t->onext = a ? a->onext : m->ohead;
	if (t->onext)
		t->onext->oprev = t;
	else
		m->otail = t;
	if (a)
		a->onext = t;
	else
		m->ohead = t;
	t->ordered = 1;
}

/*
 * Put t on the output list once it is a trace: probes at two TTLs or more,
 * and evidence that they are probes (HT_TTL_LOW).
 */
static void
order_maybe(struct ht_matcher *m, struct ht_trace *t)
{
	if (t->ordered || t->closed || t->min_ttl == t->max_ttl)
		return;
	if (t->nreplies == 0 && t->min_ttl > HT_TTL_LOW)
		return;
	order_insert(m, t);
}

void
ht_matcher_init(struct ht_matcher *m, int learn, ht_ns wait)
{
	memset(m, 0, sizeof(*m));
	m->learn = learn;
	m->wait = wait;
	m->stale = wait + 5 * HT_NS_PER_SEC;
	if (m->stale < HT_RUN_GAP)
		m->stale = HT_RUN_GAP;
}

void
ht_matcher_free(struct ht_matcher *m)
{
	struct ht_trace *t, *next;
	size_t i;

	for (t = m->ohead; t != NULL; t = next) {
		next = t->onext;
		ht_trace_free(m, t);
	}
	for (t = m->lhead; t != NULL; t = next) {
		next = t->lnext;
		ht_trace_free(m, t);
	}
	for (i = 0; i < m->ntab; i++)
		while (m->tab[i] != NULL)
			ht_trace_free(m, m->tab[i]);
	free(m->tab);
	free(m->vtab);
	memset(m, 0, sizeof(*m));
}

struct ht_trace *
ht_trace_new(struct ht_matcher *m, const struct ht_addr *src,
    const struct ht_addr *dst, uint8_t proto, uint32_t ident)
{
	struct ht_trace *t;

	if (m->count >= m->ntab && tab_grow(m) < 0)
		return NULL;
	if ((t = calloc(1, sizeof(*t))) == NULL)
		return NULL;
	t->src = *src;
	t->dst = *dst;
	t->proto = proto;
	t->ident = ident;
	t->serial = m->serial++;
	t->rounds = 1;
	tab_insert(m, t);
	lru_touch(m, t, 0);
	return t;
}

void
ht_trace_free(struct ht_matcher *m, struct ht_trace *t)
{
	uint32_t i;

	if (!t->closed)
		tab_remove(m, t);
	lru_unlink(m, t);
	vtab_unlink(m, t);
	if (t->ordered) {
		if (t->oprev)
			t->oprev->onext = t->onext;
		else
			m->ohead = t->onext;
		if (t->onext)
			t->onext->oprev = t->oprev;
		else
			m->otail = t->oprev;
	}
	if (t->pred)
		t->pred->succ = NULL;
	if (t->succ)
		t->succ->pred = NULL;
	for (i = 0; i < t->n; i++)
		free(t->p[i].ext);
	free(t->p);
	free(t->bucket);
	free(t);
}

/* Stop a trace taking new probes; it keeps taking replies through succ. */
static void
trace_close(struct ht_matcher *m, struct ht_trace *t)
{
	if (t->closed)
		return;
	tab_remove(m, t);
	lru_unlink(m, t);
	vtab_unlink(m, t);
	t->closed = 1;
	if (!t->ordered)
		ht_trace_free(m, t);
}

static uint32_t
probe_key(uint8_t proto, uint16_t a, uint16_t b)
{
	uint32_t h;

	if (proto == HT_PROTO_ICMP || proto == HT_PROTO_ICMP6)
		h = b;			/* sequence */
	else
		h = ((uint32_t)a << 16) | b;	/* ports */
	h ^= h >> 16;
	h *= 0x7feb352dU;
	h ^= h >> 15;
	return h;
}

/* The key of a probe's own header: ICMP id/sequence, or its ports. */
static uint32_t
l4_key(uint8_t proto, const struct ht_l4 *l4)
{
	return is_icmp(proto) ? probe_key(proto, l4->id, l4->seq) :
	    probe_key(proto, l4->sport, l4->dport);
}

static int
bucket_grow(struct ht_trace *t)
{
	uint32_t n = t->nbucket ? t->nbucket * 2 : BUCKETS_MIN, i, k;
	uint32_t *nb;
	struct ht_probe *p;

	if ((nb = calloc(n, sizeof(*nb))) == NULL)
		return -1;
	for (i = 0; i < t->n; i++) {
		p = &t->p[i];
		k = l4_key(t->proto, &p->l4) & (n - 1);
		p->hnext = nb[k];
		nb[k] = i + 1;
	}
	free(t->bucket);
	t->bucket = nb;
	t->nbucket = n;
	return 0;
}

long
ht_trace_add_probe(struct ht_trace *t, uint8_t ttl, uint32_t ipid,
    const struct ht_l4 *l4, uint16_t size, ht_ns when)
{
	struct ht_probe *p, *np;
	uint32_t k, cap;

	if (t->n == t->cap) {
		cap = t->cap ? t->cap * 2 : 8;
		if ((np = realloc(t->p, cap * sizeof(*np))) == NULL)
			return -1;
		t->p = np;
		t->cap = cap;
	}
	p = &t->p[t->n];
	memset(p, 0, sizeof(*p));
	p->ttl = ttl;
	p->ipid = ipid;
	p->l4 = *l4;
	p->size = size;
	p->t_sent = when;
	t->n++;
	if (t->n > t->nbucket * 2) {
		/* rebuilding the index links the new probe too */
		if (bucket_grow(t) < 0) {
			t->n--;
			return -1;
		}
	} else {
		k = l4_key(t->proto, l4) & (t->nbucket - 1);
		p->hnext = t->bucket[k];
		t->bucket[k] = t->n;
	}
	if (t->round_ttl[ttl >> 5] & (1u << (ttl & 31)))
		t->round_multi = 1;
	t->round_ttl[ttl >> 5] |= 1u << (ttl & 31);
	if (t->n == 1 || ttl < t->min_ttl)
		t->min_ttl = ttl;
	if (ttl > t->max_ttl)
		t->max_ttl = ttl;
	if (t->n == 1 || when < t->t_first)
		t->t_first = when;
	if (when > t->t_last)
		t->t_last = when;
	return (long)t->n - 1;
}

/*
 * Forget the first n probes (rounds: those the statistics have taken), so
 * that a run of rounds holds only the probes in progress.  The rest move
 * to the front and the index is rebuilt; a late reply to a forgotten
 * probe matches nothing.
 */
int
ht_trace_drop(struct ht_trace *t, uint32_t n)
{
	uint32_t i;

	if (n > t->n)
		n = t->n;
	for (i = 0; i < n; i++)
		free(t->p[i].ext);
	memmove(t->p, t->p + n, (t->n - n) * sizeof(*t->p));
	t->n -= n;
	free(t->bucket);
	t->bucket = NULL;
	t->nbucket = 0;
	do {
		if (bucket_grow(t) < 0)
			return -1;
	} while (t->n > t->nbucket * 2);
	return 0;
}

/* The fields a reply or quote tells us about the probe it answers. */
struct clue {
	uint16_t a, b;		/* ICMP id/seq or the probe's sport/dport */
	uint8_t have_ipid, have_cksum, have_tseq, have_ack;
	uint32_t ipid;
	uint16_t cksum;
	uint32_t tseq;		/* TCP sequence the probe carried */
};

/*
 * A bucket's chain runs from the latest probe to the earliest, so once a
 * probe is far older than any reply can be late (twice the wait and a
 * second, for captures whose clock steps back a little), so is the rest:
 * probes that share a key (Paris, rounds of one run) cost no walk.
 */
static int
chain_past(const struct ht_matcher *m, const struct ht_probe *p, ht_ns ts)
{
	return ts > p->t_sent && ts - p->t_sent > 2 * m->wait + HT_NS_PER_SEC;
}

/*
 * How well probe p fits a clue: -1 not at all, else higher is better.
 * What the reply quotes outweighs which probe is still open: a second or
 * late answer must not land on another probe of the same flow (Paris).
 * The checksum weighs less than the IP ID: a capture on the sender may
 * show a probe's UDP/TCP checksum before offload filled it in.
 */
#define FIT_OPEN	4

static int
probe_fit(const struct ht_matcher *m, const struct ht_trace *t,
    const struct ht_probe *p, const struct clue *c, ht_ns ts)
{
	int score = 0;

	if (is_icmp(t->proto)) {
		if (p->l4.id != c->a || p->l4.seq != c->b)
			return -1;
	} else if (p->l4.sport != c->a || p->l4.dport != c->b)
		return -1;
	if (p->t_sent > ts || ts - p->t_sent > m->wait)
		return -1;
	if (c->have_tseq && p->l4.tseq != c->tseq)
		return -1;
	if (c->have_ipid && c->ipid == p->ipid)
		score += 16;
	if (c->have_cksum && c->cksum == p->l4.cksum)
		score += 8;
	if (p->rkind == HT_R_NONE && !(p->flags & HT_P_EXPIRED))
		score += FIT_OPEN;
	return score;
}

/*
 * Find the probe of t a clue points at; -1 if none.
 *
 * Open probes the reply cannot tell apart (a tool whose probes differ
 * only in their TTL) are told apart by the capture's order.  Start from
 * the newest such probe sent before the reply and step back to the one
 * before it only while that one was sent no longer before than the reply
 * took after: probes sent in a burst are answered in the order they left,
 * but a tool that waits for each answer sent the newer probe only once it
 * had given up on the older one, longer ago than this reply took, and a
 * reply that late is the newer probe's (the rest of a trace with one lost
 * answer would otherwise shift one hop down).  A pause shorter than
 * GIVE_UP_MIN is a burst's pacing, not a wait given up: no tool we know
 * gives up on a probe that soon, and a paced burst's first hop may answer
 * after the next probe left.
 */
#define GIVE_UP_MIN	(50 * (HT_NS_PER_SEC / 1000))

static long
find_probe(const struct ht_matcher *m, const struct ht_trace *t,
    const struct clue *c, ht_ns ts)
{
	const struct ht_probe *p, *cur;
	uint32_t k, i;
	long best = -1;
	int score, best_score = -1, nbest = 0;

	if (t->nbucket == 0)
		return -1;
	k = probe_key(t->proto, c->a, c->b) & (t->nbucket - 1);
	for (i = t->bucket[k]; i != 0; i = p->hnext) {
		p = &t->p[i - 1];
		if (chain_past(m, p, ts))
			break;
		if ((score = probe_fit(m, t, p, c, ts)) < 0)
			continue;
		/* ties: the earliest probe (chains run latest first) */
		if (score > best_score)
			nbest = 0;
		if (score >= best_score) {
			best_score = score;
			best = (long)(i - 1);
			nbest++;
		}
	}
	if (nbest < 2 || !(best_score & FIT_OPEN))
		return best;
	cur = NULL;
	for (i = t->bucket[k]; i != 0; i = p->hnext) {
		p = &t->p[i - 1];
		if (chain_past(m, p, ts))
			break;
		if (probe_fit(m, t, p, c, ts) != best_score)
			continue;
		if (cur != NULL && cur->t_sent > p->t_sent &&
		    cur->t_sent - p->t_sent >= GIVE_UP_MIN &&
		    cur->t_sent - p->t_sent > ts - cur->t_sent)
			break;
		cur = p;
		best = (long)(i - 1);
	}
	return best;
}

static struct ht_trace *
find_trace(const struct ht_matcher *m, const struct ht_addr *src,
    const struct ht_addr *dst, uint8_t proto, uint32_t ident)
{
	struct ht_trace *t = tab_find(m, src, dst, proto, ident);

	if (t == NULL && !is_icmp(proto))
		t = tab_find(m, src, dst, proto, HT_IDENT_ANY);
	return t;
}

int
ht_probe_final(const struct ht_trace *t, const struct ht_probe *p)
{
	switch (p->rkind) {
	case HT_R_ECHO:
	case HT_R_TCP:
		return 1;
	case HT_R_UNREACH:
		return 1;	/* port unreachable from dst, or !H !N ... */
	default:
		(void)t;
		return 0;
	}
}

int
ht_trace_hop_answered(const struct ht_trace *t, uint8_t ttl)
{
	uint32_t i;

	for (i = 0; i < t->n; i++)
		if (t->p[i].ttl == ttl && t->p[i].rkind != HT_R_NONE)
			return 1;
	return 0;
}

uint8_t
ht_trace_last_ttl(const struct ht_trace *t)
{
	return t->end_ttl ? t->end_ttl : t->max_ttl;
}

static void
record_reply(struct ht_matcher *m, struct ht_trace *t, struct ht_probe *p,
    const struct ht_pkt *pkt, enum ht_rkind rk, ht_ns ts)
{
	p->rkind = (uint8_t)rk;
	p->rtype = rk == HT_R_TCP ? 0 : pkt->l4.type;
	p->t_reply = ts;
	p->from = pkt->ip.src;
	p->rttl = pkt->ip.ttl;
	p->rsize = pkt->ip.len;
	if (rk == HT_R_TIMEX || rk == HT_R_UNREACH) {
		p->rcode = pkt->l4.code;
		p->qttl = pkt->qip.ttl;
		if (pkt->ext.present &&
		    (p->ext = malloc(sizeof(*p->ext))) != NULL)
			*p->ext = pkt->ext;
	} else if (rk == HT_R_TCP)
		p->tflags = pkt->l4.tflags;
	t->nreplies++;
	m->n_replies++;
	if (ht_probe_final(t, p) && (t->end_ttl == 0 || p->ttl < t->end_ttl)) {
		t->end_ttl = p->ttl;
		t->dest_reached = ht_addr_eq(&p->from, &t->dst);
	}
	lru_touch(m, t, ts);
	if (m->learn)
		order_maybe(m, t);
}

/* Match a reply described by a clue to trace t or the one it replaced. */
static enum ht_mwhat
match_reply(struct ht_matcher *m, struct ht_trace *t, const struct clue *c,
    const struct ht_pkt *pkt, enum ht_rkind rk, ht_ns ts,
    struct ht_match *res)
{
	struct ht_probe *p;
	long i;
	int hops;

	for (hops = 0; t != NULL && hops < 2; t = t->pred, hops++) {
		if ((i = find_probe(m, t, c, ts)) < 0)
			continue;
		p = &t->p[i];
		res->t = t;
		res->probe = (uint32_t)i;
		if (p->rkind != HT_R_NONE || (p->flags & HT_P_EXPIRED)) {
			if (p->ndup < 255)
				p->ndup++;
			m->n_dups++;
			return res->what = HT_M_DUP;
		}
		record_reply(m, t, p, pkt, rk, ts);
		return res->what = HT_M_REPLY;
	}
	m->n_unmatched++;
	return HT_M_NONE;
}

/*
 * The counter a tool advances probe by probe through a whole run, rounds
 * included: the ICMP sequence (mtr, Windows tracert, traceroute -I), the
 * UDP destination port (mtr -u, traceroute).  A new run starts it again
 * (traceroute) or has a new identity anyway (a new process).  TCP tools
 * have none that tells a run from the next, so -1.
 */
static long
run_counter(uint8_t proto, const struct ht_l4 *l4)
{
	if (is_icmp(proto))
		return l4->seq;
	if (proto == HT_PROTO_UDP)
		return l4->dport;
	return -1;
}

/* Does b come after a, counting modulo 2^16 (RFC 1982)? */
static int
counts_on(uint16_t a, uint16_t b)
{
	uint16_t d = (uint16_t)(b - a);

	return d != 0 && d < 0x8000;
}

enum run_step { RUN_SAME, RUN_ROUND, RUN_NEW };

/*
 * Does this probe continue trace t, begin its next round, or begin a new
 * trace of the same identity?  A new trace when the flow was silent longer
 * than a run pauses (m->stale), or when the TTL goes back to where the
 * trace began: a new run.  But mtr goes back to its first TTL every round
 * of one run, one probe per TTL, its sequence counting on: that is a new
 * round of the same trace.  A flow that never left its first TTL (a ping)
 * is no trace; it starts afresh every HT_FLOW_MAX probes.
 */
static enum run_step
run_step(const struct ht_matcher *m, const struct ht_trace *t,
    const struct ht_pkt *pkt, ht_ns ts)
{
	const struct ht_probe *last;
	long a, b;

	if (t->n == 0)
		return RUN_SAME;
	if (ts > t->t_last + m->stale)
		return RUN_NEW;
	if (m->multiflow)
		return RUN_SAME;	/* MDA probes earlier hops again, by design */
	if (t->max_ttl == t->min_ttl)
		return t->n >= HT_FLOW_MAX ? RUN_NEW : RUN_SAME;
	if (pkt->ip.ttl > t->min_ttl)
		return RUN_SAME;
	last = &t->p[t->n - 1];
	a = run_counter(t->proto, &last->l4);
	b = run_counter(t->proto, &pkt->l4);
	if (!t->round_multi && a >= 0 && b >= 0 &&
	    counts_on((uint16_t)a, (uint16_t)b))
		return RUN_ROUND;
	return RUN_NEW;
}

/*
 * A tracer that opens a socket per probe (Linux traceroute -U and -T)
 * changes the source port every time; its UDP destination port climbs by
 * one, its TCP destination port stays.  Such a probe joins the trace of the
 * same source, destination and protocol that was active within a second,
 * whose last probe it follows (same or higher TTL); that trace's identity
 * becomes "any source port".
 */
static struct ht_trace *
join_varying(struct ht_matcher *m, const struct ht_pkt *pkt, ht_ns ts)
{
	const struct ht_l4 *l4 = &pkt->l4;
	const struct ht_probe *last;
	struct ht_trace *t;
	uint16_t want;
	uint32_t h;

	if (m->nvtab == 0)
		return NULL;
	h = flow_hash(&pkt->ip.src, &pkt->ip.dst, pkt->ip.proto);
	for (t = m->vtab[h & (m->nvtab - 1)]; t != NULL; t = t->vnext) {
		if (t->proto != pkt->ip.proto || t->n == 0 ||
		    !ht_addr_eq(&t->src, &pkt->ip.src) ||
		    !ht_addr_eq(&t->dst, &pkt->ip.dst))
			continue;
		/* the latest trace of this flow decides */
		if (ts > t->t_last + HT_NS_PER_SEC)
			return NULL;
		last = &t->p[t->n - 1];
		want = pkt->ip.proto == HT_PROTO_UDP ?
		    (uint16_t)(last->l4.dport + 1) : last->l4.dport;
		if (last->l4.sport == l4->sport || l4->dport != want ||
		    pkt->ip.ttl < last->ttl)
			return NULL;
		if (t->ident != HT_IDENT_ANY) {
			tab_remove(m, t);
			t->ident = HT_IDENT_ANY;
			tab_insert(m, t);
		}
		return t;
	}
	return NULL;
}

/*
 * Fragmented probes (RFC 791, RFC 8200 section 4.5): the size of a probe
 * is its whole datagram's, which only its last fragment tells (a quote
 * shows the first fragment, 1500 bytes of a 2000-byte probe).  A probe
 * whose first fragment says more follow leaves a note in a short ring;
 * each later fragment of the same source, destination, protocol and
 * identification within the wait raises the probe's size to the end of
 * its own bytes.  A later fragment seen first (a sender that sends the
 * last fragment first) waits in the same ring for its first.  Fragments
 * follow one another within microseconds: a short ring is enough.
 */
#define FRAG_PENDING	0xffffffffu	/* a later fragment, no probe yet */

static struct ht_fragref *
frag_find(struct ht_matcher *m, const struct ht_ip *ip, ht_ns ts, int pending)
{
	struct ht_fragref *f;
	unsigned i, n = m->nfrag < HT_FRAG_REFS ? m->nfrag : HT_FRAG_REFS;
	ht_ns d;

	for (i = 0; i < n; i++) {
		f = &m->frag[(m->nfrag - 1 - i) % HT_FRAG_REFS];
		d = ts > f->ts ? ts - f->ts : f->ts - ts;
		if ((f->probe == FRAG_PENDING) != pending ||
		    f->fid != ip->fid || f->proto != ip->proto ||
		    d > m->wait || !ht_addr_eq(&f->src, &ip->src) ||
		    !ht_addr_eq(&f->dst, &ip->dst))
			continue;
		return f;
	}
	return NULL;
}

static void
frag_note(struct ht_matcher *m, struct ht_trace *t, uint32_t probe,
    const struct ht_pkt *pkt, ht_ns ts)
{
	struct ht_fragref *f;

	if (!pkt->ip.frag || !pkt->ip.mf || pkt->ip.foff != 0)
		return;
	while ((f = frag_find(m, &pkt->ip, ts, 1)) != NULL) {
		if (f->whole > t->p[probe].size)
			t->p[probe].size = f->whole;
		f->ts = 0;		/* taken */
	}
	f = &m->frag[m->nfrag++ % HT_FRAG_REFS];
	f->src = t->src;
	f->dst = t->dst;
	f->serial = t->serial;
	f->ts = ts;
	f->fid = pkt->ip.fid;
	f->ident = t->ident;
	f->probe = probe;
	f->proto = t->proto;
	f->ttl = pkt->ip.ttl;
	f->whole = 0;
}

static enum ht_mwhat
match_fragment(struct ht_matcher *m, const struct ht_pkt *pkt, ht_ns ts)
{
	struct ht_fragref *f;
	struct ht_trace *t;
	struct ht_probe *p;

	if ((f = frag_find(m, &pkt->ip, ts, 0)) == NULL) {
		f = &m->frag[m->nfrag++ % HT_FRAG_REFS];
		memset(f, 0, sizeof(*f));
		f->src = pkt->ip.src;
		f->dst = pkt->ip.dst;
		f->ts = ts;
		f->fid = pkt->ip.fid;
		f->probe = FRAG_PENDING;
		f->proto = pkt->ip.proto;
		f->whole = pkt->ip.whole;
		return HT_M_NONE;
	}
	t = find_trace(m, &f->src, &f->dst, f->proto, f->ident);
	if (t == NULL || t->serial != f->serial || f->probe >= t->n)
		return HT_M_NONE;
	p = &t->p[f->probe];
	if (p->ttl == f->ttl && pkt->ip.whole > p->size)
		p->size = pkt->ip.whole;
	return HT_M_NONE;
}

static enum ht_mwhat
match_probe(struct ht_matcher *m, const struct ht_pkt *pkt, ht_ns ts,
    struct ht_match *res)
{
	const struct ht_l4 *l4 = &pkt->l4;
	uint32_t ident = is_icmp(pkt->ip.proto) ? l4->id : l4->sport;
	struct ht_trace *t, *old;
	struct ht_probe *p;
	enum run_step step;
	uint32_t k, i;
	long idx;

	if (is_icmp(pkt->ip.proto) && l4->type != HT_ICMP_ECHO &&
	    l4->type != HT_ICMP6_ECHO)
		return HT_M_NONE;
	t = find_trace(m, &pkt->ip.src, &pkt->ip.dst, pkt->ip.proto, ident);
	if (t != NULL && t->nbucket != 0) {
		/* Seen before?  Live: our own probe leaving.  Replay: a copy. */
		k = l4_key(t->proto, l4) & (t->nbucket - 1);
		for (i = t->bucket[k]; i != 0; i = p->hnext) {
			p = &t->p[i - 1];
			if (chain_past(m, p, ts))
				break;
			if (p->ipid != pkt->ip.id || p->ttl != pkt->ip.ttl ||
			    memcmp(&p->l4, l4, sizeof(*l4)) != 0)
				continue;
			if (p->flags & HT_P_SEEN) {
				/* the same frame twice (lo on "any"): drop */
				if (ts - p->t_sent < HT_NS_PER_SEC / 1000 ||
				    p->t_sent - ts < HT_NS_PER_SEC / 1000)
					return HT_M_NONE;
				continue;	/* a tool sent it again */
			}
			p->flags |= HT_P_SEEN;
			p->t_sent = ts;
			if (i == 1)
				t->t_first = ts;
			frag_note(m, t, i - 1, pkt, ts);
			res->t = t;
			res->probe = i - 1;
			return res->what = HT_M_PROBE;
		}
	}
	if (!m->learn)
		return HT_M_NONE;
	step = t != NULL ? run_step(m, t, pkt, ts) : RUN_SAME;
	if (step == RUN_ROUND) {
		t->rounds++;
		memset(t->round_ttl, 0, sizeof(t->round_ttl));
		t->round_multi = 0;
	} else if (step == RUN_NEW) {
		old = t;
		t = NULL;
		if (!old->ordered) {
			trace_close(m, old);	/* frees it */
			old = NULL;
		} else
			trace_close(m, old);
		if ((t = ht_trace_new(m, &pkt->ip.src, &pkt->ip.dst,
		    pkt->ip.proto, ident)) == NULL)
			return HT_M_NONE;
		if (old != NULL) {
			t->pred = old;
			old->succ = t;
			if (old->ident == HT_IDENT_ANY) {
				tab_remove(m, t);
				t->ident = HT_IDENT_ANY;
				tab_insert(m, t);
			}
		}
	}
	if (t == NULL && !is_icmp(pkt->ip.proto))
		t = join_varying(m, pkt, ts);
	if (t == NULL && (t = ht_trace_new(m, &pkt->ip.src, &pkt->ip.dst,
	    pkt->ip.proto, ident)) == NULL)
		return HT_M_NONE;
	if ((idx = ht_trace_add_probe(t, pkt->ip.ttl, pkt->ip.id, l4,
	    pkt->ip.len, ts)) < 0)
		return HT_M_NONE;
	t->p[idx].flags |= HT_P_SEEN;
	frag_note(m, t, (uint32_t)idx, pkt, ts);
	lru_touch(m, t, ts);
	order_maybe(m, t);
	m->n_probes++;
	res->t = t;
	res->probe = (uint32_t)idx;
	return res->what = HT_M_PROBE;
}

enum ht_mwhat
ht_match_packet(struct ht_matcher *m, const struct ht_pkt *pkt, ht_ns ts,
    struct ht_match *res)
{
	struct ht_trace *t;
	struct clue c;
	enum ht_rkind rk;

	memset(res, 0, sizeof(*res));
	memset(&c, 0, sizeof(c));
	switch (pkt->kind) {
	case HT_PKT_PROBE:
		return match_probe(m, pkt, ts, res);
	case HT_PKT_FRAGMENT:
		return match_fragment(m, pkt, ts);
	case HT_PKT_ERROR:
		/* The error goes back to the probe's source. */
		if (!ht_addr_eq(&pkt->ip.dst, &pkt->qip.src))
			return HT_M_NONE;
		if (pkt->qip.proto == HT_PROTO_ICMP ||
		    pkt->qip.proto == HT_PROTO_ICMP6) {
			if (pkt->ql4.have < 8 || (pkt->ql4.type != HT_ICMP_ECHO &&
			    pkt->ql4.type != HT_ICMP6_ECHO))
				return HT_M_NONE;
			c.a = pkt->ql4.id;
			c.b = pkt->ql4.seq;
			t = find_trace(m, &pkt->qip.src, &pkt->qip.dst,
			    pkt->qip.proto, c.a);
		} else {
			if (pkt->ql4.have < 4)
				return HT_M_NONE;
			c.a = pkt->ql4.sport;
			c.b = pkt->ql4.dport;
			t = find_trace(m, &pkt->qip.src, &pkt->qip.dst,
			    pkt->qip.proto, c.a);
		}
		if (t == NULL)
			return HT_M_NONE;
		c.have_ipid = pkt->qip.src.af == 4;
		c.ipid = pkt->qip.id;
		if (pkt->ql4.have >= 8) {
			if (pkt->qip.proto == HT_PROTO_TCP) {
				c.have_tseq = 1;
				c.tseq = pkt->ql4.tseq;
			} else {
				c.have_cksum = 1;
				c.cksum = pkt->ql4.cksum;
			}
		}
		if (pkt->ip.src.af == 4)
			rk = pkt->l4.type == HT_ICMP_TIMXCEED ? HT_R_TIMEX :
			    HT_R_UNREACH;
		else
			rk = pkt->l4.type == HT_ICMP6_TIMXCEED ? HT_R_TIMEX :
			    HT_R_UNREACH;
		return match_reply(m, t, &c, pkt, rk, ts, res);
	case HT_PKT_ECHOREPLY:
		c.a = pkt->l4.id;
		c.b = pkt->l4.seq;
		t = find_trace(m, &pkt->ip.dst, &pkt->ip.src,
		    pkt->ip.src.af == 4 ? HT_PROTO_ICMP : HT_PROTO_ICMP6, c.a);
		if (t == NULL)
			return HT_M_NONE;
		return match_reply(m, t, &c, pkt, HT_R_ECHO, ts, res);
	case HT_PKT_TCPREPLY:
		c.a = pkt->l4.dport;
		c.b = pkt->l4.sport;
		t = find_trace(m, &pkt->ip.dst, &pkt->ip.src, HT_PROTO_TCP,
		    c.a);
		if (t == NULL)
			return HT_M_NONE;
		if (pkt->l4.tflags & HT_TH_ACK) {
			c.have_tseq = 1;
			c.tseq = pkt->l4.tack - 1;
		}
		return match_reply(m, t, &c, pkt, HT_R_TCP, ts, res);
	default:
		return HT_M_NONE;
	}
}

void
ht_matcher_expire(struct ht_matcher *m, ht_ns now)
{
	struct ht_trace *t;

	while ((t = m->lhead) != NULL && t->t_last + m->stale < now)
		trace_close(m, t);
}

struct ht_trace *
ht_matcher_ready(struct ht_matcher *m, int at_eof)
{
	struct ht_trace *t = m->ohead;

	if (t == NULL)
		return NULL;
	if (at_eof && !t->closed)
		trace_close(m, t);
	return t->closed ? t : NULL;
}

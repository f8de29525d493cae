/* \summary: a scan's per-target record of hops, for Atlas JSON (-j) */
/*
 * Targets are records in one growing array, found by a chained hash of
 * (target, identifier); a record's probes are a small array of its own
 * (a scan sends one probe a TTL, 32 TTLs at most; a capture of several
 * runs may hold more, up to HOPS_MAX).  A trace written is forgotten: its
 * record goes on a free list for the next target.  Rendering builds the
 * single trace's model (trace.h) on the stack for ht_json_trace(), so a
 * target's line has the very form of a single trace's.
 */
#ifdef HAVE_CONFIG_H
#include <config.h>
#endif

#include <stdlib.h>
#include <string.h>

#include "mode/scan/scan_book.h"
#include "out/output.h"

#define HOPS_MAX	255
#define NIL		0xffffffffu

struct bhop {
	struct ht_addr from;
	uint8_t ttl, kind, code, rttl, qttl, tflags, ndup;
	uint16_t rsize;
	uint32_t rtt_us;
};

struct brec {
	struct ht_addr target, src;
	uint16_t ident, size;
	uint8_t proto, n, cap, used;
	uint32_t next;		/* hash chain, or the free list */
	uint64_t serial;
	ht_ns t_first, t_last;
	struct bhop *h;
};

struct ht_scan_book {
	struct brec *r;
	uint32_t nr, capr, free;
	uint32_t *bucket;
	uint32_t nbucket;	/* a power of two */
	uint64_t count, serial;
	struct ht_probe p[HOPS_MAX];	/* rendering */
};

static uint32_t
hash_of(const struct ht_scan_book *b, const struct ht_addr *t, uint16_t ident)
{
	return ht_addr_hash(t, 0x51ed27u ^ ident) & (b->nbucket - 1);
}

struct ht_scan_book *
ht_scan_book_new(void)
{
	struct ht_scan_book *b = calloc(1, sizeof(*b));

	if (b == NULL)
		return NULL;
	b->nbucket = 1024;
	b->free = NIL;
	if ((b->bucket = malloc(b->nbucket * sizeof(*b->bucket))) == NULL) {
		free(b);
		return NULL;
	}
	memset(b->bucket, 0xff, b->nbucket * sizeof(*b->bucket));
	return b;
}

void
ht_scan_book_free(struct ht_scan_book *b)
{
	uint32_t i;

	if (b == NULL)
		return;
	for (i = 0; i < b->nr; i++)
		free(b->r[i].h);
	free(b->r);
	free(b->bucket);
	free(b);
}

uint64_t
ht_scan_book_count(const struct ht_scan_book *b)
{
	return b->count;
}

/* Double the buckets when they hold two records each: 0, -1 no memory. */
static int
grow_buckets(struct ht_scan_book *b)
{
	uint32_t *nb, i, n = b->nbucket * 2, h;

	if ((nb = malloc(n * sizeof(*nb))) == NULL)
		return -1;
	memset(nb, 0xff, n * sizeof(*nb));
	free(b->bucket);
	b->bucket = nb;
	b->nbucket = n;
	for (i = 0; i < b->nr; i++) {
		if (!b->r[i].used)
			continue;
		h = hash_of(b, &b->r[i].target, b->r[i].ident);
		b->r[i].next = b->bucket[h];
		b->bucket[h] = i;
	}
	return 0;
}

static struct brec *
find(const struct ht_scan_book *b, const struct ht_addr *t, uint16_t ident,
    uint32_t *at)
{
	uint32_t i, guard = 0;

	for (i = b->bucket[hash_of(b, t, ident)]; i != NIL &&
	    guard++ <= b->nr; i = b->r[i].next)
		if (b->r[i].ident == ident && ht_addr_eq(&b->r[i].target, t)) {
			if (at != NULL)
				*at = i;
			return &b->r[i];
		}
	return NULL;
}

/* The record of the row's target, made if new; NULL no memory. */
static struct brec *
record(struct ht_scan_book *b, const struct ht_scan_row *r)
{
	struct brec *x, *nr;
	uint32_t i, h, cap;

	if ((x = find(b, &r->target, r->ident, NULL)) != NULL)
		return x;
	if (b->count >= (uint64_t)b->nbucket * 2 && b->nbucket < (1u << 30) &&
	    grow_buckets(b) < 0)
		return NULL;
	if (b->free != NIL) {
		i = b->free;
		b->free = b->r[i].next;
	} else {
		if (b->nr == b->capr) {
			cap = b->capr ? b->capr * 2 : 1024;
			if (cap <= b->capr || (nr = realloc(b->r,
			    (size_t)cap * sizeof(*nr))) == NULL)
				return NULL;
			b->r = nr;
			b->capr = cap;
		}
		i = b->nr++;
		b->r[i].h = NULL;
		b->r[i].cap = 0;
	}
	x = &b->r[i];
	x->target = r->target;
	x->src = r->src;
	x->ident = r->ident;
	x->proto = r->proto;
	x->size = 0;
	x->n = 0;
	x->used = 1;
	x->serial = b->serial++;
	x->t_first = x->t_last = r->ts;
	h = hash_of(b, &r->target, r->ident);
	x->next = b->bucket[h];
	b->bucket[h] = i;
	b->count++;
	return x;
}

/* A new probe entry at ttl; NULL when full or out of memory. */
static struct bhop *
add_hop(struct brec *x, uint8_t ttl)
{
	struct bhop *nh;
	unsigned int cap;

	if (x->n >= HOPS_MAX)
		return NULL;
	if (x->n == x->cap) {
		cap = x->cap ? x->cap * 2u : 16u;
		if (cap > HOPS_MAX)
			cap = HOPS_MAX;
		if ((nh = realloc(x->h, cap * sizeof(*nh))) == NULL)
			return NULL;
		x->h = nh;
		x->cap = (uint8_t)cap;
	}
	nh = &x->h[x->n++];
	memset(nh, 0, sizeof(*nh));
	nh->ttl = ttl;
	return nh;
}

int
ht_scan_book_probe(struct ht_scan_book *b, const struct ht_scan_row *r)
{
	struct brec *x;

	if ((x = record(b, r)) == NULL)
		return -1;
	if (x->size == 0)
		x->size = r->rsize;
	if (r->ts > x->t_last)
		x->t_last = r->ts;
	if (r->ts < x->t_first)
		x->t_first = r->ts;
	return add_hop(x, r->ttl) == NULL && x->n < HOPS_MAX ? -1 : 0;
}

int
ht_scan_book_reply(struct ht_scan_book *b, const struct ht_scan_row *r)
{
	struct brec *x;
	struct bhop *h = NULL, *dup = NULL;
	unsigned int i;

	if ((x = record(b, r)) == NULL)
		return -1;
	for (i = 0; i < x->n && h == NULL; i++)
		if (x->h[i].ttl == r->ttl) {
			if (x->h[i].kind == HT_R_NONE)
				h = &x->h[i];
			else if (dup == NULL)
				dup = &x->h[i];
		}
	if (h == NULL && dup != NULL) {
		if (dup->ndup < 255)
			dup->ndup++;
		return 0;
	}
	if (h == NULL) {
		/* its probe is not in the capture: it was sent all the same */
		if ((h = add_hop(x, r->ttl)) == NULL)
			return x->n < HOPS_MAX ? -1 : 0;
		if (r->ts - r->rtt < x->t_first)
			x->t_first = r->ts - r->rtt;
	}
	h->from = r->from;
	h->kind = r->kind;
	h->code = r->code;
	h->rttl = r->rttl;
	h->qttl = r->qttl;
	h->tflags = r->tflags;
	h->rsize = r->rsize;
	h->rtt_us = (uint32_t)(r->rtt / 1000);
	if (r->ts > x->t_last)
		x->t_last = r->ts;
	return 0;
}

/* Render record x (the single trace's model, output_json.c) to fp. */
static int
render(struct ht_scan_book *b, const struct brec *x, FILE *fp)
{
	struct ht_trace t;
	struct ht_outctx o;
	struct ht_scan_row rr;
	const struct bhop *h;
	struct ht_probe *p;
	unsigned int i;
	uint8_t last = 0;

	memset(&t, 0, sizeof(t));
	t.src = x->src;
	t.dst = x->target;
	t.proto = x->proto;
	t.ident = x->ident;
	t.t_first = x->t_first;
	t.rounds = 1;
	t.min_ttl = 255;
	t.p = b->p;
	for (i = 0; i < x->n; i++) {
		h = &x->h[i];
		p = &b->p[i];
		memset(p, 0, sizeof(*p));
		p->ttl = h->ttl;
		p->size = x->size;
		p->rkind = h->kind;
		p->rcode = h->code;
		p->rttl = h->rttl;
		p->qttl = h->qttl;
		p->tflags = h->tflags;
		p->ndup = h->ndup;
		p->rsize = h->rsize;
		p->from = h->from;
		p->t_reply = (ht_ns)h->rtt_us * 1000;
		if (h->ttl < t.min_ttl)
			t.min_ttl = h->ttl;
		if (h->ttl > t.max_ttl)
			t.max_ttl = h->ttl;
		if (h->kind == HT_R_NONE)
			continue;
		rr.from = h->from;
		rr.target = x->target;
		rr.kind = h->kind;
		rr.proto = x->proto;
		rr.code = h->code;
		if (ht_scan_row_reached(&rr) && (t.end_ttl == 0 ||
		    h->ttl < t.end_ttl)) {
			t.end_ttl = h->ttl;
			t.dest_reached = 1;
		}
	}
	t.n = x->n;
	last = t.end_ttl != 0 ? t.end_ttl : t.max_ttl;
	memset(&o, 0, sizeof(o));
	o.fp = fp;
	o.max_hops = t.max_ttl;
	o.queries = 1;
	o.first_ttl = t.min_ttl;
	/* UDP and TCP keep a target's ports: a Paris flow */
	o.paris = x->proto == HT_PROTO_UDP || x->proto == HT_PROTO_TCP;
	return ht_json_trace(&o, &t, last, x->t_last);
}

/* Forget record i. */
static void
forget(struct ht_scan_book *b, uint32_t i)
{
	struct brec *x = &b->r[i];
	uint32_t *pp, guard = 0;

	pp = &b->bucket[hash_of(b, &x->target, x->ident)];
	while (*pp != NIL && *pp != i && guard++ <= b->nr)
		pp = &b->r[*pp].next;
	if (*pp == i)
		*pp = x->next;
	x->used = 0;
	x->n = 0;
	x->next = b->free;
	b->free = i;
	b->count--;
}

int
ht_scan_book_emit(struct ht_scan_book *b, const struct ht_addr *target,
    uint16_t ident, FILE *fp)
{
	struct brec *x;
	uint32_t i;
	int rc;

	if ((x = find(b, target, ident, &i)) == NULL)
		return 0;
	rc = render(b, x, fp);
	forget(b, i);
	return rc < 0 ? -1 : 1;
}

static int
by_serial(const void *a, const void *c)
{
	const struct brec *x = a, *y = c;

	return x->serial < y->serial ? -1 : x->serial > y->serial;
}

int
ht_scan_book_emit_all(struct ht_scan_book *b, FILE *fp)
{
	uint32_t i;
	int rc = 0;

	/* the free list goes: every record left is written, then all go */
	qsort(b->r, b->nr, sizeof(*b->r), by_serial);
	for (i = 0; i < b->nr; i++)
		if (b->r[i].used && render(b, &b->r[i], fp) < 0)
			rc = -1;
	for (i = 0; i < b->nr; i++)
		free(b->r[i].h);
	b->nr = 0;
	b->count = 0;
	b->free = NIL;
	memset(b->bucket, 0xff, b->nbucket * sizeof(*b->bucket));
	return rc;
}

/* \summary: the live scan driver: a permutation, a rate, no per-probe state */
/*
 * Every (target, TTL) pair is taken once, in the order of a keyed
 * permutation of their numbers (pair j = target j / T at TTL first + j % T,
 * T the TTLs probed).  Probes leave at --rate, evenly: probe k is due
 * k / rate seconds after the first, and each wake-up sends what is due
 * (at most the engine's HT_ENGINE_BATCH).  A reply is matched from its
 * own fields (scan_match.c).
 *
 * What is kept per target (struct tstate, 12 bytes): the TTLs that got an
 * answer, the TTLs known silent (no answer within the wait), the lowest
 * TTL at which the target itself answered, and the pairs taken.  Two stop
 * rules use it when a pair's turn comes:
 *   - reached: the target answered at a lower TTL; a probe beyond it would
 *     reach the target again;
 *   - gap (--gap N): the N TTLs above the highest that answered below this
 *     one are all silent.
 * A pair skipped so is not sent.  To know a TTL silent without a table of
 * probes, the probes in their wait sit in a ring in send order (target,
 * TTL, time: 16 bytes each, at most rate x wait of them); one whose wait
 * is over leaves it and marks its TTL silent unless it was answered.  The
 * wait is -W, shortened to ten times the slowest answer seen (never below
 * 100 ms); the run ends when every pair is taken and the ring is empty.
 * A full ring holds the sending back, so memory stays bounded.
 */
#ifdef HAVE_CONFIG_H
#include <config.h>
#endif

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "engine/engine.h"
#include "io/stop.h"
#include "mode/scan/scan.h"
#include "mode/scan/scan_perm.h"
#include "mode/scan/scan_probe.h"
#include "wire/decode.h"

#define WAIT_FLOOR	(100 * 1000000ull)
#define WAIT_X		10
#define RING_MAX	(1u << 22)

struct tstate {
	uint32_t ans;		/* bit ttl - first: answered */
	uint32_t sil;		/* bit ttl - first: silent */
	uint8_t reach;		/* lowest TTL the target answered at, 0 none */
	uint8_t taken;		/* pairs taken (sent or skipped) */
	uint8_t inwait;		/* probes in their wait */
	uint8_t stop;		/* --stop-set: TTLs below it are skipped */
};

/*
 * The stop set (--stop-set): every responder seen but a target itself,
 * with the target it was first seen for; open addressing, grown at half
 * full, at most STOP_MAX.
 */
#define STOP_MAX	(1u << 24)

struct stopent {
	struct ht_addr a;	/* af 0: empty */
	uint32_t tgt;
};

struct stopset {
	struct stopent *e;
	uint32_t cap, n;	/* cap a power of two */
};

struct inwait {
	uint32_t tgt;
	uint8_t ttl;
	ht_ns sent;
};

struct slive {
	const struct ht_scan_cfg *c;
	const struct ht_targets *t;
	struct ht_engine *e;	/* while the engine runs */
	struct ht_scan_prober *const *pr;	/* [0] IPv4, [1] IPv6 */
	uint16_t ident;
	FILE *out;
	struct ht_scan_stats *st;
	struct ht_scan_book *book;	/* -j */
	struct stopset ss;	/* --stop-set */
	int fail;		/* -j: out of memory or output */
	struct ht_perm perm;
	struct tstate *ts;
	struct inwait *ring;
	size_t rcap, rhead, rn;
	uint32_t nttl;
	uint64_t next;		/* next pair number to take */
	uint64_t cur_tgt;	/* the pair next_desc() gave: its target */
	ht_ns last_flush, last_prog;
	int tty;		/* stderr is a terminal: progress lines */
};

/*
 * -W, shortened to ten times the slowest answer seen, never below 100 ms
 * (the engine's ht_engine_wait_scaled()).
 */
static ht_ns
wait_of(const struct slive *s)
{
	return ht_engine_wait_scaled(s->e, WAIT_FLOOR, WAIT_X);
}

static int
our_ident(uint16_t id, void *arg)
{
	return id == *(const uint16_t *)arg;
}

/*
 * The target the interface a was first seen for, after recording it for
 * tgt if it is new; tgt itself when the set is full or out of memory.
 */
static uint32_t
stop_seen(struct stopset *ss, const struct ht_addr *a, uint32_t tgt)
{
	struct stopent *ne, *old;
	uint32_t i, j, k, ocap;

	if (ss->n * 2 >= ss->cap) {
		if (ss->cap >= STOP_MAX)
			return tgt;
		ocap = ss->cap;
		old = ss->e;
		k = ocap ? ocap * 2 : 4096;
		if ((ne = calloc(k, sizeof(*ne))) == NULL)
			return tgt;
		ss->e = ne;
		ss->cap = k;
		for (i = 0; i < ocap; i++) {
			if (old[i].a.af == 0)
				continue;
			j = ht_addr_hash(&old[i].a, 0x5eed) & (k - 1);
			while (ne[j].a.af != 0)	/* half empty: ends */
				j = (j + 1) & (k - 1);
			ne[j] = old[i];
		}
		free(old);
	}
	i = ht_addr_hash(a, 0x5eed) & (ss->cap - 1);
	for (k = 0; k < ss->cap; k++, i = (i + 1) & (ss->cap - 1)) {
		if (ss->e[i].a.af == 0) {
			ss->e[i].a = *a;
			ss->e[i].tgt = tgt;
			ss->n++;
			return tgt;
		}
		if (ht_addr_eq(&ss->e[i].a, a))
			return ss->e[i].tgt;
	}
	return tgt;
}

/* Should the pair (target state x, TTL bit b) be skipped? */
static int
stop_rules(struct slive *s, const struct tstate *x, uint32_t b)
{
	uint32_t below, lo, mask;
	uint8_t ttl = (uint8_t)(s->c->first_ttl + b);

	if (x->reach != 0 && ttl > x->reach)
		return 1;
	if (ttl < x->stop) {
		s->st->stopped++;
		return 1;
	}
	below = x->ans & ((1u << b) - 1);
	lo = 0;
	while (below >> lo)	/* lo: one above the highest answered bit */
		lo++;
	if (b - lo < (uint32_t)s->c->gap)
		return 0;
	mask = ((1u << s->c->gap) - 1) << lo;
	return (x->sil & mask) == mask;
}

/* A pair of target x taken (sent, skipped or refused); the last one makes
 * the target done. */
static void
take(struct slive *s, struct tstate *x)
{
	if (++x->taken == s->nttl)
		s->st->done++;
}

/* -j: the trace to target tgt is final when every pair is taken and waited. */
static void
maybe_final(struct slive *s, uint64_t tgt)
{
	const struct tstate *x = &s->ts[tgt];
	struct ht_addr a;

	if (s->book == NULL || x->taken != s->nttl || x->inwait != 0)
		return;
	ht_targets_get(s->t, tgt, &a);
	if (ht_scan_book_emit(s->book, &a, s->ident, s->out) < 0)
		s->fail = 1;
}

/* Probes whose wait is over leave the ring; the next deadline, or 0. */
static ht_ns
expire(void *arg, struct ht_engine *e, ht_ns now)
{
	struct slive *s = arg;
	ht_ns w;
	struct inwait *q;
	struct tstate *x;
	uint32_t bitv;

	s->e = e;
	w = wait_of(s);
	while (s->rn > 0) {
		q = &s->ring[s->rhead];
		if (q->sent + w > now)
			return q->sent + w;
		x = &s->ts[q->tgt];
		bitv = 1u << (q->ttl - s->c->first_ttl);
		if (!(x->ans & bitv))
			x->sil |= bitv;
		s->rhead = (s->rhead + 1) % s->rcap;
		s->rn--;
		x->inwait--;
		maybe_final(s, q->tgt);
	}
	return 0;
}

/*
 * The next pair to send, when one is due at the rate (probe k is due k /
 * rate seconds after the first): the pairs the stop rules skip are taken
 * on the way.  1 with d, 0 with *wake when none is due now.
 */
static int
next_desc(void *arg, struct ht_engine *e, ht_ns now, struct ht_probe_desc *d,
    ht_ns *wake, char *err)
{
	struct slive *s = arg;
	struct ht_scan_stats *st = s->st;
	struct ht_addr dst;
	struct tstate *x;
	uint64_t j, due, tgt, done = st->sent + st->refused, looked = 0;
	uint32_t b;

	(void)err;
	s->e = e;
	due = done == 0 ? 1 : (uint64_t)((double)(now - st->t_first) *
	    s->c->rate / 1e9) + 1;
	if (done >= due) {
		*wake = st->t_first + (ht_ns)((double)done * 1e9 / s->c->rate);
		if (*wake > now + HT_NS_PER_SEC / 4)
			*wake = now + HT_NS_PER_SEC / 4;
		return 0;
	}
	while (s->next < st->pairs && s->rn < s->rcap && looked++ < 4096) {
		j = ht_perm_at(&s->perm, s->next);
		tgt = j / s->nttl;
		b = (uint32_t)(j % s->nttl);
		x = &s->ts[tgt];
		if (stop_rules(s, x, b)) {
			s->next++;
			take(s, x);
			st->skipped++;
			maybe_final(s, tgt);
			continue;
		}
		ht_targets_get(s->t, tgt, &dst);
		s->cur_tgt = tgt;
		ht_scan_prober_desc(s->pr[dst.af == 6], &dst,
		    (uint8_t)(s->c->first_ttl + b), now, d);
		return 1;
	}
	/* skipped a run of pairs: on at once; else for an answer or a wait */
	*wake = looked > 4096 ? now : now + HT_NS_PER_SEC / 4;
	return 0;
}

/* What came of the pair next_desc() gave (a full socket: asked again). */
static void
sent(void *arg, struct ht_engine *e, const struct ht_probe_desc *d, int rc,
    ht_ns now)
{
	struct slive *s = arg;
	struct ht_scan_stats *st = s->st;
	struct tstate *x = &s->ts[s->cur_tgt];

	(void)e;
	if (rc == 1)
		return;
	if (st->sent + st->refused == 0)
		st->t_first = now;
	s->next++;
	take(s, x);
	if (rc == 2) {
		st->refused++;
		maybe_final(s, s->cur_tgt);
		return;
	}
	st->sent++;
	st->t_last = now;
	s->ring[(s->rhead + s->rn) % s->rcap] = (struct inwait){
		(uint32_t)s->cur_tgt, d->ttl, now };
	s->rn++;
	x->inwait++;
}

/* A row: what it tells the stop rules, then out. */
static void
took_reply(struct slive *s, const struct ht_scan_row *r)
{
	struct tstate *x = NULL;
	int64_t i;
	uint32_t bitv;

	ht_engine_saw_rtt(s->e, r->rtt);
	if (r->ttl >= s->c->first_ttl && r->ttl <= s->c->max_ttl &&
	    (i = ht_targets_find(s->t, &r->target)) >= 0) {
		x = &s->ts[i];
		/* -j: a target written already takes no more (rows do) */
		if (s->book != NULL && x->taken == s->nttl &&
		    x->inwait == 0)
			return;
		bitv = 1u << (r->ttl - s->c->first_ttl);
		x->ans |= bitv;
		x->sil &= ~bitv;
		if (ht_scan_row_reached(r) &&
		    (x->reach == 0 || r->ttl < x->reach))
			x->reach = r->ttl;
		/* an interface known from another target: the path below
		 * it is known (Doubletree) */
		if (s->c->stop_set && !ht_addr_eq(&r->from, &r->target) &&
		    stop_seen(&s->ss, &r->from, (uint32_t)i) != (uint32_t)i &&
		    r->ttl > x->stop)
			x->stop = r->ttl;
	}
	if (s->book == NULL)
		ht_scan_row_json(s->out, r);
	else if (x != NULL && ht_scan_book_reply(s->book, r) < 0)
		s->fail = 1;
}

/* A packet the capture brought: ours (a probe, a reply) or not. */
static int
packet(void *arg, struct ht_engine *e, const struct ht_pkt *pkt, ht_ns ts)
{
	struct slive *s = arg;
	struct ht_scan_row row;
	enum ht_scan_what w;

	s->e = e;
	w = ht_scan_match(pkt, ts, our_ident, &s->ident, &row);
	if (w == HT_SCAN_PROBE && row.ident == s->ident) {
		s->st->seen++;
		if (s->book != NULL && ht_scan_book_probe(s->book, &row) < 0)
			s->fail = 1;
		return 1;
	}
	if (w == HT_SCAN_REPLY && row.ident == s->ident) {
		s->st->replies++;
		s->st->matched++;
		took_reply(s, &row);
		return 1;
	}
	if (w == HT_SCAN_BAD) {
		s->st->replies++;
		s->st->bad++;
	}
	return 0;
}

/*
 * A progress line, overwritten in place (stderr is a terminal): probes
 * sent, the rate achieved so far, replies, rows, targets done, and the
 * time left: the pairs not taken yet, sent in the proportion of those
 * taken so far at the rate achieved, then the last probes' wait.
 */
static void
progress(const struct slive *s, ht_ns now)
{
	const struct ht_scan_stats *st = s->st;
	double el = st->sent ? (double)(now - st->t_first) / 1e9 : 0;
	double pps = el > 0 ? (double)st->sent / el : 0, est, left;

	/* the rate achieved once a second of it is known, else the asked */
	est = el >= 1 && pps > 0 ? pps : s->c->rate;
	left = (double)wait_of(s) / 1e9;
	if (s->next < st->pairs)
		left += (double)(st->pairs - s->next) * (s->next > 0 ?
		    (double)(st->sent + st->refused) / (double)s->next : 1) /
		    est;
	fprintf(stderr, "\rhoptrace: %llu sent, %.0f pps, %llu replies, "
	    "%llu matched, %llu of %llu targets done, %.0f s left  ",
	    (unsigned long long)st->sent, pps,
	    (unsigned long long)st->replies, (unsigned long long)st->matched,
	    (unsigned long long)st->done, (unsigned long long)st->targets,
	    left);
}

static int
busy(void *arg, const struct ht_engine *e)
{
	const struct slive *s = arg;

	(void)e;
	return s->rn > 0;
}

static int
sent_all(void *arg, const struct ht_engine *e)
{
	const struct slive *s = arg;

	(void)e;
	return s->next >= s->st->pairs;
}

/* Each pass: the rows out once a second, and the progress line. */
static int
step(void *arg, struct ht_engine *e, ht_ns now, char *err)
{
	struct slive *s = arg;
	const struct ht_scan_stats *st = s->st;

	(void)e;
	if (s->fail) {
		snprintf(err, HT_ERRBUF, "out of memory or cannot write output");
		return -1;
	}
	if (now > s->last_flush + HT_NS_PER_SEC) {
		fflush(s->out);
		s->last_flush = now;
		/* the first line once a second of sending is known */
		if (s->tty && st->sent > 0 && now >= st->t_first +
		    HT_NS_PER_SEC && now > s->last_prog + HT_NS_PER_SEC) {
			progress(s, now);
			s->last_prog = now;
		}
	}
	return 0;
}

/* -j: the traces not final yet (interrupted), as far as they go. */
static int
finish(void *arg, struct ht_engine *e, int rc, char *err)
{
	struct slive *s = arg;

	(void)e;
	if (rc == 0 && s->fail) {
		snprintf(err, HT_ERRBUF, "out of memory or cannot write output");
		rc = -1;
	}
	if (s->book != NULL && rc >= 0 &&
	    ht_scan_book_emit_all(s->book, s->out) < 0) {
		snprintf(err, HT_ERRBUF, "out of memory or cannot write output");
		rc = -1;
	}
	if (s->tty && s->last_prog != 0)
		fputc('\n', stderr);
	return rc;
}

static const struct ht_engine_ops scan_ops = {
	.next_desc = next_desc, .sent = sent, .packet = packet,
	.expire = expire, .busy = busy, .sent_all = sent_all, .step = step,
	.finish = finish, .wait_floor = WAIT_FLOOR, .wait_x = WAIT_X,
};

int
ht_scan_live(const struct ht_scan_cfg *c, const struct ht_targets *t,
    const struct ht_netio *net, struct ht_scan_prober *const *pr,
    uint16_t ident, int (*started)(void *, char *), void *started_arg,
    FILE *out, struct ht_scan_stats *st, char *err)
{
	struct slive s;
	struct ht_live_cfg lc;
	double need;
	int rc;

	memset(&s, 0, sizeof(s));
	s.c = c;
	s.t = t;
	s.pr = pr;
	s.ident = ident;
	s.out = out;
	s.st = st;
	s.tty = isatty(STDERR_FILENO);
	s.nttl = (uint32_t)(c->max_ttl - c->first_ttl + 1);
	st->targets = t->total;
	st->pairs = t->total * s.nttl;
	ht_perm_init(&s.perm, st->pairs, c->seed);
	need = c->rate * ((double)c->wait / 1e9) * 1.25 + 1024;
	s.rcap = need > RING_MAX ? RING_MAX : (size_t)need;
	s.ts = calloc((size_t)t->total, sizeof(*s.ts));
	s.ring = malloc(s.rcap * sizeof(*s.ring));
	if (c->json)
		s.book = ht_scan_book_new();
	if (s.ts == NULL || s.ring == NULL || (c->json && s.book == NULL)) {
		snprintf(err, HT_ERRBUF, "out of memory (%llu targets)",
		    (unsigned long long)t->total);
		free(s.ts);
		free(s.ring);
		ht_scan_book_free(s.book);
		return -1;
	}
	/* the engine's view: the wait, and privileges go once probes left */
	memset(&lc, 0, sizeof(lc));
	lc.wait = c->wait;
	lc.simq = 1;
	lc.started = started;
	lc.started_arg = started_arg;
	rc = ht_engine_run(&lc, net, NULL, NULL, -1, &scan_ops, &s, err);
	st->interrupted = ht_stop_sig() != 0;
	ht_scan_book_free(s.book);
	free(s.ts);
	free(s.ring);
	free(s.ss.e);
	return rc;
}

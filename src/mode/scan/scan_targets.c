/* \summary: the target list of a scan: parse lines, number the targets */
/*
 * A line is an address or a prefix (ADDR/LEN), IPv4 or IPv6, with "#"
 * starting a comment.  Targets are numbered in file order without being
 * listed: each line is a range (its first number and count), and target i
 * is computed from its range when it is needed.  Without --per-prefix a
 * prefix gives every address in it (at most HT_TARGETS_MAX in all); with
 * --per-prefix=N, one address in each /N of it, its host bits drawn from
 * a keyed hash of the seed, the line and the /N's number, so the same seed
 * gives the same addresses.  A prefix longer than /N gives one address.
 */
#ifdef HAVE_CONFIG_H
#include <config.h>
#endif

#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "mode/scan/scan_targets.h"

static unsigned int
width(int af)
{
	return af == 6 ? 128 : 32;
}

static int
bit(const struct ht_addr *a, unsigned int b)
{
	return a->a[b / 8] >> (7 - b % 8) & 1;
}

static void
setbit(struct ht_addr *a, unsigned int b, int v)
{
	uint8_t m = (uint8_t)(1u << (7 - b % 8));

	if (v)
		a->a[b / 8] |= m;
	else
		a->a[b / 8] &= (uint8_t)~m;
}

/* Bits [lo, hi) of a (bit 0 the first on the wire) set to the low bits of v. */
static void
setfield(struct ht_addr *a, unsigned int lo, unsigned int hi, uint64_t v)
{
	unsigned int b;

	for (b = hi; b > lo; b--) {
		setbit(a, b - 1, (int)(v & 1));
		v >>= 1;
	}
}

/* Bits [lo, hi) of a as a number (hi - lo <= 64). */
static uint64_t
getfield(const struct ht_addr *a, unsigned int lo, unsigned int hi)
{
	uint64_t v = 0;
	unsigned int b;

	for (b = lo; b < hi; b++)
		v = v << 1 | (uint64_t)bit(a, b);
	return v;
}

/* splitmix64's finaliser: a good 64-bit mix */
static uint64_t
mix(uint64_t x)
{
	x += 0x9e3779b97f4a7c15ull;
	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ull;
	x = (x ^ (x >> 27)) * 0x94d049bb133111ebull;
	return x ^ (x >> 31);
}

/* The random host bits [r->blen, width) of the k-th /N of range r. */
static void
fill_random(const struct ht_targets *t, const struct ht_tgt_range *r,
    uint64_t k, struct ht_addr *a)
{
	unsigned int w = width(r->base.af), lo = r->blen, hi;
	uint64_t h = mix(t->seed ^ mix((uint64_t)r->line << 32 ^ k));

	/* 64 bits at a time, from the end */
	for (hi = w; hi > lo; hi = hi >= 64 + lo ? hi - 64 : lo) {
		setfield(a, hi >= 64 + lo ? hi - 64 : lo, hi, h);
		h = mix(h);
	}
}

void
ht_targets_init(struct ht_targets *t, unsigned int per_prefix, uint64_t seed)
{
	memset(t, 0, sizeof(*t));
	t->per_prefix = per_prefix;
	t->seed = seed;
}

void
ht_targets_free(struct ht_targets *t)
{
	free(t->r);
	free(t->sorted);
	memset(t, 0, sizeof(*t));
}

static int
bad(char *err, size_t errlen, unsigned long lineno, const char *why,
    const char *text)
{
	snprintf(err, errlen, "line %lu: %s%s%.64s%s", lineno, why,
	    text ? " '" : "", text ? text : "", text ? "'" : "");
	return -1;
}

int
ht_targets_line(struct ht_targets *t, const char *line, unsigned long lineno,
    char *err, size_t errlen)
{
	char tok[128], *slash, *end;
	const char *p = line, *q;
	struct ht_tgt_range r;
	struct ht_addr a;
	unsigned long plen;
	unsigned int w, b;
	uint64_t count;
	size_t n;

	while (*p == ' ' || *p == '\t' || *p == '\r')
		p++;
	if (*p == '\0' || *p == '#')
		return 0;
	for (q = p; *q != '\0' && *q != '#' && !isspace((unsigned char)*q);
	    q++)
		;
	n = (size_t)(q - p);
	if (n >= sizeof(tok))
		return bad(err, errlen, lineno, "too long", NULL);
	memcpy(tok, p, n);
	tok[n] = '\0';
	for (; *q == ' ' || *q == '\t' || *q == '\r'; q++)
		;
	if (*q != '\0' && *q != '#')
		return bad(err, errlen, lineno, "one address or prefix a line, "
		    "not", line);
	if ((slash = strchr(tok, '/')) != NULL)
		*slash = '\0';
	if (ht_addr_parse(tok, &a) < 0)
		return bad(err, errlen, lineno, "not an IPv4 or IPv6 address:",
		    tok);
	w = width(a.af);
	plen = w;
	if (slash != NULL) {
		errno = 0;
		plen = strtoul(slash + 1, &end, 10);
		if (errno != 0 || end == slash + 1 || *end != '\0' || plen > w ||
		    !isdigit((unsigned char)slash[1])) {
			snprintf(err, errlen, "line %lu: prefix length must be "
			    "0 to %u, not '%.32s'", lineno, w, slash + 1);
			return -1;
		}
	}
	if (t->only_af != 0 && a.af != t->only_af) {
		t->other_af++;		/* -4 or -6: not this run's */
		return 0;
	}
	if (t->per_prefix > w) {
		snprintf(err, errlen, "line %lu: --per-prefix=%u is longer "
		    "than an IPv%d address", lineno, t->per_prefix, a.af);
		return -1;
	}
	memset(&r, 0, sizeof(r));
	for (b = (unsigned int)plen; b < w; b++)
		setbit(&a, b, 0);
	r.base = a;
	r.plen = (uint8_t)plen;
	r.line = (uint32_t)lineno;
	r.every = t->per_prefix == 0;
	r.blen = r.every ? (uint8_t)w : t->per_prefix > plen ?
	    (uint8_t)t->per_prefix : (uint8_t)plen;
	if (t->cover)
		count = 0;	/* a selection, not numbered */
	else if (r.blen - r.plen > 24 ||
	    (count = 1ull << (r.blen - r.plen)) > HT_TARGETS_MAX - t->total) {
		snprintf(err, errlen, "line %lu: /%lu holds too many targets "
		    "(at most %u in all%s)", lineno, plen, HT_TARGETS_MAX,
		    t->per_prefix ? "" : "; --per-prefix=N takes one a /N");
		return -1;
	}
	r.count = count;
	r.first = t->total;
	if (t->n == t->cap) {
		size_t nc = t->cap ? t->cap * 2 : 16;
		struct ht_tgt_range *nr = realloc(t->r, nc * sizeof(*nr));

		if (nr == NULL) {
			snprintf(err, errlen, "out of memory");
			return -2;
		}
		t->r = nr;
		t->cap = nc;
	}
	t->r[t->n++] = r;
	t->total += count;
	if (t->af == 0)
		t->af = a.af;
	t->fams |= a.af == 6 ? HT_TGT_V6 : HT_TGT_V4;
	return 1;
}

int
ht_targets_read(struct ht_targets *t, FILE *fp, int skip_bad, char *err,
    size_t errlen)
{
	char line[512], msg[HT_TARGETS_ERR];
	unsigned long lineno = 0;
	size_t len;
	int rc, c, longline;

	while (fgets(line, sizeof(line), fp) != NULL) {
		lineno++;
		len = strlen(line);
		longline = len == sizeof(line) - 1 && line[len - 1] != '\n';
		if (longline)	/* the rest of it goes */
			while ((c = getc(fp)) != EOF && c != '\n')
				;
		if (len > 0 && line[len - 1] == '\n')
			line[--len] = '\0';
		if (memchr(line, '\0', len) != NULL || longline) {
			rc = bad(msg, sizeof(msg), lineno, longline ?
			    "too long" : "holds a NUL byte", NULL);
		} else
			rc = ht_targets_line(t, line, lineno, msg, sizeof(msg));
		if (rc == -2) {
			snprintf(err, errlen, "%s", msg);
			return -1;
		}
		if (rc == -1) {
			if (!skip_bad) {
				snprintf(err, errlen, "%s", msg);
				return -1;
			}
			if (t->skipped++ == 0)
				snprintf(t->first_bad, sizeof(t->first_bad),
				    "%s", msg);
		}
	}
	if (ferror(fp)) {
		snprintf(err, errlen, "read error after line %lu: %s", lineno,
		    strerror(errno));
		return -1;
	}
	if (ht_targets_finish(t) < 0) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	return 0;
}

/* Addresses in order: IPv4 before IPv6, then by value. */
static int
addr_cmp(const struct ht_addr *a, const struct ht_addr *b)
{
	if (a->af != b->af)
		return a->af < b->af ? -1 : 1;
	return memcmp(a->a, b->a, 16);
}

/* qsort has no context argument: the ranges being sorted */
static const struct ht_tgt_range *sort_ranges;

static int
by_base(const void *x, const void *y)
{
	const struct ht_tgt_range *a = &sort_ranges[*(const size_t *)x];
	const struct ht_tgt_range *b = &sort_ranges[*(const size_t *)y];
	int c = addr_cmp(&a->base, &b->base);

	if (c != 0)
		return c;
	/* the wider prefix first, then file order */
	if (a->plen != b->plen)
		return a->plen < b->plen ? -1 : 1;
	return a->line < b->line ? -1 : a->line > b->line;
}

static int holds(const struct ht_tgt_range *, const struct ht_addr *);

int
ht_targets_finish(struct ht_targets *t)
{
	size_t i, outer;

	free(t->sorted);
	t->sorted = NULL;
	if (t->n == 0)
		return 0;
	if ((t->sorted = malloc(t->n * sizeof(*t->sorted))) == NULL)
		return -1;
	for (i = 0; i < t->n; i++)
		t->sorted[i] = i;
	sort_ranges = t->r;
	qsort(t->sorted, t->n, sizeof(*t->sorted), by_base);
	sort_ranges = NULL;
	/*
	 * Prefixes are nested or apart.  Sorted by base, one nested in an
	 * earlier one is nested in the last that was not itself nested.
	 */
	t->nested = 0;
	for (i = 1, outer = 0; i < t->n; i++)
		if (holds(&t->r[t->sorted[outer]], &t->r[t->sorted[i]].base))
			t->nested = 1;
		else
			outer = i;
	return 0;
}

void
ht_targets_get(const struct ht_targets *t, uint64_t i, struct ht_addr *out)
{
	const struct ht_tgt_range *r;
	size_t lo = 0, hi = t->n, mid;
	uint64_t k;

	/* the last range whose first target is i or before */
	while (hi - lo > 1) {
		mid = lo + (hi - lo) / 2;
		if (t->r[mid].first <= i)
			lo = mid;
		else
			hi = mid;
	}
	r = &t->r[lo];
	k = i - r->first;
	*out = r->base;
	if (r->every) {
		setfield(out, r->plen, width(r->base.af), k);
		return;
	}
	setfield(out, r->plen, r->blen, k);
	fill_random(t, r, k, out);
}

static int
holds(const struct ht_tgt_range *r, const struct ht_addr *a)
{
	unsigned int b;

	if (a->af != r->base.af)
		return 0;
	for (b = 0; b + 8 <= r->plen; b += 8)
		if (a->a[b / 8] != r->base.a[b / 8])
			return 0;
	for (; b < r->plen; b++)
		if (bit(a, b) != bit(&r->base, b))
			return 0;
	return 1;
}

/* The range holding a, by base address (see ht_targets_find()), or NULL. */
static const struct ht_tgt_range *
range_of(const struct ht_targets *t, const struct ht_addr *a)
{
	size_t lo = 0, hi = t->n, mid, j;

	if (t->sorted == NULL)
		return NULL;
	/* the first range whose base is above a */
	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		if (addr_cmp(&t->r[t->sorted[mid]].base, a) <= 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	/*
	 * The nearest base at or below a; where prefixes nest, a wider one
	 * before it may hold a instead.
	 */
	for (j = lo; j > 0; j--) {
		if (holds(&t->r[t->sorted[j - 1]], a))
			return &t->r[t->sorted[j - 1]];
		if (!t->nested)
			break;
	}
	return NULL;
}

int64_t
ht_targets_find(const struct ht_targets *t, const struct ht_addr *a)
{
	const struct ht_tgt_range *r = range_of(t, a);
	struct ht_addr x;
	uint64_t k;

	if (r == NULL)
		return -1;
	if (r->every)
		k = getfield(a, width(a->af) - (width(a->af) - r->plen > 64 ?
		    64 : width(a->af) - r->plen), width(a->af));
	else
		k = getfield(a, r->plen, r->blen);
	if (k >= r->count)
		return -1;
	ht_targets_get(t, r->first + k, &x);
	return ht_addr_eq(&x, a) ? (int64_t)(r->first + k) : -1;
}

int
ht_targets_covers(const struct ht_targets *t, const struct ht_addr *a)
{
	return range_of(t, a) != NULL;
}

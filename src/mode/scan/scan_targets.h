/* \summary: the target list of a scan: addresses and prefixes, one a line */
#ifndef HT_SCAN_TARGETS_H
#define HT_SCAN_TARGETS_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "base/addr.h"

/* At most this many targets in one run (a /24 of each of 2^24 prefixes). */
#define HT_TARGETS_MAX	(1u << 24)
#define HT_TARGETS_ERR	256
#define HT_TGT_V4	1u
#define HT_TGT_V6	2u

/* One line of the file: a prefix, and how its targets are chosen. */
struct ht_tgt_range {
	struct ht_addr base;	/* the prefix, host bits cleared */
	uint8_t plen;		/* its length */
	uint8_t blen;		/* one target per /blen (= plen: one in all) */
	uint8_t every;		/* every address (no --per-prefix) */
	uint32_t line;		/* line number in the file */
	uint64_t first;		/* index of its first target */
	uint64_t count;		/* its targets */
};

struct ht_targets {
	struct ht_tgt_range *r;
	size_t n, cap;
	size_t *sorted;		/* range indexes by base address */
	int nested;		/* a prefix lies inside another */
	int cover;		/* only ht_targets_covers() asked (replay): no
				 * limit on a prefix's size */
	uint64_t total;
	int af;			/* the family of the first line; 0 none yet */
	unsigned int fams;	/* HT_TGT_V4 | HT_TGT_V6: the families held */
	int only_af;		/* 4 or 6 (-4, -6): lines of the other family
				 * are left out; 0 both */
	uint64_t other_af;	/* lines left out so */
	unsigned int per_prefix;	/* 0: every address of a prefix */
	uint64_t seed;		/* the random address in each /N */
	uint64_t skipped;	/* bad lines skipped */
	char first_bad[HT_TARGETS_ERR];	/* the first one's message */
};

/*
 * Start an empty list.  per_prefix 0: a prefix means every address in it;
 * N: one address chosen at random (from seed) in each /N of it.
 */
void ht_targets_init(struct ht_targets *t, unsigned int per_prefix,
    uint64_t seed);
void ht_targets_free(struct ht_targets *t);

/*
 * Add one line (NUL-terminated, without its newline): an IPv4 or IPv6
 * address or prefix; "#" starts a comment; blank lines are fine.  Host bits
 * set in a prefix are cleared.  1 added, 0 nothing on the line, -1 bad
 * (err: "line N: why"), -2 out of memory.
 */
int ht_targets_line(struct ht_targets *t, const char *line,
    unsigned long lineno, char *err, size_t errlen);

/*
 * Read every line of fp.  A bad line stops the reading (-1, err names its
 * number) unless skip_bad: then it is counted in t->skipped and the first
 * one's message kept in t->first_bad.  Then sort for lookups.  0, or -1.
 */
int ht_targets_read(struct ht_targets *t, FILE *fp, int skip_bad, char *err,
    size_t errlen);

/* Sort the ranges for ht_targets_find() (ht_targets_read() does it). */
int ht_targets_finish(struct ht_targets *t);

/* Target number i (< t->total). */
void ht_targets_get(const struct ht_targets *t, uint64_t i,
    struct ht_addr *out);

/*
 * The number of the target a (one ht_targets_get() gives), or -1 when a is
 * not a target.  A prefix that overlaps another: the first one by base
 * address that holds a.
 */
int64_t ht_targets_find(const struct ht_targets *t, const struct ht_addr *a);

/* Does a lie in one of the prefixes (a target or not)? */
int ht_targets_covers(const struct ht_targets *t, const struct ht_addr *a);

#endif

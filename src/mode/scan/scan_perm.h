/* \summary: a keyed random permutation of [0, n) that holds no list */
#ifndef HT_SCAN_PERM_H
#define HT_SCAN_PERM_H

#include <stdint.h>

#define HT_PERM_ROUNDS	4

struct ht_perm {
	uint64_t n;		/* the domain: [0, n) */
	unsigned int half;	/* bits of each Feistel half */
	uint64_t mask;		/* (1 << half) - 1 */
	uint64_t key[HT_PERM_ROUNDS];
};

/* n >= 1 and n <= 2^62; the key comes from seed. */
void ht_perm_init(struct ht_perm *p, uint64_t n, uint64_t seed);

/* The i-th element (i < n) of the permutation: a number below n. */
uint64_t ht_perm_at(const struct ht_perm *p, uint64_t i);

#endif

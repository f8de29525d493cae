/* \summary: a keyed random permutation of [0, n) that holds no list */
/*
 * A balanced Feistel network on 2h bits (the least even number of bits
 * that holds n - 1; h >= 1), four rounds, each round function a keyed
 * 64-bit mix cut to h bits.  A Feistel network is a bijection of
 * [0, 2^2h) whatever its round function; "cycle walking" (Black and
 * Rogaway, 2002) makes it one of [0, n): encrypt again while the result is
 * n or above.  Since 2^2h < 4n, a walk takes under four steps on average;
 * it always ends, as the walk follows the permutation's cycle through i,
 * which holds i itself (below n).  Memory: this struct; time: a few
 * multiplications per element.  (zmap walks a cyclic group modulo a prime
 * instead; either serves.)
 */
#ifdef HAVE_CONFIG_H
#include <config.h>
#endif

#include "mode/scan/scan_perm.h"

static uint64_t
mix(uint64_t x)
{
	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ull;
	x = (x ^ (x >> 27)) * 0x94d049bb133111ebull;
	return x ^ (x >> 31);
}

void
ht_perm_init(struct ht_perm *p, uint64_t n, uint64_t seed)
{
	unsigned int bits = 1, r;

	p->n = n ? n : 1;
	while (bits < 62 && (1ull << bits) < p->n)
		bits++;
	p->half = (bits + 1) / 2;
	p->mask = (1ull << p->half) - 1;
	for (r = 0; r < HT_PERM_ROUNDS; r++) {
		seed += 0x9e3779b97f4a7c15ull;
		p->key[r] = mix(seed);
	}
}

static uint64_t
encrypt(const struct ht_perm *p, uint64_t x)
{
	uint64_t l = x >> p->half, r = x & p->mask, t;
	unsigned int i;

	for (i = 0; i < HT_PERM_ROUNDS; i++) {
		t = l ^ (mix(r ^ p->key[i]) & p->mask);
		l = r;
		r = t;
	}
	return l << p->half | r;
}

uint64_t
ht_perm_at(const struct ht_perm *p, uint64_t i)
{
	uint64_t x = i, step;

	/* at most the domain's size, 2^2h steps (see above) */
	for (step = 0; step <= (p->mask + 1) * (p->mask + 1); step++) {
		x = encrypt(p, x);
		if (x < p->n)
			return x;
	}
	return i;	/* not reached */
}

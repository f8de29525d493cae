/* \summary: Internet checksum arithmetic: a checksum forced by a word (RFC 1624) */
/*
 * Ones' complement sums (RFC 1071) have two zeros, 0x0000 and 0xffff.
 * Every result here is a chain of ht_cksum_add(), so it is written one
 * way: 0x0000 only when every term is 0, else in [1, 0xffff].  The bytes
 * of our probes depend on that choice (a word of 0x0000 or 0xffff checks
 * the same), so it is made once, here.
 */
#ifdef HAVE_CONFIG_H
#include <config.h>
#endif

#include "wire/cksum.h"

uint16_t
ht_cksum_add(uint16_t a, uint16_t b)
{
	uint32_t s = (uint32_t)a + b;

	return (uint16_t)((s & 0xffff) + (s >> 16));
}

uint16_t
ht_cksum_keep(uint16_t w, uint16_t from, uint16_t to)
{
	return ht_cksum_add(ht_cksum_add(w, from), (uint16_t)~to);
}

static uint16_t
get16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static void
put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

int
ht_cksum_force(uint8_t *p, size_t len, size_t ck, size_t w, uint16_t want)
{
	if (len < 2 || ck > len - 2 || w > len - 2 ||
	    (ck < w ? w - ck : ck - w) < 2)
		return -1;
	put16(p + w, ht_cksum_keep(get16(p + w), get16(p + ck), want));
	put16(p + ck, want);
	return 0;
}

uint16_t
ht_cksum_paris(uint16_t seq, uint16_t flow)
{
	/* the sequence number from 0 to seq, the word from 0 */
	uint16_t w = ht_cksum_keep(0, 0, seq);

	/* then the checksum from C to C + flow (flow 0: nothing moves) */
	return flow != 0 ? ht_cksum_keep(w, 0, flow) : w;
}

/* \summary: an IPv4 or IPv6 address as plain bytes, comparable with memcmp */
#ifndef HT_ADDR_H
#define HT_ADDR_H

#include <stdint.h>
#include <string.h>

struct ht_addr {
	uint8_t af;		/* 4 or 6; 0 = none */
	uint8_t a[16];		/* IPv4 in the first 4 bytes, rest zero */
};

#define HT_ADDRSTRLEN 46

static inline int
ht_addr_eq(const struct ht_addr *x, const struct ht_addr *y)
{
	return x->af == y->af && memcmp(x->a, y->a, 16) == 0;
}

/* Format into buf (at least HT_ADDRSTRLEN bytes); returns buf. */
const char *ht_addr_str(const struct ht_addr *a, char *buf);
/* Parse a numeric IPv4 or IPv6 address; 0 on success. */
int ht_addr_parse(const char *s, struct ht_addr *a);
/* A 32-bit hash of the address. */
uint32_t ht_addr_hash(const struct ht_addr *a, uint32_t seed);

#endif

/* \summary: test helpers: hex text to bytes, Internet checksums, addresses */
#ifndef HT_TEST_HEX_H
#define HT_TEST_HEX_H

/*
 * Test fixtures are written as hex text, "45 00 00 24 ...", so a reader can
 * check them against the RFC layouts byte by byte.  Spaces, tabs and
 * newlines are ignored; "00*92" stands for 92 bytes of 00 (padding of an
 * RFC 4884 original datagram field, say).
 */

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "base/addr.h"

static inline int
hex_nibble(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/*
 * Append the bytes of hex text s to out[0..cap).  Returns the number of
 * bytes written, or (size_t)-1 on a malformed string or overflow.
 */
static inline size_t
hex_parse(const char *s, uint8_t *out, size_t cap)
{
	size_t n = 0, rep, i;
	int hi, lo;
	uint8_t v;

	while (*s != '\0') {
		if (*s == ' ' || *s == '\t' || *s == '\n') {
			s++;
			continue;
		}
		if ((hi = hex_nibble(s[0])) < 0 || (lo = hex_nibble(s[1])) < 0)
			return (size_t)-1;
		v = (uint8_t)(hi << 4 | lo);
		s += 2;
		rep = 1;
		if (*s == '*') {
			s++;
			if (*s < '0' || *s > '9')
				return (size_t)-1;
			for (rep = 0; *s >= '0' && *s <= '9'; s++)
				rep = rep * 10 + (size_t)(*s - '0');
		}
		if (*s != '\0' && *s != ' ' && *s != '\t' && *s != '\n')
			return (size_t)-1;
		if (rep > cap - n)
			return (size_t)-1;
		for (i = 0; i < rep; i++)
			out[n++] = v;
	}
	return n;
}

/*
 * Concatenate the bytes of several hex strings (a NULL ends the list):
 * a link header, an IP header, a payload.  Returns the total length, or
 * (size_t)-1 if any part is malformed or the whole does not fit.
 */
static inline size_t
hex_vjoin(uint8_t *out, size_t cap, va_list ap)
{
	const char *s;
	size_t n = 0, k;

	while ((s = va_arg(ap, const char *)) != NULL) {
		if ((k = hex_parse(s, out + n, cap - n)) == (size_t)-1)
			return (size_t)-1;
		n += k;
	}
	return n;
}

static inline size_t
hex_join(uint8_t *out, size_t cap, ...)
{
	va_list ap;
	size_t n;

	va_start(ap, cap);
	n = hex_vjoin(out, cap, ap);
	va_end(ap);
	return n;
}

/* A copy of n bytes in a heap block of exactly n bytes (so ASan sees overreads). */
static inline uint8_t *
hex_dup(const uint8_t *p, size_t n)
{
	uint8_t *q = malloc(n ? n : 1);

	if (q != NULL && n != 0)
		memcpy(q, p, n);
	return q;
}

/* One's complement sum of 16-bit words (RFC 1071), not yet complemented. */
static inline uint32_t
hex_sum(const uint8_t *p, size_t n, uint32_t sum)
{
	for (; n > 1; n -= 2, p += 2)
		sum += (uint32_t)(p[0] << 8 | p[1]);
	if (n)
		sum += (uint32_t)(p[0] << 8);
	return sum;
}

static inline uint16_t
hex_fold(uint32_t sum)
{
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)~sum;
}

/* Internet checksum of a byte range: 0 when the range holds a right one. */
static inline uint16_t
hex_cksum(const uint8_t *p, size_t n)
{
	return hex_fold(hex_sum(p, n, 0));
}

/*
 * Verify the checksums of a plain IP packet (no IPv6 extension headers):
 * the IPv4 header checksum, and the ICMP, ICMPv6 (pseudo-header), UDP or
 * TCP (pseudo-header) checksum over the rest.  Returns 1 if all are right.
 */
static inline int
hex_ip_cksums_ok(const uint8_t *ip, size_t len)
{
	uint32_t sum;
	size_t hl, l4len;
	uint8_t proto;

	if (len < 20)
		return 0;
	if (ip[0] >> 4 == 4) {
		hl = (size_t)(ip[0] & 15) * 4;
		if (hl < 20 || len < hl || hex_cksum(ip, hl) != 0)
			return 0;
		proto = ip[9];
		l4len = len - hl;
		sum = hex_sum(ip + 12, 8, 0);	/* pseudo-header addresses */
	} else if (ip[0] >> 4 == 6) {
		if (len < 40)
			return 0;
		hl = 40;
		proto = ip[6];
		l4len = len - hl;
		sum = hex_sum(ip + 8, 32, 0);
	} else
		return 0;
	if (proto == 1)
		return hex_cksum(ip + hl, l4len) == 0;
	sum += proto + (uint32_t)l4len;
	return hex_fold(hex_sum(ip + hl, l4len, sum)) == 0;
}

/* An address from text; af 0 (never equal to a real one) on error. */
static inline struct ht_addr
hex_addr(const char *s)
{
	struct ht_addr a;

	if (ht_addr_parse(s, &a) != 0)
		memset(&a, 0, sizeof(a));
	return a;
}

#endif

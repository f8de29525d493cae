/* \summary: a bounds-checked read cursor over packet bytes */
#ifndef HT_BUF_H
#define HT_BUF_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

/*
 * Every read of packet memory goes through a cursor.  A getter that would
 * run past `end` returns -1 and leaves the cursor unchanged; nested headers
 * narrow `end` with buf_sub() so one check covers all the reads below.
 */
struct buf {
	const uint8_t *p;
	const uint8_t *end;
};

static inline void
buf_init(struct buf *b, const uint8_t *p, size_t len)
{
	b->p = p;
	b->end = p + len;
}

static inline size_t
buf_left(const struct buf *b)
{
	return (size_t)(b->end - b->p);
}

static inline int
buf_skip(struct buf *b, size_t n)
{
	if (buf_left(b) < n)
		return -1;
	b->p += n;
	return 0;
}

static inline int
buf_bytes(struct buf *b, void *dst, size_t n)
{
	if (buf_left(b) < n)
		return -1;
	memcpy(dst, b->p, n);
	b->p += n;
	return 0;
}

static inline int
buf_u8(struct buf *b, uint8_t *v)
{
	if (buf_left(b) < 1)
		return -1;
	*v = b->p[0];
	b->p += 1;
	return 0;
}

static inline int
buf_u16(struct buf *b, uint16_t *v)
{
	if (buf_left(b) < 2)
		return -1;
	*v = (uint16_t)((b->p[0] << 8) | b->p[1]);
	b->p += 2;
	return 0;
}

static inline int
buf_u32(struct buf *b, uint32_t *v)
{
	if (buf_left(b) < 4)
		return -1;
	*v = ((uint32_t)b->p[0] << 24) | ((uint32_t)b->p[1] << 16) |
	    ((uint32_t)b->p[2] << 8) | b->p[3];
	b->p += 4;
	return 0;
}

/* Peek at byte `off` ahead without moving. */
static inline int
buf_peek8(const struct buf *b, size_t off, uint8_t *v)
{
	if (buf_left(b) <= off)
		return -1;
	*v = b->p[off];
	return 0;
}

/* Split off the next n bytes as their own cursor (sub) and skip them. */
static inline int
buf_sub(struct buf *b, size_t n, struct buf *sub)
{
	if (buf_left(b) < n)
		return -1;
	sub->p = b->p;
	sub->end = b->p + n;
	b->p += n;
	return 0;
}

/* Narrow the cursor to at most n bytes (an IP total length, say). */
static inline void
buf_narrow(struct buf *b, size_t n)
{
	if (buf_left(b) > n)
		b->end = b->p + n;
}

#endif

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

/*
 * The next n bytes, the cursor moved past them; NULL, the cursor
 * unchanged, when fewer are left.  Every getter reads through this.
 */
static inline const uint8_t *
buf_take(struct buf *b, size_t n)
{
	const uint8_t *q = b->p;

	if (buf_left(b) < n)
		return NULL;
	b->p += n;
	return q;
}

static inline int
buf_skip(struct buf *b, size_t n)
{
	return buf_take(b, n) != NULL ? 0 : -1;
}

static inline int
buf_bytes(struct buf *b, void *dst, size_t n)
{
	const uint8_t *q = buf_take(b, n);

	if (q == NULL)
		return -1;
	memcpy(dst, q, n);
	return 0;
}

/*
 * buf_u8(), buf_u16(), buf_u32(): the next big-endian (network order)
 * integer of *v's size.
 */
#define BUF_GET_BE(name, type)						\
static inline int							\
name(struct buf *b, type *v)						\
{									\
	const uint8_t *q = buf_take(b, sizeof(type));			\
	uint32_t x = 0;							\
	size_t i;							\
									\
	if (q == NULL)							\
		return -1;						\
	for (i = 0; i < sizeof(type); i++)				\
		x = x << 8 | q[i];					\
	*v = (type)x;							\
	return 0;							\
}
BUF_GET_BE(buf_u8, uint8_t)
BUF_GET_BE(buf_u16, uint16_t)
BUF_GET_BE(buf_u32, uint32_t)
#undef BUF_GET_BE

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
	const uint8_t *q = buf_take(b, n);

	if (q == NULL)
		return -1;
	buf_init(sub, q, n);
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

/* Growable byte buffers. */
#include <string.h>

#include <sodium.h>

#include "buf.h"
#include "xmalloc.h"

void
buf_init(struct buf *b)
{
	memset(b, 0, sizeof *b);
}

void
buf_free(struct buf *b)
{
	if (b->data != NULL) {
		sodium_memzero(b->data, b->cap);
		free(b->data);
	}
	memset(b, 0, sizeof *b);
}

size_t
buf_used(const struct buf *b)
{
	return b->len - b->off;
}

uint8_t *
buf_ptr(const struct buf *b)
{
	/* A buffer never written has no storage, and NULL + 0 is undefined. */
	if (b->data == NULL)
		return NULL;
	return b->data + b->off;
}

uint8_t *
buf_reserve(struct buf *b, size_t n)
{
	size_t	 want;

	if (b->off > 0 && b->off == b->len)
		b->off = b->len = 0;
	if (b->cap - b->len >= n)
		return b->data + b->len;
	/* Slide unread data to the front before growing. */
	if (b->off > 0 && b->off >= b->cap / 2) {
		memmove(b->data, b->data + b->off, b->len - b->off);
		b->len -= b->off;
		b->off = 0;
		if (b->cap - b->len >= n)
			return b->data + b->len;
	}
	want = b->cap ? b->cap : 256;
	while (want - b->len < n)
		want *= 2;
	b->data = xrealloc(b->data, want);
	b->cap = want;
	return b->data + b->len;
}

void
buf_commit(struct buf *b, size_t n)
{
	b->len += n;
}

void
buf_add(struct buf *b, const void *p, size_t n)
{
	if (n == 0)
		return;
	memcpy(buf_reserve(b, n), p, n);
	b->len += n;
}

void
buf_add_u16(struct buf *b, uint16_t v)
{
	uint8_t	 p[2] = { v >> 8, v & 0xff };

	buf_add(b, p, 2);
}

void
buf_add_u32(struct buf *b, uint32_t v)
{
	uint8_t	 p[4] = { v >> 24, (v >> 16) & 0xff, (v >> 8) & 0xff, v & 0xff };

	buf_add(b, p, 4);
}

void
buf_consume(struct buf *b, size_t n)
{
	if (n > buf_used(b))
		n = buf_used(b);
	b->off += n;
	if (b->off == b->len)
		b->off = b->len = 0;
}

void
buf_reset(struct buf *b)
{
	b->off = b->len = 0;
}

uint16_t
get_u16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

uint32_t
get_u32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	    (uint32_t)p[2] << 8 | p[3];
}

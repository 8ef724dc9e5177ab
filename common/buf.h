/*
 * A growable byte buffer with a read offset: append at the end, consume from
 * the front.  Used for socket input and output and for record assembly.
 */
#ifndef BUF_H
#define BUF_H

#include <stddef.h>
#include <stdint.h>

struct buf {
	uint8_t	*data;
	size_t	 off;	/* first unread byte */
	size_t	 len;	/* end of valid data */
	size_t	 cap;
};

void	 buf_init(struct buf *);
/* Free the storage, wiping it first (it may have held plaintext). */
void	 buf_free(struct buf *);
/* Bytes available to read. */
size_t	 buf_used(const struct buf *);
/* Pointer to the first unread byte (borrowed). */
uint8_t	*buf_ptr(const struct buf *);
/* Make room for n more bytes at the end; returns the write pointer. */
uint8_t	*buf_reserve(struct buf *, size_t n);
/* Count n bytes written at the pointer buf_reserve() returned. */
void	 buf_commit(struct buf *, size_t n);
void	 buf_add(struct buf *, const void *, size_t);
void	 buf_add_u16(struct buf *, uint16_t);
void	 buf_add_u32(struct buf *, uint32_t);
/* Drop n bytes from the front. */
void	 buf_consume(struct buf *, size_t n);
void	 buf_reset(struct buf *);

uint16_t get_u16(const uint8_t *);
uint32_t get_u32(const uint8_t *);

#endif

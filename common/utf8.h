/*
 * UTF-8 decoding and terminal column widths, independent of the locale, so
 * that Chinese double-width text is measured the same everywhere.
 */
#ifndef UTF8_H
#define UTF8_H

#include <stddef.h>
#include <stdint.h>

/* Decode one character; returns bytes used (1-4) or -1 if invalid. */
int	utf8_decode(const char *, size_t len, uint32_t *cp);
/* 1 if the len bytes are valid UTF-8 with no NUL. */
int	utf8_valid(const char *, size_t len);
/* Columns a code point takes: 0, 1 or 2. */
int	utf8_cpwidth(uint32_t);
/* Columns a NUL-terminated string takes (invalid bytes count as 1). */
int	utf8_width(const char *);
/* Bytes of s that fit in cols columns without splitting a character. */
size_t	utf8_chop(const char *, int cols);
/* Number of characters. */
size_t	utf8_count(const char *);
/* Byte length of the character that ends at s[len] (for backspace). */
size_t	utf8_prev(const char *, size_t len);

#endif

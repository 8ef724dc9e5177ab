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
/*
 * Bytes of s to show in cols columns when an ellipsis of ellw columns marks
 * a cut: all of s if it fits (*cut = 0), else the longest start that leaves
 * room for the ellipsis, trailing spaces dropped (*cut = 1).
 */
size_t	utf8_chop_ellipsis(const char *, int cols, int ellw, int *cut);
/*
 * The first line of s wrapped at cols columns: its length in bytes (trailing
 * spaces dropped), breaking at the last space when there is one in the
 * second half of the line, else between two characters (never inside one;
 * one character wider than cols still makes a line).  *next is where the
 * next line starts (spaces skipped); at the end, s + strlen(s).
 */
size_t	utf8_wrap(const char *, int cols, const char **next);
/* Number of characters. */
size_t	utf8_count(const char *);
/*
 * Trim blanks (space, tab, the ideographic space U+3000) at both ends of s:
 * the trimmed text is the returned number of bytes from s + *start.
 */
size_t	utf8_trim(const char *, size_t *start);
/* Byte length of the character that ends at s[len] (for backspace). */
size_t	utf8_prev(const char *, size_t len);

#endif

/* UTF-8 helpers; the wide ranges follow Unicode East Asian Width W and F. */
#include <string.h>

#include "utf8.h"

int
utf8_decode(const char *s, size_t len, uint32_t *cp)
{
	const unsigned char	*p = (const unsigned char *)s;
	uint32_t		 c, min;
	int			 n, i;

	if (len == 0)
		return -1;
	if (p[0] < 0x80) {
		*cp = p[0];
		return 1;
	}
	if ((p[0] & 0xe0) == 0xc0) {
		n = 2; c = p[0] & 0x1f; min = 0x80;
	} else if ((p[0] & 0xf0) == 0xe0) {
		n = 3; c = p[0] & 0x0f; min = 0x800;
	} else if ((p[0] & 0xf8) == 0xf0) {
		n = 4; c = p[0] & 0x07; min = 0x10000;
	} else
		return -1;
	if (len < (size_t)n)
		return -1;
	for (i = 1; i < n; i++) {
		if ((p[i] & 0xc0) != 0x80)
			return -1;
		c = (c << 6) | (p[i] & 0x3f);
	}
	if (c < min || c > 0x10ffff || (c >= 0xd800 && c <= 0xdfff))
		return -1;
	*cp = c;
	return n;
}

int
utf8_valid(const char *s, size_t len)
{
	size_t		i = 0;
	uint32_t	cp;
	int		n;

	while (i < len) {
		if ((n = utf8_decode(s + i, len - i, &cp)) < 0 || cp == 0)
			return 0;
		i += (size_t)n;
	}
	return 1;
}

int
utf8_cpwidth(uint32_t c)
{
	static const uint32_t wide[][2] = {
		{ 0x1100, 0x115f }, { 0x2e80, 0x303e }, { 0x3041, 0x33ff },
		{ 0x3400, 0x4dbf }, { 0x4e00, 0x9fff }, { 0xa000, 0xa4cf },
		{ 0xac00, 0xd7a3 }, { 0xf900, 0xfaff }, { 0xfe30, 0xfe4f },
		{ 0xff00, 0xff60 }, { 0xffe0, 0xffe6 }, { 0x1f300, 0x1f64f },
		{ 0x1f900, 0x1f9ff }, { 0x20000, 0x2fffd }, { 0x30000, 0x3fffd },
	};
	size_t	i;

	if (c == 0 || (c >= 0x300 && c <= 0x36f) || (c >= 0x200b && c <= 0x200f))
		return 0;
	if (c < 0x20 || (c >= 0x7f && c < 0xa0))
		return 0;
	for (i = 0; i < sizeof wide / sizeof wide[0]; i++) {
		if (c >= wide[i][0] && c <= wide[i][1])
			return 2;
	}
	return 1;
}

/* Columns the first len bytes of s take. */
static int
utf8_width_n(const char *s, size_t len)
{
	size_t		i = 0;
	uint32_t	cp;
	int		n, w = 0;

	while (i < len) {
		if ((n = utf8_decode(s + i, len - i, &cp)) < 0) {
			w++;
			i++;
			continue;
		}
		w += utf8_cpwidth(cp);
		i += (size_t)n;
	}
	return w;
}

int
utf8_width(const char *s)
{
	return utf8_width_n(s, strlen(s));
}

size_t
utf8_chop(const char *s, int cols)
{
	size_t		len = strlen(s), i = 0;
	uint32_t	cp;
	int		n, w = 0, cw;

	while (i < len) {
		if ((n = utf8_decode(s + i, len - i, &cp)) < 0) {
			n = 1;
			cw = 1;
		} else
			cw = utf8_cpwidth(cp);
		if (w + cw > cols)
			break;
		w += cw;
		i += (size_t)n;
	}
	return i;
}

size_t
utf8_chop_ellipsis(const char *s, int cols, int ellw, int *cut)
{
	size_t	n;

	if (utf8_width(s) <= cols) {
		*cut = 0;
		return strlen(s);
	}
	*cut = 1;
	n = utf8_chop(s, cols > ellw ? cols - ellw : 0);
	while (n > 0 && s[n - 1] == ' ')
		n--;
	return n;
}

size_t
utf8_wrap(const char *s, int cols, const char **next)
{
	size_t		len = strlen(s), n, k;
	uint32_t	cp;
	int		step;

	if (utf8_width(s) <= cols)
		n = len;
	else if ((n = utf8_chop(s, cols)) == 0) {
		step = utf8_decode(s, len, &cp);
		n = step > 0 ? (size_t)step : 1;
	} else if (s[n] != ' ') {
		/* A space in the second half of the line is a better break. */
		for (k = n; k > 0 && s[k - 1] != ' '; k--)
			;
		if (k > 0 && utf8_width_n(s, k) * 2 >= cols)
			n = k;
	}
	*next = s + n;
	while (**next == ' ')
		(*next)++;
	while (n > 0 && s[n - 1] == ' ')
		n--;
	return n;
}

size_t
utf8_count(const char *s)
{
	size_t	n = 0;

	for (; *s != '\0'; s++) {
		if (((unsigned char)*s & 0xc0) != 0x80)
			n++;
	}
	return n;
}

size_t
utf8_prev(const char *s, size_t len)
{
	size_t	n = 0;

	while (len > 0) {
		len--;
		n++;
		if (((unsigned char)s[len] & 0xc0) != 0x80)
			break;
	}
	return n;
}

/* Length of the blank (space, tab, U+3000) at s, or 0; never past a NUL. */
static size_t
blank_at(const char *s)
{
	if (*s == ' ' || *s == '\t')
		return 1;
	if (s[0] == '\xe3' && s[1] == '\x80' && s[2] == '\x80')
		return 3;
	return 0;
}

size_t
utf8_trim(const char *s, size_t *start)
{
	size_t	 len, k;
	const char *p = s;

	while ((k = blank_at(p)) > 0)
		p += k;
	*start = (size_t)(p - s);
	len = strlen(p);
	for (;;) {
		if (len > 0 && (p[len - 1] == ' ' || p[len - 1] == '\t'))
			len--;
		else if (len >= 3 && memcmp(p + len - 3, "\xe3\x80\x80", 3) == 0)
			len -= 3;
		else
			break;
	}
	return len;
}

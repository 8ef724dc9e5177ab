/* Enrollment code encoding and key derivation. */
#include <ctype.h>
#include <string.h>
#include <strings.h>

#include <sodium.h>

#include "enroll.h"

static const char b32[] = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";

static void
enroll_check(const uint8_t key[32], const uint8_t s[32], uint8_t check[2])
{
	crypto_generichash_state	st;
	uint8_t				h[32];

	crypto_generichash_init(&st, NULL, 0, sizeof h);
	crypto_generichash_update(&st, key, 32);
	crypto_generichash_update(&st, s, 32);
	crypto_generichash_final(&st, h, sizeof h);
	check[0] = h[0];
	check[1] = h[1];
}

void
enroll_code_make(const uint8_t key[32], const uint8_t s[32], char *out)
{
	uint8_t		raw[66];
	uint32_t	acc = 0;
	int		bits = 0, n = 0;
	size_t		i, o = 0;

	memcpy(raw, key, 32);
	memcpy(raw + 32, s, 32);
	enroll_check(key, s, raw + 64);
	memcpy(out, "PAW1", 4);
	o = 4;
	for (i = 0; i < sizeof raw || bits > 0; ) {
		if (bits < 5 && i < sizeof raw) {
			acc = (acc << 8) | raw[i++];
			bits += 8;
			continue;
		}
		if (bits < 5) {
			acc <<= 5 - bits;
			bits = 5;
		}
		if (n++ % 6 == 0)
			out[o++] = '-';
		out[o++] = b32[(acc >> (bits - 5)) & 31];
		bits -= 5;
	}
	out[o] = '\0';
	sodium_memzero(raw, sizeof raw);
}

static int
b32_value(int ch)
{
	const char	*p;

	ch = toupper(ch);
	if (ch == 'O')
		ch = '0';
	if (ch == 'I' || ch == 'L')
		ch = '1';
	if (ch == 0 || (p = strchr(b32, ch)) == NULL)
		return -1;
	return (int)(p - b32);
}

int
enroll_code_parse(const char *code, uint8_t key[32], uint8_t s[32])
{
	uint8_t		raw[66], check[2];
	uint32_t	acc = 0;
	int		bits = 0, v;
	size_t		o = 0;
	const char	*p = code;

	while (*p == ' ' || *p == '\t')
		p++;
	if (strncasecmp(p, "PAW1", 4) != 0)
		return -1;
	for (p += 4; *p != '\0'; p++) {
		if (*p == '-' || *p == ' ' || *p == '\t' || *p == '\n')
			continue;
		if ((v = b32_value((unsigned char)*p)) < 0)
			return -1;
		acc = (acc << 5) | (uint32_t)v;
		bits += 5;
		if (bits >= 8) {
			if (o == sizeof raw)
				return -1;
			raw[o++] = (uint8_t)(acc >> (bits - 8));
			bits -= 8;
		}
	}
	if (o != sizeof raw || bits >= 5)
		return -1;
	enroll_check(raw, raw + 32, check);
	if (check[0] != raw[64] || check[1] != raw[65])
		return -1;
	memcpy(key, raw, 32);
	memcpy(s, raw + 32, 32);
	sodium_memzero(raw, sizeof raw);
	return 0;
}

void
enroll_derive(const uint8_t s[32], uint8_t code_id[16], uint8_t psk[32])
{
	crypto_kdf_derive_from_key(code_id, 16, 1, "PAWENROL", s);
	crypto_kdf_derive_from_key(psk, 32, 2, "PAWENROL", s);
}

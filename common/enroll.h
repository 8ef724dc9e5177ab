/*
 * Enrollment codes (common/PROTOCOL.md section 8): "PAW1-" and the Crockford base32
 * of server_public_key[32] || S[32] || check[2].
 */
#ifndef ENROLL_H
#define ENROLL_H

#include <stddef.h>
#include <stdint.h>

#define ENROLL_CODE_MAX	160

/* Write the code, grouped with dashes, into out (ENROLL_CODE_MAX bytes). */
void	enroll_code_make(const uint8_t key[32], const uint8_t s[32], char *out);
/* Parse a code (dashes, spaces, case ignored; check verified). 0 or -1. */
int	enroll_code_parse(const char *, uint8_t key[32], uint8_t s[32]);
/* code_id and PSK derived from S with crypto_kdf ("PAWENROL", ids 1 and 2). */
void	enroll_derive(const uint8_t s[32], uint8_t code_id[16], uint8_t psk[32]);

#endif

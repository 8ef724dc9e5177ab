/* Lowercase hex encoding. */
#ifndef HEX_H
#define HEX_H

#include <stddef.h>
#include <stdint.h>

/* Write 2*len hex characters and a NUL into out. */
void	hex_encode(const uint8_t *, size_t len, char *out);
/* Decode exactly outlen bytes from a 2*outlen-character string; 0 or -1. */
int	hex_decode(const char *, uint8_t *out, size_t outlen);

#endif

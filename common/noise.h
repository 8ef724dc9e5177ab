/*
 * Noise protocol framework (revision 34) for the suite 25519_ChaChaPoly_BLAKE2b,
 * built from libsodium primitives.  Handshake patterns are interpreted from
 * token tables, so every fundamental and psk pattern of the spec works; Pawprint
 * itself uses IK (sessions) and IKpsk2 (enrollment).
 */
#ifndef NOISE_H
#define NOISE_H

#include <stddef.h>
#include <stdint.h>

#define NOISE_KEYLEN	32
#define NOISE_HASHLEN	64
#define NOISE_TAGLEN	16
#define NOISE_MAXMSG	65535

/* Cipher state after Split(): one per direction. */
struct noise_cs {
	uint8_t		k[NOISE_KEYLEN];
	uint64_t	n;
	int		has_key;
};

struct noise_hs;

/*
 * Create a handshake state for a full protocol name such as
 * "Noise_IK_25519_ChaChaPoly_BLAKE2b" or "Noise_IKpsk2_25519_ChaChaPoly_BLAKE2b".
 * s_priv: our static private key (NULL if the pattern has none for us);
 * rs_pub: the peer's static public key known in advance (NULL if none);
 * psks/npsk: pre-shared keys in the order the psk tokens appear.
 * Returns NULL if the name is not a supported protocol or a required key is
 * missing.  The caller frees with noise_hs_free(), which wipes all secrets.
 */
struct noise_hs	*noise_hs_create(const char *protocol_name, int initiator,
		    const uint8_t *prologue, size_t prologue_len,
		    const uint8_t *s_priv, const uint8_t *rs_pub,
		    const uint8_t (*psks)[32], size_t npsk);
void		 noise_hs_free(struct noise_hs *);

/* Test hook: the next GENERATE_KEYPAIR returns this private key. */
void		 noise_hs_set_ephemeral(struct noise_hs *, const uint8_t priv[32]);

/*
 * Write the next handshake message carrying payload into out (capacity
 * outcap).  Returns 0 and sets *outlen, or -1 (wrong turn, too long, bad
 * key).
 */
int		 noise_hs_write(struct noise_hs *, const uint8_t *payload,
		    size_t payload_len, uint8_t *out, size_t outcap,
		    size_t *outlen);
/*
 * Read the next handshake message; the decrypted payload goes into
 * payload (capacity cap), its length into *payload_len.  Returns 0, or -1
 * on any failure (short message, bad tag, low-order key, wrong turn).
 */
int		 noise_hs_read(struct noise_hs *, const uint8_t *msg,
		    size_t len, uint8_t *payload, size_t cap,
		    size_t *payload_len);
/* 1 when every message pattern has been processed, else 0. */
int		 noise_hs_done(const struct noise_hs *);
/* 1 if it is our turn to write. */
int		 noise_hs_my_turn(const struct noise_hs *);
/* The peer's static public key once known (borrowed), else NULL. */
const uint8_t	*noise_hs_remote_static(const struct noise_hs *);
/* Our static public key (borrowed), or NULL. */
const uint8_t	*noise_hs_local_static(const struct noise_hs *);
/* Copy h (64 bytes). */
void		 noise_hs_hash(const struct noise_hs *, uint8_t out[NOISE_HASHLEN]);
/*
 * After the handshake: fill the sending and receiving cipher states
 * (initiator sends with c1, responder with c2).  Returns 0 or -1 if the
 * handshake is not finished.
 */
int		 noise_hs_split(struct noise_hs *, struct noise_cs *send,
		    struct noise_cs *recv);

/*
 * Transport encryption with associated data ad.  out must hold len + 16
 * bytes (encrypt) or len - 16 (decrypt).  Return 0, or -1 on a bad tag,
 * short input or exhausted nonce.  Decryption failure leaves n unchanged.
 */
int		 noise_cs_encrypt(struct noise_cs *, const uint8_t *ad,
		    size_t adlen, const uint8_t *pt, size_t len, uint8_t *out);
int		 noise_cs_decrypt(struct noise_cs *, const uint8_t *ad,
		    size_t adlen, const uint8_t *ct, size_t len, uint8_t *out);
/* Rekey() as the spec defines it. */
void		 noise_cs_rekey(struct noise_cs *);

/* X25519 helpers: make a keypair / derive the public key. */
void		 noise_keypair(uint8_t priv[32], uint8_t pub[32]);
int		 noise_pubkey(const uint8_t priv[32], uint8_t pub[32]);

#endif

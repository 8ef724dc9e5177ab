/*
 * Noise Protocol Framework, revision 34, for the one suite
 * 25519_ChaChaPoly_BLAKE2b, built only from libsodium 1.0.18 primitives.
 *
 * Patterns are written below as the spec prints them and parsed into a token
 * table when a handshake state is created; one engine then runs any of them:
 * one-way, interactive, deferred, each with any pskN modifiers.  Pawprint
 * itself uses IK (sessions) and IKpsk2 (enrollment).  libsodium has no
 * HMAC-BLAKE2b, so HMAC and HKDF are written out here as the spec defines
 * them.
 *
 * noise_hs_write() works on a copy of the state and keeps it only on success,
 * so a caller may retry with a bigger buffer.  A failed noise_hs_read() means
 * the peer sent something bad: the handshake is dead from then on and every
 * later call fails, so a half-updated h or ck is never used.
 */
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "noise.h"

#define BLOCKLEN	128	/* BLAKE2b block, for HMAC */
#define DHLEN		32
#define MAX_MSGS	4	/* the longest pattern has four messages */
#define MAX_TOKS	8
#define MAX_PSKS	4

static const char noise_suffix[] = "_25519_ChaChaPoly_BLAKE2b";

enum noise_tok {
	TOK_END, TOK_E, TOK_S, TOK_EE, TOK_ES, TOK_SE, TOK_SS, TOK_PSK,
	TOK_COUNT
};

static const char *tok_names[TOK_COUNT] = {
	[TOK_E] = "e", [TOK_S] = "s", [TOK_EE] = "ee", [TOK_ES] = "es",
	[TOK_SE] = "se", [TOK_SS] = "ss", [TOK_PSK] = "psk",
};

/* Messages separated by '|', tokens by ' '; pre-messages as flags. */
struct noise_pattern {
	const char	*name;
	int		 pre;
#define PRE_INIT_S	0x1	/* -> s: the responder knows the initiator's s */
#define PRE_RESP_S	0x2	/* <- s: the initiator knows the responder's s */
	const char	*msgs;
};

static const struct noise_pattern noise_patterns[] = {
	/* One-way (section 7.4). */
	{ "N", PRE_RESP_S, "e es" },
	{ "K", PRE_INIT_S|PRE_RESP_S, "e es ss" },
	{ "X", PRE_RESP_S, "e es s ss" },
	/* Interactive fundamental (section 7.5). */
	{ "NN", 0, "e|e ee" },
	{ "NK", PRE_RESP_S, "e es|e ee" },
	{ "NX", 0, "e|e ee s es" },
	{ "XN", 0, "e|e ee|s se" },
	{ "XK", PRE_RESP_S, "e es|e ee|s se" },
	{ "XX", 0, "e|e ee s es|s se" },
	{ "KN", PRE_INIT_S, "e|e ee se" },
	{ "KK", PRE_INIT_S|PRE_RESP_S, "e es ss|e ee se" },
	{ "KX", PRE_INIT_S, "e|e ee se s es" },
	{ "IN", 0, "e s|e ee se" },
	{ "IK", PRE_RESP_S, "e es s ss|e ee se" },
	{ "IX", 0, "e s|e ee se s es" },
	/* Deferred (section 18). */
	{ "NK1", PRE_RESP_S, "e|e ee es" },
	{ "NX1", 0, "e|e ee s|es" },
	{ "X1N", 0, "e|e ee|s|se" },
	{ "X1K", PRE_RESP_S, "e es|e ee|s|se" },
	{ "XK1", PRE_RESP_S, "e|e ee es|s se" },
	{ "X1K1", PRE_RESP_S, "e|e ee es|s|se" },
	{ "X1X", 0, "e|e ee s es|s|se" },
	{ "XX1", 0, "e|e ee s|es s se" },
	{ "X1X1", 0, "e|e ee s|es s|se" },
	{ "K1N", PRE_INIT_S, "e|e ee|se" },
	{ "K1K", PRE_INIT_S|PRE_RESP_S, "e es|e ee|se" },
	{ "KK1", PRE_INIT_S|PRE_RESP_S, "e|e ee se es" },
	{ "K1K1", PRE_INIT_S|PRE_RESP_S, "e|e ee es|se" },
	{ "K1X", PRE_INIT_S, "e|e ee s es|se" },
	{ "KX1", PRE_INIT_S, "e|e ee se s|es" },
	{ "K1X1", PRE_INIT_S, "e|e ee s|se es" },
	{ "I1N", 0, "e s|e ee|se" },
	{ "I1K", PRE_RESP_S, "e es s|e ee|se" },
	{ "IK1", PRE_RESP_S, "e s|e ee se es" },
	{ "I1K1", PRE_RESP_S, "e s|e ee es|se" },
	{ "I1X", 0, "e s|e ee s es|se" },
	{ "IX1", 0, "e s|e ee se s|es" },
	{ "I1X1", 0, "e s|e ee s|se es" },
};

struct noise_hs {
	uint8_t		 ck[NOISE_HASHLEN];
	uint8_t		 h[NOISE_HASHLEN];
	struct noise_cs	 cs;		/* k and n of the SymmetricState */
	uint8_t		 s[DHLEN], s_pub[DHLEN];
	uint8_t		 e[DHLEN], e_pub[DHLEN];
	uint8_t		 rs[DHLEN], re[DHLEN];
	uint8_t		 fixed_e[DHLEN];
	uint8_t		 psks[MAX_PSKS][32];
	size_t		 npsk;
	size_t		 next_psk;
	uint8_t		 toks[MAX_MSGS][MAX_TOKS];	/* TOK_END-terminated */
	int		 nmsgs;
	int		 msg;		/* index of the next message */
	int		 flags;
#define HS_INITIATOR	0x1
#define HS_ONEWAY	0x2
#define HS_PSK		0x4	/* "e" also does MixKey */
#define HS_HAS_S	0x8
#define HS_HAS_E	0x10
#define HS_HAS_RS	0x20
#define HS_HAS_RE	0x40
#define HS_FIXED_E	0x80	/* test hook: the next "e" is fixed_e */
#define HS_FAILED	0x100
};

/* BLAKE2b-512 of a || b. */
static void
noise_hash(uint8_t out[NOISE_HASHLEN], const uint8_t *a, size_t alen,
    const uint8_t *b, size_t blen)
{
	crypto_generichash_state	st;

	crypto_generichash_init(&st, NULL, 0, NOISE_HASHLEN);
	crypto_generichash_update(&st, a, alen);
	crypto_generichash_update(&st, b, blen);
	crypto_generichash_final(&st, out, NOISE_HASHLEN);
	sodium_memzero(&st, sizeof st);
}

/* HMAC-BLAKE2b (RFC 2104) with a HASHLEN key over a || b. */
static void
noise_hmac(uint8_t out[NOISE_HASHLEN], const uint8_t key[NOISE_HASHLEN],
    const uint8_t *a, size_t alen, const uint8_t *b, size_t blen)
{
	uint8_t				pad[BLOCKLEN], inner[NOISE_HASHLEN];
	crypto_generichash_state	st;
	size_t				i;

	memset(pad, 0x36, sizeof pad);
	for (i = 0; i < NOISE_HASHLEN; i++)
		pad[i] ^= key[i];
	crypto_generichash_init(&st, NULL, 0, NOISE_HASHLEN);
	crypto_generichash_update(&st, pad, sizeof pad);
	crypto_generichash_update(&st, a, alen);
	crypto_generichash_update(&st, b, blen);
	crypto_generichash_final(&st, inner, sizeof inner);

	memset(pad, 0x5c, sizeof pad);
	for (i = 0; i < NOISE_HASHLEN; i++)
		pad[i] ^= key[i];
	noise_hash(out, pad, sizeof pad, inner, sizeof inner);

	sodium_memzero(pad, sizeof pad);
	sodium_memzero(inner, sizeof inner);
	sodium_memzero(&st, sizeof st);
}

/* HKDF(ck, ikm) with two outputs, or three when o3 is not NULL. */
static void
noise_hkdf(const uint8_t ck[NOISE_HASHLEN], const uint8_t *ikm, size_t ikmlen,
    uint8_t o1[NOISE_HASHLEN], uint8_t o2[NOISE_HASHLEN],
    uint8_t o3[NOISE_HASHLEN])
{
	uint8_t	temp[NOISE_HASHLEN], t1[NOISE_HASHLEN], t2[NOISE_HASHLEN];
	uint8_t	b1 = 1, b2 = 2, b3 = 3;

	noise_hmac(temp, ck, ikm, ikmlen, NULL, 0);
	noise_hmac(t1, temp, &b1, 1, NULL, 0);
	noise_hmac(t2, temp, t1, sizeof t1, &b2, 1);
	if (o3 != NULL)
		noise_hmac(o3, temp, t2, sizeof t2, &b3, 1);
	/* o1 is often ck itself, so it is written only once ck is read. */
	memcpy(o1, t1, NOISE_HASHLEN);
	memcpy(o2, t2, NOISE_HASHLEN);
	sodium_memzero(temp, sizeof temp);
	sodium_memzero(t1, sizeof t1);
	sodium_memzero(t2, sizeof t2);
}

/* The 96-bit nonce: 32 zero bits, then n little-endian. */
static void
noise_nonce(uint8_t out[12], uint64_t n)
{
	int	i;

	memset(out, 0, 4);
	for (i = 0; i < 8; i++)
		out[4 + i] = (uint8_t)(n >> (8 * i));
}

int
noise_cs_encrypt(struct noise_cs *cs, const uint8_t *ad, size_t adlen,
    const uint8_t *pt, size_t len, uint8_t *out)
{
	uint8_t	nonce[12];

	if (!cs->has_key) {
		if (len > 0)
			memmove(out, pt, len);
		return 0;
	}
	/* 2^64-1 is reserved for Rekey: it never encrypts a message. */
	if (cs->n == UINT64_MAX || len > NOISE_MAXMSG - NOISE_TAGLEN)
		return -1;
	noise_nonce(nonce, cs->n);
	crypto_aead_chacha20poly1305_ietf_encrypt(out, NULL, pt, len, ad, adlen,
	    NULL, nonce, cs->k);
	cs->n++;
	return 0;
}

int
noise_cs_decrypt(struct noise_cs *cs, const uint8_t *ad, size_t adlen,
    const uint8_t *ct, size_t len, uint8_t *out)
{
	uint8_t	nonce[12];

	if (!cs->has_key) {
		if (len > 0)
			memmove(out, ct, len);
		return 0;
	}
	if (cs->n == UINT64_MAX || len < NOISE_TAGLEN || len > NOISE_MAXMSG)
		return -1;
	noise_nonce(nonce, cs->n);
	if (crypto_aead_chacha20poly1305_ietf_decrypt(out, NULL, NULL, ct, len,
	    ad, adlen, nonce, cs->k) != 0)
		return -1;
	cs->n++;
	return 0;
}

void
noise_cs_rekey(struct noise_cs *cs)
{
	uint8_t	nonce[12], zeros[NOISE_KEYLEN], out[NOISE_KEYLEN + NOISE_TAGLEN];

	if (!cs->has_key)
		return;
	memset(zeros, 0, sizeof zeros);
	noise_nonce(nonce, UINT64_MAX);
	crypto_aead_chacha20poly1305_ietf_encrypt(out, NULL, zeros, sizeof zeros,
	    NULL, 0, NULL, nonce, cs->k);
	memcpy(cs->k, out, NOISE_KEYLEN);
	sodium_memzero(out, sizeof out);
}

static void
hs_mix_hash(struct noise_hs *hs, const uint8_t *data, size_t len)
{
	noise_hash(hs->h, hs->h, NOISE_HASHLEN, data, len);
}

/* MixKey, or MixKeyAndHash if and_hash; the key is truncated to 32 bytes. */
static void
hs_mix_key(struct noise_hs *hs, const uint8_t *ikm, size_t len, int and_hash)
{
	uint8_t	k[NOISE_HASHLEN], th[NOISE_HASHLEN];

	if (and_hash) {
		noise_hkdf(hs->ck, ikm, len, hs->ck, th, k);
		hs_mix_hash(hs, th, sizeof th);
	} else
		noise_hkdf(hs->ck, ikm, len, hs->ck, k, NULL);
	memcpy(hs->cs.k, k, NOISE_KEYLEN);
	hs->cs.n = 0;
	hs->cs.has_key = 1;
	sodium_memzero(k, sizeof k);
	sodium_memzero(th, sizeof th);
}

/* Bytes EncryptAndHash adds to a plaintext in the current state. */
static size_t
hs_overhead(const struct noise_hs *hs)
{
	return hs->cs.has_key ? NOISE_TAGLEN : 0;
}

static int
hs_encrypt_and_hash(struct noise_hs *hs, const uint8_t *pt, size_t len,
    uint8_t *out)
{
	if (noise_cs_encrypt(&hs->cs, hs->h, NOISE_HASHLEN, pt, len, out) != 0)
		return -1;
	hs_mix_hash(hs, out, len + hs_overhead(hs));
	return 0;
}

/* ct is len bytes, tag included; out gets len - overhead bytes. */
static int
hs_decrypt_and_hash(struct noise_hs *hs, const uint8_t *ct, size_t len,
    uint8_t *out)
{
	if (noise_cs_decrypt(&hs->cs, hs->h, NOISE_HASHLEN, ct, len, out) != 0)
		return -1;
	hs_mix_hash(hs, ct, len);
	return 0;
}

void
noise_keypair(uint8_t priv[32], uint8_t pub[32])
{
	randombytes_buf(priv, 32);
	crypto_scalarmult_base(pub, priv);
}

int
noise_pubkey(const uint8_t priv[32], uint8_t pub[32])
{
	return crypto_scalarmult_base(pub, priv) == 0 ? 0 : -1;
}

/*
 * One DH token (ee es se ss) from our side, then MixKey.  An all-zero
 * result, which is what a low-order public key gives, is a failure
 * (crypto_scalarmult checks too; the test is kept for clarity).
 */
static int
hs_dh(struct noise_hs *hs, int tok)
{
	uint8_t		 out[DHLEN];
	const uint8_t	*priv, *pub;
	int		 ours_e, theirs_e, init = hs->flags & HS_INITIATOR;
	int		 rc = -1;

	/* The first letter is the initiator's key, the second the responder's. */
	ours_e = tok == TOK_EE || (tok == TOK_ES && init) ||
	    (tok == TOK_SE && !init);
	theirs_e = tok == TOK_EE || (tok == TOK_ES && !init) ||
	    (tok == TOK_SE && init);
	if (!(hs->flags & (ours_e ? HS_HAS_E : HS_HAS_S)) ||
	    !(hs->flags & (theirs_e ? HS_HAS_RE : HS_HAS_RS)))
		return -1;
	priv = ours_e ? hs->e : hs->s;
	pub = theirs_e ? hs->re : hs->rs;
	if (crypto_scalarmult(out, priv, pub) == 0 &&
	    !sodium_is_zero(out, sizeof out)) {
		hs_mix_key(hs, out, sizeof out, 0);
		rc = 0;
	}
	sodium_memzero(out, sizeof out);
	return rc;
}

static int
hs_psk(struct noise_hs *hs)
{
	if (hs->next_psk >= hs->npsk)
		return -1;
	hs_mix_key(hs, hs->psks[hs->next_psk++], 32, 1);
	return 0;
}

/* Parse a pattern's message string into the token table. */
static int
hs_parse_msgs(struct noise_hs *hs, const char *c)
{
	size_t	len;
	int	m = 0, t = 0, tok;

	memset(hs->toks, 0, sizeof hs->toks);
	while (*c != '\0') {
		len = strcspn(c, " |");
		for (tok = TOK_E; tok < TOK_COUNT; tok++) {
			if (strlen(tok_names[tok]) == len &&
			    strncmp(tok_names[tok], c, len) == 0)
				break;
		}
		if (tok == TOK_COUNT || t >= MAX_TOKS - 1)
			return -1;
		hs->toks[m][t++] = (uint8_t)tok;
		c += len;
		if (*c == '|') {
			if (++m >= MAX_MSGS)
				return -1;
			t = 0;
		}
		if (*c != '\0')
			c++;
	}
	hs->nmsgs = m + 1;
	return 0;
}

/* Add a psk token: psk0 opens message 0, pskN closes message N-1. */
static int
hs_add_psk(struct noise_hs *hs, int n)
{
	uint8_t	*row;
	size_t	 len;

	if (n < 0 || n > hs->nmsgs)
		return -1;
	row = hs->toks[n == 0 ? 0 : n - 1];
	len = strlen((char *)row);
	if (len >= MAX_TOKS - 1)
		return -1;
	if (n == 0) {
		memmove(row + 1, row, len);
		row[0] = TOK_PSK;
	} else
		row[len] = TOK_PSK;
	hs->flags |= HS_PSK;
	return 0;
}

/*
 * Parse "Noise_<pattern><modifiers>_25519_ChaChaPoly_BLAKE2b" and build the
 * token table.  Modifiers are "pskN" joined by '+'.  Returns the pattern and
 * sets *npsk to the number of psk tokens, or returns NULL.
 */
static const struct noise_pattern *
hs_parse_name(struct noise_hs *hs, const char *name, size_t *npsk)
{
	const struct noise_pattern	*p = NULL;
	const char			*mid, *mods = NULL;
	size_t				 i, len, plen, slen;

	slen = sizeof noise_suffix - 1;
	len = strlen(name);
	if (strncmp(name, "Noise_", 6) != 0 || len < 6 + slen ||
	    strcmp(name + len - slen, noise_suffix) != 0)
		return NULL;
	mid = name + 6;
	len -= 6 + slen;
	for (i = 0; i < sizeof noise_patterns / sizeof noise_patterns[0]; i++) {
		p = &noise_patterns[i];
		plen = strlen(p->name);
		if (plen <= len && strncmp(mid, p->name, plen) == 0 &&
		    (plen == len || strncmp(mid + plen, "psk", 3) == 0)) {
			mods = mid + plen;
			break;
		}
	}
	if (mods == NULL || hs_parse_msgs(hs, p->msgs) != 0)
		return NULL;
	/* What follows the pattern: nothing, or "pskN" joined by '+'. */
	len -= (size_t)(mods - mid);
	for (*npsk = 0; len > 0; (*npsk)++) {
		if (len < 4 || strncmp(mods, "psk", 3) != 0 ||
		    mods[3] < '0' || mods[3] > '9' || *npsk >= MAX_PSKS ||
		    hs_add_psk(hs, mods[3] - '0') != 0)
			return NULL;
		mods += 4;
		len -= 4;
		if (len > 0) {
			if (*mods != '+' || len == 1)
				return NULL;
			mods++;
			len--;
		}
	}
	return p;
}

/* Whether message m is ours to send. */
static int
hs_sender(const struct noise_hs *hs, int m)
{
	int	init = (hs->flags & HS_INITIATOR) != 0;

	if ((hs->flags & HS_ONEWAY) || m % 2 == 0)
		return init;
	return !init;
}

/* Whether we send an "s" token somewhere in the pattern. */
static int
hs_sends_s(const struct noise_hs *hs)
{
	int	m;

	for (m = 0; m < hs->nmsgs; m++) {
		if (hs_sender(hs, m) && strchr((char *)hs->toks[m], TOK_S))
			return 1;
	}
	return 0;
}

/*
 * InitializeSymmetric, MixHash(prologue), then the pre-messages: the
 * initiator's static key first, then the responder's.
 */
static int
hs_init_symmetric(struct noise_hs *hs, const char *name, int pre,
    const uint8_t *prologue, size_t prologue_len)
{
	size_t	len = strlen(name);
	int	init = hs->flags & HS_INITIATOR;

	if (len <= NOISE_HASHLEN)
		memcpy(hs->h, name, len);
	else
		noise_hash(hs->h, (const uint8_t *)name, len, NULL, 0);
	memcpy(hs->ck, hs->h, NOISE_HASHLEN);
	hs_mix_hash(hs, prologue, prologue_len);
	if (pre & PRE_INIT_S) {
		if (!(hs->flags & (init ? HS_HAS_S : HS_HAS_RS)))
			return -1;
		hs_mix_hash(hs, init ? hs->s_pub : hs->rs, DHLEN);
	}
	if (pre & PRE_RESP_S) {
		if (!(hs->flags & (init ? HS_HAS_RS : HS_HAS_S)))
			return -1;
		hs_mix_hash(hs, init ? hs->rs : hs->s_pub, DHLEN);
	}
	return 0;
}

struct noise_hs *
noise_hs_create(const char *name, int initiator, const uint8_t *prologue,
    size_t prologue_len, const uint8_t *s_priv, const uint8_t *rs_pub,
    const uint8_t (*psks)[32], size_t npsk)
{
	struct noise_hs			*hs;
	const struct noise_pattern	*p;
	size_t				 want;

	if ((hs = calloc(1, sizeof *hs)) == NULL)
		return NULL;
	if (initiator)
		hs->flags |= HS_INITIATOR;
	if ((p = hs_parse_name(hs, name, &want)) == NULL || npsk != want ||
	    (npsk > 0 && psks == NULL))
		goto bad;
	if (strlen(p->name) == 1)
		hs->flags |= HS_ONEWAY;
	if (npsk > 0)
		memcpy(hs->psks, psks, npsk * sizeof psks[0]);
	hs->npsk = npsk;
	if (s_priv != NULL) {
		memcpy(hs->s, s_priv, DHLEN);
		crypto_scalarmult_base(hs->s_pub, hs->s);
		hs->flags |= HS_HAS_S;
	} else if (hs_sends_s(hs))
		goto bad;
	/* The peer's static key is known in advance only by a pre-message. */
	if (rs_pub != NULL &&
	    (p->pre & (initiator ? PRE_RESP_S : PRE_INIT_S))) {
		memcpy(hs->rs, rs_pub, DHLEN);
		hs->flags |= HS_HAS_RS;
	}
	if (hs_init_symmetric(hs, name, p->pre, prologue, prologue_len) != 0)
		goto bad;
	return hs;
bad:
	noise_hs_free(hs);
	return NULL;
}

void
noise_hs_free(struct noise_hs *hs)
{
	if (hs == NULL)
		return;
	sodium_memzero(hs, sizeof *hs);
	free(hs);
}

void
noise_hs_set_ephemeral(struct noise_hs *hs, const uint8_t priv[32])
{
	memcpy(hs->fixed_e, priv, DHLEN);
	hs->flags |= HS_FIXED_E;
}

int
noise_hs_done(const struct noise_hs *hs)
{
	return !(hs->flags & HS_FAILED) && hs->msg >= hs->nmsgs;
}

int
noise_hs_my_turn(const struct noise_hs *hs)
{
	if ((hs->flags & HS_FAILED) || hs->msg >= hs->nmsgs)
		return 0;
	return hs_sender(hs, hs->msg);
}

const uint8_t *
noise_hs_remote_static(const struct noise_hs *hs)
{
	return (hs->flags & HS_HAS_RS) ? hs->rs : NULL;
}

const uint8_t *
noise_hs_local_static(const struct noise_hs *hs)
{
	return (hs->flags & HS_HAS_S) ? hs->s_pub : NULL;
}

void
noise_hs_hash(const struct noise_hs *hs, uint8_t out[NOISE_HASHLEN])
{
	memcpy(out, hs->h, NOISE_HASHLEN);
}

/* One token of an outgoing message; *off moves past what it wrote. */
static int
hs_write_token(struct noise_hs *hs, int tok, uint8_t *out, size_t cap,
    size_t *off)
{
	size_t	n;

	switch (tok) {
	case TOK_E:
		if (cap - *off < DHLEN)
			return -1;
		if (hs->flags & HS_FIXED_E)
			memcpy(hs->e, hs->fixed_e, DHLEN);
		else
			randombytes_buf(hs->e, DHLEN);
		hs->flags = (hs->flags & ~HS_FIXED_E) | HS_HAS_E;
		crypto_scalarmult_base(hs->e_pub, hs->e);
		memcpy(out + *off, hs->e_pub, DHLEN);
		*off += DHLEN;
		hs_mix_hash(hs, hs->e_pub, DHLEN);
		if (hs->flags & HS_PSK)
			hs_mix_key(hs, hs->e_pub, DHLEN, 0);
		return 0;
	case TOK_S:
		n = DHLEN + hs_overhead(hs);
		if (!(hs->flags & HS_HAS_S) || cap - *off < n ||
		    hs_encrypt_and_hash(hs, hs->s_pub, DHLEN, out + *off) != 0)
			return -1;
		*off += n;
		return 0;
	case TOK_PSK:
		return hs_psk(hs);
	default:
		return hs_dh(hs, tok);
	}
}

/* Write the next message with a working copy of the state. */
static int
hs_write_msg(struct noise_hs *hs, const uint8_t *payload, size_t payload_len,
    uint8_t *out, size_t cap, size_t *outlen)
{
	const uint8_t	*t;
	size_t		 off = 0;

	if (cap > NOISE_MAXMSG)
		cap = NOISE_MAXMSG;
	for (t = hs->toks[hs->msg]; *t != TOK_END; t++) {
		if (hs_write_token(hs, *t, out, cap, &off) != 0)
			return -1;
	}
	if (payload_len > cap - off ||
	    payload_len + hs_overhead(hs) > cap - off ||
	    hs_encrypt_and_hash(hs, payload, payload_len, out + off) != 0)
		return -1;
	*outlen = off + payload_len + hs_overhead(hs);
	hs->msg++;
	return 0;
}

int
noise_hs_write(struct noise_hs *hs, const uint8_t *payload,
    size_t payload_len, uint8_t *out, size_t outcap, size_t *outlen)
{
	struct noise_hs	work;
	int		rc = -1;

	if (!noise_hs_my_turn(hs))
		return -1;
	memcpy(&work, hs, sizeof work);
	if (hs_write_msg(&work, payload, payload_len, out, outcap, outlen) == 0) {
		memcpy(hs, &work, sizeof *hs);
		rc = 0;
	}
	sodium_memzero(&work, sizeof work);
	return rc;
}

/* One token of an incoming message; *off moves past what it read. */
static int
hs_read_token(struct noise_hs *hs, int tok, const uint8_t *msg, size_t len,
    size_t *off)
{
	size_t	n;

	switch (tok) {
	case TOK_E:
		if (len - *off < DHLEN)
			return -1;
		memcpy(hs->re, msg + *off, DHLEN);
		hs->flags |= HS_HAS_RE;
		*off += DHLEN;
		hs_mix_hash(hs, hs->re, DHLEN);
		if (hs->flags & HS_PSK)
			hs_mix_key(hs, hs->re, DHLEN, 0);
		return 0;
	case TOK_S:
		n = DHLEN + hs_overhead(hs);
		if (len - *off < n ||
		    hs_decrypt_and_hash(hs, msg + *off, n, hs->rs) != 0)
			return -1;
		hs->flags |= HS_HAS_RS;
		*off += n;
		return 0;
	case TOK_PSK:
		return hs_psk(hs);
	default:
		return hs_dh(hs, tok);
	}
}

int
noise_hs_read(struct noise_hs *hs, const uint8_t *msg, size_t len,
    uint8_t *payload, size_t cap, size_t *payload_len)
{
	const uint8_t	*t;
	size_t		 off = 0, n;

	if ((hs->flags & HS_FAILED) || hs->msg >= hs->nmsgs ||
	    noise_hs_my_turn(hs))
		return -1;	/* not ours to read: the state is unchanged */
	if (len > NOISE_MAXMSG)
		goto fail;
	for (t = hs->toks[hs->msg]; *t != TOK_END; t++) {
		if (hs_read_token(hs, *t, msg, len, &off) != 0)
			goto fail;
	}
	n = len - off;
	if (n < hs_overhead(hs) || n - hs_overhead(hs) > cap ||
	    hs_decrypt_and_hash(hs, msg + off, n, payload) != 0)
		goto fail;
	*payload_len = n - hs_overhead(hs);
	hs->msg++;
	return 0;
fail:
	hs->flags |= HS_FAILED;
	return -1;
}

int
noise_hs_split(struct noise_hs *hs, struct noise_cs *send,
    struct noise_cs *recv)
{
	uint8_t	k1[NOISE_HASHLEN], k2[NOISE_HASHLEN];
	int	init = hs->flags & HS_INITIATOR;

	if (!noise_hs_done(hs))
		return -1;
	noise_hkdf(hs->ck, NULL, 0, k1, k2, NULL);
	memset(send, 0, sizeof *send);
	memset(recv, 0, sizeof *recv);
	memcpy(send->k, init ? k1 : k2, NOISE_KEYLEN);
	memcpy(recv->k, init ? k2 : k1, NOISE_KEYLEN);
	send->has_key = recv->has_key = 1;
	sodium_memzero(k1, sizeof k1);
	sodium_memzero(k2, sizeof k2);
	return 0;
}

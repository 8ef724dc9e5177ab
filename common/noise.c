/*
 * Noise protocol framework, revision 34, suite 25519_ChaChaPoly_BLAKE2b, from
 * libsodium primitives.  Handshake patterns are token tables interpreted by
 * one engine, so every fundamental and deferred pattern and the psk variants
 * work; the published cacophony vectors check it byte for byte.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "noise.h"
#include "xmalloc.h"

enum tok { T_E = 1, T_S, T_EE, T_ES, T_SE, T_SS, T_PSK, T_END };

/* Pre-messages: bit 1 initiator's s is known to the responder, bit 2 the reverse. */
struct pattern {
	const char	*name;
	int		 pre;
	const char	*msgs;	/* messages separated by '|', tokens by ' ' */
};

#define PRE_IS	0x1
#define PRE_RS	0x2

static const struct pattern patterns[] = {
	{ "N",  PRE_RS, "e es" },
	{ "K",  PRE_IS | PRE_RS, "e es ss" },
	{ "X",  PRE_RS, "e es s ss" },
	{ "NN", 0, "e|e ee" },
	{ "NK", PRE_RS, "e es|e ee" },
	{ "NX", 0, "e|e ee s es" },
	{ "XN", 0, "e|e ee|s se" },
	{ "XK", PRE_RS, "e es|e ee|s se" },
	{ "XX", 0, "e|e ee s es|s se" },
	{ "KN", PRE_IS, "e|e ee se" },
	{ "KK", PRE_IS | PRE_RS, "e es ss|e ee se" },
	{ "KX", PRE_IS, "e|e ee se s es" },
	{ "IN", 0, "e s|e ee se" },
	{ "IK", PRE_RS, "e es s ss|e ee se" },
	{ "IX", 0, "e s|e ee se s es" },
	/* Deferred patterns (section 18). */
	{ "NK1", PRE_RS, "e|e ee es" },
	{ "NX1", 0, "e|e ee s|es" },
	{ "X1N", 0, "e|e ee|s|se" },
	{ "X1K", PRE_RS, "e es|e ee|s|se" },
	{ "XK1", PRE_RS, "e|e ee es|s se" },
	{ "X1K1", PRE_RS, "e|e ee es|s|se" },
	{ "X1X", 0, "e|e ee s es|s|se" },
	{ "XX1", 0, "e|e ee s|es s se" },
	{ "X1X1", 0, "e|e ee s|es s|se" },
	{ "K1N", PRE_IS, "e|e ee|se" },
	{ "K1K", PRE_IS | PRE_RS, "e es|e ee|se" },
	{ "KK1", PRE_IS | PRE_RS, "e|e ee se es" },
	{ "K1K1", PRE_IS | PRE_RS, "e|e ee es|se" },
	{ "K1X", PRE_IS, "e|e ee s es|se" },
	{ "KX1", PRE_IS, "e|e ee se s|es" },
	{ "K1X1", PRE_IS, "e|e ee s|se es" },
	{ "I1N", 0, "e s|e ee|se" },
	{ "I1K", PRE_RS, "e es s|e ee|se" },
	{ "IK1", PRE_RS, "e s|e ee se es" },
	{ "I1K1", PRE_RS, "e s|e ee es|se" },
	{ "I1X", 0, "e s|e ee s es|se" },
	{ "IX1", 0, "e s|e ee se s|es" },
	{ "I1X1", 0, "e s|e ee s|se es" },
};

#define MAX_MSGS	5
#define MAX_TOKS	8

struct noise_hs {
	uint8_t		 ck[NOISE_HASHLEN];
	uint8_t		 h[NOISE_HASHLEN];
	struct noise_cs	 cs;
	int		 initiator;
	int		 oneway;
	int		 has_psk;
	uint8_t		 s[32], s_pub[32];
	uint8_t		 e[32], e_pub[32];
	uint8_t		 rs[32], re[32];
	int		 has_s, has_e, has_rs, has_re;
	uint8_t		 fixed_e[32];
	int		 has_fixed_e;
	uint8_t		 psks[4][32];
	size_t		 npsk, next_psk;
	uint8_t		 toks[MAX_MSGS][MAX_TOKS];
	int		 nmsgs;
	int		 msg;		/* next message index */
};

static void
hash2(uint8_t out[NOISE_HASHLEN], const uint8_t *a, size_t alen,
    const uint8_t *b, size_t blen)
{
	crypto_generichash_state	st;

	crypto_generichash_init(&st, NULL, 0, NOISE_HASHLEN);
	crypto_generichash_update(&st, a, alen);
	crypto_generichash_update(&st, b, blen);
	crypto_generichash_final(&st, out, NOISE_HASHLEN);
}

/* HMAC-BLAKE2b (block 128 bytes) over the concatenation of two inputs. */
static void
hmac(uint8_t out[NOISE_HASHLEN], const uint8_t *key, size_t klen,
    const uint8_t *a, size_t alen, const uint8_t *b, size_t blen)
{
	uint8_t				 k[128], pad[128], inner[NOISE_HASHLEN];
	crypto_generichash_state	 st;
	size_t				 i;

	memset(k, 0, sizeof k);
	memcpy(k, key, klen);	/* keys are at most HASHLEN here */
	for (i = 0; i < 128; i++)
		pad[i] = k[i] ^ 0x36;
	crypto_generichash_init(&st, NULL, 0, NOISE_HASHLEN);
	crypto_generichash_update(&st, pad, 128);
	crypto_generichash_update(&st, a, alen);
	if (blen > 0)
		crypto_generichash_update(&st, b, blen);
	crypto_generichash_final(&st, inner, NOISE_HASHLEN);
	for (i = 0; i < 128; i++)
		pad[i] = k[i] ^ 0x5c;
	crypto_generichash_init(&st, NULL, 0, NOISE_HASHLEN);
	crypto_generichash_update(&st, pad, 128);
	crypto_generichash_update(&st, inner, NOISE_HASHLEN);
	crypto_generichash_final(&st, out, NOISE_HASHLEN);
	sodium_memzero(k, sizeof k);
	sodium_memzero(pad, sizeof pad);
	sodium_memzero(inner, sizeof inner);
}

/* HKDF with two or three outputs of HASHLEN bytes. */
static void
hkdf(const uint8_t ck[NOISE_HASHLEN], const uint8_t *ikm, size_t ikmlen,
    uint8_t *o1, uint8_t *o2, uint8_t *o3)
{
	uint8_t	temp[NOISE_HASHLEN], one = 1, two = 2, three = 3;
	uint8_t	t1[NOISE_HASHLEN], t2[NOISE_HASHLEN], t3[NOISE_HASHLEN];

	hmac(temp, ck, NOISE_HASHLEN, ikm, ikmlen, NULL, 0);
	hmac(t1, temp, NOISE_HASHLEN, &one, 1, NULL, 0);
	hmac(t2, temp, NOISE_HASHLEN, t1, NOISE_HASHLEN, &two, 1);
	memcpy(o1, t1, NOISE_HASHLEN);
	memcpy(o2, t2, NOISE_HASHLEN);
	if (o3 != NULL) {
		hmac(t3, temp, NOISE_HASHLEN, t2, NOISE_HASHLEN, &three, 1);
		memcpy(o3, t3, NOISE_HASHLEN);
	}
	sodium_memzero(temp, sizeof temp);
	sodium_memzero(t1, sizeof t1);
	sodium_memzero(t2, sizeof t2);
	sodium_memzero(t3, sizeof t3);
}

static void
nonce(uint8_t n[12], uint64_t v)
{
	int	i;

	memset(n, 0, 4);
	for (i = 0; i < 8; i++)
		n[4 + i] = (uint8_t)(v >> (8 * i));
}

int
noise_cs_encrypt(struct noise_cs *cs, const uint8_t *ad, size_t adlen,
    const uint8_t *pt, size_t len, uint8_t *out)
{
	uint8_t			n[12];
	unsigned long long	clen;

	if (!cs->has_key) {
		memmove(out, pt, len);
		return 0;
	}
	if (cs->n == UINT64_MAX)
		return -1;
	nonce(n, cs->n);
	crypto_aead_chacha20poly1305_ietf_encrypt(out, &clen, pt, len, ad, adlen,
	    NULL, n, cs->k);
	cs->n++;
	return 0;
}

int
noise_cs_decrypt(struct noise_cs *cs, const uint8_t *ad, size_t adlen,
    const uint8_t *ct, size_t len, uint8_t *out)
{
	uint8_t			n[12];
	unsigned long long	plen;

	if (!cs->has_key) {
		memmove(out, ct, len);
		return 0;
	}
	if (len < NOISE_TAGLEN || cs->n == UINT64_MAX)
		return -1;
	nonce(n, cs->n);
	if (crypto_aead_chacha20poly1305_ietf_decrypt(out, &plen, NULL, ct, len,
	    ad, adlen, n, cs->k) != 0)
		return -1;
	cs->n++;
	return 0;
}

void
noise_cs_rekey(struct noise_cs *cs)
{
	uint8_t			n[12], zeros[32] = { 0 }, out[48];
	unsigned long long	clen;

	nonce(n, UINT64_MAX);
	crypto_aead_chacha20poly1305_ietf_encrypt(out, &clen, zeros, 32, NULL, 0,
	    NULL, n, cs->k);
	memcpy(cs->k, out, 32);
	sodium_memzero(out, sizeof out);
}

static void
mix_hash(struct noise_hs *hs, const uint8_t *data, size_t len)
{
	hash2(hs->h, hs->h, NOISE_HASHLEN, data, len);
}

static void
mix_key(struct noise_hs *hs, const uint8_t *ikm, size_t len)
{
	uint8_t	k[NOISE_HASHLEN];

	hkdf(hs->ck, ikm, len, hs->ck, k, NULL);
	memcpy(hs->cs.k, k, 32);
	hs->cs.n = 0;
	hs->cs.has_key = 1;
	sodium_memzero(k, sizeof k);
}

static void
mix_key_and_hash(struct noise_hs *hs, const uint8_t psk[32])
{
	uint8_t	th[NOISE_HASHLEN], k[NOISE_HASHLEN];

	hkdf(hs->ck, psk, 32, hs->ck, th, k);
	mix_hash(hs, th, NOISE_HASHLEN);
	memcpy(hs->cs.k, k, 32);
	hs->cs.n = 0;
	hs->cs.has_key = 1;
	sodium_memzero(th, sizeof th);
	sodium_memzero(k, sizeof k);
}

/* EncryptAndHash: out gets len (+16 once keyed) bytes. */
static size_t
encrypt_and_hash(struct noise_hs *hs, const uint8_t *pt, size_t len,
    uint8_t *out)
{
	size_t	olen = len + (hs->cs.has_key ? NOISE_TAGLEN : 0);

	noise_cs_encrypt(&hs->cs, hs->h, NOISE_HASHLEN, pt, len, out);
	mix_hash(hs, out, olen);
	return olen;
}

static int
decrypt_and_hash(struct noise_hs *hs, const uint8_t *ct, size_t len,
    uint8_t *out)
{
	uint8_t	h[NOISE_HASHLEN];

	memcpy(h, hs->h, NOISE_HASHLEN);
	if (noise_cs_decrypt(&hs->cs, h, NOISE_HASHLEN, ct, len, out) != 0)
		return -1;
	mix_hash(hs, ct, len);
	return 0;
}

/* X25519 refusing an all-zero result (a low-order point). */
static int
dh(uint8_t out[32], const uint8_t priv[32], const uint8_t pub[32])
{
	return crypto_scalarmult(out, priv, pub) == 0 ? 0 : -1;
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

static int
tok_parse(const char *t, size_t n)
{
	static const char *names[] = { [T_E] = "e", [T_S] = "s", [T_EE] = "ee",
	    [T_ES] = "es", [T_SE] = "se", [T_SS] = "ss", [T_PSK] = "psk" };
	int	i;

	for (i = T_E; i < T_END; i++) {
		if (strlen(names[i]) == n && strncmp(names[i], t, n) == 0)
			return i;
	}
	return -1;
}

/* Fill the token table from a pattern and its psk modifiers ("psk0+psk2"). */
static int
hs_tokens(struct noise_hs *hs, const struct pattern *p, const char *mods)
{
	const char	*c = p->msgs, *end;
	int		 m = 0, t = 0, tok, k, n;

	memset(hs->toks, 0, sizeof hs->toks);
	while (*c != '\0') {
		end = c + strcspn(c, " |");
		if ((tok = tok_parse(c, (size_t)(end - c))) < 0 || t >= MAX_TOKS - 2)
			return -1;
		hs->toks[m][t++] = (uint8_t)tok;
		if (*end == '|') {
			m++;
			t = 0;
		}
		c = *end ? end + 1 : end;
	}
	hs->nmsgs = m + 1;
	/* psk0 goes first in message 0; pskN at the end of message N-1. */
	while (mods != NULL && strncmp(mods, "psk", 3) == 0) {
		k = mods[3] - '0';
		if (k < 0 || k > hs->nmsgs)
			return -1;
		if (k == 0) {
			memmove(&hs->toks[0][1], &hs->toks[0][0], MAX_TOKS - 1);
			hs->toks[0][0] = T_PSK;
		} else {
			for (n = 0; hs->toks[k - 1][n] != 0; n++)
				;
			hs->toks[k - 1][n] = T_PSK;
		}
		hs->has_psk = 1;
		mods = strchr(mods, '+');
		if (mods != NULL)
			mods++;
	}
	return 0;
}

struct noise_hs *
noise_hs_create(const char *name, int initiator, const uint8_t *prologue,
    size_t plen, const uint8_t *s_priv, const uint8_t *rs_pub,
    const uint8_t (*psks)[32], size_t npsk)
{
	struct noise_hs		*hs;
	const struct pattern	*p = NULL;
	char			 pat[32];
	const char		*mods;
	size_t			 i, len, namelen = strlen(name);
	static const char	 suffix[] = "_25519_ChaChaPoly_BLAKE2b";

	if (strncmp(name, "Noise_", 6) != 0 || namelen < 6 + sizeof suffix ||
	    strcmp(name + namelen - (sizeof suffix - 1), suffix) != 0)
		return NULL;
	len = namelen - 6 - (sizeof suffix - 1);
	if (len >= sizeof pat || npsk > 4)
		return NULL;
	memcpy(pat, name + 6, len);
	pat[len] = '\0';
	mods = strstr(pat, "psk");
	for (i = 0; i < sizeof patterns / sizeof patterns[0]; i++) {
		size_t	pl = strlen(patterns[i].name);

		if (strncmp(pat, patterns[i].name, pl) == 0 &&
		    (pat[pl] == '\0' || pat + pl == mods))
			p = &patterns[i];
	}
	if (p == NULL)
		return NULL;
	hs = xcalloc(1, sizeof *hs);
	hs->initiator = initiator;
	hs->oneway = strlen(p->name) == 1;
	if (hs_tokens(hs, p, mods) != 0 || (hs->has_psk && npsk == 0))
		goto bad;
	if (npsk > 0)
		memcpy(hs->psks, psks, npsk * 32);
	hs->npsk = npsk;
	if (s_priv != NULL) {
		memcpy(hs->s, s_priv, 32);
		crypto_scalarmult_base(hs->s_pub, hs->s);
		hs->has_s = 1;
	}
	if (rs_pub != NULL) {
		memcpy(hs->rs, rs_pub, 32);
		hs->has_rs = 1;
	}
	/* InitializeSymmetric: the name fits in HASHLEN, so h = name padded. */
	memcpy(hs->h, name, namelen <= NOISE_HASHLEN ? namelen : 0);
	if (namelen > NOISE_HASHLEN)
		hash2(hs->h, (const uint8_t *)name, namelen, NULL, 0);
	memcpy(hs->ck, hs->h, NOISE_HASHLEN);
	mix_hash(hs, prologue, plen);
	if (p->pre & PRE_IS) {
		if (initiator ? !hs->has_s : !hs->has_rs)
			goto bad;
		mix_hash(hs, initiator ? hs->s_pub : hs->rs, 32);
	}
	if (p->pre & PRE_RS) {
		if (initiator ? !hs->has_rs : !hs->has_s)
			goto bad;
		mix_hash(hs, initiator ? hs->rs : hs->s_pub, 32);
	}
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
	memcpy(hs->fixed_e, priv, 32);
	hs->has_fixed_e = 1;
}

int
noise_hs_done(const struct noise_hs *hs)
{
	return hs->msg >= hs->nmsgs;
}

int
noise_hs_my_turn(const struct noise_hs *hs)
{
	if (noise_hs_done(hs))
		return 0;
	if (hs->oneway)
		return hs->initiator;
	return (hs->msg % 2 == 0) == (hs->initiator != 0);
}

const uint8_t *
noise_hs_remote_static(const struct noise_hs *hs)
{
	return hs->has_rs ? hs->rs : NULL;
}

const uint8_t *
noise_hs_local_static(const struct noise_hs *hs)
{
	return hs->has_s ? hs->s_pub : NULL;
}

void
noise_hs_hash(const struct noise_hs *hs, uint8_t out[NOISE_HASHLEN])
{
	memcpy(out, hs->h, NOISE_HASHLEN);
}

/* The DH of a token from our side: ee, es, se, ss. */
static int
hs_dh(struct noise_hs *hs, int tok)
{
	uint8_t		 out[32];
	const uint8_t	*priv, *pub;
	int		 local_e, remote_e, rc;

	/* "es": initiator's e with responder's s; "se" the other way. */
	switch (tok) {
	case T_EE: local_e = 1; remote_e = 1; break;
	case T_SS: local_e = 0; remote_e = 0; break;
	case T_ES: local_e = hs->initiator; remote_e = !hs->initiator; break;
	default: local_e = !hs->initiator; remote_e = hs->initiator; break;
	}
	if ((local_e ? !hs->has_e : !hs->has_s) ||
	    (remote_e ? !hs->has_re : !hs->has_rs))
		return -1;
	priv = local_e ? hs->e : hs->s;
	pub = remote_e ? hs->re : hs->rs;
	rc = dh(out, priv, pub);
	if (rc == 0)
		mix_key(hs, out, 32);
	sodium_memzero(out, sizeof out);
	return rc;
}

static int
hs_psk(struct noise_hs *hs)
{
	if (hs->next_psk >= hs->npsk)
		return -1;
	mix_key_and_hash(hs, hs->psks[hs->next_psk++]);
	return 0;
}

int
noise_hs_write(struct noise_hs *hs, const uint8_t *payload, size_t plen,
    uint8_t *out, size_t outcap, size_t *outlen)
{
	const uint8_t	*t;
	size_t		 o = 0, need;

	if (!noise_hs_my_turn(hs))
		return -1;
	for (t = hs->toks[hs->msg]; *t != 0; t++) {
		switch (*t) {
		case T_E:
			if (hs->has_fixed_e)
				memcpy(hs->e, hs->fixed_e, 32);
			else
				randombytes_buf(hs->e, 32);
			crypto_scalarmult_base(hs->e_pub, hs->e);
			hs->has_e = 1;
			if (o + 32 > outcap)
				return -1;
			memcpy(out + o, hs->e_pub, 32);
			o += 32;
			mix_hash(hs, hs->e_pub, 32);
			if (hs->has_psk)
				mix_key(hs, hs->e_pub, 32);
			break;
		case T_S:
			need = 32 + (hs->cs.has_key ? NOISE_TAGLEN : 0);
			if (!hs->has_s || o + need > outcap)
				return -1;
			o += encrypt_and_hash(hs, hs->s_pub, 32, out + o);
			break;
		case T_PSK:
			if (hs_psk(hs) != 0)
				return -1;
			break;
		default:
			if (hs_dh(hs, *t) != 0)
				return -1;
		}
	}
	need = plen + (hs->cs.has_key ? NOISE_TAGLEN : 0);
	if (o + need > outcap || o + need > NOISE_MAXMSG)
		return -1;
	o += encrypt_and_hash(hs, payload, plen, out + o);
	*outlen = o;
	hs->msg++;
	return 0;
}

int
noise_hs_read(struct noise_hs *hs, const uint8_t *msg, size_t len,
    uint8_t *payload, size_t cap, size_t *plen)
{
	const uint8_t	*t;
	size_t		 i = 0, n;

	if (noise_hs_done(hs) || noise_hs_my_turn(hs) || len > NOISE_MAXMSG)
		return -1;
	for (t = hs->toks[hs->msg]; *t != 0; t++) {
		switch (*t) {
		case T_E:
			if (len - i < 32)
				return -1;
			memcpy(hs->re, msg + i, 32);
			hs->has_re = 1;
			i += 32;
			mix_hash(hs, hs->re, 32);
			if (hs->has_psk)
				mix_key(hs, hs->re, 32);
			break;
		case T_S:
			n = 32 + (hs->cs.has_key ? NOISE_TAGLEN : 0);
			if (len - i < n || decrypt_and_hash(hs, msg + i, n,
			    hs->rs) != 0)
				return -1;
			hs->has_rs = 1;
			i += n;
			break;
		case T_PSK:
			if (hs_psk(hs) != 0)
				return -1;
			break;
		default:
			if (hs_dh(hs, *t) != 0)
				return -1;
		}
	}
	n = len - i;
	if (hs->cs.has_key && n < NOISE_TAGLEN)
		return -1;
	n -= hs->cs.has_key ? NOISE_TAGLEN : 0;
	if (n > cap || decrypt_and_hash(hs, msg + i, len - i, payload) != 0)
		return -1;
	*plen = n;
	hs->msg++;
	return 0;
}

int
noise_hs_split(struct noise_hs *hs, struct noise_cs *send, struct noise_cs *recv)
{
	uint8_t		k1[NOISE_HASHLEN], k2[NOISE_HASHLEN];
	struct noise_cs	c1 = { .has_key = 1 }, c2 = { .has_key = 1 };

	if (!noise_hs_done(hs))
		return -1;
	hkdf(hs->ck, NULL, 0, k1, k2, NULL);
	memcpy(c1.k, k1, 32);
	memcpy(c2.k, k2, 32);
	*send = hs->initiator ? c1 : c2;
	*recv = hs->initiator ? c2 : c1;
	sodium_memzero(k1, sizeof k1);
	sodium_memzero(k2, sizeof k2);
	sodium_memzero(&c1, sizeof c1);
	sodium_memzero(&c2, sizeof c2);
	return 0;
}

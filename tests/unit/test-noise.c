/*
 * common/noise.c against the published cacophony vectors for
 * 25519_ChaChaPoly_BLAKE2b: every one of the 59, both sides, every handshake
 * message and transport message byte for byte and the handshake hash.  Then
 * what the vectors do not cover: tampering, nonce exhaustion, rekey,
 * low-order keys, turns, limits and bad protocol names.
 *
 * Usage: test-noise vectors.json.  Prints "ok N - ..." or "not ok N - ..."
 * per check group, with "# " lines saying why, and a summary line.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>
#include <sodium.h>

#include "noise.h"

#define BIG	(NOISE_MAXMSG + 64)
#define NN	"Noise_NN_25519_ChaChaPoly_BLAKE2b"
#define IK	"Noise_IK_25519_ChaChaPoly_BLAKE2b"
#define IKPSK2	"Noise_IKpsk2_25519_ChaChaPoly_BLAKE2b"

static int	npass, nfail;
static char	why[256];	/* first reason the current group failed */

/* Note why a group failed; keeps the first reason.  Always returns -1. */
static int __attribute__((format(printf, 1, 2)))
fail(const char *fmt, ...)
{
	va_list	ap;

	if (why[0] == '\0') {
		va_start(ap, fmt);
		vsnprintf(why, sizeof why, fmt, ap);
		va_end(ap);
	}
	return -1;
}

static void __attribute__((format(printf, 2, 3)))
report(int ok, const char *fmt, ...)
{
	va_list	ap;

	if (ok)
		npass++;
	else
		nfail++;
	printf("%sok %d - ", ok ? "" : "not ", npass + nfail);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
	if (!ok && why[0] != '\0')
		printf("# %s\n", why);
	why[0] = '\0';
}

/* Decode the hex string s into out; its length, or -1. */
static long
unhex(const char *s, uint8_t *out, size_t cap)
{
	size_t	len;

	if (s == NULL || sodium_hex2bin(out, cap, s, strlen(s), NULL, &len,
	    NULL) != 0)
		return -1;
	return (long)len;
}

/* A hex field of a vector object: its length, -1 if absent or bad. */
static long
field(json_t *o, const char *key, uint8_t *out, size_t cap)
{
	return unhex(json_string_value(json_object_get(o, key)), out, cap);
}

/* One side of a vector: the keys it starts with. */
struct side {
	uint8_t	prologue[256];
	uint8_t	s[32], e[32], rs[32];
	uint8_t	psk[4][32];
	long	plen;
	int	has_s, has_e, has_rs;
	size_t	npsk;
};

/* Load the keys of side who ("init" or "resp") and create its state. */
static struct noise_hs *
side_create(json_t *v, const char *who, struct side *d)
{
	const char	*name;
	char		 key[64];
	json_t		*psks;
	size_t		 i;

	memset(d, 0, sizeof *d);
	name = json_string_value(json_object_get(v, "protocol_name"));
	snprintf(key, sizeof key, "%s_prologue", who);
	d->plen = field(v, key, d->prologue, sizeof d->prologue);
	snprintf(key, sizeof key, "%s_static", who);
	d->has_s = field(v, key, d->s, 32) == 32;
	snprintf(key, sizeof key, "%s_ephemeral", who);
	d->has_e = field(v, key, d->e, 32) == 32;
	snprintf(key, sizeof key, "%s_remote_static", who);
	d->has_rs = field(v, key, d->rs, 32) == 32;
	snprintf(key, sizeof key, "%s_psks", who);
	psks = json_object_get(v, key);
	d->npsk = json_array_size(psks);
	for (i = 0; i < d->npsk && i < 4; i++) {
		if (unhex(json_string_value(json_array_get(psks, i)),
		    d->psk[i], 32) != 32)
			return NULL;
	}
	if (name == NULL || d->npsk > 4)
		return NULL;
	return noise_hs_create(name, who[0] == 'i', d->prologue,
	    d->plen < 0 ? 0 : (size_t)d->plen, d->has_s ? d->s : NULL,
	    d->has_rs ? d->rs : NULL, (const uint8_t (*)[32])d->psk, d->npsk);
}

/* N, K, X and their psk variants: one letter before "psk" or "_". */
static int
one_way(const char *name)
{
	return name[6] != '\0' && (name[7] == '_' || name[7] == 'p');
}

/* The state of one vector run. */
struct run {
	struct noise_hs	*hs[2];		/* 0 initiator, 1 responder */
	struct noise_cs	 tx[2], rx[2];
	int		 split;
	json_t		*v;
};

/* Handshake message i from side from: write, compare, read back. */
static int
run_hs_msg(struct run *r, size_t i, int from, const uint8_t *pl, long pll,
    const uint8_t *ct, long ctl)
{
	static uint8_t	out[BIG], got[BIG];
	size_t		ol, gl;
	uint8_t		want[NOISE_HASHLEN], h[2][NOISE_HASHLEN];

	if (noise_hs_write(r->hs[from], pl, (size_t)pll, out, sizeof out,
	    &ol) != 0)
		return fail("message %zu: write failed", i);
	if ((long)ol != ctl || memcmp(out, ct, ol) != 0)
		return fail("message %zu: ciphertext differs", i);
	if (noise_hs_read(r->hs[!from], out, ol, got, sizeof got, &gl) != 0)
		return fail("message %zu: read failed", i);
	if ((long)gl != pll || memcmp(got, pl, gl) != 0)
		return fail("message %zu: payload differs", i);
	if (!noise_hs_done(r->hs[0]) || !noise_hs_done(r->hs[1]))
		return 0;
	noise_hs_hash(r->hs[0], h[0]);
	noise_hs_hash(r->hs[1], h[1]);
	if (field(r->v, "handshake_hash", want, sizeof want) != NOISE_HASHLEN)
		return fail("no handshake_hash");
	if (memcmp(h[0], want, sizeof want) != 0 ||
	    memcmp(h[1], want, sizeof want) != 0)
		return fail("handshake hash differs");
	if (noise_hs_split(r->hs[0], &r->tx[0], &r->rx[0]) != 0 ||
	    noise_hs_split(r->hs[1], &r->tx[1], &r->rx[1]) != 0)
		return fail("split failed");
	r->split = 1;
	return 0;
}

/* Transport message i from side from. */
static int
run_transport(struct run *r, size_t i, int from, const uint8_t *pl, long pll,
    const uint8_t *ct, long ctl)
{
	static uint8_t	out[BIG], got[BIG];

	if (pll + NOISE_TAGLEN != ctl)
		return fail("message %zu: bad vector lengths", i);
	if (noise_cs_encrypt(&r->tx[from], NULL, 0, pl, (size_t)pll, out) != 0)
		return fail("message %zu: encrypt failed", i);
	if (memcmp(out, ct, (size_t)ctl) != 0)
		return fail("message %zu: transport ciphertext differs", i);
	if (noise_cs_decrypt(&r->rx[!from], NULL, 0, out, (size_t)ctl,
	    got) != 0 || memcmp(got, pl, (size_t)pll) != 0)
		return fail("message %zu: transport decrypt failed", i);
	return 0;
}

/* Run one vector on both sides; 0 if every byte matched. */
static int
run_vector(json_t *v, const char *name)
{
	static uint8_t	 pl[BIG], ct[BIG];
	struct side	 d[2];
	struct run	 r;
	json_t		*m;
	size_t		 i;
	long		 pll, ctl;
	int		 from, rc = 0;

	memset(&r, 0, sizeof r);
	r.v = v;
	r.hs[0] = side_create(v, "init", &d[0]);
	r.hs[1] = side_create(v, "resp", &d[1]);
	if (r.hs[0] == NULL || r.hs[1] == NULL)
		rc = fail("noise_hs_create failed");
	if (rc == 0 && d[0].has_e)
		noise_hs_set_ephemeral(r.hs[0], d[0].e);
	if (rc == 0 && d[1].has_e)
		noise_hs_set_ephemeral(r.hs[1], d[1].e);
	json_array_foreach(json_object_get(v, "messages"), i, m) {
		if (rc != 0)
			break;
		from = one_way(name) ? 0 : (int)(i % 2);
		pll = field(m, "payload", pl, sizeof pl);
		ctl = field(m, "ciphertext", ct, sizeof ct);
		if (pll < 0 || ctl < 0)
			rc = fail("message %zu: bad hex", i);
		else if (!r.split)
			rc = run_hs_msg(&r, i, from, pl, pll, ct, ctl);
		else
			rc = run_transport(&r, i, from, pl, pll, ct, ctl);
	}
	if (rc == 0 && !r.split)
		rc = fail("handshake never finished");
	noise_hs_free(r.hs[0]);
	noise_hs_free(r.hs[1]);
	return rc;
}

static void
test_vectors(const char *path)
{
	json_error_t	 err;
	json_t		*root, *v;
	const char	*name;
	size_t		 i, n = 0;
	int		 ik = 0, ikpsk2 = 0;

	if ((root = json_load_file(path, 0, &err)) == NULL)
		fail("%s: %s", path, err.text);
	report(root != NULL, "vectors file loads");
	if (root == NULL)
		return;
	json_array_foreach(json_object_get(root, "vectors"), i, v) {
		name = json_string_value(json_object_get(v, "protocol_name"));
		if (name == NULL)
			name = "(no name)";
		n++;
		report(run_vector(v, name) == 0, "vector %s", name);
		ik |= strcmp(name, IK) == 0;
		ikpsk2 |= strcmp(name, IKPSK2) == 0;
	}
	report(n == 59 && ik && ikpsk2, "59 vectors, IK and IKpsk2 among them");
	json_decref(root);
}

/* Two fresh states for pattern name with random static keys and a psk. */
static void
pair_create(const char *name, struct noise_hs **i, struct noise_hs **r,
    const uint8_t ipsk[32], const uint8_t rpsk[32])
{
	uint8_t	is[32], ip[32], rs[32], rp[32];
	size_t	n = ipsk != NULL ? 1 : 0;

	noise_keypair(is, ip);
	noise_keypair(rs, rp);
	*i = noise_hs_create(name, 1, (const uint8_t *)"p", 1, is, rp,
	    (const uint8_t (*)[32])ipsk, n);
	*r = noise_hs_create(name, 0, (const uint8_t *)"p", 1, rs, NULL,
	    (const uint8_t (*)[32])rpsk, n);
}

/* Carry one handshake message from a to b; 0 or -1. */
static int
relay(struct noise_hs *a, struct noise_hs *b)
{
	uint8_t	m[512], p[512];
	size_t	ml, pl;

	if (noise_hs_write(a, (const uint8_t *)"hi", 2, m, sizeof m, &ml) != 0 ||
	    noise_hs_read(b, m, ml, p, sizeof p, &pl) != 0 || pl != 2)
		return -1;
	return 0;
}

/* An IK session: initiator's send/recv in c[0], c[1], responder's c[2], c[3]. */
static int
ik_session(struct noise_cs c[4])
{
	struct noise_hs	*i, *r;
	int		 rc = -1;

	pair_create(IK, &i, &r, NULL, NULL);
	if (i != NULL && r != NULL && relay(i, r) == 0 && relay(r, i) == 0 &&
	    noise_hs_split(i, &c[0], &c[1]) == 0 &&
	    noise_hs_split(r, &c[2], &c[3]) == 0)
		rc = 0;
	noise_hs_free(i);
	noise_hs_free(r);
	return rc;
}

static void
test_transport(void)
{
	struct noise_cs	c[4];
	uint8_t		ct[64], pt[64];
	int		ok;

	if (ik_session(c) != 0) {
		fail("IK handshake failed");
		report(0, "IK session for the transport tests");
		return;
	}
	ok = noise_cs_encrypt(&c[0], NULL, 0, (const uint8_t *)"hello", 5,
	    ct) == 0;
	ct[2] ^= 1;
	ok = ok && noise_cs_decrypt(&c[3], NULL, 0, ct, 21, pt) != 0 &&
	    c[3].n == 0;
	ct[2] ^= 1;
	ok = ok && noise_cs_decrypt(&c[3], NULL, 0, ct, 21, pt) == 0 &&
	    memcmp(pt, "hello", 5) == 0 && c[3].n == 1;
	report(ok, "tampered transport message refused, n unchanged, "
	    "state still usable");

	ok = noise_cs_decrypt(&c[3], NULL, 0, ct, 21, pt) != 0 &&
	    noise_cs_decrypt(&c[3], NULL, 0, ct, 15, pt) != 0 &&
	    noise_cs_encrypt(&c[2], (const uint8_t *)"ad", 2, pt, 3, ct) == 0 &&
	    noise_cs_decrypt(&c[1], (const uint8_t *)"AD", 2, ct, 19, pt) != 0 &&
	    noise_cs_decrypt(&c[1], (const uint8_t *)"ad", 2, ct, 19, pt) == 0;
	report(ok, "replay, short input and wrong associated data refused");
}

static void
test_nonce(void)
{
	struct noise_cs	c[4];
	uint8_t		ct[64], pt[64], nonce[12];
	int		ok;

	if (ik_session(c) != 0) {
		fail("IK handshake failed");
		report(0, "IK session for the transport tests");
		return;
	}
	c[0].n = c[3].n = UINT64_MAX - 1;
	ok = noise_cs_encrypt(&c[0], NULL, 0, (const uint8_t *)"last", 4,
	    ct) == 0 && c[0].n == UINT64_MAX &&
	    noise_cs_decrypt(&c[3], NULL, 0, ct, 20, pt) == 0 &&
	    c[3].n == UINT64_MAX;
	ok = ok && noise_cs_encrypt(&c[0], NULL, 0, pt, 4, ct) != 0 &&
	    c[0].n == UINT64_MAX;
	/* A message sealed by hand with nonce 2^64-1 must not be opened. */
	memset(nonce, 0, 4);
	memset(nonce + 4, 0xff, 8);
	crypto_aead_chacha20poly1305_ietf_encrypt(ct, NULL, pt, 4, NULL, 0,
	    NULL, nonce, c[0].k);
	ok = ok && noise_cs_decrypt(&c[3], NULL, 0, ct, 20, pt) != 0 &&
	    c[3].n == UINT64_MAX;
	report(ok, "nonce 2^64-2 is the last used; 2^64-1 fails both ways");
}

static void
test_rekey(void)
{
	struct noise_cs	c[4], before;
	uint8_t		ct[64], pt[64], nonce[12], zeros[32], want[48];
	int		ok;

	if (ik_session(c) != 0) {
		fail("IK handshake failed");
		report(0, "IK session for the transport tests");
		return;
	}
	/* The spec's Rekey, computed here independently. */
	memset(nonce, 0, 4);
	memset(nonce + 4, 0xff, 8);
	memset(zeros, 0, sizeof zeros);
	crypto_aead_chacha20poly1305_ietf_encrypt(want, NULL, zeros, 32, NULL,
	    0, NULL, nonce, c[2].k);
	c[2].n = c[1].n = 7;
	before = c[2];
	noise_cs_rekey(&c[2]);
	noise_cs_rekey(&c[1]);
	ok = memcmp(before.k, c[2].k, 32) != 0 && memcmp(c[2].k, want, 32) == 0 &&
	    c[2].n == 7 && memcmp(c[1].k, c[2].k, 32) == 0;
	ok = ok && noise_cs_encrypt(&c[2], NULL, 0, (const uint8_t *)"after",
	    5, ct) == 0 && noise_cs_decrypt(&c[1], NULL, 0, ct, 21, pt) == 0 &&
	    memcmp(pt, "after", 5) == 0;
	report(ok, "rekey changes the key as the spec says, n kept, "
	    "both sides agree");
}

static void
test_handshake_tamper(void)
{
	struct noise_hs	*i, *r;
	static uint8_t	 m[BIG];
	uint8_t		 p[512], is[32], ip[32], rs[32], rp[32];
	size_t		 ml, pl;
	int		 ok;

	noise_keypair(is, ip);
	noise_keypair(rs, rp);
	i = noise_hs_create(IK, 1, (const uint8_t *)"p", 1, is, rp, NULL, 0);
	r = noise_hs_create(IK, 0, (const uint8_t *)"p", 1, rs, NULL, NULL, 0);
	ok = i != NULL && r != NULL &&
	    noise_hs_write(i, (const uint8_t *)"x", 1, m, sizeof m, &ml) == 0;
	m[40] ^= 0x80;		/* inside the encrypted static key */
	ok = ok && noise_hs_read(r, m, ml, p, sizeof p, &pl) != 0;
	m[40] ^= 0x80;
	ok = ok && noise_hs_read(r, m, ml, p, sizeof p, &pl) != 0 &&
	    !noise_hs_my_turn(r) && !noise_hs_done(r);
	noise_hs_free(r);
	/* Refused before any state changed: still dead afterwards. */
	r = noise_hs_create(IK, 0, (const uint8_t *)"p", 1, rs, NULL, NULL, 0);
	ok = ok && r != NULL &&
	    noise_hs_read(r, m, NOISE_MAXMSG + 1, p, sizeof p, &pl) != 0 &&
	    noise_hs_read(r, m, ml, p, sizeof p, &pl) != 0;
	report(ok, "tampered handshake message refused, handshake dead after");
	noise_hs_free(i);
	noise_hs_free(r);

	/* Same keys, but the responder was given another prologue. */
	noise_keypair(is, ip);
	noise_keypair(rs, rp);
	i = noise_hs_create(IK, 1, (const uint8_t *)"p", 1, is, rp, NULL, 0);
	r = noise_hs_create(IK, 0, (const uint8_t *)"q", 1, rs, NULL, NULL, 0);
	ok = i != NULL && r != NULL &&
	    noise_hs_write(i, NULL, 0, m, sizeof m, &ml) == 0 &&
	    noise_hs_read(r, m, ml, p, sizeof p, &pl) != 0;
	noise_hs_free(r);
	r = noise_hs_create(IK, 0, (const uint8_t *)"p", 1, rs, NULL, NULL, 0);
	ok = ok && r != NULL && noise_hs_read(r, m, ml - 1, p, sizeof p,
	    &pl) != 0;
	report(ok, "other prologue and truncated message refused");
	noise_hs_free(i);
	noise_hs_free(r);
}

static void
test_psk(void)
{
	struct noise_hs	*i, *r;
	uint8_t		 a[32], b[32];

	randombytes_buf(a, sizeof a);
	memcpy(b, a, sizeof b);
	pair_create(IKPSK2, &i, &r, a, b);
	report(i != NULL && r != NULL && relay(i, r) == 0 && relay(r, i) == 0 &&
	    noise_hs_done(i) && noise_hs_done(r), "IKpsk2 with equal psks");
	noise_hs_free(i);
	noise_hs_free(r);
	b[0] ^= 1;
	pair_create(IKPSK2, &i, &r, a, b);
	report(i != NULL && r != NULL && relay(i, r) == 0 && relay(r, i) != 0,
	    "IKpsk2 with different psks fails at message 2");
	noise_hs_free(i);
	noise_hs_free(r);
}

/* Public keys of small order; X25519 with any of them gives zero. */
static const char *low_order[] = {
	"0000000000000000000000000000000000000000000000000000000000000000",
	"0100000000000000000000000000000000000000000000000000000000000000",
	"e0eb7a7c3b41b8ae1656e3faf19fc46ada098deb9c32b1fd866205165f49b800",
	"5f9c95bca3508c24b1d0b1559c83ef5b04445cc4581c8e86d8224eddd09f1157",
	"ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f",
};

/*
 * A low-order key where a DH uses it must fail the handshake: the responder's
 * "ee" in NN (no tag would catch it there) and the initiator's "es" in IK.
 */
static void
test_low_order(void)
{
	struct noise_hs	*i, *r;
	uint8_t		 m[512], p[512], bad[32], s[32], pub[32];
	size_t		 k, ml, pl;
	int		 rc = 0;

	for (k = 0; k < sizeof low_order / sizeof low_order[0]; k++) {
		unhex(low_order[k], bad, sizeof bad);
		i = noise_hs_create(NN, 1, NULL, 0, NULL, NULL, NULL, 0);
		r = noise_hs_create(NN, 0, NULL, 0, NULL, NULL, NULL, 0);
		if (i == NULL || r == NULL ||
		    noise_hs_write(i, NULL, 0, m, sizeof m, &ml) != 0)
			rc = fail("NN setup failed");
		else {
			memcpy(m, bad, 32);	/* the ephemeral key */
			if (noise_hs_read(r, m, ml, p, sizeof p, &pl) != 0 ||
			    noise_hs_write(r, NULL, 0, m, sizeof m, &ml) == 0)
				rc = fail("ephemeral %s accepted", low_order[k]);
		}
		noise_hs_free(i);
		noise_hs_free(r);

		noise_keypair(s, pub);
		i = noise_hs_create(IK, 1, NULL, 0, s, bad, NULL, 0);
		if (i == NULL || noise_hs_write(i, NULL, 0, m, sizeof m,
		    &ml) == 0)
			rc = fail("remote static %s accepted", low_order[k]);
		noise_hs_free(i);
	}
	report(rc == 0, "low-order and zero public keys refused");
}

static void
test_turns_and_limits(void)
{
	static uint8_t	 m[BIG], p[BIG];
	struct noise_hs	*i, *r;
	size_t		 ml, pl;
	int		 ok;

	pair_create(IK, &i, &r, NULL, NULL);
	ok = i != NULL && r != NULL && noise_hs_my_turn(i) &&
	    !noise_hs_my_turn(r) &&
	    noise_hs_write(r, NULL, 0, m, sizeof m, &ml) != 0 &&
	    noise_hs_read(i, m, 48, p, sizeof p, &pl) != 0 && noise_hs_my_turn(i);
	report(ok, "nobody speaks out of turn");

	/* IK message 1 carries 32 + 48 + 16 bytes around the payload. */
	ok = noise_hs_write(i, p, NOISE_MAXMSG - 95, m, sizeof m, &ml) != 0 &&
	    noise_hs_write(i, p, 10, m, 50, &ml) != 0 &&
	    noise_hs_write(i, p, NOISE_MAXMSG - 96, m, sizeof m, &ml) == 0 &&
	    ml == NOISE_MAXMSG &&
	    noise_hs_read(r, m, ml, p, 100, &pl) != 0;
	report(ok, "65535-byte handshake message; longer or too small a "
	    "buffer refused");
	noise_hs_free(i);
	noise_hs_free(r);

	/* A failed write changes nothing: the retry is the same message. */
	pair_create(IK, &i, &r, NULL, NULL);
	ok = i != NULL && r != NULL;
	if (ok)
		noise_hs_set_ephemeral(i, p);
	ok = ok && noise_hs_write(i, NULL, 0, m, 40, &ml) != 0 &&
	    noise_hs_write(i, NULL, 0, m, sizeof m, &ml) == 0 && ml == 96 &&
	    noise_hs_read(r, m, ml, p, sizeof p, &pl) == 0 && relay(r, i) == 0;
	report(ok, "a write that fails leaves the state as it was");
	noise_hs_free(i);
	noise_hs_free(r);
}

static void
test_transport_limit(void)
{
	static uint8_t	pt[BIG], ct[BIG];
	struct noise_cs	c[4];
	int		ok;

	ok = ik_session(c) == 0 &&
	    noise_cs_encrypt(&c[0], NULL, 0, pt, NOISE_MAXMSG - 15, ct) != 0 &&
	    noise_cs_encrypt(&c[0], NULL, 0, pt, NOISE_MAXMSG - 16, ct) == 0 &&
	    noise_cs_decrypt(&c[3], NULL, 0, ct, NOISE_MAXMSG, pt) == 0 &&
	    noise_cs_decrypt(&c[3], NULL, 0, ct, NOISE_MAXMSG + 1, pt) != 0;
	report(ok, "transport messages stop at 65535 bytes");
}

/* Whether creating name as initiator with these keys and npsk psks works. */
static int
creates(const char *name, int with_s, int with_rs, size_t npsk)
{
	uint8_t		 s[32], pub[32], psk[2][32];
	struct noise_hs	*hs;

	noise_keypair(s, pub);
	memset(psk, 7, sizeof psk);
	hs = noise_hs_create(name, 1, NULL, 0, with_s ? s : NULL,
	    with_rs ? pub : NULL, npsk ? (const uint8_t (*)[32])psk : NULL,
	    npsk);
	noise_hs_free(hs);
	return hs != NULL;
}

static void
test_names(void)
{
	int	ok;

	ok = creates(IK, 1, 1, 0) && creates(IKPSK2, 1, 1, 1) &&
	    creates("Noise_NNpsk0+psk2_25519_ChaChaPoly_BLAKE2b", 0, 0, 2) &&
	    creates(NN, 0, 0, 0);
	report(ok, "good names and keys accepted");
	ok = !creates("Noise_ZZ_25519_ChaChaPoly_BLAKE2b", 1, 1, 0) &&
	    !creates("Noise_IK_25519_AESGCM_SHA256", 1, 1, 0) &&
	    !creates("Noise_IK_25519_ChaChaPoly_BLAKE2", 1, 1, 0) &&
	    !creates("Noise__25519_ChaChaPoly_BLAKE2b", 1, 1, 0) &&
	    !creates("Noise_IKpsk3_25519_ChaChaPoly_BLAKE2b", 1, 1, 1) &&
	    !creates("Noise_IKpsk2x_25519_ChaChaPoly_BLAKE2b", 1, 1, 1) &&
	    !creates("Noise_IKpsk2+_25519_ChaChaPoly_BLAKE2b", 1, 1, 1) &&
	    !creates("Noise_IKpsk_25519_ChaChaPoly_BLAKE2b", 1, 1, 1) &&
	    !creates("Noise_IKfallback_25519_ChaChaPoly_BLAKE2b", 1, 1, 0) &&
	    !creates("Noise_IK1K_25519_ChaChaPoly_BLAKE2b", 1, 1, 0) &&
	    !creates("", 1, 1, 0);
	report(ok, "unknown patterns, suites and modifiers refused");
	ok = !creates(IK, 1, 0, 0) && !creates(IK, 0, 1, 0) &&
	    !creates(IKPSK2, 1, 1, 0) && !creates(IK, 1, 1, 1) &&
	    !creates("Noise_XX_25519_ChaChaPoly_BLAKE2b", 0, 0, 0);
	report(ok, "missing static keys and wrong psk counts refused");
}

static void
test_statics(void)
{
	uint8_t		 is[32], ip[32], rs[32], rp[32];
	struct noise_hs	*i, *r;
	int		 ok;

	noise_keypair(is, ip);
	noise_keypair(rs, rp);
	i = noise_hs_create("Noise_XX_25519_ChaChaPoly_BLAKE2b", 1, NULL, 0,
	    is, rp, NULL, 0);
	r = noise_hs_create("Noise_XX_25519_ChaChaPoly_BLAKE2b", 0, NULL, 0,
	    rs, NULL, NULL, 0);
	ok = i != NULL && r != NULL && noise_hs_remote_static(i) == NULL &&
	    memcmp(noise_hs_local_static(i), ip, 32) == 0 &&
	    relay(i, r) == 0 && relay(r, i) == 0 &&
	    memcmp(noise_hs_remote_static(i), rp, 32) == 0 &&
	    noise_hs_remote_static(r) == NULL && relay(i, r) == 0 &&
	    memcmp(noise_hs_remote_static(r), ip, 32) == 0 &&
	    noise_hs_done(i) && noise_hs_done(r) && !noise_hs_my_turn(i);
	report(ok, "XX learns the static keys as it goes");
	noise_hs_free(i);
	noise_hs_free(r);
}

int
main(int argc, char **argv)
{
	if (argc != 2) {
		fprintf(stderr, "usage: %s vectors.json\n", argv[0]);
		return 2;
	}
	if (sodium_init() < 0)
		return 1;
	test_vectors(argv[1]);
	test_transport();
	test_nonce();
	test_rekey();
	test_handshake_tamper();
	test_psk();
	test_low_order();
	test_turns_and_limits();
	test_transport_limit();
	test_names();
	test_statics();
	printf("noise: %d passed, %d failed\n", npass, nfail);
	return nfail != 0;
}

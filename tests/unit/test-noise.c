/*
 * The Noise implementation against the published cacophony vectors for
 * 25519_ChaChaPoly_BLAKE2b (every pattern, byte for byte, handshake hash
 * included), plus what the vectors do not cover: tampering, nonce
 * exhaustion, rekey, low-order keys, wrong turns.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>
#include <sodium.h>

#include "hex.h"
#include "noise.h"

static int	npass, nfail;

#define CHECK(cond, ...) do {						\
	if (cond) npass++;						\
	else { nfail++; printf("not ok - "); printf(__VA_ARGS__); printf("\n"); } \
} while (0)

/* Decode hex field k of o into out; its length, or -1 if absent. */
static long
field(json_t *o, const char *k, uint8_t *out, size_t cap)
{
	const char	*s = json_string_value(json_object_get(o, k));
	size_t		 n;

	if (s == NULL || (n = strlen(s) / 2) > cap)
		return -1;
	if (n > 0 && hex_decode(s, out, n) != 0)
		return -1;
	return (long)n;
}

static int
one_way(const char *name)
{
	return name[7] == '_' || strncmp(name + 7, "psk", 3) == 0;
}

struct side {
	uint8_t	prologue[256], s[32], e[32], rs[32], psk[4][32];
	long	plen;
	int	has_s, has_e, has_rs;
	size_t	npsk;
};

static struct noise_hs *
side_create(json_t *v, const char *who, struct side *d, int initiator)
{
	char		 k[64];
	json_t		*psks;
	size_t		 i;
	const char	*name = json_string_value(json_object_get(v, "protocol_name"));

	snprintf(k, sizeof k, "%s_prologue", who);
	d->plen = field(v, k, d->prologue, sizeof d->prologue);
	snprintf(k, sizeof k, "%s_static", who);
	d->has_s = field(v, k, d->s, 32) == 32;
	snprintf(k, sizeof k, "%s_ephemeral", who);
	d->has_e = field(v, k, d->e, 32) == 32;
	snprintf(k, sizeof k, "%s_remote_static", who);
	d->has_rs = field(v, k, d->rs, 32) == 32;
	snprintf(k, sizeof k, "%s_psks", who);
	psks = json_object_get(v, k);
	d->npsk = json_array_size(psks);
	for (i = 0; i < d->npsk && i < 4; i++)
		hex_decode(json_string_value(json_array_get(psks, i)), d->psk[i], 32);
	return noise_hs_create(name, initiator, d->prologue,
	    d->plen < 0 ? 0 : (size_t)d->plen, d->has_s ? d->s : NULL,
	    d->has_rs ? d->rs : NULL, (const uint8_t (*)[32])d->psk, d->npsk);
}

/* Run one vector on both sides; 0 if every byte matched. */
static int
run_vector(json_t *v)
{
	const char	*name = json_string_value(json_object_get(v, "protocol_name"));
	struct side	 a, b;
	struct noise_hs	*ini = side_create(v, "init", &a, 1);
	struct noise_hs	*res = side_create(v, "resp", &b, 0);
	struct noise_cs	 its, itr, rts, rtr;
	json_t		*m;
	size_t		 j;
	int		 split = 0, ok = ini != NULL && res != NULL;
	static uint8_t	 pl[4096], ct[4096], out[4096], got[4096];
	long		 pll, ctl;
	size_t		 ol, gl;

	if (ok && a.has_e)
		noise_hs_set_ephemeral(ini, a.e);
	if (ok && b.has_e)
		noise_hs_set_ephemeral(res, b.e);
	json_array_foreach(json_object_get(v, "messages"), j, m) {
		int		 from_ini = one_way(name) || j % 2 == 0;
		struct noise_hs	*tx = from_ini ? ini : res, *rx = from_ini ? res : ini;

		if (!ok)
			break;
		pll = field(m, "payload", pl, sizeof pl);
		ctl = field(m, "ciphertext", ct, sizeof ct);
		if (!split) {
			ok = noise_hs_write(tx, pl, (size_t)pll, out, sizeof out,
			    &ol) == 0 && (long)ol == ctl && memcmp(out, ct, ol) == 0 &&
			    noise_hs_read(rx, out, ol, got, sizeof got, &gl) == 0 &&
			    (long)gl == pll && memcmp(got, pl, gl) == 0;
			if (ok && noise_hs_done(ini) && noise_hs_done(res)) {
				uint8_t	h1[64], h2[64], want[64];

				noise_hs_hash(ini, h1);
				noise_hs_hash(res, h2);
				field(v, "handshake_hash", want, 64);
				ok = memcmp(h1, want, 64) == 0 && memcmp(h2, want, 64) == 0 &&
				    noise_hs_split(ini, &its, &itr) == 0 &&
				    noise_hs_split(res, &rts, &rtr) == 0;
				split = 1;
			}
		} else {
			struct noise_cs	*s = from_ini ? &its : &rts, *r = from_ini ? &rtr : &itr;

			ok = noise_cs_encrypt(s, NULL, 0, pl, (size_t)pll, out) == 0 &&
			    pll + NOISE_TAGLEN == ctl && memcmp(out, ct, (size_t)ctl) == 0 &&
			    noise_cs_decrypt(r, NULL, 0, out, (size_t)ctl, got) == 0 &&
			    memcmp(got, pl, (size_t)pll) == 0;
		}
	}
	noise_hs_free(ini);
	noise_hs_free(res);
	return ok && split ? 0 : -1;
}

static void
test_vectors(const char *path)
{
	json_error_t	 err;
	json_t		*root = json_load_file(path, 0, &err), *v;
	size_t		 i, n = 0, good = 0;
	int		 ik = 0, ikpsk2 = 0;

	CHECK(root != NULL, "vectors file %s readable", path);
	if (root == NULL)
		return;
	json_array_foreach(json_object_get(root, "vectors"), i, v) {
		const char	*name = json_string_value(json_object_get(v,
				    "protocol_name"));
		int		 r = run_vector(v);

		n++;
		CHECK(r == 0, "vector %s", name);
		good += r == 0;
		if (r == 0 && strcmp(name, "Noise_IK_25519_ChaChaPoly_BLAKE2b") == 0)
			ik = 1;
		if (r == 0 && strcmp(name, "Noise_IKpsk2_25519_ChaChaPoly_BLAKE2b") == 0)
			ikpsk2 = 1;
	}
	printf("vectors: %zu of %zu reproduced byte for byte\n", good, n);
	CHECK(n == 59, "all 59 vectors present");
	CHECK(ik && ikpsk2, "IK and IKpsk2 among them");
	json_decref(root);
}

/* A fresh IK pair with random keys, handshake done. */
static void
ik_pair(struct noise_cs *its, struct noise_cs *itr, struct noise_cs *rts,
    struct noise_cs *rtr)
{
	uint8_t		 is[32], ip[32], rs[32], rp[32], m[200], p[200];
	size_t		 ml, pl;
	struct noise_hs	*i, *r;
	const char	*name = "Noise_IK_25519_ChaChaPoly_BLAKE2b";

	noise_keypair(is, ip);
	noise_keypair(rs, rp);
	i = noise_hs_create(name, 1, NULL, 0, is, rp, NULL, 0);
	r = noise_hs_create(name, 0, NULL, 0, rs, NULL, NULL, 0);
	noise_hs_write(i, NULL, 0, m, sizeof m, &ml);
	noise_hs_read(r, m, ml, p, sizeof p, &pl);
	CHECK(memcmp(noise_hs_remote_static(r), ip, 32) == 0,
	    "responder learns the initiator's static key");
	noise_hs_write(r, NULL, 0, m, sizeof m, &ml);
	noise_hs_read(i, m, ml, p, sizeof p, &pl);
	noise_hs_split(i, its, itr);
	noise_hs_split(r, rts, rtr);
	noise_hs_free(i);
	noise_hs_free(r);
}

static void
test_edges(void)
{
	struct noise_cs	 its, itr, rts, rtr;
	uint8_t		 ct[64], pt[64], is[32], ip[32], rs[32], rp[32], m[200];
	uint8_t		 zero[32] = { 0 }, p[200];
	size_t		 ml, pl;
	struct noise_hs	*i, *r;
	const char	*name = "Noise_IK_25519_ChaChaPoly_BLAKE2b";

	ik_pair(&its, &itr, &rts, &rtr);
	noise_cs_encrypt(&its, NULL, 0, (const uint8_t *)"hello", 5, ct);
	ct[2] ^= 1;
	CHECK(noise_cs_decrypt(&rtr, NULL, 0, ct, 21, pt) != 0, "tampered message refused");
	CHECK(rtr.n == 0, "a refused message does not advance the nonce");
	ct[2] ^= 1;
	CHECK(noise_cs_decrypt(&rtr, NULL, 0, ct, 21, pt) == 0 &&
	    memcmp(pt, "hello", 5) == 0, "the untampered one still decrypts");
	CHECK(noise_cs_decrypt(&rtr, NULL, 0, ct, 21, pt) != 0, "a replay is refused");
	its.n = UINT64_MAX;
	CHECK(noise_cs_encrypt(&its, NULL, 0, pt, 5, ct) != 0, "nonce 2^64-1 is never used");
	noise_cs_rekey(&rts);
	noise_cs_rekey(&itr);
	noise_cs_encrypt(&rts, NULL, 0, (const uint8_t *)"after", 5, ct);
	CHECK(noise_cs_decrypt(&itr, NULL, 0, ct, 21, pt) == 0 &&
	    memcmp(pt, "after", 5) == 0, "both sides agree after rekey");

	/* A low-order (all-zero) ephemeral key makes DH fail: refused. */
	noise_keypair(is, ip);
	noise_keypair(rs, rp);
	i = noise_hs_create(name, 1, NULL, 0, is, rp, NULL, 0);
	r = noise_hs_create(name, 0, NULL, 0, rs, NULL, NULL, 0);
	noise_hs_write(i, NULL, 0, m, sizeof m, &ml);
	memcpy(m, zero, 32);
	CHECK(noise_hs_read(r, m, ml, p, sizeof p, &pl) != 0, "low-order key refused");
	CHECK(noise_hs_read(r, m, 10, p, sizeof p, &pl) != 0, "short message refused");
	CHECK(noise_hs_write(r, NULL, 0, m, sizeof m, &ml) != 0,
	    "the responder cannot speak out of turn");
	noise_hs_free(i);
	noise_hs_free(r);
	CHECK(noise_hs_create("Noise_ZZ_25519_ChaChaPoly_BLAKE2b", 1, NULL, 0,
	    is, rp, NULL, 0) == NULL, "unknown pattern refused");
	CHECK(noise_hs_create("Noise_IK_448_AESGCM_SHA512", 1, NULL, 0, is, rp,
	    NULL, 0) == NULL, "other suites refused");
	CHECK(noise_hs_create(name, 1, NULL, 0, is, NULL, NULL, 0) == NULL,
	    "IK initiator without the responder's key refused");
	CHECK(noise_hs_create("Noise_IKpsk2_25519_ChaChaPoly_BLAKE2b", 1, NULL, 0,
	    is, rp, NULL, 0) == NULL, "psk pattern without a psk refused");
}

int
main(int argc, char **argv)
{
	if (sodium_init() < 0)
		return 1;
	test_vectors(argc > 1 ? argv[1] : "tests/vectors/noise-25519-chachapoly-blake2b.json");
	test_edges();
	printf("noise: %d passed, %d failed\n", npass, nfail);
	return nfail != 0;
}

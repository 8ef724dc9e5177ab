/*
 * The idempotency store (the protocol's request_id).  A write that carries
 * a request_id is looked up inside its own transaction, before its handler
 * runs: the same id with the same method and params answers what was
 * answered the first time, with no second effect; the same id with
 * anything else is a conflict.  The answer of a write that succeeds is
 * stored in that same transaction, so the effect and its record commit
 * together or not at all; a refused write stores nothing and may be
 * corrected and sent again with its id.  Writes run one at a time on the
 * one writing connection (and BEGIN IMMEDIATE across processes), so two
 * sessions sending one id at the same moment see one effect.
 */
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "clock.h"
#include "db.h"
#include "pawd.h"
#include "xmalloc.h"

#define IDEM_KEEP	(7 * 24 * 3600)	/* seconds a record is kept */

static int	digest_obj(crypto_generichash_state *, const msgpack_object *,
		    int top);

/* Feed the digest one tagged scalar, or with p NULL a length alone. */
static void
digest_bytes(crypto_generichash_state *h, char tag, const void *p, size_t n)
{
	uint64_t	len = n;

	crypto_generichash_update(h, (const uint8_t *)&tag, 1);
	crypto_generichash_update(h, (const uint8_t *)&len, sizeof len);
	if (p != NULL)
		crypto_generichash_update(h, p, n);
}

static int
key_cmp(const void *a, const void *b)
{
	const msgpack_object_kv	*x = a, *y = b;
	size_t			 n = x->key.via.str.size < y->key.via.str.size ?
				    x->key.via.str.size : y->key.via.str.size;
	int			 c = memcmp(x->key.via.str.ptr,
				    y->key.via.str.ptr, n);

	if (c != 0)
		return c;
	return (x->key.via.str.size > y->key.via.str.size) -
	    (x->key.via.str.size < y->key.via.str.size);
}

/*
 * A map in key order, so that two encodings of the same params digest
 * alike; at the top, the names the digest must not hold are left out.
 */
static int
digest_map(crypto_generichash_state *h, const msgpack_object *o, int top)
{
	msgpack_object_kv	*kv;
	uint32_t		 i, n = o->via.map.size;

	kv = xcalloc(n + 1, sizeof *kv);
	memcpy(kv, o->via.map.ptr, n * sizeof *kv);
	for (i = 0; i < n; i++) {
		if (kv[i].key.type != MSGPACK_OBJECT_STR) {
			free(kv);
			return -1;
		}
	}
	qsort(kv, n, sizeof *kv, key_cmp);
	digest_bytes(h, 'm', NULL, 0);
	for (i = 0; i < n; i++) {
		if (top && (mp_str_eq(&kv[i].key, "request_id") ||
		    mp_str_eq(&kv[i].key, "approver_password") ||
		    kv[i].val.type == MSGPACK_OBJECT_NIL))
			continue;
		digest_obj(h, &kv[i].key, 0);
		digest_obj(h, &kv[i].val, 0);
	}
	free(kv);
	return 0;
}

static int
digest_obj(crypto_generichash_state *h, const msgpack_object *o, int top)
{
	uint32_t	i;
	int64_t		v;

	switch (o->type) {
	case MSGPACK_OBJECT_NIL:
		digest_bytes(h, 'n', NULL, 0);
		return 0;
	case MSGPACK_OBJECT_BOOLEAN:
		digest_bytes(h, o->via.boolean ? 't' : 'f', NULL, 0);
		return 0;
	case MSGPACK_OBJECT_POSITIVE_INTEGER:
	case MSGPACK_OBJECT_NEGATIVE_INTEGER:
		if (mp_int(o, &v) != 0)
			return -1;
		digest_bytes(h, 'i', &v, sizeof v);
		return 0;
	case MSGPACK_OBJECT_STR:
		digest_bytes(h, 's', o->via.str.ptr, o->via.str.size);
		return 0;
	case MSGPACK_OBJECT_ARRAY:
		digest_bytes(h, 'a', NULL, o->via.array.size);
		for (i = 0; i < o->via.array.size; i++) {
			if (digest_obj(h, &o->via.array.ptr[i], 0) != 0)
				return -1;
		}
		return 0;
	case MSGPACK_OBJECT_MAP:
		return digest_map(h, o, top);
	default:
		return -1;	/* the contract admits no other kind */
	}
}

int
idem_digest(const char *method, const msgpack_object *params,
    uint8_t out[IDEM_DIGEST_LEN])
{
	crypto_generichash_state	h;

	crypto_generichash_init(&h, NULL, 0, IDEM_DIGEST_LEN);
	digest_bytes(&h, 'M', method, strlen(method));
	if (params != NULL && digest_obj(&h, params, 1) != 0)
		return -1;
	crypto_generichash_final(&h, out, IDEM_DIGEST_LEN);
	return 0;
}

int
idem_find(struct db *db, const char *request_id,
    const uint8_t digest[IDEM_DIGEST_LEN], msgpack_sbuffer *result,
    struct perr *err)
{
	static const char sql[] =
	    "SELECT digest, result, method FROM idem WHERE request_id = ?";
	sqlite3_stmt	*st;
	int		 rc;

	if ((st = db_prep(db, sql)) == NULL)
		return perr_set(err, ERR_INTERNAL, NULL, "database error");
	db_bind_text(st, 1, request_id);
	if ((rc = sqlite3_step(st)) == SQLITE_DONE)
		return 0;
	if (rc != SQLITE_ROW)
		return perr_set(err, ERR_INTERNAL, NULL, "database error");
	if (sqlite3_column_bytes(st, 0) != IDEM_DIGEST_LEN ||
	    sodium_memcmp(sqlite3_column_blob(st, 0), digest,
	    IDEM_DIGEST_LEN) != 0)
		return perr_set(err, ERR_CONFLICT, "request_id",
		    "request_id was already used for another request (%.40s)",
		    db_col(st, 2));
	msgpack_sbuffer_write(result, sqlite3_column_blob(st, 1),
	    (size_t)sqlite3_column_bytes(st, 1));
	return 1;
}

int
idem_store(struct db *db, const char *request_id,
    const uint8_t digest[IDEM_DIGEST_LEN], const char *method,
    const struct actor *a, const char *result, size_t len)
{
	static const char sql[] =
	    "INSERT INTO idem (request_id, digest, method, staff, device, "
	    "result, created) VALUES (?, ?, ?, ?, ?, ?, ?)";
	sqlite3_stmt	*st;

	if ((st = db_prep(db, sql)) == NULL)
		return -1;
	db_bind_text(st, 1, request_id);
	sqlite3_bind_blob(st, 2, digest, IDEM_DIGEST_LEN, SQLITE_TRANSIENT);
	db_bind_text(st, 3, method);
	db_bind_text(st, 4, a->staff);
	if (a->device > 0)
		sqlite3_bind_int64(st, 5, a->device);
	sqlite3_bind_blob(st, 6, len > 0 ? result : "", (int)len,
	    SQLITE_TRANSIENT);
	sqlite3_bind_int64(st, 7, clock_now());
	return db_step_done(db, st);
}

int
idem_purge(struct db *db, int64_t now)
{
	static const char sql[] = "DELETE FROM idem WHERE created < ?";

	return db_run_int(db, sql, now - IDEM_KEEP);
}

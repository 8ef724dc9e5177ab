/*
 * The audit trail: one row per mutation, written in the mutation's
 * transaction, and read back a page at a time.  The rows form a chain:
 * row n's digest is BLAKE2b, keyed with the audit key (derived from the
 * server's static key, which paw.db does not hold), of row n-1's digest
 * and row n's content.  Changing, inserting or deleting a row anywhere
 * but at the end breaks the chain from there on; the end is covered by
 * the head, which a daily job writes to the log.
 */
#include <string.h>

#include <sodium.h>

#include "clock.h"
#include "log.h"
#include "db.h"
#include "pawd.h"

/* The columns a row's digest covers, in this order. */
#define AUDIT_COLS "id, at, staff, device, branch, staff_branch, approver, " \
    "method, entity, entity_id, before, after"

static void
pack_text(msgpack_packer *pk, const char *s)
{
	if (s == NULL)
		msgpack_pack_nil(pk);
	else
		mp_pack_str(pk, s);
}

/* Digest of one row's content after prev (AUDIT_DIGEST_LEN bytes). */
static void
audit_digest(const uint8_t *key, const uint8_t prev[AUDIT_DIGEST_LEN],
    const struct audit_entry *e, uint8_t out[AUDIT_DIGEST_LEN])
{
	crypto_generichash_state h;
	msgpack_sbuffer		 sb;
	msgpack_packer		 pk;

	msgpack_sbuffer_init(&sb);
	msgpack_packer_init(&pk, &sb, msgpack_sbuffer_write);
	msgpack_pack_array(&pk, 12);
	msgpack_pack_int64(&pk, e->id);
	msgpack_pack_int64(&pk, e->at);
	pack_text(&pk, e->staff);
	if (e->device > 0)
		msgpack_pack_int64(&pk, e->device);
	else
		msgpack_pack_nil(&pk);
	pack_text(&pk, e->branch);
	pack_text(&pk, e->staff_branch);
	pack_text(&pk, e->approver);
	pack_text(&pk, e->method);
	pack_text(&pk, e->entity);
	pack_text(&pk, e->entity_id);
	pack_text(&pk, e->before);
	pack_text(&pk, e->after);
	crypto_generichash_init(&h, key, AUDIT_KEY_LEN, AUDIT_DIGEST_LEN);
	crypto_generichash_update(&h, prev, AUDIT_DIGEST_LEN);
	crypto_generichash_update(&h, (const uint8_t *)sb.data, sb.size);
	crypto_generichash_final(&h, out, AUDIT_DIGEST_LEN);
	msgpack_sbuffer_destroy(&sb);
}

/*
 * The last row's id and digest (zeros for an empty trail): 0, 1 if the
 * row has no digest (zeros too), -1 on a database error.
 */
static int
audit_last(struct db *db, int64_t *id, uint8_t digest[AUDIT_DIGEST_LEN])
{
	static const char sql[] =
	    "SELECT id, digest FROM audit ORDER BY id DESC LIMIT 1";
	sqlite3_stmt	*st;
	int		 rc;

	*id = 0;
	memset(digest, 0, AUDIT_DIGEST_LEN);
	if ((st = db_prep(db, sql)) == NULL)
		return -1;
	if ((rc = sqlite3_step(st)) == SQLITE_DONE)
		return 0;
	if (rc != SQLITE_ROW)
		return -1;
	*id = sqlite3_column_int64(st, 0);
	if (sqlite3_column_bytes(st, 1) == AUDIT_DIGEST_LEN)
		memcpy(digest, sqlite3_column_blob(st, 1), AUDIT_DIGEST_LEN);
	else {
		/*
		 * A row without its digest (written by an older pawd after the
		 * upgrade, or by hand): the trail goes on from zeros, so that
		 * work goes on too, and pawd check names that row.
		 */
		log_warn("audit row %lld has no digest: pawd check will name it",
		    (long long)*id);
		return 1;
	}
	return 0;
}

int
audit_add(struct db *db, const struct actor *a, const char *method,
    const char *entity, const char *entity_id, const char *before,
    const char *after)
{
	static const char sql[] =
	    "INSERT INTO audit (" AUDIT_COLS ", digest) "
	    "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";
	const uint8_t	*key = db_audit_key(db);
	uint8_t		 prev[AUDIT_DIGEST_LEN], digest[AUDIT_DIGEST_LEN];
	struct audit_entry e = {
		.at = clock_now(), .staff = a->staff, .device = a->device,
		.branch = a->branch, .staff_branch = a->staff_branch,
		.approver = a->approver, .method = method, .entity = entity,
		.entity_id = entity_id, .before = before, .after = after,
	};
	sqlite3_stmt	*st;

	if (key == NULL) {
		log_error("audit: no audit key (server.key) for this database");
		return -1;
	}
	if (audit_last(db, &e.id, prev) < 0 || (st = db_prep(db, sql)) == NULL)
		return -1;
	e.id++;
	audit_digest(key, prev, &e, digest);
	sqlite3_bind_int64(st, 1, e.id);
	sqlite3_bind_int64(st, 2, e.at);
	db_bind_text(st, 3, e.staff);
	if (e.device > 0)
		sqlite3_bind_int64(st, 4, e.device);
	db_bind_text(st, 5, e.branch);
	db_bind_text(st, 6, e.staff_branch);
	db_bind_text(st, 7, e.approver);
	db_bind_text(st, 8, method);
	db_bind_text(st, 9, entity);
	db_bind_text(st, 10, entity_id);
	db_bind_text(st, 11, before);
	db_bind_text(st, 12, after);
	sqlite3_bind_blob(st, 13, digest, AUDIT_DIGEST_LEN, SQLITE_TRANSIENT);
	return db_step_done(db, st);
}

int
audit_commit(struct db *db, const struct actor *a, const char *method,
    const char *entity, const char *entity_id, const char *before,
    const char *after)
{
	if (audit_add(db, a, method, entity, entity_id, before, after) != 0 ||
	    db_commit(db) != 0) {
		db_rollback(db);
		return -1;
	}
	return 0;
}

/* Column text, or NULL for SQL NULL. */
static const char *
col_or_null(sqlite3_stmt *st, int i)
{
	return sqlite3_column_type(st, i) == SQLITE_NULL ? NULL : db_col(st, i);
}

static void
audit_from_row(struct audit_entry *e, sqlite3_stmt *st)
{
	e->id = sqlite3_column_int64(st, 0);
	e->at = sqlite3_column_int64(st, 1);
	e->staff = col_or_null(st, 2);
	e->device = sqlite3_column_int64(st, 3);
	e->branch = col_or_null(st, 4);
	e->staff_branch = col_or_null(st, 5);
	e->approver = col_or_null(st, 6);
	e->method = db_col(st, 7);
	e->entity = col_or_null(st, 8);
	e->entity_id = col_or_null(st, 9);
	e->before = col_or_null(st, 10);
	e->after = col_or_null(st, 11);
}

int
audit_list(struct db *db, const struct audit_filter *f, audit_fn *cb,
    void *arg, struct perr *err)
{
	static const char sql[] =
	    "SELECT " AUDIT_COLS " FROM audit WHERE (?1 IS NULL OR entity = ?1) "
	    "AND (?2 IS NULL OR entity_id = ?2) AND (?3 IS NULL OR staff = ?3) "
	    "AND (?4 IS NULL OR method = ?4) ORDER BY id DESC LIMIT ?5 OFFSET ?6";
	struct audit_entry e;
	sqlite3_stmt	*st;
	int		 rc;

	if (f->limit < 1 || f->limit > AUDIT_LIST_MAX)
		return perr_set(err, ERR_INVALID, "limit", "limit must be 1-%d",
		    AUDIT_LIST_MAX);
	if (f->offset < 0)
		return perr_set(err, ERR_INVALID, "offset",
		    "offset must be >= 0");
	if ((st = db_prep(db, sql)) == NULL)
		return perr_set(err, ERR_INTERNAL, NULL, "database error");
	db_bind_text(st, 1, f->entity);
	db_bind_text(st, 2, f->entity_id);
	db_bind_text(st, 3, f->staff);
	db_bind_text(st, 4, f->method);
	sqlite3_bind_int64(st, 5, f->limit);
	sqlite3_bind_int64(st, 6, f->offset);
	while ((rc = db_step(db, st)) == 1) {
		audit_from_row(&e, st);
		cb(&e, arg);
	}
	return rc < 0 ? perr_set(err, ERR_INTERNAL, NULL, "database error") : 0;
}

/*
 * Walk the chain from the first row, digests recomputed: cb gets each row
 * and whether it fits.  The number of rows, or -1 (database error).
 */
static int64_t
audit_walk(struct db *db, int (*cb)(struct db *, const struct audit_entry *,
    const uint8_t *stored, size_t len, const uint8_t *want, void *),
    void *arg, uint8_t head[AUDIT_DIGEST_LEN])
{
	static const char sql[] =
	    "SELECT " AUDIT_COLS ", digest FROM audit ORDER BY id";
	const uint8_t	*key = db_audit_key(db);
	uint8_t		 want[AUDIT_DIGEST_LEN];
	struct audit_entry e;
	sqlite3_stmt	*st;
	int64_t		 n = 0;
	int		 rc;

	memset(head, 0, AUDIT_DIGEST_LEN);
	if (key == NULL || (st = db_prep(db, sql)) == NULL)
		return -1;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		audit_from_row(&e, st);
		audit_digest(key, head, &e, want);
		if (cb(db, &e, sqlite3_column_blob(st, 12),
		    (size_t)sqlite3_column_bytes(st, 12), want, arg) != 0)
			return n;
		memcpy(head, want, AUDIT_DIGEST_LEN);
		n++;
	}
	return rc == SQLITE_DONE ? n : -1;
}

/* A row fits when its stored digest is the one recomputed. */
static int
verify_row(struct db *db, const struct audit_entry *e, const uint8_t *stored,
    size_t len, const uint8_t *want, void *arg)
{
	int64_t	*bad = arg;

	if (len == AUDIT_DIGEST_LEN && sodium_memcmp(stored, want,
	    AUDIT_DIGEST_LEN) == 0)
		return 0;
	*bad = e->id;
	return 1;
}

int64_t
audit_verify(struct db *db, int64_t *bad, uint8_t head[AUDIT_DIGEST_LEN])
{
	*bad = 0;
	return audit_walk(db, verify_row, bad, head);
}

/* Store the digest a row should have (rows written before the chain). */
static int
backfill_row(struct db *db, const struct audit_entry *e, const uint8_t *stored,
    size_t len, const uint8_t *want, void *arg)
{
	static const char sql[] = "UPDATE audit SET digest = ? WHERE id = ?";
	sqlite3_stmt	*st = db_prep(db, sql);
	int		*failed = arg;

	if (st == NULL) {
		*failed = 1;
		return 1;
	}
	sqlite3_bind_blob(st, 1, want, AUDIT_DIGEST_LEN, SQLITE_TRANSIENT);
	sqlite3_bind_int64(st, 2, e->id);
	if (db_step_done(db, st) != 0) {
		*failed = 1;
		return 1;
	}
	return 0;
}

int
audit_backfill(struct db *db)
{
	uint8_t	head[AUDIT_DIGEST_LEN];
	int64_t	last;
	int	failed = 0;

	/* A new database (or a tool's, without the server's key) has none. */
	if (audit_last(db, &last, head) >= 0 && last == 0)
		return 0;
	if (audit_walk(db, backfill_row, &failed, head) < 0 || failed) {
		log_error("audit: the chain of earlier rows was not written");
		return -1;
	}
	return 0;
}

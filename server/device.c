/* Branch devices: keys, enrollment codes, revocation. */
#include <stdio.h>
#include <string.h>

#include <sodium.h>

#include "clock.h"
#include "enroll.h"
#include "db.h"
#include "pawd.h"

#define ENROLL_TTL	(24 * 3600)

const char *
device_identify(struct db *db, const uint8_t key[32], int64_t *id, char *branch)
{
	static const char sql[] =
	    "SELECT id, branch, revoked FROM device WHERE pubkey = ?";
	sqlite3_stmt	*st;

	if ((st = db_prep(db, sql)) == NULL)
		return "unknown_device";
	sqlite3_bind_blob(st, 1, key, 32, SQLITE_STATIC);
	if (sqlite3_step(st) != SQLITE_ROW)
		return "unknown_device";
	*id = sqlite3_column_int64(st, 0);
	snprintf(branch, ID_MAX, "%s", db_col(st, 1));
	if (sqlite3_column_type(st, 2) != SQLITE_NULL)
		return "revoked";
	return "ok";
}

void
device_seen(struct db *db, int64_t id)
{
	static const char sql[] = "UPDATE device SET last_seen = ? WHERE id = ?";
	sqlite3_stmt	*st;

	if ((st = db_prep(db, sql)) != NULL) {
		sqlite3_bind_int64(st, 1, clock_now());
		sqlite3_bind_int64(st, 2, id);
		db_step_done(db, st);
	}
}

int64_t
device_insert(struct db *db, const uint8_t key[32], const char *branch,
    const char *name, struct perr *err)
{
	static const char sql[] =
	    "INSERT INTO device (pubkey, branch, name, created) VALUES (?, ?, ?, ?)";
	sqlite3_stmt	*st;

	if (!branch_exists(db, branch))
		return perr_set(err, ERR_INVALID, "branch", "no branch %s", branch);
	if ((st = db_prep(db, sql)) == NULL)
		return perr_set(err, ERR_INTERNAL, NULL, "database error");
	sqlite3_bind_blob(st, 1, key, 32, SQLITE_TRANSIENT);
	db_bind_text(st, 2, branch);
	db_bind_text(st, 3, name);
	sqlite3_bind_int64(st, 4, clock_now());
	if (db_step_done(db, st) != 0) {
		if ((db_errcode(db) & 0xff) == SQLITE_CONSTRAINT)
			return perr_set(err, ERR_CONFLICT, "pubkey",
			    "this device key is already registered");
		return perr_set(err, ERR_INTERNAL, NULL, "database error");
	}
	return db_last_id(db);
}


const struct entity device_entity = { "device",
    ENTITY_TABLE(DEVICE_FIELDS, struct device) };

#define DEVICE_COLS	ENTITY_COLS(DEVICE_FIELDS)

int
device_enroll_code(struct db *db, const uint8_t server_pub[32],
    const char *branch, char *code, struct perr *err)
{
	static const char sql[] =
	    "INSERT INTO enroll_code (code_id, psk, branch, created, expires) "
	    "VALUES (?, ?, ?, ?, ?)";
	uint8_t		 s[32], code_id[16], psk[32];
	sqlite3_stmt	*st;
	int64_t		 now = clock_now();

	if (!branch_exists(db, branch))
		return perr_set(err, ERR_INVALID, "branch", "no branch %s", branch);
	randombytes_buf(s, sizeof s);
	enroll_derive(s, code_id, psk);
	enroll_code_make(server_pub, s, code);
	sodium_memzero(s, sizeof s);
	if ((st = db_prep(db, sql)) == NULL)
		return perr_set(err, ERR_INTERNAL, NULL, "database error");
	sqlite3_bind_blob(st, 1, code_id, 16, SQLITE_TRANSIENT);
	sqlite3_bind_blob(st, 2, psk, 32, SQLITE_TRANSIENT);
	sodium_memzero(psk, sizeof psk);
	db_bind_text(st, 3, branch);
	sqlite3_bind_int64(st, 4, now);
	sqlite3_bind_int64(st, 5, now + ENROLL_TTL);
	if (db_step_done(db, st) != 0)
		return perr_set(err, ERR_INTERNAL, NULL, "database error");
	return 0;
}

int
device_code_lookup(struct db *db, const uint8_t code_id[16], uint8_t psk[32],
    int64_t *row, char *branch)
{
	static const char sql[] =
	    "SELECT id, psk, branch, expires, used FROM enroll_code "
	    "WHERE code_id = ?";
	sqlite3_stmt	*st;

	if ((st = db_prep(db, sql)) == NULL)
		return HELLO_BUSY;
	sqlite3_bind_blob(st, 1, code_id, 16, SQLITE_STATIC);
	if (sqlite3_step(st) != SQLITE_ROW ||
	    sqlite3_column_bytes(st, 1) != 32 ||
	    sqlite3_column_int64(st, 3) < clock_now())
		return HELLO_CODE_UNKNOWN;
	if (sqlite3_column_type(st, 4) != SQLITE_NULL)
		return HELLO_CODE_USED;
	*row = sqlite3_column_int64(st, 0);
	memcpy(psk, sqlite3_column_blob(st, 1), 32);
	snprintf(branch, ID_MAX, "%s", db_col(st, 2));
	return HELLO_OK;
}

int64_t
device_register(struct db *db, int64_t code_row, const uint8_t key[32],
    const char *name, struct perr *err)
{
	static const char burn[] =
	    "UPDATE enroll_code SET used = ?, device = ? "
	    "WHERE id = ? AND used IS NULL AND expires >= ?";
	static const char get[] = "SELECT branch FROM enroll_code WHERE id = ?";
	sqlite3_stmt	*st;
	char		 branch[ID_MAX];
	int64_t		 id;

	if ((st = db_prep(db, get)) == NULL)
		return perr_set(err, ERR_INTERNAL, NULL, "database error");
	sqlite3_bind_int64(st, 1, code_row);
	if (sqlite3_step(st) != SQLITE_ROW)
		return perr_set(err, ERR_NOT_FOUND, NULL, "enrollment code unknown");
	snprintf(branch, sizeof branch, "%s", db_col(st, 0));
	if ((id = device_insert(db, key, branch, name, err)) < 0)
		return -1;
	if ((st = db_prep(db, burn)) == NULL)
		return perr_set(err, ERR_INTERNAL, NULL, "database error");
	sqlite3_bind_int64(st, 1, clock_now());
	sqlite3_bind_int64(st, 2, id);
	sqlite3_bind_int64(st, 3, code_row);
	sqlite3_bind_int64(st, 4, clock_now());
	if (db_step_done(db, st) != 0 || db_changes(db) != 1)
		return perr_set(err, ERR_CONFLICT, NULL,
		    "enrollment code already used or expired");
	return id;
}

int
device_get(struct db *db, int64_t id, struct device *d, struct perr *err)
{
	static const char sql[] =
	    "SELECT " DEVICE_COLS " FROM device WHERE id = ?";
	sqlite3_stmt	*st;

	if ((st = db_prep(db, sql)) == NULL)
		return perr_set(err, ERR_INTERNAL, NULL, "database error");
	sqlite3_bind_int64(st, 1, id);
	switch (entity_step(db, st, &device_entity, d)) {
	case 1:
		return 0;
	case 0:
		return perr_set(err, ERR_NOT_FOUND, "id", "no device %lld",
		    (long long)id);
	default:
		return perr_set(err, ERR_INTERNAL, NULL, "database error");
	}
}

/* The list ends at a row whose key is not 32 bytes. */
int
device_list(struct db *db, const char *branch, device_fn *cb, void *arg)
{
	static const char sql[] = "SELECT " DEVICE_COLS " FROM device "
	    "WHERE (?1 IS NULL OR branch = ?1) ORDER BY id";
	sqlite3_stmt	*st = db_prep(db, sql);
	struct device	 d;
	int		 n = 0;
	int		 rc = 0;

	if (st == NULL)
		return -1;
	db_bind_text(st, 1, branch);
	while ((rc = db_step(db, st)) == 1 &&
	    entity_row(&device_entity, st, &d) == 0) {
		cb(&d, arg);
		n++;
	}
	return rc < 0 ? -1 : n;
}

int
device_revoke(struct db *db, int64_t id, struct device *before,
    struct device *after, struct perr *err)
{
	static const char sql[] = "UPDATE device SET revoked = ? WHERE id = ? "
	    "RETURNING " DEVICE_COLS;
	static const char drop[] = "DELETE FROM staff_token WHERE device = ?";
	struct device	 d, row;
	sqlite3_stmt	*st;

	if (device_get(db, id, &d, err) != 0)
		return -1;
	if (before != NULL)
		*before = d;
	if (d.revoked)
		return perr_set(err, ERR_CONFLICT, "id",
		    "device %lld is already revoked", (long long)id);
	if ((st = db_prep(db, sql)) == NULL)
		return perr_set(err, ERR_INTERNAL, NULL, "database error");
	sqlite3_bind_int64(st, 1, clock_now());
	sqlite3_bind_int64(st, 2, id);
	if (entity_step(db, st, &device_entity, after ? after : &row) != 1 ||
	    (st = db_prep(db, drop)) == NULL)
		return perr_set(err, ERR_INTERNAL, NULL, "database error");
	sqlite3_bind_int64(st, 1, id);
	if (db_step_done(db, st) != 0)
		return perr_set(err, ERR_INTERNAL, NULL, "database error");
	return 0;
}

int
device_code_purge(struct db *db, int64_t before)
{
	static const char sql[] = "DELETE FROM enroll_code WHERE expires < ?";

	return db_run_int(db, sql, before);
}

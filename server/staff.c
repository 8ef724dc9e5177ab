/* Staff accounts: password rules, Argon2id hashing, rows. */
#include <string.h>

#include <sodium.h>

#include "clock.h"
#include "pawd.h"
#include "utf8.h"

/* Argon2id at libsodium's interactive limits: tens of milliseconds. */
int
staff_hash(const char *password, char out[128])
{
	return crypto_pwhash_str(out, password, strlen(password),
	    crypto_pwhash_OPSLIMIT_INTERACTIVE,
	    crypto_pwhash_MEMLIMIT_INTERACTIVE) == 0 ? 0 : -1;
}

int
staff_verify(const char *hash, const char *password)
{
	return crypto_pwhash_str_verify(hash, password, strlen(password)) == 0;
}

/* PINs of 6+ digits or passwords of 8+ characters. */
int
staff_check_password(const char *pw, struct perr *err)
{
	size_t	len = strlen(pw), i;
	int	digits = 1;

	for (i = 0; i < len; i++) {
		if (pw[i] < '0' || pw[i] > '9')
			digits = 0;
	}
	if (!utf8_valid(pw, len) || len > 128)
		return perr_set(err, ERR_INVALID, "password",
		    "password must be at most 128 characters of text");
	if (digits && len < 6)
		return perr_set(err, ERR_INVALID, "password",
		    "a PIN needs at least 6 digits");
	if (!digits && len < 8)
		return perr_set(err, ERR_INVALID, "password",
		    "a password needs at least 8 characters");
	return 0;
}

/* Staff ids: 2-32 of a-z 0-9 . _ - */
static int
staff_id_ok(const char *id)
{
	size_t	len = strlen(id), i;

	if (len < 2 || len > 32)
		return 0;
	for (i = 0; i < len; i++) {
		char	c = id[i];

		if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
		    c == '.' || c == '_' || c == '-'))
			return 0;
	}
	return 1;
}

int
staff_insert(struct db *db, const char *id, const char *name, int role,
    const char *branch, const char *hash, struct perr *err)
{
	static const char sql[] =
	    "INSERT INTO staff (id, name, role, branch, pwhash, created) "
	    "VALUES (?, ?, ?, ?, ?, ?)";
	sqlite3_stmt	*st;

	if (!staff_id_ok(id))
		return perr_set(err, ERR_INVALID, "id",
		    "staff id must be 2-32 of a-z, 0-9, '.', '_', '-'");
	if (name[0] == '\0' || utf8_count(name) > 40)
		return perr_set(err, ERR_INVALID, "name",
		    "name must be 1-40 characters");
	if (role == 0)
		return perr_set(err, ERR_INVALID, "role",
		    "role must be clerk, manager, hq_admin or support");
	if (!branch_exists(db, branch))
		return perr_set(err, ERR_INVALID, "branch",
		    "no branch %s", branch);
	if ((st = db_prep(db, sql)) == NULL)
		return perr_set(err, ERR_INTERNAL, NULL, "database error");
	db_bind_text(st, 1, id);
	db_bind_text(st, 2, name);
	db_bind_text(st, 3, role_name(role));
	db_bind_text(st, 4, branch);
	db_bind_text(st, 5, hash);
	sqlite3_bind_int64(st, 6, clock_now());
	if (db_step_done(db, st) != 0) {
		if (db_errcode(db) == SQLITE_CONSTRAINT_PRIMARYKEY)
			return perr_set(err, ERR_CONFLICT, "id",
			    "staff id %s is taken", id);
		return perr_set(err, ERR_INTERNAL, NULL, "database error");
	}
	return 0;
}

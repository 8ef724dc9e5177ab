/*
 * Staff accounts: password rules, Argon2id hashing, rows; logins with
 * their lockout, and the tokens that resume a session after the network
 * drops (bound to the device that logged in).
 */
#include <pthread.h>
#include <stdio.h>
#include <string.h>

#include <sodium.h>

#include "clock.h"
#include "hex.h"
#include "log.h"
#include "db.h"
#include "pawd.h"
#include "utf8.h"

#define LOGIN_MAX_FAILS	5
#define LOGIN_LOCK_SECS	(15 * 60)
#define TOKEN_TTL	(12 * 3600)

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

const struct entity staff_entity = { "staff",
    ENTITY_TABLE(STAFF_FIELDS, struct staff) };

#define STAFF_COLS	ENTITY_COLS(STAFF_FIELDS)

static char		dummy_hash[128];
static pthread_once_t	dummy_once = PTHREAD_ONCE_INIT;

static void
dummy_init(void)
{
	char	pw[33];
	uint8_t	r[16];

	randombytes_buf(r, sizeof r);
	hex_encode(r, sizeof r, pw);
	if (staff_hash(pw, dummy_hash) != 0)
		dummy_hash[0] = '\0';
	sodium_memzero(pw, sizeof pw);
}

const char *
staff_dummy_hash(void)
{
	pthread_once(&dummy_once, dummy_init);
	return dummy_hash;
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
    const char *branch, const char *hash, struct staff *out, struct perr *err)
{
	static const char sql[] =
	    "INSERT INTO staff (id, name, role, branch, pwhash, created) "
	    "VALUES (?, ?, ?, ?, ?, ?) RETURNING " STAFF_COLS;
	struct staff	 row;
	sqlite3_stmt	*st;

	if (!staff_id_ok(id))
		return perr_set(err, ERR_INVALID, "id",
		    "staff id must be 2-32 of a-z, 0-9, '.', '_', '-'");
	if (name[0] == '\0' || utf8_count(name) > STAFF_NAME_MAX)
		return perr_set(err, ERR_INVALID, "name",
		    "name must be 1-%d characters", STAFF_NAME_MAX);
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
	if (entity_step(db, st, &staff_entity, out ? out : &row) != 1) {
		if (db_errcode(db) == SQLITE_CONSTRAINT_PRIMARYKEY)
			return perr_set(err, ERR_CONFLICT, "id",
			    "staff id %s is taken", id);
		return perr_set(err, ERR_INTERNAL, NULL, "database error");
	}
	return 0;
}

int
staff_get(struct db *db, const char *id, struct staff *s, struct perr *err)
{
	static const char sql[] =
	    "SELECT " STAFF_COLS " FROM staff WHERE id = ?1";
	sqlite3_stmt	*st = db_prep(db, sql);

	if (st == NULL)
		return perr_set(err, ERR_INTERNAL, NULL, "database error");
	db_bind_text(st, 1, id);
	switch (entity_step(db, st, &staff_entity, s)) {
	case 1:
		return 0;
	case 0:
		return perr_set(err, ERR_NOT_FOUND, "id", "no staff %s", id);
	default:
		return perr_set(err, ERR_INTERNAL, NULL, "database error");
	}
}

int
staff_list(struct db *db, const char *branch, int include_disabled,
    staff_fn *cb, void *arg)
{
	static const char sql[] =
	    "SELECT " STAFF_COLS " FROM staff WHERE (?1 IS NULL OR branch = ?1) "
	    "AND (?2 OR disabled = 0) ORDER BY branch, id LIMIT 1000";
	sqlite3_stmt	*st = db_prep(db, sql);
	struct staff	 s;
	int		 n = 0;
	int		 rc = 0;

	if (st == NULL)
		return -1;
	db_bind_text(st, 1, branch);
	sqlite3_bind_int(st, 2, include_disabled);
	while ((rc = db_step(db, st)) == 1) {
		if (entity_row(&staff_entity, st, &s) != 0)
			return -1;
		cb(&s, arg);
		n++;
	}
	return rc < 0 ? -1 : n;
}

int
staff_update(struct db *db, const char *id, const struct staff_in *in,
    struct staff *out, struct perr *err)
{
	static const char sql[] =
	    "UPDATE staff SET name = coalesce(?, name), role = coalesce(?, role),"
	    " branch = coalesce(?, branch) WHERE id = ? RETURNING " STAFF_COLS;
	const char	*name = in->name, *role = in->role, *branch = in->branch;
	struct staff	 row;
	sqlite3_stmt	*st;

	if (role != NULL && role_parse(role) == 0)
		return perr_set(err, ERR_INVALID, "role", "invalid value");
	if (name != NULL && (name[0] == '\0' || utf8_count(name) > STAFF_NAME_MAX))
		return perr_set(err, ERR_INVALID, "name", "invalid value");
	if (branch != NULL && !branch_exists(db, branch))
		return perr_set(err, ERR_INVALID, "branch", "invalid value");
	if ((st = db_prep(db, sql)) == NULL)
		return perr_set(err, ERR_INTERNAL, NULL, "database error");
	db_bind_text(st, 1, name);
	db_bind_text(st, 2, role);
	db_bind_text(st, 3, branch);
	db_bind_text(st, 4, id);
	switch (entity_step(db, st, &staff_entity, out ? out : &row)) {
	case 1:
		return 0;
	case 0:
		return perr_set(err, ERR_NOT_FOUND, "id", "no staff %s", id);
	default:
		return perr_set(err, ERR_INTERNAL, NULL, "database error");
	}
}

int
staff_set_hash(struct db *db, const char *id, const char *hash,
    struct perr *err)
{
	static const char sql[] =
	    "UPDATE staff SET pwhash = ?, failed = 0, locked_until = 0 "
	    "WHERE id = ?";
	sqlite3_stmt	*st;

	if ((st = db_prep(db, sql)) == NULL)
		return perr_set(err, ERR_INTERNAL, NULL, "database error");
	db_bind_text(st, 1, hash);
	db_bind_text(st, 2, id);
	/* Its tokens and live sessions end: schema/007. */
	if (db_step_done(db, st) != 0)
		return perr_set(err, ERR_INTERNAL, NULL, "database error");
	return 0;
}

int
staff_disable(struct db *db, const char *id, struct staff *out,
    struct perr *err)
{
	static const char sql[] = "UPDATE staff SET disabled = 1 WHERE id = ? "
	    "RETURNING " STAFF_COLS;
	struct staff	 row;
	sqlite3_stmt	*st;

	if ((st = db_prep(db, sql)) == NULL)
		return perr_set(err, ERR_INTERNAL, NULL, "database error");
	db_bind_text(st, 1, id);
	/* Its tokens and live sessions end: schema/007. */
	if (entity_step(db, st, &staff_entity, out ? out : &row) != 1)
		return perr_set(err, ERR_INTERNAL, NULL, "database error");
	return 0;
}

int
staff_pwhash(struct db *db, const char *id, char hash[128], int *disabled)
{
	static const char sql[] = "SELECT pwhash, disabled FROM staff WHERE id = ?";
	sqlite3_stmt	*st = db_prep(db, sql);

	if (st == NULL)
		return -1;
	db_bind_text(st, 1, id);
	if (sqlite3_step(st) != SQLITE_ROW)
		return -1;
	snprintf(hash, 128, "%s", db_col(st, 0));
	if (disabled != NULL)
		*disabled = sqlite3_column_int(st, 1);
	return 0;
}

/* ---- logins and the tokens that resume them ---- */

static int	staff_verdict(struct db *, const char *, int, int,
		    struct staff *, int *, struct perr *);

/* Count a wrong password; lock the account after LOGIN_MAX_FAILS. */
static int
staff_login_failed(struct db *db, const char *id, int64_t failed, int *flags,
    struct perr *err)
{
	static const char upd[] =
	    "UPDATE staff SET failed = ?, locked_until = ? WHERE id = ?";
	sqlite3_stmt	*st = db_prep(db, upd);
	int		 lock = failed + 1 >= LOGIN_MAX_FAILS;

	*flags = STAFF_LOGIN_COUNTED;
	if (st != NULL) {
		sqlite3_bind_int64(st, 1, lock ? 0 : failed + 1);
		sqlite3_bind_int64(st, 2, lock ? clock_now() + LOGIN_LOCK_SECS : 0);
		db_bind_text(st, 3, id);
		db_step_done(db, st);
	}
	if (lock) {
		*flags |= STAFF_LOGIN_LOCKED;
		log_warn("staff %s locked after %d failed logins", id,
		    LOGIN_MAX_FAILS);
		return perr_set(err, ERR_LOCKED, NULL,
		    "too many failed logins: account locked for 15 minutes");
	}
	/* As for an unknown id, word for word: no count tells them apart. */
	return perr_set(err, ERR_UNAUTHENTICATED, "password",
	    "wrong staff id or password");
}

int
staff_approve(struct db *db, const char *id, int known, int ok,
    const char *branch, int *flags, struct perr *err)
{
	static const char done[] =
	    "UPDATE staff SET failed = 0, locked_until = 0 WHERE id = ?";
	struct staff	 who;
	sqlite3_stmt	*st;

	if (staff_verdict(db, id, known, ok, &who, flags, err) != 0) {
		err->field = err->code == ERR_LOCKED ? "approver" :
		    "approver_password";
		return -1;
	}
	if (who.role != R_HQ && !(who.role == R_MANAGER &&
	    strcmp(who.branch, branch) == 0))
		return perr_set(err, ERR_FORBIDDEN, "approver",
		    "%s may not approve: an approver is a manager of branch %s "
		    "or an HQ admin", id, branch);
	if ((st = db_prep(db, done)) == NULL)
		return perr_set(err, ERR_INTERNAL, NULL, "database error");
	db_bind_text(st, 1, id);
	return db_step_done(db, st) == 0 ? 0 :
	    perr_set(err, ERR_INTERNAL, NULL, "database error");
}

int
staff_recheck(struct db *db, const char *id, int ok, int *flags,
    struct perr *err)
{
	struct staff	who;

	return staff_verdict(db, id, 1, ok, &who, flags, err);
}

int
staff_login(struct db *db, const char *id, int known, int ok,
    struct staff *who, int *flags, struct perr *err)
{
	static const char done[] =
	    "UPDATE staff SET failed = 0, locked_until = 0, last_login = ? "
	    "WHERE id = ?";
	sqlite3_stmt	*st;
	int64_t		 now = clock_now();

	if (staff_verdict(db, id, known, ok, who, flags, err) != 0)
		return -1;
	if ((st = db_prep(db, done)) != NULL) {
		sqlite3_bind_int64(st, 1, now);
		db_bind_text(st, 2, id);
		db_step_done(db, st);
	}
	who->last_login = now;
	return 0;
}

/*
 * The verdict on a password check of account id: who it is, or -1 with
 * err (and flags) for an unknown or disabled id, a lockout, a wrong
 * password (counted).
 */
static int
staff_verdict(struct db *db, const char *id, int known, int ok,
    struct staff *who, int *flags, struct perr *err)
{
	static const char sql[] =
	    "SELECT name, role, branch, disabled, failed, locked_until "
	    "FROM staff WHERE id = ?";
	sqlite3_stmt	*st = db_prep(db, sql);
	int64_t		 locked, now = clock_now();

	*flags = 0;
	if (st == NULL)
		return perr_set(err, ERR_INTERNAL, NULL, "database error");
	db_bind_text(st, 1, id);
	if (!known || sqlite3_step(st) != SQLITE_ROW ||
	    sqlite3_column_int(st, 3))
		return perr_set(err, ERR_UNAUTHENTICATED, "password",
		    "wrong staff id or password");
	if ((locked = sqlite3_column_int64(st, 5)) > now)
		return perr_set(err, ERR_LOCKED, NULL,
		    "account locked for %lld more minutes",
		    (long long)((locked - now + 59) / 60));
	if (!ok)
		return staff_login_failed(db, id, sqlite3_column_int64(st, 4),
		    flags, err);
	memset(who, 0, sizeof *who);
	snprintf(who->id, sizeof who->id, "%s", id);
	snprintf(who->name, sizeof who->name, "%s", db_col(st, 0));
	who->role = role_parse(db_col(st, 1));
	snprintf(who->branch, sizeof who->branch, "%s", db_col(st, 2));
	return 0;
}

/* Tokens are stored as their BLAKE2b hash: a stolen database resumes nothing. */
static void
token_hash(const char *token, uint8_t out[32])
{
	crypto_generichash(out, 32, (const uint8_t *)token, strlen(token),
	    NULL, 0);
}

int64_t
staff_token_create(struct db *db, const char *staff, int64_t device,
    char *token, int64_t *expires)
{
	static const char ins[] =
	    "INSERT INTO staff_token (hash, staff, device, created, expires) "
	    "VALUES (?, ?, ?, ?, ?)";
	uint8_t		 raw[STAFF_TOKEN_LEN / 2], h[32];
	sqlite3_stmt	*st;
	int64_t		 now = clock_now();

	randombytes_buf(raw, sizeof raw);
	hex_encode(raw, sizeof raw, token);
	sodium_memzero(raw, sizeof raw);
	token_hash(token, h);
	*expires = now + TOKEN_TTL;
	if ((st = db_prep(db, ins)) == NULL)
		return -1;
	sqlite3_bind_blob(st, 1, h, 32, SQLITE_TRANSIENT);
	db_bind_text(st, 2, staff);
	sqlite3_bind_int64(st, 3, device);
	sqlite3_bind_int64(st, 4, now);
	sqlite3_bind_int64(st, 5, *expires);
	if (db_step_done(db, st) != 0)
		return -1;
	return db_last_id(db);
}

int
staff_token_resume(struct db *db, const char *token, int64_t device,
    struct staff *who, int64_t *id, struct perr *err)
{
	static const char sql[] =
	    "SELECT t.id, s.id, s.name, s.role, s.branch FROM staff_token t "
	    "JOIN staff s ON s.id = t.staff WHERE t.hash = ? AND t.device = ? "
	    "AND t.expires > ? AND s.disabled = 0";
	static const char touch[] =
	    "UPDATE staff_token SET expires = ? WHERE id = ?";
	uint8_t		 h[32];
	sqlite3_stmt	*st = db_prep(db, sql);

	token_hash(token, h);
	if (st != NULL) {
		sqlite3_bind_blob(st, 1, h, 32, SQLITE_TRANSIENT);
		sqlite3_bind_int64(st, 2, device);
		sqlite3_bind_int64(st, 3, clock_now());
	}
	if (st == NULL || sqlite3_step(st) != SQLITE_ROW)
		return perr_set(err, ERR_UNAUTHENTICATED, "token",
		    "session expired: log in again");
	memset(who, 0, sizeof *who);
	*id = sqlite3_column_int64(st, 0);
	snprintf(who->id, sizeof who->id, "%s", db_col(st, 1));
	snprintf(who->name, sizeof who->name, "%s", db_col(st, 2));
	who->role = role_parse(db_col(st, 3));
	snprintf(who->branch, sizeof who->branch, "%s", db_col(st, 4));
	/* Best effort, as it always was: a failed touch only ends it sooner. */
	if ((st = db_prep(db, touch)) != NULL) {
		sqlite3_bind_int64(st, 1, clock_now() + TOKEN_TTL);
		sqlite3_bind_int64(st, 2, *id);
		db_step_done(db, st);
	}
	return 0;
}

int
staff_token_drop(struct db *db, int64_t id)
{
	static const char sql[] = "DELETE FROM staff_token WHERE id = ?";
	sqlite3_stmt	*st;

	if ((st = db_prep(db, sql)) == NULL)
		return -1;
	sqlite3_bind_int64(st, 1, id);
	return db_step_done(db, st);
}

int
staff_token_purge(struct db *db, int64_t before)
{
	static const char sql[] = "DELETE FROM staff_token WHERE expires <= ?";

	return db_run_int(db, sql, before);
}

/* ---- live sessions follow their staff (schema/007) ---- */

int64_t
staff_generation(struct db *db, const char *id)
{
	static const char sql[] = "SELECT generation FROM staff WHERE id = ?";
	sqlite3_stmt	*st;
	int64_t		 generation = -1;

	if ((st = db_prep(db, sql)) == NULL)
		return -1;
	db_bind_text(st, 1, id);
	if (db_step(db, st) == 1)
		generation = sqlite3_column_int64(st, 0);
	sqlite3_reset(st);
	return generation;
}

int64_t
staff_cuts(struct db *db, int64_t after, staff_cut_fn *fn, void *arg)
{
	static const char top_sql[] = "SELECT coalesce(max(seq), 0) FROM "
	    "staff_cut";
	static const char sql[] = "SELECT seq, staff, generation, reason FROM "
	    "staff_cut WHERE seq > ? ORDER BY seq";
	struct staff_cut c;
	sqlite3_stmt	*st;
	int		 rc;

	if (after < 0) {
		if ((st = db_prep(db, top_sql)) == NULL)
			return -1;
		after = db_step(db, st) == 1 ? sqlite3_column_int64(st, 0) : -1;
		sqlite3_reset(st);
		return after;
	}
	if ((st = db_prep(db, sql)) == NULL)
		return -1;
	sqlite3_bind_int64(st, 1, after);
	while ((rc = db_step(db, st)) == 1) {
		after = sqlite3_column_int64(st, 0);
		db_copy_col(c.staff, sizeof c.staff, st, 1);
		c.generation = sqlite3_column_int64(st, 2);
		db_copy_col(c.reason, sizeof c.reason, st, 3);
		fn(&c, arg);
	}
	sqlite3_reset(st);
	return rc < 0 ? -1 : after;
}

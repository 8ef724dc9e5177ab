/*
 * The data layer's plumbing: one SQLite connection in WAL mode with foreign
 * keys on, and a cache of prepared statements keyed by the address of their
 * SQL text (always a string literal), so the hot path never re-prepares.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <sodium.h>

#include "log.h"
#include "db.h"
#include "pawd.h"
#include "xmalloc.h"

#define DB_CACHE_MIN	64	/* slots at first; doubles at 3/4 full */

struct db_stmt {
	const char	*sql;
	sqlite3_stmt	*st;
};

struct db {
	sqlite3		*h;
	struct db_stmt	*cache;		/* open addressing by the SQL's address */
	size_t		 cap, count;
	int		 in_tx;
	sqlite3_stmt   **used;		/* handed out since db_release() */
	size_t		 nused, maxused;
	struct hits	*hits;
	int		 fresh;		/* the read snapshot began in this request */
	uint8_t		 audit_key[32];
	int		 has_audit_key;
};

struct db *
db_open(const char *path, char **errstr)
{
	struct db	*db;
	int		 fd;

	/*
	 * Create the file ourselves so it is 0600 from the first byte.  Only
	 * when it is missing: closing any descriptor of a file drops every
	 * POSIX lock this process holds on it, and with them the locks of the
	 * connections already open, so another process would take the WAL
	 * for unused and delete it.
	 */
	if (access(path, F_OK) != 0) {
		if ((fd = open(path, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC,
		    0600)) == -1 && errno != EEXIST) {
			*errstr = xasprintf("%s: cannot open", path);
			return NULL;
		}
		if (fd != -1)
			close(fd);
	}
	/* Allocation statistics take a global mutex on every malloc. */
	sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
	db = xcalloc(1, sizeof *db);
	if (sqlite3_open_v2(path, &db->h, SQLITE_OPEN_READWRITE |
	    SQLITE_OPEN_NOMUTEX, NULL) != SQLITE_OK) {
		*errstr = xasprintf("%s: %s", path, sqlite3_errmsg(db->h));
		sqlite3_close(db->h);
		free(db);
		return NULL;
	}
	sqlite3_busy_timeout(db->h, 5000);
	sqlite3_extended_result_codes(db->h, 1);
	if (db_exec(db, "PRAGMA journal_mode=WAL") != 0 ||
	    db_exec(db, "PRAGMA foreign_keys=ON") != 0 ||
	    db_exec(db, "PRAGMA synchronous=NORMAL") != 0 ||
	    db_exec(db, "PRAGMA cache_size=-65536") != 0 ||
	    db_exec(db, "PRAGMA mmap_size=4294967296") != 0) {
		*errstr = xasprintf("%s: %s", path, sqlite3_errmsg(db->h));
		db_close(db);
		return NULL;
	}
	return db;
}

struct db *
db_open_reader(const char *path, char **errstr)
{
	struct db	*db = db_open(path, errstr);

	if (db != NULL && db_exec(db, "PRAGMA query_only=1") != 0) {
		*errstr = xasprintf("%s: %s", path, sqlite3_errmsg(db->h));
		db_close(db);
		return NULL;
	}
	return db;
}

void
db_close(struct db *db)
{
	size_t	i;

	if (db == NULL)
		return;
	for (i = 0; i < db->cap; i++)
		sqlite3_finalize(db->cache[i].st);
	free(db->cache);
	free(db->used);
	sodium_memzero(db->audit_key, sizeof db->audit_key);
	if (sqlite3_close(db->h) != SQLITE_OK)
		log_warn("database close: %s", sqlite3_errmsg(db->h));
	free(db);
}

void
db_set_hits(struct db *db, struct hits *h)
{
	db->hits = h;
}

struct hits *
db_hits(struct db *db)
{
	return db->hits;
}

/*
 * A statement left on a row holds a read snapshot: the server would never
 * see what another process (pawd enroll) committed.  So every statement
 * handed out is reset when the request is done.
 */
static void
db_note_used(struct db *db, sqlite3_stmt *st)
{
	size_t	i;

	for (i = 0; i < db->nused; i++) {
		if (db->used[i] == st)
			return;
	}
	if (db->nused == db->maxused) {
		db->maxused = db->maxused ? 2 * db->maxused : DB_CACHE_MIN;
		db->used = xrealloc(db->used, db->maxused * sizeof *db->used);
	}
	db->used[db->nused++] = st;
}

void
db_release(struct db *db)
{
	size_t	i;

	for (i = 0; i < db->nused; i++)
		sqlite3_reset(db->used[i]);
	db->nused = 0;
	db->fresh = 0;
}

static size_t
slot_of(const char *sql, size_t cap)
{
	return ((uintptr_t)sql >> 3) & (cap - 1);
}

/* Twice the slots, every statement moved to its new place. */
static void
db_cache_grow(struct db *db)
{
	struct db_stmt	*old = db->cache;
	size_t		 oldcap = db->cap, i, j;

	db->cap = oldcap ? 2 * oldcap : DB_CACHE_MIN;
	db->cache = xcalloc(db->cap, sizeof *db->cache);
	for (i = 0; i < oldcap; i++) {
		if (old[i].sql == NULL)
			continue;
		for (j = slot_of(old[i].sql, db->cap); db->cache[j].sql != NULL;
		    j = (j + 1) & (db->cap - 1))
			;
		db->cache[j] = old[i];
	}
	free(old);
}

sqlite3_stmt *
db_prep(struct db *db, const char *sql)
{
	sqlite3_stmt	*st;
	size_t		 i;

	if (4 * (db->count + 1) > 3 * db->cap)
		db_cache_grow(db);
	for (i = slot_of(sql, db->cap); db->cache[i].sql != NULL;
	    i = (i + 1) & (db->cap - 1)) {
		if (db->cache[i].sql == sql) {
			st = db->cache[i].st;
			sqlite3_reset(st);
			sqlite3_clear_bindings(st);
			db_note_used(db, st);
			return st;
		}
	}
	if (sqlite3_prepare_v3(db->h, sql, -1, SQLITE_PREPARE_PERSISTENT, &st,
	    NULL) != SQLITE_OK) {
		log_error("prepare: %s: %s", sqlite3_errmsg(db->h), sql);
		return NULL;
	}
	db->cache[i].sql = sql;
	db->cache[i].st = st;
	db->count++;
	db_note_used(db, st);
	return st;
}

int
db_exec(struct db *db, const char *sql)
{
	char	*err = NULL;

	if (sqlite3_exec(db->h, sql, NULL, NULL, &err) != SQLITE_OK) {
		log_error("sql: %s", err != NULL ? err : "?");
		sqlite3_free(err);
		return -1;
	}
	return 0;
}

int
db_begin(struct db *db)
{
	/* Reads of this turn on the same connection (pawd --stdio) end first. */
	db_read_end(db);
	if (db_exec(db, "BEGIN IMMEDIATE") != 0)
		return -1;
	db->in_tx = 1;
	return 0;
}

int
db_commit(struct db *db)
{
	db->in_tx = 0;
	if (db_exec(db, "COMMIT") != 0) {
		db_exec(db, "ROLLBACK");
		return -1;
	}
	return 0;
}

void
db_rollback(struct db *db)
{
	db->in_tx = 0;
	if (sqlite3_get_autocommit(db->h) == 0)
		db_exec(db, "ROLLBACK");
}

/* Run one cached statement that returns no rows (BEGIN, COMMIT). */
static int
db_run(struct db *db, const char *sql)
{
	sqlite3_stmt	*st = db_prep(db, sql);
	int		 rc;

	if (st == NULL)
		return -1;
	rc = sqlite3_step(st);
	sqlite3_reset(st);
	return rc == SQLITE_DONE ? 0 : -1;
}

static const char	read_begin[] = "BEGIN";
static const char	read_end[] = "COMMIT";

int
db_read_begin(struct db *db)
{
	if (sqlite3_get_autocommit(db->h) == 0)
		return -1;	/* already in one */
	if (db_run(db, read_begin) != 0)
		return -1;
	db->fresh = 1;
	return 0;
}

int
db_fresh(struct db *db)
{
	return db->fresh || sqlite3_get_autocommit(db->h);
}

void
db_read_end(struct db *db)
{
	db_release(db);
	if (!db->in_tx && sqlite3_get_autocommit(db->h) == 0 &&
	    db_run(db, read_end) != 0)
		db_exec(db, "ROLLBACK");
}

int
db_in_tx(struct db *db)
{
	return db->in_tx;
}

int64_t
db_last_id(struct db *db)
{
	return sqlite3_last_insert_rowid(db->h);
}

int
db_changes(struct db *db)
{
	return sqlite3_changes(db->h);
}

void
db_bind_text(sqlite3_stmt *st, int idx, const char *s)
{
	if (s == NULL)
		sqlite3_bind_null(st, idx);
	else
		sqlite3_bind_text(st, idx, s, -1, SQLITE_TRANSIENT);
}

const char *
db_col(sqlite3_stmt *st, int idx)
{
	const unsigned char	*s = sqlite3_column_text(st, idx);

	return s != NULL ? (const char *)s : "";
}

void
db_copy_col(char *dst, size_t len, sqlite3_stmt *st, int idx)
{
	const char	*s = db_col(st, idx);
	size_t		 n = (size_t)sqlite3_column_bytes(st, idx);

	if (n >= len)
		n = len - 1;
	memcpy(dst, s, n);
	dst[n] = '\0';
}

int
db_step_done(struct db *db, sqlite3_stmt *st)
{
	int	rc = sqlite3_step(st);

	if (rc == SQLITE_DONE || rc == SQLITE_ROW)
		return 0;
	if ((rc & 0xff) != SQLITE_CONSTRAINT)
		log_error("sql step: %s", sqlite3_errmsg(db->h));
	return -1;
}

int
db_run_int(struct db *db, const char *sql, int64_t v)
{
	sqlite3_stmt	*st;

	if ((st = db_prep(db, sql)) == NULL)
		return -1;
	sqlite3_bind_int64(st, 1, v);
	if (db_step_done(db, st) != 0)
		return -1;
	return db_changes(db);
}

int
db_step(struct db *db, sqlite3_stmt *st)
{
	int	rc = sqlite3_step(st);

	if (rc == SQLITE_ROW)
		return 1;
	if (rc == SQLITE_DONE)
		return 0;
	log_error("sql step: %s", sqlite3_errmsg(db->h));
	return -1;
}

int
db_errcode(struct db *db)
{
	return sqlite3_extended_errcode(db->h);
}

int
db_integrity(struct db *db, char *msg, size_t len)
{
	sqlite3_stmt	*st;
	int		 rc = -1;

	snprintf(msg, len, "cannot run the check");
	if (sqlite3_prepare_v2(db->h, "PRAGMA integrity_check", -1, &st,
	    NULL) != SQLITE_OK)
		return -1;
	if (sqlite3_step(st) == SQLITE_ROW) {
		snprintf(msg, len, "%s", db_col(st, 0));
		rc = strcmp(msg, "ok") == 0 ? 0 : -1;
	}
	sqlite3_finalize(st);
	return rc;
}

void
db_set_audit_key(struct db *db, const uint8_t key[32])
{
	memcpy(db->audit_key, key, sizeof db->audit_key);
	db->has_audit_key = 1;
}

const uint8_t *
db_audit_key(struct db *db)
{
	return db->has_audit_key ? db->audit_key : NULL;
}

const char *
db_version(void)
{
	return sqlite3_libversion();
}

/* Branches of the chain. */
#include <string.h>

#include "clock.h"
#include "db.h"
#include "pawd.h"
#include "utf8.h"

int
branch_exists(struct db *db, const char *code)
{
	static const char sql[] = "SELECT 1 FROM branch WHERE code = ?";
	sqlite3_stmt	*st = db_prep(db, sql);

	if (st == NULL || code == NULL)
		return 0;
	db_bind_text(st, 1, code);
	return sqlite3_step(st) == SQLITE_ROW;
}

/* Branch codes: 2-16 of A-Z 0-9 and '-'. */
static int
branch_code_ok(const char *code)
{
	size_t	len = strlen(code), i;

	if (len < 2 || len > 16)
		return 0;
	for (i = 0; i < len; i++) {
		if (!((code[i] >= 'A' && code[i] <= 'Z') ||
		    (code[i] >= '0' && code[i] <= '9') || code[i] == '-'))
			return 0;
	}
	return 1;
}

int
branch_insert(struct db *db, const char *code, const char *name,
    const char *address, const char *phone, struct perr *err)
{
	static const char sql[] =
	    "INSERT INTO branch (code, name, address, phone, created) "
	    "VALUES (?, ?, ?, ?, ?)";
	sqlite3_stmt	*st;

	if (!branch_code_ok(code))
		return perr_set(err, ERR_INVALID, "code",
		    "branch code must be 2-16 of A-Z, 0-9 and '-'");
	if (name[0] == '\0' || utf8_count(name) > 60)
		return perr_set(err, ERR_INVALID, "name",
		    "name must be 1-60 characters");
	if ((st = db_prep(db, sql)) == NULL)
		return perr_set(err, ERR_INTERNAL, NULL, "database error");
	db_bind_text(st, 1, code);
	db_bind_text(st, 2, name);
	db_bind_text(st, 3, address ? address : "");
	db_bind_text(st, 4, phone ? phone : "");
	sqlite3_bind_int64(st, 5, clock_now());
	if (db_step_done(db, st) != 0) {
		if (db_errcode(db) == SQLITE_CONSTRAINT_PRIMARYKEY)
			return perr_set(err, ERR_CONFLICT, "code",
			    "branch %s exists", code);
		return perr_set(err, ERR_INTERNAL, NULL, "database error");
	}
	return 0;
}

#define BRANCH_COLS	"code, name, address, phone, active"

static void
branch_from_row(struct branch *b, sqlite3_stmt *st)
{
	b->code = db_col(st, 0);
	b->name = db_col(st, 1);
	b->address = db_col(st, 2);
	b->phone = db_col(st, 3);
	b->active = sqlite3_column_int(st, 4);
}

int
branch_get(struct db *db, const char *code, struct branch *b,
    struct perr *err)
{
	static const char sql[] =
	    "SELECT " BRANCH_COLS " FROM branch WHERE code = ?";
	sqlite3_stmt	*st;

	if ((st = db_prep(db, sql)) == NULL)
		return perr_set(err, ERR_INTERNAL, NULL, "database error");
	db_bind_text(st, 1, code);
	if (sqlite3_step(st) != SQLITE_ROW)
		return perr_set(err, ERR_NOT_FOUND, "code", "no branch %s", code);
	branch_from_row(b, st);
	return 0;
}

int
branch_list(struct db *db, int include_inactive, branch_fn *cb, void *arg)
{
	static const char sql[] = "SELECT " BRANCH_COLS " FROM branch "
	    "WHERE ? OR active = 1 ORDER BY code";
	sqlite3_stmt	*st = db_prep(db, sql);
	struct branch	 b;
	int		 n = 0;
	int		 rc = 0;

	if (st == NULL)
		return -1;
	sqlite3_bind_int(st, 1, include_inactive);
	while ((rc = db_step(db, st)) == 1) {
		branch_from_row(&b, st);
		cb(&b, arg);
		n++;
	}
	return rc < 0 ? -1 : n;
}

int
branch_update(struct db *db, const char *code, const char *name,
    const char *address, const char *phone, int active, struct perr *err)
{
	static const char sql[] =
	    "UPDATE branch SET name = coalesce(?, name), "
	    "address = coalesce(?, address), phone = coalesce(?, phone), "
	    "active = coalesce(?, active) WHERE code = ?";
	sqlite3_stmt	*st;

	if (!branch_exists(db, code))
		return perr_set(err, ERR_NOT_FOUND, "code", "no branch %s", code);
	if (name != NULL && (name[0] == '\0' || strlen(name) > 180))
		return perr_set(err, ERR_INVALID, "name",
		    "name must be 1-60 characters");
	if (strcmp(code, "HQ") == 0 && active == 0)
		return perr_set(err, ERR_INVALID, "active",
		    "HQ cannot be deactivated");
	if ((st = db_prep(db, sql)) == NULL)
		return perr_set(err, ERR_INTERNAL, NULL, "database error");
	db_bind_text(st, 1, name);
	db_bind_text(st, 2, address);
	db_bind_text(st, 3, phone);
	if (active != -1)
		sqlite3_bind_int(st, 4, active);
	db_bind_text(st, 5, code);
	if (db_step_done(db, st) != 0)
		return perr_set(err, ERR_INTERNAL, NULL, "database error");
	return 0;
}

char *
branch_json(struct db *db, const char *code)
{
	static const char sql[] =
	    "SELECT json_object('code', code, 'name', name, 'address', address, "
	    "'phone', phone, 'active', active) FROM branch WHERE code = ?";

	return db_json_key(db, sql, code);
}

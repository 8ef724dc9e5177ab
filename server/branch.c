/* Branches of the chain. */
#include <string.h>

#include "clock.h"
#include "db.h"
#include "pawd.h"
#include "utf8.h"

const struct entity branch_entity = { "branch",
    ENTITY_TABLE(BRANCH_FIELDS, struct branch) };

#define BRANCH_COLS	ENTITY_COLS(BRANCH_FIELDS)

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
branch_insert(struct db *db, const char *code, const struct branch_in *in,
    struct branch *out, struct perr *err)
{
	static const char sql[] =
	    "INSERT INTO branch (code, name, address, phone, created) "
	    "VALUES (?, ?, ?, ?, ?) RETURNING " BRANCH_COLS;
	const char	*name = in->name != NULL ? in->name : "";
	sqlite3_stmt	*st;
	struct branch	 row;

	if (!branch_code_ok(code))
		return perr_set(err, ERR_INVALID, "code",
		    "branch code must be 2-16 of A-Z, 0-9 and '-'");
	if (name[0] == '\0' || utf8_count(name) > BRANCH_NAME_MAX)
		return perr_set(err, ERR_INVALID, "name",
		    "name must be 1-%d characters", BRANCH_NAME_MAX);
	if ((st = db_prep(db, sql)) == NULL)
		return perr_set(err, ERR_INTERNAL, NULL, "database error");
	db_bind_text(st, 1, code);
	db_bind_text(st, 2, name);
	db_bind_text(st, 3, in->address ? in->address : "");
	db_bind_text(st, 4, in->phone ? in->phone : "");
	sqlite3_bind_int64(st, 5, clock_now());
	if (entity_step(db, st, &branch_entity, out ? out : &row) != 1) {
		if (db_errcode(db) == SQLITE_CONSTRAINT_PRIMARYKEY)
			return perr_set(err, ERR_CONFLICT, "code",
			    "branch %s exists", code);
		return perr_set(err, ERR_INTERNAL, NULL, "database error");
	}
	return 0;
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
	switch (entity_step(db, st, &branch_entity, b)) {
	case 1:
		return 0;
	case 0:
		return perr_set(err, ERR_NOT_FOUND, "code", "no branch %s",
		    code);
	default:
		return perr_set(err, ERR_INTERNAL, NULL, "database error");
	}
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
		if (entity_row(&branch_entity, st, &b) != 0)
			return -1;
		cb(&b, arg);
		n++;
	}
	return rc < 0 ? -1 : n;
}

int
branch_update(struct db *db, const char *code, const struct branch_in *in,
    struct branch *before, struct branch *after, struct perr *err)
{
	static const char sql[] =
	    "UPDATE branch SET name = coalesce(?1, name), "
	    "address = coalesce(?2, address), phone = coalesce(?3, phone), "
	    "active = coalesce(?4, active) WHERE code = ?5 "
	    "RETURNING " BRANCH_COLS;
	struct branch	 b, row;
	sqlite3_stmt	*st;

	if (branch_get(db, code, &b, err) != 0)
		return -1;
	if (in->name != NULL && (in->name[0] == '\0' ||
	    utf8_count(in->name) > BRANCH_NAME_MAX))
		return perr_set(err, ERR_INVALID, "name",
		    "name must be 1-%d characters", BRANCH_NAME_MAX);
	if (strcmp(code, "HQ") == 0 && in->active == 0)
		return perr_set(err, ERR_INVALID, "active",
		    "HQ cannot be deactivated");
	if ((st = db_prep(db, sql)) == NULL)
		return perr_set(err, ERR_INTERNAL, NULL, "database error");
	db_bind_text(st, 1, in->name);
	db_bind_text(st, 2, in->address);
	db_bind_text(st, 3, in->phone);
	if (in->active != -1)
		sqlite3_bind_int(st, 4, in->active);
	db_bind_text(st, 5, code);
	if (before != NULL)
		*before = b;
	if (entity_step(db, st, &branch_entity, after ? after : &row) != 1)
		return perr_set(err, ERR_INTERNAL, NULL, "database error");
	return 0;
}

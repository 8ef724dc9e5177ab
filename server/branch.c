/* Branches of the chain. */
#include <string.h>

#include "clock.h"
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

/*
 * The audit trail: one row per mutation, written in the mutation's
 * transaction, and read back a page at a time.
 */
#include "clock.h"
#include "pawd.h"

int
audit_add(struct db *db, const struct actor *a, const char *method,
    const char *entity, const char *entity_id, const char *before,
    const char *after)
{
	static const char sql[] =
	    "INSERT INTO audit (at, staff, device, branch, method, entity, "
	    "entity_id, before, after) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)";
	sqlite3_stmt	*st;

	if ((st = db_prep(db, sql)) == NULL)
		return -1;
	sqlite3_bind_int64(st, 1, clock_now());
	db_bind_text(st, 2, a->staff);
	if (a->device > 0)
		sqlite3_bind_int64(st, 3, a->device);
	db_bind_text(st, 4, a->branch);
	db_bind_text(st, 5, method);
	db_bind_text(st, 6, entity);
	db_bind_text(st, 7, entity_id);
	db_bind_text(st, 8, before);
	db_bind_text(st, 9, after);
	return db_step_done(db, st);
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
	e->method = db_col(st, 5);
	e->entity = col_or_null(st, 6);
	e->entity_id = col_or_null(st, 7);
	e->before = col_or_null(st, 8);
	e->after = col_or_null(st, 9);
}

int
audit_list(struct db *db, const struct audit_filter *f, audit_fn *cb,
    void *arg, struct perr *err)
{
	static const char sql[] =
	    "SELECT id, at, staff, device, branch, method, entity, entity_id, "
	    "before, after FROM audit WHERE (?1 IS NULL OR entity = ?1) "
	    "AND (?2 IS NULL OR entity_id = ?2) AND (?3 IS NULL OR staff = ?3) "
	    "AND (?4 IS NULL OR method = ?4) ORDER BY id DESC LIMIT ?5 OFFSET ?6";
	struct audit_entry e;
	sqlite3_stmt	*st;

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
	while (sqlite3_step(st) == SQLITE_ROW) {
		audit_from_row(&e, st);
		cb(&e, arg);
	}
	return 0;
}

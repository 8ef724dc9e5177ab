/* The audit trail: one row per mutation, written in the mutation's transaction. */
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

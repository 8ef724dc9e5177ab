/*
 * Feedback (C1): praise (好评) and complaints (差评) recorded against a
 * member by the staff who heard them, at the branch of their device.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "clock.h"
#include "db.h"
#include "pawd.h"

const char *const feedback_kinds[] = { "good", "bad", NULL };

const struct entity feedback_entity = { "feedback",
    ENTITY_TABLE(FEEDBACK_FIELDS, struct feedback) };

#define FEEDBACK_COLS	ENTITY_COLS(FEEDBACK_FIELDS)

int64_t
feedback_add(struct db *db, int64_t member, const struct feedback_in *in,
    const struct actor *a, struct feedback *out, struct perr *err)
{
	static const char sql[] =
	    "INSERT INTO feedback (member_id, kind, text, staff, branch, "
	    "created) VALUES (?, ?, ?, ?, ?, ?) RETURNING " FEEDBACK_COLS;
	const char	*kind = in->kind, *text = in->text;
	struct member	 m;
	sqlite3_stmt	*st;
	char		*t;
	int		 rc;

	if (member_get(db, member, NULL, &m, err) != 0) {
		err->field = "member_id";
		return -1;
	}
	if (kind == NULL || !one_of(kind, feedback_kinds))
		return perr_set(err, ERR_INVALID, "kind",
		    "kind must be good or bad");
	if (member_text(text != NULL ? text : "", "text", 1, FEEDBACK_TEXT_MAX, 1,
	    &t, err) != 0)
		return -1;
	if ((st = db_prep(db, sql)) == NULL) {
		free(t);
		return perr_set(err, ERR_INTERNAL, NULL, "database error");
	}
	sqlite3_bind_int64(st, 1, member);
	db_bind_text(st, 2, kind);
	db_bind_text(st, 3, t);
	db_bind_text(st, 4, a != NULL ? a->staff : NULL);
	db_bind_text(st, 5, a != NULL ? a->branch : NULL);
	sqlite3_bind_int64(st, 6, clock_now());
	rc = entity_step(db, st, &feedback_entity, out);
	free(t);
	if (rc != 1)
		return perr_set(err, ERR_INTERNAL, NULL, "database error");
	return out->id;
}

int
feedback_get(struct db *db, int64_t id, struct feedback *f, struct perr *err)
{
	static const char sql[] =
	    "SELECT " FEEDBACK_COLS " FROM feedback WHERE id = ?";
	sqlite3_stmt	*st = db_prep(db, sql);

	if (st == NULL)
		return perr_set(err, ERR_INTERNAL, NULL, "database error");
	sqlite3_bind_int64(st, 1, id);
	switch (entity_step(db, st, &feedback_entity, f)) {
	case 1:
		return 0;
	case 0:
		return perr_set(err, ERR_NOT_FOUND, "id", "no such feedback");
	default:
		return perr_set(err, ERR_INTERNAL, NULL, "database error");
	}
}

int
feedback_list(struct db *db, int64_t member, int limit, feedback_fn *cb,
    void *arg)
{
	static const char sql[] =
	    "SELECT " FEEDBACK_COLS " FROM feedback WHERE member_id = ? "
	    "ORDER BY id DESC LIMIT ?";
	sqlite3_stmt	*st = db_prep(db, sql);
	struct feedback	 f;
	int		 n = 0;
	int		 rc = 0;

	if (st == NULL)
		return -1;
	sqlite3_bind_int64(st, 1, member);
	sqlite3_bind_int(st, 2, limit);
	while ((rc = db_step(db, st)) == 1) {
		if (entity_row(&feedback_entity, st, &f) != 0)
			return -1;
		cb(&f, arg);
		n++;
	}
	return rc < 0 ? -1 : n;
}

/*
 * staff.*: accounts.  A manager manages the clerks of their own branch; an
 * HQ admin manages everyone.  Password hashing runs on a worker thread.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "log.h"
#include "pawd.h"
#include "xmalloc.h"

struct pwjob {
	char		 hash[128];
	char		 old_hash[128];
	const char	*password;
	const char	*old_password;
	int		 hashed;
	int		 old_ok;
};

static int
may_manage(struct req *req, const char *branch, int role)
{
	struct session	*s = req->s;

	if (s->role == R_HQ)
		return 1;
	return s->role == R_MANAGER && role == R_CLERK &&
	    strcmp(branch, s->staff_branch) == 0;
}

/* Look a staff member up: role and branch.  0, or -1 (not found, failed). */
static int
staff_get(struct req *req, const char *id, int *role, char *branch,
    char **json)
{
	static const char sql[] =
	    "SELECT role, branch, json_object('id', id, 'name', name, "
	    "'role', role, 'branch', branch, 'disabled', disabled) "
	    "FROM staff WHERE id = ?";
	sqlite3_stmt	*st = db_prep(req->db, sql);

	db_bind_text(st, 1, id);
	if (st == NULL || sqlite3_step(st) != SQLITE_ROW)
		return rpc_fail(req, ERR_NOT_FOUND, "id", "no staff %s", id);
	*role = role_parse(db_col(st, 0));
	snprintf(branch, ID_MAX, "%s", db_col(st, 1));
	if (json != NULL)
		*json = xstrdup(db_col(st, 2));
	return 0;
}

static void
pack_staff(struct req *req, const char *id)
{
	static const char sql[] =
	    "SELECT id, name, role, branch, disabled, last_login, "
	    "locked_until > strftime('%s','now') FROM staff WHERE id = ?";
	sqlite3_stmt	*st = db_prep(req->db, sql);

	db_bind_text(st, 1, id);
	if (sqlite3_step(st) != SQLITE_ROW) {
		msgpack_pack_nil(&req->pk);
		return;
	}
	msgpack_pack_map(&req->pk, 7);
	mp_pack_kstr(&req->pk, "id", db_col(st, 0));
	mp_pack_kstr(&req->pk, "name", db_col(st, 1));
	mp_pack_kstr(&req->pk, "role", db_col(st, 2));
	mp_pack_kstr(&req->pk, "branch", db_col(st, 3));
	mp_pack_kbool(&req->pk, "disabled", sqlite3_column_int(st, 4));
	mp_pack_kint(&req->pk, "last_login", sqlite3_column_int64(st, 5));
	mp_pack_kbool(&req->pk, "locked", sqlite3_column_int(st, 6));
}

static void
pw_hash(void *arg)
{
	struct req	*req = arg;
	struct pwjob	*j = req->ctx;

	if (j->old_password != NULL)
		j->old_ok = staff_verify(j->old_hash, j->old_password);
	if (j->old_password == NULL || j->old_ok)
		j->hashed = staff_hash(j->password, j->hash) == 0;
}

static void
create_finish(struct req *req)
{
	struct pwjob	*j = req->ctx;
	struct perr	 err;
	const char	*id = rpc_str(req, "id");
	const char	*branch = rpc_str(req, "branch");

	if (branch == NULL)
		branch = req->s->staff_branch;
	if (!j->hashed) {
		rpc_fail(req, ERR_INTERNAL, NULL, "password hashing failed");
		return;
	}
	if (staff_insert(req->db, id, rpc_str(req, "name"),
	    role_parse(rpc_str(req, "role")), branch, j->hash, &err) != 0) {
		rpc_fail_perr(req, &err);
		return;
	}
	rpc_audit(req, "staff", id, NULL);
	pack_staff(req, id);
}

static void
create_done(void *arg)
{
	rpc_continue(arg, create_finish);
}

void
rpc_staff_create(struct req *req)
{
	struct pwjob	*j = xcalloc(1, sizeof *j);
	struct perr	 err;
	const char	*branch = rpc_str(req, "branch");
	int		 role = role_parse(rpc_str(req, "role"));

	req->ctx = j;
	if (branch == NULL)
		branch = req->s->staff_branch;
	if (role == 0)
		rpc_fail(req, ERR_INVALID, "role",
		    "role must be clerk, manager, hq_admin or support");
	else if (!may_manage(req, branch, role))
		rpc_fail(req, ERR_FORBIDDEN, "role",
		    "a manager creates clerks of their own branch only");
	else if (staff_check_password(rpc_str(req, "password"), &err) != 0)
		rpc_fail_perr(req, &err);
	if (req->failed) {
		rpc_continue(req, NULL);
		return;
	}
	j->password = rpc_str(req, "password");
	worker_submit(req->srv->worker, pw_hash, create_done, req);
}

void
rpc_staff_list(struct req *req)
{
	static const char sql[] =
	    "SELECT id FROM staff WHERE (?1 IS NULL OR branch = ?1) "
	    "AND (?2 OR disabled = 0) ORDER BY branch, id LIMIT 1000";
	const char	*branch = rpc_str(req, "branch");
	sqlite3_stmt	*st;
	char	       **ids = NULL;
	size_t		 n = 0, i;

	if (req->s->role == R_MANAGER)
		branch = req->s->staff_branch;
	st = db_prep(req->db, sql);
	db_bind_text(st, 1, branch);
	sqlite3_bind_int(st, 2, rpc_bool(req, "include_disabled", 0));
	while (sqlite3_step(st) == SQLITE_ROW) {
		ids = xrealloc(ids, (n + 1) * sizeof *ids);
		ids[n++] = xstrdup(db_col(st, 0));
	}
	msgpack_pack_map(&req->pk, 1);
	mp_pack_str(&req->pk, "items");
	msgpack_pack_array(&req->pk, n);
	for (i = 0; i < n; i++) {
		pack_staff(req, ids[i]);
		free(ids[i]);
	}
	free(ids);
}

void
rpc_staff_update(struct req *req)
{
	static const char sql[] =
	    "UPDATE staff SET name = coalesce(?, name), role = coalesce(?, role),"
	    " branch = coalesce(?, branch) WHERE id = ?";
	const char	*id = rpc_str(req, "id"), *name = rpc_str(req, "name");
	const char	*nrole = rpc_str(req, "role"), *nbranch = rpc_str(req, "branch");
	char		 branch[ID_MAX], *before = NULL;
	int		 role;
	sqlite3_stmt	*st;

	if (staff_get(req, id, &role, branch, &before) != 0)
		return;
	if (!may_manage(req, branch, role) || (nrole != NULL &&
	    !may_manage(req, nbranch ? nbranch : branch, role_parse(nrole))) ||
	    (nbranch != NULL && !may_manage(req, nbranch, role))) {
		free(before);
		rpc_fail(req, ERR_FORBIDDEN, NULL, "not allowed to change %s", id);
		return;
	}
	if ((nrole != NULL && role_parse(nrole) == 0) ||
	    (name != NULL && (name[0] == '\0' || strlen(name) > 120)) ||
	    (nbranch != NULL && !branch_exists(req->db, nbranch))) {
		free(before);
		rpc_fail(req, ERR_INVALID, nrole != NULL && role_parse(nrole) == 0 ?
		    "role" : name != NULL && (name[0] == '\0' ||
		    strlen(name) > 120) ? "name" : "branch", "invalid value");
		return;
	}
	st = db_prep(req->db, sql);
	db_bind_text(st, 1, name);
	db_bind_text(st, 2, nrole);
	db_bind_text(st, 3, nbranch);
	db_bind_text(st, 4, id);
	if (db_step_done(req->db, st) != 0) {
		free(before);
		rpc_fail(req, ERR_INTERNAL, NULL, "database error");
		return;
	}
	rpc_audit(req, "staff", id, before);
	free(before);
	pack_staff(req, id);
}

static void
setpw_finish(struct req *req)
{
	static const char sql[] =
	    "UPDATE staff SET pwhash = ?, failed = 0, locked_until = 0 "
	    "WHERE id = ?";
	static const char drop[] = "DELETE FROM staff_token WHERE staff = ?";
	struct pwjob	*j = req->ctx;
	const char	*id = rpc_str(req, "id");
	sqlite3_stmt	*st;

	if (j->old_password != NULL && !j->old_ok) {
		rpc_fail(req, ERR_UNAUTHENTICATED, "old_password",
		    "the current password is wrong");
		return;
	}
	if (!j->hashed) {
		rpc_fail(req, ERR_INTERNAL, NULL, "password hashing failed");
		return;
	}
	st = db_prep(req->db, sql);
	db_bind_text(st, 1, j->hash);
	db_bind_text(st, 2, id);
	db_step_done(req->db, st);
	/* Other devices' sessions of this person must log in again. */
	st = db_prep(req->db, drop);
	db_bind_text(st, 1, id);
	db_step_done(req->db, st);
	rpc_audit(req, "staff", id, NULL);
	req->audit_after = xstrdup("{\"password\":\"changed\"}");
	msgpack_pack_map(&req->pk, 1);
	mp_pack_kbool(&req->pk, "changed", 1);
}

static void
setpw_done(void *arg)
{
	rpc_continue(arg, setpw_finish);
}

void
rpc_staff_set_password(struct req *req)
{
	static const char sql[] = "SELECT pwhash FROM staff WHERE id = ?";
	struct pwjob	*j = xcalloc(1, sizeof *j);
	const char	*id = rpc_str(req, "id");
	struct perr	 err;
	char		 branch[ID_MAX];
	int		 role, self = strcmp(id, req->s->staff) == 0;
	sqlite3_stmt	*st;

	req->ctx = j;
	if (staff_get(req, id, &role, branch, NULL) != 0)
		;
	else if (!self && !may_manage(req, branch, role))
		rpc_fail(req, ERR_FORBIDDEN, "id",
		    "not allowed to set the password of %s", id);
	else if (self && !rpc_has(req, "old_password"))
		rpc_fail(req, ERR_INVALID, "old_password",
		    "old_password is required to change your own password");
	else if (staff_check_password(rpc_str(req, "password"), &err) != 0)
		rpc_fail_perr(req, &err);
	if (req->failed) {
		rpc_continue(req, NULL);
		return;
	}
	j->password = rpc_str(req, "password");
	if (self) {
		j->old_password = rpc_str(req, "old_password");
		st = db_prep(req->db, sql);
		db_bind_text(st, 1, id);
		if (sqlite3_step(st) == SQLITE_ROW)
			snprintf(j->old_hash, sizeof j->old_hash, "%s",
			    db_col(st, 0));
	}
	worker_submit(req->srv->worker, pw_hash, setpw_done, req);
}

void
rpc_staff_disable(struct req *req)
{
	static const char sql[] = "UPDATE staff SET disabled = 1 WHERE id = ?";
	static const char drop[] = "DELETE FROM staff_token WHERE staff = ?";
	const char	*id = rpc_str(req, "id");
	char		 branch[ID_MAX], *before = NULL;
	int		 role;
	sqlite3_stmt	*st;

	if (staff_get(req, id, &role, branch, &before) != 0)
		return;
	if (strcmp(id, req->s->staff) == 0 || !may_manage(req, branch, role)) {
		free(before);
		rpc_fail(req, ERR_FORBIDDEN, "id", "not allowed to disable %s", id);
		return;
	}
	st = db_prep(req->db, sql);
	db_bind_text(st, 1, id);
	db_step_done(req->db, st);
	st = db_prep(req->db, drop);
	db_bind_text(st, 1, id);
	db_step_done(req->db, st);
	rpc_audit(req, "staff", id, before);
	free(before);
	server_kick_staff(req->srv, id, "account disabled");
	pack_staff(req, id);
}

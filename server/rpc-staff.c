/*
 * staff.*: accounts: read params, call staff.c, pack the result.  A manager
 * manages the clerks of their own branch; an HQ admin manages everyone.
 * Password hashing runs on a worker thread.
 */
#include <stdlib.h>
#include <string.h>

#include "pawd.h"
#include "xmalloc.h"

struct staff_create_p {
	const char		*id;
	struct staff_in		 s;
	const char		*password;
};
PARAMS(staff_create, struct staff_create_p,
    P_PAT("id", struct staff_create_p, id, P_REQ, STAFF_ID_MAX,
	STAFF_ID_PATTERN, NULL)
    ENTITY_CREATE_PARAMS(STAFF_FIELDS, struct staff_create_p, s, P_REQ),
    P_STR("password", struct staff_create_p, password,
	P_REQ | P_RAW | P_SECRET, 1, STAFF_PASSWORD_MAX));

struct staff_list_p {
	const char	*branch;
	int		 include_disabled;
};
PARAMS(staff_list, struct staff_list_p,
    P_PAT("branch", struct staff_list_p, branch, P_BRANCH, BRANCH_CODE_MAX,
	BRANCH_CODE_PATTERN, NULL),
    P_BOOL("include_disabled", struct staff_list_p, include_disabled, 0));

struct staff_update_p {
	const char		*id;
	struct staff_in		 s;
};
PARAMS(staff_update, struct staff_update_p,
    P_PAT("id", struct staff_update_p, id, P_REQ, STAFF_ID_MAX,
	STAFF_ID_PATTERN, NULL)
    ENTITY_UPDATE_PARAMS(STAFF_FIELDS, struct staff_update_p, s));

struct staff_set_password_p {
	const char	*id, *password, *old_password;
};
PARAMS(staff_set_password, struct staff_set_password_p,
    P_PAT("id", struct staff_set_password_p, id, P_REQ, STAFF_ID_MAX,
	STAFF_ID_PATTERN,
	NULL),
    P_STR("password", struct staff_set_password_p, password,
	P_REQ | P_RAW | P_SECRET, 1, STAFF_PASSWORD_MAX),
    P_STR("old_password", struct staff_set_password_p, old_password,
	P_RAW | P_SECRET, 1, STAFF_PASSWORD_MAX));

struct staff_disable_p {
	const char	*id;
};
PARAMS(staff_disable, struct staff_disable_p,
    P_PAT("id", struct staff_disable_p, id, P_REQ, STAFF_ID_MAX,
	STAFF_ID_PATTERN,
	NULL));

struct pwjob {
	char		 hash[128];
	char		 old_hash[128];
	const char	*password;
	const char	*old_password;
	int		 hashed;
	int		 old_ok;
};

/*
 * An HQ admin manages everyone; a manager the clerks of their own branch
 * (the branch by the method's scope, field names it).  0, or -1 failed.
 */
static int
may_manage(struct req *req, const char *branch, int role, const char *field)
{
	if (scope_check(req, branch, field) != 0)
		return -1;
	if (req->who.role == R_HQ || role == R_CLERK)
		return 0;
	return rpc_fail(req, ERR_FORBIDDEN, field,
	    "a manager manages the clerks of their own branch only");
}

static void
pack_staff(msgpack_packer *pk, const struct staff *st)
{
	entity_pack(&staff_entity, pk, st, EF_OUT);
}

/* Audit a write of account st (before: NULL when opened); answer with it. */
static void
staff_written(struct req *req, const struct staff *before,
    const struct staff *st)
{
	char	*b = before != NULL ? entity_json(&staff_entity, before) : NULL;

	rpc_audit(req, "staff", st->id, b, entity_json(&staff_entity, st));
	free(b);
	pack_staff(&req->pk, st);
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
	const struct staff_create_p *in = req->in;
	struct pwjob	*j = req->ctx;
	struct perr	 err;
	const char	*branch = in->s.branch;
	struct staff	 st;

	if (branch == NULL)
		branch = req->who.staff_branch;
	if (!j->hashed) {
		rpc_fail(req, ERR_INTERNAL, NULL, "password hashing failed");
		return;
	}
	if (staff_insert(req->db, in->id, in->s.name, role_parse(in->s.role),
	    branch, j->hash, &st, &err) != 0) {
		rpc_fail_perr(req, &err);
		return;
	}
	staff_written(req, NULL, &st);
}

static void
create_done(void *arg)
{
	rpc_continue(arg, create_finish);
}

void
rpc_staff_create(struct req *req)
{
	const struct staff_create_p *in = req->in;
	struct pwjob	*j = xcalloc(1, sizeof *j);
	struct perr	 err;
	const char	*branch = in->s.branch;
	int		 role = role_parse(in->s.role);

	req->ctx = j;
	if (branch == NULL)
		branch = req->who.staff_branch;
	if (role == 0)
		rpc_fail(req, ERR_INVALID, "role",
		    "role must be clerk, manager, hq_admin or support");
	else if (may_manage(req, branch, role, "role") != 0)
		;
	else if (staff_check_password(in->password, &err) != 0)
		rpc_fail_perr(req, &err);
	if (req->failed) {
		rpc_continue(req, NULL);
		return;
	}
	j->password = in->password;
	worker_submit(req->srv->worker, pw_hash, create_done, req);
}

static void
add_staff(const struct staff *st, void *arg)
{
	struct collect	*c = arg;

	pack_staff(&c->pk, st);
	c->n++;
}

void
rpc_staff_list(struct req *req)
{
	const struct staff_list_p *in = req->in;
	const char	*branch = in->branch;
	struct collect	 c;

	if (branch == NULL && req->who.role == R_MANAGER)
		branch = req->who.staff_branch;
	collect_init(&c);
	if (staff_list(req->db, branch, in->include_disabled > 0, add_staff,
	    &c) < 0) {
		msgpack_sbuffer_destroy(&c.sb);
		rpc_fail(req, ERR_INTERNAL, NULL, "database error");
		return;
	}
	msgpack_pack_map(&req->pk, 1);
	collect_put(&req->pk, "items", &c);
}

void
rpc_staff_update(struct req *req)
{
	const struct staff_update_p *in = req->in;
	const char	*id = in->id;
	const char	*nrole = in->s.role, *nbranch = in->s.branch;
	struct staff	 st, after;
	struct perr	 err;

	if (staff_get(req->db, id, &st, &err) != 0) {
		rpc_fail_perr(req, &err);
		return;
	}
	if (may_manage(req, st.branch, st.role, "id") != 0 ||
	    (nrole != NULL && may_manage(req, nbranch ? nbranch : st.branch,
	    role_parse(nrole), "role") != 0) ||
	    (nbranch != NULL && may_manage(req, nbranch, st.role,
	    "branch") != 0))
		return;
	if (staff_update(req->db, id, &in->s, &after, &err) != 0)
		rpc_fail_perr(req, &err);
	else
		staff_written(req, &st, &after);
}

static void
setpw_finish(struct req *req)
{
	const struct staff_set_password_p *in = req->in;
	struct pwjob	*j = req->ctx;
	const char	*id = in->id;
	struct perr	 err;
	int		 flags = 0;

	/* The current password is a guess like a login's: counted, locking. */
	if (j->old_password != NULL &&
	    staff_recheck(req->db, id, j->old_ok, &flags, &err) != 0) {
		err.field = "old_password";
		rpc_fail_perr(req, &err);
		if (flags & STAFF_LOGIN_COUNTED) {
			req->commit_on_error = 1;
			rpc_audit(req, "staff", id, NULL, xasprintf(
			    "{\"password\":\"wrong\",\"locked\":%s}",
			    (flags & STAFF_LOGIN_LOCKED) ? "true" : "false"));
		}
		return;
	}
	if (!j->hashed) {
		rpc_fail(req, ERR_INTERNAL, NULL, "password hashing failed");
		return;
	}
	if (staff_set_hash(req->db, id, j->hash, &err) != 0) {
		rpc_fail_perr(req, &err);
		return;
	}
	/* Every session of id ends (schema/007), but the caller's own. */
	if (strcmp(id, req->who.staff) == 0) {
		req->who.generation = staff_generation(req->db, id);
		req->who_changed = 1;
	}
	rpc_audit(req, "staff", id, NULL,
	    xstrdup("{\"password\":\"changed\"}"));
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
	const struct staff_set_password_p *in = req->in;
	struct pwjob	*j = xcalloc(1, sizeof *j);
	const char	*id = in->id;
	struct staff	 st;
	struct perr	 err;
	int		 self = strcmp(id, req->who.staff) == 0;

	req->ctx = j;
	if (staff_get(req->db, id, &st, &err) != 0)
		rpc_fail_perr(req, &err);
	else if (!self && may_manage(req, st.branch, st.role, "id") != 0)
		;
	else if (self && in->old_password == NULL)
		rpc_fail(req, ERR_INVALID, "old_password",
		    "old_password is required to change your own password");
	else if (staff_check_password(in->password, &err) != 0)
		rpc_fail_perr(req, &err);
	if (req->failed) {
		rpc_continue(req, NULL);
		return;
	}
	j->password = in->password;
	if (self) {
		j->old_password = in->old_password;
		staff_pwhash(req->db, id, j->old_hash, NULL);
	}
	worker_submit(req->srv->worker, pw_hash, setpw_done, req);
}

void
rpc_staff_disable(struct req *req)
{
	const struct staff_disable_p *in = req->in;
	const char	*id = in->id;
	struct staff	 st, after;
	struct perr	 err;

	if (staff_get(req->db, id, &st, &err) != 0) {
		rpc_fail_perr(req, &err);
		return;
	}
	if (strcmp(id, req->who.staff) == 0) {
		rpc_fail(req, ERR_FORBIDDEN, "id", "you cannot disable yourself");
		return;
	}
	if (may_manage(req, st.branch, st.role, "id") != 0)
		return;
	if (staff_disable(req->db, id, &after, &err) != 0) {
		rpc_fail_perr(req, &err);
		return;
	}
	staff_written(req, &st, &after);	/* its sessions end: schema/007 */
}

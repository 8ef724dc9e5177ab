/*
 * session.*: staff login on a device's channel.  The password check runs
 * on a worker thread (Argon2id takes tens of milliseconds) so a login never
 * stalls other connections; an unknown or disabled staff id is checked
 * against a dummy hash so it takes as long to refuse as a wrong password.
 * A successful login returns a token that resumes the session after the
 * network drops (session.resume), bound to the same device.
 */
#include <stdio.h>

#include <sodium.h>

#include "clock.h"
#include "log.h"
#include "pawd.h"
#include "xmalloc.h"

struct login_p {
	const char	*staff, *password;
};
PARAMS(session_login, struct login_p,
    P_STR("staff", struct login_p, staff, P_REQ, 1, ID_MAX - 1),
    P_STR("password", struct login_p, password, P_REQ | P_RAW | P_SECRET, 1,
	STAFF_PASSWORD_MAX));

struct resume_p {
	const char	*token;
};
PARAMS(session_resume, struct resume_p,
    P_STR("token", struct resume_p, token, P_REQ | P_RAW | P_SECRET, 1,
	STAFF_TOKEN_LEN * 2));
NO_PARAMS(session_logout);
NO_PARAMS(session_whoami);

struct login {
	char		 hash[128];
	int		 known;
	int		 ok;
	const char	*password;
};

/* On a worker thread: nothing here touches the database or the session. */
static void
login_verify(void *arg)
{
	struct req	*req = arg;
	struct login	*l = req->ctx;

	if (!l->known) {
		staff_verify(staff_dummy_hash(), l->password);
		l->ok = 0;
		return;
	}
	l->ok = staff_verify(l->hash, l->password);
}

/* Fill the session and pack whoami, with a fresh token when asked. */
static void
login_accept(struct req *req, const struct staff *who, int new_token)
{
	struct caller	*w = &req->who;
	char		 token[STAFF_TOKEN_LEN + 1];
	int64_t		 id, expires;

	snprintf(w->staff, sizeof w->staff, "%s", who->id);
	snprintf(w->staff_branch, sizeof w->staff_branch, "%s", who->branch);
	w->role = who->role;
	w->generation = staff_generation(req->db, who->id);
	req->who_changed = 1;
	msgpack_pack_map(&req->pk, new_token ? 7 : 5);
	mp_pack_kstr(&req->pk, "staff", who->id);
	mp_pack_kstr(&req->pk, "name", who->name);
	mp_pack_kstr(&req->pk, "role", role_name(who->role));
	mp_pack_kstr(&req->pk, "branch", who->branch);
	mp_pack_kstr(&req->pk, "device_branch", w->branch);
	if (!new_token)
		return;
	id = staff_token_create(req->db, who->id, w->device, token, &expires);
	if (id > 0)
		w->token_id = id;
	mp_pack_kstr(&req->pk, "token", token);
	mp_pack_kint(&req->pk, "expires", expires);
	sodium_memzero(token, sizeof token);
}

/* Back on the loop, inside the transaction: apply the verdict. */
static void
login_finish(struct req *req)
{
	struct login	*l = req->ctx;
	const char	*staff = ((const struct login_p *)req->in)->staff;
	struct staff	 who;
	struct perr	 err;
	int		 flags;

	if (staff_login(req->db, staff, l->known, l->ok, &who, &flags,
	    &err) != 0) {
		/* Every failed login is audited: who was tried, from where. */
		req->commit_on_error = 1;
		rpc_audit(req, "staff", staff, NULL, xasprintf(
		    "{\"login\":false,\"device\":%lld,\"locked\":%s}",
		    (long long)req->who.device,
		    (flags & STAFF_LOGIN_LOCKED) || err.code == ERR_LOCKED ?
		    "true" : "false"));
		rpc_fail_perr(req, &err);
		return;
	}
	login_accept(req, &who, 1);
	rpc_audit(req, "staff", staff, NULL,
	    xasprintf("{\"login\":true,\"device\":%lld}",
	    (long long)req->who.device));
	log_info("%s: staff %s logged in", req->who.peer, staff);
}

static void
login_done(void *arg)
{
	struct req	*req = arg;

	rpc_continue(req, login_finish);	/* frees req and its ctx */
}

void
rpc_session_login(struct req *req)
{
	const struct login_p	*in = req->in;
	struct login		*l = xcalloc(1, sizeof *l);
	int			 disabled;

	l->password = in->password;
	if (staff_pwhash(req->db, in->staff, l->hash,
	    &disabled) == 0 && !disabled)
		l->known = 1;
	req->ctx = l;
	worker_submit(req->srv->worker, login_verify, login_done, req);
}

void
rpc_session_resume(struct req *req)
{
	const struct resume_p	*in = req->in;
	struct staff		 who;
	struct perr		 err;
	int64_t			 id;

	if (staff_token_resume(req->db, in->token, req->who.device,
	    &who, &id, &err) != 0) {
		rpc_fail_perr(req, &err);
		return;
	}
	login_accept(req, &who, 0);
	req->who.token_id = id;
	rpc_audit(req, "staff", who.id, NULL,
	    xasprintf("{\"resume\":true,\"device\":%lld}",
	    (long long)req->who.device));
}

void
rpc_session_logout(struct req *req)
{
	struct caller	*w = &req->who;

	if (w->token_id > 0)
		staff_token_drop(req->db, w->token_id);
	rpc_audit(req, "staff", w->staff, NULL, NULL);
	w->staff[0] = '\0';
	w->staff_branch[0] = '\0';
	w->role = 0;
	w->token_id = 0;
	req->who_changed = 1;
	msgpack_pack_map(&req->pk, 1);
	mp_pack_kbool(&req->pk, "logged_out", 1);
}

void
rpc_session_whoami(struct req *req)
{
	const struct caller	*s = &req->who;
	struct staff		 who;
	struct perr		 err;
	int			 found = staff_get(req->db, s->staff, &who,
				    &err) == 0;

	msgpack_pack_map(&req->pk, 7);
	mp_pack_kstr(&req->pk, "staff", s->staff);
	mp_pack_kstr(&req->pk, "name", found ? who.name : "");
	mp_pack_kstr(&req->pk, "role", role_name(s->role));
	mp_pack_kstr(&req->pk, "branch", s->staff_branch);
	mp_pack_kint(&req->pk, "device", s->device);
	mp_pack_kstr(&req->pk, "device_branch", s->branch);
	mp_pack_kint(&req->pk, "time", clock_now());
}

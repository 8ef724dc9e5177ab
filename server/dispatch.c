/*
 * rpc_dispatch(): everything every call needs, in order and once: envelope,
 * method, login, role, parameter types, request id, transaction, handler,
 * audit row, commit, reply.  Handlers never check roles or open
 * transactions.  A protocol violation ends the session; a domain error is a
 * normal reply.
 *
 * Each session lives on one shard's loop (server.c).  F_READ methods
 * (member.get, member.search ...) run right there, on the shard's own
 * read-only connection: SQLite in WAL mode lets every shard read while the
 * main loop writes, with no hand-off between threads on the busiest path.
 * Every other method runs on the main loop, on the one writing connection,
 * in order, and commits before its reply goes back to the session's loop.
 * Until then the session's later records wait (session_release), so a read
 * sent after a write in the same pipelined batch sees it.
 */
#include <ctype.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "clock.h"
#include "hex.h"
#include "log.h"
#include "mpjson.h"
#include "pawd.h"
#include "utf8.h"
#include "xmalloc.h"

const struct method methods[] = {
#define M(h, nm, r, f) { .name = nm, .fn = rpc_##h, .roles = r, \
	.flags = f, .params = &rpc_##h##_params },
#include "methods.def"
#undef M
};
const size_t nmethods = sizeof methods / sizeof methods[0];

/*
 * The parameters the gatekeeper reads itself: request_id on every write
 * after login (required where money moves), approver and approver_password where a
 * manager must approve.
 */
#define GATE_RID(fl) { .name = "request_id", .type = PT_HEX, .flags = fl, \
	.min = 32, .max = 32, .off = offsetof(struct gate_p, request_id) }
#define GATE_APPROVER \
	P_STR("approver", struct gate_p, approver, 0, 1, ID_MAX - 1), \
	P_STR("approver_password", struct gate_p, approver_password, \
	    P_RAW | P_SECRET, 1, 128)
static const struct params gate_none = { sizeof(struct gate_p),
    (const struct param[]){ { .name = NULL } } };
static const struct params gate_write = { sizeof(struct gate_p),
    (const struct param[]){ GATE_RID(0), { .name = NULL } } };
static const struct params gate_money = { sizeof(struct gate_p),
    (const struct param[]){ GATE_RID(P_REQ), { .name = NULL } } };
static const struct params gate_write_approve = { sizeof(struct gate_p),
    (const struct param[]){ GATE_RID(0), GATE_APPROVER, { .name = NULL } } };
static const struct params gate_money_approve = { sizeof(struct gate_p),
    (const struct param[]){ GATE_RID(P_REQ), GATE_APPROVER,
    { .name = NULL } } };

const struct params *
method_gate_params(const struct method *m)
{
	if (m->flags & F_MONEY)
		return m->flags & F_APPROVE ? &gate_money_approve : &gate_money;
	/*
	 * Not before login (a stored login answer would hold its token), nor
	 * where the caller's session changes (a replayed logout would not).
	 */
	if ((m->flags & F_WRITE) && !(m->flags & (F_PUBLIC | F_SESSION)))
		return m->flags & F_APPROVE ? &gate_write_approve : &gate_write;
	return &gate_none;
}

int
rpc_fail(struct req *req, enum err_code code, const char *field,
    const char *fmt, ...)
{
	va_list	ap;

	req->failed = 1;
	req->err.code = code;
	req->err.field = field;
	va_start(ap, fmt);
	vsnprintf(req->err.msg, sizeof req->err.msg, fmt, ap);
	va_end(ap);
	return -1;
}

void
rpc_fail_perr(struct req *req, const struct perr *e)
{
	req->failed = 1;
	req->err = *e;
}

int
scope_check(struct req *req, const char *branch, const char *field)
{
	const struct caller	*w = &req->who;
	int			 f = req->m->flags;

	if (!(f & (F_SCOPE_OWN | F_SCOPE_HQ)) || branch == NULL)
		return 0;
	/* Support diagnoses the whole chain and can change nothing there. */
	if ((f & F_SCOPE_HQ) && (w->role & (R_HQ | R_SUPPORT)))
		return 0;
	if (strcmp(branch, w->staff_branch) == 0)
		return 0;
	return rpc_fail(req, ERR_FORBIDDEN, field,
	    "%s: %s works for branch %s only, not %s", req->m->name,
	    w->staff[0] != '\0' ? w->staff : "this session", w->staff_branch,
	    branch);
}

/* The declared branch parameters, checked against the method's scope. */
static int
scope_params(struct req *req)
{
	const struct param	*p;
	const char		*b;

	for (p = req->m->params->list; p->name != NULL; p++) {
		if (!(p->flags & P_BRANCH))
			continue;
		b = *(const char **)((const char *)req->in + p->off);
		if (scope_check(req, b, p->name) != 0)
			return -1;
	}
	return 0;
}

/* Decode the params against the method's declaration: req->in. */
static int
rpc_check_params(struct req *req)
{
	const struct method	*m = req->m;

	req->arena = arena_create();
	if (params_decode(m->params, method_gate_params(m), req->params,
	    req->arena, &req->in, &req->gate, &req->err, req->path,
	    sizeof req->path) != 0) {
		req->failed = 1;
		return -1;
	}
	return scope_params(req);
}

void
rpc_audit(struct req *req, const char *entity, const char *id,
    const char *before, char *after)
{
	free(req->audit_entity);
	free(req->audit_id);
	free(req->audit_before);
	free(req->audit_after);
	req->audit_entity = xstrdup(entity);
	req->audit_id = id != NULL ? xstrdup(id) : NULL;
	req->audit_before = before != NULL ? xstrdup(before) : NULL;
	req->audit_after = after;
}

void
rpc_actor(struct req *req, struct actor *a)
{
	const struct caller	*w = &req->who;

	if (req->staff[0] != '\0') {
		a->staff = req->staff;
		a->role = req->role;
	} else {
		a->staff = w->staff[0] != '\0' ? w->staff : NULL;
		a->role = w->role;
	}
	a->device = w->device;
	a->branch = w->branch[0] != '\0' ? w->branch : NULL;
	a->staff_branch = w->staff_branch[0] != '\0' ? w->staff_branch : NULL;
	a->approver = req->approver[0] != '\0' ? req->approver : NULL;
}

void
rpc_kick_device(struct req *req, int64_t device, const char *reason)
{
	req->kick_device = device;
	req->kick_reason = reason;
}

void
collect_init(struct collect *c)
{
	msgpack_sbuffer_init(&c->sb);
	msgpack_packer_init(&c->pk, &c->sb, msgpack_sbuffer_write);
	c->n = 0;
}

void
collect_put(msgpack_packer *pk, const char *key, struct collect *c)
{
	mp_pack_str(pk, key);
	msgpack_pack_array(pk, c->n);
	msgpack_sbuffer_write(pk->data, c->sb.data, c->sb.size);
	msgpack_sbuffer_destroy(&c->sb);
}

static void
req_free(struct req *req)
{
	arena_free(req->arena);
	free(req->approval);
	free(req->ctx);
	free(req->audit_entity);
	free(req->audit_id);
	free(req->audit_before);
	free(req->audit_after);
	msgpack_sbuffer_destroy(&req->sb);
	msgpack_sbuffer_destroy(&req->out);
	msgpack_unpacked_destroy(&req->msg);
	free(req->raw);
	free(req);
}

/* JSON of the packed result, for the audit row's "after". */
static char *
req_result_json(struct req *req)
{
	msgpack_unpacked	u;
	char			*s = NULL;

	if (req->sb.size == 0)
		return NULL;
	if (mp_unpack(&u, (uint8_t *)req->sb.data, req->sb.size) == 0)
		s = mp_to_json_text(&u.data);
	msgpack_unpacked_destroy(&u);
	return s;
}

/*
 * Commit (with the audit row) or roll back the method's transaction.  The
 * audit row is what the handler stated, its result as the "after" unless
 * it stated one; a write that states nothing has forgotten its row, and
 * fails rather than commit unaudited.  audit_commit() is the one way every
 * write ends, here as in jobs and on the command line.
 */
static void
req_end_tx(struct req *req)
{
	struct actor	 a;
	char		*after;
	int		 rc;

	if (!(req->m->flags & F_WRITE) || !db_in_tx(req->db))
		return;
	/* A retry answered from the store has no effect of its own. */
	if ((req->failed && !req->commit_on_error) || req->replayed) {
		db_rollback(req->db);
		return;
	}
	if (req->audit_entity == NULL && !req->failed) {
		db_rollback(req->db);
		rpc_fail(req, ERR_INTERNAL, NULL, "%s stated no audit entity",
		    req->m->name);
		return;
	}
	rpc_actor(req, &a);
	if (!req->failed && req->idem_key[0] != '\0' &&
	    idem_store(req->db, req->idem_key, req->idem_digest, req->m->name,
	    &a, req->sb.data, req->sb.size) != 0) {
		db_rollback(req->db);
		rpc_fail(req, ERR_INTERNAL, NULL, "idempotency record not stored");
		return;
	}
	if (req->audit_entity == NULL)		/* a refusal that keeps a count */
		rc = db_commit(req->db);
	else {
		after = req->audit_after != NULL ? xstrdup(req->audit_after) :
		    req->failed ? NULL : req_result_json(req);
		rc = audit_commit(req->db, &a, req->m->name, req->audit_entity,
		    req->audit_id, req->audit_before, after);
		free(after);
	}
	if (rc != 0)
		rpc_fail(req, ERR_INTERNAL, NULL, "commit failed");
	else
		atomic_fetch_add(&req->srv->commits, 1);	/* read_snapshot() */
}

/* Pack [1, msgid, error, result] into req->out. */
static void
req_pack_reply(struct req *req)
{
	msgpack_packer	pk;

	msgpack_packer_init(&pk, &req->out, msgpack_sbuffer_write);
	msgpack_pack_array(&pk, 4);
	msgpack_pack_uint8(&pk, RPC_RESPONSE);
	msgpack_pack_uint32(&pk, req->msgid);
	if (req->failed) {
		rpc_pack_error(&pk, req->err.code, req->err.msg,
		    req->err.field, req->err.extra, req->err.nextra);
		msgpack_pack_nil(&pk);
	} else {
		msgpack_pack_nil(&pk);
		if (req->sb.size == 0)
			msgpack_pack_map(&pk, 0);
		else
			msgpack_sbuffer_write(&req->out, req->sb.data,
			    req->sb.size);
	}
}

/*
 * On the session's loop: send the reply, take the request's changes to the
 * session, let the records it held through, free it.
 */
static void
req_deliver(void *arg)
{
	struct req	*req = arg;
	struct session	*s = req->s;
	int		 counted = req->counted;

	if (req->who_changed && !(s->flags & SESSION_DEAD)) {
		s->who = req->who;
		chan_set_max_record(s->chan, s->who.staff[0] != '\0' ?
		    CHAN_MAX_RECORD : PRELOGIN_MAX_RECORD);
	}
	session_send(s, req->out.data, req->out.size);
	req_free(req);
	if (!counted)
		return;
	s->pending--;
	session_release(s);
}

/*
 * The request is done: commit or roll back, pack the reply and hand it to
 * the session's loop, then cut the sessions it asked to (after the reply,
 * which the caller's own session gets first).
 */
static void
req_reply(struct req *req)
{
	struct server	*srv = req->srv;
	int64_t		 kick_device = 0;
	const char	*reason = req->kick_reason;
	int		 wrote = (req->m->flags & F_WRITE) && req->db != NULL &&
			    db_in_tx(req->db);

	req_end_tx(req);
	req_pack_reply(req);
	if (req->failed && req->err.code == ERR_INTERNAL)
		log_error("%s: %s", req->m->name, req->err.msg);
	if (req->db != NULL)
		db_release(req->db);
	if (!req->failed)
		kick_device = req->kick_device;
	/* From here on, a remote req is its session's loop's. */
	shard_call(req->s->shard, !req->remote, req_deliver, req);
	if (kick_device > 0)
		server_kick_device(srv, kick_device, reason);
	if (wrote)
		server_poll_cuts(srv);	/* a change of staff it made */
}

/*
 * A write with a request_id, inside its transaction: 1 if it is a retry,
 * answered from the store (or a conflict), 0 if the handler is to run.
 */
static int
req_replay(struct req *req)
{
	const char	*rid = req->gate.request_id;
	struct perr	 err;
	size_t		 i;
	int		 rc;

	if (rid == NULL)
		return 0;
	for (i = 0; i < sizeof req->idem_key - 1 && rid[i] != '\0'; i++)
		req->idem_key[i] = (char)tolower((unsigned char)rid[i]);
	req->idem_key[i] = '\0';
	if (idem_digest(req->m->name, req->params, req->idem_digest) != 0) {
		rpc_fail(req, ERR_BAD_REQUEST, NULL, "params cannot be digested");
		return 1;
	}
	if ((rc = idem_find(req->db, req->idem_key, req->idem_digest, &req->sb,
	    &err)) < 0)
		rpc_fail_perr(req, &err);
	else if (rc == 1)
		req->replayed = 1;
	return rc != 0;
}

/*
 * A manager's approval typed at a clerk's session: the password is checked
 * on a worker (Argon2id), against a dummy hash for an unknown or disabled
 * approver so that it takes as long, before the method's transaction
 * begins; the verdict is applied inside it (a wrong password counts
 * towards the approver's lockout and is kept, with its audit row, even
 * though the call is refused).
 */
struct approval {
	char		 hash[128];
	int		 known;
	int		 ok;
	int		 checked;
};

static void
approval_verify(void *arg)
{
	struct req	*req = arg;
	struct approval	*ap = req->approval;
	const char	*pw = req->gate.approver_password;

	ap->ok = staff_verify(ap->known ? ap->hash : staff_dummy_hash(), pw) &&
	    ap->known;
	sodium_memzero(ap->hash, sizeof ap->hash);
}

static void	req_run_main(void *);

static void
approval_done(void *arg)
{
	struct req	*req = arg;

	req->approval->checked = 1;
	req_run_main(req);
}

/* In the method's transaction: 0 if approved, -1 refused (and answered). */
static int
approval_apply(struct req *req)
{
	struct approval	*ap = req->approval;
	const char	*id = req->gate.approver;
	struct perr	 err;
	int		 flags = 0;

	if (staff_approve(req->db, id, ap->known, ap->ok, req->who.branch,
	    &flags, &err) != 0) {
		rpc_fail_perr(req, &err);
		if (flags & STAFF_LOGIN_COUNTED) {
			req->commit_on_error = 1;
			rpc_audit(req, "staff", id, NULL, xasprintf(
			    "{\"approval\":\"refused\",\"locked\":%s}",
			    (flags & STAFF_LOGIN_LOCKED) ? "true" : "false"));
		}
		return -1;
	}
	snprintf(req->approver, sizeof req->approver, "%s", id);
	return 0;
}

/*
 * Gatekeeping of a method that needs a manager, after the role check: the
 * caller's own session approves when they could approve; a clerk's call
 * carries approver and approver_password.  0 if it may go on.
 */
static int
approval_admit(struct req *req)
{
	const struct caller	*w = &req->who;

	if (!(req->m->flags & F_APPROVE))
		return 0;
	if (w->role == R_HQ || (w->role == R_MANAGER &&
	    strcmp(w->staff_branch, w->branch) == 0)) {
		snprintf(req->approver, sizeof req->approver, "%s", w->staff);
		return 0;
	}
	if (req->gate.approver == NULL || req->gate.approver_password == NULL)
		return rpc_fail(req, ERR_APPROVAL_REQUIRED, "approver",
		    "%s needs a manager's approval: approver and "
		    "approver_password", req->m->name);
	req->approval = xcalloc(1, sizeof *req->approval);
	return 0;
}

/*
 * In the write's transaction: 0 if the staff member logged in has not
 * changed since (role, branch, password, disabled: schema/007), whichever
 * process changed them; else refused, and the session is cut after.
 */
static int
req_current(struct req *req)
{
	const struct caller	*w = &req->who;

	if (!(req->m->flags & F_WRITE) || (req->m->flags & F_PUBLIC) ||
	    w->staff[0] == '\0' ||
	    staff_generation(req->db, w->staff) == w->generation)
		return 0;
	return rpc_fail(req, ERR_UNAUTHENTICATED, NULL,
	    "your account was changed since you logged in: log in again");
}

/* Run fn inside the method's transaction (if F_WRITE), then answer. */
static void
req_run(struct req *req, void (*fn)(struct req *))
{
	if ((req->m->flags & F_WRITE) && db_begin(req->db) != 0)
		rpc_fail(req, ERR_INTERNAL, NULL, "database busy");
	else if (req_current(req) == 0 &&
	    (req->approval == NULL || approval_apply(req) == 0) &&
	    req_replay(req) == 0)
		fn(req);
	req_reply(req);
}

void
rpc_continue(struct req *req, void (*fn)(struct req *))
{
	if (fn == NULL)
		req_reply(req);	/* refused before the slow part: just answer */
	else
		req_run(req, fn);
}

static const struct method *
method_find(const char *name, size_t len)
{
	size_t	i;

	for (i = 0; i < nmethods; i++) {
		if (strlen(methods[i].name) == len &&
		    memcmp(methods[i].name, name, len) == 0)
			return &methods[i];
	}
	return NULL;
}

/* Gatekeeping before the handler: channel kind, login, role. */
static int
rpc_admit(struct req *req, const struct method *m)
{
	struct session		*s = req->s;
	const struct caller	*w = &req->who;

	if ((s->flags & SESSION_ENROLL) != ((m->flags & F_ENROLL) ?
	    SESSION_ENROLL : 0))
		return rpc_fail(req, ERR_FORBIDDEN, NULL, "%s is not allowed %s",
		    m->name, (s->flags & SESSION_ENROLL) ?
		    "while enrolling" : "on a session");
	if (!(m->flags & F_PUBLIC) && w->staff[0] == '\0')
		return rpc_fail(req, ERR_UNAUTHENTICATED, NULL,
		    "log in first");
	if (!(m->flags & F_PUBLIC) && !(m->roles & w->role))
		return rpc_fail(req, ERR_FORBIDDEN, NULL,
		    "role %s may not call %s", role_name(w->role), m->name);
	return 0;
}

/* On the main loop, with the writer: every method that does not only read. */
static void
req_run_main(void *arg)
{
	struct req	*req = arg;
	struct approval	*ap = req->approval;
	int		 disabled;

	req->db = req->srv->db;
	if (ap != NULL && !ap->checked) {
		if (staff_pwhash(req->db, req->gate.approver, ap->hash,
		    &disabled) == 0 && !disabled)
			ap->known = 1;
		db_release(req->db);
		worker_submit(req->srv->worker, approval_verify, approval_done,
		    req);
		return;
	}
	if (req->m->flags & F_ASYNC)
		req->m->fn(req);	/* answers later through rpc_continue() */
	else
		req_run(req, req->m->fn);
}

/*
 * A request answered later keeps its own copy of the record: its params
 * point into the record, which the caller only lends.  0, or -1 answered.
 */
static int
req_keep(struct req *req, const uint8_t *data, size_t len)
{
	struct rpc_msg	msg;

	req->raw = xmalloc(len);
	memcpy(req->raw, data, len);
	msgpack_unpacked_destroy(&req->msg);
	if (mp_unpack(&req->msg, req->raw, len) != 0 ||
	    rpc_parse(&req->msg.data, &msg) != 0) {
		rpc_fail(req, ERR_INTERNAL, NULL, "request copy failed");
		req_reply(req);
		return -1;
	}
	req->params = msg.params;
	return 0;
}

/*
 * The reads of one turn of a loop share a snapshot of the database (one
 * read lock, not one per statement), ended before the loop sleeps
 * (shard_before_sleep).  A write committed on the main loop meanwhile
 * ends it too: a read that comes after a write's answer always sees it.
 */
static void
read_snapshot(struct shard *sh)
{
	uint64_t	now = atomic_load(&sh->srv->commits);

	if (sh->snapshot_at != now) {
		db_read_end(sh->db);	/* if one is open */
		sh->snapshot_at = now;
	}
	db_read_begin(sh->db);		/* unless one is open */
}

/*
 * Handle one record from a session, on its loop.  The record is borrowed;
 * requests answered later keep their own unpacked copy.
 */
void
rpc_dispatch(struct session *s, const uint8_t *data, size_t len)
{
	struct req		*req;
	struct rpc_msg		 msg;

	req = xcalloc(1, sizeof *req);
	msgpack_sbuffer_init(&req->sb);
	msgpack_packer_init(&req->pk, &req->sb, msgpack_sbuffer_write);
	msgpack_sbuffer_init(&req->out);
	if (mp_unpack(&req->msg, data, len) != 0 ||
	    rpc_parse(&req->msg.data, &msg) != 0) {
		req_free(req);
		session_kill(s, "malformed message");
		return;
	}
	if (msg.type != RPC_REQUEST) {
		/* Clients send no notifications Pawprint knows; answers never. */
		req_free(req);
		if (msg.type == RPC_RESPONSE)
			session_kill(s, "unexpected response");
		return;
	}
	req->s = s;
	req->srv = s->srv;
	req->db = s->shard->db;
	req->who = s->who;
	memcpy(req->staff, s->who.staff, sizeof req->staff);
	req->role = s->who.role;
	req->msgid = msg.msgid;
	req->params = msg.params;
	if ((req->m = method_find(msg.method, msg.method_len)) == NULL) {
		static const struct method unknown = { .name = "?" };

		req->m = &unknown;
		rpc_fail(req, ERR_NO_METHOD, NULL, "no such method");
		req_reply(req);
		return;
	}
	if (rpc_admit(req, req->m) != 0 || rpc_check_params(req) != 0 ||
	    approval_admit(req) != 0) {
		req_reply(req);
		return;
	}
	if (req->m->flags & F_READ) {
		read_snapshot(s->shard);
		req->m->fn(req);
		req_reply(req);
		return;
	}
	req->remote = s->shard->index != 0;
	if (req->remote || (req->m->flags & F_ASYNC) || req->approval != NULL) {
		/* Answered later: hold the session's next records till then. */
		req->counted = 1;
		s->pending++;
		session_hold(s);
		if (req_keep(req, data, len) != 0)
			return;
	}
	shard_call(&req->srv->shards[0], !req->remote, req_run_main, req);
}

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
#define M(h, nm, r, f, p) { .name = nm, .fn = rpc_##h, .roles = r, \
	.flags = f, .params = p },
#include "methods.def"
#undef M
};
const size_t nmethods = sizeof methods / sizeof methods[0];

#define PARAM_MAX	32
#define STR_MAX		4096

static struct param_spec	 specs[sizeof methods / sizeof methods[0]][PARAM_MAX];
static int			 nspecs[sizeof methods / sizeof methods[0]];
static pthread_once_t		 specs_once = PTHREAD_ONCE_INIT;

static const char *role_names[] = {
	"clerk", "manager", "hq_admin", "support"
};

const char *
role_name(int role)
{
	int	i;

	for (i = 0; i < 4; i++) {
		if (role == (1 << i))
			return role_names[i];
	}
	return "";
}

int
role_parse(const char *s)
{
	int	i;

	for (i = 0; s != NULL && i < 4; i++) {
		if (strcmp(s, role_names[i]) == 0)
			return 1 << i;
	}
	return 0;
}

/* Parse the parameter lists of methods.def once. */
static void
specs_init(void)
{
	size_t	 i;
	char	*copy, *tok, *save, *colon;

	for (i = 0; i < nmethods; i++) {
		copy = xstrdup(methods[i].params);
		for (tok = strtok_r(copy, " ", &save); tok != NULL &&
		    nspecs[i] < PARAM_MAX; tok = strtok_r(NULL, " ", &save)) {
			struct param_spec	*p = &specs[i][nspecs[i]++];

			if ((p->required = (*tok == '+')))
				tok++;
			if ((colon = strchr(tok, ':')) != NULL)
				*colon++ = '\0';
			snprintf(p->name, sizeof p->name, "%s", tok);
			snprintf(p->type, sizeof p->type, "%s",
			    colon ? colon : "str");
		}
		free(copy);
	}
}

int
method_params(size_t mi, const struct param_spec **out)
{
	pthread_once(&specs_once, specs_init);
	*out = specs[mi];
	return nspecs[mi];
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

/* Check one value against its declared type. */
static int
param_type_ok(const struct param_spec *p, const msgpack_object *v)
{
	if (v->type == MSGPACK_OBJECT_NIL)
		return !p->required;
	if (strcmp(p->type, "str") == 0 || strcmp(p->type, "date") == 0)
		return v->type == MSGPACK_OBJECT_STR &&
		    v->via.str.size <= STR_MAX &&
		    utf8_valid(v->via.str.ptr, v->via.str.size);
	if (strcmp(p->type, "int") == 0)
		return v->type == MSGPACK_OBJECT_POSITIVE_INTEGER ||
		    v->type == MSGPACK_OBJECT_NEGATIVE_INTEGER;
	if (strcmp(p->type, "bool") == 0)
		return v->type == MSGPACK_OBJECT_BOOLEAN;
	if (strcmp(p->type, "list") == 0)
		return v->type == MSGPACK_OBJECT_ARRAY;
	if (strcmp(p->type, "map") == 0)
		return v->type == MSGPACK_OBJECT_MAP;
	return 1;
}

/* Validate params against the table: names known, types right, required present. */
static int
rpc_check_params(struct req *req, size_t mi)
{
	const msgpack_object	*map = req->params;
	uint32_t		 i;
	int			 j, found;

	for (i = 0; map != NULL && i < map->via.map.size; i++) {
		const msgpack_object	*k = &map->via.map.ptr[i].key;

		if (k->type != MSGPACK_OBJECT_STR)
			return rpc_fail(req, ERR_BAD_REQUEST, NULL,
			    "parameter names must be strings");
		found = 0;
		for (j = 0; j < nspecs[mi]; j++) {
			if (mp_str_eq(k, specs[mi][j].name)) {
				found = 1;
				if (!param_type_ok(&specs[mi][j],
				    &map->via.map.ptr[i].val))
					return rpc_fail(req, ERR_BAD_REQUEST,
					    specs[mi][j].name,
					    "%s must be of type %s",
					    specs[mi][j].name, specs[mi][j].type);
				if (strcmp(specs[mi][j].type, "date") == 0 &&
				    map->via.map.ptr[i].val.type ==
				    MSGPACK_OBJECT_STR) {
					char	*d = mp_strdup(&map->via.map.ptr[i].val);
					int	 ok = *d == '\0' || clock_date_valid(d);

					free(d);
					if (!ok)
						return rpc_fail(req, ERR_INVALID,
						    specs[mi][j].name,
						    "%s must be a date YYYY-MM-DD",
						    specs[mi][j].name);
				}
				break;
			}
		}
		if (!found && !mp_str_eq(k, "request_id")) {
			char	*name = mp_strdup(k);

			rpc_fail(req, ERR_BAD_REQUEST, NULL,
			    "unknown parameter %.60s", name);
			free(name);
			return -1;
		}
	}
	for (j = 0; j < nspecs[mi]; j++) {
		const msgpack_object	*v = mp_get(map, specs[mi][j].name);

		if (specs[mi][j].required &&
		    (v == NULL || v->type == MSGPACK_OBJECT_NIL))
			return rpc_fail(req, ERR_INVALID, specs[mi][j].name,
			    "%s is required", specs[mi][j].name);
	}
	return 0;
}

int
rpc_has(struct req *req, const char *name)
{
	const msgpack_object	*v = mp_get(req->params, name);

	return v != NULL && v->type != MSGPACK_OBJECT_NIL;
}

const msgpack_object *
rpc_obj(struct req *req, const char *name)
{
	const msgpack_object	*v = mp_get(req->params, name);

	return v != NULL && v->type != MSGPACK_OBJECT_NIL ? v : NULL;
}

const char *
rpc_str(struct req *req, const char *name)
{
	const msgpack_object	*v = rpc_obj(req, name);
	char			*s;

	if ((s = mp_strdup(v)) == NULL)
		return NULL;
	req->strs = xrealloc(req->strs, (req->nstrs + 1) * sizeof *req->strs);
	req->strs[req->nstrs++] = s;
	return s;
}

int64_t
rpc_int(struct req *req, const char *name, int64_t def)
{
	int64_t	v;

	if (mp_int(rpc_obj(req, name), &v) != 0)
		return def;
	return v;
}

int
rpc_bool(struct req *req, const char *name, int def)
{
	const msgpack_object	*v = rpc_obj(req, name);

	if (v == NULL || v->type != MSGPACK_OBJECT_BOOLEAN)
		return def;
	return v->via.boolean;
}

void
rpc_audit(struct req *req, const char *entity, const char *id,
    const char *before)
{
	free(req->audit_entity);
	free(req->audit_id);
	free(req->audit_before);
	req->audit_entity = xstrdup(entity);
	req->audit_id = id != NULL ? xstrdup(id) : NULL;
	req->audit_before = before != NULL ? xstrdup(before) : NULL;
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
}

void
rpc_kick_device(struct req *req, int64_t device, const char *reason)
{
	req->kick_device = device;
	req->kick_reason = reason;
}

void
rpc_kick_staff(struct req *req, const char *staff, const char *reason)
{
	free(req->kick_staff);
	req->kick_staff = xstrdup(staff);
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
	size_t	i;

	for (i = 0; i < req->nstrs; i++) {
		sodium_memzero(req->strs[i], strlen(req->strs[i]));
		free(req->strs[i]);
	}
	free(req->strs);
	free(req->ctx);
	free(req->audit_entity);
	free(req->audit_id);
	free(req->audit_before);
	free(req->audit_after);
	free(req->kick_staff);
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

/* Commit (with the audit row) or roll back the method's transaction. */
static void
req_end_tx(struct req *req)
{
	struct actor	 a;
	char		*after;

	if (!(req->m->flags & F_WRITE) || !db_in_tx(req->db))
		return;
	if (req->failed && !req->commit_on_error) {
		db_rollback(req->db);
		return;
	}
	if (req->audit_entity != NULL) {
		rpc_actor(req, &a);
		after = req->failed ? NULL : req->audit_after != NULL ?
		    xstrdup(req->audit_after) : req_result_json(req);
		if (audit_add(req->db, &a, req->m->name, req->audit_entity,
		    req->audit_id, req->audit_before, after) != 0) {
			free(after);
			db_rollback(req->db);
			rpc_fail(req, ERR_INTERNAL, NULL, "audit write failed");
			return;
		}
		free(after);
	}
	if (db_commit(req->db) != 0)
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
		    req->err.field, req->err.card_no, req->err.archived);
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
	/* A shutdown waits for slow requests before closing their session. */
	if (s->shard->shutting_down && s->pending == 0)
		session_kill(s, "server shutting down");
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
	char		*kick_staff = NULL;
	const char	*reason = req->kick_reason;

	req_end_tx(req);
	req_pack_reply(req);
	if (req->failed && req->err.code == ERR_INTERNAL)
		log_error("%s: %s", req->m->name, req->err.msg);
	if (req->db != NULL)
		db_release(req->db);
	if (!req->failed) {
		kick_device = req->kick_device;
		kick_staff = req->kick_staff;
		req->kick_staff = NULL;
	}
	/* From here on, a remote req is its session's loop's. */
	shard_call(req->s->shard, !req->remote, req_deliver, req);
	if (kick_device > 0)
		server_kick_device(srv, kick_device, reason);
	if (kick_staff != NULL)
		server_kick_staff(srv, kick_staff, reason);
	free(kick_staff);
}

/* Run fn inside the method's transaction (if F_WRITE), then answer. */
static void
req_run(struct req *req, void (*fn)(struct req *))
{
	if ((req->m->flags & F_WRITE) && db_begin(req->db) != 0)
		rpc_fail(req, ERR_INTERNAL, NULL, "database busy");
	else
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
method_find(const char *name, size_t len, size_t *index)
{
	size_t	i;

	for (i = 0; i < nmethods; i++) {
		if (strlen(methods[i].name) == len &&
		    memcmp(methods[i].name, name, len) == 0) {
			*index = i;
			return &methods[i];
		}
	}
	return NULL;
}

/* Gatekeeping before the handler: login, role, channel kind, request id. */
static int
rpc_admit(struct req *req, const struct method *m)
{
	struct session		*s = req->s;
	const struct caller	*w = &req->who;
	const msgpack_object	*rid;
	uint8_t			 raw[16];
	char			*hex;
	int			 bad;

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
	if (m->flags & F_MONEY) {
		rid = rpc_obj(req, "request_id");
		hex = mp_strdup(rid);
		bad = hex == NULL || hex_decode(hex, raw, sizeof raw) != 0;
		free(hex);
		if (bad)
			return rpc_fail(req, ERR_INVALID, "request_id",
			    "request_id must be 32 hex characters");
	}
	return 0;
}

/* On the main loop, with the writer: every method that does not only read. */
static void
req_run_main(void *arg)
{
	struct req	*req = arg;

	req->db = req->srv->db;
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
	size_t			 mi = 0;

	pthread_once(&specs_once, specs_init);
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
	if ((req->m = method_find(msg.method, msg.method_len, &mi)) == NULL) {
		static const struct method unknown = { .name = "?" };

		req->m = &unknown;
		rpc_fail(req, ERR_NO_METHOD, NULL, "no such method");
		req_reply(req);
		return;
	}
	if (rpc_admit(req, req->m) != 0 || rpc_check_params(req, mi) != 0) {
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
	if (req->remote || (req->m->flags & F_ASYNC)) {
		/* Answered later: hold the session's next records till then. */
		req->counted = 1;
		s->pending++;
		s->holding++;
		if (req_keep(req, data, len) != 0)
			return;
	}
	shard_call(&req->srv->shards[0], !req->remote, req_run_main, req);
}

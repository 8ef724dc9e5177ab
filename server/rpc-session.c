/*
 * session.*: staff login on a device's channel.  The password check runs
 * on a worker thread (Argon2id takes tens of milliseconds) so a login never
 * stalls other connections; an unknown or disabled staff id is checked
 * against a dummy hash so it takes as long to refuse as a wrong password.
 * A successful login returns a token that resumes the session after the
 * network drops (session.resume), bound to the same device.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "clock.h"
#include "hex.h"
#include "log.h"
#include "pawd.h"
#include "xmalloc.h"

#define LOGIN_MAX_FAILS	5
#define LOGIN_LOCK_SECS	(15 * 60)
#define TOKEN_TTL	(12 * 3600)

struct login {
	char		 hash[128];
	int		 known;
	int		 ok;
	const char	*password;
};

static char		dummy_hash[128];
static pthread_once_t	dummy_once = PTHREAD_ONCE_INIT;

static void
dummy_init(void)
{
	char	pw[33];
	uint8_t	r[16];

	randombytes_buf(r, sizeof r);
	hex_encode(r, sizeof r, pw);
	if (staff_hash(pw, dummy_hash) != 0)
		dummy_hash[0] = '\0';
}

/* On a worker thread: nothing here touches the database or the session. */
static void
login_verify(void *arg)
{
	struct req	*req = arg;
	struct login	*l = req->ctx;

	if (!l->known) {
		pthread_once(&dummy_once, dummy_init);
		staff_verify(dummy_hash, l->password);
		l->ok = 0;
		return;
	}
	l->ok = staff_verify(l->hash, l->password);
}

static void
token_hash(const char *token, uint8_t out[32])
{
	crypto_generichash(out, 32, (const uint8_t *)token, strlen(token),
	    NULL, 0);
}

/* Fill the session and pack whoami, with a fresh token when asked. */
static void
login_accept(struct req *req, const char *staff, const char *name, int role,
    const char *branch, int new_token)
{
	static const char ins[] =
	    "INSERT INTO staff_token (hash, staff, device, created, expires) "
	    "VALUES (?, ?, ?, ?, ?)";
	struct session	*s = req->s;
	uint8_t		 raw[32], h[32];
	char		 token[65];
	sqlite3_stmt	*st;
	int64_t		 now = clock_now();

	snprintf(s->staff, sizeof s->staff, "%s", staff);
	snprintf(s->staff_branch, sizeof s->staff_branch, "%s", branch);
	s->role = role;
	chan_set_max_record(s->chan, CHAN_MAX_RECORD);
	msgpack_pack_map(&req->pk, new_token ? 7 : 5);
	mp_pack_kstr(&req->pk, "staff", staff);
	mp_pack_kstr(&req->pk, "name", name);
	mp_pack_kstr(&req->pk, "role", role_name(role));
	mp_pack_kstr(&req->pk, "branch", branch);
	mp_pack_kstr(&req->pk, "device_branch", s->branch);
	if (!new_token)
		return;
	randombytes_buf(raw, sizeof raw);
	hex_encode(raw, sizeof raw, token);
	token_hash(token, h);
	if ((st = db_prep(req->db, ins)) != NULL) {
		sqlite3_bind_blob(st, 1, h, 32, SQLITE_TRANSIENT);
		db_bind_text(st, 2, staff);
		sqlite3_bind_int64(st, 3, s->device);
		sqlite3_bind_int64(st, 4, now);
		sqlite3_bind_int64(st, 5, now + TOKEN_TTL);
		if (db_step_done(req->db, st) == 0)
			s->token_id = db_last_id(req->db);
	}
	mp_pack_kstr(&req->pk, "token", token);
	mp_pack_kint(&req->pk, "expires", now + TOKEN_TTL);
	sodium_memzero(token, sizeof token);
}

/* Count a failure; lock the account after LOGIN_MAX_FAILS. */
static void
login_failed(struct req *req, const char *staff, int64_t failed)
{
	static const char upd[] =
	    "UPDATE staff SET failed = ?, locked_until = ? WHERE id = ?";
	sqlite3_stmt	*st = db_prep(req->db, upd);
	int		 lock = failed + 1 >= LOGIN_MAX_FAILS;

	req->commit_on_error = 1;
	if (st != NULL) {
		sqlite3_bind_int64(st, 1, lock ? 0 : failed + 1);
		sqlite3_bind_int64(st, 2, lock ? clock_now() + LOGIN_LOCK_SECS : 0);
		db_bind_text(st, 3, staff);
		db_step_done(req->db, st);
	}
	if (lock) {
		rpc_audit(req, "staff", staff, NULL);
		req->audit_after = xstrdup("{\"locked\":true}");
		log_warn("staff %s locked after %d failed logins", staff,
		    LOGIN_MAX_FAILS);
		rpc_fail(req, ERR_LOCKED, NULL,
		    "too many failed logins: account locked for 15 minutes");
		return;
	}
	rpc_fail(req, ERR_UNAUTHENTICATED, "password",
	    "wrong staff id or password (%d attempts left)",
	    (int)(LOGIN_MAX_FAILS - failed - 1));
}

/* Back on the loop, inside the transaction: apply the verdict. */
static void
login_finish(struct req *req)
{
	static const char sql[] =
	    "SELECT name, role, branch, disabled, failed, locked_until "
	    "FROM staff WHERE id = ?";
	static const char ok[] =
	    "UPDATE staff SET failed = 0, locked_until = 0, last_login = ? "
	    "WHERE id = ?";
	struct login	*l = req->ctx;
	const char	*staff = rpc_str(req, "staff");
	sqlite3_stmt	*st = db_prep(req->db, sql);
	int64_t		 locked, failed;
	char		 name[128], branch[ID_MAX];
	int		 role;

	db_bind_text(st, 1, staff);
	if (!l->known || sqlite3_step(st) != SQLITE_ROW ||
	    sqlite3_column_int(st, 3)) {
		rpc_fail(req, ERR_UNAUTHENTICATED, "password",
		    "wrong staff id or password");
		return;
	}
	snprintf(name, sizeof name, "%s", db_col(st, 0));
	role = role_parse(db_col(st, 1));
	snprintf(branch, sizeof branch, "%s", db_col(st, 2));
	failed = sqlite3_column_int64(st, 4);
	locked = sqlite3_column_int64(st, 5);
	if (locked > clock_now()) {
		rpc_fail(req, ERR_LOCKED, NULL,
		    "account locked for %lld more minutes",
		    (long long)((locked - clock_now() + 59) / 60));
		return;
	}
	if (!l->ok) {
		login_failed(req, staff, failed);
		return;
	}
	if ((st = db_prep(req->db, ok)) != NULL) {
		sqlite3_bind_int64(st, 1, clock_now());
		db_bind_text(st, 2, staff);
		db_step_done(req->db, st);
	}
	login_accept(req, staff, name, role, branch, 1);
	rpc_audit(req, "staff", staff, NULL);
	req->audit_after = xasprintf("{\"login\":true,\"device\":%lld}",
	    (long long)req->s->device);
	log_info("%s: staff %s logged in", req->s->peer, staff);
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
	static const char sql[] = "SELECT pwhash, disabled FROM staff WHERE id = ?";
	struct login	*l = xcalloc(1, sizeof *l);
	sqlite3_stmt	*st = db_prep(req->db, sql);

	l->password = rpc_str(req, "password");
	db_bind_text(st, 1, rpc_str(req, "staff"));
	if (st != NULL && sqlite3_step(st) == SQLITE_ROW &&
	    sqlite3_column_int(st, 1) == 0) {
		snprintf(l->hash, sizeof l->hash, "%s", db_col(st, 0));
		l->known = 1;
	}
	req->ctx = l;
	worker_submit(req->srv->worker, login_verify, login_done, req);
}

void
rpc_session_resume(struct req *req)
{
	static const char sql[] =
	    "SELECT t.id, s.id, s.name, s.role, s.branch FROM staff_token t "
	    "JOIN staff s ON s.id = t.staff WHERE t.hash = ? AND t.device = ? "
	    "AND t.expires > ? AND s.disabled = 0";
	static const char touch[] =
	    "UPDATE staff_token SET expires = ? WHERE id = ?";
	uint8_t		 h[32];
	sqlite3_stmt	*st = db_prep(req->db, sql);
	char		 staff[ID_MAX], name[128], branch[ID_MAX];
	int64_t		 id;

	token_hash(rpc_str(req, "token"), h);
	sqlite3_bind_blob(st, 1, h, 32, SQLITE_TRANSIENT);
	sqlite3_bind_int64(st, 2, req->s->device);
	sqlite3_bind_int64(st, 3, clock_now());
	if (sqlite3_step(st) != SQLITE_ROW) {
		rpc_fail(req, ERR_UNAUTHENTICATED, "token",
		    "session expired: log in again");
		return;
	}
	id = sqlite3_column_int64(st, 0);
	snprintf(staff, sizeof staff, "%s", db_col(st, 1));
	snprintf(name, sizeof name, "%s", db_col(st, 2));
	snprintf(branch, sizeof branch, "%s", db_col(st, 4));
	login_accept(req, staff, name, role_parse(db_col(st, 3)), branch, 0);
	req->s->token_id = id;
	if ((st = db_prep(req->db, touch)) != NULL) {
		sqlite3_bind_int64(st, 1, clock_now() + TOKEN_TTL);
		sqlite3_bind_int64(st, 2, id);
		db_step_done(req->db, st);
	}
}

void
rpc_session_logout(struct req *req)
{
	static const char sql[] = "DELETE FROM staff_token WHERE id = ?";
	sqlite3_stmt	*st = db_prep(req->db, sql);
	struct session	*s = req->s;

	if (st != NULL && s->token_id > 0) {
		sqlite3_bind_int64(st, 1, s->token_id);
		db_step_done(req->db, st);
	}
	rpc_audit(req, "staff", s->staff, NULL);
	s->staff[0] = '\0';
	s->staff_branch[0] = '\0';
	s->role = 0;
	s->token_id = 0;
	chan_set_max_record(s->chan, PRELOGIN_MAX_RECORD);
	msgpack_pack_map(&req->pk, 1);
	mp_pack_kbool(&req->pk, "logged_out", 1);
}

void
rpc_session_whoami(struct req *req)
{
	static const char sql[] = "SELECT name FROM staff WHERE id = ?";
	struct session	*s = req->s;
	sqlite3_stmt	*st = db_prep(req->db, sql);

	db_bind_text(st, 1, s->staff);
	msgpack_pack_map(&req->pk, 7);
	mp_pack_kstr(&req->pk, "staff", s->staff);
	mp_pack_kstr(&req->pk, "name",
	    sqlite3_step(st) == SQLITE_ROW ? db_col(st, 0) : "");
	mp_pack_kstr(&req->pk, "role", role_name(s->role));
	mp_pack_kstr(&req->pk, "branch", s->staff_branch);
	mp_pack_kint(&req->pk, "device", s->device);
	mp_pack_kstr(&req->pk, "device_branch", s->branch);
	mp_pack_kint(&req->pk, "time", clock_now());
}

/* device.*: branch devices; audit.list: the trail. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "clock.h"
#include "hex.h"
#include "log.h"
#include "pawd.h"
#include "xmalloc.h"

static void
pack_device(msgpack_packer *pk, sqlite3_stmt *st)
{
	char	hex[65];

	hex_encode(sqlite3_column_blob(st, 1), 32, hex);
	msgpack_pack_map(pk, 7);
	mp_pack_kint(pk, "id", sqlite3_column_int64(st, 0));
	mp_pack_kstr(pk, "pubkey", hex);
	mp_pack_kstr(pk, "branch", db_col(st, 2));
	mp_pack_kstr(pk, "name", db_col(st, 3));
	mp_pack_kint(pk, "created", sqlite3_column_int64(st, 4));
	mp_pack_kint(pk, "last_seen", sqlite3_column_int64(st, 5));
	mp_pack_kbool(pk, "revoked", sqlite3_column_type(st, 6) != SQLITE_NULL);
}

void
rpc_device_list(struct req *req)
{
	static const char sql[] =
	    "SELECT id, pubkey, branch, name, created, last_seen, revoked "
	    "FROM device WHERE (?1 IS NULL OR branch = ?1) ORDER BY id";
	const char	*branch = rpc_str(req, "branch");
	sqlite3_stmt	*st = db_prep(req->db, sql);
	msgpack_sbuffer	 sb;
	msgpack_packer	 pk;
	uint32_t	 n = 0;

	if (req->s->role == R_MANAGER)
		branch = req->s->staff_branch;
	msgpack_sbuffer_init(&sb);
	msgpack_packer_init(&pk, &sb, msgpack_sbuffer_write);
	db_bind_text(st, 1, branch);
	while (sqlite3_step(st) == SQLITE_ROW && sqlite3_column_bytes(st, 1) == 32) {
		pack_device(&pk, st);
		n++;
	}
	msgpack_pack_map(&req->pk, 1);
	mp_pack_str(&req->pk, "items");
	msgpack_pack_array(&req->pk, n);
	msgpack_sbuffer_write(&req->sb, sb.data, sb.size);
	msgpack_sbuffer_destroy(&sb);
}

void
rpc_device_revoke(struct req *req)
{
	static const char get[] =
	    "SELECT id, pubkey, branch, name, created, last_seen, revoked "
	    "FROM device WHERE id = ?";
	static const char sql[] = "UPDATE device SET revoked = ? WHERE id = ?";
	static const char drop[] = "DELETE FROM staff_token WHERE device = ?";
	int64_t		 id = rpc_int(req, "id", 0);
	sqlite3_stmt	*st = db_prep(req->db, get);
	char		 idstr[32];

	sqlite3_bind_int64(st, 1, id);
	if (sqlite3_step(st) != SQLITE_ROW)
		return (void)rpc_fail(req, ERR_NOT_FOUND, "id", "no device %lld",
		    (long long)id);
	if (req->s->role == R_MANAGER &&
	    strcmp(db_col(st, 2), req->s->staff_branch) != 0)
		return (void)rpc_fail(req, ERR_FORBIDDEN, "id",
		    "device %lld belongs to another branch", (long long)id);
	if (sqlite3_column_type(st, 6) != SQLITE_NULL)
		return (void)rpc_fail(req, ERR_CONFLICT, "id",
		    "device %lld is already revoked", (long long)id);
	st = db_prep(req->db, sql);
	sqlite3_bind_int64(st, 1, clock_now());
	sqlite3_bind_int64(st, 2, id);
	db_step_done(req->db, st);
	st = db_prep(req->db, drop);
	sqlite3_bind_int64(st, 1, id);
	db_step_done(req->db, st);
	snprintf(idstr, sizeof idstr, "%lld", (long long)id);
	rpc_audit(req, "device", idstr, "{\"revoked\":false}");
	log_warn("device %lld revoked by %s", (long long)id, req->s->staff);
	st = db_prep(req->db, get);
	sqlite3_bind_int64(st, 1, id);
	sqlite3_step(st);
	pack_device(&req->pk, st);
	server_kick_device(req->srv, id, "device revoked");
}

/* The first record of an enrollment channel: it decrypted, so the PSK matched. */
void
rpc_device_register(struct req *req)
{
	struct session	*s = req->s;
	struct perr	 err;
	const char	*name = rpc_str(req, "name");
	char		 idstr[32];
	int64_t		 id;

	if (s->device > 0)
		return (void)rpc_fail(req, ERR_CONFLICT, NULL, "already enrolled");
	id = device_register(req->db, s->enroll_code, chan_remote_key(s->chan),
	    name != NULL ? name : s->host, &err);
	if (id < 0)
		return (void)rpc_fail_perr(req, &err);
	s->device = id;
	snprintf(idstr, sizeof idstr, "%lld", (long long)id);
	rpc_audit(req, "device", idstr, NULL);
	log_info("%s: device %lld enrolled at branch %s", s->peer,
	    (long long)id, s->branch);
	msgpack_pack_map(&req->pk, 2);
	mp_pack_kint(&req->pk, "device", id);
	mp_pack_kstr(&req->pk, "branch", s->branch);
}

void
rpc_audit_list(struct req *req)
{
	static const char sql[] =
	    "SELECT id, at, staff, device, branch, method, entity, entity_id, "
	    "before, after FROM audit WHERE (?1 IS NULL OR entity = ?1) "
	    "AND (?2 IS NULL OR entity_id = ?2) AND (?3 IS NULL OR staff = ?3) "
	    "AND (?4 IS NULL OR method = ?4) ORDER BY id DESC LIMIT ?5 OFFSET ?6";
	sqlite3_stmt	*st = db_prep(req->db, sql);
	msgpack_sbuffer	 sb;
	msgpack_packer	 pk;
	uint32_t	 n = 0;
	int64_t		 limit = rpc_int(req, "limit", 50);
	int64_t		 offset = rpc_int(req, "offset", 0);
	int		 i;
	static const char *cols[] = { "id", "at", "staff", "device", "branch",
	    "method", "entity", "entity_id", "before", "after" };

	if (limit < 1 || limit > 500)
		return (void)rpc_fail(req, ERR_INVALID, "limit",
		    "limit must be 1-500");
	if (offset < 0)
		return (void)rpc_fail(req, ERR_INVALID, "offset",
		    "offset must be >= 0");
	db_bind_text(st, 1, rpc_str(req, "entity"));
	db_bind_text(st, 2, rpc_str(req, "entity_id"));
	db_bind_text(st, 3, rpc_str(req, "staff"));
	db_bind_text(st, 4, rpc_str(req, "method"));
	sqlite3_bind_int64(st, 5, limit);
	sqlite3_bind_int64(st, 6, offset);
	msgpack_sbuffer_init(&sb);
	msgpack_packer_init(&pk, &sb, msgpack_sbuffer_write);
	while (sqlite3_step(st) == SQLITE_ROW) {
		msgpack_pack_map(&pk, 10);
		for (i = 0; i < 10; i++) {
			if (sqlite3_column_type(st, i) == SQLITE_NULL)
				mp_pack_knil(&pk, cols[i]);
			else if (sqlite3_column_type(st, i) == SQLITE_INTEGER)
				mp_pack_kint(&pk, cols[i],
				    sqlite3_column_int64(st, i));
			else
				mp_pack_kstr(&pk, cols[i], db_col(st, i));
		}
		n++;
	}
	msgpack_pack_map(&req->pk, 1);
	mp_pack_str(&req->pk, "items");
	msgpack_pack_array(&req->pk, n);
	msgpack_sbuffer_write(&req->sb, sb.data, sb.size);
	msgpack_sbuffer_destroy(&sb);
}

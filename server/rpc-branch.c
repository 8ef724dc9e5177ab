/* branch.*: the chain's shops. */
#include <stdlib.h>
#include <string.h>

#include "pawd.h"
#include "xmalloc.h"

static const char branch_json[] =
    "SELECT json_object('code', code, 'name', name, 'address', address, "
    "'phone', phone, 'active', active) FROM branch WHERE rowid = ?";

static void
pack_branch(msgpack_packer *pk, sqlite3_stmt *st)
{
	msgpack_pack_map(pk, 5);
	mp_pack_kstr(pk, "code", db_col(st, 0));
	mp_pack_kstr(pk, "name", db_col(st, 1));
	mp_pack_kstr(pk, "address", db_col(st, 2));
	mp_pack_kstr(pk, "phone", db_col(st, 3));
	mp_pack_kbool(pk, "active", sqlite3_column_int(st, 4));
}

static int
branch_pack_one(struct req *req, const char *code)
{
	static const char sql[] = "SELECT code, name, address, phone, active "
	    "FROM branch WHERE code = ?";
	sqlite3_stmt	*st = db_prep(req->db, sql);

	db_bind_text(st, 1, code);
	if (sqlite3_step(st) != SQLITE_ROW)
		return rpc_fail(req, ERR_NOT_FOUND, "code", "no branch %s", code);
	pack_branch(&req->pk, st);
	return 0;
}

void
rpc_branch_create(struct req *req)
{
	struct perr	 err;
	const char	*code = rpc_str(req, "code");

	if (branch_insert(req->db, code, rpc_str(req, "name"),
	    rpc_str(req, "address"), rpc_str(req, "phone"), &err) != 0) {
		rpc_fail_perr(req, &err);
		return;
	}
	rpc_audit(req, "branch", code, NULL);
	branch_pack_one(req, code);
}

void
rpc_branch_list(struct req *req)
{
	static const char sql[] = "SELECT code, name, address, phone, active "
	    "FROM branch WHERE ? OR active = 1 ORDER BY code";
	sqlite3_stmt	*st = db_prep(req->db, sql);
	msgpack_sbuffer	 sb;
	msgpack_packer	 pk;
	uint32_t	 n = 0;

	msgpack_sbuffer_init(&sb);
	msgpack_packer_init(&pk, &sb, msgpack_sbuffer_write);
	sqlite3_bind_int(st, 1, rpc_bool(req, "include_inactive", 0));
	while (sqlite3_step(st) == SQLITE_ROW) {
		pack_branch(&pk, st);
		n++;
	}
	msgpack_pack_map(&req->pk, 1);
	mp_pack_str(&req->pk, "items");
	msgpack_pack_array(&req->pk, n);
	msgpack_sbuffer_write(&req->sb, sb.data, sb.size);
	msgpack_sbuffer_destroy(&sb);
}

void
rpc_branch_update(struct req *req)
{
	static const char sql[] =
	    "UPDATE branch SET name = coalesce(?, name), "
	    "address = coalesce(?, address), phone = coalesce(?, phone), "
	    "active = coalesce(?, active) WHERE code = ?";
	static const char rowid[] = "SELECT rowid FROM branch WHERE code = ?";
	const char	*code = rpc_str(req, "code"), *name = rpc_str(req, "name");
	sqlite3_stmt	*st = db_prep(req->db, rowid);
	char		*before;

	db_bind_text(st, 1, code);
	if (sqlite3_step(st) != SQLITE_ROW) {
		rpc_fail(req, ERR_NOT_FOUND, "code", "no branch %s", code);
		return;
	}
	before = db_json(req->db, branch_json, sqlite3_column_int64(st, 0));
	if (name != NULL && (name[0] == '\0' || strlen(name) > 180)) {
		free(before);
		rpc_fail(req, ERR_INVALID, "name", "name must be 1-60 characters");
		return;
	}
	if (strcmp(code, "HQ") == 0 && rpc_has(req, "active") &&
	    !rpc_bool(req, "active", 1)) {
		free(before);
		rpc_fail(req, ERR_INVALID, "active", "HQ cannot be deactivated");
		return;
	}
	st = db_prep(req->db, sql);
	db_bind_text(st, 1, name);
	db_bind_text(st, 2, rpc_str(req, "address"));
	db_bind_text(st, 3, rpc_str(req, "phone"));
	if (rpc_has(req, "active"))
		sqlite3_bind_int(st, 4, rpc_bool(req, "active", 1));
	db_bind_text(st, 5, code);
	db_step_done(req->db, st);
	rpc_audit(req, "branch", code, before);
	free(before);
	branch_pack_one(req, code);
}

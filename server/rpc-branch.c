/* branch.*: the chain's shops: read params, call branch.c, pack the result. */
#include <stdlib.h>

#include "pawd.h"

static void
pack_branch(msgpack_packer *pk, const struct branch *b)
{
	msgpack_pack_map(pk, 5);
	mp_pack_kstr(pk, "code", b->code);
	mp_pack_kstr(pk, "name", b->name);
	mp_pack_kstr(pk, "address", b->address);
	mp_pack_kstr(pk, "phone", b->phone);
	mp_pack_kbool(pk, "active", b->active);
}

static void
branch_reply(struct req *req, const char *code)
{
	struct branch	b;
	struct perr	err;

	if (branch_get(req->db, code, &b, &err) != 0) {
		rpc_fail_perr(req, &err);
		return;
	}
	pack_branch(&req->pk, &b);
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
	branch_reply(req, code);
}

static void
add_branch(const struct branch *b, void *arg)
{
	struct collect	*c = arg;

	pack_branch(&c->pk, b);
	c->n++;
}

void
rpc_branch_list(struct req *req)
{
	struct collect	c;

	collect_init(&c);
	branch_list(req->db, rpc_bool(req, "include_inactive", 0), add_branch,
	    &c);
	msgpack_pack_map(&req->pk, 1);
	collect_put(&req->pk, "items", &c);
}

void
rpc_branch_update(struct req *req)
{
	struct perr	 err;
	const char	*code = rpc_str(req, "code");
	char		*before = branch_json(req->db, code);
	int		 active = rpc_has(req, "active") ?
			    rpc_bool(req, "active", 1) : -1;

	if (branch_update(req->db, code, rpc_str(req, "name"),
	    rpc_str(req, "address"), rpc_str(req, "phone"), active, &err) != 0)
		rpc_fail_perr(req, &err);
	else {
		rpc_audit(req, "branch", code, before);
		branch_reply(req, code);
	}
	free(before);
}

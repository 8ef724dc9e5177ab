/* branch.*: the chain's shops: read params, call branch.c, pack the result. */
#include <stdlib.h>

#include "pawd.h"

struct branch_create_p {
	const char	*code, *name, *address, *phone;
};
PARAMS(branch_create, struct branch_create_p,
    P_PAT("code", struct branch_create_p, code, P_REQ, BRANCH_CODE_MAX,
	BRANCH_CODE_PATTERN, NULL),
    P_STR("name", struct branch_create_p, name, P_REQ, 1, BRANCH_NAME_MAX),
    P_STR("address", struct branch_create_p, address, 0, 0,
	BRANCH_ADDRESS_MAX),
    P_STR("phone", struct branch_create_p, phone, 0, 0, BRANCH_PHONE_MAX));

struct branch_list_p {
	int	include_inactive;
};
PARAMS(branch_list, struct branch_list_p,
    P_BOOL("include_inactive", struct branch_list_p, include_inactive, 0));

struct branch_update_p {
	const char	*code, *name, *address, *phone;
	int		 active;
};
PARAMS(branch_update, struct branch_update_p,
    P_PAT("code", struct branch_update_p, code, P_REQ, BRANCH_CODE_MAX,
	BRANCH_CODE_PATTERN, NULL),
    P_STR("name", struct branch_update_p, name, 0, 1, BRANCH_NAME_MAX),
    P_STR("address", struct branch_update_p, address, 0, 0,
	BRANCH_ADDRESS_MAX),
    P_STR("phone", struct branch_update_p, phone, 0, 0, BRANCH_PHONE_MAX),
    P_BOOL("active", struct branch_update_p, active, 0));

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
	const struct branch_create_p *in = req->in;
	struct perr	 err;
	const char	*code = in->code;

	if (branch_insert(req->db, code, in->name, in->address, in->phone,
	    &err) != 0) {
		rpc_fail_perr(req, &err);
		return;
	}
	rpc_audit(req, "branch", code, NULL, NULL);
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
	if (branch_list(req->db, ((const struct branch_list_p *)req->in)->
	    include_inactive > 0, add_branch, &c) < 0) {
		msgpack_sbuffer_destroy(&c.sb);
		rpc_fail(req, ERR_INTERNAL, NULL, "database error");
		return;
	}
	msgpack_pack_map(&req->pk, 1);
	collect_put(&req->pk, "items", &c);
}

void
rpc_branch_update(struct req *req)
{
	const struct branch_update_p *in = req->in;
	struct perr	 err;
	const char	*code = in->code;
	char		*before = branch_json(req->db, code);

	if (branch_update(req->db, code, in->name, in->address, in->phone,
	    in->active, &err) != 0)
		rpc_fail_perr(req, &err);
	else {
		rpc_audit(req, "branch", code, before, NULL);
		branch_reply(req, code);
	}
	free(before);
}

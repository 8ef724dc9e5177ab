/* branch.*: the chain's shops: read params, call branch.c, pack the result. */
#include <stdlib.h>

#include "pawd.h"

struct branch_create_p {
	const char		*code;
	struct branch_in	 b;
};
PARAMS(branch_create, struct branch_create_p,
    P_PAT("code", struct branch_create_p, code, P_REQ, BRANCH_CODE_MAX,
	BRANCH_CODE_PATTERN, NULL)
    ENTITY_CREATE_PARAMS(BRANCH_FIELDS, struct branch_create_p, b, P_REQ));

struct branch_list_p {
	int	include_inactive;
};
PARAMS(branch_list, struct branch_list_p,
    P_BOOL("include_inactive", struct branch_list_p, include_inactive, 0));

struct branch_update_p {
	const char		*code;
	struct branch_in	 b;
};
PARAMS(branch_update, struct branch_update_p,
    P_PAT("code", struct branch_update_p, code, P_REQ, BRANCH_CODE_MAX,
	BRANCH_CODE_PATTERN, NULL)
    ENTITY_UPDATE_PARAMS(BRANCH_FIELDS, struct branch_update_p, b));

static void
pack_branch(msgpack_packer *pk, const struct branch *b)
{
	entity_pack(&branch_entity, pk, b, EF_OUT);
}

/* Audit a write of branch b (before: NULL when opened); answer with it. */
static void
branch_written(struct req *req, const struct branch *before,
    const struct branch *b)
{
	char	*j = before != NULL ? entity_json(&branch_entity, before) : NULL;

	rpc_audit(req, "branch", b->code, j, entity_json(&branch_entity, b));
	free(j);
	pack_branch(&req->pk, b);
}

void
rpc_branch_create(struct req *req)
{
	const struct branch_create_p *in = req->in;
	struct branch	 b;
	struct perr	 err;

	if (branch_insert(req->db, in->code, &in->b, &b, &err) != 0)
		rpc_fail_perr(req, &err);
	else
		branch_written(req, NULL, &b);
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
	struct branch	 before, after;
	struct perr	 err;

	if (branch_update(req->db, in->code, &in->b, &before, &after,
	    &err) != 0)
		rpc_fail_perr(req, &err);
	else
		branch_written(req, &before, &after);
}

/* feedback.*: read params, call feedback.c, pack the result. */
#include <stdio.h>

#include "pawd.h"

#define FEEDBACK_LIST_MAX	500

struct feedback_add_p {
	int64_t			 member_id;
	struct feedback_in	 f;
};
PARAMS(feedback_add, struct feedback_add_p,
    P_INT("member_id", struct feedback_add_p, member_id, P_REQ, 1, ID_LIMIT)
    ENTITY_CREATE_PARAMS(FEEDBACK_FIELDS, struct feedback_add_p, f, P_REQ));

struct feedback_list_p {
	int64_t		 member_id, limit;
};
PARAMS(feedback_list, struct feedback_list_p,
    P_INT("member_id", struct feedback_list_p, member_id, P_REQ, 1, ID_LIMIT),
    P_INTD("limit", struct feedback_list_p, limit, 0, 1, FEEDBACK_LIST_MAX,
	50));

void
pack_feedback(msgpack_packer *pk, const struct feedback *f)
{
	entity_pack(&feedback_entity, pk, f, EF_OUT);
}

void
collect_feedback(const struct feedback *f, void *arg)
{
	struct collect	*c = arg;

	pack_feedback(&c->pk, f);
	c->n++;
}

void
rpc_feedback_add(struct req *req)
{
	const struct feedback_add_p *in = req->in;
	struct perr	 err;
	struct actor	 a;
	struct feedback	 f;
	char		 id[24];

	rpc_actor(req, &a);
	if (feedback_add(req->db, in->member_id, &in->f, &a, &f, &err) < 0) {
		rpc_fail_perr(req, &err);
		return;
	}
	snprintf(id, sizeof id, "%lld", (long long)f.id);
	rpc_audit(req, "feedback", id, NULL, entity_json(&feedback_entity, &f));
	pack_feedback(&req->pk, &f);
}

void
rpc_feedback_list(struct req *req)
{
	const struct feedback_list_p *in = req->in;
	struct collect	 c;
	struct member	 m;
	struct perr	 err;

	if (member_get(req->db, in->member_id, NULL, &m, &err) != 0) {
		err.field = "member_id";
		rpc_fail_perr(req, &err);
		return;
	}
	collect_init(&c);
	if (feedback_list(req->db, m.id, (int)in->limit, collect_feedback,
	    &c) < 0) {
		msgpack_sbuffer_destroy(&c.sb);
		rpc_fail(req, ERR_INTERNAL, NULL, "database error");
		return;
	}
	msgpack_pack_map(&req->pk, 1);
	collect_put(&req->pk, "items", &c);
}

/* feedback.*: read params, call feedback.c, pack the result. */
#include <stdio.h>

#include "pawd.h"

#define FEEDBACK_LIST_MAX	500

struct feedback_add_p {
	int64_t		 member_id;
	const char	*kind, *text;
};
PARAMS(feedback_add, struct feedback_add_p,
    P_INT("member_id", struct feedback_add_p, member_id, P_REQ, 1, ID_LIMIT),
    P_ENUM("kind", struct feedback_add_p, kind, P_REQ, feedback_kinds),
    P_STR("text", struct feedback_add_p, text, P_REQ | P_LINES, 1,
	FEEDBACK_TEXT_MAX));

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
	msgpack_pack_map(pk, 7);
	mp_pack_kint(pk, "id", f->id);
	mp_pack_kint(pk, "member_id", f->member_id);
	mp_pack_kstr(pk, "kind", f->kind);
	mp_pack_kstr(pk, "text", f->text);
	mp_pack_kstr(pk, "staff", f->staff);
	mp_pack_kstr(pk, "branch", f->branch);
	mp_pack_kint(pk, "created", f->created);
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
	int64_t		 fid;
	char		 id[24];

	rpc_actor(req, &a);
	fid = feedback_add(req->db, in->member_id, in->kind, in->text, &a,
	    &err);
	if (fid < 0 || feedback_get(req->db, fid, &f, &err) != 0) {
		rpc_fail_perr(req, &err);
		return;
	}
	snprintf(id, sizeof id, "%lld", (long long)fid);
	rpc_audit(req, "feedback", id, NULL,
	    feedback_json(req->db, fid));
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

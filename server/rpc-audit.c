/* audit.*: the trail, a page at a time.  Read params, call audit.c, pack. */
#include "pawd.h"

struct audit_list_p {
	const char	*entity, *entity_id, *staff, *method;
	int64_t		 limit, offset;
};
PARAMS(audit_list, struct audit_list_p,
    P_STR("entity", struct audit_list_p, entity, 0, 1, 32),
    P_STR("entity_id", struct audit_list_p, entity_id, 0, 1, 64),
    P_STR("staff", struct audit_list_p, staff, 0, 1, ID_MAX - 1),
    P_STR("method", struct audit_list_p, method, 0, 1, 64),
    P_INTD("limit", struct audit_list_p, limit, 0, 1, AUDIT_LIST_MAX, 50),
    P_INTD("offset", struct audit_list_p, offset, 0, 0, INT32_MAX, 0));

static void
add_entry(const struct audit_entry *e, void *arg)
{
	struct collect	*c = arg;

	msgpack_pack_map(&c->pk, 12);
	mp_pack_kint(&c->pk, "id", e->id);
	mp_pack_kint(&c->pk, "at", e->at);
	mp_pack_kstr_or_nil(&c->pk, "staff", e->staff);
	if (e->device > 0)
		mp_pack_kint(&c->pk, "device", e->device);
	else
		mp_pack_knil(&c->pk, "device");
	mp_pack_kstr_or_nil(&c->pk, "branch", e->branch);
	mp_pack_kstr_or_nil(&c->pk, "staff_branch", e->staff_branch);
	mp_pack_kstr_or_nil(&c->pk, "approver", e->approver);
	mp_pack_kstr(&c->pk, "method", e->method);
	mp_pack_kstr_or_nil(&c->pk, "entity", e->entity);
	mp_pack_kstr_or_nil(&c->pk, "entity_id", e->entity_id);
	mp_pack_kstr_or_nil(&c->pk, "before", e->before);
	mp_pack_kstr_or_nil(&c->pk, "after", e->after);
	c->n++;
}

void
rpc_audit_list(struct req *req)
{
	const struct audit_list_p *in = req->in;
	struct audit_filter f = {
		.entity = in->entity,
		.entity_id = in->entity_id,
		.staff = in->staff,
		.method = in->method,
		.limit = in->limit,
		.offset = in->offset,
	};
	struct collect	c;
	struct perr	err;

	collect_init(&c);
	if (audit_list(req->db, &f, add_entry, &c, &err) != 0) {
		msgpack_sbuffer_destroy(&c.sb);
		rpc_fail_perr(req, &err);
		return;
	}
	msgpack_pack_map(&req->pk, 1);
	collect_put(&req->pk, "items", &c);
}

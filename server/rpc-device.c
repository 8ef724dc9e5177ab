/*
 * device.*: branch devices; audit.list: the trail.  Read params, call
 * device.c or audit.c, pack the result.
 */
#include <stdio.h>
#include <stdlib.h>

#include "hex.h"
#include "log.h"
#include "pawd.h"

struct device_list_p {
	const char	*branch;
};
PARAMS(device_list, struct device_list_p,
    P_PAT("branch", struct device_list_p, branch, 0, BRANCH_CODE_MAX,
	BRANCH_CODE_PATTERN, NULL));

struct device_revoke_p {
	int64_t	id;
};
PARAMS(device_revoke, struct device_revoke_p,
    P_INT("id", struct device_revoke_p, id, P_REQ, 1, ID_LIMIT));

struct device_register_p {
	const char	*name;
};
PARAMS(device_register, struct device_register_p,
    P_STR("name", struct device_register_p, name, 0, 0, DEVICE_NAME_MAX));

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
pack_device(msgpack_packer *pk, const struct device *d)
{
	char	hex[65];

	hex_encode(d->pubkey, 32, hex);
	msgpack_pack_map(pk, 7);
	mp_pack_kint(pk, "id", d->id);
	mp_pack_kstr(pk, "pubkey", hex);
	mp_pack_kstr(pk, "branch", d->branch);
	mp_pack_kstr(pk, "name", d->name);
	mp_pack_kint(pk, "created", d->created);
	mp_pack_kint(pk, "last_seen", d->last_seen);
	mp_pack_kbool(pk, "revoked", d->revoked);
}

static void
add_device(const struct device *d, void *arg)
{
	struct collect	*c = arg;

	pack_device(&c->pk, d);
	c->n++;
}

void
rpc_device_list(struct req *req)
{
	const char	*branch = ((const struct device_list_p *)req->in)->branch;
	struct collect	 c;

	if (req->who.role == R_MANAGER)
		branch = req->who.staff_branch;
	collect_init(&c);
	device_list(req->db, branch, add_device, &c);
	msgpack_pack_map(&req->pk, 1);
	collect_put(&req->pk, "items", &c);
}

void
rpc_device_revoke(struct req *req)
{
	int64_t		 id = ((const struct device_revoke_p *)req->in)->id;
	struct device	 d;
	struct perr	 err;
	char		 idstr[32], *before = device_json(req->db, id);

	if (device_revoke(req->db, id, req->who.role == R_MANAGER ?
	    req->who.staff_branch : NULL, &err) != 0) {
		free(before);
		rpc_fail_perr(req, &err);
		return;
	}
	snprintf(idstr, sizeof idstr, "%lld", (long long)id);
	rpc_audit(req, "device", idstr, before);
	free(before);
	req->audit_after = device_json(req->db, id);
	log_warn("device %lld revoked by %s", (long long)id, req->who.staff);
	if (device_get(req->db, id, &d, &err) == 0)
		pack_device(&req->pk, &d);
	/* After the answer: the caller may be revoking the device it is on. */
	rpc_kick_device(req, id, "device revoked");
}

/* The first record of an enrollment channel: it decrypted, so the PSK matched. */
void
rpc_device_register(struct req *req)
{
	struct caller	*w = &req->who;
	struct perr	 err;
	const char	*name = ((const struct device_register_p *)req->in)->name;
	char		 idstr[32];
	int64_t		 id;

	if (w->device > 0)
		return (void)rpc_fail(req, ERR_CONFLICT, NULL, "already enrolled");
	id = device_register(req->db, w->enroll_code, w->key,
	    name != NULL ? name : w->host, &err);
	if (id < 0)
		return (void)rpc_fail_perr(req, &err);
	w->device = id;
	req->who_changed = 1;
	snprintf(idstr, sizeof idstr, "%lld", (long long)id);
	rpc_audit(req, "device", idstr, NULL);
	log_info("%s: device %lld enrolled at branch %s", w->peer,
	    (long long)id, w->branch);
	msgpack_pack_map(&req->pk, 2);
	mp_pack_kint(&req->pk, "device", id);
	mp_pack_kstr(&req->pk, "branch", w->branch);
}

static void
add_entry(const struct audit_entry *e, void *arg)
{
	struct collect	*c = arg;

	msgpack_pack_map(&c->pk, 10);
	mp_pack_kint(&c->pk, "id", e->id);
	mp_pack_kint(&c->pk, "at", e->at);
	mp_pack_kstr_or_nil(&c->pk, "staff", e->staff);
	if (e->device > 0)
		mp_pack_kint(&c->pk, "device", e->device);
	else
		mp_pack_knil(&c->pk, "device");
	mp_pack_kstr_or_nil(&c->pk, "branch", e->branch);
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

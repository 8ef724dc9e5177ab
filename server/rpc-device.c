/*
 * device.*: branch devices.  Read params, call device.c, pack the result.
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
    P_PAT("branch", struct device_list_p, branch, P_BRANCH, BRANCH_CODE_MAX,
	BRANCH_CODE_PATTERN, NULL));

struct device_revoke_p {
	int64_t	id;
};
PARAMS(device_revoke, struct device_revoke_p,
    P_INT("id", struct device_revoke_p, id, P_REQ, 1, ID_LIMIT));

/* The device's own name for itself (DEVICE_FIELDS' name). */
struct device_register_p {
	const char	*name;
};
PARAMS(device_register, struct device_register_p,
    P_STR("name", struct device_register_p, name, 0, 0, DEVICE_NAME_MAX));

static void
pack_device(msgpack_packer *pk, const struct device *d)
{
	entity_pack(&device_entity, pk, d, EF_OUT);
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

	if (branch == NULL && req->who.role == R_MANAGER)
		branch = req->who.staff_branch;
	collect_init(&c);
	if (device_list(req->db, branch, add_device, &c) < 0) {
		msgpack_sbuffer_destroy(&c.sb);
		rpc_fail(req, ERR_INTERNAL, NULL, "database error");
		return;
	}
	msgpack_pack_map(&req->pk, 1);
	collect_put(&req->pk, "items", &c);
}

void
rpc_device_revoke(struct req *req)
{
	int64_t		 id = ((const struct device_revoke_p *)req->in)->id;
	struct device	 before, after;
	struct perr	 err;
	char		 idstr[32], *b;

	if (device_get(req->db, id, &before, &err) != 0) {
		rpc_fail_perr(req, &err);
		return;
	}
	/* The device's branch is only in the database: the scope applies here. */
	if (scope_check(req, before.branch, "id") != 0)
		return;
	if (device_revoke(req->db, id, NULL, &after, &err) != 0) {
		rpc_fail_perr(req, &err);
		return;
	}
	snprintf(idstr, sizeof idstr, "%lld", (long long)id);
	b = entity_json(&device_entity, &before);
	rpc_audit(req, "device", idstr, b, entity_json(&device_entity, &after));
	free(b);
	log_warn("device %lld revoked by %s", (long long)id, req->who.staff);
	pack_device(&req->pk, &after);
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
	rpc_audit(req, "device", idstr, NULL, NULL);
	log_info("%s: device %lld enrolled at branch %s", w->peer,
	    (long long)id, w->branch);
	msgpack_pack_map(&req->pk, 2);
	mp_pack_kint(&req->pk, "device", id);
	mp_pack_kstr(&req->pk, "branch", w->branch);
}

/*
 * pet.*: the example every domain's methods follow.  Each method has a
 * struct of its parameters and their declaration (PARAMS), which the
 * gatekeeper checks a request against before the handler runs; a pet's
 * own fields come from PET_FIELDS (member.h), declared once.  The handler
 * reads the struct, calls pet.c (the rules and the SQL), states the audit
 * (the row before and after, as entity_json makes them) and packs the
 * row.  It never checks roles, opens transactions or parses params.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "pawd.h"

struct pet_create_p {
	int64_t		member_id;
	struct pet_in	pet;
};
PARAMS(pet_create, struct pet_create_p,
    P_INT("member_id", struct pet_create_p, member_id, P_REQ, 1, ID_LIMIT)
    ENTITY_CREATE_PARAMS(PET_FIELDS, struct pet_create_p, pet, P_REQ));

struct pet_update_p {
	int64_t		id;
	struct pet_in	pet;
};
PARAMS(pet_update, struct pet_update_p,
    P_INT("id", struct pet_update_p, id, P_REQ, 1, ID_LIMIT)
    ENTITY_UPDATE_PARAMS(PET_FIELDS, struct pet_update_p, pet));

struct pet_get_p {
	int64_t	id;
};
PARAMS(pet_get, struct pet_get_p,
    P_INT("id", struct pet_get_p, id, P_REQ, 1, ID_LIMIT));

struct pet_list_p {
	int64_t	member_id;
};
PARAMS(pet_list, struct pet_list_p,
    P_INT("member_id", struct pet_list_p, member_id, P_REQ, 1, ID_LIMIT));

void
pack_pet(msgpack_packer *pk, const struct pet *p)
{
	entity_pack(&pet_entity, pk, p, EF_OUT);
}

/* Audit a write of pet p (before: NULL when created) and answer with it. */
static void
pet_written(struct req *req, const struct pet *before, const struct pet *p)
{
	char	ids[24], *b = NULL;

	snprintf(ids, sizeof ids, "%lld", (long long)p->id);
	if (before != NULL)
		b = entity_json(&pet_entity, before);
	rpc_audit(req, "pet", ids, b, entity_json(&pet_entity, p));
	free(b);
	pack_pet(&req->pk, p);
}

void
rpc_pet_create(struct req *req)
{
	const struct pet_create_p *in = req->in;
	struct perr	 err;
	struct pet	 p;

	if (pet_create(req->db, in->member_id, &in->pet, &p, &err) < 0)
		rpc_fail_perr(req, &err);
	else
		pet_written(req, NULL, &p);
}

void
rpc_pet_get(struct req *req)
{
	struct pet	p;
	struct perr	err;

	if (pet_get(req->db, ((const struct pet_get_p *)req->in)->id, &p,
	    &err) != 0)
		rpc_fail_perr(req, &err);
	else
		pack_pet(&req->pk, &p);
}

void
rpc_pet_update(struct req *req)
{
	const struct pet_update_p *in = req->in;
	struct perr	 err;
	struct pet	 before, after;

	if (pet_update(req->db, in->id, &in->pet, &before, &after, &err) != 0)
		rpc_fail_perr(req, &err);
	else
		pet_written(req, &before, &after);
}

static void
add_pet(const struct pet *p, void *arg)
{
	pack_pet(arg, p);
}

void
rpc_pet_list(struct req *req)
{
	struct member	 m;
	struct perr	 err;
	msgpack_sbuffer	 sb;
	msgpack_packer	 pk;
	int		 n;

	if (member_get(req->db, ((const struct pet_list_p *)req->in)->member_id,
	    NULL, &m, &err) != 0) {
		err.field = "member_id";
		rpc_fail_perr(req, &err);
		return;
	}
	msgpack_sbuffer_init(&sb);
	msgpack_packer_init(&pk, &sb, msgpack_sbuffer_write);
	if ((n = pet_list(req->db, m.id, add_pet, &pk)) < 0) {
		msgpack_sbuffer_destroy(&sb);
		rpc_fail(req, ERR_INTERNAL, NULL, "database error");
		return;
	}
	msgpack_pack_map(&req->pk, 1);
	mp_pack_str(&req->pk, "items");
	msgpack_pack_array(&req->pk, (uint32_t)n);
	msgpack_sbuffer_write(&req->sb, sb.data, sb.size);
	msgpack_sbuffer_destroy(&sb);
}

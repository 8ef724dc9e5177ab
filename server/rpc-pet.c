/* pet.*: read params, call pet.c, pack the result. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "pawd.h"

void
pack_pet(msgpack_packer *pk, const struct pet *p)
{
	msgpack_pack_map(pk, 21);
	mp_pack_kint(pk, "id", p->id);
	mp_pack_kint(pk, "member_id", p->member_id);
	mp_pack_kstr(pk, "name", p->name);
	mp_pack_kstr(pk, "species", p->species);
	mp_pack_kstr(pk, "breed", p->breed);
	mp_pack_kstr(pk, "sex", p->sex);
	mp_pack_kbool(pk, "neutered", p->neutered);
	mp_pack_kstr_or_nil(pk, "birth_date",
	    p->birth_date[0] ? p->birth_date : NULL);
	mp_pack_kstr(pk, "colour", p->colour);
	if (p->weight_g >= 0)
		mp_pack_kint(pk, "weight_g", p->weight_g);
	else
		mp_pack_knil(pk, "weight_g");
	mp_pack_kstr_or_nil(pk, "microchip",
	    p->microchip[0] ? p->microchip : NULL);
	mp_pack_kbool(pk, "adopted", p->adopted);
	mp_pack_kstr_or_nil(pk, "adoption_date",
	    p->adoption_date[0] ? p->adoption_date : NULL);
	mp_pack_kstr(pk, "adoption_source", p->adoption_source);
	mp_pack_kstr(pk, "health", p->health);
	mp_pack_kstr(pk, "photo", p->photo);
	mp_pack_kstr(pk, "note", p->note);
	mp_pack_kbool(pk, "archived", p->archived != 0);
	mp_pack_kstr_or_nil(pk, "archive_reason",
	    p->archived ? p->archive_reason : NULL);
	mp_pack_kint(pk, "created", p->created);
	mp_pack_kint(pk, "updated", p->updated);
}

static void
pet_params(struct req *req, struct pet_in *in)
{
	in->name = rpc_str(req, "name");
	in->species = rpc_str(req, "species");
	in->breed = rpc_str(req, "breed");
	in->sex = rpc_str(req, "sex");
	in->birth_date = rpc_str(req, "birth_date");
	in->colour = rpc_str(req, "colour");
	in->microchip = rpc_str(req, "microchip");
	in->adoption_date = rpc_str(req, "adoption_date");
	in->adoption_source = rpc_str(req, "adoption_source");
	in->health = rpc_str(req, "health");
	in->photo = rpc_str(req, "photo");
	in->note = rpc_str(req, "note");
	in->neutered = rpc_has(req, "neutered") ?
	    rpc_bool(req, "neutered", 0) : -1;
	in->adopted = rpc_has(req, "adopted") ?
	    rpc_bool(req, "adopted", 0) : -1;
	in->weight_g = rpc_has(req, "weight_g") ?
	    rpc_int(req, "weight_g", 0) : INT64_MIN;
}

/* Pack the pet as it is now; with audit, name it and its JSON after. */
static void
pet_reply(struct req *req, int64_t id, const char *before, int audit)
{
	struct pet	p;
	struct perr	err;
	char		ids[24];

	if (pet_get(req->db, id, &p, &err) != 0) {
		rpc_fail_perr(req, &err);
		return;
	}
	if (audit) {
		snprintf(ids, sizeof ids, "%lld", (long long)id);
		rpc_audit(req, "pet", ids, before);
		req->audit_after = pet_json(req->db, id);
	}
	pack_pet(&req->pk, &p);
}

void
rpc_pet_create(struct req *req)
{
	struct pet_in	 in;
	struct perr	 err;
	int64_t		 id;

	pet_params(req, &in);
	id = pet_create(req->db, rpc_int(req, "member_id", 0), &in, &err);
	if (id < 0)
		rpc_fail_perr(req, &err);
	else
		pet_reply(req, id, NULL, 1);
}

void
rpc_pet_get(struct req *req)
{
	pet_reply(req, rpc_int(req, "id", 0), NULL, 0);
}

void
rpc_pet_update(struct req *req)
{
	struct pet_in	 in;
	struct perr	 err;
	int64_t		 id = rpc_int(req, "id", 0);
	char		*before = pet_json(req->db, id);

	pet_params(req, &in);
	if (pet_update(req->db, id, &in, &err) != 0)
		rpc_fail_perr(req, &err);
	else
		pet_reply(req, id, before, 1);
	free(before);
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

	if (member_get(req->db, rpc_int(req, "member_id", 0), NULL, &m,
	    &err) != 0) {
		err.field = "member_id";
		rpc_fail_perr(req, &err);
		return;
	}
	msgpack_sbuffer_init(&sb);
	msgpack_packer_init(&pk, &sb, msgpack_sbuffer_write);
	n = pet_list(req->db, m.id, add_pet, &pk);
	msgpack_pack_map(&req->pk, 1);
	mp_pack_str(&req->pk, "items");
	msgpack_pack_array(&req->pk, (uint32_t)n);
	msgpack_sbuffer_write(&req->sb, sb.data, sb.size);
	msgpack_sbuffer_destroy(&sb);
}

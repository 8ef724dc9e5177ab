/*
 * pet.*: the example every domain's methods follow.  Each method has a
 * struct of its parameters and their declaration (PARAMS), which the
 * gatekeeper checks a request against before the handler runs; the
 * handler reads the struct, calls pet.c (the rules and the SQL) and packs
 * the result.  It never checks roles, opens transactions or parses params.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "pawd.h"

/* The fields a pet is written with, in pet.create and pet.update. */
#define PET_WRITE_PARAMS(st, fl) \
    P_STR("name", st, pet.name, fl, 1, PET_NAME_MAX), \
    P_ENUM("species", st, pet.species, fl, pet_species), \
    P_STR("breed", st, pet.breed, 0, 0, PET_BREED_MAX), \
    P_ENUM("sex", st, pet.sex, 0, pet_sexes), \
    P_BOOL("neutered", st, pet.neutered, 0), \
    P_DATE("birth_date", st, pet.birth_date, 0), \
    P_STR("colour", st, pet.colour, 0, 0, PET_COLOUR_MAX), \
    P_INT("weight_g", st, pet.weight_g, 0, 0, PET_WEIGHT_MAX), \
    P_PAT("microchip", st, pet.microchip, 0, MICROCHIP_LEN, \
	MICROCHIP_PATTERN, NULL), \
    P_BOOL("adopted", st, pet.adopted, 0), \
    P_DATE("adoption_date", st, pet.adoption_date, 0), \
    P_STR("adoption_source", st, pet.adoption_source, 0, 0, \
	PET_SOURCE_MAX), \
    P_STR("health", st, pet.health, P_LINES, 0, PET_HEALTH_MAX), \
    P_STR("photo", st, pet.photo, 0, 0, PET_PHOTO_MAX), \
    P_STR("note", st, pet.note, P_LINES, 0, PET_NOTE_MAX)

struct pet_create_p {
	int64_t		member_id;
	struct pet_in	pet;
};
PARAMS(pet_create, struct pet_create_p,
    P_INT("member_id", struct pet_create_p, member_id, P_REQ, 1, ID_LIMIT),
    PET_WRITE_PARAMS(struct pet_create_p, P_REQ));

struct pet_update_p {
	int64_t		id;
	struct pet_in	pet;
};
PARAMS(pet_update, struct pet_update_p,
    P_INT("id", struct pet_update_p, id, P_REQ, 1, ID_LIMIT),
    PET_WRITE_PARAMS(struct pet_update_p, 0));

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
		rpc_audit(req, "pet", ids, before,
		    pet_json(req->db, id));
	}
	pack_pet(&req->pk, &p);
}

void
rpc_pet_create(struct req *req)
{
	const struct pet_create_p *in = req->in;
	struct perr	 err;
	int64_t		 id;

	id = pet_create(req->db, in->member_id, &in->pet, &err);
	if (id < 0)
		rpc_fail_perr(req, &err);
	else
		pet_reply(req, id, NULL, 1);
}

void
rpc_pet_get(struct req *req)
{
	pet_reply(req, ((const struct pet_get_p *)req->in)->id, NULL, 0);
}

void
rpc_pet_update(struct req *req)
{
	const struct pet_update_p *in = req->in;
	struct perr	 err;
	int64_t		 id = in->id;
	char		*before = pet_json(req->db, id);

	if (pet_update(req->db, id, &in->pet, &err) != 0)
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

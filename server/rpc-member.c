/*
 * member.*: read params, call member.c, pack the result.
 * Entities are maps; a member in a list shows a masked phone, a member
 * opened by id or card shows it in full with pets, recent feedback and
 * counts.
 */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "mpjson.h"
#include "pawd.h"
#include "xmalloc.h"

#define PROFILE_FEEDBACK	10	/* feedback shown on a profile */

struct member_create_p {
	struct member_in	 m;
	const char		*referral_code;	/* of the referrer */
};
PARAMS(member_create, struct member_create_p,
    P_STR("referral_code", struct member_create_p, referral_code, 0, 0,
	MEMBER_REFERRAL_MAX)
    ENTITY_CREATE_PARAMS(MEMBER_FIELDS, struct member_create_p, m, P_REQ));

struct member_update_p {
	int64_t			 id;
	struct member_in	 m;
};
PARAMS(member_update, struct member_update_p,
    P_INT("id", struct member_update_p, id, P_REQ, 1, ID_LIMIT)
    ENTITY_UPDATE_PARAMS(MEMBER_FIELDS, struct member_update_p, m));

struct member_get_p {
	int64_t		 id;
	const char	*card_no;
};
PARAMS(member_get, struct member_get_p,
    P_INT("id", struct member_get_p, id, 0, 1, ID_LIMIT),
    P_STR("card_no", struct member_get_p, card_no, 0, 1, 32));

struct member_search_p {
	const char	*q;
	int64_t		 limit, offset;
	int		 include_archived;
};
PARAMS(member_search, struct member_search_p,
    P_STR("q", struct member_search_p, q, 0, 0, MEMBER_NAME_MAX),
    P_INTD("limit", struct member_search_p, limit, 0, 1, SEARCH_LIMIT_MAX,
	SEARCH_LIMIT),
    P_INTD("offset", struct member_search_p, offset, 0, 0, SEARCH_OFFSET_MAX,
	0),
    P_BOOL("include_archived", struct member_search_p, include_archived, 0));

struct member_archive_p {
	int64_t		 id;
	const char	*reason;
};
PARAMS(member_archive, struct member_archive_p,
    P_INT("id", struct member_archive_p, id, P_REQ, 1, ID_LIMIT),
    P_STR("reason", struct member_archive_p, reason, 0, 0,
	MEMBER_REASON_MAX));


/* The pets of a profile, and how many of them are active. */
struct pets {
	struct collect	 c;
	int		 active;
};

static void
add_pet(const struct pet *p, void *arg)
{
	struct pets	*ps = arg;

	pack_pet(&ps->c.pk, p);
	ps->c.n++;
	if (p->archived == 0)
		ps->active++;
}

static void
pack_counts(msgpack_packer *pk, const struct member_counts *c)
{
	mp_pack_str(pk, "counts");
	msgpack_pack_map(pk, 4);
	mp_pack_kint(pk, "pets", c->pets);
	mp_pack_kint(pk, "feedback", c->feedback);
	mp_pack_kint(pk, "good", c->good);
	mp_pack_kint(pk, "bad", c->bad);
}


/* The whole profile: the member, unmasked, with pets, feedback, counts. */
static void
pack_member(struct req *req, const struct member *m)
{
	msgpack_packer		*pk = &req->pk;
	int64_t			 id = m->id;
	struct member_counts	 counts;
	struct pets		 pets = { .active = 0 };
	struct collect		 fb;

	collect_init(&pets.c);
	collect_init(&fb);
	if (member_counts(req->db, id, &counts) != 0 ||
	    pet_list(req->db, id, add_pet, &pets) < 0 ||
	    feedback_list(req->db, id, PROFILE_FEEDBACK, collect_feedback,
	    &fb) < 0) {
		msgpack_sbuffer_destroy(&pets.c.sb);
		msgpack_sbuffer_destroy(&fb.sb);
		rpc_fail(req, ERR_INTERNAL, NULL, "database error");
		return;
	}
	counts.pets = pets.active;
	msgpack_pack_map(pk, (uint32_t)entity_count(&member_entity, EF_OUT) + 3);
	entity_pack_fields(&member_entity, pk, m, EF_OUT);
	collect_put(pk, "pets", &pets.c);
	collect_put(pk, "feedback", &fb);
	pack_counts(pk, &counts);
}

/* Audit a write of member m (before: NULL when created); answer the profile. */
static void
member_written(struct req *req, const struct member *before,
    const struct member *m)
{
	char	id[24], *b = NULL;

	snprintf(id, sizeof id, "%lld", (long long)m->id);
	if (before != NULL)
		b = entity_json(&member_entity, before);
	rpc_audit(req, "member", id, b, entity_json(&member_entity, m));
	free(b);
	pack_member(req, m);
}

void
rpc_member_create(struct req *req)
{
	const struct member_create_p *p = req->in;
	struct member_in in = p->m;
	struct member	 m;
	struct perr	 err;
	struct actor	 a;

	rpc_actor(req, &a);
	if (in.branch == NULL)
		in.branch = a.branch;
	if (member_create(req->db, &in, p->referral_code, &m, &err) < 0)
		rpc_fail_perr(req, &err);
	else
		member_written(req, NULL, &m);
}

void
rpc_member_get(struct req *req)
{
	const struct member_get_p *in = req->in;
	struct member	 m;
	struct perr	 err;

	if (in->card_no == NULL && in->id == PARAM_NONE) {
		rpc_fail(req, ERR_INVALID, "id", "give id or card_no");
		return;
	}
	if (member_get(req->db, in->id, in->card_no, &m, &err) != 0) {
		rpc_fail_perr(req, &err);
		return;
	}
	pack_member(req, &m);
}

void
rpc_member_update(struct req *req)
{
	const struct member_update_p *p = req->in;
	struct member	 before, after;
	struct perr	 err;

	if (member_update(req->db, p->id, &p->m, &before, &after, &err) != 0)
		rpc_fail_perr(req, &err);
	else
		member_written(req, &before, &after);
}

static void
add_hit(const char *row, size_t len, void *arg)
{
	struct collect	*c = arg;

	msgpack_sbuffer_write(&c->sb, row, len);
	c->n++;
}

void
rpc_member_search(struct req *req)
{
	const struct member_search_p *in = req->in;
	struct member_page pg = {
		.limit = (int)in->limit,
		.offset = (int)in->offset,
		.include_archived = in->include_archived > 0,
	};
	struct collect	 c;
	struct perr	 err;

	collect_init(&c);
	if (member_search(req->db, in->q, &pg, add_hit, &c,
	    &err) != 0) {
		msgpack_sbuffer_destroy(&c.sb);
		rpc_fail_perr(req, &err);
		return;
	}
	msgpack_pack_map(&req->pk, 3);
	collect_put(&req->pk, "items", &c);
	mp_pack_kint(&req->pk, "total", pg.total);
	mp_pack_kbool(&req->pk, "total_capped", pg.capped);
}

void
rpc_member_archive(struct req *req)
{
	const struct member_archive_p *in = req->in;
	struct member	 before, after;
	struct perr	 err;

	if (member_archive(req->db, in->id, in->reason, &before, &after,
	    &err) != 0)
		rpc_fail_perr(req, &err);
	else
		member_written(req, &before, &after);
}

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

static const struct param tag_item =
    P_ITEM_STR(0, 1, MEMBER_TAG_MAX);

/* The fields a member is written with, in member.create and member.update. */
#define MEMBER_WRITE_PARAMS(st, fl) \
    P_STR("name", st, m.name, fl, 1, MEMBER_NAME_MAX), \
    P_PAT("phone", st, m.phone, fl, PHONE_MAX, PHONE_PATTERN, \
	PHONE_IGNORE), \
    P_DATE("birthday", st, m.birthday, 0), \
    P_STR("address", st, m.address, 0, 0, MEMBER_ADDRESS_MAX), \
    P_ENUM("gender", st, m.gender, 0, member_genders), \
    P_PAT("branch", st, m.branch, 0, BRANCH_CODE_MAX, \
	BRANCH_CODE_PATTERN, NULL), \
    P_BOOL("consent", st, m.consent, 0), \
    P_LIST("tags", st, tags, 0, 0, MEMBER_TAGS_MAX, &tag_item), \
    P_STR("note", st, m.note, P_LINES, 0, MEMBER_NOTE_MAX)

struct member_create_p {
	struct member_in	 m;
	struct plist		 tags;
};
PARAMS(member_create, struct member_create_p,
    MEMBER_WRITE_PARAMS(struct member_create_p, P_REQ),
    P_PAT("card_no", struct member_create_p, m.card_no, 0, CARD_LEN,
	CARD_PATTERN, NULL),
    P_STR("referral_code", struct member_create_p, m.referral_code, 0, 0,
	MEMBER_REFERRAL_MAX));

struct member_update_p {
	int64_t			 id;
	struct member_in	 m;
	struct plist		 tags;
};
PARAMS(member_update, struct member_update_p,
    P_INT("id", struct member_update_p, id, P_REQ, 1, ID_LIMIT),
    MEMBER_WRITE_PARAMS(struct member_update_p, 0));

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


/* Pack the tags JSON text as an array of strings. */
static void
pack_tags(msgpack_packer *pk, const char *json)
{
	json_t	*j = json_loads(json, 0, NULL);
	size_t	 i, n = json_is_array(j) ? json_array_size(j) : 0;

	msgpack_pack_array(pk, n);
	for (i = 0; i < n; i++) {
		const char	*s = json_string_value(json_array_get(j, i));

		mp_pack_str(pk, s != NULL ? s : "");
	}
	json_decref(j);
}

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

#define PROFILE_KEYS	20

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
	msgpack_pack_map(pk, PROFILE_KEYS);
	mp_pack_kint(pk, "id", m->id);
	mp_pack_kstr(pk, "card_no", m->card_no);
	mp_pack_kstr(pk, "name", m->name);
	mp_pack_kstr(pk, "phone", m->phone);
	mp_pack_kstr_or_nil(pk, "birthday", m->birthday[0] ? m->birthday : NULL);
	mp_pack_kstr(pk, "address", m->address);
	mp_pack_kstr(pk, "gender", m->gender);
	mp_pack_kstr(pk, "branch", m->branch);
	mp_pack_kbool(pk, "consent", m->consent);
	mp_pack_str(pk, "tags");
	pack_tags(pk, m->tags);
	mp_pack_kstr(pk, "note", m->note);
	mp_pack_kstr(pk, "referral_code", m->referral_code);
	if (m->referred_by > 0)
		mp_pack_kint(pk, "referred_by", m->referred_by);
	else
		mp_pack_knil(pk, "referred_by");
	mp_pack_kbool(pk, "archived", m->archived != 0);
	mp_pack_kstr_or_nil(pk, "archive_reason",
	    m->archived ? m->archive_reason : NULL);
	mp_pack_kint(pk, "created", m->created);
	mp_pack_kint(pk, "updated", m->updated);
	collect_put(pk, "pets", &pets.c);
	collect_put(pk, "feedback", &fb);
	pack_counts(pk, &counts);
}

/* The profile of member id, read afresh (after a write). */
static void
pack_profile(struct req *req, int64_t id)
{
	struct member	m;
	struct perr	err;

	if (member_get(req->db, id, NULL, &m, &err) != 0) {
		rpc_fail_perr(req, &err);
		return;
	}
	pack_member(req, &m);
}

/* The tags of a write as JSON text (caller frees), NULL when not given. */
static char *
tags_json(const struct plist *tags)
{
	json_t		*a;
	char		*s;
	size_t		 i;

	if (!tags->given)
		return NULL;
	a = json_array();
	for (i = 0; i < tags->n; i++)
		json_array_append_new(a, json_string(((char **)tags->v)[i]));
	s = json_dumps(a, JSON_COMPACT);
	json_decref(a);
	return s;
}

static void
id_text(char *buf, size_t len, int64_t id)
{
	snprintf(buf, len, "%lld", (long long)id);
}

void
rpc_member_create(struct req *req)
{
	const struct member_create_p *p = req->in;
	struct member_in in = p->m;
	struct perr	 err;
	struct actor	 a;
	char		*tags = tags_json(&p->tags), id[24];
	int64_t		 mid;

	in.tags = tags;
	rpc_actor(req, &a);
	if (in.branch == NULL)
		in.branch = a.branch;
	mid = member_create(req->db, &in, &err);
	free(tags);
	if (mid < 0) {
		rpc_fail_perr(req, &err);
		return;
	}
	id_text(id, sizeof id, mid);
	rpc_audit(req, "member", id, NULL,
	    member_json(req->db, mid));
	pack_profile(req, mid);
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
	struct member_in in = p->m;
	struct perr	 err;
	char		*tags = tags_json(&p->tags), *before, id[24];
	int64_t		 mid = p->id;

	in.tags = tags;
	before = member_json(req->db, mid);
	if (member_update(req->db, mid, &in, &err) != 0)
		rpc_fail_perr(req, &err);
	else {
		id_text(id, sizeof id, mid);
		rpc_audit(req, "member", id, before,
		    member_json(req->db, mid));
		pack_profile(req, mid);
	}
	free(before);
	free(tags);
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
	struct perr	 err;
	int64_t		 mid = in->id;
	char		*before = member_json(req->db, mid), id[24];

	if (member_archive(req->db, mid, in->reason, &err) != 0)
		rpc_fail_perr(req, &err);
	else {
		id_text(id, sizeof id, mid);
		rpc_audit(req, "member", id, before,
		    member_json(req->db, mid));
		pack_profile(req, mid);
	}
	free(before);
}

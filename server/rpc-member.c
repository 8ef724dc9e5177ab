/*
 * member.* and feedback.*: read params, call member.c, pack the result.
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
#define FEEDBACK_LIST_MAX	500

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

static void
add_feedback(const struct feedback *f, void *arg)
{
	struct collect	*c = arg;

	pack_feedback(&c->pk, f);
	c->n++;
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

	member_counts(req->db, id, &counts);
	collect_init(&pets.c);
	pet_list(req->db, id, add_pet, &pets);
	counts.pets = pets.active;
	collect_init(&fb);
	feedback_list(req->db, id, PROFILE_FEEDBACK, add_feedback, &fb);
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

/* Read the member fields of params; tags becomes JSON text (*tags, freed
 * by the caller). */
static int
member_params(struct req *req, struct member_in *in, char **tags)
{
	const msgpack_object	*t = rpc_obj(req, "tags");
	uint32_t		 i;

	memset(in, 0, sizeof *in);
	*tags = NULL;
	in->name = rpc_str(req, "name");
	in->phone = rpc_str(req, "phone");
	in->birthday = rpc_str(req, "birthday");
	in->address = rpc_str(req, "address");
	in->gender = rpc_str(req, "gender");
	in->branch = rpc_str(req, "branch");
	in->note = rpc_str(req, "note");
	in->card_no = rpc_str(req, "card_no");
	in->referral_code = rpc_str(req, "referral_code");
	in->consent = rpc_has(req, "consent") ?
	    rpc_bool(req, "consent", 0) : -1;
	if (t != NULL) {
		for (i = 0; i < t->via.array.size; i++) {
			if (t->via.array.ptr[i].type != MSGPACK_OBJECT_STR)
				return rpc_fail(req, ERR_INVALID, "tags",
				    "tags must be a list of strings");
		}
		*tags = mp_to_json_text(t);
		in->tags = *tags;
	}
	return 0;
}

static void
id_text(char *buf, size_t len, int64_t id)
{
	snprintf(buf, len, "%lld", (long long)id);
}

void
rpc_member_create(struct req *req)
{
	struct member_in in;
	struct perr	 err;
	struct actor	 a;
	char		*tags, id[24];
	int64_t		 mid;

	if (member_params(req, &in, &tags) != 0)
		return;
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
	rpc_audit(req, "member", id, NULL);
	req->audit_after = member_json(req->db, mid);
	pack_profile(req, mid);
}

void
rpc_member_get(struct req *req)
{
	struct member	 m;
	struct perr	 err;
	const char	*card = rpc_str(req, "card_no");

	if (card == NULL && !rpc_has(req, "id")) {
		rpc_fail(req, ERR_INVALID, "id", "give id or card_no");
		return;
	}
	if (member_get(req->db, rpc_int(req, "id", 0), card, &m, &err) != 0) {
		rpc_fail_perr(req, &err);
		return;
	}
	pack_member(req, &m);
}

void
rpc_member_update(struct req *req)
{
	struct member_in in;
	struct perr	 err;
	char		*tags, *before, id[24];
	int64_t		 mid = rpc_int(req, "id", 0);

	if (member_params(req, &in, &tags) != 0)
		return;
	before = member_json(req->db, mid);
	if (member_update(req->db, mid, &in, &err) != 0)
		rpc_fail_perr(req, &err);
	else {
		id_text(id, sizeof id, mid);
		rpc_audit(req, "member", id, before);
		req->audit_after = member_json(req->db, mid);
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

/* An int param as an int; -1 (refused by the domain) when out of range. */
static int
int_param(struct req *req, const char *name, int def)
{
	int64_t	v = rpc_int(req, name, def);

	return v < 0 || v > INT_MAX ? -1 : (int)v;
}

void
rpc_member_search(struct req *req)
{
	struct member_page pg = {
		.limit = int_param(req, "limit", SEARCH_LIMIT),
		.offset = int_param(req, "offset", 0),
		.include_archived = rpc_bool(req, "include_archived", 0),
	};
	struct collect	 c;
	struct perr	 err;

	collect_init(&c);
	if (member_search(req->db, rpc_str(req, "q"), &pg, add_hit, &c,
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
	struct perr	 err;
	int64_t		 mid = rpc_int(req, "id", 0);
	char		*before = member_json(req->db, mid), id[24];

	if (member_archive(req->db, mid, rpc_str(req, "reason"), &err) != 0)
		rpc_fail_perr(req, &err);
	else {
		id_text(id, sizeof id, mid);
		rpc_audit(req, "member", id, before);
		req->audit_after = member_json(req->db, mid);
		pack_profile(req, mid);
	}
	free(before);
}

void
rpc_feedback_add(struct req *req)
{
	struct perr	 err;
	struct actor	 a;
	struct feedback	 f;
	int64_t		 fid;
	char		 id[24];

	rpc_actor(req, &a);
	fid = feedback_add(req->db, rpc_int(req, "member_id", 0),
	    rpc_str(req, "kind"), rpc_str(req, "text"), &a, &err);
	if (fid < 0 || feedback_get(req->db, fid, &f, &err) != 0) {
		rpc_fail_perr(req, &err);
		return;
	}
	id_text(id, sizeof id, fid);
	rpc_audit(req, "feedback", id, NULL);
	req->audit_after = feedback_json(req->db, fid);
	pack_feedback(&req->pk, &f);
}

void
rpc_feedback_list(struct req *req)
{
	struct collect	 c;
	struct member	 m;
	struct perr	 err;
	int64_t		 limit = rpc_int(req, "limit", 50);

	if (limit < 1 || limit > FEEDBACK_LIST_MAX) {
		rpc_fail(req, ERR_INVALID, "limit", "limit must be 1-%d",
		    FEEDBACK_LIST_MAX);
		return;
	}
	if (member_get(req->db, rpc_int(req, "member_id", 0), NULL, &m,
	    &err) != 0) {
		err.field = "member_id";
		rpc_fail_perr(req, &err);
		return;
	}
	collect_init(&c);
	feedback_list(req->db, m.id, (int)limit, add_feedback, &c);
	msgpack_pack_map(&req->pk, 1);
	collect_put(&req->pk, "items", &c);
}

/*
 * Unit tests of the entity field tables (server/entity.h, entity.c) on an
 * entity of its own with a field of every type: the generated column
 * list, row and write structs and parameter declarations, a row copied
 * from SQLite (NULLs included), the packed maps and the audit JSON.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sqlite3.h>

#include "db.h"
#include "pawd.h"

static int	npass, nfail;

#define CHECK(cond, name) do {						\
	if (cond) { npass++; printf("ok %d - %s\n", npass + nfail, name); } \
	else { nfail++; printf("not ok %d - %s\n", npass + nfail, name); } \
} while (0)

static const char *const kinds[] = { "a", "b", NULL };

#define T_OUT	(EF_OUT | EF_AUDIT)
#define THING_FIELDS(K, F, a) \
    K(a, id, "id", ID, R, T_OUT | EF_LIST, 0, 0, 0, 0) \
    F(a, name, "name", TEXT, W, T_OUT | EF_LIST | EF_REQ, 1, 10, 0, 0) \
    F(a, phone, "phone", PAT, W, T_OUT | EF_LIST | EF_MASK, 0, 24, \
	"^1[0-9]{10}$", " -") \
    F(a, kind, "kind", ENUM, C, T_OUT, 0, 0, kinds, 0) \
    F(a, day, "day", DATE, W, T_OUT, 0, 0, 0, 0) \
    F(a, ok, "ok", BOOL, U, T_OUT, 0, 0, 0, 0) \
    F(a, weight, "weight", INT, W, T_OUT | EF_NIL, 0, 500, 0, 0) \
    F(a, note, "note", TEXT, W, EF_OUT | EF_LINES | EF_NIL, 0, 20, 0, 0) \
    F(a, tags, "tags", TAGS, W, T_OUT, 0, 3, 5, 0) \
    F(a, gone, "gone_at", SINCE, R, T_OUT | EF_LIST, 0, 0, 0, 0) \
    F(a, locked, "locked_until", UNTIL, R, EF_OUT, 0, 0, 0, 0) \
    F(a, role, "role", ROLE, R, T_OUT, 0, 0, staff_roles, 0) \
    F(a, key, "key", KEY32, R, EF_AUDIT, 0, 0, 0, 0)

struct thing {
	ENTITY_ROW(THING_FIELDS)
};
struct thing_in {
	ENTITY_IN(THING_FIELDS)
};
static const struct entity thing_entity = { "thing",
    ENTITY_TABLE(THING_FIELDS, struct thing) };

struct make_p {
	int64_t		 owner;
	struct thing_in	 t;
};
PARAMS(test_make, struct make_p,
    P_INT("owner", struct make_p, owner, P_REQ, 1, ID_LIMIT)
    ENTITY_CREATE_PARAMS(THING_FIELDS, struct make_p, t, P_REQ));
struct change_p {
	int64_t		 id;
	struct thing_in	 t;
};
PARAMS(test_change, struct change_p,
    P_INT("id", struct change_p, id, P_REQ, 1, ID_LIMIT)
    ENTITY_UPDATE_PARAMS(THING_FIELDS, struct change_p, t));

static void
test_declarations(void)
{
	const struct param	*p;
	int			 n;

	CHECK(strcmp(ENTITY_COLS(THING_FIELDS), "id, name, phone, kind, day, "
	    "ok, weight, note, tags, gone_at, locked_until, role, key") == 0,
	    "the column list, in order");
	CHECK(sizeof(((struct thing *)0)->name) == 41 &&
	    sizeof(((struct thing *)0)->phone) == 25 &&
	    sizeof(((struct thing *)0)->key) == 32,
	    "row buffers sized from the limits (4 bytes a character, ASCII "
	    "patterns 1)");
	for (n = 0, p = rpc_test_make_params.list; p->name != NULL; p++)
		n++;
	CHECK(n == 8, "create: the key's own, W and C fields (8)");
	p = params_find(&rpc_test_make_params, "name");
	CHECK(p != NULL && p->type == PT_STR && p->flags == P_REQ &&
	    p->min == 1 && p->max == 10 &&
	    p->off == offsetof(struct make_p, t.name),
	    "create: name required, 1-10 characters, at t.name");
	p = params_find(&rpc_test_make_params, "phone");
	CHECK(p != NULL && p->pattern != NULL && strcmp(p->ignore, " -") == 0 &&
	    p->max == 24 && p->flags == 0, "create: phone's pattern");
	CHECK(params_find(&rpc_test_make_params, "kind") != NULL &&
	    params_find(&rpc_test_make_params, "ok") == NULL,
	    "create has C fields, not U ones");
	CHECK(params_find(&rpc_test_change_params, "kind") == NULL &&
	    params_find(&rpc_test_change_params, "ok") != NULL,
	    "update has U fields, not C ones");
	p = params_find(&rpc_test_change_params, "name");
	CHECK(p != NULL && p->flags == 0, "update: nothing required");
	p = params_find(&rpc_test_change_params, "note");
	CHECK(p != NULL && p->flags == P_LINES, "note: lines allowed");
	p = params_find(&rpc_test_change_params, "tags");
	CHECK(p != NULL && p->type == PT_LIST && p->max == 3 &&
	    p->item->type == PT_STR && p->item->max == 5, "tags: a list");
	p = params_find(&rpc_test_change_params, "weight");
	CHECK(p != NULL && p->type == PT_INT && p->max == 500 &&
	    p->def == PARAM_NONE, "weight: an integer 0-500");
	CHECK(params_find(&rpc_test_change_params, "gone") == NULL &&
	    params_find(&rpc_test_change_params, "role") == NULL,
	    "R fields are never parameters");
	CHECK(entity_count(&thing_entity, EF_LIST) == 4 &&
	    entity_count(&thing_entity, EF_OUT) == 12 &&
	    entity_count(&thing_entity, EF_AUDIT) == 11, "counts by flag");
}

/* A row read back from SQLite: one with every field, one with NULLs. */
static int
load(sqlite3 *h, const char *sql, struct thing *t)
{
	sqlite3_stmt	*st;
	int		 rc;

	if (sqlite3_prepare_v2(h, sql, -1, &st, NULL) != SQLITE_OK)
		return -2;
	rc = sqlite3_step(st) == SQLITE_ROW ?
	    entity_row(&thing_entity, st, t) : -2;
	sqlite3_finalize(st);
	return rc;
}

static const msgpack_object *
get(const msgpack_object *map, const char *key)
{
	return mp_get(map, key);
}

static void
test_rows(void)
{
	sqlite3			*h;
	struct thing		 t;
	msgpack_sbuffer		 sb;
	msgpack_packer		 pk;
	msgpack_unpacked	 u;
	const msgpack_object	*o;
	char			*j;

	sqlite3_open(":memory:", &h);
	CHECK(load(h, "SELECT 7, '张伟', '13812345678', 'b', '2020-01-02', 1, "
	    "300, 'x', '[\"vip\"]', 99, 4000000000, 'manager', "
	    "zeroblob(32)", &t) == 0, "a full row copies");
	CHECK(t.id == 7 && strcmp(t.name, "张伟") == 0 && t.ok == 1 &&
	    t.weight == 300 && t.gone == 99 && t.role == R_MANAGER,
	    "its values");
	msgpack_sbuffer_init(&sb);
	msgpack_packer_init(&pk, &sb, msgpack_sbuffer_write);
	entity_pack(&thing_entity, &pk, &t, EF_LIST);
	msgpack_unpacked_init(&u);
	msgpack_unpack_next(&u, sb.data, sb.size, NULL);
	CHECK(u.data.type == MSGPACK_OBJECT_MAP && u.data.via.map.size == 4,
	    "a list row is a map of the EF_LIST fields");
	o = get(&u.data, "phone");
	CHECK(o != NULL && o->type == MSGPACK_OBJECT_STR &&
	    o->via.str.size == 11 && memcmp(o->via.str.ptr, "138****5678",
	    11) == 0, "the phone masked in lists");
	o = get(&u.data, "gone");
	CHECK(o != NULL && o->type == MSGPACK_OBJECT_BOOLEAN && o->via.boolean,
	    "SINCE packs a boolean");
	sb.size = 0;
	entity_pack(&thing_entity, &pk, &t, EF_OUT);
	msgpack_unpack_next(&u, sb.data, sb.size, NULL);
	o = get(&u.data, "phone");
	CHECK(o != NULL && o->via.str.size == 11 &&
	    memcmp(o->via.str.ptr, "13812345678", 11) == 0,
	    "the phone in full elsewhere");
	o = get(&u.data, "tags");
	CHECK(o != NULL && o->type == MSGPACK_OBJECT_ARRAY &&
	    o->via.array.size == 1, "tags pack as an array");
	o = get(&u.data, "locked");
	CHECK(o != NULL && o->type == MSGPACK_OBJECT_BOOLEAN && o->via.boolean,
	    "UNTIL: locked while after the clock");
	o = get(&u.data, "role");
	CHECK(o != NULL && o->via.str.size == 7, "ROLE packs its name");
	j = entity_json(&thing_entity, &t);
	CHECK(j != NULL && strcmp(j, "{\"id\":7,\"name\":\"张伟\","
	    "\"phone\":\"13812345678\",\"kind\":\"b\",\"day\":\"2020-01-02\","
	    "\"ok\":1,\"weight\":300,\"tags\":[\"vip\"],\"gone\":99,"
	    "\"role\":\"manager\",\"key\":\"0000000000000000000000000000000000"
	    "000000000000000000000000000000\"}") == 0,
	    "audit JSON: EF_AUDIT fields in order");
	free(j);

	CHECK(load(h, "SELECT 8, 'n', '', 'a', NULL, 0, NULL, NULL, NULL, "
	    "NULL, 0, 'clerk', zeroblob(32)", &t) == 0, "a row of NULLs copies");
	CHECK(t.weight == -1 && t.day[0] == '\0' && strcmp(t.tags, "[]") == 0 &&
	    t.gone == 0, "NULL: -1 for EF_NIL integers, \"\", [] and 0");
	j = entity_json(&thing_entity, &t);
	CHECK(j != NULL && strstr(j, "\"day\":null") != NULL &&
	    strstr(j, "\"weight\":null") != NULL &&
	    strstr(j, "\"gone\":null") != NULL &&
	    strstr(j, "\"tags\":[]") != NULL, "audit JSON: nulls");
	free(j);
	sb.size = 0;
	entity_pack(&thing_entity, &pk, &t, EF_OUT);
	msgpack_unpack_next(&u, sb.data, sb.size, NULL);
	CHECK(get(&u.data, "weight")->type == MSGPACK_OBJECT_NIL &&
	    get(&u.data, "note")->type == MSGPACK_OBJECT_NIL &&
	    get(&u.data, "day")->type == MSGPACK_OBJECT_NIL &&
	    get(&u.data, "locked")->via.boolean == 0,
	    "empty EF_NIL fields and dates pack nil; not locked");
	CHECK(load(h, "SELECT 9, 'n', '', 'a', NULL, 0, NULL, NULL, NULL, "
	    "NULL, 0, 'clerk', x'0102'", &t) == -1,
	    "a key that is not 32 bytes is refused");
	msgpack_unpacked_destroy(&u);
	msgpack_sbuffer_destroy(&sb);
	sqlite3_close(h);
}

int
main(void)
{
	test_declarations();
	test_rows();
	printf("%d passed, %d failed\n", npass, nfail);
	return nfail != 0;
}

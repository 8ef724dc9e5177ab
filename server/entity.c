/*
 * Entity field tables (entity.h): rows copied from statements, packed for
 * the wire and written as audit JSON, all from the one declaration of each
 * entity's fields.  JSON is built here with jansson, not by the database,
 * so the audit trail does not depend on SQLite's json functions.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "clock.h"
#include "db.h"
#include "entity.h"
#include "hex.h"
#include "mpjson.h"
#include "pawd.h"
#include "xmalloc.h"

#define FIELD(row, f)	((char *)(row) + (f)->off)
#define CFIELD(row, f)	((const char *)(row) + (f)->off)

static void
pack_bool(msgpack_packer *pk, int v)
{
	if (v)
		msgpack_pack_true(pk);
	else
		msgpack_pack_false(pk);
}

static int64_t
get_i64(const void *row, const struct field *f)
{
	int64_t	v;

	memcpy(&v, CFIELD(row, f), sizeof v);
	return v;
}

static int
get_int(const void *row, const struct field *f)
{
	int	v;

	memcpy(&v, CFIELD(row, f), sizeof v);
	return v;
}

int
entity_row(const struct entity *e, sqlite3_stmt *st, void *row)
{
	return entity_row_mask(e, st, row, ~0);
}

int
entity_row_mask(const struct entity *e, sqlite3_stmt *st, void *row,
    int mask)
{
	const struct field	*f;
	int			 i, null;
	int64_t			 v;

	for (i = 0, f = e->fields; f->name != NULL; f++) {
		if (mask != ~0 && !(f->flags & mask))
			continue;
		null = sqlite3_column_type(st, i) == SQLITE_NULL;
		switch (f->type) {
		case FT_ID:
		case FT_INT:
		case FT_SINCE:
		case FT_UNTIL:
			v = null ? (f->flags & EF_NIL ? -1 : 0) :
			    sqlite3_column_int64(st, i);
			memcpy(FIELD(row, f), &v, sizeof v);
			break;
		case FT_BOOL:
			*(int *)(void *)FIELD(row, f) =
			    sqlite3_column_int(st, i) != 0;
			break;
		case FT_ROLE:
			*(int *)(void *)FIELD(row, f) =
			    role_parse(db_col(st, i));
			break;
		case FT_KEY32:
			if (sqlite3_column_bytes(st, i) != 32)
				return -1;
			memcpy(FIELD(row, f), sqlite3_column_blob(st, i), 32);
			break;
		case FT_TAGS:
			db_copy_col(FIELD(row, f), f->size, st, i);
			if (null)
				snprintf(FIELD(row, f), f->size, "[]");
			break;
		default:
			db_copy_col(FIELD(row, f), f->size, st, i);
			break;
		}
		i++;
	}
	return 0;
}

/*
 * Pack straight from the columns, without a row struct: the search cache's
 * load reads a million rows this way.  Nil and masking as pack_field().
 */
int
entity_pack_stmt(const struct entity *e, sqlite3_stmt *st, int mask,
    msgpack_packer *pk)
{
	const struct field	*f;
	const char		*t;
	char			 masked[32];
	int			 i = 0, null;

	msgpack_pack_map(pk, (uint32_t)entity_count(e, mask));
	for (f = e->fields; f->name != NULL; f++) {
		if (!(f->flags & mask))
			continue;
		null = sqlite3_column_type(st, i) == SQLITE_NULL;
		mp_pack_str(pk, f->name);
		switch (f->type) {
		case FT_ID:
		case FT_INT:
			if (null && (f->flags & EF_NIL))
				msgpack_pack_nil(pk);
			else
				msgpack_pack_int64(pk,
				    sqlite3_column_int64(st, i));
			break;
		case FT_BOOL:
		case FT_SINCE:
			pack_bool(pk, sqlite3_column_int64(st, i) != 0);
			break;
		case FT_TEXT:
		case FT_PAT:
		case FT_ENUM:
		case FT_DATE:
			t = db_col(st, i);
			if (t[0] == '\0' &&
			    (f->flags & EF_NIL || f->type == FT_DATE))
				msgpack_pack_nil(pk);
			else if (f->flags & EF_MASK && mask == EF_LIST) {
				entity_mask_phone(t, masked, sizeof masked);
				mp_pack_str(pk, masked);
			} else
				mp_pack_strn(pk, t,
				    (size_t)sqlite3_column_bytes(st, i));
			break;
		default:
			return -1;	/* not on a hot path: entity_row */
		}
		i++;
	}
	return 0;
}

char *
entity_select(const struct entity *e, int mask, const char *rest)
{
	const struct field	*f;
	size_t			 len = sizeof "SELECT " + strlen(rest) + 1;
	char			*s;
	int			 first = 1;

	for (f = e->fields; f->name != NULL; f++)
		len += strlen(f->column) + 2;
	s = xmalloc(len);
	strcpy(s, "SELECT ");
	for (f = e->fields; f->name != NULL; f++) {
		if (!(f->flags & mask))
			continue;
		if (!first)
			strcat(s, ", ");
		strcat(s, f->column);
		first = 0;
	}
	strcat(s, " ");
	strcat(s, rest);
	return s;
}

int
entity_count(const struct entity *e, int mask)
{
	const struct field	*f;
	int			 n = 0;

	for (f = e->fields; f->name != NULL; f++)
		if (f->flags & mask)
			n++;
	return n;
}

void
entity_mask_phone(const char *phone, char *out, size_t len)
{
	size_t	n = strlen(phone);
	char	m[12] = "***********";	/* the first 3 and the last 4 */

	if (len == 0)
		return;
	if (n < 8)
		memcpy(m, "****", 5);
	else {
		memcpy(m, phone, 3);
		memcpy(m + 7, phone + n - 4, 5);
	}
	n = strlen(m) + 1;
	memcpy(out, m, n < len ? n : len);
	out[len - 1] = '\0';
}

/* The tags JSON text as an array of strings. */
static void
pack_tags(msgpack_packer *pk, const char *text)
{
	json_t	*j = json_loads(text, 0, NULL);
	size_t	 i, n = json_is_array(j) ? json_array_size(j) : 0;

	msgpack_pack_array(pk, n);
	for (i = 0; i < n; i++) {
		const char	*s = json_string_value(json_array_get(j, i));

		mp_pack_str(pk, s != NULL ? s : "");
	}
	json_decref(j);
}

static void
pack_text(msgpack_packer *pk, const struct field *f, const char *s, int mask)
{
	char	masked[32];

	if (s[0] == '\0' && (f->flags & EF_NIL || f->type == FT_DATE)) {
		msgpack_pack_nil(pk);
		return;
	}
	if ((f->flags & EF_MASK) && mask == EF_LIST) {
		entity_mask_phone(s, masked, sizeof masked);
		s = masked;
	}
	mp_pack_str(pk, s);
}

static void
pack_field(msgpack_packer *pk, const struct field *f, const void *row,
    int mask)
{
	char	hex[65];
	int64_t	v;

	mp_pack_str(pk, f->name);
	switch (f->type) {
	case FT_ID:
	case FT_INT:
		v = get_i64(row, f);
		if ((f->flags & EF_NIL) && v < 0)
			msgpack_pack_nil(pk);
		else
			msgpack_pack_int64(pk, v);
		break;
	case FT_BOOL:
		pack_bool(pk, get_int(row, f));
		break;
	case FT_SINCE:
		pack_bool(pk, get_i64(row, f) != 0);
		break;
	case FT_UNTIL:
		pack_bool(pk, get_i64(row, f) > clock_now());
		break;
	case FT_ROLE:
		mp_pack_str(pk, role_name(get_int(row, f)));
		break;
	case FT_KEY32:
		hex_encode((const uint8_t *)CFIELD(row, f), 32, hex);
		mp_pack_str(pk, hex);
		break;
	case FT_TAGS:
		pack_tags(pk, CFIELD(row, f));
		break;
	default:
		pack_text(pk, f, CFIELD(row, f), mask);
		break;
	}
}

void
entity_pack_fields(const struct entity *e, msgpack_packer *pk,
    const void *row, int mask)
{
	const struct field	*f;

	for (f = e->fields; f->name != NULL; f++)
		if (f->flags & mask)
			pack_field(pk, f, row, mask);
}

void
entity_pack(const struct entity *e, msgpack_packer *pk, const void *row,
    int mask)
{
	msgpack_pack_map(pk, (uint32_t)entity_count(e, mask));
	entity_pack_fields(e, pk, row, mask);
}

/* One field as JSON; empty dates, SINCE 0 and EF_NIL empties are null. */
static json_t *
json_field(const struct field *f, const void *row)
{
	const char	*s = CFIELD(row, f);
	char		 hex[65];
	int64_t		 v;

	switch (f->type) {
	case FT_ID:
	case FT_INT:
		v = get_i64(row, f);
		return (f->flags & EF_NIL) && v < 0 ? json_null() :
		    json_integer(v);
	case FT_SINCE:
		v = get_i64(row, f);
		return v == 0 ? json_null() : json_integer(v);
	case FT_UNTIL:
		return json_integer(get_i64(row, f));
	case FT_BOOL:
		return json_integer(get_int(row, f));
	case FT_ROLE:
		return json_string(role_name(get_int(row, f)));
	case FT_KEY32:
		hex_encode((const uint8_t *)s, 32, hex);
		return json_string(hex);
	case FT_TAGS:
		return json_loads(s, 0, NULL);
	default:
		if (s[0] == '\0' && (f->flags & EF_NIL || f->type == FT_DATE))
			return json_null();
		return json_string(s);
	}
}

char *
entity_json(const struct entity *e, const void *row)
{
	const struct field	*f;
	json_t			*o = json_object();
	char			*s;

	for (f = e->fields; f->name != NULL; f++)
		if (f->flags & EF_AUDIT)
			json_object_set_new(o, f->name, json_field(f, row));
	s = json_dumps(o, JSON_COMPACT | JSON_PRESERVE_ORDER);
	json_decref(o);
	return s;
}

int
entity_step(struct db *db, sqlite3_stmt *st, const struct entity *e,
    void *row)
{
	int	rc = db_step(db, st);

	if (rc == 1) {
		if (row != NULL && entity_row(e, st, row) != 0)
			rc = -1;
		sqlite3_reset(st);
	}
	return rc;
}

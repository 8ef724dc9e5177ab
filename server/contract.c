/*
 * The typed method contract: decoding a request's params against a
 * method's declaration (see pawd.h) into the C struct its handler reads,
 * and exporting the declarations for system.methods.  Everything a peer
 * sends passes through here before any handler sees it, so every check is
 * bounded: strings by their declared length, lists by their declared
 * count, maps by their declared fields, depth by the record checker.
 */
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "clock.h"
#include "match.h"
#include "pawd.h"
#include "utf8.h"
#include "xmalloc.h"

/* An allocation of a request's: strings (wiped when freed), structs, lists. */
struct chunk {
	struct chunk	*next;
	size_t		 len;
	int		 wipe;
	max_align_t	 data[];
};

struct arena {
	struct chunk	*chunks;
};

struct arena *
arena_create(void)
{
	return xcalloc(1, sizeof(struct arena));
}

void
arena_free(struct arena *a)
{
	struct chunk	*c, *next;

	if (a == NULL)
		return;
	for (c = a->chunks; c != NULL; c = next) {
		next = c->next;
		if (c->wipe)
			sodium_memzero(c->data, c->len);
		free(c);
	}
	free(a);
}

static void *
arena_alloc(struct arena *a, size_t len, int wipe)
{
	struct chunk	*c = xcalloc(1, sizeof *c + len + 1);

	c->len = len;
	c->wipe = wipe;
	c->next = a->chunks;
	a->chunks = c;
	return c->data;
}

/* Where the decoder is: the path of the value, for errors. */
struct cursor {
	struct arena	*arena;
	struct perr	*err;
	char		*path;
	size_t		 len;
};

static int
fail(struct cursor *cu, enum err_code code, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static int
fail(struct cursor *cu, enum err_code code, const char *fmt, ...)
{
	va_list	ap;
	char	what[200];

	va_start(ap, fmt);
	vsnprintf(what, sizeof what, fmt, ap);
	va_end(ap);
	perr_set(cu->err, code, NULL, "%s %s", cu->path, what);
	cu->err->field = cu->path;
	return -1;
}

static const char *const ptype_words[] = {
	[PT_STR] = "str", [PT_INT] = "int", [PT_MONEY] = "money",
	[PT_BOOL] = "bool", [PT_DATE] = "date", [PT_ENUM] = "enum",
	[PT_LIST] = "list", [PT_MAP] = "map", [PT_HEX] = "hex",
};

/* Push name (or [index]) on the path; returns the length to pop back to. */
static size_t
path_push(struct cursor *cu, const char *name, long index)
{
	size_t	at = strlen(cu->path);

	if (name != NULL)
		snprintf(cu->path + at, cu->len - at, "%s%s",
		    at > 0 ? "." : "", name);
	else
		snprintf(cu->path + at, cu->len - at, "[%ld]", index);
	return at;
}

static void
path_pop(struct cursor *cu, size_t at)
{
	cu->path[at] = '\0';
}

/* Text: trimmed, no control characters, min to max characters, pattern. */
static int
decode_text(struct cursor *cu, const struct param *p, const msgpack_object *v,
    const char **out)
{
	const char	*s = v->via.str.ptr;
	size_t		 len = v->via.str.size, start = 0, n;
	char		*t;
	size_t		 i;

	if (len > (size_t)p->max * 4 || !utf8_valid(s, len))
		return len > (size_t)p->max * 4 ?
		    fail(cu, ERR_INVALID, "must be at most %" PRId64
		    " characters", p->max) :
		    fail(cu, ERR_BAD_REQUEST, "must be valid UTF-8 text");
	t = arena_alloc(cu->arena, len, 1);
	memcpy(t, s, len);
	t[len] = '\0';
	if (!(p->flags & P_RAW)) {
		len = utf8_trim(t, &start);
		memmove(t, t + start, len);
		t[len] = '\0';
		for (i = 0; i < len; i++) {
			if (((unsigned char)t[i] < 0x20 &&
			    !((p->flags & P_LINES) && t[i] == '\n')) ||
			    t[i] == 0x7f)
				return fail(cu, ERR_INVALID,
				    "must not contain control characters");
		}
	}
	n = utf8_count(t);
	if (n == 0 && p->min > 0)
		return fail(cu, ERR_INVALID, "is required");
	if ((int64_t)n < p->min || (int64_t)n > p->max)
		return p->min > 0 ?
		    fail(cu, ERR_INVALID, "must be %" PRId64 " to %" PRId64
		    " characters", p->min, p->max) :
		    fail(cu, ERR_INVALID, "must be at most %" PRId64
		    " characters", p->max);
	if (p->pattern != NULL && n > 0 &&
	    !match_pattern(p->pattern, p->ignore, t))
		return fail(cu, ERR_INVALID, "is not in the expected form");
	*out = t;
	return 0;
}

static int
decode_int(struct cursor *cu, const struct param *p, const msgpack_object *v,
    int64_t *out)
{
	int64_t	n;

	if (v->type == MSGPACK_OBJECT_POSITIVE_INTEGER) {
		if (v->via.u64 > INT64_MAX)
			return fail(cu, ERR_INVALID, "must be %" PRId64 " to %"
			    PRId64, p->min, p->max);
		n = (int64_t)v->via.u64;
	} else if (v->type == MSGPACK_OBJECT_NEGATIVE_INTEGER)
		n = v->via.i64;
	else
		return fail(cu, ERR_BAD_REQUEST, "must be of type %s",
		    ptype_words[p->type]);
	if (n < p->min || n > p->max)
		return fail(cu, ERR_INVALID, "must be %" PRId64 " to %" PRId64,
		    p->min, p->max);
	*out = n;
	return 0;
}

static int
decode_enum(struct cursor *cu, const struct param *p, const char *s)
{
	const char *const	*v;
	char			 list[160] = "";
	size_t			 at;

	for (v = p->values; *v != NULL; v++) {
		if (strcmp(s, *v) == 0)
			return 0;
	}
	for (v = p->values; *v != NULL; v++) {
		if (**v == '\0')
			continue;
		at = strlen(list);
		snprintf(list + at, sizeof list - at, "%s%s",
		    at > 0 ? ", " : "", *v);
	}
	return fail(cu, ERR_INVALID, "must be one of %s", list);
}

static int	decode_value(struct cursor *, const struct param *,
		    const msgpack_object *, void *);
static int	decode_map(struct cursor *, const struct params *const *,
		    void *const *, size_t, const msgpack_object *);

static int
decode_list(struct cursor *cu, const struct param *p, const msgpack_object *v,
    struct plist *out)
{
	const struct param	*it = p->item;
	size_t			 size, i, at;

	if (v->type != MSGPACK_OBJECT_ARRAY)
		return fail(cu, ERR_BAD_REQUEST, "must be of type list");
	if ((int64_t)v->via.array.size < p->min ||
	    (int64_t)v->via.array.size > p->max)
		return fail(cu, ERR_INVALID, "must have %" PRId64 " to %" PRId64
		    " items", p->min, p->max);
	switch (it->type) {
	case PT_INT:
	case PT_MONEY:
		size = sizeof(int64_t);
		break;
	case PT_BOOL:
		size = sizeof(int);
		break;
	default:
		size = sizeof(void *);
		break;
	}
	out->given = 1;
	out->n = v->via.array.size;
	out->v = arena_alloc(cu->arena, size * (out->n + 1), 0);
	for (i = 0; i < out->n; i++) {
		at = path_push(cu, NULL, (long)i);
		if (decode_value(cu, it, &v->via.array.ptr[i],
		    (char *)out->v + i * size) != 0)
			return -1;
		path_pop(cu, at);
	}
	return 0;
}

/* One value that is not nil, into dst (where its C type lives). */
static int
decode_value(struct cursor *cu, const struct param *p, const msgpack_object *v,
    void *dst)
{
	const char	*s = NULL;
	void		*sub;
	size_t		 i;

	switch (p->type) {
	case PT_INT:
	case PT_MONEY:
		return decode_int(cu, p, v, dst);
	case PT_BOOL:
		if (v->type != MSGPACK_OBJECT_BOOLEAN)
			return fail(cu, ERR_BAD_REQUEST, "must be of type bool");
		*(int *)dst = v->via.boolean;
		return 0;
	case PT_LIST:
		return decode_list(cu, p, v, dst);
	case PT_MAP:
		if (v->type != MSGPACK_OBJECT_MAP)
			return fail(cu, ERR_BAD_REQUEST, "must be of type map");
		sub = arena_alloc(cu->arena, p->fields->size, 0);
		*(void **)dst = sub;
		return decode_map(cu, &p->fields, &sub, 1, v);
	default:
		break;
	}
	if (v->type != MSGPACK_OBJECT_STR)
		return fail(cu, ERR_BAD_REQUEST, "must be of type %s",
		    ptype_words[p->type]);
	switch (p->type) {
	case PT_DATE:
		if (decode_text(cu, &(struct param){ .max = 10 }, v, &s) != 0)
			return -1;
		if (*s != '\0' && !clock_date_valid(s))
			return fail(cu, ERR_INVALID, "must be a date YYYY-MM-DD "
			    "from %d to %d", CLOCK_YEAR_MIN, CLOCK_YEAR_MAX);
		break;
	case PT_ENUM:
		if (decode_text(cu, &(struct param){ .max = 64 }, v, &s) != 0 ||
		    decode_enum(cu, p, s) != 0)
			return -1;
		break;
	case PT_HEX:
		if (v->via.str.size != (size_t)p->max)
			return fail(cu, ERR_INVALID, "must be %" PRId64
			    " hex characters", p->max);
		if (decode_text(cu, p, v, &s) != 0)
			return -1;
		for (i = 0; s[i] != '\0'; i++) {
			if (strchr("0123456789abcdefABCDEF", s[i]) == NULL)
				return fail(cu, ERR_INVALID, "must be %" PRId64
				    " hex characters", p->max);
		}
		break;
	default:
		if (decode_text(cu, p, v, &s) != 0)
			return -1;
		break;
	}
	*(const char **)dst = s;
	return 0;
}

/* The absent value of each field: NULL, -1 or the default. */
static void
decode_defaults(const struct params *decl, void *out)
{
	const struct param	*p;

	for (p = decl->list; p->name != NULL; p++) {
		if (p->type == PT_INT || p->type == PT_MONEY)
			*(int64_t *)((char *)out + p->off) = p->def;
		else if (p->type == PT_BOOL)
			*(int *)((char *)out + p->off) = -1;
	}
}

/* The declared field a key names among decls: its index in *which. */
static const struct param *
field_find(const struct params *const *decls, size_t n,
    const msgpack_object *k, size_t *which)
{
	const struct param	*p;
	size_t			 i;

	for (i = 0; i < n; i++) {
		for (p = decls[i]->list; p->name != NULL; p++) {
			if (mp_str_eq(k, p->name)) {
				*which = i;
				return p;
			}
		}
	}
	return NULL;
}

/*
 * A map against one or more declarations at once (a method's and the
 * gatekeeper's own request_id and approver), each into its struct.
 */
static int
decode_map(struct cursor *cu, const struct params *const *decls,
    void *const *outs, size_t n, const msgpack_object *map)
{
	const struct param	*p;
	const msgpack_object	*v;
	uint32_t		 i;
	size_t			 j, which = 0, at;
	char			 name[64];

	for (j = 0; j < n; j++)
		decode_defaults(decls[j], outs[j]);
	for (i = 0; map != NULL && i < map->via.map.size; i++) {
		const msgpack_object	*k = &map->via.map.ptr[i].key;

		if (k->type != MSGPACK_OBJECT_STR)
			return fail(cu, ERR_BAD_REQUEST,
			    "parameter names must be strings");
		if ((p = field_find(decls, n, k, &which)) == NULL) {
			snprintf(name, sizeof name, "%.*s",
			    (int)(k->via.str.size < 60 ? k->via.str.size : 60),
			    k->via.str.ptr);
			path_push(cu, name, 0);
			return fail(cu, ERR_BAD_REQUEST, "is not a parameter");
		}
		v = &map->via.map.ptr[i].val;
		at = path_push(cu, p->name, 0);
		if (v->type == MSGPACK_OBJECT_NIL) {
			/* nil is "not given", which a required one cannot be */
			if (p->flags & P_REQ)
				return fail(cu, ERR_BAD_REQUEST,
				    "must be of type %s", ptype_words[p->type]);
			path_pop(cu, at);
			continue;
		}
		if (decode_value(cu, p, v, (char *)outs[which] + p->off) != 0)
			return -1;
		path_pop(cu, at);
	}
	for (j = 0; j < n; j++) {
		for (p = decls[j]->list; p->name != NULL; p++) {
			v = mp_get(map, p->name);
			if ((p->flags & P_REQ) &&
			    (v == NULL || v->type == MSGPACK_OBJECT_NIL)) {
				path_push(cu, p->name, 0);
				return fail(cu, ERR_INVALID, "is required");
			}
		}
	}
	return 0;
}

int
params_decode(const struct params *decl, const struct params *gate,
    const msgpack_object *map, struct arena *arena, void **out,
    void *gate_out, struct perr *err, char *path, size_t len)
{
	struct cursor		 cu = { arena, err, path, len };
	const struct params	*decls[2] = { decl, gate };
	void			*outs[2];

	path[0] = '\0';
	*out = outs[0] = arena_alloc(arena, decl->size, 0);
	outs[1] = gate_out;
	return decode_map(&cu, decls, outs, gate != NULL ? 2 : 1, map);
}

const struct param *
params_find(const struct params *decl, const char *name)
{
	const struct param	*p;

	for (p = decl->list; p->name != NULL; p++) {
		if (strcmp(p->name, name) == 0)
			return p;
	}
	return NULL;
}

static void	pack_param(msgpack_packer *, const struct param *);

/* The keys of one declaration beside its name: type, limits, shapes. */
static void
pack_shape(msgpack_packer *pk, const struct param *p, uint32_t extra)
{
	uint32_t		 n = 2 + extra;
	const char *const	*v;
	char			 d[11];

	n += p->type == PT_STR || p->type == PT_LIST || p->type == PT_INT ||
	    p->type == PT_MONEY || p->type == PT_DATE ? 2 : 0;
	n += p->type == PT_HEX;
	n += p->pattern != NULL ? 1 + (p->ignore != NULL) : 0;
	n += p->type == PT_ENUM || p->type == PT_LIST || p->type == PT_MAP;
	msgpack_pack_map(pk, n);
	mp_pack_kstr(pk, "type", ptype_words[p->type]);
	mp_pack_kbool(pk, "required", (p->flags & P_REQ) != 0);
	if (p->type == PT_DATE) {
		snprintf(d, sizeof d, "%04d-01-01", CLOCK_YEAR_MIN);
		mp_pack_kstr(pk, "min", d);
		snprintf(d, sizeof d, "%04d-12-31", CLOCK_YEAR_MAX);
		mp_pack_kstr(pk, "max", d);
	} else if (p->type == PT_STR || p->type == PT_LIST ||
	    p->type == PT_INT || p->type == PT_MONEY) {
		mp_pack_kint(pk, "min", p->min);
		mp_pack_kint(pk, "max", p->max);
	}
	if (p->type == PT_HEX)
		mp_pack_kint(pk, "length", p->max);
	if (p->pattern != NULL) {
		mp_pack_kstr(pk, "pattern", p->pattern);
		if (p->ignore != NULL)
			mp_pack_kstr(pk, "ignore", p->ignore);
	}
	if (p->type == PT_ENUM) {
		mp_pack_str(pk, "values");
		for (n = 0, v = p->values; *v != NULL; v++)
			n++;
		msgpack_pack_array(pk, n);
		for (v = p->values; *v != NULL; v++)
			mp_pack_str(pk, *v);
	} else if (p->type == PT_LIST) {
		mp_pack_str(pk, "item");
		pack_shape(pk, p->item, 0);
	} else if (p->type == PT_MAP) {
		mp_pack_str(pk, "fields");
		params_pack(pk, p->fields, NULL);
	}
}

static void
pack_param(msgpack_packer *pk, const struct param *p)
{
	pack_shape(pk, p, 1 + ((p->flags & P_SECRET) != 0));
	mp_pack_kstr(pk, "name", p->name);
	if (p->flags & P_SECRET)
		mp_pack_kbool(pk, "secret", 1);
}

void
params_pack(msgpack_packer *pk, const struct params *decl,
    const struct params *more)
{
	const struct params	*d[2] = { decl, more };
	const struct param	*p;
	uint32_t		 n = 0;
	int			 i;

	for (i = 0; i < 2 && d[i] != NULL; i++) {
		for (p = d[i]->list; p->name != NULL; p++)
			n++;
	}
	msgpack_pack_array(pk, n);
	for (i = 0; i < 2 && d[i] != NULL; i++) {
		for (p = d[i]->list; p->name != NULL; p++)
			pack_param(pk, p);
	}
}

/*
 * msgpack helpers.  mp_check() is the gate every byte from a peer passes
 * before msgpack-c sees it: msgpack-c allocates a container's declared size
 * up front, so a 5-byte array32 header claiming 4 billion elements would
 * otherwise cost gigabytes.
 */
#include <string.h>

#include "rpc.h"
#include "xmalloc.h"

static const char *err_words[] = {
#define E(id, word) [ERR_##id] = word,
#include "errors.def"
#undef E
};

const char *
err_word(enum err_code c)
{
	if ((unsigned)c >= ERR__COUNT)
		return "internal";
	return err_words[c];
}

int
err_from_word(const char *s, size_t len)
{
	int	i;

	for (i = 0; i < ERR__COUNT; i++) {
		if (strlen(err_words[i]) == len && memcmp(err_words[i], s, len) == 0)
			return i;
	}
	return -1;
}

static uint64_t
be(const uint8_t *p, int n)
{
	uint64_t	v = 0;
	int		i;

	for (i = 0; i < n; i++)
		v = v << 8 | p[i];
	return v;
}

/*
 * Walk one object at *pos.  Containers push their element count onto an
 * explicit counter so deep nesting cannot exhaust the C stack.
 */
int
mp_check(const uint8_t *p, size_t len, int max_depth)
{
	uint64_t	 left[RPC_MAX_DEPTH + 1];
	int		 depth = 0;
	size_t		 pos = 0, objects = 0;

	if (max_depth > RPC_MAX_DEPTH)
		max_depth = RPC_MAX_DEPTH;
	left[0] = 1;
	while (depth >= 0) {
		uint8_t		 b;
		uint64_t	 skip = 0, count = 0, n = 0;
		int		 container = 0, lb = 0;

		if (left[depth] == 0) {
			depth--;
			continue;
		}
		left[depth]--;
		/* Decoded, each takes a msgpack_object: bound the memory. */
		if (pos >= len || ++objects > RPC_MAX_OBJECTS)
			return -1;
		b = p[pos++];
		if (b <= 0x7f || b >= 0xe0 || b == 0xc0 || b == 0xc2 || b == 0xc3)
			skip = 0;
		else if ((b & 0xf0) == 0x80) {
			container = 2; count = b & 0x0f;
		} else if ((b & 0xf0) == 0x90) {
			container = 1; count = b & 0x0f;
		} else if ((b & 0xe0) == 0xa0)
			skip = b & 0x1f;
		else {
			switch (b) {
			case 0xc4: case 0xd9: lb = 1; break;
			case 0xc5: case 0xda: lb = 2; break;
			case 0xc6: case 0xdb: lb = 4; break;
			case 0xcc: case 0xd0: skip = 1; break;
			case 0xcd: case 0xd1: skip = 2; break;
			case 0xca: case 0xce: case 0xd2: skip = 4; break;
			case 0xcb: case 0xcf: case 0xd3: skip = 8; break;
			case 0xd4: skip = 2; break;
			case 0xd5: skip = 3; break;
			case 0xd6: skip = 5; break;
			case 0xd7: skip = 9; break;
			case 0xd8: skip = 17; break;
			case 0xc7: lb = 1; n = 1; break;
			case 0xc8: lb = 2; n = 1; break;
			case 0xc9: lb = 4; n = 1; break;
			case 0xdc: container = 1; lb = 2; break;
			case 0xdd: container = 1; lb = 4; break;
			case 0xde: container = 2; lb = 2; break;
			case 0xdf: container = 2; lb = 4; break;
			default: return -1;	/* 0xc1 is never used */
			}
			if (lb) {
				if (len - pos < (size_t)lb)
					return -1;
				if (container)
					count = be(p + pos, lb);
				else
					skip = be(p + pos, lb) + n;
				pos += lb;
			}
		}
		if (container) {
			if (container == 2)
				count *= 2;
			/* Every element needs at least one byte. */
			if (count > len - pos || depth + 1 > max_depth)
				return -1;
			left[++depth] = count;
			continue;
		}
		if (skip > len - pos)
			return -1;
		pos += skip;
	}
	return pos == len ? 0 : -1;
}

int
mp_unpack(msgpack_unpacked *u, const uint8_t *data, size_t len)
{
	size_t	off = 0;

	msgpack_unpacked_init(u);
	if (mp_check(data, len, RPC_MAX_DEPTH) != 0)
		return -1;
	if (msgpack_unpack_next(u, (const char *)data, len, &off) !=
	    MSGPACK_UNPACK_SUCCESS || off != len)
		return -1;
	return 0;
}

static int
rpc_params(const msgpack_object *o, struct rpc_msg *m)
{
	if (o->type == MSGPACK_OBJECT_MAP) {	/* tolerated: a bare map */
		m->params = o;
		return 0;
	}
	if (o->type != MSGPACK_OBJECT_ARRAY || o->via.array.size > 1)
		return -1;
	if (o->via.array.size == 0) {
		m->params = NULL;
		return 0;
	}
	if (o->via.array.ptr[0].type == MSGPACK_OBJECT_NIL) {
		m->params = NULL;
		return 0;
	}
	if (o->via.array.ptr[0].type != MSGPACK_OBJECT_MAP)
		return -1;
	m->params = &o->via.array.ptr[0];
	return 0;
}

int
rpc_parse(const msgpack_object *o, struct rpc_msg *m)
{
	const msgpack_object	*a;
	uint32_t		 n;

	memset(m, 0, sizeof *m);
	if (o->type != MSGPACK_OBJECT_ARRAY || o->via.array.size < 3)
		return -1;
	a = o->via.array.ptr;
	n = o->via.array.size;
	if (a[0].type != MSGPACK_OBJECT_POSITIVE_INTEGER || a[0].via.u64 > 2)
		return -1;
	m->type = (int)a[0].via.u64;
	if (m->type == RPC_NOTIFY) {
		if (n != 3 || a[1].type != MSGPACK_OBJECT_STR)
			return -1;
		m->method = a[1].via.str.ptr;
		m->method_len = a[1].via.str.size;
		return rpc_params(&a[2], m);
	}
	if (n != 4 || a[1].type != MSGPACK_OBJECT_POSITIVE_INTEGER ||
	    a[1].via.u64 > UINT32_MAX)
		return -1;
	m->msgid = (uint32_t)a[1].via.u64;
	if (m->type == RPC_REQUEST) {
		if (a[2].type != MSGPACK_OBJECT_STR)
			return -1;
		m->method = a[2].via.str.ptr;
		m->method_len = a[2].via.str.size;
		return rpc_params(&a[3], m);
	}
	m->error = a[2].type == MSGPACK_OBJECT_NIL ? NULL : &a[2];
	m->result = &a[3];
	return 0;
}

const msgpack_object *
mp_get(const msgpack_object *map, const char *key)
{
	size_t		klen = strlen(key);
	uint32_t	i;

	if (map == NULL || map->type != MSGPACK_OBJECT_MAP)
		return NULL;
	for (i = 0; i < map->via.map.size; i++) {
		const msgpack_object	*k = &map->via.map.ptr[i].key;

		if (k->type == MSGPACK_OBJECT_STR && k->via.str.size == klen &&
		    memcmp(k->via.str.ptr, key, klen) == 0)
			return &map->via.map.ptr[i].val;
	}
	return NULL;
}

int
mp_str_eq(const msgpack_object *o, const char *s)
{
	size_t	len = strlen(s);

	return o != NULL && o->type == MSGPACK_OBJECT_STR &&
	    o->via.str.size == len && memcmp(o->via.str.ptr, s, len) == 0;
}

char *
mp_strdup(const msgpack_object *o)
{
	if (o == NULL || o->type != MSGPACK_OBJECT_STR)
		return NULL;
	return xmemdupz(o->via.str.ptr, o->via.str.size);
}

int
mp_int(const msgpack_object *o, int64_t *out)
{
	if (o == NULL)
		return -1;
	if (o->type == MSGPACK_OBJECT_POSITIVE_INTEGER) {
		if (o->via.u64 > INT64_MAX)
			return -1;
		*out = (int64_t)o->via.u64;
		return 0;
	}
	if (o->type == MSGPACK_OBJECT_NEGATIVE_INTEGER) {
		*out = o->via.i64;
		return 0;
	}
	return -1;
}

void
mp_pack_strn(msgpack_packer *pk, const char *s, size_t len)
{
	msgpack_pack_str(pk, len);
	msgpack_pack_str_body(pk, s, len);
}

void
mp_pack_str(msgpack_packer *pk, const char *s)
{
	mp_pack_strn(pk, s, strlen(s));
}

void
mp_pack_kstr(msgpack_packer *pk, const char *key, const char *val)
{
	mp_pack_str(pk, key);
	mp_pack_str(pk, val);
}

void
mp_pack_kint(msgpack_packer *pk, const char *key, int64_t v)
{
	mp_pack_str(pk, key);
	msgpack_pack_int64(pk, v);
}

void
mp_pack_kbool(msgpack_packer *pk, const char *key, int v)
{
	mp_pack_str(pk, key);
	if (v)
		msgpack_pack_true(pk);
	else
		msgpack_pack_false(pk);
}

void
mp_pack_knil(msgpack_packer *pk, const char *key)
{
	mp_pack_str(pk, key);
	msgpack_pack_nil(pk);
}

void
mp_pack_kstr_or_nil(msgpack_packer *pk, const char *key, const char *val)
{
	if (val == NULL)
		mp_pack_knil(pk, key);
	else
		mp_pack_kstr(pk, key, val);
}

void
rpc_pack_error(msgpack_packer *pk, enum err_code code, const char *message,
    const char *field, const struct rpc_extra *extra, int nextra)
{
	int	i;

	msgpack_pack_map(pk, 2 + (field != NULL) + (uint32_t)nextra);
	mp_pack_kstr(pk, "code", err_word(code));
	mp_pack_kstr(pk, "message", message);
	if (field != NULL)
		mp_pack_kstr(pk, "field", field);
	for (i = 0; i < nextra; i++) {
		if (extra[i].is_bool)
			mp_pack_kbool(pk, extra[i].key, extra[i].flag);
		else
			mp_pack_kstr(pk, extra[i].key, extra[i].str);
	}
}

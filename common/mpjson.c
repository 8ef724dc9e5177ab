/* msgpack <-> JSON, for `paw call`, the audit trail and the terminal client. */
#include <stdlib.h>
#include <string.h>

#include "hex.h"
#include "mpjson.h"
#include "rpc.h"
#include "xmalloc.h"

json_t *
mp_to_json(const msgpack_object *o)
{
	json_t		*j;
	uint32_t	 i;
	char		*s;

	switch (o->type) {
	case MSGPACK_OBJECT_NIL:
		return json_null();
	case MSGPACK_OBJECT_BOOLEAN:
		return json_boolean(o->via.boolean);
	case MSGPACK_OBJECT_POSITIVE_INTEGER:
		return json_integer(o->via.u64 > INT64_MAX ? INT64_MAX :
		    (json_int_t)o->via.u64);
	case MSGPACK_OBJECT_NEGATIVE_INTEGER:
		return json_integer(o->via.i64);
	case MSGPACK_OBJECT_FLOAT32:
	case MSGPACK_OBJECT_FLOAT64:
		return json_real(o->via.f64);
	case MSGPACK_OBJECT_STR:
		return json_stringn_nocheck(o->via.str.ptr, o->via.str.size);
	case MSGPACK_OBJECT_BIN:
		s = xmalloc(2 * (size_t)o->via.bin.size + 1);
		hex_encode((const uint8_t *)o->via.bin.ptr, o->via.bin.size, s);
		j = json_string(s);
		free(s);
		return j;
	case MSGPACK_OBJECT_ARRAY:
		j = json_array();
		for (i = 0; i < o->via.array.size; i++)
			json_array_append_new(j, mp_to_json(&o->via.array.ptr[i]));
		return j;
	case MSGPACK_OBJECT_MAP:
		j = json_object();
		for (i = 0; i < o->via.map.size; i++) {
			const msgpack_object_kv	*kv = &o->via.map.ptr[i];

			if (kv->key.type != MSGPACK_OBJECT_STR)
				continue;
			s = xmemdupz(kv->key.via.str.ptr, kv->key.via.str.size);
			json_object_set_new(j, s, mp_to_json(&kv->val));
			free(s);
		}
		return j;
	default:
		return json_null();
	}
}

void
json_to_mp(msgpack_packer *pk, const json_t *j)
{
	const char	*key;
	json_t		*v;
	size_t		 i;

	switch (json_typeof(j)) {
	case JSON_OBJECT:
		msgpack_pack_map(pk, json_object_size(j));
		json_object_foreach((json_t *)j, key, v) {
			mp_pack_str(pk, key);
			json_to_mp(pk, v);
		}
		break;
	case JSON_ARRAY:
		msgpack_pack_array(pk, json_array_size(j));
		for (i = 0; i < json_array_size(j); i++)
			json_to_mp(pk, json_array_get(j, i));
		break;
	case JSON_STRING:
		mp_pack_strn(pk, json_string_value(j), json_string_length(j));
		break;
	case JSON_INTEGER:
		msgpack_pack_int64(pk, json_integer_value(j));
		break;
	case JSON_REAL:
		msgpack_pack_double(pk, json_real_value(j));
		break;
	case JSON_TRUE:
		msgpack_pack_true(pk);
		break;
	case JSON_FALSE:
		msgpack_pack_false(pk);
		break;
	default:
		msgpack_pack_nil(pk);
		break;
	}
}

char *
mp_to_json_text(const msgpack_object *o)
{
	json_t	*j = mp_to_json(o);
	char	*s = json_dumps(j, JSON_COMPACT | JSON_ENCODE_ANY);
	char	*r;

	json_decref(j);
	if (s == NULL)
		return xstrdup("null");
	r = xstrdup(s);
	free(s);
	return r;
}

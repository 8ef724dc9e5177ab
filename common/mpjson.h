/* Conversions between msgpack objects and jansson JSON values. */
#ifndef MPJSON_H
#define MPJSON_H

#include <jansson.h>
#include <msgpack.h>

/* A new JSON value for o (binary becomes lowercase hex). */
json_t	*mp_to_json(const msgpack_object *o);
/* Pack a JSON value; integers stay integers, reals become doubles. */
void	 json_to_mp(msgpack_packer *, const json_t *);
/* JSON text for o, compact (caller frees). */
char	*mp_to_json_text(const msgpack_object *o);

#endif

/*
 * msgpack-rpc over Pawprint's channel: message shapes, a bounds checker that
 * runs before msgpack-c ever allocates, and small pack/lookup helpers.
 */
#ifndef RPC_H
#define RPC_H

#include <stddef.h>
#include <stdint.h>

#include <msgpack.h>

#define RPC_REQUEST	0
#define RPC_RESPONSE	1
#define RPC_NOTIFY	2

#define RPC_MAX_DEPTH	32
/*
 * Objects in one message, at most: decoded, each takes a msgpack_object
 * (24 bytes), so a message of tiny elements cannot take twenty times its
 * size in memory.  Far above what any request or answer holds.
 */
#define RPC_MAX_OBJECTS	(512 * 1024)

enum err_code {
#define E(id, word) ERR_##id,
#include "errors.def"
#undef E
	ERR__COUNT
};

/* Wire word of an error code; its code from a word (-1 if unknown). */
const char	*err_word(enum err_code);
int		 err_from_word(const char *, size_t);

/*
 * Check that data holds exactly one msgpack object, no deeper than
 * max_depth, of at most RPC_MAX_OBJECTS objects, whose containers never
 * declare more elements than bytes are left: so unpacking it allocates at
 * most a small, bounded multiple of len.  Returns 0 or -1.
 */
int	mp_check(const uint8_t *data, size_t len, int max_depth);

/*
 * Unpack one checked message into u (caller calls msgpack_unpacked_destroy).
 * Returns 0 or -1 if mp_check fails or msgpack-c refuses it.
 */
int	mp_unpack(msgpack_unpacked *u, const uint8_t *data, size_t len);

/* A parsed envelope: pointers into the unpacked object (borrowed). */
struct rpc_msg {
	int			 type;
	uint32_t		 msgid;
	const char		*method;	/* not NUL-terminated */
	size_t			 method_len;
	const msgpack_object	*params;	/* a map, or NULL for empty */
	const msgpack_object	*error;		/* NULL if nil */
	const msgpack_object	*result;
};

/* Parse a request, response or notification envelope.  0 or -1. */
int	rpc_parse(const msgpack_object *, struct rpc_msg *);

/* Look key up in a map object; NULL if absent or o is not a map. */
const msgpack_object *mp_get(const msgpack_object *map, const char *key);
/* 1 if o is a string equal to s. */
int	mp_str_eq(const msgpack_object *o, const char *s);
/* Copy a string object as a NUL-terminated string (NULL if not a string). */
char	*mp_strdup(const msgpack_object *o);
/* Fetch an integer (signed or unsigned within int64); 0 or -1. */
int	mp_int(const msgpack_object *o, int64_t *out);

void	mp_pack_str(msgpack_packer *, const char *);
void	mp_pack_strn(msgpack_packer *, const char *, size_t);
void	mp_pack_kstr(msgpack_packer *, const char *key, const char *val);
void	mp_pack_kint(msgpack_packer *, const char *key, int64_t);
void	mp_pack_kbool(msgpack_packer *, const char *key, int);
void	mp_pack_knil(msgpack_packer *, const char *key);
/* Key and string, or nil when val is NULL. */
void	mp_pack_kstr_or_nil(msgpack_packer *, const char *key, const char *val);

/*
 * More keys an error may carry (PROTOCOL.md section 6 allows them): what the domain
 * adds, such as the member a conflict is with.  key is static; a string
 * value is copied.
 */
#define RPC_EXTRA_MAX	4
struct rpc_extra {
	const char	*key;
	int		 is_bool;
	char		 str[64];	/* or */
	int		 flag;
};

/* Pack an error map {code, message, field?, and the extra keys}. */
void	rpc_pack_error(msgpack_packer *, enum err_code, const char *message,
	    const char *field, const struct rpc_extra *, int nextra);

#endif

/*
 * Fuzz target: one record as a peer would send it, through what pawd and
 * paw do with it before any handler or database: mp_check() and
 * mp_unpack() (common/rpc.c), rpc_parse(), the lookups of a handshake
 * payload and of an error, the JSON conversion paw makes of a result
 * (common/mpjson.c), then the typed contract (server/contract.c) as the
 * gatekeeper runs it: the params against the method's own declaration and
 * the gate's (request_id, approver), and the idempotency digest of params
 * that passed.
 *
 * A request for an unknown method is decoded against the declaration its
 * msgid picks, and a bare map against every declaration, so that mutations
 * reach every method's table without spelling its name.
 *
 * One property is checked, not only survived: mp_check() promises that
 * msgpack-c unpacks what it admits, whole.
 */
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "fuzz.h"
#include "mpjson.h"
#include "pawd.h"
#include "xmalloc.h"

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	if (sodium_init() < 0)
		abort();
	return 0;
}

/* Decode params against the method's declaration, as rpc_check_params(). */
static void
fuzz_decode(const struct method *m, const msgpack_object *params)
{
	struct arena	*arena = arena_create();
	struct gate_p	 gate;
	struct perr	 err;
	char		 path[128];
	uint8_t		 digest[IDEM_DIGEST_LEN];
	void		*in;

	memset(&gate, 0, sizeof gate);
	if (params_decode(m->params, method_gate_params(m), params, arena, &in,
	    &gate, &err, path, sizeof path) == 0)
		idem_digest(m->name, params, digest);
	arena_free(arena);
}

static const struct method *
fuzz_method(const struct rpc_msg *msg)
{
	size_t	i;

	for (i = 0; i < nmethods; i++) {
		if (strlen(methods[i].name) == msg->method_len &&
		    memcmp(methods[i].name, msg->method, msg->method_len) == 0)
			return &methods[i];
	}
	return &methods[msg->msgid % nmethods];
}

/* What session_read_hello() and paw's error handling look up. */
static void
fuzz_lookups(const msgpack_object *o)
{
	const msgpack_object	*v;
	int64_t			 n;

	free(mp_strdup(mp_get(o, "client")));
	free(mp_strdup(mp_get(o, "host")));
	mp_int(mp_get(o, "v"), &n);
	mp_str_eq(mp_get(o, "status"), "ok");
	if ((v = mp_get(o, "code")) != NULL && v->type == MSGPACK_OBJECT_STR)
		err_from_word(v->via.str.ptr, v->via.str.size);
	free(mp_to_json_text(o));
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	msgpack_unpacked	 u;
	struct rpc_msg		 msg;
	size_t			 i;
	int			 admitted;

	admitted = mp_check(data, size, RPC_MAX_DEPTH) == 0;
	if (mp_unpack(&u, data, size) != 0) {
		if (admitted)
			abort();	/* mp_check() let through what cannot unpack */
		msgpack_unpacked_destroy(&u);
		return 0;
	}
	fuzz_lookups(&u.data);
	if (rpc_parse(&u.data, &msg) == 0) {
		if (msg.type != RPC_RESPONSE)
			fuzz_decode(fuzz_method(&msg), msg.params);
		else if (msg.error != NULL)
			fuzz_lookups(msg.error);
	} else if (u.data.type == MSGPACK_OBJECT_MAP) {
		for (i = 0; i < nmethods; i++)
			fuzz_decode(&methods[i], &u.data);
	}
	msgpack_unpacked_destroy(&u);
	return 0;
}

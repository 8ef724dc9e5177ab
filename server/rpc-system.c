/* system.*: liveness, version and the method table. */
#include <string.h>

#include "clock.h"
#include "pawd.h"

NO_PARAMS(system_ping);
NO_PARAMS(system_version);
NO_PARAMS(system_methods);

void
rpc_system_ping(struct req *req)
{
	msgpack_pack_map(&req->pk, 2);
	mp_pack_kbool(&req->pk, "pong", 1);
	mp_pack_kint(&req->pk, "time", clock_now());
}

void
rpc_system_version(struct req *req)
{
	msgpack_pack_map(&req->pk, 5);
	mp_pack_kstr(&req->pk, "server", "pawd");
	mp_pack_kstr(&req->pk, "version", PAW_VERSION);
	mp_pack_kint(&req->pk, "protocol", 1);
	mp_pack_kstr(&req->pk, "sqlite", db_version());
	mp_pack_kbool(&req->pk, "test_clock", clock_test_on());
}

/* Pack a role mask as a list of names. */
static void
pack_roles(msgpack_packer *pk, int roles)
{
	int	n = 0, i;

	for (i = 0; i < 4; i++)
		n += (roles >> i) & 1;
	msgpack_pack_array(pk, n);
	for (i = 0; i < 4; i++) {
		if (roles & (1 << i))
			mp_pack_str(pk, role_name(1 << i));
	}
}

void
rpc_system_methods(struct req *req)
{
	size_t	i;

	msgpack_pack_map(&req->pk, 1);
	mp_pack_str(&req->pk, "methods");
	msgpack_pack_array(&req->pk, nmethods);
	for (i = 0; i < nmethods; i++) {
		const struct method	*m = &methods[i];

		msgpack_pack_map(&req->pk, 8);
		mp_pack_kstr(&req->pk, "name", m->name);
		mp_pack_str(&req->pk, "roles");
		pack_roles(&req->pk, m->roles);
		mp_pack_kbool(&req->pk, "login", !(m->flags & F_PUBLIC));
		mp_pack_kbool(&req->pk, "write",
		    (m->flags & (F_WRITE | F_OWNTX)) != 0);
		mp_pack_kbool(&req->pk, "money", (m->flags & F_MONEY) != 0);
		mp_pack_kbool(&req->pk, "approval",
		    (m->flags & F_APPROVE) != 0);
		mp_pack_kbool(&req->pk, "read", (m->flags & F_READ) != 0);
		mp_pack_str(&req->pk, "params");
		params_pack(&req->pk, m->params, method_gate_params(m));
	}
}

/* system.*: liveness, version and the method table. */
#include <string.h>

#include "clock.h"
#include "pawd.h"

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

/* [{name, type, required}, ...] */
static void
pack_params(msgpack_packer *pk, size_t mi)
{
	const struct param_spec	*p;
	int			 i, n = method_params(mi, &p);

	mp_pack_str(pk, "params");
	msgpack_pack_array(pk, (size_t)n);
	for (i = 0; i < n; i++) {
		msgpack_pack_map(pk, 3);
		mp_pack_kstr(pk, "name", p[i].name);
		mp_pack_kstr(pk, "type", p[i].type);
		mp_pack_kbool(pk, "required", p[i].required);
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

		msgpack_pack_map(&req->pk, 5);
		mp_pack_kstr(&req->pk, "name", m->name);
		mp_pack_str(&req->pk, "roles");
		pack_roles(&req->pk, m->roles);
		mp_pack_kbool(&req->pk, "login", !(m->flags & F_PUBLIC));
		mp_pack_kbool(&req->pk, "write",
		    (m->flags & (F_WRITE | F_OWNTX)) != 0);
		pack_params(&req->pk, i);
	}
}

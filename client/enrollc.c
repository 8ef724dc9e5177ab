/*
 * paw enroll: make this machine a branch device.
 *   paw enroll HOST:PORT CODE            one-time code from `pawd enroll`
 *   paw enroll HOST:PORT --server-key HEX  pin the key; the admin then runs
 *                                        `pawd device add` with our key
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sodium.h>

#include "chan.h"
#include "clock.h"
#include "enroll.h"
#include "hex.h"
#include "mpjson.h"
#include "noise.h"
#include "paw.h"
#include "xmalloc.h"

struct enrolling {
	int	 done;
	int	 ok;
	char	 why[256];
	char	 branch[64];
	int64_t	 device;
};

static void
enroll_open(struct chan *ch, void *arg)
{
	msgpack_sbuffer	 sb;
	msgpack_packer	 pk;
	char		 host[64] = "";

	gethostname(host, sizeof host - 1);
	msgpack_sbuffer_init(&sb);
	msgpack_packer_init(&pk, &sb, msgpack_sbuffer_write);
	msgpack_pack_array(&pk, 4);
	msgpack_pack_uint8(&pk, RPC_REQUEST);
	msgpack_pack_uint32(&pk, 1);
	mp_pack_str(&pk, "device.register");
	msgpack_pack_array(&pk, 1);
	msgpack_pack_map(&pk, 1);
	mp_pack_kstr(&pk, "name", host);
	chan_send(ch, (uint8_t *)sb.data, sb.size);
	msgpack_sbuffer_destroy(&sb);
}

static void
enroll_record(struct chan *ch, const uint8_t *p, size_t len, void *arg)
{
	struct enrolling	*e = arg;
	msgpack_unpacked	 u;
	struct rpc_msg		 m;
	char			*s;
	int64_t			 id;

	if (mp_unpack(&u, p, len) != 0 || rpc_parse(&u.data, &m) != 0 ||
	    m.type != RPC_RESPONSE) {
		msgpack_unpacked_destroy(&u);
		return;
	}
	e->done = 1;
	if (m.error != NULL) {
		s = mp_strdup(mp_get(m.error, "message"));
		snprintf(e->why, sizeof e->why, "%s", s ? s : "refused");
		free(s);
	} else {
		e->ok = 1;
		if (mp_int(mp_get(m.result, "device"), &id) == 0)
			e->device = id;
		s = mp_strdup(mp_get(m.result, "branch"));
		snprintf(e->branch, sizeof e->branch, "%s", s ? s : "");
		free(s);
	}
	msgpack_unpacked_destroy(&u);
	chan_close(ch, "enrolled");
}

static void
enroll_closed(struct chan *ch, const char *reason, void *arg)
{
	struct enrolling	*e = arg;
	static const char	*hello[] = { "", "unsupported protocol",
	    "server busy", "enrollment code unknown or expired",
	    "enrollment code already used" };
	int			 st = chan_hello_status(ch);

	if (!e->done) {
		e->done = 1;
		if (strcmp(reason, "hello refused") == 0 && st > 0 && st <= 4)
			snprintf(e->why, sizeof e->why, "%s", hello[st]);
		else if (strcmp(reason, "handshake failed") == 0)
			snprintf(e->why, sizeof e->why,
			    "handshake failed: the code does not match");
		else
			snprintf(e->why, sizeof e->why, "%s", reason);
	}
}

static const struct chan_cb enroll_cb = {
	.open = enroll_open,
	.record = enroll_record,
	.closed = enroll_closed,
};

/* Dial and run the enrollment handshake with the code. */
static int
enroll_code(struct paw_conf *conf, const char *hostport, const char *code)
{
	uint8_t			 key[32], s[32], code_id[16], psk[32];
	struct enrolling	 e = { 0 };
	struct loop		*loop;
	struct chan		*ch;
	char			*why = NULL;
	int64_t			 deadline = clock_ms() + 15000;
	int			 fd;
	msgpack_sbuffer		 sb;

	if (enroll_code_parse(code, key, s) != 0) {
		fprintf(stderr, _("paw: that is not a valid enrollment code\n"));
		return 1;
	}
	enroll_derive(s, code_id, psk);
	sodium_memzero(s, sizeof s);
	free(conf->server);
	conf->server = xstrdup(hostport);
	if ((fd = paw_dial_tcp(hostport, &why)) < 0) {
		fprintf(stderr, "paw: %s\n", why);
		free(why);
		return 3;
	}
	if (!conf->have_key) {
		uint8_t	pub[32];

		noise_keypair(conf->key, pub);
		conf->have_key = 1;
	}
	loop = loop_create();
	client_hello_payload(&sb);
	ch = chan_connect(loop, fd, fd, conf->key, key, CHAN_ENROLL, code_id,
	    psk, (uint8_t *)sb.data, sb.size, &enroll_cb, &e);
	msgpack_sbuffer_destroy(&sb);
	sodium_memzero(psk, sizeof psk);
	while (!e.done && clock_ms() < deadline)
		loop_once(loop, 100);
	chan_free(ch);
	loop_free(loop);
	if (!e.ok) {
		fprintf(stderr, _("paw: enrollment failed: %s\n"),
		    e.why[0] ? e.why : _("timed out"));
		return 1;
	}
	memcpy(conf->server_key, key, 32);
	conf->have_server_key = 1;
	free(conf->branch);
	conf->branch = xstrdup(e.branch);
	if (conf_save(conf, &why) != 0) {
		fprintf(stderr, "paw: %s\n", why);
		return 1;
	}
	printf(_("enrolled: device %lld at branch %s, server %s\n"),
	    (long long)e.device, e.branch, hostport);
	return 0;
}

int
enroll_main(struct paw_conf *conf, int argc, char **argv)
{
	uint8_t	 pub[32];
	char	 hex[65], *why = NULL;

	if (argc != 2 && !(argc == 3 && strcmp(argv[1], "--server-key") == 0)) {
		fprintf(stderr, _("usage: paw enroll HOST:PORT CODE\n"
		    "       paw enroll HOST:PORT --server-key HEX\n"));
		return 2;
	}
	if (conf->have_server_key) {
		fprintf(stderr, _("paw: %s already holds an enrolled device; "
		    "use another PAW_HOME or remove it first\n"), conf->home);
		return 1;
	}
	if (argc == 2)
		return enroll_code(conf, argv[0], argv[1]);
	if (hex_decode(argv[2], conf->server_key, 32) != 0) {
		fprintf(stderr, _("paw: --server-key needs 64 hex characters\n"));
		return 2;
	}
	conf->have_server_key = 1;
	free(conf->server);
	conf->server = xstrdup(argv[0]);
	if (!conf->have_key) {
		noise_keypair(conf->key, pub);
		conf->have_key = 1;
	}
	if (conf_save(conf, &why) != 0) {
		fprintf(stderr, "paw: %s\n", why);
		return 1;
	}
	crypto_scalarmult_base(pub, conf->key);
	hex_encode(pub, 32, hex);
	printf("%s\n", hex);
	fprintf(stderr, _("server pinned. On HQ, add this device with:\n"
	    "  pawd device add DIR --branch CODE --pubkey %s\n"), hex);
	return 0;
}

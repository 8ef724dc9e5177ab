/*
 * Sessions: one per connected device, living on one shard's loop.  The
 * channel calls back here for the hello (enrollment codes), the device check
 * after Noise message 1, and every record.  A session is freed from its loop
 * (session_reap) once its channel is closed and no request still refers to
 * it.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "clock.h"
#include "hex.h"
#include "log.h"
#include "pawd.h"
#include "xmalloc.h"

static int
session_hello(struct chan *c, int mode, const uint8_t *code_id, uint8_t psk[32],
    void *arg)
{
	struct session	*s = arg;

	if ((s->flags & SESSION_BUSY) || s->srv->shutting_down)
		return HELLO_BUSY;
	s->flags |= SESSION_HELLO;
	if (mode != CHAN_ENROLL)
		return HELLO_OK;
	s->flags |= SESSION_ENROLL;
	return device_code_lookup(s->shard->db, code_id, psk,
	    &s->who.enroll_code, s->who.branch);
}

static void
session_read_hello(struct session *s, const uint8_t *p, size_t len)
{
	msgpack_unpacked	 u;
	char			*v;

	if (mp_unpack(&u, p, len) == 0) {
		if ((v = mp_strdup(mp_get(&u.data, "client"))) != NULL) {
			snprintf(s->who.client, sizeof s->who.client, "%s", v);
			free(v);
		}
		if ((v = mp_strdup(mp_get(&u.data, "host"))) != NULL) {
			snprintf(s->who.host, sizeof s->who.host, "%s", v);
			free(v);
		}
	}
	msgpack_unpacked_destroy(&u);
}

static const char *
session_identify(struct chan *c, const uint8_t rs[32], const uint8_t *payload,
    size_t len, void *arg)
{
	struct session	*s = arg;
	const char	*st;
	char		 hex[65];

	session_read_hello(s, payload, len);
	memcpy(s->who.key, rs, 32);
	hex_encode(rs, 8, hex);
	if (s->flags & SESSION_ENROLL) {
		int64_t	 id;
		char	 branch[ID_MAX];

		/* The key must be new; the PSK is proven by the first record. */
		st = device_identify(s->shard->db, rs, &id, branch);
		if (strcmp(st, "unknown_device") != 0) {
			log_warn("%s: enrollment with a known key %s",
			    s->who.peer, hex);
			return "device_key_taken";
		}
		return "ok";
	}
	st = device_identify(s->shard->db, rs, &s->who.device, s->who.branch);
	if (strcmp(st, "ok") != 0) {
		log_warn("%s: refused device %s: %s", s->who.peer, hex, st);
		return st;
	}
	log_info("%s: device %lld (%s) connected", s->who.peer,
	    (long long)s->who.device, s->who.branch);
	server_device_seen(s->shard, s->who.device);
	return st;
}

/* The device proved its key: out of the pre-handshake budget. */
static void
session_open(struct chan *c, void *arg)
{
	struct session	*s = arg;

	chan_set_max_record(c, PRELOGIN_MAX_RECORD);
	chan_set_budget(c, &s->srv->record_budget);
	if (s->flags & SESSION_PRE) {
		s->flags &= ~SESSION_PRE;
		server_preauth_done(s->srv, s->addr);
	}
	s->flags |= SESSION_OPEN;
	s->srv->nopen++;
}

static void
session_record(struct chan *c, const uint8_t *p, size_t len, void *arg)
{
	rpc_dispatch(arg, p, len);
}

/*
 * A request answered later holds the session: the records after it wait
 * in the channel (which stops reading the peer past a limit) until every
 * such request is answered, so they are handled in order.
 */
void
session_hold(struct session *s)
{
	if (s->holding++ == 0)
		chan_hold(s->chan, 1);
}

void
session_release(struct session *s)
{
	if (--s->holding == 0 && !(s->flags & SESSION_DEAD))
		chan_hold(s->chan, 0);
}

static void
session_closed(struct chan *c, const char *reason, void *arg)
{
	struct session	*s = arg;

	s->flags |= SESSION_DEAD;
	/* Before a handshake, a burst is logged by the server, not each one. */
	if (s->flags & SESSION_OPEN)
		log_info("%s: session %llu closed: %s", s->who.peer,
		    (unsigned long long)s->id, reason);
	else
		log_debug("%s: connection %llu closed: %s", s->who.peer,
		    (unsigned long long)s->id, reason);
}

static const struct chan_cb session_cb = {
	.hello = session_hello,
	.identify = session_identify,
	.open = session_open,
	.record = session_record,
	.closed = session_closed,
};

struct session *
session_create(struct shard *sh, int fd_in, int fd_out, const char *peer,
    int flags, const uint8_t addr[16])
{
	struct server	*srv = sh->srv;
	struct session	*s = xcalloc(1, sizeof *s);

	s->srv = srv;
	s->shard = sh;
	s->flags = flags;
	s->since = clock_ms();
	memcpy(s->addr, addr, 16);
	s->id = ++srv->next_session_id;
	snprintf(s->who.peer, sizeof s->who.peer, "%s", peer);
	if ((s->chan = chan_accept(sh->loop, fd_in, fd_out, srv->s_priv,
	    &session_cb, s)) == NULL) {
		free(s);
		return NULL;
	}
	s->next = sh->sessions;
	if (sh->sessions != NULL)
		sh->sessions->prev = s;
	sh->sessions = s;
	return s;
}

void
session_send(struct session *s, const char *p, size_t len)
{
	if (!(s->flags & SESSION_DEAD))
		chan_send(s->chan, (const uint8_t *)p, len);
}

/* Tell the client why, then close after the queued answers are sent. */
void
session_notify_closing(struct session *s, const char *reason)
{
	msgpack_sbuffer	sb;
	msgpack_packer	pk;

	if ((s->flags & SESSION_DEAD) || chan_state(s->chan) != 1)
		return;
	msgpack_sbuffer_init(&sb);
	msgpack_packer_init(&pk, &sb, msgpack_sbuffer_write);
	msgpack_pack_array(&pk, 3);
	msgpack_pack_uint8(&pk, RPC_NOTIFY);
	mp_pack_str(&pk, "session.closing");
	msgpack_pack_array(&pk, 1);
	msgpack_pack_map(&pk, 1);
	mp_pack_kstr(&pk, "reason", reason);
	chan_send(s->chan, (const uint8_t *)sb.data, sb.size);
	msgpack_sbuffer_destroy(&sb);
}

/* End a session on purpose: a notice if the channel is open, then close. */
void
session_kill(struct session *s, const char *reason)
{
	if (s->flags & SESSION_DEAD)
		return;
	session_notify_closing(s, reason);
	chan_close(s->chan, reason);
}

void
session_reap(struct shard *sh)
{
	struct server	*srv = sh->srv;
	struct session	*s, *next;

	for (s = sh->sessions; s != NULL; s = next) {
		next = s->next;
		if (!(s->flags & SESSION_DEAD) || s->pending > 0)
			continue;
		if (s->prev != NULL)
			s->prev->next = s->next;
		else
			sh->sessions = s->next;
		if (s->next != NULL)
			s->next->prev = s->prev;
		srv->nsessions--;
		if (s->flags & SESSION_BUSY)
			srv->nbusy--;
		if (s->flags & SESSION_PRE)
			server_preauth_done(srv, s->addr);
		if (s->flags & SESSION_OPEN)
			srv->nopen--;
		chan_free(s->chan);
		sodium_memzero(s, sizeof *s);
		free(s);
	}
}

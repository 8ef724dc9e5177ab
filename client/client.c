/*
 * The client side of a connection to pawd: TCP or an ssh child running
 * `pawd serve --stdio`, the channel, pending calls by message id, and
 * reconnection.  A dropped channel fails every pending call with one error
 * (disconnected); with autoreconnect on, the client dials again and resumes
 * the staff session with its token, so the terminal never loses a form.
 */
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <sys/wait.h>

#include <sodium.h>

#include "chan.h"
#include "clock.h"
#include "hex.h"
#include "mpjson.h"
#include "paw.h"
#include "xmalloc.h"

#define CALL_TIMEOUT_MS		30000
#define CONNECT_TIMEOUT_MS	10000

struct call {
	uint32_t	 id;
	client_cb	*cb;
	void		*arg;
	int		 done;		/* blocking calls */
	json_t		*result;
	struct client_err err;
	int		 blocking;
	struct call	*next;
};

struct client {
	struct loop		*loop;
	struct paw_conf		*conf;
	struct chan		*chan;
	struct chan		*dead;		/* freed on the next turn */
	pid_t			 ssh_pid;
	int			 state;
	int			 autoreconnect;
	uint64_t		 retry_timer;
	int			 retry_ms;
	char			 reason[256];
	char			 desc[200];
	char			*token;
	struct call		*calls;
	uint32_t		 next_id;
	client_state_cb		*state_cb;
	void			*state_arg;
};

static void	client_schedule(struct client *);

static void
client_set_state(struct client *c, int state, const char *detail)
{
	c->state = state;
	if (c->state_cb != NULL)
		c->state_cb(state, detail, c->state_arg);
}

static void
err_set(struct client_err *e, enum err_code code, const char *msg,
    const char *field)
{
	e->code = code;
	snprintf(e->word, sizeof e->word, "%s", err_word(code));
	snprintf(e->message, sizeof e->message, "%s", msg);
	snprintf(e->field, sizeof e->field, "%s", field ? field : "");
}

static void
err_from_obj(struct client_err *e, const msgpack_object *o)
{
	char	*code = mp_strdup(mp_get(o, "code"));
	char	*msg = mp_strdup(mp_get(o, "message"));
	char	*field = mp_strdup(mp_get(o, "field"));
	int	 c = code ? err_from_word(code, strlen(code)) : -1;

	err_set(e, c < 0 ? ERR_INTERNAL : (enum err_code)c,
	    msg ? msg : "error", field);
	if (code != NULL)	/* keep words this client does not know yet */
		snprintf(e->word, sizeof e->word, "%s", code);
	free(code);
	free(msg);
	free(field);
}

/* Complete a call: blocking ones keep the answer, others get a callback. */
static void
call_complete(struct client *c, struct call *k, json_t *res,
    const struct client_err *err)
{
	struct call	**pp;

	for (pp = &c->calls; *pp != NULL; pp = &(*pp)->next) {
		if (*pp == k) {
			*pp = k->next;
			break;
		}
	}
	if (k->blocking) {
		k->done = 1;
		k->result = res;
		if (err != NULL)
			k->err = *err;
		return;
	}
	if (k->cb != NULL)
		k->cb(res, err, k->arg);
	json_decref(res);
	free(k);
}

static void
client_fail_all(struct client *c, const char *why)
{
	struct client_err	e;

	err_set(&e, ERR_DISCONNECTED, why, NULL);
	while (c->calls != NULL)
		call_complete(c, c->calls, NULL, &e);
}

static void
client_record(struct chan *ch, const uint8_t *p, size_t len, void *arg)
{
	struct client		*c = arg;
	msgpack_unpacked	 u;
	struct rpc_msg		 m;
	struct call		*k;
	struct client_err	 e;
	char			*why;

	if (mp_unpack(&u, p, len) != 0 || rpc_parse(&u.data, &m) != 0) {
		msgpack_unpacked_destroy(&u);
		chan_abort(ch, "malformed message from server");
		return;
	}
	if (m.type == RPC_NOTIFY && m.method_len == 15 &&
	    memcmp(m.method, "session.closing", 15) == 0) {
		why = mp_strdup(mp_get(m.params, "reason"));
		snprintf(c->reason, sizeof c->reason, "%s", why ? why : "closing");
		free(why);
	}
	if (m.type == RPC_RESPONSE) {
		for (k = c->calls; k != NULL && k->id != m.msgid; k = k->next)
			;
		if (k != NULL && m.error != NULL) {
			err_from_obj(&e, m.error);
			call_complete(c, k, NULL, &e);
		} else if (k != NULL)
			call_complete(c, k, mp_to_json(m.result), NULL);
	}
	msgpack_unpacked_destroy(&u);
}

static void
resume_done(json_t *res, const struct client_err *err, void *arg)
{
	struct client	*c = arg;

	if (err != NULL && err->code != ERR_DISCONNECTED) {
		free(c->token);
		c->token = NULL;
		client_set_state(c, CLIENT_UP, "login_required");
	} else if (err == NULL)
		client_set_state(c, CLIENT_UP, "resumed");
}

static void
client_open(struct chan *ch, void *arg)
{
	struct client	*c = arg;
	json_t		*p;

	c->retry_ms = 500;
	c->reason[0] = '\0';
	if (c->token != NULL) {
		p = json_pack("{s:s}", "token", c->token);
		client_set_state(c, CLIENT_CONNECTING, "resuming");
		client_call_async(c, "session.resume", p, resume_done, c);
		json_decref(p);
	} else
		client_set_state(c, CLIENT_UP, "connected");
}

/* Words of message 2 and hello statuses, said plainly. */
static const char *
client_reason_text(struct chan *ch, const char *reason, char *buf, size_t len)
{
	if (strcmp(reason, "hello refused") == 0) {
		switch (chan_hello_status(ch)) {
		case HELLO_UNSUPPORTED: return "server does not support this client's protocol";
		case HELLO_BUSY: return "server busy or shutting down";
		case HELLO_CODE_UNKNOWN: return "enrollment code unknown or expired";
		case HELLO_CODE_USED: return "enrollment code already used";
		}
	}
	if (strcmp(reason, "unknown_device") == 0)
		return "this device is not known to the server (enroll it first)";
	if (strcmp(reason, "revoked") == 0)
		return "this device has been revoked";
	if (strcmp(reason, "device_key_taken") == 0)
		return "this device key is already enrolled";
	snprintf(buf, len, "%s", reason);
	return buf;
}

static void
client_closed(struct chan *ch, const char *reason, void *arg)
{
	struct client	*c = arg;
	char		 pinned[65], got[65], buf[256];

	if (strcmp(reason, "server key mismatch") == 0) {
		hex_encode(c->conf->server_key, 32, pinned);
		hex_encode(chan_remote_key(ch), 32, got);
		snprintf(c->desc, sizeof c->desc, "server key mismatch: "
		    "pinned %.16s..., server presented %.16s...", pinned, got);
		snprintf(c->reason, sizeof c->reason, "server key mismatch: "
		    "this device pinned %s but the server presented %s; "
		    "refusing to continue", pinned, got);
		c->autoreconnect = 0;	/* never retry against a wrong key */
	} else if (c->reason[0] == '\0' || strcmp(reason, "peer closed") != 0)
		snprintf(c->reason, sizeof c->reason, "%s",
		    client_reason_text(ch, reason, buf, sizeof buf));
	c->dead = c->chan;
	c->chan = NULL;
	client_fail_all(c, c->reason);
	client_set_state(c, CLIENT_DOWN, c->reason);
	if (c->autoreconnect)
		client_schedule(c);
}

static const struct chan_cb client_chan_cb = {
	.open = client_open,
	.record = client_record,
	.closed = client_closed,
};

/* Connect a TCP socket with a timeout. -1 with why filled on failure. */
static int
dial_tcp(const char *hostport, char *why, size_t wlen)
{
	struct addrinfo	 hints = { .ai_socktype = SOCK_STREAM }, *res, *ai;
	char		 host[256], port[32];
	const char	*colon;
	int		 fd = -1, one = 1, err = 0, rc;
	socklen_t	 elen = sizeof err;
	struct pollfd	 pfd;

	if (*hostport == '[' && (colon = strstr(hostport, "]:")) != NULL) {
		snprintf(host, sizeof host, "%.*s", (int)(colon - hostport - 1),
		    hostport + 1);
		colon++;
	} else if ((colon = strrchr(hostport, ':')) != NULL)
		snprintf(host, sizeof host, "%.*s", (int)(colon - hostport),
		    hostport);
	if (colon == NULL) {
		snprintf(why, wlen, "%s: expected HOST:PORT", hostport);
		return -1;
	}
	snprintf(port, sizeof port, "%s", colon + 1);
	if ((rc = getaddrinfo(host, port, &hints, &res)) != 0) {
		snprintf(why, wlen, "%s: %s", hostport, gai_strerror(rc));
		return -1;
	}
	snprintf(why, wlen, "%s: cannot connect", hostport);
	for (ai = res; ai != NULL; ai = ai->ai_next) {
		fd = socket(ai->ai_family, ai->ai_socktype | SOCK_NONBLOCK |
		    SOCK_CLOEXEC, 0);
		if (fd == -1)
			continue;
		if (connect(fd, ai->ai_addr, ai->ai_addrlen) == 0)
			break;
		if (errno == EINPROGRESS) {
			pfd = (struct pollfd){ .fd = fd, .events = POLLOUT };
			if (poll(&pfd, 1, CONNECT_TIMEOUT_MS) == 1 &&
			    getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &elen) == 0 &&
			    err == 0)
				break;
			errno = err ? err : ETIMEDOUT;
		}
		snprintf(why, wlen, "%s: %s", hostport, strerror(errno));
		close(fd);
		fd = -1;
	}
	freeaddrinfo(res);
	if (fd != -1)
		setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
	return fd;
}

int
paw_dial_tcp(const char *hostport, char **why)
{
	char	buf[256];
	int	fd = dial_tcp(hostport, buf, sizeof buf);

	if (fd < 0)
		*why = xstrdup(buf);
	return fd;
}

/* Run `ssh [USER@]HOST pawd serve --stdio` ($PAW_SSH replaces ssh). */
static int
dial_ssh(struct client *c, int *in, int *out, char *why, size_t wlen)
{
	int		 to[2], from[2];
	const char	*ssh = getenv("PAW_SSH");
	const char	*cmd = c->conf->ssh_command ? c->conf->ssh_command :
			    "pawd serve /var/lib/pawprint --stdio";
	pid_t		 pid;

	if (pipe2(to, O_CLOEXEC) == -1 || pipe2(from, O_CLOEXEC) == -1) {
		snprintf(why, wlen, "pipe: %s", strerror(errno));
		return -1;
	}
	if ((pid = fork()) == -1) {
		snprintf(why, wlen, "fork: %s", strerror(errno));
		return -1;
	}
	if (pid == 0) {
		dup2(to[0], 0);
		dup2(from[1], 1);
		execlp(ssh ? ssh : "ssh", ssh ? ssh : "ssh", "-T", "-o",
		    "BatchMode=yes", c->conf->ssh, cmd, (char *)NULL);
		_exit(127);
	}
	close(to[0]);
	close(from[1]);
	fcntl(to[1], F_SETFL, O_NONBLOCK);
	fcntl(from[0], F_SETFL, O_NONBLOCK);
	c->ssh_pid = pid;
	*in = from[0];
	*out = to[1];
	return 0;
}

static void
client_reap_ssh(struct client *c)
{
	if (c->ssh_pid > 0) {
		kill(c->ssh_pid, SIGTERM);
		waitpid(c->ssh_pid, NULL, 0);
		c->ssh_pid = 0;
	}
}

/* Start dialing: sets c->chan; the handshake continues on the loop. */
static int
client_dial(struct client *c, struct client_err *err)
{
	char		 why[256], host[64] = "";
	int		 in, out;
	msgpack_sbuffer	 sb;
	msgpack_packer	 pk;

	chan_free(c->dead);
	c->dead = NULL;
	client_reap_ssh(c);
	if (c->conf->ssh != NULL) {
		if (dial_ssh(c, &in, &out, why, sizeof why) != 0)
			goto fail;
	} else if (c->conf->server == NULL) {
		snprintf(why, sizeof why,
		    "no server: run `paw enroll HOST:PORT CODE` first");
		goto fail;
	} else if ((in = out = dial_tcp(c->conf->server, why, sizeof why)) < 0)
		goto fail;
	gethostname(host, sizeof host - 1);
	msgpack_sbuffer_init(&sb);
	msgpack_packer_init(&pk, &sb, msgpack_sbuffer_write);
	msgpack_pack_map(&pk, 3);
	mp_pack_kint(&pk, "v", 1);
	mp_pack_kstr(&pk, "client", "paw/" PAW_VERSION);
	mp_pack_kstr(&pk, "host", host);
	c->chan = chan_connect(c->loop, in, out, c->conf->key,
	    c->conf->server_key, CHAN_SESSION, NULL, NULL,
	    (uint8_t *)sb.data, sb.size, &client_chan_cb, c);
	msgpack_sbuffer_destroy(&sb);
	if (c->chan == NULL) {
		snprintf(why, sizeof why, "cannot watch the connection");
		close(in);
		if (out != in)
			close(out);
		goto fail;
	}
	c->reason[0] = '\0';
	client_set_state(c, CLIENT_CONNECTING, "handshake");
	return 0;
fail:
	snprintf(c->reason, sizeof c->reason, "%s", why);
	if (err != NULL)
		err_set(err, ERR_DISCONNECTED, why, NULL);
	client_set_state(c, CLIENT_DOWN, why);
	return -1;
}

static void
client_retry(void *arg)
{
	struct client	*c = arg;

	c->retry_timer = 0;
	if (c->chan != NULL || !c->autoreconnect)
		return;
	if (client_dial(c, NULL) != 0)
		client_schedule(c);
}

static void
client_schedule(struct client *c)
{
	if (c->retry_timer != 0)
		return;
	c->retry_timer = loop_add_timer(c->loop, c->retry_ms, client_retry, c);
	if (c->retry_ms < 4000)
		c->retry_ms *= 2;
}

struct client *
client_create(struct loop *loop, struct paw_conf *conf)
{
	struct client	*c = xcalloc(1, sizeof *c);
	char		 hex[65];

	c->loop = loop;
	c->conf = conf;
	c->next_id = 1;
	c->retry_ms = 500;
	hex_encode(conf->server_key, 32, hex);
	snprintf(c->desc, sizeof c->desc, "%s (key %.16s...)",
	    conf->ssh ? conf->ssh : conf->server ? conf->server : "?", hex);
	return c;
}

void
client_free(struct client *c)
{
	if (c == NULL)
		return;
	if (c->retry_timer)
		loop_del_timer(c->loop, c->retry_timer);
	c->autoreconnect = 0;
	if (c->chan != NULL) {
		struct chan	*ch = c->chan;

		c->chan = NULL;
		chan_free(ch);
	}
	chan_free(c->dead);
	client_fail_all(c, "closed");
	client_reap_ssh(c);
	if (c->token != NULL) {
		sodium_memzero(c->token, strlen(c->token));
		free(c->token);
	}
	free(c);
}

int
client_connect(struct client *c, struct client_err *err)
{
	int64_t	deadline = clock_ms() + CONNECT_TIMEOUT_MS;

	if (c->chan == NULL && client_dial(c, err) != 0)
		return -1;
	while (c->chan != NULL && chan_state(c->chan) == 0 &&
	    clock_ms() < deadline)
		loop_once(c->loop, 100);
	if (c->chan != NULL && chan_state(c->chan) == 1)
		return 0;
	err_set(err, ERR_DISCONNECTED, c->reason[0] ? c->reason :
	    "timed out connecting", NULL);
	return -1;
}

void
client_set_autoreconnect(struct client *c, int on)
{
	c->autoreconnect = on;
	if (on && c->chan == NULL)
		client_schedule(c);
}

void
client_on_state(struct client *c, client_state_cb *cb, void *arg)
{
	c->state_cb = cb;
	c->state_arg = arg;
}

int
client_state(const struct client *c)
{
	return c->state;
}

const char *
client_server_desc(const struct client *c)
{
	return c->desc;
}

/* Pack and send a request; the call is registered before sending. */
static struct call *
client_send(struct client *c, const char *method, json_t *params,
    struct client_err *err)
{
	struct call	*k;
	msgpack_sbuffer	 sb;
	msgpack_packer	 pk;

	if (c->chan == NULL || chan_state(c->chan) != 1) {
		err_set(err, ERR_DISCONNECTED, c->reason[0] ? c->reason :
		    "not connected", NULL);
		return NULL;
	}
	k = xcalloc(1, sizeof *k);
	k->id = c->next_id++;
	msgpack_sbuffer_init(&sb);
	msgpack_packer_init(&pk, &sb, msgpack_sbuffer_write);
	msgpack_pack_array(&pk, 4);
	msgpack_pack_uint8(&pk, RPC_REQUEST);
	msgpack_pack_uint32(&pk, k->id);
	mp_pack_str(&pk, method);
	msgpack_pack_array(&pk, 1);
	if (params != NULL)
		json_to_mp(&pk, params);
	else
		msgpack_pack_map(&pk, 0);
	if (chan_send(c->chan, (uint8_t *)sb.data, sb.size) != 0) {
		msgpack_sbuffer_destroy(&sb);
		free(k);
		err_set(err, ERR_DISCONNECTED, "send failed", NULL);
		return NULL;
	}
	msgpack_sbuffer_destroy(&sb);
	k->next = c->calls;
	c->calls = k;
	return k;
}

json_t *
client_call(struct client *c, const char *method, json_t *params,
    struct client_err *err)
{
	struct call	*k, **pp;
	json_t		*res;
	int64_t		 deadline = clock_ms() + CALL_TIMEOUT_MS;

	memset(err, 0, sizeof *err);
	if ((k = client_send(c, method, params, err)) == NULL)
		return NULL;
	k->blocking = 1;
	while (!k->done && clock_ms() < deadline)
		loop_once(c->loop, 100);
	if (!k->done) {
		for (pp = &c->calls; *pp != NULL; pp = &(*pp)->next) {
			if (*pp == k) {
				*pp = k->next;
				break;
			}
		}
		err_set(err, ERR_UNAVAILABLE, "the server did not answer in time",
		    NULL);
		free(k);
		return NULL;
	}
	res = k->result;
	if (res == NULL)
		*err = k->err;
	free(k);
	return res;
}

uint32_t
client_call_async(struct client *c, const char *method, json_t *params,
    client_cb *cb, void *arg)
{
	struct client_err	 err;
	struct call		*k;

	if ((k = client_send(c, method, params, &err)) == NULL) {
		if (cb != NULL)
			cb(NULL, &err, arg);
		return 0;
	}
	k->cb = cb;
	k->arg = arg;
	return k->id;
}

void
client_cancel(struct client *c, uint32_t id)
{
	struct call	*k;

	for (k = c->calls; k != NULL; k = k->next) {
		if (k->id == id && !k->blocking)
			k->cb = NULL;
	}
}

json_t *
client_login(struct client *c, const char *staff, const char *password,
    struct client_err *err)
{
	json_t		*p = json_pack("{s:s, s:s}", "staff", staff,
			    "password", password);
	json_t		*res = client_call(c, "session.login", p, err);
	const char	*tok;

	json_decref(p);
	if (res == NULL)
		return NULL;
	if ((tok = json_string_value(json_object_get(res, "token"))) != NULL) {
		free(c->token);
		c->token = xstrdup(tok);
	}
	json_object_del(res, "token");
	return res;
}

void
client_logout(struct client *c)
{
	struct client_err	 err;
	json_t			*res;

	res = client_call(c, "session.logout", NULL, &err);
	json_decref(res);
	if (c->token != NULL) {
		sodium_memzero(c->token, strlen(c->token));
		free(c->token);
		c->token = NULL;
	}
}

/*
 * The client side of a connection to pawd: TCP or an ssh child running
 * `pawd serve --stdio`, the channel, pending calls by message id, and
 * reconnection.  A dropped channel fails every pending call with one error
 * (disconnected); with autoreconnect on, the client dials again and resumes
 * the staff session with its token, so the terminal never loses a form.
 *
 * Dialing never blocks the loop: a name is looked up on a thread of its own,
 * the TCP connect is non-blocking and watched for writability, the ssh
 * child's standard error is a pipe read by the loop, and every step has a
 * deadline, so the terminal keeps echoing keys while an unreachable HQ
 * swallows SYNs.  The loop also sends a keepalive (an empty transport
 * message) when the channel has been quiet, well before the server's idle
 * timeout.
 */
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <poll.h>
#include <pthread.h>
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
#include "utf8.h"
#include "xmalloc.h"

#define CALL_TIMEOUT_MS		30000
#define CONNECT_TIMEOUT_MS	10000	/* one address: SYN to established */
#define LOOKUP_TIMEOUT_MS	10000
#define HANDSHAKE_TIMEOUT_MS	10000	/* hello to message 2 */
#define SSH_TIMEOUT_MS		30000	/* ssh logs in, then the handshake */
#define OPEN_WAIT_MS		2000	/* a call waits this for a handshake */
#define KEEPALIVE_S		60	/* the server's default idle timeout: 600 */

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
	uint64_t		 reap_timer;
	pid_t			 ssh_pid;
	int			 ssh_err;	/* ssh's stderr pipe, or -1 */
	char			 ssh_line[256];	/* its last line */
	char			 ssh_part[256];	/* the line it is writing */
	size_t			 ssh_partlen;
	int			 lookup_fd;	/* name lookup under way, or -1 */
	int			 dial_fd;	/* TCP connect under way, or -1 */
	struct addrinfo		*addrs;		/* the server's addresses */
	struct addrinfo		*addr;		/* the one being tried */
	uint64_t		 step_timer;	/* deadline of the current step */
	int			 state;
	int			 down;		/* DOWN_*: why not connected */
	uint8_t			 presented[32];	/* DOWN_KEY_MISMATCH */
	int			 autoreconnect;
	uint64_t		 retry_timer;
	int			 retry_ms;
	int64_t			 keepalive_ms;	/* 0: never */
	uint64_t		 keepalive_timer;
	int64_t			 last_tx;
	char			 reason[256];
	char			 desc[200];
	char			*token;
	char			 closing[64];	/* the server's last word, kept */
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
	e->card_no[0] = '\0';
	e->archived = 0;
}

static void
err_from_obj(struct client_err *e, const msgpack_object *o)
{
	char	*code = mp_strdup(mp_get(o, "code"));
	char	*msg = mp_strdup(mp_get(o, "message"));
	char	*field = mp_strdup(mp_get(o, "field"));
	char	*card;
	int	 c = code ? err_from_word(code, strlen(code)) : -1;

	err_set(e, c < 0 ? ERR_INTERNAL : (enum err_code)c,
	    msg ? msg : "error", field);
	if (code != NULL)	/* keep words this client does not know yet */
		snprintf(e->word, sizeof e->word, "%s", code);
	free(code);
	free(msg);
	free(field);
	if ((card = mp_strdup(mp_get(o, "card_no"))) != NULL) {
		snprintf(e->card_no, sizeof e->card_no, "%s", card);
		free(card);
	}
	e->archived = mp_get(o, "archived") != NULL &&
	    mp_get(o, "archived")->type == MSGPACK_OBJECT_BOOLEAN &&
	    mp_get(o, "archived")->via.boolean;
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
		snprintf(c->closing, sizeof c->closing, "%.63s", c->reason);
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
	} else if (err == NULL) {
		c->closing[0] = '\0';
		client_set_state(c, CLIENT_UP, "resumed");
	}
}

/* Stop the deadline of a dialing step. */
static void
step_stop(struct client *c)
{
	if (c->step_timer != 0)
		loop_del_timer(c->loop, c->step_timer);
	c->step_timer = 0;
}

static void	step_timeout(void *);

static void
step_start(struct client *c, int64_t ms)
{
	step_stop(c);
	c->step_timer = loop_add_timer(c->loop, ms, step_timeout, c);
}

/* Send an empty transport message when nothing was sent for a while. */
static void
client_keepalive(void *arg)
{
	struct client	*c = arg;
	int64_t		 quiet;

	c->keepalive_timer = 0;
	if (c->chan == NULL || chan_state(c->chan) != 1)
		return;
	quiet = clock_ms() - c->last_tx;
	if (quiet >= c->keepalive_ms) {
		chan_keepalive(c->chan);
		c->last_tx = clock_ms();
		quiet = 0;
	}
	c->keepalive_timer = loop_add_timer(c->loop, c->keepalive_ms - quiet,
	    client_keepalive, c);
}

static void
keepalive_stop(struct client *c)
{
	if (c->keepalive_timer != 0)
		loop_del_timer(c->loop, c->keepalive_timer);
	c->keepalive_timer = 0;
}

static void
client_open(struct chan *ch, void *arg)
{
	struct client	*c = arg;
	json_t		*p;

	step_stop(c);
	c->retry_ms = 500;
	c->reason[0] = '\0';
	c->down = DOWN_NONE;
	c->ssh_line[0] = '\0';	/* what ssh said while logging in is past */
	c->last_tx = clock_ms();
	if (c->keepalive_ms > 0)
		c->keepalive_timer = loop_add_timer(c->loop, c->keepalive_ms,
		    client_keepalive, c);
	if (c->token != NULL) {
		p = json_pack("{s:s}", "token", c->token);
		client_set_state(c, CLIENT_CONNECTING, "resuming");
		client_call_async(c, "session.resume", p, resume_done, c);
		json_decref(p);
	} else
		client_set_state(c, CLIENT_UP, "connected");
}

/* Words of message 2 and hello statuses, said plainly (for scripts). */
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

/* The same reasons as a DOWN_ cause, for the terminal to translate. */
static int
client_reason_down(struct client *c, struct chan *ch, const char *reason)
{
	static const char *const closed[] = { "peer closed", "read failed",
	    "write failed", "closed", "peer is not reading" };
	size_t	i;

	if (strcmp(reason, "server key mismatch") == 0)
		return DOWN_KEY_MISMATCH;
	if (strcmp(reason, "revoked") == 0)
		return DOWN_REVOKED;
	if (strcmp(reason, "unknown_device") == 0)
		return DOWN_UNKNOWN_DEVICE;
	if (strcmp(reason, "timed out") == 0)
		return DOWN_TIMEOUT;
	if (strcmp(reason, "hello refused") == 0 &&
	    chan_hello_status(ch) == HELLO_BUSY)
		return DOWN_BUSY;
	for (i = 0; i < sizeof closed / sizeof closed[0]; i++) {
		if (strcmp(reason, closed[i]) == 0)
			return c->ssh_line[0] != '\0' ? DOWN_SSH : DOWN_CLOSED;
	}
	return DOWN_PROTOCOL;
}

/* Keep the line ssh finished, made safe to draw: no control characters. */
static void
ssh_keep_line(struct client *c)
{
	size_t	i, n = c->ssh_partlen;
	int	valid = utf8_valid(c->ssh_part, n);

	c->ssh_partlen = 0;
	if (n == 0)
		return;
	for (i = 0; i < n; i++) {
		unsigned char	ch = (unsigned char)c->ssh_part[i];

		c->ssh_line[i] = ch < ' ' || ch == 0x7f || (!valid && ch >= 0x80) ?
		    '?' : (char)ch;
	}
	c->ssh_line[n] = '\0';
}

/* Read what ssh wrote on stderr, keeping its last non-empty line. */
static void
ssh_stderr_read(struct client *c)
{
	char	buf[512], *p;
	ssize_t	n;

	if (c->ssh_err < 0)
		return;
	for (;;) {
		n = read(c->ssh_err, buf, sizeof buf);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
			return;
		if (n <= 0)
			break;
		for (p = buf; p < buf + n; p++) {
			if (*p != '\n' && *p != '\r') {
				if (c->ssh_partlen < sizeof c->ssh_part - 1)
					c->ssh_part[c->ssh_partlen++] = *p;
				continue;
			}
			ssh_keep_line(c);
		}
	}
	/* End of file: ssh is gone; a last line without a newline counts. */
	ssh_keep_line(c);
	loop_del_fd(c->loop, c->ssh_err);
	close(c->ssh_err);
	c->ssh_err = -1;
}

static void
ssh_stderr_io(int fd, int events, void *arg)
{
	ssh_stderr_read(arg);
}

static void	client_reap_ssh(struct client *);

/* Free the closed channel and end ssh, outside the channel's callback. */
static void
client_reap(void *arg)
{
	struct client	*c = arg;

	c->reap_timer = 0;
	chan_free(c->dead);
	c->dead = NULL;
	client_reap_ssh(c);
}

static void
client_closed(struct chan *ch, const char *reason, void *arg)
{
	struct client	*c = arg;
	char		 pinned[65], got[65], buf[256];

	step_stop(c);
	keepalive_stop(c);
	ssh_stderr_read(c);	/* what ssh said before it closed the pipe */
	c->down = client_reason_down(c, ch, reason);
	if (c->down == DOWN_KEY_MISMATCH) {
		memcpy(c->presented, chan_remote_key(ch), 32);
		hex_encode(c->conf->server_key, 32, pinned);
		hex_encode(c->presented, 32, got);
		snprintf(c->desc, sizeof c->desc, "server key mismatch: "
		    "pinned %.16s..., server presented %.16s...", pinned, got);
		snprintf(c->reason, sizeof c->reason, "server key mismatch: "
		    "this device pinned %s but the server presented %s; "
		    "refusing to continue", pinned, got);
	} else if (c->down == DOWN_SSH && c->reason[0] == '\0')
		snprintf(c->reason, sizeof c->reason, "%s", c->ssh_line);
	else if (c->reason[0] == '\0' || strcmp(reason, "peer closed") != 0)
		snprintf(c->reason, sizeof c->reason, "%s",
		    client_reason_text(ch, reason, buf, sizeof buf));
	c->dead = c->chan;
	c->chan = NULL;
	if (c->reap_timer == 0)
		c->reap_timer = loop_add_timer(c->loop, 0, client_reap, c);
	client_fail_all(c, c->reason);
	client_set_state(c, CLIENT_DOWN, c->reason);
	if (c->autoreconnect && !DOWN_FINAL(c->down))
		client_schedule(c);
}

static const struct chan_cb client_chan_cb = {
	.open = client_open,
	.record = client_record,
	.closed = client_closed,
};

/* Split HOST:PORT or [V6]:PORT.  0, or -1 with why filled. */
static int
split_hostport(const char *hostport, char *host, size_t hlen, char *port,
    size_t plen, char *why, size_t wlen)
{
	const char	*colon;

	if (*hostport == '[' && (colon = strstr(hostport, "]:")) != NULL) {
		snprintf(host, hlen, "%.*s", (int)(colon - hostport - 1),
		    hostport + 1);
		colon++;
	} else if ((colon = strrchr(hostport, ':')) != NULL)
		snprintf(host, hlen, "%.*s", (int)(colon - hostport), hostport);
	if (colon == NULL) {
		snprintf(why, wlen, "%s: expected HOST:PORT", hostport);
		return -1;
	}
	snprintf(port, plen, "%s", colon + 1);
	return 0;
}

/* Start a non-blocking connect: 0 connected, 1 under way, -1 with errno. */
static int
tcp_start(const struct addrinfo *ai, int *fdp)
{
	int	fd, saved;

	fd = socket(ai->ai_family, ai->ai_socktype | SOCK_NONBLOCK |
	    SOCK_CLOEXEC, 0);
	if (fd == -1)
		return -1;
	*fdp = fd;
	if (connect(fd, ai->ai_addr, ai->ai_addrlen) == 0)
		return 0;
	if (errno == EINPROGRESS)
		return 1;
	saved = errno;
	close(fd);
	errno = saved;
	return -1;
}

/* The outcome of a connect that was under way: 0 or an errno. */
static int
tcp_result(int fd)
{
	int		err = 0;
	socklen_t	len = sizeof err;

	if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len) == -1)
		return errno;
	return err;
}

static void
tcp_nodelay(int fd)
{
	int	one = 1;

	setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
}

/* Connect, waiting in poll() (paw enroll: no terminal to keep alive). */
int
paw_dial_tcp(const char *hostport, char **why)
{
	struct addrinfo	 hints = { .ai_socktype = SOCK_STREAM }, *res, *ai;
	char		 host[256], port[32], buf[256];
	int		 fd = -1, rc;
	struct pollfd	 pfd;

	if (split_hostport(hostport, host, sizeof host, port, sizeof port, buf,
	    sizeof buf) != 0) {
		*why = xstrdup(buf);
		return -1;
	}
	if ((rc = getaddrinfo(host, port, &hints, &res)) != 0) {
		*why = xasprintf("%s: %s", hostport, gai_strerror(rc));
		return -1;
	}
	snprintf(buf, sizeof buf, "%s: cannot connect", hostport);
	for (ai = res; ai != NULL; ai = ai->ai_next) {
		if ((rc = tcp_start(ai, &fd)) == 0)
			break;
		if (rc == 1) {
			pfd = (struct pollfd){ .fd = fd, .events = POLLOUT };
			if (poll(&pfd, 1, CONNECT_TIMEOUT_MS) == 1 &&
			    (errno = tcp_result(fd)) == 0)
				break;
			if (errno == 0)
				errno = ETIMEDOUT;
			close(fd);
		}
		snprintf(buf, sizeof buf, "%s: %s", hostport, strerror(errno));
		fd = -1;
	}
	freeaddrinfo(res);
	if (fd == -1)
		*why = xstrdup(buf);
	else
		tcp_nodelay(fd);
	return fd;
}

/*
 * A name lookup on a thread of its own: getaddrinfo() may wait many seconds
 * for a resolver the dead link cannot reach, and the loop must not.  The
 * answer comes back over a socket pair; if the client gave up first, the send
 * fails and the thread frees the answer itself.
 */
struct lookup {
	int	fd;
	char	host[256];
	char	port[32];
};

struct lookup_answer {
	int		 rc;
	struct addrinfo	*res;
};

static void *
lookup_run(void *arg)
{
	struct lookup		*l = arg;
	struct addrinfo		 hints = { .ai_socktype = SOCK_STREAM };
	struct lookup_answer	 a = { 0 };

	a.rc = getaddrinfo(l->host, l->port, &hints, &a.res);
	if (send(l->fd, &a, sizeof a, MSG_NOSIGNAL) != (ssize_t)sizeof a &&
	    a.rc == 0)
		freeaddrinfo(a.res);
	close(l->fd);
	free(l);
	return NULL;
}

/* Give up a lookup; an answer already sent is freed here. */
static void
lookup_abandon(struct client *c)
{
	struct lookup_answer	a;

	if (c->lookup_fd < 0)
		return;
	loop_del_fd(c->loop, c->lookup_fd);
	shutdown(c->lookup_fd, SHUT_RD);	/* a later send fails */
	if (recv(c->lookup_fd, &a, sizeof a, MSG_DONTWAIT) == (ssize_t)sizeof a &&
	    a.rc == 0)
		freeaddrinfo(a.res);
	close(c->lookup_fd);
	c->lookup_fd = -1;
}

/* Stop every step of a dial under way (not the channel). */
static void
dial_stop(struct client *c)
{
	step_stop(c);
	lookup_abandon(c);
	if (c->dial_fd >= 0) {
		loop_del_fd(c->loop, c->dial_fd);
		close(c->dial_fd);
		c->dial_fd = -1;
	}
	if (c->addrs != NULL)
		freeaddrinfo(c->addrs);
	c->addrs = c->addr = NULL;
}

/* This attempt failed: say why, and try again later if asked to. */
static void
dial_fail(struct client *c, int down, const char *why)
{
	dial_stop(c);
	c->down = down;
	snprintf(c->reason, sizeof c->reason, "%s", why);
	client_set_state(c, CLIENT_DOWN, c->reason);
	if (c->autoreconnect && !DOWN_FINAL(down))
		client_schedule(c);
}

/* A connect error of one address, remembered in case it is the last. */
static void
dial_error(struct client *c, int err)
{
	c->down = err == ECONNREFUSED ? DOWN_REFUSED :
	    err == ETIMEDOUT ? DOWN_TIMEOUT : DOWN_UNREACHABLE;
	snprintf(c->reason, sizeof c->reason, "%s: %s", c->conf->server,
	    strerror(err));
}

void
client_hello_payload(msgpack_sbuffer *sb)
{
	char		host[64] = "";
	msgpack_packer	pk;

	gethostname(host, sizeof host - 1);
	msgpack_sbuffer_init(sb);
	msgpack_packer_init(&pk, sb, msgpack_sbuffer_write);
	msgpack_pack_map(&pk, 3);
	mp_pack_kint(&pk, "v", 1);
	mp_pack_kstr(&pk, "client", "paw/" PAW_VERSION);
	mp_pack_kstr(&pk, "host", host);
}

/* Transport ready: say hello and run the handshake on the loop. */
static void
dial_chan(struct client *c, int in, int out, int64_t timeout_ms)
{
	msgpack_sbuffer	sb;

	client_hello_payload(&sb);
	c->chan = chan_connect(c->loop, in, out, c->conf->key,
	    c->conf->server_key, CHAN_SESSION, NULL, NULL,
	    (uint8_t *)sb.data, sb.size, &client_chan_cb, c);
	msgpack_sbuffer_destroy(&sb);
	if (c->chan == NULL) {
		close(in);
		if (out != in)
			close(out);
		dial_fail(c, DOWN_UNREACHABLE, "cannot watch the connection");
		return;
	}
	c->reason[0] = '\0';
	step_start(c, timeout_ms);
	client_set_state(c, CLIENT_CONNECTING, "handshake");
}

static void	dial_next(struct client *);

/* The connect under way finished, one way or the other. */
static void
dial_io(int fd, int events, void *arg)
{
	struct client	*c = arg;
	int		 err = tcp_result(fd);

	if (err == 0 && !(events & LOOP_WRITE))
		return;
	loop_del_fd(c->loop, fd);
	c->dial_fd = -1;
	step_stop(c);
	if (err != 0) {
		close(fd);
		dial_error(c, err);
		c->addr = c->addr->ai_next;
		dial_next(c);
		return;
	}
	freeaddrinfo(c->addrs);
	c->addrs = c->addr = NULL;
	tcp_nodelay(fd);
	dial_chan(c, fd, fd, HANDSHAKE_TIMEOUT_MS);
}

/* Connect to the next address of the server, or fail with the last error. */
static void
dial_next(struct client *c)
{
	int	fd, rc;

	for (; c->addr != NULL; c->addr = c->addr->ai_next) {
		if ((rc = tcp_start(c->addr, &fd)) == 1) {
			c->dial_fd = fd;
			if (loop_add_fd(c->loop, fd, LOOP_WRITE, dial_io, c) != 0) {
				close(fd);
				c->dial_fd = -1;
				dial_error(c, errno);
				continue;
			}
			step_start(c, CONNECT_TIMEOUT_MS);
			return;
		}
		if (rc == 0) {
			freeaddrinfo(c->addrs);
			c->addrs = c->addr = NULL;
			tcp_nodelay(fd);
			dial_chan(c, fd, fd, HANDSHAKE_TIMEOUT_MS);
			return;
		}
		dial_error(c, errno);
	}
	dial_fail(c, c->down, c->reason);
}

/* Addresses found (or not): start connecting. */
static void
dial_resolved(struct client *c, int rc, struct addrinfo *res)
{
	char	why[256];

	if (rc != 0) {
		snprintf(why, sizeof why, "%s: %s", c->conf->server,
		    gai_strerror(rc));
		dial_fail(c, rc == EAI_AGAIN ? DOWN_UNREACHABLE : DOWN_NO_HOST,
		    why);
		return;
	}
	c->addrs = c->addr = res;
	snprintf(c->reason, sizeof c->reason, "%s: cannot connect",
	    c->conf->server);
	c->down = DOWN_UNREACHABLE;
	dial_next(c);
}

static void
lookup_io(int fd, int events, void *arg)
{
	struct client		*c = arg;
	struct lookup_answer	 a;
	ssize_t			 n = recv(fd, &a, sizeof a, MSG_DONTWAIT);

	if (n < 0 && (errno == EAGAIN || errno == EINTR))
		return;
	loop_del_fd(c->loop, fd);
	close(fd);
	c->lookup_fd = -1;
	step_stop(c);
	if (n != (ssize_t)sizeof a)
		dial_resolved(c, EAI_SYSTEM, NULL);
	else
		dial_resolved(c, a.rc, a.rc == 0 ? a.res : NULL);
}

/* Look the server up: at once for an address, else on a thread. */
static void
dial_tcp(struct client *c)
{
	struct addrinfo	 hints = { .ai_socktype = SOCK_STREAM,
			    .ai_flags = AI_NUMERICHOST | AI_NUMERICSERV };
	struct addrinfo	*res;
	struct lookup	*l = xcalloc(1, sizeof *l);
	char		 why[256];
	int		 sv[2], rc;
	pthread_attr_t	 attr;
	pthread_t	 tid;

	if (split_hostport(c->conf->server, l->host, sizeof l->host, l->port,
	    sizeof l->port, why, sizeof why) != 0) {
		free(l);
		dial_fail(c, DOWN_NO_HOST, why);
		return;
	}
	if ((rc = getaddrinfo(l->host, l->port, &hints, &res)) != EAI_NONAME) {
		free(l);
		dial_resolved(c, rc, rc == 0 ? res : NULL);
		return;
	}
	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) == -1) {
		free(l);
		dial_fail(c, DOWN_UNREACHABLE, strerror(errno));
		return;
	}
	l->fd = sv[1];
	pthread_attr_init(&attr);
	pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
	rc = pthread_create(&tid, &attr, lookup_run, l);
	pthread_attr_destroy(&attr);
	if (rc != 0) {
		close(sv[0]);
		close(sv[1]);
		free(l);
		dial_fail(c, DOWN_UNREACHABLE, strerror(rc));
		return;
	}
	c->lookup_fd = sv[0];
	loop_add_fd(c->loop, sv[0], LOOP_READ, lookup_io, c);
	step_start(c, LOOKUP_TIMEOUT_MS);
}

/*
 * Run `ssh [USER@]HOST pawd serve --stdio` ($PAW_SSH replaces ssh), its
 * standard error on a pipe the loop reads: never on the terminal.
 */
static void
dial_ssh(struct client *c)
{
	int		 to[2] = { -1, -1 }, from[2] = { -1, -1 };
	int		 errp[2] = { -1, -1 }, i;
	const char	*ssh = getenv("PAW_SSH");
	const char	*prog = ssh ? ssh : "ssh";
	const char	*cmd = c->conf->ssh_command ? c->conf->ssh_command :
			    "pawd serve /var/lib/pawprint --stdio";
	char		 why[256];
	pid_t		 pid = -1;

	if (pipe2(to, O_CLOEXEC) == -1 || pipe2(from, O_CLOEXEC) == -1 ||
	    pipe2(errp, O_CLOEXEC) == -1)
		snprintf(why, sizeof why, "pipe: %s", strerror(errno));
	else if ((pid = fork()) == -1)
		snprintf(why, sizeof why, "fork: %s", strerror(errno));
	if (pid == 0) {
		dup2(to[0], 0);
		dup2(from[1], 1);
		dup2(errp[1], 2);
		execlp(prog, prog, "-T", "-o", "BatchMode=yes", c->conf->ssh,
		    cmd, (char *)NULL);
		dprintf(2, "%s: %s\n", prog, strerror(errno));
		_exit(127);
	}
	if (pid == -1) {
		for (i = 0; i < 2; i++) {
			if (to[i] >= 0)
				close(to[i]);
			if (from[i] >= 0)
				close(from[i]);
			if (errp[i] >= 0)
				close(errp[i]);
		}
		dial_fail(c, DOWN_SSH, why);
		return;
	}
	close(to[0]);
	close(from[1]);
	close(errp[1]);
	fcntl(to[1], F_SETFL, O_NONBLOCK);
	fcntl(from[0], F_SETFL, O_NONBLOCK);
	fcntl(errp[0], F_SETFL, O_NONBLOCK);
	c->ssh_pid = pid;
	c->ssh_err = errp[0];
	loop_add_fd(c->loop, c->ssh_err, LOOP_READ, ssh_stderr_io, c);
	dial_chan(c, from[0], to[1], SSH_TIMEOUT_MS);
}

static void
client_reap_ssh(struct client *c)
{
	if (c->ssh_err >= 0) {
		loop_del_fd(c->loop, c->ssh_err);
		close(c->ssh_err);
		c->ssh_err = -1;
	}
	if (c->ssh_pid > 0) {
		kill(c->ssh_pid, SIGTERM);
		waitpid(c->ssh_pid, NULL, 0);
		c->ssh_pid = 0;
	}
}

/* A step took too long: give up this address or this attempt. */
static void
step_timeout(void *arg)
{
	struct client	*c = arg;
	char		 why[256];

	c->step_timer = 0;
	if (c->lookup_fd >= 0) {
		snprintf(why, sizeof why, "%s: name lookup timed out",
		    c->conf->server);
		dial_fail(c, DOWN_TIMEOUT, why);
	} else if (c->dial_fd >= 0) {
		loop_del_fd(c->loop, c->dial_fd);
		close(c->dial_fd);
		c->dial_fd = -1;
		dial_error(c, ETIMEDOUT);
		c->addr = c->addr->ai_next;
		dial_next(c);
	} else if (c->chan != NULL && chan_state(c->chan) == 0)
		chan_abort(c->chan, "timed out");
}

/* Start dialing; the rest happens on the loop. */
static void
client_dial(struct client *c)
{
	chan_free(c->dead);
	c->dead = NULL;
	client_reap_ssh(c);
	dial_stop(c);
	c->down = DOWN_NONE;
	c->reason[0] = '\0';
	c->ssh_line[0] = '\0';
	c->ssh_partlen = 0;
	if (c->conf->ssh == NULL && c->conf->server == NULL) {
		dial_fail(c, DOWN_NO_SERVER,
		    "no server: run `paw enroll HOST:PORT CODE` first");
		return;
	}
	client_set_state(c, CLIENT_CONNECTING, "connecting");
	if (c->conf->ssh != NULL)
		dial_ssh(c);
	else
		dial_tcp(c);
}

/* A dial is under way (lookup, connect or handshake). */
static int
client_dialing(const struct client *c)
{
	return c->lookup_fd >= 0 || c->dial_fd >= 0 ||
	    (c->chan != NULL && chan_state(c->chan) == 0);
}

static void
client_retry(void *arg)
{
	struct client	*c = arg;

	c->retry_timer = 0;
	if (c->chan != NULL || client_dialing(c) || !c->autoreconnect ||
	    DOWN_FINAL(c->down))
		return;
	client_dial(c);
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

/* PAW_KEEPALIVE=SECONDS (0: never) shortens the keepalive for tests. */
static int64_t
keepalive_ms(void)
{
	const char	*env = getenv("PAW_KEEPALIVE");
	char		*end;
	long		 s;

	if (env == NULL || *env == '\0')
		return KEEPALIVE_S * 1000;
	s = strtol(env, &end, 10);
	if (*end != '\0' || s < 0 || s > 86400)
		return KEEPALIVE_S * 1000;
	return (int64_t)s * 1000;
}

struct client *
client_create(struct loop *loop, struct paw_conf *conf)
{
	struct client	*c = xcalloc(1, sizeof *c);
	char		 hex[65];

	/* A write to a dead ssh pipe or reset socket is an error, not death. */
	signal(SIGPIPE, SIG_IGN);
	c->loop = loop;
	c->conf = conf;
	c->next_id = 1;
	c->retry_ms = 500;
	c->ssh_err = c->lookup_fd = c->dial_fd = -1;
	c->keepalive_ms = keepalive_ms();
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
	if (c->reap_timer)
		loop_del_timer(c->loop, c->reap_timer);
	keepalive_stop(c);
	dial_stop(c);
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
	if (c->chan == NULL && !client_dialing(c))
		client_dial(c);
	/* Every step has a deadline, so this ends. */
	while (client_dialing(c))
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
	if (on && c->chan == NULL && !client_dialing(c) && !DOWN_FINAL(c->down))
		client_dial(c);
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

int
client_down(const struct client *c)
{
	return c->state == CLIENT_DOWN ? c->down : DOWN_NONE;
}

const char *
client_closing(const struct client *c)
{
	return c->closing;
}

const char *
client_down_detail(const struct client *c)
{
	return c->down == DOWN_SSH ? c->ssh_line : "";
}

const uint8_t *
client_presented_key(const struct client *c)
{
	return c->presented;
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
	c->last_tx = clock_ms();
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
	int64_t		 open_by = clock_ms() + OPEN_WAIT_MS;
	int64_t		 deadline = clock_ms() + CALL_TIMEOUT_MS;

	memset(err, 0, sizeof *err);
	/*
	 * A handshake under way takes milliseconds with a server that answers:
	 * wait a little for it (a login typed at start-up), never for a
	 * connect that may hang; otherwise fail at once while disconnected.
	 */
	while (c->chan != NULL && chan_state(c->chan) == 0 &&
	    clock_ms() < open_by)
		loop_once(c->loop, 50);
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
		c->closing[0] = '\0';	/* logged in again: that is past */
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

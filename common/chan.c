/*
 * Wire protocol version 1: frames (2-byte length), hellos, a Noise handshake
 * (IK for sessions, IKpsk2 for enrollment) and, once open, one Noise transport
 * message per frame whose plaintexts form a stream of records (4-byte length
 * and one msgpack message).  Records are gathered while the loop runs and
 * encrypted when the descriptor is writable, so the answers of one loop turn
 * share frames.
 */
#include <errno.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <stdio.h>
#include <sys/socket.h>

#include <sodium.h>

#include "buf.h"
#include "chan.h"
#include "clock.h"
#include "noise.h"
#include "rpc.h"
#include "xmalloc.h"

#define FRAME_MAX	65535
#define PLAIN_MAX	(FRAME_MAX - NOISE_TAGLEN)
#define OUT_MAX		(64u * 1024 * 1024)
/*
 * Limits of the input side.  Bytes read ahead of the records handed over
 * stop at IN_MAX: past it the socket is not read, and TCP tells the peer
 * to wait.  A turn of the loop hands over at most TURN_RECORDS records per
 * channel; the rest wait for the next turn, after every other channel's.
 * Records are not handed over while more than OUT_HIGH bytes of answers
 * wait for the peer to read them, until they are down to OUT_LOW.
 */
#define IN_MAX		(256u * 1024)
#define TURN_RECORDS	16
#define OUT_HIGH	(1024u * 1024)
#define OUT_LOW		(256u * 1024)
/*
 * Records longer than a frame are assembled against the shared budget;
 * a channel that cannot have its share waits, at most BUDGET_WAIT ms.  A
 * record must be complete RECORD_TIME ms after it began.  A closing
 * channel waits at most LINGER_TIME ms for the peer to close its side.
 */
#define RESERVE_MIN	PLAIN_MAX
#define BUDGET_WAIT	10000
#define RECORD_TIME	60000
#define LINGER_TIME	2000

/*
 * ST_LINGER: everything is written and our side shut; what the peer still
 * sends is read and dropped until it closes, so that closing never resets
 * the connection before the peer has read the last answers.
 */
enum chan_st {
	ST_HELLO, ST_HANDSHAKE, ST_OPEN, ST_CLOSING, ST_LINGER, ST_CLOSED
};

struct chan {
	struct loop		*loop;
	int			 fd_in, fd_out;
	int			 initiator;
	enum chan_st		 st;
	int			 mode;
	uint8_t			 s_priv[32];
	uint8_t			 rs[32];
	uint8_t			 psk[32];
	uint8_t			 code_id[16];
	struct noise_hs		*hs;
	struct noise_cs		 tx, rx;
	struct buf		 in;	/* raw bytes read */
	struct buf		 out;	/* raw frames to write */
	struct buf		 rxp;	/* decrypted record stream */
	struct buf		 txp;	/* records waiting to be encrypted */
	struct buf		 m1;	/* client: message 1 payload */
	struct buf		 m2;	/* client: message 2 payload */
	size_t			 max_record;
	int			 hello_status;
	int			 keepalive;
	int64_t			 last_rx;
	int			 hold;		/* the owner wants no records */
	int			 out_full;	/* answers above OUT_HIGH */
	int			 stop_read;	/* read nothing more */
	struct chan_budget	*budget;
	size_t			 reserved;	/* of the budget, for rxp's record */
	int64_t			 wait_since;	/* waiting for the budget */
	int64_t			 record_since;	/* rxp's record began */
	int64_t			 linger_since;
	char			 reason[64];	/* of a graceful close */
	const struct chan_cb	*cb;
	void			*arg;
	struct loop_defer	 flush;	/* records sent in this turn */
	struct loop_defer	 pump;	/* records left for the next turn */
};

static void	chan_io(int, int, void *);
static void	chan_update(struct chan *);
static void	chan_flush(void *);
static void	chan_pump(void *);
static int	chan_write(struct chan *);
static void	chan_unreserve(struct chan *);

static struct chan *
chan_new(struct loop *loop, int fd_in, int fd_out, const uint8_t s_priv[32],
    const struct chan_cb *cb, void *arg)
{
	struct chan	*c = xcalloc(1, sizeof *c);

	c->loop = loop;
	c->fd_in = fd_in;
	c->fd_out = fd_out;
	memcpy(c->s_priv, s_priv, 32);
	c->max_record = CHAN_MAX_RECORD;
	c->hello_status = -1;
	c->last_rx = clock_ms();
	c->cb = cb;
	c->arg = arg;
	c->flush.cb = chan_flush;
	c->flush.arg = c;
	c->pump.cb = chan_pump;
	c->pump.arg = c;
	buf_init(&c->in);
	buf_init(&c->out);
	buf_init(&c->rxp);
	buf_init(&c->txp);
	buf_init(&c->m1);
	buf_init(&c->m2);
	if (loop_add_fd(loop, fd_in, LOOP_READ, chan_io, c) != 0) {
		free(c);
		return NULL;
	}
	if (fd_out != fd_in &&
	    loop_add_fd(loop, fd_out, 0, chan_io, c) != 0) {
		loop_del_fd(loop, fd_in);
		free(c);
		return NULL;
	}
	return c;
}

struct chan *
chan_accept(struct loop *loop, int fd_in, int fd_out, const uint8_t s_priv[32],
    const struct chan_cb *cb, void *arg)
{
	return chan_new(loop, fd_in, fd_out, s_priv, cb, arg);
}

static void
frame_add(struct chan *c, const uint8_t *p, size_t len)
{
	buf_add_u16(&c->out, (uint16_t)len);
	buf_add(&c->out, p, len);
}

struct chan *
chan_connect(struct loop *loop, int fd_in, int fd_out, const uint8_t s_priv[32],
    const uint8_t server_pub[32], int mode, const uint8_t *code_id,
    const uint8_t *psk, const uint8_t *payload, size_t len,
    const struct chan_cb *cb, void *arg)
{
	struct chan	*c;
	uint8_t		 hello[21] = { 'P', 'A', 'W', 1, 0 };

	if ((c = chan_new(loop, fd_in, fd_out, s_priv, cb, arg)) == NULL)
		return NULL;
	c->initiator = 1;
	c->mode = mode;
	memcpy(c->rs, server_pub, 32);
	hello[4] = (uint8_t)mode;
	if (mode == CHAN_ENROLL) {
		memcpy(c->code_id, code_id, 16);
		memcpy(c->psk, psk, 32);
		memcpy(hello + 5, code_id, 16);
	}
	buf_add(&c->m1, payload, len);
	frame_add(c, hello, mode == CHAN_ENROLL ? 21 : 5);
	chan_update(c);
	return c;
}

void
chan_refuse(int fd, const uint8_t s_pub[32], int status)
{
	uint8_t	 ans[2 + 37] = { 0, 37, 'P', 'A', 'W', 1 }, junk[64];
	ssize_t	 n;

	ans[6] = (uint8_t)status;
	memcpy(ans + 7, s_pub, 32);
	n = read(fd, junk, sizeof junk);
	n = write(fd, ans, sizeof ans);
	(void)n;
}

/* Stop watching, close descriptors, tell the owner once. */
static void
chan_finish(struct chan *c, const char *reason)
{
	if (c->st == ST_CLOSED)
		return;
	c->st = ST_CLOSED;
	loop_undefer(c->loop, &c->pump);
	chan_unreserve(c);
	loop_del_fd(c->loop, c->fd_in);
	if (c->fd_out != c->fd_in)
		loop_del_fd(c->loop, c->fd_out);
	if (c->cb->closed != NULL)
		c->cb->closed(c, reason, c->arg);
}

void
chan_free(struct chan *c)
{
	if (c == NULL)
		return;
	loop_undefer(c->loop, &c->flush);
	loop_undefer(c->loop, &c->pump);
	chan_unreserve(c);
	if (c->st != ST_CLOSED) {
		c->st = ST_CLOSED;
		loop_del_fd(c->loop, c->fd_in);
		if (c->fd_out != c->fd_in)
			loop_del_fd(c->loop, c->fd_out);
	}
	if (c->fd_in >= 0)
		close(c->fd_in);
	if (c->fd_out >= 0 && c->fd_out != c->fd_in)
		close(c->fd_out);
	noise_hs_free(c->hs);
	buf_free(&c->in);
	buf_free(&c->out);
	buf_free(&c->rxp);
	buf_free(&c->txp);
	buf_free(&c->m1);
	buf_free(&c->m2);
	sodium_memzero(c, sizeof *c);
	free(c);
}

void
chan_abort(struct chan *c, const char *reason)
{
	buf_reset(&c->out);
	buf_reset(&c->txp);
	chan_finish(c, reason);
}

static void	chan_encrypt_pending(struct chan *);

void
chan_close(struct chan *c, const char *reason)
{
	if (c->st >= ST_CLOSING)
		return;
	if (c->st == ST_OPEN)
		chan_encrypt_pending(c);
	if (c->st == ST_CLOSED)
		return;		/* the encryption failed and aborted */
	c->st = ST_CLOSING;
	chan_unreserve(c);	/* the record being received is dropped */
	/* Kept for the closed callback once the queued output is written. */
	snprintf(c->reason, sizeof c->reason, "%s", reason);
	chan_write(c);
}

/*
 * Everything is written: shut our side of a socket and wait for the peer
 * to close theirs (ST_LINGER); pipes just close.
 */
static void
chan_closed_out(struct chan *c)
{
	if (c->fd_in != c->fd_out || shutdown(c->fd_out, SHUT_WR) == -1) {
		chan_finish(c, c->reason);
		return;
	}
	c->st = ST_LINGER;
	c->linger_since = clock_ms();
	loop_set_fd(c->loop, c->fd_in, LOOP_READ);
}

/*
 * Watch for writes only while frames wait for the socket.  Records sent are
 * encrypted and written by chan_flush() before the loop next waits, so a
 * reply costs no change of what epoll watches unless the socket is full.
 */
static void
chan_update(struct chan *c)
{
	int	want = buf_used(&c->out) > 0;
	int	rd = c->st < ST_CLOSING && !c->stop_read &&
		    buf_used(&c->in) < IN_MAX;

	if (c->st == ST_CLOSED || c->st == ST_LINGER)
		return;
	if (c->fd_out == c->fd_in)
		loop_set_fd(c->loop, c->fd_in,
		    (rd ? LOOP_READ : 0) | (want ? LOOP_WRITE : 0));
	else {
		loop_set_fd(c->loop, c->fd_in, rd ? LOOP_READ : 0);
		loop_set_fd(c->loop, c->fd_out, want ? LOOP_WRITE : 0);
	}
}

int
chan_send(struct chan *c, const uint8_t *p, size_t len)
{
	if (c->st != ST_OPEN || len == 0 || len > CHAN_MAX_RECORD)
		return -1;
	if (buf_used(&c->out) + buf_used(&c->txp) > OUT_MAX) {
		chan_abort(c, "peer is not reading");
		return -1;
	}
	buf_add_u32(&c->txp, (uint32_t)len);
	buf_add(&c->txp, p, len);
	if (buf_used(&c->out) + buf_used(&c->txp) > OUT_HIGH)
		c->out_full = 1;
	loop_defer(c->loop, &c->flush);
	return 0;
}

void
chan_keepalive(struct chan *c)
{
	if (c->st != ST_OPEN)
		return;
	c->keepalive = 1;
	loop_defer(c->loop, &c->flush);
}

static void
chan_flush(void *arg)
{
	struct chan	*c = arg;

	if (c->st == ST_OPEN)
		chan_write(c);
}

/* Encrypt queued records into frames of at most one Noise message each. */
static void
chan_encrypt_pending(struct chan *c)
{
	size_t	 n;
	uint8_t	*dst;

	while (buf_used(&c->txp) > 0 || c->keepalive) {
		n = buf_used(&c->txp);
		if (n > PLAIN_MAX)
			n = PLAIN_MAX;
		buf_add_u16(&c->out, (uint16_t)(n + NOISE_TAGLEN));
		dst = buf_reserve(&c->out, n + NOISE_TAGLEN);
		if (noise_cs_encrypt(&c->tx, NULL, 0, buf_ptr(&c->txp), n,
		    dst) != 0) {
			chan_abort(c, "nonce exhausted");
			return;
		}
		buf_commit(&c->out, n + NOISE_TAGLEN);
		buf_consume(&c->txp, n);
		c->keepalive = 0;
	}
}

static int
chan_write(struct chan *c)
{
	ssize_t	n;

	if (c->st == ST_OPEN)
		chan_encrypt_pending(c);
	while (buf_used(&c->out) > 0) {
		n = write(c->fd_out, buf_ptr(&c->out), buf_used(&c->out));
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
			break;
		if (n <= 0) {
			chan_abort(c, "write failed");
			return -1;
		}
		buf_consume(&c->out, (size_t)n);
	}
	if (c->st == ST_CLOSING && buf_used(&c->out) == 0) {
		chan_closed_out(c);
		return -1;
	}
	if (c->out_full && buf_used(&c->out) + buf_used(&c->txp) < OUT_LOW) {
		c->out_full = 0;
		loop_soon(c->loop, &c->pump);
	}
	chan_update(c);
	return 0;
}

/* Server: the first frame, a hello. */
static int
chan_read_hello(struct chan *c, const uint8_t *f, size_t len)
{
	uint8_t		 ans[37] = { 'P', 'A', 'W', 1, HELLO_OK };
	int		 st;
	const char	*name = "Noise_IK_25519_ChaChaPoly_BLAKE2b";

	if (len < 5 || memcmp(f, "PAW", 3) != 0) {
		chan_abort(c, "not a pawprint hello");
		return -1;
	}
	noise_pubkey(c->s_priv, ans + 5);
	c->mode = f[4];
	if (f[3] != 1 || !((f[4] == 'I' && len == 5) ||
	    (f[4] == 'E' && len == 21)))
		st = HELLO_UNSUPPORTED;
	else {
		if (c->mode == CHAN_ENROLL)
			memcpy(c->code_id, f + 5, 16);
		st = c->cb->hello(c, c->mode, c->code_id, c->psk, c->arg);
	}
	ans[4] = (uint8_t)st;
	frame_add(c, ans, sizeof ans);
	if (st != HELLO_OK) {
		chan_close(c, "hello refused");
		return -1;
	}
	if (c->mode == CHAN_ENROLL) {
		name = "Noise_IKpsk2_25519_ChaChaPoly_BLAKE2b";
		c->hs = noise_hs_create(name, 0, (const uint8_t *)CHAN_PROLOGUE,
		    strlen(CHAN_PROLOGUE), c->s_priv, NULL,
		    (const uint8_t (*)[32])c->psk, 1);
	} else
		c->hs = noise_hs_create(name, 0, (const uint8_t *)CHAN_PROLOGUE,
		    strlen(CHAN_PROLOGUE), c->s_priv, NULL, NULL, 0);
	if (c->hs == NULL) {
		chan_abort(c, "handshake setup failed");
		return -1;
	}
	c->st = ST_HANDSHAKE;
	return 0;
}

/* Server: message 1, then message 2 with the verdict. */
static int
chan_read_msg1(struct chan *c, const uint8_t *f, size_t len)
{
	uint8_t		 pl[FRAME_MAX], msg[FRAME_MAX];
	size_t		 plen, mlen;
	const char	*status;
	msgpack_sbuffer	 sb;
	msgpack_packer	 pk;

	if (noise_hs_read(c->hs, f, len, pl, sizeof pl, &plen) != 0) {
		chan_abort(c, "handshake failed");
		return -1;
	}
	memcpy(c->rs, noise_hs_remote_static(c->hs), 32);
	status = c->cb->identify(c, c->rs, pl, plen, c->arg);
	msgpack_sbuffer_init(&sb);
	msgpack_packer_init(&pk, &sb, msgpack_sbuffer_write);
	msgpack_pack_map(&pk, 4);
	mp_pack_kint(&pk, "v", 1);
	mp_pack_kstr(&pk, "status", status);
	mp_pack_kstr(&pk, "server", "pawd/" PAW_VERSION);
	mp_pack_kint(&pk, "time", clock_now());
	if (noise_hs_write(c->hs, (uint8_t *)sb.data, sb.size, msg, sizeof msg,
	    &mlen) != 0) {
		msgpack_sbuffer_destroy(&sb);
		chan_abort(c, "handshake failed");
		return -1;
	}
	msgpack_sbuffer_destroy(&sb);
	frame_add(c, msg, mlen);
	if (strcmp(status, "ok") != 0) {
		chan_close(c, status);
		return -1;
	}
	noise_hs_split(c->hs, &c->tx, &c->rx);
	noise_hs_free(c->hs);
	c->hs = NULL;
	c->st = ST_OPEN;
	if (c->cb->open != NULL)
		c->cb->open(c, c->arg);
	return 0;
}

/* Client: the server's hello answer; check the key, send message 1. */
static int
chan_read_answer(struct chan *c, const uint8_t *f, size_t len)
{
	uint8_t		 msg[FRAME_MAX];
	size_t		 mlen;
	const char	*name = "Noise_IK_25519_ChaChaPoly_BLAKE2b";

	if (len != 37 || memcmp(f, "PAW\1", 4) != 0) {
		chan_abort(c, "not a pawprint server");
		return -1;
	}
	c->hello_status = f[4];
	if (f[4] != HELLO_OK) {
		chan_abort(c, "hello refused");
		return -1;
	}
	if (sodium_memcmp(f + 5, c->rs, 32) != 0) {
		memcpy(c->rs, f + 5, 32);	/* reported by chan_remote_key */
		chan_abort(c, "server key mismatch");
		return -1;
	}
	if (c->mode == CHAN_ENROLL) {
		name = "Noise_IKpsk2_25519_ChaChaPoly_BLAKE2b";
		c->hs = noise_hs_create(name, 1, (const uint8_t *)CHAN_PROLOGUE,
		    strlen(CHAN_PROLOGUE), c->s_priv, c->rs,
		    (const uint8_t (*)[32])c->psk, 1);
	} else
		c->hs = noise_hs_create(name, 1, (const uint8_t *)CHAN_PROLOGUE,
		    strlen(CHAN_PROLOGUE), c->s_priv, c->rs, NULL, 0);
	if (c->hs == NULL || noise_hs_write(c->hs, buf_ptr(&c->m1),
	    buf_used(&c->m1), msg, sizeof msg, &mlen) != 0) {
		chan_abort(c, "handshake setup failed");
		return -1;
	}
	frame_add(c, msg, mlen);
	c->st = ST_HANDSHAKE;
	return 0;
}

/* Client: message 2 and its status. */
static int
chan_read_msg2(struct chan *c, const uint8_t *f, size_t len)
{
	uint8_t			 pl[FRAME_MAX];
	size_t			 plen;
	msgpack_unpacked	 u;
	const msgpack_object	*st;
	char			*word = NULL;

	if (noise_hs_read(c->hs, f, len, pl, sizeof pl, &plen) != 0) {
		chan_abort(c, "handshake failed");
		return -1;
	}
	buf_reset(&c->m2);
	buf_add(&c->m2, pl, plen);
	if (mp_unpack(&u, pl, plen) == 0 &&
	    (st = mp_get(&u.data, "status")) != NULL)
		word = mp_strdup(st);
	msgpack_unpacked_destroy(&u);
	if (word == NULL || strcmp(word, "ok") != 0) {
		static char	 reason[64];

		snprintf(reason, sizeof reason, "%s",
		    word != NULL ? word : "bad handshake reply");
		free(word);
		chan_abort(c, reason);
		return -1;
	}
	free(word);
	noise_hs_split(c->hs, &c->tx, &c->rx);
	noise_hs_free(c->hs);
	c->hs = NULL;
	c->st = ST_OPEN;
	if (c->cb->open != NULL)
		c->cb->open(c, c->arg);
	return 0;
}

/* A transport frame: decrypt it onto the record stream. */
static int
chan_read_transport(struct chan *c, const uint8_t *f, size_t len)
{
	uint8_t		*dst;

	if (len < NOISE_TAGLEN) {
		chan_abort(c, "short transport message");
		return -1;
	}
	dst = buf_reserve(&c->rxp, len);
	if (noise_cs_decrypt(&c->rx, NULL, 0, f, len, dst) != 0) {
		chan_abort(c, "decryption failed");
		return -1;
	}
	buf_commit(&c->rxp, len - NOISE_TAGLEN);
	return 0;
}

static int
chan_frame(struct chan *c, const uint8_t *f, size_t len)
{
	switch (c->st) {
	case ST_HELLO:
		return c->initiator ? chan_read_answer(c, f, len) :
		    chan_read_hello(c, f, len);
	case ST_HANDSHAKE:
		return c->initiator ? chan_read_msg2(c, f, len) :
		    chan_read_msg1(c, f, len);
	case ST_OPEN:
		return chan_read_transport(c, f, len);
	default:
		return -1;
	}
}

static void
chan_unreserve(struct chan *c)
{
	if (c->reserved > 0)
		atomic_fetch_sub(&c->budget->used, c->reserved);
	c->reserved = 0;
}

/*
 * Whether the record at the head of the stream is whole (1), still
 * arriving (0), or cannot be taken (-1: waiting for the budget, or the
 * channel was aborted).  A long record takes its whole length from the
 * budget when its length arrives, and gives it back once handed over.
 */
static int
chan_record_ready(struct chan *c)
{
	uint32_t	rlen;
	size_t		used;

	if (buf_used(&c->rxp) < 4)
		return 0;
	rlen = get_u32(buf_ptr(&c->rxp));
	if (rlen == 0 || rlen > c->max_record) {
		chan_abort(c, "bad record length");
		return -1;
	}
	if (buf_used(&c->rxp) - 4 >= rlen)
		return 1;
	if (c->record_since == 0)
		c->record_since = clock_ms();
	if (c->budget == NULL || c->reserved > 0 || rlen <= RESERVE_MIN)
		return 0;
	used = atomic_fetch_add(&c->budget->used, rlen);
	if (used + rlen > c->budget->max) {
		atomic_fetch_sub(&c->budget->used, rlen);
		if (c->wait_since == 0)
			c->wait_since = clock_ms();
		return -1;
	}
	c->reserved = rlen;
	c->wait_since = 0;
	return 0;
}

/*
 * Hand over the records that are whole and decrypt the frames read, up to
 * this turn's share; what is left waits for the next turn, or for the owner
 * to let go (chan_hold) and the peer to read its answers.
 */
static void
chan_pump(void *arg)
{
	struct chan	*c = arg;
	size_t		 flen;
	uint32_t	 rlen;
	int		 n = 0, r;

	while (c->st <= ST_OPEN) {
		if (c->st == ST_OPEN && (r = chan_record_ready(c)) != 0) {
			if (r < 0 || c->hold || c->out_full)
				break;
			if (n++ == TURN_RECORDS) {
				loop_soon(c->loop, &c->pump);
				break;
			}
			rlen = get_u32(buf_ptr(&c->rxp));
			c->cb->record(c, buf_ptr(&c->rxp) + 4, rlen, c->arg);
			if (c->st != ST_OPEN)
				return;
			buf_consume(&c->rxp, 4 + rlen);
			chan_unreserve(c);
			c->record_since = 0;
			continue;
		}
		if (buf_used(&c->in) < 2)
			break;
		flen = get_u16(buf_ptr(&c->in));
		if (buf_used(&c->in) - 2 < flen)
			break;
		if (chan_frame(c, buf_ptr(&c->in) + 2, flen) != 0)
			return;
		buf_consume(&c->in, 2 + flen);
	}
	chan_update(c);
}

/* Read what the socket has, up to IN_MAX and a few reads a turn. */
static void
chan_read(struct chan *c)
{
	ssize_t	 n;
	int	 rounds = 0;

	while (!c->stop_read && buf_used(&c->in) < IN_MAX && rounds++ < 4) {
		n = read(c->fd_in, buf_reserve(&c->in, 65536), 65536);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
			break;
		if (n <= 0) {
			chan_abort(c, n == 0 ? "peer closed" : "read failed");
			return;
		}
		buf_commit(&c->in, (size_t)n);
		c->last_rx = clock_ms();
		if ((size_t)n < 65536)
			break;
	}
	chan_pump(c);
}

/* Lingering: drop what the peer sends until it closes. */
static void
chan_read_linger(struct chan *c)
{
	uint8_t	junk[4096];
	ssize_t	n;

	while ((n = read(c->fd_in, junk, sizeof junk)) > 0)
		;
	if (n == 0 || (errno != EAGAIN && errno != EWOULDBLOCK &&
	    errno != EINTR))
		chan_finish(c, c->reason);
}

static void
chan_io(int fd, int events, void *arg)
{
	struct chan	*c = arg;

	if (c->st == ST_CLOSED)
		return;
	if (c->st == ST_LINGER) {
		if (events & LOOP_READ)
			chan_read_linger(c);
		return;
	}
	if ((events & LOOP_READ) && fd == c->fd_in && c->st < ST_CLOSING) {
		chan_read(c);
		if (c->st == ST_CLOSED)
			return;
	}
	if ((events & LOOP_WRITE) && fd == c->fd_out)
		chan_write(c);
	else
		chan_update(c);
}

void
chan_hold(struct chan *c, int on)
{
	c->hold = on;
	if (!on && c->st == ST_OPEN)
		loop_soon(c->loop, &c->pump);
}

void
chan_stop_reading(struct chan *c)
{
	if (c->st != ST_OPEN || c->stop_read)
		return;
	chan_read(c);		/* what has arrived by now, within IN_MAX */
	c->stop_read = 1;
	chan_update(c);
}

int
chan_has_work(const struct chan *c)
{
	size_t	flen;

	if (c->st != ST_OPEN)
		return 0;
	if (buf_used(&c->rxp) >= 4 &&
	    buf_used(&c->rxp) - 4 >= get_u32(buf_ptr(&c->rxp)))
		return 1;
	if (buf_used(&c->in) < 2)
		return 0;
	flen = get_u16(buf_ptr(&c->in));
	return buf_used(&c->in) - 2 >= flen;
}

const char *
chan_tick(struct chan *c, int64_t now)
{
	if (c->st == ST_LINGER && now - c->linger_since > LINGER_TIME) {
		chan_finish(c, c->reason);
		return NULL;
	}
	if (c->st != ST_OPEN)
		return NULL;
	if (c->wait_since != 0) {
		chan_pump(c);		/* the budget may have room now */
		if (c->st == ST_OPEN && c->wait_since != 0 &&
		    now - c->wait_since > BUDGET_WAIT)
			return "record memory budget exhausted";
	}
	if (c->st == ST_OPEN && c->record_since != 0 &&
	    now - c->record_since > RECORD_TIME)
		return "record not finished in time";
	return NULL;
}

void
chan_set_budget(struct chan *c, struct chan_budget *b)
{
	c->budget = b;
}

void
chan_set_max_record(struct chan *c, size_t n)
{
	c->max_record = n > CHAN_MAX_RECORD ? CHAN_MAX_RECORD : n;
}

const uint8_t *
chan_remote_key(const struct chan *c)
{
	return c->rs;
}

const uint8_t *
chan_server_payload(const struct chan *c, size_t *len)
{
	*len = buf_used(&c->m2);
	return buf_ptr(&c->m2);
}

int
chan_hello_status(const struct chan *c)
{
	return c->hello_status;
}

int
chan_state(const struct chan *c)
{
	if (c->st == ST_OPEN)
		return 1;
	return c->st >= ST_CLOSING ? -1 : 0;
}

int64_t
chan_last_rx(const struct chan *c)
{
	return c->last_rx;
}

size_t
chan_pending(const struct chan *c)
{
	return buf_used(&c->out) + buf_used(&c->txp);
}

void
chan_set_arg(struct chan *c, void *arg)
{
	c->arg = arg;
}

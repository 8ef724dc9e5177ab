/*
 * Fuzz target: the server side of the channel (common/chan.c) fed what a
 * peer sends over a socket, on the event loop (common/loop.c), for a
 * bounded number of turns.  The first byte of the input picks how:
 *
 *   0  the rest goes on the wire as it is: frames, the hello, message 1,
 *      all a peer can send before it holds a key; in writes of as many
 *      bytes as the second byte says (0: all at once), so that frames
 *      straddle reads.
 *   1  a real IK handshake first, made here with common/noise.c as paw
 *      makes it, then the rest as chunks, each a 2-byte big-endian header
 *      and its bytes: the low 15 bits are the length; with the top bit
 *      clear the bytes are the plaintext of one transport message (the
 *      record layer: lengths, records split across messages or several in
 *      one, empty keepalives), with it set they go on the wire raw.  The
 *      first chunk is message 1's payload.
 *   2  the same over an enrollment handshake (IKpsk2, with the code the
 *      hello callback knows).
 *
 * A handshake the fuzzer can't forge is made for it, so the mutations
 * land behind the decryption rather than on the tag.  The callbacks are
 * server/session.c's in miniature: a record that is not a msgpack-rpc
 * message closes the channel gracefully, a request is answered, a
 * notification gets a keepalive, a client named "refused" is refused.
 * Checked, not only survived: a good handshake succeeds, and every frame
 * the server sends once it is open decrypts with the client's key.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/socket.h>

#include <sodium.h>

#include "buf.h"
#include "chan.h"
#include "clock.h"
#include "fuzz.h"
#include "noise.h"
#include "rpc.h"
#include "xmalloc.h"

#define MODE_RAW	0
#define MODE_SESSION	1
#define MODE_ENROLL	2
#define TURNS		64	/* loop turns to wait for an answer or the end */
#define RECORD_MAX	(64 * 1024)	/* pawd's before login */
#define CHUNK_RAW	0x8000

struct peer {
	int		 fd;		/* the client's end */
	struct chan	*c;		/* the server's channel */
	int		 closed;	/* its closed callback ran */
	int		 open;		/* the client finished the handshake */
	struct buf	 in;		/* what the server sent */
	struct noise_hs	*hs;
	struct noise_cs	 tx, rx;
};

static struct loop	*loop;
static uint8_t		 s_priv[32], s_pub[32], c_priv[32];
static struct chan_budget	 budget;
static const uint8_t	 code_id[16] = "fuzz-code-id-016";
static const uint8_t	 psk[32] = "a pre-shared key of 32 bytes ...";

static int
fuzz_hello(struct chan *c, int mode, const uint8_t *id, uint8_t out[32],
    void *arg)
{
	if (mode != CHAN_ENROLL)
		return HELLO_OK;
	if (memcmp(id, code_id, sizeof code_id) != 0)
		return HELLO_CODE_UNKNOWN;
	memcpy(out, psk, 32);
	return HELLO_OK;
}

/* Read message 1's payload as session_read_hello() does. */
static const char *
fuzz_identify(struct chan *c, const uint8_t rs[32], const uint8_t *p,
    size_t len, void *arg)
{
	msgpack_unpacked	 u;
	const char		*st = "ok";
	char			*v;

	if (mp_unpack(&u, p, len) == 0 &&
	    (v = mp_strdup(mp_get(&u.data, "client"))) != NULL) {
		if (strcmp(v, "refused") == 0)
			st = "unknown_device";
		free(v);
	}
	msgpack_unpacked_destroy(&u);
	return st;
}

static void
fuzz_open(struct chan *c, void *arg)
{
	chan_set_max_record(c, RECORD_MAX);
}

static void
fuzz_record(struct chan *c, const uint8_t *p, size_t len, void *arg)
{
	msgpack_unpacked	 u;
	struct rpc_msg		 m;
	msgpack_sbuffer		 sb;
	msgpack_packer		 pk;

	if (mp_unpack(&u, p, len) != 0 || rpc_parse(&u.data, &m) != 0) {
		msgpack_unpacked_destroy(&u);
		chan_close(c, "malformed message");
		return;
	}
	msgpack_unpacked_destroy(&u);
	if (m.type == RPC_NOTIFY) {
		chan_keepalive(c);
		return;
	}
	if (m.type == RPC_RESPONSE) {
		chan_close(c, "unexpected response");
		return;
	}
	msgpack_sbuffer_init(&sb);
	msgpack_packer_init(&pk, &sb, msgpack_sbuffer_write);
	msgpack_pack_array(&pk, 4);
	msgpack_pack_uint8(&pk, RPC_RESPONSE);
	msgpack_pack_uint32(&pk, m.msgid);
	msgpack_pack_nil(&pk);
	msgpack_pack_map(&pk, 0);
	chan_send(c, (const uint8_t *)sb.data, sb.size);
	msgpack_sbuffer_destroy(&sb);
}

static void
fuzz_closed(struct chan *c, const char *reason, void *arg)
{
	struct peer	*p = arg;

	p->closed = 1;
}

static const struct chan_cb fuzz_cb = {
	.hello = fuzz_hello,
	.identify = fuzz_identify,
	.open = fuzz_open,
	.record = fuzz_record,
	.closed = fuzz_closed,
};

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	uint8_t	c_pub[32];

	if (sodium_init() < 0 || (loop = loop_create()) == NULL)
		abort();
	signal(SIGPIPE, SIG_IGN);
	memset(s_priv, 0x11, sizeof s_priv);
	noise_pubkey(s_priv, s_pub);
	noise_keypair(c_priv, c_pub);
	return 0;
}

/* Take what the server wrote; once open, every frame must decrypt. */
static void
peer_read(struct peer *p)
{
	static uint8_t	 pt[65536];
	const uint8_t	*f;
	ssize_t		 n;
	size_t		 len;

	while ((n = read(p->fd, buf_reserve(&p->in, 65536), 65536)) > 0)
		buf_commit(&p->in, (size_t)n);
	while (p->open && buf_used(&p->in) >= 2) {
		f = buf_ptr(&p->in);
		len = get_u16(f);
		if (buf_used(&p->in) - 2 < len)
			break;
		if (len < NOISE_TAGLEN ||
		    noise_cs_decrypt(&p->rx, NULL, 0, f + 2, len, pt) != 0) {
			fprintf(stderr, "server frame does not decrypt\n");
			abort();
		}
		buf_consume(&p->in, 2 + len);
	}
}

static void
pump(struct peer *p, int turns)
{
	const char	*why;

	while (turns-- > 0) {
		loop_once(loop, 0);
		peer_read(p);
		if (!p->closed && (why = chan_tick(p->c, clock_ms())) != NULL)
			chan_close(p->c, why);
	}
}

/* Put bytes on the wire, turning the loop while the socket is full. */
static void
peer_write(struct peer *p, const uint8_t *d, size_t len)
{
	ssize_t	n;
	int	stuck = 0;

	while (len > 0 && !p->closed && stuck < TURNS) {
		if ((n = write(p->fd, d, len)) > 0) {
			d += n;
			len -= (size_t)n;
			stuck = 0;
		} else if (n < 0 && errno != EAGAIN && errno != EINTR)
			return;
		pump(p, 1);
		stuck++;
	}
}

static void
peer_frame(struct peer *p, const uint8_t *d, size_t len)
{
	uint8_t	h[2] = { len >> 8, len & 0xff };

	peer_write(p, h, 2);
	peer_write(p, d, len);
}

/* The server's next frame before the channel is open, or -1. */
static int
peer_wait(struct peer *p, uint8_t *out, size_t *len)
{
	int	turns;

	for (turns = 0; turns < TURNS; turns++) {
		if (buf_used(&p->in) >= 2 &&
		    buf_used(&p->in) - 2 >= get_u16(buf_ptr(&p->in))) {
			*len = get_u16(buf_ptr(&p->in));
			memcpy(out, buf_ptr(&p->in) + 2, *len);
			buf_consume(&p->in, 2 + *len);
			return 0;
		}
		if (p->closed)
			return -1;
		pump(p, 1);
	}
	return -1;
}

/* One chunk of a handshake mode's input: 0, or -1 at the end. */
static int
chunk_next(const uint8_t **d, size_t *left, const uint8_t **p, size_t *len,
    int *raw)
{
	uint16_t	h;

	if (*left < 2)
		return -1;
	h = get_u16(*d);
	*raw = (h & CHUNK_RAW) != 0;
	*len = h & ~CHUNK_RAW;
	if (*len > *left - 2)
		*len = *left - 2;
	*p = *d + 2;
	*d += 2 + *len;
	*left -= 2 + *len;
	return 0;
}

static void
fail(const char *what)
{
	fprintf(stderr, "handshake: %s\n", what);
	abort();
}

/*
 * The client's side of a good handshake, with message 1 carrying the
 * first chunk: 0 when open, -1 if the server refused the payload.
 */
static int
peer_handshake(struct peer *p, int mode, const uint8_t *pl, size_t pllen)
{
	static uint8_t	 f[65536], msg[65536];
	uint8_t		 hello[21] = { 'P', 'A', 'W', 1 };
	size_t		 len;
	const char	*name = "Noise_IK_25519_ChaChaPoly_BLAKE2b";

	hello[4] = mode == MODE_ENROLL ? CHAN_ENROLL : CHAN_SESSION;
	memcpy(hello + 5, code_id, sizeof code_id);
	peer_frame(p, hello, mode == MODE_ENROLL ? 21 : 5);
	if (peer_wait(p, f, &len) != 0 || len != 37 || f[4] != HELLO_OK ||
	    memcmp(f + 5, s_pub, 32) != 0)
		fail("hello not accepted");
	if (mode == MODE_ENROLL)
		name = "Noise_IKpsk2_25519_ChaChaPoly_BLAKE2b";
	p->hs = noise_hs_create(name, 1, (const uint8_t *)CHAN_PROLOGUE,
	    strlen(CHAN_PROLOGUE), c_priv, s_pub,
	    mode == MODE_ENROLL ? &psk : NULL, mode == MODE_ENROLL);
	if (p->hs == NULL ||
	    noise_hs_write(p->hs, pl, pllen, msg, sizeof msg, &len) != 0)
		fail("message 1 not written");
	peer_frame(p, msg, len);
	if (peer_wait(p, f, &len) != 0)
		fail("no message 2");
	if (noise_hs_read(p->hs, f, len, msg, sizeof msg, &len) != 0 ||
	    noise_hs_split(p->hs, &p->tx, &p->rx) != 0)
		fail("message 2 does not read");
	pump(p, 1);
	if (p->closed)
		return -1;	/* refused: message 2 said why */
	p->open = 1;
	peer_read(p);
	return 0;
}

/* Records behind a real handshake. */
static void
fuzz_records(struct peer *p, int mode, const uint8_t *d, size_t left)
{
	static uint8_t	 frame[2 + 65535];
	const uint8_t	*c;
	size_t		 len;
	int		 raw;

	if (chunk_next(&d, &left, &c, &len, &raw) != 0 ||
	    peer_handshake(p, mode, c, len) != 0)
		return;
	while (!p->closed && chunk_next(&d, &left, &c, &len, &raw) == 0) {
		if (raw) {
			peer_write(p, c, len);
		} else {
			frame[0] = (len + NOISE_TAGLEN) >> 8;
			frame[1] = (len + NOISE_TAGLEN) & 0xff;
			if (noise_cs_encrypt(&p->tx, NULL, 0, c, len,
			    frame + 2) != 0)
				abort();
			peer_write(p, frame, 2 + len + NOISE_TAGLEN);
		}
		pump(p, 1);
	}
}

static void
fuzz_raw(struct peer *p, const uint8_t *d, size_t left)
{
	size_t	step = SIZE_MAX, n;

	if (left > 0) {
		if (d[0] != 0)
			step = d[0];
		d++;
		left--;
	}
	while (left > 0 && !p->closed) {
		n = left < step ? left : step;
		peer_write(p, d, n);
		pump(p, 1);
		d += n;
		left -= n;
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct peer	 p;
	int		 sv[2], turns, mode;

	if (size < 1)
		return 0;
	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0,
	    sv) != 0)
		abort();
	memset(&p, 0, sizeof p);
	p.fd = sv[1];
	buf_init(&p.in);
	if ((p.c = chan_accept(loop, sv[0], sv[0], s_priv, &fuzz_cb, &p)) ==
	    NULL)
		abort();
	/* A small record budget, so that long records wait for it. */
	budget.used = 0;
	budget.max = 256 * 1024;
	chan_set_budget(p.c, &budget);
	mode = data[0] % 3;
	if (mode == MODE_RAW)
		fuzz_raw(&p, data + 1, size - 1);
	else
		fuzz_records(&p, mode, data + 1, size - 1);
	/* What a graceful shutdown does, then the peer hangs up. */
	if (!p.closed && chan_state(p.c) == 1) {
		chan_stop_reading(p.c);
		pump(&p, 2);
		if (!p.closed)
			chan_close(p.c, "server shutting down");
	}
	shutdown(p.fd, SHUT_WR);
	for (turns = 0; !p.closed && turns < TURNS; turns++)
		pump(&p, 1);
	chan_free(p.c);
	close(p.fd);
	noise_hs_free(p.hs);
	buf_free(&p.in);
	sodium_memzero(&p, sizeof p);
	return 0;
}

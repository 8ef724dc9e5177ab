/*
 * The encrypted channel of wire protocol version 1 (common/PROTOCOL.md) over
 * two file descriptors, so a TCP socket and standard input/output run the same
 * code: frames, hellos, the Noise handshake and a stream of length-prefixed
 * records.  The channel never frees itself; its owner frees it from the
 * loop after the closed callback (never inside a callback).
 */
#ifndef CHAN_H
#define CHAN_H

#include <stddef.h>
#include <stdatomic.h>
#include <stdint.h>

#include "loop.h"

#define CHAN_SESSION		'I'
#define CHAN_ENROLL		'E'

#define HELLO_OK		0
#define HELLO_UNSUPPORTED	1
#define HELLO_BUSY		2
#define HELLO_CODE_UNKNOWN	3
#define HELLO_CODE_USED		4

#define CHAN_MAX_RECORD		(16 * 1024 * 1024)
#define CHAN_PROLOGUE		"pawprint/1"

struct chan;

/*
 * Memory shared by the channels of a process for the long records they
 * are assembling: a record longer than a frame takes its length from it
 * when the length arrives and gives it back once handed over.
 */
struct chan_budget {
	_Atomic size_t	 used;
	size_t		 max;
};

struct chan_cb {
	/*
	 * Server only: a hello arrived.  mode is CHAN_SESSION or CHAN_ENROLL
	 * (code_id then holds the 16-byte id; fill psk).  Return a HELLO_
	 * status; anything but HELLO_OK is sent and the channel closes.
	 */
	int	(*hello)(struct chan *, int mode, const uint8_t *code_id,
		    uint8_t psk[32], void *arg);
	/*
	 * Server only: message 1 was read.  Return the status word for
	 * message 2 ("ok", "unknown_device", ...); anything but "ok" closes.
	 */
	const char *(*identify)(struct chan *, const uint8_t rs[32],
		    const uint8_t *payload, size_t len, void *arg);
	/* The handshake finished; records can flow. */
	void	(*open)(struct chan *, void *arg);
	/* One whole record (one msgpack message), borrowed for the call. */
	void	(*record)(struct chan *, const uint8_t *, size_t, void *arg);
	/* The channel is closed; reason is a short English phrase. */
	void	(*closed)(struct chan *, const char *reason, void *arg);
};

/* Serve one peer; s_priv is the server's static private key (copied). */
struct chan	*chan_accept(struct loop *, int fd_in, int fd_out,
		    const uint8_t s_priv[32], const struct chan_cb *, void *arg);
/*
 * Connect as initiator.  server_pub is the pinned key (or the enrollment
 * code's); for CHAN_ENROLL, code_id and psk come from the code.  payload is
 * message 1's payload (msgpack {v, client, host}), copied.
 */
struct chan	*chan_connect(struct loop *, int fd_in, int fd_out,
		    const uint8_t s_priv[32], const uint8_t server_pub[32],
		    int mode, const uint8_t *code_id, const uint8_t *psk,
		    const uint8_t *payload, size_t len,
		    const struct chan_cb *, void *arg);
/*
 * Answer a hello with status (HELLO_BUSY ...) on a descriptor that gets no
 * channel, a connection refused at once: what the peer sent so far is read
 * first, so the close that follows does not reset it.  Best effort.
 */
void		 chan_refuse(int fd, const uint8_t s_pub[32], int status);
/* Close both descriptors (unless already closed) and wipe secrets. */
void		 chan_free(struct chan *);

/* Queue one record; sent when the descriptor is writable.  0 or -1. */
int		 chan_send(struct chan *, const uint8_t *, size_t);
/* Queue an empty transport message (keepalive). */
void		 chan_keepalive(struct chan *);
/* Send what is queued, then close with reason (graceful). */
void		 chan_close(struct chan *, const char *reason);
/*
 * While on, hand over no records: they stay queued (and past a limit the
 * peer is not read) until it is turned off.  For a request in flight whose
 * followers must wait for its answer.
 */
void		 chan_hold(struct chan *, int on);
/*
 * Take what the peer has sent by now (within the input limit), then read
 * nothing more; what was read is still handed over.  Never call from a
 * callback.
 */
void		 chan_stop_reading(struct chan *);
/* 1 while whole records or frames read from the peer wait to be handled. */
int		 chan_has_work(const struct chan *);
/*
 * Once a second from the owner: ends a lingering close that took too long,
 * retries the budget for a record waiting for it, and returns why the
 * channel should be closed when it waited too long for the budget or its
 * record takes too long to arrive (else NULL); the owner closes it, with a
 * word to the peer.
 */
const char	*chan_tick(struct chan *, int64_t now_ms);
/* Assemble long records against b (shared, may be NULL: no limit). */
void		 chan_set_budget(struct chan *, struct chan_budget *);
/* Close at once, dropping queued output. */
void		 chan_abort(struct chan *, const char *reason);
/* Largest record accepted from the peer (defaults to CHAN_MAX_RECORD). */
void		 chan_set_max_record(struct chan *, size_t);
/* The peer's static key (valid after identify / open). */
const uint8_t	*chan_remote_key(const struct chan *);
/* Message 2's payload as received (client side), borrowed. */
const uint8_t	*chan_server_payload(const struct chan *, size_t *len);
/* Hello status received (client side), -1 before. */
int		 chan_hello_status(const struct chan *);
/* 1 when open, 0 before, -1 closed. */
int		 chan_state(const struct chan *);
/* Monotonic ms of the last frame received. */
int64_t		 chan_last_rx(const struct chan *);
/* Bytes queued but not yet written. */
size_t		 chan_pending(const struct chan *);
void		 chan_set_arg(struct chan *, void *);

#endif

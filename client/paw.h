/*
 * paw: the Pawprint branch client (terminal UI and `paw call`).  One header
 * for the program, with a section per file.
 */
#ifndef PAW_H
#define PAW_H

#include <stdint.h>

#include <jansson.h>

#include "loop.h"
#include "rpc.h"

#ifndef N_
#define N_(s)	(s)
#endif
#include <libintl.h>
#define _(s)	gettext(s)

/* paw.c: device state under $PAW_HOME */
struct paw_conf {
	char	*home;		/* $PAW_HOME or ~/.config/paw */
	char	*server;	/* HOST:PORT recorded by paw enroll */
	char	*ssh;		/* [USER@]HOST: reach pawd through ssh */
	char	*ssh_command;	/* remote command, default "pawd serve --stdio" */
	char	*branch;	/* branch code of this device */
	uint8_t	 key[32];	/* device private key */
	uint8_t	 server_key[32];	/* pinned */
	int	 have_key;
	int	 have_server_key;
	int	 fkeys;		/* function_keys: 0 auto, 1 yes, 2 no */
};
/* Load key and paw.conf from conf->home.  0, or -1 with *err set (freed by caller). */
int	conf_load(struct paw_conf *, char **err);
int	conf_save(const struct paw_conf *, char **err);

/* client.c: one connection to pawd, reconnecting by itself. */
#define CLIENT_DOWN		0
#define CLIENT_CONNECTING	1
#define CLIENT_UP		2

/*
 * Why the client is not connected (client_down()).  From DOWN_UNKNOWN_DEVICE
 * on the cause is final: retrying cannot help, so the client stops.
 */
enum client_down {
	DOWN_NONE = 0,
	DOWN_REFUSED,		/* nothing listens at the server's address */
	DOWN_UNREACHABLE,	/* no route, network down, other connect errors */
	DOWN_TIMEOUT,		/* no answer in time (connect or handshake) */
	DOWN_NO_HOST,		/* the server's name does not resolve */
	DOWN_CLOSED,		/* the server closed the connection */
	DOWN_BUSY,		/* the server is busy or shutting down */
	DOWN_PROTOCOL,		/* not a Pawprint server, or another version */
	DOWN_SSH,		/* ssh failed; client_down_detail() has its words */
	DOWN_NO_SERVER,		/* no server configured */
	DOWN_UNKNOWN_DEVICE,	/* the server does not know this device */
	DOWN_REVOKED,		/* HQ revoked this device */
	DOWN_KEY_MISMATCH,	/* the server presented another key than pinned */
	DOWN__COUNT
};
#define DOWN_FINAL(d)	((d) >= DOWN_UNKNOWN_DEVICE)

struct client;
struct client_err {
	enum err_code	 code;
	char		 word[32];	/* the wire word, e.g. "invalid" */
	char		 message[256];	/* English, from the server or local */
	char		 field[64];	/* "" if none */
	char		 card_no[16];	/* the member a conflict is with, or "" */
	int		 archived;	/* ... who is archived */
};
typedef void	client_cb(json_t *result, const struct client_err *, void *arg);
typedef void	client_state_cb(int state, const char *detail, void *arg);

struct client	*client_create(struct loop *, struct paw_conf *);
void		 client_free(struct client *);
/*
 * Connect and wait for the handshake (for scripts: the loop runs, but this
 * returns only when connected or failed).  0, or -1 with err filled.
 */
int		 client_connect(struct client *, struct client_err *);
/*
 * Reconnect by itself after a drop (the terminal UI turns this on); when
 * turned on while down, start connecting at once without waiting.  Every
 * step (name lookup, TCP connect, ssh, handshake) runs on the loop with a
 * deadline.  A final cause (DOWN_FINAL) stops it.
 */
void		 client_set_autoreconnect(struct client *, int);
void		 client_on_state(struct client *, client_state_cb *, void *);
int		 client_state(const struct client *);
/*
 * Call and wait (runs the loop; other fds stay watched unless the caller
 * pauses them).  Returns the result (caller decrefs) or NULL with err.
 * params is borrowed (NULL means {}).
 */
json_t		*client_call(struct client *, const char *method, json_t *params,
		    struct client_err *);
/* Call without waiting; cb runs from the loop.  Returns a call id. */
uint32_t	 client_call_async(struct client *, const char *method,
		    json_t *params, client_cb *, void *);
/* Forget a pending async call: its callback will not run. */
void		 client_cancel(struct client *, uint32_t id);
/*
 * session.login; on success the client keeps the session token and
 * resumes the session by itself after a reconnection.  Returns whoami
 * (caller decrefs) or NULL with err.
 */
json_t		*client_login(struct client *, const char *staff,
		    const char *password, struct client_err *);
void		 client_logout(struct client *);
/* Message 1's payload {v, client, host} into sb (initialised here). */
void		 client_hello_payload(msgpack_sbuffer *);
/* Connect to HOST:PORT; the socket, or -1 with *why (caller frees). */
int		 paw_dial_tcp(const char *hostport, char **why);
/* Server key fingerprint / pinned key mismatch text for messages. */
const char	*client_server_desc(const struct client *);
/* Why the client is down (DOWN_NONE while connected or connecting). */
int		 client_down(const struct client *);
/*
 * The reason of the last session.closing ("role changed", "account
 * disabled", ...), kept across the reconnection until a resume succeeds;
 * "" if none.
 */
const char	*client_closing(const struct client *);
/* Words that go with it: the last line ssh wrote on stderr, or "". */
const char	*client_down_detail(const struct client *);
/* DOWN_KEY_MISMATCH: the key the server presented (32 bytes). */
const uint8_t	*client_presented_key(const struct client *);

/* call.c */
int	call_main(struct paw_conf *, int argc, char **argv, const char *user);
/* enrollc.c */
int	enroll_main(struct paw_conf *, int argc, char **argv);
/* ui.c */
int	ui_main(struct paw_conf *, const char *user);

/* Translated text for an error (by code, with the field). */
const char	*client_err_text(const struct client_err *);

#endif

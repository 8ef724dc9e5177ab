/*
 * pawd: the Pawprint HQ server.  One header for the program, with a section
 * per file.
 */
#ifndef PAWD_H
#define PAWD_H

#include <pthread.h>
#include <stddef.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include <msgpack.h>

#include "buf.h"
#include "chan.h"
#include "entity.h"
#include "loop.h"
#include "rpc.h"

/* Roles, as a bit mask. */
#define R_CLERK		0x1
#define R_MANAGER	0x2
#define R_HQ		0x4
#define R_SUPPORT	0x8
#define R_STAFF		(R_CLERK | R_MANAGER | R_HQ)
#define R_ALL		(R_STAFF | R_SUPPORT)

/* Method flags. */
#define F_PUBLIC	0x1	/* callable before login */
#define F_WRITE		0x2	/* one transaction with its audit row */
#define F_MONEY		0x4	/* request_id required */
#define F_ASYNC		0x8	/* slow part off the loop, then rpc_continue() */
#define F_ENROLL	0x10	/* only on an enrollment channel */
#define F_READ		0x20	/* reads the database only: on the session's loop */
#define F_APPROVE	0x40	/* needs a manager's approval */
#define F_SESSION	0x80	/* changes the caller's session: never replayed */
/*
 * Scope: which branches the caller may name or touch.  None: any branch.
 * F_SCOPE_OWN: their own (home) branch only, HQ admins included;
 * F_SCOPE_HQ: their own, any for HQ admins.  The gatekeeper checks the
 * branch parameters (P_BRANCH) and handlers check the branch of an entity
 * they load, both with scope_check().
 */
#define F_SCOPE_OWN	0x100
#define F_SCOPE_HQ	0x200
#define F_OWNTX		0x400	/* writes in transactions of its own (job runs) */

#define ID_MAX		64	/* staff ids, branch codes */
/* Branch codes: 2-16 of A-Z 0-9 and '-'. */
#define BRANCH_CODE_MAX	16
#define BRANCH_CODE_PATTERN "^[A-Z0-9-]{2,16}$"
#define IDEM_DIGEST_LEN	32	/* bytes of a request's digest (idem.c) */
#define PRELOGIN_MAX_RECORD	(64 * 1024)

/* A domain error: code, the field it names (or NULL) and an English message. */
struct perr {
	enum err_code	 code;
	const char	*field;		/* static string or NULL */
	char		 msg[256];
	struct rpc_extra extra[RPC_EXTRA_MAX];	/* more keys of the error */
	int		 nextra;
};

/* Who did something, for the audit trail. */
struct actor {
	const char	*staff;		/* NULL before login */
	int64_t		 device;
	const char	*branch;	/* the device's: where it was done */
	const char	*staff_branch;	/* the staff member's own */
	const char	*approver;	/* the manager who approved, or NULL */
	int		 role;
};

struct server;
struct session;
struct method;
struct approval;

/* One request being handled. */
/* Who is on a session: its device, and the staff logged in on it. */
struct caller {
	char		 staff[ID_MAX];		/* "" before login */
	char		 staff_branch[ID_MAX];
	int		 role;
	int64_t		 generation;		/* staff_generation() at login */
	int64_t		 token_id;
	int64_t		 device;		/* device row id, 0 while enrolling */
	char		 branch[ID_MAX];	/* the device's branch */
	int64_t		 enroll_code;		/* enroll_code row id */
	uint8_t		 key[32];		/* the device's static key */
	char		 client[64];
	char		 host[64];
	char		 peer[64];
};

/* The parameters the gatekeeper itself reads, for any method that allows them. */
struct gate_p {
	const char	*request_id;		/* 32 hex characters, or NULL */
	const char	*approver;		/* a manager's staff id */
	const char	*approver_password;
};

struct req {
	struct server		*srv;
	struct session		*s;
	struct db		*db;
	const struct method	*m;
	char			 staff[ID_MAX];	/* who sent it ("" before login) */
	int			 role;
	/*
	 * The session as it stood when the request arrived, for the handler
	 * to read, whichever thread it runs on.  A handler that logs in or
	 * out changes this copy and sets who_changed: the session takes it
	 * when the reply is sent.
	 */
	struct caller		 who;
	int			 who_changed;
	int			 counted;	/* in s->pending and s->holding */
	int			 remote;	/* ran on the main loop, not s's */
	msgpack_sbuffer		 out;		/* the packed reply */
	uint32_t		 msgid;
	const msgpack_object	*params;	/* map or NULL */
	msgpack_sbuffer		 sb;		/* the result */
	msgpack_packer		 pk;
	struct perr		 err;
	int			 failed;
	int			 commit_on_error; /* keep writes of a refusal */
	char			*audit_entity;
	char			*audit_id;
	char			*audit_before;	/* JSON or NULL */
	char			*audit_after;	/* JSON, default: the result */
	msgpack_unpacked	 msg;		/* owns params (async requests) */
	void			*in;		/* the decoded params (contract.c) */
	struct gate_p		 gate;		/* request_id, approver ... */
	struct arena		*arena;		/* owns in and its strings */
	char			 path[128];	/* the field an error names */
	char			 idem_key[33];	/* request_id, lower case, or "" */
	uint8_t			 idem_digest[IDEM_DIGEST_LEN];
	int			 replayed;	/* answered from the store */
	char			 approver[ID_MAX];	/* who approved, or "" */
	struct approval		*approval;	/* a clerk's, being checked */
	uint8_t			*raw;		/* the record, kept for F_READ */
	void			*ctx;		/* an async handler's state */
	int64_t			 kick_device;	/* sessions to cut after the reply */
	const char		*kick_reason;
	struct req		*next;
};

/* role.c */
/* The wire name of one role bit ("" for none or several). */
const char	*role_name(int role);
/* The role bit of a name, 0 if it names none. */
int		 role_parse(const char *);

/* error.c */
int		 perr_set(struct perr *, enum err_code, const char *field,
		    const char *fmt, ...) __attribute__((format(printf, 4, 5)));
/* Add a key to the error map (key static; at most RPC_EXTRA_MAX). */
void		 perr_extra_str(struct perr *, const char *key, const char *);
void		 perr_extra_bool(struct perr *, const char *key, int);

/*
 * db.c: the database as the program sees it, with no SQLite type in
 * sight; the statement-level interface the data files use (they alone
 * hold SQL) is in db.h.
 */
struct db;
struct hits;
/* Open (creating with mode 0600) and configure: WAL, foreign keys. */
struct db	*db_open(const char *path, char **errstr);
/* Another connection to the same file that refuses to write. */
struct db	*db_open_reader(const char *path, char **errstr);
void		 db_close(struct db *);
/* The member list cache searches on this connection read (or NULL). */
void		 db_set_hits(struct db *, struct hits *);
struct hits	*db_hits(struct db *);
/* Reset every statement handed out (end of a request: no stale snapshot). */
void		 db_release(struct db *);
/* Run SQL without results (DDL, pragmas: never input). 0 or -1. */
int		 db_exec(struct db *, const char *sql);
int		 db_begin(struct db *);
int		 db_commit(struct db *);
/*
 * One snapshot for all the statements of a read-only request: SQLite in
 * WAL mode takes and drops a read lock (a mutex and a system call) for
 * each statement run outside a transaction.  0 if one began.
 */
int		 db_read_begin(struct db *);
/* Release the statements; end the read transaction (not a write's). */
void		 db_read_end(struct db *);
/* Whether what db reads is as of this request (not an earlier one's). */
int		 db_fresh(struct db *);
void		 db_rollback(struct db *);
int		 db_in_tx(struct db *);
int64_t		 db_last_id(struct db *);
int		 db_changes(struct db *);
/* SQLite's integrity check: 0 if "ok", else -1; its first line in msg. */
int		 db_integrity(struct db *, char *msg, size_t len);
/* The key the audit chain is digested with (NULL: none set); copied. */
void		 db_set_audit_key(struct db *, const uint8_t key[32]);
const uint8_t	*db_audit_key(struct db *);
/* The database library's version, for system.version. */
const char	*db_version(void);

/* migrate.c */
/* Apply schema/NNN-*.sql not yet recorded, in order. 0 or -1. */
int		 migrate_run(struct db *, const char *schema_dir);

/* idem.c: the idempotency store (request_id) */
/* BLAKE2b of the method and its params in key order, secrets left out. */
int		 idem_digest(const char *method, const msgpack_object *params,
		    uint8_t out[IDEM_DIGEST_LEN]);
/*
 * The stored answer of request_id into result: 1 if found with the same
 * digest, 0 if unknown, -1 with err (conflict: used for another request).
 */
int		 idem_find(struct db *, const char *request_id,
		    const uint8_t digest[IDEM_DIGEST_LEN], msgpack_sbuffer *result,
		    struct perr *);
/* Store the answer of a write in its transaction. 0 or -1. */
int		 idem_store(struct db *, const char *request_id,
		    const uint8_t digest[IDEM_DIGEST_LEN], const char *method,
		    const struct actor *, const char *result, size_t len);
/* Forget records older than 7 days before now: how many, or -1. */
int		 idem_purge(struct db *, int64_t now);

/* audit.c */
#define AUDIT_LIST_MAX	500
struct audit_filter {
	const char	*entity, *entity_id, *staff, *method;	/* NULL: any */
	int64_t		 limit, offset;
};
/* One row of the trail; text is borrowed from the database, NULL if none. */
struct audit_entry {
	int64_t		 id;
	int64_t		 at;
	const char	*staff;
	int64_t		 device;	/* 0 if none */
	const char	*branch, *staff_branch, *approver;
	const char	*method, *entity, *entity_id;
	const char	*before, *after;	/* JSON */
};
#define AUDIT_KEY_LEN		32
#define AUDIT_DIGEST_LEN	32
typedef void	 audit_fn(const struct audit_entry *, void *);
int		 audit_add(struct db *, const struct actor *, const char *method,
		    const char *entity, const char *entity_id,
		    const char *before, const char *after);
/*
 * How every write ends, whoever made it (a method, a job, the command
 * line): its audit row, then the commit; on failure the transaction is
 * rolled back.  0 or -1.
 */
int		 audit_commit(struct db *, const struct actor *, const char *method,
		    const char *entity, const char *entity_id,
		    const char *before, const char *after);
/*
 * The entries matching f, newest first, one page; cb is called once per
 * entry.  invalid for a limit outside 1-AUDIT_LIST_MAX or a negative offset.
 */
int		 audit_list(struct db *, const struct audit_filter *,
		    audit_fn *, void *, struct perr *);
/*
 * Verify the whole chain: the number of rows that fit, the first that does
 * not in *bad (0: all fit) and the digest of the last that fits in head;
 * -1 on a database error or without the audit key.
 */
int64_t		 audit_verify(struct db *, int64_t *bad,
		    uint8_t head[AUDIT_DIGEST_LEN]);
/* Give every row its digest (the migration that starts the chain). */
int		 audit_backfill(struct db *);

/*
 * contract.c: the typed method contract.  Each method declares its
 * parameters in a table beside its handler (rpc-<noun>.c):
 *
 *	PARAMS(pet_get, struct pet_get_p,
 *	    P_INT("id", struct pet_get_p, id, P_REQ, 1, ID_LIMIT));
 *
 * The gatekeeper decodes a request against it before the handler runs
 * and hands the handler the filled struct (req->in); an error names the
 * field, nested ones as lines[2].qty.  system.methods exports the tables,
 * limits included, and the terminal client takes its form limits from
 * there.  What a value becomes in the struct:
 *	PT_STR, PT_DATE, PT_ENUM, PT_HEX	const char *, NULL when absent
 *	PT_INT, PT_MONEY			int64_t, .def when absent
 *						(default PARAM_NONE)
 *	PT_BOOL					int, -1 when absent
 *	PT_LIST					struct plist
 *	PT_MAP					a pointer to its struct, or NULL
 * Strings are checked as text: valid UTF-8, trimmed of blanks (unless
 * P_RAW), no control characters (newlines with P_LINES), min to max
 * characters after trimming, then the pattern (ERE) with the ignore
 * characters dropped.  A wrong type is bad_request; a value outside its
 * limits, a missing required one or an unknown enum value is invalid.
 */
enum ptype {
	PT_STR = 1,
	PT_INT,
	PT_MONEY,	/* integer fen */
	PT_BOOL,
	PT_DATE,	/* YYYY-MM-DD, or "" to clear */
	PT_ENUM,
	PT_LIST,
	PT_MAP,
	PT_HEX,		/* exactly max hex digits */
};
#define P_REQ		0x1	/* required */
#define P_RAW		0x2	/* text taken as sent: not trimmed (secrets) */
#define P_LINES		0x4	/* text may hold newlines */
#define P_SECRET	0x8	/* never stored: not in audit, digests, logs */
#define P_BRANCH	0x10	/* names a branch: the method's scope applies */
#define PARAM_NONE	INT64_MIN	/* an absent integer */
#define ID_LIMIT	INT64_MAX	/* the largest row id */
struct param {
	const char		*name;		/* NULL ends a table */
	enum ptype		 type;
	int			 flags;
	int64_t			 min, max;	/* characters, values, items */
	const char		*pattern;	/* ERE, or NULL */
	const char		*ignore;	/* dropped before matching */
	const char *const	*values;	/* PT_ENUM: NULL-terminated */
	const struct param	*item;		/* PT_LIST: what each item is */
	const struct params	*fields;	/* PT_MAP: its declaration */
	size_t			 off;		/* in the struct */
	int64_t			 def;		/* PT_INT, PT_MONEY when absent */
};
struct params {
	size_t			 size;		/* of the struct, 0 for none */
	const struct param	*list;
};
/* A list parameter: n items of the item's C type, in order. */
struct plist {
	size_t	 n;
	void	*v;
	int	 given;
};

#define P_(nm, t, st, fld, fl) .name = nm, .type = t, .flags = fl, \
	.off = offsetof(st, fld)
#define P_STR(nm, st, fld, fl, lo, hi) \
	{ P_(nm, PT_STR, st, fld, fl), .min = lo, .max = hi }
#define P_PAT(nm, st, fld, fl, hi, pat, ign) \
	{ P_(nm, PT_STR, st, fld, fl), .max = hi, .pattern = pat, \
	.ignore = ign }
#define P_INT(nm, st, fld, fl, lo, hi) \
	{ P_(nm, PT_INT, st, fld, fl), .min = lo, .max = hi, .def = PARAM_NONE }
#define P_INTD(nm, st, fld, fl, lo, hi, d) \
	{ P_(nm, PT_INT, st, fld, fl), .min = lo, .max = hi, .def = d }
#define P_MONEY(nm, st, fld, fl, lo, hi) \
	{ P_(nm, PT_MONEY, st, fld, fl), .min = lo, .max = hi, \
	.def = PARAM_NONE }
#define P_BOOL(nm, st, fld, fl) { P_(nm, PT_BOOL, st, fld, fl) }
#define P_DATE(nm, st, fld, fl) { P_(nm, PT_DATE, st, fld, fl), .max = 10 }
#define P_ENUM(nm, st, fld, fl, vals) \
	{ P_(nm, PT_ENUM, st, fld, fl), .values = vals }
#define P_LIST(nm, st, fld, fl, lo, hi, it) \
	{ P_(nm, PT_LIST, st, fld, fl), .min = lo, .max = hi, .item = it }
#define P_MAP(nm, st, fld, fl, decl) \
	{ P_(nm, PT_MAP, st, fld, fl), .fields = &decl }
/* A list's item: its type and limits, at offset 0 of each item. */
#define P_ITEM_STR(fl, lo, hi) \
	{ .name = "", .type = PT_STR, .flags = fl, .min = lo, .max = hi }
#define P_ITEM_INT(lo, hi) \
	{ .name = "", .type = PT_INT, .min = lo, .max = hi }
#define P_ITEM_MAP(decl) { .name = "", .type = PT_MAP, .fields = &decl }
/* The declaration of a method's parameters, rpc_<fn>_params. */
#define PARAMS(fn, st, ...) \
	const struct params rpc_##fn##_params = { sizeof(st), \
	    (const struct param[]){ __VA_ARGS__, { .name = NULL } } }
#define NO_PARAMS(fn) \
	const struct params rpc_##fn##_params = { 0, \
	    (const struct param[]){ { .name = NULL } } }
/* A map's fields, for P_MAP and P_ITEM_MAP. */
#define FIELDS(var, st, ...) \
	static const struct params var = { sizeof(st), \
	    (const struct param[]){ __VA_ARGS__, { .name = NULL } } }

struct arena;
struct arena	*arena_create(void);
/* Free what the arena owns, wiping strings first. */
void		 arena_free(struct arena *);
/*
 * Decode params (a map object, or NULL for none) against decl into a new
 * struct (*out, owned by arena with its strings and lists), and the names
 * gate declares into gate_out (NULL gate: none).  0, or -1 with err filled,
 * err->field pointing into path (len bytes).
 */
int		 params_decode(const struct params *, const struct params *gate,
		    const msgpack_object *, struct arena *, void **out,
		    void *gate_out, struct perr *, char *path, size_t len);
/*
 * Pack declarations for system.methods, as one list of
 * {name, type, required, min?, max?, pattern?, values?, item?, fields?}
 * (more may be NULL).
 */
void		 params_pack(msgpack_packer *, const struct params *,
		    const struct params *more);
/* The declaration's entry for name, or NULL. */
const struct param *params_find(const struct params *, const char *name);

/* dispatch.c */
/* Fail the request; returns -1 so handlers can `return rpc_fail(...)`. */
int		 rpc_fail(struct req *, enum err_code, const char *field,
		    const char *fmt, ...) __attribute__((format(printf, 4, 5)));
/* Fail with a domain error. */
void		 rpc_fail_perr(struct req *, const struct perr *);
/*
 * The method's scope allows the caller this branch (of a parameter or of
 * an entity, named by field): 0, or -1 failed as forbidden.
 */
int		 scope_check(struct req *, const char *branch, const char *field);
/*
 * State what a write changed, for the audit row the gatekeeper writes in
 * its transaction: the entity, its id, and JSON texts of it before (or
 * NULL; copied) and after (taken and freed with the request; NULL: the
 * method's result).  Every write states one, or fails as internal.
 */
void		 rpc_audit(struct req *, const char *entity, const char *id,
		    const char *before, char *after);
/*
 * The actor of this request: who was logged in when it arrived, so a
 * logout is still theirs; for a request that logged in, who it logged in.
 */
void		 rpc_actor(struct req *, struct actor *);
/*
 * Once the method has committed and its reply is queued, cut every live
 * session of a device: the caller's own session too, which gets its
 * answer first, then session.closing.  reason is static.  (A staff
 * member's sessions follow their changes by themselves: schema/007.)
 */
void		 rpc_kick_device(struct req *, int64_t device, const char *reason);
/* A list being packed apart, to be put under a key once its size is known. */
struct collect {
	msgpack_sbuffer	 sb;
	msgpack_packer	 pk;
	uint32_t	 n;
};
void		 collect_init(struct collect *);
/* Append the collected items as an array under key, and free them. */
void		 collect_put(msgpack_packer *, const char *key, struct collect *);
/*
 * Finish an F_ASYNC request from the loop: run fn inside the method's
 * transaction (if F_WRITE), write the audit row, reply, free the request.
 */
void		 rpc_continue(struct req *, void (*fn)(struct req *));
void		 rpc_dispatch(struct session *, const uint8_t *, size_t);
/* The method table, for system.methods. */
struct method {
	const char		*name;
	void			(*fn)(struct req *);
	int			 roles;
	int			 flags;
	const struct params	*params;
};
extern const struct method methods[];
extern const size_t nmethods;
/* What the gatekeeper reads itself for a method: request_id, approver. */
const struct params *method_gate_params(const struct method *);

/* Handlers and their parameters, one per line of methods.def (rpc-<noun>.c). */
#define M(fn, name, roles, flags) void rpc_##fn(struct req *); \
	extern const struct params rpc_##fn##_params;
#include "methods.def"
#undef M

/* server.c */
/* Refusals of one kind, logged when they start and when they have stopped. */
struct episode {
	int		 count;		/* refusals so far, 0 if none */
	int64_t		 last;		/* ms of the latest */
};
/*
 * One event loop on a thread of its own, serving its share of the
 * connections: their handshakes, records and read-only methods (on its own
 * database connection), so reads never wait for another thread.  Shard 0
 * is the main thread, which also accepts, and runs every method that
 * writes, on the one writing connection, in order.
 */
#define SHARDS_MAX	64
struct shard {
	struct server	*srv;
	struct loop	*loop;
	struct db	*db;		/* reads (--stdio: the writer's) */
	int		 index;
	pthread_t	 thread;
	struct session	*sessions;
	uint64_t	 snapshot_at;	/* server commits when its reads began */
	int		 shutting_down;	/* this shard has begun to drain */
	_Atomic int	 drained;	/* and no session past its hello is left */
};
struct server {
	struct loop	*loop;		/* the main loop, shard 0's */
	struct db	*db;		/* the writer */
	char		*dir;
	uint8_t		 s_priv[32];
	uint8_t		 s_pub[32];
	int		*listen_fds;
	size_t		 nlisten;
	struct shard	*shards;
	int		 nshards;
	unsigned	 next_shard;	/* for the next connection */
	_Atomic int	 nsessions;
	_Atomic int	 nbusy;		/* of them, only answering "busy" */
	_Atomic int	 nopen;		/* of them, past the handshake */
	int		 max_sessions;	/* past the handshake */
	/*
	 * Connections still to finish hello and handshake have a budget of
	 * their own, in total and per source address (an IPv6 /64), and a
	 * deadline: they never take the places of devices that proved who
	 * they are.
	 */
	struct preauth	*preauth;
	int		 preauth_max;
	int		 preauth_per_addr;
	int		 handshake_timeout;	/* seconds */
	struct episode	 precut;	/* refused: over the budget */
	struct episode	 late;		/* cut: handshake too slow */
	struct chan_budget record_budget;	/* records being assembled */
	int		 shutdown_timeout;	/* seconds */
	int		 shutdown_late;		/* and it is past */
	int64_t		 shutdown_deadline;	/* monotonic ms */
	struct episode	 full;		/* at max_sessions */
	struct episode	 starved;	/* out of descriptors */
	int		 spare_fd;	/* /dev/null, given up to refuse at EMFILE */
	int		 paused;	/* listeners unwatched for a moment */
	int		 idle_timeout;	/* seconds */
	_Atomic int	 shutting_down;
	_Atomic uint64_t commits;	/* writes committed, for the snapshots */
	int		 stdio;
	struct worker	*worker;
	struct hits	*hits;		/* member lists, when serving TCP */
	char		*db_path;
	_Atomic uint64_t next_session_id;
	int		 sig_pipe[2];
	int64_t		 started;
	int		 test_clock;	/* started with --test-clock */
	struct cron	*cron;		/* the scheduler (pawd serve, not --stdio) */
	int64_t		 cut_seq;	/* staff_cut read up to (main loop) */
};

/* The data directory's database, migrated; NULL (logged) on error. */
struct db	*server_db_open(const char *dir);
int		 server_init(struct server *, const char *dir);
/* Keep the fields of member result lists in memory (see hits.c). */
int		 server_cache_lists(struct server *);
/* Serve on n event loops, the main one and n - 1 threads (after the cache). */
int		 server_start(struct server *, int n);
int		 server_listen(struct server *, const char *hostport);
int		 server_serve_stdio(struct server *);
void		 server_run(struct server *);
void		 server_free(struct server *);
/*
 * Run fn(arg) on sh's loop: at once when the caller is on it (here), else
 * posted, after what was posted before.
 */
void		 shard_call(struct shard *, int here, loop_hook_cb *, void *);
/* From a shard: note the device's contact (the main loop writes it). */
void		 server_device_seen(struct shard *, int64_t device);
/* Cut every live session of a device (after revocation); main loop. */
void		 server_kick_device(struct server *, int64_t device,
		    const char *reason);
/* A session finished its handshake, or ended before: out of the budget. */
void		 server_preauth_done(struct server *, const uint8_t addr[16]);
/*
 * On the main loop: cut the live sessions of the staff members changed
 * since the last look, by this process or another (schema/007).  After
 * every write, and once a second.
 */
void		 server_poll_cuts(struct server *);

/* session.c */
#define SESSION_ENROLL	0x1
#define SESSION_DEAD	0x2
#define SESSION_BUSY	0x4	/* over max_sessions: answer the hello busy */
#define SESSION_HELLO	0x8	/* hello accepted, handshake or open */
#define SESSION_PRE	0x10	/* counted in the pre-handshake budget */
#define SESSION_OPEN	0x20	/* past the handshake, counted in nopen */
struct session {
	struct server	*srv;
	struct shard	*shard;		/* whose loop it lives on */
	struct chan	*chan;
	uint64_t	 id;
	int		 flags;
	int64_t		 since;		/* monotonic ms, connected */
	uint8_t		 addr[16];	/* source address (budget key) */
	struct caller	 who;
	int		 pending;	/* requests answered later */
	/*
	 * Of them, the ones that do not only read (they run on the main loop,
	 * or wait for a hash): the records that came after wait in the
	 * channel, so a session's requests see each other's effects in the
	 * order sent.
	 */
	int		 holding;
	struct session	*next, *prev;
};
/* flags: 0, SESSION_BUSY, SESSION_PRE (addr then holds the key). */
struct session	*session_create(struct shard *, int fd_in, int fd_out,
		    const char *peer, int flags, const uint8_t addr[16]);
/* Unlink and free the shard's sessions that nothing refers to any more. */
void		 session_reap(struct shard *);
/* A request is to be answered later: the next records wait till then. */
void		 session_hold(struct session *);
/* A request of the session's that held the others is answered. */
void		 session_release(struct session *);
void		 session_kill(struct session *, const char *reason);
/* Send a record (an already packed msgpack message). */
void		 session_send(struct session *, const char *, size_t);
void		 session_notify_closing(struct session *, const char *reason);

/* worker.c: slow work (password hashing) off the event loops. */
struct worker;
typedef void	 worker_fn(void *arg);		/* runs on a thread */
typedef void	 worker_done(void *arg);	/* runs on the loop */
/* nthreads threads at a nice value (0: as the loop; hashing yields). */
struct worker	*worker_create(struct loop *, int nthreads, int nice);
void		 worker_free(struct worker *);
void		 worker_submit(struct worker *, worker_fn *, worker_done *,
		    void *arg);
/* Jobs queued or running. */
int		 worker_busy(struct worker *);
/* The number of threads for CPU-bound work: the online CPUs, 1 to 8. */
int		 worker_ncpu(void);

/* staff.c */
#define STAFF_TOKEN_LEN	64	/* hex characters of a resume token */
#define STAFF_PASSWORD_MAX 128	/* characters */
#define STAFF_NAME_MAX	40
/* Staff ids: 2-32 of a-z 0-9 . _ - */
#define STAFF_ID_PATTERN "^[a-z0-9._-]{2,32}$"
extern const char *const staff_roles[];	/* clerk ... support, NULL */
/* Flags of a refused staff_login(): what it wrote. */
#define STAFF_LOGIN_COUNTED	0x1	/* a failure: keep it despite the refusal */
#define STAFF_LOGIN_LOCKED	0x2	/* and it locked the account */
/* A staff account (entity.h); locked is the epoch a lockout lasts until. */
#define STAFF_ID_MAX	32
#define STAFF_OUT	(EF_OUT | EF_AUDIT)
#define STAFF_FIELDS(K, F, a) \
    K(a, id, "id", PAT, R, STAFF_OUT, 0, STAFF_ID_MAX, STAFF_ID_PATTERN, \
	NULL) \
    F(a, name, "name", TEXT, W, STAFF_OUT | EF_REQ, 1, STAFF_NAME_MAX, 0, 0) \
    F(a, role, "role", ROLE, W, STAFF_OUT | EF_REQ, 0, 0, staff_roles, 0) \
    F(a, branch, "branch", PAT, W, STAFF_OUT | EF_BRANCH, 0, \
	BRANCH_CODE_MAX, BRANCH_CODE_PATTERN, NULL) \
    F(a, disabled, "disabled", BOOL, R, STAFF_OUT, 0, 0, 0, 0) \
    F(a, last_login, "last_login", INT, R, EF_OUT, 0, 0, 0, 0) \
    F(a, locked, "locked_until", UNTIL, R, EF_OUT, 0, 0, 0, 0)
struct staff {
	ENTITY_ROW(STAFF_FIELDS)
};
struct staff_in {
	ENTITY_IN(STAFF_FIELDS)
};
extern const struct entity staff_entity;
typedef void	 staff_fn(const struct staff *, void *);
/* Hash a password with Argon2id (slow: call from a worker). 0 or -1. */
int		 staff_hash(const char *password, char out[128]);
int		 staff_verify(const char *hash, const char *password);
/*
 * The hash of a random password, checked for an unknown or disabled id so
 * it takes as long to refuse as a wrong password.  Computed once, by the
 * first caller (slow: call from a worker); the others wait for it.
 */
const char	*staff_dummy_hash(void);
int		 staff_check_password(const char *password, struct perr *);
/* Open an account (the row in out, may be NULL); a taken id is a conflict. */
int		 staff_insert(struct db *, const char *id, const char *name,
		    int role, const char *branch, const char *hash,
		    struct staff *out, struct perr *);
/* Load an account by id; not_found. */
int		 staff_get(struct db *, const char *id, struct staff *,
		    struct perr *);
/* The accounts of branch (NULL: every branch) by branch and id; how many. */
int		 staff_list(struct db *, const char *branch, int include_disabled,
		    staff_fn *, void *);
/*
 * Change the fields given (NULL: unchanged); invalid names the bad one.
 * The row after in out (may be NULL).
 */
int		 staff_update(struct db *, const char *id,
		    const struct staff_in *, struct staff *out, struct perr *);
/* Store a new password hash, lift a lockout; its sessions end (007). */
int		 staff_set_hash(struct db *, const char *id, const char *hash,
		    struct perr *);
/* Disable an account and end its sessions; the row after in out. */
int		 staff_disable(struct db *, const char *id, struct staff *out,
		    struct perr *);
/* The password hash of id into hash: 0, or -1 if there is no such staff. */
int		 staff_pwhash(struct db *, const char *id, char hash[128],
		    int *disabled);
/*
 * Apply a password check to account id: known says the account was there
 * and enabled when its hash was read (else a dummy hash was checked), ok
 * that the password matched.  0 with who filled; or -1 with err
 * (unauthenticated, locked) and flags saying what the refusal wrote.
 */
int		 staff_login(struct db *, const char *id, int known, int ok,
		    struct staff *who, int *flags, struct perr *);
/*
 * The same for an approval at a device of branch: the account must be a
 * manager of that branch or an HQ admin (else forbidden, naming approver);
 * a wrong password counts towards its lockout as a failed login does.
 */
int		 staff_approve(struct db *, const char *id, int known, int ok,
		    const char *branch, int *flags, struct perr *);
/*
 * The same for a logged-in staff member's own password typed again (to
 * change it): a wrong one counts and locks as a failed login.
 */
int		 staff_recheck(struct db *, const char *id, int ok, int *flags,
		    struct perr *);
/*
 * A new resume token of staff on device into token (STAFF_TOKEN_LEN + 1)
 * and its expiry: the token's row id, or -1 if it could not be stored.
 */
int64_t		 staff_token_create(struct db *, const char *staff,
		    int64_t device, char *token, int64_t *expires);
/*
 * Resume with token on device: extend it, fill who and *id; -1 with
 * unauthenticated if it is unknown, expired, of another device or of a
 * disabled account.
 */
int		 staff_token_resume(struct db *, const char *token,
		    int64_t device, struct staff *who, int64_t *id,
		    struct perr *);
/* Forget the token with row id (logout). */
int		 staff_token_drop(struct db *, int64_t id);
/* Delete the tokens expired by before: how many, or -1. */
int		 staff_token_purge(struct db *, int64_t before);
/*
 * Live sessions follow their staff member (schema/007): the generation of id
 * (raised by a change of role, branch or password, or a disable), or -1.
 */
int64_t		 staff_generation(struct db *, const char *id);
/* A change that ends the sessions of staff logged in before generation. */
struct staff_cut {
	char		 staff[ID_MAX];
	int64_t		 generation;
	char		 reason[32];
};
typedef void	 staff_cut_fn(const struct staff_cut *, void *);
/*
 * fn for each cut logged after seq, oldest first; the last seq seen (seq
 * itself if none), or -1.  With seq < 0, only the newest seq (0 if none).
 */
int64_t		 staff_cuts(struct db *, int64_t seq, staff_cut_fn *, void *);

/* branch.c */
#define BRANCH_NAME_MAX	60
#define BRANCH_ADDRESS_MAX 200
#define BRANCH_PHONE_MAX 24
/* A branch of the chain (entity.h); the key, code, is given on creation. */
#define BRANCH_OUT	(EF_OUT | EF_AUDIT)
#define BRANCH_FIELDS(K, F, a) \
    K(a, code, "code", PAT, R, BRANCH_OUT, 0, BRANCH_CODE_MAX, \
	BRANCH_CODE_PATTERN, NULL) \
    F(a, name, "name", TEXT, W, BRANCH_OUT | EF_REQ, 1, BRANCH_NAME_MAX, \
	0, 0) \
    F(a, address, "address", TEXT, W, BRANCH_OUT, 0, BRANCH_ADDRESS_MAX, \
	0, 0) \
    F(a, phone, "phone", TEXT, W, BRANCH_OUT, 0, BRANCH_PHONE_MAX, 0, 0) \
    F(a, active, "active", BOOL, U, BRANCH_OUT, 0, 0, 0, 0)
struct branch {
	ENTITY_ROW(BRANCH_FIELDS)
};
struct branch_in {
	ENTITY_IN(BRANCH_FIELDS)
};
extern const struct entity branch_entity;
typedef void	 branch_fn(const struct branch *, void *);
int		 branch_exists(struct db *, const char *code);
/* Open a branch: 0, or -1 (a taken code is a conflict); the row in out. */
int		 branch_insert(struct db *, const char *code,
		    const struct branch_in *, struct branch *out,
		    struct perr *);
/* Load a branch by code; not_found. */
int		 branch_get(struct db *, const char *code, struct branch *,
		    struct perr *);
/* The branches by code, the inactive ones too if asked; how many. */
int		 branch_list(struct db *, int include_inactive, branch_fn *,
		    void *);
/*
 * Change the fields given (NULL, active -1: unchanged); HQ stays active.
 * The rows before and after (either may be NULL).
 */
int		 branch_update(struct db *, const char *code,
		    const struct branch_in *, struct branch *before,
		    struct branch *after, struct perr *);

/* device.c */
#define DEVICE_NAME_MAX	64
/* A branch device (entity.h): last_seen 0 if never; revoked the epoch. */
#define DEVICE_OUT	(EF_OUT | EF_AUDIT)
#define DEVICE_FIELDS(K, F, a) \
    K(a, id, "id", ID, R, DEVICE_OUT, 0, 0, 0, 0) \
    F(a, pubkey, "pubkey", KEY32, R, DEVICE_OUT, 0, 0, 0, 0) \
    F(a, branch, "branch", PAT, R, DEVICE_OUT, 0, BRANCH_CODE_MAX, \
	BRANCH_CODE_PATTERN, NULL) \
    F(a, name, "name", TEXT, R, DEVICE_OUT, 0, DEVICE_NAME_MAX, 0, 0) \
    F(a, created, "created", INT, R, DEVICE_OUT, 0, 0, 0, 0) \
    F(a, last_seen, "last_seen", INT, R, DEVICE_OUT, 0, 0, 0, 0) \
    F(a, revoked, "revoked", SINCE, R, DEVICE_OUT, 0, 0, 0, 0)
struct device {
	ENTITY_ROW(DEVICE_FIELDS)
};
extern const struct entity device_entity;
typedef void	 device_fn(const struct device *, void *);
/* Look a device up by its key: row id and branch, status "ok", ... */
const char	*device_identify(struct db *, const uint8_t key[32],
		    int64_t *id, char *branch);
/* Record that the device has just connected (it writes: the main loop). */
void		 device_seen(struct db *, int64_t id);
int64_t		 device_insert(struct db *, const uint8_t key[32],
		    const char *branch, const char *name, struct perr *);
/* Create an enrollment code for branch into code (ENROLL_CODE_MAX). */
int		 device_enroll_code(struct db *, const uint8_t server_pub[32],
		    const char *branch, char *code, struct perr *);
/* Hello of an enrollment: find the code; HELLO_ status; psk and row id. */
int		 device_code_lookup(struct db *, const uint8_t code_id[16],
		    uint8_t psk[32], int64_t *row, char *branch);
/* First record of an enrollment: register the key, burn the code. */
int64_t		 device_register(struct db *, int64_t code_row,
		    const uint8_t key[32], const char *name, struct perr *);
/* Load a device by row id; not_found. */
int		 device_get(struct db *, int64_t id, struct device *,
		    struct perr *);
/* The devices of branch (NULL: every branch) by id; how many. */
int		 device_list(struct db *, const char *branch, device_fn *,
		    void *);
/*
 * Revoke a device and drop its login tokens; twice is a conflict.  The
 * rows before and after (either may be NULL).
 */
int		 device_revoke(struct db *, int64_t id, struct device *before,
		    struct device *after, struct perr *);
/* Delete the enrollment codes expired by before: how many, or -1. */
int		 device_code_purge(struct db *, int64_t before);

/* job.c: the scheduled jobs, their table and their runs. */
#define JOB_NAME_MAX	32
/*
 * A job's work for the occurrence due at due (epoch seconds), inside the
 * occurrence's transaction: it commits with its job_run row or not at all.
 * Everything due up to due is its to do (a missed run is caught up once).
 * 0 with *result a JSON object saying what it did, or -1 with *result an
 * English message: rolled back.  *result is the caller's to free.
 */
typedef int	 job_fn(struct db *, int64_t due, char **result);
/* One run of a job, as job_run holds it. */
struct job_record {
	char		 job[JOB_NAME_MAX];
	int64_t		 due, skipped, started, finished, ms;
	int		 ok;
	char		*result;		/* JSON, owned */
	char		 staff[ID_MAX];		/* job.run's caller, "" */
};
/* A job for job.list: its schedule, next due time and latest run. */
struct job_info {
	const char		*name;
	char			 schedule[32];	/* "daily 03:30", "every 60 s" */
	int64_t			 next_due;	/* <= now: due now */
	int			 has_last;
	struct job_record	 last;
};
typedef void	 job_info_fn(const struct job_info *, void *);
/* Check the table (names, schedules); -1 logged. */
int		 job_check(void);
/* The index of the job called name, or -1. */
int		 job_find(const char *name);
void		 job_record_clear(struct job_record *);
/*
 * Run the occurrence due first by now, if any, as a (whose audit rows name
 * a->staff).  1 ran one (in r), 0 none is due, -1 on error (logged).
 */
int		 job_run_next(struct db *, int64_t now, const struct actor *,
		    struct job_record *);
/*
 * job.run: run what is due of job name, or if nothing is, one occurrence
 * at now.  1 ran (in r); 0 if it already ran at now (that run in r);
 * -1 with err: not_found naming job, internal.
 */
int		 job_run_now(struct db *, const char *name, int64_t now,
		    const struct actor *, struct job_record *, struct perr *);
/* Each job as of now, in table order; how many. */
int		 job_list(struct db *, int64_t now, job_info_fn *, void *);

/* cron.c: when the jobs run, and which process runs them. */
struct cron;
typedef void	 job_record_fn(const struct job_record *, void *);
/*
 * The scheduler of a pawd serve: runs the jobs from a timer on the main
 * loop if it holds DIR/jobs.lock, else tries again each tick (another
 * pawd serve runs them until it stops).  NULL on error (logged).
 */
struct cron	*cron_create(struct server *);
void		 cron_free(struct cron *);
/* Where the jobs of srv's directory run: "here", "elsewhere" or "none". */
const char	*cron_where(struct server *);
/* 0 if this pawd may move the test clock, else -1 with err (forbidden). */
int		 cron_clock_movable(struct server *, struct perr *);
/*
 * Move the test clock to to (field names the parameter for errors), then
 * run what falls due, in order, each through cb.  -1 with err: forbidden
 * without --test-clock or in a pawd that does not run the jobs; invalid
 * (naming field) if to is earlier or more than CLOCK_MOVE_MAX ahead.
 */
#define CLOCK_MOVE_MAX	(10 * 366 * 86400LL)	/* ten years */
int		 cron_clock_move(struct server *, const struct actor *,
		    int64_t to, const char *field, job_record_fn *, void *,
		    struct perr *);
/* job.run through the scheduler: job_run_now(), and readers see it. */
int		 cron_job_run(struct server *, const char *name,
		    const struct actor *, struct job_record *, struct perr *);

/* ---- members and pets (member.c, pet.c) ---- */
#include "member.h"

/* rpc-pet.c */
void		 pack_pet(msgpack_packer *, const struct pet *);

/* rpc-feedback.c */
void		 pack_feedback(msgpack_packer *, const struct feedback *);
/* A feedback_fn packing into the struct collect arg. */
void		 collect_feedback(const struct feedback *, void *);

/* rpc-job.c */
void		 pack_job_record(msgpack_packer *, const struct job_record *);

#endif

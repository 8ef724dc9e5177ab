/*
 * Fuzz target: the gatekeeper, rpc_dispatch() (server/dispatch.c), on a
 * real database.  Once, before the first input, a data directory is made
 * by `pawd init` itself (server/pawd.c, its main() renamed pawd_main() by
 * the Makefile) and given a device by `pawd device add`; the server opens
 * it as `pawd serve --test-clock --threads 1` does (server_init, the list
 * cache, one event loop, the scheduler) and a session of that device logs
 * in as the HQ admin through session.login, as paw would.  Each input is
 * then one msgpack-rpc record from that session: the envelope, the method
 * table, the role and scope checks, the contract, approvals, request ids,
 * the handlers, their SQL, audit rows and commits all run as in
 * production, and the loop turns until every answer is in, off-loop
 * password checks included.  The answers are dropped: the session's
 * channel never finished a handshake, so chan_send() refuses them.
 *
 * Each input starts as the admin again (a logout or a login as someone
 * else lasts one input), and a session the input got killed is replaced.
 * The database is not reset between inputs: what one input wrote, the
 * next one finds, as on a real server; a crash found late may need the
 * inputs before it to reproduce.
 *
 * FUZZ_ANSWERS=1 prints the answers (to see what a seed reaches) and
 * FUZZ_LOG_LEVEL=debug the server's log, both on standard error.
 *
 * Argon2id is wrapped (-Wl,--wrap=crypto_pwhash_str) to its smallest
 * cost: at production cost each login or password change would take tens
 * of milliseconds and the fuzzer would spend its time hashing.  Hashes
 * keep their format and are verified by the real crypto_pwhash_str_verify.
 */
#include <fcntl.h>
#include <ftw.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/socket.h>

#include <sodium.h>

#include "clock.h"
#include "fuzz.h"
#include "hex.h"
#include "log.h"
#include "mpjson.h"
#include "noise.h"
#include "pawd.h"
#include "xmalloc.h"

#define ADMIN_PASSWORD	"fuzz-admin-password"
#define SETTLE_MS	60000	/* an answer later than this is a hang */

/* server/pawd.c's main(), renamed by the Makefile. */
int	pawd_main(int, char **);
void	__real_session_send(struct session *, const char *, size_t);
void	__wrap_session_send(struct session *, const char *, size_t);
int	__real_crypto_pwhash_str(char *, const char *, unsigned long long,
	    unsigned long long, size_t);
int	__wrap_crypto_pwhash_str(char *, const char *, unsigned long long,
	    unsigned long long, size_t);

static struct server	 srv;
static char		*tmp;		/* holds the data directory */
static struct caller	 admin;		/* the session, logged in */
static int		 peer_fd = -1;	/* the other end of its socket */
static int		 show_answers;	/* FUZZ_ANSWERS */

int
__wrap_crypto_pwhash_str(char *out, const char *pw, unsigned long long len,
    unsigned long long ops, size_t mem)
{
	return __real_crypto_pwhash_str(out, pw, len, crypto_pwhash_OPSLIMIT_MIN,
	    crypto_pwhash_MEMLIMIT_MIN);
}

/*
 * Every answer passes here (-Wl,--wrap=session_send) on its way to being
 * dropped; with FUZZ_ANSWERS set it is printed first, as JSON, to see what
 * a seed reaches.
 */
void
__wrap_session_send(struct session *s, const char *p, size_t len)
{
	msgpack_unpacked	 u;
	char			*json;

	if (show_answers) {
		if (mp_unpack(&u, (const uint8_t *)p, len) == 0) {
			json = mp_to_json_text(&u.data);
			fprintf(stderr, "answer: %s\n", json);
			free(json);
		}
		msgpack_unpacked_destroy(&u);
	}
	__real_session_send(s, p, len);
}

static int
rm_one(const char *path, const struct stat *sb, int flag, struct FTW *f)
{
	return remove(path);
}

static void
fuzz_cleanup(void)
{
	if (tmp != NULL)
		nftw(tmp, rm_one, 16, FTW_DEPTH | FTW_PHYS);
}

/* Run pawd with these arguments; exit if it fails. */
static void
fuzz_pawd(const char *a0, ...)
{
	char		*argv[16];
	const char	*a;
	va_list		 ap;
	int		 argc = 0, rc, i, out, null;

	argv[argc++] = xstrdup("pawd");
	va_start(ap, a0);
	for (a = a0; a != NULL && argc < 15; a = va_arg(ap, const char *))
		argv[argc++] = xstrdup(a);
	va_end(ap);
	argv[argc] = NULL;
	/* What pawd prints (the server's key, the device's id) is not ours. */
	fflush(stdout);
	if ((out = dup(1)) == -1 || (null = open("/dev/null", O_WRONLY)) == -1 ||
	    dup2(null, 1) == -1)
		exit(1);
	rc = pawd_main(argc, argv);
	fflush(stdout);
	dup2(out, 1);
	close(out);
	close(null);
	if (rc != 0) {
		fprintf(stderr, "fuzz-dispatch: pawd %s failed (%d)\n", a0, rc);
		exit(1);
	}
	for (i = 0; i < argc; i++)
		free(argv[i]);
}

/* Something is still to be answered. */
static int
fuzz_busy(void)
{
	struct session	*s;

	if (worker_busy(srv.worker) > 0)
		return 1;
	for (s = srv.shards[0].sessions; s != NULL; s = s->next) {
		if (s->pending > 0)
			return 1;
	}
	return 0;
}

/* Turn the loop until every answer is in, then once more to reap. */
static void
fuzz_settle(void)
{
	int64_t	deadline = clock_ms() + SETTLE_MS;

	while (fuzz_busy()) {
		if (clock_ms() > deadline) {
			fprintf(stderr, "fuzz-dispatch: no answer in %d ms\n",
			    SETTLE_MS);
			abort();
		}
		loop_once(srv.loop, 10);
	}
	loop_once(srv.loop, 0);
}

/*
 * The session of the fuzzer's device, as session_identify() leaves it:
 * the live one, or a new one if the last was killed.
 */
static struct session *
fuzz_session(const uint8_t key[32])
{
	struct shard	*sh = &srv.shards[0];
	static const uint8_t no_addr[16];
	struct session	*s;
	int		 sv[2];

	if ((s = sh->sessions) != NULL)
		return s;
	if (peer_fd != -1)
		close(peer_fd);
	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0,
	    sv) != 0 || (s = session_create(sh, sv[0], sv[0], "fuzz", 0,
	    no_addr)) == NULL)
		abort();
	srv.nsessions++;
	peer_fd = sv[1];
	s->flags |= SESSION_HELLO;
	if (admin.staff[0] != '\0')
		s->who = admin;
	else {
		memcpy(s->who.key, key, 32);
		if (strcmp(device_identify(sh->db, key, &s->who.device,
		    s->who.branch), "ok") != 0)
			abort();
		server_device_seen(sh, s->who.device);
	}
	return s;
}

/* session.login as the admin, through the gatekeeper like any request. */
static void
fuzz_login(const uint8_t key[32])
{
	struct session	*s = fuzz_session(key);
	msgpack_sbuffer	 sb;
	msgpack_packer	 pk;

	msgpack_sbuffer_init(&sb);
	msgpack_packer_init(&pk, &sb, msgpack_sbuffer_write);
	msgpack_pack_array(&pk, 4);
	msgpack_pack_uint8(&pk, RPC_REQUEST);
	msgpack_pack_uint32(&pk, 1);
	mp_pack_str(&pk, "session.login");
	msgpack_pack_array(&pk, 1);
	msgpack_pack_map(&pk, 2);
	mp_pack_kstr(&pk, "staff", "admin");
	mp_pack_kstr(&pk, "password", ADMIN_PASSWORD);
	rpc_dispatch(s, (const uint8_t *)sb.data, sb.size);
	msgpack_sbuffer_destroy(&sb);
	fuzz_settle();
	if ((s = srv.shards[0].sessions) == NULL ||
	    strcmp(s->who.staff, "admin") != 0) {
		fprintf(stderr, "fuzz-dispatch: the admin cannot log in\n");
		exit(1);
	}
	admin = s->who;
}

/* pawd serve --test-clock --threads 1 on the directory, without listening. */
static void
fuzz_serve(const char *dir)
{
	struct sigaction	 sint, sterm;
	char			*path = xasprintf("%s/test-clock", dir), *err = NULL;

	if (clock_test_attach(path, 1, &err) != 1) {
		fprintf(stderr, "fuzz-dispatch: %s\n", err);
		exit(1);
	}
	free(path);
	/* libFuzzer's own handlers stop a run, not the server's. */
	sigaction(SIGINT, NULL, &sint);
	sigaction(SIGTERM, NULL, &sterm);
	if (server_init(&srv, dir) != 0 || server_cache_lists(&srv) != 0 ||
	    server_start(&srv, 1) != 0) {
		fprintf(stderr, "fuzz-dispatch: the server does not start\n");
		exit(1);
	}
	sigaction(SIGINT, &sint, NULL);
	sigaction(SIGTERM, &sterm, NULL);
	srv.test_clock = 1;
	if ((srv.cron = cron_create(&srv)) == NULL)
		exit(1);
}

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	const char	*env = getenv("FUZZ_LOG_LEVEL");
	int		 level = env != NULL ? log_level_parse(env) : -1;
	uint8_t		 priv[32], key[32];
	char		 hex[65], *dir;

	if (sodium_init() < 0)
		abort();
	show_answers = getenv("FUZZ_ANSWERS") != NULL;
	tmp = xasprintf("%s/pawfuzz.XXXXXX", getenv("TMPDIR") != NULL ?
	    getenv("TMPDIR") : "/tmp");
	if (mkdtemp(tmp) == NULL) {
		perror(tmp);
		exit(1);
	}
	atexit(fuzz_cleanup);
	dir = xasprintf("%s/data", tmp);
	setenv("PAW_ADMIN_PASSWORD", ADMIN_PASSWORD, 1);
	setenv("PAW_SCHEMA_DIR", FUZZ_TOP "/schema", 0);
	/* The log is off unless asked for: refusals log errors by design. */
	if (log_open(level >= 0 ? (enum log_level)level : LOG_ERROR,
	    level >= 0 ? NULL : "/dev/null") != 0)
		exit(1);
	memset(priv, 0x22, sizeof priv);
	noise_pubkey(priv, key);
	hex_encode(key, sizeof key, hex);
	fuzz_pawd("init", dir, NULL);
	fuzz_pawd("device", "add", dir, "--branch", "HQ", "--pubkey", hex,
	    "--name", "fuzz", NULL);
	fuzz_serve(dir);
	fuzz_login(key);
	free(dir);
	return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct session	*s = fuzz_session(admin.key);

	s->who = admin;
	rpc_dispatch(s, data, size);
	fuzz_settle();
	return 0;
}

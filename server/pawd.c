/*
 * pawd: command line.  init, serve, pubkey, enroll, device add.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>
#include <sys/stat.h>

#include <sodium.h>

#include "clock.h"
#include "enroll.h"
#include "hex.h"
#include "log.h"
#include "noise.h"
#include "pawd.h"
#include "xmalloc.h"

static void
usage(void)
{
	fprintf(stderr,
	    "usage: pawd init DIR\n"
	    "       pawd serve DIR [--listen HOST:PORT]... [--stdio]\n"
	    "                  [--log FILE] [--log-level debug|info|warn|error]\n"
	    "                  [--idle-timeout SECONDS] [--max-sessions N]\n"
	    "                  [--handshake-timeout SECONDS]\n"
	    "                  [--preauth-max N] [--preauth-per-address N]\n"
	    "                  [--record-memory MIB] [--shutdown-timeout SECONDS]\n"
	    "                  [--threads N] [--test-clock]\n"
	    "       pawd pubkey DIR\n"
	    "       pawd check DIR\n"
	    "       pawd enroll DIR --branch CODE\n"
	    "       pawd device add DIR --branch CODE --pubkey HEX [--name NAME]\n"
	    "       pawd version\n");
	exit(2);
}

/* Read a password from the terminal without echo. */
static char *
read_secret(const char *prompt)
{
	struct termios	 old, raw;
	char		 buf[256];
	FILE		*tty = fopen("/dev/tty", "r+");
	int		 echo_off = 0;

	if (tty == NULL)
		return NULL;
	fputs(prompt, tty);
	fflush(tty);
	if (tcgetattr(fileno(tty), &old) == 0) {
		raw = old;
		raw.c_lflag &= ~(tcflag_t)ECHO;
		echo_off = tcsetattr(fileno(tty), TCSAFLUSH, &raw) == 0;
	}
	if (fgets(buf, sizeof buf, tty) == NULL)
		buf[0] = '\0';
	if (echo_off)
		tcsetattr(fileno(tty), TCSAFLUSH, &old);
	fputc('\n', tty);
	fclose(tty);
	buf[strcspn(buf, "\r\n")] = '\0';
	return xstrdup(buf);
}

/*
 * The data directory's test clock, DIR/test-clock, if it has one: every
 * pawd on the directory reads the time there, so they all agree.  With
 * create (pawd serve --test-clock) it is made, at the system time, when
 * missing.  1 on, 0 off, -1 with *err (caller frees).
 */
static int
data_clock(const char *dir, int create, char **err)
{
	char	*path = xasprintf("%s/test-clock", dir);
	int	 rc;

	rc = clock_test_attach(path, create, err);
	free(path);
	return rc;
}

/* A command on a directory whose time is the test clock's says so. */
static void
data_clock_note(const char *dir)
{
	char	*err = NULL;

	if (data_clock(dir, 0, &err) < 0) {
		fprintf(stderr, "pawd: %s\n", err);
		exit(1);
	}
	if (clock_test_on())
		fprintf(stderr, "pawd: %s runs on a test clock, at %lld\n", dir,
		    (long long)clock_now());
}

/* Open the data directory's database with the schema applied. */
static struct db *
open_db(const char *dir)
{
	struct db	*db = server_db_open(dir);

	if (db == NULL)
		exit(1);
	return db;
}

/* The first admin's password, checked and hashed; 0 or -1 (said). */
static int
init_password(char hash[128])
{
	const char	*env = getenv("PAW_ADMIN_PASSWORD");
	char		*pw;
	struct perr	 err;
	int		 rc = -1;

	pw = env != NULL ? xstrdup(env) : read_secret("HQ admin password: ");
	if (pw == NULL)
		fprintf(stderr, "pawd: admin password: none given "
		    "(set PAW_ADMIN_PASSWORD)\n");
	else if (staff_check_password(pw, &err) != 0)
		fprintf(stderr, "pawd: admin password: %s\n", err.msg);
	else if (staff_hash(pw, hash) != 0)
		fprintf(stderr, "pawd: admin password: cannot hash it\n");
	else
		rc = 0;
	if (pw != NULL) {
		sodium_memzero(pw, strlen(pw));
		free(pw);
	}
	return rc;
}

/* Write a new server key to path (mode 0600, never over one); 0 or -1. */
static int
init_key(const char *path, uint8_t pub[32])
{
	uint8_t	priv[32];
	int	fd, rc = 0;

	if ((fd = open(path, O_WRONLY | O_CREAT | O_EXCL, 0600)) == -1) {
		fprintf(stderr, "pawd: %s: %s (already initialised?)\n", path,
		    strerror(errno));
		return -1;
	}
	noise_keypair(priv, pub);
	if (write(fd, priv, 32) != 32 || fsync(fd) != 0) {
		fprintf(stderr, "pawd: %s: write failed\n", path);
		unlink(path);
		rc = -1;
	}
	close(fd);
	sodium_memzero(priv, sizeof priv);
	return rc;
}

/*
 * Everything that can be refused (the password, an existing key) is
 * checked before anything is created, and a failure after the key is
 * written removes it: a failed init can simply be run again.
 */
static int
cmd_init(const char *dir)
{
	uint8_t		 pub[32];
	char		*path = xasprintf("%s/server.key", dir), hash[128], hex[65];
	struct perr	 err = { .msg = "database error" };
	struct db	*db;
	int		 rc = 1;

	if (access(path, F_OK) == 0) {
		fprintf(stderr, "pawd: %s: %s (already initialised?)\n", path,
		    strerror(EEXIST));
		goto out;
	}
	if (init_password(hash) != 0)
		goto out;
	if (mkdir(dir, 0700) == -1 && errno != EEXIST) {
		fprintf(stderr, "pawd: %s: %s\n", dir, strerror(errno));
		goto out;
	}
	/* An existing directory: only its owner may read the keys inside. */
	if (chmod(dir, 0700) == -1) {
		fprintf(stderr, "pawd: %s: cannot make it private (mode 0700): "
		    "%s\n", dir, strerror(errno));
		goto out;
	}
	data_clock_note(dir);
	if (init_key(path, pub) != 0)
		goto out;
	if ((db = server_db_open(dir)) == NULL) {
		unlink(path);
		goto out;
	}
	if (db_begin(db) != 0 ||
	    branch_insert(db, "HQ", &(struct branch_in){ .name = "Headquarters",
	    .active = -1 }, NULL, &err) != 0 ||
	    staff_insert(db, "admin", "HQ admin", R_HQ, "HQ", hash, NULL,
	    &err) != 0 ||
	    audit_commit(db, &(struct actor){ .branch = "HQ" }, "pawd.init",
	    "branch", "HQ", NULL, NULL) != 0) {
		db_rollback(db);
		fprintf(stderr, "pawd: init failed: %s\n", err.msg);
		unlink(path);
	} else {
		hex_encode(pub, 32, hex);
		printf("%s\n", hex);
		rc = 0;
	}
	db_close(db);
out:
	free(path);
	return rc;
}

/*
 * Check a data directory: SQLite's integrity check, then the audit chain
 * row by row.  Prints the chain head (to keep off the machine: a trail cut
 * short at its end still fits, but no longer ends at that head).
 */
static int
cmd_check(const char *dir)
{
	struct db	*db = open_db(dir);
	uint8_t		 head[AUDIT_DIGEST_LEN];
	char		 msg[256], hex[2 * AUDIT_DIGEST_LEN + 1];
	int64_t		 n, bad;
	int		 rc = 0;

	if (db_integrity(db, msg, sizeof msg) != 0) {
		printf("database: %s\n", msg);
		rc = 1;
	} else
		printf("database: ok\n");
	if ((n = audit_verify(db, &bad, head)) < 0) {
		printf("audit chain: cannot be read\n");
		rc = 1;
	} else {
		hex_encode(head, sizeof head, hex);
		if (bad > 0) {
			printf("audit chain: row %lld does not fit; the %lld rows "
			    "before it do\n", (long long)bad, (long long)n);
			rc = 1;
		} else
			printf("audit chain: %lld rows, all fit\n", (long long)n);
		printf("audit head: %s\n", hex);
	}
	db_close(db);
	return rc;
}

static int
cmd_pubkey(const char *dir)
{
	char	*path = xasprintf("%s/server.key", dir), hex[65];
	uint8_t	 priv[32], pub[32];
	FILE	*f = fopen(path, "r");

	if (f == NULL || fread(priv, 1, 32, f) != 32) {
		fprintf(stderr, "pawd: %s: cannot read\n", path);
		if (f != NULL)
			fclose(f);
		free(path);
		return 1;
	}
	fclose(f);
	free(path);
	noise_pubkey(priv, pub);
	sodium_memzero(priv, sizeof priv);
	hex_encode(pub, 32, hex);
	printf("%s\n", hex);
	return 0;
}

static const char *
opt_value(int argc, char **argv, const char *name)
{
	int	i;

	for (i = 0; i < argc - 1; i++) {
		if (strcmp(argv[i], name) == 0)
			return argv[i + 1];
	}
	return NULL;
}

static int
cmd_enroll(const char *dir, int argc, char **argv)
{
	const char	*branch = opt_value(argc, argv, "--branch");
	char		 code[ENROLL_CODE_MAX];
	struct perr	 err = { .msg = "database error (see the log)" };
	struct db	*db;
	uint8_t		 priv[32], pub[32];
	char		*path = xasprintf("%s/server.key", dir);
	FILE		*f = fopen(path, "r");

	free(path);
	if (branch == NULL)
		usage();
	if (f == NULL || fread(priv, 1, 32, f) != 32) {
		fprintf(stderr, "pawd: %s: no server key\n", dir);
		return 1;
	}
	fclose(f);
	noise_pubkey(priv, pub);
	sodium_memzero(priv, sizeof priv);
	data_clock_note(dir);
	db = open_db(dir);
	if (db_begin(db) != 0 ||
	    device_enroll_code(db, pub, branch, code, &err) != 0 ||
	    audit_commit(db, &(struct actor){ .branch = branch }, "pawd.enroll",
	    "branch", branch, NULL, NULL) != 0) {
		db_rollback(db);
		fprintf(stderr, "pawd: %s\n", err.msg);
		db_close(db);
		return 1;
	}
	db_close(db);
	printf("%s\n", code);
	fprintf(stderr, "one-time code for branch %s, valid 24 hours:\n"
	    "  paw enroll HOST:PORT %s\n", branch, code);
	return 0;
}

static int
cmd_device_add(const char *dir, int argc, char **argv)
{
	const char	*branch = opt_value(argc, argv, "--branch");
	const char	*hex = opt_value(argc, argv, "--pubkey");
	const char	*name = opt_value(argc, argv, "--name");
	uint8_t		 key[32];
	struct perr	 err = { .msg = "database error (see the log)" };
	struct db	*db;
	int64_t		 id;

	if (branch == NULL || hex == NULL)
		usage();
	if (hex_decode(hex, key, 32) != 0) {
		fprintf(stderr, "pawd: --pubkey: expected 64 hex characters\n");
		return 1;
	}
	data_clock_note(dir);
	db = open_db(dir);
	if (db_begin(db) != 0 ||
	    (id = device_insert(db, key, branch, name ? name : "", &err)) < 0 ||
	    audit_commit(db, &(struct actor){ .branch = branch },
	    "pawd.device.add", "device", hex, NULL, NULL) != 0) {
		db_rollback(db);
		fprintf(stderr, "pawd: %s\n", err.msg);
		db_close(db);
		return 1;
	}
	db_close(db);
	printf("device %lld added to branch %s\n", (long long)id, branch);
	return 0;
}

/*
 * The clock of pawd serve.  A directory with a test clock is served on it:
 * --stdio (run by ssh, by nobody who could be asked) follows it and logs
 * so; pawd serve proper, the one an operator starts, refuses to unless told
 * --test-clock, so production never runs on a fake clock unnoticed.  0 or
 * -1 (said).
 */
static int
serve_clock(const char *dir, int test_clock, int stdio, int logfile)
{
	char	*err = NULL;
	int	 on;

	if ((on = data_clock(dir, test_clock, &err)) < 0) {
		log_error("%s", err);
		if (logfile)
			fprintf(stderr, "pawd: %s\n", err);
		free(err);
		return -1;
	}
	if (on && !test_clock && !stdio) {
		clock_test_detach();
		log_error("%s/test-clock exists: this data directory runs on a "
		    "test clock.  Start pawd serve with --test-clock to go on "
		    "with it, or, for the system clock, stop every pawd on %s "
		    "and remove %s/test-clock (times already written may then "
		    "lie in the future)", dir, dir, dir);
		if (logfile)
			fprintf(stderr, "pawd: %s/test-clock exists: start with "
			    "--test-clock, or see the log\n", dir);
		return -1;
	}
	if (on)
		log_warn("test clock %s/test-clock: it is %lld, and moves only "
		    "with system.clock.set and system.clock.advance", dir,
		    (long long)clock_now());
	return 0;
}

/*
 * argv[*i] is the option name and is followed by a whole number from 1 to
 * max: 1, having taken both.  0 if it is another option; out of range is
 * a usage error.
 */
static int
opt_int(int argc, char **argv, int *i, const char *name, int *v, int max)
{
	char	*end;
	long	 n;

	if (strcmp(argv[*i], name) != 0)
		return 0;
	if (*i + 1 >= argc)
		usage();
	n = strtol(argv[*i + 1], &end, 10);
	if (*end != '\0' || n < 1 || n > max)
		usage();
	*v = (int)n;
	*i += 1;
	return 1;
}

static int
cmd_serve(const char *dir, int argc, char **argv)
{
	struct server	 srv;
	const char	*logfile = NULL, *level = "info", *listens[8];
	int		 nlisten = 0, stdio = 0, idle = 0, maxs = 0, i, lv;
	int		 threads = 0, test_clock = 0;
	int		 hst = 0, pmax = 0, pper = 0, recmem = 0, sdt = 0;
	char		*deflog = NULL;

	for (i = 0; i < argc; i++) {
		if (strcmp(argv[i], "--stdio") == 0)
			stdio = 1;
		else if (strcmp(argv[i], "--test-clock") == 0)
			test_clock = 1;
		else if (strcmp(argv[i], "--listen") == 0 && i + 1 < argc &&
		    nlisten < 8)
			listens[nlisten++] = argv[++i];
		else if (strcmp(argv[i], "--log") == 0 && i + 1 < argc)
			logfile = argv[++i];
		else if (strcmp(argv[i], "--log-level") == 0 && i + 1 < argc)
			level = argv[++i];
		else if (strcmp(argv[i], "--idle-timeout") == 0 && i + 1 < argc)
			idle = atoi(argv[++i]);
		else if (strcmp(argv[i], "--max-sessions") == 0 && i + 1 < argc)
			maxs = atoi(argv[++i]);
		else if (opt_int(argc, argv, &i, "--handshake-timeout", &hst,
		    3600) || opt_int(argc, argv, &i, "--preauth-max", &pmax,
		    1000000) || opt_int(argc, argv, &i, "--preauth-per-address",
		    &pper, 1000000) || opt_int(argc, argv, &i, "--record-memory",
		    &recmem, 65536) || opt_int(argc, argv, &i,
		    "--shutdown-timeout", &sdt, 3600))
			;
		else if (strcmp(argv[i], "--threads") == 0 && i + 1 < argc &&
		    (threads = atoi(argv[++i])) >= 1 && threads <= 64)
			;
		else
			usage();
	}
	if ((lv = log_level_parse(level)) < 0)
		usage();
	/* Over ssh, standard error reaches the branch: log to a file. */
	if (stdio && logfile == NULL)
		logfile = deflog = xasprintf("%s/pawd.log", dir);
	if (log_open(lv, logfile) != 0) {
		fprintf(stderr, "pawd: %s: cannot open log\n", logfile);
		return 1;
	}
	free(deflog);
	if (serve_clock(dir, test_clock, stdio, logfile != NULL) != 0)
		return 1;
	if (server_init(&srv, dir) != 0)
		return 1;
	srv.test_clock = test_clock;
	if (idle > 0)
		srv.idle_timeout = idle;
	if (maxs > 0)
		srv.max_sessions = maxs;
	if (hst > 0)
		srv.handshake_timeout = hst;
	if (pmax > 0)
		srv.preauth_max = pmax;
	if (pper > 0)
		srv.preauth_per_addr = pper;
	if (recmem > 0)
		srv.record_budget.max = (size_t)recmem * 1024 * 1024;
	if (sdt > 0)
		srv.shutdown_timeout = sdt;
	if (stdio) {
		if (server_serve_stdio(&srv) != 0)
			return 1;
	} else {
		/* A server for many clerks: their result lists from memory. */
		if (server_cache_lists(&srv) != 0 ||
		    server_start(&srv, threads > 0 ? threads : worker_ncpu()) != 0)
			return 1;
		if (nlisten == 0)
			listens[nlisten++] = "127.0.0.1:7700";
		for (i = 0; i < nlisten; i++) {
			if (server_listen(&srv, listens[i]) != 0)
				return 1;
		}
		/* One long-running pawd serve per directory runs the jobs. */
		if ((srv.cron = cron_create(&srv)) == NULL)
			return 1;
	}
	log_info("pawd %s serving %s", PAW_VERSION, dir);
	server_run(&srv);
	cron_free(srv.cron);
	srv.cron = NULL;
	server_free(&srv);
	return 0;
}

int
main(int argc, char **argv)
{
	if (sodium_init() < 0) {
		fprintf(stderr, "pawd: libsodium failed to start\n");
		return 1;
	}
	umask(077);
	clock_zone();	/* before any thread: it may set TZ */
	if (argc >= 2 && strcmp(argv[1], "version") == 0) {
		printf("pawd %s\n", PAW_VERSION);
		return 0;
	}
	if (argc < 3)
		usage();
	if (strcmp(argv[1], "init") == 0)
		return cmd_init(argv[2]);
	if (strcmp(argv[1], "pubkey") == 0)
		return cmd_pubkey(argv[2]);
	if (strcmp(argv[1], "check") == 0)
		return cmd_check(argv[2]);
	if (strcmp(argv[1], "serve") == 0)
		return cmd_serve(argv[2], argc - 3, argv + 3);
	if (strcmp(argv[1], "enroll") == 0)
		return cmd_enroll(argv[2], argc - 3, argv + 3);
	if (strcmp(argv[1], "device") == 0 && argc >= 4 &&
	    strcmp(argv[2], "add") == 0)
		return cmd_device_add(argv[3], argc - 4, argv + 4);
	usage();
	return 2;
}

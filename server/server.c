/*
 * The server process: listening sockets, the accept path, one event loop per
 * CPU (shards; the main thread's is shard 0) each serving its share of the
 * connections, the cron timers (idle sessions), signals through a self-pipe,
 * and graceful shutdown: answer what is in flight, tell every client, close
 * the database cleanly.  Shards talk only through loop_post(): a session and
 * everything in it is touched by its own shard's thread alone.
 * A connection that cannot be served, past max_sessions or during the
 * shutdown, still hears why: hello status 2, busy, then the close.
 */
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/resource.h>
#include <sys/socket.h>

#include <sodium.h>

#include "clock.h"
#include "log.h"
#include "noise.h"
#include "pawd.h"
#include "xmalloc.h"

/*
 * Connections answered busy at once, at most (past that they are closed
 * unanswered); like every connection before its handshake, each has
 * --handshake-timeout to send its hello.
 */
#define BUSY_MAX	64
/* Out of descriptors and of the spare too: listeners rest this long. */
#define STARVED_PAUSE	100	/* ms */
/* An episode of refusals ends after this long without one. */
#define EPISODE_QUIET	2000	/* ms */

static int	sig_fd = -1;

static struct preauth	*preauth_new(void);
static void		 preauth_free(struct preauth *);

static void
server_signal(int sig)
{
	int	saved = errno;
	char	c = (char)sig;

	if (sig_fd != -1 && write(sig_fd, &c, 1) == -1) {
		/* nothing to do in a handler */
	}
	errno = saved;
}

static int
set_nonblock(int fd)
{
	int	fl = fcntl(fd, F_GETFL);

	return fl == -1 ? -1 : fcntl(fd, F_SETFL, fl | O_NONBLOCK);
}

/* Count a refusal: 1 if it starts an episode (to be logged). */
static int
episode_hit(struct episode *e)
{
	e->last = clock_ms();
	return e->count++ == 0;
}

/* The refusals of an episode that has just ended, else 0. */
static int
episode_over(struct episode *e, int64_t now)
{
	int	n = e->count;

	if (n == 0 || now - e->last < EPISODE_QUIET)
		return 0;
	e->count = 0;
	return n;
}

/*
 * On the main loop: a connection was cut for not finishing its handshake
 * in time.  The log says so once per burst, and the total at its end.
 */
static void
server_precut_late(void *arg)
{
	struct server	*srv = arg;

	if (episode_hit(&srv->late))
		log_warn("cutting connections that do not finish their "
		    "handshake in %d s", srv->handshake_timeout);
}

static void
shard_cron(void *arg)
{
	struct shard	*sh = arg;
	struct server	*srv = sh->srv;
	struct session	*s;
	int64_t		 now = clock_ms(), quiet;
	const char	*why;
	int		 n;

	for (s = sh->sessions; s != NULL; s = s->next) {
		if (s->flags & SESSION_DEAD)
			continue;
		if ((why = chan_tick(s->chan, now)) != NULL) {
			session_kill(s, why);
			continue;
		}
		if (chan_state(s->chan) < 0)
			continue;	/* closing already */
		quiet = now - chan_last_rx(s->chan);
		if ((s->flags & SESSION_PRE) && now - s->since >
		    (int64_t)srv->handshake_timeout * 1000) {
			/* Nothing to say to it: no lingering either. */
			chan_abort(s->chan, "handshake not finished in time");
			loop_post(srv->loop, server_precut_late, srv);
		} else if (quiet > (int64_t)srv->idle_timeout * 1000)
			session_kill(s, "idle timeout");
	}
	if (sh->index == 0)
		server_poll_cuts(srv);	/* other processes' changes of staff */
	if (sh->index == 0 && (n = episode_over(&srv->precut, now)) > 0)
		log_info("%d connections were refused: over the budget of "
		    "connections before their handshake", n);
	if (sh->index == 0 && (n = episode_over(&srv->late, now)) > 0)
		log_info("%d connections were cut: handshake not finished in "
		    "%d s", n, srv->handshake_timeout);
	if (sh->index == 0 && (n = episode_over(&srv->full, now)) > 0)
		log_info("under the maximum of sessions again, %d connections "
		    "were answered busy", n);
	if (sh->index == 0 && (n = episode_over(&srv->starved, now)) > 0)
		log_info("descriptors free again, %d connections were answered "
		    "busy", n);
	loop_add_timer(sh->loop, 1000, shard_cron, sh);
}

/* A shutdown waits for the sessions past their hello, not for the others. */
static int
shard_draining(struct shard *sh)
{
	struct session	*s;

	for (s = sh->sessions; s != NULL; s = s->next) {
		if (s->flags & SESSION_HELLO)
			return 1;
	}
	return 0;
}

static void
server_nothing(void *arg)
{
	/* a wakeup: the main loop looks at the shards before it sleeps */
}

/*
 * Shutting down: a session whose requests read so far are all answered
 * hears why and is closed; the others go on until they are.
 */
static void
shard_close_done(struct shard *sh)
{
	struct session	*s;

	for (s = sh->sessions; s != NULL; s = s->next) {
		if ((s->flags & (SESSION_DEAD | SESSION_HELLO)) != SESSION_HELLO ||
		    s->pending > 0 || chan_has_work(s->chan))
			continue;
		session_kill(s, "server shutting down");
	}
}

static void
shard_before_sleep(void *arg)
{
	struct shard	*sh = arg;
	struct server	*srv = sh->srv;
	int		 i, drained;

	if (sh->shutting_down)
		shard_close_done(sh);
	session_reap(sh);
	db_read_end(sh->db);	/* the next turn reads a new snapshot */
	if (sh->index == 0 && sh->db != srv->db)
		db_release(srv->db);
	if (sh->shutting_down && !sh->drained && !shard_draining(sh)) {
		sh->drained = 1;
		if (sh->index != 0)
			loop_post(srv->loop, server_nothing, NULL);
	}
	if (sh->index != 0)
		return;
	if (srv->stdio && sh->sessions == NULL)
		loop_stop(srv->loop);
	for (drained = srv->shutting_down, i = 0; drained && i < srv->nshards;
	    i++)
		drained = srv->shards[i].drained;
	if (drained && (worker_busy(srv->worker) == 0 || srv->shutdown_late))
		loop_stop(srv->loop);
}

static void
server_unlisten(struct server *srv)
{
	size_t	i;

	for (i = 0; i < srv->nlisten; i++) {
		loop_del_fd(srv->loop, srv->listen_fds[i]);
		close(srv->listen_fds[i]);
	}
	srv->nlisten = 0;
}

/*
 * Begin a graceful shutdown: no new sessions, and every session stops
 * reading its peer at once; the requests already read are answered, then
 * the session is told and closed (shard_close_done).  The listeners stay
 * open while the answers drain, so a hello meanwhile is told the server
 * is shutting down (busy) instead of meeting a closed port or an empty
 * read; so are connections still to send their hello.
 */
static void
shard_shutdown(void *arg)
{
	struct shard	*sh = arg;
	struct session	*s;

	sh->shutting_down = 1;
	for (s = sh->sessions; s != NULL; s = s->next) {
		if (!(s->flags & SESSION_DEAD) && chan_state(s->chan) == 1)
			chan_stop_reading(s->chan);
	}
	shard_close_done(sh);
}

/* Past the deadline: what is left is closed at once. */
static void
shard_cut_all(void *arg)
{
	struct shard	*sh = arg;
	struct session	*s;
	int		 n = 0;

	for (s = sh->sessions; s != NULL; s = s->next) {
		if (s->flags & SESSION_DEAD)
			continue;
		chan_abort(s->chan, "server shutting down: out of time");
		n++;
	}
	if (n > 0)
		log_warn("shutdown: %d sessions on loop %d closed unfinished "
		    "after %d s", n, sh->index, sh->srv->shutdown_timeout);
	sh->drained = 1;
	if (sh->index != 0)
		loop_post(sh->srv->loop, server_nothing, NULL);
}

static void
server_shutdown_late(void *arg)
{
	struct server	*srv = arg;
	int		 i;

	srv->shutdown_late = 1;
	for (i = 0; i < srv->nshards; i++)
		shard_call(&srv->shards[i], i == 0, shard_cut_all,
		    &srv->shards[i]);
}

static void
server_shutdown(struct server *srv)
{
	int	i;

	if (srv->shutting_down)
		return;
	log_info("shutting down: %d sessions", srv->nsessions);
	srv->shutting_down = 1;
	srv->shutdown_deadline = clock_ms() +
	    (int64_t)srv->shutdown_timeout * 1000;
	loop_add_timer(srv->loop, (int64_t)srv->shutdown_timeout * 1000,
	    server_shutdown_late, srv);
	for (i = 0; i < srv->nshards; i++)
		shard_call(&srv->shards[i], i == 0, shard_shutdown,
		    &srv->shards[i]);
}

static void
server_sig_read(int fd, int events, void *arg)
{
	struct server	*srv = arg;
	char		 c;

	while (read(fd, &c, 1) == 1) {
		if (c == SIGTERM || c == SIGINT)
			server_shutdown(srv);
	}
}

static int
server_load_key(struct server *srv)
{
	char	*path = xasprintf("%s/server.key", srv->dir);
	FILE	*f = fopen(path, "r");
	int	 rc = -1;

	free(path);
	if (f == NULL)
		return -1;
	if (fread(srv->s_priv, 1, 32, f) == 32 &&
	    noise_pubkey(srv->s_priv, srv->s_pub) == 0)
		rc = 0;
	fclose(f);
	return rc;
}

/* Find schema/: $PAW_SCHEMA_DIR, or beside the executable, or installed. */
static char *
server_schema_dir(void)
{
	static const char *rel[] = { "/../schema", "/../../../schema",
	    "/../share/pawprint/schema" };
	char		 exe[4096], *dir, *p;
	const char	*env = getenv("PAW_SCHEMA_DIR");
	ssize_t		 n;
	size_t		 i;

	if (env != NULL)
		return xstrdup(env);
	if ((n = readlink("/proc/self/exe", exe, sizeof exe - 1)) > 0) {
		exe[n] = '\0';
		if ((p = strrchr(exe, '/')) != NULL)
			*p = '\0';
		for (i = 0; i < sizeof rel / sizeof rel[0]; i++) {
			dir = xasprintf("%s%s/001-init.sql", exe, rel[i]);
			if (access(dir, R_OK) == 0) {
				dir[strlen(dir) - strlen("/001-init.sql")] = '\0';
				return dir;
			}
			free(dir);
		}
	}
	return xstrdup("/usr/share/pawprint/schema");
}

/*
 * The key of the audit chain, derived from the server's static key: it
 * lives outside paw.db, so editing the database cannot re-sign the trail.
 */
static int
server_audit_key(struct db *db, const char *dir)
{
	char	*path = xasprintf("%s/server.key", dir);
	FILE	*f = fopen(path, "r");
	uint8_t	 priv[32], key[AUDIT_KEY_LEN];
	int	 rc = -1;

	free(path);
	if (f == NULL)
		return -1;
	if (fread(priv, 1, sizeof priv, f) == sizeof priv &&
	    crypto_kdf_derive_from_key(key, sizeof key, 1, "PAWAUDIT",
	    priv) == 0) {
		db_set_audit_key(db, key);
		rc = 0;
	}
	fclose(f);
	sodium_memzero(priv, sizeof priv);
	sodium_memzero(key, sizeof key);
	return rc;
}

struct db *
server_db_open(const char *dir)
{
	char		*path = xasprintf("%s/paw.db", dir), *err = NULL, *schema;
	struct db	*db = db_open(path, &err);

	free(path);
	if (db == NULL) {
		log_error("%s", err);
		free(err);
		return NULL;
	}
	if (server_audit_key(db, dir) != 0) {
		log_error("%s/server.key: cannot read (run pawd init)", dir);
		db_close(db);
		return NULL;
	}
	schema = server_schema_dir();
	if (migrate_run(db, schema) != 0) {
		db_close(db);
		db = NULL;
	}
	free(schema);
	return db;
}

static void
server_dummy_hash(void *arg)
{
	staff_dummy_hash();
}

static void
server_dummy_ready(void *arg)
{
	log_debug("login dummy hash ready");
}

int
server_cache_lists(struct server *srv)
{
	if ((srv->hits = hits_load(srv->db)) == NULL)
		return -1;
	db_set_hits(srv->db, srv->hits);
	return 0;
}

static void
shard_setup(struct server *srv, struct shard *sh, int index)
{
	sh->srv = srv;
	sh->index = index;
	loop_set_before_sleep(sh->loop, shard_before_sleep, sh);
	loop_add_timer(sh->loop, 1000, shard_cron, sh);
}

static void
shard_stop(void *arg)
{
	struct shard	*sh = arg;

	loop_stop(sh->loop);
}

/*
 * Give closing sessions a moment to flush, and the connections yet to send
 * their hello a moment to hear "busy", then stop for good.
 */
static void
shard_linger(struct shard *sh)
{
	struct server	*srv = sh->srv;
	int64_t		 deadline = clock_ms() + 3000;

	/* A shutdown ends by its deadline, with a moment to say goodbye. */
	if (srv->shutting_down && srv->shutdown_deadline + 500 < deadline)
		deadline = srv->shutdown_deadline + 500;

	while ((sh->sessions != NULL ||
	    (sh->index == 0 && worker_busy(srv->worker) > 0)) &&
	    clock_ms() < deadline) {
		loop_once(sh->loop, 100);
		session_reap(sh);
	}
}

static void *
shard_thread(void *arg)
{
	struct shard	*sh = arg;

	loop_run(sh->loop);
	shard_linger(sh);
	return NULL;
}

int
server_start(struct server *srv, int n)
{
	struct shard	*sh;
	char		*err = NULL;
	int		 i;

	for (i = 0; i < n && i < SHARDS_MAX; i++) {
		sh = &srv->shards[i];
		if ((sh->db = db_open_reader(srv->db_path, &err)) == NULL) {
			log_error("%s", err);
			free(err);
			return -1;
		}
		db_set_hits(sh->db, srv->hits);
		if (i == 0)
			continue;	/* the main loop, set up already */
		if ((sh->loop = loop_create()) == NULL) {
			db_close(sh->db);
			return -1;
		}
		shard_setup(srv, sh, i);
		if (pthread_create(&sh->thread, NULL, shard_thread, sh) != 0) {
			log_error("cannot start an event loop thread");
			loop_free(sh->loop);
			db_close(sh->db);
			return -1;
		}
		srv->nshards = i + 1;
	}
	log_info("%d event loops", srv->nshards);
	return 0;
}

int
server_init(struct server *srv, const char *dir)
{
	struct rlimit	 rl;

	memset(srv, 0, sizeof *srv);
	srv->dir = xstrdup(dir);
	srv->idle_timeout = 600;
	srv->max_sessions = 10000;
	srv->handshake_timeout = 5;
	srv->preauth_max = 256;
	srv->preauth_per_addr = 32;
	srv->shutdown_timeout = 10;
	srv->record_budget.max = 64u * 1024 * 1024;
	srv->preauth = preauth_new();
	srv->started = clock_now();
	srv->spare_fd = open("/dev/null", O_RDONLY | O_CLOEXEC);
	if (server_load_key(srv) != 0) {
		log_error("%s/server.key: cannot read (run pawd init)", dir);
		return -1;
	}
	srv->db_path = xasprintf("%s/paw.db", dir);
	if ((srv->db = server_db_open(dir)) == NULL)
		return -1;
	/* Changes of staff from here on cut their sessions. */
	srv->cut_seq = staff_cuts(srv->db, -1, NULL, NULL);
	if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < rl.rlim_max) {
		rl.rlim_cur = rl.rlim_max;
		setrlimit(RLIMIT_NOFILE, &rl);
	}
	if ((srv->loop = loop_create()) == NULL)
		return -1;
	/* Allocated once: loops and sessions point into it. */
	srv->shards = xcalloc(SHARDS_MAX, sizeof *srv->shards);
	srv->shards[0].loop = srv->loop;
	srv->shards[0].db = srv->db;
	shard_setup(srv, &srv->shards[0], 0);
	srv->nshards = 1;
	srv->worker = worker_create(srv->loop, 2, 10);	/* hashing */
	/* Now, off the loop: the first unknown id is refused no slower. */
	worker_submit(srv->worker, server_dummy_hash, server_dummy_ready, NULL);
	if (pipe2(srv->sig_pipe, O_CLOEXEC | O_NONBLOCK) == -1)
		return -1;
	sig_fd = srv->sig_pipe[1];
	signal(SIGPIPE, SIG_IGN);
	signal(SIGTERM, server_signal);
	signal(SIGINT, server_signal);
	loop_add_fd(srv->loop, srv->sig_pipe[0], LOOP_READ, server_sig_read, srv);
	return 0;
}

static void
server_resume_listen(void *arg)
{
	struct server	*srv = arg;
	size_t		 i;

	srv->paused = 0;
	if (srv->spare_fd == -1)
		srv->spare_fd = open("/dev/null", O_RDONLY | O_CLOEXEC);
	for (i = 0; i < srv->nlisten; i++)
		loop_set_fd(srv->loop, srv->listen_fds[i], LOOP_READ);
}

/*
 * accept() failed for want of descriptors (EMFILE, ENFILE).  The connection
 * stays queued, so the listener stays readable and the loop would spin on
 * it.  Give up the spare descriptor for a moment to take the connection,
 * answer its hello busy at once (status 2) and close it; without a spare,
 * stop watching the listeners for a moment.  0 if a connection was taken.
 */
static int
server_starved(struct server *srv, int fd)
{
	const char	*why = strerror(errno);
	size_t		 i;
	int		 c;

	if (episode_hit(&srv->starved))
		log_warn("accept: %s: answering busy until descriptors free up",
		    why);
	if (srv->spare_fd == -1) {
		if (!srv->paused) {
			srv->paused = 1;
			for (i = 0; i < srv->nlisten; i++)
				loop_set_fd(srv->loop, srv->listen_fds[i], 0);
			loop_add_timer(srv->loop, STARVED_PAUSE,
			    server_resume_listen, srv);
		}
		return -1;
	}
	close(srv->spare_fd);
	if ((c = accept4(fd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC)) != -1) {
		chan_refuse(c, srv->s_pub, HELLO_BUSY);
		close(c);
	}
	srv->spare_fd = open("/dev/null", O_RDONLY | O_CLOEXEC);
	return c != -1 ? 0 : -1;
}

void
shard_call(struct shard *sh, int here, loop_hook_cb *fn, void *arg)
{
	if (here)
		fn(arg);
	else
		loop_post(sh->loop, fn, arg);
}

/*
 * The pre-handshake budget: connections counted per source address (an
 * IPv4 address, an IPv6 /64) and in total.  Entries exist only while
 * their address has such connections, so the table is never larger than
 * the budget.  Taken on the main loop at accept, given back from any.
 */
#define PREAUTH_BUCKETS	256
struct preauth_addr {
	struct preauth_addr	*next;
	uint8_t			 addr[16];
	int			 n;
};
struct preauth {
	pthread_mutex_t		 lock;
	int			 total;
	struct preauth_addr	*tab[PREAUTH_BUCKETS];
};

static struct preauth_addr **
preauth_find(struct preauth *pa, const uint8_t addr[16])
{
	struct preauth_addr	**p;
	unsigned		  h = 0;
	int			  i;

	for (i = 0; i < 16; i++)
		h = h * 31 + addr[i];
	for (p = &pa->tab[h % PREAUTH_BUCKETS]; *p != NULL; p = &(*p)->next) {
		if (memcmp((*p)->addr, addr, 16) == 0)
			break;
	}
	return p;
}

/* 0 if counted; else why not, for the log. */
static const char *
preauth_take(struct server *srv, const uint8_t addr[16])
{
	struct preauth		 *pa = srv->preauth;
	struct preauth_addr	**p, *e;
	const char		 *why = NULL;

	pthread_mutex_lock(&pa->lock);
	p = preauth_find(pa, addr);
	if (pa->total >= srv->preauth_max)
		why = "too many connections before their handshake";
	else if (*p != NULL && (*p)->n >= srv->preauth_per_addr)
		why = "too many connections before their handshake from "
		    "one address";
	else {
		if ((e = *p) == NULL) {
			e = *p = xcalloc(1, sizeof *e);
			memcpy(e->addr, addr, 16);
		}
		e->n++;
		pa->total++;
	}
	pthread_mutex_unlock(&pa->lock);
	return why;
}

void
server_preauth_done(struct server *srv, const uint8_t addr[16])
{
	struct preauth		 *pa = srv->preauth;
	struct preauth_addr	**p, *e;

	pthread_mutex_lock(&pa->lock);
	if ((e = *(p = preauth_find(pa, addr))) != NULL) {
		pa->total--;
		if (--e->n == 0) {
			*p = e->next;
			free(e);
		}
	}
	pthread_mutex_unlock(&pa->lock);
}

static struct preauth *
preauth_new(void)
{
	struct preauth	*pa = xcalloc(1, sizeof *pa);

	pthread_mutex_init(&pa->lock, NULL);
	return pa;
}

static void
preauth_free(struct preauth *pa)
{
	struct preauth_addr	*e, *next;
	int			 i;

	if (pa == NULL)
		return;
	for (i = 0; i < PREAUTH_BUCKETS; i++) {
		for (e = pa->tab[i]; e != NULL; e = next) {
			next = e->next;
			free(e);
		}
	}
	pthread_mutex_destroy(&pa->lock);
	free(pa);
}

/* The budget's key of a peer's address. */
static void
preauth_key(const struct sockaddr_storage *ss, uint8_t key[16])
{
	memset(key, 0, 16);
	if (ss->ss_family == AF_INET) {
		key[10] = key[11] = 0xff;
		memcpy(key + 12, &((const struct sockaddr_in *)ss)->sin_addr, 4);
	} else if (ss->ss_family == AF_INET6)
		memcpy(key, &((const struct sockaddr_in6 *)ss)->sin6_addr, 8);
}

/* A connection on its way to a shard. */
struct adopt {
	struct shard	*sh;
	int		 fd;
	int		 flags;
	uint8_t		 addr[16];
	char		 peer[64];
};

/* On the shard: the connection's session, or it is closed. */
static void
shard_adopt(void *arg)
{
	struct adopt	*a = arg;
	struct server	*srv = a->sh->srv;

	if (session_create(a->sh, a->fd, a->fd, a->peer, a->flags,
	    a->addr) == NULL) {
		close(a->fd);
		srv->nsessions--;
		if (a->flags & SESSION_BUSY)
			srv->nbusy--;
		if (a->flags & SESSION_PRE)
			server_preauth_done(srv, a->addr);
	}
	free(a);
}

/* Give the connection to the next shard in turn; counted from now on. */
static void
server_adopt(struct server *srv, int fd, const char *peer, int flags,
    const uint8_t addr[16])
{
	struct adopt	*a = xmalloc(sizeof *a);

	a->sh = &srv->shards[srv->next_shard++ % (unsigned)srv->nshards];
	a->fd = fd;
	a->flags = flags;
	memcpy(a->addr, addr, 16);
	snprintf(a->peer, sizeof a->peer, "%s", peer);
	srv->nsessions++;
	if (flags & SESSION_BUSY)
		srv->nbusy++;
	shard_call(a->sh, a->sh->index == 0, shard_adopt, a);
}

static void
server_accept(int fd, int events, void *arg)
{
	struct server		*srv = arg;
	struct sockaddr_storage	 ss;
	socklen_t		 len;
	char			 host[NI_MAXHOST], serv[NI_MAXSERV], peer[64];
	uint8_t			 key[16];
	const char		*why;
	int			 c, one = 1, i, flags;

	for (i = 0; i < 64; i++) {
		len = sizeof ss;
		c = accept4(fd, (struct sockaddr *)&ss, &len,
		    SOCK_NONBLOCK | SOCK_CLOEXEC);
		if (c == -1) {
			if (errno == EMFILE || errno == ENFILE) {
				if (server_starved(srv, fd) == 0)
					continue;
			} else if (errno != EAGAIN && errno != EINTR)
				log_warn("accept: %s", strerror(errno));
			return;
		}
		setsockopt(c, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
		if (getnameinfo((struct sockaddr *)&ss, len, host, sizeof host,
		    serv, sizeof serv, NI_NUMERICHOST | NI_NUMERICSERV) != 0)
			snprintf(peer, sizeof peer, "?");
		else
			snprintf(peer, sizeof peer, "%.40s:%.8s", host, serv);
		preauth_key(&ss, key);
		if ((why = preauth_take(srv, key)) != NULL) {
			/* Once per episode: a flood must not flood the log. */
			if (episode_hit(&srv->precut))
				log_warn("%s (%s): cutting them", why, peer);
			log_debug("%s: cut: %s", peer, why);
			chan_refuse(c, srv->s_pub, HELLO_BUSY);
			close(c);
			continue;
		}
		flags = SESSION_PRE;
		if (srv->nopen >= srv->max_sessions) {
			if (episode_hit(&srv->full))
				log_warn("%d sessions, the maximum: answering busy",
				    srv->nopen);
			log_debug("%s: busy", peer);
			if (srv->nbusy >= BUSY_MAX) {
				server_preauth_done(srv, key);
				close(c);
				continue;
			}
			flags |= SESSION_BUSY;
		}
		server_adopt(srv, c, peer, flags, key);
	}
}

/* Split HOST:PORT, [V6]:PORT or :PORT. */
static int
split_hostport(const char *s, char *host, size_t hlen, char *port, size_t plen)
{
	const char	*colon;

	if (*s == '[') {
		const char	*end = strchr(s, ']');

		if (end == NULL || end[1] != ':')
			return -1;
		snprintf(host, hlen, "%.*s", (int)(end - s - 1), s + 1);
		snprintf(port, plen, "%s", end + 2);
		return 0;
	}
	if ((colon = strrchr(s, ':')) == NULL)
		return -1;
	snprintf(host, hlen, "%.*s", (int)(colon - s), s);
	snprintf(port, plen, "%s", colon + 1);
	return 0;
}

int
server_listen(struct server *srv, const char *hostport)
{
	struct addrinfo	 hints = { .ai_socktype = SOCK_STREAM,
			    .ai_flags = AI_PASSIVE | AI_NUMERICSERV }, *res, *ai;
	char		 host[256], port[32];
	int		 fd, one = 1, n = 0;

	if (split_hostport(hostport, host, sizeof host, port, sizeof port) != 0) {
		log_error("%s: expected HOST:PORT", hostport);
		return -1;
	}
	if (getaddrinfo(host[0] ? host : NULL, port, &hints, &res) != 0) {
		log_error("%s: cannot resolve", hostport);
		return -1;
	}
	for (ai = res; ai != NULL; ai = ai->ai_next) {
		fd = socket(ai->ai_family, ai->ai_socktype | SOCK_CLOEXEC, 0);
		if (fd == -1)
			continue;
		setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
		if (ai->ai_family == AF_INET6)
			setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof one);
		if (bind(fd, ai->ai_addr, ai->ai_addrlen) == -1 ||
		    listen(fd, 1024) == -1 || set_nonblock(fd) == -1) {
			log_error("%s: %s", hostport, strerror(errno));
			close(fd);
			continue;
		}
		srv->listen_fds = xrealloc(srv->listen_fds,
		    (srv->nlisten + 1) * sizeof *srv->listen_fds);
		srv->listen_fds[srv->nlisten++] = fd;
		loop_add_fd(srv->loop, fd, LOOP_READ, server_accept, srv);
		n++;
	}
	freeaddrinfo(res);
	if (n == 0)
		return -1;
	log_info("listening on %s", hostport);
	return 0;
}

int
server_serve_stdio(struct server *srv)
{
	srv->stdio = 1;
	set_nonblock(0);
	set_nonblock(1);
	static const uint8_t	none[16];

	if (session_create(&srv->shards[0], 0, 1, "stdio", 0, none) == NULL)
		return -1;
	srv->nsessions++;
	return 0;
}

void
server_run(struct server *srv)
{
	int	i;

	loop_run(srv->loop);
	server_unlisten(srv);
	for (i = 1; i < srv->nshards; i++)
		loop_post(srv->shards[i].loop, shard_stop, &srv->shards[i]);
	shard_linger(&srv->shards[0]);
	for (i = 1; i < srv->nshards; i++)
		pthread_join(srv->shards[i].thread, NULL);
}

void
server_free(struct server *srv)
{
	struct session	*s;
	struct shard	*sh;
	int		 i;

	worker_free(srv->worker);
	for (i = 0; i < srv->nshards; i++) {
		sh = &srv->shards[i];
		for (s = sh->sessions; s != NULL; s = s->next) {
			s->flags |= SESSION_DEAD;
			s->pending = 0;
		}
		session_reap(sh);
		if (sh->db != srv->db)
			db_close(sh->db);
		if (i > 0)
			loop_free(sh->loop);
	}
	free(srv->shards);
	preauth_free(srv->preauth);
	hits_free(srv->hits);
	server_unlisten(srv);
	db_close(srv->db);
	free(srv->db_path);
	loop_free(srv->loop);
	sig_fd = -1;
	if (srv->spare_fd != -1)
		close(srv->spare_fd);
	close(srv->sig_pipe[0]);
	close(srv->sig_pipe[1]);
	free(srv->listen_fds);
	sodium_memzero(srv->s_priv, sizeof srv->s_priv);
	free(srv->dir);
	log_info("stopped");
}

/*
 * What to cut, on its way to the shards: a device's sessions, or a staff
 * member's logged in before a generation (schema/007).  Each shard counts
 * what it cut; the last to finish has the total audited on the main loop.
 */
struct cut {
	struct server	*srv;
	int64_t		 device;	/* or */
	char		 staff[ID_MAX];
	int64_t		 generation;
	char		 reason[32];
	_Atomic int	 left;		/* shards still to look */
	_Atomic int	 cut;		/* sessions cut */
};

static void
server_cut_audit(void *arg)
{
	static const struct actor system = { .staff = NULL };
	struct cut	*k = arg;
	struct db	*db = k->srv->db;
	char		*after;
	int		 n = atomic_load(&k->cut);

	if (n > 0 && k->staff[0] != '\0') {
		log_info("staff %s: %d sessions closed: %s", k->staff, n,
		    k->reason);
		after = xasprintf("{\"reason\":\"%s\",\"sessions\":%d}",
		    k->reason, n);
		if (db_begin(db) != 0 || audit_commit(db, &system,
		    "session.cut", "staff", k->staff, NULL, after) != 0) {
			db_rollback(db);
			log_error("session.cut: the audit row could not be "
			    "written");
		}
		free(after);
	}
	free(k);
}

struct cut_at {
	struct cut	*k;
	struct shard	*sh;
};

static void
shard_cut(void *arg)
{
	struct cut_at	*at = arg;
	struct cut	*k = at->k;
	struct shard	*sh = at->sh;
	struct session	*s;
	int		 n = 0;

	free(at);
	for (s = sh->sessions; s != NULL; s = s->next) {
		if ((s->flags & SESSION_DEAD) || chan_state(s->chan) < 0)
			continue;
		if ((k->device > 0 && s->who.device == k->device) ||
		    (k->staff[0] != '\0' && strcmp(s->who.staff, k->staff) == 0 &&
		    s->who.generation < k->generation)) {
			session_kill(s, k->reason);
			n++;
		}
	}
	atomic_fetch_add(&k->cut, n);
	if (atomic_fetch_sub(&k->left, 1) == 1)
		shard_call(&k->srv->shards[0], sh->index == 0,
		    server_cut_audit, k);
}

/* Every shard looks through its sessions, after what was posted before. */
static void
server_cut(struct server *srv, struct cut *k)
{
	struct cut_at	*at;
	int		 i;

	k->srv = srv;
	atomic_store(&k->left, srv->nshards);
	for (i = 0; i < srv->nshards; i++) {
		at = xmalloc(sizeof *at);
		at->k = k;
		at->sh = &srv->shards[i];
		shard_call(at->sh, i == 0, shard_cut, at);
	}
}

void
server_kick_device(struct server *srv, int64_t device, const char *reason)
{
	struct cut	*k = xcalloc(1, sizeof *k);

	k->device = device;
	snprintf(k->reason, sizeof k->reason, "%s", reason);
	server_cut(srv, k);
}

static void
server_cut_staff(const struct staff_cut *c, void *arg)
{
	struct cut	*k = xcalloc(1, sizeof *k);

	snprintf(k->staff, sizeof k->staff, "%s", c->staff);
	k->generation = c->generation;
	snprintf(k->reason, sizeof k->reason, "%s", c->reason);
	server_cut(arg, k);
}

void
server_poll_cuts(struct server *srv)
{
	int64_t	seq;

	if (db_in_tx(srv->db))
		return;
	seq = staff_cuts(srv->db, srv->cut_seq, server_cut_staff, srv);
	if (seq >= 0)
		srv->cut_seq = seq;
}

/* A device's contact, on its way to the writer. */
struct seen {
	struct server	*srv;
	int64_t		 device;
};

static void
server_seen(void *arg)
{
	struct seen	*e = arg;

	device_seen(e->srv->db, e->device);
	free(e);
}

void
server_device_seen(struct shard *from, int64_t device)
{
	struct seen	*e = xmalloc(sizeof *e);

	e->srv = from->srv;
	e->device = device;
	shard_call(&from->srv->shards[0], from->index == 0, server_seen, e);
}

/*
 * The scheduler's place in pawd serve.  The jobs of a data directory run in
 * one process: the pawd serve holding an exclusive flock on DIR/jobs.lock.
 * A second pawd serve on the same directory serves but runs no jobs (it
 * says so, and takes over when the first stops); pawd serve --stdio never
 * runs them.  A timer on the main loop runs what is due on the one writing
 * connection, one occurrence per turn of the loop, so sessions are served
 * between occurrences.
 *
 * The test clock is moved here too, and only in the pawd serve started with
 * --test-clock that runs the jobs: the occurrences a move makes due have run
 * when its answer goes back.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/file.h>

#include "clock.h"
#include "log.h"
#include "pawd.h"
#include "xmalloc.h"

#define CRON_TICK	1000	/* ms between looks at the clock */
#define CRON_BACKOFF	60000	/* ms after an occurrence that could not run */

struct cron {
	struct server	*srv;
	char		*lock_path;
	int		 lock_fd;	/* -1 until this process runs the jobs */
	int		 lock_said;	/* an error opening the lock was logged */
};

/* The schedule acts as nobody: its audit rows have no staff. */
static const struct actor cron_actor = { .staff = NULL };

/* Try to become the process that runs the jobs: 1 if it is. */
static int
cron_lock(struct cron *c)
{
	int	fd;

	if (c->lock_fd != -1)
		return 1;
	fd = open(c->lock_path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
	if (fd == -1) {
		if (!c->lock_said++)
			log_error("%s: %s: no jobs run", c->lock_path,
			    strerror(errno));
		return 0;
	}
	if (flock(fd, LOCK_EX | LOCK_NB) != 0) {
		close(fd);
		return 0;
	}
	c->lock_fd = fd;
	return 1;
}

/* A job committed: the reading loops take a new snapshot. */
static void
cron_committed(struct server *srv)
{
	atomic_fetch_add(&srv->commits, 1);
}

static void
cron_tick(void *arg)
{
	struct cron		*c = arg;
	struct server		*srv = c->srv;
	struct job_record	 r;
	int64_t			 wait = CRON_TICK;
	int			 rc;

	if (srv->shutting_down)
		return;		/* no new occurrence once a shutdown began */
	if (c->lock_fd == -1 && cron_lock(c))
		log_info("jobs: the pawd that ran the jobs of %s stopped: "
		    "this one runs them now", srv->dir);
	if (c->lock_fd != -1) {
		memset(&r, 0, sizeof r);
		rc = job_run_next(srv->db, clock_now(), &cron_actor, &r);
		if (rc == 1) {
			cron_committed(srv);
			wait = 1;	/* the next one after a turn of the loop */
		} else if (rc < 0)
			wait = CRON_BACKOFF;
		job_record_clear(&r);
	}
	loop_add_timer(srv->loop, wait, cron_tick, c);
}

struct cron *
cron_create(struct server *srv)
{
	struct cron	*c;

	if (job_check() != 0)
		return NULL;
	c = xcalloc(1, sizeof *c);
	c->srv = srv;
	c->lock_fd = -1;
	c->lock_path = xasprintf("%s/jobs.lock", srv->dir);
	if (cron_lock(c))
		log_info("jobs: this pawd runs the jobs of %s", srv->dir);
	else
		log_info("jobs: another pawd serve runs the jobs of %s (%s is "
		    "locked): this one serves without running them, and takes "
		    "over if that one stops", srv->dir, c->lock_path);
	/* What fell due while no pawd ran: at once. */
	loop_add_timer(srv->loop, 0, cron_tick, c);
	return c;
}

void
cron_free(struct cron *c)
{
	if (c == NULL)
		return;
	if (c->lock_fd != -1)
		close(c->lock_fd);	/* and the lock with it */
	free(c->lock_path);
	free(c);
}

const char *
cron_where(struct server *srv)
{
	const char	*where = "none";
	char		*path;
	int		 fd;

	if (srv->cron != NULL && srv->cron->lock_fd != -1)
		return "here";
	/* A lock of our own for a moment, if nobody holds it. */
	path = xasprintf("%s/jobs.lock", srv->dir);
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) != -1) {
		if (flock(fd, LOCK_EX | LOCK_NB) != 0 && errno == EWOULDBLOCK)
			where = "elsewhere";
		close(fd);
	}
	free(path);
	return where;
}

/* Run, in order, every occurrence due by now; each through cb. */
static void
cron_catch_up(struct server *srv, job_record_fn *cb, void *arg)
{
	struct job_record	r;
	int			rc;

	memset(&r, 0, sizeof r);
	while ((rc = job_run_next(srv->db, clock_now(), &cron_actor, &r)) == 1) {
		cron_committed(srv);
		if (cb != NULL)
			cb(&r, arg);
		job_record_clear(&r);
	}
	job_record_clear(&r);
	if (rc < 0)
		log_warn("jobs: what is left due runs from the timer");
}

/* The audit row of a clock move, in a transaction of its own. */
static void
cron_clock_audit(struct db *db, const struct actor *a, const char *method,
    int64_t from, int64_t to)
{
	char	*before = xasprintf("{\"now\":%lld}", (long long)from);
	char	*after = xasprintf("{\"now\":%lld}", (long long)to);

	if (db_begin(db) != 0 ||
	    audit_commit(db, a, method, "clock", NULL, before, after) != 0) {
		db_rollback(db);
		log_error("%s: the audit row could not be written", method);
	}
	free(before);
	free(after);
}

int
cron_clock_movable(struct server *srv, struct perr *err)
{
	if (!srv->test_clock || !clock_test_on())
		return perr_set(err, ERR_FORBIDDEN, NULL, "the test clock is "
		    "off (pawd serve --test-clock turns it on)");
	if (srv->cron == NULL || srv->cron->lock_fd == -1)
		return perr_set(err, ERR_FORBIDDEN, NULL, "this pawd does not "
		    "run the jobs: move the clock through the one that does");
	return 0;
}

int
cron_clock_move(struct server *srv, const struct actor *a, int64_t to,
    const char *field, job_record_fn *cb, void *arg, struct perr *err)
{
	const char	*method = strcmp(field, "now") == 0 ?
			    "system.clock.set" : "system.clock.advance";
	int64_t		 from = clock_now();

	if (cron_clock_movable(srv, err) != 0)
		return -1;
	if (to < from)
		return perr_set(err, ERR_INVALID, field, "%s must not be earlier "
		    "than the test clock (%lld): it only moves forward", field,
		    (long long)from);
	if (to - from > CLOCK_MOVE_MAX)
		return perr_set(err, ERR_INVALID, field, "%s: the test clock "
		    "moves at most ten years at a time", field);
	if (clock_test_set(to) != 0)
		return perr_set(err, ERR_INTERNAL, NULL,
		    "the test clock could not be moved");
	log_info("test clock moved from %lld to %lld", (long long)from,
	    (long long)to);
	cron_clock_audit(srv->db, a, method, from, to);
	cron_committed(srv);
	cron_catch_up(srv, cb, arg);
	return 0;
}

int
cron_job_run(struct server *srv, const char *name, const struct actor *a,
    struct job_record *r, struct perr *err)
{
	int	rc = job_run_now(srv->db, name, clock_now(), a, r, err);

	if (rc == 1)
		cron_committed(srv);
	return rc;
}

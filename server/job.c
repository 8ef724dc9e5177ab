/*
 * Scheduled jobs: the table of them, their schedules in the business time
 * zone, and the running of one occurrence: its work and its job_run row in
 * one transaction, so an occurrence is done once or not at all, however
 * the process ends (SIGKILL included).  cron.c decides when; this file
 * decides what and how.
 *
 * Deliberate choices:
 * - A missed run is caught up once.  When occurrences were missed (the
 *   server was down, the test clock jumped) only the latest due one runs,
 *   and its row counts the others in skipped.  So a job's function does
 *   everything due up to its due time, never "the work of that one day".
 * - A job that never ran runs at once, for its latest occurrence: a job an
 *   upgrade adds catches up as a missed one would.
 * - A failed occurrence (its function returned -1) is rolled back, then
 *   recorded with ok 0 and its error, and not retried by itself: its next
 *   occurrence does what it missed, and job.run runs it at once.
 * - Every occurrence done writes one audit row, method "job.<name>",
 *   entity "job", in its transaction; the staff is whoever ran it with
 *   job.run, NULL for the schedule.
 * - An occurrence runs on the main loop, between requests, which wait for
 *   it: a job's work must take milliseconds.  Work that can grow large is
 *   an EVERY job doing a bounded part per occurrence.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <jansson.h>

#include "clock.h"
#include "log.h"
#include "db.h"
#include "hex.h"
#include "pawd.h"
#include "xmalloc.h"

enum job_kind {
	JOB_DAILY,	/* at: seconds after midnight, business time */
	JOB_EVERY,	/* at: a period in seconds, counted from the epoch */
};

struct job {
	const char	*name;
	enum job_kind	 kind;
	int		 at;
	job_fn		*fn;
};

#define DAILY(h, m)	.kind = JOB_DAILY, .at = (h) * 3600 + (m) * 60
#define EVERY(secs)	.kind = JOB_EVERY, .at = (secs)

static job_fn	job_purge_expired;
static job_fn	job_purge_idem;
static job_fn	job_audit_head;

/*
 * The jobs.  Adding one is a line here and its function (a job_fn, see
 * pawd.h): a name (its audit rows say job.<name>), DAILY(hour, minute) in
 * business time or EVERY(seconds), and the function.
 */
static const struct job jobs[] = {
	{ "purge_expired",	DAILY(3, 30),	job_purge_expired },
	{ "purge_idem",		DAILY(4, 0),	job_purge_idem },
	{ "audit_head",		DAILY(0, 5),	job_audit_head },
};
#define NJOBS	(sizeof jobs / sizeof jobs[0])

/* Expired login tokens and enrollment codes: nothing can use them. */
static int
job_purge_expired(struct db *db, int64_t due, char **result)
{
	int	tokens, codes;

	if ((tokens = staff_token_purge(db, due)) < 0 ||
	    (codes = device_code_purge(db, due)) < 0) {
		*result = xstrdup("database error");
		return -1;
	}
	*result = xasprintf("{\"tokens\":%d,\"codes\":%d}", tokens, codes);
	return 0;
}

/* Idempotency records older than 7 days (idem.c) go. */
static int
job_purge_idem(struct db *db, int64_t due, char **result)
{
	int	n;

	if ((n = idem_purge(db, due)) < 0) {
		*result = xstrdup("database error");
		return -1;
	}
	*result = xasprintf("{\"records\":%d}", n);
	return 0;
}

/*
 * Verify the audit chain and write its head to the log, once a day, so
 * that a copy kept off the machine shows a trail later cut short.
 */
static int
job_audit_head(struct db *db, int64_t due, char **result)
{
	uint8_t	head[AUDIT_DIGEST_LEN];
	char	hex[2 * AUDIT_DIGEST_LEN + 1];
	int64_t	n, bad;

	if ((n = audit_verify(db, &bad, head)) < 0) {
		*result = xstrdup("the audit trail cannot be read");
		return -1;
	}
	if (bad > 0) {
		*result = xasprintf("audit row %lld does not fit the chain",
		    (long long)bad);
		return -1;
	}
	hex_encode(head, sizeof head, hex);
	log_info("audit head: %s (%lld rows)", hex, (long long)n);
	*result = xasprintf("{\"rows\":%lld,\"head\":\"%s\"}", (long long)n,
	    hex);
	return 0;
}

int
job_check(void)
{
	size_t	i, k;

	for (i = 0; i < NJOBS; i++) {
		if (strlen(jobs[i].name) >= JOB_NAME_MAX || jobs[i].fn == NULL ||
		    (jobs[i].kind == JOB_DAILY &&
		    (jobs[i].at < 0 || jobs[i].at >= 86400)) ||
		    (jobs[i].kind == JOB_EVERY && jobs[i].at <= 0)) {
			log_error("job %s: bad table entry", jobs[i].name);
			return -1;
		}
		for (k = 0; k < i; k++) {
			if (strcmp(jobs[k].name, jobs[i].name) == 0) {
				log_error("job %s: listed twice", jobs[i].name);
				return -1;
			}
		}
	}
	return 0;
}

int
job_find(const char *name)
{
	size_t	i;

	for (i = 0; name != NULL && i < NJOBS; i++) {
		if (strcmp(jobs[i].name, name) == 0)
			return (int)i;
	}
	return -1;
}

/* ---- schedules ---- */

/* The instant secs after midnight of t's business date, days later. */
static int64_t
daily_at(int64_t t, int secs, int days)
{
	time_t		tt = (time_t)t;
	struct tm	tm;

	localtime_r(&tt, &tm);
	tm.tm_mday += days;
	tm.tm_hour = secs / 3600;
	tm.tm_min = secs / 60 % 60;
	tm.tm_sec = secs % 60;
	tm.tm_isdst = -1;	/* mktime() finds out */
	return (int64_t)mktime(&tm);
}

/* The first occurrence strictly after t. */
static int64_t
sched_after(const struct job *j, int64_t t)
{
	int64_t	x;

	if (j->kind == JOB_EVERY)
		return (t / j->at + 1) * j->at;
	if ((x = daily_at(t, j->at, 0)) <= t)
		x = daily_at(t, j->at, 1);
	return x;
}

/* The latest occurrence at or before t. */
static int64_t
sched_latest(const struct job *j, int64_t t)
{
	int64_t	x;

	if (j->kind == JOB_EVERY)
		return t / j->at * j->at;
	if ((x = daily_at(t, j->at, 0)) > t)
		x = daily_at(t, j->at, -1);
	return x;
}

/* How many occurrences lie between first and last, both excluded. */
static int64_t
sched_between(const struct job *j, int64_t first, int64_t last)
{
	if (last <= first)
		return 0;
	if (j->kind == JOB_EVERY)
		return (last - first) / j->at - 1;
	/* Days of 23 or 25 hours (daylight saving) round to one. */
	return (last - first + 43200) / 86400 - 1;
}

static void
sched_text(const struct job *j, char *out, size_t len)
{
	if (j->kind == JOB_DAILY)
		snprintf(out, len, "daily %02d:%02d", j->at / 3600,
		    j->at / 60 % 60);
	else
		snprintf(out, len, "every %d s", j->at);
}

/* ---- the record of runs ---- */

/* The due time of job's latest run into *due: 1, or 0 if it never ran. */
static int
job_last_due(struct db *db, const struct job *j, int64_t *due)
{
	static const char sql[] =
	    "SELECT max(due) FROM job_run WHERE job = ?";
	sqlite3_stmt	*st;
	int		 found;

	if ((st = db_prep(db, sql)) == NULL)
		return 0;
	db_bind_text(st, 1, j->name);
	found = sqlite3_step(st) == SQLITE_ROW &&
	    sqlite3_column_type(st, 0) != SQLITE_NULL;
	if (found)
		*due = sqlite3_column_int64(st, 0);
	/* At once: a statement left on its row pins a read snapshot. */
	sqlite3_reset(st);
	return found;
}

/*
 * Whether job j is due by now: 1 with the occurrence to run in *due and
 * the missed ones it stands for in *skipped; 0 with *next, when it is.
 */
static int
job_state(struct db *db, const struct job *j, int64_t now, int64_t *due,
    int64_t *skipped, int64_t *next)
{
	int64_t	last, first;

	first = job_last_due(db, j, &last) ? sched_after(j, last) :
	    sched_latest(j, now);
	if (first > now) {
		*next = first;
		return 0;
	}
	*due = *next = sched_latest(j, now);
	*skipped = sched_between(j, first, *due) + (first < *due);
	return 1;
}

void
job_record_clear(struct job_record *r)
{
	free(r->result);
	memset(r, 0, sizeof *r);
}

/* Load job's run due at due into r: 0, or -1 if there is none. */
static int
job_record_get(struct db *db, const char *job, int64_t due,
    struct job_record *r)
{
	static const char sql[] =
	    "SELECT skipped, started, finished, ms, ok, result, staff "
	    "FROM job_run WHERE job = ? AND due = ?";
	sqlite3_stmt	*st;

	if ((st = db_prep(db, sql)) == NULL)
		return -1;
	db_bind_text(st, 1, job);
	sqlite3_bind_int64(st, 2, due);
	if (sqlite3_step(st) != SQLITE_ROW) {
		sqlite3_reset(st);
		return -1;
	}
	job_record_clear(r);
	snprintf(r->job, sizeof r->job, "%s", job);
	r->due = due;
	r->skipped = sqlite3_column_int64(st, 0);
	r->started = sqlite3_column_int64(st, 1);
	r->finished = sqlite3_column_int64(st, 2);
	r->ms = sqlite3_column_int64(st, 3);
	r->ok = sqlite3_column_int(st, 4);
	r->result = xstrdup(db_col(st, 5));
	db_copy_col(r->staff, sizeof r->staff, st, 6);
	sqlite3_reset(st);
	return 0;
}

static int
job_record_put(struct db *db, const struct job_record *r)
{
	static const char sql[] =
	    "INSERT INTO job_run (job, due, skipped, started, finished, ms, ok, "
	    "result, staff) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)";
	sqlite3_stmt	*st;

	if ((st = db_prep(db, sql)) == NULL)
		return -1;
	db_bind_text(st, 1, r->job);
	sqlite3_bind_int64(st, 2, r->due);
	sqlite3_bind_int64(st, 3, r->skipped);
	sqlite3_bind_int64(st, 4, r->started);
	sqlite3_bind_int64(st, 5, r->finished);
	sqlite3_bind_int64(st, 6, r->ms);
	sqlite3_bind_int(st, 7, r->ok);
	db_bind_text(st, 8, r->result);
	db_bind_text(st, 9, r->staff[0] != '\0' ? r->staff : NULL);
	return db_step_done(db, st);
}

/* {"error": msg} (caller frees). */
static char *
job_error_json(const char *msg)
{
	json_t	*o = json_pack("{s:s}", "error", msg != NULL ? msg : "failed");
	char	*s = o != NULL ? json_dumps(o, JSON_COMPACT) : NULL;
	char	*copy = xstrdup(s != NULL ? s : "{\"error\":\"failed\"}");

	free(s);
	json_decref(o);
	return copy;
}

/* ---- running an occurrence ---- */

/* t in business time, for the log. */
static void
job_time_text(int64_t t, char *out, size_t len)
{
	time_t		tt = (time_t)t;
	struct tm	tm;

	localtime_r(&tt, &tm);
	strftime(out, len, "%Y-%m-%d %H:%M:%S", &tm);
}

/*
 * Do the work of r's occurrence in the open transaction and commit it with
 * its row and audit row; a failure is rolled back, then recorded.  0 if
 * the occurrence is recorded (done or failed), -1 if nothing could be.
 */
static int
job_do(struct db *db, const struct job *j, const struct actor *a,
    struct job_record *r)
{
	char	*method = xasprintf("job.%s", j->name), *error, when[32];
	int64_t	 t0 = clock_us();
	int	 rc;

	job_time_text(r->due, when, sizeof when);
	log_info("job %s: running the occurrence due %s", j->name, when);
	r->started = clock_now();
	rc = j->fn(db, r->due, &r->result);
	r->ms = (clock_us() - t0) / 1000;
	r->finished = clock_now();
	if ((r->ok = rc == 0)) {
		if (r->result == NULL)
			r->result = xstrdup("{}");
	} else {
		db_rollback(db);
		log_error("job %s: %s", j->name, r->result ? r->result : "failed");
		error = job_error_json(r->result);
		free(r->result);
		r->result = error;
		rc = db_begin(db);
	}
	if (rc == 0 && (job_record_put(db, r) != 0 ||
	    audit_commit(db, a, method, "job", j->name, NULL, r->result) != 0))
		rc = -1;
	if (rc != 0) {
		db_rollback(db);
		log_error("job %s: its run could not be recorded", j->name);
	} else
		log_info("job %s: %s in %lld ms: %s", j->name,
		    r->ok ? "done" : "failed", (long long)r->ms, r->result);
	free(method);
	return rc;
}

/*
 * Run job ji's occurrence due by now, if it is (else with force, one at
 * now), in one transaction that first checks it is still to do: another
 * process may have done it since it was found due.  1 ran (in r), 0 not
 * due (with force: r is the run of this second, already done), -1 error.
 */
static int
job_occur(struct db *db, size_t ji, int64_t now, int force,
    const struct actor *a, struct job_record *r)
{
	const struct job	*j = &jobs[ji];
	int64_t			 due, skipped = 0, next, last;
	int			 rc;

	if (db_begin(db) != 0)
		return -1;
	if (!job_state(db, j, now, &due, &skipped, &next)) {
		if (!force) {
			db_rollback(db);
			return 0;
		}
		/* Forced twice in one second: the run of this second answers. */
		if (job_last_due(db, j, &last) && last >= now) {
			rc = job_record_get(db, j->name, last, r);
			db_rollback(db);
			return rc;
		}
		due = now;
	}
	job_record_clear(r);
	snprintf(r->job, sizeof r->job, "%s", j->name);
	snprintf(r->staff, sizeof r->staff, "%s", a->staff ? a->staff : "");
	r->due = due;
	r->skipped = skipped;
	return job_do(db, j, a, r) == 0 ? 1 : -1;
}

/* The job due first by now (the earliest occurrence): its index, or -1. */
static int
job_first_due(struct db *db, int64_t now)
{
	int64_t	due, skipped, next, best = 0;
	size_t	i;
	int	found = -1;

	for (i = 0; i < NJOBS; i++) {
		if (job_state(db, &jobs[i], now, &due, &skipped, &next) &&
		    (found == -1 || due < best)) {
			found = (int)i;
			best = due;
		}
	}
	return found;
}

int
job_run_next(struct db *db, int64_t now, const struct actor *a,
    struct job_record *r)
{
	size_t	tries;
	int	ji, rc;

	/* A job another process did meanwhile is not due at the next look. */
	for (tries = 0; tries <= NJOBS; tries++) {
		if ((ji = job_first_due(db, now)) == -1)
			return 0;
		if ((rc = job_occur(db, (size_t)ji, now, 0, a, r)) != 0)
			return rc;
	}
	return 0;
}

int
job_run_now(struct db *db, const char *name, int64_t now,
    const struct actor *a, struct job_record *r, struct perr *err)
{
	int	ji = job_find(name), rc;

	if (ji == -1)
		return perr_set(err, ERR_NOT_FOUND, "job", "no job %.40s",
		    name != NULL ? name : "");
	if ((rc = job_occur(db, (size_t)ji, now, 1, a, r)) < 0)
		return perr_set(err, ERR_INTERNAL, NULL, "the job could not run");
	return rc;
}

int
job_list(struct db *db, int64_t now, job_info_fn *cb, void *arg)
{
	struct job_info	 info;
	int64_t		 due, skipped, last;
	size_t		 i;

	for (i = 0; i < NJOBS; i++) {
		memset(&info, 0, sizeof info);
		info.name = jobs[i].name;
		sched_text(&jobs[i], info.schedule, sizeof info.schedule);
		job_state(db, &jobs[i], now, &due, &skipped, &info.next_due);
		info.has_last = job_last_due(db, &jobs[i], &last) &&
		    job_record_get(db, jobs[i].name, last, &info.last) == 0;
		cb(&info, arg);
		job_record_clear(&info.last);
	}
	return (int)NJOBS;
}

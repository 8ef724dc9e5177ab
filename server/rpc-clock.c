/*
 * system.clock.*: move the test clock of pawd serve --test-clock forward
 * (hq_admin).  The jobs that fall due run, in order, before the answer,
 * which gives the new time and those runs.
 */
#include "clock.h"
#include "pawd.h"

struct clock_set_p {
	int64_t	now;
};
/* Epoch seconds up to the last second of year 9999. */
PARAMS(system_clock_set, struct clock_set_p,
    P_INT("now", struct clock_set_p, now, P_REQ, 0, 253402300799));

struct clock_advance_p {
	int64_t	seconds;
};
PARAMS(system_clock_advance, struct clock_advance_p,
    P_INT("seconds", struct clock_advance_p, seconds, P_REQ, 1,
	CLOCK_MOVE_MAX));

static void
add_run(const struct job_record *r, void *arg)
{
	struct collect	*c = arg;

	pack_job_record(&c->pk, r);
	c->n++;
}

static void
clock_move(struct req *req, int64_t to, const char *field)
{
	struct actor	a;
	struct collect	c;
	struct perr	err;

	rpc_actor(req, &a);
	collect_init(&c);
	if (cron_clock_move(req->srv, &a, to, field, add_run, &c, &err) != 0) {
		msgpack_sbuffer_destroy(&c.sb);
		rpc_fail_perr(req, &err);
		return;
	}
	msgpack_pack_map(&req->pk, 2);
	mp_pack_kint(&req->pk, "now", clock_now());
	collect_put(&req->pk, "jobs", &c);
}

/* Forbidden before anything else: no clock to move here. */
static int
clock_movable(struct req *req)
{
	struct perr	err;

	if (cron_clock_movable(req->srv, &err) == 0)
		return 1;
	rpc_fail_perr(req, &err);
	return 0;
}

void
rpc_system_clock_set(struct req *req)
{
	if (clock_movable(req))
		clock_move(req, ((const struct clock_set_p *)req->in)->now,
		    "now");
}

void
rpc_system_clock_advance(struct req *req)
{
	if (clock_movable(req))
		clock_move(req, clock_now() +
		    ((const struct clock_advance_p *)req->in)->seconds,
		    "seconds");
}

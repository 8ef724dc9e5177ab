/*
 * job.*: the scheduled jobs (job.c): list them with their last and next
 * runs, run one now.  A run writes in transactions of its own, one per
 * occurrence, so these are not F_WRITE methods.
 */
#include <stdlib.h>

#include <jansson.h>

#include "clock.h"
#include "mpjson.h"
#include "pawd.h"

struct job_run_p {
	const char	*job;
};
PARAMS(job_run, struct job_run_p,
    P_STR("job", struct job_run_p, job, P_REQ, 1, JOB_NAME_MAX - 1));
NO_PARAMS(job_list);

void
pack_job_record(msgpack_packer *pk, const struct job_record *r)
{
	json_t	*result = json_loads(r->result ? r->result : "{}", 0, NULL);

	msgpack_pack_map(pk, 9);
	mp_pack_kstr(pk, "job", r->job);
	mp_pack_kint(pk, "due", r->due);
	mp_pack_kint(pk, "skipped", r->skipped);
	mp_pack_kint(pk, "started", r->started);
	mp_pack_kint(pk, "finished", r->finished);
	mp_pack_kint(pk, "ms", r->ms);
	mp_pack_kbool(pk, "ok", r->ok);
	mp_pack_str(pk, "result");
	if (result != NULL)
		json_to_mp(pk, result);
	else
		msgpack_pack_nil(pk);
	mp_pack_kstr_or_nil(pk, "staff", r->staff[0] != '\0' ? r->staff : NULL);
	json_decref(result);
}

void
rpc_job_run(struct req *req)
{
	struct job_record	 r = { .result = NULL };
	struct actor		 a;
	struct perr		 err;
	int			 rc;

	rpc_actor(req, &a);
	rc = cron_job_run(req->srv, ((const struct job_run_p *)req->in)->job,
	    &a, &r, &err);
	if (rc < 0) {
		rpc_fail_perr(req, &err);
		return;
	}
	msgpack_pack_map(&req->pk, 2);
	mp_pack_kbool(&req->pk, "ran", rc == 1);
	mp_pack_str(&req->pk, "run");
	pack_job_record(&req->pk, &r);
	job_record_clear(&r);
}

static void
add_job(const struct job_info *j, void *arg)
{
	struct collect	*c = arg;

	msgpack_pack_map(&c->pk, 4);
	mp_pack_kstr(&c->pk, "name", j->name);
	mp_pack_kstr(&c->pk, "schedule", j->schedule);
	mp_pack_kint(&c->pk, "next_due", j->next_due);
	mp_pack_str(&c->pk, "last");
	if (j->has_last)
		pack_job_record(&c->pk, &j->last);
	else
		msgpack_pack_nil(&c->pk);
	c->n++;
}

void
rpc_job_list(struct req *req)
{
	struct collect	c;

	collect_init(&c);
	job_list(req->db, clock_now(), add_job, &c);
	msgpack_pack_map(&req->pk, 4);
	mp_pack_kint(&req->pk, "now", clock_now());
	mp_pack_kstr(&req->pk, "zone", clock_zone());
	mp_pack_kstr(&req->pk, "scheduler", cron_where(req->srv));
	collect_put(&req->pk, "items", &c);
}

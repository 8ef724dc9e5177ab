# The daily job purge_expired on the test clock: it runs at the first start
# (it never ran), then once per day as the clock passes 03:30 business
# time, in order, each occurrence once with one job_run row and one audit
# row; a jump of several days is caught up once (skipped counts the rest);
# it purges the login tokens and enrollment codes expired by its due time
# and nothing else.  job.run runs it now (once per second at most) and
# answers the run; job.list shows schedules, last and next runs; bad input
# and the wrong roles are refused with nothing written.
. "$(dirname "$0")/../lib.sh"
# A clock move's answer with only the runs of purge_expired (other jobs,
# the idempotency purge and the audit head, run on their own times).
purge_only() { /usr/bin/python3 -c 'import json, sys
o = json.loads(sys.argv[1]); o["jobs"] = [j for j in o["jobs"] if j["job"] == "purge_expired"]
print(json.dumps(o))' "$1"; }
start_server --test-clock
mkstaff clerk1 clerk HQ clerk-pw-1
mkstaff help support HQ support-pw-1

runs() { db_query "SELECT count(*) FROM job_run WHERE job = 'purge_expired'"; }
audits() { db_query "SELECT count(*) FROM audit WHERE method = 'job.purge_expired' AND entity = 'job' AND entity_id = 'purge_expired'"; }
ran_once() { [ "$(runs)" -ge 1 ]; }
advance() {	# SECONDS: the runs it made, as JSON
	call admin system.clock.advance "{\"seconds\":$1}" || fail "advance $1: $(cat "$ERRF")"
}
day_at() {	# DAYS-AFTER-DAY0 HH:MM
	at "$(date -d "$d0 +$1 day" +%F) $2"
}

# ---- never ran: it runs at start, for its latest occurrence ----
wait_for 20 ran_once || fail "the job did not run at start"
t0=$(test_clock)
d0=$(day "$t0")
want=$(at "$d0 03:30"); [ "$want" -le "$t0" ] || want=$(day_at -1 03:30)
assert_eq "$(db_query "SELECT due || ' ' || skipped || ' ' || ok || ' ' || coalesce(staff, '-') FROM job_run WHERE job = 'purge_expired'")" \
	"$want 0 1 -" "the first run: its latest occurrence, by the schedule"
assert_eq "$(audits)" 1 "one audit row"
assert_eq "$(db_query "SELECT coalesce(staff, '-') || ' ' || at FROM audit WHERE method = 'job.purge_expired'")" "- $t0" "the schedule's audit row has no staff"
first=$want

# ---- a jump of days is caught up once ----
out=$(call admin system.clock.set "{\"now\":$(day_at 2 12:00)}") && out=$(purge_only "$out") || fail "set: $(cat "$ERRF")"
assert_eq "$(jget "$out" '.jobs|length')" 1 "one run for the days missed"
assert_eq "$(jget "$out" .jobs[0].due)" "$(day_at 2 03:30)" "the latest occurrence runs"
assert_eq "$(jget "$out" .jobs[0].skipped)" "$(( ($(day_at 2 03:30) - first) / 86400 - 1 ))" "the missed ones counted"
assert_eq "$(jget "$out" .jobs[0].result.codes)" 1 "start_server's code, expired by then"
assert_eq "$(runs)/$(audits)" 2/2 "rows after the jump"

# ---- tokens and codes expired by each due time, gone with that run ----
now=$(test_clock)
db_write "INSERT INTO staff_token (hash, staff, device, created, expires) VALUES
    (randomblob(32), 'admin', 1, $now, $(day_at 3 03:00)),
    (randomblob(32), 'admin', 1, $now, $(day_at 3 03:00)),
    (randomblob(32), 'admin', 1, $now, $(day_at 3 03:30)),
    (randomblob(32), 'admin', 1, $now, $(day_at 3 03:31)),
    (randomblob(32), 'admin', 1, $now, $(day_at 3 04:00))"
"$PAWD" enroll "$DATA" --branch HQ >/dev/null 2>&1 || fail "pawd enroll"	# expires day 3 12:00
mine() {	# EXPIRES...: how many of the tokens inserted above are left
	local e n=0; for e in "$@"; do n=$((n + $(db_query "SELECT count(*) FROM staff_token WHERE created = $now AND expires = $e"))); done; echo $n
}
# Three days one at a time: one run each, in order.
out=$(purge_only "$(advance 86400)")
assert_eq "$(jget "$out" '.jobs|length')" 1 "day 3: one run"
assert_eq "$(jget "$out" .jobs[0].due)/$(jget "$out" .jobs[0].skipped)" "$(day_at 3 03:30)/0" "day 3's occurrence"
[ "$(jget "$out" .jobs[0].result.tokens)" -ge 3 ] || fail "day 3 purged $(jget "$out" .jobs[0].result.tokens) tokens"
assert_eq "$(jget "$out" .jobs[0].result.codes)" 0 "the code is still valid at 03:30"
assert_eq "$(mine "$(day_at 3 03:00)" "$(day_at 3 03:30)")" 0 "tokens expired by 03:30 purged"
assert_eq "$(mine "$(day_at 3 03:31)" "$(day_at 3 04:00)")" 2 "later ones kept"
assert_eq "$(db_query "SELECT count(*) FROM enroll_code WHERE expires = $(day_at 3 12:00)")" 1 "the code kept"
out=$(purge_only "$(advance 86400)")
assert_eq "$(jget "$out" .jobs[0].due)/$(jget "$out" .jobs[0].skipped)" "$(day_at 4 03:30)/0" "day 4's occurrence"
assert_eq "$(jget "$out" .jobs[0].result.codes)" 1 "the expired code purged"
assert_eq "$(mine "$(day_at 3 03:31)" "$(day_at 3 04:00)")" 0 "the rest purged the next day"
assert_eq "$(db_query "SELECT count(*) FROM enroll_code WHERE expires < $(day_at 4 03:30)")" 0 "no expired code left"
assert_eq "$(db_query "SELECT count(*) FROM staff_token WHERE expires <= $(day_at 4 03:30)")" 0 "no expired token left"
out=$(purge_only "$(advance 86400)")
assert_eq "$(jget "$out" .jobs[0].due)/$(jget "$out" .jobs[0].result.tokens)/$(jget "$out" .jobs[0].result.codes)" \
	"$(day_at 5 03:30)/$(db_query "SELECT json_extract(result, '$.tokens') FROM job_run WHERE job = 'purge_expired' AND due = $(day_at 5 03:30)")/0" "day 5"
# An hour that passes no 03:30 runs nothing.
assert_eq "$(jget "$(purge_only "$(advance 3600)")" '.jobs|length')" 0 "no occurrence within the hour"
# Three days at once: caught up once.
out=$(purge_only "$(advance $((3 * 86400)))")
assert_eq "$(jget "$out" '.jobs|length')" 1 "three days at once: one run"
assert_eq "$(jget "$out" .jobs[0].due)/$(jget "$out" .jobs[0].skipped)" "$(day_at 8 03:30)/2" "the latest, two skipped"
assert_eq "$(runs)/$(audits)" 6/6 "one row and one audit row per occurrence"
assert_eq "$(db_query "SELECT group_concat(due, ' ') FROM (SELECT due FROM job_run WHERE job = 'purge_expired' ORDER BY rowid)")" \
	"$first $(day_at 2 03:30) $(day_at 3 03:30) $(day_at 4 03:30) $(day_at 5 03:30) $(day_at 8 03:30)" "run in order, each once"
assert_eq "$(db_query "SELECT count(DISTINCT due) FROM job_run WHERE job = 'purge_expired'")" 6 "no occurrence twice"
assert_eq "$(db_query "SELECT count(*) FROM job_run WHERE job = 'purge_expired' AND ok = 1 AND staff IS NULL AND finished >= started AND ms >= 0")" 6 "all by the schedule, all fine"

# ---- job.run: nothing is due, so one run now ----
now=$(test_clock)
out=$(call admin job.run '{"job":"purge_expired"}') || fail "job.run: $(cat "$ERRF")"
assert_eq "$(jget "$out" .ran)" true "job.run ran"
assert_eq "$(jget "$out" .run.due)/$(jget "$out" .run.staff)/$(jget "$out" .run.ok)" "$now/admin/true" "a run at the current time, by admin"
assert_eq "$(jget "$out" .run.result.codes)" 0 "its result"
assert_eq "$(db_query "SELECT staff FROM audit WHERE method = 'job.purge_expired' ORDER BY id DESC LIMIT 1")" admin "audited as admin's"
out=$(call admin job.run '{"job":"purge_expired"}') || fail "job.run again: $(cat "$ERRF")"
assert_eq "$(jget "$out" .ran)/$(jget "$out" .run.due)" "false/$now" "the same second: the run done answers"
assert_eq "$(runs)/$(audits)" 7/7 "job.run twice in a second ran once"

# ---- job.list ----
l=$(call help job.list) || fail "job.list by support: $(cat "$ERRF")"
assert_eq "$(/usr/bin/python3 -c 'import json, sys
print(" ".join(i["name"] + "=" + i["schedule"] for i in json.loads(sys.argv[1])["items"]))' "$l")" \
	"purge_expired=daily 03:30 purge_idem=daily 04:00 audit_head=daily 00:05" "the jobs"
assert_eq "$(jget "$l" .items[0].name)" purge_expired "its name"
assert_eq "$(jget "$l" .items[0].schedule)" "daily 03:30" "its schedule"
assert_eq "$(jget "$l" .items[0].last.due)" "$now" "the last run"
assert_eq "$(jget "$l" .items[0].last.staff)" admin "who ran it"
assert_eq "$(jget "$l" .items[0].next_due)" "$(day_at 9 03:30)" "next due: the next 03:30"
assert_eq "$(jget "$l" .scheduler)" here "this pawd runs the jobs"
assert_eq "$(jget "$l" .zone)" Asia/Shanghai "the business time zone"
assert_eq "$(jget "$l" .now)" "$now" "the server's time"
# A manual run does not hold back the next scheduled one.
out=$(purge_only "$(advance 86400)")
assert_eq "$(jget "$out" .jobs[0].due)" "$(day_at 9 03:30)" "day 9 after the manual run"

# ---- refused ----
before="$(runs)/$(audits)/$(test_clock)"
call_err admin job.run '{"job":"purge_everything"}' not_found job
call_err admin job.run '{"job":""}' invalid job
call_err admin job.run '{}' invalid job
call_err admin job.run '{"job":5}' bad_request job
call_err admin job.run '{"job":"purge_expired","now":1}' bad_request
call_err admin job.list '{"job":"purge_expired"}' bad_request
call_err clerk1 job.run '{"job":"purge_expired"}' forbidden
call_err help job.run '{"job":"purge_expired"}' forbidden
call_err clerk1 job.list '{}' forbidden
assert_eq "$(runs)/$(audits)/$(test_clock)" "$before" "refused calls wrote nothing"
# The methods are listed, writing ones as writing.
m=$(call admin system.methods)
assert_contains "$m" '"name": "job.run"' "job.run listed"
assert_contains "$m" '"name": "system.clock.advance"' "system.clock.advance listed"
echo ok

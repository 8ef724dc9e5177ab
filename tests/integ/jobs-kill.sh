# A job killed half-way (SIGKILL, in the middle of its transaction) has
# done nothing: no job_run row, no audit row, every token still there.
# Started again, pawd catches the occurrence up at once, once: one row,
# one audit row, the tokens purged.  500,000 expired tokens make the
# purge take long enough to be killed in.
. "$(dirname "$0")/../lib.sh"
# A clock move's answer with only the runs of purge_expired (other jobs,
# the idempotency purge and the audit head, run on their own times).
purge_only() { /usr/bin/python3 -c 'import json, sys
o = json.loads(sys.argv[1]); o["jobs"] = [j for j in o["jobs"] if j["job"] == "purge_expired"]
print(json.dumps(o))' "$1"; }
start_server --test-clock
runs() { db_query "SELECT count(*) FROM job_run WHERE job = 'purge_expired'"; }
audits() { db_query "SELECT count(*) FROM audit WHERE method = 'job.purge_expired'"; }
ran() { [ "$(runs)" -ge "$1" ]; }
wait_for 20 ran 1 || fail "the job did not run at start"
t0=$(test_clock)
db_write "WITH RECURSIVE n(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM n WHERE x < 500000)
    INSERT INTO staff_token (hash, staff, device, created, expires)
    SELECT randomblob(32), 'admin', 1, $t0, $t0 + 60 FROM n"
assert_eq "$(db_query "SELECT count(*) FROM staff_token WHERE created = $t0 AND expires = $t0 + 60")" 500000 "tokens to purge"

# Two days on: the purge starts; kill pawd as soon as it says so.
call admin system.clock.advance "{\"seconds\":$((2 * 86400))}" >/dev/null 2>&1 &
caller=$!
wait_for 30 log_has "job purge_expired: running the occurrence due" 2 || fail "the purge did not start"
kill -KILL "$PAWD_PID"
wait "$PAWD_PID" 2>/dev/null || true
PAWD_PID=
wait "$caller" 2>/dev/null || true
t1=$((t0 + 2 * 86400))
assert_eq "$(test_clock)" "$t1" "the clock was moved before the job ran"
assert_eq "$(runs)/$(audits)" 1/1 "the killed run left no row"
assert_eq "$(db_query "SELECT count(*) FROM staff_token WHERE created = $t0 AND expires = $t0 + 60")" 500000 "and purged nothing"
log_has "job purge_expired: done" 2 && fail "the purge finished before the kill: nothing was proved"

# Again: the occurrence is caught up at once, and once.
run_server --test-clock
wait_for 60 ran 2 || fail "the killed occurrence was not caught up"
due=$(db_query "SELECT max(due) FROM job_run WHERE job = 'purge_expired'")
[ "$due" -gt "$t0" ] && [ "$due" -le "$t1" ] || fail "the caught-up occurrence: $due"
assert_eq "$(db_query "SELECT count(*) FROM staff_token WHERE created = $t0 AND expires = $t0 + 60")" 0 "tokens purged"
[ "$(db_query "SELECT json_extract(result, '$.tokens') FROM job_run WHERE job = 'purge_expired' AND due = $due")" -ge 500000 ] || fail "the run's count"
assert_eq "$(runs)/$(audits)" 2/2 "one row and one audit row for it"
assert_eq "$(db_query "SELECT count(*) FROM job_run GROUP BY job, due HAVING count(*) > 1")" "" "no occurrence twice"
# The server carries on: nothing more is due.
out=$(call admin system.clock.advance '{"seconds":60}') && out=$(purge_only "$out") || fail "advance: $(cat "$ERRF")"
assert_eq "$(jget "$out" '.jobs|length')" 0 "nothing left due"
assert_eq "$(runs)" 2 "still two runs"
echo ok

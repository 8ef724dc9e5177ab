# Two pawd serve on one data directory: the first runs the jobs (it holds
# DIR/jobs.lock), the second serves but runs none, and says so in its log
# and in job.list; only the first moves the test clock.  A pawd serve
# --stdio (an SSH session) never runs jobs.  When the first stops, the
# second takes over; with none left, job.list over SSH says so.
. "$(dirname "$0")/../lib.sh"
# A clock move's answer with only the runs of purge_expired (other jobs,
# the idempotency purge and the audit head, run on their own times).
purge_only() { /usr/bin/python3 -c 'import json, sys
o = json.loads(sys.argv[1]); o["jobs"] = [j for j in o["jobs"] if j["job"] == "purge_expired"]
print(json.dumps(o))' "$1"; }
start_server --test-clock
PID2=
trap '[ -n "$PID2" ] && kill -TERM "$PID2" 2>/dev/null; wait $PID2 2>/dev/null; cleanup' EXIT
runs() { db_query "SELECT count(*) FROM job_run WHERE job = 'purge_expired'"; }
ran() { [ "$(runs)" -ge "$1" ]; }
wait_for 20 ran 1 || fail "the job did not run at start"
log_has "jobs: this pawd runs the jobs of $DATA" || fail "the first does not say it runs the jobs"

PORT2=$(free_port)
"$PAWD" serve "$DATA" --listen "127.0.0.1:$PORT2" --test-clock --log-level debug >"$T/pawd2.log" 2>&1 &
PID2=$!
wait_for 20 port_open "$PORT2" || { cat "$T/pawd2.log" >&2; fail "the second pawd did not start"; }
said() { grep -qF "$1" "$T/pawd2.log"; }
wait_for 10 said "another pawd serve runs the jobs of $DATA" || fail "the second does not say it runs no jobs"
call2() {	# METHOD [JSON]: through the second pawd
	PAW_PASSWORD=$ADMIN_PW errs_to "$ERRF" "$PAW" call --server "127.0.0.1:$PORT2" --user admin "$@"
}
assert_eq "$(jget "$(call admin job.list)" .scheduler)" here "the first runs the jobs"
assert_eq "$(jget "$(call2 job.list)" .scheduler)" elsewhere "the second knows another does"
if call2 system.clock.advance '{"seconds":86400}' >/dev/null; then fail "the second moved the clock"; fi
assert_eq "$(jget "$(cat "$ERRF")" .code)" forbidden "moving the clock through the second"
assert_contains "$(cat "$ERRF")" "does not run the jobs" "says why"
out=$(call admin system.clock.advance '{"seconds":86400}') && out=$(purge_only "$out") || fail "advance: $(cat "$ERRF")"
assert_eq "$(jget "$out" '.jobs|length')" 1 "the first runs the day's job"
assert_eq "$(runs)" 2 "once"
assert_eq "$(jget "$(call2 system.ping)" .time)" "$(test_clock)" "the second reads the same clock"
said "job purge_expired: running" && fail "the second ran a job"

# An SSH session: never the scheduler.
mk_fake_ssh
echo "ssh_command=$PAWD serve $DATA --stdio" >>"$PAW_HOME/paw.conf"
ssh_call() {
	PAW_SSH=$T/fake-ssh PAW_PASSWORD=$ADMIN_PW errs_to "$ERRF" "$PAW" call --ssh clerk@hq --user admin "$@"
}
assert_eq "$(jget "$(ssh_call job.list)" .scheduler)" elsewhere "over ssh: another pawd runs them"
grep -q "jobs:" "$DATA/pawd.log" && fail "pawd --stdio took part in running jobs"

# The first stops: the second takes over, and runs what falls due.
stop_server
wait_for 10 said "this one runs them now" || fail "the second did not take over"
assert_eq "$(jget "$(call2 job.list)" .scheduler)" here "the second runs the jobs now"
out=$(call2 system.clock.advance '{"seconds":86400}') && out=$(purge_only "$out") || fail "advance through the second: $(cat "$ERRF")"
assert_eq "$(jget "$out" '.jobs|length')" 1 "the second runs the day's job"
assert_eq "$(runs)" 3 "once"
kill -TERM "$PID2"; wait "$PID2" || fail "the second pawd did not stop cleanly"
PID2=
if grep -qE 'ERROR: (Address|Leak)Sanitizer|runtime error:' "$T/pawd2.log"; then cat "$T/pawd2.log" >&2; fail "sanitizer report from the second pawd"; fi

# None runs the jobs: job.list over ssh says so.
assert_eq "$(jget "$(ssh_call job.list)" .scheduler)" none "no pawd serve runs the jobs"
echo ok

# The test clock: off without --test-clock (system.clock.* forbidden,
# system.version says so); with it, kept in DIR/test-clock (0600), moved by
# hq_admin only, forward only, at most ten years a step, with clear errors
# naming the field and nothing written for a refused move; it survives a
# restart, a pawd serve without --test-clock refuses the directory, and
# every other pawd on it (pawd enroll, pawd serve --stdio over ssh) reads
# the same time: an enrollment code expires by it.
. "$(dirname "$0")/../lib.sh"
start_server
mkstaff clerk1 clerk HQ clerk-pw-1
mkstaff help support HQ support-pw-1

# ---- off ----
assert_eq "$(jget "$(call admin system.version)" .test_clock)" false "version: no test clock"
call_err admin system.clock.set '{"now":4000000000}' forbidden
call_err admin system.clock.advance '{"seconds":60}' forbidden
assert_contains "$(cat "$ERRF")" "--test-clock" "says how to turn it on"
# Params are checked first, by the method's declaration.
call_err admin system.clock.advance '{"seconds":-60}' invalid seconds
[ ! -e "$DATA/test-clock" ] || fail "a test clock file without --test-clock"

# ---- on ----
restart_server --test-clock
[ -f "$DATA/test-clock" ] || fail "no $DATA/test-clock"
assert_eq "$(stat -c %a "$DATA/test-clock")" 600 "test-clock mode"
assert_eq "$(jget "$(call admin system.version)" .test_clock)" true "version: test clock"
t0=$(test_clock)
[ $((t0 - $(date +%s))) -le 0 ] && [ $(($(date +%s) - t0)) -lt 600 ] || fail "starts at the system time: $t0"
assert_eq "$(jget "$(call admin system.ping)" .time)" "$t0" "it stands still"

t1=$((t0 + 86400 * 400))
out=$(call admin system.clock.set "{\"now\":$t1}") || fail "set: $(cat "$ERRF")"
assert_eq "$(jget "$out" .now)" "$t1" "set answers the new time"
assert_eq "$(test_clock)" "$t1" "kept in the file"
assert_eq "$(jget "$(call admin system.ping)" .time)" "$t1" "ping follows"
out=$(call admin system.clock.set "{\"now\":$t1}") || fail "set to the same time: $(cat "$ERRF")"
out=$(call admin system.clock.advance '{"seconds":3600}') || fail "advance: $(cat "$ERRF")"
t2=$((t1 + 3600))
assert_eq "$(jget "$out" .now)" "$t2" "advance answers the new time"
assert_eq "$(jget "$(call admin session.whoami)" .staff)" admin "a login at the new time"
assert_eq "$(db_query "SELECT count(*) FROM audit WHERE method = 'session.login' AND at = $t2")" 1 "audit times by the test clock"
assert_eq "$(db_query "SELECT before || ' ' || after FROM audit WHERE method = 'system.clock.advance'")" \
	"{\"now\":$t1} {\"now\":$t2}" "a move is audited"
assert_eq "$(db_query "SELECT staff FROM audit WHERE method = 'system.clock.advance'")" admin "by whom"

# Refused moves: the error names the field; neither the clock nor the
# database change.
snapshot() { echo "$(test_clock)/$(db_query "SELECT count(*) FROM audit WHERE method LIKE 'system.clock.%' OR method LIKE 'job.%'")/$(db_query "SELECT count(*) FROM job_run")"; }
before=$(snapshot)
call_err admin system.clock.set "{\"now\":$((t2 - 1))}" invalid now
assert_contains "$(cat "$ERRF")" "only moves forward" "earlier said"
call_err admin system.clock.set '{"now":0}' invalid now
call_err admin system.clock.set '{"now":-5}' invalid now
call_err admin system.clock.set "{\"now\":$((t2 + 10 * 366 * 86400 + 1))}" invalid now
call_err admin system.clock.set '{"now":"1800000000"}' bad_request now
call_err admin system.clock.set '{"now":1800000000.5}' bad_request now
call_err admin system.clock.set '{}' invalid now
call_err admin system.clock.set "{\"now\":$((t2 + 60)),\"tz\":\"UTC\"}" bad_request
call_err admin system.clock.advance '{"seconds":-60}' invalid seconds
call_err admin system.clock.advance '{"seconds":0}' invalid seconds
call_err admin system.clock.advance "{\"seconds\":$((10 * 366 * 86400 + 1))}" invalid seconds
call_err admin system.clock.advance '{"seconds":"60"}' bad_request seconds
call_err admin system.clock.advance '{}' invalid seconds
call_err admin system.clock.advance '{"seconds":60,"days":1}' bad_request
call_err clerk1 system.clock.advance '{"seconds":60}' forbidden
call_err clerk1 system.clock.set "{\"now\":$((t2 + 60))}" forbidden
call_err help system.clock.advance '{"seconds":60}' forbidden
assert_eq "$(snapshot)" "$before" "refused moves wrote nothing"

# ---- a restart keeps it; pawd serve without --test-clock refuses ----
stop_server
rc=0; errs_to "$T/refused" "$PAWD" serve "$DATA" --listen "127.0.0.1:$PORT" || rc=$?
assert_eq "$rc" 1 "serve without --test-clock on a test-clock directory"
assert_contains "$(cat "$T/refused")" "test-clock exists" "refusal says why"
assert_contains "$(cat "$T/refused")" "--test-clock" "and how to go on"
assert_eq "$(test_clock)" "$t2" "the refusal left the clock alone"
run_server --test-clock
assert_eq "$(jget "$(call admin system.ping)" .time)" "$t2" "the clock survives a restart"

# ---- pawd enroll reads it: its code expires by the test clock ----
code=$(errs_to "$T/enroll.err" "$PAWD" enroll "$DATA" --branch HQ) || fail "pawd enroll"
assert_contains "$(cat "$T/enroll.err")" "test clock, at $t2" "pawd enroll says it runs on the test clock"
assert_eq "$(db_query "SELECT created || ' ' || expires FROM enroll_code ORDER BY id DESC LIMIT 1")" \
	"$t2 $((t2 + 86400))" "the code's times are the test clock's"
call admin system.clock.advance "{\"seconds\":$((25 * 3600))}" >/dev/null || fail "advance 25 h: $(cat "$ERRF")"
rc=0; PAW_HOME=$T/home2 errs_to "$T/e1" "$PAW" enroll "127.0.0.1:$PORT" "$code" || rc=$?
[ "$rc" -ne 0 ] || fail "an enrollment code 25 hours old was accepted"
assert_contains "$(cat "$T/e1")" "unknown or expired" "expired code said"
code=$(errs_to "$T/enroll.err" "$PAWD" enroll "$DATA" --branch HQ) || fail "pawd enroll"
PAW_HOME=$T/home2 "$PAW" enroll "127.0.0.1:$PORT" "$code" >/dev/null || fail "a fresh code enrolls"
key=$(/usr/bin/python3 -c 'import os; print(os.urandom(32).hex())')
errs_to "$T/add.err" "$PAWD" device add "$DATA" --branch HQ --pubkey "$key" >/dev/null || fail "device add"
assert_eq "$(db_query "SELECT created FROM device ORDER BY id DESC LIMIT 1")" "$(test_clock)" "pawd device add reads it"

# ---- pawd serve --stdio (over ssh) reads it, and cannot move it ----
mk_fake_ssh
echo "ssh_command=$PAWD serve $DATA --stdio" >>"$PAW_HOME/paw.conf"
ssh_call() {	# METHOD [JSON]
	PAW_SSH=$T/fake-ssh PAW_PASSWORD=$ADMIN_PW errs_to "$ERRF" "$PAW" call \
	    --ssh clerk@hq --user admin "$@"
}
t3=$(test_clock)
out=$(ssh_call system.ping) || fail "ssh ping: $(cat "$ERRF")"
assert_eq "$(jget "$out" .time)" "$t3" "an ssh session sees the test clock"
assert_eq "$(jget "$(ssh_call system.version)" .test_clock)" true "and says so"
assert_eq "$(db_query "SELECT max(at) FROM audit WHERE method = 'session.login'")" "$t3" "its login audited at the test time"
if ssh_call system.clock.advance '{"seconds":60}' >/dev/null; then fail "an ssh session moved the clock"; fi
assert_eq "$(jget "$(cat "$ERRF")" .code)" forbidden "moving the clock over ssh"
# A move through the server is seen by the next ssh session at once.
call admin system.clock.advance '{"seconds":120}' >/dev/null || fail "advance: $(cat "$ERRF")"
assert_eq "$(jget "$(ssh_call system.ping)" .time)" "$((t3 + 120))" "ssh sees the move"
grep -q "test clock" "$DATA/pawd.log" || fail "the stdio pawd logs that it runs on the test clock"
echo ok

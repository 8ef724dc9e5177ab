# Login, whoami, logout, wrong passwords, lockout after five failures,
# an unknown staff id refused as slowly as a wrong password, and the
# pre-login wall.
. "$(dirname "$0")/../lib.sh"
start_server
# The dummy hash for unknown ids is made at startup, off the loop, so the
# first unknown id is refused no slower than the others.
wait_for 10 log_has "login dummy hash ready" || fail "dummy hash not made at startup"

out=$(call_anon system.ping)
assert_eq "$(jget "$out" .pong)" true "ping answers without login"
call_anon member.search '{"q":"x"}' && fail "search without login must fail"
assert_eq "$(jget "$(cat "$ERRF")" .code)" unauthenticated "search needs login"

out=$(call admin session.whoami)
assert_eq "$(jget "$out" .staff)" admin "whoami staff"
assert_eq "$(jget "$out" .role)" hq_admin "whoami role"
assert_eq "$(jget "$out" .device_branch)" HQ "device branch"
# paw call --user logged in and out: the trail names who did both.
assert_eq "$(db_query "SELECT group_concat(method || ' ' || staff || ' ' || entity_id, ', ') FROM audit WHERE method LIKE 'session.%'")" \
	"session.login admin admin, session.logout admin admin" "login and logout audited with the staff"
# A token resumes the session on the same device, audited like a login.
out=$(call_anon session.login "{\"staff\":\"admin\",\"password\":\"$ADMIN_PW\"}")
out=$(call_anon session.resume "{\"token\":\"$(jget "$out" .token)\"}")
assert_eq "$(jget "$out" .staff)" admin "resumed"
assert_eq "$(db_query "SELECT staff || ' ' || entity || ' ' || entity_id || ' ' || device || ' ' || json_extract(after, '$.resume') FROM audit WHERE method='session.resume'")" \
	"admin staff admin $(db_query "SELECT min(id) FROM device") 1" "resume audited"

mkstaff clerk1 clerk HQ 246810
STAFF_PW[clerk1]=wrong-one
for i in 1 2 3 4; do
	call_err clerk1 session.whoami '{}' unauthenticated password
	wrong_pw=$(cat "$ERRF")
done
call_err clerk1 session.whoami '{}' locked
# Even the right password is refused while locked.
STAFF_PW[clerk1]=246810
call_err clerk1 session.whoami '{}' locked
assert_eq "$(db_query "SELECT locked_until > $(date +%s) FROM staff WHERE id='clerk1'")" 1 "locked in the database"
# Every failed login is audited, with the device; the lock and the refusals
# while locked say so.
assert_eq "$(db_query "SELECT count(*) FROM audit WHERE method='session.login' AND entity_id='clerk1' AND after LIKE '%\"login\":false,\"device\":_%'")" 6 "every failure audited"
assert_eq "$(db_query "SELECT count(*) FROM audit WHERE method='session.login' AND entity_id='clerk1' AND after LIKE '%\"locked\":true%'")" 2 "lockout audited"
# An admin resetting the password unlocks.
call admin staff.set_password '{"id":"clerk1","password":"135790"}' >/dev/null
STAFF_PW[clerk1]=135790
out=$(call clerk1 session.whoami)
assert_eq "$(jget "$out" .role)" clerk "unlocked after reset"

# Unknown staff: the same refusal word for word (code, message, fields: no
# count of attempts left tells a real id), and it takes as long as a wrong
# password, the first time too (the dummy hash is made at startup).
STAFF_PW[nobody]=whatever-pass
t0=$(date +%s%N); call_err nobody session.whoami '{}' unauthenticated password; t1=$(date +%s%N)
assert_eq "$(cat "$ERRF")" "$wrong_pw" "unknown id refused like a wrong password"
STAFF_PW[clerk1]=bad-password
call_err clerk1 session.whoami '{}' unauthenticated password; t2=$(date +%s%N)
assert_eq "$(cat "$ERRF")" "$wrong_pw" "wrong password refused the same"
unknown=$(( (t1 - t0) / 1000000 )) wrong=$(( (t2 - t1) / 1000000 ))
echo "unknown staff refused in ${unknown} ms, wrong password in ${wrong} ms"
[ $unknown -gt $(( wrong / 3 )) ] || fail "unknown staff refused too fast ($unknown ms vs $wrong ms)"

# Bad params are refused by the table before the handler.
call_anon session.login '{"staff":1,"password":"x"}' && fail "typed params"
assert_eq "$(jget "$(cat "$ERRF")" .code)" bad_request "number for a string"
call_anon session.login '{"staff":"admin"}' && fail "missing password"
assert_eq "$(jget "$(cat "$ERRF")" .field)" password "missing field named"
call_anon session.login '{"staff":"admin","password":"admin-pass-1","extra":1}' && fail "unknown param"
assert_eq "$(jget "$(cat "$ERRF")" .code)" bad_request "unknown param refused"
call_anon system.nope && fail "unknown method"
assert_eq "$(jget "$(cat "$ERRF")" .code)" no_method "unknown method code"
errs_to "$ERRF" "$PAW" call system.ping '{not json' && fail "bad JSON accepted"

# Disabled staff cannot log in.
STAFF_PW[clerk1]=135790
call admin staff.disable '{"id":"clerk1"}' >/dev/null
call_err clerk1 session.whoami '{}' unauthenticated
echo ok
# An id that does not exist is audited as tried, the same way.
if call_anon session.login '{"staff":"no.such.one","password":"guess-guess"}' >/dev/null; then fail "unknown id logged in"; fi
assert_eq "$(db_query "SELECT count(*) FROM audit WHERE method='session.login' AND entity_id='no.such.one' AND after LIKE '%\"login\":false%'")" 1 "an unknown id tried, audited"

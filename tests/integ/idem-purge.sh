# The answers of writes sent with a request_id are kept 7 days, then the
# daily job purge_idem forgets them (on the test clock): within the week a
# retry gets the stored answer; after it, the same id is a new call.
. "$(dirname "$0")/../lib.sh"
start_server --test-clock
mkstaff clerk1 clerk HQ clerk-pw-1
rid=0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f
req="{\"name\":\"周\",\"phone\":\"13600000009\",\"request_id\":\"$rid\"}"
first=$(call clerk1 member.create "$req") || fail "create: $(cat "$ERRF")"
assert_eq "$(db_query "SELECT count(*) FROM idem")" 1 "stored"
call admin system.clock.advance "{\"seconds\":$((6 * 86400))}" >/dev/null || fail "advance: $(cat "$ERRF")"
assert_eq "$(call clerk1 member.create "$req")" "$first" "six days on: the stored answer"
assert_eq "$(db_query "SELECT count(*) FROM member")" 1 "no second member"
call admin system.clock.advance "{\"seconds\":$((2 * 86400))}" >/dev/null || fail "advance: $(cat "$ERRF")"
assert_eq "$(db_query "SELECT count(*) FROM idem")" 0 "purged after 7 days"
assert_contains "$(db_query "SELECT result FROM job_run WHERE job = 'purge_idem' ORDER BY due DESC LIMIT 1")" \
	'"records":1' "the job says what it purged"
# The same id is now a new call: refused by the domain, the phone is taken.
call_err clerk1 member.create "$req" conflict phone

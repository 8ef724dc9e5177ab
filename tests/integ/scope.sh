# Scope: a manager works for their own (home) branch, an HQ admin and
# support for the whole chain.  One check serves the branch parameters
# (the gatekeeper) and the branch of an entity loaded by the handler (a
# device); the refusal is forbidden, naming the field, the same everywhere.
. "$(dirname "$0")/../lib.sh"
start_server
call admin branch.create '{"code":"SH01","name":"上海一店"}' >/dev/null
mkstaff mgr.sh manager SH01 mgr-sh-pass-1
mkstaff help support HQ support-pw-1
mkstaff clerk.sh clerk SH01 clerk-sh-pass-1
hq_dev=$(db_query "SELECT min(id) FROM device")
"$PAWD" device add "$DATA" --branch SH01 --pubkey "$(printf 'cd%.0s' {1..32})" >/dev/null 2>>"$T/pawd.log"
sh_dev=$(db_query "SELECT max(id) FROM device")
snap() { db_query "SELECT (SELECT count(*) FROM staff) || '/' || (SELECT count(*) FROM device WHERE revoked IS NOT NULL) || '/' || (SELECT count(*) FROM audit WHERE method NOT LIKE 'session.%')"; }

# Branch parameters.
s0=$(snap)
call_err mgr.sh staff.list '{"branch":"HQ"}' forbidden branch
call_err mgr.sh device.list '{"branch":"HQ"}' forbidden branch
call_err mgr.sh staff.create '{"id":"x.hq","name":"x","role":"clerk","branch":"HQ","password":"xxxx-pass-1"}' forbidden branch
call_err mgr.sh staff.update '{"id":"clerk.sh","branch":"HQ"}' forbidden branch
# Entities whose branch is only in the database.
call_err mgr.sh device.revoke "{\"id\":$hq_dev}" forbidden id
call_err mgr.sh staff.disable '{"id":"help"}' forbidden id
call_err mgr.sh staff.set_password '{"id":"admin","password":"new-pass-99"}' forbidden id
assert_eq "$(snap)" "$s0" "refused: nothing written"
# Within the scope.
out=$(call mgr.sh staff.list '{}')
assert_eq "$(jget "$out" '.items|length')" 2 "a manager's list is their branch"
assert_eq "$(jget "$(call mgr.sh staff.list '{"branch":"SH01"}')" '.items|length')" 2 "their branch named"
assert_eq "$(jget "$(call admin staff.list '{"branch":"SH01"}')" '.items|length')" 2 "HQ sees any branch"
assert_eq "$(jget "$(call help device.list '{"branch":"SH01"}')" '.items|length')" 1 "support sees any branch"
call mgr.sh device.revoke "{\"id\":$sh_dev}" >/dev/null || fail "own device: $(cat "$ERRF")"
assert_eq "$(db_query "SELECT branch || '/' || staff_branch FROM audit WHERE method = 'device.revoke'")" "HQ/SH01" \
	"done at an HQ device by a manager of SH01: both branches in the row"

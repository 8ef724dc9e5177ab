# Staff, branches, devices and the audit trail; permissions by role.
. "$(dirname "$0")/../lib.sh"
start_server

out=$(call admin branch.create '{"code":"SH01","name":"上海徐汇店","address":"漕溪北路88号"}')
assert_eq "$(jget "$out" .name)" "上海徐汇店" "branch created"
call_err admin branch.create '{"code":"SH01","name":"again"}' conflict code
call_err admin branch.create '{"code":"bad code","name":"x"}' invalid code
out=$(call admin branch.list)
assert_eq "$(jget "$out" '.items|length')" 2 "two branches"

mkstaff sh.mgr manager SH01 manager-pw-1
mkstaff sh.clerk clerk SH01 112233
mkstaff hq.clerk clerk HQ 445566
mkstaff help support HQ support-pw-1
call_err admin staff.create '{"id":"sh.clerk","name":"x","role":"clerk","branch":"SH01","password":"998877"}' conflict id
call_err admin staff.create '{"id":"x1","name":"x","role":"boss","branch":"SH01","password":"998877"}' invalid role
call_err admin staff.create '{"id":"x1","name":"x","role":"clerk","branch":"SH01","password":"123"}' invalid password
call_err admin staff.create '{"id":"X Y","name":"x","role":"clerk","branch":"SH01","password":"123456"}' invalid id
call_err admin staff.create '{"id":"x1","name":"x","role":"clerk","branch":"NOPE","password":"123456"}' invalid branch
before=$(db_query "SELECT count(*) FROM staff")

# A manager: clerks of their own branch only.
out=$(call sh.mgr staff.create '{"id":"sh.clerk2","name":"新店员","role":"clerk","password":"555666"}')
assert_eq "$(jget "$out" .branch)" SH01 "manager's clerk lands in SH01"
call_err sh.mgr staff.create '{"id":"x2","name":"x","role":"manager","branch":"SH01","password":"555666"}' forbidden
call_err sh.mgr staff.create '{"id":"x3","name":"x","role":"clerk","branch":"HQ","password":"555666"}' forbidden
out=$(call sh.mgr staff.list)
assert_eq "$(jget "$out" '.items|length')" 3 "manager sees own branch staff"
call_err sh.mgr staff.disable '{"id":"hq.clerk"}' forbidden
call_err sh.mgr branch.create '{"code":"BJ01","name":"x"}' forbidden
# Clerks and support cannot manage staff.
call_err sh.clerk staff.create '{"id":"x4","name":"x","role":"clerk","password":"555666"}' forbidden
call_err help staff.disable '{"id":"sh.clerk"}' forbidden
out=$(call help audit.list '{"entity":"staff","limit":5}')
[ "$(jget "$out" '.items|length')" -ge 1 ] || fail "support reads the audit trail"
call_err sh.clerk audit.list '{}' forbidden
assert_eq "$(db_query "SELECT count(*) FROM staff")" $((before + 1)) "refused calls wrote nothing"

# Own password change needs the old one.
call_err sh.clerk staff.set_password '{"id":"sh.clerk","password":"778899"}' invalid old_password
call_err sh.clerk staff.set_password '{"id":"sh.clerk","password":"778899","old_password":"000000"}' unauthenticated old_password
call sh.clerk staff.set_password '{"id":"sh.clerk","password":"778899","old_password":"112233"}' >/dev/null
STAFF_PW[sh.clerk]=778899
call sh.clerk session.whoami >/dev/null || fail "new password works"

# Update and audit before/after.
out=$(call admin staff.update '{"id":"sh.clerk","name":"王小明"}')
assert_eq "$(jget "$out" .name)" "王小明" "renamed"
row=$(db_query "SELECT before || ' -> ' || after FROM audit WHERE method='staff.update' ORDER BY id DESC LIMIT 1")
assert_contains "$row" '"name":"sh.clerk"' "audit before"
assert_contains "$row" '"name":"王小明"' "audit after"
assert_eq "$(db_query "SELECT staff || '|' || branch FROM audit WHERE method='staff.update'")" "admin|HQ" "audit actor"

# Devices.
out=$(call admin device.list)
assert_eq "$(jget "$out" '.items|length')" 1 "one device"
call_err sh.mgr device.revoke '{"id":1}' forbidden
call_err admin device.revoke '{"id":99}' not_found id
call_err admin device.revoke '{"id":"1"}' bad_request id

# system.methods lists the table with roles and params.
out=$(call_anon system.methods)
assert_contains "$out" '"member.search"' "methods list"
login=$(/usr/bin/python3 -c 'import json,sys
for m in json.loads(sys.argv[1])["methods"]:
    if m["name"] == "session.login": print(json.dumps(m, sort_keys=True))' "$out")
assert_eq "$login" '{"approval": false, "login": false, "money": false, "name": "session.login", "params": [{"max": 63, "min": 1, "name": "staff", "required": true, "type": "str"}, {"max": 128, "min": 1, "name": "password", "required": true, "secret": true, "type": "str"}], "read": false, "roles": ["clerk", "manager", "hq_admin", "support"], "write": true}' "session.login in the table"
search=$(/usr/bin/python3 -c 'import json,sys
for m in json.loads(sys.argv[1])["methods"]:
    if m["name"] == "member.search": print(json.dumps([p["name"] for p in m["params"] if not p["required"]]))' "$out")
assert_eq "$search" '["q", "limit", "offset", "include_archived"]' "member.search params"
echo ok

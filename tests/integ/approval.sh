# Approvals: member.archive needs a manager.  A clerk's call carries the
# approver and their password (a manager typing a PIN at the clerk's
# till); a manager of the device's branch or an HQ admin approves, from
# their own session too.  Order: role, approval, idempotency.  A wrong
# password counts towards the approver's lockout; the password never
# reaches the audit trail, the idempotency store or the log.  The audit
# row names the clerk and the approver.
. "$(dirname "$0")/../lib.sh"
start_server
call admin branch.create '{"code":"SH01","name":"上海一店"}' >/dev/null
mkstaff clerk1 clerk HQ clerk-pw-1
mkstaff mgr.hq manager HQ mgr-hq-pin-7
mkstaff mgr.sh manager SH01 mgr-sh-pin-7
mkstaff help support HQ support-pw-1
STAFF_PW[mgr.hq]=mgr-hq-pin-7
member() { jget "$(call clerk1 member.create "{\"name\":\"$1\",\"phone\":\"$2\"}")" .id; }
m1=$(member 甲 13700000001); m2=$(member 乙 13700000002); m3=$(member 丙 13700000003)
archived() { db_query "SELECT archived IS NOT NULL FROM member WHERE id = $1"; }
by() { printf '"approver":"%s","approver_password":"%s"' "$1" "$2"; }
snap() { db_query "SELECT (SELECT count(*) FROM audit) || '/' || (SELECT count(*) FROM member WHERE archived IS NOT NULL) || '/' || (SELECT count(*) FROM idem)"; }

# Without an approver the clerk is told a manager is needed; nothing written.
s0=$(snap)
call_err clerk1 member.archive "{\"id\":$m1}" approval_required approver
call_err clerk1 member.archive "{\"id\":$m1,\"approver\":\"mgr.hq\"}" approval_required approver
# Role comes first: support may not, approver or not.
call_err help member.archive "{\"id\":$m1,$(by mgr.hq mgr-hq-pin-7)}" forbidden
# A manager of another branch, a clerk, an unknown id: refused.
call_err clerk1 member.archive "{\"id\":$m1,$(by mgr.sh mgr-sh-pin-7)}" forbidden approver
call_err clerk1 member.archive "{\"id\":$m1,$(by clerk1 clerk-pw-1)}" forbidden approver
call_err clerk1 member.archive "{\"id\":$m1,$(by nobody whatever-1)}" unauthenticated approver_password
# Bad params of the approval itself.
call_err clerk1 member.archive "{\"id\":$m1,\"approver\":7,\"approver_password\":\"x\"}" bad_request approver
assert_eq "$(archived "$m1")" 0 "not archived"
assert_eq "$(snap | cut -d/ -f2-)" "$(printf '%s' "$s0" | cut -d/ -f2-)" "nothing archived, nothing stored"

# The branch's manager approves at the clerk's till.
rid=00112233445566778899aabbccddeeff
a=$(call clerk1 member.archive "{\"id\":$m1,\"reason\":\"搬家\",\"request_id\":\"$rid\",$(by mgr.hq mgr-hq-pin-7)}")
assert_eq "$(jget "$a" .archived)" true "archived with approval"
assert_eq "$(db_query "SELECT staff || '|' || approver FROM audit WHERE method = 'member.archive'")" \
	"clerk1|mgr.hq" "the audit row names the clerk and the approver"
# A retry with the same id answers the same, whatever password it carries:
# the password is not part of the request's digest.
b=$(call clerk1 member.archive "{\"id\":$m1,\"reason\":\"搬家\",\"request_id\":\"$rid\",$(by mgr.hq mgr-hq-pin-7)}")
assert_eq "$b" "$a" "the stored answer"
assert_eq "$(db_query "SELECT count(*) FROM audit WHERE method = 'member.archive'")" 1 "one effect"

# A manager's own session and an HQ admin's need no one else.
call mgr.hq member.archive "{\"id\":$m2}" >/dev/null || fail "manager: $(cat "$ERRF")"
assert_eq "$(db_query "SELECT approver FROM audit WHERE method = 'member.archive' AND staff = 'mgr.hq'")" mgr.hq "self-approved"

# Wrong passwords count towards the approver's lockout, like logins.
for i in 1 2 3 4; do
	call_err clerk1 member.archive "{\"id\":$m3,$(by mgr.hq wrong-pin-$i)}" unauthenticated approver_password
done
assert_eq "$(db_query "SELECT failed FROM staff WHERE id = 'mgr.hq'")" 4 "four failures counted"
call_err clerk1 member.archive "{\"id\":$m3,$(by mgr.hq wrong-pin-5)}" locked approver
call_err clerk1 member.archive "{\"id\":$m3,$(by mgr.hq mgr-hq-pin-7)}" locked approver
call_err mgr.hq session.whoami '{}' locked
assert_eq "$(archived "$m3")" 0 "never archived"
assert_contains "$(db_query "SELECT after FROM audit WHERE method = 'member.archive' AND entity = 'staff' ORDER BY id DESC LIMIT 1")" \
	'"locked":true' "the lock is audited"

# The approver's password is nowhere.
for pw in mgr-hq-pin-7 wrong-pin-3 mgr-sh-pin-7; do
	[ "$(db_query "SELECT count(*) FROM audit WHERE coalesce(before,'') || coalesce(after,'') LIKE '%$pw%'")" = 0 ] \
		|| fail "$pw in the audit trail"
	[ "$(db_query "SELECT count(*) FROM idem WHERE instr(result, CAST('$pw' AS BLOB)) > 0")" = 0 ] \
		|| fail "$pw in the idempotency store"
	! grep -qF -- "$pw" "$T/pawd.log" || fail "$pw in the log"
done
# system.methods says archiving needs approval and takes the two params.
m=$(/usr/bin/python3 -c 'import json,sys
m = [m for m in json.loads(sys.argv[1])["methods"] if m["name"] == "member.archive"][0]
print(m["approval"], " ".join(p["name"] for p in m["params"]))' "$(call_anon system.methods)")
assert_eq "$m" "True id reason request_id approver approver_password" "declared"

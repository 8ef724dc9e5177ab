# The audit trail: every write method writes exactly one row, by the
# gatekeeper, in the write's transaction (the table below must cover every
# write method system.methods lists); rows name the device's branch and
# the staff member's own; the rows are a chain that `pawd check` verifies,
# reporting the first row that does not fit after a row is edited or
# deleted; a data directory made by the previous release (0.1.0) is
# upgraded, its earlier rows chained by the migration's C step.
. "$(dirname "$0")/../lib.sh"

# ---- upgrade from a copy made by release 0.1.0 ----
mkdir -p "$DATA"
cp "$TOP/tests/fixtures/v0.1.0/paw.db" "$TOP/tests/fixtures/v0.1.0/server.key" "$DATA/"
chmod 700 "$DATA"
out=$("$PAWD" check "$DATA" 2>>"$T/pawd.log") || fail "check after upgrade: $out"
assert_contains "$out" "database: ok" "integrity"
assert_contains "$out" "audit chain: 21 rows, all fit" "earlier rows chained"
assert_eq "$(db_query "SELECT count(*) FROM schema_migration")" \
	"$(ls "$TOP"/schema/*.sql | wc -l)" "every migration recorded"
PORT=$(free_port)
run_server
code=$(errs_to "$T/enroll.err" "$PAWD" enroll "$DATA" --branch HQ)
"$PAW" enroll "127.0.0.1:$PORT" "$code" >/dev/null || fail "enroll on the upgraded data"
STAFF_PW[clerk1]=clerk-pw-1
s=$(call clerk1 member.search '{"q":"张伟"}')
assert_eq "$(jget "$s" .items[0].pets)" "旺财" "members and pets kept"
assert_eq "$(jget "$(call clerk1 member.search '{"q":"4567"}')" .total)" 1 "phones kept"

# ---- every write method writes one row ----
n_of() { db_query "SELECT count(*) FROM audit WHERE method = '$1'"; }
declare -A done=()
wrote() {	# METHOD BEFORE: exactly one more row of METHOD
	assert_eq "$(n_of "$1")" "$(($2 + 1))" "$1 wrote one audit row"
	done[$1]=1
}
w() {	# USER METHOD JSON: call it, it writes one row
	local b; b=$(n_of "$2")
	call "$1" "$2" "$3" >/dev/null || fail "$2: $(cat "$ERRF")"
	wrote "$2" "$b"
}
b=$(n_of session.login)
tok=$(jget "$(call_anon session.login '{"staff":"clerk1","password":"clerk-pw-1"}')" .token)
wrote session.login "$b"
b=$(n_of session.resume)
call_anon session.resume "{\"token\":\"$tok\"}" >/dev/null; wrote session.resume "$b"
b=$(n_of session.logout)
call admin session.whoami >/dev/null
[ "$(n_of session.logout)" -gt "$b" ] && done[session.logout]=1	# paw call logs out
[ "$(n_of device.register)" -gt 0 ] && done[device.register]=1	# paw enroll above
w admin branch.create '{"code":"SH01","name":"上海一店"}'
w admin branch.update '{"code":"SH01","phone":"021-5555"}'
w admin staff.create '{"id":"mgr.sh","name":"沈经理","role":"manager","branch":"SH01","password":"mgr-pass-1"}'
STAFF_PW[mgr.sh]=mgr-pass-1
w admin staff.update '{"id":"mgr.sh","name":"沈店长"}'
w admin staff.set_password '{"id":"mgr.sh","password":"mgr-pass-2"}'
STAFF_PW[mgr.sh]=mgr-pass-2
w mgr.sh staff.set_password '{"id":"mgr.sh","password":"mgr-pass-3","old_password":"mgr-pass-2"}'
STAFF_PW[mgr.sh]=mgr-pass-3
w mgr.sh staff.create '{"id":"clerk.sh","name":"施","role":"clerk","password":"clerk-sh-1"}'
w mgr.sh staff.disable '{"id":"clerk.sh"}'
m=$(jget "$(call clerk1 member.create '{"name":"陈晨","phone":"13900139000"}')" .id)
done[member.create]=1
w clerk1 member.update "{\"id\":$m,\"address\":\"上海市\"}"
pid=$(jget "$(call clerk1 pet.create "{\"member_id\":$m,\"name\":\"咪咪\",\"species\":\"cat\"}")" .id)
done[pet.create]=1
w clerk1 pet.update "{\"id\":$pid,\"weight_g\":4200}"
w clerk1 feedback.add "{\"member_id\":$m,\"kind\":\"bad\",\"text\":\"等太久\"}"
w admin member.archive "{\"id\":$m,\"reason\":\"moved away\"}"
dev=$(jget "$(call admin device.list '{}')" .items[0].id)
"$PAWD" device add "$DATA" --branch SH01 --pubkey "$(printf 'ab%.0s' {1..32})" >/dev/null 2>>"$T/pawd.log"
dev2=$(db_query "SELECT max(id) FROM device")
w admin device.revoke "{\"id\":$dev2}"
# Methods that write in transactions of their own: a job run's rows are
# its job's, a clock move's its own (on a server with a test clock).
b=$(n_of job.purge_expired)
call admin job.run '{"job":"purge_expired"}' >/dev/null || fail "job.run: $(cat "$ERRF")"
wrote job.purge_expired "$b"; done[job.run]=1
restart_server --test-clock
w admin system.clock.advance '{"seconds":60}'
w admin system.clock.set "{\"now\":$(( $(date +%s) + 3600 ))}"
# The table covers every write method the server has.
writes=$(/usr/bin/python3 -c 'import json,sys
print("\n".join(m["name"] for m in json.loads(sys.argv[1])["methods"] if m["write"]))' "$(call_anon system.methods)")
for mth in $writes; do
	[ -n "${done[$mth]:-}" ] || fail "write method $mth is not in the audit test"
done

# Rows name both branches: the device's (HQ) and the staff member's own.
row=$(db_query "SELECT branch || '|' || staff_branch FROM audit WHERE method = 'staff.create' AND staff = 'mgr.sh'")
assert_eq "$row" "HQ|SH01" "a manager of SH01 working at an HQ device"

# ---- the chain ----
stop_server
out=$("$PAWD" check "$DATA" 2>>"$T/pawd.log") || fail "check: $out"
total=$(db_query "SELECT count(*) FROM audit")
assert_contains "$out" "audit chain: $total rows, all fit" "every row fits"
head=$(printf '%s\n' "$out" | sed -n 's/^audit head: //p')
cp "$DATA/paw.db" "$T/good.db"
mid=$(db_query "SELECT id FROM audit WHERE method = 'member.update'")
sqlite3 "$DATA/paw.db" "UPDATE audit SET after = replace(after, '上海市', '北京市') WHERE id = $mid"
if out=$("$PAWD" check "$DATA" 2>>"$T/pawd.log"); then fail "an edited row passed: $out"; fi
assert_contains "$out" "row $mid does not fit" "the edited row is named"
cp "$T/good.db" "$DATA/paw.db"
sqlite3 "$DATA/paw.db" "DELETE FROM audit WHERE id = $mid"
if out=$("$PAWD" check "$DATA" 2>>"$T/pawd.log"); then fail "a deleted row passed: $out"; fi
assert_contains "$out" "row $((mid + 1)) does not fit" "the row after a deleted one"
# A row written with the digest of another key (no server.key) does not fit.
cp "$T/good.db" "$DATA/paw.db"
sqlite3 "$DATA/paw.db" "UPDATE audit SET digest = zeroblob(32) WHERE id = $total"
if out=$("$PAWD" check "$DATA" 2>>"$T/pawd.log"); then fail "a forged digest passed"; fi
assert_contains "$out" "row $total does not fit" "the last row"
cp "$T/good.db" "$DATA/paw.db"
out=$("$PAWD" check "$DATA" 2>>"$T/pawd.log") || fail "restored: $out"
assert_contains "$out" "audit head: $head" "the same head again"
# A row without its digest (an older pawd run on the upgraded data) does
# not stop the writes that follow; pawd check names it.
sqlite3 "$DATA/paw.db" "INSERT INTO audit (at, method) VALUES (0, 'by.an.older.pawd')"
odd=$(db_query "SELECT max(id) FROM audit")
"$PAWD" enroll "$DATA" --branch HQ >/dev/null 2>>"$T/pawd.log" || fail "a write after an unchained row"
assert_eq "$(db_query "SELECT max(id) FROM audit")" "$((odd + 1))" "the write's own row"
if out=$("$PAWD" check "$DATA" 2>>"$T/pawd.log"); then fail "an unchained row passed"; fi
assert_contains "$out" "row $odd does not fit" "the unchained row is named"

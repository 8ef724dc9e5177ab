# HQ changes the account of a staff member logged in at a till: the
# terminal says what happened in a sentence the clerk understands, shows
# the login screen, keeps the form that was open, and after logging in
# again the staff member is what HQ made them.  A change of name alone
# goes unnoticed.  English and Chinese, 80x24.
. "$(dirname "$0")/../lib.sh"
start_server
mkstaff boss manager HQ boss-pass-1

login_as() {	# STAFF PASSWORD [paw args...]
	local who=$1 pw=$2 word=Password; shift 2
	case "$*" in *zh_CN*) word=密码 ;; esac
	tui_start --user "$who" "$@"
	tui_wait "$word"
	tui_type "$pw"; tui_keys Enter
}

# Demoted while at the till, with a half-filled search.
login_as boss boss-pass-1
tui_wait "Find a member"
tui_type "138"
call admin staff.update '{"id":"boss","name":"Boss Two"}' >/dev/null || fail "rename: $(cat "$ERRF")"
sleep 1
case $(tui_screen) in *"log in again"*) fail "a change of name ended the session" ;; esac
call admin staff.update '{"id":"boss","role":"clerk"}' >/dev/null || fail "demote: $(cat "$ERRF")"
tui_wait "HQ changed your role: please log in again. Open forms are kept." 10
tui_wait "Password"
log_has "closed: role changed" || fail "the server did not close it for the role"
tui_type boss-pass-1; tui_keys Enter
wait_for 10 log_has "staff boss logged in" 2 || fail "no second login"
out=$(call admin audit.list '{"entity":"staff","entity_id":"boss","limit":20}')
assert_contains "$out" '"session.cut"' "the cut audited"
tui_stop
[ "$(db_query "SELECT role FROM staff WHERE id = 'boss'")" = clerk ] || fail "role"

# Moved to another branch, in Chinese.
call admin branch.create '{"code":"SH01","name":"Shanghai 1"}' >/dev/null || fail "branch"
login_as boss boss-pass-1 --lang zh_CN
tui_wait "查找会员"
call admin staff.update '{"id":"boss","branch":"SH01"}' >/dev/null || fail "move: $(cat "$ERRF")"
tui_wait "总部已将您调到其他门店：请重新登录。打开的表单会保留。" 10
tui_stop

# Password reset by HQ, then disabled.
login_as boss boss-pass-1
tui_wait "Find a member"
STAFF_PW[boss]=boss-pass-2
call admin staff.set_password '{"id":"boss","password":"boss-pass-2"}' >/dev/null || fail "reset: $(cat "$ERRF")"
tui_wait "Your password was changed: please log in again. Open forms are kept." 10
tui_type boss-pass-2; tui_keys Enter
tui_wait "Find a member"
call admin staff.disable '{"id":"boss"}' >/dev/null || fail "disable: $(cat "$ERRF")"
tui_wait "Your account has been disabled: ask your manager or HQ." 10
tui_stop

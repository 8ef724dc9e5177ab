# Long messages wrap instead of being cut: the lockout reason in the login
# box (English at 80 columns; Chinese in a 44-column terminal, broken
# between characters, never through one) and the help screen's footer.
. "$(dirname "$0")/../lib.sh"
start_server
mkstaff clerk1 clerk HQ 246810
mkstaff clerk2 clerk HQ 246811

# The text inside the login box (between its side borders), one line per row.
box_text() {
	tui_screen | /usr/bin/python3 -c '
import sys
for l in sys.stdin:
    l = l.rstrip("\n")
    if l.count("│") == 2:
        print(l[l.index("│") + 1:l.rindex("│")].strip())'
}
# TEXT is on screen, whatever the line breaks (spaces ignored).
shows_whole() {	# TEXT LINES
	local have; have=$(printf '%s' "$2" | tr -d ' \n')
	case $have in *"$(printf '%s' "$1" | tr -d ' ')"*) ;; *)
		printf '%s\n' "$2" >&2; fail "not shown whole: $1" ;; esac
}

failed_is() { [ "$(db_query "SELECT failed FROM staff WHERE id='$1'")" = "$2" ]; }
lock_out() {	# STAFF: five wrong passwords, each seen counted
	tui_type "$1"; tui_keys Enter
	for i in 1 2 3 4 5; do
		tui_type wrong-one; tui_keys Enter
		[ $i = 5 ] || wait_for 10 failed_is "$1" $i || fail "failure $i not counted"
	done
}

msg="Account locked after too many failed logins: try again in 15 minutes"
tui_start
tui_wait "Staff login"
tui_wait "online"
lock_out clerk1
tui_wait "15 minutes"
shows_whole "$msg" "$(box_text)"
# Two lines in the 54 columns of the box, broken at a space.
box_text | grep -qx "Account locked after too many failed logins: try again" ||
	{ box_text >&2; fail "first line"; }
box_text | grep -qx "in 15 minutes" || { box_text >&2; fail "second line"; }

# The help footer at 80 columns: wrapped under the keys, not cut.
tui_keys F1
tui_wait "Help: keys on this screen"
tui_wait "this help."
shows_whole "Typing in a field: Left/Right move, Backspace deletes, ^U clears. Esc closes this help." \
	"$(tui_screen | tail -4)"
tui_stop

# Chinese, in a 44-column terminal: the box is 40 columns wide.
zh="登录失败次数过多，账号已锁定：请 15 分钟后再试"
TUI_COLS=44 tui_start --lang zh_CN
tui_wait "员工登录"
tui_wait "在线"
lock_out clerk2
tui_wait "分钟后再试"
shows_whole "$zh" "$(box_text)"
[ "$(box_text | grep -c .)" -ge 4 ] || fail "the reason is not on two lines"
# Every row still fits the terminal: nothing split, nothing pushed out.
tui_screen | while IFS= read -r l; do
	w=$(/usr/bin/python3 -c 'import sys,unicodedata; print(sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in sys.argv[1]))' "$l")
	[ "$w" -le 44 ] || fail "line wider than 44: $l"
done
tui_keys F1
tui_wait "帮助：本页面的按键"
shows_whole "输入时：左右键移动光标，退格键删除，^U 清空。按 Esc 关闭帮助。" \
	"$(tui_screen | tail -4)"
tui_stop

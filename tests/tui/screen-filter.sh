# Typing narrows the staff and device lists of the HQ admin (id, name,
# branch, role; device name, branch), with the filter shown, Backspace and
# ^U to clear, and actions on the row as filtered; the key bar and F1 help
# say what the keys do there (no "?" for help where typing is text).  Both
# languages.
. "$(dirname "$0")/../lib.sh"
start_server
call admin branch.create '{"code":"SH01","name":"上海徐汇店"}' >/dev/null || fail "branch: $(cat "$ERRF")"
mkstaff boss manager HQ boss-pass-1
call admin staff.create '{"id":"zhang.wei","name":"张伟","role":"clerk","branch":"HQ","password":"135790"}' >/dev/null
call admin staff.create '{"id":"sh.clerk","name":"Amy Chen","role":"clerk","branch":"SH01","password":"135791"}' >/dev/null
call admin staff.create '{"id":"li.na","name":"李娜","role":"manager","branch":"SH01","password":"lina-pass-1"}' >/dev/null
code=$("$PAWD" enroll "$DATA" --branch SH01 2>/dev/null) || fail "pawd enroll"
PAW_HOME=$T/sh01 "$PAW" enroll "127.0.0.1:$PORT" "$code" >/dev/null || fail "enroll SH01"

rows() { tui_screen | sed -n '/Staff id\|工号/,$p' | sed '1d;$d' | grep -c '^ [a-z]'; }
has() { tui_screen | grep -qF -- "$1"; }
hasnt() { ! tui_screen | grep -qF -- "$1"; }

tui_start --user admin
tui_wait "Password"
tui_type "$ADMIN_PW"; tui_keys Enter
tui_wait "Find a member"
tui_keys F7
tui_wait "li.na"
tui_wait "type an id, name, branch or role"
assert_eq "$(rows)" 5 "every staff member listed"

# By id; the filter text and the count are shown.
tui_type zhang
tui_wait "1 of 5"
assert_contains "$(tui_screen | grep -F Filter)" "zhang" "filter text shown"
has "张伟" || fail "zhang.wei listed"
hasnt "li.na" || fail "li.na filtered out"
# Backspace takes it back a character at a time; ^U clears it.
tui_keys BSpace BSpace BSpace BSpace BSpace
tui_wait "type an id, name, branch or role"
assert_eq "$(rows)" 5 "Backspace clears the filter"
# By Chinese name.
tui_type "娜"
tui_wait "1 of 5"
has "li.na" || fail "li.na by name"
tui_keys C-u
tui_wait "type an id, name, branch or role"
# By branch in either case, then by role too (every word must match).
tui_type sh01
tui_wait "2 of 5"
has "Amy Chen" || fail "sh.clerk by branch"
has "李娜" || fail "li.na by branch"
tui_type " manager"
tui_wait "1 of 5"
hasnt "Amy Chen" || fail "sh.clerk is no manager"
# An action takes the row as filtered: li.na, though it is not the first.
tui_keys F9
tui_wait "Disable staff li.na (李娜)?"
tui_keys n
wait_for 10 hasnt "Disable staff" || fail "the question stays"
# Nothing matching says how to clear; "?" is text here, not help.
tui_type "?"
tui_wait "Nothing matches the filter. Press ^U to clear it."
assert_contains "$(tui_screen | grep -F Filter)" "manager?" "? typed into the filter"
# Help from the key table: ^U listed, no "?" and no Enter on this screen.
tui_keys F1
tui_wait "Help: keys on this screen"
help=$(tui_screen)
assert_contains "$help" "^U                 Clear the search or filter" "^U in the help"
assert_contains "$help" "F1, ^G             Help" "help keys"
case $help in *"^G, ?"*) fail "help names ? where typing is text" ;; esac
case $help in *"Open / confirm"*) fail "help names Enter, which does nothing here" ;; esac
tui_keys Escape
tui_wait "Nothing matches"
assert_contains "$(tui_screen | tail -1)" "F3 New" "key bar"
tui_keys C-u
tui_wait "type an id, name, branch or role"
tui_keys Escape
tui_wait "Find a member"

# Devices: by branch; revoking takes the filtered row.
tui_keys F8
tui_wait "type a name or branch"
tui_type sh01
tui_wait "1 of 2"
tui_keys F9
tui_wait "branch SH01)?"
tui_keys n
wait_for 10 hasnt "Revoke device" || fail "the question stays"
tui_type x
tui_wait "Nothing matches the filter"
tui_stop

# Chinese: the role as shown (店长) filters too.
tui_start --lang zh_CN --user admin
tui_wait "员工登录"
tui_type "$ADMIN_PW"; tui_keys Enter
tui_wait "查找会员"
tui_keys F7
tui_wait "li.na"
tui_wait "输入工号、姓名、门店或角色"
tui_type "店长"
tui_wait "显示 2 / 5"
has "boss" || fail "boss is a manager"
has "li.na" || fail "li.na is a manager"
hasnt "zhang.wei" || fail "zhang.wei is a clerk"
tui_keys F1
tui_wait "清空搜索或筛选"
tui_stop

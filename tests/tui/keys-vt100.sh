# Keys on every terminal.  With TERM=vt100 in a terminal that sends xterm
# sequences (tmux does), F5 opens the pet form on a profile and F10 quits,
# instead of leaving the profile and typing "[15~" into the search; the
# key bar names the Ctrl alternatives, since TERM does not promise function
# keys, and function_keys=yes in paw.conf makes it name them.  The rxvt and
# Linux console sequences work too, and ? opens help off a text field.
. "$(dirname "$0")/../lib.sh"
start_server
call admin member.create '{"name":"刘洋","phone":"13500001111"}' >/dev/null

export TUI_TERM=vt100
tui_start --user admin
tui_wait "Password"
tui_type "$ADMIN_PW"; tui_keys Enter
tui_wait "Find a member"
bar=$(tui_screen | tail -1)
assert_contains "$bar" "^N New" "Ctrl alternative in the bar"
case $bar in *F3*) fail "the bar names F3 on a vt100: $bar" ;; esac
tui_type 1111; tui_keys Enter
tui_wait "Member since"
tui_keys F5
tui_wait "New pet"
tui_keys Escape
tui_wait "Pets (0)"
# The same F5 as xterm, rxvt and the console send it, byte by byte.
for seq in $'\e[15~' $'\e[[E'; do
	tui_type "$seq"
	tui_wait "New pet"
	tui_keys Escape
	tui_wait "Pets (0)"
done
case $(tui_screen) in *"[15~"*|*"[[E"*) fail "a sequence was typed as text" ;; esac
# ? opens help where no text field has the focus.
tui_type "?"
tui_wait "Help: keys on this screen"
tui_keys Escape
tui_wait "Pets (0)"
tui_keys Escape
tui_wait "Find a member"
screen=$(tui_screen)
case $screen in *"[15~"*|*1111*) fail "the search field is not clean: $(echo "$screen" | sed -n 3p)" ;; esac
tui_keys F10
tui_wait "PAW-EXITED 0"
tui_stop

# Told to trust function keys, the bar names them.
echo "function_keys=yes" >>"$PAW_HOME/paw.conf"
tui_start --user admin --lang zh_CN
tui_wait "密码"
tui_type "$ADMIN_PW"; tui_keys Enter
tui_wait "查找会员"
assert_contains "$(tui_screen | tail -1)" "F3" "F3 named when trusted"
tui_keys C-q
tui_wait "PAW-EXITED 0"
tui_stop

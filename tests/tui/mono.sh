# An 80x24 vt100: no colours (reverse and bold only), no function keys
# needed (every action has a control key), and the same work gets done.
. "$(dirname "$0")/../lib.sh"
start_server

TUI_TERM=vt100 tui_start --user admin
tui_wait "Password"
tui_type "$ADMIN_PW"; tui_keys Enter
tui_wait "Find a member"
# The status line is in reverse video, and no colour is ever sent.
screen=$(tmuxc capture-pane -e -p -t "$TUI")
case $screen in *$'\e[7m'*) ;; *) fail "no reverse video on a vt100" ;; esac
if printf '%s' "$screen" | grep -qE $'\e\\[([0-9;]*;)?(3[0-7]|4[0-7]|38|48|9[0-7])(;[0-9;]*)?m'; then
	printf '%s\n' "$screen" | cat -v >&2
	fail "colour sent to a vt100"
fi
# ^N: new member; ^S: save.
tui_type "孙悟空"
tui_keys C-n
tui_wait "New member"
tui_keys Tab; tui_type 13100004444
tui_keys C-s
tui_wait "Member since"
tui_wait "孙悟空"
# ^P: add a pet, ^S saves it.
tui_keys C-p
tui_wait "New pet"
tui_type "小白"
tui_keys C-s
tui_wait "Pet 小白 added."
# ^G: help.
tui_keys C-g
tui_wait "Help: keys on this screen"
tui_keys Escape
tui_wait "Pets (1)"
out=$(call admin member.search '{"q":"4444"}')
assert_eq "$(jget "$out" .items[0].name)" "孙悟空" "saved from a vt100"
tui_stop

# The layout follows the terminal: wider and taller after a resize (status
# line across the top, key bar on the last row, nothing left over), a
# clear notice when too small, and back to 80x24 with the form intact.
. "$(dirname "$0")/../lib.sh"
start_server
call admin member.create '{"name":"陈静","phone":"13600002222"}' >/dev/null

tui_start --user admin
tui_wait "Password"
tui_type "$ADMIN_PW"; tui_keys Enter
tui_wait "Find a member"
tui_type 2222
tui_wait "陈静"
tui_keys F3
tui_wait "New member"
tui_type "赵敏"

rows() { tui_screen | wc -l; }
tmuxc resize-window -t "$TUI" -x 120 -y 40
tui_wait "赵敏"
end=$(( $(date +%s) + 10 ))
until [ "$(tui_screen | sed -n 40p | grep -c 'F2 Save')" = 1 ]; do
	[ "$(date +%s)" -lt "$end" ] || { tui_screen >&2; fail "key bar not on row 40 after resize"; }
	sleep 0.05
done
# The connection state sits at the right end of the 120-column status line.
status=$(tui_screen | head -1)
assert_eq "${#status}" 119 "status line spans the width (capture drops the last blank)"
case $status in *"online") ;; *) fail "state not at the right end: '$status'" ;; esac

# Too small to work in: said plainly, nothing garbled.
tmuxc resize-window -t "$TUI" -x 30 -y 8
tui_wait "Terminal too small"

# Back to 80x24: the form and what was typed are still there.
tmuxc resize-window -t "$TUI" -x 80 -y 24
tui_wait "New member"
tui_wait "赵敏"
end=$(( $(date +%s) + 10 ))
until [ "$(tui_screen | sed -n 24p | grep -c 'F2 Save')" = 1 ]; do
	[ "$(date +%s)" -lt "$end" ] || { tui_screen >&2; fail "key bar not on row 24"; }
	sleep 0.05
done
# Nothing runs past column 80.
tui_screen | while IFS= read -r l; do
	w=$(/usr/bin/python3 -c 'import sys,unicodedata; print(sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in sys.argv[1]))' "$l")
	[ "$w" -le 80 ] || fail "line wider than 80: $l"
done
tui_stop

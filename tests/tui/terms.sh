# The same 80x24 layout on the terminals branches have: xterm, screen,
# linux console and vt100: status on the first row, key bar on the last,
# a member's Chinese name and the form drawn whole.
. "$(dirname "$0")/../lib.sh"
start_server
call admin member.create '{"name":"欧阳娜娜","phone":"13700007777"}' >/dev/null

for term in xterm xterm-256color screen linux vt100; do
	TUI_TERM=$term tui_start --user admin
	tui_wait "Password"
	tui_type "$ADMIN_PW"; tui_keys Enter
	tui_wait "Find a member"
	tui_type 7777
	tui_wait "欧阳娜娜"
	screen=$(tui_screen)
	assert_contains "$(echo "$screen" | sed -n 1p)" "Pawprint" "$term: status on row 1"
	assert_contains "$(echo "$screen" | sed -n 24p)" "Help" "$term: key bar on row 24"
	tui_keys C-n
	tui_wait "New member"
	tui_wait "Referred by"
	tui_keys Escape
	tui_wait "Find a member"
	tui_keys C-q
	tui_wait "PAW-EXITED 0"
	tui_stop
done

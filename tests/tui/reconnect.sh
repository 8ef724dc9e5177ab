# The server goes away while a form is open: the status line says so, the
# form stays, a save fails and says so without losing anything; when the
# server is back the session resumes by itself and the same save succeeds.
. "$(dirname "$0")/../lib.sh"
start_server

tui_start --user admin
tui_wait "Password"
tui_type "$ADMIN_PW"; tui_keys Enter
tui_wait "Find a member"
tui_keys F3
tui_wait "New member"
tui_type "吴刚"; tui_keys Tab; tui_type 13200005555

stop_server
tui_wait "disconnected — reconnecting" 15
tui_keys F2
tui_wait "Not saved: no connection"
assert_contains "$(tui_screen)" "吴刚" "form kept"
assert_contains "$(tui_screen)" "13200005555" "form kept"

run_server
tui_wait "Connection restored." 20
tui_keys F2
tui_wait "Member since" 10
out=$(call admin member.search '{"q":"5555"}')
assert_eq "$(jget "$out" .total)" 1 "saved after the server came back"
assert_eq "$(jget "$out" .items[0].name)" "吴刚" "the right member"
tui_stop

# Logging in at the terminal: a wrong password is said in plain words, the
# same words as an unknown id; five failures lock the account, the right password
# opens the home screen with the staff member in the status line.
. "$(dirname "$0")/../lib.sh"
start_server
mkstaff clerk1 clerk HQ 246810

tui_start
tui_wait "Staff login"
tui_wait "online"
tui_type clerk1; tui_keys Enter
tui_type wrong-one; tui_keys Enter
tui_wait "Wrong staff id or password"
# The password field is emptied after a failure; the id is kept.
assert_contains "$(tui_screen)" "clerk1" "staff id kept"
# No count of attempts left (it would tell a real id from an unknown one):
# each failure is seen in the database.
failed_is() { [ "$(db_query "SELECT failed FROM staff WHERE id='clerk1'")" = "$1" ]; }
for i in 2 3 4; do
	tui_type wrong-one; tui_keys Enter
	wait_for 10 failed_is $i || fail "failure $i not counted"
done
tui_type wrong-one; tui_keys Enter
tui_wait "Account locked after too many failed logins"
tui_stop

# The right password; the password never shows on screen.
tui_start --user admin
tui_wait "Password"
tui_type "$ADMIN_PW"
tui_wait "************"
case $(tui_screen) in *"$ADMIN_PW"*) fail "password shown in clear" ;; esac
tui_keys Enter
tui_wait "Find a member"
screen=$(tui_screen)
assert_contains "$(echo "$screen" | head -1)" "admin" "staff in the status line"
assert_contains "$(echo "$screen" | head -1)" "Branch HQ" "branch in the status line"
assert_contains "$(echo "$screen" | tail -1)" "F1 Help" "key bar at the bottom"
# F1 shows help generated from the key table; any key closes it.
tui_keys F1
tui_wait "Help: keys on this screen"
tui_wait "^N"
tui_keys Escape
tui_wait "Find a member"
# Quit leaves the terminal cleanly.
tui_keys F10
tui_wait "PAW-EXITED 0"
tui_stop

# Manager screens: staff list and a new clerk, disabling after a
# confirmation; device list and revoking after a confirmation.  A clerk
# is not offered them.  Feedback and archiving a member, with confirmation.
. "$(dirname "$0")/../lib.sh"
start_server
mkstaff boss manager HQ boss-pass-1
mkstaff clerk2 clerk HQ 135790
call admin member.create '{"name":"郑好","phone":"13400006666"}' >/dev/null

tui_start --user boss
tui_wait "Password"
tui_type boss-pass-1; tui_keys Enter
tui_wait "Find a member"
tui_keys F7
tui_wait "clerk2"
tui_keys F3
tui_wait "New staff member"
tui_type newbie; tui_keys Tab; tui_type "小新"; tui_keys Tab Tab Tab
tui_type 24681357
tui_keys F2
tui_wait "Saved."
out=$(call admin staff.list '{}')
assert_contains "$out" '"newbie"' "staff created"
# Disable clerk2: asked first; n keeps, y disables.  Walk down to its row
# (the selected row is the one in reverse video).
selected() { tmuxc capture-pane -e -p -t "$TUI" | grep -F -- "$1" | grep -q $'\e\\[7m'; }
for i in 1 2 3 4 5 6; do
	selected clerk2 && break
	tui_keys Down
	sleep 0.1
done
selected clerk2 || { tui_screen >&2; fail "cannot select clerk2"; }
tui_keys F9
tui_wait "Disable staff clerk2"
tui_keys n
gone() { ! tui_screen | grep -qF -- "$1"; }
wait_for 10 gone "Disable staff clerk2" || fail "the question stays after n"
assert_eq "$(call admin staff.list '{"include_disabled":true}' | grep -c '"disabled": true')" 0 "n keeps clerk2"
tui_keys F9
tui_wait "Disable staff clerk2"
tui_keys y
tui_wait "Staff clerk2 disabled."
tui_wait "disabled"
tui_keys Escape
tui_wait "Find a member"

# Devices: this terminal is listed; revoking asks first (and is declined).
tui_keys F8
tui_wait "active"
tui_keys F9
tui_wait "Revoke device"
tui_keys Escape
tui_wait "Devices"
tui_keys Escape
tui_wait "Find a member"

# Feedback, then archive with confirmation.
tui_type 6666; tui_keys Enter
tui_wait "Member since"
tui_keys F6
tui_wait "Feedback from 郑好"
tui_keys Right Tab; tui_type "洗澡等太久"
tui_keys F2
tui_wait "Feedback (1)"
tui_wait "洗澡等太久"
tui_keys F9
tui_wait "Archive member 郑好"
tui_keys y
tui_wait "Member 郑好 archived."
out=$(call admin member.search '{"q":"6666"}')
assert_eq "$(jget "$out" .total)" 0 "archived members are not found"
tui_stop

# A clerk gets no staff or device screens.
mkstaff clerk3 clerk HQ 975310
tui_start --user clerk3
tui_wait "Password"
tui_type 975310; tui_keys Enter
tui_wait "Find a member"
case $(tui_screen | tail -1) in *Staff*|*Devices*) fail "clerk offered manager keys" ;; esac
tui_keys F7
tui_wait "Your role may not do this"
tui_stop

# Signing up a member at the terminal: an invalid phone is shown at its
# field, a phone that belongs to someone else is refused at its field, a
# Chinese name is saved, and in the result list Chinese and Latin names
# line up by display width.
. "$(dirname "$0")/../lib.sh"
start_server
out=$(call admin member.create '{"name":"Zhang Wei","phone":"13800000001"}')
# Its pet is called 三丰, so one search lists both members.
call admin pet.create "{\"member_id\":$(jget "$out" .id),\"name\":\"三丰\",\"species\":\"dog\"}" >/dev/null

# Display column (wide characters count 2) where TEXT starts in LINE.
col_of() {	# LINE TEXT
	/usr/bin/python3 -c '
import sys, unicodedata
line, text = sys.argv[1], sys.argv[2]
i = line.find(text)
if i < 0: sys.exit(1)
print(sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in line[:i]))' "$1" "$2"
}
line_with() { tui_screen | grep -F -- "$1" | head -1; }
# The field line holding LABEL, and the error line under it.
field_line() { tui_screen | grep -F -- "$1" | head -1; }
field_err() { tui_screen | grep -F -A1 -- "$1" | sed -n 2p; }

tui_start --user admin
tui_wait "Password"
tui_type "$ADMIN_PW"; tui_keys Enter
tui_wait "Find a member"
tui_type "张三丰"
tui_wait "No member found"
tui_keys F3
tui_wait "New member"
# The search text is carried into the name.
assert_contains "$(field_line "Name")" "张三丰" "name prefilled"

# Invalid phone: checked at the field, nothing sent.
tui_keys Tab
tui_type 12345
tui_keys F2
tui_wait "Invalid phone number"
assert_contains "$(field_err "Mobile phone")" "Invalid phone number" "error at the phone field"
assert_eq "$(call admin member.search '{"q":"张三丰"}' | python3 -c 'import json,sys; print(json.load(sys.stdin)["total"])')" 0 "nothing saved"

# A phone that is someone else's: the server's conflict lands at the field.
tui_keys C-u
tui_type 13800000001
tui_keys F2
tui_wait "already belongs to another member"
assert_contains "$(field_err "Mobile phone")" "already belongs to another member" "conflict at the phone field"
assert_contains "$(tui_screen)" "Not saved" "message line says not saved"

# A free phone saves and opens the new member.
tui_keys C-u
tui_type 13800000002
tui_keys F2
tui_wait "Member since"
tui_wait "张三丰"
out=$(call admin member.search '{"q":"张三丰"}')
assert_eq "$(jget "$out" .total)" 1 "saved once"
assert_eq "$(jget "$out" .items[0].branch)" HQ "home branch from the device"

# In the list, the Chinese and the Latin name keep the columns aligned.
tui_keys Escape
tui_wait "Find a member"
tui_keys C-u
tui_type "三丰"
tui_wait "138****0002"
tui_wait "138****0001"
a=$(col_of "$(line_with "张三丰")" "138****0002") || fail "row 张三丰"
b=$(col_of "$(line_with "Zhang Wei")" "138****0001") || fail "row Zhang Wei"
c=$(col_of "$(line_with "Phone")" "Phone") || fail "header"
assert_eq "$a" "$b" "phone column aligned across Chinese and Latin names"
assert_eq "$a" "$c" "phone column under its header"
tui_stop

# A phone that is already another member's: the form says, at the phone
# field, which member has it (their card number, from the server's
# conflict), on sign-up and on edit, in English and Chinese; a phone of an
# archived member says so.
. "$(dirname "$0")/../lib.sh"
start_server
out=$(call admin member.create '{"name":"Zhang Wei","phone":"13800000001"}') || fail "create: $(cat "$ERRF")"
card=$(jget "$out" .card_no)
out=$(call admin member.create '{"name":"林月","phone":"13800000002"}')
lin=$(jget "$out" .card_no)
out=$(call admin member.create '{"name":"Old Wu","phone":"13800000003"}')
call admin member.archive "{\"id\":$(jget "$out" .id)}" >/dev/null || fail "archive: $(cat "$ERRF")"
old=$(jget "$out" .card_no)

# The field line holding LABEL and the error lines under it, joined.
field_err() { tui_screen | grep -F -A2 -- "$1" | sed -n '2,3p' | sed 's/^ *//' | tr '\n' ' '; }
login() {	# [paw args]
	tui_start "$@" --user admin
	tui_wait "admin"
	tui_type "$ADMIN_PW"; tui_keys Enter
}

login
tui_wait "Find a member"
tui_keys F3
tui_wait "New member"
tui_type "李雷"; tui_keys Tab; tui_type 13800000001; tui_keys F2
tui_wait "$card"
assert_contains "$(field_err "Mobile phone")" \
	"This phone number already belongs to another member, card $card" \
	"the card at the phone field"
assert_contains "$(tui_screen | tail -2 | head -1)" "Not saved" "message line"
# An archived member's phone.
tui_keys C-u; tui_type 13800000003; tui_keys F2
tui_wait "$old"
assert_contains "$(field_err "Mobile phone")" \
	"This phone number belongs to an archived member, card $old" "archived"
assert_eq "$(jget "$(call admin member.search '{"q":"李雷"}')" .total)" 0 "nothing saved"

# Editing 林月 to Zhang Wei's phone names Zhang Wei's card.
tui_keys Escape
tui_wait "Close the form"
tui_keys y
tui_wait "Find a member"
tui_type "$lin"; tui_keys Enter
tui_wait "Member since"
tui_keys F4
tui_wait "Edit member 林月"
tui_keys Tab C-u; tui_type 13800000001; tui_keys F2
tui_wait "$card"
assert_contains "$(field_err "Mobile phone")" "card $card" "the card on edit"
tui_stop

login --lang zh_CN
tui_wait "查找会员"
tui_keys F3
tui_wait "新会员"
tui_type "李雷"; tui_keys Tab; tui_type 13800000001; tui_keys F2
tui_wait "$card"
assert_contains "$(field_err "手机号")" "该手机号已被会员 $card 使用" "Chinese, at the field"
tui_stop

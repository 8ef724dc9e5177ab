# Finding a member: last four digits of the phone, a 2-character Chinese
# name, and a scanned card (digits and Enter) that opens the member.
. "$(dirname "$0")/../lib.sh"
start_server
out=$(call admin member.create '{"name":"王小明","phone":"13912348888"}') || fail "create: $(cat "$ERRF")"
card=$(jget "$out" .card_no)
call admin member.create '{"name":"王芳","phone":"13712340001"}' >/dev/null
call admin member.create '{"name":"Alice Smith","phone":"13612340002"}' >/dev/null

tui_start --user admin
tui_wait "Password"
tui_type "$ADMIN_PW"; tui_keys Enter
tui_wait "Find a member"

# Phone suffix: only the matching member, phone masked.
tui_type 8888
tui_wait "王小明"
tui_wait "1 found"
assert_contains "$(tui_screen)" "139****8888" "masked phone"
case $(tui_screen) in *"王芳"*) fail "王芳 does not match 8888" ;; esac

# Two Chinese characters.
tui_keys C-u
tui_type "王芳"
tui_wait "137****0001"
tui_wait "1 found"
case $(tui_screen) in *"王小明"*) fail "王小明 does not match 王芳" ;; esac

# One character finds both Wangs; Down and Enter open the second.
tui_keys C-u
tui_type "王"
tui_wait "2 found"
tui_keys Down Enter
tui_wait "Member since"

# Back home; a scanner types the card and Enter at once.
tui_keys Escape
tui_wait "Find a member"
tui_keys C-u
tui_type "$card"; tui_keys Enter
tui_wait "card $card"
tui_wait "13912348888"
assert_contains "$(tui_screen)" "王小明" "card opens the member"

# An unknown card says so.
tui_keys Escape
tui_wait "Find a member"
tui_keys C-u
tui_type 80000000002; tui_keys Enter
tui_wait "No member with card number 80000000002"
tui_stop

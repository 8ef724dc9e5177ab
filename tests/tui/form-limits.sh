# The forms take their limits from what pawd declares (system.methods), so
# the terminal refuses exactly what the server would, at the field: the
# address (200 characters), the note (500), a pet's breed (40) and
# microchip (15 digits), foreign phones (7 to 15 digits after the +) and
# dates up to 2200.  The same values through paw call get the same answer.
. "$(dirname "$0")/../lib.sh"
start_server
out=$(call admin member.create '{"name":"刘洋","phone":"13500001111"}')
id=$(jget "$out" .id)

field_err() { tui_screen | grep -F -A1 -- "$1" | sed -n 2p; }
rep() { /usr/bin/python3 -c 'import sys; print(sys.argv[1] * int(sys.argv[2]))' "$1" "$2"; }

login() {	# [paw args]
	tui_start "$@" --user admin
	tui_wait "admin"
	tui_type "$ADMIN_PW"; tui_keys Enter
	tui_wait "HQ admin"
}
# A field of the new-member form: Tab N times from the name.
member_field() {	# TABS
	tui_type "王芳"
	tui_wait "No member found"
	tui_keys F3
	tui_wait "New member"
	local i
	for ((i = 0; i < $1; i++)); do tui_keys Tab; done
}

# ---- the server's side ----
call_err admin member.create "{\"name\":\"a\",\"phone\":\"13500001112\",\"address\":\"$(rep 址 201)\"}" invalid address
call_err admin member.create "{\"name\":\"a\",\"phone\":\"13500001112\",\"note\":\"$(rep n 501)\"}" invalid note
call_err admin pet.create "{\"member_id\":$id,\"name\":\"a\",\"species\":\"cat\",\"breed\":\"$(rep b 41)\"}" invalid breed
call_err admin pet.create "{\"member_id\":$id,\"name\":\"a\",\"species\":\"cat\",\"microchip\":\"$(rep 1 16)\"}" invalid microchip
call_err admin pet.create "{\"member_id\":$id,\"name\":\"a\",\"species\":\"cat\",\"microchip\":\"$(rep 1 14)\"}" invalid microchip
call_err admin member.create '{"name":"a","phone":"+123456"}' invalid phone
call_err admin member.create '{"name":"a","phone":"+1234567890123456"}' invalid phone
call_err admin member.create '{"name":"a","phone":"13500001112","birthday":"2201-01-01"}' invalid birthday
m=$(call admin member.create "{\"name\":\"a\",\"phone\":\"+1234567\",\"address\":\"$(rep 址 200)\",\"note\":\"$(rep n 500)\"}")
assert_eq "$(jget "$m" .phone)" "+1234567" "a 7-digit foreign phone"
p=$(call admin pet.create "{\"member_id\":$id,\"name\":\"a\",\"species\":\"cat\",\"breed\":\"$(rep b 40)\",\"microchip\":\"$(rep 1 15)\"}")
assert_eq "$(jget "$p" .microchip)" "$(rep 1 15)" "15 digits"

# ---- the terminal's side: member form ----
login
# name, phone, card, gender, birthday, address
member_field 5
tui_type "$(rep 址 201)"; tui_keys Tab
tui_wait "At most 200 characters"
assert_contains "$(field_err "Address")" "At most 200 characters" "address limit at the field"
tui_keys BTab C-u; tui_type "$(rep 址 200)"; tui_keys Tab
case $(field_err "Address") in *"At most"*) fail "200 characters refused" ;; esac
# birthday: a year past 2200
tui_keys BTab BTab; tui_type "2201-01-01"; tui_keys Tab
tui_wait "Must be from 1900-01-01 to 2200-12-31"
tui_keys BTab C-u; tui_type "1990-01-01"
# phone: 6 digits after the + are too few, 7 are enough
tui_keys BTab BTab BTab; tui_type "+123456"; tui_keys Tab
tui_wait "Invalid phone number"
tui_keys BTab C-u; tui_type "+7654321"; tui_keys Tab
case $(field_err "Mobile phone") in *Invalid*) fail "a 7-digit foreign phone refused" ;; esac
# note: 501 characters, then 500 saves
for _ in 1 2 3 4 5 6 7; do tui_keys Tab; done
tui_type "$(rep n 501)"; tui_keys Tab
tui_wait "At most 500 characters"
tui_keys BTab C-u; tui_type "$(rep n 500)"
tui_keys F2
wait_for 10 sh -c "[ \"\$(sqlite3 'file:$DATA/paw.db?mode=ro' \"SELECT count(*) FROM member WHERE name = '王芳'\")\" = 1 ]" \
	|| { tui_screen >&2; fail "the member with the longest address and note was not saved"; }
assert_eq "$(db_query "SELECT length(address) || '/' || length(note) || '/' || phone FROM member WHERE name = '王芳'")" \
	"200/500/+7654321" "saved as typed"
tui_stop

# ---- pet form: breed and microchip ----
login
tui_type 1111; tui_keys Enter
tui_wait "13500001111"
tui_keys F5
tui_wait "New pet"
tui_type "豆豆"
# name, species, breed
tui_keys Tab Tab
tui_type "$(rep b 41)"; tui_keys Tab
tui_wait "At most 40 characters"
tui_keys BTab C-u; tui_type "$(rep b 40)"
# breed, sex, neutered, birth date, colour, weight, microchip
tui_keys Tab Tab Tab Tab Tab Tab
tui_type "$(rep 1 16)"; tui_keys Tab
tui_wait "At most 15 characters"
tui_keys BTab C-u; tui_type "$(rep 1 14)"; tui_keys Tab
tui_wait "Not in the expected form"
tui_stop

# ---- in Chinese ----
login --lang zh_CN
tui_type "王"
tui_wait "F3"
tui_keys F3
tui_wait "新会员"
for _ in 1 2 3 4 5; do tui_keys Tab; done
tui_type "$(rep 址 201)"; tui_keys Tab
tui_wait "最多 200 个字"
tui_stop

# A typed number out of its range is said at the field before anything is
# sent: a pet of 300000 g is over the 200 kg the server keeps (not "whole
# number only"); 200000 g saves.  English and Chinese.
. "$(dirname "$0")/../lib.sh"
start_server
out=$(call admin member.create '{"name":"刘洋","phone":"13500001111"}')
id=$(jget "$out" .id)

field_err() { tui_screen | grep -F -A1 -- "$1" | sed -n 2p; }
pet_form() {	# [paw args]
	tui_start "$@" --user admin
	tui_wait "admin"
	tui_type "$ADMIN_PW"; tui_keys Enter
	tui_wait "HQ admin"
	tui_type 1111; tui_keys Enter
	tui_wait "13500001111"
	tui_keys F5
	tui_type "豆豆"
	# name, species, breed, sex, neutered, birth date, colour: to weight
	tui_keys Tab Tab Tab Tab Tab Tab Tab
}

pet_form
tui_wait "New pet"
tui_type 300000; tui_keys Tab
tui_wait "at most 200 kg"
assert_contains "$(field_err "Weight (grams)")" "Must be at most 200 kg (200000 g)" \
	"the limit at the weight field"
case $(tui_screen) in *"Whole number"*) fail "said whole number only" ;; esac
tui_keys F2
tui_wait "Please correct the marked field"
assert_eq "$(jget "$(call admin pet.list "{\"member_id\":$id}")" '.items|length')" 0 "nothing sent"
# The largest weight the server keeps is taken.
tui_keys C-u; tui_type 200000; tui_keys F2
tui_wait "Pet 豆豆 added."
assert_eq "$(jget "$(call admin pet.list "{\"member_id\":$id}")" .items[0].weight_g)" 200000 "200 kg saved"
tui_stop

pet_form --lang zh_CN
tui_wait "新宠物"
tui_type 300000; tui_keys Tab
tui_wait "不能超过 200 公斤"
assert_contains "$(field_err "体重（克）")" "不能超过 200 公斤（200000 克）" "Chinese, at the field"
tui_stop

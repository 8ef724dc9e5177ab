# Adding a pet to a member from the profile, then editing it; bad dates
# are caught at the field before anything is sent.
. "$(dirname "$0")/../lib.sh"
start_server
out=$(call admin member.create '{"name":"刘洋","phone":"13500001111"}')
id=$(jget "$out" .id)

tui_start --user admin
tui_wait "Password"
tui_type "$ADMIN_PW"; tui_keys Enter
tui_wait "Find a member"
tui_type 1111; tui_keys Enter
tui_wait "Member since"
tui_keys F5
tui_wait "New pet"
tui_type "豆豆"			# name
tui_keys Tab Right		# species: dog -> cat
tui_keys Tab; tui_type "英短"	# breed
tui_keys Tab Right Right	# sex: unknown -> male -> female
tui_keys Tab Space		# neutered
tui_keys Tab; tui_type 2021-02-30	# no such day
tui_keys Tab
tui_wait "Invalid date"
tui_keys BTab C-u; tui_type 2021-02-28
tui_keys Tab Tab; tui_type 4500	# weight in grams
tui_keys F2
tui_wait "Pet 豆豆 added."
tui_wait "Pets (1)"
tui_wait "4.5kg"
screen=$(tui_screen)
assert_contains "$screen" "Cat" "species shown"
assert_contains "$screen" "Female" "sex shown"
out=$(call admin pet.list "{\"member_id\":$id}")
assert_eq "$(jget "$out" .items[0].name)" "豆豆" "pet saved"
assert_eq "$(jget "$out" .items[0].species)" cat "species saved"
assert_eq "$(jget "$out" .items[0].sex)" female "sex saved"
assert_eq "$(jget "$out" .items[0].neutered)" true "neutered saved"
assert_eq "$(jget "$out" .items[0].birth_date)" 2021-02-28 "birth date saved"
assert_eq "$(jget "$out" .items[0].weight_g)" 4500 "weight saved"

# Enter on the pet edits it; only the changed field is sent.
tui_keys Enter
tui_wait "Edit pet 豆豆"
tui_keys Tab Tab; tui_type "（蓝猫）"
tui_keys F2
tui_wait "Pet 豆豆 saved."
out=$(call admin pet.list "{\"member_id\":$id}")
assert_eq "$(jget "$out" .items[0].breed)" "英短（蓝猫）" "breed updated"
tui_stop

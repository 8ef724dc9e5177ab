# Members, pets and feedback through paw call: every method, good and bad
# input, duplicate phones, search by every key, masking, archive, roles,
# and the database unchanged by refused calls.
. "$(dirname "$0")/../lib.sh"
start_server
mkstaff clerk1 clerk HQ 246810
mkstaff help support HQ support-pw-1

m1=$(call clerk1 member.create '{"name":" 张伟 ","phone":"138 0013 8000","birthday":"1990-05-01","gender":"male","tags":["vip","猫"],"consent":true}')
id1=$(jget "$m1" .id) card1=$(jget "$m1" .card_no)
assert_eq "$(jget "$m1" .name)" "张伟" "name trimmed"
assert_eq "$(jget "$m1" .phone)" 13800138000 "phone normalised"
[[ $card1 =~ ^8[0-9]{10}$ ]] || fail "card number shape: $card1"
assert_eq "$(jget "$m1" '.tags|length')" 2 "tags kept"
assert_eq "$(jget "$m1" .branch)" HQ "branch defaults to the device's"
id2=$(jget "$(call clerk1 member.create '{"name":"张伟华","phone":"13900139000"}')" .id)
id3=$(jget "$(call clerk1 member.create '{"name":"李伟","phone":"+86 137 0013 7000"}')" .id)
id4=$(jget "$(call clerk1 member.create '{"name":"Wang Fang","phone":"+4915112345678"}')" .id)

# Bad input: clear errors naming the field, nothing written.
before=$(db_query "SELECT count(*) FROM member")
call_err clerk1 member.create '{"phone":"13700000001"}' invalid name
call_err clerk1 member.create '{"name":"  ","phone":"13700000001"}' invalid name
call_err clerk1 member.create '{"name":"王五","phone":"12345"}' invalid phone
call_err clerk1 member.create '{"name":"王五","phone":"12800000000"}' invalid phone
call_err clerk1 member.create '{"name":"王五","phone":"13700000001","birthday":"1990-02-30"}' invalid birthday
call_err clerk1 member.create '{"name":"王五","phone":"13700000001","birthday":"2999-01-01"}' invalid birthday
call_err clerk1 member.create '{"name":"王五","phone":"13700000001","gender":"x"}' invalid gender
call_err clerk1 member.create '{"name":123,"phone":"13700000001"}' bad_request name
call_err clerk1 member.create '{"name":"王五","phone":"13700000001","tags":[1]}' bad_request 'tags[0]'
call_err clerk1 member.create '{"name":"王五","phone":"13700000001","card_no":"81234567890"}' invalid card_no
call_err clerk1 member.create '{"name":"王五","phone":"13700000001","referral_code":"NOPE"}' invalid referral_code
call_err clerk1 member.create '{"name":"王五","phone":"13700000001","branch":"XX"}' invalid branch
call_err clerk1 member.create "{\"name\":\"$(printf '长%.0s' {1..41})\",\"phone\":\"13700000001\"}" invalid name
call_err clerk1 member.create '{"name":"重复","phone":"13800138000"}' conflict phone
assert_contains "$(cat "$ERRF")" "$card1" "duplicate names the existing card"
call_err clerk1 member.create '{"name":"重复","phone":"+8613800138000"}' conflict phone
assert_eq "$(db_query "SELECT count(*) FROM member")" "$before" "refused creates wrote nothing"
assert_eq "$(db_query "SELECT count(*) FROM audit WHERE method='member.create'")" 4 "one audit row per create"

# Get by id and by card; not found.
out=$(call clerk1 member.get "{\"card_no\":\"$card1\"}")
assert_eq "$(jget "$out" .id)" "$id1" "get by card"
assert_eq "$(jget "$out" .phone)" 13800138000 "get shows the full phone"
call_err clerk1 member.get '{"id":999}' not_found id
call_err clerk1 member.get '{}' invalid id
call_err clerk1 member.get '{"id":"1"}' bad_request id

# Search: card, phone, last four, 2-character name, 1 character, Latin, pet.
s=$(call clerk1 member.search "{\"q\":\"$card1\"}")
assert_eq "$(jget "$s" .total)" 1 "search by card"
s=$(call clerk1 member.search '{"q":"13900139000"}')
assert_eq "$(jget "$s" .items[0].name)" "张伟华" "search by full phone"
s=$(call clerk1 member.search '{"q":"8000"}')
assert_eq "$(jget "$s" .items[0].phone)" "138****8000" "phone masked in lists"
assert_eq "$(jget "$s" .total)" 1 "search by last four digits"
s=$(call clerk1 member.search '{"q":"张伟"}')
assert_eq "$(jget "$s" .total)" 2 "2-character Chinese name: 张伟 and 张伟华, not 李伟"
s=$(call clerk1 member.search '{"q":"伟"}')
assert_eq "$(jget "$s" .total)" 3 "1 character"
s=$(call clerk1 member.search '{"q":"wang f"}')
assert_eq "$(jget "$s" .items[0].id)" "$id4" "Latin, case-insensitive"
s=$(call clerk1 member.search '{"q":"1380013"}')
assert_eq "$(jget "$s" .total)" 1 "phone prefix"
s=$(call clerk1 member.search '{"q":"张伟","limit":1,"offset":1}')
assert_eq "$(jget "$s" '.items|length')" 1 "paging"
assert_eq "$(jget "$s" .total)" 2 "total with paging"
call_err clerk1 member.search '{"q":"x","limit":1000}' invalid limit
call_err clerk1 member.search '{"q":"x","offset":-1}' invalid offset
call_err help member.search '{"q":"x"}' forbidden

# Pets.
p=$(call clerk1 pet.create "{\"member_id\":$id2,\"name\":\"旺财\",\"species\":\"dog\",\"breed\":\"柯基\",\"sex\":\"male\",\"birth_date\":\"2021-03-04\",\"weight_g\":11000,\"microchip\":\"156012345678901\",\"adopted\":true,\"adoption_date\":\"2021-06-01\"}")
pid=$(jget "$p" .id)
assert_eq "$(jget "$p" .breed)" "柯基" "pet created"
s=$(call clerk1 member.search '{"q":"旺财"}')
assert_eq "$(jget "$s" .items[0].id)" "$id2" "search by pet name"
assert_eq "$(jget "$s" .items[0].pets)" "旺财" "pets summarised"
before=$(db_query "SELECT count(*) FROM pet")
call_err clerk1 pet.create "{\"member_id\":$id2,\"name\":\"x\",\"species\":\"dragon\"}" invalid species
call_err clerk1 pet.create "{\"member_id\":$id2,\"name\":\"x\",\"species\":\"cat\",\"birth_date\":\"2999-01-01\"}" invalid birth_date
call_err clerk1 pet.create "{\"member_id\":$id2,\"name\":\"x\",\"species\":\"cat\",\"birth_date\":\"2022-01-01\",\"adoption_date\":\"2021-01-01\"}" invalid adoption_date
call_err clerk1 pet.create "{\"member_id\":$id2,\"name\":\"x\",\"species\":\"cat\",\"weight_g\":-5}" invalid weight_g
call_err clerk1 pet.create "{\"member_id\":$id2,\"name\":\"x\",\"species\":\"cat\",\"microchip\":\"12ab\"}" invalid microchip
call_err clerk1 pet.create "{\"member_id\":$id2,\"name\":\"x\",\"species\":\"cat\",\"microchip\":\"156012345678901\"}" conflict microchip
call_err clerk1 pet.create '{"member_id":999,"name":"x","species":"cat"}' not_found member_id
call_err clerk1 pet.create "{\"member_id\":$id2,\"species\":\"cat\"}" invalid name
assert_eq "$(db_query "SELECT count(*) FROM pet")" "$before" "refused pets wrote nothing"
p=$(call clerk1 pet.update "{\"id\":$pid,\"name\":\"来福\",\"neutered\":true}")
assert_eq "$(jget "$p" .neutered)" true "pet updated"
s=$(call clerk1 member.search '{"q":"来福"}')
assert_eq "$(jget "$s" .total)" 1 "renamed pet found"
s=$(call clerk1 member.search '{"q":"旺财"}')
assert_eq "$(jget "$s" .total)" 0 "old pet name gone from the index"
assert_eq "$(jget "$(call clerk1 pet.list "{\"member_id\":$id2}")" '.items|length')" 1 "pet.list"
assert_eq "$(jget "$(call clerk1 pet.get "{\"id\":$pid}")" .name)" "来福" "pet.get"
call_err clerk1 pet.get '{"id":999}' not_found id
row=$(db_query "SELECT before FROM audit WHERE method='pet.update'")
assert_contains "$row" '"name":"旺财"' "pet audit before"

# Update: partial, duplicate phone refused, index follows the name.
u=$(call clerk1 member.update "{\"id\":$id3,\"name\":\"李伟强\",\"address\":\"上海市\"}")
assert_eq "$(jget "$u" .name)" "李伟强" "renamed"
assert_eq "$(jget "$u" .phone)" 13700137000 "phone untouched"
call_err clerk1 member.update "{\"id\":$id3,\"phone\":\"13800138000\"}" conflict phone
call_err clerk1 member.update '{"id":999,"name":"x"}' not_found id
s=$(call clerk1 member.search '{"q":"伟强"}')
assert_eq "$(jget "$s" .total)" 1 "new name indexed"

# Feedback.
f=$(call clerk1 feedback.add "{\"member_id\":$id1,\"kind\":\"good\",\"text\":\"洗护很干净\"}")
assert_eq "$(jget "$f" .staff)" clerk1 "feedback records the clerk"
call_err clerk1 feedback.add "{\"member_id\":$id1,\"kind\":\"meh\",\"text\":\"x\"}" invalid kind
call_err clerk1 feedback.add "{\"member_id\":$id1,\"kind\":\"bad\",\"text\":\"\"}" invalid text
call_err clerk1 feedback.add '{"member_id":999,"kind":"bad","text":"x"}' not_found member_id
assert_eq "$(jget "$(call clerk1 member.get "{\"id\":$id1}")" '.feedback|length')" 1 "feedback on the profile"
assert_eq "$(jget "$(call clerk1 feedback.list "{\"member_id\":$id1}")" '.items[0].kind')" good "feedback.list"

# Archive: hidden from search, refused twice, no new pets.
call clerk1 member.archive "{\"id\":$id1,\"reason\":\"moved away\",\"approver\":\"admin\",\"approver_password\":\"$ADMIN_PW\"}" >/dev/null
s=$(call clerk1 member.search '{"q":"张伟"}')
assert_eq "$(jget "$s" .total)" 1 "archived member hidden"
s=$(call clerk1 member.search '{"q":"张伟","include_archived":true}')
assert_eq "$(jget "$s" .total)" 2 "archived shown on request"
call_err clerk1 member.archive "{\"id\":$id1,\"approver\":\"admin\",\"approver_password\":\"$ADMIN_PW\"}" conflict id
call_err clerk1 pet.create "{\"member_id\":$id1,\"name\":\"x\",\"species\":\"cat\"}" invalid member_id
call_err clerk1 member.update "{\"id\":$id1,\"name\":\"x\"}" conflict id
echo ok

# pet.create, pet.get, pet.update, pet.list through paw call: species, sex,
# dates (not in the future, adoption after birth), weight, microchip, the
# owner (must exist, must be active), the search index kept in step, audit
# rows, roles, and the database as it was after every refused call.
. "$(dirname "$0")/../lib.sh"
start_server
mkstaff clerk1 clerk HQ clerk-pw-1
mkstaff help support HQ support-pw-1

snapshot() {
	db_query "SELECT (SELECT count(*) FROM pet) || '/' ||
	    (SELECT count(*) FROM member_gram) || '/' ||
	    (SELECT count(*) FROM audit WHERE method NOT LIKE 'session.%') || '/' ||
	    (SELECT group_concat(updated) FROM pet)"
}
tomorrow=$(TZ=Asia/Shanghai date -d tomorrow +%F)
today=$(TZ=Asia/Shanghai date +%F)

mid=$(jget "$(call clerk1 member.create '{"name":"陈静","phone":"13600136000"}')" .id)
mid2=$(jget "$(call clerk1 member.create '{"name":"周杰","phone":"13600136001"}')" .id)

# ---- create ----
p=$(call clerk1 pet.create "{\"member_id\":$mid,\"name\":\" 旺财 \",\"species\":\"dog\",\"breed\":\"柯基\",\"sex\":\"male\",\"neutered\":true,\"birth_date\":\"2021-03-04\",\"colour\":\"黄白\",\"weight_g\":11000,\"microchip\":\"156012345678901\",\"adoption_date\":\"2021-06-01\",\"adoption_source\":\"本店领养\",\"health\":\"健康\",\"photo\":\"pets/wangcai.jpg\",\"note\":\"怕打雷\"}")
pid=$(jget "$p" .id)
assert_eq "$(jget "$p" .name)" "旺财" "name trimmed"
assert_eq "$(jget "$p" .member_id)" "$mid" "owner"
assert_eq "$(jget "$p" .breed)" "柯基" "breed"
assert_eq "$(jget "$p" .neutered)" true "neutered"
assert_eq "$(jget "$p" .weight_g)" 11000 "weight"
assert_eq "$(jget "$p" .microchip)" 156012345678901 "microchip"
assert_eq "$(jget "$p" .adopted)" true "an adoption date means adopted here"
assert_eq "$(jget "$p" .archived)" false "active"
q=$(call clerk1 pet.create "{\"member_id\":$mid,\"name\":\"Kitty\",\"species\":\"cat\",\"birth_date\":\"$today\",\"weight_g\":200000}")
qid=$(jget "$q" .id)
assert_eq "$(jget "$q" .sex)" unknown "sex defaults to unknown"
assert_eq "$(jget "$q" .neutered)" false "neutered defaults to false"
assert_eq "$(jget "$q" .adopted)" false "not adopted"
assert_eq "$(jget "$q" .microchip)" null "no microchip"
assert_eq "$(jget "$q" .birth_date)" "$today" "born today is not the future"
for s in rabbit bird fish reptile small_pet other; do
	call clerk1 pet.create "{\"member_id\":$mid2,\"name\":\"$s\",\"species\":\"$s\"}" >/dev/null || fail "species $s: $(cat "$ERRF")"
done
assert_eq "$(db_query "SELECT count(*) FROM audit WHERE method = 'pet.create'")" 8 "one audit row per pet"
assert_contains "$(db_query "SELECT after FROM audit WHERE method = 'pet.create' AND entity_id = '$pid'")" '"microchip":"156012345678901"' "audit after"

# The owner is found by the pets' names; the profile lists them.
s=$(call clerk1 member.search '{"q":"旺财"}')
assert_eq "$(jget "$s" .items[0].id)" "$mid" "search by pet name"
assert_eq "$(jget "$s" .items[0].pets)" "旺财, Kitty" "pet names summarised"
assert_eq "$(jget "$(call clerk1 member.search '{"q":"kitty"}')" .total)" 1 "pet name, Latin, any case"
m=$(call clerk1 member.get "{\"id\":$mid}")
assert_eq "$(jget "$m" '.pets|length')" 2 "pets on the profile"
assert_eq "$(jget "$m" .counts.pets)" 2 "pet count"

# ---- refused creates ----
before=$(snapshot)
call_err clerk1 pet.create "{\"member_id\":$mid,\"species\":\"cat\"}" invalid name
call_err clerk1 pet.create "{\"member_id\":$mid,\"name\":\"  \",\"species\":\"cat\"}" invalid name
call_err clerk1 pet.create "{\"member_id\":$mid,\"name\":\"$(printf '毛%.0s' {1..31})\",\"species\":\"cat\"}" invalid name
call_err clerk1 pet.create "{\"member_id\":$mid,\"name\":7,\"species\":\"cat\"}" bad_request name
call_err clerk1 pet.create "{\"member_id\":$mid,\"name\":\"x\"}" invalid species
call_err clerk1 pet.create "{\"member_id\":$mid,\"name\":\"x\",\"species\":\"dragon\"}" invalid species
call_err clerk1 pet.create "{\"member_id\":$mid,\"name\":\"x\",\"species\":\"Dog\"}" invalid species
call_err clerk1 pet.create "{\"member_id\":$mid,\"name\":\"x\",\"species\":\"cat\",\"sex\":\"m\"}" invalid sex
call_err clerk1 pet.create "{\"member_id\":$mid,\"name\":\"x\",\"species\":\"cat\",\"neutered\":\"yes\"}" bad_request neutered
call_err clerk1 pet.create "{\"member_id\":$mid,\"name\":\"x\",\"species\":\"cat\",\"birth_date\":\"2021-13-01\"}" invalid birth_date
call_err clerk1 pet.create "{\"member_id\":$mid,\"name\":\"x\",\"species\":\"cat\",\"birth_date\":\"2021/01/01\"}" invalid birth_date
call_err clerk1 pet.create "{\"member_id\":$mid,\"name\":\"x\",\"species\":\"cat\",\"birth_date\":\"$tomorrow\"}" invalid birth_date
call_err clerk1 pet.create "{\"member_id\":$mid,\"name\":\"x\",\"species\":\"cat\",\"adoption_date\":\"$tomorrow\"}" invalid adoption_date
call_err clerk1 pet.create "{\"member_id\":$mid,\"name\":\"x\",\"species\":\"cat\",\"birth_date\":\"2022-01-01\",\"adoption_date\":\"2021-12-31\"}" invalid adoption_date
call_err clerk1 pet.create "{\"member_id\":$mid,\"name\":\"x\",\"species\":\"cat\",\"weight_g\":-5}" invalid weight_g
call_err clerk1 pet.create "{\"member_id\":$mid,\"name\":\"x\",\"species\":\"cat\",\"weight_g\":200001}" invalid weight_g
call_err clerk1 pet.create "{\"member_id\":$mid,\"name\":\"x\",\"species\":\"cat\",\"weight_g\":\"5kg\"}" bad_request weight_g
call_err clerk1 pet.create "{\"member_id\":$mid,\"name\":\"x\",\"species\":\"cat\",\"microchip\":\"12ab\"}" invalid microchip
call_err clerk1 pet.create "{\"member_id\":$mid,\"name\":\"x\",\"species\":\"cat\",\"microchip\":\"15601234567890\"}" invalid microchip
call_err clerk1 pet.create "{\"member_id\":$mid,\"name\":\"x\",\"species\":\"cat\",\"microchip\":\"1560123456789012\"}" invalid microchip
call_err clerk1 pet.create "{\"member_id\":$mid2,\"name\":\"x\",\"species\":\"cat\",\"microchip\":\"156012345678901\"}" conflict microchip
call_err clerk1 pet.create "{\"member_id\":$mid,\"name\":\"x\",\"species\":\"cat\",\"breed\":\"$(printf 'b%.0s' {1..41})\"}" invalid breed
call_err clerk1 pet.create '{"member_id":999,"name":"x","species":"cat"}' not_found member_id
call_err clerk1 pet.create '{"name":"x","species":"cat"}' invalid member_id
call_err clerk1 pet.create '{"member_id":"1","name":"x","species":"cat"}' bad_request member_id
call_err help pet.create "{\"member_id\":$mid,\"name\":\"x\",\"species\":\"cat\"}" forbidden
assert_eq "$(snapshot)" "$before" "refused pets wrote nothing"

# ---- get and list ----
assert_eq "$(jget "$(call clerk1 pet.get "{\"id\":$pid}")" .colour)" "黄白" "pet.get"
call_err clerk1 pet.get '{"id":999}' not_found id
call_err clerk1 pet.get '{}' invalid id
call_err help pet.get "{\"id\":$pid}" forbidden
l=$(call clerk1 pet.list "{\"member_id\":$mid}")
assert_eq "$(jget "$l" '.items|length')" 2 "pet.list"
assert_eq "$(jget "$l" .items[0].id)" "$pid" "oldest first"
assert_eq "$(jget "$(call clerk1 pet.list "{\"member_id\":$mid2}")" '.items|length')" 6 "pet.list of another member"
call_err clerk1 pet.list '{"member_id":999}' not_found member_id
call_err help pet.list "{\"member_id\":$mid}" forbidden

# ---- update ----
p=$(call clerk1 pet.update "{\"id\":$pid,\"name\":\"来福\",\"weight_g\":12000,\"microchip\":\"\"}")
assert_eq "$(jget "$p" .name)" "来福" "renamed"
assert_eq "$(jget "$p" .weight_g)" 12000 "weight"
assert_eq "$(jget "$p" .microchip)" null "microchip cleared"
assert_eq "$(jget "$p" .breed)" "柯基" "breed untouched"
assert_eq "$(jget "$p" .birth_date)" 2021-03-04 "birth date untouched"
assert_eq "$(jget "$(call clerk1 member.search '{"q":"来福"}')" .total)" 1 "new pet name indexed"
assert_eq "$(jget "$(call clerk1 member.search '{"q":"旺财"}')" .total)" 0 "old pet name gone from the index"
assert_eq "$(jget "$(call clerk1 member.search '{"q":"陈静"}')" .total)" 1 "owner's own name still indexed"
row=$(db_query "SELECT before || ' -> ' || after FROM audit WHERE method = 'pet.update'")
assert_contains "$row" '"name":"旺财"' "audit before"
assert_contains "$row" '"name":"来福"' "audit after"
call clerk1 pet.update "{\"id\":$qid,\"microchip\":\"156012345678901\"}" >/dev/null || fail "a freed microchip can be reused: $(cat "$ERRF")"
before=$(snapshot)
call_err clerk1 pet.update "{\"id\":$pid,\"microchip\":\"156012345678901\"}" conflict microchip
call_err clerk1 pet.update "{\"id\":$pid,\"adoption_date\":\"2020-01-01\"}" invalid adoption_date
call_err clerk1 pet.update "{\"id\":$pid,\"birth_date\":\"2021-07-01\"}" invalid adoption_date
call_err clerk1 pet.update "{\"id\":$pid,\"birth_date\":\"$tomorrow\"}" invalid birth_date
call_err clerk1 pet.update "{\"id\":$pid,\"species\":\"unicorn\"}" invalid species
call_err clerk1 pet.update "{\"id\":$pid,\"name\":\"\"}" invalid name
call_err clerk1 pet.update "{\"id\":$pid,\"weight_g\":1000000}" invalid weight_g
call_err clerk1 pet.update "{\"id\":$pid,\"member_id\":$mid2}" bad_request
call_err clerk1 pet.update '{"id":999,"name":"x"}' not_found id
call_err help pet.update "{\"id\":$pid,\"name\":\"x\"}" forbidden
assert_eq "$(snapshot)" "$before" "refused updates wrote nothing"
p=$(call clerk1 pet.update "{\"id\":$pid,\"birth_date\":\"\",\"adoption_date\":\"\",\"adopted\":false}")
assert_eq "$(jget "$p" .birth_date)" null "birth date cleared"
assert_eq "$(jget "$p" .adopted)" false "adopted cleared"

# ---- an archived owner: no new pets, no changes ----
call clerk1 member.archive "{\"id\":$mid2,\"approver\":\"admin\",\"approver_password\":\"$ADMIN_PW\"}" >/dev/null
before=$(snapshot)
call_err clerk1 pet.create "{\"member_id\":$mid2,\"name\":\"x\",\"species\":\"cat\"}" invalid member_id
opid=$(db_query "SELECT min(id) FROM pet WHERE member_id = $mid2")
call_err clerk1 pet.update "{\"id\":$opid,\"name\":\"x\"}" conflict id
assert_eq "$(snapshot)" "$before" "nothing written for an archived owner"
assert_eq "$(jget "$(call clerk1 pet.list "{\"member_id\":$mid2}")" '.items|length')" 6 "their pets are still listed"
# The gram counts agree with the grams.
bad=$(db_query "SELECT count(*) FROM member_gram_count c WHERE
    n != (SELECT count(*) FROM member_gram g WHERE g.gram = c.gram) OR
    live != (SELECT count(*) FROM member_gram g WHERE g.gram = c.gram AND g.archived = 0)")
assert_eq "$bad" 0 "member_gram_count in step with member_gram"
assert_eq "$(db_query "SELECT count(*) FROM member_gram g WHERE NOT EXISTS (SELECT 1 FROM member_gram_count c WHERE c.gram = g.gram)")" 0 "every gram counted"
echo ok

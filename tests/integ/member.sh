# member.create, member.get, member.update, member.archive through paw call:
# good and bad input naming the field, card numbers and referral codes,
# duplicate phones naming the card, audit rows, roles, and the database as
# it was after every refused call.
. "$(dirname "$0")/../lib.sh"
start_server
mkstaff clerk1 clerk HQ clerk-pw-1
mkstaff help support HQ support-pw-1
call admin branch.create '{"code":"SH1","name":"上海一店"}' >/dev/null

# Luhn check of a card number.
luhn_ok() {
	/usr/bin/python3 -c '
import sys
d = [int(c) for c in sys.argv[1]][::-1]
s = sum(d[0::2]) + sum(sum(divmod(2 * x, 10)) for x in d[1::2])
sys.exit(0 if s % 10 == 0 else 1)' "$1"
}
# A valid card number made of "8", the 9 digits given and a check digit.
mkcard() {
	/usr/bin/python3 -c '
import sys
b = "8" + sys.argv[1]
for c in "0123456789":
    d = [int(x) for x in b + c][::-1]
    if (sum(d[0::2]) + sum(sum(divmod(2 * x, 10)) for x in d[1::2])) % 10 == 0:
        print(b + c)' "$1"
}
snapshot() {
	db_query "SELECT (SELECT count(*) FROM member) || '/' ||
	    (SELECT count(*) FROM member_gram) || '/' ||
	    (SELECT count(*) FROM audit WHERE method NOT LIKE 'session.%') || '/' ||
	    (SELECT group_concat(updated) FROM member)"
}

# ---- create ----
m1=$(call clerk1 member.create '{"name":"　 张伟 ","phone":"138 0013-8000","birthday":"1990-05-01","gender":"male","tags":["vip","猫"," vip "],"consent":true,"address":"北京市朝阳区","note":"喜欢猫粮\n周末来"}')
id1=$(jget "$m1" .id) card1=$(jget "$m1" .card_no)
assert_eq "$(jget "$m1" .name)" "张伟" "name trimmed, ideographic space too"
assert_eq "$(jget "$m1" .phone)" 13800138000 "phone normalised, unmasked for the creator"
[[ $card1 =~ ^8[0-9]{10}$ ]] || fail "card number shape: $card1"
luhn_ok "$card1" || fail "card number check digit: $card1"
[[ $(jget "$m1" .referral_code) =~ ^[A-Z0-9]{6,8}$ ]] || fail "referral code: $(jget "$m1" .referral_code)"
assert_eq "$(jget "$m1" .tags)" '["vip", "猫"]' "tags trimmed, repeats dropped"
assert_eq "$(jget "$m1" .branch)" HQ "branch defaults to the device's"
assert_eq "$(jget "$m1" .consent)" true "consent"
assert_eq "$(jget "$m1" .birthday)" 1990-05-01 "birthday"
assert_eq "$(jget "$m1" .archived)" false "active"
assert_eq "$(jget "$m1" '.pets|length')" 0 "no pets yet"
assert_eq "$(jget "$m1" .counts.pets)" 0 "counts"
assert_eq "$(db_query "SELECT phone4 FROM member WHERE id = $id1")" 8000 "phone4 kept"
row=$(db_query "SELECT entity || ' ' || entity_id || ' ' || staff FROM audit WHERE method = 'member.create'")
assert_eq "$row" "member $id1 clerk1" "audit row of the create"
assert_contains "$(db_query "SELECT after FROM audit WHERE method = 'member.create'")" '"phone":"13800138000"' "audit after"

m2=$(call clerk1 member.create "{\"name\":\"Wang Fang\",\"phone\":\"+44 20 7946 0958\",\"branch\":\"SH1\",\"referral_code\":\" $(jget "$m1" .referral_code | tr A-Z a-z)\"}")
id2=$(jget "$m2" .id)
assert_eq "$(jget "$m2" .phone)" +442079460958 "international phone"
assert_eq "$(jget "$m2" .branch)" SH1 "branch given"
assert_eq "$(jget "$m2" .referred_by)" "$id1" "referral code (case and blanks ignored)"
assert_eq "$(jget "$m2" .birthday)" null "no birthday"
m3=$(call clerk1 member.create '{"name":"李伟","phone":"+86 137 0013 7000"}')
id3=$(jget "$m3" .id)
assert_eq "$(jget "$m3" .phone)" 13700137000 "+86 is domestic"
card=$(mkcard 123456789)
m4=$(call clerk1 member.create "{\"name\":\"$(printf '长%.0s' {1..40})\",\"phone\":\"19912345678\",\"card_no\":\"$card\"}")
assert_eq "$(jget "$m4" .card_no)" "$card" "client-supplied card number"
id4=$(jget "$m4" .id)

# ---- refused creates: the field named, nothing written ----
before=$(snapshot)
call_err clerk1 member.create '{"phone":"13700000001"}' invalid name
call_err clerk1 member.create '{"name":"  ","phone":"13700000001"}' invalid name
call_err clerk1 member.create '{"name":"　","phone":"13700000001"}' invalid name
call_err clerk1 member.create '{"name":"王\n五","phone":"13700000001"}' invalid name
call_err clerk1 member.create "{\"name\":\"$(printf '长%.0s' {1..41})\",\"phone\":\"13700000001\"}" invalid name
call_err clerk1 member.create '{"name":123,"phone":"13700000001"}' bad_request name
call_err clerk1 member.create '{"name":null,"phone":"13700000001"}' bad_request name
call_err clerk1 member.create '{"name":"王五"}' invalid phone
call_err clerk1 member.create '{"name":"王五","phone":""}' invalid phone
call_err clerk1 member.create '{"name":"王五","phone":"12345"}' invalid phone
call_err clerk1 member.create '{"name":"王五","phone":"12800000000"}' invalid phone
call_err clerk1 member.create '{"name":"王五","phone":"1380013800a"}' invalid phone
call_err clerk1 member.create '{"name":"王五","phone":"138001380001"}' invalid phone
call_err clerk1 member.create '{"name":"王五","phone":"+86 12345"}' invalid phone
call_err clerk1 member.create '{"name":"王五","phone":"+0441234567"}' invalid phone
call_err clerk1 member.create '{"name":"王五","phone":"+123456"}' invalid phone
call_err clerk1 member.create '{"name":"王五","phone":"+1234567890123456"}' invalid phone
call_err clerk1 member.create '{"name":"王五","phone":13700000001}' bad_request phone
call_err clerk1 member.create '{"name":"王五","phone":"13700000001","birthday":"1990-02-30"}' invalid birthday
call_err clerk1 member.create '{"name":"王五","phone":"13700000001","birthday":"01/02/1990"}' invalid birthday
call_err clerk1 member.create '{"name":"王五","phone":"13700000001","birthday":"2999-01-01"}' invalid birthday
call_err clerk1 member.create '{"name":"王五","phone":"13700000001","gender":"x"}' invalid gender
call_err clerk1 member.create '{"name":"王五","phone":"13700000001","branch":"XX"}' invalid branch
call_err clerk1 member.create '{"name":"王五","phone":"13700000001","tags":[1]}' bad_request 'tags[0]'
call_err clerk1 member.create '{"name":"王五","phone":"13700000001","tags":"vip"}' bad_request tags
call_err clerk1 member.create '{"name":"王五","phone":"13700000001","tags":[""]}' invalid 'tags[0]'
call_err clerk1 member.create "{\"name\":\"王五\",\"phone\":\"13700000001\",\"tags\":[$(seq -s, 1 21 | sed 's/[0-9]*/"t&"/g')]}" invalid tags
call_err clerk1 member.create '{"name":"王五","phone":"13700000001","consent":"yes"}' bad_request consent
call_err clerk1 member.create '{"name":"王五","phone":"13700000001","card_no":"81234567890"}' invalid card_no
call_err clerk1 member.create '{"name":"王五","phone":"13700000001","card_no":"123"}' invalid card_no
call_err clerk1 member.create "{\"name\":\"王五\",\"phone\":\"13700000001\",\"card_no\":\"$card1\"}" conflict card_no
call_err clerk1 member.create '{"name":"王五","phone":"13700000001","referral_code":"NOPE"}' invalid referral_code
call_err clerk1 member.create "{\"name\":\"王五\",\"phone\":\"13700000001\",\"address\":\"$(printf 'a%.0s' {1..201})\"}" invalid address
call_err clerk1 member.create '{"name":"王五","phone":"13700000001","colour":"red"}' bad_request
call_err clerk1 member.create '{"name":"重复","phone":"13800138000"}' conflict phone
assert_contains "$(cat "$ERRF")" "$card1" "duplicate phone names the existing card"
assert_eq "$(jget "$(cat "$ERRF")" .card_no)" "$card1" "the card as its own key"
assert_eq "$(jget "$(cat "$ERRF")" .archived)" false "an active member"
call_err clerk1 member.create '{"name":"重复","phone":"+86 138-0013-8000"}' conflict phone
assert_contains "$(cat "$ERRF")" "phone already belongs to member $card1" "message"
call_err help member.create '{"name":"王五","phone":"13700000001"}' forbidden
assert_eq "$(snapshot)" "$before" "refused creates wrote nothing"

# ---- get ----
out=$(call clerk1 member.get "{\"card_no\":\"$card1\"}")
assert_eq "$(jget "$out" .id)" "$id1" "get by card"
assert_eq "$(jget "$out" .phone)" 13800138000 "get shows the full phone"
assert_eq "$(jget "$out" .note)" "喜欢猫粮
周末来" "a note keeps its lines"
out=$(call clerk1 member.get "{\"id\":$id2}")
assert_eq "$(jget "$out" .name)" "Wang Fang" "get by id"
for k in id card_no name phone birthday address gender branch consent tags note referral_code archived created updated pets feedback counts; do
	/usr/bin/python3 -c 'import json,sys; sys.exit(0 if sys.argv[2] in json.loads(sys.argv[1]) else 1)' "$out" "$k" || fail "member.get lacks $k"
done
call_err clerk1 member.get '{"id":999}' not_found id
call_err clerk1 member.get '{"card_no":"80000000000"}' not_found card_no
call_err clerk1 member.get '{}' invalid id
call_err clerk1 member.get '{"id":"1"}' bad_request id
call_err help member.get "{\"id\":$id1}" forbidden

# ---- update: partial, checked, indexed, audited ----
u=$(call clerk1 member.update "{\"id\":$id3,\"name\":\" 李伟强 \",\"address\":\"上海市\",\"tags\":[\"new\"],\"consent\":true}")
assert_eq "$(jget "$u" .name)" "李伟强" "renamed, trimmed"
assert_eq "$(jget "$u" .phone)" 13700137000 "phone untouched"
assert_eq "$(jget "$u" .address)" "上海市" "address"
assert_eq "$(jget "$u" .tags)" '["new"]' "tags replaced"
assert_eq "$(jget "$(call clerk1 member.search '{"q":"伟强"}')" .total)" 1 "new name indexed"
assert_eq "$(jget "$(call clerk1 member.search '{"q":"李伟"}')" .total)" 1 "李伟 still a substring of 李伟强"
u=$(call clerk1 member.update "{\"id\":$id1,\"birthday\":\"\",\"phone\":\"138 0013 8000\"}")
assert_eq "$(jget "$u" .birthday)" null "birthday cleared"
assert_eq "$(jget "$u" .name)" "张伟" "name untouched"
u=$(call clerk1 member.update "{\"id\":$id1,\"phone\":\"13800138001\"}")
assert_eq "$(jget "$(call clerk1 member.search '{"q":"8001"}')" .items[0].id)" "$id1" "new last four digits"
assert_eq "$(jget "$(call clerk1 member.search '{"q":"8000"}')" .total)" 0 "old last four digits gone"
row=$(db_query "SELECT before || ' -> ' || after FROM audit WHERE method = 'member.update' AND entity_id = '$id3'")
assert_contains "$row" '"name":"李伟"' "audit before"
assert_contains "$row" '"name":"李伟强"' "audit after"
before=$(snapshot)
call_err clerk1 member.update "{\"id\":$id3,\"phone\":\"13800138001\"}" conflict phone
assert_contains "$(cat "$ERRF")" "$card1" "duplicate phone on update names the card"
call_err clerk1 member.update "{\"id\":$id3,\"name\":\"\"}" invalid name
call_err clerk1 member.update "{\"id\":$id3,\"phone\":\"123\"}" invalid phone
call_err clerk1 member.update "{\"id\":$id3,\"birthday\":\"2999-12-31\"}" invalid birthday
call_err clerk1 member.update "{\"id\":$id3,\"gender\":\"robot\"}" invalid gender
call_err clerk1 member.update "{\"id\":$id3,\"branch\":\"NOPE\"}" invalid branch
call_err clerk1 member.update "{\"id\":$id3,\"card_no\":\"$card\"}" bad_request
call_err clerk1 member.update '{"id":999,"name":"x"}' not_found id
call_err clerk1 member.update '{"name":"x"}' invalid id
call_err help member.update "{\"id\":$id3,\"name\":\"x\"}" forbidden
assert_eq "$(snapshot)" "$before" "refused updates wrote nothing"

# ---- archive ----
ok_by='"approver":"admin","approver_password":"admin-pass-1"'
a=$(call clerk1 member.archive "{\"id\":$id4,\"reason\":\"搬家了\",$ok_by}")
assert_eq "$(jget "$a" .archived)" true "archived"
assert_eq "$(jget "$a" .archive_reason)" "搬家了" "archive reason"
assert_eq "$(db_query "SELECT count(*) FROM member_gram WHERE member_id = $id4 AND archived = 0")" 0 "grams follow"
assert_contains "$(db_query "SELECT before FROM audit WHERE method = 'member.archive'")" '"archived":null' "audit before of the archive"
before=$(snapshot)
call_err clerk1 member.archive "{\"id\":$id4,$ok_by}" conflict id
call_err clerk1 member.archive "{\"id\":999,$ok_by}" not_found id
call_err clerk1 member.update "{\"id\":$id4,\"name\":\"x\"}" conflict id
call_err clerk1 member.create '{"name":"新人","phone":"19912345678"}' conflict phone
assert_contains "$(cat "$ERRF")" "archived member" "an archived member's phone"
assert_eq "$(jget "$(cat "$ERRF")" .archived)" true "archived as its own key"
call_err help member.archive "{\"id\":$id3}" forbidden
assert_eq "$(snapshot)" "$before" "refused archives wrote nothing"
assert_eq "$(jget "$(call clerk1 member.get "{\"id\":$id4}")" .archived)" true "get shows archived members"
# The gram counts agree with the grams.
bad=$(db_query "SELECT count(*) FROM member_gram_count c WHERE
    n != (SELECT count(*) FROM member_gram g WHERE g.gram = c.gram) OR
    live != (SELECT count(*) FROM member_gram g WHERE g.gram = c.gram AND g.archived = 0)")
assert_eq "$bad" 0 "member_gram_count in step with member_gram"
assert_eq "$(db_query "SELECT count(*) FROM member_gram g WHERE NOT EXISTS (SELECT 1 FROM member_gram_count c WHERE c.gram = g.gram)")" 0 "every gram counted"
echo ok

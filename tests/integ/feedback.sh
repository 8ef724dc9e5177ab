# feedback.add and feedback.list: praise and complaints against a member,
# with the staff member and branch recorded, shown on the profile with
# counts; bad input names the field and writes nothing.
. "$(dirname "$0")/../lib.sh"
start_server
mkstaff clerk1 clerk HQ clerk-pw-1
mkstaff help support HQ support-pw-1

snapshot() {
	db_query "SELECT (SELECT count(*) FROM feedback) || '/' ||
	    (SELECT count(*) FROM audit WHERE method NOT LIKE 'session.%')"
}
mid=$(jget "$(call clerk1 member.create '{"name":"赵敏","phone":"13500135000"}')" .id)

f=$(call clerk1 feedback.add "{\"member_id\":$mid,\"kind\":\"good\",\"text\":\"  洗护很干净 \"}")
assert_eq "$(jget "$f" .kind)" good "kind"
assert_eq "$(jget "$f" .text)" "洗护很干净" "text trimmed"
assert_eq "$(jget "$f" .staff)" clerk1 "the clerk is recorded"
assert_eq "$(jget "$f" .branch)" HQ "the branch is recorded"
assert_eq "$(jget "$f" .member_id)" "$mid" "member"
fid=$(jget "$f" .id)
assert_eq "$(db_query "SELECT entity || ' ' || entity_id FROM audit WHERE method = 'feedback.add'")" "feedback $fid" "audit row"
for i in 1 2 3 4 5 6 7 8 9 10 11; do
	call clerk1 feedback.add "{\"member_id\":$mid,\"kind\":\"bad\",\"text\":\"等太久 $i\\n第二行\"}" >/dev/null || fail "feedback $i: $(cat "$ERRF")"
done

l=$(call clerk1 feedback.list "{\"member_id\":$mid}")
assert_eq "$(jget "$l" '.items|length')" 12 "feedback.list"
assert_eq "$(jget "$l" .items[0].text)" "等太久 11
第二行" "newest first, lines kept"
assert_eq "$(jget "$(call clerk1 feedback.list "{\"member_id\":$mid,\"limit\":2}")" '.items|length')" 2 "limit"
m=$(call clerk1 member.get "{\"id\":$mid}")
assert_eq "$(jget "$m" '.feedback|length')" 10 "the profile shows the 10 newest"
assert_eq "$(jget "$m" .counts.feedback)" 12 "count of all feedback"
assert_eq "$(jget "$m" .counts.good)" 1 "count of praise"
assert_eq "$(jget "$m" .counts.bad)" 11 "count of complaints"

before=$(snapshot)
call_err clerk1 feedback.add "{\"member_id\":$mid,\"kind\":\"meh\",\"text\":\"x\"}" invalid kind
call_err clerk1 feedback.add "{\"member_id\":$mid,\"kind\":\"GOOD\",\"text\":\"x\"}" invalid kind
call_err clerk1 feedback.add "{\"member_id\":$mid,\"text\":\"x\"}" invalid kind
call_err clerk1 feedback.add "{\"member_id\":$mid,\"kind\":\"bad\",\"text\":\"\"}" invalid text
call_err clerk1 feedback.add "{\"member_id\":$mid,\"kind\":\"bad\",\"text\":\"   \"}" invalid text
call_err clerk1 feedback.add "{\"member_id\":$mid,\"kind\":\"bad\"}" invalid text
call_err clerk1 feedback.add "{\"member_id\":$mid,\"kind\":\"bad\",\"text\":\"$(printf '差%.0s' {1..501})\"}" invalid text
call_err clerk1 feedback.add "{\"member_id\":$mid,\"kind\":\"bad\",\"text\":42}" bad_request text
call_err clerk1 feedback.add '{"member_id":999,"kind":"bad","text":"x"}' not_found member_id
call_err clerk1 feedback.add '{"kind":"bad","text":"x"}' invalid member_id
call_err help feedback.add "{\"member_id\":$mid,\"kind\":\"good\",\"text\":\"x\"}" forbidden
assert_eq "$(snapshot)" "$before" "refused feedback wrote nothing"
call_err clerk1 feedback.list '{"member_id":999}' not_found member_id
call_err clerk1 feedback.list "{\"member_id\":$mid,\"limit\":0}" invalid limit
call_err clerk1 feedback.list "{\"member_id\":$mid,\"limit\":\"5\"}" bad_request limit
call_err help feedback.list "{\"member_id\":$mid}" forbidden

# An archived member's history stays readable.
call clerk1 member.archive "{\"id\":$mid,\"reason\":\"closed\",\"approver\":\"admin\",\"approver_password\":\"$ADMIN_PW\"}" >/dev/null
assert_eq "$(jget "$(call clerk1 feedback.list "{\"member_id\":$mid}")" '.items|length')" 12 "archived member's feedback"
echo ok

# member.search: card number, full phone, last four digits, a prefix of
# either, member and pet names (2-character and 1-character Chinese, Latin
# in any case), masked phones, paging with a total that stops counting at
# 1000, archived members hidden unless asked for, roles.
. "$(dirname "$0")/../lib.sh"
start_server
mkstaff clerk1 clerk HQ clerk-pw-1
mkstaff help support HQ support-pw-1

mk() {	# NAME PHONE -> id
	local out
	out=$(call clerk1 member.create "{\"name\":\"$1\",\"phone\":\"$2\"}") || fail "create $1: $(cat "$ERRF")"
	jget "$out" .id
}
ids() {	# JSON -> sorted ids of its items
	/usr/bin/python3 -c 'import json,sys; print(" ".join(sorted(str(i["id"]) for i in json.loads(sys.argv[1])["items"])))' "$1"
}
search() { call clerk1 member.search "$1" || fail "member.search $1: $(cat "$ERRF")"; }

zw=$(mk 张伟 13800138000)
zwh=$(mk 张伟华 13900135678)
lw=$(mk 李伟 13700137000)
wf=$(mk "Wang Fang" +4915112345678)
wf2=$(mk 王芳 13600135678)
card=$(jget "$(call clerk1 member.get "{\"id\":$zw}")" .card_no)
call clerk1 pet.create "{\"member_id\":$lw,\"name\":\"豆豆\",\"species\":\"cat\"}" >/dev/null
call clerk1 pet.create "{\"member_id\":$wf2,\"name\":\"Lucky\",\"species\":\"dog\"}" >/dev/null

s=$(search "{\"q\":\"$card\"}")
assert_eq "$(ids "$s")" "$zw" "by card"
assert_eq "$(jget "$s" .total)" 1 "total by card"
assert_eq "$(jget "$s" .total_capped)" false "not capped"
assert_eq "$(ids "$(search '{"q":"13900135678"}')")" "$zwh" "by full phone"
assert_eq "$(ids "$(search '{"q":"+86 139-0013-5678"}')")" "$zwh" "by full phone, +86 and dashes"
assert_eq "$(ids "$(search '{"q":"+4915112345678"}')")" "$wf" "by an international phone"
s=$(search '{"q":"5678"}')
assert_eq "$(ids "$s")" "$(echo "$zwh $wf2 $wf" | tr ' ' '\n' | sort | tr '\n' ' ' | sed 's/ $//')" "by last four digits"
assert_eq "$(jget "$s" .total)" 3 "total by last four digits"
s=$(search '{"q":"8000"}')
assert_eq "$(jget "$s" .items[0].phone)" "138****8000" "phones masked in lists"
assert_eq "$(jget "$s" .items[0].card_no)" "$card" "card in lists"
assert_eq "$(jget "$s" .items[0].branch)" HQ "branch in lists"
assert_eq "$(jget "$s" .items[0].archived)" false "archived flag in lists"
assert_eq "$(jget "$(search '{"q":"+4915112345678"}')" .items[0].phone)" "+49****5678" "international phone masked"
assert_eq "$(ids "$(search '{"q":"1380013"}')")" "$zw" "phone prefix"
assert_eq "$(ids "$(search "{\"q\":\"${card:0:7}\"}")")" "$zw" "card prefix"
assert_eq "$(jget "$(search '{"q":"80000000000"}')" .total)" 0 "a card nobody has"

# Names: 张伟 is in 张伟 and 张伟华, not in 李伟.
assert_eq "$(ids "$(search '{"q":"张伟"}')")" "$zw $zwh" "2-character Chinese name"
assert_eq "$(ids "$(search '{"q":" 张伟 "}')")" "$zw $zwh" "query trimmed"
assert_eq "$(ids "$(search '{"q":"伟"}')")" "$zw $zwh $lw" "1 character"
assert_eq "$(ids "$(search '{"q":"张伟华"}')")" "$zwh" "3 characters"
assert_eq "$(ids "$(search '{"q":"伟华"}')")" "$zwh" "inside a name"
assert_eq "$(jget "$(search '{"q":"华张"}')" .total)" 0 "characters out of order"
assert_eq "$(jget "$(search '{"q":"张伟伟"}')" .total)" 0 "a longer name nobody has"
assert_eq "$(ids "$(search '{"q":"wang f"}')")" "$wf" "Latin, with a space"
assert_eq "$(ids "$(search '{"q":"WANG"}')")" "$wf" "Latin, any case"
assert_eq "$(ids "$(search '{"q":"ng fa"}')")" "$wf" "Latin, inside a name"
assert_eq "$(ids "$(search '{"q":"王"}')")" "$wf2" "王 is not Wang"
assert_eq "$(ids "$(search '{"q":"豆豆"}')")" "$lw" "pet name"
s=$(search '{"q":"luck"}')
assert_eq "$(ids "$s")" "$wf2" "pet name, Latin, any case"
assert_eq "$(jget "$s" .items[0].pets)" "Lucky" "pet names in lists"
assert_eq "$(jget "$(search '{"q":"nobody"}')" '.items|length')" 0 "no match"
assert_eq "$(jget "$(search '{}')" .total)" 5 "no query: the newest members"
assert_eq "$(jget "$(search '{}')" .items[0].id)" "$wf2" "newest first"

# Paging.
p0=$(search '{"q":"伟","limit":2}')
p1=$(search '{"q":"伟","limit":2,"offset":2}')
assert_eq "$(jget "$p0" '.items|length')" 2 "first page"
assert_eq "$(jget "$p1" '.items|length')" 1 "last page"
assert_eq "$(jget "$p1" .total)" 3 "total with paging"
assert_eq "$(echo "$(ids "$p0") $(ids "$p1")" | tr ' ' '\n' | sort -u | wc -l)" 3 "pages do not overlap"
call_err clerk1 member.search '{"q":"x","limit":0}' invalid limit
call_err clerk1 member.search '{"q":"x","limit":101}' invalid limit
call_err clerk1 member.search '{"q":"x","limit":4294967297}' invalid limit
call_err clerk1 member.search '{"q":"x","offset":-1}' invalid offset
call_err clerk1 member.search '{"q":"x","limit":"5"}' bad_request limit
call_err clerk1 member.search '{"q":5}' bad_request q
call_err clerk1 member.search "{\"q\":\"$(printf '长%.0s' {1..41})\"}" invalid q
call_err clerk1 member.search '{"q":"x","sort":"name"}' bad_request
call_err help member.search '{"q":"张伟"}' forbidden
assert_eq "$(jget "$(search '{"q":"x","limit":100}')" .total)" 0 "limit 100 is allowed"

# Archived members are hidden unless asked for.
call clerk1 member.archive "{\"id\":$zw,\"reason\":\"moved\",\"approver\":\"admin\",\"approver_password\":\"$ADMIN_PW\"}" >/dev/null
assert_eq "$(ids "$(search '{"q":"张伟"}')")" "$zwh" "archived hidden by name"
assert_eq "$(jget "$(search "{\"q\":\"$card\"}")" .total)" 0 "archived hidden by card"
assert_eq "$(jget "$(search '{"q":"8000"}')" .total)" 0 "archived hidden by last four digits"
assert_eq "$(jget "$(search '{"q":"13800138000"}')" .total)" 0 "archived hidden by phone"
s=$(search '{"q":"张伟","include_archived":true}')
assert_eq "$(ids "$s")" "$zw $zwh" "archived shown on request"
assert_eq "$(jget "$(search '{"q":"8000","include_archived":true}')" .items[0].archived)" true "flagged"

# A common name: the total stops counting at 1000.
for i in $(seq 1 1005); do
	printf 'member.create {"name":"常见名%d","phone":"155%08d"}\n' "$i" "$i"
done >"$T/batch"
PAW_PASSWORD=clerk-pw-1 "$PAW" call --user clerk1 --batch <"$T/batch" >"$T/batch.out" 2>"$ERRF" || fail "batch: $(cat "$ERRF")"
assert_eq "$(grep -c '"card_no"' "$T/batch.out")" 1005 "1005 members signed up"
s=$(search '{"q":"常见"}')
assert_eq "$(jget "$s" .total)" 1000 "total stops at 1000"
assert_eq "$(jget "$s" .total_capped)" true "and says so"
assert_eq "$(jget "$s" '.items|length')" 20 "default page of 20"
s=$(search '{"q":"常见名100"}')
assert_eq "$(jget "$s" .total)" 7 "常见名100 and 常见名1000-1005"
assert_eq "$(jget "$s" .total_capped)" false "a narrower query is counted exactly"
# The gram counts agree with the grams.
bad=$(db_query "SELECT count(*) FROM member_gram_count c WHERE
    n != (SELECT count(*) FROM member_gram g WHERE g.gram = c.gram) OR
    live != (SELECT count(*) FROM member_gram g WHERE g.gram = c.gram AND g.archived = 0)")
assert_eq "$bad" 0 "member_gram_count in step with member_gram"
assert_eq "$(db_query "SELECT count(*) FROM member_gram g WHERE NOT EXISTS (SELECT 1 FROM member_gram_count c WHERE c.gram = g.gram)")" 0 "every gram counted"
echo ok

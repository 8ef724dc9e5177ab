# A list the database cannot produce is an internal error, never an empty
# success: with a table gone from under a running pawd, feedback.list, the
# profile that shows feedback and pet.list answer internal, and the server
# goes on serving once it is back.
. "$(dirname "$0")/../lib.sh"
start_server
mkstaff clerk1 clerk HQ clerk-pw-1
mid=$(jget "$(call clerk1 member.create '{"name":"林","phone":"13300000001"}')" .id)
call clerk1 feedback.add "{\"member_id\":$mid,\"kind\":\"good\",\"text\":\"好\"}" >/dev/null
assert_eq "$(jget "$(call clerk1 feedback.list "{\"member_id\":$mid}")" '.items|length')" 1 "listed"
hide() { sqlite3 "$DATA/paw.db" "ALTER TABLE $1 RENAME TO $1_gone"; }
back() { sqlite3 "$DATA/paw.db" "ALTER TABLE $1_gone RENAME TO $1"; }
hide feedback
call_err clerk1 feedback.list "{\"member_id\":$mid}" internal
call_err clerk1 member.get "{\"id\":$mid}" internal
back feedback
hide pet
call_err clerk1 pet.list "{\"member_id\":$mid}" internal
back pet
assert_eq "$(jget "$(call clerk1 member.get "{\"id\":$mid}")" '.feedback|length')" 1 "served again"

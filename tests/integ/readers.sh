# Read-only methods (member.get, member.search, pet.list ...) run on reader
# threads with their own connections, or on the loop with --readers 0.  The
# answers are the same either way, a read sent right after a write in the
# same pipelined batch sees the write, and a bad --readers is refused.
. "$(dirname "$0")/../lib.sh"

batch_run() {	# LABEL: a pipelined create, then reads of it
	local out
	out=$(printf '%s\n' \
	    "member.create {\"name\":\"读者$1\",\"phone\":\"1390000000$2\"}" \
	    "member.search {\"q\":\"000$2\"}" \
	    "member.search {\"q\":\"读者$1\"}" |
	    PAW_PASSWORD=$ADMIN_PW "$PAW" call --user admin --batch 2>"$ERRF") ||
	    fail "batch ($1): $(cat "$ERRF")"
	echo "$out"
}
check_reads() {	# LABEL DIGIT
	local out id
	out=$(batch_run "$1" "$2")
	id=$(echo "$out" | sed -n 1p | jget_stdin .id)
	assert_eq "$(echo "$out" | sed -n 2p | jget_stdin .total)" 1 "$1: phone suffix sees the write"
	assert_eq "$(echo "$out" | sed -n 3p | jget_stdin .items[0].id)" "$id" "$1: name sees the write"
	assert_eq "$(jget "$(call admin member.get "{\"id\":$id}")" .name)" "读者$1" "$1: get"
	call_err admin member.get '{"id":999999}' not_found
	call_err admin member.search '{"q":"x","limit":0}' invalid limit
	assert_eq "$(jget "$(call admin pet.list "{\"member_id\":$id}")" '.items|length')" 0 "$1: pet.list"
}
jget_stdin() { jget "$(cat)" "$1"; }

start_server --readers 0
check_reads loop 1
restart_server --readers 3
check_reads threads 2
# The default: two readers per CPU.
restart_server
check_reads default 3
stop_server
if "$PAWD" serve "$DATA" --readers -1 >/dev/null 2>"$T/bad"; then
	fail "--readers -1 accepted"
fi
assert_contains "$(cat "$T/bad")" "usage" "bad --readers refused with the usage"
echo "readers: ok"

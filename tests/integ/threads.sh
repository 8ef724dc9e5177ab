# Sessions are dealt to one event loop per CPU (--threads N); each loop runs
# the read-only methods (member.get, member.search, pet.list ...) on a
# connection of its own.  The answers are the same with one loop or many, a
# read sent right after a write in the same pipelined batch sees the write
# on whichever loop it lands, and a bad --threads is refused.
. "$(dirname "$0")/../lib.sh"

batch_run() {	# LABEL DIGITS: a pipelined create, then reads of it
	local out
	out=$(printf '%s\n' \
	    "member.create {\"name\":\"读者$1\",\"phone\":\"139000000$2\"}" \
	    "member.search {\"q\":\"00$2\"}" \
	    "member.search {\"q\":\"读者$1\"}" |
	    PAW_PASSWORD=$ADMIN_PW "$PAW" call --user admin --batch 2>"$ERRF") ||
	    fail "batch ($1): $(cat "$ERRF")"
	echo "$out"
}
check_reads() {	# LABEL DIGIT: three batches, on three loops in turn
	local out id k
	for k in 1 2 3; do
		out=$(batch_run "$1$k" "$2$k")
		id=$(echo "$out" | sed -n 1p | jget_stdin .id)
		assert_eq "$(echo "$out" | sed -n 2p | jget_stdin .total)" 1 "$1$k: phone suffix sees the write"
		assert_eq "$(echo "$out" | sed -n 3p | jget_stdin .items[0].id)" "$id" "$1$k: name sees the write"
	done
	assert_eq "$(jget "$(call admin member.get "{\"id\":$id}")" .name)" "读者${1}3" "$1: get"
	call_err admin member.get '{"id":999999}' not_found
	call_err admin member.search '{"q":"x","limit":0}' invalid limit
	assert_eq "$(jget "$(call admin pet.list "{\"member_id\":$id}")" '.items|length')" 0 "$1: pet.list"
}
jget_stdin() { jget "$(cat)" "$1"; }

start_server --threads 1
check_reads one 1
restart_server --threads 3
check_reads three 2
# The default: one loop per CPU.
restart_server
check_reads default 3
stop_server
for bad in 0 -1 65 x; do
	if "$PAWD" serve "$DATA" --threads $bad >/dev/null 2>"$T/bad"; then
		fail "--threads $bad accepted"
	fi
	assert_contains "$(cat "$T/bad")" "usage" "--threads $bad refused with the usage"
done
echo "threads: ok"

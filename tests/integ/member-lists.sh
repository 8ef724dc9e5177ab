# The TCP server keeps the fields of result lists in memory (server/hits.c).
# They follow the database whoever writes it: a change made through another
# pawd (an SSH session's pawd --stdio) shows in the server's next search; a
# server that finds the change log cut short of what it has seen, or gone
# back (a restored file), reloads the lists whole; a member too new for the
# cache is still listed; archiving and pet changes show too.
. "$(dirname "$0")/../lib.sh"

start_server
mk_fake_ssh
echo "ssh_command=$PAWD serve $DATA --stdio" >>"$PAW_HOME/paw.conf"
ssh_call() {	# METHOD JSON: through pawd --stdio, another process
	PAW_SSH=$T/fake-ssh PAW_PASSWORD=$ADMIN_PW errs_to "$ERRF" "$PAW" call \
	    --ssh clerk@hq --user admin "$1" "$2"
}
first() {	# QUERY FIELD: of the first hit
	jget "$(call admin member.search "{\"q\":\"$1\"}")" ".items[0].$2"
}

out=$(call admin member.create '{"name":"缓存甲","phone":"13900001111"}') || fail "create: $(cat "$ERRF")"
id=$(jget "$out" .id)
assert_eq "$(first 缓存 name)" 缓存甲 "a new member is listed"

# Renamed by another process: the server's list shows the new name.
ssh_call member.update "{\"id\":$id,\"name\":\"缓存乙\"}" >/dev/null || fail "ssh update: $(cat "$ERRF")"
assert_eq "$(first 1111 name)" 缓存乙 "a rename made through pawd --stdio"
# A pet added elsewhere shows in the list's pet names.
ssh_call pet.create "{\"member_id\":$id,\"name\":\"豆豆\",\"species\":\"dog\"}" >/dev/null ||
	fail "ssh pet: $(cat "$ERRF")"
assert_eq "$(first 1111 pets)" 豆豆 "a pet added through pawd --stdio"
# Archived elsewhere: gone from the live list, marked in the full one.
ssh_call member.archive "{\"id\":$id,\"reason\":\"moved\"}" >/dev/null || fail "ssh archive: $(cat "$ERRF")"
assert_eq "$(jget "$(call admin member.search '{"q":"1111"}')" .total)" 0 "archived elsewhere: not live"
assert_eq "$(jget "$(call admin member.search '{"q":"1111","include_archived":true}')" .items[0].archived)" \
	true "archived elsewhere: marked"

# The log cut short of what the server has applied: it reloads whole.
call admin member.create '{"name":"缓存丙","phone":"13900002222"}' >/dev/null || fail "create 2: $(cat "$ERRF")"
assert_eq "$(first 2222 name)" 缓存丙 "second member listed"
sqlite3 "$DATA/paw.db" "UPDATE member SET name = '缓存x' WHERE phone = '13900002222';
	UPDATE member SET name = '缓存丁' WHERE phone = '13900002222';
	DELETE FROM member_change WHERE seq < (SELECT max(seq) FROM member_change)"
assert_eq "$(first 2222 name)" 缓存丁 "after a gap in the change log"
grep -q "member lists: reloading" "$T/pawd.log" || fail "no reload logged after the gap"

# The log gone back (an older file put in place): reloads again.
before=$(grep -c "member lists: reloading" "$T/pawd.log")
sqlite3 "$DATA/paw.db" "DELETE FROM member_change;
	UPDATE member SET name = '缓存戊' WHERE phone = '13900002222'"
assert_eq "$(first 2222 name)" 缓存戊 "after the log went back"
[ "$(grep -c "member lists: reloading" "$T/pawd.log")" -gt "$before" ] || fail "no reload after the log went back"

# The same answers with the cache as without it (pawd --stdio has none).
for q in 缓存 2222 1111 ""; do
	a=$(call admin member.search "{\"q\":\"$q\",\"include_archived\":true}") || fail "search $q"
	b=$(ssh_call member.search "{\"q\":\"$q\",\"include_archived\":true}") || fail "ssh search $q"
	assert_eq "$a" "$b" "search '$q' with and without the cache"
done
grep -q "member lists: .* members cached" "$T/pawd.log" || fail "no cache load logged"
echo "member-lists: ok"

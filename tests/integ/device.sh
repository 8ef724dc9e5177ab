# Devices: enrollment by code (single use, wrong code), by public key,
# unknown device refused in the handshake, a wrong pinned server key refused
# plainly, revocation cutting a live session, --stdio serving the same
# protocol, and files created 0600.
. "$(dirname "$0")/../lib.sh"
start_server

assert_eq "$(stat -c %a "$DATA/paw.db")" 600 "database mode"
assert_eq "$(stat -c %a "$DATA/server.key")" 600 "server key mode"
assert_eq "$(stat -c %a "$PAW_HOME/device.key")" 600 "device key mode"
assert_eq "$("$PAWD" pubkey "$DATA")" "$(cat "$T/pubkey")" "pubkey prints the init key"
[[ $("$PAWD" pubkey "$DATA") =~ ^[0-9a-f]{64}$ ]] || fail "pubkey is 64 lowercase hex"

# A second device with a code; the code is single use.
code=$(errs_to "$T/code.err" "$PAWD" enroll "$DATA" --branch HQ)
PAW_HOME=$T/dev2 "$PAW" enroll "127.0.0.1:$PORT" "$code" | grep -q "branch HQ" || fail "enroll dev2"
if PAW_HOME=$T/dev3 errs_to "$T/e3" "$PAW" enroll "127.0.0.1:$PORT" "$code"; then fail "code reused"; fi
assert_contains "$(cat "$T/e3")" "already used" "used code message"
# A mistyped code fails its check locally.
bad=${code%?}$( [ "${code: -1}" = 0 ] && echo 1 || echo 0 )
if PAW_HOME=$T/dev4 errs_to "$T/e4" "$PAW" enroll "127.0.0.1:$PORT" "$bad"; then fail "bad code accepted"; fi
[ ! -f "$T/dev4/paw.conf" ] || fail "failed enrollment left a config"
# No server there.
rc=0; PAW_HOME=$T/dev4 errs_to "$T/e4" "$PAW" enroll "127.0.0.1:$(free_port)" "$code" || rc=$?
assert_eq "$rc" 3 "enrolling with no server is no connection"
[ ! -f "$T/dev4/paw.conf" ] || fail "failed enrollment left a config"
errs_to "$T/e9" "$PAWD" enroll "$DATA" --branch NOPE >/dev/null && fail "enroll for a missing branch"

# By public key.
key=$(PAW_HOME=$T/dev5 errs_to "$T/e5k" "$PAW" enroll "127.0.0.1:$PORT" --server-key "$(cat "$T/pubkey")")
if PAW_HOME=$T/dev5 errs_to "$T/e5" "$PAW" call system.ping; then fail "unregistered key served"; fi
assert_contains "$(cat "$T/e5")" "not known" "unknown device message"
"$PAWD" device add "$DATA" --branch HQ --pubkey "$key" >/dev/null
PAW_HOME=$T/dev5 "$PAW" call system.ping >/dev/null || fail "added device served"
errs_to "$T/e10" "$PAWD" device add "$DATA" --branch HQ --pubkey "$key" >/dev/null && fail "same key twice"
errs_to "$T/e11" "$PAWD" device add "$DATA" --branch HQ --pubkey nothex >/dev/null && fail "bad hex key"

# A wrong pinned server key: refused, both keys named.
other=$(printf '%064d' 7)
PAW_HOME=$T/dev6 errs_to "$T/e6k" "$PAW" enroll "127.0.0.1:$PORT" --server-key "$other" >/dev/null
if PAW_HOME=$T/dev6 errs_to "$T/e6" "$PAW" call system.ping; then fail "wrong server key accepted"; fi
assert_contains "$(cat "$T/e6")" "server key mismatch" "mismatch said plainly"
assert_contains "$(cat "$T/e6")" "$other" "pinned key named"
assert_contains "$(cat "$T/e6")" "$(cat "$T/pubkey")" "presented key named"

# Revocation cuts a live session: a batch call waits on stdin while we revoke.
mkfifo "$T/fifo"
( PAW_HOME=$T/dev2 PAW_PASSWORD=$ADMIN_PW "$PAW" call --user admin --batch <"$T/fifo" >"$T/batch.out" 2>&1 || true; echo "exit" >>"$T/batch.out" ) &
exec 7>"$T/fifo"
echo "system.ping" >&7
wait_for 10 grep -q pong "$T/batch.out" || fail "batch session up"
dev2=$(db_query "SELECT max(id) FROM device WHERE revoked IS NULL AND name != ''")
call admin device.revoke "{\"id\":$dev2}" >/dev/null
echo "system.ping" >&7
exec 7>&-
wait_for 10 grep -q "exit" "$T/batch.out" || fail "batch ended: $(cat "$T/batch.out")"
cat "$T/batch.out" >&2
assert_contains "$(cat "$T/batch.out")" "disconnected" "revoked session cut"
log_has "closed: device revoked" || fail "close reason not logged: $(grep closed: "$T/pawd.log")"
if PAW_HOME=$T/dev2 errs_to "$T/e7" "$PAW" call system.ping; then fail "revoked device served"; fi
assert_contains "$(cat "$T/e7")" "revoked" "revoked said plainly"

# --stdio: the same protocol over a pipe (what ssh runs), via --ssh and a stand-in ssh.
mk_fake_ssh
echo "ssh_command=$PAWD serve $DATA --stdio" >>"$PAW_HOME/paw.conf"
out=$(PAW_SSH=$T/fake-ssh PAW_PASSWORD=$ADMIN_PW errs_to "$ERRF" "$PAW" --ssh clerk@hq call --user admin session.whoami) || fail "ssh call: $(cat "$ERRF")"
assert_eq "$(jget "$out" .staff)" admin "whoami over --stdio"

# Revoking the device one is calling from: the answer comes first, then the
# session is closed; the audit row holds the device row before and after.
code=$(errs_to "$T/code.err" "$PAWD" enroll "$DATA" --branch HQ)
PAW_HOME=$T/dev8 "$PAW" enroll "127.0.0.1:$PORT" "$code" >/dev/null
dev8=$(db_query "SELECT max(id) FROM device")
out=$(PAW_HOME=$T/dev8 PAW_PASSWORD=$ADMIN_PW errs_to "$ERRF" "$PAW" call --user admin device.revoke "{\"id\":$dev8}") \
	|| fail "revoking one's own device: $(cat "$ERRF")"
assert_eq "$(jget "$out" .revoked)" true "own device revoked, answer received"
assert_eq "$(db_query "SELECT revoked IS NOT NULL FROM device WHERE id=$dev8")" 1 "revocation committed"
row=$(db_query "SELECT json_object('staff', staff, 'device', device, 'before', json(before), 'after', json(after)) FROM audit WHERE method='device.revoke' AND entity_id='$dev8'")
assert_eq "$(jget "$row" .staff)" admin "revoke audited with the staff"
assert_eq "$(jget "$row" .device)" "$dev8" "revoke audited from the device"
assert_eq "$(jget "$row" .before.id)" "$dev8" "before is the device row"
assert_eq "$(jget "$row" .before.revoked)" null "before: not revoked"
assert_eq "$(jget "$row" .before.name)" "$(db_query "SELECT name FROM device WHERE id=$dev8")" "before: the name"
[ "$(jget "$row" .after.revoked)" -gt 0 ] || fail "after: revoked at a time ($row)"
assert_eq "$(jget "$row" .after.pubkey)" "$(jget "$row" .before.pubkey)" "after is the same row"
wait_for 10 log_has "device $dev8 revoked" || fail "revocation logged"
wait_for 10 log_has "closed: device revoked" 2 || fail "own session closed: $(grep closed: "$T/pawd.log")"
if PAW_HOME=$T/dev8 errs_to "$T/e8" "$PAW" call system.ping; then fail "own revoked device served"; fi
assert_contains "$(cat "$T/e8")" "revoked" "own revoked device refused"
echo ok

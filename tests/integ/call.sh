# paw call takes the global options (--server, --user, --lang, --ssh,
# --home) after "call" as well as before it, up to the method.
. "$(dirname "$0")/../lib.sh"
start_server
closed=$(free_port)

out=$(errs_to "$ERRF" "$PAW" call --server "127.0.0.1:$PORT" system.ping) || fail "--server after call: $(cat "$ERRF")"
assert_eq "$(jget "$out" .pong)" true "ping through --server after call"
out=$(errs_to "$ERRF" "$PAW" --server "127.0.0.1:$PORT" call system.ping) || fail "--server before call"
assert_eq "$(jget "$out" .pong)" true "ping through --server before call"
# The option is used, not paw.conf's server: a closed port is no connection.
rc=0; errs_to "$ERRF" "$PAW" call --server "127.0.0.1:$closed" system.ping >/dev/null || rc=$?
assert_eq "$rc" 3 "--server after call dials that server"

out=$(PAW_PASSWORD=$ADMIN_PW errs_to "$ERRF" "$PAW" call --server "127.0.0.1:$PORT" --user admin session.whoami) \
	|| fail "--server and --user after call: $(cat "$ERRF")"
assert_eq "$(jget "$out" .staff)" admin "--user after call"
out=$(PAW_PASSWORD=$ADMIN_PW errs_to "$ERRF" "$PAW" --user admin call --server "127.0.0.1:$PORT" session.whoami) \
	|| fail "options on both sides"
assert_eq "$(jget "$out" .staff)" admin "--user before, --server after"
out=$(echo session.whoami | PAW_PASSWORD=$ADMIN_PW errs_to "$ERRF" "$PAW" call --batch --user admin) \
	|| fail "--batch then --user: $(cat "$ERRF")"
assert_eq "$(jget "$out" .staff)" admin "--user after --batch"

# --lang after call: the usage error in Chinese.
rc=0; errs_to "$ERRF" "$PAW" call --lang zh_CN >/dev/null || rc=$?
assert_eq "$rc" 2 "call without a method is a usage error"
assert_contains "$(cat "$ERRF")" "用法" "--lang after call"

# --home after call: another device state, here none.
rc=0; errs_to "$ERRF" "$PAW" call --home "$T/nowhere" system.ping >/dev/null || rc=$?
assert_eq "$rc" 3 "--home after call"
assert_contains "$(cat "$ERRF")" "not enrolled" "--home after call reads that state"

# --ssh after call: the same protocol over pawd serve --stdio.
mk_fake_ssh
echo "ssh_command=$PAWD serve $DATA --stdio" >>"$PAW_HOME/paw.conf"
out=$(PAW_SSH=$T/fake-ssh PAW_PASSWORD=$ADMIN_PW errs_to "$ERRF" "$PAW" call --ssh clerk@hq --user admin session.whoami) \
	|| fail "--ssh after call: $(cat "$ERRF")"
assert_eq "$(jget "$out" .device_branch)" HQ "whoami over --ssh after call"

# What follows the method is its JSON, not options.
rc=0; errs_to "$ERRF" "$PAW" call system.ping --server "127.0.0.1:$PORT" >/dev/null || rc=$?
assert_eq "$rc" 2 "options after the method are a usage error"
echo ok

# The server presents another key than the one this device pinned: the
# terminal says so in a box that fits 80 columns, with both keys' short
# fingerprints in groups of four, says it may be an attack or a reinstalled
# server, and does not reconnect.  English and Chinese.
. "$(dirname "$0")/../lib.sh"
start_server

# The first 32 hex digits of a key in groups of four.
fingerprint() { echo "${1:0:32}" | sed -E 's/(....)/\1 /g; s/ $//'; }
pinned=$(printf '1%.0s' $(seq 64))
shown=$(cat "$T/pubkey")
PAW_HOME=$T/dev6 "$PAW" enroll "127.0.0.1:$PORT" --server-key "$pinned" >/dev/null 2>&1

# Connections the server saw end (one per dial; a dial that never finishes
# its handshake ends as a connection, one that does as a session).
sessions() { grep -cE "(session|connection) .* closed" "$T/pawd.log" || true; }
sessions_are() { [ "$(sessions)" -eq "$1" ]; }
sessions_more_than() { [ "$(sessions)" -gt "$1" ]; }
before=$(sessions)

PAW_HOME=$T/dev6 tui_start --user admin
tui_wait "Server key mismatch" 10
tui_wait "$(fingerprint "$shown")"
screen=$(tui_screen)
assert_contains "$screen" "pinned:     $(fingerprint "$pinned")" "pinned fingerprint"
assert_contains "$screen" "presented:  $(fingerprint "$shown")" "presented fingerprint"
assert_contains "$screen" "This may be an attack" "may be an attack"
assert_contains "$screen" "reinstalled the server" "or a reinstalled server"
assert_contains "$screen" "does not reconnect." "no reconnection said"
assert_contains "$(echo "$screen" | head -1)" "wrong server key" "status line"
case $screen in *reconnecting*) fail "says reconnecting" ;; esac
# Exactly one dial, and no other within the time the retries would take.
wait_for 5 sessions_are $((before + 1)) || fail "the server saw no dial"
if wait_for 3 sessions_more_than $((before + 1)); then
	fail "the client redialled a server with the wrong key"
fi
tui_keys Escape
tui_wait "Server key mismatch: not connecting. Call HQ before you log in."
assert_contains "$(tui_screen | head -1)" "wrong server key" "status line after the box"
tui_stop

PAW_HOME=$T/dev6 tui_start --lang zh_CN --user admin
tui_wait "服务器密钥不符" 10
tui_wait "$(fingerprint "$shown")"
screen=$(tui_screen)
assert_contains "$screen" "注册时记下：  $(fingerprint "$pinned")" "pinned fingerprint in Chinese"
assert_contains "$screen" "这可能是攻击" "attack in Chinese"
tui_stop

# Scripts still get both keys whole.
if PAW_HOME=$T/dev6 "$PAW" call system.ping 2>"$T/e6"; then fail "wrong key accepted"; fi
assert_contains "$(cat "$T/e6")" "$pinned" "pinned key named"
assert_contains "$(cat "$T/e6")" "$shown" "presented key named"

# A device HQ revokes, or one the server never knew, is told so plainly and
# for good: a box says what happened and to ask HQ to enroll it again with
# paw enroll, the status and message lines keep saying it after the box is
# closed, and the client stops redialling.  English and Chinese.
. "$(dirname "$0")/../lib.sh"
start_server

# How many times the server refused a device for REASON.
refusals() { grep -c "refused device .*: $1" "$T/pawd.log" || true; }
refusals_more_than() { [ "$(refusals "$1")" -gt "$2" ]; }
# Fail if the server sees another refusal within a few seconds: the client
# redials after 0.5, 1, 2 s when it retries.
no_more_refusals() {	# REASON
	local n; n=$(refusals "$1")
	if wait_for 3 refusals_more_than "$1" "$n"; then
		fail "the client kept redialling after $1"
	fi
}

# A second device for the terminal; the first one revokes it.
code=$("$PAWD" enroll "$DATA" --branch HQ 2>/dev/null)
PAW_HOME=$T/dev2 "$PAW" enroll "127.0.0.1:$PORT" "$code" >/dev/null || fail "enroll dev2"
dev2=$(db_query "SELECT max(id) FROM device")

PAW_HOME=$T/dev2 tui_start --user admin
tui_wait "Password"
tui_type "$ADMIN_PW"; tui_keys Enter
tui_wait "Find a member"
call admin device.revoke "{\"id\":$dev2}" >/dev/null || fail "revoke: $(cat "$ERRF")"
tui_wait "This device has been revoked" 10
tui_wait "paw enroll"
screen=$(tui_screen)
assert_contains "$screen" "Ask HQ to enroll it" "what to do"
assert_contains "$(echo "$screen" | head -1)" "device revoked" "status line"
case $(echo "$screen" | head -1) in *reconnecting*) fail "status still says reconnecting" ;; esac
no_more_refusals revoked
# Any key closes the box; the message line keeps saying it.
tui_keys Escape
tui_wait "Find a member"
screen=$(tui_screen)
assert_contains "$(echo "$screen" | tail -2 | head -1)" \
	"This device has been revoked: ask HQ to enroll it again (paw enroll)." "message line"
assert_contains "$(echo "$screen" | head -1)" "device revoked" "status line after the box"
tui_keys F10
tui_wait "PAW-EXITED 0"
tui_stop

# Revoked at start-up, in Chinese.
PAW_HOME=$T/dev2 tui_start --lang zh_CN --user admin
tui_wait "本设备已被吊销" 10
tui_wait "请联系总部重新注册本设备"
assert_contains "$(tui_screen | head -1)" "设备已吊销" "status line in Chinese"
tui_stop

# A device the server does not know (its key was never added).
PAW_HOME=$T/dev3 "$PAW" enroll "127.0.0.1:$PORT" --server-key "$(cat "$T/pubkey")" >/dev/null 2>&1
PAW_HOME=$T/dev3 tui_start --user admin
tui_wait "This device is not enrolled" 10
tui_wait "Ask HQ to enroll this device"
assert_contains "$(tui_screen | head -1)" "device not enrolled" "status line"
no_more_refusals unknown_device
tui_stop
PAW_HOME=$T/dev3 tui_start --lang zh_CN --user admin
tui_wait "本设备尚未注册" 10
tui_wait "请联系总部注册本设备"
tui_stop

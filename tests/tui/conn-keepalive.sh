# A clerk leaves the terminal alone: keepalives (empty transport messages)
# keep the session past the server's idle timeout.  PAW_KEEPALIVE=SECONDS
# shortens them for the test; with them slower than the timeout, the server
# does cut the idle session (so the first part proves something).
. "$(dirname "$0")/../lib.sh"
start_server --idle-timeout 3

# Sessions the server ended (an idle one is closed after session.closing).
closed() { grep -c "session .* closed" "$T/pawd.log" || true; }
closed_more_than() { [ "$(closed)" -gt "$1" ]; }

export PAW_KEEPALIVE=1
tui_start --user admin
tui_wait "Password"
tui_type "$ADMIN_PW"; tui_keys Enter
tui_wait "Find a member"
tui_wait "online"
before=$(closed)
# Watch the status line for 10 s (more than three idle timeouts).
end=$(( $(date +%s) + 10 ))
while [ "$(date +%s)" -lt "$end" ]; do
	status=$(tui_screen | head -1)
	case $status in
	*disconnected*|*connecting*) fail "the idle session was dropped: $status" ;;
	esac
	sleep 0.1
done
assert_eq "$(closed)" "$before" "no session ended on the server"
case $(tui_screen) in *"Connection restored."*) fail "the session was cut and resumed" ;; esac
tui_type 1234
tui_wait "1234"
assert_contains "$(tui_screen | head -1)" "online" "still online"
tui_stop

# Keepalives slower than the idle timeout: the server cuts the session,
# the terminal reconnects and resumes it by itself.
export PAW_KEEPALIVE=60
tui_start --user admin
tui_wait "Password"
tui_type "$ADMIN_PW"; tui_keys Enter
tui_wait "Find a member"
before=$(closed)
wait_for 15 closed_more_than "$before" || fail "the server never cut the idle session"
tui_wait "Connection restored." 10
tui_stop

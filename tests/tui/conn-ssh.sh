# paw --ssh: what ssh writes on its standard error never reaches the
# terminal (it would land inside the curses screen); when the connection
# fails, its last line is shown on the message line.  A working ssh that
# warns on stderr is quiet too.  English and Chinese.
. "$(dirname "$0")/../lib.sh"
start_server

# A stand-in ssh that fails as ssh does: words on stderr, exit status 255.
cat >"$T/ssh-refused" <<'SH'
#!/bin/sh
echo run >>"${0%/*}/ssh-runs"
echo "debug1: Connecting to hq.example port 22." >&2
echo "ssh: connect to host hq.example port 22: Connection refused" >&2
exit 255
SH
# A stand-in that warns, then runs the remote command here.
cat >"$T/ssh-warns" <<'SH'
#!/bin/sh
echo "Warning: Permanently added 'hq.example' (ED25519) to the list of known hosts." >&2
while [ $# -gt 1 ]; do shift; done
exec sh -c "$1"
SH
chmod +x "$T/ssh-refused" "$T/ssh-warns"
echo "ssh_command=$PAWD serve $DATA --stdio" >>"$PAW_HOME/paw.conf"

# The login box is whole: its rows start and end with the border.
box_intact() {
	local screen; screen=$(tui_screen)
	echo "$screen" | grep -qE '^ +│  Staff id .*│$' || return 1
	echo "$screen" | grep -qE '^ +│  Password .*│$' || return 1
	echo "$screen" | grep -qE '^ +└─+┘$' || return 1
}

export PAW_SSH=$T/ssh-refused
tui_start --ssh clerk@hq.example
tui_wait "No connection: ssh: connect to host hq.example port 22: Connection refused" 10
screen=$(tui_screen)
box_intact || { echo "$screen" >&2; fail "the login box was written over"; }
# Only the message line carries ssh's words, and only its last line.
assert_eq "$(echo "$screen" | grep -c "hq.example port 22")" 1 "ssh's words once"
assert_contains "$(echo "$screen" | tail -2 | head -1)" "Connection refused" "on the message line"
case $screen in *debug1*) fail "an earlier ssh line is shown" ;; esac
case $(echo "$screen" | head -1) in *reconnecting*|*connecting*) ;; *) fail "status: $(echo "$screen" | head -1)" ;; esac
# It retries (ssh failures pass) and the screen stays clean.
ran_twice() { [ "$(wc -l <"$T/ssh-runs")" -ge 2 ]; }
wait_for 10 ran_twice || fail "no second try"
box_intact || fail "the login box was written over later"
tui_stop
if [ -s "$T/paw.err" ]; then fail "ssh's stderr reached the terminal: $(cat "$T/paw.err")"; fi

tui_start --lang zh_CN --ssh clerk@hq.example
tui_wait "无法连接：ssh: connect to host hq.example port 22: Connection refused" 10
tui_stop

# A working ssh that warns: the session works, the warning shows nowhere.
export PAW_SSH=$T/ssh-warns
tui_start --ssh clerk@hq.example --user admin
tui_wait "Password"
tui_wait "online"
tui_type "$ADMIN_PW"; tui_keys Enter
tui_wait "Find a member"
case $(tui_screen) in *Warning*|*known\ hosts*) fail "ssh's warning on the screen" ;; esac
tui_stop
if grep -q "Permanently added" "$T/paw.err" 2>/dev/null; then fail "ssh's warning reached the terminal"; fi
exit 0

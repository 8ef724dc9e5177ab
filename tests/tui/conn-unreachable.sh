# HQ becomes unreachable while a clerk works: the connection is cut and every
# new SYN is dropped (a listener whose accept queue is full), so each redial
# hangs until its deadline.  The terminal must keep echoing keys at once
# while it redials, and a blocking call (logging in) fails at once with "no
# connection" instead of waiting for the connect.
. "$(dirname "$0")/../lib.sh"
start_server

# A relay to pawd that, on SIGUSR1, cuts its sessions and becomes a black
# hole on the same port.
cat >"$T/hole.py" <<'PY'
import select, selectors, signal, socket, sys
port, target, state = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3]
def listener(backlog):
    s = socket.socket()
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind(("127.0.0.1", port))
    s.listen(backlog)
    return s
dark = False
def go_dark(*_):
    global dark
    dark = True
signal.signal(signal.SIGUSR1, go_dark)
sel = selectors.DefaultSelector()
lst = listener(16)
sel.register(lst, selectors.EVENT_READ)
peer = {}
open(state, "w").write("relay\n")
while not dark:
    try:
        events = sel.select(0.2)
    except InterruptedError:
        continue
    for key, _ in events:
        s = key.fileobj
        if s is lst:
            c, _ = lst.accept()
            u = socket.create_connection(("127.0.0.1", target))
            peer[c], peer[u] = u, c
            sel.register(c, selectors.EVENT_READ)
            sel.register(u, selectors.EVENT_READ)
            continue
        try:
            data = s.recv(65536)
        except OSError:
            data = b""
        if data and s in peer:
            peer[s].sendall(data)
            continue
        for x in (s, peer.get(s)):
            if x in peer:
                sel.unregister(x)
                peer.pop(x).close()
# Backlog 0 holds one connection; fill it so the kernel drops every SYN.
sel.unregister(lst)
lst.close()
lst = listener(0)
fill = []
for i in range(8):
    f = socket.socket()
    f.setblocking(False)
    f.connect_ex(("127.0.0.1", port))
    if not select.select([], [f], [], 0.3)[1]:
        f.close()	# its SYN was dropped: the queue is full
        break
    fill.append(f)
for s in list(peer):
    s.close()
open(state, "w").write("dark\n")
signal.pause()
PY
HOLE=$(free_port)
/usr/bin/python3 "$T/hole.py" "$HOLE" "$PORT" "$T/hole.state" &
HOLE_PID=$!
trap 'kill $HOLE_PID 2>/dev/null; cleanup' EXIT
wait_for 10 grep -q relay "$T/hole.state" || fail "relay did not start"

# A SYN to the black hole is waiting for an answer: paw is redialling.
syn_pending() {
	awk -v port=":$(printf '%04X' "$HOLE")" \
		'$4 == "02" && substr($3, length($3) - 4) == port { n++ } END { exit !n }' \
		/proc/net/tcp
}
now_ms() { date +%s%3N; }
# TEXT shows within MS milliseconds.
shows_within() {	# MS TEXT
	local end=$(( $(now_ms) + $1 ))
	until tui_screen | grep -qF -- "$2"; do
		if [ "$(now_ms)" -ge "$end" ]; then
			echo "--- screen ---" >&2; tui_screen >&2
			fail "'$2' did not show within $1 ms"
		fi
		sleep 0.02
	done
}

tui_start --server "127.0.0.1:$HOLE" --user admin
tui_wait "Password"
tui_wait "online"
tui_type "$ADMIN_PW"; tui_keys Enter
tui_wait "Find a member"

kill -USR1 "$HOLE_PID"
wait_for 10 grep -q dark "$T/hole.state" || fail "black hole not ready"
# The session is cut; the redial's SYN goes unanswered.
wait_for 10 syn_pending || fail "paw did not redial"
tui_wait "connecting…" 5
typed=
for part in zq 71 x5 k9; do
	tui_type "$part"
	typed=$typed$part
	shows_within 1000 "$typed"
	syn_pending || fail "typed while the connect hangs"
done
assert_contains "$(tui_screen | head -1)" "connecting…" "the status says so"

# Log out and in again: the login is a blocking call, and it fails at once.
tui_keys C-o
tui_wait "Logged out."
tui_type admin; tui_keys Enter
tui_type "$ADMIN_PW"; tui_keys Enter
shows_within 1500 "No connection to the server: retrying"
tui_type abc
shows_within 1000 "***"
tui_stop

# Shared helpers for shell tests: a real pawd on a free loopback port, an
# enrolled device, paw call as a given staff member, JSON assertions and
# tmux helpers for the terminal client.  Source it; tests run with set -eu.
set -eu
: "${TOP:=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)}"
: "${BUILD:=$TOP/build/san}"
: "${PAWD:=$BUILD/bin/pawd}"
: "${PAW:=$BUILD/bin/paw}"
: "${PAW_LOCALEDIR:=$TOP/build/locale}"
export PAWD PAW TOP BUILD PAW_LOCALEDIR
export LC_ALL=${LC_ALL:-C.UTF-8} TZ=${TZ:-Asia/Shanghai}
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1}

T=$(mktemp -d /tmp/pawtest.XXXXXX)
DATA=$T/data
export PAW_HOME=$T/home
ERRF=$T/err.json
ADMIN_PW=admin-pass-1
PAWD_PID=
TUI=
declare -A STAFF_PW=([admin]=$ADMIN_PW)

fail() { echo "FAIL: $*" >&2; exit 1; }

cleanup() {
	[ -n "$TUI" ] && tmux -L "$TUI" kill-server 2>/dev/null || true
	stop_server
	if [ -f "$T/pawd.log" ] && grep -qE 'ERROR: (Address|Leak)Sanitizer|runtime error:' "$T/pawd.log"; then
		echo "sanitizer report in pawd.log:" >&2; cat "$T/pawd.log" >&2
		rm -rf "$T"; exit 1
	fi
	rm -rf "$T"
}
trap cleanup EXIT

free_port() {
	/usr/bin/python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'
}

# Run cmd with its standard error in FILE and in the test's log too, where
# the runner looks for sanitizer reports.
errs_to() {	# FILE cmd...
	local f=$1 rc=0
	shift
	"$@" 2>"$f" || rc=$?
	cat "$f" >&2
	return $rc
}

# Wait until cmd succeeds, polling (never a blind sleep); fail after secs.
wait_for() {	# secs cmd...
	local secs=$1; shift
	local end=$(( $(date +%s) + secs ))
	until "$@" >/dev/null 2>&1; do
		[ "$(date +%s)" -lt "$end" ] || return 1
		sleep 0.05
	done
}

port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

# Start pawd on $PORT with $DATA (initialised on first use).
run_server() {
	"$PAWD" serve "$DATA" --listen "127.0.0.1:$PORT" --log-level debug "$@" >>"$T/pawd.log" 2>&1 &
	PAWD_PID=$!
	wait_for 20 port_open "$PORT" || { cat "$T/pawd.log" >&2; fail "pawd did not start"; }
}

start_server() {
	PORT=$(free_port)
	export PAW_ADMIN_PASSWORD=$ADMIN_PW
	"$PAWD" init "$DATA" >"$T/pubkey" 2>>"$T/pawd.log" || fail "pawd init failed"
	run_server "$@"
	local code
	code=$(errs_to "$T/enroll.err" "$PAWD" enroll "$DATA" --branch HQ) || fail "pawd enroll failed"
	"$PAW" enroll "127.0.0.1:$PORT" "$code" >/dev/null || fail "paw enroll failed"
}

stop_server() {
	if [ -n "$PAWD_PID" ]; then
		kill -TERM "$PAWD_PID" 2>/dev/null || true
		wait "$PAWD_PID" 2>/dev/null || true
		PAWD_PID=
	fi
}

restart_server() { stop_server; run_server "$@"; }

# A stand-in for ssh in $T/fake-ssh (for PAW_SSH): it ignores the options
# and the host and runs the remote command here.
mk_fake_ssh() {
	cat >"$T/fake-ssh" <<'SH'
#!/bin/sh
while [ $# -gt 1 ]; do shift; done
exec sh -c "$1"
SH
	chmod +x "$T/fake-ssh"
}

# paw call as USER; result on stdout, error JSON in $ERRF.
call() {	# USER METHOD [JSON]
	local user=$1 method=$2 json=${3:-}
	local pw=${STAFF_PW[$user]:-}
	if [ -n "$json" ]; then
		PAW_PASSWORD=$pw errs_to "$ERRF" "$PAW" call --user "$user" "$method" "$json"
	else
		PAW_PASSWORD=$pw errs_to "$ERRF" "$PAW" call --user "$user" "$method"
	fi
}

# paw call without logging in.
call_anon() {	# METHOD [JSON]
	errs_to "$ERRF" "$PAW" call "$@"
}

mkstaff() {	# ID ROLE BRANCH PASSWORD
	STAFF_PW[$1]=$4
	call admin staff.create "{\"id\":\"$1\",\"name\":\"$1\",\"role\":\"$2\",\"branch\":\"$3\",\"password\":\"$4\"}" >/dev/null \
		|| fail "mkstaff $1: $(cat "$ERRF")"
}

# Print a value of JSON: jget "$json" .items[0].name   or   '.items|length'
jget() {
	/usr/bin/python3 - "$1" "$2" <<'PY'
import json, re, sys
v = json.loads(sys.argv[1]); path = sys.argv[2]
length = path.endswith('|length')
if length: path = path[:-7]
for part in re.findall(r'\.([A-Za-z_][A-Za-z0-9_]*)|\[(\d+)\]', path):
    v = v[part[0]] if part[0] else v[int(part[1])]
if length: v = len(v)
if isinstance(v, bool): print('true' if v else 'false')
elif v is None: print('null')
elif isinstance(v, (dict, list)): print(json.dumps(v, ensure_ascii=False))
else: print(v)
PY
}

assert_eq() {	# GOT WANT MSG
	[ "$1" = "$2" ] || fail "${3:-values differ}: got '$1', want '$2'"
}

assert_contains() {	# HAYSTACK NEEDLE MSG
	case $1 in *"$2"*) ;; *) fail "${3:-missing text}: '$2' not in: $1" ;; esac
}

# The call must fail with CODE (and FIELD when given).
call_err() {	# USER METHOD JSON CODE [FIELD]
	local out
	if out=$(call "$1" "$2" "$3"); then
		fail "$2 $3 should fail with $4 but returned: $out"
	fi
	local e; e=$(cat "$ERRF")
	assert_eq "$(jget "$e" .code)" "$4" "$2 error code ($e)"
	if [ $# -ge 5 ]; then
		assert_eq "$(jget "$e" .field)" "$5" "$2 error field ($e)"
	fi
}

# pawd.log holds TEXT at least N times (default 1).
log_has() {	# TEXT [N]
	[ "$(grep -cF -- "$1" "$T/pawd.log")" -ge "${2:-1}" ]
}

db_query() { sqlite3 -batch -noheader "file:$DATA/paw.db?mode=ro" "$1"; }

# ---- terminal client in tmux ----
tui_start() {	# [paw args...]
	TUI=pawtui$$_$RANDOM
	local lang=${TUI_LANG:-en_US.UTF-8} term=${TUI_TERM:-xterm-256color}
	tmux -L "$TUI" new-session -d -s "$TUI" -x "${TUI_COLS:-80}" -y "${TUI_ROWS:-24}" \
		"env TERM=$term LANG=$lang LC_ALL= LANGUAGE= PAW_HOME=$PAW_HOME PAW_LOCALEDIR=$PAW_LOCALEDIR ASAN_OPTIONS=$ASAN_OPTIONS:log_path=$T/asan TZ=$TZ $PAW $* 2>>$T/paw.err; echo PAW-EXITED \$?; sleep 30"
}
tmuxc() { tmux -L "$TUI" "$@"; }
tui_keys() { tmuxc send-keys -t "$TUI" "$@"; }
tui_type() { tmuxc send-keys -t "$TUI" -l "$1"; }
tui_screen() { tmuxc capture-pane -p -t "$TUI"; }
tui_wait() {	# TEXT [SECONDS]
	local end=$(( $(date +%s) + ${2:-10} ))
	while ! tui_screen | grep -qF -- "$1"; do
		if [ "$(date +%s)" -ge "$end" ]; then
			echo "--- screen ---" >&2; tui_screen >&2
			fail "screen never showed '$1'"
		fi
		sleep 0.05
	done
}
tui_stop() {
	[ -n "$TUI" ] && tmux -L "$TUI" kill-server 2>/dev/null || true
	if ls "$T"/asan* >/dev/null 2>&1; then cat "$T"/asan* >&2; TUI=; fail "sanitizer report from paw"; fi
	TUI=
}

# ---- the test clock (pawd serve --test-clock) ----
# The time of $DATA/test-clock: a magic word, then a native int64.
test_clock() { od -An -t d8 -j8 -N8 "$DATA/test-clock" | tr -d ' '; }
# The business-time epoch of a date and time: at "2026-12-04 03:30".
at() { date -d "$1" +%s; }
# The business date of an epoch time: day 1796317334 -> 2026-12-04.
day() { date -d "@$1" +%F; }
# Write to the database beside the server (it waits for the server's lock).
db_write() { sqlite3 -batch -cmd ".timeout 5000" "$DATA/paw.db" "$1" >/dev/null; }

# HQ is down when the terminal starts: the login screen opens at once, the
# message line says why in the clerk's language (the host is data, the cause
# is translated, never the C library's English), and when pawd comes up the
# terminal connects by itself and the message goes.  A server given by name
# is looked up off the loop.
. "$(dirname "$0")/../lib.sh"
start_server
stop_server

tui_start --user admin
tui_wait "Password"
tui_wait "No connection to 127.0.0.1:$PORT: connection refused (is pawd running?)" 10
case $(tui_screen) in *"Connection refused"*) fail "the C library's English" ;; esac
# Keys are taken while it retries.
tui_type "$ADMIN_PW"
tui_wait "************"
run_server
tui_wait "online" 15
case $(tui_screen | tail -2 | head -1) in *"No connection"*) fail "the message stayed after connecting" ;; esac
tui_keys Enter
tui_wait "Find a member"
tui_stop

stop_server
tui_start --lang zh_CN --user admin
tui_wait "密码"
tui_wait "无法连接到 127.0.0.1:$PORT：连接被拒绝（pawd 在运行吗？）" 10
screen=$(tui_screen)
case $screen in *"Connection refused"*|*"No connection"*|*refused*) fail "English in the Chinese screen: $screen" ;; esac
tui_stop

# By name: the lookup runs on a thread, then the connect as usual.
run_server
tui_start --server "localhost:$PORT" --user admin
tui_wait "Password"
tui_wait "online" 10
tui_type "$ADMIN_PW"; tui_keys Enter
tui_wait "Find a member"
tui_stop

# Searching while HQ cannot be reached says so, and never "No member
# found. Press F3 to sign up" (an invitation to sign up a duplicate); when
# the connection is back the search runs again by itself.  English and
# Chinese.
. "$(dirname "$0")/../lib.sh"
start_server
call admin member.create '{"name":"刘洋","phone":"13500001111"}' >/dev/null

# With $find, $down, $offline and $none in the language of the terminal.
offline_search() {
	tui_wait "$find"
	stop_server
	tui_wait "$down" 15
	tui_type 1111
	tui_wait "$offline" 10
	case $(tui_screen) in *"$none"*) fail "offline search said no member found" ;; esac
	run_server
	tui_wait "刘洋" 20
	case $(tui_screen) in *"$offline"*) fail "still says offline" ;; esac
	tui_stop
}

find="Find a member" down="disconnected — reconnecting"
offline="HQ is unreachable: cannot search. It searches again once back online." none="No member found"
tui_start --user admin
tui_wait "Password"
tui_type "$ADMIN_PW"; tui_keys Enter
offline_search

find="查找会员" down="连接断开 — 正在重连" offline="连不上总部，暂时无法搜索；连接恢复后自动重新搜索。" none="没有找到会员"
tui_start --user admin --lang zh_CN
tui_wait "密码"
tui_type "$ADMIN_PW"; tui_keys Enter
offline_search

# Both languages: Chinese by --lang zh_CN and by LANG=zh_CN.UTF-8, English
# by default; error messages are translated by code.
. "$(dirname "$0")/../lib.sh"
start_server
call admin member.create '{"name":"周杰","phone":"13300003333"}' >/dev/null

# --lang zh_CN in an English locale.
tui_start --lang zh_CN --user admin
tui_wait "员工登录"
tui_type wrong-password; tui_keys Enter
tui_wait "工号或密码错误"
tui_type "$ADMIN_PW"; tui_keys Enter
tui_wait "查找会员"
assert_contains "$(tui_screen | tail -1)" "F1 帮助" "key bar in Chinese"
tui_type 3333
tui_wait "周杰"
tui_wait "找到 1 位"
tui_keys F3
tui_wait "新会员"
tui_keys Tab; tui_type 12345; tui_keys F2
tui_wait "手机号格式不正确"
tui_stop

# LANG=zh_CN.UTF-8 alone.
TUI_LANG=zh_CN.UTF-8 tui_start --user admin
tui_wait "员工登录"
tui_type "$ADMIN_PW"; tui_keys Enter
tui_wait "查找会员"
tui_keys F1
tui_wait "帮助：本页面的按键"
tui_stop

# English by default, and by --lang en in a Chinese locale.
TUI_LANG=zh_CN.UTF-8 tui_start --lang en --user admin
tui_wait "Staff login"
tui_stop
tui_start --user admin
tui_wait "Staff login"
tui_stop

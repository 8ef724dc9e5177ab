# Result columns at 80x24 and 120x30: a long Chinese and a long Latin name
# are cut with an ellipsis at 80 columns (never through a wide character)
# and shown whole at 120, where the Name column is wider; on every row the
# next column starts at the same screen column, under its header.
. "$(dirname "$0")/../lib.sh"
start_server
zh=欧阳诸葛司马上官皇甫慕容端木	# 14 characters, 28 columns
en="Alexandrina Montgomery-Worthington"	# 34 columns
call admin member.create "{\"name\":\"$zh\",\"phone\":\"13800001234\"}" >/dev/null
call admin member.create "{\"name\":\"$en\",\"phone\":\"13900001234\"}" >/dev/null
call admin member.create '{"name":"王芳","phone":"13700001234"}' >/dev/null

# The display column (wide characters count 2) where each TEXT starts on
# the first screen line that holds it, one a line.
starts() {	# TEXT...
	tui_screen | /usr/bin/python3 -c '
import sys, unicodedata
screen = sys.stdin.read().splitlines()
cols = lambda s: sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in s)
for text in sys.argv[1:]:
    line = next((l for l in screen if text in l), None)
    if line is None:
        sys.exit("not on screen: " + text)
    print(cols(line[:line.index(text)]))' "$@"
}
line_with() { tui_screen | grep -F -- "$1" | head -1; }

# The Phone column starts at the same column on the header and on every
# row; prints that column.
aligned() {
	local c
	c=$(starts Phone 138****1234 139****1234 137****1234) || fail "columns"
	[ "$(echo "$c" | sort -u | wc -l)" = 1 ] ||
		{ tui_screen >&2; fail "Phone column not aligned: $(echo $c)"; }
	echo "$c" | head -1
}

search() {
	tui_start --user admin
	tui_wait "Password"
	tui_type "$ADMIN_PW"; tui_keys Enter
	tui_wait "Find a member"
	tui_type 1234
	tui_wait "3 found"
	tui_wait "王芳"
}

search
row=$(line_with "欧阳")
assert_contains "$row" "欧阳诸葛司马上官皇甫…" "Chinese name cut whole characters, with an ellipsis"
case $row in *"$zh"*) fail "long Chinese name not cut at 80 columns" ;; esac
row=$(line_with "Alexandrina")
assert_contains "$row" "Alexandrina Montgomer…" "Latin name cut with an ellipsis"
case $row in *Worthington*) fail "long Latin name not cut at 80 columns" ;; esac
case $(line_with "王芳") in *…*) fail "a short name has no ellipsis" ;; esac
narrow=$(aligned)
tui_stop

TUI_COLS=120 TUI_ROWS=30 search
assert_contains "$(line_with "欧阳")" "$zh" "whole Chinese name at 120 columns"
assert_contains "$(line_with "Alexandrina")" "$en" "whole Latin name at 120 columns"
case $(tui_screen) in *…*) fail "nothing is cut at 120 columns" ;; esac
wide=$(aligned)
[ "$wide" -gt "$narrow" ] || fail "Name column not wider at 120 columns ($wide <= $narrow)"
tui_stop

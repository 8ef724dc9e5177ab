# Home search past the first page: 127 members share the phone prefix
# 13910; the list says "127 found" and pages on with PgDn and Down (the
# next page is fetched with member.search's offset) to the 127th, which
# opens, and back from it the list is where it was; a new search starts
# again from the top.  English and Chinese.
# Past the server's count cap (1000) the list says "1000+" and goes on to
# the last, where the count becomes exact.
. "$(dirname "$0")/../lib.sh"
start_server
for i in $(seq 0 126); do
	printf 'member.create {"name":"分页%03d","phone":"13910%06d"}\n' "$i" "$i"
done >"$T/batch"
for i in $(seq 0 1049); do
	printf 'member.create {"name":"多%04d","phone":"13920%06d"}\n' "$i" "$i"
done >>"$T/batch"
PAW_PASSWORD=$ADMIN_PW "$PAW" call --user admin --batch <"$T/batch" >"$T/batch.out" ||
	fail "batch create: $(grep -m1 error "$T/batch.out")"
last=$(jget "$(call admin member.search '{"q":"13910","limit":1,"offset":126}')" .items[0].name)
hundredth=$(jget "$(call admin member.search '{"q":"13910","limit":1,"offset":110}')" .items[0].name)

# The row in reverse video (the selection) holds TEXT.
selected() { tmuxc capture-pane -e -p -t "$TUI" | grep -F -- "$1" | grep -q $'\e\\[7m'; }

tui_start --user admin
tui_wait "Password"
tui_type "$ADMIN_PW"; tui_keys Enter
tui_wait "Find a member"
# The search field's line holds no text and no results are listed.
search_empty() { ! tui_screen | grep -qE "13910|found"; }
tui_type 13910
tui_wait "127 found"
tui_wait " 1/127"
# The position has a row of its own, under the list: every column title stays.
header=$(tui_screen | grep -F "Card")
assert_contains "$header" "Branch" "the last column title is not covered"
assert_contains "$(tui_screen | tail -4 | head -2)" " 1/127" "the position under the list"
# A burst of PgDn runs past the 100 rows of the first page: the list
# fetches the rest and lands on the last row.
tui_keys PageDown PageDown PageDown PageDown PageDown PageDown PageDown \
	PageDown PageDown PageDown PageDown PageDown PageDown PageDown PageDown
tui_wait "127/127"
tui_wait "$last"
wait_for 10 selected "$last" || { tui_screen >&2; fail "last row not selected"; }
assert_contains "$(tui_screen)" "127 found" "the count stays"
tui_keys Enter
tui_wait "Member since"
tui_wait "$last"
# Back from the member: the next customer, an empty search field.
tui_keys Escape
tui_wait "Find a member"
wait_for 10 search_empty || { tui_screen >&2; fail "the search field kept its text"; }

# A new search starts at the top; Down walks past row 100 one row at a time.
tui_type 13910
tui_wait " 1/127"
keys=(); for i in $(seq 110); do keys+=(Down); done
tui_keys "${keys[@]}"
tui_wait "111/127"
wait_for 10 selected "$hundredth" || { tui_screen >&2; fail "row 111 not selected"; }
# Typing again drops the pages: one member, found at once.
tui_keys C-u
tui_type 13910000005
tui_wait "1 found"
tui_wait "分页005"
case $(tui_screen) in *"/127"*) fail "position of the old list kept" ;; esac

# 1050 members: counted to the cap, then paged to the last.
tui_keys C-u
tui_type 13920
tui_wait "1000+ found"
tui_wait " 1/1000+"
keys=(); for i in $(seq 100); do keys+=(PageDown); done
tui_keys "${keys[@]}"
tui_wait "1050/1050"
tui_wait "1050 found"
tui_wait "多1049"
case $(tui_screen) in *"1050+"*) fail "the count is exact at the end" ;; esac
tui_stop

tui_start --lang zh_CN --user admin
tui_wait "员工登录"
tui_type "$ADMIN_PW"; tui_keys Enter
tui_wait "查找会员"
tui_type 13910
tui_wait "找到 127 位"
tui_keys PageDown PageDown PageDown PageDown PageDown PageDown PageDown \
	PageDown PageDown PageDown PageDown PageDown PageDown PageDown PageDown
tui_wait "127/127"
tui_wait "$last"
tui_stop

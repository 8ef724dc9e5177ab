# pawd init: a refused admin password (too short, or none at all) creates
# nothing, so init can simply be run again; then it creates the key and
# the database and prints the public key; a second init is refused; an
# existing directory is made private (0700).
. "$(dirname "$0")/../lib.sh"
dir=$T/hq

if errs_to "$T/e1" env PAW_ADMIN_PASSWORD=short "$PAWD" init "$dir"; then fail "short password accepted"; fi
assert_contains "$(cat "$T/e1")" "at least 8 characters" "short password said"
[ ! -e "$dir/server.key" ] || fail "refused init left server.key"
[ ! -e "$dir/paw.db" ] || fail "refused init left paw.db"
# No password and no terminal to ask on.
if errs_to "$T/e2" env -u PAW_ADMIN_PASSWORD setsid "$PAWD" init "$dir" </dev/null; then fail "init without a password"; fi
assert_contains "$(cat "$T/e2")" "none given" "missing password said"
[ ! -e "$dir/server.key" ] || fail "init without a password left server.key"

key=$(errs_to "$T/e3" env PAW_ADMIN_PASSWORD=$ADMIN_PW "$PAWD" init "$dir") || fail "init after a refusal: $(cat "$T/e3")"
[[ $key =~ ^[0-9a-f]{64}$ ]] || fail "init prints the public key: $key"
assert_eq "$("$PAWD" pubkey "$dir")" "$key" "the key written"
assert_eq "$(sqlite3 -batch -noheader "file:$dir/paw.db?mode=ro" "SELECT role || ' ' || branch FROM staff WHERE id='admin'")" "hq_admin HQ" "first admin"
if errs_to "$T/e4" env PAW_ADMIN_PASSWORD=$ADMIN_PW "$PAWD" init "$dir" >/dev/null; then fail "second init"; fi
assert_contains "$(cat "$T/e4")" "already initialised" "second init refused"
assert_eq "$("$PAWD" pubkey "$dir")" "$key" "key kept"
if errs_to "$T/e5" "$PAWD" pubkey "$T/none"; then fail "pubkey of nothing"; fi
# A directory made beforehand with mode 0755 becomes private.
mkdir -m 0755 "$T/open"
env PAW_ADMIN_PASSWORD=$ADMIN_PW "$PAWD" init "$T/open" >/dev/null 2>>"$T/e6" || fail "init into an existing directory"
assert_eq "$(stat -c %a "$T/open")" 700 "an existing 0755 directory made 0700"
assert_eq "$(stat -c %a "$T/open/server.key")" 600 "the key 0600"
echo ok

#!/bin/bash
# make demo: a demo chain on this machine.  Creates build/demo once (HQ and
# three branches, staff of every role, a few thousand members with pets and
# feedback), starts pawd on loopback and opens paw on it.  Run it again and
# it reuses the chain.
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
demo=${PAW_DEMO_DIR:-$top/build/demo}
PAWD=$top/bin/pawd PAW=$top/bin/paw
export PAW_HOME=$demo/home PAW_LOCALEDIR=$top/build/locale
export PAW_ADMIN_PASSWORD=demo-admin-1
members=${PAW_DEMO_MEMBERS:-3000}
mkdir -p "$demo"

port_free() { ! (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
port=7700
while ! port_free $port; do port=$((port + 1)); done

fresh=0
if [ ! -f "$demo/data/server.key" ]; then
	rm -rf "$demo/data" "$demo/home"
	"$PAWD" init "$demo/data" >"$demo/init.log" 2>&1
	fresh=1
fi
"$PAWD" serve "$demo/data" --listen 127.0.0.1:$port --log "$demo/pawd.log" &
pawd_pid=$!
trap 'kill -TERM $pawd_pid 2>/dev/null; wait $pawd_pid 2>/dev/null || true' EXIT
for _ in $(seq 200); do port_free $port || break; sleep 0.05; done
# (Re)enroll this demo device against whatever port we got.
rm -rf "$demo/home"
"$PAW" enroll 127.0.0.1:$port "$("$PAWD" enroll "$demo/data" --branch HQ 2>/dev/null)" >/dev/null

if [ $fresh = 1 ]; then
	echo "creating the demo chain ($members members)..."
	export PAW_PASSWORD=$PAW_ADMIN_PASSWORD
	/usr/bin/python3 "$top/tests/demo-data.py" 0 setup | "$PAW" call --user admin --batch >/dev/null
	/usr/bin/python3 "$top/tests/demo-data.py" "$members" |
		"$PAW" call --user admin --batch 2>/dev/null |
		/usr/bin/python3 "$top/tests/demo-pets.py" |
		"$PAW" call --user admin --batch >/dev/null || true
	unset PAW_PASSWORD
fi

cat <<TXT

  Pawprint demo: pawd on 127.0.0.1:$port, data in ${demo#$top/}/data
  Logins (staff id / password):
    admin        demo-admin-1   HQ admin
    hq.manager   demo-pass-1    manager, HQ
    hq.clerk     123456         clerk, HQ
    sh01.clerk1  123456         clerk, 上海徐汇店
    support      demo-pass-1    support (read-only)
  Try: search 张, a phone's last 4 digits, or a card number.
TXT
if [ -t 0 ] && [ -t 1 ]; then
	printf '  Press Enter to open paw (F1 for help, F10 to quit)... '
	read -r _
	"$PAW" || true
else
	echo "  (no terminal here: the chain is ready in ${demo#$top/}; run make demo"
	echo "   in a terminal to open paw on it)"
fi

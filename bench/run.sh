#!/bin/bash
# make bench: 1,000,000 members with pets, then a load generator over
# encrypted connections mixing member.get and member.search (card, phone
# suffix, 2-character name):
#   (a) throughput: 50 connections, each sends its next request as soon as
#       the answer arrives;
#   (b) latency: 5,000 requests/s paced over 50 connections.
# Prints requests/s, p50/p99 per kind, the CPU time the hypervisor stole, how
# late the machine itself wakes a sleeping thread, and pawd's peak memory.
# BENCH_MEMBERS (default 1000000) and BENCH_SECONDS (default 15) scale it.
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
b=${1:-build/rel}
case $b in /*) ;; *) b=$top/$b ;; esac
PAWD=$top/bin/pawd PAW=$top/bin/paw LOAD=$b/tests/bench-load
n=${BENCH_MEMBERS:-1000000} secs=${BENCH_SECONDS:-15}
dir=$top/build/bench-$n
export PAW_HOME=$dir/home PAW_ADMIN_PASSWORD=bench-admin-1
port=$(/usr/bin/python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')

start_pawd() {
	"$PAWD" serve "$dir/data" --listen 127.0.0.1:$port --log "$dir/pawd.log" --log-level warn &
	pid=$!
	for _ in $(seq 400); do (exec 3<>/dev/tcp/127.0.0.1/$port) 2>/dev/null && return; sleep 0.05; done
	echo "pawd did not start"; exit 1
}
# On a virtual machine the hypervisor may take CPU time from us ("steal"),
# which shows as latency spikes: say how much it took since the last call.
steal_prev=
stolen() {
	local now total
	read -r _ u n s i w q sq st _ </proc/stat
	now="$st $((u + n + s + i + w + q + sq + st))"
	if [ -n "$steal_prev" ]; then
		set -- $steal_prev $now
		total=$(( $4 - $2 ))
		echo "  CPU time stolen by the hypervisor meanwhile: $(( ($3 - $1) * 1000 / (total > 0 ? total : 1) / 10 )).$(( ($3 - $1) * 1000 / (total > 0 ? total : 1) % 10 ))%"
	fi
	steal_prev=$now
}
trap '[ -n "${pid:-}" ] && kill -TERM $pid 2>/dev/null; wait 2>/dev/null || true' EXIT

if [ ! -f "$dir/ready" ]; then
	rm -rf "$dir"; mkdir -p "$dir"
	"$PAWD" init "$dir/data" >/dev/null 2>&1
	echo "building $n members with pets (the server's member and pet code, 5,000 per transaction)..."
	t0=$(date +%s%N)
	"$b/tests/bench-seed" "$dir/data" "$top/schema" "$n"
	t1=$(date +%s%N)
	members=$(sqlite3 "$dir/data/paw.db" "SELECT count(*) FROM member")
	pets=$(sqlite3 "$dir/data/paw.db" "SELECT count(*) FROM pet")
	ms=$(( (t1 - t0) / 1000000 ))
	echo "built $members members and $pets pets in $((ms / 1000)).$((ms % 1000 / 100)) s ($(( members * 1000 / (ms + 1) )) members/s)"
	touch "$dir/ready"
fi
start_pawd
rm -rf "$PAW_HOME"
"$PAW" enroll 127.0.0.1:$port "$("$PAWD" enroll "$dir/data" --branch HQ 2>/dev/null)" >/dev/null

# Samples of what clerks type: ids, cards, last four digits, 2-char names.
sqlite3 "file:$dir/data/paw.db?mode=ro" "
	SELECT 'get ' || id FROM member ORDER BY random() LIMIT 3000;
	SELECT 'card ' || card_no FROM member ORDER BY random() LIMIT 1000;
	SELECT 'phone4 ' || substr(phone, -4) FROM member ORDER BY random() LIMIT 1000;
	SELECT 'name ' || substr(name, 1, 2) FROM member ORDER BY random() LIMIT 1000;
" >"$dir/samples"
echo
stolen
echo "(a) throughput: 50 connections, closed loop, ${secs} s"
"$LOAD" "$PAW_HOME" 127.0.0.1:$port admin "$PAW_ADMIN_PASSWORD" "$dir/samples" 50 "$secs" 0
stolen
echo
echo "(b) latency: 5000 requests/s paced over 50 connections, ${secs} s"
"$LOAD" "$PAW_HOME" 127.0.0.1:$port admin "$PAW_ADMIN_PASSWORD" "$dir/samples" 50 "$secs" 5000
stolen
# The floor under any latency figure here: how late the machine itself
# wakes a sleeping thread, right after (b), with pawd idle.
"$b/tests/bench-jitter" 3
echo
# VmHWM counts the database pages SQLite maps from the file (RssFile, shared
# with the page cache); RssAnon is what pawd itself allocated.
echo "pawd peak resident memory: $(awk '/VmHWM/ {print $2, $3}' /proc/$pid/status)" \
    "(now: $(awk '/RssAnon/ {print $2, $3}' /proc/$pid/status) allocated," \
    "$(awk '/RssFile/ {print $2, $3}' /proc/$pid/status) mapped from the database file)," \
    "database $(du -h "$dir/data/paw.db" | cut -f1)"

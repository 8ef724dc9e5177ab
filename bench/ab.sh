#!/bin/bash
# Two pawd binaries side by side on one database, in alternating rounds:
#   bench/ab.sh OLD_PAWD NEW_PAWD [ROUNDS]
# Each round serves the same data directory with one binary and runs the
# closed-loop throughput load of make bench (50 connections, member.get and
# member.search); it prints requests/s, pawd's CPU time per request and the
# CPU time the hypervisor stole during the round, then the medians.  Figures
# on a shared VM move by 20% from run to run: only the ratio of the two
# medians, measured in one run, means something.
# BENCH_MEMBERS (default 300000) and BENCH_SECONDS (default 10) scale it.
# Build first: make bench (or make build/rel/tests/bench-load
# build/rel/tests/bench-seed).
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
old=$1 new=$2 rounds=${3:-3}
b=$top/build/rel
n=${BENCH_MEMBERS:-300000} secs=${BENCH_SECONDS:-10}
dir=$top/build/ab-$n
export PAW_HOME=$dir/home PAW_ADMIN_PASSWORD=bench-admin-1
port=$(/usr/bin/python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
trap '[ -n "${pid:-}" ] && kill -TERM $pid 2>/dev/null; wait 2>/dev/null || true' EXIT

if [ ! -f "$dir/ready" ]; then
	rm -rf "$dir"; mkdir -p "$dir"
	"$new" init "$dir/data" >/dev/null 2>&1
	echo "building $n members with pets..."
	"$b/tests/bench-seed" "$dir/data" "$top/schema" "$n"
	sqlite3 "file:$dir/data/paw.db?mode=ro" "
		SELECT 'get ' || id FROM member ORDER BY random() LIMIT 3000;
		SELECT 'card ' || card_no FROM member ORDER BY random() LIMIT 1000;
		SELECT 'phone4 ' || substr(phone, -4) FROM member ORDER BY random() LIMIT 1000;
		SELECT 'name ' || substr(name, 1, 2) FROM member ORDER BY random() LIMIT 1000;
	" >"$dir/samples"
	touch "$dir/ready"
fi

steal() { read -r _ u n s i w q sq st _ </proc/stat; echo "$st $((u + n + s + i + w + q + sq + st))"; }
ticks() { awk '{print $14 + $15}' /proc/$1/stat; }

# One round: "REQS_PER_S US_PER_REQ STEAL%" on stdout.
round() {
	local bin=$1 out s0 s1 t0 t1 reqs
	"$bin" serve "$dir/data" --listen 127.0.0.1:$port --log "$dir/pawd.log" --log-level warn &
	pid=$!
	for _ in $(seq 400); do (exec 3<>/dev/tcp/127.0.0.1/$port) 2>/dev/null && break; sleep 0.05; done
	if [ ! -f "$PAW_HOME/device.key" ]; then
		"$top/bin/paw" enroll 127.0.0.1:$port "$("$bin" enroll "$dir/data" --branch HQ 2>/dev/null)" >/dev/null
	fi
	s0=$(steal) t0=$(ticks $pid)
	out=$("$b/tests/bench-load" "$PAW_HOME" 127.0.0.1:$port admin "$PAW_ADMIN_PASSWORD" "$dir/samples" 50 "$secs" 0)
	t1=$(ticks $pid) s1=$(steal)
	kill -TERM $pid; wait $pid || true; pid=
	reqs=$(echo "$out" | awk '/requests\/s/ {print $1; exit}')
	set -- $s0 $s1
	echo "$reqs $(( (t1 - t0) * 10000 * 1000 / (reqs * secs > 0 ? reqs * secs : 1) / 1000 )) $(( ($3 - $1) * 1000 / ($4 - $2 > 0 ? $4 - $2 : 1) / 10 )).$(( ($3 - $1) * 1000 / ($4 - $2 > 0 ? $4 - $2 : 1) % 10 ))"
}

median() { sort -n | awk '{a[NR] = $1} END {print a[int((NR + 1) / 2)]}'; }

: >"$dir/old" ; : >"$dir/new"
for r in $(seq "$rounds"); do
	for which in old new; do
		bin=$old; [ $which = new ] && bin=$new
		res=$(round "$bin")
		set -- $res
		printf '  round %d %-3s %8s requests/s  %4s us CPU/request  stolen %s%%\n' "$r" $which $1 $2 $3
		echo "$1" >>"$dir/$which"
	done
done
mo=$(median <"$dir/old") mn=$(median <"$dir/new")
echo "median: old $mo, new $mn requests/s: new/old = $(( mn * 1000 / (mo > 0 ? mo : 1) / 10 )).$(( mn * 1000 / (mo > 0 ? mo : 1) % 10 ))%"

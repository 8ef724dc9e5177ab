#!/bin/bash
# Run the fuzz targets built in build/fuzz, one after the other, each for
# SECONDS on its corpus, and print one line each: runs, executions per
# second, coverage (libFuzzer's cov: edges, ft: features), corpus size.
#
#   fuzz/run.sh SECONDS [TARGET...]      (make fuzz) on build/fuzz/corpus/TARGET,
#                                        a copy of fuzz/corpus/TARGET that keeps
#                                        what the runs find
#   fuzz/run.sh -c SECONDS [TARGET...]   (make check) on the seeds alone, in a
#                                        temporary directory
#
# A crash, a leak, a sanitizer report or an input slower than 10 s fails
# the run: the input is kept as build/fuzz/crash/TARGET-*, to reproduce
# with build/fuzz/fuzz-TARGET FILE, and the log's end is shown.
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
check=0
[ "${1:-}" = -c ] && { check=1; shift; }
secs=${1:?usage: fuzz/run.sh [-c] SECONDS [TARGET...]}; shift
targets=${*:-msgpack chan dispatch}
out=build/fuzz
mkdir -p "$out/crash"
tmp=$(mktemp -d "${TMPDIR:-/tmp}/pawfuzz-run.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
fail=0

for t in $targets; do
	bin=$out/fuzz-$t
	if [ ! -x "$bin" ]; then
		echo "fuzz-$t: not built (make fuzz-build)"; fail=1; continue
	fi
	if [ $check = 1 ]; then
		work=$tmp/corpus-$t log=$tmp/$t.log
	else
		work=$out/corpus/$t log=$out/$t.log
	fi
	mkdir -p "$work"
	# New inputs go to the first directory; the seeds are only read.
	"$bin" -max_total_time="$secs" -timeout=10 -rss_limit_mb=2048 \
	    -print_final_stats=1 -dict=fuzz/rpc.dict \
	    -artifact_prefix="$out/crash/$t-" \
	    "$work" "fuzz/corpus/$t" >"$log" 2>&1
	rc=$?
	last=$(grep -E '^#[0-9]+' "$log" | tail -n 1)
	runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log")
	rate=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log")
	cov=$(sed -n 's/.* cov: \([0-9]*\).*/\1/p' <<<"$last")
	ft=$(sed -n 's/.* ft: \([0-9]*\).*/\1/p' <<<"$last")
	corp=$(sed -n 's/.* corp: \([0-9]*\).*/\1/p' <<<"$last")
	if [ $rc -eq 0 ] && ! grep -qE 'ERROR: (Address|Leak)Sanitizer|runtime error:' "$log"; then
		printf 'fuzz-%s: %s s, %s runs (%s/s), cov %s, ft %s, corpus %s: ok\n' \
		    "$t" "$secs" "${runs:-?}" "${rate:-?}" "${cov:-?}" "${ft:-?}" "${corp:-?}"
	else
		printf 'fuzz-%s: FAILED (exit %d) after %s runs; log %s\n' "$t" $rc \
		    "${runs:-?}" "$log"
		grep -E 'ERROR:|SUMMARY:|runtime error:|Test unit written|^fuzz-' "$log" | head -n 8
		tail -n 30 "$log"
		[ $check = 1 ] && cp "$log" "$out/$t.log" && echo "log kept as $out/$t.log"
		fail=1
	fi
done
exit $fail

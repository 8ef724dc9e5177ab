#!/bin/bash
# The fuzz targets (fuzz/: msgpack, chan, dispatch) over their seed corpora,
# then a few seconds of fuzzing each, as make check's short form of make
# fuzz: a crash, a leak, a sanitizer report or a hang fails.  make check
# builds them (else this does); without clang's libFuzzer, which make deps
# installs, there is nothing to run: this says so and passes.
set -u
cd "$TOP"
missing() {
	local t
	for t in msgpack chan dispatch; do
		[ -x build/fuzz/fuzz-$t ] || return 0
	done
	return 1
}
if missing; then
	out=$(make --no-print-directory fuzz-build 2>&1); rc=$?
	echo "$out"
	if [ $rc -eq 0 ] && grep -q "fuzz targets not built" <<<"$out"; then
		echo "SKIP: clang with libFuzzer is not installed: no fuzz target run"
		exit 0
	fi
fi
exec fuzz/run.sh -c "${FUZZ_CHECK_SECONDS:-4}"

#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# The whole test suite, as CI runs it: installs the dependencies (as root),
# builds taskjail (static, what operators install; dynamic; with ASan+UBSan),
# runs every suite on the static binary (unit, integration and security as
# root and as an unprivileged user, e2e, the package), a smoke set on the
# dynamic one, and ends with "N passed, N failed, N skipped".
set -u
cd "$(dirname "$0")/.."
src=$PWD
bash tests/install-deps.sh || exit 1

build() { # DIR ARGS...
	local d=$1; shift
	if [ ! -f "$d/build.ninja" ]; then
		meson setup "$d" "$@" >"$d.setup.log" 2>&1 || { cat "$d.setup.log"; return 1; }
	elif [ $# -gt 0 ]; then
		# A directory set up earlier gets these options too (-Dstatic).
		meson configure "$d" "$@" >"$d.setup.log" 2>&1 || { cat "$d.setup.log"; return 1; }
	fi
	ninja -C "$d" >"$d.ninja.log" 2>&1 || { cat "$d.ninja.log"; return 1; }
}
logs=()
# A build that failed counts as one failed test in the summary.
failed_build() { # DIR
	printf '{"name": "%s", "protocol": "tap", "result": "FAIL", "stdout": "not ok 1 - %s: build failed\\n1..1\\n"}\n' "$1" "$1" \
		>"$1.failed.json"
	logs+=("$1.failed.json")
}
# build: -Dstatic's default, auto, which is static here (install-deps.sh
# fetched cJSON's source); asked for explicitly so that CI never tests a
# dynamic binary by accident.
if build build -Dstatic=true; then
	meson test -C build --no-rebuild --print-errorlogs --num-processes 1 "$@" \
		>build/test.out 2>&1
	tail -n 25 build/test.out
	logs+=(build/meson-logs/testlog.json)
else
	echo "not ok - build failed"
	echo "0 passed, 1 failed, 0 skipped"
	exit 1
fi

# The sanitizer build runs the unit tests, the fuzz corpora and the root
# integration tests (ASan cannot follow a setpriv'd copy as cleanly).
if build build-asan -Db_sanitize=address,undefined -Db_lundef=false -Dbuildtype=debug -Dstatic=false; then
	TJ_SOAK=200 ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 \
	meson test -C build-asan --no-rebuild --print-errorlogs --num-processes 1 \
		--suite unit --suite fuzz --suite integration --no-suite user \
		>build-asan/test.out 2>&1
	tail -n 12 build-asan/test.out
	logs+=(build-asan/meson-logs/testlog.json)
else
	echo "not ok - sanitizer build failed"
	failed_build build-asan
fi

# The dynamic binary (-Dstatic=false: what the Debian package and builds
# without cJSON's source get): the smoke tests, the relay, and the
# resolver with the host's /usr.
if build build-dynamic -Dstatic=false; then
	meson test -C build-dynamic --no-rebuild --print-errorlogs --num-processes 1 \
		unit/test_dns unit/test_syscall_names integration/basics.sh-root integration/basics.sh-user \
		integration/n8n_relay.sh-root integration/n8n_relay.sh-user \
		integration/static_resolve.sh-root integration/static_resolve.sh-user \
		>build-dynamic/test.out 2>&1
	tail -n 12 build-dynamic/test.out
	logs+=(build-dynamic/meson-logs/testlog.json)
else
	echo "not ok - dynamic build failed"
	failed_build build-dynamic
fi

# The parsers' libFuzzer targets, 30 s each (clang, ASan+UBSan), over a
# scratch copy of their seeds.
if command -v clang >/dev/null &&
   CC=clang build build-fuzz -Dfuzz=true -Db_sanitize=address,undefined -Db_lundef=false -Dstatic=false; then
	meson test -C build-fuzz --no-rebuild --print-errorlogs --num-processes 1 --suite fuzz-run \
		>build-fuzz/test.out 2>&1
	tail -n 5 build-fuzz/test.out
	logs+=(build-fuzz/meson-logs/testlog.json)
else
	echo "not ok - libFuzzer build failed"
	failed_build build-fuzz
fi

/usr/bin/python3 tests/summarize.py "${logs[@]}"

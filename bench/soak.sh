#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# The full soak of issue 13: 10 000 sequential launches and 10 000 four at a
# time, checked for leaks (tests/integration/soak.sh, which CI runs with
# 1 000). Run from the source tree after building:
#   bench/soak.sh [BUILD_DIR] [COUNT] [root|user]
# root (the default when run as root): taskjail runs as root. user: taskjail
# runs as uid/gid 65534 (an ordinary user, user namespaces), from a
# world-readable copy under /tmp as tests/run-test.sh does; started as root
# it switches with setpriv, started as any other user it runs as that user.
set -u
src=$(cd "$(dirname "$0")/.." && pwd)
build=$(realpath "${1:-$src/build}")
count=${2:-10000}
mode=${3:-$( [ "$(id -u)" = 0 ] && echo root || echo user )}
start=$(date +%s)
if [ "$mode" = user ] && [ "$(id -u)" = 0 ]; then
	dir=$(mktemp -d /tmp/tj-soak.XXXXXX)
	trap 'rm -rf "$dir"' EXIT
	mkdir -p "$dir/tests" "$dir/work"
	cp "$build/taskjail" "$dir/"
	cp -r "$src/profiles" "$src/policies" "$dir/"
	cp "$src/tests/lib.sh" "$dir/tests/"
	mkdir -p "$dir/tests/integration"
	cp "$src/tests/integration/soak.sh" "$dir/tests/integration/"
	chmod -R a+rX "$dir"
	chown 65534:65534 "$dir/work"
	echo "# as uid $(id -u 65534 2>/dev/null || echo 65534) (setpriv), $count + $count launches"
	(cd "$dir" && setpriv --reuid=65534 --regid=65534 --clear-groups \
		env -i PATH=/usr/local/bin:/usr/bin:/bin HOME=/tmp LANG=C.UTF-8 \
		TJ_SOAK="$count" TASKJAIL="$dir/taskjail" TJ_SRC="$dir" TJ_MODE=user TJ_WORK="$dir/work" \
		bash "$dir/tests/integration/soak.sh")
else
	echo "# as uid $(id -u) ($mode), $count + $count launches"
	TJ_SOAK=$count TASKJAIL="$build/taskjail" TJ_SRC="$src" TJ_MODE=$mode \
		bash "$src/tests/integration/soak.sh"
fi
echo "# $(( $(date +%s) - start )) s, $(uptime)"

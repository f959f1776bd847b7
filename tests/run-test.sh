#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# run-test.sh MODE BUILDDIR SRCDIR SCRIPT
# Runs one TAP test script as root (MODE=root) or as an unprivileged user
# (MODE=user, uid/gid 65534 through setpriv). User mode copies the binary and
# the data it needs into a fresh world-readable directory, because the
# checkout may sit under a directory the unprivileged user cannot enter.
set -eu
mode=$1 build=$(realpath "$2") src=$(realpath "$3") script=$(realpath "$4")
name=$(basename "$script")
if [ "$(id -u)" != 0 ]; then
	if [ "$mode" = root ]; then echo "1..0 # SKIP root mode needs root"; exit 0; fi
	exec env TASKJAIL="$build/taskjail" TJ_SRC="$src" TJ_MODE=user TJ_HELPERS="$build/tests/helpers" bash "$script"
fi
if [ "$mode" = root ]; then
	exec env TASKJAIL="$build/taskjail" TJ_SRC="$src" TJ_MODE=root TJ_HELPERS="$build/tests/helpers" bash "$script"
fi
command -v setpriv >/dev/null || { echo "1..0 # SKIP setpriv missing"; exit 0; }
dir=$(mktemp -d /tmp/tj-user.XXXXXX)
trap 'rm -rf "$dir"' EXIT
mkdir -p "$dir/tests" "$dir/helpers"
cp "$build/taskjail" "$dir/"
for f in "$build"/tests/helpers/*; do [ -f "$f" ] && [ -x "$f" ] && cp "$f" "$dir/helpers/"; done
cp -r "$src/profiles" "$src/policies" "$src/docs" "$dir/"
cp -r "$src/tests/." "$dir/tests/"
[ -d "$src/examples" ] && cp -r "$src/examples" "$dir/"
[ -d "$src/deploy" ] && cp -r "$src/deploy" "$dir/"
cp "$src/meson_options.txt" "$dir/"
mkdir -p "$dir/subprojects/cjson" && cp "$src/subprojects/cjson/fetch.sh" "$dir/subprojects/cjson/"
chmod -R a+rX "$dir"
work=$(mktemp -d /tmp/tj-work.XXXXXX)
chown 65534:65534 "$work"
trap 'rm -rf "$dir" "$work"' EXIT
cd "$dir"
setpriv --reuid=65534 --regid=65534 --clear-groups \
	env -i PATH=/usr/local/bin:/usr/bin:/bin HOME=/tmp LANG=C.UTF-8 \
	TASKJAIL="$dir/taskjail" TJ_SRC="$dir" TJ_MODE=user TJ_WORK="$work" \
	TJ_HELPERS="$dir/helpers" bash "$dir/tests/${script#"$src"/tests/}"

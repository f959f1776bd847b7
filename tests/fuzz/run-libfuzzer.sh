#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# run-libfuzzer.sh FUZZER SECONDS SEED_DIR...
# Runs a libFuzzer target for a bounded time over a scratch copy of its
# seeds (libFuzzer adds what it finds to its first corpus directory; the
# source tree stays untouched). Prints one TAP point; a crash leaves the
# input in the scratch directory's name in the output.
set -u
fz=$1 secs=$2; shift 2
work=$(mktemp -d /tmp/tj-fuzz.XXXXXX)
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/corpus" "$work/artifacts"
for d in "$@"; do [ -d "$d" ] && find "$d" -maxdepth 1 -type f -exec cp -t "$work/corpus" {} + 2>/dev/null; done
name=$(basename "$fz")
if "$fz" -max_total_time="$secs" -timeout=10 -rss_limit_mb=1024 -artifact_prefix="$work/artifacts/" \
	"$work/corpus" >"$work/log" 2>&1; then
	echo "ok 1 - $name: ${secs} s of libFuzzer, $(grep -o 'cov: [0-9]*' "$work/log" | tail -1), no crash"
else
	echo "not ok 1 - $name: libFuzzer found a crash"
	tail -40 "$work/log" | sed 's/^/# /'
	for a in "$work"/artifacts/*; do [ -f "$a" ] && echo "# input: $(base64 -w0 < "$a" | head -c 2000)"; done
fi
echo "1..1"

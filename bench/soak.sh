#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# The full soak of issue 13: 10 000 sequential launches and 10 000 four at a
# time, checked for leaks (tests/integration/soak.sh, which CI runs with
# 1 000). Run as root from the source tree after building:
#   bench/soak.sh [BUILD_DIR] [COUNT]
set -u
src=$(cd "$(dirname "$0")/.." && pwd)
build=${1:-$src/build}
start=$(date +%s)
TJ_SOAK=${2:-10000} TASKJAIL="$build/taskjail" TJ_SRC="$src" TJ_MODE=$( [ "$(id -u)" = 0 ] && echo root || echo user ) \
	bash "$src/tests/integration/soak.sh"
echo "# $(( $(date +%s) - start )) s, $(uptime)"

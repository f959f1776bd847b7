#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# Per-syscall overhead of each shipped policy on a syscall-heavy loop
# (10^6 getppid, 10^6 1-byte reads), taskjail with vs without the policy in
# the same run, rounds interleaved (this machine's timings are noisy: the
# ratios of one interleaved run are what counts); plus the cost of loading
# the filter in the runner and of compiling it in the supervisor.
#
#   bench/seccomp_bench.sh [BUILD_DIR] [ROUNDS] [N]
#
# Prints a table and writes bench/results/seccomp-<date>.json.
set -eu
cd "$(dirname "$0")/.."
B=${1:-build}
ROUNDS=${2:-7}
N=${3:-1000000}
TJ=$PWD/$B/taskjail
EXEC=$PWD/$B/tests/helpers/seccomp-exec
export TASKJAIL_POLICY_DIR=$PWD/policies
tmp=$(mktemp -d /tmp/tj-bench.XXXXXX)
trap 'rm -rf "$tmp"' EXIT
chmod 755 "$tmp"
cc -O2 -o "$tmp/hotloop" bench/seccomp_hotloop.c
# A one-rule filter: what any seccomp filter costs per syscall (the entry
# slow path plus the kernel's action-cache lookup), to separate that from
# what a policy's size and shape add.
printf '{"defaultAction":"SCMP_ACT_ALLOW","syscalls":[{"names":["keyctl"],"action":"SCMP_ACT_ERRNO","errnoRet":1}]}' >"$tmp/allowall.json"
POLS="none allowall default node python"
pol_arg() { [ "$1" = allowall ] && echo "$tmp/allowall.json" || echo "$1"; }
median() { sort -n | awk '{a[NR]=$1} END {print (NR%2) ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2}'; }

for r in $(seq "$ROUNDS"); do
	for mode in getppid read; do
		for p in $POLS; do
			"$TJ" run --seccomp "$(pol_arg "$p")" --bind-ro "$tmp:/bench" -- /bench/hotloop "$mode" "$N" \
				>>"$tmp/tj-$mode-$p"
		done
	done
done
# Loading (runner) and compiling (supervisor) the filter, 31 runs each.
for r in $(seq 31); do
	for p in default node python; do
		"$EXEC" --quiet --time "policies/$p.json" -- /bin/true 2>>"$tmp/time-$p"
	done
done
# Whole `taskjail run -- /bin/true` wall time (exit event), with and without.
for r in $(seq 21); do
	for p in none node; do
		"$TJ" run --seccomp "$p" --log-fd 3 -- /bin/true 3>&1 | grep '"exit"' |
			sed 's/.*"wall_ms":\([0-9.]*\).*/\1/' >>"$tmp/wall-$p"
	done
done

json="{\"date\":\"$(date -u +%FT%TZ)\",\"kernel\":\"$(uname -r)\",\"cpus\":$(nproc),\"rounds\":$ROUNDS,\"n\":$N,\"results\":["
printf '%-8s %-8s %12s %14s %16s\n' policy loop ns/call "vs none" "vs 1-rule filter"
sep=""
for mode in getppid read; do
	base=$(median <"$tmp/tj-$mode-none")
	one=$(median <"$tmp/tj-$mode-allowall")
	for p in $POLS; do
		m=$(median <"$tmp/tj-$mode-$p")
		# Overheads are medians of per-round ratios (each round runs every
		# variant back to back), which cancels most of the drift.
		ov=$(paste "$tmp/tj-$mode-$p" "$tmp/tj-$mode-none" | awk '{printf "%.2f\n", ($1/$2-1)*100}' | median)
		ov1=$(paste "$tmp/tj-$mode-$p" "$tmp/tj-$mode-allowall" | awk '{printf "%.2f\n", ($1/$2-1)*100}' | median)
		printf '%-8s %-8s %12s %13s%% %15s%%\n' "$p" "$mode" "$m" "$ov" "$ov1"
		json+="$sep{\"policy\":\"$p\",\"loop\":\"$mode\",\"ns_per_call\":$m,\"overhead_pct\":$ov,\"overhead_vs_one_rule_pct\":$ov1}"
		sep=","
	done
done
json+="],\"filter\":["
sep=""
printf '\n%-8s %14s %14s\n' policy install_ms prepare_ms
for p in default node python; do
	inst=$(sed -n 's/.*install_ns=\([0-9]*\).*/\1/p' "$tmp/time-$p" | median)
	prep=$(sed -n 's/.*prepare_ns=\([0-9]*\).*/\1/p' "$tmp/time-$p" | median)
	printf '%-8s %14.3f %14.3f\n' "$p" "$(echo "$inst/1000000" | bc -l)" "$(echo "$prep/1000000" | bc -l)"
	json+="$sep{\"policy\":\"$p\",\"install_ns_median\":$inst,\"prepare_ns_median\":$prep}"
	sep=","
done
wn=$(median <"$tmp/wall-none")
wp=$(median <"$tmp/wall-node")
printf '\ntaskjail run -- /bin/true, median wall: --seccomp none %s ms, --seccomp node %s ms\n' "$wn" "$wp"
json+="],\"run_true_wall_ms\":{\"none\":$wn,\"node\":$wp}}"
mkdir -p bench/results
out=bench/results/seccomp-$(date -u +%Y%m%d-%H%M%S).json
echo "$json" >"$out"
echo "wrote $out"

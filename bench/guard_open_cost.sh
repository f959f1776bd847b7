#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# Where the strict /proc guard's cost per intercepted open goes (issue 12),
# builds side by side, interleaved:
#
#   bench/guard_open_cost.sh [ROUNDS] LABEL=TASKJAIL [LABEL=TASKJAIL...]
#   e.g. bench/guard_open_cost.sh 6 before=/tmp/tj-main after=build/taskjail
#
# Each round runs, for each binary under --proc-guard strict, then for the
# first binary under --proc-guard namespace, then bare (node profile,
# --net none, the e2e cache's node and n8n, tests/e2e/install-n8n.sh):
#   loop  open+close of the first 1900 .js files of the n8n install, twice,
#         touching PAGES pages of a 64 MiB buffer after each open
#         (PAGES=0 and 64): microseconds per iteration. The touched pages
#         cost more after a round trip through the guard than after a plain
#         syscall: that is the requester's cold TLB and caches.
#   runner  the n8n JS task runner started until it gives up on an
#         unreachable broker (exit 1): its main thread's user and system
#         CPU (process.threadCpuUsage) and node's wall time to exit.
# Prints one line per run, then medians per (test, label). Record the load
# average: on a shared 2-vCPU VM only ratios within one run mean anything.
set -u
ROUNDS=6
[[ ${1:-} =~ ^[0-9]+$ ]] && { ROUNDS=$1; shift; }
[ $# -ge 1 ] || { sed -n 3,7p "$0"; exit 2; }
TJ_SRC=$(cd "$(dirname "$0")/.." && pwd)
. "$TJ_SRC/tests/e2e/n8n-lib.sh"
[ -x "$NODE" ] && [ -f "$RUNNER_JS" ] || { echo "no n8n cache (tests/e2e/install-n8n.sh)"; exit 1; }
export TASKJAIL_PROFILE_DIR=$TJ_SRC/profiles TASKJAIL_POLICY_DIR=$TJ_SRC/policies
W=$(mktemp -d /var/tmp/tj-opencost.XXXXXX) # not /tmp: a tmpfs in the sandbox
chmod 755 "$W"
trap 'rm -rf "$W"' EXIT
find "$N8N_MODULES" -name '*.js' -type f | head -1900 >"$W/paths.txt"
cat >"$W/loop.js" <<'EOF'
const fs = require('fs');
const ps = fs.readFileSync(process.argv[2], 'utf8').trim().split('\n');
const PAGES = +process.argv[3];
const b = new Uint8Array(64 << 20);
for (let i = 0; i < b.length; i += 4096) b[i] = 1;
let pos = 0, n = 0;
const t = process.hrtime.bigint();
for (let r = 0; r < 2; r++) for (const p of ps) {
	try { fs.closeSync(fs.openSync(p, 'r')); } catch (e) {}
	for (let k = 0; k < PAGES; k++) { pos = (pos + 7 * 4096) % b.length; b[pos]++; }
	n++;
}
console.log('RESULT ' + (Number(process.hrtime.bigint() - t) / 1e3 / n).toFixed(2));
EOF
cat >"$W/cpu.js" <<'EOF'
const t0 = process.hrtime.bigint();
process.on('exit', () => {
	const u = process.threadCpuUsage();
	require('fs').writeSync(2, 'RESULT ' + (u.user / 1e3).toFixed(0) + ' ' +
		(u.system / 1e3).toFixed(0) + ' ' + (Number(process.hrtime.bigint() - t0) / 1e6).toFixed(0) + '\n');
});
EOF
chmod 644 "$W"/*
# run TASKJAIL MODE NODE-ARGS...: MODE strict|namespace|bare; prints RESULT's fields
run() {
	local tj=$1 mode=$2; shift 2
	local env=(env N8N_RUNNERS_TASK_BROKER_URI=http://127.0.0.1:1 N8N_RUNNERS_GRANT_TOKEN=x
		N8N_RUNNERS_HEALTH_CHECK_SERVER_ENABLED=true N8N_RUNNERS_HEALTH_CHECK_SERVER_PORT=0)
	if [ "$mode" = bare ]; then
		"${env[@]}" "$NODE" "$@" 2>&1
	else
		"${env[@]}" "$tj" run --profile node --net none --proc-guard "$mode" --timeout 20 \
			--bind-ro "$CACHE" --bind-ro "$W" -- "$NODE" "$@" 2>&1
	fi | sed -n 's/^RESULT //p'
}
variants=()
for a in "$@"; do variants+=("${a%%=*}|${a#*=}|strict"); done
first=${1#*=}
variants+=("namespace|$first|namespace" "bare||bare")
echo "# $(date -u +%FT%TZ) rounds $ROUNDS, load $(cut -d' ' -f1-3 /proc/loadavg)"
for ((i = 0; i < ROUNDS; i++)); do
	for v in "${variants[@]}"; do
		IFS='|' read -r label tj mode <<<"$v"
		for pages in 0 64; do
			echo "loop$pages $label $(run "$tj" "$mode" "$W/loop.js" "$W/paths.txt" $pages)"
		done
		echo "runner $label $(run "$tj" "$mode" --require "$W/cpu.js" "$RUNNER_JS")"
	done
done | tee "$W/out"
echo "# $(date -u +%FT%TZ) load $(cut -d' ' -f1-3 /proc/loadavg)"
echo "# medians: loop us/iteration; runner main-thread user ms, system ms, wall ms"
python3 - "$W/out" <<'EOF'
import collections, statistics, sys
d = collections.defaultdict(list)
for line in open(sys.argv[1]):
    f = line.split()
    if len(f) > 2:
        d[(f[0], f[1])].append([float(x) for x in f[2:]])
for (test, label), rows in sorted(d.items()):
    med = [statistics.median(c) for c in zip(*rows)]
    print(f"{test:8s} {label:10s} n={len(rows)} " + " ".join(f"{m:8.1f}" for m in med))
EOF

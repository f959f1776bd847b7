#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# n8n Code-node latency and runner cold start: the real JS task runner bare vs
# under taskjail (node profile: net relay, strict /proc guard, seccomp policy
# 'node'), in ONE run, interleaved, against the same n8n.
#
#   bench/n8n_bench.sh [ROUNDS] [CALLS_PER_ROUND]     (default 6 x 25)
#   MODES="bare taskjail tj_namespace tj_noseccomp" bench/n8n_bench.sh ...
#     adds variants that localise the cost: the node profile with
#     proc_guard namespace (no open-family notifications), and that plus
#     --seccomp none (no syscall filter at all).
#
# Each round starts the runner bare and under taskjail (order alternating),
# the way n8n's launcher does (tests/e2e/launcher.sh: grant token, start,
# health poll), and measures:
#   cold start  = grant token fetched -> runner's /healthz answers 200
#                 (through the relay for taskjail)
#   first task  = grant token fetched -> first Code-node webhook answered
#   latency     = CALLS_PER_ROUND webhook calls (POST -> Code node -> response),
#                 after 5 warm-up calls
# plus 20 interleaved `node -e 0` startups bare vs `taskjail run --profile
# node -- node -e 0` (the sandbox's own setup cost).
# Writes bench/results/n8n_bench.json and prints a table. Needs the n8n cache
# (tests/e2e/install-n8n.sh) and root or a user that can run taskjail.
set -u
ROUNDS=${1:-6}
CALLS=${2:-25}
read -r -a MODES <<<"${MODES:-bare taskjail}"
TJ_SRC=${TJ_SRC:-$(cd "$(dirname "$0")/.." && pwd)}
TASKJAIL=${TASKJAIL:-$TJ_SRC/build/taskjail}
export TASKJAIL TJ_SRC TASKJAIL_PROFILE_DIR="$TJ_SRC/profiles"
. "$TJ_SRC/tests/e2e/n8n-lib.sh"
"$E2E_DIR/install-n8n.sh" || { echo "n8n not installed (see tests/e2e/install-n8n.sh)"; exit 1; }

WORK=$(mktemp -d /tmp/tj-bench.XXXXXX)
chmod 755 "$WORK"
AUTH_TOKEN="tj-bench-$RANDOM$RANDOM"
cleanup() { launcher_stop; n8n_stop; rm -rf "$WORK"; }
trap cleanup EXIT
trap "exit 143" TERM INT HUP
n8n_pick_ports || exit 1
cat >"$WORK/code.js" <<'EOF'
const b = $input.first().json.body;
return [{ json: { sum: b.a + b.b } }];
EOF
n8n_workflow tjBenchCode001 tj-bench tj-bench "$WORK/code.js" "$WORK/wf.json"
n8n_start "tjBenchCode001:$WORK/wf.json" || { tail -20 "$WORK/n8n.log"; exit 1; }
cat >"$WORK/lc.json" <<EOF
{"task-runners": [{"runner-type": "javascript", "workdir": "/tmp", "command": "$NODE",
  "args": ["--disallow-code-generation-from-strings", "--disable-proto=delete", "$RUNNER_JS"],
  "health-check-server-port": "$HEALTH_PORT",
  "allowed-env": ["PATH", "GENERIC_TIMEZONE", "NODE_OPTIONS", "NODE_PATH",
    "N8N_RUNNERS_AUTO_SHUTDOWN_TIMEOUT", "N8N_RUNNERS_GRACEFUL_SHUTDOWN_TIMEOUT",
    "N8N_RUNNERS_TASK_TIMEOUT", "N8N_RUNNERS_MAX_CONCURRENCY", "HOME"],
  "env-overrides": {"NODE_FUNCTION_ALLOW_BUILTIN": "crypto", "NODE_FUNCTION_ALLOW_EXTERNAL": "moment",
    "N8N_RUNNERS_HEALTH_CHECK_SERVER_HOST": "0.0.0.0"}}]}
EOF
chmod a+r "$WORK/lc.json"

samples="$WORK/samples.txt" # MODE KIND VALUE_MS
: >"$samples"
ms_since() { echo $(( ($(date +%s%N) - $1) / 1000 )) | awk '{printf "%.3f", $1 / 1000}'; }

sed 's/"proc_guard": "strict"/"proc_guard": "namespace"/' "$TJ_SRC/profiles/node.json" >"$WORK/node-ns.json"
start_mode() {
	local binds=(--bind-ro "$CACHE/node" --bind-ro "$N8N_MODULES")
	if [ "$1" = taskjail ]; then
		launcher_start taskjail "$WORK/lc.json" javascript --profile node "${binds[@]}"
	elif [ "$1" = tj_namespace ]; then
		launcher_start taskjail "$WORK/lc.json" javascript --profile "$WORK/node-ns.json" "${binds[@]}"
	elif [ "$1" = tj_noseccomp ]; then
		launcher_start taskjail "$WORK/lc.json" javascript --profile "$WORK/node-ns.json" \
			--seccomp none "${binds[@]}"
	else
		RUNNER_CMD="$NODE $NODE_FLAGS $RUNNER_JS" RUNNER_HEALTH_PORT=$HEALTH_PORT \
			RUNNER_ENV=$'NODE_FUNCTION_ALLOW_BUILTIN=crypto\nNODE_FUNCTION_ALLOW_EXTERNAL=moment\nN8N_RUNNERS_HEALTH_CHECK_SERVER_HOST=0.0.0.0\nHOME=/tmp' \
			launcher_start bare "$WORK/lc.json" javascript
	fi
}

for r in $(seq 1 "$ROUNDS"); do
	# Rotate the order every round so no mode always goes first.
	order=()
	for k in $(seq 0 $((${#MODES[@]} - 1))); do order+=("${MODES[$(((k + r) % ${#MODES[@]}))]}"); done
	for mode in "${order[@]}"; do
		rm -f "$WORK/t0"
		start_mode "$mode"
		for _ in $(seq 1 3000); do [ -s "$WORK/t0" ] && break; sleep 0.005; done
		t0=$(cat "$WORK/t0")
		wait_health "$HEALTH_PORT" || { echo "round $r $mode: no health"; tail "$WORK/launcher-$mode.log"; exit 1; }
		echo "$mode cold_start $(ms_since "$t0")" >>"$samples"
		wait_runner tj-bench '{"a":1,"b":2}' '{"sum":3}' >/dev/null || { echo "round $r $mode: no task"; exit 1; }
		echo "$mode first_task $(ms_since "$t0")" >>"$samples"
		for i in $(seq 1 5); do n8n_call tj-bench '{"a":1,"b":2}' >/dev/null; done
		for i in $(seq 1 "$CALLS"); do
			t=$(curl -s -o "$WORK/body" -w '%{time_total}' --max-time 30 -X POST \
				-H 'content-type: application/json' -d "{\"a\":$i,\"b\":1}" \
				"http://127.0.0.1:$N8N_PORT/webhook/tj-bench")
			[ "$(cat "$WORK/body")" = "{\"sum\":$((i + 1))}" ] || { echo "wrong answer: $(cat "$WORK/body")"; exit 1; }
			echo "$mode latency $(awk -v t="$t" 'BEGIN{printf "%.3f", t * 1000}')" >>"$samples"
		done
		launcher_stop
	done
	echo "round $r/$ROUNDS done" >&2
done

# The sandbox's own startup cost, on a trivial node program.
for i in $(seq 1 20); do
	t=$(date +%s%N); "$NODE" -e 0; echo "bare node_e0 $(ms_since "$t")" >>"$samples"
	t=$(date +%s%N)
	"$TASKJAIL" run --profile node --bind-ro "$CACHE/node" -- "$NODE" -e 0
	echo "taskjail node_e0 $(ms_since "$t")" >>"$samples"
done

mkdir -p "$TJ_SRC/bench/results"
/usr/bin/python3 - "$samples" "$TJ_SRC/bench/results/n8n_bench.json" "$ROUNDS" "$CALLS" \
	"$("$NODE" "$N8N_BIN" --version)" "$(git -C "$TJ_SRC" rev-parse --short HEAD 2>/dev/null)" <<'EOF'
import json, os, platform, statistics, sys
path, out, rounds, calls, n8n, commit = sys.argv[1:7]
data = {}
for line in open(path):
    mode, kind, v = line.split()
    data.setdefault(kind, {}).setdefault(mode, []).append(float(v))
res = {"n8n": n8n, "taskjail_commit": commit, "kernel": platform.release(),
       "cpus": os.cpu_count(), "rounds": int(rounds), "calls_per_round": int(calls),
       "interleaved": True, "uid": os.getuid(), "metrics": {}}
labels = {"latency": "Code-node webhook latency", "cold_start": "runner cold start (grant -> /healthz 200)",
          "first_task": "grant -> first Code-node answer", "node_e0": "node -e 0 (sandbox setup cost)"}
print(f"n8n {n8n}, kernel {platform.release()}, {os.cpu_count()} CPUs, {rounds} rounds x {calls} calls, interleaved")
print(f"{'metric':44} {'mode':>13} {'n':>4} {'median ms':>10} {'p90 ms':>9} {'vs bare':>8}")
for kind in ("latency", "cold_start", "first_task", "node_e0"):
    m = data.get(kind, {})
    if "bare" not in m:
        continue
    mb = statistics.median(m["bare"])
    res["metrics"][kind] = {}
    for mode, v in m.items():
        med = statistics.median(v)
        p90 = sorted(v)[int(0.9 * (len(v) - 1))]
        res["metrics"][kind][mode] = {"n": len(v), "median_ms": med, "p90_ms": p90, "min_ms": min(v),
                                      "ratio_median_vs_bare": med / mb}
        print(f"{labels[kind]:44} {mode:>13} {len(v):>4} {med:>10.1f} {p90:>9.1f} {med / mb:>8.3f}")
json.dump(res, open(out, "w"), indent=2)
print("written", out)
EOF

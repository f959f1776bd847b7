#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# n8n workflow latency and runner cold start: the real JS task runner bare vs
# under taskjail (node profile: net relay, strict /proc guard, seccomp policy
# 'node'), in ONE run, interleaved, against the same n8n version.
#
#   bench/n8n_bench.sh [ROUNDS] [CALLS_PER_ROUND]     (default 3 x 10)
#   MODES="bare taskjail tj_user tj_namespace tj_noseccomp" bench/n8n_bench.sh ...
#     tj_user: the node profile with taskjail started as uid/gid 65534 (user
#     namespace, no root); tj_namespace / tj_noseccomp localise the cost: the
#     node profile with proc_guard namespace (no open-family notifications),
#     and that plus --seccomp none (no syscall filter at all); tj_absent /
#     tj_user_absent: the node profile with --proc-guard absent (no procfs),
#     as the caller and as uid 65534; tj_self / tj_user_self: the same with
#     --proc-guard self (Landlock: the runner's own /proc files only).
#   OUT=bench/results/NAME.json (default bench/results/n8n_bench_shapes.json;
#     a markdown table goes next to it as NAME.md)
#
# Workflow shapes, each a webhook (POST, response = last node's first item):
#   one      one Code node (run once for all items): a + b
#   chain3   three Code nodes in a row (three tasks per call)
#   each100  Split Out of 100 items -> one Code node in "run once for each
#            item" mode
#   big1m    one Code node returning a 1 MiB string (runner -> broker ->
#            webhook response carries ~1 MiB)
#
# Every mode gets its own n8n (same version, same workflow) so its runner can
# stay connected while the calls alternate between modes one by one: on a
# busy machine, load swings hit both sides alike. Each round starts each
# mode's runner in turn (order rotating), the way n8n's launcher does
# (tests/e2e/launcher.sh: grant token, start, health poll), then makes the
# calls interleaved, then stops the runners. Measured:
#   cold start  = grant token fetched -> runner's /healthz answers 200
#                 (through the relay for taskjail)
#   first task  = grant token fetched -> first Code-node webhook answered
#   latency     = per shape, CALLS_PER_ROUND webhook calls (POST -> nodes ->
#                 response), after 2 warm-up calls per shape; the calls go
#                 one by one: shape after shape, mode after mode
#   load        = /proc/loadavg's 1-minute value before each round and at the end
# plus 20 interleaved `node -e 0` startups bare vs `taskjail run --profile
# node -- node -e 0` (the sandbox's own setup cost).
# Writes $OUT and prints a table. Needs the n8n cache
# (tests/e2e/install-n8n.sh) and root or a user that can run taskjail.
set -u
ROUNDS=${1:-3}
CALLS=${2:-10}
read -r -a MODES <<<"${MODES:-bare taskjail}"
TJ_SRC=${TJ_SRC:-$(cd "$(dirname "$0")/.." && pwd)}
TASKJAIL=${TASKJAIL:-$TJ_SRC/build/taskjail}
export TASKJAIL TJ_SRC TASKJAIL_PROFILE_DIR="$TJ_SRC/profiles"
. "$TJ_SRC/tests/e2e/n8n-lib.sh"
"$E2E_DIR/install-n8n.sh" || { echo "n8n not installed (see tests/e2e/install-n8n.sh)"; exit 1; }

BASE=$(mktemp -d /tmp/tj-bench.XXXXXX)
chmod 755 "$BASE"
AUTH_TOKEN="tj-bench-$RANDOM$RANDOM"
declare -A M_WORK M_N8N M_BROKER M_HEALTH M_N8NPID M_LPID
use() { # MODE: switch n8n-lib's globals to that mode's instance
	WORK=${M_WORK[$1]} N8N_PORT=${M_N8N[$1]} BROKER_PORT=${M_BROKER[$1]}
	HEALTH_PORT=${M_HEALTH[$1]} N8N_PID=${M_N8NPID[$1]:-} LAUNCHER_PID=${M_LPID[$1]:-}
}
save() { M_N8NPID[$1]=${N8N_PID:-} M_LPID[$1]=${LAUNCHER_PID:-}; }
cleanup() {
	for m in "${!M_WORK[@]}"; do use "$m"; launcher_stop; n8n_stop; done
	rm -rf "$BASE"
}
trap cleanup EXIT
trap "exit 143" TERM INT HUP

cat >"$BASE/one.js" <<'EOF'
const b = $input.first().json.body;
return [{ json: { sum: b.a + b.b } }];
EOF
cat >"$BASE/chain2.js" <<'EOF'
return [{ json: { v: $input.first().json.sum * 2 } }];
EOF
cat >"$BASE/chain3.js" <<'EOF'
return [{ json: { v: $input.first().json.v + 1 } }];
EOF
cat >"$BASE/each.js" <<'EOF'
return { json: { i: $json.i, d: $json.i * 2 } };
EOF
cat >"$BASE/big.js" <<'EOF'
return [{ json: { a: $input.first().json.body.a, s: "x".repeat(1 << 20) } }];
EOF
SHAPES=(one chain3 each100 big1m)
ITEMS=$(seq 0 99 | sed 's/.*/{"i":&}/' | paste -sd, -)
shape_body() { # SHAPE I: the request
	case "$1" in
	each100) echo "{\"items\":[$ITEMS],\"k\":$2}" ;;
	*) echo "{\"a\":$2,\"b\":1}" ;;
	esac
}
shape_check() { # SHAPE I FILE SIZE: is the response right?
	case "$1" in
	one) [ "$(cat "$3")" = "{\"sum\":$(($2 + 1))}" ] ;;
	chain3) [ "$(cat "$3")" = "{\"v\":$((2 * ($2 + 1) + 1))}" ] ;;
	each100) [ "$(cat "$3")" = '{"i":0,"d":0}' ] ;;
	big1m)
		local want="{\"a\":$2,\"s\":\"xxx"
		[ "$4" -gt 1048576 ] && [ "$(head -c ${#want} "$3")" = "$want" ] ;;
	esac
}
printf '#!/bin/sh\nexec setpriv --reuid=65534 --regid=65534 --clear-groups --pdeathsig KILL -- "%s" "$@"\n' \
	"$TASKJAIL" >"$BASE/tj-user"
chmod 755 "$BASE/tj-user"
sed 's/"proc_guard": "strict"/"proc_guard": "namespace"/' "$TJ_SRC/profiles/node.json" >"$BASE/node-ns.json"
used_ports=" "
for m in "${MODES[@]}"; do
	for _ in $(seq 1 20); do
		n8n_pick_ports || exit 1
		case "$used_ports" in *" $N8N_PORT "*|*" $BROKER_PORT "*|*" $HEALTH_PORT "*) continue ;; esac
		break
	done
	used_ports+="$N8N_PORT $BROKER_PORT $HEALTH_PORT $((N8N_PORT - 1)) $((N8N_PORT + 2)) $((N8N_PORT + 4)) "
	M_WORK[$m]=$BASE/$m M_N8N[$m]=$N8N_PORT M_BROKER[$m]=$BROKER_PORT M_HEALTH[$m]=$HEALTH_PORT
	mkdir -p "$BASE/$m"
	chmod 755 "$BASE/$m"
	use "$m"
	n8n_workflow_chain tjBenchWf00001 one one "$WORK/wf1.json" "code:all:$BASE/one.js"
	n8n_workflow_chain tjBenchWf00002 chain3 chain3 "$WORK/wf2.json" "code:all:$BASE/one.js" \
		"code:all:$BASE/chain2.js" "code:all:$BASE/chain3.js"
	n8n_workflow_chain tjBenchWf00003 each100 each100 "$WORK/wf3.json" split:body.items \
		"code:each:$BASE/each.js"
	n8n_workflow_chain tjBenchWf00004 big1m big1m "$WORK/wf4.json" "code:all:$BASE/big.js"
	n8n_start "tjBenchWf00001:$WORK/wf1.json" "tjBenchWf00002:$WORK/wf2.json" \
		"tjBenchWf00003:$WORK/wf3.json" "tjBenchWf00004:$WORK/wf4.json" ||
		{ tail -20 "$WORK/n8n.log" "$WORK/n8n-cli.log"; exit 1; }
	save "$m"
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
	echo "n8n for $m on $N8N_PORT (broker $BROKER_PORT, runner health $HEALTH_PORT)" >&2
done

samples="$BASE/samples.txt" # MODE KIND VALUE_MS
: >"$samples"
loads="$BASE/load.txt"
: >"$loads"
ms_since() { echo $(( ($(date +%s%N) - $1) / 1000 )) | awk '{printf "%.3f", $1 / 1000}'; }

start_mode() {
	local binds=(--bind-ro "$CACHE/node" --bind-ro "$N8N_MODULES")
	case "$1" in
	taskjail)
		launcher_start taskjail "$WORK/lc.json" javascript --profile node "${binds[@]}" ;;
	tj_user)
		TASKJAIL=$BASE/tj-user launcher_start taskjail "$WORK/lc.json" javascript --profile node "${binds[@]}" ;;
	tj_namespace)
		launcher_start taskjail "$WORK/lc.json" javascript --profile "$BASE/node-ns.json" "${binds[@]}" ;;
	tj_noseccomp)
		launcher_start taskjail "$WORK/lc.json" javascript --profile "$BASE/node-ns.json" \
			--seccomp none "${binds[@]}" ;;
	tj_absent)
		launcher_start taskjail "$WORK/lc.json" javascript --profile node --proc-guard absent "${binds[@]}" ;;
	tj_user_absent)
		TASKJAIL=$BASE/tj-user launcher_start taskjail "$WORK/lc.json" javascript --profile node \
			--proc-guard absent "${binds[@]}" ;;
	tj_self)
		launcher_start taskjail "$WORK/lc.json" javascript --profile node --proc-guard self "${binds[@]}" ;;
	tj_user_self)
		TASKJAIL=$BASE/tj-user launcher_start taskjail "$WORK/lc.json" javascript --profile node \
			--proc-guard self "${binds[@]}" ;;
	*)
		RUNNER_CMD="$NODE $NODE_FLAGS $RUNNER_JS" RUNNER_HEALTH_PORT=$HEALTH_PORT \
			RUNNER_ENV=$'NODE_FUNCTION_ALLOW_BUILTIN=crypto\nNODE_FUNCTION_ALLOW_EXTERNAL=moment\nN8N_RUNNERS_HEALTH_CHECK_SERVER_HOST=0.0.0.0\nHOME=/tmp' \
			launcher_start bare "$WORK/lc.json" javascript ;;
	esac
}

for r in $(seq 1 "$ROUNDS"); do
	cut -d' ' -f1 /proc/loadavg >>"$loads"
	# Rotate the order every round so no mode always goes first.
	order=()
	for k in $(seq 0 $((${#MODES[@]} - 1))); do order+=("${MODES[$(((k + r) % ${#MODES[@]}))]}"); done
	for mode in "${order[@]}"; do
		use "$mode"
		rm -f "$WORK/t0"
		start_mode "$mode"
		save "$mode"
		for _ in $(seq 1 3000); do [ -s "$WORK/t0" ] && break; sleep 0.005; done
		t0=$(cat "$WORK/t0")
		wait_health "$HEALTH_PORT" || { echo "round $r $mode: no health"; tail "$WORK/launcher-"*.log; exit 1; }
		echo "$mode cold_start $(ms_since "$t0")" >>"$samples"
		wait_runner one '{"a":1,"b":2}' '{"sum":3}' >/dev/null || { echo "round $r $mode: no task"; exit 1; }
		echo "$mode first_task $(ms_since "$t0")" >>"$samples"
		for shape in "${SHAPES[@]}"; do
			for i in 1 2; do n8n_call "$shape" "$(shape_body "$shape" "$i")" >/dev/null; done
		done
	done
	for i in $(seq 1 "$CALLS"); do
		for shape in "${SHAPES[@]}"; do
			shape_body "$shape" "$i" >"$BASE/req"
			for mode in "${order[@]}"; do
				use "$mode"
				read -r t size < <(curl -s -o "$BASE/body" -w '%{time_total} %{size_download}\n' \
					--max-time 30 -X POST -H 'content-type: application/json' -d "@$BASE/req" \
					"http://127.0.0.1:$N8N_PORT/webhook/$shape")
				shape_check "$shape" "$i" "$BASE/body" "${size:-0}" ||
					{ echo "$mode $shape: wrong answer: $(head -c 200 "$BASE/body")"; exit 1; }
				echo "$mode $shape $(awk -v t="$t" 'BEGIN{printf "%.3f", t * 1000}')" >>"$samples"
			done
		done
	done
	for mode in "${order[@]}"; do use "$mode"; launcher_stop; save "$mode"; done
	echo "round $r/$ROUNDS done" >&2
done

# The sandbox's own startup cost, on a trivial node program.
for i in $(seq 1 20); do
	t=$(date +%s%N); "$NODE" -e 0; echo "bare node_e0 $(ms_since "$t")" >>"$samples"
	t=$(date +%s%N)
	"$TASKJAIL" run --profile node --bind-ro "$CACHE/node" -- "$NODE" -e 0
	echo "taskjail node_e0 $(ms_since "$t")" >>"$samples"
done

cut -d' ' -f1 /proc/loadavg >>"$loads"

OUT=${OUT:-$TJ_SRC/bench/results/n8n_bench_shapes.json}
mkdir -p "$(dirname "$OUT")"
/usr/bin/python3 - "$samples" "$OUT" "$ROUNDS" "$CALLS" "$loads" \
	"$("$NODE" "$N8N_BIN" --version)" "$(git -C "$TJ_SRC" rev-parse --short HEAD 2>/dev/null)" <<'EOF'
import json, os, platform, statistics, sys
path, out, rounds, calls, loads, n8n, commit = sys.argv[1:8]
data = {}
for line in open(path):
    mode, kind, v = line.split()
    data.setdefault(kind, {}).setdefault(mode, []).append(float(v))
load = [float(x) for x in open(loads)]
res = {"n8n": n8n, "taskjail_commit": commit, "kernel": platform.release(),
       "cpus": os.cpu_count(), "rounds": int(rounds), "calls_per_round": int(calls),
       "interleaved": True, "uid": os.getuid(), "loadavg_1min_samples": load, "metrics": {}}
labels = {"one": "one Code node", "chain3": "3 Code nodes in a row",
          "each100": "Code node, once per item, 100 items", "big1m": "Code node returning 1 MiB",
          "cold_start": "runner cold start (grant -> /healthz 200)",
          "first_task": "grant -> first Code-node answer", "node_e0": "node -e 0 (sandbox setup cost)"}
def p90(v):
    # nearest rank: the smallest sample with at least 90 % of the samples at or below it
    s = sorted(v)
    return s[max(0, -(-9 * len(s) // 10) - 1)]
head = (f"n8n {n8n}, taskjail {commit}, kernel {platform.release()}, {os.cpu_count()} CPUs, uid {os.getuid()}, "
        f"{rounds} rounds x {calls} calls per shape, interleaved call by call; "
        f"load average (1 min) {min(load):.1f}-{max(load):.1f}, mean {statistics.mean(load):.1f}")
md = [head, "", "| metric | mode | n | median ms | p90 ms | median / bare | p90 / bare | goal (≤ 1.05 / ≤ 1.10) |",
      "|---|---|---|---|---|---|---|---|"]
print(head)
print(f"{'metric':38} {'mode':>12} {'n':>4} {'median':>8} {'p90':>8} {'med/bare':>8} {'p90/bare':>8}")
for kind in ("one", "chain3", "each100", "big1m", "cold_start", "first_task", "node_e0"):
    m = data.get(kind, {})
    if "bare" not in m:
        continue
    mb, pb = statistics.median(m["bare"]), p90(m["bare"])
    res["metrics"][kind] = {}
    for mode, v in m.items():
        med, q = statistics.median(v), p90(v)
        r = {"n": len(v), "median_ms": med, "p90_ms": q, "min_ms": min(v),
             "ratio_median_vs_bare": med / mb, "ratio_p90_vs_bare": q / pb}
        goal = ""
        if mode != "bare" and kind in ("one", "chain3", "each100", "big1m"):
            r["goal_met"] = med / mb <= 1.05 and q / pb <= 1.10
            goal = "met" if r["goal_met"] else "**missed**"
        res["metrics"][kind][mode] = r
        print(f"{labels[kind]:38} {mode:>12} {len(v):>4} {med:>8.1f} {q:>8.1f} {med / mb:>8.3f} {q / pb:>8.3f} {goal}")
        md.append(f"| {labels[kind]} | {mode} | {len(v)} | {med:.1f} | {q:.1f} | {med / mb:.3f} | {q / pb:.3f} | {goal} |")
json.dump(res, open(out, "w"), indent=2)
open(os.path.splitext(out)[0] + ".md", "w").write("\n".join(md) + "\n")
print("written", out, "and", os.path.splitext(out)[0] + ".md")
EOF

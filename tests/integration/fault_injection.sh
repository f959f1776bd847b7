#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# The supervisor SIGKILLed at each step of a launch (TASKJAIL_FAULT=<step>,
# see sandbox.c) leaves nothing running and nothing mounted: init and the
# guard die with it (parent-death signal), the runner with the pid
# namespace, the mounts with the mount namespace; a later run removes a
# cgroup it left.
. "$TJ_SRC/tests/lib.sh"
mark=$((31000 + RANDOM % 1000)).5 # a unique sleep length to find our runners
mounts_before=$(wc -l < /proc/self/mountinfo)
# --pids: as root a cgroup is made too. --net relay: the socket maker, a
# child of the supervisor outside the sandbox (its argv, a copy of the
# supervisor's, has the mark too).
for step in prepared cloned mapped go started running relay:go relay:started relay:running; do
	opts="--proc-guard strict"
	case $step in relay:*) step=${step#relay:} opts="--net relay" ;; esac
	rc=$( (TASKJAIL_FAULT=$step timeout -k 5 20 "$TASKJAIL" run $opts --pids 64 \
		-- /bin/sleep "$mark" >/dev/null 2>&1; echo $?) 2>/dev/null)
	[ "$opts" = "--net relay" ] && step="$step (net relay)"
	is "$step: the supervisor died of SIGKILL" "$rc" 137
	left=""
	for _ in $(seq 30); do
		left=$(pgrep -f "sleep $mark" || true)
		[ -z "$left" ] && break
		sleep 0.1
	done
	is "$step: nothing of the sandbox is left running" "$left" ""
	[ -n "$left" ] && kill -KILL $left 2>/dev/null
done
is "no mount left on the host" "$(wc -l < /proc/self/mountinfo)" "$mounts_before"
"$TASKJAIL" run --pids 64 -- /bin/true # removes cgroups of dead supervisors
is "a run afterwards works" "$?" 0
# /proc/PID, not kill -0: as an ordinary user, kill -0 of a live root
# supervisor (another run beside this one) fails with EPERM.
is "no cgroup of a dead supervisor left" \
	"$(for d in $(find /sys/fs/cgroup -maxdepth 3 -name 'taskjail-*' -type d 2>/dev/null); do
		p=${d##*taskjail-}; [ -d "/proc/$p" ] || echo "$d"; done)" ""
done_testing

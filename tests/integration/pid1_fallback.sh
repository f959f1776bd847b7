#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# The shared mode (supervisor/pid1.h) needs memfd_create and execveat of a
# memfd; a seccomp filter above taskjail (a container's, a hardening
# profile) may kill the caller for either, refuse them, or refuse the exec
# with an errno the supervisor's probe takes for a yes, or kill init for an
# exec the probe does not make (red team, two rounds). Every launch must
# still run its task, exactly once: init stays a fork. Without the probe in
# a child, a kill on memfd_create or execveat killed the supervisor
# (SIGSYS, 159); with a lying filter every launch failed (125); a kill of
# execveat on real fds only, or a refused unshare(CLONE_FILES), failed
# every launch (159, 125) until a failed hand-over started the launch over.
. "$TJ_SRC/tests/lib.sh"
EXEC="$TJ_HELPERS/seccomp-exec"
[ -x "$EXEC" ] || { skip "outer filters" "no seccomp-exec helper"; done_testing; }
mkdir -p "$TJ_WORK/out" && chmod 777 "$TJ_WORK/out"
n=0
for rule in '"names":["execveat"],"action":"SCMP_ACT_KILL_PROCESS"' \
	    '"names":["memfd_create"],"action":"SCMP_ACT_KILL_PROCESS"' \
	    '"names":["execveat"],"action":"SCMP_ACT_ERRNO","errnoRet":1' \
	    '"names":["execveat"],"action":"SCMP_ACT_ERRNO","errnoRet":9' \
	    '"names":["memfd_create"],"action":"SCMP_ACT_ERRNO","errnoRet":1' \
	    '"names":["execveat"],"action":"SCMP_ACT_KILL_PROCESS","args":[{"index":0,"value":100000,"op":"SCMP_CMP_LT"}]' \
	    '"names":["unshare"],"action":"SCMP_ACT_ERRNO","errnoRet":1,"args":[{"index":0,"value":1024,"op":"SCMP_CMP_EQ"}]'; do
	n=$((n + 1))
	printf '{"defaultAction":"SCMP_ACT_ALLOW","syscalls":[{%s}]}\n' "$rule" >"$TJ_WORK/p$n.json"
	out=$(timeout -k 5 30 "$EXEC" --quiet "$TJ_WORK/p$n.json" -- "$TASKJAIL" run --bind-rw "$TJ_WORK/out:/o" -- \
		/bin/sh -c "echo ran >>/o/$n; exit 7" 2>&1); rc=$?
	runs=$(cat "$TJ_WORK/out/$n" 2>/dev/null | wc -l)
	is "outer filter {$rule}: the task ran once, its status came back" "$rc $runs" "7 1"
	[ "$rc" = 7 ] || diag "$out"
done
done_testing

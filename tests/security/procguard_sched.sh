#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# The /proc guard runs SCHED_BATCH: after ADDFD|SEND the task wakes the
# guard again, and a guard allowed to preempt it there cost two more
# switches between address spaces per open (docs/procguard.md "Cost").
# Only the guard: the task keeps the caller's policy, and cannot change the
# guard's (the shield allows sched_setscheduler on pid 0 only).
. "$TJ_SRC/tests/lib.sh"
. "$(dirname "$0")/lib/procguard.sh"
PY=/usr/bin/python3
[ -x $PY ] || { skip "guard scheduling policy" "no $PY"; done_testing; }
tag=tj-sched-$$-$RANDOM
out="$TJ_WORK/sched.out"
"$TASKJAIL" run --profile "$(pg_lib_profile strict default)" -- $PY -c '
import ctypes, os, sys, time
libc = ctypes.CDLL(None, use_errno=True)
class P(ctypes.Structure): _fields_ = [("prio", ctypes.c_int)]
r = libc.sched_setscheduler(2, 0, ctypes.byref(P(0)))
print("set-guard", r, os.strerror(ctypes.get_errno()) if r else "DONE", flush=True)
open("/etc/hostname").close()
time.sleep(3)' "$tag" >"$out" 2>&1 &
tjpid=$!
task=
for _ in $(seq 100); do task=$(pgrep -f "^$PY -c .* $tag\$") && break; sleep 0.05; done
# policy: field 41 of /proc/PID/stat (0 SCHED_OTHER, 3 SCHED_BATCH)
policy() { sed 's/.*) //' "/proc/$1/stat" 2>/dev/null | cut -d' ' -f39; }
if [ -z "$task" ]; then
	not_ok "the sandbox started"; diag "$(cat "$out")"
else
	init=$(awk '/^PPid:/ {print $2}' "/proc/$task/status")
	guard=
	for c in $(cat "/proc/$init/task/$init/children"); do
		[ "$c" != "$task" ] && guard=$c
	done
	is "the guard is SCHED_BATCH" "$(policy "$guard")" 3
	is "the task keeps SCHED_OTHER" "$(policy "$task")" 0
	is "init keeps SCHED_OTHER" "$(policy "$init")" 0
fi
wait $tjpid
like "the task cannot change the guard's policy" "$(cat "$out")" "set-guard -1 Operation not permitted"
done_testing

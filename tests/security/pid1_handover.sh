#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# pid 1 of the sandbox, seen from the task (supervisor/pid1.h). Sandboxes
# without a relay, a guard or proc_guard self get a pid 1 that built the
# sandbox in the supervisor's own memory and then exec'd a small program of
# its own; the others keep a fork of the supervisor as pid 1. In both, the
# task must not read the supervisor's argv or environment through
# /proc/1/cmdline or /proc/1/environ, nor attach to pid 1 or open its
# memory -- with no seccomp filter at all (--seccomp none), so that what
# holds is pid 1's own state (scrubbed, non-dumpable), not the policy.
# Bare (unshare -Urpf --mount-proc, pid 1 a shell of the same uid) each of
# those reads works. The supervisor's own argv and environment on the host
# are whole again once the sandbox is built (the shared mode zeroes them
# while init builds: init must, the guard and runner see that memory).
. "$TJ_SRC/tests/lib.sh"
PY=/usr/bin/python3
[ -x $PY ] || { skip "pid 1" "no $PY"; done_testing; }
mark=tjmark-$$-pid1
cat >"$TJ_WORK/probe.py" <<'PYEOF'
import ctypes, os, sys
m = sys.argv[1].encode()
def rd(p):
    try:
        with open(p, 'rb') as f:
            return f.read()
    except OSError:
        return None
out = []
c = rd('/proc/1/cmdline')
out.append('cmdline:' + ('unreadable' if c is None else 'marker' if m in c else 'clean'))
e = rd('/proc/1/environ')
out.append('environ:' + ('denied' if e is None else 'marker' if m in e else 'clean'))
libc = ctypes.CDLL(None, use_errno=True)
libc.ptrace.argtypes = [ctypes.c_long, ctypes.c_long, ctypes.c_void_p, ctypes.c_void_p]
if libc.ptrace(16, 1, None, None) == 0:  # PTRACE_ATTACH
    os.waitpid(1, 0x40000000)            # __WALL
    libc.ptrace(17, 1, None, None)       # PTRACE_DETACH
    out.append('ptrace:attached')
else:
    out.append('ptrace:' + os.strerror(ctypes.get_errno()))
try:
    open('/proc/1/mem', 'rb').close()
    out.append('mem:open')
except OSError as x:
    out.append('mem:' + x.strerror)
print(' '.join(out))
PYEOF
chmod 644 "$TJ_WORK/probe.py"

# Bare: the same uid's pid 1 gives all of it away.
out=$(env TJ_PROBE_MARK=$mark timeout -k 5 30 unshare -Urpf --mount-proc /bin/sh -c \
	": $mark; $PY $TJ_WORK/probe.py $mark; true" 2>&1)
is "bare: pid 1's argv, environment, ptrace and memory are the task's" "$out" \
	"cmdline:marker environ:marker ptrace:attached mem:open"

want="cmdline:clean environ:denied ptrace:Operation not permitted mem:Permission denied"
for args in "--profile minimal" "--proc-guard strict"; do
	out=$(env TJ_PROBE_MARK=$mark timeout -k 5 30 "$TASKJAIL" run $args --log-file "$TJ_WORK/$mark.log" --seccomp none \
		--bind-ro "$TJ_WORK:/w" -- $PY /w/probe.py "$mark" 2>/dev/null)
	is "taskjail $args, no seccomp filter: nothing of pid 1 reaches the task" "$out" "$want"
done

# The supervisor's argv and environment on the host, while its sandbox runs.
for args in "--profile minimal" "--proc-guard strict"; do
	env TJ_PROBE_MARK=$mark "$TASKJAIL" run $args --log-file "$TJ_WORK/$mark.host.log" -- /bin/sleep 2 >/dev/null 2>&1 &
	sup=$!
	sleep 1
	cmd=$(tr '\0' ' ' </proc/$sup/cmdline 2>/dev/null)
	like "taskjail $args: the supervisor's own cmdline on the host is whole while the sandbox runs" \
		"$cmd" "run .*--log-file $TJ_WORK/$mark.host.log -- /bin/sleep 2"
	envs=$(tr '\0' '\n' </proc/$sup/environ 2>/dev/null | grep -c "^TJ_PROBE_MARK=$mark\$")
	is "taskjail $args: its environment too (readable by its caller: dumpable again)" "$envs" 1
	wait $sup
done
# The supervisor keeps a copy of its argv and environment strings while
# init zeroes them (shared mode): every size of both must fit (red team: a
# buffer one byte short per string overflowed the heap from ~4 100 strings).
args=$(seq 1 50000 | tr '\n' ' ')
out=$(timeout -k 5 60 "$TASKJAIL" run -- /bin/sh -c 'echo $#' sh $args 2>&1)
is "50 000 arguments: the task gets them all" "$out" 50000
out=$(env $(seq 1 20000 | sed 's/^/TJ_MANY_/; s/$/=v/') timeout -k 5 60 "$TASKJAIL" run -- /bin/sh -c 'echo ok' 2>&1)
is "20 000 environment variables in the supervisor's environment: the launch works" "$out" ok
done_testing

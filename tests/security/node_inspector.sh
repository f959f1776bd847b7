#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# Red-team finding: node opens its inspector (a debugger on 127.0.0.1:9229
# that evaluates code in the process: process.env, the grant token) when it
# receives SIGUSR1, and every process of the sandbox has the runner's uid.
# Without any filter a sibling's `kill -USR1` opens it; with the node
# runtime the shield refuses SIGUSR1 through kill, tkill, tgkill,
# rt_(tg)sigqueueinfo and pidfd_send_signal on the low 32 bits the kernel
# reads (a policy's 64-bit compare passed 1<<32|10: red-team round 3), and
# the node policy and the strict guard refuse clone(CLONE_PARENT) (an exit
# signal aimed at the runner). Not covered (F_SETOWN + F_SETSIG): README.
. "$TJ_SRC/tests/lib.sh"
NODE=$(command -v node || true)
[ -n "$NODE" ] || { skip "node inspector via SIGUSR1" "no node"; done_testing; }
case $NODE in /usr/*) ;; *) skip "node inspector via SIGUSR1" "node outside /usr ($NODE)"; done_testing ;; esac
probe='"'$NODE'" -e "setTimeout(() => {}, 5000)" & p=$!; sleep 0.8
kill -USR1 $p 2>/dev/null && echo sent || echo "kill refused"; sleep 0.8
"'$NODE'" -e "require(\"net\").connect(9229, \"127.0.0.1\").on(\"connect\", () => { console.log(\"inspector open\"); process.exit(0) }).on(\"error\", (e) => { console.log(e.code); process.exit(0) })"
kill -TERM $p 2>/dev/null; wait $p 2>/dev/null; :'
out=$(timeout -k 5 40 "$TASKJAIL" run --profile node --proc-guard namespace --seccomp none -- /bin/sh -c "$probe" 2>/dev/null)
is "node profile without any filter: a sibling's SIGUSR1 opens the runner's inspector" "$(echo $out)" "sent inspector open"
out=$(timeout -k 5 40 "$TASKJAIL" run --profile node -- /bin/sh -c "$probe" 2>/dev/null)
is "node profile: SIGUSR1 refused, no inspector" "$(echo $out)" "kill refused ECONNREFUSED"
if [ -x /usr/bin/python3 ]; then
	hi='import ctypes, os, signal, time
libc = ctypes.CDLL(None, use_errno=True)
rd, wr = os.pipe()
pid = os.fork()
if pid == 0:
    signal.signal(signal.SIGUSR1, lambda *a: print("child got SIGUSR1", flush=True)); os.write(wr, b"r"); time.sleep(2); os._exit(0)
os.read(rd, 1)  # the handler is in place (a fixed wait lost the race under load)
r = libc.syscall(62, pid, ctypes.c_long((1 << 32) | 10))
print("kill(1<<32|SIGUSR1):", "sent" if r == 0 else os.strerror(ctypes.get_errno()), flush=True)
os.waitpid(pid, 0)'
	out=$(timeout -k 5 30 "$TASKJAIL" run --profile node --proc-guard namespace --seccomp none -- /usr/bin/python3 -c "$hi" 2>/dev/null)
	# The child's line and the parent's may come in either order.
	like "without any filter: kill with SIGUSR1 in the low 32 bits of a 64-bit value is delivered" "$(echo $out)" \
		"sent child got SIGUSR1|child got SIGUSR1 kill\\(1<<32\\|SIGUSR1\\): sent"
	out=$(timeout -k 5 30 "$TASKJAIL" run --profile node -- /usr/bin/python3 -c "$hi" 2>/dev/null)
	is "node profile: ... refused (the shield reads the low 32 bits)" "$(echo $out)" "kill(1<<32|SIGUSR1): Operation not permitted"
fi
out=$(timeout -k 5 40 "$TASKJAIL" run --profile node -- /bin/sh -c 'kill -TERM $$ 2>/dev/null; echo after' 2>/dev/null; echo "rc=$?")
is "node profile: other signals still work (SIGTERM to itself)" "$(echo $out)" "rc=143"
if [ -x /usr/bin/python3 ]; then
	cp='import ctypes, os
libc = ctypes.CDLL(None, use_errno=True)
r = libc.syscall(56, 0x8000 | 17, 0, 0, 0, 0)
if r == 0: os._exit(0)
print("clone(CLONE_PARENT):", "ok" if r > 0 else os.strerror(ctypes.get_errno()))'
	out=$(timeout -k 5 30 "$TASKJAIL" run --profile node --proc-guard namespace --seccomp none -- /usr/bin/python3 -c "$cp" 2>/dev/null)
	is "node profile, namespace guard, no policy: clone(CLONE_PARENT) works" "$out" "clone(CLONE_PARENT): ok"
	out=$(timeout -k 5 30 "$TASKJAIL" run --profile node --proc-guard namespace -- /usr/bin/python3 -c "$cp" 2>/dev/null)
	is "node profile, namespace guard: clone(CLONE_PARENT) refused by the policy" "$out" "clone(CLONE_PARENT): Operation not permitted"
	out=$(timeout -k 5 30 "$TASKJAIL" run --profile node -- /usr/bin/python3 -c "$cp" 2>/dev/null)
	is "node profile (strict: the guard's clone rules replace the policy's): refused" "$out" "clone(CLONE_PARENT): Operation not permitted"
fi
done_testing

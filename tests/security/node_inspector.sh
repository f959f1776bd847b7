#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# Red-team finding: node opens its inspector (a debugger on 127.0.0.1:9229
# that evaluates code in the process: process.env, the grant token) when it
# receives SIGUSR1, and every process of the sandbox has the runner's uid.
# Without a seccomp policy a sibling's `kill -USR1` opens it; the node
# policy refuses SIGUSR1 through kill, tkill, tgkill, rt_(tg)sigqueueinfo
# and pidfd_send_signal, and clone(CLONE_PARENT) (an exit signal aimed at
# the runner). What it does not cover (F_SETOWN + F_SETSIG): README.
. "$TJ_SRC/tests/lib.sh"
NODE=$(command -v node || true)
[ -n "$NODE" ] || { skip "node inspector via SIGUSR1" "no node"; done_testing; }
case $NODE in /usr/*) ;; *) skip "node inspector via SIGUSR1" "node outside /usr ($NODE)"; done_testing ;; esac
probe='"'$NODE'" -e "setTimeout(() => {}, 5000)" & p=$!; sleep 0.8
kill -USR1 $p 2>/dev/null && echo sent || echo "kill refused"; sleep 0.8
"'$NODE'" -e "require(\"net\").connect(9229, \"127.0.0.1\").on(\"connect\", () => { console.log(\"inspector open\"); process.exit(0) }).on(\"error\", (e) => { console.log(e.code); process.exit(0) })"
kill -TERM $p 2>/dev/null; wait $p 2>/dev/null; :'
out=$(timeout -k 5 40 "$TASKJAIL" run --profile node --seccomp none -- /bin/sh -c "$probe" 2>/dev/null)
is "node profile without its policy: a sibling's SIGUSR1 opens the runner's inspector" "$(echo $out)" "sent inspector open"
out=$(timeout -k 5 40 "$TASKJAIL" run --profile node -- /bin/sh -c "$probe" 2>/dev/null)
is "node profile: SIGUSR1 refused, no inspector" "$(echo $out)" "kill refused ECONNREFUSED"
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

#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# Fds in flight: the kernel counts file descriptors sent over unix sockets
# and not yet received per host uid, and refuses a further SCM_RIGHTS send
# by any process of that uid (ETOOMANYREFS) once the count passes the
# sender's nofile. Another sandbox's task has the sandbox's host uid (65532
# for a root caller, the caller's own otherwise) and can keep that many in
# flight. taskjail hands nothing over that way: the guard takes the
# seccomp listener from the fd table it shares with init, and the relay's
# sockets come from a helper sharing the supervisor's table (guard.h,
# sandbox.c). Shown: while a sandboxed task floods, an fd hand-over by
# another sandbox of the same uid fails (the attack works), and launches
# with the strict guard, the relay out and the health port in go on.
. "$TJ_SRC/tests/lib.sh"
. "$TJ_SRC/tests/integration/n8n/net.sh"
[ -x "$PY" ] || { skip "fds in flight" "no $PY"; done_testing; }
cp "$TJ_SRC/tests/security/lib/inflight_flood.py" "$TJ_WORK/t/"
chmod a+r "$TJ_WORK/t/inflight_flood.py"

# The flood: a sandboxed task (bounded: 60 s, its nofile + 253 fds of one
# /dev/null; they go with its sockets when it exits).
timeout -k 5 60 "$TASKJAIL" run --bind-ro "$TJ_WORK/t:/t" -- "$PY" /t/inflight_flood.py 2000000 55 \
	>"$TJ_WORK/flood.out" 2>&1 &
FLOOD=$!
for _ in $(seq 1 200); do grep -q flooding "$TJ_WORK/flood.out" && break; sleep 0.05; done
n=$(sed -n 's/^flooding //p' "$TJ_WORK/flood.out")
if [ -z "$n" ] || [ "$n" -le 4096 ]; then
	not_ok "a sandboxed task keeps more fds in flight than the profiles' nofile (4096)"
	diag "$(cat "$TJ_WORK/flood.out")"
	kill "$FLOOD" 2>/dev/null; wait "$FLOOD" 2>/dev/null
	done_testing
fi
ok "a sandboxed task keeps $n fds in flight"

# The attack works: another sandbox of the same uid cannot pass an fd.
send='import array, socket
a, b = socket.socketpair(socket.AF_UNIX, socket.SOCK_DGRAM)
try:
    a.sendmsg([b"x"], [(socket.SOL_SOCKET, socket.SCM_RIGHTS, array.array("i", [0]).tobytes())])
    print("sent")
except OSError as e:
    print("send", e.errno)'
out=$(timeout -k 5 30 "$TASKJAIL" run -- "$PY" -c "$send" 2>&1)
is "meanwhile an fd hand-over by a sandbox of the same uid fails (ETOOMANYREFS)" "$out" "send 109"

# taskjail's launches go on.
out=$(timeout -k 5 30 "$TASKJAIL" run --profile python -- "$PY" -c '
print(open("/proc/self/status").read().split()[1])
try:
    open("/proc/1/environ"); print("read")
except OSError as e:
    print("environ", e.errno)' 2>&1)
is "python profile (strict guard): opens answered, /proc/1/environ refused" "$out" "$(printf 'python3\nenviron 13')"
out=$(timeout -k 5 30 "$TASKJAIL" run --profile node -- /bin/sh -c 'cat /proc/self/status | head -1' 2>&1)
is "node profile (strict guard, relay): runs" "$out" "$(printf 'Name:\tcat')"
out=$(timeout -k 5 30 "$TASKJAIL" run --log-denials --log-fd 3 -- /bin/true 3>/dev/null 2>&1; echo "rc=$?")
is "--log-denials (a guard for the log): runs" "$out" "rc=0"
out=$(timeout -k 5 30 "$TASKJAIL" run --proc-guard self --log-denials -- "$PY" -c \
	'print(open("/proc/self/status").read().split()[1])' 2>&1)
is "proc_guard self with --log-denials: runs" "$out" "python3"

BP=$(free_port); start_peer serve-http 127.0.0.1 "$BP" || not_ok "broker stand-in"
BROKER="http://127.0.0.1:$BP"
out=$(inside get 127.0.0.1 "$BP" 2>&1); is "relay out: the broker reachable from inside" "$out" 200
HP=$(free_port)
timeout 40 "$TASKJAIL" run --net relay --bind-ro "$TJ_WORK/t:/t" --setenv "N8N_RUNNERS_TASK_BROKER_URI=$BROKER" \
	--setenv N8N_RUNNERS_HEALTH_CHECK_SERVER_ENABLED=true --setenv "N8N_RUNNERS_HEALTH_CHECK_SERVER_PORT=$HP" \
	-- "$PY" /t/netpeer.py serve-http 0.0.0.0 "$HP" >"$TJ_WORK/hs.out" 2>&1 &
HS=$!
for _ in $(seq 1 300); do grep -q ready "$TJ_WORK/hs.out" && break; sleep 0.05; done
got=0
for i in 1 2 3 4 5; do [ "$("$PY" "$PEER" get 127.0.0.1 "$HP")" = 200 ] && got=$((got + 1)); done
is "relay in: 5 connections to the health port, each through a new socket in the sandbox" "$got" 5
kill "$HS" 2>/dev/null; wait "$HS" 2>/dev/null

still=$(timeout -k 5 30 "$TASKJAIL" run -- "$PY" -c "$send" 2>&1)
is "the flood was still on" "$still" "send 109"
kill "$FLOOD" 2>/dev/null; wait "$FLOOD" 2>/dev/null
stop_peers
done_testing

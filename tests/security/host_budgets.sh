#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# Per-user budgets of the host: the kernel charges what a task uses of
# them (inotify instances and watches, queued signals, POSIX message queue
# bytes, user namespaces) to the owner of every user namespace up the
# chain. A root caller's sandbox has its user namespace owned by the host
# uid it maps to (65532 or --host-uid), so a task that uses up a budget
# uses up that uid's, never host root's (red-team finding). Shown with the
# message queue budget (RLIMIT_MSGQUEUE, the least disruptive to show):
# bare, a root-owned user namespace's task (unshare -U) takes host root's
# and root cannot make a queue meanwhile; under taskjail root still can.
# A user caller's sandbox is owned by the caller itself: nothing to show.
. "$TJ_SRC/tests/lib.sh"
PY=/usr/bin/python3
[ -x "$PY" ] || { skip "host budgets" "no $PY"; done_testing; }
is_root || { skip "host budgets" "a user caller owns its sandboxes (its own budgets)"; done_testing; }
cp "$TJ_SRC/tests/security/lib/mq_hold.py" "$TJ_WORK/"
chmod a+r "$TJ_WORK/mq_hold.py"
root_can() { unshare -i "$PY" "$TJ_WORK/mq_hold.py" 0; } # host root, its own ipc namespace
before=$(root_can)
like "host root can make message queues" "$before" "^mq [1-9]"

# hold OUT CMD...: CMD (mq_hold.py) in the background writing to OUT; once it
# holds its queues, $during gets what host root can make meanwhile.
hold() {
	local out=$1 p
	shift
	"$@" >"$out" 2>&1 &
	p=$!
	for _ in $(seq 1 100); do grep -q '^mq' "$out" && break; sleep 0.05; done
	during=$(root_can)
	wait $p
}

# Bare: a task in a user namespace owned by root.
hold "$TJ_WORK/bare.out" unshare -U -i --map-user=65532 --map-group=65532 "$PY" "$TJ_WORK/mq_hold.py" 4
like "bare: a task in a root-owned user namespace takes host root's budget" "$(cat "$TJ_WORK/bare.out")" "^mq [1-9]"
is "bare: ... and host root cannot make a queue meanwhile (the attack works)" "$during" "mq 0 errno 24"

# taskjail: the same task.
hold "$TJ_WORK/tj.out" timeout -k 5 30 "$TASKJAIL" run --bind-ro "$TJ_WORK:/t" -- "$PY" /t/mq_hold.py 4
like "taskjail: the task takes what its budget allows" "$(cat "$TJ_WORK/tj.out")" "^mq [1-9]"
like "taskjail: host root still makes its queues meanwhile" "$during" "^mq [1-9]"

# Who owns it: 65532, or the --host-uid.
owner='import fcntl, os, struct, sys
fd = os.open("/proc/%s/ns/user" % sys.argv[1], os.O_RDONLY)
b = fcntl.ioctl(fd, 0xb704, b"\0" * 4)  # NS_GET_OWNER_UID
print(struct.unpack("I", b)[0])'
for hu in "" 40123; do
	mark=3.$((1000 + RANDOM % 8000))
	"$TASKJAIL" run ${hu:+--host-uid $hu} -- /bin/sleep "$mark" &
	p=$!
	t=""
	for _ in $(seq 1 60); do
		t=$(pgrep -fx "/bin/sleep $mark" | head -1)
		[ -n "$t" ] && break
		sleep 0.05
	done
	got=$([ -n "$t" ] && "$PY" -c "$owner" "$t")
	is "the sandbox's user namespace is owned by host uid ${hu:-65532}" "$got" "${hu:-65532}"
	kill $p 2>/dev/null; wait $p 2>/dev/null
done
done_testing

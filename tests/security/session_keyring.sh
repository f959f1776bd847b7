#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# The caller's session keyring (red-team finding): a task that may call
# keyctl (--seccomp none, or a policy that allows it) read the keys in the
# keyring of whoever started taskjail. The runner now joins a session
# keyring of its own, as runc does. Bare, the probe reads the caller's key.
. "$TJ_SRC/tests/lib.sh"
PY=/usr/bin/python3
[ -x $PY ] || { skip "session keyring" "no $PY"; done_testing; }
cat >"$TJ_WORK/setup.py" <<'PYEOF'
import ctypes, os, sys, subprocess
libc = ctypes.CDLL(None, use_errno=True); libc.syscall.restype = ctypes.c_long
if libc.syscall(250, 1, None) < 0 or libc.syscall(248, b"user", b"tj-caller-key", b"caller-s3cret", 13, ctypes.c_long(-3)) < 0:
    print("setup:", os.strerror(ctypes.get_errno())); sys.exit(0)
sys.exit(subprocess.call(sys.argv[1:]))
PYEOF
cat >"$TJ_WORK/probe.py" <<'PYEOF'
import ctypes, os
libc = ctypes.CDLL(None, use_errno=True); libc.syscall.restype = ctypes.c_long
sid = libc.syscall(250, 0, ctypes.c_long(-3), 0)
buf = ctypes.create_string_buffer(4096)
n = libc.syscall(250, 11, ctypes.c_long(sid), buf, 4096) if sid >= 0 else -1
keys = [int.from_bytes(buf.raw[i:i + 4], "little") for i in range(0, max(n, 0), 4)]
found = False
for k in keys:
    v = ctypes.create_string_buffer(64)
    r = libc.syscall(250, 11, ctypes.c_long(k), v, 64)
    found |= r > 0 and b"caller-s3cret" in v.raw[:r]
print("caller key read" if found else "no caller key")
PYEOF
chmod 644 "$TJ_WORK/setup.py" "$TJ_WORK/probe.py"
out=$(timeout -k 5 30 $PY "$TJ_WORK/setup.py" $PY "$TJ_WORK/probe.py" 2>&1)
is "bare: a process of the caller's session reads the caller's key" "$out" "caller key read"
for args in "--proc-guard absent" "--proc-guard strict" "--tier restricted"; do
	# the restricted tier binds at the host path only
	dir=/k; [ "$args" = "--tier restricted" ] && dir=$TJ_WORK
	out=$(timeout -k 5 30 $PY "$TJ_WORK/setup.py" "$TASKJAIL" run $args --seccomp none --bind-ro "$TJ_WORK:$dir" \
		-- $PY "$dir/probe.py" 2>/dev/null)
	is "taskjail $args, no seccomp filter: the caller's key is out of reach" "$out" "no caller key"
done
done_testing

# SPDX-License-Identifier: Apache-2.0
# Sourced by proc_absent.sh and proc_self.sh: procfs_fd_scripts DIR writes
# DIR/send.py (run outside: listens on a unix socket, sends an fd of the
# directory it is given) and DIR/recv.py (run inside a sandbox: receives it,
# then "read": reads 1/mountinfo through it, or "create": creates a file in
# it; prints the result or the error).
procfs_fd_scripts() {
	cat >"$1/send.py" <<'PYEOF'
import os, socket, sys
s = socket.socket(socket.AF_UNIX); s.bind(sys.argv[1]); os.chmod(sys.argv[1], 0o777); s.listen(1); s.settimeout(20)
c, _ = s.accept(); fd = os.open(sys.argv[2], os.O_RDONLY | os.O_DIRECTORY)
socket.send_fds(c, [b"x"], [fd]); c.close()
PYEOF
	cat >"$1/recv.py" <<'PYEOF'
import os, socket, sys, time
c = socket.socket(socket.AF_UNIX)
for _ in range(100):
    try: c.connect(sys.argv[1]); break
    except OSError: time.sleep(0.05)
_, fds, _, _ = socket.recv_fds(c, 1, 1); fd = fds[0]
if sys.argv[2] == "read":
    try: print("read", len(open("1/mountinfo", opener=lambda p, f: os.open(p, f, dir_fd=fd)).read()) > 0)
    except OSError as e: print(e.strerror)
else:
    try: os.close(os.open("made-from-sandbox", os.O_WRONLY | os.O_CREAT, 0o644, dir_fd=fd)); print("created")
    except OSError as e: print(e.strerror)
PYEOF
	chmod 644 "$1/"*.py
}

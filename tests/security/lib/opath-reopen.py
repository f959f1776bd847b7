#!/usr/bin/python3
# SPDX-License-Identifier: Apache-2.0
# Opens /proc/<pid>/FILE of pid 1 and of a child by two indirect routes: an
# O_PATH fd reopened through /proc/self/fd/N, and openat() on an O_PATH
# dirfd of /proc/<pid>. One line per attempt: WHO FILE ROUTE RESULT.
import os, sys
r, w = os.pipe()
c = os.fork()
if c == 0:
    os.read(r, 1); os._exit(0)
for pid in (1, c):
    for f in ("maps", "smaps", "smaps_rollup", "numa_maps", "status", "fd"):
        p = "/proc/%d/%s" % (pid, f)
        try:
            d = os.open(p, os.O_PATH)
        except OSError as e:
            print(pid if pid == 1 else "child", f, "O_PATH", e.strerror); continue
        try:
            fd = os.open("/proc/self/fd/%d" % d, os.O_RDONLY)
            print(pid if pid == 1 else "child", f, "REOPEN OK", len(os.read(fd, 100)) if f != "fd" else "")
        except OSError as e:
            print(pid if pid == 1 else "child", f, "REOPEN", e.strerror)
        try:
            fd = os.open(f, os.O_RDONLY, dir_fd=os.open("/proc/%d" % pid, os.O_PATH))
            print(pid if pid == 1 else "child", f, "DIRFD OK")
        except OSError as e:
            print(pid if pid == 1 else "child", f, "DIRFD", e.strerror)
os.write(w, b"x")

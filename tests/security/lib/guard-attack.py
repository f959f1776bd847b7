#!/usr/bin/python3
# SPDX-License-Identifier: Apache-2.0
"""guard-attack.py: what a task tries against the sandbox's own processes.
One line per attempt: NAME RESULT (SENT/SET/OPEN or the errno name), then
"alive" when an open still works afterwards (the guard still answers)."""
import errno, os, resource, signal, sys

def attempt(name, f):
    try:
        f()
        print(name, "DONE")
    except OSError as e:
        print(name, errno.errorcode[e.errno])

guard = int(sys.argv[1]) if len(sys.argv) > 1 else 2
# signals first that would stop or end the guard; a stopped guard hangs the
# next open, so the probe runs them last when they worked
attempt("prlimit-init", lambda: resource.prlimit(1, resource.RLIMIT_NOFILE, (64, 64)))
attempt("prlimit-guard", lambda: resource.prlimit(guard, resource.RLIMIT_NOFILE, (64, 64)))
attempt("setrlimit-self", lambda: resource.setrlimit(resource.RLIMIT_NOFILE, (512, 512)))
attempt("pidfd_open-guard", lambda: os.close(os.pidfd_open(guard)))
attempt("open-guard-dir", lambda: os.close(os.open("/proc/%d" % guard, os.O_RDONLY)))
for sig in (signal.SIGSTOP, 32, signal.SIGKILL):
    for pid in (guard, -guard, -1):
        attempt("kill-%d-%d" % (pid, sig), lambda: os.kill(pid, sig))
print("alive", len(open("/proc/self/status").read()) > 0)

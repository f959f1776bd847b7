#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# Writes a Localhost seccomp profile for a pod that runs taskjail: Docker's
# default profile (from Debian's golang-github-docker-docker-dev, extracted
# by tests/install-deps.sh) plus the syscalls that build a sandbox. Every
# syscall added here is denied again inside the sandbox by taskjail's own
# policy.
#   deploy/make-pod-seccomp.sh [DOCKER_DEFAULT_JSON] > taskjail-pod-seccomp.json
set -eu
src=${1:-/var/cache/taskjail-fixtures/docker-default.json}
[ -r "$src" ] || { echo "no Docker default profile at $src (run tests/install-deps.sh as root)" >&2; exit 1; }
/usr/bin/python3 - "$src" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
d["syscalls"].append({
    "names": ["clone", "clone3", "unshare", "setns", "mount", "umount2", "pivot_root",
              "open_tree", "move_mount", "mount_setattr", "fsopen", "fsconfig", "fsmount",
              "fspick", "sethostname", "setdomainname",
              # the supervisor's /proc guard reads a task's path argument and
              # its dirfd (older Docker profiles allow these only with CAP_SYS_PTRACE)
              "process_vm_readv", "pidfd_getfd"],
    "action": "SCMP_ACT_ALLOW",
    "comment": "taskjail: create the sandbox's namespaces and build its root, and guard its /proc; "
               "each of these is denied again inside the sandbox by taskjail's policy",
})
json.dump(d, sys.stdout, indent=1)
print()
PY

#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# Installs what taskjail needs (as root), builds it, and shows what a task
# sees inside the sandbox, next to what the same command sees bare.
set -eu
cd "$(dirname "$0")/.."
bash tests/install-deps.sh
[ -f build/build.ninja ] || meson setup build >/dev/null
ninja -C build >/dev/null
TJ=$PWD/build/taskjail
export TASKJAIL_PROFILE_DIR=$PWD/profiles TASKJAIL_POLICY_DIR=$PWD/policies
export DEMO_SECRET=launcher-secret-token

show='
echo "uid/gid:      $(id -u)/$(id -g)"
echo "capabilities: $(grep CapEff /proc/self/status | cut -f2)  no_new_privs: $(grep NoNewPrivs /proc/self/status | cut -f2)  seccomp: $(grep ^Seccomp: /proc/self/status | cut -f2)"
echo "processes:    $(ls /proc | grep -cE "^[0-9]+$") visible"
echo "hostname:     $(hostname)"
echo "network:      $(cat /proc/net/dev | tail -n +3 | cut -d: -f1 | tr -d " " | tr "\n" " ")"
echo "env:          $(env | cut -d= -f1 | sort | tr "\n" " ")"
echo "secret env:   ${DEMO_SECRET:-<not present>}"
if touch /rootfile 2>/dev/null; then echo "/ writable:   yes"; rm -f /rootfile; else echo "/ writable:   no ($(touch /rootfile 2>&1 | sed "s/.*: //"))"; fi
if echo x > /tmp/.demo 2>/dev/null; then echo "/tmp:         writable ($(df -h /tmp | tail -1 | awk "{print \$2}"))"; rm -f /tmp/.demo; fi
echo "/etc/shadow:  $(head -c 20 /etc/shadow >/dev/null 2>&1 && echo readable || echo not readable)"
echo "/home /root:  $(ls -d /home /root 2>/dev/null | tr "\n" " " || true)"
echo "mounts:"; sed "s/^/  /" /proc/self/mounts | cut -d" " -f1-4 | head -30
'
echo "=== bare: sh -c … (as $(id -un)) ==="
sh -c "$show" 2>&1 | head -16
echo
echo "=== taskjail run --profile minimal -- sh -c … ==="
"$TJ" run --profile minimal -- /bin/sh -c "$show"

#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# Red-team finding (review of 2026-12-07): the restricted tier refused a
# bind of /proc by its name only, and opened bind paths following every
# symlink. /etc/mtab (a link to /proc/self/mounts, i.e. the supervisor's own
# /proc/<pid>/mounts when the Landlock rule is made) then gave the task the
# host's mount table through /proc/$PPID/mounts, under proc_guard strict. A
# bind is now decided on the opened object: procfs is refused.
. "$TJ_SRC/tests/lib.sh"
if ! "$TASKJAIL" check --json 2>/dev/null | grep -q '"landlock_abi":[1-9]'; then
	echo "1..0 # SKIP no Landlock on this kernel"; exit 0
fi
cat >"$TJ_WORK/mtab.json" <<'JSON'
{ "binds": ["/usr", "/bin", "/lib", { "src": "/lib64", "optional": true }, "/etc/mtab"],
  "tier": "restricted", "net": "none", "proc_guard": "strict" }
JSON
chmod 644 "$TJ_WORK/mtab.json"
# Without the protection: /etc/mtab is procfs, and the parent's mounts
# file is the host's table.
is "bare: /etc/mtab is on procfs" "$(stat -f -L -c %T /etc/mtab)" "proc"
check "bare: /proc/\$PPID/mounts lists the host's root" grep -q ' / ' /proc/$$/mounts
out=$(tj --profile "$TJ_WORK/mtab.json" -- /bin/sh -c 'cat /proc/$PPID/mounts | head -3' 2>&1); rc=$?
is "restricted tier, /etc/mtab bound: exit 125" "$rc" 125
like "... says the bind makes /proc readable" "$out" "restricted tier: bind /etc/mtab makes /proc readable"
done_testing

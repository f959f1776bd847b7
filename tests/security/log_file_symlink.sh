#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# --log-file in a directory the sandbox can write (red-team finding): a task
# plants "taskjail.log -> /some/host/file"; the next launch appended its
# event lines to the symlink's target (as root: any file). The log file is
# now opened without following a symlink that is not root's, and its
# directory through root's symlinks only.
. "$TJ_SRC/tests/lib.sh"
D=$TJ_WORK/logdir
mkdir -p "$D" && chmod 777 "$D"
: >"$TJ_WORK/victim" && chmod 666 "$TJ_WORK/victim"
out=$(timeout -k 5 30 "$TASKJAIL" run --bind-rw "$D:/logs" -- /bin/sh -c "ln -s '$TJ_WORK/victim' /logs/taskjail.log && echo planted" 2>&1)
is "a task plants a symlink in its read-write bind" "$out" planted
echo appended >>"$D/taskjail.log"
is "bare: an append through the planted symlink lands in its target" "$(cat "$TJ_WORK/victim")" appended
: >"$TJ_WORK/victim"
out=$(timeout -k 5 30 "$TASKJAIL" run --log-file "$D/taskjail.log" -- /bin/true 2>&1); rc=$?
is "--log-file through the task's symlink: refused, exit 125" "$rc" 125
like "... and says why" "$out" "is a symlink owned by uid [0-9]+, not root"
is "... the target is untouched" "$(wc -c <"$TJ_WORK/victim")" 0
# A directory reached through the task's symlink is refused the same way.
timeout -k 5 30 "$TASKJAIL" run --bind-rw "$D:/logs" -- /bin/sh -c "mkdir -p /logs/real && ln -s real /logs/dirlink" 2>/dev/null
out=$(timeout -k 5 30 "$TASKJAIL" run --log-file "$D/dirlink/x.log" -- /bin/true 2>&1); rc=$?
is "--log-file below the task's directory symlink: refused, exit 125" "$rc" 125
like "... and names it" "$out" "the symlink .*dirlink on its path is owned by uid"
out=$(timeout -k 5 30 "$TASKJAIL" run --log-file "$D/real/ok.log" -- /bin/true 2>&1); rc=$?
is "--log-file at a real path in that directory: written" "$rc:$(grep -c '"event"' "$D/real/ok.log")" "0:2"
done_testing

#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# proc_guard self's launch path (init holds the procfs dentries the
# runner's Landlock rules name, after the runner's execve): back-to-back
# launches of a task that exits at once, a failed exec, the log's start
# event, the runner's own /proc kept and pid 1's refused, with and without
# a seccomp policy. (The attacks are tests/security/proc_self.sh; this runs
# in the sanitizer build too, where init starts the runner with fork.)
. "$TJ_SRC/tests/lib.sh"

fails=0
for i in $(seq 1 30); do
	timeout -k 5 30 "$TASKJAIL" run --proc-guard self -- /bin/true 2>"$TJ_WORK/err" || { fails=$((fails + 1)); diag "$(cat "$TJ_WORK/err")"; }
done
is "30 launches of /bin/true under self: all exit 0" "$fails" 0
out=$(timeout -k 5 30 "$TASKJAIL" run --proc-guard self -- /nonexistent 2>&1); rc=$?
is "a failed exec: 127" "$rc" 127
like "... reported as the exec's failure" "$out" "^taskjail: exec /nonexistent: No such file or directory"
out=$(timeout -k 5 30 "$TASKJAIL" run --proc-guard self --log-fd 3 -- /bin/true 3>&1 >/dev/null 2>&1)
like "the start event says proc_guard self" "$(head -1 <<<"$out")" '"proc_guard":"self"'
for sc in default none; do
	out=$(timeout -k 5 30 "$TASKJAIL" run --proc-guard self --seccomp $sc -- /bin/sh -c \
		'head -c 5 /proc/$$/status; head -c 5 /proc/1/status 2>&1 | grep -o "Permission denied"' 2>/dev/null)
	is "seccomp $sc: the runner's own status read, pid 1's refused" "$out" "Name:Permission denied"
done
# Under memory pressure procfs drops unused dentries (and makes new inodes
# for them, which no rule names): with the dentry cache dropped in a loop
# (root only; bounded: killed after the launches, 120 s at most), launches
# must still start and read the runner's own stat — the runner hands its
# fds to init over a socket, so none is ever unheld (red-team round 2:
# 24 of 60 failed when init reopened them after the execve).
if is_root; then
	timeout 120 sh -c 'while :; do echo 2 >/proc/sys/vm/drop_caches; done' &
	dpid=$!
	fails=0
	for i in $(seq 1 40); do
		out=$(timeout -k 5 30 "$TASKJAIL" run --proc-guard self -- /bin/sh -c 'head -c 5 /proc/$$/stat >/dev/null && echo ok' 2>&1)
		[ "$out" = ok ] || { fails=$((fails + 1)); diag "$out"; }
	done
	kill $dpid 2>/dev/null; wait $dpid 2>/dev/null
	is "40 launches while the dentry cache is dropped in a loop: all start and read their own stat" "$fails" 0
else
	skip "launches while the dentry cache is dropped" "drop_caches needs root"
fi
# A low nofile limit in the profile: the runner builds its domain before
# the limit applies (red-team round 2: 48 and below failed).
sed 's/"proc_guard": "namespace"/"proc_guard": "self", "rlimits": { "nofile": 16 }/' "$TJ_SRC/profiles/minimal.json" >"$TJ_WORK/nofile.json"
chmod 644 "$TJ_WORK/nofile.json"
out=$(timeout -k 5 30 "$TASKJAIL" run --profile "$TJ_WORK/nofile.json" -- /bin/sh -c 'head -c 5 /proc/$$/status; ulimit -n' 2>&1)
is "profile nofile 16: the runner's own status read, the limit applied" "$out" "Name:16"
# The caller's own limit is init's: too low to hold the entries, a clear 125.
out=$(ulimit -n 64; timeout -k 5 30 "$TASKJAIL" run --proc-guard self -- /bin/sh -c 'head -c 5 /proc/$$/status' 2>&1)
is "caller's nofile 64: runs" "$out" "Name:"
out=$(ulimit -n 24; timeout -k 5 30 "$TASKJAIL" run --proc-guard self -- /bin/true 2>&1); rc=$?
is "caller's nofile 24: refused, exit 125" "$rc" 125
like "... saying why" "$out" "proc_guard self: (init has no fd to spare|.*Too many open files)"
done_testing

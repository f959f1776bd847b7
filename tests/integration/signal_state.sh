#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# The task starts with every signal at its default disposition and none
# blocked, whatever the caller ignored or blocked (a shell's background job
# ignores INT and QUIT; nohup ignores HUP) and whatever the supervisor set
# for itself (SIGPIPE ignored, the forwarded signals blocked). The runner
# resets only the signals the supervisor saw not at their default
# (runner.c); shown for the /proc guards that keep a procfs, a relay
# profile, the caller's inheritance shown bare first (the restricted tier
# resets all 64 and its Landlock hides /proc/self/status).
# The probe is grep itself (exec'd directly: no shell or runtime of its own
# changes a disposition first).
. "$TJ_SRC/tests/lib.sh"
probe=(/bin/grep -E '^Sig(Blk|Ign)' /proc/self/status)
caller() { (trap '' INT QUIT HUP USR1 TERM PIPE; "$@" 2>&1); }
clean=$(printf 'SigBlk:\t0000000000000000\nSigIgn:\t0000000000000000')
out=$(caller "${probe[@]}")
like "bare: the caller's ignored signals reach a child" "$out" "SigIgn:.0000000000005207"
for args in "--proc-guard namespace" "--proc-guard strict" "--proc-guard self" \
	"--profile python"; do
	out=$(caller timeout -k 5 30 "$TASKJAIL" run $args -- "${probe[@]}")
	is "$args: every signal at its default, none blocked" "$out" "$clean"
done
# A caller that ignores SIGCHLD (init would inherit it: the kernel reaps
# the runner by itself and its status never reaches init).
for args in "" "--profile node" "--tier restricted"; do
	rc=$(timeout -k 5 20 /usr/bin/python3 -c 'import os, signal, sys
signal.signal(signal.SIGCHLD, signal.SIG_IGN)
os.execv(sys.argv[1], sys.argv[1:])' "$TASKJAIL" run $args -- /bin/sh -c 'exit 3' 2>/dev/null; echo $?)
	is "${args:-minimal}: a caller ignoring SIGCHLD gets the runner's status" "$rc" 3
done
done_testing

#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# `taskjail selftest`: the in-binary regression suite passes inside each
# shipped profile, and the same checks fail when run bare (no sandbox), so
# they can tell a protected task from an unprotected one.
. "$TJ_SRC/tests/lib.sh"

for p in minimal node python; do
	out=$("$TASKJAIL" selftest --profile "$p" --net none 2>&1); rc=$?
	is "selftest --profile $p passes" "$rc" 0
	[ "$rc" = 0 ] || diag "$(printf '%s\n' "$out" | grep -v '^ok')"
done
out=$("$TASKJAIL" selftest --profile node --net none)
like "strict profiles check the /proc guard" "$out" "/proc/self/environ not readable \\(proc_guard strict\\)"
out=$("$TASKJAIL" selftest --profile node --net none --proc-guard absent 2>&1); rc=$?
is "selftest --profile node --proc-guard absent passes" "$rc" 0
like "absent: /proc checked empty, secrets checked unreadable" "$out" \
	"ok [0-9]+ - /proc is not readable: 0 pids.*ok [0-9]+ - /proc/self/environ not readable \\(proc_guard absent\\)"
out=$("$TASKJAIL" selftest --profile node --net none --proc-guard self 2>&1); rc=$?
is "selftest --profile node --proc-guard self passes" "$rc" 0
[ "$rc" = 0 ] || diag "$(printf '%s\n' "$out" | grep -v '^ok')"
like "self: secrets and another pid's status checked unreadable, own status readable" "$out" \
	"ok [0-9]+ - /proc/self/environ not readable \\(proc_guard self\\).*ok [0-9]+ - /proc/self/status still readable.*ok [0-9]+ - another pid's status not readable"
# Bare, told it runs under self: pid 1's status is readable, the check fails.
out=$(cd "$TJ_WORK" && "$TASKJAIL" selftest --inside self 2>&1)
like "bare, as self: another pid's readable status fails the check" "$out" "not ok [0-9]+ - another pid's status not readable"
# Bare, told it runs under absent: the host's /proc is there, the checks fail.
out=$(cd "$TJ_WORK" && "$TASKJAIL" selftest --inside absent 2>&1)
like "bare, as absent: a non-empty /proc fails the check" "$out" "not ok [0-9]+ - /proc is not readable"

# Bare: the checks must see what an unsandboxed process can do. Every
# attempt undoes itself when it succeeds; the mount table must not change.
m1=$(md5sum </proc/self/mountinfo)
out=$(cd "$TJ_WORK" && "$TASKJAIL" selftest --inside strict 2>&1); rc=$?
is "bare run leaves the host's mount table as it was" "$(md5sum </proc/self/mountinfo)" "$m1"
is "bare run leaves no file behind" "$(ls -a / /etc /tmp 2>/dev/null | grep -c taskjail-selftest)" 0
is "bare: the checks fail (exit 1)" "$rc" 1
like "bare: not uid 65532" "$out" "not ok [0-9]+ - runs as uid 65532"
like "bare: a seccomp filter is missing" "$out" "not ok [0-9]+ - a seccomp filter is installed"
like "bare: own environ readable" "$out" "not ok [0-9]+ - /proc/self/environ not readable"
like "bare: host processes visible" "$out" "not ok [0-9]+ - only the sandbox's processes are visible"
like "bare: host interfaces visible or lo only" "$out" "(not ok|ok) [0-9]+ - no network interface but lo"
if is_root; then
	like "bare root: /etc/shadow readable" "$out" "not ok [0-9]+ - /etc/shadow not readable"
fi
done_testing

#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# prlimit64 only on the caller itself. The task runs as the same uid as
# taskjail's pid 1 (init, which also carries the relays), so without the
# policy's pid check it could set pid 1's limits: RLIMIT_NOFILE 0:0 (no new
# fd: no relayed connection, no health check) or RLIMIT_CPU (init killed,
# the sandbox with it). Shown working under --seccomp none, then refused
# with EPERM under every shipped policy, while getrlimit/setrlimit on
# itself (glibc passes pid 0) keep working.
. "$TJ_SRC/tests/lib.sh"

H=/taskjail-helpers
B=(--bind-ro "$TJ_HELPERS:$H")
# pid 1's open-files limit, as "soft hard".
show='grep "^Max open files" /proc/1/limits | awk "{print \$4, \$5}"'

# prlimit(1) from util-linux when the host has it, and always the raw
# syscall: prlimit64(1, RLIMIT_NOFILE (7), {0, 0}, NULL).
PRLIMIT=$(command -v prlimit || true)
attack="$H/try-syscall prlimit64 1 7 buf 0; $show"
# --seccomp none warns on stderr (as --net host); the checks read the task's output.
nowarn() { grep -v '^taskjail: warning: seccomp none:'; }

out=$(timeout 60 "$TASKJAIL" run --seccomp none "${B[@]}" -- /bin/sh -c "$attack" 2>&1 | nowarn)
is "--seccomp none: the task sets pid 1's RLIMIT_NOFILE to 0:0" "$out" "OK
0 0"
if [ -n "$PRLIMIT" ]; then
	out=$(timeout 60 "$TASKJAIL" run --seccomp none -- /bin/sh -c "prlimit --pid 1 --nofile=0:0 && $show" 2>&1 | nowarn)
	is "--seccomp none: prlimit --pid 1 --nofile=0:0 works" "$out" "0 0"
	out=$(timeout 60 "$TASKJAIL" run --seccomp none -- /bin/sh -c 'prlimit --pid 1 --cpu=1:1 && grep "^Max cpu time" /proc/1/limits | awk "{print \$4}"' 2>&1 | nowarn)
	is "--seccomp none: ... and its CPU limit (init dies after 1 s of CPU)" "$out" 1
else
	skip "prlimit(1) attacks" "no prlimit (util-linux) on the host"
fi

before=$(timeout 60 "$TASKJAIL" run --seccomp none -- /bin/sh -c "$show")
for pol in default node python; do
	out=$(timeout 60 "$TASKJAIL" run --seccomp "$pol" "${B[@]}" -- /bin/sh -c "$attack" 2>&1)
	is "policy $pol: prlimit64(1, NOFILE, {0,0}) is refused with EPERM, pid 1 unchanged" "$out" "EPERM
$before"
	# The kernel reads the pid as 32 bits: 0x100000001 is pid 1 to it. The
	# filter compares all 64 and must refuse it (anything but exactly 0).
	out=$(timeout 60 "$TASKJAIL" run --seccomp "$pol" "${B[@]}" -- /bin/sh -c "$H/try-syscall prlimit64 0x100000001 7 buf 0; $show" 2>&1)
	is "policy $pol: pid 0x100000001 (1 to the kernel) refused too" "$out" "EPERM
$before"
	out=$(timeout 60 "$TASKJAIL" run --seccomp "$pol" "${B[@]}" -- /bin/sh -c "$H/try-syscall prlimit64 self 7 0 buf" 2>&1)
	is "policy $pol: the caller's own pid by number is refused (documented; use 0)" "$out" EPERM
	if [ -n "$PRLIMIT" ]; then
		out=$(timeout 60 "$TASKJAIL" run --seccomp "$pol" -- /bin/sh -c "prlimit --pid 1 --nofile=0:0; $show" 2>&1)
		like "policy $pol: prlimit --pid 1 --nofile=0:0 fails with EPERM" "$out" "Operation not permitted"
		like "... pid 1's limit unchanged" "$out" "$before\$"
	fi
	# The task's own limits: glibc's getrlimit/setrlimit (prlimit64 with
	# pid 0), from the shell and from python.
	out=$(timeout 60 "$TASKJAIL" run --seccomp "$pol" -- /bin/sh -c 'ulimit -n 100 && ulimit -n' 2>&1)
	is "policy $pol: setrlimit/getrlimit on itself work (ulimit -n 100)" "$out" 100
	out=$(timeout 60 "$TASKJAIL" run --seccomp "$pol" -- /usr/bin/python3 -c '
import resource as r
r.setrlimit(r.RLIMIT_NOFILE, (64, 128)); r.prlimit(0, r.RLIMIT_CORE, (0, 0))
print(r.getrlimit(r.RLIMIT_NOFILE), r.getrlimit(r.RLIMIT_CORE))' 2>&1)
	is "policy $pol: python's resource.setrlimit/getrlimit/prlimit(0, ...) work" "$out" "(64, 128) (0, 0)"
done

# Through the shipped n8n profiles, as the runners start.
for prof in node python; do
	out=$(timeout 60 "$TASKJAIL" run --profile "$prof" "${B[@]}" -- /bin/sh -c "$attack" 2>&1)
	like "profile $prof: prlimit64 on pid 1 refused with EPERM" "$out" "^EPERM"
done

done_testing

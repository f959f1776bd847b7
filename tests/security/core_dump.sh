#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# Core dumps (red-team finding): a runner that crashes writes its memory,
# environment block included, to a core file in its cwd (/tmp) that every
# process of the sandbox can read -- and a process of the sandbox can make
# its parent crash (SIGSEGV, same uid). The caller's `ulimit -c unlimited`
# used to reach the task; taskjail now sets RLIMIT_CORE to 0/0 unless the
# profile's rlimits name core.
. "$TJ_SRC/tests/lib.sh"
ulimit -c unlimited 2>/dev/null || { skip "core dumps" "cannot raise RLIMIT_CORE here"; done_testing; }
out=$(sh -c 'ulimit -c; ulimit -Hc')
is "bare: a child of this caller may dump core" "$(echo $out)" "unlimited unlimited"
out=$(timeout -k 5 30 "$TASKJAIL" run -- /bin/sh -c 'ulimit -c; ulimit -Hc' 2>&1)
is "taskjail (a profile without rlimits.core): RLIMIT_CORE 0, hard 0" "$(echo $out)" "0 0"
out=$(timeout -k 5 30 "$TASKJAIL" run -- /bin/sh -c 'ulimit -c unlimited 2>&1 || echo refused' 2>&1)
like "... and the task cannot raise it" "$out" "refused"
f=$TJ_WORK/core-profile.json
printf '{"binds":["/usr","/bin","/lib",{"src":"/lib64","optional":true}],"rlimits":{"core":[1024,4096]}}\n' >"$f"
chmod 644 "$f"
out=$(timeout -k 5 30 "$TASKJAIL" run --profile "$f" -- /bin/sh -c 'ulimit -c; ulimit -Hc' 2>&1)
is "a profile's rlimits.core is honoured (blocks of 512 bytes)" "$(echo $out)" "2 8"

# The dump itself, where the host's core_pattern writes a file (not a pipe).
pat=$(cat /proc/sys/kernel/core_pattern)
case $pat in
'|'*|*/*) skip "a crash leaves a core in /tmp bare, none under taskjail" "core_pattern '$pat' is not a file name in the cwd" ;;
*)
	crash='cd /tmp && sh -c "kill -SEGV \$\$"; ls /tmp | grep -c "^core" || true'
	out=$(cd "$TJ_WORK" && timeout -k 5 30 unshare -Urm --mount-proc -p -f /bin/sh -c "mount -t tmpfs t /tmp && $crash" 2>/dev/null)
	is "bare (a namespace with its own /tmp): the crash leaves a core file" "$out" 1
	out=$(timeout -k 5 30 "$TASKJAIL" run -- /bin/sh -c "$crash" 2>/dev/null)
	is "taskjail: no core file" "$out" 0
	;;
esac
done_testing

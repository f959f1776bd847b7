#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# deploy/make-pod-seccomp.sh: under Docker's default seccomp profile (what a
# pod's RuntimeDefault is) taskjail cannot build a sandbox and says why;
# under the generated pod profile it can, and the sandbox is the same.
. "$TJ_SRC/tests/lib.sh"
EXEC=$TJ_HELPERS/seccomp-exec
D=${TJ_FIXTURES:-/var/cache/taskjail-fixtures}
if [ ! -r "$D/docker-default.json" ]; then
	skip "pod seccomp profile" "no Docker default profile in $D: run tests/install-deps.sh as root"
	done_testing
fi
bash "$TJ_SRC/deploy/make-pod-seccomp.sh" "$D/docker-default.json" > "$TJ_WORK/pod.json"
is "the generated profile is valid" "$("$TASKJAIL" policy check "$TJ_WORK/pod.json" >/dev/null 2>&1; echo $?)" 0
out=$("$EXEC" --quiet "$D/docker-default.json" -- "$TASKJAIL" run -- /bin/true 2>&1); rc=$?
is "under Docker's default profile: taskjail refuses (125)" "$rc" 125
like "... and explains the seccomp restriction" "$out" "container seccomp profile blocking clone.*taskjail check"
out=$("$EXEC" --quiet "$TJ_WORK/pod.json" -- "$TASKJAIL" run -- /usr/bin/id -u 2>&1)
is "under the pod profile: the sandbox runs as 65532" "$out" 65532
if grep -qa __asan_init "$TASKJAIL"; then
	# selftest runs taskjail itself inside the strict sandbox, where an ASan
	# build's LeakSanitizer cannot read /proc/<pid>/task and aborts.
	skip "under the pod profile: selftest of the node profile passes" "ASan build"
else
	out=$("$EXEC" --quiet "$TJ_WORK/pod.json" -- "$TASKJAIL" selftest --profile node --net none 2>&1); rc=$?
	is "under the pod profile: selftest of the node profile passes" "$rc" 0
	[ "$rc" = 0 ] || diag "$(printf '%s\n' "$out" | grep -v '^ok' | head)"
fi
done_testing

#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# deploy/kubernetes/taskjail-pod-seccomp.json, the runners container's
# Localhost seccomp profile: it is what make-seccomp-profile.sh writes from
# policies/ (regenerate after changing a policy); under it taskjail builds
# its sandbox (run, check, selftest of the node profile), and without its
# taskjail group it could not; under Docker's default profile (what a pod's
# RuntimeDefault is) taskjail cannot either, and says why.
. "$TJ_SRC/tests/lib.sh"
EXEC=$TJ_HELPERS/seccomp-exec
K=$TJ_SRC/deploy/kubernetes
POD=$K/taskjail-pod-seccomp.json

bash "$K/make-seccomp-profile.sh" "$TJ_SRC/policies" > "$TJ_WORK/regen.json"; rc=$?
is "make-seccomp-profile.sh runs" "$rc" 0
if cmp -s "$TJ_WORK/regen.json" "$POD"; then
	ok "the checked-in pod profile is what make-seccomp-profile.sh writes from policies/"
else
	not_ok "the checked-in pod profile is what make-seccomp-profile.sh writes from policies/"
	diag "run: deploy/kubernetes/make-seccomp-profile.sh > deploy/kubernetes/taskjail-pod-seccomp.json"
	diag "$(diff "$POD" "$TJ_WORK/regen.json" | head -n 10)"
fi
# ... and the comparison sees a policy change: a policy allowing one more
# syscall gives another profile.
mkdir -p "$TJ_WORK/pol"
cp "$TJ_SRC"/policies/*.json "$TJ_WORK/pol/"
/usr/bin/python3 - "$TJ_WORK/pol/default.json" <<'EOF'
import json, sys
p = json.load(open(sys.argv[1]))
p["syscalls"].append({"names": ["vhangup"], "action": "SCMP_ACT_ALLOW"})
json.dump(p, open(sys.argv[1], "w"))
EOF
bash "$K/make-seccomp-profile.sh" "$TJ_WORK/pol" > "$TJ_WORK/changed.json"
check_not "... a changed policy gives a different profile" cmp -s "$TJ_WORK/changed.json" "$POD"
out=$(bash "$K/make-seccomp-profile.sh" "$TJ_WORK/nonexistent" 2>&1); rc=$?
like "... a missing policy directory: an error naming it" "$rc $out" "^1 .*no policy directory .*nonexistent"

# An ASan build's LeakSanitizer stops the world with ptrace at exit, which
# the pod profile does not allow (taskjail itself needs no ptrace): no leak
# check for the runs under it.
if grep -qa __asan_init "$TASKJAIL"; then
	export ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0"
fi
is "the pod profile is a valid policy" "$("$TASKJAIL" policy check "$POD" >/dev/null 2>&1; echo $?)" 0
out=$("$EXEC" --quiet "$POD" -- "$TASKJAIL" run -- /usr/bin/id -u 2>&1)
is "under the pod profile: the sandbox runs as 65532" "$out" 65532
out=$("$EXEC" --quiet "$POD" -- "$TASKJAIL" check 2>&1); rc=$?
is "under the pod profile: taskjail check exits 0" "$rc" 0
[ "$rc" = 0 ] || diag "$(printf '%s\n' "$out" | grep -v '^ok' | head)"
out=$("$EXEC" --quiet "$POD" -- "$TASKJAIL" run --profile python --net none -- /usr/bin/python3 -c 'print(6*7)' 2>&1)
is "under the pod profile: the python profile runs python" "$out" 42
# With its relay (net relay): the supervisor or its socket maker enters the
# sandbox's network namespace (setns) to make the relay's sockets.
out=$("$EXEC" --quiet "$POD" -- "$TASKJAIL" run --profile python -- /usr/bin/python3 -c 'print(6*7)' 2>&1)
is "under the pod profile: the python profile with its relay runs python" "$out" 42
if grep -qa __asan_init "$TASKJAIL"; then
	# selftest runs taskjail itself inside the strict sandbox, where an ASan
	# build's LeakSanitizer cannot read /proc/<pid>/task and aborts.
	skip "under the pod profile: selftest of the node profile passes" "ASan build"
else
	out=$("$EXEC" --quiet "$POD" -- "$TASKJAIL" selftest --profile node --net none 2>&1); rc=$?
	is "under the pod profile: selftest of the node profile passes" "$rc" 0
	[ "$rc" = 0 ] || diag "$(printf '%s\n' "$out" | grep -v '^ok' | head)"
fi

# The taskjail group is what makes it work: without it, taskjail refuses.
/usr/bin/python3 - "$POD" "$TJ_WORK/no-tj.json" <<'EOF'
import json, sys
p = json.load(open(sys.argv[1]))
p["syscalls"] = [r for r in p["syscalls"] if not r["comment"].startswith("taskjail:")]
json.dump(p, open(sys.argv[2], "w"))
EOF
out=$("$EXEC" --quiet "$TJ_WORK/no-tj.json" -- "$TASKJAIL" run -- /bin/true 2>&1); rc=$?
is "the pod profile less its taskjail group: taskjail refuses (125)" "$rc" 125

D=${TJ_FIXTURES:-/var/cache/taskjail-fixtures}
if [ ! -r "$D/docker-default.json" ]; then
	skip "under Docker's default profile" "no Docker default profile in $D: run tests/install-deps.sh as root"
	done_testing
fi
out=$("$EXEC" --quiet "$D/docker-default.json" -- "$TASKJAIL" run -- /bin/true 2>&1); rc=$?
is "under Docker's default profile: taskjail refuses (125)" "$rc" 125
like "... and explains the seccomp restriction" "$out" "container seccomp profile blocking clone.*taskjail check"
done_testing

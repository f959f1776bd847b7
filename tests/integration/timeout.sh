#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# --timeout: SIGTERM to the runner, SIGKILL of the sandbox after the grace,
# exit 124 and "reason":"timeout" in the exit event. Every run is bounded
# by an outer timeout(1) in case the feature under test is broken.
. "$TJ_SRC/tests/lib.sh"

last_event() { /usr/bin/python3 -c 'import json,sys; e=json.loads(open(sys.argv[1]).read().splitlines()[-1]); print(*[e.get(k) for k in sys.argv[2:]])' "$@"; }

# A runner that sleeps: SIGTERM ends it at the deadline.
t0=$(date +%s%N)
timeout -s KILL 20 "$TASKJAIL" run --timeout 0.5 --log-file "$TJ_WORK/sleep.json" -- /bin/sleep 30 2>"$TJ_WORK/err"; rc=$?
ms=$(( ($(date +%s%N) - t0) / 1000000 ))
is "sleeping runner: exit 124" "$rc" 124
check "sleeping runner: ended at the deadline, not later ($ms ms)" [ "$ms" -ge 450 ] && [ "$ms" -lt 3000 ]
is "sleeping runner: exit event says timeout, SIGTERM, no SIGKILL" "$(last_event "$TJ_WORK/sleep.json" status signal reason timeout_killed)" "124 15 timeout False"
like "sleeping runner: stderr says what happened" "$(cat "$TJ_WORK/err")" "timeout: 0.500 s passed; SIGTERM sent"

# A runner that ignores SIGTERM (and a child that does too): killed after
# the grace, nothing of the sandbox left.
tag=$((200000 + RANDOM))
t0=$(date +%s%N)
timeout -s KILL 20 "$TASKJAIL" run --timeout 0.5 --kill-after 1 --log-file "$TJ_WORK/ign.json" -- \
	/bin/sh -c "trap '' TERM; sleep $tag & sleep $tag; sleep $tag" 2>"$TJ_WORK/err"; rc=$?
ms=$(( ($(date +%s%N) - t0) / 1000000 ))
is "SIGTERM ignored: exit 124" "$rc" 124
check "SIGTERM ignored: killed after timeout + grace ($ms ms)" [ "$ms" -ge 1400 ] && [ "$ms" -lt 5000 ]
is "SIGTERM ignored: exit event says timeout, SIGKILL" "$(last_event "$TJ_WORK/ign.json" status signal reason timeout_killed)" "124 9 timeout True"
like "SIGTERM ignored: stderr says the sandbox was killed" "$(cat "$TJ_WORK/err")" "still there 1.000 s after SIGTERM; the sandbox was killed"
unlike "SIGTERM ignored: no 'exited unexpectedly' noise" "$(cat "$TJ_WORK/err")" "unexpectedly"
is "SIGTERM ignored: no process of the sandbox survives" "$(pgrep -fc "^sleep $tag\$" || true)" 0

# A runner that handles SIGTERM and exits cleanly still reports the timeout.
timeout -s KILL 20 "$TASKJAIL" run --timeout 0.3 --log-file "$TJ_WORK/h.json" -- \
	/bin/sh -c 'trap "exit 0" TERM; while :; do sleep 0.05; done' 2>/dev/null; rc=$?
is "SIGTERM handled: still 124 (as coreutils timeout)" "$rc:$(last_event "$TJ_WORK/h.json" reason)" "124:timeout"

# Within the deadline nothing changes.
out=$(timeout -s KILL 20 "$TASKJAIL" run --timeout 10 --log-file "$TJ_WORK/ok.json" -- /bin/sh -c 'echo hi; exit 3'); rc=$?
is "runner ends before the deadline: its own status" "$rc:$out:$(last_event "$TJ_WORK/ok.json" reason)" "3:hi:exit"

# Profile keys.
cat > "$TJ_WORK/p.json" <<'J'
{ "binds": ["/usr", "/bin", "/lib", { "src": "/lib64", "optional": true }], "timeout": 0.4, "kill_after": 0.5 }
J
timeout -s KILL 20 "$TASKJAIL" run --profile "$TJ_WORK/p.json" -- /bin/sh -c "trap '' TERM; sleep $tag" 2>"$TJ_WORK/err"; rc=$?
is "profile timeout/kill_after apply" "$rc" 124
like "profile kill_after is the grace" "$(cat "$TJ_WORK/err")" "still there 0.500 s after SIGTERM"

# Bad values are rejected before anything runs.
for v in 0 -1 abc 1.0001 86401; do
	out=$("$TASKJAIL" run --timeout "$v" -- /bin/true 2>&1); rc=$?
	is "--timeout '$v' refused with 125" "$rc" 125
done
like "--timeout message names the option and the range" "$out" "--timeout '86401': expected seconds above 0 and at most 86400"
printf '{ "timeout": "30" }' > "$TJ_WORK/bad.json"
out=$("$TASKJAIL" run --profile "$TJ_WORK/bad.json" -- /bin/true 2>&1)
like "profile timeout as a string refused with its JSON path" "$out" '\$\.timeout: expected seconds'

done_testing

#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# Many threads opening allowed and denied paths at once, one thread flipping
# a shared path buffer between /proc/self/status and /proc/self/environ (the
# supervisor must decide on what it opened, not on what it read), children
# killed with an open in flight, and signals interrupting opens (restarted:
# duplicate notifications). No wrong answer, no hang.
. "$TJ_SRC/tests/lib.sh"
. "$(dirname "$0")/lib/procguard.sh"

# Without the guard the denied paths open and the race leaks: the test can fail.
out=$(timeout 60 "$TJ_HELPERS/proc-probe" stress 1 4 2>/dev/null | tail -1)
like "bare: the stress test sees wrong answers" "$out" "wrong=[1-9]"

start=$(date +%s)
out=$(timeout 120 "$TASKJAIL" run --profile "$(pg_profile strict)" -- /opt/tjh/proc-probe stress 4 8 2>&1)
rc=$?
end=$(date +%s)
diag "$(tail -1 <<<"$out")"
is "strict: stress run exits 0 (no wrong answer)" "$rc" 0
like "strict: no wrong answer" "$(tail -1 <<<"$out")" "wrong=0 "
like "strict: allowed and denied opens both happened" "$(tail -1 <<<"$out")" "ok=[1-9][0-9]* denied=[1-9]"
like "strict: tasks were killed mid-open" "$(tail -1 <<<"$out")" "killed=[1-9]"
like "strict: opens were interrupted by signals (SA_RESTART)" "$(tail -1 <<<"$out")" "signals=[1-9]"
[ $((end - start)) -lt 60 ] && ok "strict: finished in $((end - start)) s (no hang)" || not_ok "strict: took $((end - start)) s"
unlike "strict: no WRONG lines" "$out" "WRONG"
done_testing

#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# The guard's decision on the opened object cannot be raced: an entry
# dropped between the open and the check ("environ (deleted)" in d_path,
# an exiting thread's task/<tid>/environ) is still environ. Without the
# guard the task reads its own environ directly; the race (tests/helpers/
# race-deleted.c) won 3 times in 30 tries against the first version of the
# check and must win none here.
. "$TJ_SRC/tests/lib.sh"
. "$(dirname "$0")/lib/procguard.sh"
ns=$(timeout -k 5 30 "$TASKJAIL" run --profile "$(pg_profile namespace)" --setenv SECRET_TOKEN=race-secret -- \
	/bin/sh -c 'cat /proc/self/environ | tr "\0" "\n" | grep SECRET_TOKEN' 2>&1)
like "namespace: the task reads its own environ (what the race is after)" "$ns" "SECRET_TOKEN=race-secret"
out=$(timeout -k 5 40 "$TASKJAIL" run --profile "$(pg_profile strict)" --setenv SECRET_TOKEN=race-secret -- \
	/opt/tjh/race-deleted 10 120 2>&1)
like "strict: the race ran" "$out" "tries [0-9]+ wins"
n=$(sed -n 's/.*tries \([0-9]*\) .*/\1/p' <<<"$out")
[ "${n:-0}" -ge 100 ] && ok "strict: $n tries in 10 s" || not_ok "strict: only ${n:-0} tries"
like "strict: no try read the environ" "$out" "wins 0 "
unlike "strict: the secret never shows" "$out" "race-secret"
done_testing

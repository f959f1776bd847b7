#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# A blocking FIFO open under the /proc guard waits in a worker thread of the
# guard. Tasks killed while waiting must not keep their workers: 40 such,
# then a fresh FIFO pair still opens (the first guard answered EAGAIN and
# ENXIO to every blocking FIFO open after 32 abandoned ones).
. "$TJ_SRC/tests/lib.sh"
. "$(dirname "$0")/lib/procguard.sh"
PY=/usr/bin/python3
[ -x $PY ] || { skip "FIFO workers" "no $PY"; done_testing; }
f=$(pg_lib_profile strict default)
out=$(timeout -k 5 40 "$TASKJAIL" run --profile "$f" -- $PY /opt/tjl/fifo-exhaust.py 2>/dev/null)
like "after 40 abandoned FIFO waits a reader still opens" "$out" "reader ok"
like "after 40 abandoned FIFO waits a writer still opens" "$out" "writer ok"
done_testing

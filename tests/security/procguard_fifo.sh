#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# A blocking FIFO open under the /proc guard waits in a worker thread of the
# guard. Tasks killed while waiting must not keep their workers: 40 such,
# then a fresh FIFO pair still opens (the first guard answered EAGAIN and
# ENXIO to every blocking FIFO open after 32 abandoned ones).
. "$TJ_SRC/tests/lib.sh"
PY=/usr/bin/python3
[ -x $PY ] || { skip "FIFO workers" "no $PY"; done_testing; }
lib="$TJ_SRC/tests/security/lib"
f="$TJ_WORK/fifo.json"
cat >"$f" <<JSON
{ "binds": ["/usr", "/etc", "/bin", "/lib", { "src": "/lib64", "optional": true },
            { "src": "$lib", "dst": "/opt/tjl" }],
  "net": "none", "workdir": "/", "proc_guard": "strict", "seccomp": "default" }
JSON
chmod 644 "$f"
out=$(timeout -k 5 40 "$TASKJAIL" run --profile "$f" -- $PY /opt/tjl/fifo-exhaust.py 2>/dev/null)
like "after 40 abandoned FIFO waits a reader still opens" "$out" "reader ok"
like "after 40 abandoned FIFO waits a writer still opens" "$out" "writer ok"
done_testing

#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# Red-team finding (review branch, functional): a blocking FIFO open with
# O_NOFOLLOW fails with ELOOP under the strict guard, where the kernel opens
# it. The FIFO worker reopens the FIFO through /proc/self/fd/N with the
# task's flags, and O_NOFOLLOW refuses that magic link. Fails on the
# current binary.
. "$TJ_SRC/tests/lib.sh"
. "$(dirname "$0")/lib/procguard.sh"
PY=/usr/bin/python3
[ -x $PY ] || { skip "FIFO with O_NOFOLLOW" "no $PY"; done_testing; }
prog='
import os, threading, time
os.mkfifo("/tmp/f")
res = {}
def reader():
    try:
        fd = os.open("/tmp/f", os.O_RDONLY | os.O_NOFOLLOW); res["r"] = os.read(fd, 10).decode(); os.close(fd)
    except OSError as e: res["r"] = e.strerror
t = threading.Thread(target=reader); t.start(); time.sleep(0.3)
try:
    fd = os.open("/tmp/f", os.O_WRONLY | os.O_NOFOLLOW); os.write(fd, b"hi"); os.close(fd); res["w"] = "ok"
except OSError as e: res["w"] = e.strerror
t.join(5); print("reader", res.get("r"), "writer", res.get("w"))'
for mode in namespace strict; do
	out=$(timeout -k 5 30 "$TASKJAIL" run --profile "$(pg_lib_profile $mode default)" -- $PY -c "$prog" 2>&1)
	is "$mode: blocking FIFO opens with O_NOFOLLOW" "$out" "reader hi writer ok"
done
done_testing

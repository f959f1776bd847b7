#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# The guard decides on the object it opened, whatever route reached it: an
# O_PATH fd of another process's /proc/<pid>/maps reopened through
# /proc/self/fd/N, or openat() on an O_PATH dirfd of /proc/<pid>, is refused
# like the direct path (the first guard, which opened as the supervisor,
# returned init's maps this way). Under "namespace" the kernel alone lets a
# task read its sibling's maps, smaps, fd (same uid): the attack works there.
. "$TJ_SRC/tests/lib.sh"
. "$(dirname "$0")/lib/procguard.sh"
PY=/usr/bin/python3
[ -x $PY ] || { skip "final-object checks" "no $PY"; done_testing; }
ns=$("$TASKJAIL" run --profile "$(pg_lib_profile namespace default)" -- $PY /opt/tjl/opath-reopen.py 2>&1)
st=$("$TASKJAIL" run --profile "$(pg_lib_profile strict default)" -- $PY /opt/tjl/opath-reopen.py 2>&1)
for f in maps smaps smaps_rollup numa_maps fd; do
	for route in REOPEN DIRFD; do
		like "namespace: a sibling's $f via $route opens (the attack)" "$ns" "child $f $route OK"
		like "strict: a sibling's $f via $route is refused" "$st" "child $f $route Permission denied"
		like "strict: init's $f via $route is refused" "$st" "(^| )1 $f $route Permission denied"
	done
done
like "strict: a sibling's status still opens via O_PATH reopen (ps)" "$st" "child status REOPEN OK"
done_testing

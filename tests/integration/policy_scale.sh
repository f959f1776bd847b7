#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# A policy's cost grows linearly with its size: 100 000 repeated names (and
# 60 000 one-name rules) compile in seconds. libseccomp searches its rules
# for every new one, and taskjail handed it every repeat: 20 000 names took
# 0.9 s, 100 000 about two minutes (and over a minute under ASan).
. "$TJ_SRC/tests/lib.sh"
PY=/usr/bin/python3
[ -x $PY ] || { skip "policy scale" "no $PY"; done_testing; }
for shape in names rules; do
	f="$TJ_WORK/big-$shape.json"
	$PY - "$f" "$shape" <<'PY'
import json, sys
f, shape = sys.argv[1], sys.argv[2]
if shape == "names":
    sc = [{"names": ["read", "write", "getpid"] * 33334, "action": "SCMP_ACT_ALLOW"}]
else:
    # 60 000: the most that fits the 4 MiB a policy file may have
    sc = [{"names": ["getppid"], "action": "SCMP_ACT_ALLOW"} for _ in range(60000)]
json.dump({"defaultAction": "SCMP_ACT_ERRNO", "syscalls": sc}, open(f, "w"))
PY
	start=$(date +%s%N)
	out=$(timeout 60 "$TASKJAIL" policy check "$f" 2>&1); rc=$?
	ms=$(( ($(date +%s%N) - start) / 1000000 ))
	is "$shape: the policy compiles (exit)" "$rc" 0
	like "$shape: the policy compiles (says ok)" "$out" ": ok \\([0-9]+ BPF instructions\\)"
	[ $ms -lt 20000 ] && ok "$shape: ${ms} ms (bound 20 s)" || not_ok "$shape: ${ms} ms (bound 20 s)"
done
done_testing

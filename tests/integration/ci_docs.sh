#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# docs/ci-selftest.md: its GitHub Actions and GitLab CI jobs are valid YAML,
# and each taskjail command in them runs here as written (with this build's
# binary for ./build/taskjail) and writes a report that parses.
. "$TJ_SRC/tests/lib.sh"
PY=/usr/bin/python3
doc=$TJ_SRC/docs/ci-selftest.md
if ! $PY -c 'import yaml' 2>/dev/null; then
	skip "CI examples" "python3-yaml is not installed (tests/install-deps.sh)"
	done_testing
fi
$PY - "$doc" "$TJ_WORK" <<'P' > "$TJ_WORK/cmds" 2>"$TJ_WORK/err"
import re, sys, yaml
text = open(sys.argv[1]).read()
blocks = re.findall(r"```yaml\n(.*?)```", text, re.S)
assert len(blocks) == 2, "want 2 yaml blocks, got %d" % len(blocks)
gh, gl = (yaml.safe_load(b) for b in blocks)
steps = gh["jobs"]["selftest"]["steps"]
lines = [l for s in steps for l in s.get("run", "").splitlines()]
job = gl["taskjail-selftest"]
assert job["artifacts"]["reports"]["junit"] in job["artifacts"]["paths"]
lines += job["script"]
for l in lines:
    if "./build/taskjail" in l:
        print(l.strip())
P
is "both jobs parse as YAML" "$?" 0
[ -s "$TJ_WORK/err" ] && diag "$(cat "$TJ_WORK/err")"
asan=false
grep -qa __asan_init "$TASKJAIL" && asan=true
n=0
while IFS= read -r cmd; do
	n=$((n+1))
	# selftest runs taskjail inside the strict sandbox, where an ASan
	# build's LeakSanitizer cannot read /proc/<pid>/task and aborts.
	if $asan && [[ $cmd == *" selftest "* ]]; then
		skip "runs: $cmd" "ASan build"
		continue
	fi
	c=${cmd//.\/build\/taskjail/\"\$TASKJAIL\"}
	(cd "$TJ_WORK" && TASKJAIL=$TASKJAIL bash -c "$c" >/dev/null 2>"$TJ_WORK/stderr"); rc=$?
	is "runs: $cmd" "$rc" 0
	[ "$rc" = 0 ] || diag "$(head -5 "$TJ_WORK/stderr")"
done < "$TJ_WORK/cmds"
check "the jobs run taskjail (at least 5 commands: $n)" [ "$n" -ge 5 ]
for f in "$TJ_WORK"/selftest-*.xml; do
	[ -e "$f" ] || continue
	is "$(basename "$f") is JUnit XML with testcases" \
		"$($PY -c 'import sys, xml.etree.ElementTree as E; print(len(E.parse(sys.argv[1]).findall(".//testcase")) > 30)' "$f" 2>&1)" True
done
for f in "$TJ_WORK"/selftest-*.json; do
	[ -e "$f" ] || continue
	is "$(basename "$f") is JSON, ok" "$($PY -c 'import json, sys; print(json.load(open(sys.argv[1]))["ok"])' "$f" 2>&1)" True
done
done_testing

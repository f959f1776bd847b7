#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# `taskjail selftest` for CI pipelines: every check is reported whatever the
# options (those that do not apply as SKIP with the reason), a summary line,
# --format json and junit parse, and each check that n8n operators care
# about reports FAIL when its protection is off and PASS when it is on.
. "$TJ_SRC/tests/lib.sh"
PY=/usr/bin/python3

count() { printf '%s\n' "$1" | grep -cE "^(not )?ok [0-9]+ - "; }
out=$("$TASKJAIL" selftest); rc=$?
is "default: exit 0" "$rc" 0
total=$(count "$out")
check "default: more than 30 checks ($total)" [ "$total" -gt 30 ]
like "summary line" "$out" "# selftest: [0-9]+ passed, 0 failed, [0-9]+ skipped, $total checks: PASS"
like "TAP plan" "$out" "1\\.\\.$total"
like "proc_guard namespace: the strict checks are SKIP with the reason" "$out" \
	"ok [0-9]+ - /proc/self/environ not readable \\(proc_guard strict\\) # SKIP proc_guard namespace"
out=$("$TASKJAIL" selftest --seccomp none); rc=$?
is "--seccomp none: the same number of checks" "$(count "$out")" "$total"
like "... the policy's checks are SKIP with the reason" "$out" "ok [0-9]+ - bpf refused # SKIP --seccomp none"
like "... the filter check too" "$out" "ok [0-9]+ - a seccomp filter is installed # SKIP --seccomp none"
# Without a policy, a nested user namespace and ptrace are allowed: that
# is reported, and fails the run.
is "... and what only the policy refuses fails (exit 1)" "$rc" 1
like "... a new user namespace" "$out" "not ok [0-9]+ - a new user namespace refused: SUCCEEDED"
out=$("$TASKJAIL" selftest --profile node --net none); rc=$?
is "node: the same number of checks" "$(count "$out")" "$total"
is "node: exit 0" "$rc" 0
like "node: the profile's runtime runs in the sandbox" "$out" "ok [0-9]+ - the profile's runtime runs in the sandbox: node(3)? --version: exit 0"

# JSON and JUnit parse, and agree with TAP.
out=$("$TASKJAIL" selftest --format json --profile node --net none); rc=$?
is "json: exit 0" "$rc" 0
s=$(printf '%s' "$out" | $PY -c '
import json, sys
d = json.load(sys.stdin)
st = [c["status"] for c in d["checks"]]
s = d["summary"]
assert s["total"] == len(st) and s["passed"] == st.count("pass") and s["skipped"] == st.count("skip")
assert all(c["name"] for c in d["checks"])
print(d["profile"], d["ok"], s["total"], s["failed"])' 2>&1)
is "json: valid, summary matches the checks" "$s" "node True $total 0"
out=$("$TASKJAIL" selftest --format junit --seccomp none)
s=$(printf '%s' "$out" | $PY -c '
import sys, xml.etree.ElementTree as E
r = E.fromstring(sys.stdin.read())
cases = r.findall("./testsuite/testcase")
f = [c.get("name") for c in cases if c.find("failure") is not None]
sk = [c for c in cases if c.find("skipped") is not None]
ts = r.find("testsuite")
assert int(ts.get("tests")) == len(cases) and int(ts.get("failures")) == len(f) and int(ts.get("skipped")) == len(sk)
print(len(cases), len(sk) > 0, "a new user namespace refused" in f)' 2>&1)
is "junit: valid, counts match, skips and failures marked" "$s" "$total True True"
out=$("$TASKJAIL" selftest --format yaml 2>&1); rc=$?
is "--format yaml: 125" "$rc" 125
like "... says what is accepted" "$out" "--format 'yaml': expected tap, json or junit"

# Each n8n check fails with its protection off and passes with it on.
res() { printf '%s\n' "$1" | grep -E "^(not )?ok [0-9]+ - $2" | sed -E 's/ [0-9]+ - .*//'; }
name="cloud metadata address 169.254.169.254 unreachable"
out=$("$TASKJAIL" selftest 2>&1)
is "metadata: PASS in its own network namespace" "$(res "$out" "$name")" ok
if ip -4 route get 169.254.169.254 >/dev/null 2>&1; then
	out=$("$TASKJAIL" selftest --net host 2>&1); rc=$?
	is "metadata: FAIL with --net host (this host has a route to it)" "$(res "$out" "$name")" "not ok"
	is "... and the run fails" "$rc" 1
else
	skip "metadata: FAIL with --net host" "this host has no route to 169.254.169.254"
fi

name="Kubernetes service-account token not visible"
mkdir -p "$TJ_WORK/sa" && echo tok > "$TJ_WORK/sa/token"
is "service-account token: PASS" "$(res "$("$TASKJAIL" selftest)" "$name")" ok
out=$("$TASKJAIL" selftest --bind-ro "$TJ_WORK/sa:/var/run/secrets/kubernetes.io/serviceaccount")
is "service-account token: FAIL when bound in" "$(res "$out" "$name")" "not ok"

name="the launcher's auth token"
cat > "$TJ_WORK/leaky.json" <<J
{"binds": ["/usr", "/bin", "/lib", {"src": "/lib64", "optional": true}],
 "env_allow": ["N8N_RUNNERS_AUTH_TOKEN"]}
J
out=$(N8N_RUNNERS_AUTH_TOKEN=operator-secret "$TASKJAIL" selftest)
is "auth token: PASS (the launcher has one)" "$(res "$out" "$name")" ok
unlike "... the operator's own token is never shown" "$out" "operator-secret"
# A profile that copies it: taskjail drops it (with a warning), as it does
# for the launcher file's allowed-env; the check then passes.
out=$("$TASKJAIL" selftest --profile "$TJ_WORK/leaky.json" 2>"$TJ_WORK/leaky.err")
is "auth token: a profile's env_allow cannot pass it through (PASS)" "$(res "$out" "$name")" ok
like "... taskjail says it dropped it" "$(cat "$TJ_WORK/leaky.err")" "not passing N8N_RUNNERS_AUTH_TOKEN to the runner although env_allow lists it"
# Bare, the token in a parent's environment only: found in /proc/<pid>/environ.
out=$(cd "$TJ_WORK" && N8N_RUNNERS_AUTH_TOKEN=a1b2c3d4e5f6 sh -c 'env -u N8N_RUNNERS_AUTH_TOKEN "$0" selftest --inside token=5e4d3c2b1a09' "$TASKJAIL")
like "auth token: bare, FAIL from the launcher's /proc/<pid>/environ" "$out" \
	"not ok [0-9]+ - $name .*: in /proc/[0-9]+/environ"

name="n8n's data dir not visible"
# Outside /tmp (the sandbox's /tmp is its own tmpfs) and not under a
# directory the minimal profile binds.
home=$(mktemp -d /var/tmp/tj-home.XXXXXX) && chmod 755 "$home" && mkdir "$home/.n8n"
out=$(HOME=$home "$TASKJAIL" selftest)
is "~/.n8n: PASS" "$(res "$out" "$name")" ok
out=$(HOME=$home "$TASKJAIL" selftest --bind-ro "$home")
is "~/.n8n: FAIL when the caller's home is bound in" "$(res "$out" "$name")" "not ok"
out=$(N8N_USER_FOLDER=$home HOME=/nonexistent "$TASKJAIL" selftest --bind-ro "$home")
is "~/.n8n: N8N_USER_FOLDER is where n8n keeps it" "$(res "$out" "$name")" "not ok"
rm -rf "$home"

name="the profile's runtime runs in the sandbox"
printf '{"binds": ["/usr", "/bin", "/lib", {"src": "/lib64", "optional": true}], "runtime": "no-such-runtime"}' > "$TJ_WORK/rt.json"
out=$("$TASKJAIL" selftest --profile "$TJ_WORK/rt.json")
is "runtime: FAIL when the profile's runtime is not in the sandbox" "$(res "$out" "$name")" "not ok"
like "... says so" "$out" "neither no-such-runtime nor no-such-runtime3 is in the sandbox's PATH"
like "runtime: SKIP when the profile names none" "$("$TASKJAIL" selftest)" "ok [0-9]+ - $name # SKIP the profile names no runtime"
done_testing

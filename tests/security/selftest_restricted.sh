#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# `taskjail selftest` in the restricted tier (README, "The restricted tier"):
# it passes with --tier restricted and with --tier auto on a host that
# refuses namespaces (simulated by tests/helpers/nons-exec, as in
# restricted_tier.sh), reports the tier it got, checks what that tier
# guarantees, and the same checks fail when run bare (no sandbox).
. "$TJ_SRC/tests/lib.sh"
PY=/usr/bin/python3
NONS=$TJ_HELPERS/nons-exec
R=(--tier restricted)
export TASKJAIL_PROFILE_DIR=$TJ_SRC/profiles TASKJAIL_POLICY_DIR=$TJ_SRC/policies
res() { printf '%s\n' "$1" | grep -E "^(not )?ok [0-9]+ - $2" | sed -E 's/ [0-9]+ - .*//'; }
count() { printf '%s\n' "$1" | grep -cE "^(not )?ok [0-9]+ - "; }
want_uid=$(id -u); want_gid=$(id -g)
is_root && want_uid=65532 want_gid=65532

full=$("$TASKJAIL" selftest 2>&1)
total=$(count "$full")
for p in minimal node python; do
	out=$("$TASKJAIL" selftest "${R[@]}" --profile "$p" --net none 2>&1); rc=$?
	is "restricted, profile $p: passes" "$rc" 0
	[ "$rc" = 0 ] || diag "$(printf '%s\n' "$out" | grep -v '^ok')"
done
out=$("$TASKJAIL" selftest "${R[@]}" 2>&1)
like "the report names the tier" "$out" "^# taskjail selftest: profile minimal, tier restricted"
is "... the same number of checks as the full tier ($total)" "$(count "$out")" "$total"
like "runs as the caller's uid (root callers: 65532)" "$out" "ok [0-9]+ - runs as uid $want_uid \\(restricted tier: no user namespace\\): uid $want_uid"
like "/proc: unreadable, checked" "$out" "ok [0-9]+ - /proc is not readable: EACCES"
like "... the pid and /proc guard checks skipped with the reason" "$out" \
	"ok [0-9]+ - only the sandbox's processes are visible # SKIP restricted tier: no pid namespace.*/proc/self/environ not readable \\(proc_guard strict\\) # SKIP restricted tier: /proc unreadable"
like "network: lo-only skipped with the reason" "$out" "ok [0-9]+ - no network interface but lo # SKIP restricted tier: no network namespace"
like "... TCP to 127.0.0.1 refused by Landlock" "$out" "ok [0-9]+ - TCP connect to 127.0.0.1:1 refused \\(Landlock\\): EACCES"
like "... TCP bind to an ephemeral port refused by Landlock" "$out" "ok [0-9]+ - TCP bind to an ephemeral port refused \\(Landlock\\): EACCES"
like "... the metadata address: TCP refused by Landlock" "$out" "ok [0-9]+ - cloud metadata address 169.254.169.254 unreachable: TCP port 80: EACCES"
like "the private directory writable, the host's /tmp not" "$out" \
	"ok [0-9]+ - the private directory \\(TMPDIR\\) is writable: /tmp/taskjail-restricted\\.[A-Za-z0-9]{6}.*ok [0-9]+ - write to the host's /tmp outside the private directory refused: EACCES"
like "the restricted layer: chmod, set-uid file, inotify, sock_diag, MPTCP refused (EPERM)" "$out" \
	"chmod of its own file refused: EPERM.*creating a set-uid file refused: EPERM.*inotify refused: EPERM.*sock_diag socket refused: EPERM.*MPTCP socket refused: EPERM"
like "a signal to the supervisor and listen on an unbound socket refused" "$out" \
	"ok [0-9]+ - signal to a process outside the sandbox \\(the supervisor\\) refused: EPERM.*ok [0-9]+ - listen on an unbound TCP socket refused \\(restricted layer\\): EPERM"
like "the full tier skips those with the reason" "$full" "ok [0-9]+ - inotify refused # SKIP full tier"
if is_root; then
	like "root caller: empty bounding set" "$out" "ok [0-9]+ - empty capability bounding set ok [0-9]+ - "
else
	like "unprivileged caller: the bounding set check skipped with the reason" "$out" \
		"ok [0-9]+ - empty capability bounding set # SKIP restricted tier, unprivileged caller: it stays the caller.s"
fi

if is_root; then
	out=$("$TASKJAIL" selftest "${R[@]}" --host-uid 65000 2>&1); rc=$?
	like "root caller, --host-uid 65000: runs as uid 65000" "$out" "ok [0-9]+ - runs as uid 65000 \\(restricted tier: no user namespace\\): uid 65000"
	is "... passes" "$rc" 0
fi
like "selftest --help names the tiers" "$("$TASKJAIL" selftest --help)" "--tier full[|]auto[|]restricted"

# --seccomp none: the restricted layer stays (a filter, io_uring refused);
# the policy's checks are skipped; a nested user namespace (allowed by this
# host) fails the run, as in the full tier.
out=$("$TASKJAIL" selftest "${R[@]}" --seccomp none 2>&1); rc=$?
like "--seccomp none: a filter is installed (the restricted layer)" "$out" "ok [0-9]+ - a seccomp filter is installed: the restricted layer"
like "... io_uring still refused" "$out" "ok [0-9]+ - io_uring refused: EPERM"
like "... the policy's checks skipped" "$out" "ok [0-9]+ - bpf refused # SKIP --seccomp none"
is "... the same number of checks" "$(count "$out")" "$total"
is "... a new user namespace succeeds: exit 1" "$rc" 1

# --net host: no TCP rule: skipped, and the metadata check is the route one.
out=$("$TASKJAIL" selftest "${R[@]}" --net host 2>&1)
like "--net host: the TCP check skipped" "$out" "ok [0-9]+ - TCP connect to 127.0.0.1:1 refused \\(Landlock\\) # SKIP --net host"
like "... the metadata check looks for a route" "$out" "(not )?ok [0-9]+ - cloud metadata address 169.254.169.254 unreachable: (ENETUNREACH|a route exists)"
# net relay: the port tried is not the broker's (which Landlock allows).
out=$("$TASKJAIL" selftest "${R[@]}" --net relay --setenv N8N_RUNNERS_TASK_BROKER_URI=http://127.0.0.1:1 2>&1); rc=$?
like "--net relay, broker on port 1: TCP to port 2 refused" "$out" "ok [0-9]+ - TCP connect to 127.0.0.1:2 refused \\(Landlock\\): EACCES"
is "... passes" "$rc" 0
out=$("$TASKJAIL" selftest "${R[@]}" --net relay --setenv N8N_RUNNERS_TASK_BROKER_URI=http://127.0.0.1:1 \
	--setenv N8N_RUNNERS_HEALTH_CHECK_SERVER_ENABLED=true --setenv N8N_RUNNERS_HEALTH_CHECK_SERVER_PORT=5681 2>&1); rc=$?
like "... with a health port: listen allowed, the check skipped with the reason" "$out" \
	"ok [0-9]+ - listen on an unbound TCP socket refused \\(restricted layer\\) # SKIP the runner serves a port"
like "... an ephemeral bind still refused" "$out" "ok [0-9]+ - TCP bind to an ephemeral port refused \\(Landlock\\): EACCES"
is "... passes" "$rc" 0

# JSON and JUnit name the tier.
out=$("$TASKJAIL" selftest "${R[@]}" --format json)
s=$(printf '%s' "$out" | $PY -c 'import json, sys
d = json.load(sys.stdin); print(d["tier"], d["ok"], d["summary"]["total"])' 2>&1)
is "json: tier restricted, ok" "$s" "restricted True $total"
out=$("$TASKJAIL" selftest "${R[@]}" --format junit)
s=$(printf '%s' "$out" | $PY -c 'import sys, xml.etree.ElementTree as E
r = E.fromstring(sys.stdin.read()); print(r.find("testsuite").get("name"), len(r.findall("./testsuite/testcase")))' 2>&1)
is "junit: the suite names the tier" "$s" "taskjail selftest: profile minimal, tier restricted $total"

# --tier auto: full where namespaces work; restricted on a host refusing
# them. A taskjail under /tmp (user mode copies it there) is run from
# /.taskjail-selftest by the full tier, which the restricted one cannot
# do: this copy lives elsewhere.
bin=$(mktemp -d /var/tmp/tj-selftest.XXXXXX); cp "$TASKJAIL" "$bin/"; chmod -R a+rX "$bin"
out=$("$bin/taskjail" selftest --tier auto 2>&1); rc=$?
like "auto where namespaces work: tier full" "$out" "# taskjail selftest: profile minimal, tier full"
is "... passes" "$rc" 0
out=$("$NONS" "$bin/taskjail" selftest --tier auto 2>&1); rc=$?
like "auto on a host refusing namespaces: falls back, said on stderr" "$out" "tier auto: running in the restricted tier instead"
like "... the report names the restricted tier" "$out" "# taskjail selftest: profile minimal, tier restricted"
is "... passes" "$rc" 0
[ "$rc" = 0 ] || diag "$(printf '%s\n' "$out" | grep -v '^ok')"
out=$("$NONS" "$bin/taskjail" selftest --tier auto --profile node --net none 2>&1); rc=$?
is "... profile node: passes" "$rc" 0
out=$("$NONS" "$bin/taskjail" selftest 2>&1); rc=$?
is "tier full (default) on that host: 125" "$rc" 125
# Under Docker's default seccomp profile, as check_causes.sh simulates a
# container runtime's default (Kubernetes' RuntimeDefault is the runtime's
# own). Not Podman's: it lets clone make the namespaces and refuses
# sethostname, so run and selftest exit 125 there in every tier.
D=${TJ_FIXTURES:-/var/cache/taskjail-fixtures}
for f in docker-default; do
	if [ ! -r "$D/$f.json" ]; then
		skip "auto under $f.json" "no $D/$f.json: run tests/install-deps.sh as root"
		continue
	fi
	out=$("$TJ_HELPERS/seccomp-exec" --quiet "$D/$f.json" -- "$bin/taskjail" selftest --tier auto --profile node --net none 2>&1); rc=$?
	like "auto under $f.json: the restricted tier" "$out" "# taskjail selftest: profile node, tier restricted"
	is "... passes" "$rc" 0
	[ "$rc" = 0 ] || diag "$(printf '%s\n' "$out" | grep -v '^ok')"
done
# Under /tmp (hidden by the full tier's own /tmp): restricted runs it at its
# own path, full and auto at /.taskjail-selftest, so auto cannot fall back:
# said before it starts.
tbin=$(mktemp -d /tmp/tj-selftest.XXXXXX); cp "$TASKJAIL" "$tbin/"; chmod -R a+rX "$tbin"
for t in full restricted; do
	out=$("$tbin/taskjail" selftest --tier "$t" 2>&1); rc=$?
	is "a taskjail under /tmp, tier $t: passes" "$rc" 0
done
out=$("$NONS" "$tbin/taskjail" selftest --tier auto 2>&1); rc=$?
like "... tier auto on a host refusing namespaces: a warning first" "$out" \
	"selftest: warning: $tbin/taskjail is under /tmp, which the full tier hides.*restricted tier: bind $tbin/taskjail -> /.taskjail-selftest: no mount namespace"
is "... and 125" "$rc" 125
rm -rf "$tbin"
# The executable under a directory the sandbox binds already: both tiers.
for t in full restricted; do
	out=$("$bin/taskjail" selftest --tier "$t" --bind-ro "$bin" 2>&1); rc=$?
	is "tier $t, its directory bound by the profile: passes" "$rc" 0
done
out=$(cd "$TJ_WORK" && "$TASKJAIL" selftest --tier full 2>&1); rc=$?
is "tier full, the build's taskjail ($(dirname "$TASKJAIL")): passes" "$rc" 0
rm -rf "$bin"

# The operators' path checks read, not stat: Landlock does not check
# stat(2), so a host path is visible but must not be readable.
home=$(mktemp -d /var/tmp/tj-home.XXXXXX) && chmod 755 "$home" && mkdir "$home/.n8n" && chmod 755 "$home/.n8n"
name="n8n's data dir not readable"
out=$("$TASKJAIL" run "${R[@]}" -- /usr/bin/stat -c %F "$home/.n8n" 2>&1)
is "restricted: stat of the caller's ~/.n8n works (Landlock does not check it)" "$out" "directory"
out=$(HOME=$home "$TASKJAIL" selftest "${R[@]}")
is "~/.n8n: PASS (not readable)" "$(res "$out" "$name")" ok
out=$(HOME=$home "$TASKJAIL" selftest "${R[@]}" --bind-ro "$home")
is "~/.n8n: FAIL when the caller's home is bound in" "$(res "$out" "$name")" "not ok"
rm -rf "$home"
# /proc is unreadable because no bind names it: a profile that binds it
# (allowed with proc_guard namespace) fails the check.
name="/proc is not readable"
is "/proc: PASS" "$(res "$("$TASKJAIL" selftest "${R[@]}")" "$name")" ok
out=$("$TASKJAIL" selftest "${R[@]}" --proc-guard namespace --bind-ro /proc 2>&1)
is "/proc: FAIL when bound in" "$(res "$out" "$name")" "not ok"

# Bare: the restricted tier's checks must see what an unsandboxed process
# can do. Every attempt undoes itself; nothing is left behind.
priv=$TJ_WORK/priv; mkdir -p "$priv"
out=$(cd "$priv" && TMPDIR=$priv "$TASKJAIL" selftest --inside tier=restricted uid="$(id -u)" gid="$(id -g)" 2>&1); rc=$?
is "bare: the checks fail (exit 1)" "$rc" 1
like "bare: the report says restricted" "$out" "tier restricted"
like "bare: no filter" "$out" "not ok [0-9]+ - a seccomp filter is installed"
like "bare: no no_new_privs" "$out" "not ok [0-9]+ - no_new_privs is set"
like "bare: /proc readable" "$out" "not ok [0-9]+ - /proc is not readable"
like "bare: TCP to 127.0.0.1 not refused by Landlock" "$out" "not ok [0-9]+ - TCP connect to 127.0.0.1:1 refused \\(Landlock\\)"
like "bare: TCP bind works" "$out" "not ok [0-9]+ - TCP bind to an ephemeral port refused \\(Landlock\\): bound"
like "bare: the metadata address not refused by Landlock" "$out" "not ok [0-9]+ - cloud metadata address 169.254.169.254 unreachable: TCP port 80"
like "bare: the host's /tmp writable" "$out" "not ok [0-9]+ - write to the host's /tmp outside the private directory refused: SUCCEEDED"
like "bare: chmod of its own file works" "$out" "not ok [0-9]+ - chmod of its own file refused: SUCCEEDED"
like "bare: inotify works" "$out" "not ok [0-9]+ - inotify refused: SUCCEEDED"
like "bare: sock_diag works" "$out" "not ok [0-9]+ - sock_diag socket refused: SUCCEEDED"
like "bare: it signals its parent" "$out" "not ok [0-9]+ - signal to a process outside the sandbox \\(the supervisor\\) refused: SUCCEEDED"
like "bare: listen on an unbound socket works" "$out" "not ok [0-9]+ - listen on an unbound TCP socket refused \\(restricted layer\\): SUCCEEDED"
like "bare: the private directory is writable" "$out" "ok [0-9]+ - the private directory \\(TMPDIR\\) is writable: $priv"
if is_root; then
	like "bare root: a set-uid file is created" "$out" "not ok [0-9]+ - creating a set-uid file refused: SUCCEEDED"
	out=$(cd "$priv" && TMPDIR=$priv "$TASKJAIL" selftest --inside tier=restricted 2>&1)
	like "bare root: not the host uid 65532" "$out" "not ok [0-9]+ - runs as uid 65532 \\(restricted tier: no user namespace\\): uid 0"
fi
is "bare: nothing left in the private directory" "$(ls -A "$priv")" ""
is "bare: nothing left in /tmp" "$(ls -a /tmp | grep -c taskjail-selftest)" 0
done_testing

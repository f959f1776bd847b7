#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# `taskjail check` on simulated hostile hosts: each refusal has one cause,
# and check reports exactly one finding naming it and its fix, with the
# probes that need the refused one not tried (no cascade of wrong fixes).
# Each host is simulated in a throwaway namespace or under a seccomp filter
# of this process only; `taskjail run` fails there too (the cause is real).
. "$TJ_SRC/tests/lib.sh"
PY=/usr/bin/python3
EXEC=$TJ_HELPERS/seccomp-exec
D=${TJ_FIXTURES:-/var/cache/taskjail-fixtures}

# finding JSON -> "N|check|cause|fix|statuses of the failed checks|tier|abi"
summary() {
	$PY -c '
import json, sys
d = json.load(sys.stdin)
f = d["findings"]
fails = [c["name"] for c in d["checks"] if c["status"] == "fail"]
first = f[0] if f else {"check": "", "cause": "", "fix": ""}
print("%d|%s|%s|%s|%s|%s|%d|%s" % (len(f), first["check"], first["cause"], first["fix"],
      ",".join(fails), d["tier"], d["landlock_abi"], d["ok"]))'
}
want_tier() { [ "$1" -gt 0 ] && echo restricted || echo unavailable; }

out=$("$TASKJAIL" check --json); rc=$?
is "this host: check exits 0" "$rc" 0
s=$(printf '%s' "$out" | summary)
is "this host: no finding, tier full" "$(printf '%s' "$s" | cut -d'|' -f1,6)" "0|full"

# 1. User namespaces exhausted: the limit is 0 in a throwaway user
# namespace (it applies to that namespace and below only).
out=$(unshare -Ur sh -c 'echo 0 > /proc/sys/user/max_user_namespaces && exec "$0" check --json' "$TASKJAIL"); rc=$?
is "userns limit: check exits 1" "$rc" 1
s=$(printf '%s' "$out" | summary)
IFS='|' read -r n chk cause fix fails tier abi okv <<<"$s"
is "userns limit: exactly one finding" "$n" 1
is "... on the user namespace" "$chk" "user namespace"
is "... the only failed check (the rest not tried)" "$fails" "user namespace"
like "... names user.max_user_namespaces = 0" "$cause" "user.max_user_namespaces = 0"
like "... fix: the sysctl" "$fix" "sysctl -w user.max_user_namespaces="
is "... tier: $(want_tier "$abi")" "$tier" "$(want_tier "$abi")"
out=$(unshare -Ur sh -c 'echo 0 > /proc/sys/user/max_user_namespaces && exec "$0" check' "$TASKJAIL" 2>&1)
unlike "... text: no raw 'No space left on device'" "$out" "No space left"
like "... text: skipped probes say why" "$out" "skip +pid namespace +not tried: needs a user namespace"
is "... text: one finding" "$(printf '%s\n' "$out" | grep -c '^finding:')" 1
out=$(unshare -Ur sh -c 'echo 0 > /proc/sys/user/max_user_namespaces && exec "$0" run -- /bin/true' "$TASKJAIL" 2>&1); rc=$?
is "... and run fails there (125)" "$rc" 125

# 2. An outer seccomp filter like Docker's default (what RuntimeDefault is).
if [ ! -r "$D/docker-default.json" ]; then
	skip "outer seccomp filter" "no Docker default profile in $D: run tests/install-deps.sh as root"
else
	out=$("$EXEC" --quiet "$D/docker-default.json" -- "$TASKJAIL" check --json); rc=$?
	is "Docker's seccomp profile: check exits 1" "$rc" 1
	IFS='|' read -r n chk cause fix fails tier abi okv <<<"$(printf '%s' "$out" | summary)"
	is "... exactly one finding" "$n" 1
	is "... on the user namespace" "$chk" "user namespace"
	is "... the only failed check" "$fails" "user namespace"
	like "... names the seccomp filter" "$cause" "seccomp filter around taskjail refuses namespace creation .*Seccomp: 2"
	like "... fix: the seccomp profile deploy/kubernetes/taskjail-pod-seccomp.json" "$fix" "seccomp.*deploy/kubernetes/taskjail-pod-seccomp.json"
	unlike "... no wrong fix (sysctl, kernel config)" "$fix" "sysctl|CONFIG_"
	is "... tier: $(want_tier "$abi")" "$tier" "$(want_tier "$abi")"
	out=$(container=podman "$EXEC" --quiet "$D/docker-default.json" -- "$TASKJAIL" check 2>&1)
	if [ -e /.dockerenv ]; then
		skip "... in a podman container: the podman flag" "this machine is a Docker container (/.dockerenv wins)"
	else
		like "... in a podman container: the podman flag" "$out" "fix: podman run --security-opt seccomp="
	fi
	out=$("$EXEC" --quiet "$D/docker-default.json" -- "$TASKJAIL" run -- /bin/true 2>&1); rc=$?
	is "... and run fails there (125)" "$rc" 125
	# A filter that allows what taskjail needs is no cause: the sentinel
	# tells it from one that refuses.
	# (LeakSanitizer of an ASan build needs ptrace, which the pod profile refuses.)
	out=$(ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0" \
		"$EXEC" --quiet "$TJ_SRC/deploy/kubernetes/taskjail-pod-seccomp.json" -- "$TASKJAIL" check --json); rc=$?
	is "pod seccomp profile: check exits 0" "$rc" 0
	is "... no finding, tier full" "$(printf '%s' "$out" | summary | cut -d'|' -f1,6)" "0|full"
	like "... though a filter is there" "$out" '"seccomp":2'
fi

# 3. Podman's default profile allows the namespaces but refuses sethostname
# (it wants CAP_SYS_ADMIN in the container): run works, keeping the host's
# hostname in the sandbox's own UTS namespace, and says so (it failed with
# 125 "sethostname taskjail: Operation not permitted" before).
if [ ! -r "$D/podman-default.json" ]; then
	skip "Podman's seccomp profile" "no Podman default profile in $D: run tests/install-deps.sh as root"
else
	out=$(ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0" \
		"$EXEC" --quiet "$D/podman-default.json" -- "$TASKJAIL" run -- /bin/hostname 2>"$TJ_WORK/podman.err"); rc=$?
	is "Podman's seccomp profile: run exits 0" "$rc" 0
	is "... the sandbox shows the host's hostname" "$out" "$(hostname)"
	like "... and says why on stderr" "$(cat "$TJ_WORK/podman.err")" "notice: sethostname refused"
	out=$("$TASKJAIL" run -- /bin/hostname 2>&1)
	is "... without it the hostname is taskjail's" "$out" "taskjail"
fi

# 2b. A filter that lets user namespaces through but refuses pid and
# network namespaces: two refused probes, one cause, one finding.
cat > "$TJ_WORK/nsfilter.json" <<'J'
{"defaultAction": "SCMP_ACT_ALLOW",
 "syscalls": [
  {"names": ["clone"], "action": "SCMP_ACT_ERRNO", "errnoRet": 1,
   "args": [{"index": 0, "value": 536870912, "valueTwo": 536870912, "op": "SCMP_CMP_MASKED_EQ"}]},
  {"names": ["clone"], "action": "SCMP_ACT_ERRNO", "errnoRet": 1,
   "args": [{"index": 0, "value": 1073741824, "valueTwo": 1073741824, "op": "SCMP_CMP_MASKED_EQ"}]},
  {"names": ["clone3"], "action": "SCMP_ACT_ERRNO", "errnoRet": 38}]}
J
out=$("$EXEC" --quiet "$TJ_WORK/nsfilter.json" -- "$TASKJAIL" check --json); rc=$?
is "filter refusing pid and net namespaces: check exits 1" "$rc" 1
IFS='|' read -r n chk cause fix fails tier abi okv <<<"$(printf '%s' "$out" | summary)"
is "... exactly one finding" "$n" 1
is "... both refused probes fail" "$fails" "pid namespace,network namespace"
like "... names the seccomp filter" "$cause" "seccomp filter around taskjail refuses namespace creation"
unlike "... no wrong fix (kernel config)" "$fix" "CONFIG_"
like "... the mount probes that need them are not tried" "$out" '"name":"mount a fresh procfs","status":"skip"'
like "... those that do not are" "$out" '"name":"mount a tmpfs","status":"ok"'
out=$("$EXEC" --quiet "$TJ_WORK/nsfilter.json" -- "$TASKJAIL" run -- /bin/true 2>&1); rc=$?
is "... and run fails there (125)" "$rc" 125

# 3. A masked /proc (what a container runtime does to /proc/kcore,
# /proc/keys, ...): a file of /proc over-mounted in a throwaway mount
# namespace; the sandbox's new user namespace sees it locked.
m=""
for f in /proc/keys /proc/timer_list /proc/kcore /proc/sched_debug; do [ -e "$f" ] && { m=$f; break; }; done
if is_root; then wrap=(unshare -m); else wrap=(unshare -Urm); fi
out=$("${wrap[@]}" sh -c 'mount --bind /dev/null "$1" && exec "$0" check --json' "$TASKJAIL" "$m"); rc=$?
is "masked /proc: check exits 1" "$rc" 1
IFS='|' read -r n chk cause fix fails tier abi okv <<<"$(printf '%s' "$out" | summary)"
is "... exactly one finding" "$n" 1
is "... on the procfs mount" "$chk" "mount a fresh procfs"
is "... the only failed check" "$fails" "mount a fresh procfs"
like "... names the masked path and 'mount too revealing'" "$cause" "masked .*$m.*mount too revealing"
like "... fix: an unmasked /proc" "$fix" "procMount: Unmasked|systempaths=unconfined"
out=$("${wrap[@]}" sh -c 'mount --bind /dev/null "$1" && exec "$0" run -- /bin/true' "$TASKJAIL" "$m" 2>&1); rc=$?
is "... and run fails there (125)" "$rc" 125
like "... on the procfs mount" "$out" "proc"
like "... check says proc_guard absent runs the full tier there" "$("${wrap[@]}" sh -c 'mount --bind /dev/null "$1" && exec "$0" check --json' "$TASKJAIL" "$m")" '"full_with_proc_guard_absent":true'
if is_root; then
	out=$("${wrap[@]}" sh -c 'mount --bind /dev/null "$1" && exec "$0" run --proc-guard absent -- /bin/echo ran' "$TASKJAIL" "$m" 2>&1); rc=$?
	is "... and run --proc-guard absent does, in the full tier" "$rc:$out" "0:ran"
else
	# unshare -Ur maps one uid: as root in there taskjail would map 65532, which it lacks
	skip "... and run --proc-guard absent does, in the full tier" "the wrapper's user namespace maps only the caller"
fi

# 4. --profile: the profile's own needs.
out=$("$TASKJAIL" check --profile node --json); rc=$?
if command -v node >/dev/null && [ -x /usr/bin/node -o -x /usr/local/bin/node ]; then
	is "--profile node: exit 0" "$rc" 0
	like "... runtime found" "$out" '"name":"profile: runtime found","status":"ok"'
fi
like "... policy loads" "$out" '"name":"profile: seccomp policy loads","status":"ok"'
printf '{"binds": ["/usr", "/no/such/dir", {"src": "/no/such/opt", "optional": true}], "runtime": "no-such-runtime", "seccomp": "default"}' > "$TJ_WORK/p1.json"
out=$("$TASKJAIL" check --profile "$TJ_WORK/p1.json"); rc=$?
is "--profile with a missing bind and runtime: exit 1" "$rc" 1
like "... the missing bind is a finding" "$out" "finding: profile .*p1.json binds /no/such/dir, which does not exist"
unlike "... an optional one is not" "$out" "/no/such/opt, which"
like "... the runtime is a finding" "$out" "finding: the runtime of profile .* 'no-such-runtime' is not in the sandbox"
printf '{"seccomp": "%s"}' "$TJ_WORK/pol.json" > "$TJ_WORK/p2.json"
printf '{"defaultAction": "SCMP_ACT_FROB"}' > "$TJ_WORK/pol.json"
out=$("$TASKJAIL" check --profile "$TJ_WORK/p2.json" --json); rc=$?
is "--profile with a bad policy: exit 1" "$rc" 1
like "... the policy is a finding" "$out" "\"check\":\"profile: seccomp policy loads\""
out=$("$TASKJAIL" check --profile /no/such.json 2>&1); rc=$?
is "--profile that does not exist: 125" "$rc" 125
like "... says which" "$out" "/no/such.json"
out=$("$TASKJAIL" check --frob 2>&1); rc=$?
is "unknown argument: 125" "$rc" 125
done_testing

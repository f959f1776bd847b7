#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# `taskjail policy check|explain`, and third-party profiles (Docker's and
# Podman's defaults, unchanged) compiling and enforcing.
. "$TJ_SRC/tests/lib.sh"

# Docker's and Podman's profiles, extracted from Debian by tests/install-deps.sh.
D=${TJ_FIXTURES:-/var/cache/taskjail-fixtures}
TRY=$TJ_HELPERS/try-syscall
EXEC=$TJ_HELPERS/seccomp-exec

for p in default node python; do
	out=$("$TASKJAIL" policy check "$p" 2>&1)
	is "policy check $p: exit 0" "$?" "0"
	like "policy check $p: reports the program size" "$out" "$p.json: ok \([0-9]+ BPF instructions\)"
done

if [ ! -r "$D/docker-default.json" ] || [ ! -r "$D/podman-default.json" ]; then
	skip "Docker's and Podman's profiles" "missing in $D: run tests/install-deps.sh as root"
else
for f in docker-default podman-default; do
	out=$("$TASKJAIL" policy check "$D/$f.json" 2>"$TJ_WORK/warn")
	is "policy check $f (unchanged upstream file): exit 0" "$?" "0"
	# Names newer than this libseccomp are skipped with a warning, not fatal.
	if [ -s "$TJ_WORK/warn" ]; then
		like "$f: unknown names are warnings" "$(head -1 "$TJ_WORK/warn")" \
			"warning: policy .*$f.json: syscalls\[[0-9]+\].names\[[0-9]+\]: syscall \"[a-z0-9_]+\" unknown to libseccomp .*skipped"
	fi
	# ... and they enforce (bpf: without a filter EFAULT here).
	is "$f enforces: bpf denied (no CAP_SYS_ADMIN/CAP_BPF)" "$("$EXEC" --quiet "$D/$f.json" -- "$TRY" bpf 0 bad 8)" "EPERM"
	is "$f allows getppid" "$("$EXEC" --quiet "$D/$f.json" -- "$TRY" getppid)" "OK"
done
# Docker's: keyctl is not listed (default EPERM), clone3 answers ENOSYS;
# Podman's allows both, so they are only checked for Docker's.
is "docker profile: keyctl denied" "$("$EXEC" --quiet "$D/docker-default.json" -- "$TRY" keyctl 0 -3 0)" "EPERM"
is "docker profile: clone3 -> ENOSYS" "$("$EXEC" --quiet "$D/docker-default.json" -- "$TRY" clone3 bad 88)" "ENOSYS"
is "podman profile: NETLINK_AUDIT -> EINVAL" "$("$EXEC" --quiet "$D/podman-default.json" -- "$TRY" socket 16 3 9)" "EINVAL"
fi

# Malformed policies: exit 125, message names file, path and reason.
bad() {
	local desc=$1 json=$2 want=$3 out rc
	printf '%s' "$json" >"$TJ_WORK/p.json"
	out=$("$TASKJAIL" policy check "$TJ_WORK/p.json" 2>&1)
	rc=$?
	is "policy check rejects $desc: exit 125" "$rc" "125"
	like "policy check rejects $desc: message" "$out" "^taskjail: policy .*p.json: $want"
}
bad "an unknown op" '{"defaultAction":"SCMP_ACT_ERRNO","syscalls":[{"names":["socket"],"action":"SCMP_ACT_ALLOW","args":[{"index":0,"value":1,"op":"SCMP_CMP_ABOUT"}]}]}' \
	'syscalls\[0\]\.args\[0\]\.op: unknown op "SCMP_CMP_ABOUT"'
bad "index 6" '{"defaultAction":"SCMP_ACT_ERRNO","syscalls":[{"names":["socket"],"action":"SCMP_ACT_ALLOW","args":[{"index":6,"value":1,"op":"SCMP_CMP_EQ"}]}]}' \
	'syscalls\[0\]\.args\[0\]\.index: index 6 out of range'
bad "a bad errno" '{"defaultAction":"SCMP_ACT_ERRNO","defaultErrnoRet":99999}' 'defaultErrnoRet: bad errno 99999'
bad "a wrong type" '{"defaultAction":"SCMP_ACT_ERRNO","syscalls":[{"names":"read","action":"SCMP_ACT_ALLOW"}]}' \
	'syscalls\[0\]\.names: must be an array of strings, not a string'
bad "broken JSON" '{"defaultAction":' 'invalid JSON near line 1'
out=$("$TASKJAIL" policy check /nonexistent/policy.json 2>&1)
is "policy check of a missing file: exit 125" "$?" "125"

# explain: per-syscall actions for this architecture.
ex=$("$TASKJAIL" policy explain node)
is "policy explain: exit 0" "$?" "0"
like "explain: read is allowed, argument-free" "$ex" $'\n''read +0  ALLOW'
like "explain: keyctl denied with EPERM" "$ex" 'keyctl +[0-9]+  ERRNO\(EPERM\)'
like "explain: clone3 answers ENOSYS" "$ex" 'clone3 +[0-9]+  ERRNO\(ENOSYS\)'
like "explain: socket depends on its arguments" "$ex" 'socket +[0-9]+ \* ALLOW if a0 == 0x1 .*ERRNO\(EPERM\) if a0 == 0x10 && a2 == 0x9'
like "explain: unlisted syscalls get the default" "$ex" 'default action ERRNO\(ENOSYS\)'
ex=$("$TASKJAIL" policy explain --profile minimal)
like "explain --profile: the profile's policy" "$ex" 'policies/default.json'
printf '{"seccomp":"none"}' >"$TJ_WORK/nofilter.json"
ex=$("$TASKJAIL" policy explain --profile "$TJ_WORK/nofilter.json")
like "explain --profile with seccomp none says so" "$ex" '"seccomp": "none" -- no filter'
"$TASKJAIL" policy frobnicate x >/dev/null 2>&1
is "unknown policy subcommand: exit 125" "$?" "125"

done_testing

#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# Denial log: with --log-denials every denied syscall becomes one JSON line
# {"event":"deny","syscall":...,"nr":...,"args":[...],"pid":...,"errno":...}
# on the log fd, and the task sees exactly the errno it sees without
# logging. Also: "seccomp":"none" only when asked for, and the start event
# says which policy applies.
. "$TJ_SRC/tests/lib.sh"

TRY=$TJ_HELPERS/try-syscall
H=/taskjail-helpers
run_try() { "$TASKJAIL" run --bind-ro "$TJ_HELPERS:$H" "$@"; }
py=/usr/bin/python3

# 1. The task's view does not change with logging on.
for row in "keyctl 0 -3 0" "clone3 bad 88" "socket 16 3 9" "personality 0x400000" "getppid"; do
	# shellcheck disable=SC2086
	plain=$(run_try --seccomp default -- "$H/try-syscall" $row 2>/dev/null)
	# shellcheck disable=SC2086
	logged=$(run_try --seccomp default --log-denials --log-fd 3 -- "$H/try-syscall" $row 3>/dev/null 2>/dev/null)
	is "same answer with and without --log-denials: $row" "$logged" "$plain"
done

# 2. The JSON lines: one per denied call, fields as documented.
log=$TJ_WORK/deny.log
out=$(run_try --seccomp default --log-denials --log-fd 3 -- "$H/try-syscall" keyctl 0 -3 0 3>"$log" 2>&1)
is "keyctl answered EPERM" "$out" "EPERM"
deny=$(grep '"event":"deny"' "$log")
is "exactly one deny line" "$(printf '%s\n' "$deny" | grep -c .)" "1"
like "deny line names the syscall, number and errno" "$deny" \
	'"event":"deny","syscall":"keyctl","nr":250,"arch":[0-9]+,"args":\[0,18446744073709551613,0,[0-9]+,[0-9]+,[0-9]+\],"pid":[0-9]+,"errno":1,"by":"seccomp"\}$'
if [ -x "$py" ]; then
	valid=$("$py" -c 'import json,sys
ok = all(json.loads(l) for l in open(sys.argv[1]) if l.strip())
d = [json.loads(l) for l in open(sys.argv[1]) if "deny" in l][0]
print(ok and d["syscall"] == "keyctl" and d["errno"] == 1 and len(d["args"]) == 6 and d["pid"] > 0)' "$log" 2>&1)
	is "every log line is JSON" "$valid" "True"
else
	skip "every log line is JSON" "no $py"
fi

# 3. Several denials, including the default action (ENOSYS) and an
#    argument-dependent rule, each logged with its own errno.
log2=$TJ_WORK/deny2.log
run_try --seccomp default --log-denials --log-fd 3 -- /bin/sh -c \
	"$H/try-syscall clone3 bad 88; $H/try-syscall socket 16 3 9; $H/try-syscall socket 2 1 0; $H/try-syscall mount bad bad bad 0 0" \
	3>"$log2" >/dev/null 2>&1
like "clone3 logged with ENOSYS" "$(grep '"syscall":"clone3"' "$log2")" '"errno":38'
like "socket(AF_NETLINK, NETLINK_AUDIT) logged with EPERM" "$(grep '"syscall":"socket"' "$log2")" '"args":\[16,3,9,'
unlike "socket(AF_INET) (allowed) not logged" "$(grep '"syscall":"socket"' "$log2")" '"args":\[2,'
like "mount logged" "$(grep -c '"syscall":"mount"' "$log2")" '^1$'

# 3b. With the strict /proc guard the policy's denials share procguard's
#     listener (one per task) and are logged the same way; here the profile
#     asks for the log ("log_denials": true), not the command line.
printf '{"binds":["/usr","/bin","/lib",{"src":"/lib64","optional":true}],"proc_guard":"strict","seccomp":"node","log_denials":true}' >"$TJ_WORK/strict.json"
log5=$TJ_WORK/deny5.log
out=$("$TASKJAIL" run --profile "$TJ_WORK/strict.json" --log-fd 3 --bind-ro "$TJ_HELPERS:$H" -- "$H/try-syscall" keyctl 0 -3 0 3>"$log5" 2>&1)
is "strict guard + profile log_denials: keyctl answered EPERM" "$out" "EPERM"
like "strict guard: same deny line through the shared listener" "$(grep '"event":"deny"' "$log5")" \
	'"event":"deny","syscall":"keyctl","nr":250,"arch":[0-9]+,"args":\[0,18446744073709551613,0,[0-9]+,[0-9]+,[0-9]+\],"pid":[0-9]+,"errno":1'
out=$("$TASKJAIL" run --profile "$TJ_WORK/strict.json" --bind-ro "$TJ_HELPERS:$H" -- /bin/sh -c "$H/try-syscall getppid; cat /proc/self/status >/dev/null && echo read" 2>&1)
is "strict guard + policy: allowed calls and guarded opens still work" "$out" "OK
read"

# 4. Without --log-denials: no deny lines, and no listener.
log3=$TJ_WORK/deny3.log
run_try --seccomp default --log-fd 3 -- "$H/try-syscall" keyctl 0 -3 0 3>"$log3" >/dev/null 2>&1
is "no deny lines without --log-denials" "$(grep -c '"event":"deny"' "$log3")" "0"

# 5. The start event names the policy; "none" only when asked for.
log4=$TJ_WORK/start.log
"$TASKJAIL" run --log-fd 3 -- /bin/true 3>"$log4"
like "default policy when the profile names none" "$(grep '"event":"start"' "$log4")" '"seccomp":"default"'
"$TASKJAIL" run --seccomp none --log-fd 3 -- /bin/true 3>"$log4"
like "--seccomp none is logged as such" "$(grep '"event":"start"' "$log4")" '"seccomp":"none"'
out=$(run_try --seccomp none -- "$H/try-syscall" keyctl 0 -3 0 2>&1)
is "--seccomp none really has no filter (and warns, as --net host)" "$out" \
	"taskjail: warning: seccomp none: the task runs without a system call filter
OK"

# 6. The /proc guard's own refusals (mount, unshare, io_uring, ...) are
#    logged too with --log-denials, with their own errno, and not without.
g="$TJ_WORK/guard-log.log"
out=$("$TASKJAIL" run --profile "$TJ_WORK/strict.json" --log-fd 3 --bind-ro "$TJ_HELPERS:$H" -- \
	/bin/sh -c "$H/try-syscall unshare 131072; $H/try-syscall io_uring_setup 1 0" 3>"$g" 2>&1)
is "strict guard: unshare(CLONE_NEWNS) EPERM, io_uring ENOSYS" "$out" "EPERM
ENOSYS"
like "strict guard: the guard's unshare denial is logged" "$(grep '"syscall":"unshare"' "$g")" \
	'"event":"deny","syscall":"unshare","nr":[0-9]+,.*"errno":1,"by":"seccomp"'
like "strict guard: the guard's io_uring denial is logged with ENOSYS" "$(grep '"syscall":"io_uring_setup"' "$g")" '"errno":38'
printf '{"binds":["/usr","/bin","/lib",{"src":"/lib64","optional":true}],"proc_guard":"strict","seccomp":"node"}' >"$TJ_WORK/strict-nolog.json"
"$TASKJAIL" run --profile "$TJ_WORK/strict-nolog.json" --log-fd 3 --bind-ro "$TJ_HELPERS:$H" -- \
	"$H/try-syscall" unshare 131072 3>"$g" >/dev/null 2>&1
is "strict guard without log_denials: no deny line" "$(grep -c '"event":"deny"' "$g")" 0

# 7. A bad policy fails before anything runs, exit 125, naming the file.
printf '{"defaultAction":"SCMP_ACT_ERRNO","syscalls":[{"names":["read"],"action":"SCMP_ACT_NOPE"}]}' >"$TJ_WORK/bad.json"
out=$("$TASKJAIL" run --seccomp "$TJ_WORK/bad.json" -- /bin/echo ran 2>&1)
rc=$?
is "bad policy: exit 125" "$rc" "125"
like "bad policy: message names file, path, reason" "$out" "bad.json: syscalls\[0\].action: unknown action \"SCMP_ACT_NOPE\""
unlike "bad policy: command did not run" "$out" "^ran"

done_testing

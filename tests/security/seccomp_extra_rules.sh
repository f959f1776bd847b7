#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# Extra rules from other modules (procguard's open-family NOTIFY and its
# denies) share the policy's one filter and win over the policy's rules
# for the same syscall. seccomp-exec --extra adds such a rule the way
# procguard_add_rules does.
. "$TJ_SRC/tests/lib.sh"

T=$TJ_HELPERS/try-syscall
E=$TJ_HELPERS/seccomp-exec
P=$TJ_SRC/policies/node.json

is "baseline: node.json allows getppid" "$("$E" --quiet "$P" -- "$T" getppid)" "OK"
is "an extra deny wins over the policy's allow" "$("$E" --quiet --extra getppid=13 "$P" -- "$T" getppid)" "EACCES"
is "an extra deny wins over the policy's deny" "$("$E" --quiet --extra keyctl=38 "$P" -- "$T" keyctl 0 -3 0)" "ENOSYS"
is "conditional extra rule applies" "$("$E" --quiet --extra socket=13@a0==2 "$P" -- "$T" socket 2 1 0)" "EACCES"
# the policy's socket rules for that syscall are dropped (contract): the
# call no extra rule matches gets the policy's default
is "policy rules for a taken syscall are dropped" "$("$E" --quiet --extra socket=13@a0==2 "$P" -- "$T" socket 1 1 0)" "ENOSYS"
is "other syscalls keep the policy's answer" "$("$E" --quiet --extra getppid=13 "$P" -- "$T" keyctl 0 -3 0)" "EPERM"
# with --log-denials, the policy's denials are logged, the extra rule's own
# answer stays in the kernel
log=$("$E" --quiet --log-denials --log-fd 3 --extra getppid=13 "$P" -- /bin/sh -c "$T getppid; $T keyctl 0 -3 0" 3>&1 >/dev/null)
like "policy denial logged next to extra rules" "$log" '"syscall":"keyctl"'
unlike "extra rule's errno not logged as a policy denial" "$log" '"syscall":"getppid"'
# An extra NOTIFY rule makes the filter need a listener even without logging
out=$("$E" --quiet --extra getppid=notify "$P" -- "$T" getppid)
like "extra notify rule reaches the listener" "$out" "^E"
done_testing

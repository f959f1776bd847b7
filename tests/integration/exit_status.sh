#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# taskjail exits with the runner's status; 125/126/127 for its own errors.
. "$TJ_SRC/tests/lib.sh"

tj -- /bin/sh -c 'exit 0'; is "exit 0" "$?" 0
tj -- /bin/sh -c 'exit 3'; is "exit 3" "$?" 3
tj -- /bin/sh -c 'exit 255'; is "exit 255" "$?" 255
tj -- /bin/sh -c 'kill -KILL $$'; is "killed by SIGKILL -> 137" "$?" 137
tj -- /bin/sh -c 'kill -SEGV $$'; is "killed by SIGSEGV -> 139" "$?" 139
out=$(tj -- /no/such/cmd 2>&1); rc=$?
is "command not found -> 127" "$rc" 127
like "... with a message" "$out" "^taskjail: exec /no/such/cmd: No such file or directory"
out=$(tj -- no-such-cmd-in-path 2>&1); is "not found in PATH -> 127" "$?" 127
out=$(tj -- /etc/passwd 2>&1); rc=$?
is "not executable -> 126" "$rc" 126
like "... with a message" "$out" "exec /etc/passwd: Permission denied"
tj -- /usr 2>/dev/null; is "a directory -> 126" "$?" 126
out=$(tj -- sh -c 'echo found') ; is "PATH lookup inside the sandbox" "$out" found

done_testing

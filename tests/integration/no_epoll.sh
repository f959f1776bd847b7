#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# The supervisor's event loop uses poll(2), not epoll: epoll watches count
# against fs.epoll.max_user_watches, a limit per host uid, and a user
# caller's supervisor has its tasks' uid. A task holding (nearly) all of
# that uid's watches -- millions, a gigabyte of kernel memory -- made the
# caller's next launches fail with 125 ("event loop: No space left on
# device"; red-team finding). Too heavy to reproduce here; checked instead:
# a launch, relay and guard included, makes no epoll watch outside the
# sandbox (the supervisor's, init's and the guard's syscalls under strace).
. "$TJ_SRC/tests/lib.sh"
command -v strace >/dev/null || { skip "no epoll" "no strace"; done_testing; }
. "$TJ_SRC/tests/integration/n8n/net.sh"
BP=$(free_port); start_peer serve-http 127.0.0.1 "$BP" || not_ok "broker stand-in"
# LeakSanitizer (the ASan build) cannot run under ptrace: no leak check here.
export ASAN_OPTIONS=${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0
for args in "" "--profile node" "--profile python --proc-guard self"; do
	strace -f -qq -e trace=epoll_create,epoll_create1,epoll_ctl -o "$TJ_WORK/st" \
		"$TASKJAIL" run $args --setenv "N8N_RUNNERS_TASK_BROKER_URI=http://127.0.0.1:$BP" -- /bin/true
	rc=$?
	is "${args:-minimal}: runs" "$rc" 0
	is "${args:-minimal}: no epoll call by taskjail's processes" "$(grep -c epoll "$TJ_WORK/st")" 0
done
done_testing

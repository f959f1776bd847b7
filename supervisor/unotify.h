/* SPDX-License-Identifier: Apache-2.0 */
/* The seccomp user-notification listener of one sandbox: a dedicated thread
 * that answers every notification of the task's filter. Open-family calls go
 * to procguard (the /proc guard); any other notification is a logged denial
 * of the seccomp policy and gets the policy's errno. */
#pragma once
#include <sys/types.h>

#include "error.h"

struct tj_seccomp;
struct tj_unotify;

/* Takes ownership of listener_fd. init_pid is the sandbox's pid 1 as the
 * supervisor sees it (informational: the sandbox's root and /proc are taken
 * from the first task that raises a notification, see procguard_bind()). s may be NULL (no policy: non-open notifications are
 * answered EPERM). log_fd < 0: no deny events. Starts the listener thread. */
int unotify_start(int listener_fd, pid_t init_pid, const struct tj_seccomp *s,
		  int log_fd, struct tj_unotify **out, struct tj_error *err);

/* Stops the thread (if still running), closes the listener, frees. After
 * the listener is closed any task still in the sandbox gets ENOSYS from an
 * intercepted call: nothing ever succeeds unchecked. */
void unotify_stop(struct tj_unotify *u);

struct procguard_stats;
void unotify_get_stats(const struct tj_unotify *u, struct procguard_stats *st);

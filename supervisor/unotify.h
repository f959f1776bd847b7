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

/* Starts the listener thread. Takes ownership of listener_fd, which may be
 * -1: start the thread while the sandbox sets itself up (a thread start is
 * ~0.5-0.8 ms here, which the runner's first open would otherwise wait for)
 * and hand the listener over with unotify_attach(). init_pid is the
 * sandbox's pid 1 as the supervisor sees it (informational: the sandbox's
 * root and /proc are taken from the first task that raises a notification,
 * see procguard_bind()). s may be NULL (no policy: non-open notifications
 * are answered EPERM). log_fd < 0: no deny events. */
int unotify_start(int listener_fd, pid_t init_pid, const struct tj_seccomp *s,
		  int log_fd, struct tj_unotify **out, struct tj_error *err);

/* Gives the thread its listener (once). Takes ownership of listener_fd.
 * Returns 0 or -errno. */
int unotify_attach(struct tj_unotify *u, int listener_fd);

/* Stops the thread (if still running), closes the listener, frees. After
 * the listener is closed any task still in the sandbox gets ENOSYS from an
 * intercepted call: nothing ever succeeds unchecked. */
void unotify_stop(struct tj_unotify *u);

/* Stops the thread and reads the guard's counters (st may be NULL). */
struct procguard_stats;
void unotify_join(struct tj_unotify *u, struct procguard_stats *st);

/* SPDX-License-Identifier: Apache-2.0 */
/* The notifier: the sandbox process that owns the seccomp listener and
 * answers every notification (the /proc guard's opens, logged denials).
 *
 * init forks it after the sandbox is built (new root, /proc, lo up) and
 * before the runner, so it is inside every namespace of the sandbox. It
 * starts a new session (no controlling terminal), keeps the sandbox's
 * uid/gids/groups, drops every capability but CAP_SYS_PTRACE of the
 * sandbox's user namespace (permitted only, raised for one read of a
 * task's memory where Yama or a non-dumpable task needs it), is
 * non-dumpable (the task can neither ptrace it nor open its /proc files),
 * blocks every signal it can, and is outside the filter. If it dies, init
 * ends the sandbox: the task's opens would otherwise fail with ENOSYS.
 *
 * The listener reaches it without SCM_RIGHTS (a sender's host uid with more
 * fds in flight than its nofile limit makes that fail with ETOOMANYREFS,
 * and any process of that uid, another sandbox's task too, can keep fds in
 * flight): init, the guard and the runner share one fd table
 * (CLONE_FILES) until the guard and the runner (at execve) take copies of
 * their own. The runner installs the filter, leaves the listener's number
 * in the shared page and writes a byte to go_w; the guard reads it, takes
 * its copy of the table (unshare) and closes all but the listener and the
 * events socket. */
#pragma once
#include <stdbool.h>

struct tj_seccomp;
struct procguard_stats;

/* In a page init, the guard and the runner share (MAP_SHARED). */
struct guard_handoff {
	int listener; /* the listener's fd in the shared table, -1 before */
	int go_w;     /* the runner writes one byte here once listener is set */
};

struct guard_plan {
	struct guard_handoff *handoff;
	int go_r;                     /* the guard waits for the byte here */
	int events_fd;                /* deny lines to the supervisor, or -1 */
	const struct tj_seccomp *sec; /* the compiled policy (lookups only) */
	bool strict;                  /* proc_guard "strict" */
	struct procguard_stats *stats; /* shared with init (MAP_SHARED) */
};

__attribute__((noreturn)) void guard_main(const struct guard_plan *p);

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
 * blocks every signal it can, and is outside the filter. The runner sends
 * it the listener right after installing the filter. If it dies, init
 * ends the sandbox: the task's opens would otherwise fail with ENOSYS. */
#pragma once
#include <stdbool.h>

struct tj_seccomp;
struct procguard_stats;

struct guard_plan {
	int listener_sock;            /* the runner sends the listener here */
	int events_fd;                /* deny lines to the supervisor, or -1 */
	const struct tj_seccomp *sec; /* the compiled policy (lookups only) */
	bool strict;                  /* proc_guard "strict" */
	struct procguard_stats *stats; /* shared with init (MAP_SHARED) */
};

__attribute__((noreturn)) void guard_main(const struct guard_plan *p);

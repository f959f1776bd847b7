/* SPDX-License-Identifier: Apache-2.0 */
/* The runner: the process init forks to become the task. Its last steps
 * before execve, in order, each in the module that owns it. */
#pragma once
#include "init.h"
#include "guard.h"
#include "procself.h"

/* handoff: where the seccomp listener goes to the guard (guard.h), or
 * NULL without one; self: what init gives the runner under proc_guard self
 * (procself.h), or NULL. Never returns: execve, or the error to the
 * supervisor. */
__attribute__((noreturn)) void runner_main(const struct init_plan *p, struct guard_handoff *handoff,
					  struct procself_share *self);

/* The restricted tier (restricted.h): forked by the supervisor itself, no
 * namespaces, no init, no guard. Waits for GO, then the steps above with
 * the private directory as cwd, a root caller's switch to the host ids,
 * and Landlock before the filters. */
__attribute__((noreturn)) void runner_restricted_main(const struct init_plan *p);

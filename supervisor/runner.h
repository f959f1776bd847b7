/* SPDX-License-Identifier: Apache-2.0 */
/* The runner: the process init forks to become the task. Its last steps
 * before execve, in order, each in the module that owns it. */
#pragma once
#include "init.h"

/* listener_sock: where the seccomp listener goes to the guard, or -1
 * without one. Never returns: execve, or the error to the supervisor. */
__attribute__((noreturn)) void runner_main(const struct init_plan *p, int listener_sock);

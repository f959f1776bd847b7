/* SPDX-License-Identifier: Apache-2.0 */
#pragma once
#include <stdbool.h>

#include "error.h"

/* caps_lock_bounding: securebits locked (no root magic, no setuid fixup,
 * no ambient raise) and the bounding set emptied;
 * inherited by every child, so init does it once for the guard and the
 * runner; needs CAP_SETPCAP. caps_keep_only: ambient cleared, permitted =
 * `keep` only (-1: none), effective and inheritable empty; per process,
 * needs no capability. The /proc guard keeps CAP_SYS_PTRACE of the
 * sandbox's user namespace (permitted, not effective) to read a task's
 * memory where Yama or a non-dumpable task would refuse it, and raises it
 * only for that. */
int caps_lock_bounding(struct tj_error *err);
int caps_keep_only(int keep, struct tj_error *err);

/* Both, for a process that does it all itself (the restricted tier's
 * runner, which has no init). */
int caps_drop_all(struct tj_error *err);

/* Raises (on) or lowers a permitted capability in the effective set.
 * Returns 0 or -errno. */
int caps_raise(int cap, bool on);

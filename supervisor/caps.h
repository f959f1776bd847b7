/* SPDX-License-Identifier: Apache-2.0 */
#pragma once
#include <stdbool.h>

#include "error.h"

/* Runner side: locks securebits (no root magic, no setuid fixup, no
 * ambient raise), drops every capability from the bounding set, clears
 * ambient, then empties effective, permitted and inheritable. */
int caps_drop_all(struct tj_error *err);

/* The same, but capability `keep` (>= 0) stays in the bounding and
 * permitted sets (not effective): the /proc guard keeps CAP_SYS_PTRACE of
 * the sandbox's user namespace to read a task's memory where Yama or a
 * non-dumpable task would refuse it, and raises it only for that. */
int caps_limit(int keep, struct tj_error *err);

/* The two halves of caps_limit. caps_lock_bounding: securebits locked and
 * the bounding set emptied but `keep` (-1: none), inherited by every
 * child (init does it once for the guard and the runner). caps_keep_only:
 * ambient cleared, permitted = `keep` only, effective and inheritable
 * empty; per process. */
int caps_lock_bounding(int keep, struct tj_error *err);
int caps_keep_only(int keep, struct tj_error *err);

/* Raises (on) or lowers a permitted capability in the effective set.
 * Returns 0 or -errno. */
int caps_raise(int cap, bool on);

/* Clears ambient, effective, permitted and inheritable: what a process
 * without CAP_SETPCAP can do (securebits and the bounding set need it). */
int caps_clear(struct tj_error *err);

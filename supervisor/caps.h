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

/* Raises (on) or lowers a permitted capability in the effective set.
 * Returns 0 or -errno. */
int caps_raise(int cap, bool on);

/* Clears ambient, effective, permitted and inheritable: what a process
 * without CAP_SETPCAP can do (securebits and the bounding set need it). */
int caps_clear(struct tj_error *err);

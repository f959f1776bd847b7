/* SPDX-License-Identifier: Apache-2.0 */
/* The seccomp user-notification dispatcher of one sandbox. It runs inside
 * the sandbox, in the notifier process (guard.c), and owns the listener:
 * open-family calls go to procguard (the /proc guard, proc_guard "strict"),
 * any other notification is a logged denial of the seccomp policy and gets
 * the policy's errno. Deny lines go to the supervisor over events_fd. */
#pragma once
#include <stdbool.h>

#include "error.h"

struct tj_seccomp;
struct procguard_stats;
struct procguard;

struct unotify_plan {
	int listener;                /* owned: closed on return */
	const struct tj_seccomp *sec; /* the policy (lookups only); may be NULL */
	struct procguard *pg;        /* proc_guard "strict": the /proc guard's state, made and
					bound by the caller (owned: freed on return), which
					serves the open family; NULL: no guard */
	int events_fd;               /* SOCK_SEQPACKET to the supervisor, -1: no log */
	struct procguard_stats *stats; /* updated after every notification; may be NULL */
};

/* Answers notifications until every task under the filter is gone
 * (POLLHUP). Returns 0, or -errno when the listener failed (the caller
 * must then end the sandbox: nobody would answer any more). */
int unotify_serve(const struct unotify_plan *p, struct tj_error *err);

/* A deny line's JSON members are at most this long (the path is cut to
 * fit, with "path_truncated":true). */
#define UNOTIFY_EVENT_MAX 3584

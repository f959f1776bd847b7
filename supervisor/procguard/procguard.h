/* SPDX-License-Identifier: Apache-2.0 */
/* procguard: the /proc guard of DESIGN §3, layer 3.
 *
 * The open family (open, openat, openat2, creat) of every task in the sandbox
 * is turned into a seccomp user notification. The guard, a process inside
 * every namespace of the sandbox with the task's uid, gids and groups, no
 * terminal and no capability outside the sandbox (guard.c), then performs
 * the open itself, in the task's root / cwd / dirfd context, decides on the
 * object it actually opened (never on a string it could be tricked about),
 * and either injects the fd into the task (SECCOMP_IOCTL_NOTIF_ADDFD with
 * SECCOMP_ADDFD_FLAG_SEND) or answers an errno. environ, mounts, mountinfo,
 * mountstats and mem of every pid, the task's own included, are denied with
 * EACCES whatever path leads to them. */
#pragma once
#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>
#include <linux/seccomp.h>

#include "error.h"

/* Adds the guard's rules to a libseccomp filter (ctx is a scmp_filter_ctx):
 * NOTIFY on the open family, and plain errno denials for every syscall that
 * would let the task get around the guard (io_uring, the mount API, new
 * mount/user/pid namespaces, open_by_handle_at, statmount/listmount, ptrace,
 * process_vm_*, pidfd_getfd, perf_event_open, seccomp, prctl(PR_SET_SECCOMP)).
 * Matches the seccomp module's extra_rules hook. Returns 0 or -errno. */
int procguard_add_rules(void *ctx, void *data, struct tj_error *err);
/* Names the rules procguard_add_rules() adds: part of the compiled-filter
 * cache key. Change it whenever those rules change. */
#define PROCGUARD_RULES_ID "procguard-rules-5"

/* The errno procguard_add_rules() answers for this call (ENOSYS, EPERM), or
 * 0 when its rules do not deny it. With log_denials (data points to a true
 * bool) those denials are notifications, answered with this errno and
 * logged like the policy's. */
int procguard_rule_errno(const struct seccomp_data *d);

/* True for the syscalls procguard_add_rules() turns into notifications. */
bool procguard_is_open_call(const struct seccomp_data *d);

struct procguard;

/* Per-sandbox state, in two steps: procguard_new allocates (and writes) it
 * and opens nothing, so the guard can do it before its fd table is its own
 * (guard.h); procguard_bind then binds it to the caller's own root and its
 * /proc: call both in the guard process, inside the sandbox. */
int procguard_new(struct procguard **out, struct tj_error *err);
int procguard_bind(struct procguard *pg, struct tj_error *err);
void procguard_free(struct procguard *pg);

/* What procguard_handle() did, for the deny log. */
struct procguard_result {
	int err;            /* 0: fd injected; else the positive errno answered */
	bool denied;        /* err is a guard decision (not the file system's) */
	bool task_gone;     /* the notification was stale: nothing answered */
	pid_t nspid;        /* denied: the requester's tid in the sandbox */
	char path[4096];    /* the path the task passed (truncated), "" if unread */
};

/* Handles one open-family notification on listener: answers it (ADDFD+SEND
 * or an error response) unless the task went away. Never blocks on the task's behalf except
 * for a FIFO open, which it hands to a short-lived worker thread. */
void procguard_handle(struct procguard *pg, int listener,
		      const struct seccomp_notif *req,
		      struct procguard_result *res);

/* FIFO workers still waiting for the other end, and releasing those whose
 * request is gone (the caller polls with a timeout while any are waiting). */
int procguard_pending_workers(struct procguard *pg);
void procguard_release_stale(struct procguard *pg, int listener);

/* Counters, for the benchmark and the tests. */
struct procguard_stats {
	uint64_t handled, fast, slow, denied, stale;
	uint64_t log_dropped;    /* deny lines the supervisor did not take in time */
	uint64_t log_suppressed; /* deny lines over the rate limit (unotify.c) */
};
void procguard_get_stats(const struct procguard *pg, struct procguard_stats *st);

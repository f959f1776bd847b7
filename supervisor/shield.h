/* SPDX-License-Identifier: Apache-2.0 */
/* The shield: a small seccomp filter the runner installs before the policy's,
 * guarding the sandbox's own processes from the task (which has their uid):
 *   - prlimit64 only on the caller itself (pid 0): the task cannot lower
 *     init's or the guard's limits (nofile 0 would break the relay and
 *     every open);
 *   - with a guard (SHIELD_GUARD): kill, tkill, tgkill, rt_sigqueueinfo,
 *     rt_tgsigqueueinfo and pidfd_open aimed at the guard's pid, its
 *     process group or every process (-1) are refused, so the task can
 *     neither stop nor kill the process that answers its opens.
 * Pids are compared on their low 32 bits (the kernel reads a pid_t): a pid
 * with garbage in the high half cannot slip past. Filters stack and the most
 * restrictive answer wins, so this never allows what the policy refuses
 * and costs nothing for other syscalls (constant actions are cached by the
 * kernel). Anything but the native architecture is left to the policy's
 * filter, which kills it. */
#pragma once
#include <linux/filter.h>
#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "error.h"

/* The guard is the first process init forks: always this pid. */
#define SHIELD_GUARD_PID 2

#define SHIELD_MAX 160

/* shield_build's flags */
#define SHIELD_GUARD 1u      /* the guard is pid 2 (proc_guard strict, log_denials) */
#define SHIELD_ABSENT 2u     /* proc_guard absent */
#define SHIELD_NO_SIGUSR1 4u /* the runtime is node: no SIGUSR1 to any process */

/* Builds the program into prog (SHIELD_MAX entries); returns its length.
 * SHIELD_GUARD: signals, pidfd_open and file-owner settings aimed at the
 * guard refused, pidfd_send_signal refused outright (its target is an fd); prctl(PR_SET_SECCOMP) refused on its low 32 bits (the
 * kernel reads an int: the policy's 64-bit compare would pass 1<<32|22).
 * SHIELD_ABSENT: statmount and listmount answer ENOSYS; ptrace,
 * process_vm_readv/writev, pidfd_getfd, perf_event_open and
 * open_by_handle_at EPERM; installed then even without a policy.
 * SHIELD_NO_SIGUSR1: kill, tkill, tgkill, rt_(tg)sigqueueinfo and
 * pidfd_send_signal with SIGUSR1 (low 32 bits) refused: node opens its
 * inspector, a debugger that evaluates code in the runner, on SIGUSR1. */
size_t shield_build(unsigned flags, struct sock_filter *prog);

/* Installs it (needs no_new_privs). Returns 0 or -errno. */
int shield_install(unsigned flags);

/* The restricted tier's layer (README, "The restricted tier"), installed by
 * its runner in every case (seccomp none included), refusing with EPERM
 * what Landlock does not check and what reaches the host's processes of
 * the uid (there are no namespaces):
 *   - chmod, chown, utime and xattr-changing calls, all variants; inotify,
 *     fanotify; io_uring; statmount, listmount (the host's mount table);
 *     ptrace, process_vm_readv/writev, pidfd_getfd, perf_event_open;
 *   - creating a file or directory with S_ISUID/S_ISGID in its mode (open,
 *     openat, creat, mkdir, mkdirat, mknod, mknodat); openat2 answers
 *     ENOSYS (its mode is in memory), libc falls back to openat;
 *   - socket(): AF_UNIX; AF_INET/AF_INET6 stream or datagram with protocol
 *     0, TCP or UDP (Landlock checks TCP only: MPTCP, SCTP pass its rules);
 *     AF_NETLINK route only; nothing else;
 *   - listen, unless allow_listen (an unbound socket is auto-bound by
 *     listen without Landlock's bind check);
 *   - prlimit64, sched_setaffinity, sched_setscheduler, sched_setparam,
 *     sched_setattr, migrate_pages, move_pages: pid 0 only; setpriority
 *     and ioprio_set: who 0 and not the whole uid. */
#define SHIELD_RESTRICTED_MAX 200

size_t shield_restricted_build(bool allow_listen, struct sock_filter *prog);
int shield_restricted_install(bool allow_listen);

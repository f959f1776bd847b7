/* SPDX-License-Identifier: Apache-2.0 */
/* The freestanding pid 1 (pid1.c) and how init hands over to it.
 *
 * init builds the sandbox in the supervisor's own memory (clone with
 * CLONE_VM, sandbox.c), starts the guard (a fork) and the runner (sharing
 * that memory too), then execs pid1.c's program from a sealed memfd the
 * supervisor made before clone, mode 0111: the exec is of a file its
 * caller cannot read, with no capabilities left (init drops them first),
 * so the kernel makes pid 1 non-dumpable from its first instruction (and
 * for a root caller the memfd is host root's, not mapped in the sandbox:
 * pid 1's memory belongs to the host's user namespace). The supervisor
 * waits, running nothing of glibc, until init and the runner have both
 * left its memory (the kernel clears their clear_child_tid words at
 * execve or exit); the runner execs the task only once pid 1 runs (its
 * byte, below), so no task code runs while pid 1 still shows the
 * supervisor's memory.
 *
 * Used only where the supervisor has nothing to do while init builds (its
 * event loop and the log's start line are set up before GO): no relay
 * (its listeners need the supervisor's socket maker during the build), no
 * guard (no seccomp listener: pid 1 would relay its counters and watch it),
 * no proc_guard self (init keeps /proc fds for the runner's Landlock
 * domain), and not with fs.suid_dumpable = 1 (the exec would leave pid 1
 * dumpable until its first instruction), nor where memfd_create or
 * execveat is refused (under a seccomp filter -- a container's -- the
 * supervisor asks in a CLONE_VFORK child, as a filter may kill for them).
 * Otherwise init is a fork of the supervisor for the whole run, as
 * before. The runner goes on to the task only once pid 1 runs: pid 1's
 * first act, after making itself non-dumpable, is a byte on a pipe the
 * runner waits on. Should the hand-over fail anyway (a security module, a
 * filter that lies to the probe or kills init's exec), no byte comes and
 * no task runs; init ends without a word and the supervisor starts the
 * launch over with init a fork (tests/integration/pid1_fallback.sh).
 *
 * Parameters, in pid 1's environment (its /proc/1/environ is not readable
 * in the sandbox): PID1_ENV=SYNC,SIGNALFD,RUNNER,READY -- the sync socket,
 * the signalfd of the forwarded signals and SIGCHLD (blocked, as the exec
 * keeps them), the runner's pid, the pipe end for the runner's byte. */
#pragma once
#include <stddef.h>

#define PID1_ENV "TASKJAIL_PID1"
#define PID1_EXIT_SETUP 125

/* The program's ELF image, generated at build time (pid1_blob.c); absent
 * (TJ_PID1 undefined) where it cannot be built: sanitizer builds, other
 * architectures. Then init is a fork of the supervisor, as before. */
extern const unsigned char tj_pid1_elf[];
extern const size_t tj_pid1_elf_len;

/* SPDX-License-Identifier: Apache-2.0 */
/* proc_guard "self" (docs/procguard.md): the sandbox keeps namespace mode's
 * procfs, and the runner, before its seccomp filters, enters a
 * Landlock domain in which the task may open
 *   - everything beneath each entry of its root but /proc (the mounts
 *     decide there, as without the domain), and list any directory;
 *   - in /proc, a list of system-wide files runtimes read (meminfo,
 *     cpuinfo, stat, sys/, ...: procguard_self_allowed), read only;
 *   - of /proc/<pid>, only the runner's own pid directory's entries that
 *     strict lets a process open of another pid (stat, status, statm,
 *     cmdline, comm, cgroup, limits, ...) and net/: a rule names inodes,
 *     not who opens, so every process of the sandbox can open these; never
 *     environ, mounts, mountinfo, mountstats, mem, task/, fd/, maps, ...
 * Nothing else in any procfs opens (EACCES): no other pid's files, not even
 * those of the runner's children, whose /proc/self is their own pid. Landlock
 * decides each open in the kernel on the file reached (a magic link's
 * target), so no open raises a notification: an open costs what it costs
 * in namespace mode (the launch costs more: docs/procguard.md).
 * ABI >= 6: abstract unix sockets are scoped to the domain too.
 *
 * Not covered: a magic link's target on a mount Landlock does not govern (a
 * sibling's pipes and memfds through /proc/<pid>/fd/N, as in namespace
 * mode), and a procfs fd received at run time from a process outside when
 * that procfs is mounted below a host directory the sandbox binds (a rule
 * names the bind's host inode; its channel: a --bind-rw directory, or an
 * abstract socket with --net host before ABI 6). docs/procguard.md.
 *
 * A Landlock rule names an inode, and procfs makes a new inode whenever a
 * dentry it dropped is looked up again (memory pressure, drop_caches). So
 * every procfs dentry a rule names is held open by init for the sandbox's
 * life: the system-wide ones from before the runner starts (the runner's
 * lookups then find the same dentries); the runner's own are opened by the
 * runner itself before it names them, in the fd table it shares with init
 * (init.c, start_runner), where they stay open for init after the
 * runner's execve: no moment passes in which nobody holds one. */
#pragma once
#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "config.h"
#include "error.h"

#define PROCSELF_GLOBAL_MAX 256
/* Given by init to the runner: the system-wide entries of /proc init holds
 * (its O_PATH fds, in the fd table the runner shares with init). */
struct procself_share {
	int n_global;
	struct {
		int fd;
		bool dir;
	} global[PROCSELF_GLOBAL_MAX];
};

/* The supervisor, once the configuration is final: on a kernel without
 * Landlock, self is replaced by strict (the same promise, a round trip per
 * open), said on stderr. The restricted tier holds self as strict anyway. */
void procself_fallback(struct tj_config *cfg);

/* init, before the runner starts: holds every system-wide entry of /proc
 * the runner will name (fds kept for init's life) and lists them in sh.
 * 0 or -errno. */
int procself_hold_global(struct procself_share *sh, struct tj_error *err);

/* The runner, right after its new session (before its rlimits, the caps
 * drop and no_new_privs: it holds the sandbox's CAP_SYS_ADMIN): the domain
 * above, enforced on itself. Leaves sh's fds and its own entries' open
 * (init's, after execve). 0 or -errno (a kernel without Landlock is an
 * error: the mode would guard nothing; procself_fallback chose strict
 * before that). */
int procself_confine(struct procself_share *sh, struct tj_error *err);

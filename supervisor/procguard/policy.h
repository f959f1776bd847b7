/* SPDX-License-Identifier: Apache-2.0 */
/* procguard's pure decisions (see procguard_policy.c). */
#pragma once
#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

/* Where a directory sits in the sandbox's procfs. */
enum pg_kind {
	PK_ROOT,    /* /proc */
	PK_PID,     /* /proc/<pid> or /proc/<pid>/task/<tid> */
	PK_TASKDIR, /* /proc/<pid>/task */
	PK_PIDSUB,  /* below a pid dir: fd, fdinfo, ns, net, map_files, attr, ... */
	PK_OTHER,   /* not under a pid: sys, driver, bus, ... */
	PK_UNKNOWN, /* anything else: every decision refuses */
};
struct pg_pos {
	enum pg_kind kind;
	pid_t pid;    /* PK_PID / PK_TASKDIR / PK_PIDSUB: the thread group dir */
	char sub[16]; /* PK_PIDSUB: the first component below the pid dir */
};

/* environ, mounts, mountinfo, mountstats, mem: refused in every procfs
 * directory, whoever they belong to. */
bool procguard_name_denied(const char *name);
/* proc_guard self (procself.h): whether the task may open an entry of
 * that name in /proc (own: false) or in the runner's /proc/<pid> (own:
 * true). Names only: symlinks and masked entries are left out by the
 * caller. */
bool procguard_self_allowed(const char *name, bool own);
/* Entries of another thread group's pid dir a task may open. */
bool procguard_other_pid_allowed(const char *name);
/* A pid as procfs spells it: digits, no leading zero. */
bool procguard_is_number(const char *s);
/* Moves p to its child directory `name`. */
void procguard_pos_child(struct pg_pos *p, const char *name);
/* Position of a directory from its path below the procfs mount point
 * ("" or "/" is the root, "/12/task/13" a thread dir). */
void procguard_classify(const char *rel, struct pg_pos *pos);
/* The last field of the NStgid: and NSpid: lines of a status file: the ids
 * in the innermost pid namespace. Returns 0 or -ENOENT. */
int procguard_parse_nspids(const char *status, size_t len, pid_t *nstgid,
			   pid_t *nstid);

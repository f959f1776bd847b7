/* SPDX-License-Identifier: Apache-2.0 */
/* procguard's decisions that need no system call: which procfs names are
 * refused, where a directory sits in procfs, the pid fields of a status
 * file. Pure, unit-tested (tests/unit/test_procguard.c). */
#include "procguard/policy.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"

/* Files that reveal the environment, the mount table or a process's memory
 * (where the environment strings live). Denied in every procfs directory,
 * whatever pid it belongs to: no other procfs entry uses these names, and a
 * structural (directory, name) check does not depend on how the directory
 * was reached. */
bool procguard_self_allowed(const char *name, bool own)
{
	if (!name[0] || strcmp(name, ".") == 0 || strcmp(name, "..") == 0 || strchr(name, '/'))
		return false;
	/* environ, mounts, mountinfo, mountstats, mem: as strict refuses them */
	if (procguard_name_denied(name))
		return false;
	/* Every process of the sandbox can open what a rule names (Landlock
	 * does not know who opens): of the runner's own, what strict lets a
	 * process open of another pid, and net/ (the namespace's, the same for
	 * all); not task/ (each thread's environ, mounts, mem), fd/, fdinfo/,
	 * maps, ns/, attr/. */
	if (own)
		return strcmp(name, "net") == 0 || (procguard_other_pid_allowed(name) && strcmp(name, "task") != 0);
	/* /proc's system-wide files that runtimes and their libraries read
	 * (libuv, V8, glibc, psutil): the machine's CPUs, memory, load, I/O
	 * and pressure, and sys/ read only. Not the kernel's symbols, keys,
	 * I/O ranges, slabs, locks, consoles, devices' interrupts, boot
	 * command line; each rule costs an open in init and one in the runner
	 * (procself.c). */
	static const char *const global[] = {
		"cpuinfo", "meminfo", "stat", "uptime", "loadavg", "version", "vmstat", "zoneinfo",
		"buddyinfo", "diskstats", "partitions", "swaps", "pressure", "cgroups", "filesystems",
		"sys", "crypto", "devices", "misc",
	};
	for (size_t i = 0; i < ELEMENTSOF(global); i++)
		if (strcmp(name, global[i]) == 0)
			return true;
	return false;
}

bool procguard_name_denied(const char *name)
{
	static const char *const deny[] = {"environ", "mounts", "mountinfo",
					   "mountstats", "mem"};
	for (size_t i = 0; i < ELEMENTSOF(deny); i++)
		if (strcmp(name, deny[i]) == 0)
			return true;
	/* procfs names have no spaces: a name with one is d_path's
	 * " (deleted)" for an entry dropped meanwhile (an exiting thread's
	 * task/<tid>/environ), which must not hide what it was. */
	return strchr(name, ' ') != NULL;
}

/* Entries of another thread group's /proc/<pid> (or task/<tid>) that a task
 * may open: what ps(1) and friends read. Everything ptrace-gated (fd/,
 * map_files/, exe/cwd/root, auxv, maps, io, syscall, stack, ...) is refused
 * even where the kernel would let the task have it (a same-uid, dumpable
 * sibling): the guard keeps a task out of its siblings' private entries. */
bool procguard_other_pid_allowed(const char *name)
{
	static const char *const allow[] = {
		"stat",    "status",    "statm",  "cmdline", "comm",
		"cgroup",  "task",      "limits", "oom_score", "oom_score_adj",
		"sched",   "schedstat", "wchan",  "cpuset",  "uid_map",
		"gid_map", "setgroups", "loginuid", "sessionid"};
	for (size_t i = 0; i < ELEMENTSOF(allow); i++)
		if (strcmp(name, allow[i]) == 0)
			return true;
	return false;
}

static int parse_last_field(const char *line, const char *end, pid_t *out)
{
	const char *p = end;
	while (p > line && (p[-1] == ' ' || p[-1] == '\t'))
		p--;
	const char *e = p;
	while (p > line && p[-1] >= '0' && p[-1] <= '9')
		p--;
	if (p == e)
		return -EINVAL;
	long v = 0;
	for (const char *q = p; q < e; q++) {
		v = v * 10 + (*q - '0');
		if (v > INT_MAX)
			return -ERANGE;
	}
	*out = (pid_t)v;
	return 0;
}

int procguard_parse_nspids(const char *status, size_t len, pid_t *nstgid,
			   pid_t *nstid)
{
	const char *p = status, *end = status + len;
	int found = 0;
	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		const char *le = nl ? nl : end;
		if ((size_t)(le - p) > 7 && memcmp(p, "NStgid:", 7) == 0) {
			if (parse_last_field(p + 7, le, nstgid) == 0)
				found |= 1;
		} else if ((size_t)(le - p) > 6 && memcmp(p, "NSpid:", 6) == 0) {
			if (parse_last_field(p + 6, le, nstid) == 0)
				found |= 2;
		}
		p = le + 1;
	}
	return found == 3 ? 0 : -ENOENT;
}

bool procguard_is_number(const char *s)
{
	if (!*s || *s == '0')
		return false;
	for (; *s; s++)
		if (*s < '0' || *s > '9')
			return false;
	return true;
}

void procguard_pos_child(struct pg_pos *p, const char *name)
{
	switch (p->kind) {
	case PK_ROOT:
		if (procguard_is_number(name)) {
			p->kind = PK_PID;
			p->pid = (pid_t)atoi(name);
		} else {
			p->kind = PK_OTHER;
		}
		break;
	case PK_PID:
		if (strcmp(name, "task") == 0) {
			p->kind = PK_TASKDIR;
		} else {
			p->kind = PK_PIDSUB;
			snprintf(p->sub, sizeof(p->sub), "%s", name);
		}
		break;
	case PK_TASKDIR:
		/* a thread dir: the same entries, the same thread group */
		p->kind = procguard_is_number(name) ? PK_PID : PK_UNKNOWN;
		break;
	case PK_PIDSUB:
	case PK_OTHER:
	case PK_UNKNOWN:
		break;
	}
}

void procguard_classify(const char *rel, struct pg_pos *pos)
{
	*pos = (struct pg_pos){.kind = PK_ROOT};
	if (*rel && *rel != '/') {
		/* the prefix matched only part of a component */
		pos->kind = PK_UNKNOWN;
		return;
	}
	char name[NAME_MAX + 1];
	for (const char *p = rel;;) {
		while (*p == '/')
			p++;
		if (!*p)
			return;
		size_t n = strcspn(p, "/");
		if (n > NAME_MAX) {
			pos->kind = PK_UNKNOWN;
			return;
		}
		memcpy(name, p, n);
		name[n] = '\0';
		/* d_path() of a removed entry ends in " (deleted)" */
		if (strcmp(name, ".") == 0 || strcmp(name, "..") == 0 || strchr(name, ' ')) {
			pos->kind = PK_UNKNOWN;
			return;
		}
		procguard_pos_child(pos, name);
		p += n;
	}
}

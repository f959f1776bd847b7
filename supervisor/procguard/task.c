/* SPDX-License-Identifier: Apache-2.0 */
/* procguard: reading the task (see internal.h). */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/syscall.h>
#include <unistd.h>
#include <sys/capability.h>
#include <sys/uio.h>

#include "caps.h"
#include "util.h"

#include "procguard/internal.h"
int pg_read_status(pid_t tid, char *buf, size_t size)
{
	char p[64];
	snprintf(p, sizeof(p), "/proc/%d/status", (int)tid);
	_cleanup_close_ int fd = open(p, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	ssize_t n = read(fd, buf, size - 1);
	if (n < 0)
		return -errno;
	buf[n] = '\0';
	return (int)n;
}

bool pg_notif_valid(const struct pg_req *rq)
{
	uint64_t id = rq->n->id;
	return ioctl(rq->listener, SECCOMP_IOCTL_NOTIF_ID_VALID, &id) == 0;
}

/* The requester's tgid and tid in the sandbox's pid namespace (what its
 * procfs calls "self"), from the last NStgid/NSpid fields of its status.
 * Generating a status file costs tens of microseconds, so results are
 * cached per host tid, keyed also by the inode number of /proc/<tid>: a new
 * task that reuses the tid gets a new procfs inode. */
int pg_req_nspids(struct pg_req *rq)
{
	if (rq->nstgid)
		return 0;
	char p[32];
	struct stat st;
	snprintf(p, sizeof(p), "/proc/%d", (int)rq->tid);
	if (stat(p, &st) < 0)
		return -ESRCH;
	struct pg_nscache *c = &rq->pg->nscache[(unsigned)rq->tid % PG_NSCACHE];
	if (c->tid == rq->tid && c->ino == st.st_ino) {
		rq->nstgid = c->nstgid;
		rq->nstid = c->nstid;
		return 0;
	}
	char buf[4096];
	int n = pg_read_status(rq->tid, buf, sizeof(buf));
	if (n < 0)
		return n == -ENOENT ? -ESRCH : n;
	int r = procguard_parse_nspids(buf, (size_t)n, &rq->nstgid, &rq->nstid);
	if (r < 0)
		return r;
	/* The status file was read through the host tid: make sure it still
	 * names the requester (and so does the inode we keyed on). */
	if (!pg_notif_valid(rq))
		return -ESRCH;
	*c = (struct pg_nscache){rq->tid, st.st_ino, rq->nstgid, rq->nstid};
	return 0;
}

/* Copies a NUL-terminated string of at most PATH_MAX bytes (terminator
 * included) out of the task. Remote iovecs are split at page boundaries
 * because process_vm_readv never transfers part of one iovec: a path that
 * ends just before an unmapped page must still be readable. */
/* process_vm_readv as the guard is: the same uid as the task, so a
 * dumpable task is readable; where Yama (ptrace_scope >= 1) or a
 * non-dumpable task refuses that, once more with CAP_SYS_PTRACE of the
 * sandbox's user namespace raised for this one call. */
static ssize_t task_readv(pid_t tid, struct iovec *l, struct iovec *r)
{
	ssize_t n = process_vm_readv(tid, l, 1, r, 1, 0);
	if (n >= 0 || errno != EPERM)
		return n;
	if (caps_raise(CAP_SYS_PTRACE, true) < 0) {
		errno = EPERM;
		return -1;
	}
	n = process_vm_readv(tid, l, 1, r, 1, 0);
	int e = errno;
	caps_raise(CAP_SYS_PTRACE, false);
	errno = e;
	return n;
}

int pg_read_task_string(pid_t tid, uint64_t addr, char *buf, size_t size)
{
	static long page;
	if (!page)
		page = sysconf(_SC_PAGESIZE);
	size_t got = 0;
	while (got < size) {
		uint64_t a = addr + got;
		size_t chunk = (size_t)page - (size_t)(a % (uint64_t)page);
		if (chunk > size - got)
			chunk = size - got;
		struct iovec l = {buf + got, chunk};
		struct iovec r = {(void *)(uintptr_t)a, chunk};
		ssize_t n = task_readv(tid, &l, &r);
		if (n <= 0)
			return n == 0 || errno == EFAULT ? -EFAULT : -errno;
		char *z = memchr(buf + got, '\0', (size_t)n);
		if (z)
			return (int)(z - buf);
		got += (size_t)n;
	}
	return -ENAMETOOLONG;
}

int pg_read_task_mem(pid_t tid, uint64_t addr, void *buf, size_t len)
{
	struct iovec l = {buf, len};
	struct iovec r = {(void *)(uintptr_t)addr, len};
	ssize_t n = task_readv(tid, &l, &r);
	if (n < 0)
		return errno == EFAULT ? -EFAULT : -errno;
	return (size_t)n == len ? 0 : -EFAULT;
}


int pg_task_umask(struct pg_req *rq, mode_t *um)
{
	char buf[4096];
	int n = pg_read_status(rq->tid, buf, sizeof(buf));
	if (n < 0)
		return n == -ENOENT ? -ESRCH : n;
	const char *u = strstr(buf, "\nUmask:");
	if (!u)
		return -EIO;
	*um = (mode_t)strtoul(u + 7, NULL, 8);
	if (!rq->nstgid)
		procguard_parse_nspids(buf, (size_t)n, &rq->nstgid, &rq->nstid);
	return pg_notif_valid(rq) ? 0 : -ESRCH;
}

int pg_open_task_dir(pid_t tid, int dirfd, int *out)
{
	char p[64];
	if (dirfd == AT_FDCWD)
		snprintf(p, sizeof(p), "/proc/%d/cwd", (int)tid);
	else if (dirfd < 0)
		return -EBADF;
	else
		snprintf(p, sizeof(p), "/proc/%d/fd/%d", (int)tid, dirfd);
	int fd = open(p, O_PATH | O_CLOEXEC);
	if (fd < 0 && errno == EACCES && caps_raise(CAP_SYS_PTRACE, true) == 0) {
		/* a non-dumpable task: see task_readv() */
		fd = open(p, O_PATH | O_CLOEXEC);
		int e = errno;
		caps_raise(CAP_SYS_PTRACE, false);
		errno = e;
	}
	if (fd < 0) {
		if (errno == ENOENT)
			return dirfd == AT_FDCWD ? -ESRCH : -EBADF;
		return -errno;
	}
	*out = fd;
	return 0;
}


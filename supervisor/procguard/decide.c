/* SPDX-License-Identifier: Apache-2.0 */
/* procguard: the decision on a procfs position and on the opened object. */
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
#include <sys/vfs.h>

#include "procguard/internal.h"
#include "util.h"
/* ---- procfs classification --------------------------------------------- */

bool pg_fd_on_procfs(int fd, struct pg_req *rq, int *err, bool *is_root)
{
	struct statfs sfs;
	*err = 0;
	if (is_root)
		*is_root = false;
	if (fstatfs(fd, &sfs) < 0) {
		*err = -errno;
		return false;
	}
	if (sfs.f_type != PROC_SUPER_MAGIC)
		return false;
	/* A procfs object on another superblock (the host's /proc, a second
	 * procfs) is never handed out: only the sandbox's own instance is
	 * reasoned about here. */
	struct stat st;
	if (fstat(fd, &st) < 0) {
		*err = -errno;
	} else if (rq->pg->proc_fd < 0 || st.st_dev != rq->pg->proc_dev) {
		rq->denied = true;
		*err = -EACCES;
	} else if (is_root) {
		*is_root = st.st_ino == 1; /* PROC_ROOT_INO */
	}
	return true;
}

int pg_fd_dpath(int fd, char *buf, size_t size)
{
	char p[64];
	snprintf(p, sizeof(p), "/proc/self/fd/%d", fd);
	ssize_t n = readlink(p, buf, size - 1);
	if (n < 0)
		return -errno;
	if ((size_t)n >= size - 1)
		return -ENAMETOOLONG;
	buf[n] = '\0';
	return (int)n;
}

/* Classifies a directory on the sandbox's procfs by the kernel's own path
 * for it (d_path of our fd): below the recorded mount point the components
 * are procfs's names (pids, "task", fixed entry names), which the task
 * cannot choose. Anything unexpected is PK_UNKNOWN and is refused. */
void pg_classify_dir(struct pg_req *rq, int dirfd, struct pg_pos *pos)
{
	char path[PATH_MAX];
	const struct procguard *pg = rq->pg;
	pos->kind = PK_UNKNOWN;
	int n = pg_fd_dpath(dirfd, path, sizeof(path));
	if (n < 0 || (size_t)n < pg->proc_prefix_len ||
	    memcmp(path, pg->proc_prefix, pg->proc_prefix_len) != 0)
		return;
	procguard_classify(path + pg->proc_prefix_len, pos);
}

/* Is sandbox pid `pid` (a tgid or a tid) part of the requester's thread
 * group? */
int pg_is_own(struct pg_req *rq, pid_t pid, bool *own)
{
	int r = pg_req_nspids(rq);
	if (r < 0)
		return r;
	if (pid == rq->nstgid) {
		*own = true;
		return 0;
	}
	char p[64];
	struct stat st;
	snprintf(p, sizeof(p), "%d/task/%d", (int)rq->nstgid, (int)pid);
	*own = fstatat(rq->pg->proc_fd, p, &st, AT_SYMLINK_NOFOLLOW) == 0;
	return 0;
}


/* Is procfs entry `name` the guard or one of its threads (FIFO workers)? */
static bool pg_is_guard(const struct procguard *pg, const char *name)
{
	if (strcmp(name, pg->own_pid) == 0)
		return true;
	if (!procguard_is_number(name) || pg->proc_fd < 0)
		return false;
	char p[64];
	struct stat st;
	snprintf(p, sizeof(p), "%s/task/%s", pg->own_pid, name);
	return fstatat(pg->proc_fd, p, &st, AT_SYMLINK_NOFOLLOW) == 0;
}

int pg_proc_decide(struct pg_req *rq, const struct pg_pos *pos,
		       const char *name, enum pg_verdict *v)
{
	*v = PV_DENY;
	if (procguard_name_denied(name)) /* also "environ (deleted)" */
		return 0;
	if (strcmp(name, ".") == 0 && pos->kind != PK_UNKNOWN) {
		/* "dir/": the directory itself, decided on when entered */
		*v = PV_OPEN;
		return 0;
	}
	bool own = false;
	int r;
	switch (pos->kind) {
	case PK_ROOT:
		if (strcmp(name, "self") == 0)
			*v = PV_SELF;
		else if (strcmp(name, "thread-self") == 0)
			*v = PV_THREAD_SELF;
		else if (!pg_is_guard(rq->pg, name))
			*v = PV_OPEN;
		/* The guard's /proc/<pid> (and any of its threads') is a pidfd
		 * to pidfd_send_signal(): never handed out. */
		return 0;
	case PK_OTHER:
	case PK_TASKDIR: /* only thread dirs of that group live here */
		*v = PV_OPEN;
		return 0;
	case PK_PID:
		if ((r = pg_is_own(rq, pos->pid, &own)) < 0)
			return r;
		if (own || procguard_other_pid_allowed(name))
			*v = PV_OPEN;
		return 0;
	case PK_PIDSUB:
		if (strcmp(pos->sub, "ns") == 0)
			return 0; /* nsfs magic links: never */
		if ((r = pg_is_own(rq, pos->pid, &own)) < 0)
			return r;
		if (own)
			*v = PV_OPEN;
		return 0;
	case PK_UNKNOWN:
		return 0;
	}
	return 0;
}


/* ---- checks on the opened object, injection ---------------------------- */

/* Post-open check: every procfs object must come from the sandbox's own
 * procfs, and the decision the walker makes on the way is made again on
 * the object itself, by its procfs path (d_path, which the task cannot
 * choose: no mounts, no renames in procfs): a magic link such as
 * /proc/self/fd/N of an O_PATH fd, a dirfd, ".." or a symlink land here by
 * their target, so a denied file or another process's private entry is
 * refused whatever route reached it. */
int pg_check_opened(struct pg_req *rq, int fd)
{
	int r;
	struct statfs sfs;
	/* A namespace file is reachable through an O_PATH fd of ns/<x> (the
	 * kernel's, where the walker refuses ns entries) reopened via
	 * /proc/self/fd/N: refused by what it is. */
	if (fstatfs(fd, &sfs) == 0 && sfs.f_type == NSFS_MAGIC) {
		rq->denied = true;
		return -EACCES;
	}
	if (!pg_fd_on_procfs(fd, rq, &r, NULL))
		return r;
	if (r < 0)
		return r;
	char path[PATH_MAX];
	if ((r = pg_fd_dpath(fd, path, sizeof(path))) < 0)
		return r;
	const struct procguard *pg = rq->pg;
	char *slash = strrchr(path, '/');
	if ((size_t)r < pg->proc_prefix_len || !slash ||
	    memcmp(path, pg->proc_prefix, pg->proc_prefix_len) != 0) {
		rq->denied = true;
		return -EACCES;
	}
	if ((size_t)(slash - path) < pg->proc_prefix_len)
		return 0; /* the procfs root itself */
	*slash = '\0';
	struct pg_pos pos;
	procguard_classify(path + pg->proc_prefix_len, &pos);
	enum pg_verdict v;
	if ((r = pg_proc_decide(rq, &pos, slash + 1, &v)) < 0)
		return r;
	if (v != PV_OPEN) {
		rq->denied = true;
		return -EACCES;
	}
	return 0;
}


/* SPDX-License-Identifier: Apache-2.0 */
/* procguard: open-family emulation for the /proc guard (DESIGN §3 layer 3).
 * See ../shared/notes/procguard.md for the research this follows.
 *
 * For each intercepted open the supervisor:
 *  1. copies the path (and openat2's struct open_how) out of the task with
 *     process_vm_readv, then checks SECCOMP_IOCTL_NOTIF_ID_VALID before using
 *     a single byte of it (the tid could have been reused);
 *  2. gets the start directory as an fd (/proc/<tid>/cwd or /proc/<tid>/fd/N,
 *     per thread: threads may unshare CLONE_FS/CLONE_FILES), ID_VALID again;
 *  3. resolves the path itself. Fast path: one openat2() that cannot touch a
 *     procfs symlink or magic link (RESOLVE_IN_ROOT on the sandbox root for
 *     absolute paths, RESOLVE_NO_SYMLINKS for relative ones); any result on
 *     procfs and every ambiguous error (ENOENT: procfs "self" is ENOENT for
 *     us, we are outside the sandbox's pid namespace) goes to the slow path:
 *     a component walker that follows symlinks itself, rewrites self and
 *     thread-self to the requester's pids in the sandbox's pid namespace,
 *     follows magic links only inside the requester's own thread group, and
 *     refuses (procfs directory, name) pairs in the deny set before opening;
 *  4. checks the object it got (fstatfs: any procfs object must be on the
 *     sandbox's procfs superblock and must not be a denied file), and
 *  5. injects it with SECCOMP_IOCTL_NOTIF_ADDFD + SECCOMP_ADDFD_FLAG_SEND, or
 *     answers an errno. Never SECCOMP_USER_NOTIF_FLAG_CONTINUE: the kernel
 *     would re-read the path from task memory, which another thread can
 *     change after the decision. */
#include "procguard.h"
#include "procguard_policy.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/magic.h>
#include <linux/openat2.h>
#include <pthread.h>
#include <sys/capability.h>
#include <sys/sysmacros.h>
#include <seccomp.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <unistd.h>

#include "caps.h"
#include "util.h"

#ifndef PROC_SUPER_MAGIC
#define PROC_SUPER_MAGIC 0x9fa0
#endif
#ifndef NSFS_MAGIC
#define NSFS_MAGIC 0x6e736673
#endif
#ifndef O_LARGEFILE
#define O_LARGEFILE 0
#endif

/* What open(2)/openat(2) keep of their flags (fs/open.c VALID_OPEN_FLAGS);
 * openat2(2) rejects anything else with EINVAL. */
#define PG_VALID_OPEN_FLAGS                                                    \
	(O_ACCMODE | O_CREAT | O_EXCL | O_NOCTTY | O_TRUNC | O_APPEND |        \
	 O_NONBLOCK | O_SYNC | O_DSYNC | O_ASYNC | O_DIRECT | O_LARGEFILE |    \
	 O_DIRECTORY | O_NOFOLLOW | O_NOATIME | O_CLOEXEC | O_PATH | O_TMPFILE)
#define PG_O_PATH_FLAGS (O_DIRECTORY | O_NOFOLLOW | O_PATH | O_CLOEXEC)
#define PG_VALID_RESOLVE                                                       \
	(RESOLVE_NO_XDEV | RESOLVE_NO_MAGICLINKS | RESOLVE_NO_SYMLINKS |       \
	 RESOLVE_BENEATH | RESOLVE_IN_ROOT | RESOLVE_CACHED)
#define PG_WILL_CREATE(f) (((f) & O_CREAT) || ((f) & O_TMPFILE) == O_TMPFILE)

#define PG_MAX_SYMLINKS 40 /* the kernel's MAXSYMLINKS */
#define PG_MAX_WORKERS 32  /* concurrent blocking (FIFO) opens per sandbox */

struct walk;

#define PG_NSCACHE 64
struct pg_nscache {
	pid_t tid;
	ino_t ino;
	pid_t nstgid, nstid;
};

struct procguard {
	int root_fd;           /* O_PATH: the sandbox's root */
	int proc_fd;           /* O_PATH: root of the sandbox's procfs, or -1 */
	dev_t proc_dev;        /* its superblock; every procfs object must match */
	char own_pid[16];      /* the guard's pid, as procfs spells it */
	char proc_prefix[256]; /* d_path of proc_fd as the supervisor sees it */
	size_t proc_prefix_len;
	atomic_int workers;        /* FIFO workers running */
	atomic_int refs;           /* 1 for the owner + 1 per worker */
	struct walk *walk;         /* the slow path's state, reused */
	struct pg_nscache nscache[PG_NSCACHE];
	struct procguard_stats st; /* written by the listener thread only */
};

static long sys_openat2(int dirfd, const char *path, struct open_how *how)
{
	return syscall(SYS_openat2, dirfd, path, how, sizeof(*how));
}

bool procguard_is_open_call(const struct seccomp_data *d)
{
#ifdef __NR_open
	if (d->nr == __NR_open)
		return true;
#endif
#ifdef __NR_creat
	if (d->nr == __NR_creat)
		return true;
#endif
	return d->nr == __NR_openat || d->nr == __NR_openat2;
}

/* ---- per-request state ----------------------------------------------- */

struct pg_req {
	struct procguard *pg;
	const struct seccomp_notif *n;
	int listener;
	pid_t tid;             /* host tid of the requester */
	pid_t nstgid, nstid;   /* in the sandbox's pid ns; 0 until looked up */
	int flags;             /* open flags, normalised as the kernel does */
	mode_t mode;
	uint64_t resolve;      /* openat2 RESOLVE_* */
	bool denied;           /* the answer is a guard decision */
	/* The task wants a blocking open. We never block the listener: the
	 * file is opened O_NONBLOCK (nonblock_added) and the flag cleared
	 * afterwards, FIFOs go to a worker. procfs files never block. */
	bool want_block;
	bool nonblock_added;
};

static int read_status(pid_t tid, char *buf, size_t size)
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

static bool notif_valid(const struct pg_req *rq)
{
	uint64_t id = rq->n->id;
	return ioctl(rq->listener, SECCOMP_IOCTL_NOTIF_ID_VALID, &id) == 0;
}

/* The requester's tgid and tid in the sandbox's pid namespace (what its
 * procfs calls "self"), from the last NStgid/NSpid fields of its status.
 * Generating a status file costs tens of microseconds, so results are
 * cached per host tid, keyed also by the inode number of /proc/<tid>: a new
 * task that reuses the tid gets a new procfs inode. */
static int req_nspids(struct pg_req *rq)
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
	int n = read_status(rq->tid, buf, sizeof(buf));
	if (n < 0)
		return n == -ENOENT ? -ESRCH : n;
	int r = procguard_parse_nspids(buf, (size_t)n, &rq->nstgid, &rq->nstid);
	if (r < 0)
		return r;
	/* The status file was read through the host tid: make sure it still
	 * names the requester (and so does the inode we keyed on). */
	if (!notif_valid(rq))
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

static int read_task_string(pid_t tid, uint64_t addr, char *buf, size_t size)
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

static int read_task_mem(pid_t tid, uint64_t addr, void *buf, size_t len)
{
	struct iovec l = {buf, len};
	struct iovec r = {(void *)(uintptr_t)addr, len};
	ssize_t n = task_readv(tid, &l, &r);
	if (n < 0)
		return errno == EFAULT ? -EFAULT : -errno;
	return (size_t)n == len ? 0 : -EFAULT;
}

/* ---- procfs classification --------------------------------------------- */

static bool fd_on_procfs(int fd, struct pg_req *rq, int *err, bool *is_root)
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

static int fd_dpath(int fd, char *buf, size_t size)
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
static void classify_dir(struct pg_req *rq, int dirfd, struct pg_pos *pos)
{
	char path[PATH_MAX];
	const struct procguard *pg = rq->pg;
	pos->kind = PK_UNKNOWN;
	int n = fd_dpath(dirfd, path, sizeof(path));
	if (n < 0 || (size_t)n < pg->proc_prefix_len ||
	    memcmp(path, pg->proc_prefix, pg->proc_prefix_len) != 0)
		return;
	procguard_classify(path + pg->proc_prefix_len, pos);
}

/* Is sandbox pid `pid` (a tgid or a tid) part of the requester's thread
 * group? */
static int is_own(struct pg_req *rq, pid_t pid, bool *own)
{
	int r = req_nspids(rq);
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

enum pg_verdict { PV_OPEN, PV_DENY, PV_SELF, PV_THREAD_SELF };

/* The structural decision for opening `name` in procfs directory `pos`. */
static int proc_decide(struct pg_req *rq, const struct pg_pos *pos,
		       const char *name, enum pg_verdict *v)
{
	*v = PV_DENY;
	if (procguard_name_denied(name))
		return 0;
	bool own = false;
	int r;
	switch (pos->kind) {
	case PK_ROOT:
		if (strcmp(name, "self") == 0)
			*v = PV_SELF;
		else if (strcmp(name, "thread-self") == 0)
			*v = PV_THREAD_SELF;
		else if (strcmp(name, rq->pg->own_pid) != 0)
			*v = PV_OPEN;
		/* The guard's own /proc/<pid> directory is a pidfd to
		 * pidfd_send_signal(): never handed out. */
		return 0;
	case PK_OTHER:
	case PK_TASKDIR: /* only thread dirs of that group live here */
		*v = PV_OPEN;
		return 0;
	case PK_PID:
		if ((r = is_own(rq, pos->pid, &own)) < 0)
			return r;
		if (own || procguard_other_pid_allowed(name))
			*v = PV_OPEN;
		return 0;
	case PK_PIDSUB:
		if (strcmp(pos->sub, "ns") == 0)
			return 0; /* nsfs magic links: never */
		if ((r = is_own(rq, pos->pid, &own)) < 0)
			return r;
		if (own)
			*v = PV_OPEN;
		return 0;
	case PK_UNKNOWN:
		return 0;
	}
	return 0;
}

/* ---- the walker -------------------------------------------------------- */

struct walk {
	struct pg_req *rq;
	int root;         /* borrowed: "/" for this lookup */
	bool scoped;      /* RESOLVE_BENEATH: leaving root is EXDEV, not a clamp */
	int cur;          /* owned */
	bool on_proc;     /* cur is on the sandbox's procfs */
	/* Where cur sits in procfs, when the walk got there step by step from
	 * the procfs root; otherwise (a start directory, "..", a magic link)
	 * classify_dir() asks the kernel. */
	bool pos_valid;
	struct pg_pos pos;
	int hops;
	char *rem;        /* remaining path, inside one of bufs */
	char bufs[2][PATH_MAX * 2];
	int which;
	char chunk[PATH_MAX * 2];      /* walk_chunk()'s scratch */
	unsigned short ends[PATH_MAX]; /* walk_chunk(): component ends in rem */
};

static void walk_set_cur(struct walk *w, int fd, bool on_proc)
{
	if (w->cur >= 0)
		close(w->cur);
	w->cur = fd;
	w->on_proc = on_proc;
	w->pos_valid = false;
}

/* cur moved to child `name` of a procfs directory whose position we knew. */
static void walk_descend(struct walk *w, int fd, const char *name)
{
	bool known = w->pos_valid;
	struct pg_pos p = w->pos;
	walk_set_cur(w, fd, true);
	if (!known)
		return;
	procguard_pos_child(&p, name);
	w->pos = p;
	w->pos_valid = true;
}

/* cur crossed a mount point onto fd. */
static int walk_enter_mount(struct walk *w, int fd)
{
	int r;
	bool root;
	bool p = fd_on_procfs(fd, w->rq, &r, &root);
	if (r < 0) {
		close(fd);
		return r;
	}
	walk_set_cur(w, fd, p);
	if (p && root) {
		w->pos = (struct pg_pos){.kind = PK_ROOT};
		w->pos_valid = true;
	}
	return 0;
}

static void walk_pos(struct walk *w, struct pg_pos *pos)
{
	if (w->pos_valid)
		*pos = w->pos;
	else
		classify_dir(w->rq, w->cur, pos);
}

static int walk_restart_root(struct walk *w)
{
	if (w->scoped)
		return -EXDEV;
	int fd = fcntl(w->root, F_DUPFD_CLOEXEC, 3);
	if (fd < 0)
		return -errno;
	if (w->root == w->rq->pg->root_fd) {
		walk_set_cur(w, fd, false); /* checked in procguard_bind() */
		return 0;
	}
	return walk_enter_mount(w, fd);
}

/* Replaces the component just consumed with `target` in front of the
 * remaining path (symlink expansion). */
static int walk_push(struct walk *w, const char *target, const char *rest)
{
	if (++w->hops > PG_MAX_SYMLINKS)
		return -ELOOP;
	char *dst = w->bufs[w->which ^ 1];
	int n = snprintf(dst, sizeof(w->bufs[0]), "%s%s%s", target,
			 *rest ? "/" : "", rest);
	if (n < 0 || (size_t)n >= sizeof(w->bufs[0]))
		return -ENAMETOOLONG;
	w->which ^= 1;
	w->rem = dst;
	if (*target == '/')
		return walk_restart_root(w);
	return 0;
}

static int walk_follow_symlink(struct walk *w, const char *name,
			       const char *rest)
{
	if (w->rq->resolve & RESOLVE_NO_SYMLINKS)
		return -ELOOP;
	char target[PATH_MAX];
	ssize_t n = readlinkat(w->cur, name, target, sizeof(target) - 1);
	if (n < 0)
		return -errno;
	target[n] = '\0';
	if (n == 0)
		return -ENOENT;
	return walk_push(w, target, rest);
}

static bool same_dir(int a, int b)
{
	struct stat sa, sb;
	return fstat(a, &sa) == 0 && fstat(b, &sb) == 0 &&
	       sa.st_dev == sb.st_dev && sa.st_ino == sb.st_ino;
}

static int walk_dotdot(struct walk *w)
{
	if (same_dir(w->cur, w->root))
		return w->scoped ? -EXDEV : 0; /* ".." at "/" stays at "/" */
	struct open_how how = {.flags = O_PATH | O_CLOEXEC,
			       .resolve = w->rq->resolve & RESOLVE_NO_XDEV};
	int fd = (int)sys_openat2(w->cur, "..", &how);
	if (fd < 0)
		return -errno;
	return walk_enter_mount(w, fd);
}

/* Follows a procfs magic link of the requester's own thread group by
 * letting the kernel jump (its target may have no usable string form:
 * pipe:[..], anon_inode:, deleted files, other mount namespaces). */
static int walk_magic(struct walk *w, const char *name, int flags, mode_t mode,
		      int *out)
{
	if (w->rq->resolve & (RESOLVE_NO_MAGICLINKS | RESOLVE_NO_SYMLINKS |
			      RESOLVE_BENEATH | RESOLVE_IN_ROOT))
		return -ELOOP;
	if (w->rq->resolve & RESOLVE_NO_XDEV)
		return -EXDEV;
	/* A jump counts toward the 40 links, as nd->total_link_count does. */
	if (++w->hops > PG_MAX_SYMLINKS)
		return -ELOOP;
	int fd = openat(w->cur, name, flags | O_CLOEXEC, mode);
	if (fd < 0)
		return -errno;
	*out = fd;
	return 0;
}

/* One intermediate component. */
static int walk_step(struct walk *w, char *name, const char *rest)
{
	if (w->on_proc) {
		struct pg_pos pos;
		enum pg_verdict v;
		walk_pos(w, &pos);
		int r = proc_decide(w->rq, &pos, name, &v);
		if (r < 0)
			return r;
		if (v == PV_DENY) {
			w->rq->denied = true;
			return -EACCES;
		}
		if (v == PV_SELF || v == PV_THREAD_SELF) {
			if (w->rq->resolve & RESOLVE_NO_SYMLINKS)
				return -ELOOP;
			if ((r = req_nspids(w->rq)) < 0)
				return r;
			char t[64];
			if (v == PV_SELF)
				snprintf(t, sizeof(t), "%d", (int)w->rq->nstgid);
			else
				snprintf(t, sizeof(t), "%d/task/%d",
					 (int)w->rq->nstgid, (int)w->rq->nstid);
			return walk_push(w, t, rest);
		}
		if (pos.kind == PK_PID || pos.kind == PK_PIDSUB) {
			/* Symlinks in a pid directory are magic links. */
			struct open_how how = {
				.flags = O_PATH | O_CLOEXEC,
				.resolve = RESOLVE_NO_SYMLINKS | RESOLVE_NO_XDEV};
			int fd = (int)sys_openat2(w->cur, name, &how);
			if (fd < 0 && errno == ELOOP) {
				if ((r = walk_magic(w, name, O_PATH, 0, &fd)) < 0)
					return r;
				return walk_enter_mount(w, fd);
			}
			if (fd >= 0) {
				walk_descend(w, fd, name);
				return 0;
			}
			if (errno != EXDEV)
				return -errno;
			/* a mount on top of a pid entry: fall through */
		}
	}
	struct open_how how = {.flags = O_PATH | O_CLOEXEC,
			       .resolve = RESOLVE_NO_SYMLINKS | RESOLVE_NO_XDEV};
	int fd = (int)sys_openat2(w->cur, name, &how);
	if (fd >= 0) {
		if (w->on_proc)
			walk_descend(w, fd, name);
		else
			walk_set_cur(w, fd, false);
		return 0;
	}
	if (errno == ELOOP)
		return walk_follow_symlink(w, name, rest);
	if (errno != EXDEV)
		return -errno;
	/* A mount point: cross it (unless the task asked not to) and find out
	 * which file system we are on now. */
	if (w->rq->resolve & RESOLVE_NO_XDEV)
		return -EXDEV;
	how.resolve = RESOLVE_NO_SYMLINKS;
	fd = (int)sys_openat2(w->cur, name, &how);
	if (fd < 0)
		return errno == ELOOP ? walk_follow_symlink(w, name, rest) : -errno;
	return walk_enter_mount(w, fd);
}

/* The last component: open it with the task's flags. Returns the fd, 0
 * when a symlink was pushed (walk goes on), or -errno. */
static int walk_final(struct walk *w, char *name, int *out)
{
	struct pg_req *rq = w->rq;
	int flags = rq->flags;
	bool magic_ok = false;
	if (w->on_proc) {
		struct pg_pos pos;
		enum pg_verdict v;
		walk_pos(w, &pos);
		int r = proc_decide(rq, &pos, name, &v);
		if (r < 0)
			return r;
		if (v == PV_DENY) {
			rq->denied = true;
			return -EACCES;
		}
		if (v == PV_SELF || v == PV_THREAD_SELF) {
			if ((flags & O_NOFOLLOW) && !(flags & O_PATH))
				return -ELOOP;
			if (rq->resolve & RESOLVE_NO_SYMLINKS)
				return -ELOOP;
			/* O_PATH|O_NOFOLLOW on /proc/self: the link itself is
			 * harmless and carries no target. */
			if (!((flags & O_PATH) && (flags & O_NOFOLLOW))) {
				if ((r = req_nspids(rq)) < 0)
					return r;
				char t[64];
				if (v == PV_SELF)
					snprintf(t, sizeof(t), "%d", (int)rq->nstgid);
				else
					snprintf(t, sizeof(t), "%d/task/%d",
						 (int)rq->nstgid, (int)rq->nstid);
				return walk_push(w, t, "");
			}
		}
		magic_ok = pos.kind == PK_PID || pos.kind == PK_PIDSUB;
	}
	rq->nonblock_added = rq->want_block && !w->on_proc;
	struct open_how how = {
		.flags = (uint64_t)(flags | O_CLOEXEC | (rq->nonblock_added ? O_NONBLOCK : 0)),
		.mode = rq->mode,
		.resolve = RESOLVE_NO_SYMLINKS | RESOLVE_NO_XDEV};
	int fd = (int)sys_openat2(w->cur, name, &how);
	if (fd < 0 && errno == EXDEV && !(rq->resolve & RESOLVE_NO_XDEV)) {
		how.resolve = RESOLVE_NO_SYMLINKS;
		fd = (int)sys_openat2(w->cur, name, &how);
	}
	if (fd >= 0) {
		*out = fd;
		return 1;
	}
	if (errno != ELOOP)
		return -errno;
	/* A symlink. With O_NOFOLLOW the kernel answers ELOOP too (and with
	 * O_PATH|O_NOFOLLOW openat2 returned the link itself above). */
	if (flags & O_NOFOLLOW)
		return -ELOOP;
	if (magic_ok) {
		/* the link may lead to a FIFO */
		rq->nonblock_added = rq->want_block;
		int r = walk_magic(w, name, flags | (rq->want_block ? O_NONBLOCK : 0),
				   rq->mode, &fd);
		if (r < 0)
			return r;
		*out = fd;
		return 1;
	}
	return walk_follow_symlink(w, name, "");
}

/* Below this many components left, walk_chunk() is not worth a try. */
#define PG_CHUNK_MIN 8

/* A long run of plain components ("a/b/../c/...") costs the kernel tens of
 * nanoseconds each and the walker a few syscalls each: a
 * padded path would cost the guard hundreds of times what it costs the
 * kernel. So let the kernel take the longest prefix of the remaining
 * components (never the last one) that it resolves with no symlink, no
 * mount crossing (RESOLVE_NO_SYMLINKS | RESOLVE_NO_XDEV: the result is on
 * the same file system). No symlink means no procfs "self" and no magic
 * link on the way, and the kernel checks every directory with the task's
 * own rights (the guard's), so what the chunk passes through is what the
 * task could pass through; the object finally opened is decided on
 * (check_opened). The component at the boundary (a symlink, a mount point, a missing name) is then the step
 * walker's. Only when ".." may climb to the process root: the guard's root
 * is the sandbox's root, where the kernel stops ".." as the walker does.
 * Returns the number of components consumed (0: none) or -errno. */
static int walk_chunk(struct walk *w)
{
	if (w->scoped || w->root != w->rq->pg->root_fd)
		return 0;
	const char *rem = w->rem;
	size_t n = 0, len = strlen(rem);
	for (size_t i = 0; i < len && n < ELEMENTSOF(w->ends);) {
		while (i < len && rem[i] == '/')
			i++;
		if (i == len)
			break;
		while (i < len && rem[i] != '/')
			i++;
		w->ends[n++] = (unsigned short)i;
	}
	if (n < PG_CHUNK_MIN)
		return 0;
	/* Components [c, c + k) from cur: on success move there and keep k,
	 * on failure halve k. A boundary d components away costs about 3d
	 * components of kernel lookups and 2 log2(n) syscalls. */
	size_t c = 0, k = n - 1;
	struct open_how how = {.flags = O_PATH | O_DIRECTORY | O_CLOEXEC,
			       .resolve = RESOLVE_NO_SYMLINKS | RESOLVE_NO_XDEV};
	while (k > 0) {
		if (c + k > n - 1)
			k = n - 1 - c;
		if (k == 0)
			break;
		size_t from = c ? w->ends[c - 1] : 0, to = w->ends[c + k - 1];
		memcpy(w->chunk, rem + from, to - from);
		w->chunk[to - from] = '\0';
		int fd = (int)sys_openat2(w->cur, w->chunk, &how);
		if (fd >= 0) {
			/* still on the same file system; on procfs, where
			 * exactly is asked of the kernel when it matters */
			walk_set_cur(w, fd, w->on_proc);
			c += k;
		} else {
			k /= 2;
		}
	}
	if (c)
		w->rem = (char *)rem + w->ends[c - 1];
	return (int)c;
}

/* Resolves w->rem from w->cur. Returns an fd or -errno. */
static int walk_run(struct walk *w)
{
	for (;;) {
		int c = walk_chunk(w);
		if (c < 0)
			return c;
		char *p = w->rem;
		while (*p == '/')
			p++;
		if (!*p) {
			/* "/", or a path ending in "/", "." or "..": open the
			 * directory we are at. */
			int fd = -1;
			char dot[] = ".";
			int r = walk_final(w, dot, &fd);
			if (r < 0)
				return r;
			if (r == 1)
				return fd;
			continue;
		}
		char *e = strchr(p, '/');
		char *rest = e ? e + 1 : p + strlen(p);
		if (e)
			*e = '\0';
		if (strlen(p) > NAME_MAX)
			return -ENAMETOOLONG;
		const char *q = rest;
		while (*q == '/')
			q++;
		bool last = *q == '\0';
		int r;
		/* "." and "..": when nothing follows, the next round opens
		 * the directory we are at. */
		if (strcmp(p, ".") == 0) {
			w->rem = rest;
			continue;
		}
		if (strcmp(p, "..") == 0) {
			if ((r = walk_dotdot(w)) < 0)
				return r;
			w->rem = rest;
			continue;
		}
		/* Keep the component: walk_push may rewrite the buffer. */
		char name[NAME_MAX + 1];
		memcpy(name, p, strlen(p) + 1);
		if (last && e) {
			/* "name/" is "name/.": the directory itself. */
			static char dot_rest[] = ".";
			rest = dot_rest;
			last = false;
		}
		w->rem = rest;
		if (!last) {
			if ((r = walk_step(w, name, rest)) < 0)
				return r;
			continue;
		}
		int fd = -1;
		if ((r = walk_final(w, name, &fd)) < 0)
			return r;
		if (r == 1)
			return fd;
	}
}

/* The walk state (16 KiB of path buffers) lives in struct procguard and is
 * reused: procguard_handle() runs on one thread, and no allocation happens
 * per notification. */
static int walk_path(struct pg_req *rq, int start, int root, bool scoped,
		     const char *path)
{
	struct walk *w = rq->pg->walk;
	w->rq = rq;
	w->root = root;
	w->scoped = scoped;
	w->cur = -1;
	w->pos_valid = false;
	w->hops = 0;
	w->which = 0;
	snprintf(w->bufs[0], sizeof(w->bufs[0]), "%s", path);
	w->rem = w->bufs[0];
	int r = 0;
	if (path[0] == '/') {
		r = walk_restart_root(w);
	} else {
		int fd = fcntl(start, F_DUPFD_CLOEXEC, 3);
		r = fd < 0 ? -errno : walk_enter_mount(w, fd);
	}
	if (r == 0)
		r = walk_run(w);
	if (w->cur >= 0)
		close(w->cur);
	w->cur = -1;
	return r;
}

/* ---- checks on the opened object, injection ---------------------------- */

/* Post-open check: every procfs object must come from the sandbox's own
 * procfs, and the decision the walker makes on the way is made again on
 * the object itself, by its procfs path (d_path, which the task cannot
 * choose: no mounts, no renames in procfs): a magic link such as
 * /proc/self/fd/N of an O_PATH fd, a dirfd, ".." or a symlink land here by
 * their target, so a denied file or another process's private entry is
 * refused whatever route reached it. */
static int check_opened(struct pg_req *rq, int fd)
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
	if (!fd_on_procfs(fd, rq, &r, NULL))
		return r;
	if (r < 0)
		return r;
	char path[PATH_MAX];
	if ((r = fd_dpath(fd, path, sizeof(path))) < 0)
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
	if ((r = proc_decide(rq, &pos, slash + 1, &v)) < 0)
		return r;
	if (v != PV_OPEN) {
		rq->denied = true;
		return -EACCES;
	}
	return 0;
}

static int send_error(const struct pg_req *rq, int err)
{
	struct seccomp_notif_resp resp = {
		.id = rq->n->id, .val = 0, .error = -err, .flags = 0};
	if (ioctl(rq->listener, SECCOMP_IOCTL_NOTIF_SEND, &resp) < 0)
		return -errno;
	return 0;
}

static int send_fd(const struct pg_req *rq, int fd, bool cloexec)
{
	struct seccomp_notif_addfd a = {
		.id = rq->n->id,
		.flags = SECCOMP_ADDFD_FLAG_SEND,
		.srcfd = (uint32_t)fd,
		.newfd = 0,
		.newfd_flags = cloexec ? O_CLOEXEC : 0,
	};
	if (ioctl(rq->listener, SECCOMP_IOCTL_NOTIF_ADDFD, &a) < 0)
		return -errno;
	return 0;
}

/* A blocking FIFO open would stall the listener for every other task: it
 * runs on its own thread, reopening the FIFO through our O_PATH/nonblocking
 * fd with the task's flags. */
struct fifo_job {
	struct procguard *pg;
	int listener;
	struct seccomp_notif n;
	int fd;
	int flags;
};

static void procguard_unref(struct procguard *pg)
{
	if (atomic_fetch_sub(&pg->refs, 1) != 1)
		return;
	if (pg->root_fd >= 0)
		close(pg->root_fd);
	if (pg->proc_fd >= 0)
		close(pg->proc_fd);
	free(pg->walk);
	free(pg);
}

static void *fifo_worker(void *arg)
{
	struct fifo_job *j = arg;
	char p[64];
	snprintf(p, sizeof(p), "/proc/self/fd/%d", j->fd);
	int fd = open(p, (j->flags & ~O_PATH) | O_CLOEXEC);
	struct pg_req rq = {.pg = j->pg, .n = &j->n, .listener = j->listener};
	if (fd < 0)
		send_error(&rq, errno);
	else {
		send_fd(&rq, fd, j->flags & O_CLOEXEC);
		close(fd);
	}
	close(j->fd);
	close(j->listener);
	atomic_fetch_sub(&j->pg->workers, 1);
	procguard_unref(j->pg);
	free(j);
	return NULL;
}

static int start_fifo_worker(struct pg_req *rq, int fd)
{
	if (atomic_fetch_add(&rq->pg->workers, 1) >= PG_MAX_WORKERS) {
		atomic_fetch_sub(&rq->pg->workers, 1);
		return -EAGAIN;
	}
	struct fifo_job *j = malloc(sizeof(*j));
	if (!j) {
		atomic_fetch_sub(&rq->pg->workers, 1);
		return -ENOMEM;
	}
	*j = (struct fifo_job){.pg = rq->pg, .n = *rq->n, .fd = fd,
			       .flags = rq->flags};
	/* Its own listener reference: the owner may close the listener while
	 * the worker still waits for the FIFO's other end. */
	j->listener = fcntl(rq->listener, F_DUPFD_CLOEXEC, 3);
	if (j->listener < 0) {
		int e = errno;
		free(j);
		atomic_fetch_sub(&rq->pg->workers, 1);
		return -e;
	}
	atomic_fetch_add(&rq->pg->refs, 1);
	pthread_attr_t at;
	pthread_t t;
	pthread_attr_init(&at);
	pthread_attr_setdetachstate(&at, PTHREAD_CREATE_DETACHED);
	pthread_attr_setstacksize(&at, 64 * 1024);
	int r = pthread_create(&t, &at, fifo_worker, j);
	pthread_attr_destroy(&at);
	if (r) {
		close(j->listener);
		free(j);
		atomic_fetch_sub(&rq->pg->workers, 1);
		atomic_fetch_sub(&rq->pg->refs, 1);
		return -r;
	}
	return 0;
}

/* ---- request entry ----------------------------------------------------- */

static int task_umask(struct pg_req *rq, mode_t *um)
{
	char buf[4096];
	int n = read_status(rq->tid, buf, sizeof(buf));
	if (n < 0)
		return n == -ENOENT ? -ESRCH : n;
	const char *u = strstr(buf, "\nUmask:");
	if (!u)
		return -EIO;
	*um = (mode_t)strtoul(u + 7, NULL, 8);
	if (!rq->nstgid)
		procguard_parse_nspids(buf, (size_t)n, &rq->nstgid, &rq->nstid);
	return notif_valid(rq) ? 0 : -ESRCH;
}

static int open_task_dir(pid_t tid, int dirfd, int *out)
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

static bool has_dotdot(const char *p)
{
	for (const char *s = p; (s = strstr(s, "..")); s += 2)
		if ((s == p || s[-1] == '/') && (s[2] == '\0' || s[2] == '/'))
			return true;
	return false;
}

/* The walk for this request: openat2's RESOLVE_IN_ROOT and RESOLVE_BENEATH
 * make the start directory the root of the lookup. */
static int walk_req(struct pg_req *rq, int start, const char *path)
{
	if (rq->resolve & (RESOLVE_IN_ROOT | RESOLVE_BENEATH))
		return walk_path(rq, start, start, rq->resolve & RESOLVE_BENEATH, path);
	return walk_path(rq, start, rq->pg->root_fd, false, path);
}

/* Returns the fd to inject or -errno. */
static int pg_open(struct pg_req *rq, int dirfd, const char *path)
{
	struct procguard *pg = rq->pg;
	_cleanup_close_ int start = -1;
	bool absolute = path[0] == '/';
	bool scoped = rq->resolve & (RESOLVE_BENEATH | RESOLVE_IN_ROOT);
	int r;

	if (!*path)
		return -ENOENT;
	if (!absolute || scoped) {
		if ((r = open_task_dir(rq->tid, dirfd, &start)) < 0)
			return r;
		if (!notif_valid(rq))
			return -ESRCH;
		struct stat st;
		if (fstat(start, &st) < 0)
			return -errno;
		if (!S_ISDIR(st.st_mode))
			return -ENOTDIR;
	}
	if (PG_WILL_CREATE(rq->flags)) {
		mode_t um = 0;
		if ((r = task_umask(rq, &um)) < 0)
			return r;
		umask(um); /* this thread has a private fs_struct */
	}
	rq->want_block = !(rq->flags & (O_NONBLOCK | O_PATH));
	/* The guard is a session leader without a terminal: a tty opened
	 * without O_NOCTTY would become its controlling terminal. */
	if (!(rq->flags & O_PATH))
		rq->flags |= O_NOCTTY;

	int fd = -1;
	/* Fast path: one openat2 that cannot pass a procfs symlink or magic
	 * link. Paths under /proc would only come back here, skip it. */
	bool fast = rq->resolve == 0 && (absolute ? strncmp(path, "/proc/", 6) != 0
						  : !has_dotdot(path));
	if (fast) {
		rq->nonblock_added = rq->want_block;
		struct open_how how = {
			.flags = (uint64_t)(rq->flags | O_CLOEXEC |
					    (rq->want_block ? O_NONBLOCK : 0)),
			.mode = rq->mode,
			.resolve = absolute ? RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS
					    : RESOLVE_NO_SYMLINKS};
		fd = (int)sys_openat2(absolute ? pg->root_fd : start, path, &how);
		if (fd < 0 && errno == ENOENT && absolute && !PG_WILL_CREATE(rq->flags)) {
			/* Missing files are common (module lookups). With no
			 * symlink on the way (the same lookup again, symlinks
			 * refused: ENOENT again, not ELOOP), no procfs "self"
			 * was met, so the task's answer is the same. */
			how.resolve |= RESOLVE_NO_SYMLINKS;
			int fd2 = (int)sys_openat2(pg->root_fd, path, &how);
			if (fd2 < 0 && errno == ENOENT) {
				r = -ENOENT;
				goto out;
			}
			if (fd2 >= 0)
				close(fd2); /* created meanwhile: decide below */
			errno = ENOENT;
		}
		if (fd < 0) {
			/* Errors a procfs self/thread-self or magic link on
			 * the way could explain (a magic link the guard's own
			 * "self" leads to is not the task's) are settled by the
			 * walker. Relative paths were tried without any
			 * symlink: their ENOENT stands. */
			r = -errno;
			if (r == -ENOENT && !absolute)
				goto out;
			if (r != -ENOENT && r != -ELOOP && r != -EXDEV &&
			    r != -EAGAIN && r != -ENXIO)
				goto out;
		} else {
			struct statfs sfs;
			if (fstatfs(fd, &sfs) < 0) {
				r = -errno;
				goto out;
			}
			if (sfs.f_type != PROC_SUPER_MAGIC) {
				pg->st.fast++;
				goto opened;
			}
			close(fd);
			fd = -1;
		}
	}
	pg->st.slow++;
	fd = walk_req(rq, start, path);
	if (fd < 0) {
		r = fd;
		goto out;
	}
	if ((r = check_opened(rq, fd)) < 0)
		goto out;
opened:;
	struct stat st;
	if (fstat(fd, &st) < 0) {
		r = -errno;
		goto out;
	}
	/* /dev/tty (5:0) is the opener's controlling terminal. The guard has
	 * none, so the kernel answers ENXIO already, as it does to the task
	 * (a new session); refused here too, whatever the kernel does. */
	if (S_ISCHR(st.st_mode) && st.st_rdev == makedev(5, 0)) {
		r = -ENXIO;
		goto out;
	}
	if (rq->nonblock_added) {
		if (S_ISFIFO(st.st_mode)) {
			if ((r = start_fifo_worker(rq, fd)) == 0)
				return -EINPROGRESS; /* the worker answers */
			goto out;
		}
		/* F_SETFL sets exactly these five flags; the task's own value
		 * of the other four is what open() left in the file. */
		if (fcntl(fd, F_SETFL, rq->flags & (O_APPEND | O_ASYNC | O_DIRECT | O_NOATIME)) < 0) {
			r = -errno;
			goto out;
		}
	}
	return fd;
out:
	if (fd >= 0)
		close(fd);
	/* A FIFO opened for writing without a reader answers ENXIO to a
	 * non-blocking open; the task asked to wait for one. */
	if (r == -ENXIO && rq->want_block && (rq->flags & O_ACCMODE) != O_RDONLY) {
		int saved = rq->flags;
		rq->flags = O_PATH | (saved & O_NOFOLLOW);
		rq->want_block = false;
		int pfd = walk_req(rq, start, path);
		rq->flags = saved;
		struct stat st;
		/* a second resolution: the object is checked again too */
		if (pfd >= 0 && check_opened(rq, pfd) == 0 &&
		    fstat(pfd, &st) == 0 && S_ISFIFO(st.st_mode) &&
		    start_fifo_worker(rq, pfd) == 0)
			return -EINPROGRESS;
		if (pfd >= 0)
			close(pfd);
	}
	return r;
}

static int read_open_how(struct pg_req *rq, uint64_t addr, size_t size)
{
	struct open_how how;
	int r;
	if (size < sizeof(how))
		return -EINVAL;
	if (size > 4096)
		return -E2BIG;
	if ((r = read_task_mem(rq->tid, addr, &how, sizeof(how))) < 0)
		return r;
	if (size > sizeof(how)) {
		/* A larger struct from a newer libc is fine only if the part
		 * we do not know is zero (copy_struct_from_user()). */
		unsigned char tail[4096];
		size_t tl = size - sizeof(how);
		if ((r = read_task_mem(rq->tid, addr + sizeof(how), tail, tl)) < 0)
			return r;
		for (size_t i = 0; i < tl; i++)
			if (tail[i])
				return -E2BIG;
	}
	if ((how.flags & ~(uint64_t)PG_VALID_OPEN_FLAGS) ||
	    (how.resolve & ~(uint64_t)PG_VALID_RESOLVE) ||
	    ((how.resolve & RESOLVE_BENEATH) && (how.resolve & RESOLVE_IN_ROOT)) ||
	    (how.mode & ~(uint64_t)07777) ||
	    (!PG_WILL_CREATE(how.flags) && how.mode) ||
	    ((how.flags & O_PATH) && (how.flags & ~(uint64_t)PG_O_PATH_FLAGS)) ||
	    ((how.flags & O_TMPFILE) == O_TMPFILE &&
	     !(how.flags & (O_WRONLY | O_RDWR))))
		return -EINVAL;
	/* O_PATH cannot be emulated (ADDFD refuses O_PATH files) and cannot be
	 * left to the kernel either: how.flags lives in task memory, another
	 * thread could clear O_PATH after we looked. ENOSYS sends callers to
	 * their openat() fallback, which the filter lets through. */
	if (how.flags & O_PATH)
		return -ENOSYS;
	rq->flags = (int)how.flags;
	rq->mode = (mode_t)how.mode;
	/* RESOLVE_CACHED only promises to fail fast; a full lookup is a
	 * valid answer. */
	rq->resolve = how.resolve & ~(uint64_t)RESOLVE_CACHED;
	return 0;
}

/* build_open_how(): unknown bits dropped, O_PATH keeps only its own, the
 * mode only with O_CREAT / O_TMPFILE. */
static int normalise_open_flags(struct pg_req *rq)
{
	rq->flags &= PG_VALID_OPEN_FLAGS;
	if (rq->flags & O_PATH)
		rq->flags &= PG_O_PATH_FLAGS;
	rq->mode = PG_WILL_CREATE(rq->flags) ? rq->mode & 07777 : 0;
	if ((rq->flags & O_TMPFILE) == O_TMPFILE &&
	    !(rq->flags & (O_WRONLY | O_RDWR)))
		return -EINVAL;
	return 0;
}

void procguard_handle(struct procguard *pg, int listener,
		      const struct seccomp_notif *n, struct procguard_result *res)
{
	struct pg_req rq = {.pg = pg, .n = n, .listener = listener,
			    .tid = (pid_t)n->pid};
	const __u64 *a = n->data.args;
	uint64_t path_addr;
	int dirfd = AT_FDCWD;
	int r;

	memset(res, 0, offsetof(struct procguard_result, path) + 1);
	pg->st.handled++;
#ifdef __NR_open
	if (n->data.nr == __NR_open) {
		path_addr = a[0];
		rq.flags = (int)a[1];
		rq.mode = (mode_t)a[2];
	} else
#endif
#ifdef __NR_creat
	if (n->data.nr == __NR_creat) {
		path_addr = a[0];
		rq.flags = O_CREAT | O_WRONLY | O_TRUNC;
		rq.mode = (mode_t)a[1];
	} else
#endif
	if (n->data.nr == __NR_openat) {
		dirfd = (int)a[0];
		path_addr = a[1];
		rq.flags = (int)a[2];
		rq.mode = (mode_t)a[3];
	} else {
		dirfd = (int)a[0];
		path_addr = a[1];
	}

	/* Flag validation comes first, as in the kernel (build_open_how()
	 * runs before the path is copied). */
	r = 0;
	if (n->data.nr == __NR_openat2)
		r = read_open_how(&rq, a[2], (size_t)a[3]);
	else
		r = normalise_open_flags(&rq);
	int len = read_task_string(rq.tid, path_addr, res->path, sizeof(res->path));
	if (len == -ENAMETOOLONG)
		res->path[sizeof(res->path) - 1] = '\0';
	else if (len < 0)
		res->path[0] = '\0';
	/* Nothing read from the task is used before this check: while the
	 * notification is valid the task is blocked in this syscall, so its
	 * tid cannot have been reused for the reads above. */
	if (!notif_valid(&rq)) {
		res->task_gone = true;
		pg->st.stale++;
		return;
	}
	if (r == 0 && len < 0)
		r = len == -EFAULT || len == -ENAMETOOLONG ? len : -ESRCH;
	if (r < 0)
		goto answer;
	r = pg_open(&rq, dirfd, res->path);
	if (r == -EINPROGRESS)
		return;
	if (r >= 0) {
		int fd = r;
		r = send_fd(&rq, fd, rq.flags & O_CLOEXEC);
		close(fd);
		if (r == 0)
			return;
		/* ENOENT: the task went away (or a signal interrupted the
		 * syscall; it will be restarted and notified again). Anything
		 * else (EMFILE: its fd table is full) is the task's answer. */
		if (r == -ENOENT) {
			res->task_gone = true;
			pg->st.stale++;
			return;
		}
	}
answer:
	/* ESRCH: a /proc/<tid> file vanished under us. If the notification is
	 * still valid the task is alive and gets a plain refusal; if not, the
	 * answer below fails with ENOENT and nothing happens. */
	if (r == -ESRCH)
		r = -EACCES;
	res->err = -r;
	res->denied = rq.denied;
	if (rq.denied) {
		pg->st.denied++;
		if (req_nspids(&rq) == 0)
			res->nspid = rq.nstid;
	}
	if (send_error(&rq, -r) == -ENOENT) {
		res->task_gone = true;
		pg->st.stale++;
	}
}

/* ---- setup ------------------------------------------------------------- */

/* The guard runs inside the sandbox (guard.c): its own root is the
 * sandbox's root, and /proc there is the sandbox's procfs. Without one,
 * every procfs object is refused. */
static void bind_own_root(struct procguard *pg)
{
	struct open_how how = {.flags = O_PATH | O_DIRECTORY | O_CLOEXEC,
			       .resolve = RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS};
	int fd = (int)sys_openat2(pg->root_fd, "proc", &how);
	struct statfs sfs;
	struct stat st;
	if (fd >= 0 && fstatfs(fd, &sfs) == 0 && sfs.f_type == PROC_SUPER_MAGIC &&
	    fstat(fd, &st) == 0 && st.st_ino == 1 /* PROC_ROOT_INO */) {
		int n = fd_dpath(fd, pg->proc_prefix, sizeof(pg->proc_prefix));
		if (n > 0) {
			pg->proc_fd = fd;
			pg->proc_dev = st.st_dev;
			pg->proc_prefix_len = (size_t)n;
			if (n == 1) /* mounted at "/" of the view: no prefix */
				pg->proc_prefix_len = 0;
			fd = -1;
		}
	}
	if (fd >= 0)
		close(fd);
}

int procguard_new(struct procguard **out, struct tj_error *err)
{
	struct procguard *pg = calloc(1, sizeof(*pg));
	if (!pg)
		return tj_error_set(err, ENOMEM, "procguard: allocate state");
	pg->proc_fd = -1;
	atomic_init(&pg->refs, 1);
	pg->walk = calloc(1, sizeof(*pg->walk));
	pg->root_fd = open("/", O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (!pg->walk || pg->root_fd < 0) {
		int e = pg->walk ? errno : ENOMEM;
		procguard_unref(pg);
		return tj_error_set(err, e, "procguard: set up");
	}
	bind_own_root(pg);
	snprintf(pg->own_pid, sizeof(pg->own_pid), "%d", (int)getpid());
	*out = pg;
	return 0;
}

/* A FIFO worker still blocked in open() keeps the state alive until the
 * other end shows up; the last one out frees it. */
void procguard_free(struct procguard *pg)
{
	if (pg)
		procguard_unref(pg);
}

void procguard_get_stats(const struct procguard *pg, struct procguard_stats *st)
{
	*st = pg->st;
}

/* ---- filter rules ------------------------------------------------------ */

static int add_rule(scmp_filter_ctx ctx, uint32_t action, const char *name,
		    int fallback_nr, unsigned argc, const struct scmp_arg_cmp *args,
		    struct tj_error *err)
{
	int nr = seccomp_syscall_resolve_name(name);
	if (nr == __NR_SCMP_ERROR) {
		/* Newer than libseccomp's table: since 5.1 new syscalls have one
		 * number on every architecture (asm-generic/unistd.h). */
		if (fallback_nr < 0)
			return 0;
		nr = fallback_nr;
	}
	if (nr < 0)
		return 0; /* does not exist on this architecture */
	int r = seccomp_rule_add_array(ctx, action, nr, argc, args);
	/* EACCES: the action is the filter's default (a policy whose default
	 * is ENOSYS already answers io_uring that way): nothing to add. */
	if (r < 0 && r != -EEXIST && r != -EACCES)
		return tj_error_set(err, -r, "procguard: seccomp rule for %s", name);
	return 0;
}

/* ALLOW rules are refused by libseccomp (EACCES) when ALLOW is already the
 * default action: then they are not needed. */
static int add_allow(scmp_filter_ctx ctx, const char *name,
		     const struct scmp_arg_cmp *c, struct tj_error *err)
{
	int nr = seccomp_syscall_resolve_name(name);
	if (nr < 0)
		return 0;
	int r = seccomp_rule_add_array(ctx, SCMP_ACT_ALLOW, nr, 1, c);
	if (r < 0 && r != -EACCES && r != -EEXIST)
		return tj_error_set(err, -r, "procguard: seccomp rule for %s", name);
	return 0;
}

int procguard_add_rules(void *vctx, void *data, struct tj_error *err)
{
	(void)data;
	scmp_filter_ctx ctx = vctx;
	int r;
	/* O_PATH opens stay in the kernel: ADDFD cannot install an O_PATH file
	 * (seccomp_notify_addfd() uses fget(), which skips them), and an O_PATH
	 * fd reads nothing. Every way to turn one into a readable fd is an open
	 * of /proc/self/fd/N or an openat() relative to it, which is intercepted
	 * and decided on the object. The flags are a register here, so BPF can
	 * look at them; openat2's live in memory and always notify. */
	static const struct { const char *n; unsigned arg; } notify[] = {
		{"open", 1}, {"openat", 2}, {"creat", 99}, {"openat2", 99}};
	for (size_t i = 0; i < ELEMENTSOF(notify); i++) {
		if (notify[i].arg > 5) {
			if ((r = add_rule(ctx, SCMP_ACT_NOTIFY, notify[i].n, -1, 0, NULL, err)) < 0)
				return r;
			continue;
		}
		struct scmp_arg_cmp no_path = {notify[i].arg, SCMP_CMP_MASKED_EQ, O_PATH, 0};
		struct scmp_arg_cmp path = {notify[i].arg, SCMP_CMP_MASKED_EQ, O_PATH, O_PATH};
		if ((r = add_rule(ctx, SCMP_ACT_NOTIFY, notify[i].n, -1, 1, &no_path, err)) < 0 ||
		    (r = add_allow(ctx, notify[i].n, &path, err)) < 0)
			return r;
	}

	/* io_uring's OPENAT / OPENAT2 / READ requests never pass through
	 * seccomp. ENOSYS makes libuv and the runtimes fall back to threads. */
	static const struct { const char *n; int nr; } nosys[] = {
		{"io_uring_setup", 425}, {"io_uring_enter", 426},
		{"io_uring_register", 427},
		/* clone3's flags live in memory, where BPF cannot look; glibc
		 * falls back to clone(2), whose flags are filtered below. */
		{"clone3", 435},
	};
	for (size_t i = 0; i < ELEMENTSOF(nosys); i++)
		if ((r = add_rule(ctx, SCMP_ACT_ERRNO(ENOSYS), nosys[i].n,
				  nosys[i].nr, 0, NULL, err)) < 0)
			return r;

	/* A second procfs, a bind mount of some environ, a mount namespace of
	 * the task's own, the mount table without procfs (statmount,
	 * listmount), file handles, other processes' memory, another filter
	 * that could take precedence: each would defeat the guard. */
	static const struct { const char *n; int nr; } perm[] = {
		{"mount", -1},          {"umount2", -1},       {"umount", -1},
		{"pivot_root", -1},     {"chroot", -1},        {"open_tree", 428},
		{"move_mount", 429},    {"fsopen", 430},       {"fsconfig", 431},
		{"fsmount", 432},       {"fspick", 433},       {"mount_setattr", 442},
		{"statmount", 457},     {"listmount", 458},    {"open_tree_attr", 467},
		{"open_by_handle_at", -1}, {"ptrace", -1},
		{"process_vm_readv", -1}, {"process_vm_writev", -1},
		{"pidfd_getfd", 438},   {"setns", -1},         {"seccomp", -1},
	};
	for (size_t i = 0; i < ELEMENTSOF(perm); i++)
		if ((r = add_rule(ctx, SCMP_ACT_ERRNO(EPERM), perm[i].n,
				  perm[i].nr, 0, NULL, err)) < 0)
			return r;

	/* unshare(2) / clone(2) of any new namespace. These rules replace the
	 * policy's own for the two syscalls (extra rules win), so they must
	 * refuse every CLONE_NEW* flag the shipped policies refuse, not only
	 * the ones the guard depends on (mount, user, pid). The explicit ALLOW
	 * for the other flag values keeps threads and fork working. CLONE_NEWTIME
	 * (0x80) exists for unshare only: in clone(2) that bit is part of the
	 * exit signal. */
	static const uint64_t ns_bits[] = {
		CLONE_NEWNS, CLONE_NEWCGROUP, CLONE_NEWUTS, CLONE_NEWIPC,
		CLONE_NEWUSER, CLONE_NEWPID, CLONE_NEWNET, 0x80 /* CLONE_NEWTIME */,
	};
	uint64_t clone_mask = 0, unshare_mask = 0;
	for (size_t i = 0; i < ELEMENTSOF(ns_bits); i++) {
		unshare_mask |= ns_bits[i];
		if (ns_bits[i] != 0x80)
			clone_mask |= ns_bits[i];
	}
	struct scmp_arg_cmp u_none = SCMP_A0(SCMP_CMP_MASKED_EQ, unshare_mask, 0);
	struct scmp_arg_cmp c_none = SCMP_A0(SCMP_CMP_MASKED_EQ, clone_mask, 0);
	if ((r = add_allow(ctx, "unshare", &u_none, err)) < 0 ||
	    (r = add_allow(ctx, "clone", &c_none, err)) < 0)
		return r;
	for (size_t i = 0; i < ELEMENTSOF(ns_bits); i++) {
		uint64_t b = ns_bits[i];
		struct scmp_arg_cmp c = SCMP_A0(SCMP_CMP_MASKED_EQ, b, b);
		if ((r = add_rule(ctx, SCMP_ACT_ERRNO(EPERM), "unshare", -1, 1, &c, err)) < 0)
			return r;
		/* clone(2): flags are the first argument on x86-64, arm64 */
		if (b != 0x80 && (r = add_rule(ctx, SCMP_ACT_ERRNO(EPERM), "clone", -1, 1, &c, err)) < 0)
			return r;
	}
	struct scmp_arg_cmp pr = SCMP_A0(SCMP_CMP_EQ, PR_SET_SECCOMP);
	struct scmp_arg_cmp npr = SCMP_A0(SCMP_CMP_NE, PR_SET_SECCOMP);
	if ((r = add_allow(ctx, "prctl", &npr, err)) < 0)
		return r;
	return add_rule(ctx, SCMP_ACT_ERRNO(EPERM), "prctl", -1, 1, &pr, err);
}

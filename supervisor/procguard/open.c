/* SPDX-License-Identifier: Apache-2.0 */
/* procguard: open-family emulation for the /proc guard (DESIGN §3 layer 3),
 * the entry point. See ../shared/notes/procguard.md for the research, and
 * docs/procguard.md for the design and its figures.
 *
 * This runs in the guard process (../guard.c), inside every namespace of the
 * sandbox with the task's uid, gids and groups, so every lookup and open
 * below is judged by the kernel as the task's would be. For each
 * intercepted open:
 *  1. the path (and openat2's struct open_how) is copied out of the task
 *     (task.c), then SECCOMP_IOCTL_NOTIF_ID_VALID is checked before a byte
 *     of it is used (the tid could have been reused);
 *  2. the start directory is taken as an fd (/proc/<tid>/cwd or
 *     /proc/<tid>/fd/N, per thread), ID_VALID again;
 *  3. the path is resolved. Fast path: one openat2() that cannot pass a
 *     magic link (RESOLVE_IN_ROOT from the root for absolute paths,
 *     RESOLVE_NO_SYMLINKS for relative ones); a result on procfs and every
 *     error a procfs "self" could explain ("self" is the guard here, not
 *     the task) go to the walker (walk.c), which follows symlinks itself,
 *     rewrites self and thread-self to the requester's pids, follows magic
 *     links only inside the requester's own thread group and refuses
 *     (procfs directory, name) pairs in the deny set before opening;
 *  4. the object it got is decided on again by its procfs path (decide.c),
 *     whatever route reached it, and
 *  5. it is injected with SECCOMP_IOCTL_NOTIF_ADDFD + SECCOMP_ADDFD_FLAG_SEND,
 *     or an errno is answered (answer.c). Never
 *     SECCOMP_USER_NOTIF_FLAG_CONTINUE: the kernel would re-read the path
 *     from task memory, which another thread can change after the decision.
 */
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
#include <linux/magic.h>
#include <sys/sysmacros.h>

#include "util.h"

#include "procguard/internal.h"
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
		return pg_walk_path(rq, start, start, rq->resolve & RESOLVE_BENEATH, path);
	return pg_walk_path(rq, start, rq->pg->root_fd, false, path);
}

/* The start directory of a relative or scoped lookup: the task's dirfd
 * or cwd, which must be a directory. */
static int open_start(struct pg_req *rq, int dirfd, int *start)
{
	int r = pg_open_task_dir(rq->tid, dirfd, start);
	if (r < 0)
		return r;
	if (!pg_notif_valid(rq))
		return -ESRCH;
	struct stat st;
	if (fstat(*start, &st) < 0)
		return -errno;
	return S_ISDIR(st.st_mode) ? 0 : -ENOTDIR;
}

/* open_fast() could not answer: the walker decides. */
#define PG_WALK 1

/* 1 if fd is on a procfs, 0 if not (st filled), or -errno. procfs, like
 * every filesystem without a device, has an anonymous st_dev (major 0:
 * get_tree_nodev()); a file whose st_dev has a block device's major is on
 * a disk filesystem and needs no fstatfs(), one syscall less per open. */
static int fd_on_procfs(int fd, struct stat *st)
{
	if (fstat(fd, st) < 0)
		return -errno;
	if (major(st->st_dev) != 0)
		return 0;
	struct statfs sfs;
	if (fstatfs(fd, &sfs) < 0)
		return -errno;
	return sfs.f_type == PROC_SUPER_MAGIC;
}

/* Fast path: one openat2 that cannot pass a procfs symlink or magic link.
 * Returns an fd that is not on procfs (its stat in st), the task's answer
 * (-errno), or PG_WALK. */
static int open_fast(struct pg_req *rq, int start, const char *path, struct stat *st)
{
	struct procguard *pg = rq->pg;
	bool absolute = path[0] == '/';
	rq->nonblock_added = rq->want_block;
	struct open_how how = {
		.flags = (uint64_t)(rq->flags | O_CLOEXEC | (rq->want_block ? O_NONBLOCK : 0)),
		.mode = rq->mode,
		.resolve = absolute ? RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS : RESOLVE_NO_SYMLINKS};
	int fd = (int)sys_openat2(absolute ? pg->root_fd : start, path, &how);
	if (fd >= 0) {
		int r = fd_on_procfs(fd, st);
		if (r == 0) {
			pg->st.fast++;
			return fd;
		}
		close(fd);
		return r < 0 ? r : PG_WALK;
	}
	/* An error is the task's answer only if no procfs "self" can have
	 * been on the way: "self" is the guard here (its non-dumpable pid
	 * answers EACCES where the task's own would open). Relative paths
	 * were tried without any symlink. An absolute one is tried again
	 * with symlinks refused: the same error means none was met (ELOOP
	 * means one was: the walker decides). The FIFO and crossing errors
	 * always go to the walker. */
	int r = -errno;
	if (r == -ELOOP || r == -EXDEV || r == -EAGAIN || r == -ENXIO)
		return PG_WALK;
	if (!absolute)
		return r;
	if (PG_WILL_CREATE(rq->flags))
		return PG_WALK;
	how.resolve |= RESOLVE_NO_SYMLINKS;
	int fd2 = (int)sys_openat2(pg->root_fd, path, &how);
	if (fd2 >= 0) {
		close(fd2); /* there meanwhile: walk */
		return PG_WALK;
	}
	return -errno == r ? r : PG_WALK;
}

/* The last checks on an opened fd whose stat is st (NULL: not taken yet);
 * returns it, -EINPROGRESS when a FIFO worker answers, or -errno (fd
 * closed). */
static int open_finish(struct pg_req *rq, int fd, const struct stat *st)
{
	struct stat own;
	int r = 0;
	if (!st) {
		if (fstat(fd, &own) < 0) {
			r = -errno;
			close(fd);
			return r;
		}
		st = &own;
	}
	/* /dev/tty (5:0) is the opener's controlling terminal. The guard has
	 * none, so the kernel answers ENXIO already, as it does to the task
	 * (a new session); refused here too, whatever the kernel does. */
	if (S_ISCHR(st->st_mode) && st->st_rdev == makedev(5, 0))
		r = -ENXIO;
	else if (rq->nonblock_added && S_ISFIFO(st->st_mode) &&
		 (r = pg_start_fifo_worker(rq, fd)) == 0)
		return -EINPROGRESS; /* the worker answers; it owns fd */
	/* F_SETFL sets exactly these five flags; the task's own value of the
	 * other four is what open() left in the file. */
	else if (rq->nonblock_added && !S_ISFIFO(st->st_mode) &&
		 fcntl(fd, F_SETFL, rq->flags & (O_APPEND | O_ASYNC | O_DIRECT | O_NOATIME)) < 0)
		r = -errno;
	if (r == 0)
		return fd;
	close(fd);
	return r;
}

/* A FIFO opened for writing without a reader answers ENXIO to a
 * non-blocking open; the task asked to wait for one. Resolves the path
 * again (the object is checked again too) and hands a FIFO to a worker. */
static int open_blocking_fifo(struct pg_req *rq, int start, const char *path)
{
	int saved = rq->flags;
	rq->flags = O_PATH | (saved & O_NOFOLLOW);
	rq->want_block = false;
	int pfd = walk_req(rq, start, path);
	rq->flags = saved;
	struct stat st;
	if (pfd >= 0 && pg_check_opened(rq, pfd) == 0 && fstat(pfd, &st) == 0 &&
	    S_ISFIFO(st.st_mode) && pg_start_fifo_worker(rq, pfd) == 0)
		return -EINPROGRESS;
	if (pfd >= 0)
		close(pfd);
	return -ENXIO;
}

/* Returns the fd to inject, -EINPROGRESS (a FIFO worker answers) or -errno. */
static int pg_open(struct pg_req *rq, int dirfd, const char *path)
{
	_cleanup_close_ int start = -1;
	bool absolute = path[0] == '/';
	bool scoped = rq->resolve & (RESOLVE_BENEATH | RESOLVE_IN_ROOT);
	int r;

	if (!*path)
		return -ENOENT;
	if ((!absolute || scoped) && (r = open_start(rq, dirfd, &start)) < 0)
		return r;
	if (PG_WILL_CREATE(rq->flags)) {
		mode_t um = 0;
		if ((r = pg_task_umask(rq, &um)) < 0)
			return r;
		umask(um); /* this thread has a private fs_struct */
	}
	rq->want_block = !(rq->flags & (O_NONBLOCK | O_PATH));
	/* The guard is a session leader without a terminal: a tty opened
	 * without O_NOCTTY would become its controlling terminal. */
	if (!(rq->flags & O_PATH))
		rq->flags |= O_NOCTTY;

	/* Paths under /proc would only come back from the fast path. */
	bool fast = rq->resolve == 0 && (absolute ? strncmp(path, "/proc/", 6) != 0
						  : !has_dotdot(path));
	struct stat st;
	int fd = fast ? open_fast(rq, start, path, &st) : PG_WALK;
	bool walked = fd == PG_WALK;
	if (walked) {
		rq->pg->st.slow++;
		fd = walk_req(rq, start, path);
		if (fd >= 0 && (r = pg_check_opened(rq, fd)) < 0) {
			close(fd);
			fd = r;
		}
	}
	if (fd >= 0)
		fd = open_finish(rq, fd, walked ? NULL : &st);
	if (fd == -ENXIO && rq->want_block && (rq->flags & O_ACCMODE) != O_RDONLY)
		return open_blocking_fifo(rq, start, path);
	return fd;
}

static int read_open_how(struct pg_req *rq, uint64_t addr, size_t size)
{
	struct open_how how;
	int r;
	if (size < sizeof(how))
		return -EINVAL;
	if (size > 4096)
		return -E2BIG;
	if ((r = pg_read_task_mem(rq->tid, addr, &how, sizeof(how))) < 0)
		return r;
	if (size > sizeof(how)) {
		/* A larger struct from a newer libc is fine only if the part
		 * we do not know is zero (copy_struct_from_user()). */
		unsigned char tail[4096];
		size_t tl = size - sizeof(how);
		if ((r = pg_read_task_mem(rq->tid, addr + sizeof(how), tail, tl)) < 0)
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

/* The path, dirfd, flags and mode of an open, openat, creat or openat2
 * (openat2's flags and mode come from its struct open_how later). */
static uint64_t decode_args(struct pg_req *rq, const struct seccomp_notif *n, int *dirfd)
{
	const __u64 *a = n->data.args;
	*dirfd = AT_FDCWD;
#ifdef __NR_open
	if (n->data.nr == __NR_open) {
		rq->flags = (int)a[1];
		rq->mode = (mode_t)a[2];
		return a[0];
	}
#endif
#ifdef __NR_creat
	if (n->data.nr == __NR_creat) {
		rq->flags = O_CREAT | O_WRONLY | O_TRUNC;
		rq->mode = (mode_t)a[1];
		return a[0];
	}
#endif
	*dirfd = (int)a[0];
	if (n->data.nr == __NR_openat) {
		rq->flags = (int)a[2];
		rq->mode = (mode_t)a[3];
	}
	return a[1];
}

/* Refuses the open with -r, noting a guard denial and a gone task. */
static void answer_error(struct pg_req *rq, int r, struct procguard_result *res)
{
	struct procguard *pg = rq->pg;
	/* ESRCH: a /proc/<tid> file vanished under us. If the notification is
	 * still valid the task is alive and gets a plain refusal; if not, the
	 * answer below fails with ENOENT and nothing happens. */
	if (r == -ESRCH)
		r = -EACCES;
	res->err = -r;
	res->denied = rq->denied;
	if (rq->denied) {
		pg->st.denied++;
		if (pg_req_nspids(rq) == 0)
			res->nspid = rq->nstid;
	}
	if (pg_send_error(rq, -r) == -ENOENT) {
		res->task_gone = true;
		pg->st.stale++;
	}
}

void procguard_handle(struct procguard *pg, int listener,
		      const struct seccomp_notif *n, struct procguard_result *res)
{
	struct pg_req rq = {.pg = pg, .n = n, .listener = listener,
			    .tid = (pid_t)n->pid};
	int dirfd;
	uint64_t path_addr = decode_args(&rq, n, &dirfd);
	int r;

	memset(res, 0, offsetof(struct procguard_result, path) + 1);
	pg->st.handled++;
	/* Flag validation comes first, as in the kernel (build_open_how()
	 * runs before the path is copied). */
	r = 0;
	if (n->data.nr == __NR_openat2)
		r = read_open_how(&rq, n->data.args[2], (size_t)n->data.args[3]);
	else
		r = normalise_open_flags(&rq);
	int len = pg_read_task_string(rq.tid, path_addr, res->path, sizeof(res->path));
	if (len == -ENAMETOOLONG)
		res->path[sizeof(res->path) - 1] = '\0';
	else if (len < 0)
		res->path[0] = '\0';
	/* Nothing read from the task is used before this check: while the
	 * notification is valid the task is blocked in this syscall, so its
	 * tid cannot have been reused for the reads above. */
	if (!pg_notif_valid(&rq)) {
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
		r = pg_send_fd(&rq, fd, rq.flags & O_CLOEXEC);
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
	answer_error(&rq, r, res);
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
		int n = pg_fd_dpath(fd, pg->proc_prefix, sizeof(pg->proc_prefix));
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
	pg->root_fd = -1;
	atomic_init(&pg->refs, 1);
	pg->walk = calloc(1, sizeof(*pg->walk));
	pthread_mutex_init(&pg->jobs_lock, NULL);
	if (!pg->walk) {
		pg_procguard_unref(pg);
		return tj_error_set(err, ENOMEM, "procguard: allocate state");
	}
	/* Written now, not at the first open: calloc leaves fresh heap
	 * untouched, and each first write of a page costs a fault (~10 us
	 * on the VMs measured, bench/README.md "Issue 15, part 6").
	 * explicit_bzero: a memset after calloc may be optimised away. */
	explicit_bzero(pg->walk, sizeof(*pg->walk));
	snprintf(pg->own_pid, sizeof(pg->own_pid), "%d", (int)getpid());
	*out = pg;
	return 0;
}

int procguard_bind(struct procguard *pg, struct tj_error *err)
{
	pg->root_fd = open("/", O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (pg->root_fd < 0)
		return tj_error_set(err, errno, "procguard: set up");
	bind_own_root(pg);
	return 0;
}

/* A FIFO worker still blocked in open() keeps the state alive until the
 * other end shows up; the last one out frees it. */
void procguard_free(struct procguard *pg)
{
	if (pg)
		pg_procguard_unref(pg);
}

void procguard_get_stats(const struct procguard *pg, struct procguard_stats *st)
{
	*st = pg->st;
}


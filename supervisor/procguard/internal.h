/* SPDX-License-Identifier: Apache-2.0 */
/* What the files of the /proc guard share (not for other modules):
 *   task.c    reading the task: its path and open_how, status, cwd/dirfd
 *   walk.c    the walker: resolves a path component by component
 *   decide.c  the decision on a procfs position and on the opened object
 *   policy.c  the pure rules (names, allowlist, classification)
 *   answer.c  the answer: ADDFD or an errno, FIFO workers
 *   open.c    the entry point: one notification, end to end
 * The seccomp rules the guard needs are in ../seccomp_guard_rules.c. */
#pragma once
#include <limits.h>
#include <pthread.h>
#include <linux/openat2.h>
#include <linux/seccomp.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/syscall.h>
#include <sys/types.h>
#include <unistd.h>

#include "procguard/policy.h"
#include "procguard/procguard.h"

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
	/* One slot per FIFO worker, for pg_release_stale(): the request's id
	 * and our own O_PATH fd of the FIFO (to open its other end). */
	pthread_mutex_t jobs_lock;
	struct pg_job_slot {
		bool used, released;
		uint64_t id;
		int fd, flags;
	} jobs[PG_MAX_WORKERS];
	atomic_int refs;           /* 1 for the owner + 1 per worker */
	struct walk *walk;         /* the slow path's state, reused */
	struct pg_nscache nscache[PG_NSCACHE];
	struct procguard_stats st; /* written by the listener thread only */
};


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


enum pg_verdict { PV_OPEN, PV_DENY, PV_SELF, PV_THREAD_SELF };

/* The structural decision for opening `name` in procfs directory `pos`. */

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


static inline long sys_openat2(int dirfd, const char *path, struct open_how *how)
{
	return syscall(SYS_openat2, dirfd, path, how, sizeof(*how));
}

/* task.c */
int pg_read_status(pid_t tid, char *buf, size_t size);
bool pg_notif_valid(const struct pg_req *rq);
int pg_req_nspids(struct pg_req *rq);
int pg_read_task_string(pid_t tid, uint64_t addr, char *buf, size_t size);
int pg_read_task_mem(pid_t tid, uint64_t addr, void *buf, size_t len);
int pg_task_umask(struct pg_req *rq, mode_t *um);
int pg_open_task_dir(pid_t tid, int dirfd, int *out);
/* decide.c */
bool pg_fd_on_procfs(int fd, struct pg_req *rq, int *err, bool *is_root);
int pg_fd_dpath(int fd, char *buf, size_t size);
void pg_classify_dir(struct pg_req *rq, int dirfd, struct pg_pos *pos);
int pg_is_own(struct pg_req *rq, pid_t pid, bool *own);
int pg_proc_decide(struct pg_req *rq, const struct pg_pos *pos, const char *name,
		   enum pg_verdict *v);
int pg_check_opened(struct pg_req *rq, int fd);
/* walk.c */
int pg_walk_path(struct pg_req *rq, int start, int root, bool scoped, const char *path);
/* answer.c */
int pg_send_error(const struct pg_req *rq, int err);
int pg_send_fd(const struct pg_req *rq, int fd, bool cloexec);
int pg_start_fifo_worker(struct pg_req *rq, int fd);
void pg_procguard_unref(struct procguard *pg);

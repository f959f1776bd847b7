/* SPDX-License-Identifier: Apache-2.0 */
/* procguard: the answer (ADDFD or an errno) and the FIFO workers. */
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
#include <pthread.h>

#include "procguard/internal.h"
#include "util.h"
int pg_send_error(const struct pg_req *rq, int err)
{
	struct seccomp_notif_resp resp = {
		.id = rq->n->id, .val = 0, .error = -err, .flags = 0};
	if (ioctl(rq->listener, SECCOMP_IOCTL_NOTIF_SEND, &resp) < 0)
		return -errno;
	return 0;
}

int pg_send_fd(const struct pg_req *rq, int fd, bool cloexec)
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
	int slot;
};

void pg_procguard_unref(struct procguard *pg)
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
	/* The FIFO was found with the task's O_NOFOLLOW already; here it would
	 * refuse the magic link itself (ELOOP, where the kernel opens). */
	int fd = open(p, (j->flags & ~(O_PATH | O_NOFOLLOW)) | O_CLOEXEC);
	struct pg_req rq = {.pg = j->pg, .n = &j->n, .listener = j->listener};
	if (fd < 0)
		pg_send_error(&rq, errno);
	else {
		pg_send_fd(&rq, fd, j->flags & O_CLOEXEC);
		close(fd);
	}
	close(j->fd);
	close(j->listener);
	pthread_mutex_lock(&j->pg->jobs_lock);
	close(j->pg->jobs[j->slot].fd);
	j->pg->jobs[j->slot].used = false;
	pthread_mutex_unlock(&j->pg->jobs_lock);
	atomic_fetch_sub(&j->pg->workers, 1);
	pg_procguard_unref(j->pg);
	free(j);
	return NULL;
}

int pg_start_fifo_worker(struct pg_req *rq, int fd)
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
	struct procguard *pg = rq->pg;
	pthread_mutex_lock(&pg->jobs_lock);
	int slot = -1;
	for (int i = 0; i < PG_MAX_WORKERS && slot < 0; i++)
		if (!pg->jobs[i].used)
			slot = i;
	int own = slot >= 0 ? fcntl(fd, F_DUPFD_CLOEXEC, 3) : -1;
	if (own >= 0)
		pg->jobs[slot] = (struct pg_job_slot){.used = true, .id = rq->n->id,
						      .fd = own, .flags = rq->flags};
	pthread_mutex_unlock(&pg->jobs_lock);
	if (own < 0) {
		int e = slot < 0 ? EAGAIN : errno;
		close(j->listener);
		free(j);
		atomic_fetch_sub(&pg->workers, 1);
		return -e;
	}
	j->slot = slot;
	atomic_fetch_add(&rq->pg->refs, 1);
	pthread_attr_t at;
	pthread_t t;
	pthread_attr_init(&at);
	pthread_attr_setdetachstate(&at, PTHREAD_CREATE_DETACHED);
	pthread_attr_setstacksize(&at, 64 * 1024);
	int r = pthread_create(&t, &at, fifo_worker, j);
	pthread_attr_destroy(&at);
	if (r) {
		pthread_mutex_lock(&pg->jobs_lock);
		close(pg->jobs[slot].fd);
		pg->jobs[slot].used = false;
		pthread_mutex_unlock(&pg->jobs_lock);
		close(j->listener);
		free(j);
		atomic_fetch_sub(&rq->pg->workers, 1);
		atomic_fetch_sub(&rq->pg->refs, 1);
		return -r;
	}
	return 0;
}


int procguard_pending_workers(struct procguard *pg)
{
	return pg ? atomic_load(&pg->workers) : 0;
}

/* A worker waits in open() for the FIFO's other end; if the task that
 * asked went away (killed, or its call interrupted for good), nobody would
 * ever come and the worker would hold its slot for the sandbox's life: 32
 * such and every blocking FIFO open failed. So the worker is released by
 * opening the other end ourselves (non-blocking, closed at once): its open
 * returns, the answer finds no request, and it cleans up. */
void procguard_release_stale(struct procguard *pg, int listener)
{
	pthread_mutex_lock(&pg->jobs_lock);
	for (int i = 0; i < PG_MAX_WORKERS; i++) {
		struct pg_job_slot *sl = &pg->jobs[i];
		if (!sl->used || sl->released)
			continue;
		uint64_t id = sl->id;
		if (ioctl(listener, SECCOMP_IOCTL_NOTIF_ID_VALID, &id) == 0)
			continue;
		char p[64];
		snprintf(p, sizeof(p), "/proc/self/fd/%d", sl->fd);
		int other = open(p, ((sl->flags & O_ACCMODE) == O_RDONLY ? O_WRONLY : O_RDONLY) |
					    O_NONBLOCK | O_CLOEXEC | O_NOCTTY);
		if (other >= 0)
			close(other);
		sl->released = true;
	}
	pthread_mutex_unlock(&pg->jobs_lock);
}

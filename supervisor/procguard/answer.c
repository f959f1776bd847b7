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
	int fd = open(p, (j->flags & ~O_PATH) | O_CLOEXEC);
	struct pg_req rq = {.pg = j->pg, .n = &j->n, .listener = j->listener};
	if (fd < 0)
		pg_send_error(&rq, errno);
	else {
		pg_send_fd(&rq, fd, j->flags & O_CLOEXEC);
		close(fd);
	}
	close(j->fd);
	close(j->listener);
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


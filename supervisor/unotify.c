/* SPDX-License-Identifier: Apache-2.0 */
#include "unotify.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/ioctl.h>
#include <sys/syscall.h>
#include <unistd.h>
#include <linux/seccomp.h>

#include "log.h"
#include "procguard.h"
#include "util.h"

#ifndef SECCOMP_IOCTL_NOTIF_SET_FLAGS
#define SECCOMP_IOCTL_NOTIF_SET_FLAGS SECCOMP_IOW(4, __u64)
#endif
#ifndef SECCOMP_USER_NOTIF_FD_SYNC_WAKE_UP
#define SECCOMP_USER_NOTIF_FD_SYNC_WAKE_UP (1UL << 0)
#endif

/* Provided by seccomp.c (the policy module). Declared weak so that this
 * module also links into tools that carry no policy; with s == NULL it is
 * never called. */
int seccomp_denial_lookup(const struct tj_seccomp *s, const struct seccomp_data *d,
			  int *err_out, const char **name_out) __attribute__((weak));
size_t seccomp_denial_json(char *buf, size_t size, const char *name,
			   const struct seccomp_notif *n, int err) __attribute__((weak));

struct tj_unotify {
	atomic_int listener;     /* closed by the thread if it has to give up */
	int wake_fd;             /* eventfd: attach or stop wakes the thread */
	atomic_bool stopping;
	const struct tj_seccomp *sec;
	int log_fd;
	struct procguard *pg;
	pthread_t thread;
	bool running;
	struct procguard_result res; /* reused, no allocation per notification */
	bool bound;              /* procguard_bind() done (first notification) */
	bool broken;             /* ... and it failed: every open gets EACCES */
};

static const char *open_call_name(int nr)
{
#ifdef __NR_open
	if (nr == __NR_open)
		return "open";
#endif
#ifdef __NR_creat
	if (nr == __NR_creat)
		return "creat";
#endif
	if (nr == __NR_openat)
		return "openat";
	return "openat2";
}

static void log_deny(struct tj_unotify *u, const char *call, const char *path,
		     pid_t nspid, pid_t host_pid, int err)
{
	if (u->log_fd < 0)
		return;
	if (path) {
		char esc[4096 * 6 + 8];
		util_json_escape(esc, sizeof(esc), path);
		log_event(u->log_fd,
			  "\"event\":\"deny\",\"by\":\"procguard\",\"syscall\":\"%s\","
			  "\"path\":\"%s\",\"pid\":%d,\"host_pid\":%d,\"errno\":%d",
			  call, esc, (int)nspid, (int)host_pid, err);
	} else {
		log_event(u->log_fd,
			  "\"event\":\"deny\",\"by\":\"seccomp\",\"syscall\":\"%s\","
			  "\"host_pid\":%d,\"errno\":%d",
			  call, (int)host_pid, err);
	}
}

static void answer_error(int listener, uint64_t id, int err)
{
	struct seccomp_notif_resp resp = {.id = id, .error = -err};
	/* ENOENT: the task went away; nothing to do. */
	(void)ioctl(listener, SECCOMP_IOCTL_NOTIF_SEND, &resp);
}

static void handle_other(struct tj_unotify *u, const struct seccomp_notif *n)
{
	int err = EPERM;
	const char *name = NULL;
	char num[32];
	if (u->sec && seccomp_denial_lookup &&
	    seccomp_denial_lookup(u->sec, &n->data, &err, &name) < 0)
		err = EPERM;
	if (!name) {
		snprintf(num, sizeof(num), "%d", n->data.nr);
		name = num;
	}
	answer_error(u->listener, n->id, err);
	if (u->log_fd >= 0 && u->sec && seccomp_denial_json) {
		/* The policy's deny line, with the number and arguments
		 * (taskjail-policy(5)), the same as without the guard. */
		char m[512];
		seccomp_denial_json(m, sizeof(m), name, n, err);
		log_event(u->log_fd, "%s,\"by\":\"seccomp\"", m);
		return;
	}
	log_deny(u, name, NULL, 0, (pid_t)n->pid, err);
}

static void *unotify_thread(void *arg)
{
	struct tj_unotify *u = arg;
	/* Nobody waits for this setup (a handshake would put a thread
	 * start, ~0.5 ms on a busy machine, into every launch): on failure
	 * the listener is closed, which fails every open closed. */
	struct tj_error e = {0};
	if (procguard_thread_init(&e) < 0) {
		tj_error_print(&e);
		close(atomic_exchange(&u->listener, -1));
		return NULL;
	}

	struct seccomp_notif n;
	struct pollfd pfd[2] = {
		{.fd = u->listener, .events = POLLIN}, /* -1 until attached */
		{.fd = u->wake_fd, .events = POLLIN},
	};
	for (;;) {
		/* Waiting in poll() rather than in the RECV ioctl matters: with
		 * SECCOMP_USER_NOTIF_FD_SYNC_WAKE_UP the kernel wakes pollers of
		 * the listener on the CPU of the task that made the call. */
		int r = poll(pfd, 2, -1);
		if (r < 0) {
			if (errno == EINTR)
				continue;
			goto failed;
		}
		if (pfd[1].revents) {
			uint64_t v;
			ssize_t rd = read(u->wake_fd, &v, sizeof(v));
			(void)rd;
			if (atomic_load(&u->stopping))
				break;
			pfd[0].fd = u->listener; /* unotify_attach() */
			continue;
		}
		if (pfd[0].revents & (POLLERR | POLLNVAL))
			goto failed;
		if (!(pfd[0].revents & POLLIN)) {
			if (pfd[0].revents & POLLHUP)
				break; /* every task of the filter is gone */
			continue;
		}
		memset(&n, 0, sizeof(n)); /* RECV wants it zeroed */
		if (ioctl(u->listener, SECCOMP_IOCTL_NOTIF_RECV, &n) < 0) {
			/* ENOENT: the task was killed between poll and RECV. */
			if (errno == ENOENT || errno == EINTR)
				continue;
			goto failed;
		}
		if (procguard_is_open_call(&n.data) && !u->bound) {
			/* The first task to open something tells us the
			 * sandbox's root and /proc; it must still be the one
			 * that asked when we are done. */
			struct tj_error e = {0};
			uint64_t id = n.id;
			int br = procguard_bind(u->pg, (pid_t)n.pid, &e);
			if (ioctl(u->listener, SECCOMP_IOCTL_NOTIF_ID_VALID, &id) < 0) {
				/* It died meanwhile (its tid may be another
				 * process's now): try again with the next. */
				procguard_unbind(u->pg);
				continue;
			}
			u->bound = true;
			if (br < 0) {
				tj_error_print(&e);
				u->broken = true;
			}
		}
		if (u->broken) {
			/* Fail closed: without the sandbox's root nothing can
			 * be decided. */
			answer_error(u->listener, n.id, EACCES);
		} else if (procguard_is_open_call(&n.data)) {
			procguard_handle(u->pg, u->listener, &n, &u->res);
			if (u->res.denied && !u->res.task_gone)
				log_deny(u, open_call_name(n.data.nr), u->res.path,
					 u->res.nspid, (pid_t)n.pid, u->res.err);
		} else {
			handle_other(u, &n);
		}
	}
	return NULL;
failed:
	/* Nobody would answer any more: close the listener so that pending
	 * and future calls fail with ENOSYS instead of hanging. */
	fprintf(stderr, "taskjail: procguard: seccomp listener: %s; opens in the sandbox now fail\n",
		strerror(errno));
	close(atomic_exchange(&u->listener, -1));
	return NULL;
}

static void set_sync_wakeup(int listener)
{
	/* Linux >= 6.6; older kernels answer EINVAL and we go on without. */
	(void)ioctl(listener, SECCOMP_IOCTL_NOTIF_SET_FLAGS,
		    SECCOMP_USER_NOTIF_FD_SYNC_WAKE_UP);
}

int unotify_attach(struct tj_unotify *u, int listener_fd)
{
	if (u->listener >= 0) {
		close(listener_fd);
		return -EBUSY;
	}
	set_sync_wakeup(listener_fd);
	atomic_store(&u->listener, listener_fd);
	uint64_t one = 1;
	if (write(u->wake_fd, &one, sizeof(one)) < 0)
		return -errno; /* cannot happen: the counter is far from full */
	return 0;
}

int unotify_start(int listener_fd, pid_t init_pid, const struct tj_seccomp *s,
		  int log_fd, struct tj_unotify **out, struct tj_error *err)
{
	struct tj_unotify *u = calloc(1, sizeof(*u));
	if (!u) {
		close(listener_fd);
		return tj_error_set(err, ENOMEM, "unotify: allocate state");
	}
	u->listener = listener_fd;
	(void)init_pid; /* see unotify.h: the first notifying task binds */
	u->sec = s;
	u->log_fd = log_fd;
	u->wake_fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	int r;
	if (u->wake_fd < 0) {
		r = tj_error_set(err, errno, "unotify: eventfd");
		goto fail;
	}
	if (listener_fd >= 0)
		set_sync_wakeup(listener_fd);
	if ((r = procguard_new(&u->pg, err)) < 0)
		goto fail;
	/* The thread must not take signals meant for the supervisor's loop. */
	sigset_t all, old;
	sigfillset(&all);
	pthread_sigmask(SIG_SETMASK, &all, &old);
	r = -pthread_create(&u->thread, NULL, unotify_thread, u);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (r < 0) {
		tj_error_set(err, -r, "unotify: start listener thread");
		goto fail;
	}
	u->running = true;
	*out = u;
	return 0;
fail:
	unotify_stop(u);
	return r;
}

void unotify_stop(struct tj_unotify *u)
{
	if (!u)
		return;
	unotify_join(u, NULL);
	int l = atomic_exchange(&u->listener, -1);
	if (l >= 0)
		close(l);
	if (u->wake_fd >= 0)
		close(u->wake_fd);
	procguard_free(u->pg);
	free(u);
}

void unotify_join(struct tj_unotify *u, struct procguard_stats *st)
{
	if (u->running) {
		uint64_t one = 1;
		atomic_store(&u->stopping, true);
		ssize_t w = write(u->wake_fd, &one, sizeof(one));
		(void)w;
		pthread_join(u->thread, NULL);
		u->running = false;
	}
	if (st)
		procguard_get_stats(u->pg, st);
}

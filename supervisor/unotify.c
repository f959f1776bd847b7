/* SPDX-License-Identifier: Apache-2.0 */
#include "unotify.h"

#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <poll.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <unistd.h>
#include <linux/seccomp.h>

#include "procguard/procguard.h"
#include "seccomp.h"
#include "util.h"

#ifndef SECCOMP_IOCTL_NOTIF_SET_FLAGS
#define SECCOMP_IOCTL_NOTIF_SET_FLAGS SECCOMP_IOW(4, __u64)
#endif
#ifndef SECCOMP_USER_NOTIF_FD_SYNC_WAKE_UP
#define SECCOMP_USER_NOTIF_FD_SYNC_WAKE_UP (1UL << 0)
#endif

/* The raw path in a deny line is cut to this many bytes: escaped (at most
 * 6 bytes per byte) it still fits UNOTIFY_EVENT_MAX with the other
 * members, so every line stays valid JSON. */
#define DENY_PATH_MAX 512

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

/* Deny lines are rate-limited per sandbox, in bytes: a task that loops on
 * denied calls must not fill the host's log (measured: 10 000 lines/s,
 * 150 MB in 10 s without a limit). A token bucket: DENY_BURST bytes at
 * once, then DENY_RATE bytes per second (the "deny_suppressed" lines are
 * charged too); what is left out is counted and reported in one
 * "deny_suppressed" line when lines flow again, and at the end. */
#define DENY_RATE (16 * 1024)
#define DENY_BURST (256 * 1024)

static struct {
	double tokens;
	uint64_t last_ns, suppressed;
	bool started;
} bucket;

static void raw_send(const struct unotify_plan *p, const char *body, size_t len)
{
	if (send(p->events_fd, body, len, MSG_DONTWAIT | MSG_NOSIGNAL) < 0 && p->stats)
		p->stats->log_dropped++;
}

static void flush_suppressed(const struct unotify_plan *p)
{
	if (!bucket.suppressed)
		return;
	char body[128];
	int m = snprintf(body, sizeof(body), "\"event\":\"deny_suppressed\",\"count\":%llu,"
			 "\"limit_bytes_per_s\":%d", (unsigned long long)bucket.suppressed, DENY_RATE);
	raw_send(p, body, (size_t)m);
	bucket.tokens -= m;
	bucket.suppressed = 0;
}

/* Sends one event body to the supervisor. Never blocks: a supervisor that
 * does not keep up loses lines (counted), the sandbox does not stall. */
static void send_event(const struct unotify_plan *p, const char *body, size_t len)
{
	if (p->events_fd < 0)
		return;
	uint64_t now = util_now_ns();
	if (!bucket.started) {
		bucket.started = true;
		bucket.tokens = DENY_BURST;
	} else {
		bucket.tokens += (double)(now - bucket.last_ns) * DENY_RATE / 1e9;
		if (bucket.tokens > DENY_BURST)
			bucket.tokens = DENY_BURST;
	}
	bucket.last_ns = now;
	/* room for this line and the "suppressed" line before it */
	if (bucket.tokens < (double)len + (bucket.suppressed ? 128 : 0)) {
		bucket.suppressed++;
		if (p->stats)
			p->stats->log_suppressed++;
		return;
	}
	flush_suppressed(p);
	bucket.tokens -= (double)len;
	raw_send(p, body, len);
}

/* A refused open: the same members as the policy's deny line (syscall, nr,
 * arch, args, pid, errno: seccomp_denial_json), then the path. */
static void log_open_deny(const struct unotify_plan *p, const struct seccomp_notif *n,
			  const char *path, pid_t pid, int err)
{
	if (p->events_fd < 0)
		return;
	char cut[DENY_PATH_MAX + 1];
	size_t len = strnlen(path, DENY_PATH_MAX + 1);
	bool truncated = len > DENY_PATH_MAX;
	memcpy(cut, path, truncated ? DENY_PATH_MAX : len);
	cut[truncated ? DENY_PATH_MAX : len] = '\0';
	char esc[DENY_PATH_MAX * 6 + 8];
	util_json_escape(esc, sizeof(esc), cut);
	/* pid: the requesting thread in the sandbox, as in the policy's lines */
	struct seccomp_notif m = *n;
	m.pid = (uint32_t)pid;
	char body[UNOTIFY_EVENT_MAX];
	size_t o = seccomp_denial_json(body, sizeof(body), open_call_name(n->data.nr), &m, err);
	int k = snprintf(body + o, sizeof(body) - o, ",\"path\":\"%s\",%s\"by\":\"procguard\"",
			 esc, truncated ? "\"path_truncated\":true," : "");
	if (k > 0 && o + (size_t)k < sizeof(body))
		send_event(p, body, o + (size_t)k);
}

static void answer_error(int listener, uint64_t id, int err)
{
	struct seccomp_notif_resp resp = {.id = id, .error = -err};
	/* ENOENT: the task went away; nothing to do. */
	(void)ioctl(listener, SECCOMP_IOCTL_NOTIF_SEND, &resp);
}

/* A notification of the policy itself: a denial logged with --log-denials. */
static void handle_denial(const struct unotify_plan *p, const struct seccomp_notif *n)
{
	int err = EPERM;
	const char *name = NULL;
	int ge = p->pg ? procguard_rule_errno(&n->data) : 0;
	if (ge) { /* one of the guard's own rules */
		err = ge;
		name = seccomp_syscall_name(n->data.arch, n->data.nr);
	} else if (p->sec) {
		(void)seccomp_denial_lookup(p->sec, &n->data, &err, &name);
	}
	if (p->events_fd >= 0) {
		/* Logged before answering: the line then precedes whatever the
		 * task prints after the call returns. */
		char body[UNOTIFY_EVENT_MAX];
		size_t m = seccomp_denial_json(body, sizeof(body), name, n, err);
		int k = snprintf(body + m, sizeof(body) - m, ",\"by\":\"seccomp\"");
		if (k > 0 && m + (size_t)k < sizeof(body))
			send_event(p, body, m + (size_t)k);
	}
	answer_error(p->listener, n->id, err);
}

/* SECCOMP_ADDFD_FLAG_SEND wakes the task, which installs the fd and then
 * wakes us again (the ioctl waits for that); a normal task woken on the
 * task's CPU preempts it there, only to close an fd and poll: two more
 * switches between the address spaces per open, and the task comes back
 * cold each time (docs/procguard.md "Cost": 4 switches per open
 * become 2). SCHED_BATCH keeps our share and weight but never preempts on
 * wake-up, so that tail runs when the task next blocks (usually on its next
 * open, which we then find without sleeping) or on an idle CPU. A new
 * request seldom waits for us: the task that sends one goes to sleep and
 * frees its CPU. An unprivileged call; if it fails we run as before. */
static void no_wakeup_preemption(void)
{
	struct sched_param sp = {.sched_priority = 0};
	(void)sched_setscheduler(0, SCHED_BATCH, &sp);
}

int unotify_serve(const struct unotify_plan *p, struct tj_error *err)
{
	struct procguard *pg = p->pg;
	struct procguard_result res;
	struct seccomp_notif n;
	int r = 0;

	/* Linux >= 6.6: wake the handler on the CPU of the task that made the
	 * call; older kernels answer EINVAL and we go on without. */
	(void)ioctl(p->listener, SECCOMP_IOCTL_NOTIF_SET_FLAGS,
		    SECCOMP_USER_NOTIF_FD_SYNC_WAKE_UP);
	no_wakeup_preemption();
	for (;;) {
		/* Waiting in poll() rather than in the RECV ioctl matters: with
		 * SYNC_WAKE_UP the kernel wakes pollers of the listener on the
		 * CPU of the task that made the call. */
		struct pollfd pfd = {.fd = p->listener, .events = POLLIN};
		/* FIFO workers whose requester went away are released; while
		 * any is waiting, look once a second. */
		int pending = procguard_pending_workers(pg);
		if (pending)
			procguard_release_stale(pg, p->listener);
		if (poll(&pfd, 1, pending ? 1000 : -1) < 0) {
			if (errno == EINTR)
				continue;
			r = tj_error_set(err, errno, "poll the seccomp listener");
			goto out;
		}
		if (pfd.revents & (POLLERR | POLLNVAL)) {
			r = tj_error_setx(err, EIO, "the seccomp listener failed");
			goto out;
		}
		if (!(pfd.revents & POLLIN)) {
			if (pfd.revents & POLLHUP)
				break; /* every task of the filter is gone */
			continue;
		}
		memset(&n, 0, sizeof(n)); /* RECV wants it zeroed */
		if (ioctl(p->listener, SECCOMP_IOCTL_NOTIF_RECV, &n) < 0) {
			/* ENOENT: the task was killed between poll and RECV. */
			if (errno == ENOENT || errno == EINTR)
				continue;
			r = tj_error_set(err, errno, "receive a seccomp notification");
			goto out;
		}
		if (pg && procguard_is_open_call(&n.data)) {
			procguard_handle(pg, p->listener, &n, &res);
			if (res.denied && !res.task_gone)
				log_open_deny(p, &n, res.path, res.nspid ? res.nspid : (pid_t)n.pid, res.err);
			if (p->stats) {
				struct procguard_stats g;
				procguard_get_stats(pg, &g);
				g.log_dropped = p->stats->log_dropped;
				g.log_suppressed = p->stats->log_suppressed;
				*p->stats = g;
			}
		} else {
			handle_denial(p, &n);
		}
	}
out:
	if (p->events_fd >= 0)
		flush_suppressed(p);
	procguard_free(pg);
	close(p->listener);
	return r;
}

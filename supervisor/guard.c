/* SPDX-License-Identifier: Apache-2.0 */
#include "guard.h"

#include <errno.h>
#include <sched.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <sys/capability.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <stdint.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "caps.h"
#include "procguard/procguard.h"
#include "sysio.h"
#include "unotify.h"
#include "util.h"

/* Setup errors and a failing listener are reported as an event line; the
 * exit status tells init that the guard failed. */
static void report(const struct guard_plan *p, const struct tj_error *e)
{
	if (p->events_fd < 0)
		return;
	char msg[TJ_ERRMSG_MAX * 6 + 8], body[TJ_ERRMSG_MAX * 6 + 64];
	util_json_escape(msg, sizeof(msg), e->msg);
	int n = snprintf(body, sizeof(body), "\"event\":\"guard_error\",\"message\":\"%s\",\"errno\":%d",
			 msg, e->err);
	if (n > 0 && (size_t)n < sizeof(body))
		(void)send(p->events_fd, body, (size_t)n, MSG_DONTWAIT | MSG_NOSIGNAL);
}

/* The stack the serve loop will use (a path buffer, a notification, a deny
 * line: its deepest path needs under 40 KiB), written once -- within the
 * caller's stack limit, which the guard's stack inherits: a small `ulimit
 * -s` gets no warming rather than a guard killed by it (red team). */
#define WARM_STACK (32 * 1024)

__attribute__((noinline))
static void warm_stack_now(void)
{
	volatile char buf[WARM_STACK];
	for (size_t i = 0; i < sizeof(buf); i += 4096)
		buf[i] = 0;
}

static void warm_stack(void)
{
	struct rlimit rl;
	if (getrlimit(RLIMIT_STACK, &rl) == 0 &&
	    (rl.rlim_cur == RLIM_INFINITY || rl.rlim_cur >= 8 * WARM_STACK))
		warm_stack_now();
}

__attribute__((noreturn))
static void die(const struct guard_plan *p, const struct tj_error *e)
{
	report(p, e);
	_exit(TJ_EXIT_SETUP);
}

void guard_main(const struct guard_plan *p)
{
	struct tj_error err = { 0 };

	/* Die with init (and so with the sandbox). */
	prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0);
	if (getppid() != 1)
		_exit(TJ_EXIT_SETUP);
	/* Every signal that can be held is held (the raw call: glibc's
	 * sigprocmask leaves out its own 32 and 33). The task cannot signal
	 * us anyway: the shield refuses signals to our pid and group, and
	 * the task cannot open our /proc/<pid> as a pidfd (procguard). */
	uint64_t all = ~0ULL;
	syscall(SYS_rt_sigprocmask, SIG_SETMASK, &all, NULL, sizeof(all));
	/* No controlling terminal: /dev/tty must mean nothing to us. */
	if (setsid() < 0) {
		tj_error_set(&err, errno, "guard: setsid");
		die(p, &err);
	}
	/* init locked the securebits and emptied the bounding set for us
	 * and the runner (init.c, init_main). */
	if (caps_keep_only(CAP_SYS_PTRACE, &err) < 0)
		die(p, &err);
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0) {
		tj_error_set(&err, errno, "guard: PR_SET_NO_NEW_PRIVS");
		die(p, &err);
	}
	/* After the capability change (which may reset it): the files of
	 * /proc/<guard> belong to root now; ptrace and pidfd_getfd on us fail. */
	prctl(PR_SET_DUMPABLE, 0, 0, 0, 0);

	/* Ready before the runner's first open, which waits for us: our code
	 * mapped, our stack and state written now, while the runner installs
	 * its filters and execs (a fresh fork faults in every page it
	 * touches: ~20 faults of 10-15 us each here, which the task's first
	 * open waited for; bench/README.md "Issue 15, part 6"). Only the
	 * strict guard answers opens; a guard that only logs denials skips
	 * it. Nothing of this opens or closes an fd. */
	struct procguard *pg = NULL;
	if (p->strict) {
		sysio_prefault_code();
		warm_stack();
		if (procguard_new(&pg, &err) < 0)
			die(p, &err);
	}

	/* The fd table is init's (and the runner's) until the runner has
	 * installed its filter: nothing here opens or closes an fd before. A
	 * runner that failed before its filter exits, init with it, and
	 * PDEATHSIG ends us; EOF means init is gone too. */
	char b;
	ssize_t n;
	do
		n = read(p->go_r, &b, 1);
	while (n < 0 && errno == EINTR);
	if (n != 1)
		_exit(0);
	int lfd = p->handoff->listener;
	if (unshare(CLONE_FILES) < 0) {
		tj_error_set(&err, errno, "guard: unshare the fd table");
		die(p, &err);
	}
	int keep[] = { lfd, p->events_fd };
	if (sysio_close_fds_except(keep, ELEMENTSOF(keep)) < 0) {
		tj_error_set(&err, errno, "guard: close inherited file descriptors");
		die(p, &err);
	}
	/* The caller's stdio (possibly its terminal) is not ours to keep. */
	int null = open("/dev/null", O_RDWR | O_CLOEXEC);
	for (int fd = 0; fd < 3; fd++) {
		if (null >= 0)
			dup2(null, fd);
		else
			close(fd);
	}
	if (null > 2)
		close(null);
	if (lfd < 0)
		_exit(0);
	if (pg && procguard_bind(pg, &err) < 0)
		die(p, &err);

	struct unotify_plan up = {
		.listener = lfd, .sec = p->sec, .pg = pg,
		.events_fd = p->events_fd, .stats = p->stats,
	};
	if (unotify_serve(&up, &err) < 0)
		die(p, &err);
	_exit(0);
}

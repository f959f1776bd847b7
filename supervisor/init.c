/* SPDX-License-Identifier: Apache-2.0 */
/* pid 1 of the sandbox: finishes setup, starts the guard and the runner
 * (runner.c), reaps, forwards signals. Everything here runs in the clone()d
 * child and sees only its plan (init.h): errors go to the supervisor over
 * the sync socket. */
#include "init.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "caps.h"
#include "guard.h"
#include "procguard/procguard.h"
#include "procself.h"
#include "proto.h"
#include "runner.h"
#include "shield.h"
#include "sysio.h"
#ifdef TJ_PID1
#include <fcntl.h>
#include <linux/capability.h>
#include "pid1.h"
#endif
#include "mounts.h"
#include "netns.h"
#include "seccomp.h"
#include "userns.h"
#include "util.h"

void init_fail(const struct init_plan *p, const struct tj_error *err)
{
	proto_fail(p->sync_fd, TJ_EXIT_SETUP, err);
}

/* Zero the argv and environment strings inherited from the supervisor:
 * /proc/1/cmdline and /proc/1/environ read this memory, and it may hold
 * secrets (the launcher's token, --setenv values). */
static void scrub_memory(char **argv, char **envp)
{
	for (char **p = argv; p && *p; p++)
		memset(*p, 0, strlen(*p));
	for (char **p = envp; p && *p; p++)
		memset(*p, 0, strlen(*p));
}

static void send_stats(const struct init_plan *p, const struct procguard_stats *st)
{
	struct proto_msg m = { .type = PROTO_STATS };
	snprintf(m.text, sizeof(m.text),
		 "\"opens\":%llu,\"fast\":%llu,\"walked\":%llu,\"denied\":%llu,"
		 "\"stale\":%llu,\"log_dropped\":%llu,\"log_suppressed\":%llu",
		 (unsigned long long)st->handled, (unsigned long long)st->fast,
		 (unsigned long long)st->slow, (unsigned long long)st->denied,
		 (unsigned long long)st->stale, (unsigned long long)st->log_dropped,
		 (unsigned long long)st->log_suppressed);
	proto_send(p->sync_fd, &m, -1);
}

/* Nothing of the supervisor reaches the task through pid 1: its fds, its
 * argv/env memory, its /proc files. */
static void hide_supervisor(const struct init_plan *p)
{
	struct tj_error err = { 0 };
	int keep[] = { p->sync_fd, p->relay_fd, p->events_fd, p->shared ? p->shared->pid1_fd : -1 };
	if (sysio_close_fds_except(keep, ELEMENTSOF(keep)) < 0) {
		tj_error_set(&err, errno, "close inherited file descriptors");
		init_fail(p, &err);
	}
	/* Shared mode (pid1.h): this is the supervisor's memory, which it puts
	 * back once we are gone; the guard and the runner see it zeroed. */
	scrub_memory(p->scrub_argv, p->scrub_envp);
	/* Non-dumpable: /proc/1/{environ,mem,...} belong to root and the
	 * runner cannot ptrace pid 1. (Shared mode: the supervisor too, until
	 * it has its memory to itself again.) */
	prctl(PR_SET_DUMPABLE, 0, 0, 0, 0);
}

/* A root caller's child still has host uid 0 (unmapped here); become 65532,
 * which maps to the unprivileged host id. Changing uids clears the
 * parent-death signal and resets "dumpable" to fs.suid_dumpable, so set
 * both again. */
static void become_sandbox_user(const struct init_plan *p)
{
	struct tj_error err = { 0 };
	if (getuid() == TJ_SANDBOX_UID && getgid() == TJ_SANDBOX_GID)
		return;
	if (userns_become_sandbox_user(&err) < 0)
		init_fail(p, &err);
	prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0);
	prctl(PR_SET_DUMPABLE, 0, 0, 0, 0);
	struct pollfd pf = { .fd = p->sync_fd, .events = POLLIN };
	if (poll(&pf, 1, 0) == 1 && (pf.revents & (POLLHUP | POLLERR)))
		_exit(TJ_EXIT_SETUP);
}

/* hostname, the new root (sources cloned with the caller's rights, then
 * the uid switch, then the root assembled), lo up. */
static void build_sandbox(const struct init_plan *p)
{
	const struct tj_config *cfg = p->cfg;
	struct tj_error err = { 0 };
	const char *hn = cfg->hostname ? cfg->hostname : "taskjail";
	/* Podman's default seccomp profile allows the namespaces but refuses
	 * sethostname without CAP_SYS_ADMIN in the container (EPERM): the
	 * UTS namespace is still the sandbox's own, it keeps the name it was
	 * created with (the container's). Said on stderr. */
	if (sethostname(hn, strlen(hn)) < 0) {
		if (errno != EPERM) {
			tj_error_set(&err, errno, "sethostname %s", hn);
			init_fail(p, &err);
		}
		dprintf(STDERR_FILENO, "taskjail: notice: sethostname refused (EPERM: an outer seccomp "
			"filter, e.g. Podman's default profile); the sandbox keeps the host's hostname "
			"in its own UTS namespace\n");
	}
	struct mounts_prep prep = { 0 };
	if (mounts_prepare(cfg, &prep, &err) < 0)
		init_fail(p, &err);
	become_sandbox_user(p);
	if (mounts_finish(cfg, &prep, &err) < 0)
		init_fail(p, &err);
	mounts_prep_free(&prep);
	if (cfg->net != TJ_NET_HOST && netns_loopback_up(&err) < 0)
		init_fail(p, &err);
}

/* Signals: forwarded ones and SIGCHLD arrive through a signalfd. They were
 * blocked by the supervisor before clone. */
static int open_signalfd(const struct init_plan *p)
{
	struct tj_error err = { 0 };
	sigset_t set;
	sigemptyset(&set);
	int fwd[] = { INIT_FORWARDED_SIGNALS };
	for (size_t i = 0; i < ELEMENTSOF(fwd); i++)
		sigaddset(&set, fwd[i]);
	sigaddset(&set, SIGCHLD);
	sigprocmask(SIG_BLOCK, &set, NULL);
	int sfd = signalfd(-1, &set, SFD_CLOEXEC | SFD_NONBLOCK);
	if (sfd < 0) {
		tj_error_set(&err, errno, "signalfd");
		init_fail(p, &err);
	}
	return sfd;
}

/* net: relay. The supervisor makes its listeners in this netns now (with
 * its socket maker, sandbox.c); the runner starts once they exist, so its
 * first connection to the broker is never refused (the JS runner exits on
 * a failed connect). The relay socket carries nothing else. */
static void wait_relay_ready(const struct init_plan *p)
{
	while (p->cfg->net == TJ_NET_RELAY) {
		struct proto_msg m;
		int fd;
		ssize_t n = proto_recv(p->relay_fd, &m, &fd, 0);
		if (n == -EINTR)
			continue;
		if (fd >= 0)
			close(fd);
		if (n <= 0) /* supervisor gone: PDEATHSIG follows */
			_exit(TJ_EXIT_SETUP);
		if (m.type == PROTO_RELAY_READY)
			break;
	}
}

/* The notifier (guard.c), pid 2, before the runner: forked sharing init's
 * fd table (guard.h: the runner leaves the listener in it; no SCM_RIGHTS).
 * Returns its pid, or -1 when no listener is needed; *handoff gets what
 * the runner needs to hand the listener over (NULL without a guard). */
static pid_t start_guard(const struct init_plan *p, struct procguard_stats **stats,
			 struct guard_handoff **handoff)
{
	struct tj_error err = { 0 };
	struct shared {
		struct procguard_stats stats;
		struct guard_handoff handoff;
	} *sh;
	int go[2] = { -1, -1 };
	*stats = NULL;
	*handoff = NULL;
	if (!seccomp_needs_listener(p->seccomp))
		return -1;
	sh = mmap(NULL, sizeof(*sh), PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (sh == MAP_FAILED || pipe2(go, O_CLOEXEC) < 0) {
		tj_error_set(&err, errno, "set up the guard's channel");
		init_fail(p, &err);
	}
	sh->handoff = (struct guard_handoff){ .listener = -1, .go_w = go[1] };
	/* A fork but for the fd table (glibc's fork() takes no flags). init
	 * is single-threaded; the child only calls guard_main. */
	pid_t guard = (pid_t)syscall(SYS_clone, CLONE_FILES | SIGCHLD, NULL, NULL, NULL, NULL);
	if (guard < 0) {
		tj_error_set(&err, errno, "fork the guard");
		init_fail(p, &err);
	}
	if (guard == 0) {
		struct guard_plan gp = {
			.handoff = &sh->handoff, .go_r = go[0], .events_fd = p->events_fd,
			.sec = p->seccomp, .stats = &sh->stats,
			.strict = p->cfg->proc_guard == TJ_PROC_GUARD_STRICT,
		};
		guard_main(&gp);
	}
	if (guard != SHIELD_GUARD_PID) {
		/* The shield protects the guard by its pid. */
		tj_error_setx(&err, EPROTO, "the guard got pid %d, not %d", (int)guard,
			      SHIELD_GUARD_PID);
		init_fail(p, &err);
	}
	/* go[0], go[1], events_fd and, once the runner has one, the listener
	 * stay open in this table: the guard copies it when it reads the byte,
	 * which may be after our next step. */
	*stats = &sh->stats;
	*handoff = &sh->handoff;
	return guard;
}

/* The runner is started vfork-style: clone(CLONE_VM | CLONE_VFORK) on a
 * stack of its own, so its start copies no page tables (measured in
 * bench/README.md). init stays suspended until the runner's execve (or its
 * exit on a failed step), so the runner may use init's memory without a
 * race. It shares init's fd table (CLONE_FILES) until execve gives it a
 * copy of its own (and closes every close-on-exec fd in it): what the
 * runner opens there stays open for init -- the seccomp listener, which
 * the guard takes from the same table, and under proc_guard self the
 * runner's own /proc entries, which must stay held once its Landlock
 * rules name them (procself.h). So the runner closes nothing it did not
 * open: whatever it inherited is close-on-exec. What else it changes is
 * its own: signal dispositions (no CLONE_SIGHAND), cwd (no CLONE_FS),
 * session, rlimits, credentials, no_new_privs and seccomp filters are per
 * process; runner.c allocates nothing (caps.c uses raw syscalls) and never
 * returns. */
#define RUNNER_STACK (256 * 1024)

/* AddressSanitizer cannot follow a child running on a stack it did not
 * make (it warns, then may report false errors): sanitizer builds start
 * the runner with a copy of init's memory (no CLONE_VM), the rest alike. */
#if defined(__SANITIZE_ADDRESS__)
#define RUNNER_FORK 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define RUNNER_FORK 1
#endif
#endif

#ifndef RUNNER_FORK
struct runner_start {
	const struct init_plan *p;
	struct guard_handoff *handoff;
	struct procself_share *self;
};

static int runner_entry(void *arg)
{
	const struct runner_start *rs = arg;
	runner_main(rs->p, rs->handoff, rs->self);
}

#ifdef TJ_PID1
static int runner_entry_shared(void *arg)
{
	struct shared_build *sh = arg;
	runner_main(sh->runner_arg[0], sh->runner_arg[1], sh->runner_arg[2]);
}

/* Shared mode (pid1.h): init leaves the supervisor's memory for pid1.c's
 * program. Its own fd table first (the runner keeps the one we shared,
 * close-on-exec marks and all); in it, the sync socket and the signalfd
 * stay open for pid 1. No capabilities left before the exec: it is of a
 * file we cannot read, which makes pid 1 non-dumpable. */
__attribute__((noreturn))
static void become_pid1(const struct init_plan *p, int sfd, pid_t runner, int ready_w)
{
	struct __user_cap_header_struct h = { _LINUX_CAPABILITY_VERSION_3, 0 };
	struct __user_cap_data_struct d[2] = { { 0 } };
	char env[80];
	snprintf(env, sizeof(env), PID1_ENV "=%d,%d,%d,%d", p->sync_fd, sfd, (int)runner, ready_w);
	char *argv[] = { "", NULL }, *envp[] = { env, NULL };
	p->shared->handing_over = 1;
	if (unshare(CLONE_FILES) == 0 && close(p->shared->ready_r) == 0 && fcntl(p->sync_fd, F_SETFD, 0) == 0 &&
	    fcntl(sfd, F_SETFD, 0) == 0 && fcntl(ready_w, F_SETFD, 0) == 0 && syscall(SYS_capset, &h, d) == 0)
		syscall(SYS_execveat, p->shared->pid1_fd, "", argv, envp, AT_EMPTY_PATH);
	/* Refused (a filter above us that the supervisor's probe did not
	 * catch, a security module): no byte reaches the runner, so no task
	 * runs, and the supervisor starts over with init a fork (red team).
	 * No error message: the failure is not the launch's. A kill on the
	 * way (SIGSYS) ends the same way. */
	p->shared->exec_errno = errno;
	_exit(TJ_EXIT_SETUP);
}
#endif
#endif

static pid_t start_runner(const struct init_plan *p, struct guard_handoff *handoff,
			  struct procself_share *self)
{
	struct tj_error err = { 0 };
#ifdef RUNNER_FORK
	pid_t runner = (pid_t)syscall(SYS_clone, CLONE_VFORK | CLONE_FILES | SIGCHLD, NULL, NULL, NULL, NULL);
	if (runner == 0)
		runner_main(p, handoff, self);
#else
#ifdef TJ_PID1
	struct shared_build *sh = p->shared;
	if (sh) {
		/* Shared mode (pid1.h): no CLONE_VFORK -- we exec pid 1 while
		 * the runner finishes, and it execs the task only after that
		 * (it waits for init_word). Its stack and start arguments are
		 * in the supervisor's memory, which outlives our exec. */
		sh->runner_arg[0] = (void *)p;
		sh->runner_arg[1] = handoff;
		sh->runner_arg[2] = self;
		sh->runner_word = 1;
		pid_t r = clone(runner_entry_shared, sh->runner_stack,
				CLONE_VM | CLONE_FILES | CLONE_CHILD_CLEARTID | SIGCHLD, sh, NULL, NULL,
				&sh->runner_word);
		if (r < 0) {
			sh->runner_word = 0;
			tj_error_set(&err, errno, "start the runner");
			init_fail(p, &err);
		}
		return r;
	}
#endif
	long page = sysconf(_SC_PAGESIZE);
	size_t len = RUNNER_STACK + (size_t)page;
	/* The lowest page stays PROT_NONE: an overflow faults instead of
	 * writing into init's memory. */
	char *stack = mmap(NULL, len, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_STACK, -1, 0);
	if (stack == MAP_FAILED || mprotect(stack + page, RUNNER_STACK, PROT_READ | PROT_WRITE) < 0) {
		tj_error_set(&err, errno, "map the runner's stack");
		init_fail(p, &err);
	}
	struct runner_start rs = { .p = p, .handoff = handoff, .self = self };
	pid_t runner = clone(runner_entry, stack + len, CLONE_VM | CLONE_VFORK | CLONE_FILES | SIGCHLD, &rs);
	munmap(stack, len);
#endif
	if (runner < 0) {
		tj_error_set(&err, errno, "start the runner");
		init_fail(p, &err);
	}
	return runner;
}

struct children {
	pid_t runner;
	pid_t guard; /* -1: none, or it finished its work */
	const struct procguard_stats *stats;
};

static void forward_signal(const struct children *c, int sig)
{
	kill(c->runner, sig);
	/* A stopped runner would hold a termination signal pending forever:
	 * wake it, as timeout(1) does. */
	if (sig == SIGTERM || sig == SIGINT || sig == SIGHUP || sig == SIGQUIT)
		kill(c->runner, SIGCONT);
}

/* The guard cannot answer any more: end the sandbox rather than let every
 * open hang (stopped) or fail with ENOSYS (gone). */
__attribute__((noreturn))
static void guard_lost(const struct init_plan *p, const struct children *c, pid_t w, int ws)
{
	struct tj_error err = { 0 };
	kill(c->runner, SIGKILL);
	if (WIFSTOPPED(ws))
		tj_error_setx(&err, EPIPE, "the /proc guard (sandbox pid %d) was stopped (signal %d); the sandbox was ended",
			      (int)w, WSTOPSIG(ws));
	else
		tj_error_setx(&err, EPIPE, "the /proc guard (sandbox pid %d) exited (%s %d); the sandbox was stopped",
			      (int)w, WIFSIGNALED(ws) ? "signal" : "status",
			      WIFSIGNALED(ws) ? WTERMSIG(ws) : WEXITSTATUS(ws));
	init_fail(p, &err);
}

/* Reaps every child that has exited. The runner's exit ends init. A stop
 * of the guard (SIGSTOP through any of its threads' tids, which the shield
 * cannot know) ends the sandbox; other stops are not exits. */
static void reap(const struct init_plan *p, struct children *c)
{
	int ws;
	pid_t w;
	while ((w = waitpid(-1, &ws, WNOHANG | WUNTRACED)) > 0) {
		if (WIFSTOPPED(ws)) {
			if (w == c->guard)
				guard_lost(p, c, w, ws);
			continue;
		}
		if (w == c->guard && WIFEXITED(ws) && WEXITSTATUS(ws) == 0) {
			/* Every task under the filter is gone (or the runner
			 * failed before it had one): the runner's exit follows. */
			c->guard = -1;
			continue;
		}
		if (w == c->guard) /* killed, or its listener failed */
			guard_lost(p, c, w, ws);
		if (w != c->runner)
			continue; /* an orphan: reaped, nothing else */
		if (c->stats)
			send_stats(p, c->stats);
		struct proto_msg ex = { .type = PROTO_EXIT, .value = ws };
		proto_send(p->sync_fd, &ex, -1);
		/* Leaving takes every other process of the sandbox with us
		 * (pid namespace teardown). */
		_exit(0);
	}
}

/* proc_guard self (procself.h): init holds /proc's system-wide entries
 * before the runner names them (by these fds, in the table it shares with
 * init); the runner's own, the runner itself, in the same table, which
 * keeps them open for init after its execve. NULL in other modes. */
static struct procself_share *start_self(const struct init_plan *p, struct procself_share *sh)
{
	struct tj_error err = { 0 };
	if (p->cfg->proc_guard != TJ_PROC_GUARD_SELF)
		return NULL;
	if (procself_hold_global(sh, &err) < 0)
		init_fail(p, &err);
	return sh;
}

__attribute__((noreturn))
static void supervise(const struct init_plan *p, int sfd, struct children *c)
{
	for (;;) {
		/* The sync socket only says when the supervisor is gone (EOF):
		 * the sandbox ends with it, whether or not its parent-death
		 * signal reached us. */
		struct pollfd pf[2] = { { .fd = sfd, .events = POLLIN }, { .fd = p->sync_fd, .events = POLLIN } };
		if (poll(pf, 2, -1) < 0) {
			if (errno == EINTR)
				continue;
			_exit(TJ_EXIT_SETUP);
		}
		if (pf[1].revents) {
			struct proto_msg m;
			int fd;
			ssize_t n = proto_recv(p->sync_fd, &m, &fd, MSG_DONTWAIT);
			if (fd >= 0)
				close(fd);
			if (n == 0 || (n < 0 && n != -EAGAIN && n != -EINTR))
				_exit(TJ_EXIT_SETUP);
		}
		if (!pf[0].revents)
			continue;
		struct signalfd_siginfo si;
		while (read(sfd, &si, sizeof(si)) == sizeof(si)) {
			if (si.ssi_signo == SIGCHLD)
				reap(p, c);
			else
				forward_signal(c, (int)si.ssi_signo);
		}
	}
}

void init_main(const struct init_plan *p)
{
	struct children c = { .runner = -1, .guard = -1 };
	struct procguard_stats *stats;
	struct guard_handoff *handoff;

	proto_wait_go(p->sync_fd);
	hide_supervisor(p);
	build_sandbox(p);
	int sfd = open_signalfd(p);
	wait_relay_ready(p);
	/* Once for the guard and the runner, which inherit both: securebits
	 * locked, the bounding set empty (41 prctl calls each saved). init
	 * keeps its own capabilities; it never executes anything. */
	struct tj_error err = { 0 };
	if (caps_lock_bounding(&err) < 0)
		init_fail(p, &err);
	c.guard = start_guard(p, &stats, &handoff);
	c.stats = stats;
	struct procself_share self_share;
#if defined(TJ_PID1) && !defined(RUNNER_FORK)
	/* Shared mode: the runner goes on to the task only on pid 1's byte
	 * (pid1.h); both ends in the table it shares with us, close-on-exec. */
	int ready[2] = { -1, -1 };
	if (p->shared) {
		if (pipe2(ready, O_CLOEXEC) < 0) {
			tj_error_set(&err, errno, "pipe (pid 1's hand-over)");
			init_fail(p, &err);
		}
		p->shared->ready_r = ready[0];
	}
#endif
	c.runner = start_runner(p, handoff, start_self(p, &self_share));
#if defined(TJ_PID1) && !defined(RUNNER_FORK)
	if (p->shared)
		become_pid1(p, sfd, c.runner, ready[1]);
#endif
	supervise(p, sfd, &c);
}

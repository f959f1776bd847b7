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
#include <sys/wait.h>
#include <unistd.h>

#include "guard.h"
#include "procguard/procguard.h"
#include "procself.h"
#include "proto.h"
#include "runner.h"
#include "shield.h"
#include "sysio.h"
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

/* Returns the type of the message served (0 when none). */
static int serve_socket_request(const struct init_plan *p)
{
	struct proto_msg m;
	int fd;
	ssize_t n = proto_recv(p->factory_fd, &m, &fd, MSG_DONTWAIT);
	if (n <= 0) {
		if (n == 0) /* supervisor gone: PDEATHSIG follows */
			_exit(TJ_EXIT_SETUP);
		return 0;
	}
	if (fd >= 0)
		close(fd);
	if (m.type != PROTO_SOCKET_REQ)
		return (int)m.type;
	struct proto_msg reply = { .type = PROTO_FD, .value = PROTO_FD_SOCKET };
	int s = socket(m.value, m.value2 | SOCK_CLOEXEC, 0);
	if (s < 0)
		reply.err = errno;
	proto_send(p->factory_fd, &reply, s);
	if (s >= 0)
		close(s);
	return PROTO_SOCKET_REQ;
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
	int keep[] = { p->sync_fd, p->factory_fd, p->events_fd };
	if (sysio_close_fds_except(keep, ELEMENTSOF(keep)) < 0) {
		tj_error_set(&err, errno, "close inherited file descriptors");
		init_fail(p, &err);
	}
	scrub_memory(p->scrub_argv, p->scrub_envp);
	/* Non-dumpable: /proc/1/{environ,mem,...} belong to root and the
	 * runner cannot ptrace pid 1. */
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

/* net: relay. The supervisor makes its listeners in this netns now; the
 * runner starts once they exist, so its first connection to the broker is
 * never refused (the JS runner exits on a failed connect). */
static void serve_until_relay_ready(const struct init_plan *p)
{
	while (p->cfg->net == TJ_NET_RELAY) {
		struct pollfd pf = { .fd = p->factory_fd, .events = POLLIN };
		if (poll(&pf, 1, -1) < 0) {
			if (errno == EINTR)
				continue;
			_exit(TJ_EXIT_SETUP);
		}
		if (serve_socket_request(p) == PROTO_RELAY_READY)
			break;
	}
}

/* The notifier (guard.c) before the runner: the runner hands it the
 * listener right after installing the filter. Returns its pid, or -1 when
 * no listener is needed; *listener_sock gets the runner's end. */
static pid_t start_guard(const struct init_plan *p, struct procguard_stats **stats,
			 int *listener_sock)
{
	struct tj_error err = { 0 };
	int gsock[2] = { -1, -1 };
	*stats = NULL;
	*listener_sock = -1;
	if (!seccomp_needs_listener(p->seccomp))
		return -1;
	*stats = mmap(NULL, sizeof(**stats), PROT_READ | PROT_WRITE,
		      MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (*stats == MAP_FAILED ||
	    socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, gsock) < 0) {
		tj_error_set(&err, errno, "set up the guard's channel");
		init_fail(p, &err);
	}
	pid_t guard = fork();
	if (guard < 0) {
		tj_error_set(&err, errno, "fork the guard");
		init_fail(p, &err);
	}
	if (guard == 0) {
		struct guard_plan gp = {
			.listener_sock = gsock[1], .events_fd = p->events_fd,
			.sec = p->seccomp, .stats = *stats,
			.strict = p->cfg->proc_guard == TJ_PROC_GUARD_STRICT,
		};
		guard_main(&gp);
	}
	close(gsock[1]);
	if (guard != SHIELD_GUARD_PID) {
		/* The shield protects the guard by its pid. */
		tj_error_setx(&err, EPROTO, "the guard got pid %d, not %d", (int)guard,
			      SHIELD_GUARD_PID);
		init_fail(p, &err);
	}
	*listener_sock = gsock[0];
	return guard;
}

/* The runner is started vfork-style: clone(CLONE_VM | CLONE_VFORK) on a
 * stack of its own, so its start copies no page tables (measured in
 * bench/README.md). init stays suspended until the runner's execve (or its
 * exit on a failed step), so the runner may use init's memory without a
 * race. What the runner changes is its own: signal dispositions (no
 * CLONE_SIGHAND), fd table (no CLONE_FILES), cwd (no CLONE_FS), session,
 * rlimits, credentials, no_new_privs and seccomp filters are per process;
 * runner.c allocates nothing (caps.c uses raw syscalls) and never returns. */
#define RUNNER_STACK (256 * 1024)

/* AddressSanitizer cannot follow a child running on a stack it did not
 * make (it warns, then may report false errors): sanitizer builds start
 * the runner with a plain fork. */
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
	int sfd;
	int listener_sock;
};

static int runner_entry(void *arg)
{
	const struct runner_start *rs = arg;
	close(rs->sfd);
	runner_main(rs->p, rs->listener_sock, NULL);
}
#endif

/* A plain fork: sanitizer builds, and proc_guard self, where init holds
 * the runner's own /proc entries before the runner names them in its
 * Landlock rules (procself.h): the runner waits for EOF on a close-on-exec
 * pipe that init closes once it holds them, so no moment passes in which
 * nobody holds a named dentry. */
static pid_t fork_runner(const struct init_plan *p, int sfd, int listener_sock,
			 struct procself_share *self)
{
	struct tj_error err = { 0 };
	int go[2] = { -1, -1 };
	if (self && pipe2(go, O_CLOEXEC) < 0) {
		tj_error_set(&err, errno, "proc_guard self: pipe");
		init_fail(p, &err);
	}
	if (self)
		self->go = go[0];
	pid_t child = fork();
	if (child < 0) {
		tj_error_set(&err, errno, "fork the runner");
		init_fail(p, &err);
	}
	if (child == 0) {
		close(sfd);
		if (self)
			close(go[1]);
		runner_main(p, listener_sock, self);
	}
	if (self) {
		close(go[0]);
		if (procself_hold_own(child, &err) < 0) {
			kill(child, SIGKILL);
			init_fail(p, &err);
		}
		close(go[1]);
	}
	return child;
}

/* The runner is started vfork-style (above) unless fork_runner's cases. */
static pid_t start_runner(const struct init_plan *p, int sfd, int listener_sock,
			  struct procself_share *self)
{
#ifdef RUNNER_FORK
	return fork_runner(p, sfd, listener_sock, self);
#else
	struct tj_error err = { 0 };
	if (self)
		return fork_runner(p, sfd, listener_sock, self);
	long page = sysconf(_SC_PAGESIZE);
	size_t len = RUNNER_STACK + (size_t)page;
	/* The lowest page stays PROT_NONE: an overflow faults instead of
	 * writing into init's memory. */
	char *stack = mmap(NULL, len, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_STACK, -1, 0);
	if (stack == MAP_FAILED || mprotect(stack + page, RUNNER_STACK, PROT_READ | PROT_WRITE) < 0) {
		tj_error_set(&err, errno, "map the runner's stack");
		init_fail(p, &err);
	}
	struct runner_start rs = { .p = p, .sfd = sfd, .listener_sock = listener_sock };
	pid_t runner = clone(runner_entry, stack + len, CLONE_VM | CLONE_VFORK | SIGCHLD, &rs);
	if (runner < 0) {
		tj_error_set(&err, errno, "start the runner");
		init_fail(p, &err);
	}
	munmap(stack, len);
	return runner;
#endif
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
 * before the runner names them (by these fds, copies in its table); the
 * runner's own, fork_runner. The runner, forked, gets its copy of sh.
 * NULL in other modes. */
static struct procself_share *start_self(const struct init_plan *p, struct procself_share *sh)
{
	struct tj_error err = { 0 };
	if (p->cfg->proc_guard != TJ_PROC_GUARD_SELF)
		return NULL;
	sh->go = -1;
	if (procself_hold_global(sh, &err) < 0)
		init_fail(p, &err);
	return sh;
}

__attribute__((noreturn))
static void supervise(const struct init_plan *p, int sfd, struct children *c)
{
	for (;;) {
		struct pollfd pf[2] = {
			{ .fd = sfd, .events = POLLIN },
			{ .fd = p->factory_fd, .events = POLLIN },
		};
		if (poll(pf, 2, -1) < 0) {
			if (errno == EINTR)
				continue;
			_exit(TJ_EXIT_SETUP);
		}
		if (pf[1].revents)
			serve_socket_request(p);
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
	int listener_sock;

	proto_wait_go(p->sync_fd);
	hide_supervisor(p);
	build_sandbox(p);
	int sfd = open_signalfd(p);
	serve_until_relay_ready(p);
	c.guard = start_guard(p, &stats, &listener_sock);
	c.stats = stats;
	struct procself_share self_share;
	c.runner = start_runner(p, sfd, listener_sock, start_self(p, &self_share));
	if (listener_sock >= 0)
		close(listener_sock);
	if (p->events_fd >= 0)
		close(p->events_fd);
	supervise(p, sfd, &c);
}

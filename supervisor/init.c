/* SPDX-License-Identifier: Apache-2.0 */
/* pid 1 of the sandbox (finishes setup, starts the runner, reaps, forwards
 * signals) and the runner's last steps before execve. Everything here runs
 * in the clone()d child: errors go to the supervisor over the sync socket. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>
#include <linux/close_range.h>

#include "caps.h"
#include "guard.h"
#include "procguard/procguard.h"
#include "shield.h"
#include "sysio.h"
#include "env.h"
#include "mounts.h"
#include "netns.h"
#include "sandbox.h"
#include "seccomp.h"
#include "userns.h"
#include "util.h"

static void fail(struct tj_sandbox *sb, const struct tj_error *err)
{
	proto_fail(sb->sync_child, TJ_EXIT_SETUP, err);
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

static int exec_search(const char *file, char *const argv[], char *const envp[])
{
	if (strchr(file, '/')) {
		execve(file, argv, envp);
		return errno;
	}
	const char *path = env_get(envp, "PATH");
	if (!path)
		path = ENV_DEFAULT_PATH;
	int saved = ENOENT;
	for (const char *p = path;; ) {
		const char *colon = strchr(p, ':');
		size_t dlen = colon ? (size_t)(colon - p) : strlen(p);
		char buf[PATH_MAX];
		if (dlen == 0)
			snprintf(buf, sizeof(buf), "%s", file);
		else
			snprintf(buf, sizeof(buf), "%.*s/%s", (int)dlen, p, file);
		execve(buf, argv, envp);
		if (errno != ENOENT && errno != ENOTDIR)
			saved = errno; /* EACCES etc.: remember, keep looking */
		if (!colon)
			break;
		p = colon + 1;
	}
	return saved;
}

__attribute__((noreturn))
static void runner_main(struct tj_sandbox *sb, int listener_sock)
{
	const struct tj_config *cfg = sb->cfg;
	struct tj_error err = { 0 };
	sigset_t none;

	close(sb->factory_child);
	/* A clean signal state: the caller may have ignored signals (a shell
	 * ignores SIGINT/SIGQUIT for background jobs), and a non-interactive
	 * shell cannot trap a signal that was ignored when it started. */
	for (int s = 1; s < NSIG; s++)
		if (s != SIGKILL && s != SIGSTOP)
			signal(s, SIG_DFL);
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);

	/* A new session: the task cannot inject input into the caller's
	 * terminal with TIOCSTI. */
	if (setsid() < 0) {
		tj_error_set(&err, errno, "setsid");
		fail(sb, &err);
	}
	if (prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0) < 0) {
		tj_error_set(&err, errno, "PR_SET_PDEATHSIG");
		fail(sb, &err);
	}
	for (size_t i = 0; i < cfg->n_rlimits; i++) {
		struct rlimit rl = { cfg->rlimits[i].soft, cfg->rlimits[i].hard };
		if (setrlimit(cfg->rlimits[i].resource, &rl) < 0) {
			tj_error_set(&err, errno, "setrlimit(%d)", cfg->rlimits[i].resource);
			fail(sb, &err);
		}
	}
	if (limits_apply_rlimits(&sb->limits, &err) < 0)
		fail(sb, &err);
	const char *wd = cfg->workdir ? cfg->workdir : "/";
	if (chdir(wd) < 0) {
		tj_error_set(&err, errno, "workdir %s", wd);
		fail(sb, &err);
	}
	/* Whatever is still open is closed by execve; the sync socket stays
	 * usable until then to report an exec failure. */
	if (syscall(SYS_close_range, 3, ~0U, CLOSE_RANGE_CLOEXEC) < 0) {
		tj_error_set(&err, errno, "close_range");
		fail(sb, &err);
	}
	if (caps_drop_all(&err) < 0)
		fail(sb, &err);
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0) {
		tj_error_set(&err, errno, "PR_SET_NO_NEW_PRIVS");
		fail(sb, &err);
	}
	/* Last step before execve: the BPF was compiled in the supervisor, so
	 * this is one syscall. From here on only what the policy allows works
	 * (sendmsg and close for the listener, execve). */
	if (sb->seccomp) {
		int lfd = -1;
		/* The shield first (shield.h): with the policy stacked on top,
		 * the stricter answer of the two wins. */
		int r = shield_install(listener_sock >= 0);
		if (r < 0) {
			tj_error_set(&err, -r, "install the seccomp shield");
			fail(sb, &err);
		}
		r = seccomp_install(sb->seccomp, &lfd);
		if (r < 0) {
			tj_error_set(&err, -r, "install the seccomp filter");
			fail(sb, &err);
		}
		if (lfd >= 0) {
			struct proto_msg m = { .type = PROTO_FD, .value = PROTO_FD_LISTENER };
			r = listener_sock >= 0 ? proto_send(listener_sock, &m, lfd) : -EPIPE;
			close(lfd);
			if (r < 0) {
				tj_error_set(&err, -r, "pass the seccomp listener to the guard");
				fail(sb, &err);
			}
		}
	}

	int e = exec_search(cfg->argv[0], cfg->argv, sb->envp);
	tj_error_set(&err, e, "exec %s", cfg->argv[0]);
	proto_fail(sb->sync_child, util_exit_code_from_exec_errno(e), &err);
}

/* Returns the type of the message served (0 when none). */
static int serve_socket_request(struct tj_sandbox *sb)
{
	struct proto_msg m;
	int fd;
	ssize_t n = proto_recv(sb->factory_child, &m, &fd, MSG_DONTWAIT);
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
	proto_send(sb->factory_child, &reply, s);
	if (s >= 0)
		close(s);
	return PROTO_SOCKET_REQ;
}

static void send_stats(struct tj_sandbox *sb, const struct procguard_stats *st)
{
	struct proto_msg m = { .type = PROTO_STATS };
	snprintf(m.text, sizeof(m.text),
		 "\"opens\":%llu,\"fast\":%llu,\"walked\":%llu,\"denied\":%llu,"
		 "\"stale\":%llu,\"log_dropped\":%llu,\"log_suppressed\":%llu",
		 (unsigned long long)st->handled, (unsigned long long)st->fast,
		 (unsigned long long)st->slow, (unsigned long long)st->denied,
		 (unsigned long long)st->stale, (unsigned long long)st->log_dropped,
		 (unsigned long long)st->log_suppressed);
	proto_send(sb->sync_child, &m, -1);
}

void init_main(struct tj_sandbox *sb)
{
	const struct tj_config *cfg = sb->cfg;
	struct tj_error err = { 0 };
	struct proto_msg m;
	int fd;

	/* Die with the supervisor from here on; if it is already gone, the GO
	 * message never comes and recv returns EOF. */
	prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0);
	if (proto_recv(sb->sync_child, &m, &fd, 0) <= 0 || m.type != PROTO_GO)
		_exit(TJ_EXIT_SETUP);
	if (fd >= 0)
		close(fd);

	int keep[] = { sb->sync_child, sb->factory_child, sb->events_child };
	if (sysio_close_fds_except(keep, ELEMENTSOF(keep)) < 0) {
		tj_error_set(&err, errno, "close inherited file descriptors");
		fail(sb, &err);
	}
	scrub_memory(sb->scrub_argv, sb->scrub_envp);
	/* Non-dumpable: /proc/1/{environ,mem,...} belong to root and the
	 * runner cannot ptrace pid 1. */
	prctl(PR_SET_DUMPABLE, 0, 0, 0, 0);

	const char *hn = cfg->hostname ? cfg->hostname : "taskjail";
	if (sethostname(hn, strlen(hn)) < 0) {
		tj_error_set(&err, errno, "sethostname %s", hn);
		fail(sb, &err);
	}
	struct mounts_prep prep = { 0 };
	if (mounts_prepare(cfg, &prep, &err) < 0)
		fail(sb, &err);

	/* A root caller's child still has host uid 0 (unmapped here); become
	 * 65532, which maps to the unprivileged host id. Changing uids clears
	 * the parent-death signal, so set it again. */
	if (getuid() != TJ_SANDBOX_UID || getgid() != TJ_SANDBOX_GID) {
		if (userns_become_sandbox_user(&err) < 0)
			fail(sb, &err);
		prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0);
		struct pollfd p = { .fd = sb->sync_child, .events = POLLIN };
		if (poll(&p, 1, 0) == 1 && (p.revents & (POLLHUP | POLLERR)))
			_exit(TJ_EXIT_SETUP);
	}
	if (mounts_finish(cfg, &prep, &err) < 0)
		fail(sb, &err);
	mounts_prep_free(&prep);
	if (cfg->net != TJ_NET_HOST && netns_loopback_up(&err) < 0)
		fail(sb, &err);

	/* Signals: forwarded ones and SIGCHLD arrive through a signalfd. They
	 * were blocked by the supervisor before clone. */
	sigset_t set;
	sigemptyset(&set);
	int fwd[] = { SANDBOX_FORWARDED_SIGNALS };
	for (size_t i = 0; i < ELEMENTSOF(fwd); i++)
		sigaddset(&set, fwd[i]);
	sigaddset(&set, SIGCHLD);
	sigprocmask(SIG_BLOCK, &set, NULL);
	int sfd = signalfd(-1, &set, SFD_CLOEXEC | SFD_NONBLOCK);
	if (sfd < 0) {
		tj_error_set(&err, errno, "signalfd");
		fail(sb, &err);
	}

	/* net: relay. The supervisor makes its listeners in this netns now; the
	 * runner starts once they exist, so its first connection to the broker
	 * is never refused (the JS runner exits on a failed connect). */
	while (cfg->net == TJ_NET_RELAY) {
		struct pollfd p = { .fd = sb->factory_child, .events = POLLIN };
		if (poll(&p, 1, -1) < 0) {
			if (errno == EINTR)
				continue;
			_exit(TJ_EXIT_SETUP);
		}
		if (serve_socket_request(sb) == PROTO_RELAY_READY)
			break;
	}

	/* The notifier (guard.c) before the runner: the runner hands it the
	 * listener right after installing the filter. */
	struct procguard_stats *stats = NULL;
	int gsock[2] = { -1, -1 };
	pid_t guard = -1;
	if (seccomp_needs_listener(sb->seccomp)) {
		stats = mmap(NULL, sizeof(*stats), PROT_READ | PROT_WRITE,
			     MAP_SHARED | MAP_ANONYMOUS, -1, 0);
		if (stats == MAP_FAILED ||
		    socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, gsock) < 0) {
			tj_error_set(&err, errno, "set up the guard's channel");
			fail(sb, &err);
		}
		guard = fork();
		if (guard < 0) {
			tj_error_set(&err, errno, "fork the guard");
			fail(sb, &err);
		}
		if (guard == 0) {
			struct guard_plan gp = {
				.listener_sock = gsock[1], .events_fd = sb->events_child,
				.sec = sb->seccomp, .stats = stats,
				.strict = cfg->proc_guard == TJ_PROC_GUARD_STRICT,
			};
			guard_main(&gp);
		}
		close(gsock[1]);
		if (guard != SHIELD_GUARD_PID) {
			/* The shield protects the guard by its pid. */
			tj_error_setx(&err, EPROTO, "the guard got pid %d, not %d", (int)guard,
				      SHIELD_GUARD_PID);
			fail(sb, &err);
		}
	}

	pid_t runner = fork();
	if (runner < 0) {
		tj_error_set(&err, errno, "fork the runner");
		fail(sb, &err);
	}
	if (runner == 0) {
		close(sfd);
		runner_main(sb, gsock[0]);
	}
	if (gsock[0] >= 0)
		close(gsock[0]);
	if (sb->events_child >= 0)
		close(sb->events_child);

	for (;;) {
		struct pollfd p[2] = {
			{ .fd = sfd, .events = POLLIN },
			{ .fd = sb->factory_child, .events = POLLIN },
		};
		if (poll(p, 2, -1) < 0) {
			if (errno == EINTR)
				continue;
			_exit(TJ_EXIT_SETUP);
		}
		if (p[1].revents)
			serve_socket_request(sb);
		if (!p[0].revents)
			continue;
		struct signalfd_siginfo si;
		while (read(sfd, &si, sizeof(si)) == sizeof(si)) {
			if (si.ssi_signo != SIGCHLD) {
				kill(runner, (int)si.ssi_signo);
				/* A stopped runner would hold a termination
				 * signal pending forever: wake it, as
				 * timeout(1) does. */
				if (si.ssi_signo == SIGTERM || si.ssi_signo == SIGINT ||
				    si.ssi_signo == SIGHUP || si.ssi_signo == SIGQUIT)
					kill(runner, SIGCONT);
				continue;
			}
			int ws;
			pid_t w;
			while ((w = waitpid(-1, &ws, WNOHANG)) > 0) {
				if (w == guard && WIFEXITED(ws) && WEXITSTATUS(ws) == 0) {
					/* Every task under the filter is gone
					 * (or the runner failed before it had
					 * one): the runner's exit follows. */
					guard = -1;
					continue;
				}
				if (w == guard) {
					/* Killed, or its listener failed:
					 * nobody answers the filter any more.
					 * End the sandbox rather than let every
					 * open fail with ENOSYS. */
					kill(runner, SIGKILL);
					tj_error_setx(&err, EPIPE, "the /proc guard (sandbox pid %d) exited (%s %d); the sandbox was stopped",
						      (int)w, WIFSIGNALED(ws) ? "signal" : "status",
						      WIFSIGNALED(ws) ? WTERMSIG(ws) : WEXITSTATUS(ws));
					fail(sb, &err);
				}
				if (w != runner)
					continue; /* an orphan: reaped, nothing else */
				if (stats)
					send_stats(sb, stats);
				struct proto_msg ex = { .type = PROTO_EXIT, .value = ws };
				proto_send(sb->sync_child, &ex, -1);
				/* Leaving takes every other process of the
				 * sandbox with us (pid namespace teardown). */
				_exit(0);
			}
		}
	}
}

/* SPDX-License-Identifier: Apache-2.0 */
/* The order of setup steps, supervisor side (sandbox_run reads as this list):
 *   env -> seccomp compiled -> (root: drop supplementary groups) ->
 *   socketpairs -> forwarded signals blocked, signalfd, timerfd -> event loop
 *   -> (net relay: broker, health port) -> cgroups -> clone3(all namespaces,
 *   pidfd) with init's plan -> uid/gid maps -> cgroup attach -> GO -> start
 *   event -> watch (messages, signals, init's exit, timeout) -> (relay
 *   listeners, RELAY_READY) -> loop -> exit status and event.
 * Any failure after clone kills and reaps init (kill_sandbox). The child side
 * is init.c, then runner.c; they see only struct init_plan (init.h). */
#include "sandbox.h"

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <linux/sched.h>
#include <linux/magic.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/timerfd.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <sys/wait.h>
#include <unistd.h>

#include "env.h"
#include "init.h"
#include "log.h"
#include "netns.h"
#include "seccomp.h"
#include "relay.h"
#include "runner.h"
#include "procguard/procguard.h"
#include "unotify.h"
#include "userns.h"
#include "util.h"
#ifdef TJ_PID1
#include <limits.h>
#include <linux/futex.h>
#include <sys/mman.h>
#include "pid1.h"
#include "rawsys.h"
#ifndef MFD_EXEC
#define MFD_EXEC 0x0010U /* Linux >= 6.3: exec allowed whatever vm.memfd_noexec says */
#endif
#endif

#ifndef P_PIDFD
#define P_PIDFD 3
#endif

extern char **environ;

/* cgroup_fd >= 0: init is born in that cgroup v2 (CLONE_INTO_CGROUP), so
 * no instant of the sandbox runs outside its limits; *cloned_into says
 * whether that worked (else limits_attach moves it before GO). */
/* Fault injection for the tests (tests/integration/fault_injection.sh):
 * TASKJAIL_FAULT=<step> makes the supervisor SIGKILL itself right after
 * that step, to show that a supervisor dying at any point leaves nothing
 * running and nothing mounted. Only the caller's own process dies. */
static void fault_point(const char *step)
{
	const char *f = getenv("TASKJAIL_FAULT");
	if (f && strcmp(f, step) == 0)
		raise(SIGKILL);
}

static pid_t clone_sandbox(unsigned long long flags, int *pidfd, int cgroup_fd, bool *cloned_into)
{
	struct clone_args args = {
		.flags = flags | CLONE_PIDFD,
		.pidfd = (uint64_t)(uintptr_t)pidfd,
		.exit_signal = SIGCHLD,
	};
	pid_t pid = -1;
	*cloned_into = false;
	if (cgroup_fd >= 0) {
		struct clone_args a = args;
		a.flags |= CLONE_INTO_CGROUP;
		a.cgroup = (uint64_t)cgroup_fd;
		pid = (pid_t)syscall(SYS_clone3, &a, sizeof(a));
		if (pid >= 0) {
			*cloned_into = true;
			return pid;
		}
	}
	pid = (pid_t)syscall(SYS_clone3, &args, sizeof(args));
	if (pid < 0 && errno == ENOSYS) {
		/* clone3 is hidden by some container seccomp profiles; the old
		 * clone has CLONE_PIDFD too (pidfd in the parent_tid slot). */
		pid = (pid_t)syscall(SYS_clone, flags | CLONE_PIDFD | SIGCHLD, NULL, pidfd, NULL, 0);
	}
	return pid;
}

/* Event lines from the guard (deny, guard_error): one JSON body per
 * datagram, written to the log as they come. */
static void on_events(struct tj_loop *l, int fd, uint32_t events, void *data)
{
	struct tj_sandbox *sb = data;
	char body[UNOTIFY_EVENT_MAX + 1];
	(void)events;
	for (;;) {
		ssize_t n = recv(fd, body, sizeof(body) - 1, MSG_DONTWAIT);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && errno == EAGAIN)
			return;
		if (n <= 0) {
			loop_del(l, fd);
			return;
		}
		body[n] = '\0';
		log_event(sb->log_fd, "%s", body);
	}
}

/* Kills init (the pid namespace takes every other process with it) and
 * reaps it: how every failure after clone ends. */
static void kill_sandbox(const struct tj_sandbox *sb)
{
	syscall(SYS_pidfd_send_signal, sb->pidfd, SIGKILL, NULL, 0);
	waitid((idtype_t)P_PIDFD, (id_t)sb->pidfd, NULL, WEXITED);
}

/* Root inside a user namespace whose setgroups is denied (unshare -r,
 * nested sandboxes) cannot drop groups, and has only the groups that
 * namespace was created with: nothing to drop that it could add. */
static bool setgroups_denied(void)
{
	char buf[16] = "";
	int fd = open("/proc/self/setgroups", O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return false;
	ssize_t n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	return n > 0 && strncmp(buf, "deny", 4) == 0;
}

static void on_sync(struct tj_loop *l, int fd, uint32_t events, void *data)
{
	struct tj_sandbox *sb = data;
	(void)events;
	for (;;) {
		struct proto_msg m;
		int pfd;
		ssize_t n = proto_recv(fd, &m, &pfd, MSG_DONTWAIT);
		if (n == -EAGAIN)
			return;
		if (n <= 0) {
			/* EOF: init and the runner closed their ends. */
			loop_del(l, fd);
			return;
		}
		switch (m.type) {
		case PROTO_ERROR:
			if (!sb->have_error) {
				sb->have_error = true;
				sb->error = m;
			}
			break;
		case PROTO_EXIT:
			sb->have_exit = true;
			sb->wstatus = m.value;
			break;
		case PROTO_STATS:
			log_event(sb->log_fd, "\"event\":\"procguard\",%s", m.text);
			break;
		default:
			break;
		}
		if (pfd >= 0)
			close(pfd); /* no consumer for this fd */
	}
}

static void on_init_exit(struct tj_loop *l, int fd, uint32_t events, void *data)
{
	struct tj_sandbox *sb = data;
	(void)fd;
	(void)events;
	/* init sent its last message before exiting: read what is queued. */
	on_sync(l, sb->sync_sv, 0, sb);
	sb->init_gone = true;
	loop_quit(l);
}

static void on_signal(struct tj_loop *l, int fd, uint32_t events, void *data)
{
	struct tj_sandbox *sb = data;
	struct signalfd_siginfo si;
	(void)l;
	(void)events;
	while (read(fd, &si, sizeof(si)) == sizeof(si))
		/* init has these blocked and forwards them to the runner. */
		syscall(SYS_pidfd_send_signal, sb->pidfd, (int)si.ssi_signo, NULL, 0);
}

static int arm_timer(int fd, uint64_t ms)
{
	struct itimerspec it = { .it_value = { (time_t)(ms / 1000), (long)(ms % 1000) * 1000000 } };
	return timerfd_settime(fd, 0, &it, NULL);
}

/* --timeout: first SIGTERM to the runner (init forwards it, as it does the
 * caller's), then, if the sandbox is still there after the grace, SIGKILL
 * of init: the pid namespace takes every other process with it. */
static void on_timer(struct tj_loop *l, int fd, uint32_t events, void *data)
{
	struct tj_sandbox *sb = data;
	uint64_t n;
	(void)l;
	(void)events;
	if (read(fd, &n, sizeof(n)) != sizeof(n))
		return;
	if (!sb->timed_out) {
		sb->timed_out = true;
		fprintf(stderr, "taskjail: timeout: %llu.%03llu s passed; SIGTERM sent to the runner\n",
			(unsigned long long)(sb->cfg->timeout_ms / 1000),
			(unsigned long long)(sb->cfg->timeout_ms % 1000));
		syscall(SYS_pidfd_send_signal, sb->pidfd, SIGTERM, NULL, 0);
		arm_timer(fd, sb->cfg->kill_after_ms);
	} else if (!sb->timeout_killed) {
		sb->timeout_killed = true;
		fprintf(stderr, "taskjail: timeout: the runner was still there %llu.%03llu s after SIGTERM; the sandbox was killed\n",
			(unsigned long long)(sb->cfg->kill_after_ms / 1000),
			(unsigned long long)(sb->cfg->kill_after_ms % 1000));
		syscall(SYS_pidfd_send_signal, sb->pidfd, SIGKILL, NULL, 0);
	}
}

static void close_fd(int *fd)
{
	if (*fd >= 0)
		close(*fd);
	*fd = -1;
}

/* The signals whose disposition is not the default here, as a mask (bit
 * s-1 for signal s): ignored ones (the caller's, our SIGPIPE) and caught
 * ones. init inherits them and changes none; the runner resets just these
 * (runner.c) instead of all 64. All of them if /proc cannot say. */
static uint64_t signals_not_default(void)
{
	uint64_t ign = 0, cgt = 0;
	int got = 0;
	FILE *f = fopen("/proc/self/status", "re");
	if (f) {
		char line[256];
		while (fgets(line, sizeof(line), f)) {
			unsigned long long v;
			if (sscanf(line, "SigIgn: %llx", &v) == 1)
				ign = v, got++;
			else if (sscanf(line, "SigCgt: %llx", &v) == 1)
				cgt = v, got++;
		}
		fclose(f);
	}
	return got == 2 ? ign | cgt : ~0ULL;
}

/* The relay's sockets in the sandbox's network namespace come from a
 * helper, the socket maker: a child of ours that shares our fd table
 * (CLONE_FILES) and has entered the sandbox's user and network namespaces.
 * It answers each request with the number of the new socket in that
 * table. No fd crosses a unix socket: an SCM_RIGHTS send fails
 * (ETOOMANYREFS) while the processes of the sender's host uid keep more
 * fds in flight than the sender's nofile, and the sandbox's task has that
 * uid (init made these sockets and sent them, until a red team kept fds in
 * flight). */
__attribute__((noreturn))
static void socket_maker(int sock, const int ns[2], pid_t parent)
{
	prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0);
	if (getppid() != parent)
		_exit(0);
	struct proto_msg m = { .type = PROTO_SOCKET };
	/* The user namespace first: its capabilities let us enter the
	 * network namespace it owns. Each needs a process of its own (not
	 * sharing memory or fs_struct), which we are. */
	struct tj_error err = { 0 };
	if (setns(ns[0], CLONE_NEWUSER) < 0 || setns(ns[1], CLONE_NEWNET) < 0)
		m.err = errno;
	/* lo up, as init does after its mounts: the relay's listeners bind
	 * 127.0.0.1 in this netns right away (the same two ioctls, twice, are
	 * harmless). */
	else if (netns_loopback_up(&err) < 0)
		m.err = err.err ? err.err : EIO;
	/* Entering a user namespace can be a credential change that clears
	 * the parent-death signal and resets "dumpable" to fs.suid_dumpable:
	 * set both again (we hold the supervisor's fd table: no process of
	 * the sandbox's uid may ptrace us or take an fd with pidfd_getfd),
	 * then make sure the parent did not die meanwhile. */
	prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0);
	prctl(PR_SET_DUMPABLE, 0, 0, 0, 0);
	if (getppid() != parent)
		_exit(0);
	proto_send(sock, &m, -1); /* ready, or why not */
	if (m.err)
		_exit(1);
	for (;;) {
		int fd;
		ssize_t n = proto_recv(sock, &m, &fd, 0);
		if (fd >= 0)
			close(fd);
		if (n <= 0) /* the supervisor closed its end: the sandbox is over */
			_exit(0);
		struct proto_msg reply = { .type = PROTO_SOCKET };
		reply.value = m.type == PROTO_SOCKET_REQ ? socket(m.value, m.value2 | SOCK_CLOEXEC, 0) : -1;
		if (reply.value < 0)
			reply.err = m.type == PROTO_SOCKET_REQ ? errno : EPROTO;
		proto_send(sock, &reply, -1);
	}
}

/* One request/answer with the socket maker: 5 s, or its exit. */
static int maker_call(struct tj_sandbox *sb, const struct proto_msg *req, struct proto_msg *ans)
{
	if (req) {
		int r = proto_send(sb->maker_sv, req, -1);
		if (r < 0)
			return r;
	}
	struct pollfd p[2] = { { .fd = sb->maker_sv, .events = POLLIN }, { .fd = sb->maker_pidfd, .events = POLLIN } };
	int n;
	do
		n = poll(p, 2, 5000);
	while (n < 0 && errno == EINTR);
	if (n < 0)
		return -errno;
	if (!(p[0].revents & POLLIN))
		return n == 0 ? -ETIMEDOUT : -EPIPE;
	int fd;
	ssize_t got = proto_recv(sb->maker_sv, ans, &fd, 0);
	if (fd >= 0)
		close(fd);
	if (got <= 0 || ans->type != PROTO_SOCKET)
		return got < 0 ? (int)got : -EPROTO;
	return 0;
}

/* Right after the maps, before GO: init is still a copy of us, not yet
 * non-dumpable, so its namespace files open for a caller without privilege
 * too (after, only CAP_SYS_PTRACE of the host would). */
static int open_relay_ns(struct tj_sandbox *sb, struct tj_error *err)
{
	static const char *const names[] = { "user", "net" };
	for (int i = 0; i < 2; i++) {
		char path[64];
		snprintf(path, sizeof(path), "/proc/%d/ns/%s", (int)sb->pid, names[i]);
		if ((sb->maker_ns[i] = open(path, O_RDONLY | O_CLOEXEC)) < 0)
			return tj_error_set(err, errno, "open %s (for the relay's sockets)", path);
	}
	/* A root caller makes the sockets itself (direct_socket): it may
	 * enter the sandbox's network namespace and come back. */
	if (geteuid() == 0 && (sb->home_net = open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC)) < 0)
		return tj_error_set(err, errno, "open /proc/self/ns/net (for the relay's sockets)");
	return 0;
}

/* A root caller (CAP_SYS_ADMIN here and over the sandbox's user
 * namespace, which it owns) needs no socket maker: this thread enters the
 * sandbox's network namespace for one socket() and comes back (setns of a
 * network namespace is per thread). 0 and *fd; 1 when the socket failed
 * (err set); -errno when it cannot enter (then the maker does it). Not coming back is fatal: the sandbox is
 * killed and we exit, rather than go on in the sandbox's namespace. */
static int direct_socket(struct tj_sandbox *sb, int family, int type, int *fd, struct tj_error *err)
{
	if (setns(sb->maker_ns[1], CLONE_NEWNET) < 0)
		return -errno;
	int e = 0;
	if (!sb->direct_lo_up) { /* lo up, as the maker would (init's may come later) */
		struct tj_error lo = { 0 };
		if (netns_loopback_up(&lo) < 0)
			e = lo.err ? lo.err : EIO;
		sb->direct_lo_up = e == 0;
	}
	*fd = e ? -1 : socket(family, type | SOCK_CLOEXEC, 0);
	if (*fd < 0 && !e)
		e = errno;
	if (setns(sb->home_net, CLONE_NEWNET) < 0) {
		fprintf(stderr, "taskjail: cannot return to the host's network namespace: %s\n", strerror(errno));
		syscall(SYS_pidfd_send_signal, sb->pidfd, SIGKILL, NULL, 0);
		_exit(TJ_EXIT_SETUP);
	}
	if (e) {
		tj_error_set(err, e, "socket(%d, %d) in the sandbox", family, type);
		return 1;
	}
	return 0;
}

/* Right after GO: the maker enters the namespaces while init builds the
 * sandbox; the first socket request waits for its word (sandbox_socket). */
static int start_socket_maker(struct tj_sandbox *sb, struct tj_error *err)
{
	int sv[2] = { -1, -1 };
	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) < 0)
		return tj_error_set(err, errno, "socketpair (the relay's socket maker)");
	sb->maker_sv = sv[0];
	sb->maker_child = sv[1];
	pid_t parent = getpid();
	/* A fork but for the fd table (glibc's fork() takes no flags). */
	pid_t pid = (pid_t)syscall(SYS_clone, CLONE_FILES | SIGCHLD, NULL, NULL, NULL, NULL);
	if (pid == 0)
		socket_maker(sv[1], sb->maker_ns, parent);
	if (pid < 0)
		return tj_error_set(err, errno, "start the relay's socket maker");
	sb->maker_pid = pid;
	if ((sb->maker_pidfd = (int)syscall(SYS_pidfd_open, pid, 0)) < 0)
		return tj_error_set(err, errno, "pidfd_open (the relay's socket maker)");
	return 0;
}

/* The maker's first word: it is in the namespaces (or why not). The
 * namespace fds are in the table we share, so only now may they go. */
static int socket_maker_ready(struct tj_sandbox *sb, struct tj_error *err)
{
	struct proto_msg ready;
	int e = maker_call(sb, NULL, &ready);
	if (e == 0 && ready.err)
		e = -ready.err;
	close_fd(&sb->maker_ns[0]);
	close_fd(&sb->maker_ns[1]);
	if (e < 0)
		return tj_error_set(err, -e, "the relay's socket maker: enter the sandbox's network namespace");
	sb->maker_ready = true;
	return 0;
}

/* As soon as the sandbox is over: its EOF and SIGKILL, not waited for here
 * (its exit, the teardown of a copy of our memory, would be on the way to
 * ours); reap_socket_maker collects it at the end. */
static void stop_socket_maker(struct tj_sandbox *sb)
{
	close_fd(&sb->maker_ns[0]);
	close_fd(&sb->maker_ns[1]);
	close_fd(&sb->home_net);
	if (sb->maker_pid <= 0)
		return;
	close_fd(&sb->maker_sv);
	close_fd(&sb->maker_child);
	kill(sb->maker_pid, SIGKILL);
}

static void reap_socket_maker(struct tj_sandbox *sb)
{
	stop_socket_maker(sb);
	if (sb->maker_pid > 0)
		waitpid(sb->maker_pid, NULL, WNOHANG);
	close_fd(&sb->maker_pidfd);
	sb->maker_pid = 0;
}

int sandbox_socket(struct tj_sandbox *sb, int family, int type, struct tj_error *err)
{
	if (sb->home_net >= 0 && sb->maker_pid <= 0) {
		int fd = -1, d = direct_socket(sb, family, type, &fd, err);
		if (d == 0)
			return fd;
		if (d == 1)
			return -err->err;
		/* could not enter it (a root of a user namespace, say): the maker */
		close_fd(&sb->home_net);
		int r = start_socket_maker(sb, err);
		if (r < 0)
			return r;
	}
	int r0 = sb->maker_ready ? 0 : sb->maker_pid <= 0
		? tj_error_setx(err, ESRCH, "no socket maker for the relay") : socket_maker_ready(sb, err);
	if (r0 < 0)
		return r0;
	struct proto_msg req = { .type = PROTO_SOCKET_REQ, .value = family, .value2 = type }, ans;
	int r = maker_call(sb, &req, &ans);
	if (r < 0)
		return tj_error_set(err, -r, "ask the sandbox's network namespace for a socket");
	if (ans.value < 0)
		return tj_error_set(err, ans.err ? ans.err : EPROTO, "socket(%d, %d) in the sandbox", family, type);
	return ans.value;
}

static int relay_socket(void *ctx, int family, int type, struct tj_error *err)
{
	return sandbox_socket(ctx, family, type, err);
}

static void log_start(const struct tj_sandbox *sb)
{
	const struct tj_config *cfg = sb->cfg;
	char prof[512], cmd[1024], pol[512], lim[512], ll[128] = "";
	limits_json(&sb->limits, lim, sizeof(lim));
	util_json_escape(prof, sizeof(prof), cfg->profile_name ? cfg->profile_name : "");
	util_json_escape(cmd, sizeof(cmd), cfg->argv[0]);
	/* "none" only ever appears when asked for explicitly. */
	util_json_escape(pol, sizeof(pol), cfg->seccomp ? cfg->seccomp : TJ_DEFAULT_POLICY);
	const char *ns = cfg->net == TJ_NET_HOST ? "\"user\",\"pid\",\"mnt\",\"ipc\",\"uts\",\"cgroup\""
						 : "\"user\",\"pid\",\"mnt\",\"net\",\"ipc\",\"uts\",\"cgroup\"";
	unsigned host_uid = (unsigned)(geteuid() == 0 ? cfg->host_uid : geteuid());
	if (sb->restricted) {
		/* No user namespace: the runner's uid is the host's. */
		ns = "";
		snprintf(ll, sizeof(ll), ",\"landlock\":{\"abi\":%d,\"net\":%s,\"scoped\":%s}",
			 sb->rs.abi, sb->rs.net_rules ? "true" : "false", sb->rs.scoped ? "true" : "false");
	}
	log_event(sb->log_fd,
		  "\"event\":\"start\",\"schema\":%d,\"version\":\"%s\",\"profile\":\"%s\",\"command\":\"%s\","
		  "\"pid\":%d,\"namespaces\":[%s],"
		  "\"net\":\"%s\",\"uid\":%u,\"host_uid\":%u,\"tier\":\"%s\"%s,"
		  "\"seccomp\":\"%s\",\"log_denials\":%s,\"proc_guard\":\"%s\",\"limits\":{%s}",
		  LOG_SCHEMA_VERSION, TJ_VERSION, prof, cmd, (int)sb->pid, ns,
		  config_net_names[cfg->net], sb->restricted ? host_uid : TJ_SANDBOX_UID,
		  host_uid, sb->restricted ? "restricted" : "full", ll, pol,
		  sb->seccomp && cfg->log_denials && !sb->restricted ? "true" : "false",
		  config_proc_guard_names[cfg->proc_guard], lim);
}

/* Parses and compiles the policy before clone, so the runner only loads
 * ready BPF and a bad policy fails before anything is created. */
static int prepare_seccomp(struct tj_sandbox *sb, struct tj_error *err)
{
	const struct tj_config *cfg = sb->cfg;
	const char *path = cfg->policy_path; /* found by config_resolve() */
	/* The restricted tier has no guard to answer a listener: the policy
	 * alone, its denials unlogged (Landlock keeps /proc unreadable). */
	bool strict = cfg->proc_guard == TJ_PROC_GUARD_STRICT && !sb->restricted;
	bool log_denials = cfg->log_denials && !sb->restricted;

	/* No policy, but the /proc guard still needs its filter: an
	 * allow-all base with the guard's rules. */
	if (!path && !strict)
		return 0;
	/* One filter, one listener: the kernel allows a single listener per
	 * task, so the guard's open-family notifications and the policy's
	 * logged denials share it (procguard's rules win for their syscalls). */
	_cleanup_free_ char *cache = seccomp_cache_dir();
	struct tj_seccomp_opts o = {
		.log_denials = log_denials,
		.extra_rules = strict ? procguard_add_rules : NULL,
		.extra_data = (void *)&cfg->log_denials,
		.extra_id = PROCGUARD_RULES_ID,
		.cache_dir = cache,
	};
	return seccomp_prepare(path, &o, &sb->seccomp, err);
}

/* The host ids the sandbox's 65532 maps to: the caller's own, or for a
 * root caller the configured host uid/gid. */
static int choose_host_ids(struct tj_sandbox *sb, struct tj_error *err)
{
	const struct tj_config *cfg = sb->cfg;
	sb->outer_uid = geteuid();
	sb->outer_gid = getegid();
	if (sb->outer_uid == 0) {
		/* Root's supplementary groups (0, ...) would stay with the task
		 * after setgroups is denied: drop them while we still can. */
		if (setgroups(0, NULL) < 0 && !setgroups_denied())
			return tj_error_set(err, errno, "setgroups(0)");
		sb->outer_uid = cfg->host_uid;
		sb->outer_gid = cfg->host_gid;
	} else if (cfg->host_uid_set && cfg->host_uid != sb->outer_uid) {
		return tj_error_setx(err, EPERM, "--host-uid/host_uid %u: only root can map the sandbox to another host uid",
				     (unsigned)cfg->host_uid);
	}
	return 0;
}

static int open_channels(struct tj_sandbox *sb, struct tj_error *err)
{
	int sv[2], fv[2];
	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) < 0 ||
	    socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, fv) < 0)
		return tj_error_set(err, errno, "socketpair");
	sb->sync_sv = sv[0];
	sb->sync_child = sv[1];
	sb->relay_sv = fv[0];
	sb->relay_child = fv[1];
	/* Deny lines from the guard (the notifier inside the sandbox). */
	if (seccomp_needs_listener(sb->seccomp)) {
		int ev[2];
		if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, ev) < 0)
			return tj_error_set(err, errno, "socketpair");
		sb->events_sv = ev[0];
		sb->events_child = ev[1];
	}
	return 0;
}

/* Forwarded signals blocked before clone (init inherits the mask) and read
 * from a signalfd; the --timeout timer. */
static int open_signals(struct tj_sandbox *sb, struct tj_error *err)
{
	sigset_t fwd;
	sigemptyset(&fwd);
	int sigs[] = { INIT_FORWARDED_SIGNALS };
	for (size_t i = 0; i < ELEMENTSOF(sigs); i++)
		sigaddset(&fwd, sigs[i]);
	sigprocmask(SIG_BLOCK, &fwd, NULL);
	signal(SIGPIPE, SIG_IGN);
	/* A caller may have SIGCHLD ignored: init would inherit that, the
	 * kernel would reap the runner by itself and init would never learn
	 * its status (every run hung; red-team finding). */
	signal(SIGCHLD, SIG_DFL);
	sb->sigfd = signalfd(-1, &fwd, SFD_CLOEXEC | SFD_NONBLOCK);
	if (sb->sigfd < 0)
		return tj_error_set(err, errno, "signalfd");
	if (sb->cfg->timeout_ms) {
		sb->timerfd = timerfd_create(CLOCK_MONOTONIC, TFD_CLOEXEC | TFD_NONBLOCK);
		if (sb->timerfd < 0)
			return tj_error_set(err, errno, "timerfd_create (--timeout)");
	}
	return 0;
}

/* Before clone: the cgroups exist and hold their limits first. */
static int prepare_limits(struct tj_sandbox *sb, struct tj_error *err)
{
	int r = limits_prepare(sb->cfg, getpid(), &sb->limits, err);
	if (r < 0)
		return r;
	for (int i = 0; i < LIMITS_N; i++)
		if (sb->limits.max[i] && sb->limits.by[i] == LIMITS_BY_NONE)
			fprintf(stderr, "taskjail: warning: %s limit not enforced: no cgroup (%s) and no rlimit equivalent\n",
				limits_res_names[i], sb->limits.why_no_cgroup);
	return 0;
}

/* The child's half of the clone: only the plan crosses into init. */
__attribute__((noreturn))
static void become_init(struct tj_sandbox *sb, const struct init_plan *plan)
{
	close(sb->sync_sv);
	close(sb->relay_sv);
	if (sb->events_sv >= 0)
		close(sb->events_sv);
	close(sb->sigfd);
	init_main(plan);
}


/* The restricted tier: the runner is the supervisor's own child. */
static int spawn_restricted(struct tj_sandbox *sb, const struct init_plan *plan, struct tj_error *err)
{
	fflush(NULL);
	sb->pid = clone_sandbox(0, &sb->pidfd, sb->limits.v2_fd, &sb->limits.v2_cloned_into);
	if (sb->pid < 0)
		return tj_error_set(err, errno, "fork the runner");
	if (sb->pid == 0) {
		close(sb->sync_sv);
		close(sb->relay_sv);
		close(sb->sigfd);
		runner_restricted_main(plan);
	}
	close_fd(&sb->sync_child);
	close_fd(&sb->relay_child);
	return 0;
}

#ifdef TJ_PID1
/* The shared mode (pid1.h): init builds the sandbox in our memory and
 * execs the freestanding pid 1; the runner, in our memory too, execs the
 * task only after that. Not taken (init is a fork, as before) where we
 * would have work to do during the build or pid 1 would have more to do
 * than reap and forward: the relay, a guard, proc_guard self. */
#define SHARED_INIT_STACK (1024 * 1024)
#define SHARED_RUNNER_STACK (256 * 1024)

/* fs.suid_dumpable 1 ("debug"): an exec of an unreadable file leaves the
 * process dumpable; pid 1 would be until its first instruction. Unknown
 * counts as 1. */
static bool suid_dumpable_debug(void)
{
	char c = '1';
	int fd = open("/proc/sys/fs/suid_dumpable", O_RDONLY | O_CLOEXEC);
	if (fd >= 0) {
		if (read(fd, &c, 1) != 1)
			c = '1';
		close(fd);
	}
	return c == '1';
}

/* pid1.c's program in a sealed memfd, mode 0111: pid 1's exec is of a file
 * it cannot read (pid1.h). -1 where memfds cannot be made or executed
 * (vm.memfd_noexec = 2 refuses MFD_EXEC). */
static int pid1_memfd(void)
{
	int fd = memfd_create("taskjail-pid1", MFD_CLOEXEC | MFD_ALLOW_SEALING | MFD_EXEC);
	if (fd < 0 && errno == EINVAL) /* before Linux 6.3: no MFD_EXEC, memfds are executable */
		fd = memfd_create("taskjail-pid1", MFD_CLOEXEC | MFD_ALLOW_SEALING);
	if (fd < 0)
		return -1;
	size_t off = 0;
	while (off < tj_pid1_elf_len) {
		ssize_t n = write(fd, tj_pid1_elf + off, tj_pid1_elf_len - off);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			goto fail;
		off += (size_t)n;
	}
	if (fchmod(fd, 0111) < 0 ||
	    fcntl(fd, F_ADD_SEALS, F_SEAL_SEAL | F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_WRITE) < 0)
		goto fail;
	return fd;
fail:
	close(fd);
	return -1;
}

/* The strings init zeroes (scrub_memory) are ours: kept here, put back
 * once init and the runner have left (our /proc/PID/cmdline and environ
 * on the host, and getenv, read them). */
/* Bytes strings_copy needs: each string and its NUL. */
static size_t strings_len(char **v)
{
	size_t n = 0;
	for (; v && *v; v++)
		n += strlen(*v) + 1;
	return n;
}

static char *strings_copy(char **v, char *to, bool back)
{
	for (; v && *v; v++) {
		size_t l = strlen(back ? to : *v);
		if (back)
			memcpy(*v, to, l);
		else
			memcpy(to, *v, l + 1);
		to += l + 1;
	}
	return to;
}

static void shared_free(struct tj_sandbox *sb)
{
	struct shared_build *sh = sb->shared;
	if (!sh)
		return;
	if (sb->saved_strings) {
		strings_copy(sb->scrub_envp, strings_copy(sb->scrub_argv, sb->saved_strings, true), true);
		free(sb->saved_strings);
		sb->saved_strings = NULL;
	}
	if (sh->map)
		munmap(sh->map, sh->map_len);
	if (sh->pid1_fd >= 0)
		close(sh->pid1_fd);
	free(sh);
	sb->shared = NULL;
}

/* Under a seccomp filter (a container's), memfd_create and execveat may
 * be refused -- or kill the caller (red team): asked in a child that
 * shares our memory while we wait (CLONE_VFORK), so a kill is its alone.
 * It answers 0 when memfd_create works and execveat says EBADF to fd -1.
 * Without a filter there is nothing to ask. */
static char probe_stack[16384] __attribute__((aligned(16)));

static int probe_entry(void *arg)
{
	(void)arg;
	long fd = RAW4(SYS_memfd_create, "taskjail-probe", MFD_CLOEXEC, 0, 0);
	long ok = fd >= 0;
	if (ok)
		RAW4(SYS_close, fd, 0, 0, 0);
	ok = ok && RAW6(SYS_execveat, -1, "", 0, 0, AT_EMPTY_PATH, 0) == -EBADF;
	RAW4(SYS_exit_group, ok ? 0 : 1, 0, 0, 0);
	return 1;
}

static bool calls_allowed(void)
{
	if (prctl(PR_GET_SECCOMP, 0, 0, 0, 0) == 0)
		return true;
	pid_t c = clone(probe_entry, probe_stack + sizeof(probe_stack), CLONE_VM | CLONE_VFORK | SIGCHLD, NULL);
	int st;
	if (c < 0)
		return false;
	while (waitpid(c, &st, 0) < 0)
		if (errno != EINTR)
			return false;
	return WIFEXITED(st) && WEXITSTATUS(st) == 0;
}

static int shared_prepare(struct tj_sandbox *sb)
{
	const struct tj_config *cfg = sb->cfg;
	if (sb->no_shared || sb->restricted || cfg->net == TJ_NET_RELAY || cfg->proc_guard == TJ_PROC_GUARD_SELF ||
	    seccomp_needs_listener(sb->seccomp) || suid_dumpable_debug() || !calls_allowed())
		return -1;
	struct shared_build *sh = calloc(1, sizeof(*sh));
	if (!sh)
		return -1;
	sb->shared = sh;
	long page = sysconf(_SC_PAGESIZE);
	sh->map_len = (size_t)page + SHARED_INIT_STACK + (size_t)page + SHARED_RUNNER_STACK;
	sh->map = mmap(NULL, sh->map_len, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE | MAP_STACK,
		       -1, 0);
	if (sh->map == MAP_FAILED)
		sh->map = NULL;
	sh->pid1_fd = pid1_memfd();
	size_t n = strings_len(sb->scrub_argv) + strings_len(sb->scrub_envp) + 1;
	sb->saved_strings = malloc(n);
	/* Each stack above a PROT_NONE page: an overflow faults. */
	if (!sh->map || sh->pid1_fd < 0 || !sb->saved_strings ||
	    mprotect(sh->map + page, SHARED_INIT_STACK, PROT_READ | PROT_WRITE) < 0 ||
	    mprotect(sh->map + 2 * page + SHARED_INIT_STACK, SHARED_RUNNER_STACK, PROT_READ | PROT_WRITE) < 0) {
		free(sb->saved_strings);
		sb->saved_strings = NULL;
		shared_free(sb);
		return -1;
	}
	strings_copy(sb->scrub_envp, strings_copy(sb->scrub_argv, sb->saved_strings, false), false);
	sh->init_stack = sh->map + page + SHARED_INIT_STACK;
	sh->runner_stack = sh->map + sh->map_len;
	sh->init_word = 1;
	sh->runner_word = 0;
	sb->dumpable_before = prctl(PR_GET_DUMPABLE, 0, 0, 0, 0);
	return 0;
}

static int shared_init_entry(void *arg)
{
	struct tj_sandbox *sb = arg;
	become_init(sb, &sb->shared->plan);
}

/* After GO, until init (its execve of pid 1, or its exit) and then the
 * runner (its execve of the task, or its exit) have left our memory: raw
 * system calls only, nothing of glibc's state touched while they run
 * glibc in it. --timeout still holds: an expired timer ends the build
 * (SIGKILL of init: the pid namespace takes the runner along). Then: did
 * init fail to hand over to pid 1 (a refusal, a kill on the way)? No task
 * ran then (the runner goes on only on pid 1's byte): the launch starts
 * over with init a fork (sandbox_run). */
static void shared_wait(struct tj_sandbox *sb)
{
	struct shared_build *sh = sb->shared;
	volatile int *words[2] = { &sh->init_word, &sh->runner_word };
	for (int i = 0; i < 2; i++) {
		int v;
		while ((v = *words[i]) != 0) {
			struct timespec poll_ts = { 0, 50 * 1000 * 1000 };
			RAW6(SYS_futex, words[i], FUTEX_WAIT, v, sb->timerfd >= 0 ? &poll_ts : NULL, NULL, 0);
			struct itimerspec it;
			if (sb->timerfd >= 0 && !sb->build_timed_out &&
			    RAW4(SYS_timerfd_gettime, sb->timerfd, &it, 0, 0) == 0 && it.it_value.tv_sec == 0 &&
			    it.it_value.tv_nsec == 0) {
				RAW4(SYS_pidfd_send_signal, sb->pidfd, SIGKILL, 0, 0);
				sb->build_timed_out = true;
			}
		}
	}
	/* Ours alone again. */
	bool lost = sh->handing_over && !sh->task_may_run && !sb->build_timed_out;
	sb->shared_exec_errno = sh->exec_errno;
	shared_free(sb);
	if (lost) {
		/* init ends without a word when its hand-over fails; pid 1,
		 * when it does run, ends soon too (the runner is gone) after
		 * sending the runner's status. */
		siginfo_t si = { 0 };
		struct proto_msg m;
		while (waitid((idtype_t)P_PIDFD, (id_t)sb->pidfd, &si, WEXITED | WNOWAIT) < 0 && errno == EINTR)
			;
		ssize_t n = recv(sb->sync_sv, &m, sizeof(m), MSG_PEEK | MSG_DONTWAIT);
		if (n == 0 || (n < 0 && errno == EAGAIN)) { /* no word queued (EOF: every end closed) */
			sb->shared_exec_failed = true;
			if (si.si_code == CLD_KILLED || si.si_code == CLD_DUMPED)
				sb->shared_exec_errno = -si.si_status; /* a signal: sandbox_run says which */
		}
	}
	prctl(PR_SET_DUMPABLE, sb->dumpable_before, 0, 0, 0);
	if (sb->build_timed_out) {
		sb->timed_out = sb->timeout_killed = true;
		fprintf(stderr, "taskjail: timeout: %llu.%03llu s passed while the sandbox was being built; it was killed\n",
			(unsigned long long)(sb->cfg->timeout_ms / 1000),
			(unsigned long long)(sb->cfg->timeout_ms % 1000));
	}
}
#endif

static int spawn_init(struct tj_sandbox *sb, struct tj_error *err)
{
	const struct init_plan plan = {
		.cfg = sb->cfg, .argv = sb->argv, .envp = sb->envp,
		.sync_fd = sb->sync_child, .relay_fd = sb->relay_child,
		.events_fd = sb->events_child,
		.seccomp = sb->seccomp, .limits = &sb->limits,
		.scrub_argv = sb->scrub_argv, .scrub_envp = sb->scrub_envp,
		.restricted = &sb->rs,
		.signals_set = sb->restricted ? ~0ULL : signals_not_default(),
	};
	if (sb->restricted)
		return spawn_restricted(sb, &plan, err);
	unsigned long long flags = CLONE_NEWUSER | CLONE_NEWPID | CLONE_NEWNS | CLONE_NEWIPC |
				   CLONE_NEWUTS | CLONE_NEWCGROUP;
	if (sb->cfg->net != TJ_NET_HOST)
		flags |= CLONE_NEWNET;
	else
		/* An explicit opt-in that removes a layer: say so every time. */
		fprintf(stderr, "taskjail: warning: net host: the sandbox shares the host's network namespace\n");
	fflush(NULL);
#ifdef TJ_PID1
	if (shared_prepare(sb) == 0) {
		struct shared_build *sh = sb->shared;
		sh->plan = plan;
		sh->plan.shared = sh;
		/* No CLONE_INTO_CGROUP here (glibc's clone): limits_attach
		 * moves init before GO, as where clone3 refuses it. The
		 * child starts in shared_init_entry: pid is never 0 here. */
		sb->pid = clone(shared_init_entry, sh->init_stack,
				(int)(flags | CLONE_VM | CLONE_PIDFD | CLONE_CHILD_CLEARTID | SIGCHLD), sb,
				&sb->pidfd, NULL, &sh->init_word);
		int e = errno;
		if (sb->pid < 0)
			shared_free(sb);
		errno = e;
	} else
#endif
		sb->pid = clone_sandbox(flags, &sb->pidfd, sb->limits.v2_fd, &sb->limits.v2_cloned_into);
	if (sb->pid < 0) {
		sb->ns_refused = restricted_ns_refused(errno);
		return userns_diagnose_clone(errno, err);
	}
	if (sb->pid == 0)
		become_init(sb, &plan);
	close_fd(&sb->sync_child);
	close_fd(&sb->relay_child);
	close_fd(&sb->events_child);
	return 0;
}

static int map_ids(struct tj_sandbox *sb, struct tj_error *err)
{
	int r = userns_write_maps(sb->pid, sb->outer_uid, sb->outer_gid, err);
	if (r >= 0)
		return 0;
	tj_error_wrap(err, "map uid/gid %u -> %u", TJ_SANDBOX_UID, (unsigned)sb->outer_uid);
	if (err->err == EPERM && geteuid() == 0) {
		size_t l = strlen(err->msg);
		snprintf(err->msg + l, sizeof(err->msg) - l,
			 " (host uid %u must exist in the caller's user namespace: pick one with --host-uid)",
			 (unsigned)sb->outer_uid);
	}
	return r;
}

static int watch(struct tj_sandbox *sb, struct tj_error *err)
{
	/* The sync socket is not watched: init's messages (the runner's
	 * error, the guard's counters, the exit status) are read once init
	 * is gone (on_init_exit), where they are used; watching it woke the
	 * supervisor once more on every launch's way out (init's exit
	 * message, then its exit). */
	if (loop_add(sb->loop, sb->pidfd, EPOLLIN, on_init_exit, sb) < 0 ||
	    loop_add(sb->loop, sb->sigfd, EPOLLIN, on_signal, sb) < 0 ||
	    (sb->events_sv >= 0 && loop_add(sb->loop, sb->events_sv, EPOLLIN, on_events, sb) < 0) ||
	    (sb->timerfd >= 0 && (arm_timer(sb->timerfd, sb->cfg->timeout_ms) < 0 ||
				  loop_add(sb->loop, sb->timerfd, EPOLLIN, on_timer, sb) < 0)))
		return tj_error_set(err, errno, "event loop");
	return 0;
}

/* net relay: the listeners inside the sandbox's netns, then the runner may
 * start (init waits for RELAY_READY). */
static int start_relay(struct tj_sandbox *sb, struct tj_error *err)
{
	struct proto_msg ready = { .type = PROTO_RELAY_READY };
	if (!sb->relay)
		return 0;
	int r = relay_start(sb->relay, sb->loop, relay_socket, sb, err);
	if (r == 0 && (r = proto_send(sb->relay_sv, &ready, -1)) < 0)
		tj_error_set(err, -r, "start the runner after the relay");
	if (r < 0) {
		/* init failing its setup closes the socket factory: its own
		 * report, on the sync socket, says why. */
		on_sync(sb->loop, sb->sync_sv, 0, sb);
		if (sb->have_error)
			snprintf(err->msg, sizeof(err->msg), "%s", sb->error.text);
	}
	return r;
}

/* The restricted tier's setup in the supervisor: the private directory and
 * the Landlock ruleset; the supervisor itself becomes non-dumpable (the
 * runner has its uid: its /proc/PID/environ and memory become root's) and
 * the subreaper of whatever the runner leaves behind. */
static int prepare_restricted(struct tj_sandbox *sb, struct tj_error *err)
{
	const struct tj_config *cfg = sb->cfg;
	int r;
	if (cfg->log_denials)
		fprintf(stderr, "taskjail: warning: restricted tier: denials are not logged (no guard process to "
			"receive them)\n");
	sb->limits.nproc_per_uid = true;
	if ((r = restricted_prepare(cfg, sb->outer_uid, sb->outer_gid, &sb->rs, err)) < 0 ||
	    (r = restricted_env(cfg, &sb->envp, sb->rs.tmpdir, err)) < 0)
		return r;
	if (prctl(PR_SET_DUMPABLE, 0, 0, 0, 0) < 0 || prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) < 0)
		return tj_error_set(err, errno, "restricted tier: prctl");
	/* Leftovers are found in our children file only: without it they
	 * would outlive the sandbox unseen. Fail closed. */
	char path[64];
	snprintf(path, sizeof(path), "/proc/self/task/%d/children", (int)getpid());
	if (access(path, R_OK) < 0)
		return tj_error_set(err, errno, "restricted tier: %s is not readable (a kernel without "
				    "CONFIG_PROC_CHILDREN, or no /proc): the runner's leftover processes could not be "
				    "found and killed", path);
	if (cfg->net == TJ_NET_HOST)
		fprintf(stderr, "taskjail: warning: net host: the restricted tier puts no restriction on TCP\n");
	if (!sb->rs.scoped)
		fprintf(stderr, "taskjail: warning: restricted tier: Landlock ABI %d (< 6) cannot scope signals and "
			"abstract unix sockets: the runner may signal every process of its uid (the supervisor, n8n, "
			"other sandboxes) and connect to the host's abstract sockets\n", sb->rs.abi);
	return 0;
}

/* Everything up to the clone; nothing of the sandbox exists before it. */
static int prepare(struct tj_sandbox *sb, struct tj_error *err)
{
	int r;
	if ((r = prepare_seccomp(sb, err)) < 0 ||
	    (r = choose_host_ids(sb, err)) < 0 ||
	    (r = open_channels(sb, err)) < 0 ||
	    (r = open_signals(sb, err)) < 0 ||
	    (r = loop_new(&sb->loop, err)) < 0)
		return r;
	/* Before clone: a busy health port or an unknown broker fails here. */
	if (sb->cfg->net == TJ_NET_RELAY && !sb->restricted &&
	    (r = relay_prepare(sb->cfg, &sb->relay, err)) < 0)
		return r;
	if ((r = prepare_limits(sb, err)) < 0)
		return r;
	return sb->restricted ? prepare_restricted(sb, err) : 0;
}

/* After clone: init waits for GO, and has not forked yet, so everything of
 * the sandbox starts mapped and inside the cgroups. */
static int start(struct tj_sandbox *sb, struct tj_error *err)
{
	struct proto_msg go = { .type = PROTO_GO };
	int r;
	if (!sb->restricted && (r = map_ids(sb, err)) < 0)
		return r;
	if (sb->relay && (r = open_relay_ns(sb, err)) < 0)
		return r;
	fault_point("mapped");
	if ((r = limits_attach(&sb->limits, sb->pid, err)) < 0)
		return r;
#ifdef TJ_PID1
	if (sb->shared) {
		/* Everything of ours first: after GO we wait, running
		 * nothing, until init and the runner are out of our memory. */
		if ((r = watch(sb, err)) < 0)
			return r;
		proto_send(sb->sync_sv, &go, -1);
		fault_point("go");
		shared_wait(sb);
		if (sb->shared_exec_failed && sb->shared_exec_errno < 0)
			return tj_error_setx(err, EPIPE, "init was killed by signal %d handing over to pid 1 (a memfd)",
					     -sb->shared_exec_errno);
		if (sb->shared_exec_failed)
			return tj_error_set(err, sb->shared_exec_errno, "init could not hand over to pid 1 (a memfd)");
		log_start(sb);
		fault_point("started");
		return 0;
	}
#endif
	proto_send(sb->sync_sv, &go, -1);
	fault_point("go");
	if (sb->relay && sb->home_net < 0 && (r = start_socket_maker(sb, err)) < 0)
		return r;
	log_start(sb);
	if ((r = watch(sb, err)) < 0 ||
	    (r = start_relay(sb, err)) < 0)
		return r;
	fault_point("started");
	return 0;
}

struct sandbox_end {
	int code, sig;
	const char *reason;
};

/* What ended the sandbox, from init's messages and its wait status. */
static void classify_end(const struct tj_sandbox *sb, const siginfo_t *si, struct sandbox_end *e)
{
	e->sig = 0;
	e->reason = "exit";
	if (sb->have_error) {
		e->reason = "setup_error";
		e->code = sb->error.exit_code ? sb->error.exit_code : TJ_EXIT_SETUP;
		struct tj_error te = { .err = sb->error.err };
		snprintf(te.msg, sizeof(te.msg), "%s", sb->error.text);
		tj_error_print(&te);
	} else if (sb->have_exit) {
		e->code = util_exit_code_from_wait_status(sb->wstatus);
		if (WIFSIGNALED(sb->wstatus)) {
			e->sig = WTERMSIG(sb->wstatus);
			e->reason = "signal";
		}
	} else if (sb->timeout_killed && si->si_code == CLD_KILLED) {
		e->sig = SIGKILL;
		e->code = 128 + e->sig;
	} else {
		e->reason = "signal";
		/* init died without a word: killed from outside, or a bug. */
		if (si->si_code == CLD_KILLED || si->si_code == CLD_DUMPED) {
			e->sig = si->si_status;
			e->code = 128 + e->sig;
		} else {
			e->code = TJ_EXIT_SETUP;
		}
		fprintf(stderr, "taskjail: the sandbox's init exited unexpectedly (%s %d)\n",
			e->sig ? "signal" : "status", e->sig ? e->sig : si->si_status);
	}
}

/* Runs the event loop until init exits, then reports how it ended.
 * Returns the status taskjail exits with. */
static int wait_and_report(struct tj_sandbox *sb)
{
	struct sandbox_end e;
	const char *f = getenv("TASKJAIL_FAULT");
	if (f && strcmp(f, "running") == 0) {
		usleep(300 * 1000); /* the runner is up by then */
		fault_point("running");
	}
	loop_run(sb->loop);

	siginfo_t si = { 0 };
	waitid((idtype_t)P_PIDFD, (id_t)sb->pidfd, &si, WEXITED);
	stop_socket_maker(sb); /* no socket is asked for any more */
	if (sb->restricted) {
		/* No init to report: the runner's own status. */
		if (!sb->have_error && !sb->have_exit) {
			sb->have_exit = true;
			sb->wstatus = si.si_code == CLD_EXITED ? (si.si_status & 0xff) << 8
				    : si.si_code == CLD_DUMPED ? si.si_status | 0x80 : si.si_status;
		}
		restricted_kill_leftovers();
		restricted_remove_tmpdir(&sb->rs);
	}
	/* init sent its last messages before exiting; so did the guard. */
	if (sb->events_sv >= 0)
		on_events(sb->loop, sb->events_sv, 0, sb);
	struct rusage ru = { 0 };
	getrusage(RUSAGE_CHILDREN, &ru);

	classify_end(sb, &si, &e);
	/* The cgroups' counters (peak memory and pids, OOM kills: reason
	 * "oom") only go to the event log: without one they are not read
	 * (four files on cgroup v1, on every launch's way out). */
	char usage[256] = "";
	if (sb->log_fd >= 0) {
		struct tj_limits_usage use;
		limits_usage(&sb->limits, &use);
		limits_usage_json(&use, usage, sizeof(usage));
		if (e.sig == SIGKILL && use.oom_kills > 0)
			e.reason = "oom";
	}
	/* As coreutils timeout: 124 however the runner ended after the
	 * deadline (its own exit on SIGTERM, the signal, our SIGKILL). */
	if (sb->timed_out && !sb->have_error) {
		e.code = TJ_EXIT_TIMEOUT;
		e.reason = "timeout";
	}
	uint64_t wall_us = (util_now_ns() - sb->t_start_ns) / 1000;
	log_event(sb->log_fd,
		  "\"event\":\"exit\",\"status\":%d,\"signal\":%d,\"reason\":\"%s\",\"setup_error\":%s,"
		  "\"timeout_killed\":%s,\"wall_ms\":%llu.%03llu,\"peak_rss_kb\":%ld,\"usage\":{%s}%s",
		  e.code, e.sig, e.reason, sb->have_error ? "true" : "false",
		  sb->timeout_killed ? "true" : "false",
		  (unsigned long long)(wall_us / 1000), (unsigned long long)(wall_us % 1000),
		  ru.ru_maxrss, usage,
		  !sb->restricted ? "" : sb->rs.removed ? ",\"private_dir_removed\":true"
							: ",\"private_dir_removed\":false");
	return e.code;
}

static void sandbox_free(struct tj_sandbox *sb)
{
#ifdef TJ_PID1
	shared_free(sb); /* a failure before the wait: init was killed and reaped */
#endif
	restricted_release(&sb->rs);
	limits_release(&sb->limits);
	relay_free(sb->relay); /* the relays end with the sandbox */
	reap_socket_maker(sb);
	loop_free(sb->loop);
	seccomp_free(sb->seccomp);
	if (sb->sigfd >= 0)
		close(sb->sigfd);
	if (sb->timerfd >= 0)
		close(sb->timerfd);
	if (sb->pidfd >= 0)
		close(sb->pidfd);
	for (int *p = &sb->sync_sv; p <= &sb->events_child; p++)
		if (*p >= 0)
			close(*p);
	env_free(sb->envp);
	free(sb->argv); /* its strings are cfg's */
}

/* The runner's command: cfg->argv, and with argv_tier the tier it gets
 * (auto decides it only when clone refuses the namespaces). */
static int build_argv(struct tj_sandbox *sb, struct tj_error *err)
{
	const struct tj_config *cfg = sb->cfg;
	sb->argv = calloc(cfg->argc + 2, sizeof(char *));
	if (!sb->argv)
		return tj_error_set(err, ENOMEM, "the runner's command");
	memcpy(sb->argv, cfg->argv, cfg->argc * sizeof(char *));
	if (cfg->argv_tier)
		sb->argv[cfg->argc] = (char *)(sb->restricted ? "tier=restricted" : "tier=full");
	return 0;
}

static int run_tier(struct tj_sandbox *sb, int *exit_code, struct tj_error *err)
{
	int r;
	sb->t_start_ns = util_now_ns();
	r = env_build(sb->cfg, environ, &sb->envp, err);
	if (r < 0 || (r = build_argv(sb, err)) < 0)
		return r;
	if ((r = prepare(sb, err)) < 0)
		return r;
	fault_point("prepared");
	if ((r = spawn_init(sb, err)) < 0)
		return r;
	fault_point("cloned");
	if ((r = start(sb, err)) < 0) {
		kill_sandbox(sb);
		return r;
	}
	*exit_code = wait_and_report(sb);
	return 0;
}

static void sandbox_init(struct tj_sandbox *sb, const struct tj_config *cfg, bool restricted,
			 char **scrub_argv, char **scrub_envp, int log_fd)
{
	*sb = (struct tj_sandbox){
		.cfg = cfg, .scrub_argv = scrub_argv, .scrub_envp = scrub_envp, .log_fd = log_fd,
		.sync_sv = -1, .sync_child = -1, .relay_sv = -1, .relay_child = -1,
		.events_sv = -1, .events_child = -1, .pidfd = -1, .sigfd = -1,
		.maker_sv = -1, .maker_child = -1, .maker_pidfd = -1, .maker_ns = { -1, -1 },
		.home_net = -1,
		.timerfd = -1, .limits = { .v2_fd = -1 },
		.restricted = restricted, .rs = { .ruleset_fd = -1 },
	};
}

/* The host refused the namespaces: say what is likely in the way when this
 * process already runs under a seccomp filter (a container's profile). */
static void explain_refusal(struct tj_error *err)
{
	char status[4096] = "";
	int fd = open("/proc/self/status", O_RDONLY | O_CLOEXEC);
	if (fd >= 0) {
		ssize_t n = read(fd, status, sizeof(status) - 1);
		status[n > 0 ? n : 0] = '\0';
		close(fd);
	}
	size_t l = strlen(err->msg);
	if (strstr(status, "\nSeccomp:\t2"))
		l += (size_t)snprintf(err->msg + l, sizeof(err->msg) - l,
				      "; taskjail was started under a seccomp filter (Seccomp: 2 in /proc/self/status): "
				      "the likely cause is a container runtime's seccomp profile");
	if (l < sizeof(err->msg))
		snprintf(err->msg + l, sizeof(err->msg) - l,
			 "; tier full: a profile with \"tier\": \"auto\" (or --tier auto) falls back to the restricted tier");
}

/* The task inherits stdin, stdout and stderr as they are. A directory
 * there would bring the host's tree below it into the sandbox (openat
 * relative to fd 0: files to read and create, a procfs mounted there now
 * or later), and a procfs file the caller's /proc: refused, in every mode
 * (no runner reads a directory on stdin). */
static int check_stdio(struct tj_error *err)
{
	static const char *const names[] = { "stdin", "stdout", "stderr" };
	for (int fd = 0; fd <= 2; fd++) {
		struct statfs s;
		struct stat st;
		if (fstatfs(fd, &s) == 0 && s.f_type == PROC_SUPER_MAGIC)
			return tj_error_setx(err, EINVAL, "%s is a file or directory of procfs, which would "
					     "bring the host's /proc into the sandbox (redirect it)", names[fd]);
		if (fstat(fd, &st) == 0 && S_ISDIR(st.st_mode))
			return tj_error_setx(err, EINVAL, "%s is a directory, which would bring the host's "
					     "tree below it into the sandbox (redirect it)", names[fd]);
	}
	return 0;
}

int sandbox_run(const struct tj_config *cfg, char **scrub_argv, char **scrub_envp,
		int log_fd, int *exit_code, struct tj_error *err)
{
	int r0 = check_stdio(err);
	if (r0 < 0)
		return r0;
	struct tj_sandbox sb;
	sandbox_init(&sb, cfg, cfg->tier == TJ_TIER_RESTRICTED, scrub_argv, scrub_envp, log_fd);
	int r = run_tier(&sb, exit_code, err);
	if (r < 0 && sb.shared_exec_failed) {
		/* pid 1's exec from a memfd was refused (a security module,
		 * say): no task ran, nothing of the try is left. Again, with
		 * init a fork of ours, as before the shared mode. */
		fprintf(stderr, "taskjail: notice: %s; init stays a fork of the supervisor\n", err->msg);
		bool restricted = sb.restricted;
		sandbox_free(&sb);
		sandbox_init(&sb, cfg, restricted, scrub_argv, scrub_envp, log_fd);
		sb.no_shared = true;
		*err = (struct tj_error){ 0 };
		r = run_tier(&sb, exit_code, err);
	}
	if (r < 0 && sb.ns_refused && cfg->tier == TJ_TIER_AUTO) {
		/* Nothing of the first try is left: no child, no cgroup. */
		fprintf(stderr, "taskjail: tier auto: %s\n"
			"taskjail: tier auto: running in the restricted tier instead (no namespaces: Landlock, "
			"seccomp, rlimits; README says what it does not protect)\n", err->msg);
		sandbox_free(&sb);
		sandbox_init(&sb, cfg, true, scrub_argv, scrub_envp, log_fd);
		*err = (struct tj_error){ 0 };
		r = run_tier(&sb, exit_code, err);
	} else if (r < 0 && sb.ns_refused) {
		explain_refusal(err);
	}
	sandbox_free(&sb);
	return r;
}

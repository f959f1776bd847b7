/* SPDX-License-Identifier: Apache-2.0 */
/* pgjail: a small stand-alone sandbox used to test and benchmark procguard
 * without the rest of taskjail. It sets up the pieces the guard relies on
 * the way taskjail does (DESIGN §1, §3): new user + pid + mount namespaces,
 * the sandbox uid 65532 mapped to an unprivileged outer id, a fresh procfs
 * on /proc, a private tmpfs /tmp, every capability dropped, no_new_privs;
 * in strict mode the runner installs procguard's filter last and hands the
 * listener to the supervisor, which runs the real unotify loop.
 *
 *   pgjail [--mode bare|namespace|strict] [--log-fd N] [--stats] -- CMD...
 *
 * bare runs CMD directly (no sandbox), to show what leaks without one. */
#include <errno.h>
#include <fcntl.h>
#include <linux/capability.h>
#include <sched.h>
#include <seccomp.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>
#include <grp.h>

#include "procguard.h"
#include "unotify.h"

#define SANDBOX_ID 65532

static void die(const char *what)
{
	fprintf(stderr, "pgjail: %s: %s\n", what, strerror(errno));
	_exit(125);
}

static void write_file(const char *path, const char *s)
{
	int fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0 || write(fd, s, strlen(s)) != (ssize_t)strlen(s))
		die(path);
	close(fd);
}

static void drop_caps(void)
{
	for (int c = 0; c <= 63; c++)
		if (prctl(PR_CAPBSET_DROP, c, 0, 0, 0) < 0 && errno != EINVAL)
			die("drop bounding set");
	struct __user_cap_header_struct h = {_LINUX_CAPABILITY_VERSION_3, 0};
	struct __user_cap_data_struct d[2] = {{0}};
	if (syscall(SYS_capset, &h, d) < 0)
		die("capset");
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
		die("no_new_privs");
}

static int send_fd(int sock, int fd)
{
	char c = 0;
	struct iovec iov = {&c, 1};
	union {
		char buf[CMSG_SPACE(sizeof(int))];
		struct cmsghdr align;
	} u;
	struct msghdr m = {.msg_iov = &iov, .msg_iovlen = 1,
			   .msg_control = u.buf, .msg_controllen = sizeof(u.buf)};
	struct cmsghdr *cm = CMSG_FIRSTHDR(&m);
	cm->cmsg_level = SOL_SOCKET;
	cm->cmsg_type = SCM_RIGHTS;
	cm->cmsg_len = CMSG_LEN(sizeof(int));
	memcpy(CMSG_DATA(cm), &fd, sizeof(int));
	return sendmsg(sock, &m, 0) < 0 ? -errno : 0;
}

static int recv_fd(int sock)
{
	char c;
	struct iovec iov = {&c, 1};
	union {
		char buf[CMSG_SPACE(sizeof(int))];
		struct cmsghdr align;
	} u;
	struct msghdr m = {.msg_iov = &iov, .msg_iovlen = 1,
			   .msg_control = u.buf, .msg_controllen = sizeof(u.buf)};
	ssize_t n = recvmsg(sock, &m, MSG_CMSG_CLOEXEC);
	if (n <= 0)
		return -1;
	struct cmsghdr *cm = CMSG_FIRSTHDR(&m);
	if (!cm || cm->cmsg_type != SCM_RIGHTS)
		return -1;
	int fd;
	memcpy(&fd, CMSG_DATA(cm), sizeof(int));
	return fd;
}

/* The runner: last steps before exec, as taskjail's runner does them. */
static void runner(bool strict, int sock, char **argv)
{
	drop_caps();
	if (strict) {
		struct tj_error err = {0};
		scmp_filter_ctx ctx = seccomp_init(SCMP_ACT_ALLOW);
		if (!ctx)
			die("seccomp_init");
		if (procguard_add_rules(ctx, NULL, &err) < 0) {
			fprintf(stderr, "pgjail: %s\n", err.msg);
			_exit(125);
		}
		int r = seccomp_load(ctx);
		if (r < 0) {
			errno = -r;
			die("seccomp_load");
		}
		int lfd = seccomp_notify_fd(ctx);
		if (lfd < 0) {
			errno = -lfd;
			die("seccomp_notify_fd");
		}
		/* From here on every open waits for the supervisor. */
		if (send_fd(sock, lfd) < 0)
			die("send listener");
		close(lfd);
		seccomp_release(ctx);
	}
	close(sock);
	execvp(argv[0], argv);
	fprintf(stderr, "pgjail: exec %s: %s\n", argv[0], strerror(errno));
	_exit(errno == ENOENT ? 127 : 126);
}

/* pid 1 of the sandbox. */
static int sandbox_init(bool strict, int sync_rd, int sock, char **argv)
{
	char c;
	if (read(sync_rd, &c, 1) != 1)
		_exit(125); /* the supervisor went away */
	close(sync_rd);
	prctl(PR_SET_PDEATHSIG, SIGKILL);
	if (getuid() != SANDBOX_ID) {
		/* root caller: become the mapped id (setgroups is allowed). */
		if (setgroups(0, NULL) < 0 || setresgid(SANDBOX_ID, SANDBOX_ID, SANDBOX_ID) < 0 ||
		    setresuid(SANDBOX_ID, SANDBOX_ID, SANDBOX_ID) < 0)
			die("become the sandbox id");
	}
	if (mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0)
		die("make / private");
	if (mount("proc", "/proc", "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL) < 0)
		die("mount proc");
	if (mount("tmpfs", "/tmp", "tmpfs", MS_NOSUID | MS_NODEV, "mode=1777,size=16m") < 0)
		die("mount /tmp");
	/* init keeps no secrets: taskjail's init must not carry the caller's
	 * environment either (bwrap's pid 1 does, DESIGN §3). */
	clearenv();
	pid_t pid = fork();
	if (pid < 0)
		die("fork runner");
	if (pid == 0) {
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		extern char **pgjail_env;
		environ = pgjail_env;
		runner(strict, sock, argv);
	}
	close(sock);
	drop_caps();
	int status = 0;
	for (;;) {
		int st;
		pid_t w = wait(&st);
		if (w < 0) {
			if (errno == EINTR)
				continue;
			break;
		}
		if (w == pid)
			status = st;
	}
	if (WIFSIGNALED(status))
		return 128 + WTERMSIG(status);
	return WEXITSTATUS(status);
}

char **pgjail_env;

int main(int argc, char **argv)
{
	const char *mode = "strict";
	int log_fd = -1;
	bool stats = false;
	int i = 1;
	for (; i < argc; i++) {
		if (strcmp(argv[i], "--") == 0) {
			i++;
			break;
		} else if (strcmp(argv[i], "--mode") == 0 && i + 1 < argc) {
			mode = argv[++i];
		} else if (strcmp(argv[i], "--log-fd") == 0 && i + 1 < argc) {
			log_fd = atoi(argv[++i]);
		} else if (strcmp(argv[i], "--stats") == 0) {
			stats = true;
		} else {
			break;
		}
	}
	if (i >= argc) {
		fprintf(stderr, "usage: pgjail [--mode bare|namespace|strict] "
				"[--log-fd N] [--stats] -- CMD...\n");
		return 125;
	}
	char **cmd = argv + i;
	if (strcmp(mode, "bare") == 0) {
		execvp(cmd[0], cmd);
		die(cmd[0]);
	}
	bool strict = strcmp(mode, "strict") == 0;
	if (!strict && strcmp(mode, "namespace") != 0) {
		fprintf(stderr, "pgjail: unknown mode %s\n", mode);
		return 125;
	}
	pgjail_env = environ;

	int sp[2], sync[2];
	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sp) < 0 ||
	    pipe2(sync, O_CLOEXEC) < 0)
		die("socketpair");
	uid_t uid = getuid();
	gid_t gid = getgid();
	pid_t pid = (pid_t)syscall(SYS_clone, CLONE_NEWUSER | CLONE_NEWPID |
					      CLONE_NEWNS | SIGCHLD,
				   NULL, NULL, NULL, 0);
	if (pid < 0)
		die("clone");
	if (pid == 0) {
		close(sp[0]);
		close(sync[1]);
		_exit(sandbox_init(strict, sync[0], sp[1], cmd));
	}
	close(sp[1]);
	close(sync[0]);
	char path[64], map[64];
	/* The only mapping: the sandbox id to the caller's id, or, for root,
	 * to the unprivileged host id 65532 (never to host root). */
	snprintf(map, sizeof(map), "%d %d 1\n", SANDBOX_ID,
		 uid == 0 ? SANDBOX_ID : (int)uid);
	snprintf(path, sizeof(path), "/proc/%d/uid_map", (int)pid);
	write_file(path, map);
	if (uid != 0) {
		snprintf(path, sizeof(path), "/proc/%d/setgroups", (int)pid);
		write_file(path, "deny");
	}
	snprintf(map, sizeof(map), "%d %d 1\n", SANDBOX_ID,
		 uid == 0 ? SANDBOX_ID : (int)gid);
	snprintf(path, sizeof(path), "/proc/%d/gid_map", (int)pid);
	write_file(path, map);
	if (write(sync[1], "x", 1) != 1)
		die("sync");
	close(sync[1]);

	struct tj_unotify *u = NULL;
	if (strict) {
		int lfd = recv_fd(sp[0]);
		if (lfd < 0) {
			/* The sandbox failed before installing the filter. */
			int st;
			waitpid(pid, &st, 0);
			return WIFEXITED(st) ? WEXITSTATUS(st) : 125;
		}
		struct tj_error err = {0};
		if (unotify_start(lfd, pid, NULL, log_fd, &u, &err) < 0) {
			fprintf(stderr, "pgjail: %s\n", err.msg);
			kill(pid, SIGKILL);
			return 125;
		}
	}
	close(sp[0]);
	int st = 0;
	while (waitpid(pid, &st, 0) < 0 && errno == EINTR)
		;
	if (u) {
		struct procguard_stats s;
		unotify_get_stats(u, &s);
		unotify_stop(u);
		if (stats)
			fprintf(stderr,
				"pgjail: stats handled=%llu fast=%llu slow=%llu "
				"denied=%llu stale=%llu\n",
				(unsigned long long)s.handled, (unsigned long long)s.fast,
				(unsigned long long)s.slow, (unsigned long long)s.denied,
				(unsigned long long)s.stale);
	}
	if (WIFSIGNALED(st))
		return 128 + WTERMSIG(st);
	return WEXITSTATUS(st);
}

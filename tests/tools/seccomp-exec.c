/* SPDX-License-Identifier: Apache-2.0 */
/* seccomp-exec: runs a command under a compiled taskjail policy and nothing
 * else (no namespaces), with the real seccomp_prepare / seccomp_install and
 * the standalone denial listener. Lets the seccomp tests and benchmarks
 * exercise the filter on their own, the way the runner loads it.
 *
 *   seccomp-exec [--log-denials] [--log-fd N] [--time] POLICY|none -- CMD [ARG...]
 *
 * --extra NAME=ACTION[@aN==V] adds an extra rule the way procguard does
 * (tj_seccomp_opts.extra_rules): ACTION is an errno number or "notify".
 * --time prints "prepare_ns=… install_ns=…" on stderr. Exit status: the
 * command's (128+signal when killed), 125 for a setup failure. */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <seccomp.h> /* libseccomp, for the extra rules */

#include "error.h"
#include "seccomp.h"

#define MAX_EXTRA 8
static const char *extra[MAX_EXTRA];
static int n_extra;

/* Like procguard_add_rules: added after the policy is parsed, wins. */
static int add_extra(void *ctx, void *data, struct tj_error *err)
{
	(void)data;
	for (int i = 0; i < n_extra; i++) {
		char name[64], act[32];
		unsigned idx = 0;
		unsigned long long v = 0;
		int n = sscanf(extra[i], "%63[a-z0-9_]=%31[a-z0-9]@a%u==%llu", name, act, &idx, &v);
		if (n != 2 && n != 4)
			return tj_error_setx(err, EINVAL, "--extra %s: NAME=ACTION[@aN==V]", extra[i]);
		uint32_t a = strcmp(act, "notify") == 0 ? SCMP_ACT_NOTIFY
							 : SCMP_ACT_ERRNO((uint16_t)atoi(act));
		struct scmp_arg_cmp c = { .arg = idx, .op = SCMP_CMP_EQ, .datum_a = v };
		int r = seccomp_rule_add_array(ctx, a, seccomp_syscall_resolve_name(name),
					       n == 4 ? 1 : 0, n == 4 ? &c : NULL);
		if (r < 0 && r != -EACCES && r != -EEXIST)
			return tj_error_set(err, -r, "--extra %s", extra[i]);
	}
	return 0;
}

static uint64_t now_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static int send_fd(int sock, int fd)
{
	char c = 'L';
	struct iovec iov = { .iov_base = &c, .iov_len = 1 };
	union {
		struct cmsghdr h;
		char buf[CMSG_SPACE(sizeof(int))];
	} u;
	memset(&u, 0, sizeof(u));
	struct msghdr m = { .msg_iov = &iov, .msg_iovlen = 1,
			    .msg_control = u.buf, .msg_controllen = sizeof(u.buf) };
	struct cmsghdr *h = CMSG_FIRSTHDR(&m);
	h->cmsg_level = SOL_SOCKET;
	h->cmsg_type = SCM_RIGHTS;
	h->cmsg_len = CMSG_LEN(sizeof(int));
	memcpy(CMSG_DATA(h), &fd, sizeof(int));
	return sendmsg(sock, &m, 0) == 1 ? 0 : -errno;
}

static int recv_fd(int sock)
{
	char c;
	struct iovec iov = { .iov_base = &c, .iov_len = 1 };
	union {
		struct cmsghdr h;
		char buf[CMSG_SPACE(sizeof(int))];
	} u;
	struct msghdr m = { .msg_iov = &iov, .msg_iovlen = 1,
			    .msg_control = u.buf, .msg_controllen = sizeof(u.buf) };
	if (recvmsg(sock, &m, MSG_CMSG_CLOEXEC) != 1)
		return -1;
	struct cmsghdr *h = CMSG_FIRSTHDR(&m);
	if (!h || h->cmsg_type != SCM_RIGHTS)
		return -1;
	int fd;
	memcpy(&fd, CMSG_DATA(h), sizeof(int));
	return fd;
}

int main(int argc, char **argv)
{
	struct tj_seccomp_opts o = { 0 };
	int log_fd = -1, i = 1;
	bool timing = false;
	for (; i < argc && strncmp(argv[i], "--", 2) == 0 && argv[i][2]; i++) {
		if (strcmp(argv[i], "--log-denials") == 0)
			o.log_denials = true;
		else if (strcmp(argv[i], "--log-fd") == 0 && i + 1 < argc)
			log_fd = atoi(argv[++i]);
		else if (strcmp(argv[i], "--time") == 0)
			timing = true;
		else if (strcmp(argv[i], "--quiet") == 0)
			o.quiet = true;
		else if (strcmp(argv[i], "--extra") == 0 && i + 1 < argc && n_extra < MAX_EXTRA) {
			extra[n_extra++] = argv[++i];
			o.extra_rules = add_extra;
		}
		else {
			fprintf(stderr, "seccomp-exec: unknown option %s\n", argv[i]);
			return 125;
		}
	}
	if (i + 2 >= argc || strcmp(argv[i + 1], "--") != 0) {
		fprintf(stderr, "usage: seccomp-exec [--log-denials] [--log-fd N] [--time] POLICY|none -- CMD...\n");
		return 125;
	}
	const char *policy = argv[i];
	char **cmd = &argv[i + 2];
	bool none = strcmp(policy, "none") == 0;

	struct tj_error err = { 0 };
	struct tj_seccomp *s = NULL;
	uint64_t t0 = now_ns();
	if (!none && seccomp_prepare(policy, &o, &s, &err) < 0) {
		tj_error_print(&err);
		return 125;
	}
	uint64_t t_prepare = now_ns() - t0;

	int sv[2];
	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) < 0) {
		perror("seccomp-exec: socketpair");
		return 125;
	}
	pid_t pid = fork();
	if (pid < 0) {
		perror("seccomp-exec: fork");
		return 125;
	}
	if (pid == 0) {
		close(sv[0]);
		if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
			_exit(125);
		int lfd = -1;
		uint64_t t1 = now_ns();
		if (s) {
			int r = seccomp_install(s, &lfd);
			if (r < 0) {
				fprintf(stderr, "seccomp-exec: install: %s\n", strerror(-r));
				_exit(125);
			}
		}
		uint64_t t_install = now_ns() - t1;
		if (timing)
			fprintf(stderr, "prepare_ns=%llu install_ns=%llu\n",
				(unsigned long long)t_prepare, (unsigned long long)t_install);
		if (lfd >= 0) {
			if (send_fd(sv[1], lfd) < 0)
				_exit(125);
			close(lfd);
		}
		close(sv[1]);
		execvp(cmd[0], cmd);
		_exit(errno == ENOENT ? 127 : 126);
	}
	close(sv[1]);
	if (s && seccomp_needs_listener(s)) {
		int lfd = recv_fd(sv[0]);
		if (lfd >= 0) {
			int r = seccomp_denial_serve(s, lfd, log_fd);
			if (r < 0)
				fprintf(stderr, "seccomp-exec: listener: %s\n", strerror(-r));
			close(lfd);
		}
	}
	close(sv[0]);
	int st;
	while (waitpid(pid, &st, 0) < 0)
		if (errno != EINTR)
			return 125;
	seccomp_free(s);
	if (WIFSIGNALED(st))
		return 128 + WTERMSIG(st);
	return WEXITSTATUS(st);
}

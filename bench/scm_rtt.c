/* SPDX-License-Identifier: Apache-2.0 */
/* What delegating each open to an in-sandbox opener would add to the
 * supervisor-side guard: one request/reply over a unix socketpair with the
 * opened fd passed back (SCM_RIGHTS), between two processes.
 *   cc -O2 -o scm_rtt bench/scm_rtt.c && ./scm_rtt 20000
 * Prints the median and p90 round trip in ns. */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static int cmp(const void *a, const void *b)
{
	long x = *(const long *)a, y = *(const long *)b;
	return (x > y) - (x < y);
}

int main(int argc, char **argv)
{
	int n = argc > 1 ? atoi(argv[1]) : 20000;
	int sv[2];
	if (socketpair(AF_UNIX, SOCK_SEQPACKET, 0, sv) < 0)
		return 1;
	pid_t pid = fork();
	if (pid == 0) { /* the opener: open what is asked, pass the fd back */
		close(sv[0]);
		char path[256];
		for (;;) {
			ssize_t k = recv(sv[1], path, sizeof(path) - 1, 0);
			if (k <= 0)
				_exit(0);
			path[k] = 0;
			int fd = open(path, O_RDONLY | O_CLOEXEC);
			union { char b[CMSG_SPACE(sizeof(int))]; struct cmsghdr a; } u;
			struct iovec iov = { "x", 1 };
			struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1,
					     .msg_control = u.b, .msg_controllen = sizeof(u.b) };
			struct cmsghdr *c = CMSG_FIRSTHDR(&mh);
			c->cmsg_level = SOL_SOCKET; c->cmsg_type = SCM_RIGHTS;
			c->cmsg_len = CMSG_LEN(sizeof(int));
			memcpy(CMSG_DATA(c), &fd, sizeof(int));
			sendmsg(sv[1], &mh, 0);
			close(fd);
		}
	}
	long *t = calloc((size_t)n, sizeof(long));
	for (int i = 0; i < n; i++) {
		struct timespec a, b;
		clock_gettime(CLOCK_MONOTONIC, &a);
		send(sv[0], "/etc/hostname", 13, 0);
		char x;
		union { char b[CMSG_SPACE(sizeof(int))]; struct cmsghdr a; } u;
		struct iovec iov = { &x, 1 };
		struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1,
				     .msg_control = u.b, .msg_controllen = sizeof(u.b) };
		recvmsg(sv[0], &mh, 0);
		int fd;
		memcpy(&fd, CMSG_DATA(CMSG_FIRSTHDR(&mh)), sizeof(int));
		close(fd);
		clock_gettime(CLOCK_MONOTONIC, &b);
		t[i] = (b.tv_sec - a.tv_sec) * 1000000000L + (b.tv_nsec - a.tv_nsec);
	}
	close(sv[0]);
	waitpid(pid, NULL, 0);
	qsort(t, (size_t)n, sizeof(long), cmp);
	printf("scm_rtt: %d round trips, median %ld ns, p90 %ld ns (includes the opener's open+close)\n",
	       n, t[n / 2], t[n * 9 / 10]);
	return 0;
}

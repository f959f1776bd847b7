/* SPDX-License-Identifier: Apache-2.0 */
#include "proto.h"

#include <errno.h>
#include <signal.h>
#include <stddef.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <unistd.h>

int proto_send(int sock, const struct proto_msg *msg, int fd)
{
	/* Send only up to the end of the text to keep messages small. */
	size_t len = offsetof(struct proto_msg, text) + strnlen(msg->text, sizeof(msg->text) - 1) + 1;
	struct iovec iov = { .iov_base = (void *)msg, .iov_len = len };
	union {
		char buf[CMSG_SPACE(sizeof(int))];
		struct cmsghdr align;
	} u;
	struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1 };
	if (fd >= 0) {
		memset(&u, 0, sizeof(u));
		mh.msg_control = u.buf;
		mh.msg_controllen = sizeof(u.buf);
		struct cmsghdr *c = CMSG_FIRSTHDR(&mh);
		c->cmsg_level = SOL_SOCKET;
		c->cmsg_type = SCM_RIGHTS;
		c->cmsg_len = CMSG_LEN(sizeof(int));
		memcpy(CMSG_DATA(c), &fd, sizeof(int));
	}
	for (;;) {
		ssize_t n = sendmsg(sock, &mh, MSG_NOSIGNAL);
		if (n >= 0)
			return 0;
		if (errno != EINTR)
			return -errno;
	}
}

ssize_t proto_recv(int sock, struct proto_msg *msg, int *fd, int flags)
{
	union {
		char buf[CMSG_SPACE(sizeof(int))];
		struct cmsghdr align;
	} u;
	struct iovec iov = { .iov_base = msg, .iov_len = sizeof(*msg) };
	struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1,
			     .msg_control = u.buf, .msg_controllen = sizeof(u.buf) };
	*fd = -1;
	memset(msg, 0, sizeof(*msg));
	ssize_t n;
	do
		n = recvmsg(sock, &mh, MSG_CMSG_CLOEXEC | flags);
	while (n < 0 && errno == EINTR);
	if (n < 0)
		return -errno;
	for (struct cmsghdr *c = CMSG_FIRSTHDR(&mh); c; c = CMSG_NXTHDR(&mh, c))
		if (c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_RIGHTS &&
		    c->cmsg_len == CMSG_LEN(sizeof(int)))
			memcpy(fd, CMSG_DATA(c), sizeof(int));
	msg->text[sizeof(msg->text) - 1] = '\0';
	if (n > 0 && (size_t)n < offsetof(struct proto_msg, text)) {
		/* Truncated header: treat as garbage. */
		if (*fd >= 0)
			close(*fd);
		*fd = -1;
		return -EBADMSG;
	}
	return n;
}

void proto_fail(int sock, int exit_code, const struct tj_error *err)
{
	struct proto_msg m = { .type = PROTO_ERROR, .err = err->err, .exit_code = exit_code };
	memcpy(m.text, err->msg, sizeof(m.text));
	m.text[sizeof(m.text) - 1] = '\0';
	proto_send(sock, &m, -1);
	_exit(exit_code);
}

void proto_wait_go(int sock)
{
	struct proto_msg m;
	int fd;
	prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0);
	if (proto_recv(sock, &m, &fd, 0) <= 0 || m.type != PROTO_GO)
		_exit(TJ_EXIT_SETUP);
	if (fd >= 0)
		close(fd);
}

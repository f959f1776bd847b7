/* SPDX-License-Identifier: Apache-2.0 */
/* Messages between the supervisor, init and the runner over the sync
 * socket (SOCK_SEQPACKET: one message per send, no framing needed). */
#pragma once
#include <stdint.h>
#include <sys/types.h>

#include "error.h"

enum proto_type {
	PROTO_GO = 1,     /* supervisor -> init: uid/gid maps are written */
	PROTO_ERROR,      /* init/runner -> supervisor: setup failed (err, exit_code, text) */
	PROTO_EXIT,       /* init -> supervisor: runner's wait status (value) */
	PROTO_SOCKET_REQ, /* supervisor -> socket maker: socket(value, value2, 0) in the sandbox's netns */
	PROTO_SOCKET,     /* socket maker -> supervisor: value = the socket's fd in the table both share, or err */
	PROTO_RELAY_READY, /* supervisor -> init (relay socket): relay listeners exist, start the runner */
	PROTO_STATS,      /* init -> supervisor: the guard's counters (text: JSON members) */
};

struct proto_msg {
	uint32_t type;
	int32_t err;       /* positive errno */
	int32_t exit_code; /* PROTO_ERROR: 125, 126 or 127 */
	int32_t value;
	int32_t value2;
	char text[TJ_ERRMSG_MAX];
};

/* Sends msg (and fd when fd >= 0). Async-signal-safe. Returns 0 or -errno. */
int proto_send(int sock, const struct proto_msg *msg, int fd);
/* Receives one message; *fd gets a passed fd or -1. Returns bytes, 0 on EOF,
 * or -errno. */
ssize_t proto_recv(int sock, struct proto_msg *msg, int *fd, int flags);

/* In a sandbox child: report err to the supervisor and _exit(exit_code). */
__attribute__((noreturn))
void proto_fail(int sock, int exit_code, const struct tj_error *err);

/* In a child of the supervisor: die with it from here on (PDEATHSIG), then
 * wait for its GO; if it is gone already, recv says EOF and the child
 * exits 125. */
void proto_wait_go(int sock);

/* SPDX-License-Identifier: Apache-2.0 */
/* net: relay. The sandbox has only `lo`; the supervisor, outside, relays
 * exactly the TCP ports named in cfg->relay_ports:
 *   outbound (the broker): a socket created in the sandbox's netns listens on
 *     127.0.0.1:<sandbox_port>; each connection is spliced to the real
 *     host_addr:host_port, dialled from the supervisor's netns;
 *   inbound (the runner's health port): the supervisor listens on
 *     host_addr:host_port in its own netns; each connection is spliced to
 *     127.0.0.1:<sandbox_port> through a socket made in the sandbox's netns.
 * Nothing else crosses: no route, no other address, no abstract unix socket
 * (those are per netns).
 *
 * Relays are non-blocking (level-triggered epoll on the supervisor's loop
 * with per-end interest: read while the pipe has room, write while it has
 * bytes, so one wake-up per message and direction; splice through a pipe
 * per direction),
 * half-close aware (EOF on one side -> shutdown(SHUT_WR) on the other once
 * the pipe is drained), bounded (RELAY_MAX_CONNS), and end with the sandbox
 * (relay_free closes every socket). */
#pragma once
#include <stdint.h>

#include "config.h"
#include "error.h"
#include "loop.h"

#define RELAY_MAX_CONNS 128

struct tj_relay;

/* Makes a socket in the sandbox's network namespace (sandbox_socket). */
typedef int (*relay_socket_fn)(void *ctx, int family, int type, struct tj_error *err);

/* Before clone: resolves the outbound targets and binds the inbound host
 * listeners, so a busy port or an unknown broker name fails the run (125)
 * before a sandbox exists. */
int relay_prepare(const struct tj_config *cfg, struct tj_relay **out, struct tj_error *err);

/* After the sandbox exists and before the runner runs: creates the
 * listeners inside the sandbox (through make_socket) and registers every
 * listener on the loop. */
int relay_start(struct tj_relay *r, struct tj_loop *loop, relay_socket_fn make_socket,
		void *ctx, struct tj_error *err);

/* Closes every listener and connection (safe on NULL). */
void relay_free(struct tj_relay *r);

/* For tests and logs: connections currently open, accepted in total. */
unsigned relay_active(const struct tj_relay *r);
unsigned long relay_accepted(const struct tj_relay *r);

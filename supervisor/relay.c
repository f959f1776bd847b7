/* SPDX-License-Identifier: Apache-2.0 */
#include "relay.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#include "resolver.h"
#include "util.h"

#define RELAY_MAX_TARGETS 8

struct target {
	struct sockaddr_storage ss;
	socklen_t len;
};

struct relay_lis {
	struct tj_relay *r;
	int fd;
	bool inbound;
	bool registered;
	char what[300];          /* "127.0.0.1:5681 -> sandbox 127.0.0.1:5681" */
	uint16_t sandbox_port;
	struct target targets[RELAY_MAX_TARGETS]; /* outbound: the real service */
	size_t n_targets;
};

struct relay_conn;
struct relay_end {
	struct relay_conn *c;
	int fd;
	bool eof;      /* read side saw EOF */
	bool shut_wr;  /* we sent FIN */
	bool registered;
	uint32_t events; /* registered epoll interest */
};

struct relay_conn {
	struct tj_relay *r;
	struct relay_lis *lis;
	struct relay_end e[2]; /* 0: accepted side, 1: dialled side */
	int pipe[2][2];        /* pipe[d] carries e[d] -> e[1 - d] */
	size_t fill[2];
	unsigned long long moved; /* bytes spliced, both directions and stages */
	bool connecting;
	size_t next_target;
	struct relay_conn *prev, *next;
};

struct tj_relay {
	struct tj_loop *loop;
	relay_socket_fn make_socket;
	void *ctx;
	struct relay_lis *lis;
	size_t n_lis;
	struct relay_conn *conns;
	unsigned active;
	unsigned long accepted;
	size_t pipe_cap;
};

unsigned relay_active(const struct tj_relay *r)
{
	return r ? r->active : 0;
}

unsigned long relay_accepted(const struct tj_relay *r)
{
	return r ? r->accepted : 0;
}

/* ---- connections -------------------------------------------------------- */

/* Both relayed sockets send what they are given at once. With Nagle on, a
 * frame written as header then payload (a websocket library does this; the
 * runner's own socket has TCP_NODELAY) reaches the relay as two splices: the
 * header goes out, the payload waits for the header's ACK, and the peer,
 * waiting for the payload, delays that ACK ~40 ms. Measured: p50 0.07 ms
 * bare, 44 ms through the relay (bench/n8n_relay_rtt.sh). Every socket here
 * is TCP (targets are resolved internet addresses). */
static int set_nodelay(int fd)
{
	int one = 1;
	if (setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one)) < 0)
		return -errno;
	return 0;
}

static void end_close(struct tj_relay *r, struct relay_end *e, bool reset)
{
	if (e->fd < 0)
		return;
	if (e->registered)
		loop_del(r->loop, e->fd);
	if (reset) {
		/* Tell the peer the other side failed, as a refused or reset
		 * connection would, rather than with an orderly FIN. */
		struct linger lg = { .l_onoff = 1, .l_linger = 0 };
		setsockopt(e->fd, SOL_SOCKET, SO_LINGER, &lg, sizeof(lg));
	}
	close(e->fd);
	e->fd = -1;
	e->registered = false;
}

static void conn_free(struct relay_conn *c, bool reset)
{
	struct tj_relay *r = c->r;
	end_close(r, &c->e[0], reset);
	end_close(r, &c->e[1], reset);
	for (int d = 0; d < 2; d++)
		for (int k = 0; k < 2; k++)
			if (c->pipe[d][k] >= 0)
				close(c->pipe[d][k]);
	if (c->prev)
		c->prev->next = c->next;
	else
		r->conns = c->next;
	if (c->next)
		c->next->prev = c->prev;
	r->active--;
	free(c);
}

static void on_end(struct tj_loop *l, int fd, uint32_t events, void *data);

/* What end i waits for: readable while its pipe has room and it has not
 * hit EOF; writable while the other direction has bytes for it (or while
 * its connect is in progress). Level-triggered, so one wake-up per message
 * and direction, and a reader stopped by a full pipe is simply not asked
 * about until the pipe drains. */
static uint32_t end_want(const struct relay_conn *c, int i)
{
	if (c->connecting)
		return i == 1 ? EPOLLOUT : 0;
	uint32_t ev = 0;
	if (!c->e[i].eof && c->fill[i] < c->r->pipe_cap)
		ev |= EPOLLIN;
	if (c->fill[1 - i] > 0)
		ev |= EPOLLOUT;
	return ev;
}

static int end_register(struct relay_conn *c, int i)
{
	uint32_t ev = end_want(c, i);
	int r = loop_add(c->r->loop, c->e[i].fd, ev, on_end, &c->e[i]);
	if (r == 0) {
		c->e[i].registered = true;
		c->e[i].events = ev;
	}
	return r;
}

static void conn_update(struct relay_conn *c)
{
	for (int i = 0; i < 2; i++) {
		uint32_t ev = end_want(c, i);
		if (c->e[i].registered && ev != c->e[i].events &&
		    loop_mod(c->r->loop, c->e[i].fd, ev) == 0)
			c->e[i].events = ev;
	}
}

/* e[d] -> pipe[d]. Returns false when the connection failed (not freed). */
static bool move_in(struct relay_conn *c, int d)
{
	struct relay_end *src = &c->e[d];
	size_t cap = c->r->pipe_cap;
	if (src->eof || c->fill[d] >= cap)
		return true;
	ssize_t n = splice(src->fd, NULL, c->pipe[d][1], NULL, cap - c->fill[d],
			   SPLICE_F_NONBLOCK | SPLICE_F_MOVE);
	if (n > 0) {
		c->fill[d] += (size_t)n;
		c->moved += (size_t)n;
	} else if (n == 0)
		src->eof = true;
	else if (errno != EAGAIN && errno != EINTR)
		return false;
	return true;
}

/* pipe[d] -> e[1 - d], then pass a FIN on once the pipe is drained. */
static bool move_out(struct relay_conn *c, int d)
{
	struct relay_end *src = &c->e[d], *dst = &c->e[1 - d];
	if (c->fill[d] > 0) {
		ssize_t n = splice(c->pipe[d][0], NULL, dst->fd, NULL, c->fill[d],
				   SPLICE_F_NONBLOCK | SPLICE_F_MOVE);
		if (n > 0) {
			c->fill[d] -= (size_t)n;
			c->moved += (size_t)n;
		} else if (n < 0 && errno != EAGAIN && errno != EINTR)
			return false;
	}
	if (src->eof && c->fill[d] == 0 && !dst->shut_wr) {
		/* Half-close: the other way stays open. */
		shutdown(dst->fd, SHUT_WR);
		dst->shut_wr = true;
	}
	return true;
}

static int conn_dial(struct relay_conn *c);

/* Direction d as far as it goes now: a message larger than the pipe needs
 * several rounds of socket -> pipe -> socket, and going back to epoll_wait
 * between them only to be woken again at once costs two system calls each
 * (1 MiB round trip through the relay, p50: 1.41-1.44 ms -> 1.27-1.31 ms,
 * bench/n8n_relay_rtt.sh). Bounded so one busy connection cannot starve
 * the others. */
static bool pump(struct relay_conn *c, int d)
{
	for (int round = 0; round < 16; round++) {
		unsigned long long before = c->moved;
		if (!move_in(c, d) || !move_out(c, d))
			return false;
		if (c->moved == before)
			break;
	}
	return true;
}

static void on_end(struct tj_loop *l, int fd, uint32_t events, void *data)
{
	struct relay_end *e = data;
	struct relay_conn *c = e->c;
	int i = e == &c->e[0] ? 0 : 1;
	(void)l;
	(void)fd;
	if (c->connecting) {
		if (i == 0) {
			/* The client gave up before we reached the target. */
			if (events & (EPOLLERR | EPOLLHUP))
				conn_free(c, true);
			return;
		}
		int soerr = 0;
		socklen_t sl = sizeof(soerr);
		if (getsockopt(e->fd, SOL_SOCKET, SO_ERROR, &soerr, &sl) < 0)
			soerr = errno;
		if (soerr) {
			end_close(c->r, &c->e[1], false);
			if (conn_dial(c) < 0)
				conn_free(c, true);
			return;
		}
		c->connecting = false;
		/* Whatever the client sent meanwhile. */
		if (!move_in(c, 0) || !move_out(c, 0)) {
			conn_free(c, true);
			return;
		}
	} else {
		bool ok = true;
		if (events & (EPOLLIN | EPOLLHUP | EPOLLERR))
			ok = pump(c, i);
		if (ok && (events & (EPOLLOUT | EPOLLHUP | EPOLLERR)))
			ok = move_out(c, 1 - i) && pump(c, 1 - i);
		if (!ok) {
			conn_free(c, true);
			return;
		}
	}
	if (c->e[0].shut_wr && c->e[1].shut_wr) {
		conn_free(c, false);
		return;
	}
	/* Level-triggered HUP/ERR would repeat forever on an end that has
	 * nothing left to do: the peer is gone, so is the connection. */
	if ((events & (EPOLLHUP | EPOLLERR)) && end_want(c, i) == 0) {
		conn_free(c, true);
		return;
	}
	conn_update(c);
}

/* A socket for the dialled side. Inbound: made in the sandbox's netns, and
 * checked, because it comes from a process that shares a uid with the task. */
static int dial_socket(struct relay_conn *c, int family)
{
	struct tj_relay *r = c->r;
	if (!c->lis->inbound) {
		int fd = socket(family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
		if (fd < 0)
			return -errno;
		int ret = set_nodelay(fd);
		if (ret < 0) {
			close(fd);
			return ret;
		}
		return fd;
	}
	struct tj_error err = { 0 };
	int fd = r->make_socket(r->ctx, family, SOCK_STREAM, &err);
	if (fd < 0)
		return fd;
	int dom = 0, type = 0;
	socklen_t sl = sizeof(int);
	if (getsockopt(fd, SOL_SOCKET, SO_DOMAIN, &dom, &sl) < 0 || dom != family ||
	    getsockopt(fd, SOL_SOCKET, SO_TYPE, &type, &sl) < 0 || type != SOCK_STREAM ||
	    fcntl(fd, F_SETFL, O_NONBLOCK | O_RDWR) < 0 || fcntl(fd, F_SETFD, FD_CLOEXEC) < 0 ||
	    set_nodelay(fd) < 0) {
		close(fd);
		return -EPROTO;
	}
	return fd;
}

/* Dials the next target; 0 when connected or in progress, -errno when no
 * target is left. */
static int conn_dial(struct relay_conn *c)
{
	const struct relay_lis *lis = c->lis;
	while (c->next_target < lis->n_targets) {
		const struct target *t = &lis->targets[c->next_target++];
		int fd = dial_socket(c, t->ss.ss_family);
		if (fd < 0)
			continue;
		c->e[1] = (struct relay_end){ .c = c, .fd = fd };
		int r = connect(fd, (const struct sockaddr *)&t->ss, t->len);
		if (r < 0 && errno != EINPROGRESS) {
			end_close(c->r, &c->e[1], false);
			continue;
		}
		c->connecting = r < 0;
		if (end_register(c, 1) < 0) {
			end_close(c->r, &c->e[1], false);
			return -ENOMEM;
		}
		if (!c->connecting)
			conn_update(c); /* e[0] was registered waiting for the connect */
		return 0;
	}
	return -ECONNREFUSED;
}

static void conn_new(struct relay_lis *lis, int afd)
{
	struct tj_relay *r = lis->r;
	struct relay_conn *c = calloc(1, sizeof(*c));
	if (!c) {
		close(afd);
		return;
	}
	c->r = r;
	c->lis = lis;
	c->e[0] = (struct relay_end){ .c = c, .fd = afd };
	if (set_nodelay(afd) < 0) {
		close(afd);
		free(c);
		return;
	}
	c->e[1] = (struct relay_end){ .c = c, .fd = -1 };
	for (int d = 0; d < 2; d++)
		c->pipe[d][0] = c->pipe[d][1] = -1;
	c->next = r->conns;
	if (r->conns)
		r->conns->prev = c;
	r->conns = c;
	r->active++;
	r->accepted++;
	for (int d = 0; d < 2; d++) {
		if (pipe2(c->pipe[d], O_NONBLOCK | O_CLOEXEC) < 0) {
			conn_free(c, true);
			return;
		}
	}
	/* Not interested in the client until the target answers. */
	c->connecting = true;
	if (end_register(c, 0) < 0 || conn_dial(c) < 0)
		conn_free(c, true);
}

static void on_accept(struct tj_loop *l, int fd, uint32_t events, void *data)
{
	struct relay_lis *lis = data;
	(void)l;
	(void)events;
	for (;;) {
		int a = accept4(fd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
		if (a < 0)
			return; /* EAGAIN, or an aborted connection: next event */
		if (lis->r->active >= RELAY_MAX_CONNS) {
			struct linger lg = { .l_onoff = 1, .l_linger = 0 };
			setsockopt(a, SOL_SOCKET, SO_LINGER, &lg, sizeof(lg));
			close(a);
			continue;
		}
		conn_new(lis, a);
	}
}

/* ---- setup -------------------------------------------------------------- */

/* Names through resolver.c (hosts, then DNS), not getaddrinfo: in the
 * static binary getaddrinfo would dlopen the host's NSS modules (resolver.h).
 * Addresses are tried in the order given (/etc/hosts order; DNS: A first). */
static int resolve(const char *host, uint16_t port, struct target *out, size_t max, size_t *n,
		   struct tj_error *err)
{
	struct dns_addr a[RELAY_MAX_TARGETS];
	size_t na = 0;
	int r = resolver_lookup(host, a, max < RELAY_MAX_TARGETS ? max : RELAY_MAX_TARGETS, &na, err);
	if (r < 0)
		return r;
	*n = 0;
	for (size_t i = 0; i < na; i++) {
		struct target *t = &out[(*n)++];
		memset(t, 0, sizeof(*t));
		if (a[i].family == AF_INET) {
			struct sockaddr_in *in = (struct sockaddr_in *)&t->ss;
			in->sin_family = AF_INET;
			in->sin_port = htons(port);
			memcpy(&in->sin_addr, a[i].a, 4);
			t->len = sizeof(*in);
		} else {
			struct sockaddr_in6 *in6 = (struct sockaddr_in6 *)&t->ss;
			in6->sin6_family = AF_INET6;
			in6->sin6_port = htons(port);
			memcpy(&in6->sin6_addr, a[i].a, 16);
			t->len = sizeof(*in6);
		}
	}
	return 0;
}

static int listen_on(int fd, const struct target *t, const char *what, struct tj_error *err)
{
	int one = 1;
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (bind(fd, (const struct sockaddr *)&t->ss, t->len) < 0)
		return tj_error_set(err, errno, "relay %s: bind", what);
	if (listen(fd, 64) < 0)
		return tj_error_set(err, errno, "relay %s: listen", what);
	return 0;
}

static void loopback4(struct target *t, uint16_t port)
{
	struct sockaddr_in *in = (struct sockaddr_in *)&t->ss;
	memset(t, 0, sizeof(*t));
	in->sin_family = AF_INET;
	in->sin_port = htons(port);
	in->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	t->len = sizeof(*in);
}

int relay_prepare(const struct tj_config *cfg, struct tj_relay **out, struct tj_error *err)
{
	struct tj_relay *r = calloc(1, sizeof(*r));
	if (!r)
		return tj_error_set(err, ENOMEM, "relay");
	r->pipe_cap = 65536;
	r->lis = calloc(cfg->n_relay_ports ? cfg->n_relay_ports : 1, sizeof(*r->lis));
	if (!r->lis) {
		free(r);
		return tj_error_set(err, ENOMEM, "relay");
	}
	int ret = 0;
	for (size_t i = 0; i < cfg->n_relay_ports; i++) {
		const struct tj_relay_port *p = &cfg->relay_ports[i];
		struct relay_lis *lis = &r->lis[r->n_lis++];
		bool v6 = strchr(p->host_addr, ':') != NULL;
		lis->r = r;
		lis->fd = -1;
		lis->inbound = p->inbound;
		lis->sandbox_port = p->sandbox_port;
		if (p->inbound)
			snprintf(lis->what, sizeof(lis->what), "%s%s%s:%u -> sandbox 127.0.0.1:%u",
				 v6 ? "[" : "", p->host_addr, v6 ? "]" : "", p->host_port, p->sandbox_port);
		else
			snprintf(lis->what, sizeof(lis->what), "sandbox 127.0.0.1:%u -> %s%s%s:%u",
				 p->sandbox_port, v6 ? "[" : "", p->host_addr, v6 ? "]" : "", p->host_port);
		if (p->inbound) {
			struct target t;
			size_t n;
			ret = resolve(p->host_addr, p->host_port, &t, 1, &n, err);
			if (ret < 0) {
				tj_error_wrap(err, "relay %s", lis->what);
				break;
			}
			lis->fd = socket(t.ss.ss_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
			if (lis->fd < 0) {
				ret = tj_error_set(err, errno, "relay %s: socket", lis->what);
				break;
			}
			if ((ret = listen_on(lis->fd, &t, lis->what, err)) < 0)
				break;
			loopback4(&lis->targets[0], p->sandbox_port);
			lis->n_targets = 1;
		} else {
			ret = resolve(p->host_addr, p->host_port, lis->targets,
				      RELAY_MAX_TARGETS, &lis->n_targets, err);
			if (ret < 0) {
				tj_error_wrap(err, "relay %s", lis->what);
				break;
			}
		}
	}
	if (ret < 0) {
		relay_free(r);
		return ret;
	}
	*out = r;
	return 0;
}

int relay_start(struct tj_relay *r, struct tj_loop *loop, relay_socket_fn make_socket,
		void *ctx, struct tj_error *err)
{
	r->loop = loop;
	r->make_socket = make_socket;
	r->ctx = ctx;
	for (size_t i = 0; i < r->n_lis; i++) {
		struct relay_lis *lis = &r->lis[i];
		if (!lis->inbound) {
			int fd = make_socket(ctx, AF_INET, SOCK_STREAM, err);
			if (fd < 0)
				return tj_error_wrap(err, "relay %s", lis->what);
			lis->fd = fd;
			if (fcntl(fd, F_SETFL, O_NONBLOCK | O_RDWR) < 0 || fcntl(fd, F_SETFD, FD_CLOEXEC) < 0)
				return tj_error_set(err, errno, "relay %s: fcntl", lis->what);
			struct target t;
			loopback4(&t, lis->sandbox_port);
			int ret = listen_on(fd, &t, lis->what, err);
			if (ret < 0)
				return ret;
		}
		int ret = loop_add(loop, lis->fd, EPOLLIN, on_accept, lis);
		if (ret < 0)
			return tj_error_set(err, -ret, "relay %s: event loop", lis->what);
		lis->registered = true;
	}
	return 0;
}

void relay_free(struct tj_relay *r)
{
	if (!r)
		return;
	while (r->conns)
		conn_free(r->conns, false);
	for (size_t i = 0; i < r->n_lis; i++) {
		if (r->lis[i].registered)
			loop_del(r->loop, r->lis[i].fd);
		if (r->lis[i].fd >= 0)
			close(r->lis[i].fd);
	}
	free(r->lis);
	free(r);
}

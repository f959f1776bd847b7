/* SPDX-License-Identifier: Apache-2.0 */
#include "loop.h"

#include <errno.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <unistd.h>

/* poll(2), not epoll: an epoll watch counts against a per-user limit
 * (fs.epoll.max_user_watches) that a task of the caller's uid can use up,
 * and the supervisor of a user caller has that uid (red-team finding: the
 * caller's next launches failed with 125). The loop watches a handful of
 * fds, the relay's at most a few hundred. The EPOLL* event bits callers
 * pass are the POLL* ones (checked below), and both are level-triggered. */
_Static_assert(EPOLLIN == POLLIN && EPOLLOUT == POLLOUT && EPOLLERR == POLLERR &&
	       EPOLLHUP == POLLHUP && EPOLLPRI == POLLPRI && EPOLLRDHUP == POLLRDHUP,
	       "EPOLL* and POLL* bits differ");

struct handler {
	int fd;
	uint32_t events;
	loop_cb cb;
	void *data;
	struct handler *next;
	bool dead;
};

struct tj_loop {
	bool quit;
	struct handler *handlers;
	struct pollfd *pfd;       /* one batch: the live handlers' fds */
	struct handler **batch;   /* ... and who they were for */
	size_t cap;
};

int loop_new(struct tj_loop **out, struct tj_error *err)
{
	struct tj_loop *l = calloc(1, sizeof(*l));
	if (!l)
		return tj_error_set(err, ENOMEM, "event loop");
	*out = l;
	return 0;
}

static void reap_dead(struct tj_loop *l)
{
	for (struct handler **pp = &l->handlers; *pp;) {
		if ((*pp)->dead) {
			struct handler *d = *pp;
			*pp = d->next;
			free(d);
		} else
			pp = &(*pp)->next;
	}
}

void loop_free(struct tj_loop *l)
{
	if (!l)
		return;
	for (struct handler *h = l->handlers; h; h = h->next)
		h->dead = true;
	reap_dead(l);
	free(l->pfd);
	free(l->batch);
	free(l);
}

static struct handler *find(struct tj_loop *l, int fd)
{
	for (struct handler *h = l->handlers; h; h = h->next)
		if (h->fd == fd && !h->dead)
			return h;
	return NULL;
}

int loop_add(struct tj_loop *l, int fd, uint32_t events, loop_cb cb, void *data)
{
	if (fd < 0)
		return -EBADF;
	if (find(l, fd))
		return -EEXIST;
	struct handler *h = calloc(1, sizeof(*h));
	if (!h)
		return -ENOMEM;
	*h = (struct handler){ .fd = fd, .events = events, .cb = cb, .data = data, .next = l->handlers };
	l->handlers = h;
	return 0;
}

int loop_mod(struct tj_loop *l, int fd, uint32_t events)
{
	struct handler *h = find(l, fd);
	if (!h)
		return -ENOENT;
	h->events = events;
	return 0;
}

int loop_del(struct tj_loop *l, int fd)
{
	struct handler *h = find(l, fd);
	if (!h)
		return -ENOENT;
	/* Freed after the current batch: a later entry of it may still point
	 * at it. */
	h->dead = true;
	return 0;
}

void loop_quit(struct tj_loop *l)
{
	l->quit = true;
}

/* The live handlers as one poll batch; -ENOMEM or how many. */
static int fill_batch(struct tj_loop *l)
{
	size_t n = 0;
	for (struct handler *h = l->handlers; h; h = h->next)
		n += !h->dead;
	if (n > l->cap) {
		size_t cap = n * 2;
		struct pollfd *p = realloc(l->pfd, cap * sizeof(*p));
		if (!p)
			return -ENOMEM;
		l->pfd = p;
		struct handler **b = realloc(l->batch, cap * sizeof(*b));
		if (!b)
			return -ENOMEM;
		l->batch = b;
		l->cap = cap;
	}
	n = 0;
	for (struct handler *h = l->handlers; h; h = h->next) {
		if (h->dead)
			continue;
		l->pfd[n] = (struct pollfd){ .fd = h->fd, .events = (short)h->events };
		l->batch[n++] = h;
	}
	return (int)n;
}

int loop_run(struct tj_loop *l)
{
	while (!l->quit) {
		int n = fill_batch(l);
		if (n < 0)
			return n;
		if (poll(l->pfd, (nfds_t)n, -1) < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		for (int i = 0; i < n && !l->quit; i++) {
			struct handler *h = l->batch[i];
			if (!l->pfd[i].revents || h->dead)
				continue;
			/* Closed without loop_del: gone, as epoll forgets a
			 * closed file (else poll says POLLNVAL forever). */
			if (l->pfd[i].revents & POLLNVAL)
				h->dead = true;
			else
				h->cb(l, h->fd, (uint32_t)(unsigned short)l->pfd[i].revents, h->data);
		}
		reap_dead(l);
	}
	return 0;
}

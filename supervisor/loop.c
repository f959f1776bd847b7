/* SPDX-License-Identifier: Apache-2.0 */
#include "loop.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <unistd.h>

struct handler {
	int fd;
	loop_cb cb;
	void *data;
	struct handler *next;
	bool dead;
};

struct tj_loop {
	int epfd;
	bool quit;
	struct handler *handlers;
};

int loop_new(struct tj_loop **out, struct tj_error *err)
{
	struct tj_loop *l = calloc(1, sizeof(*l));
	if (!l)
		return tj_error_set(err, ENOMEM, "event loop");
	l->epfd = epoll_create1(EPOLL_CLOEXEC);
	if (l->epfd < 0) {
		int e = errno;
		free(l);
		return tj_error_set(err, e, "epoll_create1");
	}
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
	close(l->epfd);
	free(l);
}

int loop_add(struct tj_loop *l, int fd, uint32_t events, loop_cb cb, void *data)
{
	struct handler *h = calloc(1, sizeof(*h));
	if (!h)
		return -ENOMEM;
	*h = (struct handler){ .fd = fd, .cb = cb, .data = data, .next = l->handlers };
	struct epoll_event ev = { .events = events, .data.ptr = h };
	if (epoll_ctl(l->epfd, EPOLL_CTL_ADD, fd, &ev) < 0) {
		int e = errno;
		free(h);
		return -e;
	}
	l->handlers = h;
	return 0;
}

static struct handler *find(struct tj_loop *l, int fd)
{
	for (struct handler *h = l->handlers; h; h = h->next)
		if (h->fd == fd && !h->dead)
			return h;
	return NULL;
}

int loop_mod(struct tj_loop *l, int fd, uint32_t events)
{
	struct handler *h = find(l, fd);
	if (!h)
		return -ENOENT;
	struct epoll_event ev = { .events = events, .data.ptr = h };
	return epoll_ctl(l->epfd, EPOLL_CTL_MOD, fd, &ev) < 0 ? -errno : 0;
}

int loop_del(struct tj_loop *l, int fd)
{
	struct handler *h = find(l, fd);
	if (!h)
		return -ENOENT;
	epoll_ctl(l->epfd, EPOLL_CTL_DEL, fd, NULL);
	/* Freed after the current batch: a later event in the same batch may
	 * still point at it. */
	h->dead = true;
	return 0;
}

void loop_quit(struct tj_loop *l)
{
	l->quit = true;
}

int loop_run(struct tj_loop *l)
{
	struct epoll_event evs[32];
	while (!l->quit) {
		int n = epoll_wait(l->epfd, evs, 32, -1);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		for (int i = 0; i < n && !l->quit; i++) {
			struct handler *h = evs[i].data.ptr;
			if (!h->dead)
				h->cb(l, h->fd, evs[i].events, h->data);
		}
		reap_dead(l);
	}
	return 0;
}

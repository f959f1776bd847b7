/* SPDX-License-Identifier: Apache-2.0 */
/* procguard: the walker. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "util.h"

#include "procguard/internal.h"
static void walk_set_cur(struct walk *w, int fd, bool on_proc)
{
	if (w->cur >= 0)
		close(w->cur);
	w->cur = fd;
	w->on_proc = on_proc;
	w->pos_valid = false;
}

/* cur moved to child `name` of a procfs directory whose position we knew. */
static void walk_descend(struct walk *w, int fd, const char *name)
{
	bool known = w->pos_valid;
	struct pg_pos p = w->pos;
	walk_set_cur(w, fd, true);
	if (!known)
		return;
	procguard_pos_child(&p, name);
	w->pos = p;
	w->pos_valid = true;
}

/* cur crossed a mount point onto fd. */
static int walk_enter_mount(struct walk *w, int fd)
{
	int r;
	bool root;
	bool p = pg_fd_on_procfs(fd, w->rq, &r, &root);
	if (r < 0) {
		close(fd);
		return r;
	}
	walk_set_cur(w, fd, p);
	if (p && root) {
		w->pos = (struct pg_pos){.kind = PK_ROOT};
		w->pos_valid = true;
	}
	return 0;
}

static void walk_pos(struct walk *w, struct pg_pos *pos)
{
	if (w->pos_valid)
		*pos = w->pos;
	else
		pg_classify_dir(w->rq, w->cur, pos);
}

static int walk_restart_root(struct walk *w)
{
	if (w->scoped)
		return -EXDEV;
	int fd = fcntl(w->root, F_DUPFD_CLOEXEC, 3);
	if (fd < 0)
		return -errno;
	if (w->root == w->rq->pg->root_fd) {
		walk_set_cur(w, fd, false); /* the guard's own root: not procfs */
		return 0;
	}
	return walk_enter_mount(w, fd);
}

/* Replaces the component just consumed with `target` in front of the
 * remaining path (symlink expansion). */
static int walk_push(struct walk *w, const char *target, const char *rest)
{
	if (++w->hops > PG_MAX_SYMLINKS)
		return -ELOOP;
	char *dst = w->bufs[w->which ^ 1];
	int n = snprintf(dst, sizeof(w->bufs[0]), "%s%s%s", target,
			 *rest ? "/" : "", rest);
	if (n < 0 || (size_t)n >= sizeof(w->bufs[0]))
		return -ENAMETOOLONG;
	w->which ^= 1;
	w->rem = dst;
	if (*target == '/')
		return walk_restart_root(w);
	return 0;
}

static int walk_follow_symlink(struct walk *w, const char *name,
			       const char *rest)
{
	if (w->rq->resolve & RESOLVE_NO_SYMLINKS)
		return -ELOOP;
	char target[PATH_MAX];
	ssize_t n = readlinkat(w->cur, name, target, sizeof(target) - 1);
	if (n < 0)
		return -errno;
	target[n] = '\0';
	if (n == 0)
		return -ENOENT;
	return walk_push(w, target, rest);
}

static bool same_dir(int a, int b)
{
	struct stat sa, sb;
	return fstat(a, &sa) == 0 && fstat(b, &sb) == 0 &&
	       sa.st_dev == sb.st_dev && sa.st_ino == sb.st_ino;
}

static int walk_dotdot(struct walk *w)
{
	if (same_dir(w->cur, w->root))
		return w->scoped ? -EXDEV : 0; /* ".." at "/" stays at "/" */
	struct open_how how = {.flags = O_PATH | O_CLOEXEC,
			       .resolve = w->rq->resolve & RESOLVE_NO_XDEV};
	int fd = (int)sys_openat2(w->cur, "..", &how);
	if (fd < 0)
		return -errno;
	return walk_enter_mount(w, fd);
}

/* Follows a procfs magic link of the requester's own thread group by
 * letting the kernel jump (its target may have no usable string form:
 * pipe:[..], anon_inode:, deleted files, other mount namespaces). */
static int walk_magic(struct walk *w, const char *name, int flags, mode_t mode,
		      int *out)
{
	if (w->rq->resolve & (RESOLVE_NO_MAGICLINKS | RESOLVE_NO_SYMLINKS |
			      RESOLVE_BENEATH | RESOLVE_IN_ROOT))
		return -ELOOP;
	if (w->rq->resolve & RESOLVE_NO_XDEV)
		return -EXDEV;
	/* A jump counts toward the 40 links, as nd->total_link_count does. */
	if (++w->hops > PG_MAX_SYMLINKS)
		return -ELOOP;
	int fd = openat(w->cur, name, flags | O_CLOEXEC, mode);
	if (fd < 0)
		return -errno;
	*out = fd;
	return 0;
}

/* One intermediate component. */
static int walk_step(struct walk *w, char *name, const char *rest)
{
	if (w->on_proc) {
		struct pg_pos pos;
		enum pg_verdict v;
		walk_pos(w, &pos);
		int r = pg_proc_decide(w->rq, &pos, name, &v);
		if (r < 0)
			return r;
		if (v == PV_DENY) {
			w->rq->denied = true;
			return -EACCES;
		}
		if (v == PV_SELF || v == PV_THREAD_SELF) {
			if (w->rq->resolve & RESOLVE_NO_SYMLINKS)
				return -ELOOP;
			if ((r = pg_req_nspids(w->rq)) < 0)
				return r;
			char t[64];
			if (v == PV_SELF)
				snprintf(t, sizeof(t), "%d", (int)w->rq->nstgid);
			else
				snprintf(t, sizeof(t), "%d/task/%d",
					 (int)w->rq->nstgid, (int)w->rq->nstid);
			return walk_push(w, t, rest);
		}
		if (pos.kind == PK_PID || pos.kind == PK_PIDSUB) {
			/* Symlinks in a pid directory are magic links. */
			struct open_how how = {
				.flags = O_PATH | O_CLOEXEC,
				.resolve = RESOLVE_NO_SYMLINKS | RESOLVE_NO_XDEV};
			int fd = (int)sys_openat2(w->cur, name, &how);
			if (fd < 0 && errno == ELOOP) {
				if ((r = walk_magic(w, name, O_PATH, 0, &fd)) < 0)
					return r;
				return walk_enter_mount(w, fd);
			}
			if (fd >= 0) {
				walk_descend(w, fd, name);
				return 0;
			}
			if (errno != EXDEV)
				return -errno;
			/* a mount on top of a pid entry: fall through */
		}
	}
	struct open_how how = {.flags = O_PATH | O_CLOEXEC,
			       .resolve = RESOLVE_NO_SYMLINKS | RESOLVE_NO_XDEV};
	int fd = (int)sys_openat2(w->cur, name, &how);
	if (fd >= 0) {
		if (w->on_proc)
			walk_descend(w, fd, name);
		else
			walk_set_cur(w, fd, false);
		return 0;
	}
	if (errno == ELOOP)
		return walk_follow_symlink(w, name, rest);
	if (errno != EXDEV)
		return -errno;
	/* A mount point: cross it (unless the task asked not to) and find out
	 * which file system we are on now. */
	if (w->rq->resolve & RESOLVE_NO_XDEV)
		return -EXDEV;
	how.resolve = RESOLVE_NO_SYMLINKS;
	fd = (int)sys_openat2(w->cur, name, &how);
	if (fd < 0)
		return errno == ELOOP ? walk_follow_symlink(w, name, rest) : -errno;
	return walk_enter_mount(w, fd);
}

/* The last component: open it with the task's flags. Returns the fd, 0
 * when a symlink was pushed (walk goes on), or -errno. */
static int walk_final(struct walk *w, char *name, int *out)
{
	struct pg_req *rq = w->rq;
	int flags = rq->flags;
	bool magic_ok = false;
	if (w->on_proc) {
		struct pg_pos pos;
		enum pg_verdict v;
		walk_pos(w, &pos);
		int r = pg_proc_decide(rq, &pos, name, &v);
		if (r < 0)
			return r;
		if (v == PV_DENY) {
			rq->denied = true;
			return -EACCES;
		}
		if (v == PV_SELF || v == PV_THREAD_SELF) {
			if ((flags & O_NOFOLLOW) && !(flags & O_PATH))
				return -ELOOP;
			if (rq->resolve & RESOLVE_NO_SYMLINKS)
				return -ELOOP;
			/* O_PATH|O_NOFOLLOW on /proc/self: the link itself is
			 * harmless and carries no target. */
			if (!((flags & O_PATH) && (flags & O_NOFOLLOW))) {
				if ((r = pg_req_nspids(rq)) < 0)
					return r;
				char t[64];
				if (v == PV_SELF)
					snprintf(t, sizeof(t), "%d", (int)rq->nstgid);
				else
					snprintf(t, sizeof(t), "%d/task/%d",
						 (int)rq->nstgid, (int)rq->nstid);
				return walk_push(w, t, "");
			}
		}
		magic_ok = pos.kind == PK_PID || pos.kind == PK_PIDSUB;
	}
	rq->nonblock_added = rq->want_block && !w->on_proc;
	struct open_how how = {
		.flags = (uint64_t)(flags | O_CLOEXEC | (rq->nonblock_added ? O_NONBLOCK : 0)),
		.mode = rq->mode,
		.resolve = RESOLVE_NO_SYMLINKS | RESOLVE_NO_XDEV};
	int fd = (int)sys_openat2(w->cur, name, &how);
	if (fd < 0 && errno == EXDEV && !(rq->resolve & RESOLVE_NO_XDEV)) {
		how.resolve = RESOLVE_NO_SYMLINKS;
		fd = (int)sys_openat2(w->cur, name, &how);
	}
	if (fd >= 0) {
		*out = fd;
		return 1;
	}
	if (errno != ELOOP)
		return -errno;
	/* A symlink. With O_NOFOLLOW the kernel answers ELOOP too (and with
	 * O_PATH|O_NOFOLLOW openat2 returned the link itself above). */
	if (flags & O_NOFOLLOW)
		return -ELOOP;
	if (magic_ok) {
		/* the link may lead to a FIFO */
		rq->nonblock_added = rq->want_block;
		int r = walk_magic(w, name, flags | (rq->want_block ? O_NONBLOCK : 0),
				   rq->mode, &fd);
		if (r < 0)
			return r;
		*out = fd;
		return 1;
	}
	return walk_follow_symlink(w, name, "");
}

/* Below this many components left, walk_chunk() is not worth a try. */
#define PG_CHUNK_MIN 8

/* A long run of plain components ("a/b/../c/...") costs the kernel tens of
 * nanoseconds each and the walker a few syscalls each: a padded path would
 * cost the guard hundreds of times what it costs the kernel. So the kernel
 * takes the longest prefix of the remaining components (never the last
 * one) that it resolves with no symlink, no mount crossing and no ".."
 * above cur (RESOLVE_NO_SYMLINKS | RESOLVE_NO_XDEV | RESOLVE_BENEATH: the
 * result is on the same file system, below cur, whatever the root is). No
 * symlink means no procfs "self" and no magic link on the way, and the
 * kernel checks every directory with the task's own rights (the guard's),
 * so what the chunk passes through is what the task could pass through;
 * the object finally opened is decided on (pg_check_opened). The component
 * at the boundary (a symlink, a mount point, a missing name, a ".." above
 * cur) is then the step walker's. Components [c, c + k) are tried from cur:
 * on success cur moves there and k stays, on failure k is halved, so a
 * boundary d components away costs about 3d components of kernel lookups
 * and 2 log2(n) syscalls. Returns the number of components consumed (0:
 * none) or -errno. */
static int walk_chunk(struct walk *w)
{
	if (w->scoped)
		return 0;
	const char *rem = w->rem;
	size_t n = 0, len = strlen(rem);
	for (size_t i = 0; i < len && n < ELEMENTSOF(w->ends);) {
		while (i < len && rem[i] == '/')
			i++;
		if (i == len)
			break;
		while (i < len && rem[i] != '/')
			i++;
		w->ends[n++] = (unsigned short)i;
	}
	if (n < PG_CHUNK_MIN)
		return 0;
	size_t c = 0, k = n - 1;
	struct open_how how = {.flags = O_PATH | O_DIRECTORY | O_CLOEXEC,
			       .resolve = RESOLVE_NO_SYMLINKS | RESOLVE_NO_XDEV | RESOLVE_BENEATH};
	while (k > 0) {
		if (c + k > n - 1)
			k = n - 1 - c;
		if (k == 0)
			break;
		size_t from = c ? w->ends[c - 1] : 0, to = w->ends[c + k - 1];
		while (rem[from] == '/') /* relative to cur, never from "/" */
			from++;
		memcpy(w->chunk, rem + from, to - from);
		w->chunk[to - from] = '\0';
		int fd = (int)sys_openat2(w->cur, w->chunk, &how);
		if (fd >= 0) {
			/* still on the same file system; on procfs, where
			 * exactly is asked of the kernel when it matters */
			walk_set_cur(w, fd, w->on_proc);
			c += k;
		} else {
			k /= 2;
		}
	}
	if (c)
		w->rem = (char *)rem + w->ends[c - 1];
	return (int)c;
}

/* Resolves w->rem from w->cur. Returns an fd or -errno. */
static int walk_run(struct walk *w)
{
	for (;;) {
		int c = walk_chunk(w);
		if (c < 0)
			return c;
		char *p = w->rem;
		while (*p == '/')
			p++;
		if (!*p) {
			/* "/", or a path ending in "/", "." or "..": open the
			 * directory we are at. */
			int fd = -1;
			char dot[] = ".";
			int r = walk_final(w, dot, &fd);
			if (r < 0)
				return r;
			if (r == 1)
				return fd;
			continue;
		}
		char *e = strchr(p, '/');
		char *rest = e ? e + 1 : p + strlen(p);
		if (e)
			*e = '\0';
		if (strlen(p) > NAME_MAX)
			return -ENAMETOOLONG;
		const char *q = rest;
		while (*q == '/')
			q++;
		bool last = *q == '\0';
		int r;
		/* "." and "..": when nothing follows, the next round opens
		 * the directory we are at. */
		if (strcmp(p, ".") == 0) {
			w->rem = rest;
			continue;
		}
		if (strcmp(p, "..") == 0) {
			if ((r = walk_dotdot(w)) < 0)
				return r;
			w->rem = rest;
			continue;
		}
		/* Keep the component: walk_push may rewrite the buffer. */
		char name[NAME_MAX + 1];
		memcpy(name, p, strlen(p) + 1);
		if (last && e) {
			/* "name/" is "name/.": the directory itself. */
			static char dot_rest[] = ".";
			rest = dot_rest;
			last = false;
		}
		w->rem = rest;
		if (!last) {
			if ((r = walk_step(w, name, rest)) < 0)
				return r;
			continue;
		}
		int fd = -1;
		if ((r = walk_final(w, name, &fd)) < 0)
			return r;
		if (r == 1)
			return fd;
	}
}

/* The walk state (16 KiB of path buffers) lives in struct procguard and is
 * reused: procguard_handle() runs on one thread, and no allocation happens
 * per notification. */
int pg_walk_path(struct pg_req *rq, int start, int root, bool scoped,
		     const char *path)
{
	struct walk *w = rq->pg->walk;
	w->rq = rq;
	w->root = root;
	w->scoped = scoped;
	w->cur = -1;
	w->pos_valid = false;
	w->hops = 0;
	w->which = 0;
	snprintf(w->bufs[0], sizeof(w->bufs[0]), "%s", path);
	w->rem = w->bufs[0];
	int r = 0;
	if (path[0] == '/') {
		r = walk_restart_root(w);
	} else {
		int fd = fcntl(start, F_DUPFD_CLOEXEC, 3);
		r = fd < 0 ? -errno : walk_enter_mount(w, fd);
	}
	if (r == 0)
		r = walk_run(w);
	if (w->cur >= 0)
		close(w->cur);
	w->cur = -1;
	return r;
}


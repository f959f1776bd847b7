/* SPDX-License-Identifier: Apache-2.0 */
#include "mounts.h"
#include "sysio.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/mount.h>
#include <linux/openat2.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "util.h"

/* The new root is assembled on a tmpfs mounted here, inside the private
 * mount namespace; bind sources are cloned before it exists. */
#define NEWROOT "/tmp"

static int sys_open_tree(int dfd, const char *path, unsigned flags)
{
	return (int)syscall(SYS_open_tree, dfd, path, flags);
}
static int sys_move_mount(int from_dfd, const char *from, int to_dfd, const char *to, unsigned flags)
{
	return (int)syscall(SYS_move_mount, from_dfd, from, to_dfd, to, flags);
}
static int sys_mount_setattr(int dfd, const char *path, unsigned flags, struct mount_attr *a)
{
	return (int)syscall(SYS_mount_setattr, dfd, path, flags, a, sizeof(*a));
}
static int sys_pivot_root(const char *new_root, const char *put_old)
{
	return (int)syscall(SYS_pivot_root, new_root, put_old);
}

static int sys_openat2(int dfd, const char *path, struct open_how *how)
{
	return (int)syscall(SYS_openat2, dfd, path, how, sizeof(*how));
}

/* Opens path (relative to the new root) as O_PATH, with "..", absolute
 * symlinks and relative ones all resolved inside the new root, as they
 * will be after pivot_root. Before it, a plain open follows a symlink the
 * binds put there (a bind of the symlink /srv/l -> /var/tmp, then a bind
 * at /srv/l/y) to the host, and mkdir creates the host's /var/tmp/y. */
static int newroot_open(int rootfd, uint64_t resolve, const char *rel, unsigned flags)
{
	struct open_how how = {
		.flags = O_PATH | O_CLOEXEC | flags,
		.resolve = RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS | resolve,
	};
	return sys_openat2(rootfd, *rel ? rel : ".", &how);
}

static bool same_inode(int a, int b)
{
	struct stat sa, sb;
	return fstat(a, &sa) == 0 && fstat(b, &sb) == 0 && sa.st_dev == sb.st_dev &&
	       sa.st_ino == sb.st_ino;
}

/* Creates the directories of dst (an absolute, normalised sandbox path)
 * below the new root, each resolved inside it; returns an O_PATH fd of
 * the parent of the last component and sets *name to that component. */
static int newroot_mkdir_parents(int rootfd, uint64_t resolve, const char *dst, const char **name,
				 struct tj_error *err)
{
	char buf[PATH_MAX];
	if (snprintf(buf, sizeof(buf), "%s", dst + 1) >= (int)sizeof(buf))
		return tj_error_setx(err, ENAMETOOLONG, "bind destination too long: %s", dst);
	char *last = strrchr(buf, '/');
	*name = dst + 1 + (last ? (size_t)(last - buf) + 1 : 0);
	if (!last)
		buf[0] = '\0';
	else
		*last = '\0';
	for (char *p = buf; *buf; p++) {
		if (*p != '/' && *p != '\0')
			continue;
		char c = *p;
		*p = '\0';
		char *slash = strrchr(buf, '/');
		_cleanup_close_ int pfd = -1;
		if (slash) {
			*slash = '\0';
			pfd = newroot_open(rootfd, resolve, buf, O_DIRECTORY);
			*slash = '/';
		} else {
			pfd = newroot_open(rootfd, resolve, "", O_DIRECTORY);
		}
		if (pfd < 0)
			return tj_error_set(err, errno, "bind destination %s: open /%s", dst, buf);
		if (mkdirat(pfd, slash ? slash + 1 : buf, 0755) < 0 && errno != EEXIST)
			return tj_error_set(err, errno, "bind destination %s: mkdir /%s", dst, buf);
		*p = c;
		if (c == '\0')
			break;
	}
	int fd = newroot_open(rootfd, resolve, buf, O_DIRECTORY);
	if (fd < 0)
		return tj_error_set(err, errno, "bind destination %s: open /%s", dst, buf);
	return fd;
}

/* Returns an O_PATH fd of the mount point for dst, created as a directory
 * or an empty file when missing. */
static int newroot_mountpoint(int rootfd, uint64_t resolve, const char *dst, bool dir, struct tj_error *err)
{
	const char *name;
	_cleanup_close_ int pfd = newroot_mkdir_parents(rootfd, resolve, dst, &name, err);
	if (pfd < 0)
		return pfd;
	if (dir) {
		if (mkdirat(pfd, name, 0755) < 0 && errno != EEXIST)
			return tj_error_set(err, errno, "create mount point %s", dst);
	} else {
		int fd = openat(pfd, name, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC | O_NOCTTY, 0644);
		if (fd < 0 && errno != EEXIST)
			return tj_error_set(err, errno, "create mount point %s", dst);
		if (fd >= 0)
			close(fd);
	}
	int fd = newroot_open(rootfd, resolve, dst + 1, 0);
	if (fd < 0)
		return tj_error_set(err, errno, "open mount point %s", dst);
	/* A symlink inside the new root (one a bind brought along, or
	 * /proc/self/root recreated as a link to "/") can lead to the root
	 * itself: a bind there would replace the root, and what is built after
	 * the binds (/tmp, /dev, /proc, by path) would follow the bound tree's
	 * own symlinks out to the host. */
	if (same_inode(fd, rootfd)) {
		close(fd);
		return tj_error_setx(err, EINVAL, "bind destination %s is the sandbox's root "
				     "(through a symlink inside the sandbox)", dst);
	}
	return fd;
}

/* noexec for the writable scratch places (/tmp, /dev/shm) unless the
 * profile says "tmp_exec": a task that can write a file there could
 * otherwise execve it or map it PROT_EXEC (process.dlopen, ctypes.CDLL) and
 * run native code that reads the runner's memory, its environment block
 * included. The kernel refuses PROT_EXEC mappings of files on a noexec
 * mount, so ld.so cannot be used to load it either. */
static unsigned long tmp_noexec_flag(const struct tj_config *cfg)
{
	return cfg->tmp_exec ? 0 : MS_NOEXEC;
}

static int clone_bind(const struct tj_config *cfg, const struct tj_bind *b, struct cloned *c,
		      struct tj_error *err)
{
	struct stat st;
	char bad[PATH_MAX];
	unsigned bad_uid = 0;
	c->fd = -1;
	c->link = NULL;
	c->b = b;
	if (lstat(b->src, &st) < 0) {
		if (errno == ENOENT && b->optional)
			return 0;
		return tj_error_set(err, errno, "bind source %s", b->src);
	}
	/* A top-level symlink such as /bin -> usr/bin (merged /usr) is
	 * recreated as a symlink, not followed to a second bind. */
	if (S_ISLNK(st.st_mode) && strcmp(b->src, b->dst) == 0) {
		char target[PATH_MAX];
		ssize_t n = readlink(b->src, target, sizeof(target) - 1);
		if (n < 0)
			return tj_error_set(err, errno, "readlink %s", b->src);
		target[n] = '\0';
		c->link = strdup(target);
		return c->link ? 0 : tj_error_set(err, ENOMEM, "strdup");
	}
	_cleanup_close_ int src = sysio_open_trusted(b->src, 0, bad, sizeof(bad), &bad_uid);
	if (src == -EPERM)
		return tj_error_setx(err, EPERM, "bind source %s: the symlink %s on its path is owned by "
				     "uid %u, not root (a sandboxed task could have planted it): "
				     "name the real path", b->src, bad, bad_uid);
	if (src < 0)
		return tj_error_set(err, -src, "bind source %s", b->src);
	c->fd = sys_open_tree(src, "", OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | AT_RECURSIVE | AT_EMPTY_PATH);
	if (c->fd < 0)
		return tj_error_set(err, errno, "bind %s: open_tree", b->src);
	if (fstat(c->fd, &st) < 0)
		return tj_error_set(err, errno, "bind %s: fstat", b->src);
	c->dir = S_ISDIR(st.st_mode);
	/* A bind that replaces /tmp gets /tmp's noexec. */
	bool noexec = tmp_noexec_flag(cfg) && strcmp(b->dst, "/tmp") == 0;
	struct mount_attr a = {
		.attr_set = MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV | (b->rw ? 0 : MOUNT_ATTR_RDONLY) |
			    (noexec ? MOUNT_ATTR_NOEXEC : 0),
		.attr_clr = b->rw ? MOUNT_ATTR_RDONLY : 0,
		.propagation = MS_PRIVATE,
	};
	if (sys_mount_setattr(c->fd, "", AT_EMPTY_PATH | AT_RECURSIVE, &a) < 0)
		return tj_error_set(err, errno, "bind %s: mount_setattr(%s,nosuid,nodev%s)", b->src,
				    b->rw ? "rw" : "ro", noexec ? ",noexec" : "");
	return 0;
}

/* A read-write bind's tree is the task's to rearrange between runs: a
 * destination below one is resolved without following any symlink, or a
 * planted one would move the bind (a writable tree mounted over /usr).
 * Those brought in read-only, and the profile's own links, are followed. */
static uint64_t dst_resolve(const struct mounts_prep *prep, const struct tj_bind *b)
{
	for (size_t i = 0; i < prep->n; i++) {
		const struct tj_bind *o = prep->c[i].b;
		size_t n = strlen(o->dst);
		if (o != b && o->rw && strncmp(b->dst, o->dst, n) == 0 && b->dst[n] == '/')
			return RESOLVE_NO_SYMLINKS;
	}
	return 0;
}

static int attach_bind(int rootfd, const struct mounts_prep *prep, struct cloned *c,
		       struct tj_error *err)
{
	uint64_t resolve = dst_resolve(prep, c->b);
	if (c->fd < 0 && !c->link)
		return 0; /* optional and missing */
	if (c->link) {
		const char *name;
		_cleanup_close_ int pfd = newroot_mkdir_parents(rootfd, resolve, c->b->dst, &name, err);
		if (pfd < 0)
			return pfd;
		if (symlinkat(c->link, pfd, name) < 0 && errno != EEXIST)
			return tj_error_set(err, errno, "symlink %s -> %s", c->b->dst, c->link);
		return 0;
	}
	_cleanup_close_ int mp = newroot_mountpoint(rootfd, resolve, c->b->dst, c->dir, err);
	if (mp < 0)
		return mp;
	if (sys_move_mount(c->fd, "", mp, "", MOVE_MOUNT_F_EMPTY_PATH | MOVE_MOUNT_T_EMPTY_PATH) < 0)
		return tj_error_set(err, errno, "bind %s on %s: move_mount", c->b->src, c->b->dst);
	return 0;
}

static int mount_tmpfs(const char *where, const char *opts, unsigned long flags, struct tj_error *err)
{
	if (mount("tmpfs", where, "tmpfs", flags, opts) < 0)
		return tj_error_set(err, errno, "mount tmpfs on %s (%s)", where, opts);
	return 0;
}

/* A directory right below NEWROOT (or below one made here): one mkdir,
 * not mkdir_p's walk from "/". */
static int mkdir_one(const char *path, mode_t mode, struct tj_error *err)
{
	if (mkdir(path, mode) < 0 && errno != EEXIST)
		return tj_error_set(err, errno, "mkdir %s", path);
	return 0;
}

/* An empty file on the /dev tmpfs (mknod of a regular file: one syscall,
 * no fd) with the host's node bound on it. */
static int bind_node(const char *src, const char *dst, struct tj_error *err)
{
	if (mknod(dst, S_IFREG | 0644, 0) < 0 && errno != EEXIST)
		return tj_error_set(err, errno, "create %s", dst);
	if (mount(src, dst, NULL, MS_BIND, NULL) < 0)
		return tj_error_set(err, errno, "bind %s on %s", src, dst);
	return 0;
}

/* /dev in one pass: one tmpfs, the six node binds, then nosuid,noexec on
 * the tmpfs and every bind under it with one recursive mount_setattr
 * (instead of a remount per node), then shm and devpts with their own
 * flags, then the tmpfs itself read-only. */
static int setup_dev(const struct tj_config *cfg, struct tj_error *err)
{
	static const char *const nodes[] = { "null", "zero", "full", "random", "urandom", "tty" };
	static const char *const links[][2] = {
		{ "/proc/self/fd", "fd" },     { "/proc/self/fd/0", "stdin" },
		{ "/proc/self/fd/1", "stdout" }, { "/proc/self/fd/2", "stderr" },
		{ "pts/ptmx", "ptmx" },
	};
	char p[PATH_MAX];
	int r;

	r = mkdir_one(NEWROOT "/dev", 0755, err);
	if (r < 0)
		return r;
	r = mount_tmpfs(NEWROOT "/dev", "mode=0755,size=64k,nr_inodes=64", MS_NOSUID | MS_NOEXEC, err);
	if (r < 0)
		return r;
	for (size_t i = 0; i < ELEMENTSOF(nodes); i++) {
		char src[32];
		snprintf(src, sizeof(src), "/dev/%s", nodes[i]);
		snprintf(p, sizeof(p), NEWROOT "/dev/%s", nodes[i]);
		r = bind_node(src, p, err);
		if (r < 0)
			return r;
	}
	/* Device nodes need a mount without nodev; nosuid/noexec on all of
	 * them (and again on the tmpfs) in one call. */
	struct mount_attr na = { .attr_set = MOUNT_ATTR_NOSUID | MOUNT_ATTR_NOEXEC };
	if (sys_mount_setattr(AT_FDCWD, NEWROOT "/dev", AT_RECURSIVE, &na) < 0)
		return tj_error_set(err, errno, "/dev: mount_setattr(nosuid,noexec) on the device nodes");
	for (size_t i = 0; i < ELEMENTSOF(links); i++) {
		snprintf(p, sizeof(p), NEWROOT "/dev/%s", links[i][1]);
		if (symlink(links[i][0], p) < 0)
			return tj_error_set(err, errno, "symlink /dev/%s", links[i][1]);
	}
	if ((r = mkdir_one(NEWROOT "/dev/shm", 01777, err)) < 0 ||
	    (r = mount_tmpfs(NEWROOT "/dev/shm", "mode=1777,size=16m",
				   MS_NOSUID | MS_NODEV | tmp_noexec_flag(cfg), err)) < 0)
		return r;
	if ((r = mkdir_one(NEWROOT "/dev/pts", 0755, err)) < 0)
		return r;
	if (mount("devpts", NEWROOT "/dev/pts", "devpts", MS_NOSUID | MS_NOEXEC,
		  "newinstance,ptmxmode=0666,mode=620") < 0)
		return tj_error_set(err, errno, "mount devpts on /dev/pts");
	/* The nodes are separate mounts with their own flags, so the tmpfs
	 * itself can be read-only: nothing may create files in /dev. */
	if (mount(NULL, NEWROOT "/dev", NULL, MS_BIND | MS_REMOUNT | MS_RDONLY | MS_NOSUID | MS_NOEXEC, NULL) < 0)
		return tj_error_set(err, errno, "make /dev read-only");
	return 0;
}

/* Docker's masked paths: kernel state a task has no business reading. */
static const char *const proc_masked_files[] = {
	"kcore", "keys", "timer_list", "sched_debug", "sysrq-trigger",
	"latency_stats", "timer_stats", "kallsyms", "kpagecount", "kpageflags",
	"kpagecgroup", "config.gz",
};
static const char *const proc_masked_dirs[] = { "acpi", "scsi", "asound" };
/* Docker's read-only paths (sysrq-trigger is masked above). */
static const char *const proc_readonly[] = { "sys", "bus", "fs", "irq" };

/* Each mask is one mount attempt, no access()/stat() first: a name this
 * kernel lacks fails the lookup (ENOENT) and is skipped. */
static int setup_proc(const struct tj_config *cfg, struct tj_error *err)
{
	char p[PATH_MAX];
	int r = mkdir_one(NEWROOT "/proc", 0555, err);
	/* absent: the directory of the root tmpfs stays empty (read-only
	 * with the root), and the task, without capabilities, mounts none. */
	if (r < 0 || cfg->proc_guard == TJ_PROC_GUARD_ABSENT)
		return r;
	if (mount("proc", NEWROOT "/proc", "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL) < 0)
		return tj_error_set(err, errno,
				    "mount a fresh /proc (in a container, the runtime's masks over /proc forbid it: "
				    "Kubernetes needs procMount: Unmasked; run 'taskjail check')");
	for (size_t i = 0; i < ELEMENTSOF(proc_masked_files); i++) {
		snprintf(p, sizeof(p), NEWROOT "/proc/%s", proc_masked_files[i]);
		if (mount("/dev/null", p, NULL, MS_BIND, NULL) < 0 && errno != ENOENT)
			return tj_error_set(err, errno, "mask /proc/%s", proc_masked_files[i]);
	}
	for (size_t i = 0; i < ELEMENTSOF(proc_masked_dirs); i++) {
		snprintf(p, sizeof(p), NEWROOT "/proc/%s", proc_masked_dirs[i]);
		if (mount("tmpfs", p, "tmpfs", MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC,
			  "size=0,mode=0555") < 0 && errno != ENOENT && errno != ENOTDIR)
			return tj_error_set(err, errno, "mask /proc/%s (tmpfs)", proc_masked_dirs[i]);
	}
	for (size_t i = 0; i < ELEMENTSOF(proc_readonly); i++) {
		snprintf(p, sizeof(p), NEWROOT "/proc/%s", proc_readonly[i]);
		if (mount(p, p, NULL, MS_BIND | MS_REC, NULL) < 0) {
			if (errno == ENOENT)
				continue;
			return tj_error_set(err, errno, "make /proc/%s read-only (bind)", proc_readonly[i]);
		}
		if (mount(NULL, p, NULL, MS_BIND | MS_REMOUNT | MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC,
			  NULL) < 0)
			return tj_error_set(err, errno, "make /proc/%s read-only", proc_readonly[i]);
	}
	return 0;
}

int mounts_prepare(const struct tj_config *cfg, struct mounts_prep *prep, struct tj_error *err)
{
	int r = 0;
	prep->n = cfg->n_binds;
	prep->c = calloc(cfg->n_binds ? cfg->n_binds : 1, sizeof(*prep->c));
	if (!prep->c)
		return tj_error_set(err, ENOMEM, "mounts");
	for (size_t i = 0; i < cfg->n_binds; i++)
		prep->c[i].fd = -1;

	/* Nothing we mount may propagate back to the host. */
	if (mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0)
		return tj_error_set(err, errno, "make / private (MS_REC|MS_PRIVATE)");
	for (size_t i = 0; i < cfg->n_binds && r == 0; i++)
		r = clone_bind(cfg, &cfg->binds[i], &prep->c[i], err);
	return r;
}

void mounts_prep_free(struct mounts_prep *prep)
{
	for (size_t i = 0; prep->c && i < prep->n; i++) {
		if (prep->c[i].fd >= 0)
			close(prep->c[i].fd);
		free(prep->c[i].link);
	}
	free(prep->c);
	prep->c = NULL;
}

static bool path_at_or_below(const char *path, const char *dir)
{
	size_t n = strlen(dir);
	return strncmp(path, dir, n) == 0 && (path[n] == '\0' || path[n] == '/');
}

/* /dev and /proc are built here after the binds, and would cover a bind
 * below them without a word: refused instead. A bind at /tmp replaces the
 * tmpfs; one below /tmp lands in it (the tmpfs is mounted first). */
static int check_bind_places(const struct mounts_prep *prep, bool *tmp_bound, struct tj_error *err)
{
	*tmp_bound = false;
	for (size_t i = 0; i < prep->n; i++) {
		const struct cloned *c = &prep->c[i];
		if (c->fd < 0 && !c->link)
			continue; /* optional and missing */
		if (path_at_or_below(c->b->dst, "/dev") || path_at_or_below(c->b->dst, "/proc"))
			return tj_error_setx(err, EINVAL, "bind destination %s: taskjail builds /dev and /proc "
					     "itself, a bind there would be hidden (bind it elsewhere)", c->b->dst);
		if (strcmp(c->b->dst, "/tmp") == 0)
			*tmp_bound = true;
	}
	return 0;
}

static int check_built_places(int rootfd, int tmpfd, struct tj_error *err)
{
	struct stat st;
	static const char *const later[] = { "dev", "proc" };
	for (size_t i = 0; i < ELEMENTSOF(later); i++)
		if (fstatat(rootfd, later[i], &st, AT_SYMLINK_NOFOLLOW) == 0)
			return tj_error_setx(err, EINVAL, "a bind reached /%s through a symlink inside the "
					     "sandbox: taskjail builds /dev and /proc itself", later[i]);
	if (tmpfd < 0) {
		/* A bind at /tmp itself: a directory, not a symlink or file it
		 * brought in (/tmp's users go through string paths). */
		if (fstatat(rootfd, "tmp", &st, AT_SYMLINK_NOFOLLOW) == 0 && !S_ISDIR(st.st_mode))
			return tj_error_setx(err, EINVAL, "/tmp in the sandbox would be a %s brought in by a "
					     "bind (bind something else there)",
					     S_ISLNK(st.st_mode) ? "symlink" : "file");
		return 0;
	}
	_cleanup_close_ int now = newroot_open(rootfd, 0, "tmp", O_DIRECTORY);
	if (now < 0 || !same_inode(now, tmpfd))
		return tj_error_setx(err, EINVAL, "a bind reached /tmp through a symlink inside the "
				     "sandbox: bind at /tmp itself to replace the tmpfs");
	return 0;
}

struct mnt_line {
	int id, parent;
	bool proc;
	char *where;
};

/* proc_guard absent promises no procfs in the sandbox, self none but the
 * sandbox's own /proc (its Landlock domain grants everything beneath a
 * bind), and binds are recursive: a bind of /proc, of / or of any tree
 * with a procfs mounted below brings the host's. Runs before /proc is
 * mounted. Decided on the mount table, by mount id: every
 * procfs whose chain of parents reaches the new root's tmpfs is refused
 * (a shadowed mount of the host's old /tmp has other parents). */
static int check_no_procfs(const char *mode, struct tj_error *err)
{
	struct statx sx;
	if (statx(AT_FDCWD, NEWROOT, AT_SYMLINK_NOFOLLOW, STATX_MNT_ID, &sx) < 0)
		return tj_error_set(err, errno, "proc_guard %s: statx of the new root", mode);
	if (!(sx.stx_mask & STATX_MNT_ID))
		return tj_error_setx(err, ENOSYS, "proc_guard %s: no mount id from statx (Linux >= 5.8)", mode);
	FILE *f = fopen("/proc/self/mountinfo", "re");
	if (!f)
		return tj_error_set(err, errno, "proc_guard %s: read /proc/self/mountinfo", mode);
	struct mnt_line *m = NULL;
	size_t n = 0, cap = 0;
	char *line = NULL;
	size_t len = 0;
	int r = 0;
	while (r == 0 && getline(&line, &len, f) > 0) {
		if (n == cap) {
			struct mnt_line *g = realloc(m, (cap = cap ? 2 * cap : 64) * sizeof(*m));
			if (!g) {
				r = tj_error_set(err, ENOMEM, "proc_guard %s: mount table", mode);
				break;
			}
			m = g;
		}
		struct sysio_mnt l;
		if (!sysio_mountinfo_line(line, &l))
			continue;
		bool proc = strcmp(l.fstype, "proc") == 0;
		m[n++] = (struct mnt_line){ l.id, l.parent, proc, proc ? strdup(l.where) : NULL };
	}
	free(line);
	/* A read error is no end of the table: fail closed. */
	if (r == 0 && ferror(f))
		r = tj_error_set(err, EIO, "proc_guard %s: read /proc/self/mountinfo", mode);
	fclose(f);
	for (size_t i = 0; r == 0 && i < n; i++) {
		if (!m[i].proc)
			continue;
		/* Up the parents, at most n steps (a cycle is impossible, but
		 * the walk does not rely on it). */
		int id = m[i].id;
		for (size_t step = 0; step <= n && id != (int)sx.stx_mnt_id; step++) {
			size_t j = 0;
			while (j < n && m[j].id != id)
				j++;
			if (j == n || m[j].parent == id)
				break;
			id = m[j].parent;
		}
		if (id == (int)sx.stx_mnt_id) {
			const char *w = m[i].where ? m[i].where : "?";
			if (strncmp(w, NEWROOT "/", sizeof(NEWROOT)) == 0)
				w += sizeof(NEWROOT) - 1;
			r = tj_error_setx(err, EINVAL, "proc_guard %s: a bind brings a procfs into the sandbox "
					  "at %s (binds are recursive: bind a tree without /proc below it, or use "
					  "proc_guard strict)", mode, w);
		}
	}
	for (size_t i = 0; i < n; i++)
		free(m[i].where);
	free(m);
	return r;
}

int mounts_finish(const struct tj_config *cfg, struct mounts_prep *prep, struct tj_error *err)
{
	char opts[64];
	bool tmp_bound;
	int r;

	if ((r = check_bind_places(prep, &tmp_bound, err)) < 0)
		return r;
	if ((r = mount_tmpfs(NEWROOT, "mode=0755,size=1m,nr_inodes=4096", MS_NOSUID | MS_NODEV, err)) < 0)
		return r;
	if (!tmp_bound) {
		snprintf(opts, sizeof(opts), "mode=1777,size=%llu", (unsigned long long)cfg->tmpfs_size);
		if ((r = mkdir_one(NEWROOT "/tmp", 01777, err)) < 0 ||
		    (r = mount_tmpfs(NEWROOT "/tmp", opts, MS_NOSUID | MS_NODEV | tmp_noexec_flag(cfg), err)) < 0)
			return r;
	}
	_cleanup_close_ int rootfd = open(NEWROOT, O_PATH | O_DIRECTORY | O_CLOEXEC);
	_cleanup_close_ int tmpfd = tmp_bound ? -1 : open(NEWROOT "/tmp", O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (rootfd < 0 || (!tmp_bound && tmpfd < 0))
		return tj_error_set(err, errno, "open the new root");
	for (size_t i = 0; i < prep->n; i++)
		if ((r = attach_bind(rootfd, prep, &prep->c[i], err)) < 0)
			return r;
	/* The checks above read destinations as strings; a symlink brought in
	 * by a bind can still lead one to /tmp, /dev or /proc, and what is
	 * built after the binds goes through string paths below NEWROOT. */
	if ((r = check_built_places(rootfd, tmpfd, err)) < 0)
		return r;
	if ((cfg->proc_guard == TJ_PROC_GUARD_ABSENT || cfg->proc_guard == TJ_PROC_GUARD_SELF) &&
	    (r = check_no_procfs(config_proc_guard_names[cfg->proc_guard], err)) < 0)
		return r;

	if ((r = setup_dev(cfg, err)) < 0 || (r = setup_proc(cfg, err)) < 0)
		return r;

	if (chdir(NEWROOT) < 0)
		return tj_error_set(err, errno, "chdir to the new root");
	if (sys_pivot_root(".", ".") < 0)
		return tj_error_set(err, errno, "pivot_root");
	/* The old root is now stacked under "."; detach it so no host path is
	 * reachable any more. */
	if (umount2(".", MNT_DETACH) < 0)
		return tj_error_set(err, errno, "detach the old root");
	if (chdir("/") < 0)
		return tj_error_set(err, errno, "chdir /");
	if (mount(NULL, "/", NULL, MS_BIND | MS_REMOUNT | MS_RDONLY | MS_NOSUID | MS_NODEV, NULL) < 0)
		return tj_error_set(err, errno, "make the new root read-only");
	return 0;
}

/* SPDX-License-Identifier: Apache-2.0 */
/* proc_guard "self": see procself.h. The runner shares init's fd table
 * until its execve (init.c, start_runner); nothing here allocates. */
#include "procself.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/magic.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/vfs.h>
#include <unistd.h>

#include "landlock.h"
#include "procguard/policy.h"
#include "util.h"

struct entry {
	const char *name;
	int fd; /* O_PATH, owned by the callback */
	struct stat st;
};

/* Calls fn for each entry of dirfd (open for reading) whose name want
 * accepts (NULL: every one), but symlinks, opened O_PATH without
 * following. The names are filtered before anything is opened (procfs
 * makes an inode for each open); a name gone meanwhile is skipped. */
static int each_entry(int dirfd, bool (*want)(const char *name), int (*fn)(void *arg, struct entry *e), void *arg)
{
	char buf[4096] __attribute__((aligned(8)));
	for (;;) {
		long n = syscall(SYS_getdents64, dirfd, buf, sizeof(buf));
		if (n < 0)
			return -errno;
		if (n == 0)
			return 0;
		for (long off = 0; off < n;) {
			struct {
				uint64_t ino;
				int64_t off;
				unsigned short reclen;
				unsigned char type;
				char name[];
			} *d = (void *)(buf + off);
			off += d->reclen;
			if (strcmp(d->name, ".") == 0 || strcmp(d->name, "..") == 0 || d->type == DT_LNK ||
			    (want && !want(d->name)))
				continue;
			struct entry e = { .name = d->name };
			e.fd = openat(dirfd, d->name, O_PATH | O_NOFOLLOW | O_CLOEXEC);
			if (e.fd < 0) {
				if (errno == ENOENT)
					continue;
				return -errno;
			}
			if (fstat(e.fd, &e.st) < 0) {
				int err = errno;
				close(e.fd);
				return -err;
			}
			if (S_ISLNK(e.st.st_mode)) {
				close(e.fd);
				continue;
			}
			int r = fn(arg, &e);
			if (r < 0)
				return r;
		}
	}
}

static bool global_name(const char *name)
{
	return procguard_self_allowed(name, false);
}

static bool own_name(const char *name)
{
	return procguard_self_allowed(name, true);
}

static int open_proc(struct stat *st, struct tj_error *err)
{
	int fd = open("/proc", O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return tj_error_set(err, errno, "proc_guard self: open /proc");
	struct statfs sf;
	if (fstatfs(fd, &sf) < 0 || sf.f_type != PROC_SUPER_MAGIC || fstat(fd, st) < 0) {
		close(fd);
		return tj_error_setx(err, EINVAL, "proc_guard self: /proc is not a procfs");
	}
	return fd;
}

struct hold {
	struct procself_share *sh;
	dev_t proc_dev;
};

/* A mask bound over an entry (/dev/null, an empty tmpfs) is another
 * device: left out, it stays shut. */
static int keep_global(void *arg, struct entry *e)
{
	struct hold *h = arg;
	if (e->st.st_dev != h->proc_dev) {
		close(e->fd);
		return 0;
	}
	if (h->sh->n_global == PROCSELF_GLOBAL_MAX) {
		close(e->fd);
		return -E2BIG;
	}
	/* held for init's life; the runner, sharing init's fd table, names
	 * each in its rule */
	h->sh->global[h->sh->n_global].fd = e->fd;
	h->sh->global[h->sh->n_global++].dir = S_ISDIR(e->st.st_mode);
	return 0;
}

int procself_hold_global(struct procself_share *sh, struct tj_error *err)
{
	struct hold h = { .sh = sh };
	struct stat st;
	sh->n_global = 0;
	_cleanup_close_ int proc = open_proc(&st, err);
	if (proc < 0)
		return proc;
	h.proc_dev = st.st_dev;
	int r = each_entry(proc, global_name, keep_global, &h);
	return r < 0 ? tj_error_set(err, -r, "proc_guard self: hold the entries of /proc") : 0;
}

struct confine {
	int ruleset;
	uint64_t handled;
	dev_t proc_dev;
	struct procself_share *sh;
	struct tj_error *err;
};

static int add_rule(struct confine *c, int fd, bool dir, uint64_t access, const char *where, const char *name)
{
	if (!dir)
		access &= LL_FS_FILE;
	struct landlock_path_beneath_attr pb = { .allowed_access = access & c->handled, .parent_fd = fd };
	if (syscall(SYS_landlock_add_rule, c->ruleset, LANDLOCK_RULE_PATH_BENEATH, &pb, 0) < 0)
		return tj_error_set(c->err, errno, "proc_guard self: Landlock rule for %s%s", where, name);
	return 0;
}

/* Beneath each entry of the root but a procfs (/proc): every right, as
 * without the domain; the mounts decide there. */
static int root_rule(void *arg, struct entry *e)
{
	struct confine *c = arg;
	struct statfs sf;
	int r = fstatfs(e->fd, &sf) < 0 ? tj_error_set(c->err, errno, "proc_guard self: statfs /%s", e->name)
		: sf.f_type == PROC_SUPER_MAGIC ? 0
		: add_rule(c, e->fd, S_ISDIR(e->st.st_mode), c->handled, "/", e->name);
	close(e->fd);
	return r;
}

/* The runner's own entries: opened (held) before they are named, and
 * left open in the fd table shared with init, which keeps them after our
 * execve (close-on-exec closes our copy). A mask bound over one is left
 * out (closed): it stays shut. */
static int own_rule(void *arg, struct entry *e)
{
	struct confine *c = arg;
	if (e->st.st_dev != c->proc_dev) {
		close(e->fd);
		return 0;
	}
	return add_rule(c, e->fd, S_ISDIR(e->st.st_mode), LL_FS_READ | LANDLOCK_ACCESS_FS_WRITE_FILE | LL_FS_TRUNCATE,
			"/proc/self/", e->name);
}

/* stdin, stdout and stderr may come from the host (a file, a terminal):
 * reopening one through /proc/self/fd/N or /dev/stdout reaches a file no
 * rule names. Each gets a rule for reading and writing it, as without the
 * domain (the kernel's permission check still decides; a pipe or a socket
 * is no path Landlock governs; a directory or a procfs file was refused at
 * launch). */
static int stdio_rules(struct confine *c)
{
	for (int fd = 0; fd <= 2; fd++) {
		struct stat st;
		if (fstat(fd, &st) < 0 || !(S_ISREG(st.st_mode) || S_ISCHR(st.st_mode) || S_ISBLK(st.st_mode)))
			continue;
		uint64_t a = LANDLOCK_ACCESS_FS_READ_FILE | LANDLOCK_ACCESS_FS_WRITE_FILE | LL_FS_TRUNCATE;
		if (!S_ISREG(st.st_mode))
			a |= LL_FS_IOCTL_DEV; /* a terminal's reopened fd */
		struct landlock_path_beneath_attr pb = { .allowed_access = a & c->handled, .parent_fd = fd };
		if (syscall(SYS_landlock_add_rule, c->ruleset, LANDLOCK_RULE_PATH_BENEATH, &pb, 0) < 0 &&
		    errno != EBADFD)
			return tj_error_set(c->err, errno, "proc_guard self: Landlock rule for fd %d", fd);
	}
	return 0;
}

void procself_fallback(struct tj_config *cfg)
{
	if (cfg->proc_guard != TJ_PROC_GUARD_SELF || cfg->tier == TJ_TIER_RESTRICTED)
		return;
	if (syscall(SYS_landlock_create_ruleset, NULL, 0, LANDLOCK_CREATE_RULESET_VERSION) >= 1)
		return;
	fprintf(stderr, "taskjail: notice: proc_guard self needs Landlock, which this kernel does not offer "
		"(Linux >= 5.13 with landlock in lsm=): proc_guard strict guards /proc instead\n");
	cfg->proc_guard = TJ_PROC_GUARD_STRICT;
}

int procself_confine(struct procself_share *sh, struct tj_error *err)
{
	long abi = syscall(SYS_landlock_create_ruleset, NULL, 0, LANDLOCK_CREATE_RULESET_VERSION);
	if (abi < 0)
		return tj_error_set(err, errno, "proc_guard self needs Landlock (Linux >= 5.13, landlock in the "
				    "kernel's lsm= list)");
	struct confine c = { .handled = ll_fs_handled((int)abi), .sh = sh, .err = err };

	/* ABI >= 6: no abstract unix socket outside the domain either (with
	 * --net host the host's are reachable): a channel less for a procfs fd
	 * from outside (procself.h). Before: ABI 1's attribute. */
	struct ll_ruleset_attr ra = { .handled_access_fs = c.handled,
				      .scoped = abi >= 6 ? LL_SCOPE_ABSTRACT_UNIX_SOCKET : 0 };
	c.ruleset = (int)syscall(SYS_landlock_create_ruleset, &ra,
				 abi >= 6 ? sizeof(ra) : sizeof(ra.handled_access_fs), 0);
	if (c.ruleset < 0)
		return tj_error_set(err, errno, "proc_guard self: landlock_create_ruleset");
	_cleanup_close_ int rs = c.ruleset;
	_cleanup_close_ int root = open("/", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (root < 0)
		return tj_error_set(err, errno, "proc_guard self: open /");
	/* Any directory may be listed (/proc's pids too, as without the
	 * domain: names, not contents). */
	struct landlock_path_beneath_attr pb = { .allowed_access = LANDLOCK_ACCESS_FS_READ_DIR, .parent_fd = root };
	if (syscall(SYS_landlock_add_rule, rs, LANDLOCK_RULE_PATH_BENEATH, &pb, 0) < 0)
		return tj_error_set(err, errno, "proc_guard self: Landlock rule for /");
	int r = each_entry(root, NULL, root_rule, &c);
	if (r < 0)
		return err->err ? r : tj_error_set(err, -r, "proc_guard self: the entries of /");
	/* /proc's system-wide entries: the fds init holds (procself_hold_global),
	 * in the table we share with init: named, never closed here */
	for (int i = 0; i < sh->n_global && i < PROCSELF_GLOBAL_MAX; i++)
		if ((r = add_rule(&c, sh->global[i].fd, sh->global[i].dir, LL_FS_READ, "/proc/", "(an entry)")) < 0)
			return r;
	struct stat st;
	_cleanup_close_ int proc = open_proc(&st, err);
	if (proc < 0)
		return proc;
	c.proc_dev = st.st_dev;
	_cleanup_close_ int self = openat(proc, "self", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (self < 0)
		return tj_error_set(err, errno, "proc_guard self: open /proc/self");
	if ((r = each_entry(self, own_name, own_rule, &c)) < 0)
		return err->err ? r : tj_error_set(err, -r, "proc_guard self: the entries of /proc/self");
	if ((r = stdio_rules(&c)) < 0)
		return r;
	if (syscall(SYS_landlock_restrict_self, rs, 0) < 0)
		return tj_error_set(err, errno, "proc_guard self: landlock_restrict_self");
	return 0;
}

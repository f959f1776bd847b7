/* SPDX-License-Identifier: Apache-2.0 */
/* proc_guard "self": see procself.h. The runner calls procself_confine on
 * init's memory (vfork-style start, init.c): nothing here allocates. */
#include "procself.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/magic.h>
#include <stdio.h>
#include <string.h>
#include <sys/resource.h>
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
	bool dir;
	bool procfs;
};

/* Calls fn for each entry of dirfd (open for reading) but symlinks,
 * opened O_PATH without following. A name gone meanwhile is skipped. */
static int each_entry(int dirfd, int (*fn)(void *arg, const struct entry *e), void *arg)
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
			if (strcmp(d->name, ".") == 0 || strcmp(d->name, "..") == 0)
				continue;
			int fd = openat(dirfd, d->name, O_PATH | O_NOFOLLOW | O_CLOEXEC);
			if (fd < 0) {
				if (errno == ENOENT)
					continue;
				return -errno;
			}
			struct stat st;
			struct statfs sf;
			if (fstat(fd, &st) < 0 || fstatfs(fd, &sf) < 0) {
				int e = errno;
				close(fd);
				return -e;
			}
			if (S_ISLNK(st.st_mode)) {
				close(fd);
				continue;
			}
			struct entry e = { d->name, fd, S_ISDIR(st.st_mode), sf.f_type == PROC_SUPER_MAGIC };
			int r = fn(arg, &e);
			if (r < 0)
				return r;
		}
	}
}

/* The system-wide entries of /proc the task may read: procfs's own (a
 * mask bound over one is not procfs, and stays shut). */
static bool global_entry(const struct entry *e)
{
	return e->procfs && procguard_self_allowed(e->name, false);
}

static int open_proc(struct tj_error *err)
{
	int fd = open("/proc", O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return tj_error_set(err, errno, "proc_guard self: open /proc");
	struct statfs sf;
	if (fstatfs(fd, &sf) < 0 || sf.f_type != PROC_SUPER_MAGIC) {
		close(fd);
		return tj_error_setx(err, EINVAL, "proc_guard self: /proc is not a procfs");
	}
	return fd;
}

static int keep_global(void *arg, const struct entry *e)
{
	(void)arg;
	if (!global_entry(e))
		close(e->fd);
	/* else: held for init's life (procself.h) */
	return 0;
}

int procself_hold_global(struct tj_error *err)
{
	_cleanup_close_ int proc = open_proc(err);
	if (proc < 0)
		return proc;
	int r = each_entry(proc, keep_global, NULL);
	return r < 0 ? tj_error_set(err, -r, "proc_guard self: hold the entries of /proc") : 0;
}

struct confine {
	int ruleset;
	uint64_t handled;
	struct procself_share *sh;
	int n_held, budget; /* own entries' fds kept open, and how many may be */
	struct tj_error *err;
};

static int add_rule(struct confine *c, const struct entry *e, uint64_t access, const char *where)
{
	if (!e->dir)
		access &= LL_FS_FILE;
	struct landlock_path_beneath_attr pb = { .allowed_access = access & c->handled, .parent_fd = e->fd };
	if (syscall(SYS_landlock_add_rule, c->ruleset, LANDLOCK_RULE_PATH_BENEATH, &pb, 0) < 0)
		return tj_error_set(c->err, errno, "proc_guard self: Landlock rule for %s%s", where, e->name);
	return 0;
}

/* Beneath each entry of the root but procfs (/proc): every right, as
 * without the domain; the mounts decide there. */
static int root_rule(void *arg, const struct entry *e)
{
	struct confine *c = arg;
	int r = e->procfs ? 0 : add_rule(c, e, c->handled, "/");
	close(e->fd);
	return r;
}

static int global_rule(void *arg, const struct entry *e)
{
	struct confine *c = arg;
	int r = global_entry(e) ? add_rule(c, e, LL_FS_READ, "/proc/") : 0;
	close(e->fd);
	return r;
}

static int own_rule(void *arg, const struct entry *e)
{
	struct confine *c = arg;
	if (!e->procfs || !procguard_self_allowed(e->name, true)) {
		close(e->fd);
		return 0;
	}
	if (c->sh->n == PROCSELF_MAX || strlen(e->name) >= sizeof(c->sh->e[0].name)) {
		close(e->fd);
		return tj_error_setx(c->err, E2BIG, "proc_guard self: /proc/self/%s: more entries or a longer "
				     "name than this build holds", e->name);
	}
	struct stat st;
	int r = fstat(e->fd, &st) < 0 ? tj_error_set(c->err, errno, "proc_guard self: stat /proc/self/%s", e->name)
				      : add_rule(c, e, LL_FS_READ | LANDLOCK_ACCESS_FS_WRITE_FILE | LL_FS_TRUNCATE,
						 "/proc/self/");
	if (r < 0) {
		close(e->fd);
		return r;
	}
	snprintf(c->sh->e[c->sh->n].name, sizeof(c->sh->e[0].name), "%s", e->name);
	c->sh->e[c->sh->n++].ino = st.st_ino;
	/* Held until execve closes it (O_CLOEXEC); init holds it from then
	 * on. Past the fds this runner may spare it is let go now: init's
	 * check of the inode still catches a dentry procfs dropped meanwhile. */
	if (c->n_held < c->budget)
		c->n_held++;
	else
		close(e->fd);
	return 0;
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
	sh->n = 0;
	/* Keep 64 fds of the nofile limit for the rest of the launch. */
	struct rlimit nofile;
	if (getrlimit(RLIMIT_NOFILE, &nofile) == 0 && nofile.rlim_cur > 64)
		c.budget = nofile.rlim_cur - 64 < PROCSELF_MAX ? (int)(nofile.rlim_cur - 64) : PROCSELF_MAX;
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
	int r = each_entry(root, root_rule, &c);
	if (r < 0)
		return err->err ? r : tj_error_set(err, -r, "proc_guard self: the entries of /");
	_cleanup_close_ int proc = open_proc(err);
	if (proc < 0)
		return proc;
	if ((r = each_entry(proc, global_rule, &c)) < 0)
		return err->err ? r : tj_error_set(err, -r, "proc_guard self: the entries of /proc");
	_cleanup_close_ int self = openat(proc, "self", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (self < 0)
		return tj_error_set(err, errno, "proc_guard self: open /proc/self");
	if ((r = each_entry(self, own_rule, &c)) < 0)
		return err->err ? r : tj_error_set(err, -r, "proc_guard self: the entries of /proc/self");
	if ((r = stdio_rules(&c)) < 0)
		return r;
	if (syscall(SYS_landlock_restrict_self, rs, 0) < 0)
		return tj_error_set(err, errno, "proc_guard self: landlock_restrict_self");
	return 0;
}

int procself_hold_own(pid_t runner, const struct procself_share *sh, struct tj_error *err)
{
	char path[32];
	snprintf(path, sizeof(path), "/proc/%d", (int)runner);
	_cleanup_close_ int dir = open(path, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (dir < 0)
		return 0; /* the runner is gone: its exit is reported */
	for (int i = 0; i < sh->n && i < PROCSELF_MAX; i++) {
		int fd = openat(dir, sh->e[i].name, O_PATH | O_NOFOLLOW | O_CLOEXEC);
		struct stat st;
		if (fd < 0 && (errno == ENOENT || errno == ESRCH))
			return 0; /* exited meanwhile */
		if (fd < 0 || fstat(fd, &st) < 0)
			return tj_error_set(err, errno, "proc_guard self: hold /proc/%d/%s", (int)runner,
					    sh->e[i].name);
		if ((uint64_t)st.st_ino != sh->e[i].ino)
			return tj_error_setx(err, ESTALE, "proc_guard self: /proc/%d/%s was dropped (memory "
					     "pressure) before init could hold it: the task could not open it; "
					     "the sandbox was ended", (int)runner, sh->e[i].name);
		/* held for init's life */
	}
	return 0;
}

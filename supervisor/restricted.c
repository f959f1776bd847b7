/* SPDX-License-Identifier: Apache-2.0 */
#include "restricted.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/magic.h>
#include <linux/landlock.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/vfs.h>
#include <sys/wait.h>
#include <unistd.h>

#include "env.h"
#include "landlock.h"
#include "n8n.h"
#include "sysio.h"
#include "util.h"

/* Devices every runtime may open (stdio redirections, entropy), read and
 * write; no ioctl on them (ABI 5). */
static const char *const dev_files[] = { "/dev/null", "/dev/zero", "/dev/full", "/dev/random", "/dev/urandom" };

bool restricted_ns_refused(int err)
{
	return err == EPERM || err == EACCES || err == ENOSPC || err == EUSERS || err == EINVAL;
}

/* Everything that creates, changes or removes, but not device nodes. */
static uint64_t fs_write(int abi)
{
	uint64_t a = LANDLOCK_ACCESS_FS_WRITE_FILE | LANDLOCK_ACCESS_FS_REMOVE_DIR |
		     LANDLOCK_ACCESS_FS_REMOVE_FILE | LANDLOCK_ACCESS_FS_MAKE_DIR |
		     LANDLOCK_ACCESS_FS_MAKE_REG | LANDLOCK_ACCESS_FS_MAKE_SOCK |
		     LANDLOCK_ACCESS_FS_MAKE_FIFO | LANDLOCK_ACCESS_FS_MAKE_SYM;
	if (abi >= 2)
		a |= LANDLOCK_ACCESS_FS_REFER;
	if (abi >= 3)
		a |= LL_FS_TRUNCATE;
	return a;
}

/* refuse_proc: the name of a proc_guard mode (strict, absent) whose
 * promise (no environ, no mount tables) holds here only while /proc is
 * unreadable: there is no guard and no mount namespace; NULL: namespace. */
static int add_path(struct tj_restricted *rs, const char *path, uint64_t access, bool optional,
		    const char *refuse_proc, struct tj_error *err)
{
	char bad[PATH_MAX];
	unsigned bad_uid = 0;
	_cleanup_close_ int fd = sysio_open_trusted(path, 0, bad, sizeof(bad), &bad_uid);
	struct stat st;
	struct statfs sfs;
	if (fd == -ENOENT && optional)
		return 0;
	if (fd == -EPERM)
		return tj_error_setx(err, EPERM, "restricted tier: %s: the symlink %s on its path is owned "
				     "by uid %u, not root (a sandboxed task could have planted it): "
				     "name the real path", path, bad, bad_uid);
	if (fd < 0)
		return tj_error_set(err, -fd, "restricted tier: open %s for its Landlock rule", path);
	if (fstat(fd, &st) < 0 || fstatfs(fd, &sfs) < 0)
		return tj_error_set(err, errno, "restricted tier: open %s for its Landlock rule", path);
	/* Decided on the object, not the name: /etc/mtab is /proc/mounts,
	 * and a symlink can name / (which holds /proc). */
	struct stat root;
	if (refuse_proc && (sfs.f_type == PROC_SUPER_MAGIC ||
			    (stat("/", &root) == 0 && root.st_dev == st.st_dev && root.st_ino == st.st_ino)))
		return tj_error_setx(err, EINVAL, "restricted tier: bind %s makes /proc readable, and "
				     "proc_guard %s cannot hold in this tier (use proc_guard "
				     "namespace to accept it)", path, refuse_proc);
	/* A Landlock rule covers the mounts below its directory too: a procfs
	 * mounted there (a chroot's, say) would be readable. Checked at launch;
	 * one mounted later is not seen (README, restricted tier). */
	if (refuse_proc && S_ISDIR(st.st_mode)) {
		char fdp[64], real[PATH_MAX], where[PATH_MAX];
		snprintf(fdp, sizeof(fdp), "/proc/self/fd/%d", fd);
		ssize_t n = readlink(fdp, real, sizeof(real) - 1);
		if (n < 0)
			return tj_error_set(err, errno, "restricted tier: the real path of %s", path);
		real[n] = '\0';
		int below = sysio_procfs_below(real, st.st_dev, st.st_ino, where, sizeof(where));
		if (below < 0)
			return tj_error_set(err, -below, "restricted tier: read the mount table for %s", path);
		if (below)
			return tj_error_setx(err, EINVAL, "restricted tier: bind %s: a procfs is mounted below it "
					     "at %s, and proc_guard %s cannot hold in this tier (bind a tree "
					     "without it, or use proc_guard namespace)", path, where, refuse_proc);
	}
	if (!S_ISDIR(st.st_mode))
		access &= LL_FS_FILE;
	struct landlock_path_beneath_attr pb = {
		.allowed_access = access & ll_fs_handled(rs->abi),
		.parent_fd = fd,
	};
	if (syscall(SYS_landlock_add_rule, rs->ruleset_fd, LANDLOCK_RULE_PATH_BENEATH, &pb, 0) < 0)
		return tj_error_set(err, errno, "restricted tier: Landlock rule for %s", path);
	return 0;
}

static int add_port(struct tj_restricted *rs, uint64_t access, uint16_t port, struct tj_error *err)
{
	struct ll_net_port_attr np = { .allowed_access = access, .port = port };
	if (syscall(SYS_landlock_add_rule, rs->ruleset_fd, LL_RULE_NET_PORT, &np, 0) < 0)
		return tj_error_set(err, errno, "restricted tier: Landlock rule for TCP port %u", port);
	return 0;
}

static int make_tmpdir(struct tj_restricted *rs, uid_t uid, gid_t gid, struct tj_error *err)
{
	char tmpl[] = "/tmp/taskjail-restricted.XXXXXX";
	if (!mkdtemp(tmpl)) /* mode 0700 */
		return tj_error_set(err, errno, "restricted tier: create a private directory in /tmp");
	rs->tmpdir = strdup(tmpl);
	if (!rs->tmpdir) {
		rmdir(tmpl);
		return tj_error_set(err, ENOMEM, "restricted tier");
	}
	/* A root caller's runner is the unprivileged host id (README): it
	 * must own its directory. O_NOFOLLOW: /tmp is shared. */
	if (geteuid() == 0) {
		_cleanup_close_ int fd = open(tmpl, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		if (fd < 0 || fchown(fd, uid, gid) < 0)
			return tj_error_set(err, errno, "restricted tier: chown %s to %u%s", tmpl, (unsigned)uid,
					    errno == EINVAL ? " (host uid for a root caller: it must exist in the "
							      "caller's user namespace; pick one with --host-uid)" : "");
	}
	return 0;
}

static int add_fs_rules(const struct tj_config *cfg, struct tj_restricted *rs, struct tj_error *err)
{
	int r;
	for (size_t i = 0; i < cfg->n_binds; i++) {
		const struct tj_bind *b = &cfg->binds[i];
		/* Without a mount namespace nothing can appear at another
		 * path: the runner sees the host's tree. */
		_cleanup_free_ char *src = NULL;
		if (util_sandbox_path_normalize(b->src, &src) < 0 || strcmp(src, b->dst) != 0)
			return tj_error_setx(err, EINVAL,
					     "restricted tier: bind %s -> %s: no mount namespace to put it at another path "
					     "(bind it at its own path)", b->src, b->dst);
		uint64_t a = LL_FS_READ | (b->rw ? fs_write(rs->abi) : LANDLOCK_ACCESS_FS_EXECUTE);
		if ((r = add_path(rs, b->src, a, b->optional,
				    cfg->proc_guard == TJ_PROC_GUARD_NAMESPACE ? NULL
				    : config_proc_guard_names[cfg->proc_guard], err)) < 0)
			return r;
	}
	uint64_t t = LL_FS_READ | fs_write(rs->abi) | (cfg->tmp_exec ? LANDLOCK_ACCESS_FS_EXECUTE : 0);
	if ((r = add_path(rs, rs->tmpdir, t, false, NULL, err)) < 0)
		return r;
	for (size_t i = 0; i < ELEMENTSOF(dev_files); i++)
		if ((r = add_path(rs, dev_files[i], LANDLOCK_ACCESS_FS_READ_FILE | LANDLOCK_ACCESS_FS_WRITE_FILE,
				  true, NULL, err)) < 0)
			return r;
	return 0;
}

/* TCP: connect to the broker's ports, bind the ports the runner serves
 * (its health server); the relay's addresses cannot be enforced, only
 * ports (Landlock has no address rules). */
static int add_net_rules(const struct tj_config *cfg, struct tj_restricted *rs, struct tj_error *err)
{
	int r;
	if (cfg->net != TJ_NET_RELAY)
		return 0;
	for (size_t i = 0; i < cfg->n_relay_ports; i++) {
		const struct tj_relay_port *p = &cfg->relay_ports[i];
		if (p->inbound)
			r = add_port(rs, LL_NET_BIND_TCP, p->sandbox_port, err);
		else
			r = add_port(rs, LL_NET_CONNECT_TCP, p->host_port, err);
		if (r < 0)
			return r;
	}
	return 0;
}

int restricted_prepare(const struct tj_config *cfg, uid_t uid, gid_t gid,
		       struct tj_restricted *rs, struct tj_error *err)
{
	int r;
	long abi = syscall(SYS_landlock_create_ruleset, NULL, 0, LANDLOCK_CREATE_RULESET_VERSION);
	if (abi < 1)
		return tj_error_set(err, errno == EOPNOTSUPP || errno == ENOSYS ? errno : EOPNOTSUPP,
				    "restricted tier: Landlock is not available (Linux >= 5.13 with landlock in lsm=; "
				    "run 'taskjail check')");
	rs->abi = (int)abi;
	rs->net_rules = abi >= 4 && cfg->net != TJ_NET_HOST;
	rs->scoped = abi >= 6;
	/* Fail closed: without a network namespace, only Landlock's TCP
	 * rules stand between the runner and the host's network. */
	if (cfg->net != TJ_NET_HOST && abi < 4)
		return tj_error_setx(err, EOPNOTSUPP,
				     "restricted tier: net %s needs Landlock ABI 4 (Linux >= 6.7) to restrict TCP, this "
				     "kernel has ABI %ld; use net host to accept the host's network",
				     config_net_names[cfg->net], abi);
	if ((r = make_tmpdir(rs, uid, gid, err)) < 0)
		return r;
	struct ll_ruleset_attr ra = {
		.handled_access_fs = ll_fs_handled(rs->abi),
		.handled_access_net = rs->net_rules ? LL_NET_BIND_TCP | LL_NET_CONNECT_TCP : 0,
		.scoped = rs->scoped ? LL_SCOPE_ABSTRACT_UNIX_SOCKET | LL_SCOPE_SIGNAL : 0,
	};
	size_t size = abi >= 6 ? sizeof(ra) : abi >= 4 ? offsetof(struct ll_ruleset_attr, scoped)
						       : offsetof(struct ll_ruleset_attr, handled_access_net);
	rs->ruleset_fd = (int)syscall(SYS_landlock_create_ruleset, &ra, size, 0);
	if (rs->ruleset_fd < 0)
		return tj_error_set(err, errno, "restricted tier: landlock_create_ruleset (ABI %d)", rs->abi);
	if ((r = add_fs_rules(cfg, rs, err)) < 0 ||
	    (rs->net_rules && (r = add_net_rules(cfg, rs, err)) < 0))
		return r;
	return 0;
}

static int env_put(char ***envp, const char *name, const char *value, struct tj_error *err)
{
	char **e = *envp;
	size_t n = 0, len = strlen(name), i;
	while (e[n])
		n++;
	char *v = NULL;
	if (asprintf(&v, "%s=%s", name, value) < 0)
		return tj_error_set(err, ENOMEM, "restricted tier: environment");
	for (i = 0; i < n; i++)
		if (strncmp(e[i], name, len) == 0 && e[i][len] == '=')
			break;
	if (i == n) {
		e = realloc(e, (n + 2) * sizeof(*e));
		if (!e) {
			free(v);
			return tj_error_set(err, ENOMEM, "restricted tier: environment");
		}
		*envp = e;
		e[n + 1] = NULL;
	} else {
		free(e[i]);
	}
	e[i] = v;
	return 0;
}

int restricted_env(const struct tj_config *cfg, char ***envp, const char *tmpdir, struct tj_error *err)
{
	int r;
	if ((r = env_put(envp, "HOME", tmpdir, err)) < 0 ||
	    (r = env_put(envp, "TMPDIR", tmpdir, err)) < 0)
		return r;
	/* net relay pointed the runner at 127.0.0.1 (the relay inside its
	 * netns); here it shares the host's network: the broker itself. */
	const char *uri = env_get(*envp, "N8N_RUNNERS_TASK_BROKER_URI");
	struct n8n_uri u;
	char buf[600];
	if (cfg->net != TJ_NET_RELAY || !uri || n8n_parse_uri(uri, &u) < 0)
		return 0;
	for (size_t i = 0; i < cfg->n_relay_ports; i++) {
		const struct tj_relay_port *p = &cfg->relay_ports[i];
		if (p->inbound || p->sandbox_port != u.port)
			continue;
		if (n8n_uri_with_host(&u, p->host_addr, p->host_port, buf, sizeof(buf)) < 0)
			return tj_error_setx(err, ENAMETOOLONG, "restricted tier: broker URI too long");
		return env_put(envp, "N8N_RUNNERS_TASK_BROKER_URI", buf, err);
	}
	return 0;
}

int restricted_enter(const struct tj_restricted *rs, struct tj_error *err)
{
	if (syscall(SYS_landlock_restrict_self, rs->ruleset_fd, 0) < 0)
		return tj_error_set(err, errno, "restricted tier: landlock_restrict_self");
	close(rs->ruleset_fd);
	return 0;
}

/* Removing the private directory: fd-relative all the way (no path is
 * walked twice, no symbolic link is followed), each directory made u+rwx
 * once opened (the supervisor owns them when unprivileged; root may anyway),
 * so r-x or 000 directories do not stop it. A heap stack of at most
 * RM_OPEN directories is open at once; a directory found deeper is renamed
 * up into the top directory and removed from there, so no depth is too
 * deep and no fd limit is reached. */
#define RM_OPEN 64

struct rm_frame {
	DIR *d;
	char *name;     /* in the parent frame's directory */
	bool progress;  /* something was removed or moved in this pass */
};

static int rm_open(int dfd, const char *name)
{
	int fd = openat(dfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0 && errno == EACCES && fchmodat(dfd, name, 0700, AT_SYMLINK_NOFOLLOW) == 0)
		fd = openat(dfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return -1;
	struct stat st;
	if (fstat(fd, &st) < 0 || ((st.st_mode & 0700) != 0700 && fchmod(fd, 0700) < 0 && errno != EPERM)) {
		close(fd);
		return -1;
	}
	return fd;
}

static bool rm_push(struct rm_frame *st, size_t *n, int dfd, const char *name)
{
	int fd = rm_open(dfd, name);
	if (fd < 0)
		return false;
	DIR *d = fdopendir(fd);
	char *nm = strdup(name);
	if (!d || !nm) {
		free(nm);
		if (d)
			closedir(d);
		else
			close(fd);
		return false;
	}
	st[(*n)++] = (struct rm_frame){ .d = d, .name = nm };
	return true;
}

/* Returns whether the tree at path is gone. */
static bool remove_tree(const char *path)
{
	struct rm_frame *st = calloc(RM_OPEN, sizeof(*st));
	size_t n = 0;
	unsigned long moved = 0;
	if (!st || !rm_push(st, &n, AT_FDCWD, path)) {
		free(st);
		return rmdir(path) == 0 || errno == ENOENT;
	}
	while (n > 0) {
		struct rm_frame *f = &st[n - 1];
		int fd = dirfd(f->d);
		struct dirent *de = readdir(f->d);
		if (!de) {
			/* a pass with progress: again (readdir may skip entries
			 * removed or moved in under it) */
			if (f->progress) {
				f->progress = false;
				rewinddir(f->d);
				continue;
			}
			int pfd = n > 1 ? dirfd(st[n - 2].d) : AT_FDCWD;
			closedir(f->d);
			if (unlinkat(pfd, f->name, AT_REMOVEDIR) == 0 && n > 1)
				st[n - 2].progress = true;
			free(f->name);
			n--;
			continue;
		}
		if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
			continue;
		if (unlinkat(fd, de->d_name, 0) == 0) {
			f->progress = true;
			continue;
		}
		if (errno != EISDIR && errno != EPERM)
			continue;
		if (n == RM_OPEN) {
			/* too deep: up into the top directory, under a fresh name */
			char fresh[64];
			snprintf(fresh, sizeof(fresh), ".taskjail-deep.%lu", moved++);
			if (renameat(fd, de->d_name, dirfd(st[0].d), fresh) == 0)
				f->progress = st[0].progress = true;
			continue;
		}
		rm_push(st, &n, fd, de->d_name);
	}
	free(st);
	return access(path, F_OK) < 0 && errno == ENOENT;
}

void restricted_kill_leftovers(void)
{
	/* The runner's descendants were re-parented to us (subreaper); they
	 * would outlive the sandbox. A bounded number of rounds: a fork bomb
	 * ends at RLIMIT_NPROC / the pids limit. */
	char path[64];
	snprintf(path, sizeof(path), "/proc/self/task/%d/children", (int)getpid());
	for (int round = 0; round < 1000; round++) {
		char buf[4096];
		int fd = open(path, O_RDONLY | O_CLOEXEC);
		ssize_t n = fd >= 0 ? read(fd, buf, sizeof(buf) - 1) : -1;
		if (fd >= 0)
			close(fd);
		buf[n > 0 ? n : 0] = '\0';
		for (char *p = buf, *end; *p; p = end) {
			long pid = strtol(p, &end, 10);
			if (end == p)
				break;
			if (pid > 0)
				kill((pid_t)pid, SIGKILL);
		}
		int r;
		while ((r = waitpid(-1, NULL, __WALL | WNOHANG)) > 0)
			;
		if (r < 0)
			break; /* ECHILD: nothing left */
		usleep(1000);
	}
}

bool restricted_remove_tmpdir(struct tj_restricted *rs)
{
	if (!rs->tmpdir || rs->removed)
		return rs->removed = true;
	rs->removed = remove_tree(rs->tmpdir);
	if (!rs->removed)
		fprintf(stderr, "taskjail: error: restricted tier: could not remove the private directory %s "
			"entirely: what the task left there stays on the host\n", rs->tmpdir);
	return rs->removed;
}

void restricted_release(struct tj_restricted *rs)
{
	if (rs->ruleset_fd >= 0)
		close(rs->ruleset_fd);
	rs->ruleset_fd = -1;
	if (rs->tmpdir) {
		restricted_remove_tmpdir(rs);
		free(rs->tmpdir);
		rs->tmpdir = NULL;
	}
}

int restricted_root_only(struct tj_error *err)
{
	long abi = syscall(SYS_landlock_create_ruleset, NULL, 0, LANDLOCK_CREATE_RULESET_VERSION);
	if (abi < 0) {
		if (errno == ENOSYS || errno == EOPNOTSUPP)
			return 0;
		return tj_error_set(err, errno, "proc_guard absent: Landlock ABI version");
	}
	/* Every file right this kernel knows, all granted beneath "/": a
	 * foreign fd can neither read nor write (a procfs's mem) nor create
	 * through it. ABI 1's attribute (one member) is all this needs. */
	uint64_t all = ll_fs_handled((int)abi);
	struct ll_ruleset_attr ra = { .handled_access_fs = all };
	int fd = (int)syscall(SYS_landlock_create_ruleset, &ra, sizeof(ra.handled_access_fs), 0);
	if (fd < 0)
		return tj_error_set(err, errno, "proc_guard absent: landlock_create_ruleset");
	_cleanup_close_ int rs = fd;
	_cleanup_close_ int root = open("/", O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (root < 0)
		return tj_error_set(err, errno, "proc_guard absent: open / for its Landlock rule");
	struct landlock_path_beneath_attr pb = { .allowed_access = all, .parent_fd = root };
	if (syscall(SYS_landlock_add_rule, rs, LANDLOCK_RULE_PATH_BENEATH, &pb, 0) < 0)
		return tj_error_set(err, errno, "proc_guard absent: Landlock rule for /");
	if (syscall(SYS_landlock_restrict_self, rs, 0) < 0)
		return tj_error_set(err, errno, "proc_guard absent: landlock_restrict_self");
	return 1;
}

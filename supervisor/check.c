/* SPDX-License-Identifier: Apache-2.0 */
/* `taskjail check [--json] [--profile P]`: whether `taskjail run` can work
 * here and, when it cannot, the one root cause and its fix. Each kernel
 * feature is tried for real in a throwaway child (create the namespace,
 * mount a procfs, ...); what failed is then explained from what the host
 * tells (sysctls, /proc/self/status, the mount table, a sentinel request a
 * filter answers differently from the kernel) by diagnose.c. A probe that
 * needs one that failed is not tried: one cause, one finding. Exit 0 when
 * the full tier works (and the profile's needs are met), 1 otherwise, 125
 * on bad arguments. */
#include <errno.h>
#include <fcntl.h>
#include <linux/capability.h>
#include <linux/landlock.h>
#include <linux/mount.h>
#include <linux/sched.h>
#include <linux/seccomp.h>
#include <sched.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "tj_limits.h"
#include "config.h"
#include "diagnose.h"
#include "env.h"
#include "seccomp.h"
#include "util.h"

enum status { ST_OK, ST_FAIL, ST_SKIP, ST_NO };
static const char *const status_word[] = { "ok", "FAIL", "skip", "no" };
static const char *const status_json[] = { "ok", "fail", "skip", "no" };

struct item {
	const char *name;
	enum status st;
	bool required; /* for the full tier (or for the profile) */
	char detail[400];
	const char *fix; /* optional items only: required ones get a finding */
};

#define MAX_ITEMS 24
#define MAX_FINDINGS 8
static struct item items[MAX_ITEMS];
static size_t n_items;
static struct diag_finding findings[MAX_FINDINGS];
static const char *finding_check[MAX_FINDINGS];
static size_t n_findings;

static struct item *add(const char *name, bool required)
{
	struct item *it = &items[n_items++];
	*it = (struct item){ .name = name, .required = required };
	return it;
}

static struct diag_finding *add_finding(const char *check)
{
	if (n_findings == MAX_FINDINGS)
		return &findings[MAX_FINDINGS - 1];
	finding_check[n_findings] = check;
	return &findings[n_findings++];
}

/* A small /proc or /sys file, NUL-terminated; NULL when unreadable. */
static char *read_small(const char *path, size_t *len)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return NULL;
	size_t cap = 65536, n = 0;
	char *buf = malloc(cap + 1);
	while (buf && n < cap) {
		ssize_t r = read(fd, buf + n, cap - n);
		if (r <= 0)
			break;
		n += (size_t)r;
	}
	close(fd);
	if (buf)
		buf[n] = '\0';
	if (len)
		*len = n;
	return buf;
}

static long read_sysctl(const char *path)
{
	_cleanup_free_ char *s = read_small(path, NULL);
	return s && *s ? strtol(s, NULL, 10) : -1;
}

static enum diag_container find_container(void)
{
	const char *c = getenv("container");
	struct stat st;
	if (getenv("KUBERNETES_SERVICE_HOST") || stat("/var/run/secrets/kubernetes.io", &st) == 0)
		return DIAG_KUBERNETES;
	if (stat("/.dockerenv", &st) == 0 || (c && strcmp(c, "docker") == 0))
		return DIAG_DOCKER;
	if (stat("/run/.containerenv", &st) == 0 || (c && strcmp(c, "podman") == 0))
		return DIAG_PODMAN;
	return c && *c ? DIAG_CONTAINER : DIAG_HOST;
}

static void read_facts(struct diag_facts *h)
{
	struct __user_cap_header_struct ch = { _LINUX_CAPABILITY_VERSION_3, 0 };
	struct __user_cap_data_struct cd[2] = { 0 };
	h->privileged = syscall(SYS_capget, &ch, cd) == 0 && (cd[0].effective & (1u << CAP_SYS_ADMIN));
	h->max_user_namespaces = read_sysctl("/proc/sys/user/max_user_namespaces");
	h->unprivileged_userns_clone = (int)read_sysctl("/proc/sys/kernel/unprivileged_userns_clone");
	h->apparmor_restrict_userns = (int)read_sysctl("/proc/sys/kernel/apparmor_restrict_unprivileged_userns");
	size_t len = 0;
	_cleanup_free_ char *st = read_small("/proc/self/status", &len);
	diagnose_parse_status(st ? st : "", st ? len : 0, h);
	_cleanup_free_ char *mi = read_small("/proc/self/mountinfo", &len);
	diagnose_parse_mountinfo(mi ? mi : "", mi ? len : 0, h);
	h->container = find_container();
}

/* Runs fn in a child created with the given clone flags; returns 0 or the
 * positive errno of clone or of fn. */
static int try_in_child(unsigned long flags, int (*fn)(void))
{
	int pipefd[2];
	if (pipe2(pipefd, O_CLOEXEC) < 0)
		return errno;
	pid_t pid = (pid_t)syscall(SYS_clone, flags | SIGCHLD, NULL, NULL, NULL, 0);
	if (pid < 0) {
		int e = errno;
		close(pipefd[0]);
		close(pipefd[1]);
		return e;
	}
	if (pid == 0) {
		int e = fn ? fn() : 0;
		(void)!write(pipefd[1], &e, sizeof(e));
		_exit(0);
	}
	close(pipefd[1]);
	int e = EIO;
	if (read(pipefd[0], &e, sizeof(e)) != sizeof(e))
		e = EIO;
	close(pipefd[0]);
	waitpid(pid, NULL, 0);
	return e;
}

static int mount_proc(void)
{
	/* Needs the pid namespace of the child's children: fork once more. */
	pid_t p = fork();
	if (p < 0)
		return errno;
	if (p == 0) {
		if (mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0 ||
		    mount("proc", "/proc", "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL) < 0)
			_exit(errno & 0xff);
		_exit(0);
	}
	int ws;
	waitpid(p, &ws, 0);
	return WIFEXITED(ws) ? WEXITSTATUS(ws) : EIO;
}

static int mount_tmpfs(void)
{
	if (mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0 ||
	    mount("tmpfs", "/tmp", "tmpfs", MS_NOSUID | MS_NODEV, "size=1m") < 0)
		return errno;
	return 0;
}

/* What mounts.c does for each bind: a detached clone made read-only. */
static int detached_mount(void)
{
	int fd = (int)syscall(SYS_open_tree, AT_FDCWD, "/usr", OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | AT_RECURSIVE);
	if (fd < 0)
		return errno;
	struct mount_attr a = { .attr_set = MOUNT_ATTR_RDONLY | MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV };
	int r = (int)syscall(SYS_mount_setattr, fd, "", AT_EMPTY_PATH | AT_RECURSIVE, &a, sizeof(a));
	int e = r < 0 ? errno : 0;
	close(fd);
	return e;
}

/* Sentinels: requests the kernel refuses with EINVAL before it checks any
 * permission; anything else means a filter answered in its place. */
static bool filter_refuses(enum diag_probe p, unsigned long flags)
{
	long r;
	errno = 0;
	switch (p) {
	case DIAG_PROC:
	case DIAG_TMPFS:
		r = mount(NULL, "/", NULL, MS_NOUSER, NULL); /* MS_NOUSER: EINVAL first */
		break;
	case DIAG_DETACHED_MOUNT:
		r = syscall(SYS_open_tree, -1, "", ~0u);
		if (r < 0 && errno == EINVAL)
			r = syscall(SYS_mount_setattr, -1, "", ~0u, NULL, 0);
		break;
	default:
		/* CLONE_NEWUSER with CLONE_FS is invalid to the kernel. */
		r = syscall(SYS_clone, flags | CLONE_NEWUSER | CLONE_FS | SIGCHLD, NULL, NULL, NULL, 0);
		if (r == 0)
			_exit(0);
		if (r > 0)
			waitpid((pid_t)r, NULL, 0);
	}
	return r < 0 && errno != EINVAL;
}

static const char *errname(int e)
{
	const char *n = strerrorname_np(e);
	return n ? n : "?";
}

static void probe_fail(struct item *it, const struct diag_facts *h0, enum diag_probe p, unsigned long flags, int e)
{
	struct diag_facts h = *h0;
	if (h.seccomp_mode == 2 && (e == EPERM || e == EACCES || e == ENOSYS))
		h.filter_refuses = filter_refuses(p, flags);
	it->st = ST_FAIL;
	struct diag_finding f;
	diagnose_probe(&h, p, e, &f);
	/* One cause refusing several probes (a filter or AppArmor refusing
	 * every namespace type) is one finding: the same fix is the same. */
	for (size_t i = 0; i < n_findings; i++)
		if (strcmp(findings[i].fix, f.fix) == 0) {
			snprintf(it->detail, sizeof(it->detail), "refused (%s): same cause as %s", errname(e),
				 finding_check[i]);
			return;
		}
	/* The errno's name only: its strerror ("No space left on device"
	 * for a namespace limit) misleads; the finding says what it means. */
	snprintf(it->detail, sizeof(it->detail), "refused (%s): see the finding below", errname(e));
	*add_finding(it->name) = f;
}

static void skip(struct item *it, const char *why)
{
	it->st = ST_SKIP;
	snprintf(it->detail, sizeof(it->detail), "not tried: %s", why);
}

/* The namespaces and mounts `run` makes, each after what it needs. */
static bool probe_kernel(const struct diag_facts *h)
{
	static const struct { enum diag_probe p; unsigned long flag; } ns[] = {
		{ DIAG_PIDNS, CLONE_NEWPID }, { DIAG_MNTNS, CLONE_NEWNS }, { DIAG_IPCNS, CLONE_NEWIPC },
		{ DIAG_UTSNS, CLONE_NEWUTS }, { DIAG_CGROUPNS, CLONE_NEWCGROUP }, { DIAG_NETNS, CLONE_NEWNET },
	};
	bool all = true;
	struct item *u = add(diag_probe_names[DIAG_USERNS], true);
	int e = try_in_child(CLONE_NEWUSER, NULL);
	if (e)
		probe_fail(u, h, DIAG_USERNS, CLONE_NEWUSER, e);
	bool userns = e == 0, pid_ok = false, mnt_ok = false;
	for (size_t i = 0; i < ELEMENTSOF(ns); i++) {
		struct item *it = add(diag_probe_names[ns[i].p], true);
		if (!userns) {
			skip(it, "needs a user namespace");
			continue;
		}
		if ((e = try_in_child(CLONE_NEWUSER | ns[i].flag, NULL)))
			probe_fail(it, h, ns[i].p, ns[i].flag, e);
		pid_ok |= ns[i].p == DIAG_PIDNS && !e;
		mnt_ok |= ns[i].p == DIAG_MNTNS && !e;
	}
	struct item *pr = add(diag_probe_names[DIAG_PROC], true);
	struct item *tm = add(diag_probe_names[DIAG_TMPFS], true);
	struct item *dm = add(diag_probe_names[DIAG_DETACHED_MOUNT], true);
	if (!pid_ok || !mnt_ok)
		skip(pr, !userns ? "needs a user namespace" : "needs pid and mount namespaces");
	else if ((e = try_in_child(CLONE_NEWUSER | CLONE_NEWPID | CLONE_NEWNS, mount_proc)))
		probe_fail(pr, h, DIAG_PROC, 0, e);
	if (!mnt_ok) {
		skip(tm, !userns ? "needs a user namespace" : "needs a mount namespace");
		skip(dm, !userns ? "needs a user namespace" : "needs a mount namespace");
	} else {
		if ((e = try_in_child(CLONE_NEWUSER | CLONE_NEWNS, mount_tmpfs)))
			probe_fail(tm, h, DIAG_TMPFS, 0, e);
		/* A mount refused above is refused here for the same cause. */
		if (tm->st != ST_OK)
			skip(dm, "needs a tmpfs mount");
		else if ((e = try_in_child(CLONE_NEWUSER | CLONE_NEWNS, detached_mount)))
			probe_fail(dm, h, DIAG_DETACHED_MOUNT, 0, e);
	}
	for (size_t i = 0; i < n_items; i++) {
		if (items[i].st == ST_OK && !items[i].detail[0])
			snprintf(items[i].detail, sizeof(items[i].detail), "ok");
		all = all && items[i].st == ST_OK;
	}
	return all;
}

/* seccomp, its user notification, Landlock. */
static void probe_filters(int *landlock_abi, bool *seccomp_ok)
{
	struct item *it = add(diag_probe_names[DIAG_SECCOMP], true);
	*seccomp_ok = prctl(PR_GET_SECCOMP) >= 0;
	if (*seccomp_ok) {
		snprintf(it->detail, sizeof(it->detail), "ok");
	} else {
		struct diag_facts h = { 0 };
		it->st = ST_FAIL;
		snprintf(it->detail, sizeof(it->detail), "%s", strerror(errno));
		diagnose_probe(&h, DIAG_SECCOMP, errno, add_finding(it->name));
	}

	it = add("seccomp user notification", false);
	unsigned action = SECCOMP_RET_USER_NOTIF;
	if (syscall(SYS_seccomp, SECCOMP_GET_ACTION_AVAIL, 0, &action) < 0) {
		it->st = ST_NO;
		snprintf(it->detail, sizeof(it->detail), "%s", strerror(errno));
		it->fix = "Linux >= 5.0 (>= 5.14 for ADDFD|SEND), needed by proc_guard strict and log_denials";
	} else {
		snprintf(it->detail, sizeof(it->detail), "ok");
	}

	it = add("landlock", false);
	long abi = syscall(SYS_landlock_create_ruleset, NULL, 0, LANDLOCK_CREATE_RULESET_VERSION);
	*landlock_abi = abi < 0 ? 0 : (int)abi;
	if (abi < 0) {
		it->st = ST_NO;
		snprintf(it->detail, sizeof(it->detail), "%s", strerror(errno));
		it->fix = "Linux >= 5.13 booted with landlock in lsm= (needed by the restricted tier and proc_guard self, "
			  "which falls back to strict without it)";
	} else {
		snprintf(it->detail, sizeof(it->detail), "ABI %ld (the restricted tier and proc_guard self can use it)", abi);
	}

}

/* cgroup v2, and what run would use for each limit. */
static void probe_limits(void)
{
	struct item *it;
	it = add("cgroup v2", false);
	struct stat st;
	const char *cg = NULL;
	if (stat("/sys/fs/cgroup/cgroup.controllers", &st) == 0)
		cg = "unified at /sys/fs/cgroup";
	else if (stat("/sys/fs/cgroup/unified/cgroup.controllers", &st) == 0)
		cg = "hybrid: v2 at /sys/fs/cgroup/unified";
	it->st = cg ? ST_OK : ST_NO;
	snprintf(it->detail, sizeof(it->detail), "%s", cg ? cg : "not mounted");
	it->fix = "mount cgroup2 (limits are optional)";

	/* What run would use for each limit: made, reported, removed. */
	it = add("limits: memory, pids, cpu", false);
	it->fix = "run under a delegated cgroup v2 whose cgroup.subtree_control has memory, pids and cpu "
		  "(systemd: Delegate=yes; taskjail's own cgroup must allow children), or as root on a cgroup v1 host; "
		  "without a cgroup memory falls back to RLIMIT_DATA (per process), pids to RLIMIT_NPROC "
		  "(per sandbox: its user namespace), cpu to nothing";
	struct tj_config lc = { .limit_memory = 1ull << 30, .limit_pids = 512, .limit_cpu_milli = 1000 };
	struct tj_limits lim;
	struct tj_error lerr = { 0 };
	if (limits_prepare(&lc, getpid(), &lim, &lerr) < 0) {
		it->st = ST_NO;
		snprintf(it->detail, sizeof(it->detail), "%s", lerr.msg);
	} else {
		bool all = true;
		for (int i = 0; i < LIMITS_N; i++)
			all = all && lim.by[i] >= LIMITS_BY_CGROUP_V1;
		snprintf(it->detail, sizeof(it->detail), "memory: %s, pids: %s, cpu: %s%s%s",
			 limits_by_names[lim.by[LIMITS_MEMORY]], limits_by_names[lim.by[LIMITS_PIDS]],
			 limits_by_names[lim.by[LIMITS_CPU]], all ? "" : "; no cgroup: ",
			 all ? "" : lim.why_no_cgroup);
		limits_release(&lim);
		it->st = all ? ST_OK : ST_NO;
	}

}

static void probe_shipped(void)
{
	struct item *it;
	/* Where run finds the shipped profiles and policies by name: an
	 * out-of-tree build run from elsewhere finds none. */
	it = add("shipped profiles and policies found", false);
	it->fix = "install taskjail (profiles and policies go to <datadir>/taskjail), keep profiles/ and "
		  "policies/ next to the binary, or set TASKJAIL_PROFILE_DIR and TASKJAIL_POLICY_DIR";
	static const char *const names[] = { "minimal", "node", "python" };
	static const char *const pols[] = { "default", "node", "python" };
	char found[160] = "";
	const char *missing = NULL;
	for (size_t i = 0; i < ELEMENTSOF(names) && !missing; i++) {
		char *path = NULL;
		struct tj_error fe = { 0 };
		if (config_find_file("profiles", "TASKJAIL_PROFILE_DIR", names[i], &path, &fe) < 0)
			missing = names[i];
		else if (i == 0)
			snprintf(found, sizeof(found), "in %.*s", (int)(strrchr(path, '/') - path), path);
		free(path);
		if (!missing && config_find_file("policies", "TASKJAIL_POLICY_DIR", pols[i], &path, &fe) < 0)
			missing = pols[i];
		else
			free(path);
	}
	it->st = missing ? ST_NO : ST_OK;
	if (missing)
		snprintf(it->detail, sizeof(it->detail),
			 "'%s' not found (looked in $TASKJAIL_PROFILE_DIR/$TASKJAIL_POLICY_DIR, next to the binary, "
			 TJ_DATADIR ")", missing);
	else
		snprintf(it->detail, sizeof(it->detail), "%s", found);
}

static void probe_optional(int *landlock_abi, bool *seccomp_ok)
{
	probe_filters(landlock_abi, seccomp_ok);
	probe_limits();
	probe_shipped();
}

/* The host path of sandbox path p through the profile's binds, or NULL. */
static char *host_path(const struct tj_config *cfg, const char *p)
{
	const struct tj_bind *best = NULL;
	size_t bn = 0;
	for (size_t i = 0; i < cfg->n_binds; i++) {
		size_t n = strlen(cfg->binds[i].dst);
		if (strcmp(cfg->binds[i].dst, "/") == 0)
			n = 0;
		if (strncmp(p, cfg->binds[i].dst, n) == 0 && (p[n] == '/' || p[n] == '\0') && (!best || n >= bn)) {
			best = &cfg->binds[i];
			bn = n;
		}
	}
	if (!best)
		return NULL;
	char *out = NULL;
	return asprintf(&out, "%s%s", best->src, p + bn) < 0 ? NULL : out;
}

/* The profile's runtime in the sandbox's PATH, as the host sees it:
 * "python" is also found as python3 (n8n.c matches it the same way). */
static bool find_runtime(const struct tj_config *cfg, char *where, size_t size)
{
	const char *path = ENV_DEFAULT_PATH;
	for (size_t i = 0; i < cfg->n_env_set; i++)
		if (strcmp(cfg->env_set[i].name, "PATH") == 0)
			path = cfg->env_set[i].value;
	_cleanup_free_ char *copy = strdup(path);
	char *save = NULL;
	for (char *d = copy ? strtok_r(copy, ":", &save) : NULL; d; d = strtok_r(NULL, ":", &save)) {
		for (int suffix = 0; suffix < 2; suffix++) {
			char sp[4096];
			snprintf(sp, sizeof(sp), "%s/%s%s", d, cfg->runtime, suffix ? "3" : "");
			_cleanup_free_ char *hp = host_path(cfg, sp);
			if (hp && access(hp, X_OK) == 0) {
				snprintf(where, size, "%s (host: %s)", sp, hp);
				return true;
			}
		}
	}
	snprintf(where, size, "'%s' is not in the sandbox's PATH %s through the profile's binds", cfg->runtime, path);
	return false;
}

/* --profile P: what that profile needs of this host. Returns false when a
 * need is unmet; -1 (via *bad) when the profile itself is invalid. */
static bool check_profile(const char *name, bool *bad)
{
	struct tj_config cfg;
	struct tj_error err = { 0 };
	config_init_defaults(&cfg);
	_cleanup_free_ char *path = NULL;
	if (config_find_file("profiles", "TASKJAIL_PROFILE_DIR", name, &path, &err) < 0 ||
	    config_load_profile(path, &cfg, &err) < 0) {
		tj_error_wrap(&err, "check --profile");
		tj_error_print(&err);
		config_free(&cfg);
		*bad = true;
		return false;
	}
	bool all = true;
	struct item *it = add("profile: bind sources exist", true);
	size_t n = 0;
	for (size_t i = 0; i < cfg.n_binds; i++) {
		struct stat st;
		if (lstat(cfg.binds[i].src, &st) == 0) {
			n++;
		} else if (!cfg.binds[i].optional && it->st == ST_OK) {
			it->st = ST_FAIL;
			snprintf(it->detail, sizeof(it->detail), "%s: %s", cfg.binds[i].src, strerror(errno));
			struct diag_finding *f = add_finding(it->name);
			snprintf(f->cause, sizeof(f->cause), "profile %s binds %s, which does not exist on this host",
				 path, cfg.binds[i].src);
			snprintf(f->fix, sizeof(f->fix), "install what %s holds, or mark the bind optional "
				 "({\"src\": \"%s\", \"optional\": true}) in a copy of the profile", cfg.binds[i].src,
				 cfg.binds[i].src);
		}
	}
	if (it->st == ST_OK)
		snprintf(it->detail, sizeof(it->detail), "%zu of %zu present (the others are optional)", n, cfg.n_binds);
	all = all && it->st == ST_OK;

	it = add("profile: seccomp policy loads", true);
	const char *pol = cfg.seccomp ? cfg.seccomp : "default";
	if (strcmp(pol, "none") == 0) {
		snprintf(it->detail, sizeof(it->detail), "none (the profile asks for no policy)");
	} else {
		_cleanup_free_ char *pp = NULL;
		struct tj_seccomp *s = NULL;
		struct tj_seccomp_opts o = { .quiet = true };
		struct tj_error pe = { 0 };
		if (seccomp_find_policy(pol, &pp, &pe) < 0 || seccomp_prepare(pp, &o, &s, &pe) < 0) {
			it->st = ST_FAIL;
			snprintf(it->detail, sizeof(it->detail), "%s", pe.msg);
			struct diag_finding *f = add_finding(it->name);
			snprintf(f->cause, sizeof(f->cause), "the profile's seccomp policy '%s' does not load: %s", pol, pe.msg);
			snprintf(f->fix, sizeof(f->fix), "taskjail policy check %s names the problem; set TASKJAIL_POLICY_DIR "
				 "when the policies are not installed", pol);
			all = false;
		} else {
			snprintf(it->detail, sizeof(it->detail), "%s", pp);
			seccomp_free(s);
		}
	}

	it = add("profile: runtime found", true);
	if (!cfg.runtime) {
		snprintf(it->detail, sizeof(it->detail), "the profile names no runtime");
	} else if (!find_runtime(&cfg, it->detail, sizeof(it->detail))) {
		it->st = ST_FAIL;
		struct diag_finding *f = add_finding(it->name);
		snprintf(f->cause, sizeof(f->cause), "the runtime of profile %s is not in the sandbox: %s", name, it->detail);
		snprintf(f->fix, sizeof(f->fix), "install %s under a bound directory (/usr/local/bin, /usr/bin), or bind "
			 "its directory with --bind-ro DIR and put it in PATH with --setenv PATH=...", cfg.runtime);
		all = false;
	}
	config_free(&cfg);
	return all;
}

/* proc_guard absent mounts no procfs: where a fresh procfs is the one
 * required check that failed (a masked /proc in a container), it runs the
 * full tier as the host is. */
static bool full_if_absent(void)
{
	bool proc_failed = false;
	for (size_t i = 0; i < n_items; i++) {
		if (!items[i].required || items[i].st == ST_OK || items[i].st == ST_SKIP)
			continue;
		if (strcmp(items[i].name, diag_probe_names[DIAG_PROC]) != 0)
			return false;
		proc_failed = true;
	}
	return proc_failed;
}

static void print_json(const struct diag_facts *h, const char *tier, int landlock_abi, const char *profile, bool ok)
{
	char a[1600], b[1600];
	printf("{\"ok\":%s,\"tier\":\"%s\",\"full_with_proc_guard_absent\":%s,\"landlock_abi\":%d,",
	       ok ? "true" : "false", tier, strcmp(tier, "full") == 0 || full_if_absent() ? "true" : "false",
	       landlock_abi);
	if (profile) {
		util_json_escape(a, sizeof(a), profile);
		printf("\"profile\":\"%s\",", a);
	}
	util_json_escape(a, sizeof(a), h->proc_masked_example);
	printf("\"host\":{\"container\":\"%s\",\"privileged\":%s,\"max_user_namespaces\":%ld,"
	       "\"unprivileged_userns_clone\":%d,\"apparmor_restrict_unprivileged_userns\":%d,"
	       "\"seccomp\":%d,\"seccomp_filters\":%d,\"no_new_privs\":%d,\"proc_masked\":%d,"
	       "\"proc_masked_example\":\"%s\"},",
	       diag_container_names[h->container], h->privileged ? "true" : "false", h->max_user_namespaces,
	       h->unprivileged_userns_clone, h->apparmor_restrict_userns, h->seccomp_mode, h->seccomp_filters,
	       h->no_new_privs, h->proc_masked, a);
	printf("\"findings\":[");
	for (size_t i = 0; i < n_findings; i++) {
		util_json_escape(a, sizeof(a), findings[i].cause);
		util_json_escape(b, sizeof(b), findings[i].fix);
		printf("%s{\"check\":\"%s\",\"cause\":\"%s\",\"fix\":\"%s\"}", i ? "," : "", finding_check[i], a, b);
	}
	printf("],\"checks\":[");
	for (size_t i = 0; i < n_items; i++) {
		const struct item *it = &items[i];
		util_json_escape(a, sizeof(a), it->detail);
		printf("%s{\"name\":\"%s\",\"status\":\"%s\",\"ok\":%s,\"required\":%s,\"detail\":\"%s\"",
		       i ? "," : "", it->name, status_json[it->st], it->st == ST_OK ? "true" : "false",
		       it->required ? "true" : "false", a);
		if (it->st == ST_NO && it->fix) {
			util_json_escape(b, sizeof(b), it->fix);
			printf(",\"fix\":\"%s\"", b);
		}
		printf("}");
	}
	printf("]}\n");
}

static void print_text(const struct diag_facts *h, const char *tier, int landlock_abi)
{
	for (size_t i = 0; i < n_items; i++) {
		const struct item *it = &items[i];
		printf("%-4s %-38s %s%s\n", status_word[it->st], it->name, it->detail, it->required ? "" : " (optional)");
		if (it->st == ST_NO && it->fix)
			printf("     fix: %s\n", it->fix);
	}
	char v[3][24];
	long vals[3] = { h->max_user_namespaces, h->unprivileged_userns_clone, h->apparmor_restrict_userns };
	for (int i = 0; i < 3; i++)
		if (vals[i] < 0)
			snprintf(v[i], sizeof(v[i]), "absent");
		else
			snprintf(v[i], sizeof(v[i]), "%ld", vals[i]);
	printf("host: container %s; %s; user.max_user_namespaces %s; kernel.unprivileged_userns_clone %s; "
	       "kernel.apparmor_restrict_unprivileged_userns %s; Seccomp: %d (%d filters); NoNewPrivs: %d; "
	       "/proc: %d masked path%s\n",
	       diag_container_names[h->container], h->privileged ? "CAP_SYS_ADMIN" : "unprivileged",
	       v[0], v[1], v[2], h->seccomp_mode, h->seccomp_filters, h->no_new_privs, h->proc_masked,
	       h->proc_masked == 1 ? "" : "s");
	for (size_t i = 0; i < n_findings; i++)
		printf("finding: %s\n     fix: %s\n", findings[i].cause, findings[i].fix);
	if (strcmp(tier, "full") == 0)
		printf("tier: full (every protection of taskjail run is available)\n");
	else if (strcmp(tier, "restricted") == 0)
		printf("tier: restricted (the full tier's namespaces or mounts are refused here; Landlock ABI %d, "
		       "seccomp and no_new_privs can still confine a task; the full tier needs the fix above)\n", landlock_abi);
	else
		printf("tier: unavailable (taskjail run will fail; see the fix above)\n");
	if (strcmp(tier, "full") != 0 && full_if_absent())
		printf("note: --proc-guard absent mounts no procfs and runs the full tier here without the fix "
		       "(docs/procguard.md)\n");
}

int cmd_check(int argc, char **argv)
{
	bool json = false;
	const char *profile = NULL;
	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
			printf("Usage: taskjail check [--json] [--profile NAME|FILE]\n"
			       "Tries what taskjail run needs on this host and in this container; for each failure,\n"
			       "names the one cause and its fix, and says which tier can run here (full,\n"
			       "restricted, unavailable). --profile also checks that profile's needs: its bind\n"
			       "sources exist, its seccomp policy loads, its runtime is found.\n"
			       "Exit status: 0 when the full tier works (and the profile's needs are met), 1 when\n"
			       "not, 125 on bad arguments.\n");
			return 0;
		}
		if (strcmp(argv[i], "--json") == 0) {
			json = true;
		} else if (strcmp(argv[i], "--profile") == 0 && i + 1 < argc) {
			profile = argv[++i];
		} else if (strncmp(argv[i], "--profile=", 10) == 0) {
			profile = argv[i] + 10;
		} else {
			fprintf(stderr, "taskjail: check: unknown argument '%s' (usage: taskjail check [--json] "
				"[--profile NAME|FILE])\n", argv[i]);
			return TJ_EXIT_SETUP;
		}
	}
	struct diag_facts h = { 0 };
	read_facts(&h);
	bool full = probe_kernel(&h);
	int landlock_abi = 0;
	bool seccomp_ok = false;
	probe_optional(&landlock_abi, &seccomp_ok);
	full = full && seccomp_ok;
	bool prof_ok = true, bad = false;
	if (profile && !(prof_ok = check_profile(profile, &bad)) && bad)
		return TJ_EXIT_SETUP;
	const char *tier = diagnose_tier(full, landlock_abi, seccomp_ok);
	if (json)
		print_json(&h, tier, landlock_abi, profile, full && prof_ok);
	else
		print_text(&h, tier, landlock_abi);
	return full && prof_ok ? 0 : 1;
}

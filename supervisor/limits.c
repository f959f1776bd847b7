/* SPDX-License-Identifier: Apache-2.0 */
#include "tj_limits.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "util.h"

const char *const limits_res_names[LIMITS_N] = { "memory", "pids", "cpu" };
const char *const limits_by_names[4] = { "none", "rlimit", "cgroup-v1", "cgroup-v2" };

/* cpu.max / cfs period: the kernel's default, 100 ms. */
#define CPU_PERIOD_US 100000
/* The kernel refuses a quota under 1 ms. */
#define CPU_QUOTA_MIN_US 1000

/* procfs and cgroupfs files report size 0: read until EOF into a malloc'd
 * buffer of at most max bytes. */
static int read_pseudo(const char *path, size_t max, char **out)
{
	_cleanup_close_ int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	_cleanup_free_ char *buf = malloc(max + 1);
	if (!buf)
		return -ENOMEM;
	size_t got = 0;
	for (;;) {
		ssize_t n = read(fd, buf + got, max - got);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -errno;
		if (n == 0 || (got += (size_t)n) == max)
			break;
	}
	buf[got] = '\0';
	*out = steal_pointer(&buf);
	return 0;
}

static int cg_write(const char *dir, const char *file, const char *val)
{
	char path[PATH_MAX];
	snprintf(path, sizeof(path), "%s/%s", dir, file);
	int fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	ssize_t n = write(fd, val, strlen(val));
	int e = n < 0 ? errno : 0;
	close(fd);
	return n < 0 ? -e : 0;
}

/* The number in dir/file, or after "key " on one of its lines; -1. */
static int64_t cg_read(const char *dir, const char *file, const char *key)
{
	char path[PATH_MAX];
	_cleanup_free_ char *buf = NULL;
	snprintf(path, sizeof(path), "%s/%s", dir, file);
	if (read_pseudo(path, 1 << 16, &buf) < 0)
		return -1;
	const char *p = buf;
	if (key) {
		size_t kl = strlen(key);
		for (p = buf; p; p = strchr(p, '\n'), p = p ? p + 1 : NULL)
			if (strncmp(p, key, kl) == 0 && p[kl] == ' ')
				break;
		if (!p)
			return -1;
		p += kl + 1;
	}
	char *end;
	errno = 0;
	long long v = strtoll(p, &end, 10);
	return errno || end == p ? -1 : (int64_t)v;
}

static bool has_word(const char *list, const char *word)
{
	size_t wl = strlen(word);
	for (const char *p = list; (p = strstr(p, word)); p += wl)
		if ((p == list || strchr(" ,\n", p[-1])) && strchr(" ,\n", p[wl]))
			return true;
	return false;
}

/* The supervisor's cgroup in the v1 hierarchy of ctrl (ctrl NULL: v2),
 * from self, the text of /proc/self/cgroup ("N:controllers:/path",
 * "0::/path"; read once by limits_prepare). *mnt gets the hierarchy's
 * mount point under /sys/fs/cgroup. */
static int own_cgroup(const char *self, const char *ctrl, char *mnt, size_t mnt_size, char *path,
		      size_t path_size)
{
	_cleanup_free_ char *buf = self ? strdup(self) : NULL;
	if (!buf)
		return self ? -ENOMEM : -ENOENT;
	for (char *save = NULL, *line = strtok_r(buf, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		char *c1 = strchr(line, ':');
		char *c2 = c1 ? strchr(c1 + 1, ':') : NULL;
		if (!c2)
			continue;
		*c2 = '\0';
		const char *list = c1 + 1;
		struct stat st;
		if (!ctrl) {
			if (*list || strncmp(line, "0:", 2) != 0)
				continue;
			/* Unified, or hybrid (systemd's v2 beside v1). */
			snprintf(mnt, mnt_size, "/sys/fs/cgroup");
			if (stat("/sys/fs/cgroup/cgroup.controllers", &st) < 0)
				snprintf(mnt, mnt_size, "/sys/fs/cgroup/unified");
		} else {
			if (!has_word(list, ctrl))
				continue;
			/* Mounted as the list ("cpu,cpuacct") or the name. */
			snprintf(mnt, mnt_size, "/sys/fs/cgroup/%s", list);
			if (stat(mnt, &st) < 0)
				snprintf(mnt, mnt_size, "/sys/fs/cgroup/%s", ctrl);
		}
		snprintf(path, path_size, "%s", c2 + 1);
		return 0;
	}
	return -ENOENT;
}

/* A supervisor killed with SIGKILL cannot remove its cgroups: remove the
 * empty taskjail-<pid> siblings whose supervisor is gone. rmdir only ever
 * removes an empty cgroup, and a live supervisor's (even between mkdir and
 * attach) is skipped by its pid. */
static void remove_stale(const char *parent)
{
	DIR *d = opendir(parent);
	if (!d)
		return;
	for (struct dirent *e; (e = readdir(d));) {
		char *end;
		if (strncmp(e->d_name, "taskjail-", 9) != 0)
			continue;
		long pid = strtol(e->d_name + 9, &end, 10);
		if (*end || pid <= 0 || kill((pid_t)pid, 0) == 0 || errno != ESRCH)
			continue;
		char dir[PATH_MAX * 2];
		snprintf(dir, sizeof(dir), "%s/%s", parent, e->d_name);
		rmdir(dir);
	}
	closedir(d);
}

/* Writes one limit into a v2 or v1 cgroup directory. */
static int set_limit(const char *dir, enum limits_res res, uint64_t max, bool v2)
{
	char v[64];
	int r;
	uint64_t q = max * CPU_PERIOD_US / 1000;
	if (q < CPU_QUOTA_MIN_US)
		q = CPU_QUOTA_MIN_US;
	switch (res) {
	case LIMITS_MEMORY:
		snprintf(v, sizeof(v), "%llu", (unsigned long long)max);
		if ((r = cg_write(dir, v2 ? "memory.max" : "memory.limit_in_bytes", v)) < 0)
			return r;
		/* No swap: v2 caps swap at 0, v1 caps memory + swap at the
		 * same value (files absent without swap accounting). */
		r = v2 ? cg_write(dir, "memory.swap.max", "0")
		       : cg_write(dir, "memory.memsw.limit_in_bytes", v);
		return r == -ENOENT ? 0 : r;
	case LIMITS_PIDS:
		snprintf(v, sizeof(v), "%llu", (unsigned long long)max);
		return cg_write(dir, "pids.max", v);
	default:
		if (v2) {
			snprintf(v, sizeof(v), "%llu %d", (unsigned long long)q, CPU_PERIOD_US);
			return cg_write(dir, "cpu.max", v);
		}
		snprintf(v, sizeof(v), "%d", CPU_PERIOD_US);
		if ((r = cg_write(dir, "cpu.cfs_period_us", v)) < 0)
			return r;
		snprintf(v, sizeof(v), "%llu", (unsigned long long)q);
		return cg_write(dir, "cpu.cfs_quota_us", v);
	}
}

static void why(struct tj_limits *l, const char *fmt, const char *a, int e)
{
	char m[200];
	snprintf(m, sizeof(m), fmt, a);
	snprintf(l->why_no_cgroup, sizeof(l->why_no_cgroup), "%s: %s", m, strerror(e));
}

/* A child of the supervisor's v2 cgroup for every limit whose controller
 * the parent can hand down. Returns 0 (even when none could) or -errno
 * when a cgroup was made but a limit could not be written. */
static int try_v2(struct tj_limits *l, const char *self, pid_t tag, struct tj_error *err)
{
	char mnt[PATH_MAX], own[PATH_MAX], parent[PATH_MAX * 2];
	_cleanup_free_ char *ctrls = NULL, *subtree = NULL;
	bool want[LIMITS_N] = { false };
	int n = 0;

	if (own_cgroup(self, NULL, mnt, sizeof(mnt), own, sizeof(own)) < 0) {
		why(l, "%s", "no cgroup v2 in /proc/self/cgroup", ENOENT);
		return 0;
	}
	snprintf(parent, sizeof(parent), "%s%s", mnt, strcmp(own, "/") == 0 ? "" : own);
	char f[PATH_MAX * 2 + 32];
	snprintf(f, sizeof(f), "%s/cgroup.controllers", parent);
	int r = read_pseudo(f, 4096, &ctrls);
	if (r < 0) {
		why(l, "read %s", f, -r);
		return 0;
	}
	for (int i = 0; i < LIMITS_N; i++) {
		if (!l->max[i])
			continue;
		if (!has_word(ctrls, limits_res_names[i])) {
			why(l, "cgroup v2 %s: controller not available there", parent, ENOTSUP);
			continue;
		}
		snprintf(f, sizeof(f), "%s/cgroup.subtree_control", parent);
		free(subtree);
		subtree = NULL;
		if (read_pseudo(f, 4096, &subtree) < 0 ||
		    !has_word(subtree, limits_res_names[i])) {
			/* Fails with EBUSY while the parent holds processes
			 * (ours): the "no internal processes" rule. */
			char plus[16];
			snprintf(plus, sizeof(plus), "+%s", limits_res_names[i]);
			if ((r = cg_write(parent, "cgroup.subtree_control", plus)) < 0) {
				why(l, "enable %s in cgroup.subtree_control", limits_res_names[i], -r);
				continue;
			}
		}
		want[i] = true;
		n++;
	}
	if (!n)
		return 0;
	char dir[PATH_MAX * 2 + 32];
	remove_stale(parent);
	snprintf(dir, sizeof(dir), "%s/taskjail-%d", parent, (int)tag);
	if (mkdir(dir, 0755) < 0) {
		why(l, "mkdir %s", dir, errno);
		return 0;
	}
	if (!(l->v2_dir = strdup(dir)))
		return tj_error_set(err, ENOMEM, "cgroup path");
	l->v2_fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (l->v2_fd < 0)
		return tj_error_set(err, errno, "open cgroup %s", dir);
	for (int i = 0; i < LIMITS_N; i++) {
		if (!want[i])
			continue;
		if ((r = set_limit(dir, (enum limits_res)i, l->max[i], true)) < 0)
			return tj_error_set(err, -r, "cgroup v2 %s: set the %s limit", dir, limits_res_names[i]);
		l->by[i] = LIMITS_BY_CGROUP_V2;
	}
	return 0;
}

static int try_v1(struct tj_limits *l, const char *self, enum limits_res res, pid_t tag,
		  struct tj_error *err)
{
	char mnt[PATH_MAX], own[PATH_MAX], parent[PATH_MAX * 2], dir[PATH_MAX * 2 + 32];
	if (own_cgroup(self, limits_res_names[res], mnt, sizeof(mnt), own, sizeof(own)) < 0) {
		why(l, "no v1 %s hierarchy", limits_res_names[res], ENOENT);
		return 0;
	}
	snprintf(parent, sizeof(parent), "%s%s", mnt, strcmp(own, "/") == 0 ? "" : own);
	remove_stale(parent);
	snprintf(dir, sizeof(dir), "%s/taskjail-%d", parent, (int)tag);
	if (mkdir(dir, 0755) < 0) {
		/* EACCES/EPERM/EROFS: not ours to write (non-root on v1). */
		why(l, "mkdir %s", dir, errno);
		return 0;
	}
	if (!(l->v1_dir[res] = strdup(dir))) {
		rmdir(dir);
		return tj_error_set(err, ENOMEM, "cgroup path");
	}
	int r = set_limit(dir, res, l->max[res], false);
	if (r < 0)
		return tj_error_set(err, -r, "cgroup v1 %s: set the %s limit", dir, limits_res_names[res]);
	l->by[res] = LIMITS_BY_CGROUP_V1;
	return 0;
}

static void add_rlimit(struct tj_limits *l, const struct tj_config *cfg, enum limits_res res,
		       int resource, uint64_t v)
{
	/* A lower limit from the profile's rlimits stays (it is applied
	 * first; ours would raise it). */
	for (size_t i = 0; i < cfg->n_rlimits; i++)
		if (cfg->rlimits[i].resource == resource && cfg->rlimits[i].hard <= v) {
			l->by[res] = LIMITS_BY_RLIMIT;
			return;
		}
	l->rl[l->n_rl++] = (struct tj_rlimit){ resource, v, v };
	l->by[res] = LIMITS_BY_RLIMIT;
}

int limits_prepare(const struct tj_config *cfg, pid_t tag, struct tj_limits *l, struct tj_error *err)
{
	memset(l, 0, sizeof(*l));
	l->v2_fd = -1;
	l->max[LIMITS_MEMORY] = cfg->limit_memory;
	l->max[LIMITS_PIDS] = cfg->limit_pids;
	l->max[LIMITS_CPU] = cfg->limit_cpu_milli;
	if (!l->max[LIMITS_MEMORY] && !l->max[LIMITS_PIDS] && !l->max[LIMITS_CPU])
		return 0;
	/* Once for v2 and every v1 controller (unreadable: no cgroup, the
	 * rlimit fallbacks below). */
	_cleanup_free_ char *self = NULL;
	(void)read_pseudo("/proc/self/cgroup", 1 << 16, &self);
	int r = try_v2(l, self, tag, err);
	for (int i = 0; r == 0 && i < LIMITS_N; i++)
		if (l->max[i] && l->by[i] == LIMITS_BY_NONE)
			r = try_v1(l, self, (enum limits_res)i, tag, err);
	if (r < 0) {
		limits_release(l);
		return r;
	}
	if (l->max[LIMITS_MEMORY] && l->by[LIMITS_MEMORY] == LIMITS_BY_NONE)
		add_rlimit(l, cfg, LIMITS_MEMORY, RLIMIT_DATA, l->max[LIMITS_MEMORY]);
	if (l->max[LIMITS_PIDS] && l->by[LIMITS_PIDS] == LIMITS_BY_NONE)
		add_rlimit(l, cfg, LIMITS_PIDS, RLIMIT_NPROC, l->max[LIMITS_PIDS]);
	return 0;
}

int limits_attach(struct tj_limits *l, pid_t pid, struct tj_error *err)
{
	char v[32];
	int r;
	snprintf(v, sizeof(v), "%d", (int)pid);
	for (int i = 0; i < LIMITS_N; i++)
		if (l->v1_dir[i] && (r = cg_write(l->v1_dir[i], "cgroup.procs", v)) < 0)
			return tj_error_set(err, -r, "move the sandbox into cgroup %s", l->v1_dir[i]);
	if (l->v2_dir && !l->v2_cloned_into && (r = cg_write(l->v2_dir, "cgroup.procs", v)) < 0)
		return tj_error_set(err, -r, "move the sandbox into cgroup %s", l->v2_dir);
	return 0;
}

int limits_apply_rlimits(const struct tj_limits *l, struct tj_error *err)
{
	for (size_t i = 0; i < l->n_rl; i++) {
		struct rlimit rl = { l->rl[i].soft, l->rl[i].hard };
		if (setrlimit(l->rl[i].resource, &rl) < 0)
			return tj_error_set(err, errno, "setrlimit(%s)",
					    l->rl[i].resource == RLIMIT_NPROC ? "RLIMIT_NPROC" : "RLIMIT_DATA");
	}
	return 0;
}

void limits_usage(const struct tj_limits *l, struct tj_limits_usage *u)
{
	*u = (struct tj_limits_usage){ -1, -1, -1, -1 };
	if (l->by[LIMITS_MEMORY] == LIMITS_BY_CGROUP_V2) {
		u->memory_peak = cg_read(l->v2_dir, "memory.peak", NULL);
		u->oom_kills = cg_read(l->v2_dir, "memory.events", "oom_kill");
	} else if (l->by[LIMITS_MEMORY] == LIMITS_BY_CGROUP_V1) {
		u->memory_peak = cg_read(l->v1_dir[LIMITS_MEMORY], "memory.max_usage_in_bytes", NULL);
		u->oom_kills = cg_read(l->v1_dir[LIMITS_MEMORY], "memory.oom_control", "oom_kill");
	}
	const char *pd = l->by[LIMITS_PIDS] == LIMITS_BY_CGROUP_V2 ? l->v2_dir
			 : l->by[LIMITS_PIDS] == LIMITS_BY_CGROUP_V1 ? l->v1_dir[LIMITS_PIDS] : NULL;
	if (pd) {
		u->pids_peak = cg_read(pd, "pids.peak", NULL);
		u->pids_refused = cg_read(pd, "pids.events", "max");
	}
}

static void remove_dir(char **dir)
{
	if (!*dir)
		return;
	/* The pid namespace is torn down before init's exit is reported, but
	 * the cgroup may still count the dying tasks for a moment. */
	for (int i = 0; i < 200 && rmdir(*dir) < 0 && errno == EBUSY; i++)
		nanosleep(&(struct timespec){ 0, 5 * 1000 * 1000 }, NULL);
	free(*dir);
	*dir = NULL;
}

void limits_release(struct tj_limits *l)
{
	if (l->v2_fd >= 0)
		close(l->v2_fd);
	l->v2_fd = -1;
	remove_dir(&l->v2_dir);
	for (int i = 0; i < LIMITS_N; i++)
		remove_dir(&l->v1_dir[i]);
}

void limits_json(const struct tj_limits *l, char *buf, size_t size)
{
	size_t o = 0;
	buf[0] = '\0';
	for (int i = 0; i < LIMITS_N && o < size; i++) {
		char max[32] = "null";
		if (l->max[i] && i == LIMITS_CPU)
			snprintf(max, sizeof(max), "%llu.%03llu", (unsigned long long)(l->max[i] / 1000),
				 (unsigned long long)(l->max[i] % 1000));
		else if (l->max[i])
			snprintf(max, sizeof(max), "%llu", (unsigned long long)l->max[i]);
		/* What the limit applies to: an rlimit on memory bounds each
		 * process, not the sandbox; RLIMIT_NPROC without a user
		 * namespace counts every process of the host uid. */
		const char *scope = l->by[i] == LIMITS_BY_NONE ? "none"
				    : l->by[i] == LIMITS_BY_RLIMIT && i == LIMITS_MEMORY ? "process"
				    : l->by[i] == LIMITS_BY_RLIMIT && l->nproc_per_uid ? "uid"
				    : "sandbox";
		o += (size_t)snprintf(buf + o, size - o, "%s\"%s\":{\"max\":%s,\"enforced_by\":\"%s\",\"scope\":\"%s\"}",
				      i ? "," : "", limits_res_names[i], max, limits_by_names[l->by[i]], scope);
	}
}

void limits_usage_json(const struct tj_limits_usage *u, char *buf, size_t size)
{
	const int64_t v[] = { u->memory_peak, u->oom_kills, u->pids_peak, u->pids_refused };
	const char *const k[] = { "memory_peak", "oom_kills", "pids_peak", "pids_refused" };
	size_t o = 0;
	buf[0] = '\0';
	for (size_t i = 0; i < ELEMENTSOF(v) && o < size; i++) {
		if (v[i] >= 0)
			o += (size_t)snprintf(buf + o, size - o, "%s\"%s\":%lld", o ? "," : "", k[i], (long long)v[i]);
		else
			o += (size_t)snprintf(buf + o, size - o, "%s\"%s\":null", o ? "," : "", k[i]);
	}
}

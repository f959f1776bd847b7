/* SPDX-License-Identifier: Apache-2.0 */
#include "config.h"

#include <cjson/cJSON.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include "json.h"
#include "sysio.h"
#include "util.h"

#define DEFAULT_TMPFS_SIZE (64ull << 20)

static void binds_free(struct tj_config *cfg)
{
	for (size_t i = 0; i < cfg->n_binds; i++) {
		free(cfg->binds[i].src);
		free(cfg->binds[i].dst);
	}
	free(cfg->binds);
	cfg->binds = NULL;
	cfg->n_binds = 0;
}

void config_free(struct tj_config *cfg)
{
	free(cfg->profile_name);
	free(cfg->profile_path);
	binds_free(cfg);
	free(cfg->workdir);
	free(cfg->hostname);
	util_strv_free_n(cfg->env_allow, cfg->n_env_allow);
	for (size_t i = 0; i < cfg->n_env_set; i++) {
		free(cfg->env_set[i].name);
		free(cfg->env_set[i].value);
	}
	free(cfg->env_set);
	free(cfg->rlimits);
	free(cfg->seccomp);
	free(cfg->policy_path);
	for (size_t i = 0; i < cfg->n_relay_ports; i++)
		free(cfg->relay_ports[i].host_addr);
	free(cfg->relay_ports);
	free(cfg->log_file);
	free(cfg->runtime);
	util_strv_free_n(cfg->runtime_args, cfg->n_runtime_args);
	util_strv_free_n(cfg->argv, cfg->argc);
	memset(cfg, 0, sizeof(*cfg));
	cfg->log_fd = -1;
}

void config_init_defaults(struct tj_config *cfg)
{
	memset(cfg, 0, sizeof(*cfg));
	cfg->tmpfs_size = DEFAULT_TMPFS_SIZE;
	cfg->net = TJ_NET_NONE;
	cfg->host_uid = TJ_SANDBOX_UID;
	cfg->host_gid = TJ_SANDBOX_GID;
	cfg->proc_guard = TJ_PROC_GUARD_NAMESPACE;
	cfg->log_fd = -1;
	cfg->kill_after_ms = TJ_KILL_AFTER_DEFAULT_MS;
}

/* ---- lookup --------------------------------------------------------- */

static int try_candidate(const char *dir, const char *name, char **out)
{
	char path[PATH_MAX];
	if (!dir || !*dir)
		return -ENOENT;
	if (snprintf(path, sizeof(path), "%s/%s.json", dir, name) >= (int)sizeof(path))
		return -ENAMETOOLONG;
	if (access(path, R_OK) != 0)
		return -errno;
	*out = strdup(path);
	return *out ? 0 : -ENOMEM;
}

int config_find_file(const char *kind_dir, const char *env_var,
		     const char *name, char **out, struct tj_error *err)
{
	size_t len = strlen(name);
	if (len == 0)
		return tj_error_setx(err, EINVAL, "empty %s name", kind_dir);
	if (strchr(name, '/') || (len > 5 && strcmp(name + len - 5, ".json") == 0)) {
		if (access(name, R_OK) != 0)
			return tj_error_set(err, errno, "%s file %s", kind_dir, name);
		*out = strdup(name);
		return *out ? 0 : tj_error_set(err, ENOMEM, "strdup");
	}
	for (const char *c = name; *c; c++)
		if (!(isalnum_ascii(*c) || *c == '-' || *c == '_' || *c == '.'))
			return tj_error_setx(err, EINVAL,
					     "%s name '%s': only letters, digits, '-', '_' and '.' are allowed",
					     kind_dir, name);

	/* 1. $TASKJAIL_<KIND>_DIR */
	if (try_candidate(getenv(env_var), name, out) == 0)
		return 0;
	/* 2. next to the binary: <bindir>/<kind> (installed layout of a
	 *    relocatable tree) and <bindir>/../<kind> (meson build dir inside
	 *    the source tree). */
	char exe[PATH_MAX];
	ssize_t n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	if (n > 0) {
		exe[n] = '\0';
		char *slash = strrchr(exe, '/');
		if (slash) {
			char dir[PATH_MAX];
			*slash = '\0';
			snprintf(dir, sizeof(dir), "%s/%s", exe, kind_dir);
			if (try_candidate(dir, name, out) == 0)
				return 0;
			snprintf(dir, sizeof(dir), "%s/../%s", exe, kind_dir);
			if (try_candidate(dir, name, out) == 0)
				return 0;
		}
	}
	/* 3. installed data dir */
	char dir[PATH_MAX];
	snprintf(dir, sizeof(dir), "%s/%s", TJ_DATADIR, kind_dir);
	if (try_candidate(dir, name, out) == 0)
		return 0;
	return tj_error_setx(err, ENOENT,
			     "%s '%s' not found (looked in $%s, next to the binary and %s)",
			     kind_dir, name, env_var, dir);
}

/* ---- builders ------------------------------------------------------- */

int config_add_bind(struct tj_config *cfg, const char *src, const char *dst,
		    bool rw, bool optional, struct tj_error *err)
{
	struct tj_bind *nb = realloc(cfg->binds, (cfg->n_binds + 1) * sizeof(*nb));
	if (!nb)
		return tj_error_set(err, ENOMEM, "realloc");
	cfg->binds = nb;
	struct tj_bind *b = &cfg->binds[cfg->n_binds];
	b->src = strdup(src);
	b->dst = strdup(dst ? dst : src);
	b->rw = rw;
	b->optional = optional;
	if (!b->src || !b->dst) {
		free(b->src);
		free(b->dst);
		return tj_error_set(err, ENOMEM, "strdup");
	}
	cfg->n_binds++;
	return 0;
}

const char *config_bind_dst_why(int r)
{
	return r == -EXDEV ? "leaves the sandbox root ('..' above /)" : "is not an absolute path";
}

int config_add_env(struct tj_config *cfg, const char *name, size_t name_len,
		   const char *value, struct tj_error *err)
{
	/* Later values replace earlier ones: profile first, then --setenv. */
	for (size_t i = 0; i < cfg->n_env_set; i++) {
		if (strlen(cfg->env_set[i].name) == name_len &&
		    memcmp(cfg->env_set[i].name, name, name_len) == 0) {
			char *v = strdup(value);
			if (!v)
				return tj_error_set(err, ENOMEM, "strdup");
			free(cfg->env_set[i].value);
			cfg->env_set[i].value = v;
			return 0;
		}
	}
	struct tj_env_var *n = realloc(cfg->env_set, (cfg->n_env_set + 1) * sizeof(*n));
	if (!n)
		return tj_error_set(err, ENOMEM, "realloc");
	cfg->env_set = n;
	n[cfg->n_env_set].name = strndup(name, name_len);
	n[cfg->n_env_set].value = strdup(value);
	if (!n[cfg->n_env_set].name || !n[cfg->n_env_set].value) {
		free(n[cfg->n_env_set].name);
		free(n[cfg->n_env_set].value);
		return tj_error_set(err, ENOMEM, "strdup");
	}
	cfg->n_env_set++;
	return 0;
}

int config_add_env_allow(struct tj_config *cfg, const char *name, struct tj_error *err)
{
	for (size_t i = 0; i < cfg->n_env_allow; i++)
		if (strcmp(cfg->env_allow[i], name) == 0)
			return 0;
	char **n = realloc(cfg->env_allow, (cfg->n_env_allow + 1) * sizeof(*n));
	if (!n)
		return tj_error_set(err, ENOMEM, "realloc");
	cfg->env_allow = n;
	if (!(n[cfg->n_env_allow] = strdup(name)))
		return tj_error_set(err, ENOMEM, "strdup");
	cfg->n_env_allow++;
	return 0;
}

static const struct {
	const char *name;
	int resource;
} rlimit_names[] = {
	{ "as", RLIMIT_AS },         { "core", RLIMIT_CORE },
	{ "cpu", RLIMIT_CPU },       { "data", RLIMIT_DATA },
	{ "fsize", RLIMIT_FSIZE },   { "memlock", RLIMIT_MEMLOCK },
	{ "nofile", RLIMIT_NOFILE }, { "nproc", RLIMIT_NPROC },
	{ "stack", RLIMIT_STACK },
};

const char *config_rlimit_name(int resource)
{
	for (size_t i = 0; i < ELEMENTSOF(rlimit_names); i++)
		if (rlimit_names[i].resource == resource)
			return rlimit_names[i].name;
	return "?";
}

int config_rlimit_resource(const char *name)
{
	for (size_t i = 0; i < ELEMENTSOF(rlimit_names); i++)
		if (strcmp(rlimit_names[i].name, name) == 0)
			return rlimit_names[i].resource;
	return -1;
}

const char *const config_net_names[3] = { "none", "host", "relay" };
const char *const config_proc_guard_names[4] = { "namespace", "strict", "absent", "self" };
const char *const config_tier_names[3] = { "full", "auto", "restricted" };

int config_name_index(const char *const *names, size_t n, const char *v)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(v, names[i]) == 0)
			return (int)i;
	return -1;
}


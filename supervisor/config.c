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
#define PROFILE_MAX_BYTES (1u << 20)
/* JSON numbers are doubles: integers above this one are not all exact. */
#define JSON_MAX_EXACT 9.0e15

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

static void strv_free(char **v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(v[i]);
	free(v);
}

void config_free(struct tj_config *cfg)
{
	free(cfg->profile_name);
	free(cfg->profile_path);
	binds_free(cfg);
	free(cfg->workdir);
	free(cfg->hostname);
	strv_free(cfg->env_allow, cfg->n_env_allow);
	for (size_t i = 0; i < cfg->n_env_set; i++) {
		free(cfg->env_set[i].name);
		free(cfg->env_set[i].value);
	}
	free(cfg->env_set);
	free(cfg->rlimits);
	free(cfg->seccomp);
	for (size_t i = 0; i < cfg->n_relay_ports; i++)
		free(cfg->relay_ports[i].host_addr);
	free(cfg->relay_ports);
	free(cfg->log_file);
	free(cfg->runtime);
	strv_free(cfg->runtime_args, cfg->n_runtime_args);
	strv_free(cfg->argv, cfg->argc);
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

/* ---- parsing -------------------------------------------------------- */

struct pctx {
	const char *file;
	struct tj_error *err;
};

__attribute__((format(printf, 3, 4)))
static int perr(struct pctx *p, const char *path, const char *fmt, ...)
{
	char why[512];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(why, sizeof(why), fmt, ap);
	va_end(ap);
	return tj_error_setx(p->err, EINVAL, "profile %s: %s: %s", p->file, path, why);
}

static int dup_string(struct pctx *p, const cJSON *v, const char *path, char **out)
{
	if (!cJSON_IsString(v))
		return perr(p, path, "expected a string");
	char *s = strdup(v->valuestring);
	if (!s)
		return tj_error_set(p->err, ENOMEM, "strdup");
	free(*out);
	*out = s;
	return 0;
}

static int parse_abs_path(struct pctx *p, const cJSON *v, const char *path, char **out)
{
	int r = dup_string(p, v, path, out);
	if (r < 0)
		return r;
	if ((*out)[0] != '/')
		return perr(p, path, "'%s' is not an absolute path", *out);
	return 0;
}

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

static int parse_binds(struct pctx *p, const cJSON *arr, struct tj_config *cfg)
{
	char path[64];
	if (!cJSON_IsArray(arr))
		return perr(p, "$.binds", "expected an array");
	binds_free(cfg);
	int i = 0;
	const cJSON *e;
	cJSON_ArrayForEach(e, arr) {
		_cleanup_free_ char *src = NULL, *dst = NULL;
		bool rw = false, optional = false;
		int r;
		snprintf(path, sizeof(path), "$.binds[%d]", i);
		if (cJSON_IsString(e)) {
			r = util_split_bind(e->valuestring, &src, &dst);
			if (r == -ENOMEM)
				return tj_error_set(p->err, ENOMEM, "bind");
			if (r < 0)
				return perr(p, path, "'%s' is not SRC[:DST] with absolute paths",
					    e->valuestring);
		} else if (cJSON_IsObject(e)) {
			const cJSON *f;
			cJSON_ArrayForEach(f, e) {
				char fpath[96];
				snprintf(fpath, sizeof(fpath), "%s.%s", path, f->string);
				if (strcmp(f->string, "src") == 0)
					r = parse_abs_path(p, f, fpath, &src);
				else if (strcmp(f->string, "dst") == 0)
					r = parse_abs_path(p, f, fpath, &dst);
				else if (strcmp(f->string, "rw") == 0 ||
					 strcmp(f->string, "optional") == 0) {
					if (!cJSON_IsBool(f))
						return perr(p, fpath, "expected true or false");
					*(f->string[0] == 'r' ? &rw : &optional) = cJSON_IsTrue(f);
					r = 0;
				} else
					return perr(p, fpath, "unknown key (expected src, dst, rw, optional)");
				if (r < 0)
					return r;
			}
			if (!src)
				return perr(p, path, "missing \"src\"");
		} else {
			return perr(p, path, "expected a string \"SRC[:DST]\" or an object");
		}
		_cleanup_free_ char *ndst = NULL;
		r = util_sandbox_path_normalize(dst ? dst : src, &ndst);
		if (r == -ENOMEM)
			return tj_error_set(p->err, ENOMEM, "bind");
		if (r < 0)
			return perr(p, path, "destination '%s' %s", dst ? dst : src,
				    config_bind_dst_why(r));
		if (strcmp(ndst, "/") == 0)
			return perr(p, path, "binding onto / is not allowed");
		r = config_add_bind(cfg, src, ndst, rw, optional, p->err);
		if (r < 0)
			return r;
		i++;
	}
	return 0;
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

static int json_uint(struct pctx *p, const cJSON *v, const char *path, uint64_t *out)
{
	if (cJSON_IsString(v) && strcmp(v->valuestring, "unlimited") == 0) {
		*out = RLIM_INFINITY;
		return 0;
	}
	if (cJSON_IsNumber(v) && v->valuedouble > JSON_MAX_EXACT)
		return perr(p, path, "%.17g is above the maximum, %.0f (use \"unlimited\")",
			    v->valuedouble, JSON_MAX_EXACT);
	if (!cJSON_IsNumber(v) || v->valuedouble < 0 ||
	    v->valuedouble != (double)(uint64_t)v->valuedouble)
		return perr(p, path, "expected a non-negative integer or \"unlimited\"");
	*out = (uint64_t)v->valuedouble;
	return 0;
}

static int parse_rlimits(struct pctx *p, const cJSON *obj, struct tj_config *cfg)
{
	if (!cJSON_IsObject(obj))
		return perr(p, "$.rlimits", "expected an object");
	const cJSON *e;
	cJSON_ArrayForEach(e, obj) {
		char path[96];
		snprintf(path, sizeof(path), "$.rlimits.%s", e->string);
		int res = -1;
		for (size_t i = 0; i < ELEMENTSOF(rlimit_names); i++)
			if (strcmp(rlimit_names[i].name, e->string) == 0)
				res = rlimit_names[i].resource;
		if (res < 0)
			return perr(p, path, "unknown limit (expected as, core, cpu, data, fsize, memlock, nofile, nproc, stack)");
		uint64_t soft, hard;
		int r;
		if (cJSON_IsArray(e)) {
			if (cJSON_GetArraySize(e) != 2)
				return perr(p, path, "expected [soft, hard]");
			if ((r = json_uint(p, cJSON_GetArrayItem(e, 0), path, &soft)) < 0 ||
			    (r = json_uint(p, cJSON_GetArrayItem(e, 1), path, &hard)) < 0)
				return r;
			if (soft > hard)
				return perr(p, path, "soft limit above hard limit");
		} else {
			if ((r = json_uint(p, e, path, &soft)) < 0)
				return r;
			hard = soft;
		}
		struct tj_rlimit *n = realloc(cfg->rlimits, (cfg->n_rlimits + 1) * sizeof(*n));
		if (!n)
			return tj_error_set(p->err, ENOMEM, "realloc");
		cfg->rlimits = n;
		n[cfg->n_rlimits++] = (struct tj_rlimit){ res, soft, hard };
	}
	return 0;
}

/* "limits": { "memory": "1G" | bytes, "pids": N, "cpu": CPUs } */
static int parse_limits(struct pctx *p, const cJSON *obj, struct tj_config *cfg)
{
	if (!cJSON_IsObject(obj))
		return perr(p, "$.limits", "expected an object with memory, pids, cpu");
	const cJSON *e;
	cJSON_ArrayForEach(e, obj) {
		char path[96], num[64];
		snprintf(path, sizeof(path), "$.limits.%s", e->string);
		bool is_num = cJSON_IsNumber(e) && e->valuedouble > 0 && e->valuedouble < 9.0e15;
		if (is_num)
			snprintf(num, sizeof(num), "%.3f", e->valuedouble);
		if (strcmp(e->string, "memory") == 0) {
			if (cJSON_IsString(e) ? util_parse_size(e->valuestring, &cfg->limit_memory) < 0
					      : !is_num || e->valuedouble != (double)(uint64_t)e->valuedouble)
				return perr(p, path, "expected a size (e.g. \"1G\", \"512M\") or a number of bytes");
			if (!cJSON_IsString(e))
				cfg->limit_memory = (uint64_t)e->valuedouble;
		} else if (strcmp(e->string, "pids") == 0) {
			if (!is_num || e->valuedouble != (double)(uint64_t)e->valuedouble ||
			    e->valuedouble > TJ_PIDS_MAX)
				return perr(p, path, "expected a number of processes from 1 to %d", TJ_PIDS_MAX);
			cfg->limit_pids = (uint64_t)e->valuedouble;
		} else if (strcmp(e->string, "cpu") == 0) {
			if (!is_num || util_parse_milli(num, TJ_CPU_MAX_MILLI, &cfg->limit_cpu_milli) < 0)
				return perr(p, path, "expected a number of CPUs above 0 (e.g. 0.5, 2), 3 decimals at most");
		} else {
			return perr(p, path, "unknown limit (expected memory, pids, cpu; per-process limits go in rlimits)");
		}
	}
	return 0;
}

const char *const config_net_names[3] = { "none", "host", "relay" };
const char *const config_proc_guard_names[2] = { "namespace", "strict" };
const char *const config_tier_names[3] = { "full", "auto", "restricted" };

int config_name_index(const char *const *names, size_t n, const char *v)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(v, names[i]) == 0)
			return (int)i;
	return -1;
}

static int parse_enum(struct pctx *p, const cJSON *v, const char *path,
		      const char *const *names, size_t n, int *out)
{
	if (!cJSON_IsString(v))
		return perr(p, path, "expected a string");
	int i = config_name_index(names, n, v->valuestring);
	if (i >= 0) {
		*out = i;
		return 0;
	}
	char opts[256] = "";
	for (size_t k = 0; k < n; k++) {
		strncat(opts, k ? ", " : "", sizeof(opts) - strlen(opts) - 1);
		strncat(opts, names[k], sizeof(opts) - strlen(opts) - 1);
	}
	return perr(p, path, "'%s' is not one of: %s", v->valuestring, opts);
}

int config_parse_profile(const char *json, size_t len, const char *file,
			 struct tj_config *cfg, struct tj_error *err)
{
	struct pctx p = { .file = file, .err = err };
	cJSON *root = NULL;
	int r = json_parse_strict(json, len, "profile", file, &root, err);
	if (r < 0)
		return r;
	if (!cJSON_IsObject(root)) {
		r = perr(&p, "$", "expected an object");
		goto out;
	}
	const cJSON *e;
	cJSON_ArrayForEach(e, root) {
		char path[96];
		snprintf(path, sizeof(path), "$.%s", e->string);
		const char *k = e->string;
		if (strcmp(k, "description") == 0 || strcmp(k, "comment") == 0) {
			if (!cJSON_IsString(e))
				r = perr(&p, path, "expected a string");
		} else if (strcmp(k, "binds") == 0) {
			r = parse_binds(&p, e, cfg);
		} else if (strcmp(k, "tmpfs_size") == 0) {
			if (cJSON_IsString(e)) {
				int pr = util_parse_size(e->valuestring, &cfg->tmpfs_size);
				if (pr < 0)
					r = perr(&p, path, "'%s' %s", e->valuestring, util_parse_size_why(e->valuestring, pr));
			} else if (cJSON_IsNumber(e) && e->valuedouble >= 1 && e->valuedouble <= JSON_MAX_EXACT) {
				cfg->tmpfs_size = (uint64_t)e->valuedouble;
			} else if (cJSON_IsNumber(e) && e->valuedouble > JSON_MAX_EXACT) {
				r = perr(&p, path, "%.17g is above the maximum, %.0f bytes (or a size string, e.g. \"64G\")",
					 e->valuedouble, JSON_MAX_EXACT);
			} else {
				r = perr(&p, path, "expected a size string (e.g. \"64M\") or a positive number of bytes");
			}
		} else if (strcmp(k, "tmp_exec") == 0) {
			if (!cJSON_IsBool(e))
				r = perr(&p, path, "expected true or false (true lets /tmp and /dev/shm hold executables and shared objects)");
			else
				cfg->tmp_exec = cJSON_IsTrue(e);
		} else if (strcmp(k, "net") == 0) {
			int v;
			r = parse_enum(&p, e, path, config_net_names, ELEMENTSOF(config_net_names), &v);
			if (r == 0)
				cfg->net = (enum tj_net_mode)v;
		} else if (strcmp(k, "proc_guard") == 0) {
			int v;
			r = parse_enum(&p, e, path, config_proc_guard_names, ELEMENTSOF(config_proc_guard_names), &v);
			if (r == 0)
				cfg->proc_guard = (enum tj_proc_guard)v;
		} else if (strcmp(k, "tier") == 0) {
			int v;
			r = parse_enum(&p, e, path, config_tier_names, ELEMENTSOF(config_tier_names), &v);
			if (r == 0)
				cfg->tier = (enum tj_tier)v;
		} else if (strcmp(k, "workdir") == 0) {
			r = parse_abs_path(&p, e, path, &cfg->workdir);
		} else if (strcmp(k, "hostname") == 0) {
			r = dup_string(&p, e, path, &cfg->hostname);
			if (r == 0 && (strlen(cfg->hostname) == 0 || strlen(cfg->hostname) > 64))
				r = perr(&p, path, "must be 1 to 64 characters");
		} else if (strcmp(k, "seccomp") == 0) {
			r = dup_string(&p, e, path, &cfg->seccomp);
		} else if (strcmp(k, "log_denials") == 0) {
			if (!cJSON_IsBool(e))
				r = perr(&p, path, "expected true or false");
			else
				cfg->log_denials = cJSON_IsTrue(e);
		} else if (strcmp(k, "host_uid") == 0) {
			if (!cJSON_IsNumber(e) || e->valuedouble < 1 || e->valuedouble > 4294967294.0 ||
			    e->valuedouble != (double)(uint32_t)e->valuedouble)
				r = perr(&p, path, "expected a uid from 1 to 4294967294 (0 would give the sandbox host root's files)");
			else {
				cfg->host_uid = cfg->host_gid = (uid_t)e->valuedouble;
				cfg->host_uid_set = true;
			}
		} else if (strcmp(k, "env") == 0) {
			if (!cJSON_IsObject(e)) {
				r = perr(&p, path, "expected an object of NAME: \"value\"");
			} else {
				const cJSON *v;
				cJSON_ArrayForEach(v, e) {
					char vpath[160];
					snprintf(vpath, sizeof(vpath), "$.env.%s", v->string);
					if (!util_env_name_valid(v->string, strlen(v->string)))
						r = perr(&p, vpath, "invalid variable name");
					else if (!cJSON_IsString(v))
						r = perr(&p, vpath, "expected a string");
					else
						r = config_add_env(cfg, v->string, strlen(v->string), v->valuestring, err);
					if (r < 0)
						break;
				}
			}
		} else if (strcmp(k, "env_allow") == 0) {
			if (!cJSON_IsArray(e)) {
				r = perr(&p, path, "expected an array of variable names");
			} else {
				const cJSON *v;
				int i = 0;
				cJSON_ArrayForEach(v, e) {
					char vpath[160];
					snprintf(vpath, sizeof(vpath), "$.env_allow[%d]", i++);
					if (!cJSON_IsString(v) ||
					    !util_env_name_valid(v->valuestring, strlen(v->valuestring)))
						r = perr(&p, vpath, "expected a variable name");
					else
						r = config_add_env_allow(cfg, v->valuestring, err);
					if (r < 0)
						break;
				}
			}
		} else if (strcmp(k, "runtime") == 0) {
			r = dup_string(&p, e, path, &cfg->runtime);
			if (r == 0 && (!cfg->runtime[0] || strchr(cfg->runtime, '/')))
				r = perr(&p, path, "expected an interpreter name such as \"node\" or \"python\"");
		} else if (strcmp(k, "runtime_args") == 0) {
			if (!cJSON_IsArray(e)) {
				r = perr(&p, path, "expected an array of strings");
			} else {
				strv_free(cfg->runtime_args, cfg->n_runtime_args);
				cfg->n_runtime_args = 0;
				cfg->runtime_args = calloc((size_t)cJSON_GetArraySize(e) + 1, sizeof(char *));
				if (!cfg->runtime_args)
					r = tj_error_set(err, ENOMEM, "runtime_args");
				const cJSON *v;
				int i = 0;
				cJSON_ArrayForEach(v, e) {
					char vpath[64];
					snprintf(vpath, sizeof(vpath), "$.runtime_args[%d]", i++);
					if (r < 0)
						break;
					if (!cJSON_IsString(v) || v->valuestring[0] == '\0')
						r = perr(&p, vpath, "expected a non-empty string");
					else if (!(cfg->runtime_args[cfg->n_runtime_args] = strdup(v->valuestring)))
						r = tj_error_set(err, ENOMEM, "runtime_args");
					else
						cfg->n_runtime_args++;
				}
				if (r == 0 && cfg->n_runtime_args && cfg->runtime_args[0][0] != '-')
					r = perr(&p, "$.runtime_args[0]", "must be an option (start with '-')");
			}
		} else if (strcmp(k, "timeout") == 0 || strcmp(k, "kill_after") == 0) {
			/* Seconds as a JSON number; the same rules as the option. */
			char num[64];
			uint64_t ms = 0;
			if (cJSON_IsNumber(e))
				snprintf(num, sizeof(num), "%.3f", e->valuedouble);
			if (!cJSON_IsNumber(e) || e->valuedouble <= 0 ||
			    util_parse_milli(num, TJ_TIMEOUT_MAX_MS, &ms) < 0)
				r = perr(&p, path, "expected seconds, a number above 0 and at most 86400");
			else if (k[0] == 't')
				cfg->timeout_ms = ms;
			else
				cfg->kill_after_ms = ms;
		} else if (strcmp(k, "limits") == 0) {
			r = parse_limits(&p, e, cfg);
		} else if (strcmp(k, "rlimits") == 0) {
			r = parse_rlimits(&p, e, cfg);
		} else {
			r = perr(&p, path, "unknown key");
		}
		if (r < 0)
			goto out;
	}
out:
	cJSON_Delete(root);
	return r;
}

int config_load_profile(const char *path, struct tj_config *cfg, struct tj_error *err)
{
	_cleanup_free_ char *buf = NULL;
	size_t len;
	int r = sysio_read_file_or_pipe("profile", path, PROFILE_MAX_BYTES, &buf, &len, err);
	if (r < 0)
		return r;
	return config_parse_profile(buf, len, path, cfg, err);
}

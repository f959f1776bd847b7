/* SPDX-License-Identifier: Apache-2.0 */
/* Profiles: a JSON object -> struct tj_config, one handler per key. */
#include <cjson/cJSON.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>

#include "config.h"
#include "json.h"
#include "sysio.h"
#include "util.h"

#define PROFILE_MAX_BYTES (1u << 20)
/* JSON numbers are doubles: integers above this one are not all exact. */
#define JSON_MAX_EXACT 9.0e15

/* Each handler reads the value of its key; p->path is "$.<key>". */
typedef int (*key_fn)(struct json_reader *p, const cJSON *e, struct tj_config *cfg);

/* ---- binds ---------------------------------------------------------------- */

static int bind_object(struct json_reader *p, const cJSON *e, char **src, char **dst, bool *rw,
		       bool *optional)
{
	const cJSON *f;
	cJSON_ArrayForEach(f, e) {
		size_t o = json_push_key(p, f->string);
		int r;
		if (strcmp(f->string, "src") == 0)
			r = json_get_abs_path(p, f, src);
		else if (strcmp(f->string, "dst") == 0)
			r = json_get_abs_path(p, f, dst);
		else if (strcmp(f->string, "rw") == 0)
			r = json_get_bool(p, f, rw);
		else if (strcmp(f->string, "optional") == 0)
			r = json_get_bool(p, f, optional);
		else
			r = json_fail(p, "unknown key (expected src, dst, rw, optional)");
		json_pop(p, o);
		if (r < 0)
			return r;
	}
	return *src ? 0 : json_fail(p, "missing \"src\"");
}

/* One bind at p->path: "SRC[:DST]" or { src, dst, rw, optional }. */
static int bind_entry(struct json_reader *p, const cJSON *e, struct tj_config *cfg)
{
	_cleanup_free_ char *src = NULL, *dst = NULL, *ndst = NULL;
	bool rw = false, optional = false;
	int r;
	if (cJSON_IsString(e)) {
		r = util_split_bind(e->valuestring, &src, &dst);
		if (r == -ENOMEM)
			return json_oom(p);
		if (r < 0)
			return json_fail(p, "'%s' is not SRC[:DST] with absolute paths", e->valuestring);
	} else if (cJSON_IsObject(e)) {
		if ((r = bind_object(p, e, &src, &dst, &rw, &optional)) < 0)
			return r;
	} else {
		return json_fail(p, "expected a string \"SRC[:DST]\" or an object");
	}
	r = util_sandbox_path_normalize(dst ? dst : src, &ndst);
	if (r == -ENOMEM)
		return json_oom(p);
	if (r < 0)
		return json_fail(p, "destination '%s' %s", dst ? dst : src, config_bind_dst_why(r));
	if (strcmp(ndst, "/") == 0)
		return json_fail(p, "binding onto / is not allowed");
	return config_add_bind(cfg, src, ndst, rw, optional, p->err);
}

static int key_binds(struct json_reader *p, const cJSON *arr, struct tj_config *cfg)
{
	if (!cJSON_IsArray(arr))
		return json_fail(p, "expected an array");
	for (size_t i = 0; i < cfg->n_binds; i++) {
		free(cfg->binds[i].src);
		free(cfg->binds[i].dst);
	}
	cfg->n_binds = 0;
	size_t i = 0;
	const cJSON *e;
	cJSON_ArrayForEach(e, arr) {
		size_t o = json_push_idx(p, i++);
		int r = bind_entry(p, e, cfg);
		json_pop(p, o);
		if (r < 0)
			return r;
	}
	return 0;
}

/* ---- scalars --------------------------------------------------------------- */

static int key_text(struct json_reader *p, const cJSON *e, struct tj_config *cfg)
{
	(void)cfg;
	return cJSON_IsString(e) ? 0 : json_fail(p, "expected a string");
}

static int key_tmpfs_size(struct json_reader *p, const cJSON *e, struct tj_config *cfg)
{
	if (cJSON_IsString(e)) {
		int r = util_parse_size(e->valuestring, &cfg->tmpfs_size);
		if (r < 0)
			return json_fail(p, "'%s' %s", e->valuestring, util_parse_size_why(e->valuestring, r));
		return 0;
	}
	if (cJSON_IsNumber(e) && e->valuedouble >= 1 && e->valuedouble <= JSON_MAX_EXACT) {
		cfg->tmpfs_size = (uint64_t)e->valuedouble;
		return 0;
	}
	if (cJSON_IsNumber(e) && e->valuedouble > JSON_MAX_EXACT)
		return json_fail(p, "%.17g is above the maximum, %.0f bytes (or a size string, e.g. \"64G\")",
				 e->valuedouble, JSON_MAX_EXACT);
	return json_fail(p, "expected a size string (e.g. \"64M\") or a positive number of bytes");
}

static int key_tmp_exec(struct json_reader *p, const cJSON *e, struct tj_config *cfg)
{
	if (!cJSON_IsBool(e))
		return json_fail(p, "expected true or false (true lets /tmp and /dev/shm hold executables and shared objects)");
	cfg->tmp_exec = cJSON_IsTrue(e);
	return 0;
}

static int get_enum(struct json_reader *p, const cJSON *v, const char *const *names, size_t n,
		    int *out)
{
	if (!cJSON_IsString(v))
		return json_fail(p, "expected a string");
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
	return json_fail(p, "'%s' is not one of: %s", v->valuestring, opts);
}

static int key_net(struct json_reader *p, const cJSON *e, struct tj_config *cfg)
{
	int v;
	int r = get_enum(p, e, config_net_names, ELEMENTSOF(config_net_names), &v);
	if (r == 0)
		cfg->net = (enum tj_net_mode)v;
	return r;
}

static int key_proc_guard(struct json_reader *p, const cJSON *e, struct tj_config *cfg)
{
	int v;
	int r = get_enum(p, e, config_proc_guard_names, ELEMENTSOF(config_proc_guard_names), &v);
	if (r == 0)
		cfg->proc_guard = (enum tj_proc_guard)v;
	return r;
}

static int key_tier(struct json_reader *p, const cJSON *e, struct tj_config *cfg)
{
	int v;
	int r = get_enum(p, e, config_tier_names, ELEMENTSOF(config_tier_names), &v);
	if (r == 0)
		cfg->tier = (enum tj_tier)v;
	return r;
}

static int key_workdir(struct json_reader *p, const cJSON *e, struct tj_config *cfg)
{
	return json_get_abs_path(p, e, &cfg->workdir);
}

static int key_hostname(struct json_reader *p, const cJSON *e, struct tj_config *cfg)
{
	int r = json_get_string(p, e, &cfg->hostname);
	if (r == 0 && (strlen(cfg->hostname) == 0 || strlen(cfg->hostname) > 64))
		return json_fail(p, "must be 1 to 64 characters");
	return r;
}

static int key_seccomp(struct json_reader *p, const cJSON *e, struct tj_config *cfg)
{
	return json_get_string(p, e, &cfg->seccomp);
}

static int key_log_denials(struct json_reader *p, const cJSON *e, struct tj_config *cfg)
{
	return json_get_bool(p, e, &cfg->log_denials);
}

static int key_host_uid(struct json_reader *p, const cJSON *e, struct tj_config *cfg)
{
	if (!cJSON_IsNumber(e) || e->valuedouble < 1 || e->valuedouble > 4294967294.0 ||
	    e->valuedouble != (double)(uint32_t)e->valuedouble)
		return json_fail(p, "expected a uid from 1 to 4294967294 (0 would give the sandbox host root's files)");
	cfg->host_uid = cfg->host_gid = (uid_t)e->valuedouble;
	cfg->host_uid_set = true;
	return 0;
}

/* ---- environment and runtime --------------------------------------------- */

static int key_env(struct json_reader *p, const cJSON *e, struct tj_config *cfg)
{
	if (!cJSON_IsObject(e))
		return json_fail(p, "expected an object of NAME: \"value\"");
	const cJSON *v;
	cJSON_ArrayForEach(v, e) {
		if (!util_env_name_valid(v->string, strlen(v->string)))
			return json_fail_key(p, v->string, "invalid variable name");
		if (!cJSON_IsString(v))
			return json_fail_key(p, v->string, "expected a string");
		int r = config_add_env(cfg, v->string, strlen(v->string), v->valuestring, p->err);
		if (r < 0)
			return r;
	}
	return 0;
}

static int key_env_allow(struct json_reader *p, const cJSON *e, struct tj_config *cfg)
{
	if (!cJSON_IsArray(e))
		return json_fail(p, "expected an array of variable names");
	size_t i = 0;
	const cJSON *v;
	cJSON_ArrayForEach(v, e) {
		size_t o = json_push_idx(p, i++);
		int r;
		if (!cJSON_IsString(v) || !util_env_name_valid(v->valuestring, strlen(v->valuestring)))
			r = json_fail(p, "expected a variable name");
		else
			r = config_add_env_allow(cfg, v->valuestring, p->err);
		json_pop(p, o);
		if (r < 0)
			return r;
	}
	return 0;
}

static int key_runtime(struct json_reader *p, const cJSON *e, struct tj_config *cfg)
{
	int r = json_get_string(p, e, &cfg->runtime);
	if (r == 0 && (!cfg->runtime[0] || strchr(cfg->runtime, '/')))
		return json_fail(p, "expected an interpreter name such as \"node\" or \"python\"");
	return r;
}

static int key_runtime_args(struct json_reader *p, const cJSON *e, struct tj_config *cfg)
{
	if (!cJSON_IsArray(e))
		return json_fail(p, "expected an array of strings");
	util_strv_free_n(cfg->runtime_args, cfg->n_runtime_args);
	cfg->runtime_args = NULL;
	cfg->n_runtime_args = 0;
	int r = json_get_strv(p, e, true, NULL, NULL, &cfg->runtime_args, &cfg->n_runtime_args);
	if (r == 0 && cfg->n_runtime_args && cfg->runtime_args[0][0] != '-') {
		size_t o = json_push_idx(p, 0);
		r = json_fail(p, "must be an option (start with '-')");
		json_pop(p, o);
	}
	return r;
}

/* ---- limits --------------------------------------------------------------- */

static int key_timeout(struct json_reader *p, const cJSON *e, struct tj_config *cfg)
{
	/* Seconds as a JSON number; the same rules as the option. */
	char num[64];
	uint64_t ms = 0;
	if (cJSON_IsNumber(e))
		snprintf(num, sizeof(num), "%.3f", e->valuedouble);
	if (!cJSON_IsNumber(e) || e->valuedouble <= 0 || util_parse_milli(num, TJ_TIMEOUT_MAX_MS, &ms) < 0)
		return json_fail(p, "expected seconds, a number above 0 and at most 86400");
	if (strcmp(p->path, "$.timeout") == 0)
		cfg->timeout_ms = ms;
	else
		cfg->kill_after_ms = ms;
	return 0;
}

static int rlimit_value(struct json_reader *p, const cJSON *v, uint64_t *out)
{
	if (cJSON_IsString(v) && strcmp(v->valuestring, "unlimited") == 0) {
		*out = RLIM_INFINITY;
		return 0;
	}
	if (cJSON_IsNumber(v) && v->valuedouble > JSON_MAX_EXACT)
		return json_fail(p, "%.17g is above the maximum, %.0f (use \"unlimited\")",
				 v->valuedouble, JSON_MAX_EXACT);
	if (!cJSON_IsNumber(v) || v->valuedouble < 0 ||
	    v->valuedouble != (double)(uint64_t)v->valuedouble)
		return json_fail(p, "expected a non-negative integer or \"unlimited\"");
	*out = (uint64_t)v->valuedouble;
	return 0;
}

/* One "name": N | "unlimited" | [soft, hard] at p->path. */
static int rlimit_entry(struct json_reader *p, const cJSON *e, struct tj_config *cfg)
{
	int res = config_rlimit_resource(e->string);
	if (res < 0)
		return json_fail(p, "unknown limit (expected as, core, cpu, data, fsize, memlock, nofile, nproc, stack)");
	uint64_t soft, hard;
	int r;
	if (cJSON_IsArray(e)) {
		if (cJSON_GetArraySize(e) != 2)
			return json_fail(p, "expected [soft, hard]");
		if ((r = rlimit_value(p, cJSON_GetArrayItem(e, 0), &soft)) < 0 ||
		    (r = rlimit_value(p, cJSON_GetArrayItem(e, 1), &hard)) < 0)
			return r;
		if (soft > hard)
			return json_fail(p, "soft limit above hard limit");
	} else {
		if ((r = rlimit_value(p, e, &soft)) < 0)
			return r;
		hard = soft;
	}
	struct tj_rlimit *n = realloc(cfg->rlimits, (cfg->n_rlimits + 1) * sizeof(*n));
	if (!n)
		return json_oom(p);
	cfg->rlimits = n;
	n[cfg->n_rlimits++] = (struct tj_rlimit){ res, soft, hard };
	return 0;
}

static int key_rlimits(struct json_reader *p, const cJSON *obj, struct tj_config *cfg)
{
	if (!cJSON_IsObject(obj))
		return json_fail(p, "expected an object");
	const cJSON *e;
	cJSON_ArrayForEach(e, obj) {
		size_t o = json_push_key(p, e->string);
		int r = rlimit_entry(p, e, cfg);
		json_pop(p, o);
		if (r < 0)
			return r;
	}
	return 0;
}

/* "limits": { "memory": "1G" | bytes, "pids": N, "cpu": CPUs }; one member. */
static int limit_entry(struct json_reader *p, const cJSON *e, struct tj_config *cfg)
{
	char num[64];
	bool is_num = cJSON_IsNumber(e) && e->valuedouble > 0 && e->valuedouble < JSON_MAX_EXACT;
	bool is_int = is_num && e->valuedouble == (double)(uint64_t)e->valuedouble;
	if (is_num)
		snprintf(num, sizeof(num), "%.3f", e->valuedouble);
	if (strcmp(e->string, "memory") == 0) {
		if (cJSON_IsString(e) ? util_parse_size(e->valuestring, &cfg->limit_memory) < 0 : !is_int)
			return json_fail(p, "expected a size (e.g. \"1G\", \"512M\") or a number of bytes");
		if (!cJSON_IsString(e))
			cfg->limit_memory = (uint64_t)e->valuedouble;
	} else if (strcmp(e->string, "pids") == 0) {
		if (!is_int || e->valuedouble > TJ_PIDS_MAX)
			return json_fail(p, "expected a number of processes from 1 to %d", TJ_PIDS_MAX);
		cfg->limit_pids = (uint64_t)e->valuedouble;
	} else if (strcmp(e->string, "cpu") == 0) {
		if (!is_num || util_parse_milli(num, TJ_CPU_MAX_MILLI, &cfg->limit_cpu_milli) < 0)
			return json_fail(p, "expected a number of CPUs above 0 (e.g. 0.5, 2), 3 decimals at most");
	} else {
		return json_fail(p, "unknown limit (expected memory, pids, cpu; per-process limits go in rlimits)");
	}
	return 0;
}

static int key_limits(struct json_reader *p, const cJSON *obj, struct tj_config *cfg)
{
	if (!cJSON_IsObject(obj))
		return json_fail(p, "expected an object with memory, pids, cpu");
	const cJSON *e;
	cJSON_ArrayForEach(e, obj) {
		size_t o = json_push_key(p, e->string);
		int r = limit_entry(p, e, cfg);
		json_pop(p, o);
		if (r < 0)
			return r;
	}
	return 0;
}

/* ---- the profile ---------------------------------------------------------- */

static const struct {
	const char *key;
	key_fn read;
} profile_keys[] = {
	{ "description", key_text },   { "comment", key_text },
	{ "binds", key_binds },        { "tmpfs_size", key_tmpfs_size },
	{ "tmp_exec", key_tmp_exec },  { "net", key_net },
	{ "proc_guard", key_proc_guard }, { "workdir", key_workdir },
	{ "tier", key_tier },
	{ "hostname", key_hostname },  { "seccomp", key_seccomp },
	{ "log_denials", key_log_denials }, { "host_uid", key_host_uid },
	{ "env", key_env },            { "env_allow", key_env_allow },
	{ "runtime", key_runtime },    { "runtime_args", key_runtime_args },
	{ "timeout", key_timeout },    { "kill_after", key_timeout },
	{ "limits", key_limits },      { "rlimits", key_rlimits },
};

static int profile_member(struct json_reader *p, const cJSON *e, struct tj_config *cfg)
{
	for (size_t i = 0; i < ELEMENTSOF(profile_keys); i++)
		if (strcmp(profile_keys[i].key, e->string) == 0)
			return profile_keys[i].read(p, e, cfg);
	return json_fail(p, "unknown key");
}

int config_parse_profile(const char *json, size_t len, const char *file,
			 struct tj_config *cfg, struct tj_error *err)
{
	struct json_reader p;
	json_reader_init(&p, "profile", file, err);
	cJSON *root = NULL;
	int r = json_parse_strict(json, len, "profile", file, &root, err);
	if (r < 0)
		return r;
	if (!cJSON_IsObject(root))
		r = json_fail(&p, "expected an object");
	const cJSON *e;
	cJSON_ArrayForEach(e, root) {
		if (r < 0)
			break;
		size_t o = json_push_key(&p, e->string);
		r = profile_member(&p, e, cfg);
		json_pop(&p, o);
	}
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

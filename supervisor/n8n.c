/* SPDX-License-Identifier: Apache-2.0 */
#include "n8n.h"

#include <cjson/cJSON.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "config.h"
#include "env.h"
#include "json.h"
#include "sysio.h"
#include "util.h"

#define LAUNCHER_MAX_BYTES (1u << 20)

/* ---- freeing ------------------------------------------------------------ */


static void runner_free(struct n8n_runner *r)
{
	free(r->runner_type);
	free(r->workdir);
	free(r->command);
	util_strv_free_n(r->args, r->n_args);
	util_strv_free_n(r->allowed_env, r->n_allowed_env);
	for (size_t i = 0; i < r->n_overrides; i++) {
		free(r->overrides[i].name);
		free(r->overrides[i].value);
	}
	free(r->overrides);
	memset(r, 0, sizeof(*r));
}

void n8n_launcher_config_free(struct n8n_launcher_config *c)
{
	for (size_t i = 0; i < c->n_runners; i++)
		runner_free(&c->runners[i]);
	free(c->runners);
	free(c->file);
	memset(c, 0, sizeof(*c));
}

/* ---- parsing ------------------------------------------------------------ */

uint16_t n8n_default_health_port(const char *runner_type)
{
	if (runner_type && strcmp(runner_type, "python") == 0)
		return 5682;
	return 5681;
}

static int get_string(struct json_reader *p, const cJSON *v, bool abs_path, char **out)
{
	if (!cJSON_IsString(v))
		return json_fail(p, "expected a string");
	if (abs_path && v->valuestring[0] != '/')
		return json_fail(p, "'%s' is not an absolute path (the sandbox has its own PATH view)",
			    v->valuestring);
	if (!abs_path && v->valuestring[0] == '\0')
		return json_fail(p, "must not be empty");
	if (!(*out = strdup(v->valuestring)))
		return json_oom(p);
	return 0;
}

static int get_strv(struct json_reader *p, const cJSON *v, bool env_names, char ***out,
		    size_t *n_out)
{
	if (!cJSON_IsArray(v))
		return json_fail(p, env_names ? "expected an array of variable names"
					       : "expected an array of strings");
	int n = cJSON_GetArraySize(v);
	char **a = calloc((size_t)n + 1, sizeof(*a));
	if (!a)
		return json_oom(p);
	*out = a;
	*n_out = 0;
	const cJSON *e;
	cJSON_ArrayForEach(e, v) {
		size_t o = json_push_idx(p, *n_out);
		int r = 0;
		if (!cJSON_IsString(e))
			r = json_fail(p, "expected a string");
		else if (env_names && !util_env_name_valid(e->valuestring, strlen(e->valuestring)))
			r = json_fail(p, "'%s' is not a variable name", e->valuestring);
		else if (!(a[*n_out] = strdup(e->valuestring)))
			r = json_oom(p);
		json_pop(p, o);
		if (r < 0)
			return r;
		(*n_out)++;
	}
	return 0;
}

static int get_port(struct json_reader *p, const cJSON *v, uint16_t *out)
{
	/* n8n's file writes the port as a string ("5681"); accept a number too. */
	uint64_t port;
	if (cJSON_IsString(v)) {
		if (util_parse_uint(v->valuestring, 1, 65535, &port) < 0)
			return json_fail(p, "'%s' is not a port number (1-65535)", v->valuestring);
	} else if (cJSON_IsNumber(v) && v->valuedouble >= 1 && v->valuedouble <= 65535 &&
		   v->valuedouble == (double)(int)v->valuedouble) {
		port = (uint64_t)v->valuedouble;
	} else {
		return json_fail(p, "expected a port number (1-65535)");
	}
	if (port == N8N_PORT_MAIN || port == N8N_PORT_BROKER || port == N8N_PORT_LAUNCHER)
		return json_fail(p, "port %u is reserved (5678 n8n, 5679 broker, 5680 launcher)",
			    (unsigned)port);
	*out = (uint16_t)port;
	return 0;
}

static int get_overrides(struct json_reader *p, const cJSON *v, struct n8n_runner *r)
{
	if (!cJSON_IsObject(v))
		return json_fail(p, "expected an object of NAME: \"value\"");
	int n = cJSON_GetArraySize(v);
	r->overrides = calloc((size_t)n + 1, sizeof(*r->overrides));
	if (!r->overrides)
		return json_oom(p);
	const cJSON *e;
	cJSON_ArrayForEach(e, v) {
		if (!util_env_name_valid(e->string, strlen(e->string)))
			return json_fail_key(p, e->string, "invalid variable name");
		if (!cJSON_IsString(e))
			return json_fail_key(p, e->string, "expected a string");
		struct n8n_kv *kv = &r->overrides[r->n_overrides];
		kv->name = strdup(e->string);
		kv->value = strdup(e->valuestring);
		r->n_overrides++; /* counted even if half-filled: runner_free copes */
		if (!kv->name || !kv->value)
			return json_oom(p);
	}
	return 0;
}

static int parse_runner(struct json_reader *p, const cJSON *obj, struct n8n_runner *r)
{
	if (!cJSON_IsObject(obj))
		return json_fail(p, "expected an object");
	const cJSON *e;
	int r_ = 0;
	cJSON_ArrayForEach(e, obj) {
		const char *k = e->string;
		size_t o = json_push_key(p, k);
		char **dst = NULL;
		bool absolute = false;
		if (strcmp(k, "runner-type") == 0)
			dst = &r->runner_type;
		else if (strcmp(k, "workdir") == 0)
			dst = &r->workdir, absolute = true;
		else if (strcmp(k, "command") == 0)
			dst = &r->command, absolute = true;
		if (dst) {
			if (*dst)
				return json_fail(p, "given twice");
			r_ = get_string(p, e, absolute, dst);
		} else if (strcmp(k, "args") == 0) {
			if (r->args)
				return json_fail(p, "given twice");
			r_ = get_strv(p, e, false, &r->args, &r->n_args);
		} else if (strcmp(k, "allowed-env") == 0) {
			if (r->allowed_env)
				return json_fail(p, "given twice");
			r_ = get_strv(p, e, true, &r->allowed_env, &r->n_allowed_env);
		} else if (strcmp(k, "env-overrides") == 0) {
			if (r->overrides)
				return json_fail(p, "given twice");
			r_ = get_overrides(p, e, r);
		} else if (strcmp(k, "health-check-server-port") == 0) {
			r_ = get_port(p, e, &r->health_port);
			r->health_port_set = r_ == 0;
		}
		/* Other keys: ignored, as the launcher's decoder does. */
		json_pop(p, o);
		if (r_ < 0)
			return r_;
	}
	if (!r->runner_type)
		return json_fail(p, "missing \"runner-type\"");
	if (!r->command)
		return json_fail(p, "missing \"command\"");
	if (!r->workdir)
		return json_fail(p, "missing \"workdir\"");
	if (!r->health_port_set)
		r->health_port = n8n_default_health_port(r->runner_type);
	return 0;
}

int n8n_parse_launcher_config(const char *json, size_t len, const char *file,
			      struct n8n_launcher_config *out, struct tj_error *err)
{
	struct json_reader p;
	json_reader_init(&p, "launcher config", file, err);
	memset(out, 0, sizeof(*out));
	cJSON *root = NULL;
	int r = json_parse_strict(json, len, "launcher config", file, &root, err);
	if (r < 0)
		return r;
	const cJSON *list = NULL;
	if (!cJSON_IsObject(root)) {
		r = json_fail(&p, "expected an object");
		goto fail;
	}
	list = cJSON_GetObjectItemCaseSensitive(root, "task-runners");
	if (!list) {
		r = json_fail(&p, "missing \"task-runners\"");
		goto fail;
	}
	json_push_key(&p, "task-runners");
	if (!cJSON_IsArray(list)) {
		r = json_fail(&p, "expected an array");
		goto fail;
	}
	int n = cJSON_GetArraySize(list);
	if (n == 0) {
		r = json_fail(&p, "no runners defined");
		goto fail;
	}
	out->file = strdup(file);
	out->runners = calloc((size_t)n, sizeof(*out->runners));
	if (!out->file || !out->runners) {
		r = json_oom(&p);
		goto fail;
	}
	const cJSON *e;
	cJSON_ArrayForEach(e, list) {
		size_t i = out->n_runners;
		size_t o = json_push_idx(&p, i);
		out->n_runners++;
		r = parse_runner(&p, e, &out->runners[i]);
		if (r < 0)
			goto fail;
		for (size_t j = 0; j < i; j++) {
			const struct n8n_runner *a = &out->runners[j], *b = &out->runners[i];
			if (strcmp(a->runner_type, b->runner_type) == 0) {
				r = json_fail(&p, "runner-type '%s' already defined at $.task-runners[%zu]",
					 b->runner_type, j);
				goto fail;
			}
			/* With several runners each needs its own health port, as
			 * the launcher's validateRunnerPorts demands. */
			if (a->health_port == b->health_port) {
				r = json_fail(&p, "health-check-server-port %u already used by $.task-runners[%zu]%s",
					 b->health_port, j,
					 b->health_port_set && a->health_port_set ? "" :
					 " (set health-check-server-port for each runner)");
				goto fail;
			}
		}
		json_pop(&p, o);
	}
	cJSON_Delete(root);
	return 0;
fail:
	cJSON_Delete(root);
	n8n_launcher_config_free(out);
	return r;
}

int n8n_load_launcher_config(const char *path, struct n8n_launcher_config *out,
			     struct tj_error *err)
{
	_cleanup_free_ char *buf = NULL;
	size_t len;
	int r = sysio_read_file_or_pipe("launcher config", path, LAUNCHER_MAX_BYTES, &buf, &len, err);
	if (r < 0)
		return r;
	return n8n_parse_launcher_config(buf, len, path, out, err);
}

const struct n8n_runner *n8n_find_runner(const struct n8n_launcher_config *c,
					 const char *type, struct tj_error *err)
{
	char types[256] = "";
	for (size_t i = 0; i < c->n_runners; i++) {
		if (strcmp(c->runners[i].runner_type, type) == 0)
			return &c->runners[i];
		strncat(types, i ? ", " : "", sizeof(types) - strlen(types) - 1);
		strncat(types, c->runners[i].runner_type, sizeof(types) - strlen(types) - 1);
	}
	tj_error_setx(err, ENOENT, "launcher config %s: no runner of type '%s' (it defines: %s)",
		      c->file ? c->file : "?", type, types);
	return NULL;
}

/* ---- URI ---------------------------------------------------------------- */

static bool alnum(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

int n8n_parse_uri(const char *uri, struct n8n_uri *out)
{
	memset(out, 0, sizeof(*out));
	const char *sep = strstr(uri, "://");
	if (!sep || sep == uri || (size_t)(sep - uri) >= sizeof(out->scheme))
		return -EINVAL;
	size_t sl = (size_t)(sep - uri);
	for (size_t i = 0; i < sl; i++) {
		char c = uri[i];
		out->scheme[i] = (c >= 'A' && c <= 'Z') ? (char)(c - 'A' + 'a') : c;
	}
	out->scheme[sl] = '\0';
	if (strcmp(out->scheme, "http") == 0)
		out->port = 80;
	else if (strcmp(out->scheme, "https") == 0)
		out->port = 443;
	else
		return -EPROTONOSUPPORT;

	const char *h = sep + 3;
	const char *auth_end = h + strcspn(h, "/?#");
	if (memchr(h, '@', (size_t)(auth_end - h)))
		return -EINVAL; /* userinfo: never used for the broker */
	const char *host_end, *port_start = NULL;
	if (*h == '[') {
		const char *close = memchr(h, ']', (size_t)(auth_end - h));
		if (!close)
			return -EINVAL;
		out->ipv6 = true;
		if ((size_t)(close - h - 1) >= sizeof(out->host) || close == h + 1)
			return -EINVAL;
		memcpy(out->host, h + 1, (size_t)(close - h - 1));
		for (const char *c = out->host; *c; c++)
			if (!(alnum(*c) || *c == ':' || *c == '.' || *c == '%'))
				return -EINVAL;
		host_end = close + 1;
		if (host_end < auth_end) {
			if (*host_end != ':')
				return -EINVAL;
			port_start = host_end + 1;
		}
	} else {
		const char *colon = memchr(h, ':', (size_t)(auth_end - h));
		host_end = colon ? colon : auth_end;
		if (host_end == h || (size_t)(host_end - h) >= sizeof(out->host))
			return -EINVAL;
		memcpy(out->host, h, (size_t)(host_end - h));
		for (const char *c = out->host; *c; c++)
			if (!(alnum(*c) || *c == '-' || *c == '.' || *c == '_'))
				return -EINVAL;
		if (colon)
			port_start = colon + 1;
	}
	if (port_start) {
		char pbuf[8];
		size_t pl = (size_t)(auth_end - port_start);
		uint64_t port;
		if (pl == 0 || pl >= sizeof(pbuf))
			return -EINVAL;
		memcpy(pbuf, port_start, pl);
		pbuf[pl] = '\0';
		if (util_parse_uint(pbuf, 1, 65535, &port) < 0)
			return -EINVAL;
		out->port = (uint16_t)port;
	}
	out->rest = auth_end;
	return 0;
}

int n8n_uri_with_host(const struct n8n_uri *u, const char *host, uint16_t port,
		      char *buf, size_t size)
{
	bool v6 = strchr(host, ':') != NULL;
	int n = snprintf(buf, size, "%s://%s%s%s:%u%s", u->scheme, v6 ? "[" : "", host,
			 v6 ? "]" : "", port, u->rest ? u->rest : "");
	return n < 0 || (size_t)n >= size ? -ENAMETOOLONG : 0;
}

/* ---- environment -------------------------------------------------------- */

struct envb {
	char **v;
	size_t n, cap;
	struct tj_error *err;
};

static bool entry_is(const char *entry, const char *name, size_t nl)
{
	return strncmp(entry, name, nl) == 0 && entry[nl] == '=';
}

/* Sets NAME=VALUE, replacing (and moving to the end) an earlier NAME. */
static int envb_set(struct envb *b, const char *name, size_t nl, const char *value)
{
	for (size_t i = 0; i < b->n; i++) {
		if (entry_is(b->v[i], name, nl)) {
			free(b->v[i]);
			memmove(&b->v[i], &b->v[i + 1], (b->n - i - 1) * sizeof(*b->v));
			b->n--;
			break;
		}
	}
	if (b->n + 2 > b->cap) {
		size_t cap = b->cap ? b->cap * 2 : 32;
		char **nv = realloc(b->v, cap * sizeof(*nv));
		if (!nv)
			return tj_error_set(b->err, ENOMEM, "runner environment");
		b->v = nv;
		b->cap = cap;
	}
	char *s = malloc(nl + 1 + strlen(value) + 1);
	if (!s)
		return tj_error_set(b->err, ENOMEM, "runner environment");
	memcpy(s, name, nl);
	s[nl] = '=';
	strcpy(s + nl + 1, value);
	b->v[b->n++] = s;
	b->v[b->n] = NULL;
	return 0;
}

/* The launcher's secret. Its _FILE form names a file holding it: the name is
 * not secret, but a runner has no business knowing where the secret is. */
bool n8n_is_auth_token(const char *name, size_t nl)
{
	static const char *const secret[] = { "N8N_RUNNERS_AUTH_TOKEN", "N8N_RUNNERS_AUTH_TOKEN_FILE" };
	for (size_t i = 0; i < ELEMENTSOF(secret); i++)
		if (strlen(secret[i]) == nl && memcmp(secret[i], name, nl) == 0)
			return true;
	return false;
}

static const char *const required_vars[] = {
	"N8N_RUNNERS_TASK_BROKER_URI",
	"N8N_RUNNERS_GRANT_TOKEN",
	"N8N_RUNNERS_HEALTH_CHECK_SERVER_ENABLED",
	"N8N_RUNNERS_HEALTH_CHECK_SERVER_PORT",
};

static bool is_required(const char *name)
{
	for (size_t i = 0; i < ELEMENTSOF(required_vars); i++)
		if (strcmp(required_vars[i], name) == 0)
			return true;
	return false;
}

__attribute__((format(printf, 2, 3)))
static void warnf(const struct n8n_env_in *in, const char *fmt, ...)
{
	if (!in->warn)
		return;
	char msg[512];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	in->warn(in->warn_ctx, msg);
}

/* Step 1: the caller's variables that the launcher passes on, copied in
 * the caller's order, so the result does not depend on the file's. */
static int env_copy_caller(struct envb *b, const struct n8n_runner *r, const struct n8n_env_in *in)
{
	static const char *const always[] = { "LANG", "PATH", "TZ", "TERM" };
	for (char *const *e = in->caller_env; e && *e; e++) {
		const char *eq = strchr(*e, '=');
		if (!eq || eq == *e)
			continue;
		size_t nl = (size_t)(eq - *e);
		bool allowed = false;
		for (size_t i = 0; i < ELEMENTSOF(always) && !allowed; i++)
			allowed = strlen(always[i]) == nl && memcmp(always[i], *e, nl) == 0;
		for (size_t i = 0; i < r->n_allowed_env && !allowed; i++)
			allowed = strlen(r->allowed_env[i]) == nl &&
				  memcmp(r->allowed_env[i], *e, nl) == 0;
		if (!allowed)
			continue;
		if (n8n_is_auth_token(*e, nl)) {
			warnf(in, "not passing %.*s to the runner although allowed-env lists it",
			      (int)nl, *e);
			continue;
		}
		int ret = envb_set(b, *e, nl, eq + 1);
		if (ret < 0)
			return ret;
	}
	return 0;
}

/* Step 4: env-overrides, except for what the runner must get. */
static int env_overrides(struct envb *b, const struct n8n_runner *r, const struct n8n_env_in *in)
{
	for (size_t i = 0; i < r->n_overrides; i++) {
		const struct n8n_kv *kv = &r->overrides[i];
		if (is_required(kv->name)) {
			warnf(in, "env-overrides.%s ignored: the launcher sets it", kv->name);
			continue;
		}
		if (n8n_is_auth_token(kv->name, strlen(kv->name))) {
			warnf(in, "env-overrides.%s ignored: the auth token never reaches the runner",
			      kv->name);
			continue;
		}
		int ret = envb_set(b, kv->name, strlen(kv->name), kv->value);
		if (ret < 0)
			return ret;
	}
	return 0;
}

/* Step 5: the variables the runner must get. */
static int env_required(struct envb *b, const struct n8n_runner *r, const struct n8n_env_in *in)
{
	const char *broker = in->broker_uri;
	if (!broker)
		broker = env_get(in->caller_env, "N8N_RUNNERS_TASK_BROKER_URI");
	if (!broker || !*broker)
		broker = N8N_DEFAULT_BROKER_URI;
	const char *grant = env_get(in->caller_env, "N8N_RUNNERS_GRANT_TOKEN");
	if (!grant || !*grant)
		return tj_error_setx(b->err, EINVAL,
				     "N8N_RUNNERS_GRANT_TOKEN is not set: the runner needs a grant token "
				     "(POST <broker>/runners/auth with the auth token, as the launcher does)");
	char port[8];
	snprintf(port, sizeof(port), "%u", r->health_port);
	int ret;
	if ((ret = envb_set(b, "N8N_RUNNERS_TASK_BROKER_URI", 27, broker)) < 0 ||
	    (ret = envb_set(b, "N8N_RUNNERS_GRANT_TOKEN", 23, grant)) < 0 ||
	    (ret = envb_set(b, "N8N_RUNNERS_HEALTH_CHECK_SERVER_ENABLED", 39, "true")) < 0 ||
	    (ret = envb_set(b, "N8N_RUNNERS_HEALTH_CHECK_SERVER_PORT", 36, port)) < 0)
		return ret;
	return 0;
}

int n8n_build_env(const struct n8n_runner *r, const struct n8n_env_in *in,
		  char ***out, size_t *n_out, struct tj_error *err)
{
	struct envb b = { .err = err };
	int ret = env_copy_caller(&b, r, in);
	/* 2. profile env */
	for (size_t i = 0; i < in->n_base && ret == 0; i++) {
		const char *eq = strchr(in->base[i], '=');
		if (eq && eq != in->base[i])
			ret = envb_set(&b, in->base[i], (size_t)(eq - in->base[i]), eq + 1);
	}
	/* 3. legacy values the launcher always passes (its defaults: 15 / 60) */
	const char *shut = env_get(in->caller_env, "N8N_RUNNERS_AUTO_SHUTDOWN_TIMEOUT");
	const char *task = env_get(in->caller_env, "N8N_RUNNERS_TASK_TIMEOUT");
	if (ret == 0)
		ret = envb_set(&b, "N8N_RUNNERS_AUTO_SHUTDOWN_TIMEOUT", 33, shut ? shut : "15");
	if (ret == 0)
		ret = envb_set(&b, "N8N_RUNNERS_TASK_TIMEOUT", 24, task ? task : "60");
	if (ret == 0)
		ret = env_overrides(&b, r, in);
	if (ret == 0)
		ret = env_required(&b, r, in);
	if (ret < 0) {
		util_strv_free_n(b.v, b.n);
		return ret;
	}
	*out = b.v;
	if (n_out)
		*n_out = b.n;
	return 0;
}

int n8n_build_argv(const struct n8n_runner *r, char *const *extra, size_t n_extra,
		   char ***out, size_t *n_out, struct tj_error *err)
{
	size_t n = 1 + r->n_args + n_extra;
	char **v = calloc(n + 1, sizeof(*v));
	if (!v)
		return tj_error_set(err, ENOMEM, "runner argv");
	size_t k = 0;
	v[k++] = strdup(r->command);
	for (size_t i = 0; i < r->n_args; i++)
		v[k++] = strdup(r->args[i]);
	for (size_t i = 0; i < n_extra; i++)
		v[k++] = strdup(extra[i]);
	for (size_t i = 0; i < n; i++) {
		if (!v[i]) {
			for (size_t j = 0; j < n; j++)
				free(v[j]);
			free(v);
			return tj_error_set(err, ENOMEM, "runner argv");
		}
	}
	*out = v;
	if (n_out)
		*n_out = n;
	return 0;
}

/* ---- the runner to start ------------------------------------------------ */

bool n8n_command_is_taskjail(const char *command)
{
	const char *slash = strrchr(command, '/');
	return strcmp(slash ? slash + 1 : command, "taskjail") == 0;
}

/* The runner's command is the running taskjail under another name (a
 * symlink or hard link). */
static bool command_is_self(const char *command)
{
	struct stat a, b;
	return stat(command, &a) == 0 && stat("/proc/self/exe", &b) == 0 &&
	       a.st_dev == b.st_dev && a.st_ino == b.st_ino;
}

static void warn_stderr(void *ctx, const char *msg)
{
	(void)ctx;
	fprintf(stderr, "taskjail: warning: %s\n", msg);
}

void n8n_plan_free(struct n8n_plan *p)
{
	util_strv_free(p->argv);
	util_strv_free(p->env);
	free(p->workdir);
	memset(p, 0, sizeof(*p));
}

int n8n_plan_runner(const char *file, const char *type, char *const *extra, size_t n_extra,
		    char *const *base, size_t n_base, char *const *caller_env,
		    struct n8n_plan *out, struct tj_error *err)
{
	struct n8n_launcher_config lc;
	memset(out, 0, sizeof(*out));
	int r = n8n_load_launcher_config(file, &lc, err);
	if (r < 0)
		return r;
	const struct n8n_runner *run = n8n_find_runner(&lc, type, err);
	if (!run) {
		r = -ENOENT;
		goto out;
	}
	if (n8n_command_is_taskjail(run->command) || command_is_self(run->command)) {
		r = tj_error_setx(err, EINVAL,
				  "launcher config %s, runner %s: its command %s is taskjail itself: "
				  "this file wraps the runner for n8n's launcher; give --launcher-config "
				  "a file whose command is the runner (n8n's own n8n-task-runners.json)",
				  file, type, run->command);
		goto out;
	}
	struct n8n_env_in in = {
		.caller_env = caller_env, .base = base, .n_base = n_base, .warn = warn_stderr,
	};
	if ((r = n8n_build_env(run, &in, &out->env, &out->n_env, err)) < 0 ||
	    (r = n8n_build_argv(run, extra, n_extra, &out->argv, &out->argc, err)) < 0) {
		tj_error_wrap(err, "launcher config %s, runner %s", file, type);
		goto out;
	}
	if (!(out->workdir = strdup(run->workdir)))
		r = tj_error_set(err, ENOMEM, "workdir");
out:
	if (r < 0)
		n8n_plan_free(out);
	n8n_launcher_config_free(&lc);
	return r;
}

/* SPDX-License-Identifier: Apache-2.0 */
#include "resolve.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "env.h"
#include "n8n.h"
#include "util.h"

/* ---- options ------------------------------------------------------------- */

static int opt_setenv(struct tj_config *cfg, const struct tj_opt *o, struct tj_error *err)
{
	const char *v = o->value, *eq = strchr(v, '=');
	if (!eq || !util_env_name_valid(v, (size_t)(eq - v)))
		return tj_error_setx(err, EINVAL, "--setenv '%s': expected NAME=VALUE with a valid NAME", v);
	return config_add_env(cfg, v, (size_t)(eq - v), eq + 1, err);
}

static int opt_bind(struct tj_config *cfg, const struct tj_opt *o, struct tj_error *err)
{
	_cleanup_free_ char *src = NULL, *dst = NULL;
	int r = util_split_bind(o->value, &src, &dst);
	if (r == -ENOMEM)
		return tj_error_set(err, ENOMEM, "%s", o->name);
	if (r < 0)
		return tj_error_setx(err, EINVAL, "%s '%s': expected SRC[:DST] with absolute paths",
				     o->name, o->value);
	/* Normalised before anything exists: "/../var/tmp/x" would otherwise
	 * be created on the host while the new root is assembled. */
	_cleanup_free_ char *ndst = NULL;
	r = util_sandbox_path_normalize(dst, &ndst);
	if (r == -ENOMEM)
		return tj_error_set(err, ENOMEM, "%s", o->name);
	if (r < 0)
		return tj_error_setx(err, EINVAL, "%s '%s': destination '%s' %s", o->name, o->value,
				     dst, config_bind_dst_why(r));
	if (strcmp(ndst, "/") == 0)
		return tj_error_setx(err, EINVAL, "%s '%s': binding onto / is not allowed", o->name, o->value);
	/* Fail before anything is created: a missing source is a user error. */
	struct stat st;
	if (lstat(src, &st) < 0)
		return tj_error_set(err, errno, "%s: source %s", o->name, src);
	return config_add_bind(cfg, src, ndst, strcmp(o->name, "--bind-rw") == 0, false, err);
}

static int opt_tmpfs_size(struct tj_config *cfg, const struct tj_opt *o, struct tj_error *err)
{
	int r = util_parse_size(o->value, &cfg->tmpfs_size);
	if (r < 0)
		return tj_error_setx(err, EINVAL, "--tmpfs-size '%s' %s", o->value,
				     util_parse_size_why(o->value, r));
	return 0;
}

static int opt_proc_guard(struct tj_config *cfg, const struct tj_opt *o, struct tj_error *err)
{
	int i = config_name_index(config_proc_guard_names, ELEMENTSOF(config_proc_guard_names), o->value);
	if (i < 0)
		return tj_error_setx(err, EINVAL, "--proc-guard '%s': expected strict, self, namespace or absent", o->value);
	cfg->proc_guard = (enum tj_proc_guard)i;
	return 0;
}

static int opt_tier(struct tj_config *cfg, const struct tj_opt *o, struct tj_error *err)
{
	int i = config_name_index(config_tier_names, ELEMENTSOF(config_tier_names), o->value);
	if (i < 0)
		return tj_error_setx(err, EINVAL, "--tier '%s': expected full, auto or restricted", o->value);
	cfg->tier = (enum tj_tier)i;
	return 0;
}

static int opt_net(struct tj_config *cfg, const struct tj_opt *o, struct tj_error *err)
{
	int i = config_name_index(config_net_names, ELEMENTSOF(config_net_names), o->value);
	if (i < 0)
		return tj_error_setx(err, EINVAL, "--net '%s': expected none, host or relay", o->value);
	cfg->net = (enum tj_net_mode)i;
	return 0;
}

/* Replaces *slot with a copy of v. */
static int set_string(char **slot, const char *v, const char *what, struct tj_error *err)
{
	char *d = strdup(v);
	if (!d)
		return tj_error_set(err, ENOMEM, "%s", what);
	free(*slot);
	*slot = d;
	return 0;
}

static int opt_workdir(struct tj_config *cfg, const struct tj_opt *o, struct tj_error *err)
{
	if (o->value[0] != '/')
		return tj_error_setx(err, EINVAL, "--workdir '%s': must be an absolute path", o->value);
	return set_string(&cfg->workdir, o->value, "--workdir", err);
}

static int opt_host_uid(struct tj_config *cfg, const struct tj_opt *o, struct tj_error *err)
{
	uint64_t u;
	if (util_parse_uint(o->value, 1, 4294967294u, &u) < 0)
		return tj_error_setx(err, EINVAL,
				     "--host-uid '%s': expected a uid from 1 to 4294967294 (0 would give the sandbox host root's files)",
				     o->value);
	cfg->host_uid = cfg->host_gid = (uid_t)u;
	cfg->host_uid_set = true;
	return 0;
}

static int opt_log_fd(struct tj_config *cfg, const struct tj_opt *o, struct tj_error *err)
{
	uint64_t u;
	if (util_parse_uint(o->value, 0, 1 << 20, &u) < 0)
		return tj_error_setx(err, EINVAL, "--log-fd '%s': expected a file descriptor number", o->value);
	cfg->log_fd = (int)u;
	return 0;
}

static int opt_log_file(struct tj_config *cfg, const struct tj_opt *o, struct tj_error *err)
{
	return set_string(&cfg->log_file, o->value, "--log-file", err);
}

static int opt_seccomp(struct tj_config *cfg, const struct tj_opt *o, struct tj_error *err)
{
	if (!*o->value)
		return tj_error_setx(err, EINVAL, "--seccomp: expected a policy name, a file or 'none'");
	return set_string(&cfg->seccomp, o->value, "--seccomp", err);
}

static int opt_timeout(struct tj_config *cfg, const struct tj_opt *o, struct tj_error *err)
{
	uint64_t u;
	if (util_parse_milli(o->value, TJ_TIMEOUT_MAX_MS, &u) < 0)
		return tj_error_setx(err, EINVAL, "%s '%s': expected seconds above 0 and at most 86400 (e.g. 30, 1.5)",
				     o->name, o->value);
	if (strcmp(o->name, "--timeout") == 0)
		cfg->timeout_ms = u;
	else
		cfg->kill_after_ms = u;
	return 0;
}

static int opt_memory(struct tj_config *cfg, const struct tj_opt *o, struct tj_error *err)
{
	if (util_parse_size(o->value, &cfg->limit_memory) < 0)
		return tj_error_setx(err, EINVAL, "--memory '%s': not a size (e.g. 512M, 1G)", o->value);
	return 0;
}

static int opt_pids(struct tj_config *cfg, const struct tj_opt *o, struct tj_error *err)
{
	if (util_parse_uint(o->value, 1, TJ_PIDS_MAX, &cfg->limit_pids) < 0)
		return tj_error_setx(err, EINVAL, "--pids '%s': expected a number from 1 to %d", o->value, TJ_PIDS_MAX);
	return 0;
}

static int opt_cpu(struct tj_config *cfg, const struct tj_opt *o, struct tj_error *err)
{
	if (util_parse_milli(o->value, TJ_CPU_MAX_MILLI, &cfg->limit_cpu_milli) < 0)
		return tj_error_setx(err, EINVAL, "--cpu '%s': expected a number of CPUs above 0 (e.g. 0.5, 2)", o->value);
	return 0;
}

static int opt_log_denials(struct tj_config *cfg, const struct tj_opt *o, struct tj_error *err)
{
	(void)o, (void)err;
	cfg->log_denials = true;
	return 0;
}

/* Options applied in step 4; the others (--profile, --launcher-config,
 * --runner-type, --health-addr) chose steps 2, 3 and 6. */
static const struct {
	const char *name;
	int (*apply)(struct tj_config *cfg, const struct tj_opt *o, struct tj_error *err);
} option_table[] = {
	{ "--setenv", opt_setenv },         { "--bind-ro", opt_bind },
	{ "--bind-rw", opt_bind },          { "--tmpfs-size", opt_tmpfs_size },
	{ "--proc-guard", opt_proc_guard }, { "--net", opt_net },
	{ "--tier", opt_tier },
	{ "--workdir", opt_workdir },       { "--host-uid", opt_host_uid },
	{ "--log-fd", opt_log_fd },         { "--log-file", opt_log_file },
	{ "--seccomp", opt_seccomp },       { "--timeout", opt_timeout },
	{ "--kill-after", opt_timeout },    { "--memory", opt_memory },
	{ "--pids", opt_pids },             { "--cpu", opt_cpu },
	{ "--log-denials", opt_log_denials },
};

static int apply_options(const struct tj_options *o, struct tj_config *cfg, struct tj_error *err)
{
	for (size_t i = 0; i < o->n_opts; i++) {
		for (size_t k = 0; k < ELEMENTSOF(option_table); k++) {
			if (strcmp(option_table[k].name, o->opts[i].name) != 0)
				continue;
			int r = option_table[k].apply(cfg, &o->opts[i], err);
			if (r < 0)
				return r;
		}
	}
	if (cfg->log_fd >= 0 && cfg->log_file)
		return tj_error_setx(err, EINVAL, "--log-fd and --log-file are mutually exclusive");
	return 0;
}

/* ---- the launcher's runner ------------------------------------------------ */

/* path is dir or below it ("/tmp" holds "/tmp" and "/tmp/x", not "/tmpx"). */
static bool path_under(const char *path, const char *dir)
{
	size_t n = strlen(dir);
	while (n > 1 && dir[n - 1] == '/')
		n--;
	if (n == 1 && dir[0] == '/')
		return true;
	return strncmp(path, dir, n) == 0 && (path[n] == '\0' || path[n] == '/');
}

bool config_path_in_sandbox(const struct tj_config *cfg, const char *path)
{
	static const char *const made[] = { "/tmp", "/dev", "/proc" };
	if (strcmp(path, "/") == 0 || strstr(path, "/..") != NULL)
		return true;
	for (size_t i = 0; i < ELEMENTSOF(made); i++)
		if (path_under(path, made[i]))
			return true;
	for (size_t i = 0; i < cfg->n_binds; i++)
		if (path_under(path, cfg->binds[i].dst))
			return true;
	return false;
}

/* Step 3: the runner's command, environment (exactly the launcher's: the
 * profile's copy list goes, its fixed values are the base) and workdir. */
static int apply_launcher(const struct tj_options *o, char *const *caller_env,
			  struct tj_config *cfg, struct tj_error *err)
{
	struct n8n_plan plan;
	char **base = calloc(cfg->n_env_set + 1, sizeof(*base));
	int r = 0;
	if (!base)
		return tj_error_set(err, ENOMEM, "runner environment");
	for (size_t i = 0; i < cfg->n_env_set && r == 0; i++)
		if (asprintf(&base[i], "%s=%s", cfg->env_set[i].name, cfg->env_set[i].value) < 0) {
			base[i] = NULL;
			r = tj_error_set(err, ENOMEM, "runner environment");
		}
	if (r == 0)
		r = n8n_plan_runner(o->launcher, o->runner_type, o->command, o->n_command, base,
				    cfg->n_env_set, caller_env, &plan, err);
	util_strv_free(base);
	if (r < 0)
		return r;
	util_strv_free_n(cfg->env_allow, cfg->n_env_allow);
	cfg->env_allow = NULL;
	cfg->n_env_allow = 0;
	for (size_t i = 0; i < plan.n_env && r == 0; i++) {
		const char *eq = strchr(plan.env[i], '=');
		r = config_add_env(cfg, plan.env[i], (size_t)(eq - plan.env[i]), eq + 1, err);
	}
	if (r == 0) {
		free(cfg->workdir);
		cfg->workdir = steal_pointer(&plan.workdir);
		cfg->argv = steal_pointer(&plan.argv);
		cfg->argc = plan.argc;
	}
	n8n_plan_free(&plan);
	return r;
}

/* The launcher's workdir is a path of the launcher's world (n8n's image:
 * /home/runner) that the sandbox usually lacks. When it is not in the
 * sandbox, the profile's workdir is kept, with a notice naming both. Runs
 * after the options: a --bind-ro of the launcher's workdir keeps it. */
static int fit_launcher_workdir(const struct tj_options *o, const char *profile_workdir,
				struct tj_config *cfg, struct tj_error *err)
{
	if (!cfg->workdir || config_path_in_sandbox(cfg, cfg->workdir))
		return 0;
	fprintf(stderr,
		"taskjail: notice: launcher config %s, runner %s: workdir %s is not in the sandbox; "
		"the runner starts in %s (the profile's workdir; --workdir or --bind-ro to choose)\n",
		o->launcher, o->runner_type, cfg->workdir, profile_workdir);
	return set_string(&cfg->workdir, profile_workdir, "workdir", err);
}

/* ---- the command ------------------------------------------------------- */

/* Length of the group starting at flags[i]: a flag followed by a value that
 * is not itself a flag ("-X", "disable_remote_debug") counts as one. */
static size_t group_len(char *const *flags, size_t n, size_t i)
{
	return i + 1 < n && flags[i][0] == '-' && flags[i + 1][0] != '-' ? 2 : 1;
}

bool config_is_runtime(const char *argv0, const char *runtime)
{
	if (!argv0 || !runtime || !*runtime)
		return false;
	const char *base = strrchr(argv0, '/');
	base = base ? base + 1 : argv0;
	size_t n = strlen(runtime);
	if (strncmp(base, runtime, n) != 0)
		return false;
	for (const char *c = base + n; *c; c++)
		if (!((*c >= '0' && *c <= '9') || *c == '.'))
			return false;
	return true;
}

/* Marks in have[] the flag groups already among argv's leading options (up
 * to the first word that is not one we know: the script, "-m", "--"). */
static void find_runtime_args(char *const *argv, size_t argc, char *const *flags, size_t n_flags,
			      bool *have)
{
	for (size_t a = 1; a < argc;) {
		bool matched = false;
		for (size_t i = 0; i < n_flags && !matched; i += group_len(flags, n_flags, i)) {
			size_t g = group_len(flags, n_flags, i);
			if (a + g > argc)
				continue;
			bool eq = true;
			for (size_t k = 0; k < g && eq; k++)
				eq = strcmp(argv[a + k], flags[i + k]) == 0;
			if (eq) {
				have[i] = true;
				a += g;
				matched = true;
			}
		}
		if (!matched)
			break;
	}
}

int config_argv_add_runtime_args(char ***argvp, size_t *argcp, const char *runtime,
				 char *const *flags, size_t n_flags, struct tj_error *err)
{
	char **argv = *argvp;
	size_t argc = *argcp;
	if (argc == 0 || n_flags == 0 || !config_is_runtime(argv[0], runtime))
		return 0;
	_cleanup_free_ bool *have = calloc(n_flags, sizeof(*have));
	if (!have)
		return tj_error_set(err, ENOMEM, "runtime_args");
	find_runtime_args(argv, argc, flags, n_flags, have);
	size_t add = 0;
	for (size_t i = 0; i < n_flags; i += group_len(flags, n_flags, i))
		if (!have[i])
			add += group_len(flags, n_flags, i);
	if (add == 0)
		return 0;
	char **nv = calloc(argc + add + 1, sizeof(*nv));
	if (!nv)
		return tj_error_set(err, ENOMEM, "runtime_args");
	size_t k = 0;
	nv[k++] = argv[0];
	for (size_t i = 0; i < n_flags; i += group_len(flags, n_flags, i)) {
		for (size_t g = 0; !have[i] && g < group_len(flags, n_flags, i); g++) {
			if (!(nv[k++] = strdup(flags[i + g]))) {
				for (size_t j = 1; j < k - 1; j++)
					free(nv[j]);
				free(nv);
				return tj_error_set(err, ENOMEM, "runtime_args");
			}
		}
	}
	for (size_t a = 1; a < argc; a++)
		nv[k++] = argv[a];
	nv[k] = NULL;
	free(argv);
	*argvp = nv;
	*argcp = k;
	return 0;
}

/* Step 5: the command after "--" (unless the launcher gave one), then the
 * profile's interpreter flags. */
static int apply_command(const struct tj_options *o, struct tj_config *cfg, struct tj_error *err)
{
	if (!o->launcher) {
		cfg->argc = o->n_command;
		cfg->argv = calloc(cfg->argc + 1, sizeof(char *));
		if (!cfg->argv)
			return tj_error_set(err, ENOMEM, "argv");
		for (size_t i = 0; i < cfg->argc; i++)
			if (!(cfg->argv[i] = strdup(o->command[i])))
				return tj_error_set(err, ENOMEM, "argv");
	}
	return config_argv_add_runtime_args(&cfg->argv, &cfg->argc, cfg->runtime, cfg->runtime_args,
					    cfg->n_runtime_args, err);
}

/* ---- net relay ------------------------------------------------------------ */

/* The value NAME will have in the runner: a fixed value, or the caller's
 * when the config copies that name. */
static const char *runner_value(const struct tj_config *cfg, char *const *caller_env,
				const char *name)
{
	static const char *const base[] = { ENV_BASE_NAMES };
	for (size_t i = cfg->n_env_set; i-- > 0;)
		if (strcmp(cfg->env_set[i].name, name) == 0)
			return cfg->env_set[i].value;
	bool copied = false;
	for (size_t i = 0; i < ELEMENTSOF(base) && !copied; i++)
		copied = strcmp(base[i], name) == 0;
	for (size_t i = 0; i < cfg->n_env_allow && !copied; i++)
		copied = strcmp(cfg->env_allow[i], name) == 0;
	return copied ? env_get(caller_env, name) : NULL;
}

static int add_relay_port(struct tj_config *cfg, const char *addr, uint16_t host_port,
			  uint16_t sandbox_port, bool inbound, struct tj_error *err)
{
	struct tj_relay_port *n = realloc(cfg->relay_ports, (cfg->n_relay_ports + 1) * sizeof(*n));
	if (!n)
		return tj_error_set(err, ENOMEM, "relay");
	cfg->relay_ports = n;
	char *a = strdup(addr);
	if (!a)
		return tj_error_set(err, ENOMEM, "relay");
	n[cfg->n_relay_ports++] = (struct tj_relay_port){
		.host_addr = a, .host_port = host_port, .sandbox_port = sandbox_port, .inbound = inbound,
	};
	return 0;
}

/* The runner's health port when its health server is on, else 0. */
static int health_port(const struct tj_config *cfg, char *const *caller_env, uint16_t broker_port,
		       uint16_t *out, struct tj_error *err)
{
	*out = 0;
	const char *en = runner_value(cfg, caller_env, "N8N_RUNNERS_HEALTH_CHECK_SERVER_ENABLED");
	if (!en || strcmp(en, "true") != 0)
		return 0;
	const char *ps = runner_value(cfg, caller_env, "N8N_RUNNERS_HEALTH_CHECK_SERVER_PORT");
	uint64_t p = 5681; /* the runner's own default */
	if (ps && util_parse_uint(ps, 1, 65535, &p) < 0)
		return tj_error_setx(err, EINVAL,
				     "net relay: N8N_RUNNERS_HEALTH_CHECK_SERVER_PORT '%s' is not a port", ps);
	if (p == broker_port)
		return tj_error_setx(err, EINVAL, "net relay: health port %u is the broker's port",
				     (unsigned)p);
	*out = (uint16_t)p;
	return 0;
}

/* Step 6, net relay: relays the broker of N8N_RUNNERS_TASK_BROKER_URI (as
 * the runner will see it; default http://127.0.0.1:5679) and, when the
 * runner's health server is on, its port published on --health-addr
 * (default 127.0.0.1); the runner's broker URI becomes 127.0.0.1. */
static int apply_relay(const struct tj_options *o, char *const *caller_env,
		       struct tj_config *cfg, struct tj_error *err)
{
	if (o->health_addr && cfg->net != TJ_NET_RELAY)
		return tj_error_setx(err, EINVAL, "--health-addr needs net relay");
	if (cfg->net != TJ_NET_RELAY)
		return 0;
	const char *uri = runner_value(cfg, caller_env, "N8N_RUNNERS_TASK_BROKER_URI");
	if (!uri || !*uri)
		uri = N8N_DEFAULT_BROKER_URI;
	struct n8n_uri u;
	if (n8n_parse_uri(uri, &u) < 0)
		return tj_error_setx(err, EINVAL,
				     "net relay: N8N_RUNNERS_TASK_BROKER_URI '%s' is not http://HOST:PORT "
				     "(HOST: IPv4, [IPv6] or a name)", uri);
	char inside[512];
	if (n8n_uri_with_host(&u, "127.0.0.1", u.port, inside, sizeof(inside)) < 0)
		return tj_error_setx(err, ENAMETOOLONG, "net relay: broker URI too long");
	uint16_t hport;
	int r = health_port(cfg, caller_env, u.port, &hport, err);
	if (r < 0 || (r = add_relay_port(cfg, u.host, u.port, u.port, false, err)) < 0)
		return r;
	if (hport && (r = add_relay_port(cfg, o->health_addr ? o->health_addr : "127.0.0.1", hport,
					 hport, true, err)) < 0)
		return r;
	return config_add_env(cfg, "N8N_RUNNERS_TASK_BROKER_URI", 27, inside, err);
}

/* The launcher's auth token never reaches the runner, whatever copies or
 * sets it (a profile's env_allow or env, --setenv): dropped, with a
 * warning, as the launcher file's allowed-env and env-overrides are. */
static void drop_auth_token(struct tj_config *cfg)
{
	size_t k = 0;
	for (size_t i = 0; i < cfg->n_env_allow; i++) {
		char *n = cfg->env_allow[i];
		if (!n8n_is_auth_token(n, strlen(n))) {
			cfg->env_allow[k++] = n;
			continue;
		}
		fprintf(stderr, "taskjail: warning: not passing %s to the runner although env_allow lists it "
			"(the launcher's secret never reaches a runner)\n", n);
		free(n);
	}
	cfg->n_env_allow = k;
	k = 0;
	for (size_t i = 0; i < cfg->n_env_set; i++) {
		struct tj_env_var *v = &cfg->env_set[i];
		if (!n8n_is_auth_token(v->name, strlen(v->name))) {
			cfg->env_set[k++] = *v;
			continue;
		}
		fprintf(stderr, "taskjail: warning: not setting %s in the runner "
			"(the launcher's secret never reaches a runner)\n", v->name);
		free(v->name);
		free(v->value);
	}
	cfg->n_env_set = k;
}

/* ---- the whole order ---------------------------------------------------- */

/* Step 7: the policy file, found once; NULL for "none". */
static int find_policy(struct tj_config *cfg, struct tj_error *err)
{
	const char *name = cfg->seccomp ? cfg->seccomp : TJ_DEFAULT_POLICY;
	if (strcmp(name, "none") == 0)
		return 0;
	if (config_find_file("policies", "TASKJAIL_POLICY_DIR", name, &cfg->policy_path, err) < 0)
		return tj_error_wrap(err, "seccomp");
	return 0;
}

int config_resolve(const struct tj_options *o, char *const *caller_env,
		   struct tj_config *cfg, struct tj_error *err)
{
	int r;
	config_init_defaults(cfg);
	r = config_find_file("profiles", "TASKJAIL_PROFILE_DIR", o->profile, &cfg->profile_path, err);
	if (r < 0)
		return tj_error_wrap(err, "--profile");
	if (!(cfg->profile_name = strdup(o->profile)))
		return tj_error_set(err, ENOMEM, "strdup");
	if ((r = config_load_profile(cfg->profile_path, cfg, err)) < 0)
		return r;
	_cleanup_free_ char *profile_workdir = strdup(cfg->workdir ? cfg->workdir : "/");
	if (!profile_workdir)
		return tj_error_set(err, ENOMEM, "workdir");
	if (o->launcher && (r = apply_launcher(o, caller_env, cfg, err)) < 0)
		return r;
	if ((r = apply_options(o, cfg, err)) < 0)
		return r;
	if (o->launcher && !o->workdir_set &&
	    (r = fit_launcher_workdir(o, profile_workdir, cfg, err)) < 0)
		return r;
	drop_auth_token(cfg);
	if ((r = apply_command(o, cfg, err)) < 0 ||
	    (r = apply_relay(o, caller_env, cfg, err)) < 0)
		return r;
	return find_policy(cfg, err);
}

int config_from_args(int argc, char **argv, char *const *caller_env,
		     struct tj_config *cfg, struct tj_error *err)
{
	struct tj_options o;
	config_init_defaults(cfg);
	int r = cli_parse_run(argc, argv, &o, err);
	if (r == 0)
		r = config_resolve(&o, caller_env, cfg, err);
	cli_options_free(&o);
	return r;
}

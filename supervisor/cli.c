/* SPDX-License-Identifier: Apache-2.0 */
#include "cli.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "n8n.h"
#include "util.h"

extern char **environ;

const char cli_usage_text[] =
	"Usage: taskjail run [OPTION]... -- COMMAND [ARG]...\n"
	"       taskjail policy explain|check POLICY | --profile NAME\n"
	"       taskjail check [--json]\n"
	"       taskjail selftest [RUN OPTION]...\n"
	"       taskjail --version | --help\n"
	"\n"
	"Runs COMMAND in new user, pid, mount, network, ipc, uts and cgroup\n"
	"namespaces as uid/gid 65532, with a read-only root, a size-limited tmpfs\n"
	"/tmp, a fresh /proc, no capabilities, no_new_privs and an environment\n"
	"built from an allowlist.\n"
	"\n"
	"Options of run:\n"
	"  --profile NAME|FILE   profile to start from (default: minimal)\n"
	"  --setenv NAME=VALUE   set a variable in the sandbox (repeatable)\n"
	"  --bind-ro SRC[:DST]   bind SRC read-only at DST (repeatable)\n"
	"  --bind-rw SRC[:DST]   bind SRC read-write at DST (repeatable)\n"
	"  --tmpfs-size SIZE     size of /tmp, e.g. 64M, 1G (default 64M)\n"
	"  --net none|host|relay network: loopback only (default), the host's, or\n"
	"                        loopback plus relays to the n8n broker and from the\n"
	"                        runner's health port (see README)\n"
	"  --proc-guard strict|namespace\n"
	"                        /proc guard: refuse environ and mount tables of every\n"
	"                        pid by any path (strict), or pid namespace + masks only\n"
	"  --tier full|auto|restricted\n"
	"                        full: namespaces, else exit 125 (default); auto:\n"
	"                        the restricted tier when namespaces are refused;\n"
	"                        restricted: no namespaces, Landlock (see README)\n"
	"  --workdir DIR         working directory inside the sandbox (default /)\n"
	"  --host-uid UID        root callers: host uid/gid that sandbox uid 65532\n"
	"                        maps to (default 65532; 0 is refused)\n"
	"  --launcher-config FILE  run a runner of n8n's n8n-task-runners.json: its\n"
	"                        command, args, workdir and environment (then the\n"
	"                        command after '--' is optional: extra arguments)\n"
	"  --runner-type TYPE    which runner of that file (javascript, python)\n"
	"  --health-addr ADDR    net relay: host address to publish the runner's\n"
	"                        health port on (default 127.0.0.1)\n"
	"  --log-fd N            write JSON event lines to file descriptor N\n"
	"  --log-file FILE       append JSON event lines to FILE\n"
	"  --seccomp NAME|FILE   seccomp policy (policies/NAME.json or an OCI/Docker\n"
	"                        seccomp JSON file; 'none' for no filter); default:\n"
	"                        the profile's, else 'default'\n"
"  --memory SIZE         memory limit of the whole sandbox, e.g. 512M, 1G\n"
	"  --pids N              process and thread limit of the whole sandbox\n"
	"  --cpu CPUS            CPU time limit, e.g. 0.5, 2 (cgroups only); the\n"
	"                        start event says what enforces each limit\n"
	"  --timeout SECONDS     send SIGTERM to the runner after SECONDS (decimals\n"
	"                        allowed), kill the whole sandbox --kill-after\n"
	"                        seconds later; taskjail then exits 124\n"
	"  --kill-after SECONDS  grace between SIGTERM and SIGKILL (default 5)\n"
	"  --log-denials         log each syscall the policy denies as a JSON line\n"
	"  -h, --help            show this help\n"
	"\n"
	"Exit status: COMMAND's status, 128+N if it died of signal N, 125 if\n"
	"taskjail failed, 126 if COMMAND is not executable, 127 if not found,\n"
	"124 if --timeout expired.\n";

void cli_print_usage(FILE *f)
{
	fputs(cli_usage_text, f);
}

/* Options that take a value; all are "--name VALUE" or "--name=VALUE". */
static const char *const valued[] = {
	"--profile", "--setenv", "--bind-ro", "--bind-rw", "--tmpfs-size",
	"--net", "--workdir", "--host-uid", "--log-fd", "--log-file", "--seccomp", "--proc-guard", "--tier",
	"--launcher-config", "--runner-type", "--health-addr", "--timeout", "--kill-after",
	"--memory", "--pids", "--cpu",
};

/* Options without a value. */
static const char *const flags[] = { "--log-denials" };

static bool is_flag(const char *name)
{
	for (size_t i = 0; i < ELEMENTSOF(flags); i++)
		if (strcmp(flags[i], name) == 0)
			return true;
	return false;
}

static bool is_valued(const char *name)
{
	for (size_t i = 0; i < ELEMENTSOF(valued); i++)
		if (strcmp(valued[i], name) == 0)
			return true;
	return false;
}

struct opt {
	char name[32];
	const char *value;
};

/* Splits argv[*i] into an option and its value; advances *i. */
static int next_opt(int argc, char **argv, int *i, struct opt *o, struct tj_error *err)
{
	const char *a = argv[*i];
	const char *eq = strchr(a, '=');
	size_t nlen = eq ? (size_t)(eq - a) : strlen(a);

	if (nlen >= sizeof(o->name))
		return tj_error_setx(err, EINVAL, "unknown option '%s' (see taskjail --help)", a);
	memcpy(o->name, a, nlen);
	o->name[nlen] = '\0';
	o->value = NULL;
	if (strcmp(o->name, "-h") == 0 || strcmp(o->name, "--help") == 0) {
		(*i)++;
		return 0;
	}
	if (is_flag(o->name)) {
		if (eq)
			return tj_error_setx(err, EINVAL, "option %s takes no value", o->name);
		o->value = "";
		(*i)++;
		return 0;
	}
	if (!is_valued(o->name))
		return tj_error_setx(err, EINVAL, "unknown option '%s' (see taskjail --help)", a);
	if (eq) {
		o->value = eq + 1;
	} else {
		if (*i + 1 >= argc || strcmp(argv[*i + 1], "--") == 0)
			return tj_error_setx(err, EINVAL, "option %s needs a value", o->name);
		o->value = argv[++*i];
	}
	(*i)++;
	return 0;
}

static int parse_bind_opt(struct tj_config *cfg, const struct opt *o, struct tj_error *err)
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

static int apply_opt(struct tj_config *cfg, const struct opt *o, struct tj_error *err)
{
	const char *n = o->name, *v = o->value;
	uint64_t u;
	int r;

	if (strcmp(n, "--profile") == 0 || strcmp(n, "--launcher-config") == 0 ||
	    strcmp(n, "--runner-type") == 0 || strcmp(n, "--health-addr") == 0)
		return 0; /* applied around pass 2, see cli_parse_run */
	if (strcmp(n, "--setenv") == 0) {
		const char *eq = strchr(v, '=');
		if (!eq || !util_env_name_valid(v, (size_t)(eq - v)))
			return tj_error_setx(err, EINVAL, "--setenv '%s': expected NAME=VALUE with a valid NAME", v);
		return config_add_env(cfg, v, (size_t)(eq - v), eq + 1, err);
	}
	if (strcmp(n, "--bind-ro") == 0 || strcmp(n, "--bind-rw") == 0)
		return parse_bind_opt(cfg, o, err);
	if (strcmp(n, "--tmpfs-size") == 0) {
		r = util_parse_size(v, &cfg->tmpfs_size);
		if (r < 0)
			return tj_error_setx(err, EINVAL, "--tmpfs-size '%s' %s", v, util_parse_size_why(v, r));
		return 0;
	}
	if (strcmp(n, "--proc-guard") == 0) {
		int i = config_name_index(config_proc_guard_names, ELEMENTSOF(config_proc_guard_names), v);
		if (i < 0)
			return tj_error_setx(err, EINVAL, "--proc-guard '%s': expected strict or namespace", v);
		cfg->proc_guard = (enum tj_proc_guard)i;
		return 0;
	}
	if (strcmp(n, "--tier") == 0) {
		int i = config_name_index(config_tier_names, ELEMENTSOF(config_tier_names), v);
		if (i < 0)
			return tj_error_setx(err, EINVAL, "--tier '%s': expected full, auto or restricted", v);
		cfg->tier = (enum tj_tier)i;
		return 0;
	}
	if (strcmp(n, "--net") == 0) {
		int i = config_name_index(config_net_names, ELEMENTSOF(config_net_names), v);
		if (i < 0)
			return tj_error_setx(err, EINVAL, "--net '%s': expected none, host or relay", v);
		cfg->net = (enum tj_net_mode)i;
		return 0;
	}
	if (strcmp(n, "--workdir") == 0) {
		if (v[0] != '/')
			return tj_error_setx(err, EINVAL, "--workdir '%s': must be an absolute path", v);
		char *d = strdup(v);
		if (!d)
			return tj_error_set(err, ENOMEM, "--workdir");
		free(cfg->workdir);
		cfg->workdir = d;
		return 0;
	}
	if (strcmp(n, "--host-uid") == 0) {
		r = util_parse_uint(v, 1, 4294967294u, &u);
		if (r < 0)
			return tj_error_setx(err, EINVAL,
					     "--host-uid '%s': expected a uid from 1 to 4294967294 (0 would give the sandbox host root's files)",
					     v);
		cfg->host_uid = cfg->host_gid = (uid_t)u;
		cfg->host_uid_set = true;
		return 0;
	}
	if (strcmp(n, "--log-fd") == 0) {
		r = util_parse_uint(v, 0, 1 << 20, &u);
		if (r < 0)
			return tj_error_setx(err, EINVAL, "--log-fd '%s': expected a file descriptor number", v);
		cfg->log_fd = (int)u;
		return 0;
	}
	if (strcmp(n, "--log-file") == 0) {
		char *f = strdup(v);
		if (!f)
			return tj_error_set(err, ENOMEM, "--log-file");
		free(cfg->log_file);
		cfg->log_file = f;
		return 0;
	}
	if (strcmp(n, "--seccomp") == 0) {
		if (!*v)
			return tj_error_setx(err, EINVAL, "--seccomp: expected a policy name, a file or 'none'");
		char *d = strdup(v);
		if (!d)
			return tj_error_set(err, ENOMEM, "--seccomp");
		free(cfg->seccomp);
		cfg->seccomp = d;
		return 0;
	}
	if (strcmp(n, "--timeout") == 0 || strcmp(n, "--kill-after") == 0) {
		r = util_parse_milli(v, TJ_TIMEOUT_MAX_MS, &u);
		if (r < 0)
			return tj_error_setx(err, EINVAL, "%s '%s': expected seconds above 0 and at most 86400 (e.g. 30, 1.5)",
					     n, v);
		if (n[2] == 't')
			cfg->timeout_ms = u;
		else
			cfg->kill_after_ms = u;
		return 0;
	}
	if (strcmp(n, "--memory") == 0) {
		if (util_parse_size(v, &cfg->limit_memory) < 0)
			return tj_error_setx(err, EINVAL, "--memory '%s': not a size (e.g. 512M, 1G)", v);
		return 0;
	}
	if (strcmp(n, "--pids") == 0) {
		if (util_parse_uint(v, 1, TJ_PIDS_MAX, &cfg->limit_pids) < 0)
			return tj_error_setx(err, EINVAL, "--pids '%s': expected a number from 1 to %d", v, TJ_PIDS_MAX);
		return 0;
	}
	if (strcmp(n, "--cpu") == 0) {
		if (util_parse_milli(v, TJ_CPU_MAX_MILLI, &cfg->limit_cpu_milli) < 0)
			return tj_error_setx(err, EINVAL, "--cpu '%s': expected a number of CPUs above 0 (e.g. 0.5, 2)", v);
		return 0;
	}
	if (strcmp(n, "--log-denials") == 0) {
		cfg->log_denials = true;
		return 0;
	}
	return tj_error_setx(err, EINVAL, "unknown option '%s'", n);
}

int cli_parse_run(int argc, char **argv, struct tj_config *cfg, struct tj_error *err)
{
	const char *profile = "minimal";
	const char *launcher = NULL, *runner_type = NULL, *health_addr = NULL;
	bool workdir_opt = false;
	int dashdash = -1;
	int r;

	/* Pass 1: find "--", --help and --profile; check option syntax. */
	for (int i = 1; i < argc;) {
		if (strcmp(argv[i], "--") == 0) {
			dashdash = i;
			break;
		}
		if (argv[i][0] != '-')
			return tj_error_setx(err, EINVAL,
					     "'%s': put '--' before the command (taskjail run [OPTION]... -- COMMAND [ARG]...)",
					     argv[i]);
		struct opt o;
		r = next_opt(argc, argv, &i, &o, err);
		if (r < 0)
			return r;
		if (!o.value) /* --help */
			return 1;
		if (strcmp(o.name, "--profile") == 0)
			profile = o.value;
		else if (strcmp(o.name, "--launcher-config") == 0)
			launcher = o.value;
		else if (strcmp(o.name, "--runner-type") == 0)
			runner_type = o.value;
		else if (strcmp(o.name, "--health-addr") == 0)
			health_addr = o.value;
		else if (strcmp(o.name, "--workdir") == 0)
			workdir_opt = true;
	}
	if (!launcher != !runner_type)
		return tj_error_setx(err, EINVAL, "--launcher-config and --runner-type go together");
	if (launcher) {
		/* The command comes from the file; "-- ARGS" adds arguments. */
		if (dashdash < 0)
			dashdash = argc;
	} else {
		if (dashdash < 0)
			return tj_error_setx(err, EINVAL, "missing '--' and a command (taskjail run [OPTION]... -- COMMAND [ARG]...)");
		if (dashdash + 1 >= argc)
			return tj_error_setx(err, EINVAL, "no command after '--'");
	}

	config_init_defaults(cfg);
	r = config_find_file("profiles", "TASKJAIL_PROFILE_DIR", profile, &cfg->profile_path, err);
	if (r < 0)
		return tj_error_wrap(err, "--profile");
	if (!(cfg->profile_name = strdup(profile)))
		return tj_error_set(err, ENOMEM, "strdup");
	r = config_load_profile(cfg->profile_path, cfg, err);
	if (r < 0)
		return r;
	/* The launcher file replaces the profile's command, workdir and env;
	 * the options below still win over it. */
	_cleanup_free_ char *profile_workdir = strdup(cfg->workdir ? cfg->workdir : "/");
	if (!profile_workdir)
		return tj_error_set(err, ENOMEM, "workdir");
	if (launcher) {
		int n_extra = dashdash < argc ? argc - dashdash - 1 : 0;
		r = n8n_apply_launcher(cfg, launcher, runner_type, argv + dashdash + 1,
				       (size_t)n_extra, environ, err);
		if (r < 0)
			return r;
	}

	/* Pass 2: apply options in order over the profile. */
	for (int i = 1; i < dashdash;) {
		struct opt o;
		r = next_opt(argc, argv, &i, &o, err);
		if (r < 0)
			return r;
		r = apply_opt(cfg, &o, err);
		if (r < 0)
			return r;
	}
	if (cfg->log_fd >= 0 && cfg->log_file)
		return tj_error_setx(err, EINVAL, "--log-fd and --log-file are mutually exclusive");
	/* After the options: a --bind-ro of the launcher's workdir keeps it. */
	if (launcher && !workdir_opt) {
		r = n8n_fit_launcher_workdir(cfg, profile_workdir, launcher, runner_type, err);
		if (r < 0)
			return r;
	}

	if (!launcher) {
		cfg->argc = (size_t)(argc - dashdash - 1);
		cfg->argv = calloc(cfg->argc + 1, sizeof(char *));
		if (!cfg->argv)
			return tj_error_set(err, ENOMEM, "argv");
		for (size_t i = 0; i < cfg->argc; i++)
			if (!(cfg->argv[i] = strdup(argv[dashdash + 1 + (int)i])))
				return tj_error_set(err, ENOMEM, "argv");
	}
	r = n8n_argv_add_runtime_args(&cfg->argv, &cfg->argc, cfg->runtime, cfg->runtime_args,
				      cfg->n_runtime_args, err);
	if (r < 0)
		return r;
	if (health_addr && cfg->net != TJ_NET_RELAY)
		return tj_error_setx(err, EINVAL, "--health-addr needs net relay");
	if (cfg->net == TJ_NET_RELAY)
		return n8n_config_relay(cfg, environ, health_addr, err);
	return 0;
}

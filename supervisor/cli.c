/* SPDX-License-Identifier: Apache-2.0 */
#include "cli.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"

const char cli_usage_text[] =
	"Usage: taskjail run [OPTION]... -- COMMAND [ARG]...\n"
	"       taskjail policy explain|check POLICY | --profile NAME\n"
	"       taskjail check [--json] [--profile NAME|FILE]\n"
	"       taskjail selftest [--format tap|json|junit] [RUN OPTION]...\n"
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
	"  --proc-guard strict|self|namespace|absent\n"
	"                        /proc guard: refuse environ and mount tables of every\n"
	"                        pid by any path (strict); only the runner's own\n"
	"                        status, stat, cmdline and the like, and common\n"
	"                        system-wide files (self: Landlock, no per-open\n"
	"                        cost); pid namespace + masks only\n"
	"                        (namespace); or no procfs at all: /proc is empty\n"
	"                        (absent; for runners that need no /proc)\n"
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

/* Splits argv[*i] into an option and its value; advances *i. */
static int next_opt(int argc, char **argv, int *i, struct tj_opt *o, struct tj_error *err)
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

int cli_parse_run(int argc, char **argv, struct tj_options *o, struct tj_error *err)
{
	int dashdash = -1;

	*o = (struct tj_options){ .profile = "minimal" };
	for (int i = 1; i < argc;) {
		if (strcmp(argv[i], "--") == 0) {
			dashdash = i;
			break;
		}
		if (argv[i][0] != '-')
			return tj_error_setx(err, EINVAL,
					     "'%s': put '--' before the command (taskjail run [OPTION]... -- COMMAND [ARG]...)",
					     argv[i]);
		struct tj_opt opt;
		int r = next_opt(argc, argv, &i, &opt, err);
		if (r < 0)
			return r;
		if (!opt.value) /* --help */
			return 1;
		if (strcmp(opt.name, "--profile") == 0)
			o->profile = opt.value;
		else if (strcmp(opt.name, "--launcher-config") == 0)
			o->launcher = opt.value;
		else if (strcmp(opt.name, "--runner-type") == 0)
			o->runner_type = opt.value;
		else if (strcmp(opt.name, "--health-addr") == 0)
			o->health_addr = opt.value;
		else if (strcmp(opt.name, "--workdir") == 0)
			o->workdir_set = true;
		struct tj_opt *n = realloc(o->opts, (o->n_opts + 1) * sizeof(*n));
		if (!n)
			return tj_error_set(err, ENOMEM, "options");
		o->opts = n;
		o->opts[o->n_opts++] = opt;
	}
	if (!o->launcher != !o->runner_type)
		return tj_error_setx(err, EINVAL, "--launcher-config and --runner-type go together");
	if (dashdash < 0 && !o->launcher)
		return tj_error_setx(err, EINVAL, "missing '--' and a command (taskjail run [OPTION]... -- COMMAND [ARG]...)");
	if (dashdash >= 0) {
		o->command = argv + dashdash + 1;
		o->n_command = (size_t)(argc - dashdash - 1);
	}
	/* With a launcher file the command comes from the file; "-- ARGS"
	 * adds arguments. */
	if (!o->launcher && o->n_command == 0)
		return tj_error_setx(err, EINVAL, "no command after '--'");
	return 0;
}

void cli_options_free(struct tj_options *o)
{
	free(o->opts);
	o->opts = NULL;
	o->n_opts = 0;
}

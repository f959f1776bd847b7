/* SPDX-License-Identifier: Apache-2.0 */
/* n8n integration, pure part: reads n8n's launcher file (n8n-task-runners.json)
 * and builds a runner's environment the way n8n's task-runner-launcher does
 * (internal/env/env.go), so `taskjail run --launcher-config F --runner-type T`
 * starts the same process the launcher would, only sandboxed.
 *
 * Nothing here touches the file system except n8n_load_launcher_config(). */
#pragma once
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "error.h"

/* Ports the launcher refuses for runners' health servers: n8n's main port,
 * the broker and the launcher's own health server (validateRunnerPorts). */
#define N8N_PORT_MAIN 5678
#define N8N_PORT_BROKER 5679
#define N8N_PORT_LAUNCHER 5680
#define N8N_DEFAULT_BROKER_URI "http://127.0.0.1:5679"

struct n8n_kv {
	char *name;
	char *value;
};

struct n8n_runner {
	char *runner_type;   /* "javascript", "python", ... */
	char *workdir;       /* absolute */
	char *command;       /* absolute */
	char **args;         /* n_args strings */
	size_t n_args;
	uint16_t health_port; /* from the file, or the default for the type */
	bool health_port_set; /* the file named one */
	char **allowed_env;
	size_t n_allowed_env;
	struct n8n_kv *overrides; /* in file order */
	size_t n_overrides;
};

struct n8n_launcher_config {
	char *file; /* for messages */
	struct n8n_runner *runners;
	size_t n_runners;
};

/* Parses the JSON text of a launcher file. Errors name the file, the JSON path
 * and the reason ("launcher config F: $.task-runners[0].args[2]: expected a
 * string"), like profile errors. Unknown keys are ignored, as the launcher's
 * Go decoder ignores them: n8n adds fields over time. */
int n8n_parse_launcher_config(const char *json, size_t len, const char *file,
			      struct n8n_launcher_config *out, struct tj_error *err);

/* Reads (at most 1 MiB) and parses a launcher file. */
int n8n_load_launcher_config(const char *path, struct n8n_launcher_config *out,
			     struct tj_error *err);

void n8n_launcher_config_free(struct n8n_launcher_config *c);

/* The runner of that type, or NULL (with err filled, listing the types). */
const struct n8n_runner *n8n_find_runner(const struct n8n_launcher_config *c,
					 const char *type, struct tj_error *err);

/* Default health-check port of a runner type: 5681 javascript, 5682 python
 * (n8n's image config), 5681 otherwise (the runner's own default). */
uint16_t n8n_default_health_port(const char *runner_type);

/* ---- broker URI -------------------------------------------------------- */

struct n8n_uri {
	char scheme[16];  /* "http" */
	char host[256];   /* without IPv6 brackets */
	uint16_t port;    /* explicit, or 80/443 from the scheme */
	const char *rest; /* points into the input: "/path?q" or "" */
	bool ipv6;        /* host was bracketed */
};

/* Parses "http://host:port/path" (host: IPv4, [IPv6] or a name). Only http
 * and https are accepted: the runner derives ws:// from it. */
int n8n_parse_uri(const char *uri, struct n8n_uri *out);

/* Writes SCHEME://127.0.0.1:PORT<rest> into buf: the broker as the runner
 * sees it inside a relay sandbox. Returns 0 or -ENAMETOOLONG. */
int n8n_uri_with_host(const struct n8n_uri *u, const char *host, uint16_t port,
		      char *buf, size_t size);

/* ---- environment ------------------------------------------------------- */

struct n8n_env_in {
	char *const *caller_env; /* taskjail's own environ (the launcher's, filtered or not) */
	/* The broker URI the runner must see; NULL = the caller's
	 * N8N_RUNNERS_TASK_BROKER_URI, or n8n's default. */
	const char *broker_uri;
	/* NAME=VALUE entries applied after the copied caller variables and
	 * before the launcher's own (a profile's "env", e.g. HOME=/tmp). */
	char *const *base;
	size_t n_base;
	/* Called for each thing dropped on purpose; may be NULL. */
	void (*warn)(void *ctx, const char *msg);
	void *warn_ctx;
};

/* Builds the runner's environment as the launcher's PrepareRunnerEnv does:
 *   1. the caller's LANG PATH TZ TERM and the runner's allowed-env,
 *   2. base (profile env),
 *   3. N8N_RUNNERS_AUTO_SHUTDOWN_TIMEOUT / N8N_RUNNERS_TASK_TIMEOUT (the
 *      launcher always passes them: caller's value or 15 / 60),
 *   4. env-overrides,
 *   5. the variables the runner must get, which overrides cannot change:
 *      N8N_RUNNERS_TASK_BROKER_URI, N8N_RUNNERS_GRANT_TOKEN (from the caller;
 *      required), N8N_RUNNERS_HEALTH_CHECK_SERVER_ENABLED=true,
 *      N8N_RUNNERS_HEALTH_CHECK_SERVER_PORT=<port>.
 * Stricter than the launcher in one point: N8N_RUNNERS_AUTH_TOKEN (and its
 * _FILE form) never reaches the runner, even when allowed-env or
 * env-overrides name it: with it, code in the runner could mint grant tokens
 * and register as a runner for other workflows' tasks.
 * *out is a malloc'd NULL-terminated array of malloc'd "NAME=VALUE" strings,
 * later entries having replaced earlier ones with the same name. */
int n8n_build_env(const struct n8n_runner *r, const struct n8n_env_in *in,
		  char ***out, size_t *n_out, struct tj_error *err);

void n8n_strv_free(char **v);

/* Builds argv: command, then args, then extra (the caller's args after --). */
int n8n_build_argv(const struct n8n_runner *r, char *const *extra, size_t n_extra,
		   char ***out, size_t *n_out, struct tj_error *err);

/* ---- applying to a struct tj_config (used by cli.c) --------------------- */

struct tj_config;

/* True when the runner's command is taskjail itself by name (basename
 * "taskjail"): the file wraps the runner for n8n's launcher (the example in
 * examples/) and is not for --launcher-config, which would run taskjail
 * inside taskjail. */
bool n8n_command_is_taskjail(const char *command);

/* Whether PATH exists in a sandbox of cfg without looking at the host: at or
 * below "/", /tmp, /dev, /proc or a bind's destination. A path with ".."
 * components counts as inside (chdir will say). */
bool n8n_path_in_sandbox(const struct tj_config *cfg, const char *path);

/* The launcher's workdir is a path of the launcher's world (n8n's image:
 * /home/runner) that the sandbox usually lacks. When cfg->workdir is not in
 * the sandbox (n8n_path_in_sandbox), it becomes fallback (the profile's
 * workdir) and a notice naming both goes to stderr. */
int n8n_fit_launcher_workdir(struct tj_config *cfg, const char *fallback, const char *file,
			     const char *type, struct tj_error *err);

/* --launcher-config FILE --runner-type TYPE [-- extra...]: the runner's
 * command + args + extra become cfg->argv, its workdir cfg->workdir, and the
 * environment is exactly what n8n_build_env gives (cfg->env_allow is cleared;
 * the profile's env is the base). Warnings go to stderr. A runner whose
 * command is taskjail (by name or the running binary) is refused. */
int n8n_apply_launcher(struct tj_config *cfg, const char *file, const char *type,
		       char *const *extra, size_t n_extra, char *const *caller_env,
		       struct tj_error *err);

/* net: relay. From the environment the runner will get (cfg->env_set, or the
 * caller's value of a name the config copies): relays the broker of
 * N8N_RUNNERS_TASK_BROKER_URI (default http://127.0.0.1:5679) and, when
 * N8N_RUNNERS_HEALTH_CHECK_SERVER_ENABLED=true, the health port
 * N8N_RUNNERS_HEALTH_CHECK_SERVER_PORT (default 5681) published on
 * health_addr (default 127.0.0.1); rewrites the runner's broker URI to
 * 127.0.0.1. */
int n8n_config_relay(struct tj_config *cfg, char *const *caller_env, const char *health_addr,
		     struct tj_error *err);

/* A profile's "runtime_args" (interpreter flags such as node's
 * --disallow-code-generation-from-strings or python's -I), applied when
 * basename(argv[0]) is the profile's "runtime" optionally followed by a
 * version ("python" matches python3 and python3.13, not python-config):
 * each group (a flag, or a flag and its value like "-X disable_remote_debug")
 * missing from the interpreter's leading options is inserted after argv[0].
 * Other commands (a shell in a python profile) are left alone. */
bool n8n_is_runtime(const char *argv0, const char *runtime);
int n8n_argv_add_runtime_args(char ***argv, size_t *argc, const char *runtime,
			      char *const *flags, size_t n_flags, struct tj_error *err);

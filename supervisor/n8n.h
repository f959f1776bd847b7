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

/* Builds argv: command, then args, then extra (the caller's args after --). */
int n8n_build_argv(const struct n8n_runner *r, char *const *extra, size_t n_extra,
		   char ***out, size_t *n_out, struct tj_error *err);

/* N8N_RUNNERS_AUTH_TOKEN or its _FILE form: the launcher's secret, which
 * never reaches a runner (with it, code in the runner could mint grant
 * tokens and register as a runner for other workflows' tasks). */
bool n8n_is_auth_token(const char *name, size_t nl);

/* ---- the runner to start ------------------------------------------------ */

/* True when the runner's command is taskjail itself by name (basename
 * "taskjail"): the file wraps the runner for n8n's launcher (the example in
 * examples/) and is not for --launcher-config, which would run taskjail
 * inside taskjail. */
bool n8n_command_is_taskjail(const char *command);

/* What the launcher would start for one runner type. */
struct n8n_plan {
	char **argv;   /* command, args, extra; NULL-terminated */
	size_t argc;
	char **env;    /* "NAME=VALUE", exactly n8n_build_env's result */
	size_t n_env;
	char *workdir; /* the launcher's workdir, a path of its world */
};

/* --launcher-config FILE --runner-type TYPE [-- extra...]: reads FILE and
 * builds that runner's argv, environment (base: the profile's fixed
 * values, as n8n_env_in.base) and workdir. A runner whose command is
 * taskjail (by name or the running binary) is refused. Warnings go to
 * stderr. Reads FILE and stats the command; changes nothing. */
int n8n_plan_runner(const char *file, const char *type, char *const *extra, size_t n_extra,
		    char *const *base, size_t n_base, char *const *caller_env,
		    struct n8n_plan *out, struct tj_error *err);
void n8n_plan_free(struct n8n_plan *p);

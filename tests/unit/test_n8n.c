/* SPDX-License-Identifier: Apache-2.0 */
/* n8n launcher-config import and runner environment (supervisor/n8n.c). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "n8n.h"
#include "resolve.h"
#include "util.h"

/* n8n's docker/images/runners/n8n-task-runners.json (newest stored version). */
static const char upstream[] =
	"{\n"
	"\t\"task-runners\": [\n"
	"\t\t{\n"
	"\t\t\t\"runner-type\": \"javascript\",\n"
	"\t\t\t\"workdir\": \"/home/runner\",\n"
	"\t\t\t\"command\": \"/usr/local/bin/node\",\n"
	"\t\t\t\"args\": [\"--disallow-code-generation-from-strings\", \"--disable-proto=delete\",\n"
	"\t\t\t\t\"/opt/runners/task-runner-javascript/dist/start.js\"],\n"
	"\t\t\t\"health-check-server-port\": \"5681\",\n"
	"\t\t\t\"allowed-env\": [\"PATH\", \"GENERIC_TIMEZONE\", \"NODE_OPTIONS\", \"NODE_PATH\",\n"
	"\t\t\t\t\"N8N_RUNNERS_AUTO_SHUTDOWN_TIMEOUT\", \"N8N_RUNNERS_GRACEFUL_SHUTDOWN_TIMEOUT\",\n"
	"\t\t\t\t\"N8N_RUNNERS_TASK_TIMEOUT\", \"N8N_RUNNERS_MAX_CONCURRENCY\", \"N8N_SENTRY_DSN\",\n"
	"\t\t\t\t\"N8N_VERSION\", \"ENVIRONMENT\", \"DEPLOYMENT_NAME\", \"HOME\"],\n"
	"\t\t\t\"env-overrides\": {\n"
	"\t\t\t\t\"NODE_FUNCTION_ALLOW_BUILTIN\": \"crypto\",\n"
	"\t\t\t\t\"NODE_FUNCTION_ALLOW_EXTERNAL\": \"moment\",\n"
	"\t\t\t\t\"N8N_RUNNERS_HEALTH_CHECK_SERVER_HOST\": \"0.0.0.0\"\n"
	"\t\t\t}\n"
	"\t\t},\n"
	"\t\t{\n"
	"\t\t\t\"runner-type\": \"python\",\n"
	"\t\t\t\"workdir\": \"/home/runner\",\n"
	"\t\t\t\"command\": \"/opt/runners/task-runner-python/.venv/bin/python\",\n"
	"\t\t\t\"args\": [\"-I\", \"-B\", \"-X\", \"disable_remote_debug\", \"-m\", \"src.main\"],\n"
	"\t\t\t\"health-check-server-port\": \"5682\",\n"
	"\t\t\t\"allowed-env\": [\"PATH\", \"N8N_RUNNERS_LAUNCHER_LOG_LEVEL\",\n"
	"\t\t\t\t\"N8N_RUNNERS_AUTO_SHUTDOWN_TIMEOUT\", \"N8N_RUNNERS_GRACEFUL_SHUTDOWN_TIMEOUT\",\n"
	"\t\t\t\t\"N8N_RUNNERS_TASK_TIMEOUT\", \"N8N_RUNNERS_MAX_CONCURRENCY\", \"N8N_SENTRY_DSN\",\n"
	"\t\t\t\t\"N8N_VERSION\", \"ENVIRONMENT\", \"DEPLOYMENT_NAME\"],\n"
	"\t\t\t\"env-overrides\": {\"N8N_RUNNERS_STDLIB_ALLOW\": \"\", \"N8N_RUNNERS_EXTERNAL_ALLOW\": \"\"}\n"
	"\t\t}\n"
	"\t]\n"
	"}\n";

static int parse(const char *json, struct n8n_launcher_config *c, struct tj_error *err)
{
	return n8n_parse_launcher_config(json, strlen(json), "t.json", c, err);
}

static void parses_upstream_file(void **state)
{
	(void)state;
	struct n8n_launcher_config c;
	struct tj_error err = { 0 };
	assert_int_equal(parse(upstream, &c, &err), 0);
	assert_int_equal(c.n_runners, 2);

	const struct n8n_runner *js = n8n_find_runner(&c, "javascript", &err);
	assert_non_null(js);
	assert_string_equal(js->command, "/usr/local/bin/node");
	assert_string_equal(js->workdir, "/home/runner");
	assert_int_equal(js->n_args, 3);
	assert_string_equal(js->args[0], "--disallow-code-generation-from-strings");
	assert_string_equal(js->args[1], "--disable-proto=delete");
	assert_int_equal(js->health_port, 5681);
	assert_int_equal(js->n_allowed_env, 13);
	assert_int_equal(js->n_overrides, 3);
	assert_string_equal(js->overrides[2].name, "N8N_RUNNERS_HEALTH_CHECK_SERVER_HOST");

	const struct n8n_runner *py = n8n_find_runner(&c, "python", &err);
	assert_non_null(py);
	assert_int_equal(py->health_port, 5682);
	assert_string_equal(py->args[3], "disable_remote_debug");
	assert_int_equal(py->n_overrides, 2);
	assert_string_equal(py->overrides[0].value, "");

	assert_null(n8n_find_runner(&c, "ruby", &err));
	assert_non_null(strstr(err.msg, "no runner of type 'ruby' (it defines: javascript, python)"));
	n8n_launcher_config_free(&c);
}

static void defaults_and_unknown_keys(void **state)
{
	(void)state;
	struct n8n_launcher_config c;
	struct tj_error err = { 0 };
	/* A future field and a numeric port are accepted; a lone python runner
	 * gets 5682. */
	assert_int_equal(parse("{\"task-runners\":[{\"runner-type\":\"python\",\"workdir\":\"/\","
			       "\"command\":\"/usr/bin/python3\",\"future-field\":[1,2]}],"
			       "\"other\":1}", &c, &err), 0);
	assert_int_equal(c.runners[0].health_port, 5682);
	assert_false(c.runners[0].health_port_set);
	assert_int_equal(c.runners[0].n_args, 0);
	n8n_launcher_config_free(&c);

	assert_int_equal(parse("{\"task-runners\":[{\"runner-type\":\"javascript\",\"workdir\":\"/\","
			       "\"command\":\"/n\",\"health-check-server-port\":6000}]}", &c, &err), 0);
	assert_int_equal(c.runners[0].health_port, 6000);
	n8n_launcher_config_free(&c);
}

struct bad_case {
	const char *json;
	const char *msg; /* substring of the error */
};

static void rejects_bad_files(void **state)
{
	(void)state;
	static const struct bad_case cases[] = {
		{ "{", "launcher config t.json: invalid JSON near line 1" },
		{ "[]", "t.json: $: expected an object" },
		{ "{}", "$: missing \"task-runners\"" },
		{ "{\"task-runners\":{}}", "$.task-runners: expected an array" },
		{ "{\"task-runners\":[]}", "$.task-runners: no runners defined" },
		{ "{\"task-runners\":[1]}", "$.task-runners[0]: expected an object" },
		{ "{\"task-runners\":[{\"workdir\":\"/\",\"command\":\"/n\"}]}",
		  "$.task-runners[0]: missing \"runner-type\"" },
		{ "{\"task-runners\":[{\"runner-type\":\"javascript\",\"workdir\":\"/\"}]}",
		  "missing \"command\"" },
		{ "{\"task-runners\":[{\"runner-type\":\"javascript\",\"command\":\"/n\"}]}",
		  "missing \"workdir\"" },
		{ "{\"task-runners\":[{\"runner-type\":\"\",\"workdir\":\"/\",\"command\":\"/n\"}]}",
		  "$.task-runners[0].runner-type: must not be empty" },
		{ "{\"task-runners\":[{\"runner-type\":\"j\",\"workdir\":\"/\",\"command\":\"node\"}]}",
		  "$.task-runners[0].command: 'node' is not an absolute path" },
		{ "{\"task-runners\":[{\"runner-type\":\"j\",\"workdir\":\"/\",\"command\":\"/n\","
		  "\"args\":[\"a\",2]}]}", "$.task-runners[0].args[1]: expected a string" },
		{ "{\"task-runners\":[{\"runner-type\":\"j\",\"workdir\":\"/\",\"command\":\"/n\","
		  "\"allowed-env\":[\"OK\",\"A=B\"]}]}",
		  "$.task-runners[0].allowed-env[1]: 'A=B' is not a variable name" },
		{ "{\"task-runners\":[{\"runner-type\":\"j\",\"workdir\":\"/\",\"command\":\"/n\","
		  "\"env-overrides\":{\"X\":1}}]}", "$.task-runners[0].env-overrides.X: expected a string" },
		{ "{\"task-runners\":[{\"runner-type\":\"j\",\"workdir\":\"/\",\"command\":\"/n\","
		  "\"env-overrides\":[]}]}", "env-overrides: expected an object" },
		{ "{\"task-runners\":[{\"runner-type\":\"j\",\"workdir\":\"/\",\"command\":\"/n\","
		  "\"health-check-server-port\":\"5679\"}]}", "port 5679 is reserved" },
		{ "{\"task-runners\":[{\"runner-type\":\"j\",\"workdir\":\"/\",\"command\":\"/n\","
		  "\"health-check-server-port\":\"70000\"}]}", "'70000' is not a port number" },
		{ "{\"task-runners\":[{\"runner-type\":\"j\",\"workdir\":\"/\",\"command\":\"/n\","
		  "\"health-check-server-port\":1.5}]}", "expected a port number" },
		{ "{\"task-runners\":[{\"runner-type\":\"j\",\"workdir\":\"/\",\"command\":\"/n\"},"
		  "{\"runner-type\":\"j\",\"workdir\":\"/\",\"command\":\"/n\","
		  "\"health-check-server-port\":\"6000\"}]}",
		  "$.task-runners[1]: runner-type 'j' already defined at $.task-runners[0]" },
		{ "{\"task-runners\":[{\"runner-type\":\"a\",\"workdir\":\"/\",\"command\":\"/n\"},"
		  "{\"runner-type\":\"b\",\"workdir\":\"/\",\"command\":\"/n\"}]}",
		  "$.task-runners[1]: health-check-server-port 5681 already used by $.task-runners[0] "
		  "(set health-check-server-port for each runner)" },
		{ "{\"task-runners\":[{\"runner-type\":\"a\",\"runner-type\":\"b\",\"workdir\":\"/\","
		  "\"command\":\"/n\"}]}", "$.task-runners[0].runner-type: duplicate key" },
		{ "{\"task-runners\":[{\"runner-type\":\"a\",\"workdir\":\"/\",\"command\":\"/n\","
		  "\"env-overrides\":{\"X\":\"1\",\"X\":\"2\"}}]}",
		  "launcher config t.json: $.task-runners[0].env-overrides.X: duplicate key (each key may appear once)" },
		{ "{\"task-runners\":[]} []", "launcher config t.json: text after the JSON value at line 1, column 21" },
		{ "{\"task-runners\":[]}\n\n}", "launcher config t.json: text after the JSON value at line 3, column 1" },
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct n8n_launcher_config c;
		struct tj_error err = { 0 };
		int r = parse(cases[i].json, &c, &err);
		if (r != -EINVAL || !strstr(err.msg, cases[i].msg))
			fail_msg("case %zu: r=%d msg='%s' want '%s'", i, r, err.msg, cases[i].msg);
		assert_int_equal(c.n_runners, 0); /* freed on error */
	}
}

static void parses_uris(void **state)
{
	(void)state;
	struct n8n_uri u;
	char buf[300];
	assert_int_equal(n8n_parse_uri("http://127.0.0.1:5679", &u), 0);
	assert_string_equal(u.host, "127.0.0.1");
	assert_int_equal(u.port, 5679);
	assert_string_equal(u.rest, "");

	assert_int_equal(n8n_parse_uri("HTTP://n8n-main:5679/base?x=1", &u), 0);
	assert_string_equal(u.scheme, "http");
	assert_string_equal(u.host, "n8n-main");
	assert_string_equal(u.rest, "/base?x=1");
	assert_int_equal(n8n_uri_with_host(&u, "127.0.0.1", 5679, buf, sizeof(buf)), 0);
	assert_string_equal(buf, "http://127.0.0.1:5679/base?x=1");

	assert_int_equal(n8n_parse_uri("http://[::1]:6000/", &u), 0);
	assert_string_equal(u.host, "::1");
	assert_true(u.ipv6);
	assert_int_equal(u.port, 6000);
	assert_int_equal(n8n_uri_with_host(&u, "::1", 6000, buf, sizeof(buf)), 0);
	assert_string_equal(buf, "http://[::1]:6000/");

	assert_int_equal(n8n_parse_uri("http://broker", &u), 0);
	assert_int_equal(u.port, 80);
	assert_int_equal(n8n_parse_uri("https://broker", &u), 0);
	assert_int_equal(u.port, 443);

	assert_int_equal(n8n_parse_uri("ftp://x:1", &u), -EPROTONOSUPPORT);
	static const char *const bad[] = {
		"127.0.0.1:5679", "http://", "http://:5679", "http://h:", "http://h:0",
		"http://h:65536", "http://h:12ab", "http://u@h:1", "http://[::1", "http://[]:1",
		"http://[::1]x", "http://h h:1", "://h",
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		if (n8n_parse_uri(bad[i], &u) == 0)
			fail_msg("accepted '%s'", bad[i]);
}

static const char *env_find(char **env, const char *name)
{
	size_t nl = strlen(name);
	for (char **e = env; *e; e++)
		if (strncmp(*e, name, nl) == 0 && (*e)[nl] == '=')
			return *e + nl + 1;
	return NULL;
}

static int n_warn;
static void count_warn(void *ctx, const char *msg)
{
	(void)ctx;
	(void)msg;
	n_warn++;
}

static void builds_env_like_launcher(void **state)
{
	(void)state;
	struct n8n_launcher_config c;
	struct tj_error err = { 0 };
	assert_int_equal(parse(upstream, &c, &err), 0);
	const struct n8n_runner *js = n8n_find_runner(&c, "javascript", &err);

	char *caller[] = {
		"PATH=/usr/bin:/bin", "LANG=C.UTF-8", "HOME=/home/launcher",
		"N8N_RUNNERS_AUTH_TOKEN=s3cret", "N8N_RUNNERS_GRANT_TOKEN=grant-1",
		"N8N_RUNNERS_TASK_BROKER_URI=http://n8n:5679", "AWS_SECRET_ACCESS_KEY=nope",
		"NODE_FUNCTION_ALLOW_BUILTIN=*", "N8N_RUNNERS_MAX_CONCURRENCY=3",
		"N8N_RUNNERS_HEALTH_CHECK_SERVER_PORT=9999", "TERM=xterm", "weird", "=x", NULL,
	};
	char *base[] = { "HOME=/tmp" };
	struct n8n_env_in in = {
		.caller_env = caller, .broker_uri = "http://127.0.0.1:5679",
		.base = base, .n_base = 1, .warn = count_warn,
	};
	char **env = NULL;
	size_t n = 0;
	n_warn = 0;
	assert_int_equal(n8n_build_env(js, &in, &env, &n, &err), 0);
	assert_string_equal(env_find(env, "PATH"), "/usr/bin:/bin");
	assert_string_equal(env_find(env, "LANG"), "C.UTF-8");
	assert_string_equal(env_find(env, "TERM"), "xterm");
	assert_string_equal(env_find(env, "HOME"), "/tmp"); /* profile env wins over the caller's */
	assert_string_equal(env_find(env, "N8N_RUNNERS_MAX_CONCURRENCY"), "3");
	/* env-overrides win over the caller's value */
	assert_string_equal(env_find(env, "NODE_FUNCTION_ALLOW_BUILTIN"), "crypto");
	assert_string_equal(env_find(env, "NODE_FUNCTION_ALLOW_EXTERNAL"), "moment");
	assert_string_equal(env_find(env, "N8N_RUNNERS_HEALTH_CHECK_SERVER_HOST"), "0.0.0.0");
	/* required, from the launcher's side */
	assert_string_equal(env_find(env, "N8N_RUNNERS_TASK_BROKER_URI"), "http://127.0.0.1:5679");
	assert_string_equal(env_find(env, "N8N_RUNNERS_GRANT_TOKEN"), "grant-1");
	assert_string_equal(env_find(env, "N8N_RUNNERS_HEALTH_CHECK_SERVER_ENABLED"), "true");
	assert_string_equal(env_find(env, "N8N_RUNNERS_HEALTH_CHECK_SERVER_PORT"), "5681");
	assert_string_equal(env_find(env, "N8N_RUNNERS_AUTO_SHUTDOWN_TIMEOUT"), "15");
	assert_string_equal(env_find(env, "N8N_RUNNERS_TASK_TIMEOUT"), "60");
	/* never */
	assert_null(env_find(env, "N8N_RUNNERS_AUTH_TOKEN"));
	assert_null(env_find(env, "AWS_SECRET_ACCESS_KEY"));
	assert_int_equal(n, 14);
	size_t count = 0;
	for (char **e = env; *e; e++)
		count++;
	assert_int_equal(count, n);
	assert_int_equal(n_warn, 0);
	util_strv_free(env);
	n8n_launcher_config_free(&c);
}

static void auth_token_never_passes(void **state)
{
	(void)state;
	struct n8n_launcher_config c;
	struct tj_error err = { 0 };
	assert_int_equal(parse("{\"task-runners\":[{\"runner-type\":\"javascript\",\"workdir\":\"/\","
			       "\"command\":\"/n\",\"allowed-env\":[\"N8N_RUNNERS_AUTH_TOKEN\","
			       "\"N8N_RUNNERS_AUTH_TOKEN_FILE\",\"X\"],\"env-overrides\":{"
			       "\"N8N_RUNNERS_AUTH_TOKEN\":\"lit\",\"N8N_RUNNERS_GRANT_TOKEN\":\"forged\","
			       "\"N8N_RUNNERS_TASK_BROKER_URI\":\"http://evil:1\","
			       "\"N8N_RUNNERS_TASK_TIMEOUT\":\"5\"}}]}", &c, &err), 0);
	char *caller[] = { "N8N_RUNNERS_AUTH_TOKEN=s3cret", "N8N_RUNNERS_AUTH_TOKEN_FILE=/run/s",
			   "N8N_RUNNERS_GRANT_TOKEN=g", "X=1", "N8N_RUNNERS_TASK_TIMEOUT=30", NULL };
	struct n8n_env_in in = { .caller_env = caller, .warn = count_warn };
	char **env = NULL;
	n_warn = 0;
	assert_int_equal(n8n_build_env(&c.runners[0], &in, &env, NULL, &err), 0);
	assert_null(env_find(env, "N8N_RUNNERS_AUTH_TOKEN"));
	assert_null(env_find(env, "N8N_RUNNERS_AUTH_TOKEN_FILE"));
	assert_string_equal(env_find(env, "X"), "1");
	assert_string_equal(env_find(env, "N8N_RUNNERS_GRANT_TOKEN"), "g");
	/* no broker given: the default, not the override */
	assert_string_equal(env_find(env, "N8N_RUNNERS_TASK_BROKER_URI"), N8N_DEFAULT_BROKER_URI);
	/* the legacy value is the caller's, then the override wins */
	assert_string_equal(env_find(env, "N8N_RUNNERS_TASK_TIMEOUT"), "5");
	assert_int_equal(n_warn, 5);
	util_strv_free(env);

	/* without a grant token the runner cannot register: refuse early */
	char *nogrant[] = { "PATH=/bin", NULL };
	in.caller_env = nogrant;
	assert_int_equal(n8n_build_env(&c.runners[0], &in, &env, NULL, &err), -EINVAL);
	assert_non_null(strstr(err.msg, "N8N_RUNNERS_GRANT_TOKEN is not set"));
	n8n_launcher_config_free(&c);
}

static void builds_argv(void **state)
{
	(void)state;
	struct n8n_launcher_config c;
	struct tj_error err = { 0 };
	assert_int_equal(parse(upstream, &c, &err), 0);
	const struct n8n_runner *py = n8n_find_runner(&c, "python", &err);
	char *extra[] = { "--extra" };
	char **argv = NULL;
	size_t n = 0;
	assert_int_equal(n8n_build_argv(py, extra, 1, &argv, &n, &err), 0);
	assert_int_equal(n, 8);
	assert_string_equal(argv[0], "/opt/runners/task-runner-python/.venv/bin/python");
	assert_string_equal(argv[1], "-I");
	assert_string_equal(argv[6], "src.main");
	assert_string_equal(argv[7], "--extra");
	assert_null(argv[8]);
	util_strv_free(argv);
	n8n_launcher_config_free(&c);
}

static void runtime_args(void **state)
{
	(void)state;
	struct tj_error err = { 0 };
	char *py_flags[] = { "-I", "-B", "-X", "disable_remote_debug" };
	char *node_flags[] = { "--disallow-code-generation-from-strings", "--disable-proto=delete" };

	assert_true(config_is_runtime("/usr/bin/python3", "python"));
	assert_true(config_is_runtime("python3.13", "python"));
	assert_true(config_is_runtime("/opt/venv/bin/python", "python"));
	assert_false(config_is_runtime("/usr/bin/python3-config", "python"));
	assert_false(config_is_runtime("/bin/sh", "python"));
	assert_false(config_is_runtime("/usr/bin/node", NULL));
	assert_true(config_is_runtime("/usr/local/bin/node", "node"));

	/* missing: all inserted after argv[0], in order */
	char **argv = calloc(4, sizeof(char *));
	argv[0] = strdup("/usr/bin/python3");
	argv[1] = strdup("-m");
	argv[2] = strdup("src.main");
	size_t argc = 3;
	assert_int_equal(config_argv_add_runtime_args(&argv, &argc, "python", py_flags, 4, &err), 0);
	assert_int_equal(argc, 7);
	assert_string_equal(argv[1], "-I");
	assert_string_equal(argv[3], "-X");
	assert_string_equal(argv[4], "disable_remote_debug");
	assert_string_equal(argv[5], "-m");
	assert_null(argv[7]);
	/* present (any order): nothing added */
	assert_int_equal(config_argv_add_runtime_args(&argv, &argc, "python", py_flags, 4, &err), 0);
	assert_int_equal(argc, 7);
	util_strv_free(argv);

	/* partly present: only the missing group, and the pair stays a pair */
	argv = calloc(5, sizeof(char *));
	argv[0] = strdup("python3");
	argv[1] = strdup("-B");
	argv[2] = strdup("-I");
	argv[3] = strdup("script.py");
	argc = 4;
	assert_int_equal(config_argv_add_runtime_args(&argv, &argc, "python", py_flags, 4, &err), 0);
	assert_int_equal(argc, 6);
	assert_string_equal(argv[1], "-X");
	assert_string_equal(argv[2], "disable_remote_debug");
	assert_string_equal(argv[3], "-B");
	util_strv_free(argv);

	/* a flag after the script is the script's, not node's */
	argv = calloc(4, sizeof(char *));
	argv[0] = strdup("node");
	argv[1] = strdup("start.js");
	argv[2] = strdup("--disable-proto=delete");
	argc = 3;
	assert_int_equal(config_argv_add_runtime_args(&argv, &argc, "node", node_flags, 2, &err), 0);
	assert_int_equal(argc, 5);
	assert_string_equal(argv[1], "--disallow-code-generation-from-strings");
	assert_string_equal(argv[2], "--disable-proto=delete");
	assert_string_equal(argv[3], "start.js");
	util_strv_free(argv);

	/* another command: untouched */
	argv = calloc(2, sizeof(char *));
	argv[0] = strdup("/bin/sh");
	argc = 1;
	assert_int_equal(config_argv_add_runtime_args(&argv, &argc, "node", node_flags, 2, &err), 0);
	assert_int_equal(argc, 1);
	util_strv_free(argv);
}

static void workdir_in_sandbox(void **state)
{
	(void)state;
	struct tj_bind binds[] = {
		{ .src = "/usr", .dst = "/usr" },
		{ .src = "/opt/runners", .dst = "/opt/runners/" },
	};
	struct tj_config cfg = { .binds = binds, .n_binds = 2 };
	assert_true(config_path_in_sandbox(&cfg, "/"));
	assert_true(config_path_in_sandbox(&cfg, "/tmp"));
	assert_true(config_path_in_sandbox(&cfg, "/tmp/x/y"));
	assert_true(config_path_in_sandbox(&cfg, "/usr"));
	assert_true(config_path_in_sandbox(&cfg, "/usr/local/lib"));
	assert_true(config_path_in_sandbox(&cfg, "/opt/runners/task-runner-python"));
	assert_true(config_path_in_sandbox(&cfg, "/dev/shm"));
	assert_true(config_path_in_sandbox(&cfg, "/home/../usr")); /* left to chdir */
	assert_false(config_path_in_sandbox(&cfg, "/home/runner"));
	assert_false(config_path_in_sandbox(&cfg, "/tmpx"));
	assert_false(config_path_in_sandbox(&cfg, "/usrlocal"));
	assert_false(config_path_in_sandbox(&cfg, "/opt"));
	assert_false(config_path_in_sandbox(&cfg, "/opt/runnersx"));
}

static void command_is_taskjail(void **state)
{
	(void)state;
	assert_true(n8n_command_is_taskjail("/usr/local/bin/taskjail"));
	assert_true(n8n_command_is_taskjail("taskjail"));
	assert_false(n8n_command_is_taskjail("/usr/local/bin/node"));
	assert_false(n8n_command_is_taskjail("/usr/bin/taskjail-helper"));
	assert_false(n8n_command_is_taskjail("/opt/taskjail/bin/node"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(parses_upstream_file),
		cmocka_unit_test(defaults_and_unknown_keys),
		cmocka_unit_test(rejects_bad_files),
		cmocka_unit_test(parses_uris),
		cmocka_unit_test(builds_env_like_launcher),
		cmocka_unit_test(auth_token_never_passes),
		cmocka_unit_test(builds_argv),
		cmocka_unit_test(runtime_args),
		cmocka_unit_test(workdir_in_sandbox),
		cmocka_unit_test(command_is_taskjail),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

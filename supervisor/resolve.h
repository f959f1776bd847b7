/* SPDX-License-Identifier: Apache-2.0 */
/* The one resolution of a run's configuration. config_resolve() applies,
 * once and in this order:
 *   1. the built-in defaults,
 *   2. the profile (--profile, default "minimal"),
 *   3. n8n's launcher file (--launcher-config/--runner-type): the runner's
 *      command, environment and workdir replace the profile's,
 *   4. the other options, in the order given (the command line wins); the
 *      launcher's auth token is then dropped from what the runner gets,
 *   5. the command (after "--", or the launcher's) and the profile's
 *      runtime_args,
 *   6. net relay: the broker and health ports from the runner's environment,
 *   7. the seccomp policy file (looked up here, not while setting up).
 * Nothing after it changes the config: sandbox_run() takes it const. */
#pragma once
#include <stdbool.h>
#include <stddef.h>

#include "cli.h"
#include "config.h"

int config_resolve(const struct tj_options *o, char *const *caller_env,
		   struct tj_config *cfg, struct tj_error *err);

/* cli_parse_run() then config_resolve(). Returns 0, 1 for --help, -errno.
 * cfg is initialised (config_free() it) whatever the result. */
int config_from_args(int argc, char **argv, char *const *caller_env,
		     struct tj_config *cfg, struct tj_error *err);

/* Whether PATH exists in a sandbox of cfg without looking at the host: at or
 * below "/", /tmp, /dev, /proc or a bind's destination. A path with ".."
 * components counts as inside (chdir will say). */
bool config_path_in_sandbox(const struct tj_config *cfg, const char *path);

/* A profile's "runtime_args" (interpreter flags such as node's
 * --disallow-code-generation-from-strings or python's -I), applied when
 * basename(argv[0]) is the profile's "runtime" optionally followed by a
 * version ("python" matches python3 and python3.13, not python-config):
 * each group (a flag, or a flag and its value like "-X disable_remote_debug")
 * missing from the interpreter's leading options is inserted after argv[0].
 * Other commands (a shell in a python profile) are left alone. */
bool config_is_runtime(const char *argv0, const char *runtime);
int config_argv_add_runtime_args(char ***argv, size_t *argc, const char *runtime,
				 char *const *flags, size_t n_flags, struct tj_error *err);

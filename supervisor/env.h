/* SPDX-License-Identifier: Apache-2.0 */
/* The runner's environment, built from nothing: never the caller's own
 * variables, only what the config names. */
#pragma once
#include "config.h"

/* Names copied from the caller when present, as n8n's launcher does. */
#define ENV_BASE_NAMES "PATH", "LANG", "TZ", "TERM"
#define ENV_DEFAULT_PATH "/usr/local/bin:/usr/bin:/bin"

/* Builds a NULL-terminated malloc'd "NAME=value" vector:
 *   1. PATH, LANG, TZ, TERM from caller_env when present (PATH defaults to
 *      ENV_DEFAULT_PATH), HOME=/tmp;
 *   2. each name in cfg->env_allow present in caller_env;
 *   3. cfg->env_set (profile "env", then --setenv), replacing earlier values.
 * Pure: reads only its arguments. */
int env_build(const struct tj_config *cfg, char *const *caller_env, char ***out,
	      struct tj_error *err);

void env_free(char **env);

/* Value of NAME in a "NAME=value" vector, or NULL. */
const char *env_get(char *const *env, const char *name);

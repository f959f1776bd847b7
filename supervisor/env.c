/* SPDX-License-Identifier: Apache-2.0 */
#include "env.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"

struct envv {
	char **v;
	size_t n, cap;
};

const char *env_get(char *const *env, const char *name)
{
	size_t len = strlen(name);
	for (; env && *env; env++)
		if (strncmp(*env, name, len) == 0 && (*env)[len] == '=')
			return *env + len + 1;
	return NULL;
}

static int envv_set(struct envv *e, const char *name, const char *value)
{
	size_t nlen = strlen(name), vlen = strlen(value);
	char *s = malloc(nlen + vlen + 2);
	if (!s)
		return -ENOMEM;
	memcpy(s, name, nlen);
	s[nlen] = '=';
	memcpy(s + nlen + 1, value, vlen + 1);
	for (size_t i = 0; i < e->n; i++) {
		if (strncmp(e->v[i], name, nlen) == 0 && e->v[i][nlen] == '=') {
			free(e->v[i]);
			e->v[i] = s;
			return 0;
		}
	}
	if (e->n + 2 > e->cap) {
		size_t cap = e->cap ? e->cap * 2 : 16;
		char **nv = realloc(e->v, cap * sizeof(*nv));
		if (!nv) {
			free(s);
			return -ENOMEM;
		}
		e->v = nv;
		e->cap = cap;
	}
	e->v[e->n++] = s;
	e->v[e->n] = NULL;
	return 0;
}

void env_free(char **env)
{
	for (char **p = env; p && *p; p++)
		free(*p);
	free(env);
}

int env_build(const struct tj_config *cfg, char *const *caller_env, char ***out,
	      struct tj_error *err)
{
	static const char *const base[] = { ENV_BASE_NAMES };
	struct envv e = { 0 };
	int r = 0;
	const char *v;

	for (size_t i = 0; i < ELEMENTSOF(base) && r == 0; i++) {
		v = env_get(caller_env, base[i]);
		if (!v && strcmp(base[i], "PATH") == 0)
			v = ENV_DEFAULT_PATH;
		if (v)
			r = envv_set(&e, base[i], v);
	}
	if (r == 0)
		r = envv_set(&e, "HOME", "/tmp");
	for (size_t i = 0; i < cfg->n_env_allow && r == 0; i++)
		if ((v = env_get(caller_env, cfg->env_allow[i])))
			r = envv_set(&e, cfg->env_allow[i], v);
	for (size_t i = 0; i < cfg->n_env_set && r == 0; i++)
		r = envv_set(&e, cfg->env_set[i].name, cfg->env_set[i].value);
	if (r < 0) {
		env_free(e.v);
		return tj_error_set(err, -r, "building the environment");
	}
	if (!e.v) {
		e.v = calloc(1, sizeof(char *));
		if (!e.v)
			return tj_error_set(err, ENOMEM, "building the environment");
	}
	*out = e.v;
	return 0;
}

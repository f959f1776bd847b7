/* SPDX-License-Identifier: Apache-2.0 */
/* libFuzzer target: n8n launcher files, the runner env and argv built from
 * them, and broker URIs. Any input must give either an error with a message
 * or a config whose env/argv build without crashing or leaking. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "n8n.h"
#include "resolve.h"
#include "util.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text = malloc(size + 1);
	if (!text)
		return 0;
	memcpy(text, data, size);
	text[size] = '\0';

	struct n8n_uri u;
	if (n8n_parse_uri(text, &u) == 0) {
		char buf[512];
		(void)n8n_uri_with_host(&u, "127.0.0.1", u.port, buf, sizeof(buf));
	}

	struct n8n_launcher_config c;
	struct tj_error err = { 0 };
	if (n8n_parse_launcher_config(text, size, "fuzz.json", &c, &err) == 0) {
		char *caller[] = { "PATH=/bin", "N8N_RUNNERS_GRANT_TOKEN=g",
				   "N8N_RUNNERS_AUTH_TOKEN=s", "HOME=/h", NULL };
		char *extra[] = { "x" };
		for (size_t i = 0; i < c.n_runners; i++) {
			struct n8n_env_in in = { .caller_env = caller };
			char **env = NULL, **argv = NULL;
			if (n8n_build_env(&c.runners[i], &in, &env, NULL, &err) == 0) {
				for (char **e = env; *e; e++)
					if (strncmp(*e, "N8N_RUNNERS_AUTH_TOKEN=", 23) == 0)
						abort(); /* the secret must never pass */
				util_strv_free(env);
			}
			if (n8n_build_argv(&c.runners[i], extra, 1, &argv, NULL, &err) == 0)
				util_strv_free(argv);
			(void)n8n_find_runner(&c, c.runners[i].runner_type, &err);
		}
		n8n_launcher_config_free(&c);
	} else if (err.msg[0] == '\0') {
		abort(); /* every rejection says why */
	}
	free(text);
	return 0;
}

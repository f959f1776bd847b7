/* SPDX-License-Identifier: Apache-2.0 */
/* Fuzz target: profile JSON. Any input must give 0 or an error with a
 * message naming the file, and never crash, leak or read out of bounds. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "env.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct tj_config cfg;
	struct tj_error err = { 0 };
	config_init_defaults(&cfg);
	int r = config_parse_profile((const char *)data, size, "fuzz.json", &cfg, &err);
	if (r < 0) {
		if (!strstr(err.msg, "fuzz.json"))
			abort(); /* every error names the file */
	} else {
		char *caller[] = { "PATH=/bin", "SECRET=s", NULL };
		char **env = NULL;
		if (env_build(&cfg, caller, &env, &err) == 0) {
			for (char **e = env; *e; e++)
				if (strncmp(*e, "SECRET=", 7) == 0 && cfg.n_env_allow == 0)
					abort(); /* nothing unlisted passes */
			env_free(env);
		}
	}
	config_free(&cfg);
	return 0;
}

/* SPDX-License-Identifier: Apache-2.0 */
/* Command line of `taskjail run`: options -> struct tj_config. */
#pragma once
#include <stdio.h>

#include "config.h"

extern const char cli_usage_text[];

/* Parses `taskjail run` arguments (argv[0] is "run"). Loads the profile
 * (default "minimal") first, then applies the options in order, so the
 * command line always wins. Every error names the option and the reason. */
int cli_parse_run(int argc, char **argv, struct tj_config *cfg, struct tj_error *err);

void cli_print_usage(FILE *f);

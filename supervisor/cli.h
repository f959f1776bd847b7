/* SPDX-License-Identifier: Apache-2.0 */
/* Command line of `taskjail run`: argv -> struct tj_options, syntax only.
 * What the options mean is applied once, in config_resolve() (resolve.c). */
#pragma once
#include <stdbool.h>
#include <stdio.h>

#include "error.h"

/* One option as given: "--name VALUE" or "--name=VALUE" (value "" for a
 * flag). value points into argv. */
struct tj_opt {
	char name[32];
	const char *value;
};

struct tj_options {
	/* The options that choose what the others apply over. */
	const char *profile;     /* --profile, default "minimal" */
	const char *launcher;    /* --launcher-config */
	const char *runner_type; /* --runner-type */
	const char *health_addr; /* --health-addr */
	bool workdir_set;        /* --workdir given */
	/* Every option, in order (the four above included). */
	struct tj_opt *opts;
	size_t n_opts;
	/* After "--": the command, or extra arguments of a launcher runner. */
	char *const *command;
	size_t n_command;
};

extern const char cli_usage_text[];

/* Parses `taskjail run` arguments (argv[0] is "run") into *o, which points
 * into argv. Returns 0, 1 for --help, or -errno with err naming the option
 * and the reason. Checks syntax only: option names, values present, "--"
 * and a command. */
int cli_parse_run(int argc, char **argv, struct tj_options *o, struct tj_error *err);
void cli_options_free(struct tj_options *o);

void cli_print_usage(FILE *f);

/* SPDX-License-Identifier: Apache-2.0 */
/* Checks of a parsed configuration against the host, made before clone:
 * failures that init would report from inside the sandbox without the
 * context a user needs ("exec /root/x: No such file or directory" when the
 * file exists on the host; "setrlimit(7): Operation not permitted").
 * Nothing is created. */
#pragma once
#include "config.h"
#include "error.h"

/* Returns 0, or the exit status taskjail would end with (125 for an empty
 * command, 126 for a directory, 127 for a command that cannot be inside
 * the sandbox) with err set. */
int precheck_command(const struct tj_config *cfg, struct tj_error *err);

/* Returns 0 or -errno with err naming the limit ("rlimits.nofile"). */
int precheck_rlimits(const struct tj_config *cfg, struct tj_error *err);

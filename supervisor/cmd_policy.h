/* SPDX-License-Identifier: Apache-2.0 */
/* `taskjail policy check|explain`: see cmd_policy.c. */
#pragma once

/* argv[0] is "policy". Returns the exit status (0, or 125). */
int cmd_policy(int argc, char **argv);

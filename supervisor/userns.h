/* SPDX-License-Identifier: Apache-2.0 */
#pragma once
#include <sys/types.h>

#include "config.h"

/* Supervisor side: writes setgroups=deny and the one-line uid/gid maps
 * "65532 <outer> 1" for the child pid. Root callers map to cfg->host_uid
 * (never 0); others map their own ids. */
int userns_write_maps(pid_t pid, uid_t outer_uid, gid_t outer_gid, struct tj_error *err);

/* Explains a clone() failure of CLONE_NEWUSER in words a user can act on. */
int userns_diagnose_clone(int err_no, struct tj_error *err);

/* Child side, first thing after GO: become 65532/65532 inside. A root
 * caller's child still has kuid 0, which is unmapped, so the switch keeps
 * the namespace capabilities (cap_emulate_setxuid compares with the
 * namespace's root, which does not exist here). */
int userns_become_sandbox_user(struct tj_error *err);

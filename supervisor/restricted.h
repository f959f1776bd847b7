/* SPDX-License-Identifier: Apache-2.0 */
/* The restricted tier: no namespaces, for hosts that refuse them (README,
 * "The restricted tier"). The supervisor builds, before fork, a Landlock
 * ruleset and a private /tmp directory; the runner enforces the ruleset on
 * itself right before its seccomp filters:
 *   - read (and execute) only beneath the profile's binds, at their host
 *     paths; write only in the private directory (and read-write binds);
 *     execute nothing written there (unless tmp_exec);
 *   - ABI >= 4: TCP connect only to the relay's broker ports, bind only to
 *     its inbound (health) ports; ABI >= 6: no signals to, and no abstract
 *     unix sockets of, processes outside the sandbox. */
#pragma once
#include <stdbool.h>
#include <sys/types.h>

#include "config.h"
#include "error.h"

struct tj_restricted {
	char *tmpdir;    /* per launch, mode 0700, owned by the runner's uid */
	int ruleset_fd;  /* -1 before prepare */
	int abi;         /* Landlock ABI of this kernel */
	bool net_rules;  /* TCP bind/connect are restricted (ABI >= 4) */
	bool scoped;     /* signals and abstract sockets are scoped (ABI >= 6) */
	bool removed;    /* the private directory is gone */
};

/* Whether clone's errno means the host refuses to create the namespaces
 * (as opposed to a bug or a resource shortage of the caller): the errors
 * userns_diagnose_clone explains. tier auto falls back on these only. */
bool restricted_ns_refused(int err);

/* Creates the private directory (owned by uid/gid) and the ruleset. */
int restricted_prepare(const struct tj_config *cfg, uid_t uid, gid_t gid,
		       struct tj_restricted *rs, struct tj_error *err);

/* Points HOME and TMPDIR of a malloc'd environment vector (env_build's) at
 * the private directory; net relay: the broker URI back at the broker. */
int restricted_env(const struct tj_config *cfg, char ***envp, const char *tmpdir,
		   struct tj_error *err);

/* Full tier, proc_guard absent, in the runner after pivot_root and
 * no_new_privs: a Landlock domain that lets the task read files and
 * directories only beneath its own root. An fd from outside (a procfs
 * directory on stdin, one another sandbox passes over a unix socket in a
 * shared bind) then opens nothing: Landlock decides each open on where the
 * file is, and a foreign mount is not beneath "/". Every file right the
 * kernel's ABI has is handled (read, write, execute, create, remove,
 * refer, truncate, device ioctls) and granted beneath "/", where the
 * mounts decide. 1: enforced; 0: this kernel has no Landlock; -errno. */
int restricted_root_only(struct tj_error *err);

/* In the runner, after no_new_privs: enforces the ruleset on itself. */
int restricted_enter(const struct tj_restricted *rs, struct tj_error *err);

/* The supervisor, once the runner has exited: kills what the runner left
 * behind (the supervisor is their subreaper), then removes the directory. */
void restricted_release(struct tj_restricted *rs);
/* Removes the private directory (once; restricted_release calls it too):
 * false, and said on stderr, when anything is left. */
bool restricted_remove_tmpdir(struct tj_restricted *rs);
void restricted_kill_leftovers(void);

/* SPDX-License-Identifier: Apache-2.0 */
/* Seccomp: a parsed policy (policy.h) compiled with libseccomp in the
 * supervisor before clone, exported as BPF, and installed by the runner
 * with one seccomp(2) call as its last step before execve. */
#pragma once
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "error.h"

struct tj_seccomp;

struct tj_seccomp_opts {
	/* Denied rules (ERRNO, the default included) become NOTIFY; the
	 * supervisor logs each call and answers the errno the policy gives. */
	bool log_denials;
	/* Extra rules added by other modules (procguard) after the policy is
	 * parsed; they win over the policy's rule for the same syscall (the
	 * policy's rules for that syscall are dropped). They are added to the
	 * policy's filter, whose default action may equal theirs: -EACCES
	 * from seccomp_rule_add() then means "already the default", not an
	 * error (likewise -EEXIST). */
	int (*extra_rules)(void *ctx /* scmp_filter_ctx */, void *data, struct tj_error *err);
	void *extra_data;
	/* Do not print "unknown syscall skipped" warnings on stderr. */
	bool quiet;
	/* Compiled-filter cache (seccomp_cache.c): a root-owned directory, or
	 * NULL for none. extra_id names the extra rules' version
	 * (it is part of the key); without it nothing with extra rules is
	 * cached. */
	const char *cache_dir;
	const char *extra_id;
};

/* The cache directory: $TASKJAIL_CACHE_DIR ("none": no cache), else
 * SECCOMP_CACHE_DEFAULT_DIR (root creates it 0755). NULL unless it is
 * root-owned and not writable by group or others: a cache the sandboxed
 * task could write (a non-root caller's own files) is never used. Only
 * root writes entries; everyone reads them. Returns a malloc'd path. */
#define SECCOMP_CACHE_DEFAULT_DIR "/var/cache/taskjail"
char *seccomp_cache_dir(void);

/* Parses and compiles POLICY (a file path; NULL = an allow-all base that
 * only carries the extra rules). Supervisor side, before clone. */
int seccomp_prepare(const char *policy, const struct tj_seccomp_opts *o,
		    struct tj_seccomp **out, struct tj_error *err);

/* Whether the installed filter can return SECCOMP_RET_USER_NOTIF. */
bool seccomp_needs_listener(const struct tj_seccomp *s);

/* Runner side, after PR_SET_NO_NEW_PRIVS, as the last step before execve:
 * one seccomp(SECCOMP_SET_MODE_FILTER) call, no allocation. Stores the
 * listener fd (or -1) in *listener_fd. Returns 0 or -errno. */
int seccomp_install(const struct tj_seccomp *s, int *listener_fd);

/* For a notification that is not an open-family call: the errno the policy
 * answers and the syscall's name. Returns 0, or -ENOENT when the policy
 * does not deny this call (some other module's notification). */
int seccomp_denial_lookup(const struct tj_seccomp *s, const struct seccomp_data *d,
			  int *err_out, const char **name_out);

/* Formats the members of the "deny" log event for a notification, for
 * log_event(fd, "%s", buf): "event":"deny","syscall":"keyctl","nr":250,
 * "arch":N,"args":[...],"pid":N,"errno":1. Returns the length (truncated to
 * size-1). */
size_t seccomp_denial_json(char *buf, size_t size, const char *name,
			   const struct seccomp_notif *n, int err);

/* Handles one pending notification on listener_fd as a policy denial:
 * receives it, answers the policy's errno (EPERM when the policy has no
 * answer for it) and writes the "deny" line to log_fd (when >= 0).
 * Returns 0, -ENOENT when the notification went away (task killed), or
 * -errno. Meant for a listener whose filter has no other notifications;
 * the shared listener (unotify.c) calls seccomp_denial_lookup itself. */
int seccomp_denial_handle(const struct tj_seccomp *s, int listener_fd, int log_fd);

/* Runs seccomp_denial_handle until the listener hangs up (every task under
 * the filter has exited). For standalone use (tests, `policy` tools). */
int seccomp_denial_serve(const struct tj_seccomp *s, int listener_fd, int log_fd);

void seccomp_free(struct tj_seccomp *s);

/* NAME -> $TASKJAIL_POLICY_DIR/NAME.json, <bindir>/../policies, installed
 * datadir/taskjail/policies; a value with '/' or ending in .json is a path. */
int seccomp_find_policy(const char *name_or_path, char **path_out, struct tj_error *err);

/* The compiled program that gets installed, and the "shadow" program that
 * says what the policy itself answers (the same unless log_denials). */
const struct sock_filter *seccomp_program(const struct tj_seccomp *s, size_t *len);
const struct sock_filter *seccomp_policy_program(const struct tj_seccomp *s, size_t *len);

/* AUDIT_ARCH_* of the native architecture, for seccomp_data.arch. */
unsigned seccomp_native_audit_arch(void);

/* Name of syscall nr of arch (AUDIT_ARCH_*), or NULL: a table libseccomp
 * filled at build time (supervisor/syscall_names_gen.c), for the native
 * architecture only. No allocation, no setup: safe from any thread. */
const char *seccomp_syscall_name(uint32_t arch, int nr);

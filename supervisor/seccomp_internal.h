/* SPDX-License-Identifier: Apache-2.0 */
/* What seccomp.c and seccomp_cache.c share: the compiled filter. */
#pragma once
#include <linux/filter.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "seccomp.h"

/* Syscall numbers the extra rules' table covers (x86_64 tops out below 470). */
#define SECCOMP_NAME_TABLE 1024

struct tj_seccomp {
	struct sock_filter *prog; /* installed */
	size_t len;
	struct sock_filter *shadow; /* what the policy answers; == prog unless logging */
	size_t shadow_len;
	unsigned flags;             /* SECCOMP_FILTER_FLAG_* to install with */
	bool needs_listener;
	uint32_t native_arch;       /* AUDIT_ARCH_* */
};

/* Everything the compiled filter depends on, in a form that can be compared
 * byte for byte: taskjail's and libseccomp's versions, the architecture,
 * the kernel version (minKernel rules), the options, and the policy file's
 * whole content. */
struct seccomp_cache_key {
	char *text;      /* "tj=..;scmp=..;arch=..;kernel=..;log=..;extra=.." */
	char *policy;    /* the policy file's bytes ("" for the allow-all base) */
	size_t policy_len;
	uint64_t hash;   /* FNV-1a of both: the file name */
	bool world_readable; /* root caller: the policy file is, through directories others can
				list and search (no policy: true): the entry may be too; a
				non-root caller neither writes entries nor changes their mode */
};

int seccomp_cache_key_init(struct seccomp_cache_key *k, const char *path,
			   const struct tj_seccomp_opts *o);
void seccomp_cache_key_free(struct seccomp_cache_key *k);
/* 0 and *out on a hit whose key matches byte for byte; -errno otherwise. */
int seccomp_cache_load(const char *dir, const struct seccomp_cache_key *k,
		       struct tj_seccomp **out);
/* Writes atomically (temp file + rename); errors are ignored by callers. */
int seccomp_cache_store(const char *dir, const struct seccomp_cache_key *k,
			const struct tj_seccomp *s);

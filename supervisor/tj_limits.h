/* SPDX-License-Identifier: Apache-2.0 */
/* Named tj_limits.h, not limits.h: with supervisor/ on the quote path,
 * GCC's own <limits.h> reaches this file through #include_next. */
/* Resource limits of one sandbox (memory, pids, cpu): what enforces each,
 * chosen per limit before clone, best first:
 *   cgroup-v2  a child of the supervisor's cgroup v2 whose parent has the
 *              controller in cgroup.subtree_control (or lets us add it);
 *              init is born in it (clone3 CLONE_INTO_CGROUP).
 *   cgroup-v1  a child of the supervisor's v1 cgroup of that controller
 *              (root on a v1 or hybrid host); the supervisor moves init in
 *              before it says GO, so nothing of the sandbox runs outside.
 *   rlimit     memory: RLIMIT_DATA (per process, private writable memory);
 *              pids: RLIMIT_NPROC, which the kernel counts per user
 *              namespace and uid (ucounts, Linux >= 5.14): the sandbox's
 *              own processes, init and the guard included, not every
 *              process of the host uid. cpu has no rlimit equivalent.
 *   none       asked for, but nothing could enforce it (said on stderr).
 * The cgroups are removed when the sandbox is gone. */
#pragma once
#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "config.h"
#include "error.h"

enum limits_res { LIMITS_MEMORY, LIMITS_PIDS, LIMITS_CPU, LIMITS_N };
enum limits_by { LIMITS_BY_NONE, LIMITS_BY_RLIMIT, LIMITS_BY_CGROUP_V1, LIMITS_BY_CGROUP_V2 };

extern const char *const limits_res_names[LIMITS_N];
extern const char *const limits_by_names[4];

struct tj_limits {
	uint64_t max[LIMITS_N];       /* 0: not asked for; cpu in thousandths */
	enum limits_by by[LIMITS_N];
	char why_no_cgroup[256];      /* the last reason a cgroup was refused */
	int v2_fd;                    /* O_DIRECTORY of the v2 cgroup; -1 */
	char *v2_dir;
	bool v2_cloned_into;          /* init was born there (CLONE_INTO_CGROUP) */
	bool nproc_per_uid;           /* restricted tier: no user ns, RLIMIT_NPROC is per host uid */
	char *v1_dir[LIMITS_N];       /* v1 cgroups made, per controller */
	struct tj_rlimit rl[LIMITS_N]; /* fallbacks the runner sets */
	size_t n_rl;
};

struct tj_limits_usage {
	int64_t memory_peak;  /* bytes; -1 unknown */
	int64_t oom_kills;    /* -1 unknown */
	int64_t pids_peak;
	int64_t pids_refused; /* forks refused at pids.max */
};

/* Picks and sets up the enforcement of cfg's limits; makes the cgroups.
 * On error nothing is left behind. tag names the cgroups (the supervisor's
 * pid). */
int limits_prepare(const struct tj_config *cfg, pid_t tag, struct tj_limits *l,
		   struct tj_error *err);
/* Moves pid (init, before GO) into the v1 cgroups, and into the v2 one when
 * clone3 could not put it there. */
int limits_attach(struct tj_limits *l, pid_t pid, struct tj_error *err);
/* In the runner, before exec: the rlimit fallbacks. */
int limits_apply_rlimits(const struct tj_limits *l, struct tj_error *err);
/* After the sandbox is gone: peaks and OOM kills from the cgroups. */
void limits_usage(const struct tj_limits *l, struct tj_limits_usage *u);
/* Removes the cgroups, closes the fd. Idempotent. */
void limits_release(struct tj_limits *l);

/* "memory":{"max":N|null,"enforced_by":"..."},"pids":{...},"cpu":{...} */
void limits_json(const struct tj_limits *l, char *buf, size_t size);
void limits_usage_json(const struct tj_limits_usage *u, char *buf, size_t size);

/* SPDX-License-Identifier: Apache-2.0 */
/* Why `taskjail run` cannot work here: from what `taskjail check` read
 * (sysctls, /proc/self/status, the mount table) and what its probes got
 * (the errno of each attempt), the one root cause of a failed probe and
 * its exact fix. Pure: no system calls, so every host can be tested. */
#pragma once
#include <stdbool.h>
#include <stddef.h>

enum diag_container { DIAG_HOST = 0, DIAG_DOCKER, DIAG_PODMAN, DIAG_KUBERNETES, DIAG_CONTAINER };
extern const char *const diag_container_names[5];

struct diag_facts {
	bool privileged;            /* euid 0 with CAP_SYS_ADMIN here */
	long max_user_namespaces;   /* user.max_user_namespaces; -1 unknown */
	int unprivileged_userns_clone;  /* Debian's kernel.unprivileged_userns_clone; -1 absent */
	int apparmor_restrict_userns;   /* Ubuntu's kernel.apparmor_restrict_unprivileged_userns; -1 absent */
	int seccomp_mode;           /* /proc/self/status Seccomp: 0 none, 1 strict, 2 filter; -1 unknown */
	int seccomp_filters;        /* Seccomp_filters:; -1 unknown */
	int no_new_privs;           /* NoNewPrivs:; -1 unknown */
	enum diag_container container;
	int proc_masked;            /* mounts over paths below /proc */
	char proc_masked_example[128];
	/* Set by check's sentinel: a request the kernel rejects with EINVAL
	 * before any permission check got EPERM/ENOSYS instead, so a filter
	 * in front of the kernel answered it. */
	bool filter_refuses;
};

/* One probe: what was attempted, with which clone flags or mount step. */
enum diag_probe {
	DIAG_USERNS = 0, DIAG_PIDNS, DIAG_MNTNS, DIAG_IPCNS, DIAG_UTSNS, DIAG_CGROUPNS, DIAG_NETNS,
	DIAG_PROC, DIAG_TMPFS, DIAG_DETACHED_MOUNT, DIAG_SECCOMP,
	DIAG_N_PROBES
};
extern const char *const diag_probe_names[DIAG_N_PROBES];

struct diag_finding {
	char cause[512];
	char fix[768];
};

/* Fills f for a probe that failed with errno e. Every failure gets one
 * finding; `check` asks only for the first failed probe of a chain (the
 * namespaces need the user namespace; the mounts need the namespaces). */
void diagnose_probe(const struct diag_facts *h, enum diag_probe p, int e, struct diag_finding *f);

/* Reads Seccomp:, Seccomp_filters: and NoNewPrivs: from the text of
 * /proc/self/status (not NUL-terminated) into h; lines it lacks stay -1. */
void diagnose_parse_status(const char *text, size_t len, struct diag_facts *h);

/* Counts the mounts below /proc in the text of /proc/self/mountinfo that
 * make the kernel refuse a new procfs in a user namespace ("mount too
 * revealing"): every one but a permanently empty directory's
 * (/proc/sys/fs/binfmt_misc). The first is copied to h->proc_masked_example. */
void diagnose_parse_mountinfo(const char *text, size_t len, struct diag_facts *h);

/* The tier `run` can give here: "full" when every required probe passed,
 * "restricted" when only namespaces or mounts are refused but Landlock
 * (abi > 0) and seccomp filters work, "unavailable" otherwise. */
const char *diagnose_tier(bool full_ok, int landlock_abi, bool seccomp_ok);

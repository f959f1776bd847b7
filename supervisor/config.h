/* SPDX-License-Identifier: Apache-2.0 */
/* Profiles (JSON) + command line -> one immutable struct tj_config. Invalid
 * input is rejected before anything is created, with a message that names
 * the file, the JSON path and the reason. */
#pragma once
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "error.h"

enum tj_net_mode { TJ_NET_NONE = 0, TJ_NET_HOST, TJ_NET_RELAY };
/* namespace: the sandbox's own procfs with masks; strict: that plus the
 * guard (docs/procguard.md); absent: no procfs at all, /proc an empty
 * read-only directory (nothing to guard, no notification per open); self:
 * namespace's procfs, of which a Landlock domain lets the task open only
 * the runner's own status, stat, cmdline and the like (never environ,
 * mounts, mem, ...) and common system-wide files (procself.h; no
 * notification per open). */
enum tj_proc_guard { TJ_PROC_GUARD_NAMESPACE = 0, TJ_PROC_GUARD_STRICT, TJ_PROC_GUARD_ABSENT,
		     TJ_PROC_GUARD_SELF };
/* full: namespaces or exit 125; auto: full, else restricted when creating
 * the namespaces is refused; restricted: Landlock, no namespaces (README). */
enum tj_tier { TJ_TIER_FULL = 0, TJ_TIER_AUTO, TJ_TIER_RESTRICTED };

struct tj_bind {
	char *src;     /* host path (absolute) */
	char *dst;     /* path inside the sandbox (absolute) */
	bool rw;       /* read-write (nosuid,nodev still apply) */
	bool optional; /* skip silently when src does not exist */
};

struct tj_env_var {
	char *name;
	char *value;
};

struct tj_rlimit {
	int resource; /* RLIMIT_* */
	uint64_t soft, hard;
};

/* A TCP port relayed between the host and the sandbox (net: relay). */
struct tj_relay_port {
	char *host_addr;   /* "127.0.0.1", "::1", a name */
	uint16_t host_port;
	uint16_t sandbox_port;
	bool inbound;      /* true: host listens, connects into sandbox */
};

struct tj_config {
	char *profile_name; /* as given, for the log */
	char *profile_path; /* resolved file, NULL for built-in defaults */

	struct tj_bind *binds;
	size_t n_binds;

	uint64_t tmpfs_size;   /* bytes of /tmp */
	/* /tmp and /dev/shm allow execve and PROT_EXEC mappings (profile
	 * "tmp_exec"); off by default: the only writable places in the
	 * sandbox must not become a way to load new native code. */
	bool tmp_exec;
	enum tj_net_mode net;
	char *workdir;         /* inside the sandbox */
	char *hostname;
	uid_t host_uid;        /* root callers: outer id for sandbox uid 65532 */
	gid_t host_gid;
	bool host_uid_set;

	/* Environment: names copied from the caller when present, then fixed
	 * values (profile "env", then --setenv), applied in that order. */
	char **env_allow;
	size_t n_env_allow;
	struct tj_env_var *env_set;
	size_t n_env_set;

	struct tj_rlimit *rlimits;
	size_t n_rlimits;

	/* Resource limits of the whole sandbox (profile "limits", --memory,
	 * --pids, --cpu); 0: none. limits.c picks what enforces each. */
	uint64_t limit_memory;     /* bytes */
	uint64_t limit_pids;       /* processes and threads */
	uint64_t limit_cpu_milli;  /* thousandths of a CPU */

	/* Wall-clock limit (profile "timeout", --timeout): SIGTERM to the
	 * runner after timeout_ms, SIGKILL of the whole sandbox kill_after_ms
	 * later (profile "kill_after", --kill-after; default 5 s). 0: none. */
	uint64_t timeout_ms;
	uint64_t kill_after_ms;

	/* seccomp: "none", a policy name (policies/<name>.json) or a path. */
	char *seccomp;
	char *policy_path;     /* its file, found by config_resolve(); NULL: none */
	bool log_denials;
	enum tj_proc_guard proc_guard;
	enum tj_tier tier;     /* profile "tier", --tier */

	struct tj_relay_port *relay_ports;
	size_t n_relay_ports;

	int log_fd;            /* -1 when off */
	char *log_file;

	/* Interpreter flags the profile insists on (profile "runtime" and
	 * "runtime_args"): inserted after argv[0] when missing and argv[0] is
	 * that runtime ("python" matches python3, python3.13; see n8n.c). */
	char *runtime;
	char **runtime_args;
	size_t n_runtime_args;

	char **argv;           /* command to run, NULL-terminated */
	size_t argc;
	/* Not from a profile: `selftest` sets it so that its checks know the
	 * tier, which auto decides only at clone. The runner then gets one
	 * more argument, "tier=full" or "tier=restricted". */
	bool argv_tier;
};

/* Largest --pids and --cpu (CPUs). */
#define TJ_PIDS_MAX 4194304
#define TJ_CPU_MAX_MILLI (4096ull * 1000)

/* Longest --timeout / --kill-after: a day. */
#define TJ_TIMEOUT_MAX_MS (86400ull * 1000)
#define TJ_KILL_AFTER_DEFAULT_MS 5000

/* The seccomp policy of a config that names none. */
#define TJ_DEFAULT_POLICY "default"

/* Sandbox identity: the task always runs as this uid/gid. */
#define TJ_SANDBOX_UID 65532
#define TJ_SANDBOX_GID 65532

void config_free(struct tj_config *cfg);

/* Fills cfg with the built-in defaults (used before a profile is applied). */
void config_init_defaults(struct tj_config *cfg);

/* Resolves a profile name or path to a file: a value containing '/' or
 * ending in .json is a path; otherwise looked up as NAME.json in
 * $TASKJAIL_PROFILE_DIR, next to the binary (../profiles, for the build
 * tree), then the installed profile dir. Returns a malloc'd path. */
int config_find_file(const char *kind_dir, const char *env_var,
		     const char *name, char **out, struct tj_error *err);

/* Parses profile JSON text (file is used for messages only) into cfg,
 * overriding the defaults it sets. Pure: no file system access. (profile.c) */
int config_parse_profile(const char *json, size_t len, const char *file,
			 struct tj_config *cfg, struct tj_error *err);

/* Reads and parses a profile file. */
int config_load_profile(const char *path, struct tj_config *cfg,
			struct tj_error *err);

/* Names of the enum values, indexed by value: the profile, the command
 * line and the event log all spell them from these. */
extern const char *const config_net_names[3];
extern const char *const config_proc_guard_names[4];
extern const char *const config_tier_names[3];
/* Index of v in names, or -1. */
int config_name_index(const char *const *names, size_t n, const char *v);

/* The profile's name of an RLIMIT_* ("nofile"), "?" when it has none; and
 * the RLIMIT_* of a name, -1 when there is none. */
const char *config_rlimit_name(int resource);
int config_rlimit_resource(const char *name);

/* Builders shared by the profile parser and the command line. */
int config_add_bind(struct tj_config *cfg, const char *src, const char *dst,
		    bool rw, bool optional, struct tj_error *err);
/* Why util_sandbox_path_normalize() refused a bind destination (its
 * return value), for "destination 'D' <why>" messages. */
const char *config_bind_dst_why(int r);
int config_add_env(struct tj_config *cfg, const char *name, size_t name_len,
		   const char *value, struct tj_error *err);
int config_add_env_allow(struct tj_config *cfg, const char *name, struct tj_error *err);

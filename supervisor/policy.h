/* SPDX-License-Identifier: Apache-2.0 */
/* Seccomp policies in the OCI runtime-spec / Docker / Podman JSON format,
 * parsed into plain data. Pure: no libseccomp here, so the parser can be
 * unit-tested and fuzzed on its own; seccomp.c turns a struct policy into
 * BPF. Every rejection names the file, the JSON path and the reason. */
#pragma once
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "error.h"

enum policy_action {
	POLICY_ACT_ALLOW = 0,
	POLICY_ACT_ERRNO,
	POLICY_ACT_KILL_PROCESS,
	POLICY_ACT_KILL_THREAD, /* also "SCMP_ACT_KILL" */
	POLICY_ACT_TRAP,
	POLICY_ACT_LOG,
	POLICY_ACT_TRACE,
	POLICY_ACT_NOTIFY,
};

enum policy_op {
	POLICY_OP_NE = 0,
	POLICY_OP_LT,
	POLICY_OP_LE,
	POLICY_OP_EQ,
	POLICY_OP_GE,
	POLICY_OP_GT,
	POLICY_OP_MASKED_EQ, /* (arg & value) == valueTwo */
};

/* Filter flags the spec lets a policy ask for ("flags"). */
enum {
	POLICY_FLAG_LOG = 1u << 0,        /* SECCOMP_FILTER_FLAG_LOG */
	POLICY_FLAG_SPEC_ALLOW = 1u << 1, /* SECCOMP_FILTER_FLAG_SPEC_ALLOW */
};

struct policy_arg {
	unsigned index; /* 0..5 */
	uint64_t value;
	uint64_t value_two;
	enum policy_op op;
};

/* includes / excludes of a rule (Docker/Podman extension). */
struct policy_cond {
	char **caps;
	size_t n_caps;
	char **arches; /* Go-style ("amd64") or libseccomp-style ("x86_64") */
	size_t n_arches;
	bool has_min_kernel;
	unsigned min_kernel_major, min_kernel_minor;
};

struct policy_rule {
	char **names;
	size_t n_names;
	enum policy_action action;
	int ret;      /* errno for ERRNO, message for TRACE */
	bool ret_set;
	struct policy_arg *args;
	size_t n_args;
	struct policy_cond includes, excludes;
	char *comment; /* NULL when absent */
	size_t index;  /* position in "syscalls", for messages */
};

struct policy_archmap {
	char *arch;  /* "SCMP_ARCH_X86_64" */
	char **subs;
	size_t n_subs;
};

struct policy {
	char *file; /* for messages */
	enum policy_action default_action;
	int default_ret;
	bool default_ret_set;
	char **arches; /* "architectures" */
	size_t n_arches;
	struct policy_archmap *archmap;
	size_t n_archmap;
	unsigned flags; /* POLICY_FLAG_* */
	struct policy_rule *rules;
	size_t n_rules;
};

/* Parses policy JSON text; file is used in messages only. On error returns
 * -EINVAL (or -ENOMEM) and err says "policy FILE: PATH: reason". */
int policy_parse(const char *json, size_t len, const char *file,
		 struct policy **out, struct tj_error *err);

/* Reads PATH (at most 4 MiB) and parses it. */
int policy_load(const char *path, struct policy **out, struct tj_error *err);

void policy_free(struct policy *p);

/* "SCMP_ACT_ERRNO" etc.; and the short form ("ERRNO") used by `explain`. */
const char *policy_action_name(enum policy_action a);
const char *policy_op_name(enum policy_op op);

/* Errno name <-> number for the names policies use ("EPERM"). Returns -1 /
 * NULL when unknown. */
int policy_errno_from_name(const char *name);
const char *policy_errno_name(int e);

/* True when an includes.arches / excludes.arches entry names the
 * architecture libseccomp calls native_name ("x86_64", "aarch64", ...):
 * accepts the Go names Docker uses ("amd64", "arm64") and libseccomp's. */
bool policy_arch_matches(const char *listed, const char *native_name);

/* Whether a rule applies to a sandbox on native_name (libseccomp arch
 * name) running kernel kmajor.kminor. A sandbox holds no capabilities, so
 * a rule that includes any cap never applies and excludes.caps never
 * excludes. */
bool policy_rule_applies(const struct policy_rule *r, const char *native_name,
			 unsigned kmajor, unsigned kminor);

/* "SCMP_ARCH_X86_64" -> "x86_64" (libseccomp's name), into buf. Returns 0
 * or -EINVAL when the name is not an OCI architecture. */
int policy_arch_scmp_name(const char *oci, char *buf, size_t size);

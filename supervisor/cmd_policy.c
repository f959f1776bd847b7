/* SPDX-License-Identifier: Apache-2.0 */
/* taskjail policy check POLICY
 * taskjail policy explain POLICY | --profile NAME
 *
 * check: parse and compile; exit 0, or 125 with the reason.
 * explain: for every syscall of this architecture, the action the policy
 * takes; the unconditional answers come from running the compiled BPF
 * (the program the kernel would run), the argument-dependent ones list
 * the policy's rules in order. */
#include <errno.h>
#include <linux/audit.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bpfsim.h"
#include "cmd_policy.h"
#include "config.h"
#include "error.h"
#include "policy.h"
#include "seccomp.h"
#include "util.h"

static const char cmd_policy_usage[] =
	"Usage: taskjail policy check POLICY\n"
	"       taskjail policy explain POLICY | --profile NAME\n"
	"\n"
	"POLICY is a name (policies/NAME.json) or a path to an OCI/Docker seccomp\n"
	"JSON file; see taskjail-policy(5).\n"
	"  check    validate and compile; exit 0, or 125 naming the file, the JSON\n"
	"           path and the reason\n"
	"  explain  print, per syscall of this architecture, the action taken\n";

static void format_ret(char *buf, size_t size, uint32_t ret)
{
	uint32_t act = ret & SECCOMP_RET_ACTION_FULL, data = ret & SECCOMP_RET_DATA;
	const char *en;
	switch (act) {
	case SECCOMP_RET_ALLOW: snprintf(buf, size, "ALLOW"); break;
	case SECCOMP_RET_ERRNO:
		en = policy_errno_name((int)data);
		if (en)
			snprintf(buf, size, "ERRNO(%s)", en);
		else
			snprintf(buf, size, "ERRNO(%u)", data);
		break;
	case SECCOMP_RET_KILL_PROCESS: snprintf(buf, size, "KILL_PROCESS"); break;
	case SECCOMP_RET_KILL_THREAD: snprintf(buf, size, "KILL_THREAD"); break;
	case SECCOMP_RET_TRAP: snprintf(buf, size, "TRAP"); break;
	case SECCOMP_RET_LOG: snprintf(buf, size, "LOG"); break;
	case SECCOMP_RET_TRACE: snprintf(buf, size, "TRACE(%u)", data); break;
	case SECCOMP_RET_USER_NOTIF: snprintf(buf, size, "NOTIFY"); break;
	default: snprintf(buf, size, "0x%08x", ret); break;
	}
}

static void format_rule_action(char *buf, size_t size, const struct policy_rule *r)
{
	uint32_t ret;
	switch (r->action) {
	case POLICY_ACT_ALLOW: ret = SECCOMP_RET_ALLOW; break;
	case POLICY_ACT_ERRNO: ret = SECCOMP_RET_ERRNO | (uint32_t)(r->ret_set ? r->ret : EPERM); break;
	case POLICY_ACT_KILL_PROCESS: ret = SECCOMP_RET_KILL_PROCESS; break;
	case POLICY_ACT_KILL_THREAD: ret = SECCOMP_RET_KILL_THREAD; break;
	case POLICY_ACT_TRAP: ret = SECCOMP_RET_TRAP; break;
	case POLICY_ACT_LOG: ret = SECCOMP_RET_LOG; break;
	case POLICY_ACT_TRACE: ret = SECCOMP_RET_TRACE | (uint32_t)(r->ret_set ? r->ret : 0); break;
	case POLICY_ACT_NOTIFY: default: ret = SECCOMP_RET_USER_NOTIF; break;
	}
	format_ret(buf, size, ret);
}

static const char *op_symbol(enum policy_op op)
{
	static const char *const s[] = { "!=", "<", "<=", "==", ">=", ">", "&" };
	return (size_t)op < ELEMENTSOF(s) ? s[op] : "?";
}

static bool rule_names(const struct policy_rule *r, const char *name)
{
	for (size_t i = 0; i < r->n_names; i++)
		if (strcmp(r->names[i], name) == 0)
			return true;
	return false;
}

static const char *native_name(void)
{
	switch (seccomp_native_audit_arch()) {
	case AUDIT_ARCH_X86_64: return "x86_64";
	case AUDIT_ARCH_I386: return "x86";
	case AUDIT_ARCH_AARCH64: return "aarch64";
	case AUDIT_ARCH_ARM: return "arm";
	case AUDIT_ARCH_PPC64LE: return "ppc64le";
	case AUDIT_ARCH_S390X: return "s390x";
	case AUDIT_ARCH_RISCV64: return "riscv64";
	default: return "unknown";
	}
}

/* " ACTION if a0 == 0x1 && ... | ACTION if ..." for the conditional rules
 * of one syscall. */
static void print_conditions(const struct policy_rule *const *cond, size_t n_cond)
{
	for (size_t i = 0; i < n_cond; i++) {
		char ra[64];
		format_rule_action(ra, sizeof(ra), cond[i]);
		printf("%s %s if", i ? " |" : "", ra);
		for (size_t a = 0; a < cond[i]->n_args; a++) {
			const struct policy_arg *pa = &cond[i]->args[a];
			if (pa->op == POLICY_OP_MASKED_EQ)
				printf("%s (a%u & 0x%llx) == 0x%llx", a ? " &&" : "", pa->index,
				       (unsigned long long)pa->value, (unsigned long long)pa->value_two);
			else
				printf("%s a%u %s 0x%llx", a ? " &&" : "", pa->index,
				       op_symbol(pa->op), (unsigned long long)pa->value);
		}
	}
}

static int explain(const char *path)
{
	struct tj_error err = { 0 };
	struct policy *pol = NULL;
	struct tj_seccomp *s = NULL;
	struct tj_seccomp_opts o = { 0 };
	int r = policy_load(path, &pol, &err);
	if (r == 0)
		r = seccomp_prepare(path, &o, &s, &err);
	if (r < 0) {
		tj_error_print(&err);
		policy_free(pol);
		return TJ_EXIT_SETUP;
	}
	size_t len;
	const struct sock_filter *prog = seccomp_program(s, &len);
	const char *arch = native_name();
	struct utsname_like { unsigned maj, min; } k = { 0, 0 };
	FILE *f = fopen("/proc/sys/kernel/osrelease", "re");
	if (f) {
		if (fscanf(f, "%u.%u", &k.maj, &k.min) != 2)
			k.maj = k.min = 0;
		fclose(f);
	}

	struct seccomp_data d = { .arch = seccomp_native_audit_arch() };
	char act[64];
	d.nr = 100000; /* no such syscall: what the default does */
	format_ret(act, sizeof(act), bpfsim_run(prog, len, &d));
	printf("# policy %s\n# architecture %s, %zu BPF instructions; default action %s\n"
	       "# '*' marks syscalls whose answer depends on arguments (the kernel's\n"
	       "# action cache cannot answer those without running the filter)\n",
	       path, arch, len, act);

	for (int nr = 0; nr < 1024; nr++) {
		const char *name = seccomp_syscall_name(d.arch, nr);
		if (!name)
			continue;
		/* The rules that apply here and name this syscall. */
		const struct policy_rule *cond[64];
		size_t n_cond = 0;
		bool has_uncond = false;
		for (size_t i = 0; i < pol->n_rules; i++) {
			const struct policy_rule *ru = &pol->rules[i];
			if (!rule_names(ru, name) ||
			    !policy_rule_applies(ru, arch, k.maj, k.min))
				continue;
			if (ru->n_args == 0)
				has_uncond = true;
			else if (n_cond < ELEMENTSOF(cond))
				cond[n_cond++] = ru;
		}
		d.nr = nr;
		memset(d.args, 0, sizeof(d.args));
		format_ret(act, sizeof(act), bpfsim_run(prog, len, &d));
		if (has_uncond || n_cond == 0) {
			printf("%-24s %4d  %s\n", name, nr, act);
			continue;
		}
		printf("%-24s %4d *", name, nr);
		print_conditions(cond, n_cond);
		d.nr = 100000;
		format_ret(act, sizeof(act), bpfsim_run(prog, len, &d));
		printf(" | otherwise %s\n", act);
	}
	seccomp_free(s);
	policy_free(pol);
	return 0;
}

static int check(const char *path)
{
	struct tj_error err = { 0 };
	struct tj_seccomp *s = NULL;
	struct tj_seccomp_opts o = { 0 };
	if (seccomp_prepare(path, &o, &s, &err) < 0) {
		tj_error_print(&err);
		return TJ_EXIT_SETUP;
	}
	size_t len;
	seccomp_program(s, &len);
	printf("%s: ok (%zu BPF instructions)\n", path, len);
	seccomp_free(s);
	return 0;
}

/* A profile's policy: its "seccomp" member, "default" when it names none. */
static int profile_policy(const char *profile, char **path_out, bool *none)
{
	struct tj_error err = { 0 };
	struct tj_config cfg;
	_cleanup_free_ char *ppath = NULL;
	config_init_defaults(&cfg);
	int r = config_find_file("profiles", "TASKJAIL_PROFILE_DIR", profile, &ppath, &err);
	if (r == 0)
		r = config_load_profile(ppath, &cfg, &err);
	if (r == 0) {
		const char *name = cfg.seccomp ? cfg.seccomp : TJ_DEFAULT_POLICY;
		*none = strcmp(name, "none") == 0;
		if (!*none)
			r = seccomp_find_policy(name, path_out, &err);
	}
	config_free(&cfg);
	if (r < 0) {
		tj_error_print(&err);
		return TJ_EXIT_SETUP;
	}
	return 0;
}

int cmd_policy(int argc, char **argv)
{
	/* argv[0] is "policy" */
	if (argc < 2 || strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0) {
		fputs(cmd_policy_usage, argc < 2 ? stderr : stdout);
		return argc < 2 ? TJ_EXIT_SETUP : 0;
	}
	const char *sub = argv[1];
	bool is_check = strcmp(sub, "check") == 0, is_explain = strcmp(sub, "explain") == 0;
	if (!is_check && !is_explain) {
		fprintf(stderr, "taskjail: policy: unknown command '%s' (check or explain)\n", sub);
		return TJ_EXIT_SETUP;
	}
	_cleanup_free_ char *path = NULL;
	struct tj_error err = { 0 };
	if (is_explain && argc == 4 && strcmp(argv[2], "--profile") == 0) {
		bool none = false;
		int r = profile_policy(argv[3], &path, &none);
		if (r)
			return r;
		if (none) {
			printf("# profile %s: \"seccomp\": \"none\" -- no filter, every syscall is allowed\n",
			       argv[3]);
			return 0;
		}
	} else if (argc == 3 && argv[2][0] != '-') {
		if (seccomp_find_policy(argv[2], &path, &err) < 0) {
			tj_error_print(&err);
			return TJ_EXIT_SETUP;
		}
	} else {
		fputs(cmd_policy_usage, stderr);
		return TJ_EXIT_SETUP;
	}
	return is_check ? check(path) : explain(path);
}

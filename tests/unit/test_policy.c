/* SPDX-License-Identifier: Apache-2.0 */
/* Policy parser: every error path names the file, the JSON path and the
 * reason; Docker's and Podman's published profiles and our own policies
 * load; rule selection (includes/excludes); the BPF simulator. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "bpfsim.h"
#include "policy.h"

static const char *src_dir(void)
{
	const char *s = getenv("TJ_SRC");
	return s ? s : ".";
}

struct bad_case {
	const char *json;
	const char *where;  /* JSON path expected in the message */
	const char *why;    /* reason expected in the message */
};

#define HEAD "{\"defaultAction\":\"SCMP_ACT_ERRNO\","
#define RULE(x) HEAD "\"syscalls\":[{\"names\":[\"read\"],\"action\":\"SCMP_ACT_ALLOW\"}," x "]}"
#define ARG(x) RULE("{\"names\":[\"socket\"],\"action\":\"SCMP_ACT_ALLOW\",\"args\":[" x "]}")

static const struct bad_case bad[] = {
	{ "{\"defaultAction\": ", "line 1", "invalid JSON near" },
	{ "{\"defaultAction\":\"SCMP_ACT_ALLOW\"} x", "line 1, column 36", "text after the JSON value" },
	{ "{\"defaultAction\":\"SCMP_ACT_ALLOW\"}\n{}", "line 2, column 1", "text after the JSON value" },
	{ "{\"defaultAction\":\"SCMP_ACT_ALLOW\",\"defaultAction\":\"SCMP_ACT_KILL\"}", "$.defaultAction",
	  "duplicate key (each key may appear once)" },
	{ RULE("{\"names\":[\"read\"],\"action\":\"SCMP_ACT_ALLOW\",\"action\":\"SCMP_ACT_KILL\"}"),
	  "$.syscalls[1].action", "duplicate key" },
	{ "[1,2]", "(top level)", "must be a JSON object, not an array" },
	{ "{}", "defaultAction", "missing" },
	{ "{\"defaultAction\":1}", "defaultAction", "must be a string, not a number" },
	{ "{\"defaultAction\":\"SCMP_ACT_MAYBE\"}", "defaultAction", "unknown action \"SCMP_ACT_MAYBE\"" },
	{ HEAD "\"defaultActon\":\"x\"}", "defaultActon", "unknown key" },
	{ HEAD "\"defaultErrnoRet\":-1}", "defaultErrnoRet", "bad errno" },
	{ HEAD "\"defaultErrnoRet\":4096}", "defaultErrnoRet", "bad errno 4096" },
	{ HEAD "\"defaultErrnoRet\":1.5}", "defaultErrnoRet", "bad errno" },
	{ HEAD "\"defaultErrnoRet\":\"1\"}", "defaultErrnoRet", "must be a number, not a string" },
	{ "{\"defaultAction\":\"SCMP_ACT_ALLOW\",\"defaultErrnoRet\":1}", "defaultErrnoRet",
	  "only SCMP_ACT_ERRNO and SCMP_ACT_TRACE take an errno" },
	{ HEAD "\"defaultErrno\":\"ENOTANERRNO\"}", "defaultErrno", "unknown errno name" },
	{ HEAD "\"defaultErrnoRet\":1,\"defaultErrno\":\"ENOSYS\"}", "defaultErrno", "ENOSYS is 38 but" },
	{ HEAD "\"architectures\":\"SCMP_ARCH_X86_64\"}", "architectures", "must be an array of strings" },
	{ HEAD "\"architectures\":[\"SCMP_ARCH_VAX\"]}", "architectures[0]", "unknown architecture" },
	{ HEAD "\"architectures\":[1]}", "architectures[0]", "must be a non-empty string" },
	{ HEAD "\"archMap\":[1]}", "archMap[0]", "must be an object" },
	{ HEAD "\"archMap\":[{}]}", "archMap[0].architecture", "missing" },
	{ HEAD "\"archMap\":[{\"architecture\":\"SCMP_ARCH_X86_64\",\"subArchitectures\":[\"SCMP_ARCH_Z\"]}]}",
	  "archMap[0].subArchitectures[0]", "unknown architecture" },
	{ HEAD "\"flags\":[\"SECCOMP_FILTER_FLAG_BOGUS\"]}", "flags[0]", "unknown or unsupported flag" },
	{ HEAD "\"listenerPath\":\"/run/agent.sock\"}", "listenerPath", "not supported" },
	{ HEAD "\"comment\":1}", "comment", "must be a string" },
	{ HEAD "\"syscalls\":{}}", "syscalls", "must be an array, not an object" },
	{ HEAD "\"syscalls\":[1]}", "syscalls[0]", "must be an object, not a number" },
	{ HEAD "\"syscalls\":[{\"action\":\"SCMP_ACT_ALLOW\"}]}", "syscalls[0].names", "missing" },
	{ HEAD "\"syscalls\":[{\"names\":[],\"action\":\"SCMP_ACT_ALLOW\"}]}", "syscalls[0].names", "must not be empty" },
	{ HEAD "\"syscalls\":[{\"names\":[7],\"action\":\"SCMP_ACT_ALLOW\"}]}", "syscalls[0].names[0]", "must be a non-empty string" },
	{ HEAD "\"syscalls\":[{\"names\":[\"\"],\"action\":\"SCMP_ACT_ALLOW\"}]}", "syscalls[0].names[0]", "must be a non-empty string" },
	{ HEAD "\"syscalls\":[{\"names\":[\"read\"]}]}", "syscalls[0].action", "missing" },
	{ RULE("{\"names\":[\"read\"],\"action\":\"SCMP_ACT_DENY\"}"), "syscalls[1].action", "unknown action \"SCMP_ACT_DENY\"" },
	{ RULE("{\"names\":[\"read\"],\"action\":\"SCMP_ACT_ALLOW\",\"errnoRet\":1}"), "syscalls[1].errnoRet",
	  "only SCMP_ACT_ERRNO and SCMP_ACT_TRACE take an errno, not SCMP_ACT_ALLOW" },
	{ RULE("{\"names\":[\"read\"],\"action\":\"SCMP_ACT_ERRNO\",\"errnoRet\":5000}"), "syscalls[1].errnoRet", "bad errno 5000" },
	{ RULE("{\"names\":[\"read\"],\"action\":\"SCMP_ACT_ERRNO\",\"errno\":\"EWHAT\"}"), "syscalls[1].errno", "unknown errno name \"EWHAT\"" },
	{ RULE("{\"names\":[\"read\"],\"action\":\"SCMP_ACT_ERRNO\",\"arg\":[]}"), "syscalls[1].arg", "unknown key" },
	{ RULE("{\"names\":[\"read\"],\"action\":\"SCMP_ACT_ALLOW\",\"args\":{}}"), "syscalls[1].args", "must be an array" },
	{ ARG("7"), "syscalls[1].args[0]", "must be an object" },
	{ ARG("{\"value\":1,\"op\":\"SCMP_CMP_EQ\"}"), "syscalls[1].args[0].index", "missing" },
	{ ARG("{\"index\":6,\"value\":1,\"op\":\"SCMP_CMP_EQ\"}"), "syscalls[1].args[0].index", "index 6 out of range" },
	{ ARG("{\"index\":-1,\"value\":1,\"op\":\"SCMP_CMP_EQ\"}"), "syscalls[1].args[0].index", "out of range" },
	{ ARG("{\"index\":\"0\",\"value\":1,\"op\":\"SCMP_CMP_EQ\"}"), "syscalls[1].args[0].index", "must be a number, not a string" },
	{ ARG("{\"index\":0,\"op\":\"SCMP_CMP_EQ\"}"), "syscalls[1].args[0].value", "missing" },
	{ ARG("{\"index\":0,\"value\":-2,\"op\":\"SCMP_CMP_EQ\"}"), "syscalls[1].args[0].value", "non-negative integer" },
	{ ARG("{\"index\":0,\"value\":18446744073709551615,\"op\":\"SCMP_CMP_EQ\"}"), "syscalls[1].args[0].value", "above 2^53" },
	{ ARG("{\"index\":0,\"value\":1,\"valueTwo\":true,\"op\":\"SCMP_CMP_EQ\"}"), "syscalls[1].args[0].valueTwo", "must be a number, not a boolean" },
	{ ARG("{\"index\":0,\"value\":1}"), "syscalls[1].args[0].op", "missing" },
	{ ARG("{\"index\":0,\"value\":1,\"op\":\"SCMP_CMP_LIKE\"}"), "syscalls[1].args[0].op", "unknown op \"SCMP_CMP_LIKE\"" },
	{ ARG("{\"index\":0,\"value\":1,\"op\":\"SCMP_CMP_EQ\",\"mask\":1}"), "syscalls[1].args[0].mask", "unknown key" },
	{ ARG("{\"index\":0,\"value\":18,\"op\":\"SCMP_CMP_GE\"},{\"index\":0,\"value\":39,\"op\":\"SCMP_CMP_LE\"}"),
	  "syscalls[1].args[1]", "argument 0 is already compared" },
	{ RULE("{\"names\":[\"read\"],\"action\":\"SCMP_ACT_ALLOW\",\"includes\":[]}"), "syscalls[1].includes", "must be an object" },
	{ RULE("{\"names\":[\"read\"],\"action\":\"SCMP_ACT_ALLOW\",\"includes\":{\"cap\":[]}}"), "syscalls[1].includes.cap", "unknown key" },
	{ RULE("{\"names\":[\"read\"],\"action\":\"SCMP_ACT_ALLOW\",\"excludes\":{\"caps\":\"CAP_SYS_ADMIN\"}}"),
	  "syscalls[1].excludes.caps", "must be an array of strings" },
	{ RULE("{\"names\":[\"read\"],\"action\":\"SCMP_ACT_ALLOW\",\"includes\":{\"minKernel\":\"4\"}}"),
	  "syscalls[1].includes.minKernel", "bad kernel version \"4\"" },
	{ RULE("{\"names\":[\"read\"],\"action\":\"SCMP_ACT_ALLOW\",\"includes\":{\"minKernel\":4.8}}"),
	  "syscalls[1].includes.minKernel", "must be a string" },
	{ RULE("{\"names\":[\"read\"],\"action\":\"SCMP_ACT_ALLOW\",\"comment\":[]}"), "syscalls[1].comment", "must be a string" },
};

static void test_bad_inputs(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct tj_error err = { 0 };
		struct policy *p = NULL;
		int r = policy_parse(bad[i].json, strlen(bad[i].json), "t.json", &p, &err);
		if (r != -EINVAL || p || !strstr(err.msg, "policy t.json: ") ||
		    !strstr(err.msg, bad[i].where) || !strstr(err.msg, bad[i].why)) {
			print_error("case %zu: %s\n  r=%d msg='%s'\n  want '%s' and '%s'\n", i,
				    bad[i].json, r, err.msg, bad[i].where, bad[i].why);
			fail();
		}
	}
}

static struct policy *load(const char *rel)
{
	char path[4096];
	struct tj_error err = { 0 };
	struct policy *p = NULL;
	snprintf(path, sizeof(path), "%s/%s", src_dir(), rel);
	int r = policy_load(path, &p, &err);
	if (r < 0)
		print_error("%s: %s\n", rel, err.msg);
	assert_int_equal(r, 0);
	return p;
}

/* Docker's and Podman's profiles, extracted from Debian's packages by
 * tests/install-deps.sh (not copied into this repository). */
static struct policy *load_fixture(const char *name)
{
	const char *d = getenv("TJ_FIXTURES");
	char path[4096];
	snprintf(path, sizeof(path), "%s/%s", d && *d ? d : "/var/cache/taskjail-fixtures", name);
	if (access(path, R_OK) != 0) {
		print_message("# %s missing: run tests/install-deps.sh as root\n", path);
		skip();
	}
	struct tj_error err = { 0 };
	struct policy *p = NULL;
	int r = policy_load(path, &p, &err);
	if (r < 0)
		print_error("%s: %s\n", path, err.msg);
	assert_int_equal(r, 0);
	return p;
}

static void test_docker_profile(void **state)
{
	(void)state;
	struct policy *p = load_fixture("docker-default.json");
	assert_int_equal(p->default_action, POLICY_ACT_ERRNO);
	/* Older profiles leave defaultErrnoRet out: EPERM then. */
	assert_true(!p->default_ret_set || p->default_ret == EPERM);
	assert_true(p->n_archmap >= 1);
	assert_true(p->n_rules > 10);
	/* clone3 -> ENOSYS, unless CAP_SYS_ADMIN: applies (we have no caps) */
	bool clone3 = false;
	for (size_t i = 0; i < p->n_rules; i++) {
		const struct policy_rule *r = &p->rules[i];
		/* (older profiles add a mips-only clone3 rule with mips' ENOSYS) */
		if (r->n_names == 1 && strcmp(r->names[0], "clone3") == 0 && r->action == POLICY_ACT_ERRNO &&
		    policy_rule_applies(r, "x86_64", 6, 1)) {
			assert_int_equal(r->ret, ENOSYS);
			clone3 = true;
		}
		/* every includes.caps rule is skipped: a sandbox has no caps */
		if (r->includes.n_caps)
			assert_false(policy_rule_applies(r, "x86_64", 6, 1));
	}
	assert_true(clone3);
	policy_free(p);
}

static void test_podman_profile(void **state)
{
	(void)state;
	struct policy *p = load_fixture("podman-default.json");
	/* Podman writes both defaultErrnoRet and the name */
	assert_int_equal(p->default_ret, ENOSYS);
	bool socket_audit = false;
	for (size_t i = 0; i < p->n_rules; i++) {
		const struct policy_rule *r = &p->rules[i];
		if (strcmp(r->names[0], "socket") == 0 && r->action == POLICY_ACT_ERRNO) {
			assert_int_equal(r->ret, EINVAL);
			assert_int_equal(r->n_args, 2);
			socket_audit = true;
		}
	}
	assert_true(socket_audit);
	policy_free(p);
}

/* Our own policies: they parse, and every deny says why. */
static void test_shipped_policies(void **state)
{
	(void)state;
	const char *names[] = { "policies/default.json", "policies/node.json", "policies/python.json" };
	for (size_t n = 0; n < 3; n++) {
		struct policy *p = load(names[n]);
		assert_int_equal(p->default_action, POLICY_ACT_ERRNO);
		assert_int_equal(p->default_ret, ENOSYS);
		for (size_t i = 0; i < p->n_rules; i++) {
			const struct policy_rule *r = &p->rules[i];
			if (r->action != POLICY_ACT_ALLOW && (!r->comment || strlen(r->comment) < 10)) {
				print_error("%s: syscalls[%zu] (%s) denies without a comment\n",
					    names[n], i, r->names[0]);
				fail();
			}
			/* hot syscalls stay argument-free (the kernel's action cache) */
			for (size_t k = 0; k < r->n_names; k++)
				if (r->n_args && (strcmp(r->names[k], "read") == 0 ||
						  strcmp(r->names[k], "write") == 0 ||
						  strcmp(r->names[k], "futex") == 0 ||
						  strcmp(r->names[k], "mmap") == 0 ||
						  strcmp(r->names[k], "epoll_wait") == 0 ||
						  strcmp(r->names[k], "ioctl") == 0))
					fail_msg("%s: %s has argument conditions", names[n], r->names[k]);
		}
		policy_free(p);
	}
}

static void test_conditions(void **state)
{
	(void)state;
	const char *j = "{\"defaultAction\":\"SCMP_ACT_ERRNO\",\"syscalls\":["
		"{\"names\":[\"a\"],\"action\":\"SCMP_ACT_ALLOW\",\"includes\":{\"arches\":[\"amd64\"]}},"
		"{\"names\":[\"b\"],\"action\":\"SCMP_ACT_ALLOW\",\"includes\":{\"arches\":[\"s390x\"]}},"
		"{\"names\":[\"c\"],\"action\":\"SCMP_ACT_ALLOW\",\"includes\":{\"minKernel\":\"4.8\"}},"
		"{\"names\":[\"d\"],\"action\":\"SCMP_ACT_ALLOW\",\"includes\":{\"minKernel\":\"7.0\"}},"
		"{\"names\":[\"e\"],\"action\":\"SCMP_ACT_ALLOW\",\"excludes\":{\"caps\":[\"CAP_SYS_ADMIN\"]}},"
		"{\"names\":[\"f\"],\"action\":\"SCMP_ACT_ALLOW\",\"excludes\":{\"arches\":[\"x86_64\"]}},"
		"{\"names\":[\"g\"],\"action\":\"SCMP_ACT_ALLOW\",\"includes\":{\"caps\":[\"CAP_BPF\"]}},"
		"{\"name\":\"h\",\"action\":\"SCMP_ACT_KILL\",\"args\":null,\"comment\":\"\"}]}";
	struct tj_error err = { 0 };
	struct policy *p = NULL;
	assert_int_equal(policy_parse(j, strlen(j), "c.json", &p, &err), 0);
	const bool want[] = { true, false, true, false, true, false, false, true };
	for (size_t i = 0; i < 8; i++)
		assert_int_equal(policy_rule_applies(&p->rules[i], "x86_64", 6, 18), want[i]);
	assert_int_equal(p->rules[7].action, POLICY_ACT_KILL_THREAD);
	assert_null(p->rules[7].comment);
	policy_free(p);
}

static void test_load_missing(void **state)
{
	(void)state;
	struct tj_error err = { 0 };
	struct policy *p = NULL;
	assert_int_equal(policy_load("/nonexistent/x.json", &p, &err), -ENOENT);
	assert_non_null(strstr(err.msg, "/nonexistent/x.json"));
}

/* A hand-assembled seccomp program: arch check, then nr == 39 -> ERRNO(13),
 * nr == 1 with a0 == 2 -> KILL, else ALLOW. */
static void test_bpfsim(void **state)
{
	(void)state;
	struct sock_filter prog[] = {
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, arch)),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, 0xc000003e, 1, 0),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_KILL_PROCESS),
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, nr)),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, 39, 0, 1),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ERRNO | 13),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, 1, 0, 3),
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, args[0])),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, 2, 0, 1),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_KILL_THREAD),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
	};
	size_t n = sizeof(prog) / sizeof(prog[0]);
	struct seccomp_data d = { .nr = 39, .arch = 0xc000003e };
	assert_int_equal(bpfsim_run(prog, n, &d), SECCOMP_RET_ERRNO | 13);
	d.nr = 1;
	d.args[0] = 2;
	assert_int_equal(bpfsim_run(prog, n, &d), SECCOMP_RET_KILL_THREAD);
	d.args[0] = 3;
	assert_int_equal(bpfsim_run(prog, n, &d), SECCOMP_RET_ALLOW);
	d.arch = 0x40000003; /* i386 */
	assert_int_equal(bpfsim_run(prog, n, &d), SECCOMP_RET_KILL_PROCESS);
	/* a jump past the end is refused, not followed */
	struct sock_filter wild[] = { BPF_JUMP(BPF_JMP | BPF_JA, 10, 0, 0) };
	assert_int_equal(bpfsim_run(wild, 1, &d), SECCOMP_RET_KILL_PROCESS);
	assert_true(bpfsim_has_action(prog, n, SECCOMP_RET_ERRNO));
	assert_false(bpfsim_has_action(prog, n, SECCOMP_RET_USER_NOTIF));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_bad_inputs),
		cmocka_unit_test(test_docker_profile),
		cmocka_unit_test(test_podman_profile),
		cmocka_unit_test(test_shipped_policies),
		cmocka_unit_test(test_conditions),
		cmocka_unit_test(test_load_missing),
		cmocka_unit_test(test_bpfsim),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

/* SPDX-License-Identifier: Apache-2.0 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <cmocka.h>

#include "config.h"
#include "env.h"

static int parse(const char *json, struct tj_config *cfg, struct tj_error *err)
{
	config_init_defaults(cfg);
	memset(err, 0, sizeof(*err));
	return config_parse_profile(json, strlen(json), "test.json", cfg, err);
}

static void test_defaults(void **s)
{
	(void)s;
	struct tj_config c;
	struct tj_error e;
	assert_int_equal(parse("{}", &c, &e), 0);
	assert_int_equal(c.tmpfs_size, 64ull << 20);
	assert_int_equal(c.net, TJ_NET_NONE);
	assert_int_equal(c.host_uid, 65532);
	assert_int_equal(c.proc_guard, TJ_PROC_GUARD_NAMESPACE);
	assert_false(c.tmp_exec);
	assert_int_equal(c.timeout_ms, 0);
	assert_int_equal(c.kill_after_ms, 5000);
	assert_int_equal(c.limit_memory, 0);
	assert_int_equal(c.limit_pids, 0);
	assert_int_equal(c.limit_cpu_milli, 0);
	config_free(&c);
}

static void test_limits_timeout(void **s)
{
	(void)s;
	struct tj_config c;
	struct tj_error e;
	assert_int_equal(parse("{\"limits\":{\"memory\":\"1G\",\"pids\":512,\"cpu\":1.5},"
			       "\"timeout\":30,\"kill_after\":0.25}", &c, &e), 0);
	assert_int_equal(c.limit_memory, 1ull << 30);
	assert_int_equal(c.limit_pids, 512);
	assert_int_equal(c.limit_cpu_milli, 1500);
	assert_int_equal(c.timeout_ms, 30000);
	assert_int_equal(c.kill_after_ms, 250);
	config_free(&c);
	assert_int_equal(parse("{\"limits\":{\"memory\":268435456}}", &c, &e), 0);
	assert_int_equal(c.limit_memory, 256ull << 20);
	config_free(&c);
}

static void test_full_profile(void **s)
{
	(void)s;
	struct tj_config c;
	struct tj_error e;
	const char *j = "{\"description\":\"x\",\"binds\":[\"/usr\",\"/a:/b\","
			"{\"src\":\"/opt\",\"dst\":\"/o\",\"rw\":true,\"optional\":true}],"
			"\"tmpfs_size\":\"128M\",\"tmp_exec\":true,\"net\":\"host\",\"workdir\":\"/tmp\","
			"\"hostname\":\"h\",\"seccomp\":\"node\",\"log_denials\":true,"
			"\"proc_guard\":\"strict\",\"host_uid\":1000,"
			"\"env\":{\"A\":\"1\",\"B\":\"2\"},\"env_allow\":[\"X\",\"Y\"],"
			"\"rlimits\":{\"nofile\":[512,1024],\"core\":0,\"as\":\"unlimited\"}}";
	assert_int_equal(parse(j, &c, &e), 0);
	assert_int_equal(c.n_binds, 3);
	assert_string_equal(c.binds[1].src, "/a");
	assert_string_equal(c.binds[1].dst, "/b");
	assert_false(c.binds[1].rw);
	assert_true(c.binds[2].rw);
	assert_true(c.binds[2].optional);
	assert_string_equal(c.binds[2].dst, "/o");
	assert_int_equal(c.tmpfs_size, 128ull << 20);
	assert_true(c.tmp_exec);
	assert_int_equal(c.net, TJ_NET_HOST);
	assert_string_equal(c.workdir, "/tmp");
	assert_string_equal(c.seccomp, "node");
	assert_true(c.log_denials);
	assert_int_equal(c.proc_guard, TJ_PROC_GUARD_STRICT);
	assert_int_equal(c.host_uid, 1000);
	assert_int_equal(c.n_env_set, 2);
	assert_int_equal(c.n_env_allow, 2);
	assert_int_equal(c.n_rlimits, 3);
	assert_int_equal(c.rlimits[0].resource, RLIMIT_NOFILE);
	assert_int_equal(c.rlimits[0].soft, 512);
	assert_int_equal(c.rlimits[0].hard, 1024);
	assert_int_equal(c.rlimits[2].soft, RLIM_INFINITY);
	config_free(&c);
}

/* Every error names the file, the JSON path and the reason. */
static void test_errors(void **s)
{
	(void)s;
	static const struct { const char *json; const char *msg; } t[] = {
		{ "[", "test.json: invalid JSON near line 1" },
		{ "{\n\"net\": \"none\",\n}", "invalid JSON near line 3" },
		{ "[]", "test.json: $: expected an object" },
		{ "{\"net\":\"none\"} x", "profile test.json: text after the JSON value at line 1, column 16" },
		{ "{\"net\":\"none\"}\n{\"net\":\"host\"}", "text after the JSON value at line 2, column 1" },
		{ "{\"net\":\"none\",\"net\":\"host\"}", "profile test.json: $.net: duplicate key (each key may appear once)" },
		{ "{\"env\":{\"A\":\"1\",\"B\":\"2\",\"A\":\"3\"}}", "$.env.A: duplicate key" },
		{ "{\"binds\":[\"/usr\",{\"src\":\"/a\",\"dst\":\"/b\",\"dst\":\"/c\"}]}", "$.binds[1].dst: duplicate key" },
		{ "{\"binds\":[\"/usr:/../x\"]}", "$.binds[0]: destination '/../x' leaves the sandbox root ('..' above /)" },
		{ "{\"binds\":[{\"src\":\"/usr\",\"dst\":\"/a/../../x\"}]}", "$.binds[0]: destination '/a/../../x' leaves the sandbox root" },
		{ "{\"binds\":[\"/usr:/x/..\"]}", "$.binds[0]: binding onto / is not allowed" },
		{ "{\"nope\":1}", "$.nope: unknown key" },
		{ "{\"net\":\"wifi\"}", "$.net: 'wifi' is not one of: none, host, relay" },
		{ "{\"net\":1}", "$.net: expected a string" },
		{ "{\"binds\":{}}", "$.binds: expected an array" },
		{ "{\"binds\":[\"usr\"]}", "$.binds[0]: 'usr' is not SRC[:DST]" },
		{ "{\"binds\":[\"/usr\", 5]}", "$.binds[1]: expected a string" },
		{ "{\"binds\":[{\"dst\":\"/x\"}]}", "$.binds[0]: missing \"src\"" },
		{ "{\"binds\":[{\"src\":\"/x\",\"mode\":1}]}", "$.binds[0].mode: unknown key" },
		{ "{\"binds\":[{\"src\":\"x\"}]}", "$.binds[0].src: 'x' is not an absolute path" },
		{ "{\"binds\":[{\"src\":\"/x\",\"rw\":1}]}", "$.binds[0].rw: expected true or false" },
		{ "{\"binds\":[\"/x:/\"]}", "$.binds[0]: binding onto / is not allowed" },
		{ "{\"tmpfs_size\":\"lots\"}", "$.tmpfs_size: 'lots' is not a size" },
		{ "{\"tmpfs_size\":\"99999999T\"}", "$.tmpfs_size: '99999999T' is above the maximum, 16777215T" },
		{ "{\"tmpfs_size\":1e300}", "$.tmpfs_size: 1.0000000000000001e+300 is above the maximum, 9000000000000000 bytes" },
		{ "{\"rlimits\":{\"nofile\":1e20}}", "$.rlimits.nofile: 1e+20 is above the maximum, 9000000000000000 (use \"unlimited\")" },
		{ "{\"rlimits\":{\"as\":[1,18446744073709551615]}}", "$.rlimits.as: 1.8446744073709552e+19 is above the maximum" },
		{ "{\"tmpfs_size\":0}", "$.tmpfs_size: expected a size string" },
		{ "{\"workdir\":\"tmp\"}", "$.workdir: 'tmp' is not an absolute path" },
		{ "{\"host_uid\":0}", "$.host_uid: expected a uid from 1" },
		{ "{\"host_uid\":-5}", "$.host_uid: expected a uid from 1" },
		{ "{\"env\":[]}", "$.env: expected an object" },
		{ "{\"env\":{\"A-B\":\"x\"}}", "$.env.A-B: invalid variable name" },
		{ "{\"env\":{\"A\":1}}", "$.env.A: expected a string" },
		{ "{\"env_allow\":[\"OK\",\"no way\"]}", "$.env_allow[1]: expected a variable name" },
		{ "{\"rlimits\":{\"bogus\":1}}", "$.rlimits.bogus: unknown limit" },
		{ "{\"rlimits\":{\"nofile\":[2,1]}}", "$.rlimits.nofile: soft limit above hard limit" },
		{ "{\"rlimits\":{\"nofile\":-1}}", "$.rlimits.nofile: expected a non-negative integer" },
		{ "{\"rlimits\":{\"nofile\":[1]}}", "$.rlimits.nofile: expected [soft, hard]" },
		{ "{\"proc_guard\":\"max\"}", "$.proc_guard: 'max' is not one of: namespace, strict, absent, self" },
		{ "{\"log_denials\":\"yes\"}", "$.log_denials: expected true or false" },
		{ "{\"tmp_exec\":\"no\"}", "$.tmp_exec: expected true or false" },
		{ "{\"tmp_exec\":0}", "$.tmp_exec: expected true or false" },
		{ "{\"hostname\":\"\"}", "$.hostname: must be 1 to 64 characters" },
		{ "{\"limits\":[]}", "$.limits: expected an object" },
		{ "{\"limits\":{\"swap\":1}}", "$.limits.swap: unknown limit" },
		{ "{\"limits\":{\"memory\":\"lots\"}}", "$.limits.memory: expected a size" },
		{ "{\"limits\":{\"memory\":1.5}}", "$.limits.memory: expected a size" },
		{ "{\"limits\":{\"pids\":0}}", "$.limits.pids: expected a number of processes" },
		{ "{\"limits\":{\"pids\":\"512\"}}", "$.limits.pids: expected a number of processes" },
		{ "{\"limits\":{\"cpu\":0}}", "$.limits.cpu: expected a number of CPUs" },
		{ "{\"timeout\":0}", "$.timeout: expected seconds" },
		{ "{\"timeout\":\"30\"}", "$.timeout: expected seconds" },
		{ "{\"kill_after\":90000}", "$.kill_after: expected seconds" },
	};
	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		struct tj_config c;
		struct tj_error e;
		int r = parse(t[i].json, &c, &e);
		if (r >= 0 || !strstr(e.msg, t[i].msg) || !strstr(e.msg, "profile test.json"))
			fail_msg("%s: r=%d msg='%s', want '%s'", t[i].json, r, e.msg, t[i].msg);
		config_free(&c);
	}
}

/* "tier": full by default; auto and restricted by name; nothing else. */
static void test_tier(void **s)
{
	(void)s;
	struct tj_config c;
	struct tj_error e;
	static const struct {
		const char *json;
		enum tj_tier want;
	} ok[] = {
		{ "{}", TJ_TIER_FULL },
		{ "{\"tier\":\"full\"}", TJ_TIER_FULL },
		{ "{\"tier\":\"auto\"}", TJ_TIER_AUTO },
		{ "{\"tier\":\"restricted\"}", TJ_TIER_RESTRICTED },
	};
	for (size_t i = 0; i < sizeof(ok) / sizeof(ok[0]); i++) {
		assert_int_equal(parse(ok[i].json, &c, &e), 0);
		assert_int_equal(c.tier, ok[i].want);
		config_free(&c);
	}
	assert_int_equal(parse("{\"tier\":\"partial\"}", &c, &e), -EINVAL);
	assert_non_null(strstr(e.msg, "test.json: $.tier: 'partial' is not one of: full, auto, restricted"));
	config_free(&c);
	assert_int_equal(parse("{\"tier\":1}", &c, &e), -EINVAL);
	assert_non_null(strstr(e.msg, "$.tier: expected a string"));
	config_free(&c);
}

static void test_proc_guard(void **s)
{
	(void)s;
	struct tj_config c;
	struct tj_error e;
	static const struct {
		const char *json;
		enum tj_proc_guard want;
	} ok[] = {
		{ "{}", TJ_PROC_GUARD_NAMESPACE },
		{ "{\"proc_guard\":\"namespace\"}", TJ_PROC_GUARD_NAMESPACE },
		{ "{\"proc_guard\":\"strict\"}", TJ_PROC_GUARD_STRICT },
		{ "{\"proc_guard\":\"absent\"}", TJ_PROC_GUARD_ABSENT },
		{ "{\"proc_guard\":\"self\"}", TJ_PROC_GUARD_SELF },
	};
	for (size_t i = 0; i < sizeof(ok) / sizeof(ok[0]); i++) {
		assert_int_equal(parse(ok[i].json, &c, &e), 0);
		assert_int_equal(c.proc_guard, ok[i].want);
		config_free(&c);
	}
	assert_int_equal(parse("{\"proc_guard\":\"Absent\"}", &c, &e), -EINVAL);
	assert_non_null(strstr(e.msg, "$.proc_guard: 'Absent' is not one of: namespace, strict, absent, self"));
	config_free(&c);
}

/* A NUL byte after the value is text after it too (a file of "{}\0..."). */
static void test_trailing_nul(void **s)
{
	(void)s;
	struct tj_config c;
	struct tj_error e = { 0 };
	static const char json[] = "{\"net\":\"none\"}\n\0{\"net\":\"host\"}";
	config_init_defaults(&c);
	assert_int_equal(config_parse_profile(json, sizeof(json) - 1, "test.json", &c, &e), -EINVAL);
	assert_string_equal(e.msg, "profile test.json: text after the JSON value at line 2, column 1 (one value per file)");
	config_free(&c);
}

static void test_env_build(void **s)
{
	(void)s;
	struct tj_config c;
	struct tj_error e;
	char *caller[] = { "PATH=/p", "LANG=C", "SECRET=x", "N8N_RUNNERS_AUTH_TOKEN=t",
			   "ALLOWED=yes", "TERM=dumb", "OVER=caller", NULL };
	assert_int_equal(parse("{\"env_allow\":[\"ALLOWED\",\"MISSING\",\"OVER\"],"
			       "\"env\":{\"OVER\":\"profile\",\"HOME\":\"/h\"}}", &c, &e), 0);
	assert_int_equal(config_add_env(&c, "OVER", 4, "cli", &e), 0);
	char **env;
	assert_int_equal(env_build(&c, caller, &env, &e), 0);
	assert_string_equal(env_get(env, "PATH"), "/p");
	assert_string_equal(env_get(env, "LANG"), "C");
	assert_string_equal(env_get(env, "TERM"), "dumb");
	assert_null(env_get(env, "TZ"));
	assert_null(env_get(env, "SECRET"));
	assert_null(env_get(env, "N8N_RUNNERS_AUTH_TOKEN"));
	assert_null(env_get(env, "MISSING"));
	assert_string_equal(env_get(env, "ALLOWED"), "yes");
	assert_string_equal(env_get(env, "OVER"), "cli");
	assert_string_equal(env_get(env, "HOME"), "/h");
	size_t n = 0;
	for (char **p = env; *p; p++)
		n++;
	assert_int_equal(n, 6); /* PATH LANG TERM HOME ALLOWED OVER */
	env_free(env);

	char *empty[] = { NULL };
	assert_int_equal(env_build(&c, empty, &env, &e), 0);
	assert_string_equal(env_get(env, "PATH"), ENV_DEFAULT_PATH);
	env_free(env);
	config_free(&c);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_defaults),
		cmocka_unit_test(test_full_profile),
		cmocka_unit_test(test_limits_timeout),
		cmocka_unit_test(test_errors),
		cmocka_unit_test(test_tier), cmocka_unit_test(test_proc_guard),
		cmocka_unit_test(test_trailing_nul), cmocka_unit_test(test_env_build),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

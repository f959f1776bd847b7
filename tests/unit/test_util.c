/* SPDX-License-Identifier: Apache-2.0 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <cmocka.h>

#include "util.h"

static void test_parse_size(void **s)
{
	(void)s;
	static const struct { const char *in; int r; uint64_t v; } t[] = {
		{ "64M", 0, 64ull << 20 },   { "64m", 0, 64ull << 20 },
		{ "1G", 0, 1ull << 30 },     { "512k", 0, 512ull << 10 },
		{ "4096", 0, 4096 },         { "2MiB", 0, 2ull << 20 },
		{ "3MB", 0, 3ull << 20 },    { "10B", 0, 10 },
		{ "1t", 0, 1ull << 40 },
		{ "", -EINVAL, 0 },          { "M", -EINVAL, 0 },
		{ "-1M", -EINVAL, 0 },       { "1.5G", -EINVAL, 0 },
		{ "12Q", -EINVAL, 0 },       { "1Mx", -EINVAL, 0 },
		{ "0", -ERANGE, 0 },         { "0M", -ERANGE, 0 },
		{ "99999999999999999999", -ERANGE, 0 },
		{ "17179869184G", -ERANGE, 0 },
		{ " 1M", -EINVAL, 0 },
	};
	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		uint64_t v = 0;
		int r = util_parse_size(t[i].in, &v);
		if (r != t[i].r)
			fail_msg("parse_size('%s') = %d, want %d", t[i].in, r, t[i].r);
		if (r == 0)
			assert_int_equal(v, t[i].v);
	}
	assert_int_equal(util_parse_size(NULL, &(uint64_t){ 0 }), -EINVAL);
}

static void test_parse_size_why(void **s)
{
	(void)s;
	assert_string_equal(util_parse_size_why("99999999999999999999", -ERANGE), "is above the maximum, 16777215T");
	assert_string_equal(util_parse_size_why("16777216T", -ERANGE), "is above the maximum, 16777215T");
	assert_string_equal(util_parse_size_why("000M", -ERANGE), "is zero");
	assert_string_equal(util_parse_size_why("1.5G", -EINVAL), "is not a size (e.g. 64M, 1G)");
}

static void test_parse_milli(void **s)
{
	(void)s;
	static const struct { const char *in; int r; uint64_t ms; } t[] = {
		{ "30", 0, 30000 },     { "1.5", 0, 1500 },   { "0.25", 0, 250 },
		{ "0.001", 0, 1 },      { "86400", 0, 86400000 },
		{ "0", -ERANGE, 0 },    { "0.0001", -EINVAL, 0 }, { "86401", -ERANGE, 0 },
		{ "", -EINVAL, 0 },     { ".5", -EINVAL, 0 },  { "5.", -EINVAL, 0 },
		{ "-1", -EINVAL, 0 },   { "5s", -EINVAL, 0 },  { "99999999999999999999999", -ERANGE, 0 },
	};
	for (size_t i = 0; i < ELEMENTSOF(t); i++) {
		uint64_t v = 0;
		int r = util_parse_milli(t[i].in, 86400000, &v);
		if (r != t[i].r)
			fail_msg("parse_milli('%s') = %d, want %d", t[i].in, r, t[i].r);
		if (r == 0)
			assert_int_equal(v, t[i].ms);
	}
}

static void test_parse_uint(void **s)
{
	(void)s;
	uint64_t v;
	assert_int_equal(util_parse_uint("65532", 1, 4294967294u, &v), 0);
	assert_int_equal(v, 65532);
	assert_int_equal(util_parse_uint("0", 1, 10, &v), -ERANGE);
	assert_int_equal(util_parse_uint("11", 1, 10, &v), -ERANGE);
	assert_int_equal(util_parse_uint("1a", 1, 10, &v), -EINVAL);
	assert_int_equal(util_parse_uint("", 1, 10, &v), -EINVAL);
	assert_int_equal(util_parse_uint("-1", 0, 10, &v), -EINVAL);
	assert_int_equal(util_parse_uint("184467440737095516160", 0, UINT64_MAX, &v), -ERANGE);
}

static void test_exit_codes(void **s)
{
	(void)s;
	assert_int_equal(util_exit_code_from_wait_status(0), 0);
	assert_int_equal(util_exit_code_from_wait_status(3 << 8), 3);
	assert_int_equal(util_exit_code_from_wait_status(255 << 8), 255);
	assert_int_equal(util_exit_code_from_wait_status(SIGKILL), 137);
	assert_int_equal(util_exit_code_from_wait_status(SIGTERM), 143);
	assert_int_equal(util_exit_code_from_wait_status(SIGSEGV | 0x80), 128 + SIGSEGV);
	assert_int_equal(util_exit_code_from_exec_errno(ENOENT), 127);
	assert_int_equal(util_exit_code_from_exec_errno(ENOTDIR), 127);
	assert_int_equal(util_exit_code_from_exec_errno(EACCES), 126);
	assert_int_equal(util_exit_code_from_exec_errno(ENOEXEC), 126);
	assert_int_equal(util_exit_code_from_exec_errno(EISDIR), 126);
}

static void test_env_name(void **s)
{
	(void)s;
	assert_true(util_env_name_valid("PATH", 4));
	assert_true(util_env_name_valid("_X1", 3));
	assert_false(util_env_name_valid("1X", 2));
	assert_false(util_env_name_valid("A-B", 3));
	assert_false(util_env_name_valid("", 0));
	assert_false(util_env_name_valid("A=B", 3));
}

static void test_split_bind(void **s)
{
	(void)s;
	char *a, *b;
	assert_int_equal(util_split_bind("/usr", &a, &b), 0);
	assert_string_equal(a, "/usr");
	assert_string_equal(b, "/usr");
	free(a);
	free(b);
	assert_int_equal(util_split_bind("/opt/x:/app", &a, &b), 0);
	assert_string_equal(a, "/opt/x");
	assert_string_equal(b, "/app");
	free(a);
	free(b);
	assert_int_equal(util_split_bind("usr", &a, &b), -EINVAL);
	assert_int_equal(util_split_bind("/a:b", &a, &b), -EINVAL);
	assert_int_equal(util_split_bind(":/b", &a, &b), -EINVAL);
	assert_int_equal(util_split_bind("/a:/b:/c", &a, &b), -EINVAL);
}

static void expect_norm(const char *in, int want_r, const char *want)
{
	char *out = NULL;
	int r = util_sandbox_path_normalize(in, &out);
	if (r != want_r)
		fail_msg("%s: got %d, want %d", in, r, want_r);
	if (want)
		assert_string_equal(out, want);
	else
		assert_null(out);
	free(out);
}

static void test_sandbox_path_normalize(void **s)
{
	(void)s;
	expect_norm("/usr", 0, "/usr");
	expect_norm("//usr///lib/", 0, "/usr/lib");
	expect_norm("/./a/./b/.", 0, "/a/b");
	expect_norm("/a/b/../c", 0, "/a/c");
	expect_norm("/a/..", 0, "/");
	expect_norm("/", 0, "/");
	expect_norm("/a/...", 0, "/a/...");
	expect_norm("/a/..b/.c", 0, "/a/..b/.c");
	/* leaving the root: refused, never clamped to "/" */
	expect_norm("/..", -EXDEV, NULL);
	expect_norm("/../var/tmp/x", -EXDEV, NULL);
	expect_norm("/../../x", -EXDEV, NULL);
	expect_norm("/a/../../x", -EXDEV, NULL);
	expect_norm("/a/./../b/../..", -EXDEV, NULL);
	expect_norm("a/b", -EINVAL, NULL);
	expect_norm("", -EINVAL, NULL);
}

static void test_json_escape(void **s)
{
	(void)s;
	char buf[64];
	util_json_escape(buf, sizeof(buf), "a\"b\\c\nd\x01");
	assert_string_equal(buf, "a\\\"b\\\\c\\nd\\u0001");
	char small[4];
	util_json_escape(small, sizeof(small), "\"\"\"");
	assert_string_equal(small, "\\\""); /* never splits an escape */
	util_json_escape(buf, sizeof(buf), NULL);
	assert_string_equal(buf, "");
	/* bytes that are not UTF-8 are escaped; valid characters are kept
	 * whole, also when the buffer ends inside one */
	util_json_escape(buf, sizeof(buf), "a\xff\xc3\xa9\xc3");
	assert_string_equal(buf, "a\\u00ff\xc3\xa9\\u00c3");
	util_json_escape(buf, sizeof(buf), "\xed\xa0\x80\xc0\xaf");
	assert_string_equal(buf, "\\u00ed\\u00a0\\u0080\\u00c0\\u00af");
	char four[4];
	util_json_escape(four, sizeof(four), "ab\xe2\x82\xac");
	assert_string_equal(four, "ab");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse_size),  cmocka_unit_test(test_parse_uint),
		cmocka_unit_test(test_parse_milli),
		cmocka_unit_test(test_exit_codes),  cmocka_unit_test(test_env_name),
		cmocka_unit_test(test_split_bind),  cmocka_unit_test(test_json_escape),
		cmocka_unit_test(test_sandbox_path_normalize), cmocka_unit_test(test_parse_size_why),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

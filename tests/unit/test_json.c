/* SPDX-License-Identifier: Apache-2.0 */
/* Strict parsing (json.c) and the event log's line shortening. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "json.h"

static void test_strict(void **s)
{
	(void)s;
	cJSON *root = NULL;
	struct tj_error e = { 0 };
	assert_int_equal(json_parse_strict("{\"a\":[{\"b\":1,\"c\":2}]}\n\t ", 23, "x", "f", &root, &e), 0);
	cJSON_Delete(root);
	/* an escaped backslash followed by u0000 is text, not a NUL */
	const char *esc = "{\"a\":\"\\\\u0000\"}";
	assert_int_equal(json_parse_strict(esc, strlen(esc), "x", "f", &root, &e), 0);
	cJSON_Delete(root);
	static const struct { const char *json; const char *msg; } bad[] = {
		{ "{} {}", "x f: text after the JSON value at line 1, column 4 (one value per file)" },
		{ "1 2", "x f: text after the JSON value at line 1, column 3 (one value per file)" },
		{ "{\"a\":1,\"a\":1}", "x f: $.a: duplicate key (each key may appear once)" },
		{ "{\"a\":[1,{\"b\":{\"c\":1,\"d\":2,\"c\":3}}]}", "x f: $.a[1].b.c: duplicate key (each key may appear once)" },
		{ "{\"a\":", "x f: invalid JSON near line 1, column 5" },
		/* a NUL would end the C string: "net\u0000x" read as "net" */
		{ "{\"net\\u0000x\":\"host\"}", "x f: \"\\u0000\" in a string at line 1, column 6 (a NUL byte cannot be part of a name or a value)" },
		{ "{\"a\":\"none\\u0000y\"}", "x f: \"\\u0000\" in a string at line 1, column 11 (a NUL byte cannot be part of a name or a value)" },
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		memset(&e, 0, sizeof(e));
		root = NULL;
		int r = json_parse_strict(bad[i].json, strlen(bad[i].json), "x", "f", &root, &e);
		if (r != -EINVAL || root || strcmp(e.msg, bad[i].msg) != 0)
			fail_msg("%s: r=%d msg='%s' want '%s'", bad[i].json, r, e.msg, bad[i].msg);
	}
}

static void test_members_valid(void **s)
{
	(void)s;
	const char *good = "\"event\":\"x\",\"a\":[1,2],\"b\":{\"c\":\"d\"}";
	assert_true(json_members_valid(good, strlen(good)));
	assert_true(json_members_valid("", 0));
	static const char *const bad[] = {
		"\"event\":\"x", "\"a\":1}", "\"a\":1,{", "\"a\":\"\x01\"", "\"a\":1},{\"b\":2",
		"\"a\":1,", "\"path\":\"\\u00", "1",
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		if (json_members_valid(bad[i], strlen(bad[i])))
			fail_msg("valid: %s", bad[i]);
	assert_false(json_members_valid("\"a\":1\0,\"b\":2", 13));
}

/* Shortened members are valid, fit, keep every key and number, and end
 * each cut value with the marker. */
static void check_shorten(const char *in, size_t max)
{
	char *out = malloc(max + 1);
	assert_non_null(out);
	size_t n = json_shorten_members(in, strlen(in), out, max);
	assert_true(n > 0 && n <= max);
	assert_int_equal(strlen(out), n);
	if (!json_members_valid(out, n))
		fail_msg("invalid after shortening to %zu: %s", max, out);
	assert_non_null(strstr(out, "...[truncated]\""));
	assert_non_null(strstr(out, "\"pid\":42"));
	free(out);
}

static void test_shorten(void **s)
{
	(void)s;
	size_t big = 20000;
	char *in = malloc(big * 7 + 200);
	assert_non_null(in);
	/* ASCII, escapes, 2/3/4-byte characters and \u escapes, in every
	 * alignment against the cut. */
	static const char *const units[] = { "a", "\\\"", "\\\\", "\xc3\xa9", "\xe2\x82\xac",
					     "\xf0\x9f\x98\x80", "\\u0001" };
	for (size_t u = 0; u < sizeof(units) / sizeof(units[0]); u++) {
		for (size_t shift = 0; shift < 7; shift++) {
			char *p = in;
			p += sprintf(p, "\"event\":\"deny\",\"path\":\"");
			for (size_t i = 0; i < shift; i++)
				*p++ = 'x';
			for (size_t i = 0; i < big / 8; i++)
				p += sprintf(p, "%s", units[u]);
			p += sprintf(p, "\",\"list\":[\"");
			for (size_t i = 0; i < 3000; i++)
				*p++ = 'y';
			sprintf(p, "\"],\"pid\":42");
			assert_true(json_members_valid(in, strlen(in)));
			check_shorten(in, 4000);
			check_shorten(in, 300);
		}
	}
	/* Keys are never cut; when they alone do not fit there is no result. */
	char key[600];
	memset(key, 'k', sizeof(key));
	snprintf(in, big, "\"%.*s\":1", (int)sizeof(key) - 1, key);
	char out[101];
	assert_int_equal(json_shorten_members(in, strlen(in), out, 100), 0);
	free(in);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_strict),
		cmocka_unit_test(test_members_valid),
		cmocka_unit_test(test_shorten),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

/* SPDX-License-Identifier: Apache-2.0 */
/* sysio_mountinfo_line: the /proc/self/mountinfo reader of proc_guard
 * absent's checks (mounts.c check_no_procfs, sysio_procfs_below). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "sysio.h"

static void test_fields(void **s)
{
	(void)s;
	char l1[] = "36 35 98:0 /mnt1 /mnt2 rw,noatime master:1 - ext3 /dev/root rw,errors=continue\n";
	struct sysio_mnt m;
	assert_true(sysio_mountinfo_line(l1, &m));
	assert_int_equal(m.id, 36);
	assert_int_equal(m.parent, 35);
	assert_string_equal(m.where, "/mnt2");
	assert_string_equal(m.fstype, "ext3");
	/* no optional fields, the type last on the line */
	char l2[] = "21 26 0:20 / /proc rw,nosuid - proc";
	assert_true(sysio_mountinfo_line(l2, &m));
	assert_string_equal(m.where, "/proc");
	assert_string_equal(m.fstype, "proc");
}

/* The kernel escapes space, tab, newline and backslash; " - " in a name
 * arrives as "\040-\040" and cannot be taken for the separator. */
static void test_escapes(void **s)
{
	(void)s;
	struct sysio_mnt m;
	char l1[] = "40 30 0:50 / /t/x\\040-\\040proc rw - proc proc rw";
	assert_true(sysio_mountinfo_line(l1, &m));
	assert_string_equal(m.where, "/t/x - proc");
	assert_string_equal(m.fstype, "proc");
	char l2[] = "40 30 0:50 / /a\\011b\\012c\\134d rw - tmpfs t rw";
	assert_true(sysio_mountinfo_line(l2, &m));
	assert_string_equal(m.where, "/a\tb\nc\\d");
	/* not an escape: kept as it is */
	char l3[] = "40 30 0:50 / /a\\9z\\04 rw - tmpfs t rw";
	assert_true(sysio_mountinfo_line(l3, &m));
	assert_string_equal(m.where, "/a\\9z\\04");
}

static void test_bad(void **s)
{
	(void)s;
	struct sysio_mnt m;
	static const char *const bad[] = {
		"", "\n", "36 35 98:0 /mnt1 /mnt2 rw", "36 35 98:0 /mnt1 - ext3 x y",
		"x 35 98:0 / /a rw - ext3 x y", "36 -1 98:0 / /a rw - ext3 x y",
		"36 35 98:0 / /a rw - ", "99999999999 1 0:1 / /a rw - proc p rw", " - proc",
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		char b[128];
		snprintf(b, sizeof(b), "%s", bad[i]);
		assert_false(sysio_mountinfo_line(b, &m));
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_fields),
		cmocka_unit_test(test_escapes),
		cmocka_unit_test(test_bad),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

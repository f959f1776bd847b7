/* SPDX-License-Identifier: Apache-2.0 */
/* The syscall-name table generated at build time (supervisor/
 * syscall_names_gen.c) against libseccomp's answer at run time, number by
 * number: denial lines name what libseccomp would have named. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <cmocka.h>
#include <seccomp.h> /* libseccomp: supervisor/ is on the quote path only */
#include <sys/syscall.h>

#include "syscall_names.h"

/* The numbers the generator looks at (its SCAN): none beyond the table. */
#define SCANNED 1024

static void test_arch(void **st)
{
	(void)st;
	assert_int_equal(SYSCALL_NAMES_ARCH, seccomp_arch_native());
	assert_true(SYSCALL_NAMES_N > 0 && SYSCALL_NAMES_N <= SCANNED);
}

static void test_every_number(void **st)
{
	(void)st;
	int named = 0;
	for (int nr = 0; nr < SCANNED; nr++) {
		char *want = seccomp_syscall_resolve_num_arch(SCMP_ARCH_NATIVE, nr);
		const char *got = nr < SYSCALL_NAMES_N ? syscall_names[nr] : NULL;
		if (want) {
			assert_non_null(got);
			assert_string_equal(got, want);
			named++;
		} else {
			assert_null(got);
		}
		free(want);
	}
	/* The last entry is a name (the table is no longer than it must be). */
	assert_non_null(syscall_names[SYSCALL_NAMES_N - 1]);
	assert_true(named > 300);
}

/* A few by the C library's own numbers, whatever the architecture. */
static void test_known(void **st)
{
	(void)st;
	assert_string_equal(syscall_names[__NR_openat], "openat");
	assert_string_equal(syscall_names[__NR_keyctl], "keyctl");
	assert_string_equal(syscall_names[__NR_process_vm_readv], "process_vm_readv");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_arch),
		cmocka_unit_test(test_every_number),
		cmocka_unit_test(test_known),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

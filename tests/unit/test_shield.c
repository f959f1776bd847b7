/* SPDX-License-Identifier: Apache-2.0 */
/* The shield filter, run through the BPF simulator. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <sys/syscall.h>
#include <errno.h>
#include <linux/audit.h>

#include "bpfsim.h"
#include "shield.h"

static uint32_t run3(bool guard, int nr, uint64_t a0, uint64_t a1, uint64_t a2)
{
	struct sock_filter prog[SHIELD_MAX];
	size_t n = shield_build(guard, prog);
	assert_true(n <= SHIELD_MAX);
	struct seccomp_data d = { .nr = nr, .arch = AUDIT_ARCH_X86_64, .args = { a0, a1, a2 } };
	return bpfsim_run(prog, n, &d);
}

static uint32_t run(bool guard, int nr, uint64_t a0)
{
	return run3(guard, nr, a0, 0, 0);
}

#define DENY (SECCOMP_RET_ERRNO | EPERM)
#define ALLOW SECCOMP_RET_ALLOW

static void test_prlimit(void **s)
{
	(void)s;
	for (int g = 0; g < 2; g++) {
		assert_int_equal(run(g, __NR_prlimit64, 0), ALLOW);
		assert_int_equal(run(g, __NR_prlimit64, 1), DENY);
		assert_int_equal(run(g, __NR_prlimit64, 2), DENY);
		assert_int_equal(run(g, __NR_prlimit64, 0x100000000ULL), ALLOW); /* the kernel reads pid 0 */
		assert_int_equal(run(g, __NR_prlimit64, 0x100000001ULL), DENY);
		assert_int_equal(run(g, __NR_getpid, 1), ALLOW);
	}
}

static void test_signals(void **s)
{
	(void)s;
	int calls[] = { __NR_kill, __NR_tkill, __NR_tgkill, __NR_rt_sigqueueinfo,
			__NR_rt_tgsigqueueinfo, __NR_pidfd_open };
	for (size_t i = 0; i < sizeof(calls) / sizeof(calls[0]); i++) {
		int nr = calls[i];
		assert_int_equal(run(true, nr, 2), DENY);
		assert_int_equal(run(true, nr, (uint64_t)-2), DENY);
		assert_int_equal(run(true, nr, (uint64_t)-1), DENY);
		assert_int_equal(run(true, nr, 0xffffffffULL), DENY);       /* -1 in the low half */
		assert_int_equal(run(true, nr, 0x700000002ULL), DENY);      /* 2 in the low half */
		assert_int_equal(run(true, nr, 3), ALLOW);
		assert_int_equal(run(true, nr, 0), ALLOW);
		assert_int_equal(run(true, nr, 1), ALLOW);
		/* without a guard pid 2 is the runner: no rule */
		assert_int_equal(run(false, nr, 2), ALLOW);
		assert_int_equal(run(false, nr, (uint64_t)-1), ALLOW);
	}
	/* Other ABIs: their numbers are not the native ones the checks know,
	 * so the shield refuses them all (a policy may allow i386 or x32). */
	struct sock_filter prog[SHIELD_MAX];
	struct seccomp_data d = { .nr = 37 /* i386 kill */, .arch = AUDIT_ARCH_I386, .args = { 2 } };
	assert_int_equal(bpfsim_run(prog, shield_build(true, prog), &d), SECCOMP_RET_ERRNO | ENOSYS);
	d.nr = 20; /* i386 getpid */
	assert_int_equal(bpfsim_run(prog, shield_build(false, prog), &d), SECCOMP_RET_ERRNO | ENOSYS);
	d = (struct seccomp_data){ .nr = 0x40000000u | __NR_kill, .arch = AUDIT_ARCH_X86_64, .args = { 2 } };
	assert_int_equal(bpfsim_run(prog, shield_build(true, prog), &d), SECCOMP_RET_ERRNO | ENOSYS);
	d.nr = 0x40000000u | __NR_prlimit64;
	d.args[0] = 1;
	assert_int_equal(bpfsim_run(prog, shield_build(false, prog), &d), SECCOMP_RET_ERRNO | ENOSYS);
}

static void test_owner(void **s)
{
	(void)s;
	assert_int_equal(run3(true, __NR_fcntl, 3, 8 /* F_SETOWN */, 2), DENY);
	assert_int_equal(run3(true, __NR_fcntl, 3, 8, (uint64_t)-2), DENY);
	assert_int_equal(run3(true, __NR_fcntl, 3, 8, 0x500000002ULL), DENY);
	assert_int_equal(run3(true, __NR_fcntl, 3, 8, 3), ALLOW);
	assert_int_equal(run3(true, __NR_fcntl, 3, 15 /* F_SETOWN_EX */, 0), DENY);
	assert_int_equal(run3(true, __NR_fcntl, 3, 10 /* F_SETSIG */, 19), ALLOW);
	assert_int_equal(run3(true, __NR_fcntl, 3, 2 /* F_SETFD */, 2), ALLOW);
	assert_int_equal(run3(true, __NR_ioctl, 3, 0x8901, 0), DENY);
	assert_int_equal(run3(true, __NR_ioctl, 3, 0x8902, 0), DENY);
	assert_int_equal(run3(true, __NR_ioctl, 3, 0x5401 /* TCGETS */, 0), ALLOW);
	assert_int_equal(run3(false, __NR_fcntl, 3, 8, 2), ALLOW);
	assert_int_equal(run3(false, __NR_ioctl, 3, 0x8901, 0), ALLOW);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_owner),
		cmocka_unit_test(test_prlimit),
		cmocka_unit_test(test_signals),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

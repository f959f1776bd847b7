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
	size_t n = shield_build(guard ? SHIELD_GUARD : 0, prog);
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
	assert_int_equal(bpfsim_run(prog, shield_build(SHIELD_GUARD, prog), &d), SECCOMP_RET_ERRNO | ENOSYS);
	d.nr = 20; /* i386 getpid */
	assert_int_equal(bpfsim_run(prog, shield_build(0, prog), &d), SECCOMP_RET_ERRNO | ENOSYS);
	d = (struct seccomp_data){ .nr = 0x40000000u | __NR_kill, .arch = AUDIT_ARCH_X86_64, .args = { 2 } };
	assert_int_equal(bpfsim_run(prog, shield_build(SHIELD_GUARD, prog), &d), SECCOMP_RET_ERRNO | ENOSYS);
	d.nr = 0x40000000u | __NR_prlimit64;
	d.args[0] = 1;
	assert_int_equal(bpfsim_run(prog, shield_build(0, prog), &d), SECCOMP_RET_ERRNO | ENOSYS);
}

/* proc_guard absent: statmount and listmount answer ENOSYS, nothing else
 * changes; without it they pass (the policy decides). */
static void test_mount_table(void **s)
{
	(void)s;
	struct sock_filter prog[SHIELD_MAX];
	for (int g = 0; g < 2; g++) {
		size_t n = shield_build((g ? SHIELD_GUARD : 0) | SHIELD_ABSENT, prog);
		assert_true(n <= SHIELD_MAX);
		for (int nr = 457; nr <= 458; nr++) {
			struct seccomp_data d = { .nr = nr, .arch = AUDIT_ARCH_X86_64 };
			assert_int_equal(bpfsim_run(prog, n, &d), SECCOMP_RET_ERRNO | ENOSYS);
			assert_int_equal(bpfsim_run(prog, shield_build(g ? SHIELD_GUARD : 0, prog), &d), ALLOW);
			n = shield_build((g ? SHIELD_GUARD : 0) | SHIELD_ABSENT, prog);
		}
		/* what reads a sibling's memory or files: EPERM under absent only */
		int mem[] = { __NR_ptrace, __NR_process_vm_readv, __NR_process_vm_writev, 438 /* pidfd_getfd */,
			      __NR_perf_event_open, __NR_open_by_handle_at };
		for (size_t i = 0; i < sizeof(mem) / sizeof(mem[0]); i++) {
			struct seccomp_data d = { .nr = mem[i], .arch = AUDIT_ARCH_X86_64 };
			assert_int_equal(bpfsim_run(prog, n, &d), DENY);
			assert_int_equal(bpfsim_run(prog, shield_build(g ? SHIELD_GUARD : 0, prog), &d), ALLOW);
			n = shield_build((g ? SHIELD_GUARD : 0) | SHIELD_ABSENT, prog);
		}
		struct seccomp_data d = { .nr = __NR_prlimit64, .arch = AUDIT_ARCH_X86_64, .args = { 1 } };
		assert_int_equal(bpfsim_run(prog, n, &d), DENY);
		d = (struct seccomp_data){ .nr = __NR_getpid, .arch = AUDIT_ARCH_X86_64 };
		assert_int_equal(bpfsim_run(prog, n, &d), ALLOW);
		d = (struct seccomp_data){ .nr = __NR_mount, .arch = AUDIT_ARCH_X86_64 };
		assert_int_equal(bpfsim_run(prog, n, &d), ALLOW);
		d = (struct seccomp_data){ .nr = __NR_kill, .arch = AUDIT_ARCH_X86_64, .args = { 2 } };
		assert_int_equal(bpfsim_run(prog, n, &d), g ? DENY : ALLOW);
	}
}

/* node: SIGUSR1 refused to any process on its low 32 bits (the kernel
 * reads an int), other signals and the guard's rules unchanged. */
static void test_sigusr1(void **s)
{
	(void)s;
	struct sock_filter prog[SHIELD_MAX];
	struct { int nr, arg; } calls[] = { { __NR_kill, 1 }, { __NR_tkill, 1 }, { __NR_tgkill, 2 },
		{ __NR_rt_sigqueueinfo, 1 }, { __NR_rt_tgsigqueueinfo, 2 }, { 424 /* pidfd_send_signal */, 1 } };
	for (int g = 0; g < 2; g++) {
		unsigned f = SHIELD_NO_SIGUSR1 | (g ? SHIELD_GUARD : 0);
		size_t n = shield_build(f, prog);
		assert_true(n <= SHIELD_MAX);
		for (size_t i = 0; i < sizeof(calls) / sizeof(calls[0]); i++) {
			struct seccomp_data d = { .nr = calls[i].nr, .arch = AUDIT_ARCH_X86_64 };
			d.args[0] = 3;
			d.args[calls[i].arg] = 10;
			assert_int_equal(bpfsim_run(prog, n, &d), DENY);
			d.args[calls[i].arg] = (1ULL << 32) | 10; /* the kernel sees SIGUSR1 */
			assert_int_equal(bpfsim_run(prog, n, &d), DENY);
			/* with a guard, pidfd_send_signal is refused whatever the
			 * signal (its target is an fd: /proc/2 would do) */
			unsigned other = g && calls[i].nr == 424 ? DENY : ALLOW;
			d.args[calls[i].arg] = 15;
			assert_int_equal(bpfsim_run(prog, n, &d), other);
			d.args[calls[i].arg] = 10;
			assert_int_equal(bpfsim_run(prog, shield_build(g ? SHIELD_GUARD : 0, prog), &d), other);
			n = shield_build(f, prog);
		}
		/* the guard's own rule still holds after the SIGUSR1 blocks */
		struct seccomp_data d = { .nr = __NR_kill, .arch = AUDIT_ARCH_X86_64, .args = { 2, 15 } };
		assert_int_equal(bpfsim_run(prog, n, &d), g ? DENY : ALLOW);
	}
}

/* With the guard: prctl(PR_SET_SECCOMP) refused on its low 32 bits. */
static void test_prctl_seccomp(void **s)
{
	(void)s;
	struct sock_filter prog[SHIELD_MAX];
	size_t n = shield_build(SHIELD_GUARD, prog);
	struct seccomp_data d = { .nr = __NR_prctl, .arch = AUDIT_ARCH_X86_64, .args = { 22 } };
	assert_int_equal(bpfsim_run(prog, n, &d), DENY);
	d.args[0] = (1ULL << 32) | 22;
	assert_int_equal(bpfsim_run(prog, n, &d), DENY);
	d.args[0] = 15; /* PR_SET_NAME */
	assert_int_equal(bpfsim_run(prog, n, &d), ALLOW);
	d.args[0] = 22;
	assert_int_equal(bpfsim_run(prog, shield_build(0, prog), &d), ALLOW);
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

static uint32_t rrun(bool listen, int nr, uint64_t a0, uint64_t a1, uint64_t a2, uint64_t a3)
{
	struct sock_filter prog[SHIELD_RESTRICTED_MAX];
	size_t n = shield_restricted_build(listen, prog);
	assert_true(n <= SHIELD_RESTRICTED_MAX);
	struct seccomp_data d = { .nr = nr, .arch = AUDIT_ARCH_X86_64, .args = { a0, a1, a2, a3 } };
	return bpfsim_run(prog, n, &d);
}

static void test_restricted_attrs(void **s)
{
	(void)s;
	int calls[] = { __NR_chmod, __NR_fchmod, __NR_fchmodat, 452 /* fchmodat2 */, __NR_chown,
			__NR_fchown, __NR_lchown, __NR_fchownat, __NR_utime, __NR_utimes, __NR_utimensat,
			__NR_futimesat, __NR_setxattr, __NR_lsetxattr, __NR_fsetxattr, 463 /* setxattrat */,
			__NR_removexattr, __NR_lremovexattr, __NR_fremovexattr, 466 /* removexattrat */,
			__NR_inotify_init, __NR_inotify_init1, __NR_fanotify_init, __NR_io_uring_setup,
			457 /* statmount */, 458 /* listmount */, __NR_ptrace, __NR_process_vm_readv,
			__NR_process_vm_writev, 438 /* pidfd_getfd */, __NR_perf_event_open };
	for (size_t i = 0; i < sizeof(calls) / sizeof(calls[0]); i++) {
		assert_int_equal(rrun(false, calls[i], 0, 0, 0, 0), DENY);
		assert_int_equal(rrun(true, calls[i], 0, 0, 0, 0), DENY);
	}
	assert_int_equal(rrun(false, __NR_openat2, 0, 0, 0, 0), SECCOMP_RET_ERRNO | ENOSYS);
	assert_int_equal(rrun(false, __NR_read, 0, 0, 0, 0), ALLOW);
	assert_int_equal(rrun(false, __NR_getxattr, 0, 0, 0, 0), ALLOW);
	assert_int_equal(rrun(false, __NR_unlink, 0, 0, 0, 0), ALLOW);
	/* other ABIs */
	struct sock_filter prog[SHIELD_RESTRICTED_MAX];
	struct seccomp_data d = { .nr = 15 /* i386 chmod */, .arch = AUDIT_ARCH_I386 };
	assert_int_equal(bpfsim_run(prog, shield_restricted_build(false, prog), &d), SECCOMP_RET_ERRNO | ENOSYS);
	d = (struct seccomp_data){ .nr = 0x40000000u | __NR_chmod, .arch = AUDIT_ARCH_X86_64 };
	assert_int_equal(bpfsim_run(prog, shield_restricted_build(false, prog), &d), SECCOMP_RET_ERRNO | ENOSYS);
}

static void test_restricted_modes(void **s)
{
	(void)s;
	/* open(path, flags, mode), openat(dfd, path, flags, mode), ... */
	assert_int_equal(rrun(false, __NR_open, 0, 0x41, 0644, 0), ALLOW);
	assert_int_equal(rrun(false, __NR_open, 0, 0x41, 04755, 0), DENY);
	assert_int_equal(rrun(false, __NR_open, 0, 0x41, 02755, 0), DENY);
	assert_int_equal(rrun(false, __NR_openat, 0, 0, 0x41, 0666), ALLOW);
	assert_int_equal(rrun(false, __NR_openat, 0, 0, 0x41, 04755), DENY);
	assert_int_equal(rrun(false, __NR_openat, 0, 0, 0x41, 01777), ALLOW);
	assert_int_equal(rrun(false, __NR_creat, 0, 06755, 0, 0), DENY);
	assert_int_equal(rrun(false, __NR_creat, 0, 0755, 0, 0), ALLOW);
	assert_int_equal(rrun(false, __NR_mkdir, 0, 02700, 0, 0), DENY);
	assert_int_equal(rrun(false, __NR_mkdir, 0, 0777, 0, 0), ALLOW);
	assert_int_equal(rrun(false, __NR_mkdirat, 0, 0, 02700, 0), DENY);
	assert_int_equal(rrun(false, __NR_mkdirat, 0, 0, 0700, 0), ALLOW);
	assert_int_equal(rrun(false, __NR_mknod, 0, 0104755, 0, 0), DENY);
	assert_int_equal(rrun(false, __NR_mknodat, 0, 0, 0, 0104755), DENY);
	assert_int_equal(rrun(false, __NR_mknodat, 0, 0, 0, 0010600), ALLOW);
}

static void test_restricted_sockets(void **s)
{
	(void)s;
	assert_int_equal(rrun(false, __NR_socket, 1, 1, 0, 0), ALLOW);           /* unix */
	assert_int_equal(rrun(false, __NR_socket, 1, 5, 0, 0), ALLOW);
	assert_int_equal(rrun(false, __NR_socket, 2, 1, 0, 0), ALLOW);           /* tcp */
	assert_int_equal(rrun(false, __NR_socket, 2, 1 | 02000000 | 04000, 6, 0), ALLOW); /* flags */
	assert_int_equal(rrun(false, __NR_socket, 10, 2, 0, 0), ALLOW);          /* udp6 */
	assert_int_equal(rrun(false, __NR_socket, 10, 2, 17, 0), ALLOW);
	assert_int_equal(rrun(false, __NR_socket, 2, 1, 262, 0), DENY);          /* MPTCP */
	assert_int_equal(rrun(false, __NR_socket, 10, 1, 262, 0), DENY);
	assert_int_equal(rrun(false, __NR_socket, 2, 1, 132, 0), DENY);          /* SCTP */
	assert_int_equal(rrun(false, __NR_socket, 2, 5, 0, 0), DENY);            /* SEQPACKET: SCTP */
	assert_int_equal(rrun(false, __NR_socket, 2, 2, 1, 0), DENY);            /* ICMP */
	assert_int_equal(rrun(false, __NR_socket, 2, 2, 136, 0), DENY);          /* UDPLITE */
	assert_int_equal(rrun(false, __NR_socket, 2, 3, 0, 0), DENY);            /* raw */
	assert_int_equal(rrun(false, __NR_socket, 2, 1, 0x100000000ULL + 262, 0), DENY);
	assert_int_equal(rrun(false, __NR_socket, 16, 3, 0, 0), ALLOW);          /* netlink route */
	assert_int_equal(rrun(false, __NR_socket, 16, 3, 4, 0), DENY);           /* sock_diag */
	assert_int_equal(rrun(false, __NR_socket, 17, 3, 0, 0), DENY);           /* packet */
	assert_int_equal(rrun(false, __NR_socket, 43, 1, 0, 0), DENY);           /* smc */
	assert_int_equal(rrun(false, __NR_listen, 3, 1, 0, 0), DENY);
	assert_int_equal(rrun(true, __NR_listen, 3, 1, 0, 0), ALLOW);
	assert_int_equal(rrun(false, __NR_socketpair, 1, 1, 0, 0), ALLOW);
}

static void test_restricted_procs(void **s)
{
	(void)s;
	int calls[] = { __NR_prlimit64, __NR_sched_setaffinity, __NR_sched_setscheduler,
			__NR_sched_setparam, __NR_sched_setattr, __NR_migrate_pages, __NR_move_pages };
	for (size_t i = 0; i < sizeof(calls) / sizeof(calls[0]); i++) {
		assert_int_equal(rrun(false, calls[i], 0, 0, 0, 0), ALLOW);
		assert_int_equal(rrun(false, calls[i], 1, 0, 0, 0), DENY);
		assert_int_equal(rrun(false, calls[i], 0x100000000ULL, 0, 0, 0), ALLOW);
	}
	assert_int_equal(rrun(false, __NR_setpriority, 0, 0, 19, 0), ALLOW);   /* PRIO_PROCESS self */
	assert_int_equal(rrun(false, __NR_setpriority, 1, 0, 19, 0), ALLOW);   /* own group */
	assert_int_equal(rrun(false, __NR_setpriority, 2, 0, 19, 0), DENY);    /* PRIO_USER */
	assert_int_equal(rrun(false, __NR_setpriority, 0, 1234, 19, 0), DENY);
	assert_int_equal(rrun(false, __NR_ioprio_set, 1, 0, 0, 0), ALLOW);
	assert_int_equal(rrun(false, __NR_ioprio_set, 1, 77, 0, 0), DENY);
	assert_int_equal(rrun(false, __NR_ioprio_set, 3, 0, 0, 0), DENY);      /* IOPRIO_WHO_USER */
	assert_int_equal(rrun(false, __NR_getpriority, 2, 0, 0, 0), ALLOW);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_owner), cmocka_unit_test(test_mount_table),
		cmocka_unit_test(test_sigusr1), cmocka_unit_test(test_prctl_seccomp),
		cmocka_unit_test(test_prlimit),
		cmocka_unit_test(test_signals),
		cmocka_unit_test(test_restricted_attrs),
		cmocka_unit_test(test_restricted_modes),
		cmocka_unit_test(test_restricted_sockets),
		cmocka_unit_test(test_restricted_procs),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

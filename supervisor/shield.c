/* SPDX-License-Identifier: Apache-2.0 */
#include "shield.h"

#include <errno.h>
#include <stddef.h>
#include <sys/syscall.h>
#include <unistd.h>
#include <linux/audit.h>
#include <linux/seccomp.h>

#if defined(__x86_64__)
#define SHIELD_ARCH AUDIT_ARCH_X86_64
#elif defined(__aarch64__)
#define SHIELD_ARCH AUDIT_ARCH_AARCH64
#endif

#define LD_W(off) (struct sock_filter)BPF_STMT(BPF_LD | BPF_W | BPF_ABS, (off))
#define JEQ(k, t, f) (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, (k), (t), (f))
#define RET(k) (struct sock_filter)BPF_STMT(BPF_RET | BPF_K, (k))
#define ARG0_LO (offsetof(struct seccomp_data, args) + \
		 (__BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__ ? 0 : 4))

size_t shield_build(bool guard, struct sock_filter *prog)
{
	size_t n = 0;
#ifdef SHIELD_ARCH
	static const int sig_calls[] = {
		__NR_kill, __NR_tkill, __NR_tgkill, __NR_rt_sigqueueinfo,
		__NR_rt_tgsigqueueinfo, __NR_pidfd_open,
	};
	const size_t ns = guard ? sizeof(sig_calls) / sizeof(sig_calls[0]) : 0;
	prog[n++] = LD_W(offsetof(struct seccomp_data, arch));
	prog[n++] = JEQ(SHIELD_ARCH, 1, 0);
	prog[n++] = RET(SECCOMP_RET_ALLOW); /* the policy kills other ABIs */
	prog[n++] = LD_W(offsetof(struct seccomp_data, nr));
	/* prlimit64: pid (low half) must be 0 */
	prog[n++] = JEQ(__NR_prlimit64, 0, 3);
	prog[n++] = LD_W(ARG0_LO);
	prog[n++] = JEQ(0, 0, (unsigned char)(ns ? ns + 7 : 2)); /* -> ERRNO */
	prog[n++] = RET(SECCOMP_RET_ALLOW);
	/* the signal calls: jump to the pid check when nr matches */
	for (size_t i = 0; i < ns; i++)
		prog[n++] = JEQ((unsigned)sig_calls[i], (unsigned char)(ns - i), 0);
	prog[n++] = RET(SECCOMP_RET_ALLOW);
	if (ns) {
		prog[n++] = LD_W(ARG0_LO);
		prog[n++] = JEQ(SHIELD_GUARD_PID, 3, 0);
		prog[n++] = JEQ((unsigned)-SHIELD_GUARD_PID, 2, 0);
		prog[n++] = JEQ((unsigned)-1, 1, 0);
		prog[n++] = RET(SECCOMP_RET_ALLOW);
	}
	prog[n++] = RET(SECCOMP_RET_ERRNO | EPERM);
#else
	(void)guard;
	prog[n++] = RET(SECCOMP_RET_ALLOW);
#endif
	return n;
}

int shield_install(bool guard)
{
	struct sock_filter prog[SHIELD_MAX];
	struct sock_fprog fp = { .len = (unsigned short)shield_build(guard, prog), .filter = prog };
	if (syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, 0, &fp) < 0)
		return -errno;
	return 0;
}

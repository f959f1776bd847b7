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
#define ARG_LO(i) (offsetof(struct seccomp_data, args) + 8 * (i) + \
		   (__BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__ ? 0 : 4))
#define JGE(k, t, f) (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JGE | BPF_K, (k), (t), (f))
#define DENY (SECCOMP_RET_ERRNO | EPERM)
#define FOREIGN (SECCOMP_RET_ERRNO | ENOSYS)
#define X32_BIT 0x40000000u /* __X32_SYSCALL_BIT */

/* One block per syscall: "if nr == X: load argument `arg` (low half) and
 * answer DENY when it equals one of vals[] (or, with `deny_other`, when it
 * equals none of them), else ALLOW". Blocks end in RETs, so each starts by
 * loading nr again. */
static size_t block(struct sock_filter *prog, size_t n, unsigned nr, unsigned arg,
		    const unsigned *vals, size_t nv, bool deny_other)
{
	prog[n++] = LD_W(offsetof(struct seccomp_data, nr));
	size_t jnr = n++; /* patched: skip the block */
	prog[n++] = LD_W(ARG_LO(arg));
	for (size_t i = 0; i < nv; i++) /* match -> the RET after next */
		prog[n++] = JEQ(vals[i], (unsigned char)(nv - i), 0);
	prog[n++] = RET(deny_other ? DENY : SECCOMP_RET_ALLOW);
	prog[n++] = RET(deny_other ? SECCOMP_RET_ALLOW : DENY);
	prog[jnr] = JEQ(nr, 0, (unsigned char)(n - jnr - 1));
	return n;
}

size_t shield_build(bool guard, struct sock_filter *prog)
{
	size_t n = 0;
#ifdef SHIELD_ARCH
	/* The checks below compare native system call numbers: another ABI
	 * (i386, x32 on x86_64; a policy may list them as subArchitectures)
	 * would pass them with its own numbers, so it gets none. */
	prog[n++] = LD_W(offsetof(struct seccomp_data, arch));
	prog[n++] = JEQ(SHIELD_ARCH, 1, 0);
	prog[n++] = RET(FOREIGN);
#ifdef __x86_64__
	prog[n++] = LD_W(offsetof(struct seccomp_data, nr));
	prog[n++] = JGE(X32_BIT, 0, 1);
	prog[n++] = RET(FOREIGN);
#endif
	/* prlimit64: only pid 0 (the caller) */
	static const unsigned zero[] = { 0 };
	n = block(prog, n, __NR_prlimit64, 0, zero, 1, true);
	if (guard) {
		static const unsigned sig_calls[] = {
			__NR_kill, __NR_tkill, __NR_tgkill, __NR_rt_sigqueueinfo,
			__NR_rt_tgsigqueueinfo, __NR_pidfd_open,
		};
		/* the guard, its process group, every process */
		static const unsigned targets[] = {
			SHIELD_GUARD_PID, (unsigned)-SHIELD_GUARD_PID, (unsigned)-1,
		};
		for (size_t i = 0; i < sizeof(sig_calls) / sizeof(sig_calls[0]); i++)
			n = block(prog, n, sig_calls[i], 0, targets, 3, false);
		/* SIGIO/SIGURG (or any signal, F_SETSIG) sent by the kernel to a
		 * file's owner: the guard may not be made one. F_SETOWN_EX and
		 * the two ioctls take the pid in memory: refused outright (no
		 * runtime needs them). fcntl's pid is the third argument. */
		static const unsigned own_cmds[] = { 15 /* F_SETOWN_EX */ };
		static const unsigned owner_ioctls[] = { 0x8901 /* FIOSETOWN */, 0x8902 /* SIOCSPGRP */ };
		n = block(prog, n, __NR_ioctl, 1, owner_ioctls, 2, false);
		/* fcntl: F_SETOWN_EX refused; F_SETOWN checked on its pid */
		prog[n++] = LD_W(offsetof(struct seccomp_data, nr));
		prog[n++] = JEQ(__NR_fcntl, 0, 8);
		prog[n++] = LD_W(ARG_LO(1));
		prog[n++] = JEQ(own_cmds[0], 5, 0);
		prog[n++] = JEQ(8 /* F_SETOWN */, 0, 3);
		prog[n++] = LD_W(ARG_LO(2));
		prog[n++] = JEQ(SHIELD_GUARD_PID, 2, 0);
		prog[n++] = JEQ((unsigned)-SHIELD_GUARD_PID, 1, 0);
		prog[n++] = RET(SECCOMP_RET_ALLOW);
		prog[n++] = RET(DENY);
	}
	prog[n++] = RET(SECCOMP_RET_ALLOW);
	_Static_assert(6 + 6 + 6 * 8 + 7 + 10 + 1 <= SHIELD_MAX, "SHIELD_MAX");
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

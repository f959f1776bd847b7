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
#define NELEM(a) (sizeof(a) / sizeof((a)[0]))

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

#ifdef SHIELD_ARCH
/* Both filters compare native system call numbers: another ABI (i386, x32
 * on x86_64; a policy may list them as subArchitectures) would pass them
 * with its own numbers, so it gets none. Leaves nr in A. */
static size_t foreign_abi(struct sock_filter *prog, size_t n)
{
	prog[n++] = LD_W(offsetof(struct seccomp_data, arch));
	prog[n++] = JEQ(SHIELD_ARCH, 1, 0);
	prog[n++] = RET(FOREIGN);
	prog[n++] = LD_W(offsetof(struct seccomp_data, nr));
#ifdef __x86_64__
	prog[n++] = JGE(X32_BIT, 0, 1);
	prog[n++] = RET(FOREIGN);
#endif
	return n;
}
#endif

#ifndef __NR_statmount
#define __NR_statmount 457
#endif
#ifndef __NR_listmount
#define __NR_listmount 458
#endif

/* "if nr == X and argument `arg` (low half) == val: DENY", else fall
 * through to what follows (A then holds nr or the argument: every block
 * after loads nr first). */
static size_t deny_if(struct sock_filter *prog, size_t n, unsigned nr, unsigned arg, unsigned val)
{
	prog[n++] = LD_W(offsetof(struct seccomp_data, nr));
	prog[n++] = JEQ(nr, 0, 3);
	prog[n++] = LD_W(ARG_LO(arg));
	prog[n++] = JEQ(val, 0, 1);
	prog[n++] = RET(DENY);
	return n;
}

size_t shield_build(unsigned flags, struct sock_filter *prog)
{
	size_t n = 0;
	bool guard = flags & SHIELD_GUARD, absent = flags & SHIELD_ABSENT;
#ifdef SHIELD_ARCH
	n = foreign_abi(prog, n);
	/* Before the guard's blocks for the same calls, which end in ALLOW. */
	if (flags & SHIELD_NO_SIGUSR1) {
		static const struct { unsigned nr, arg; } sig[] = {
			{ __NR_kill, 1 }, { __NR_tkill, 1 }, { __NR_tgkill, 2 },
			{ __NR_rt_sigqueueinfo, 1 }, { __NR_rt_tgsigqueueinfo, 2 }, { __NR_pidfd_send_signal, 1 },
		};
		for (size_t i = 0; i < NELEM(sig); i++)
			n = deny_if(prog, n, sig[i].nr, sig[i].arg, 10 /* SIGUSR1 */);
	}
	if (guard)
		n = deny_if(prog, n, __NR_prctl, 0, 22 /* PR_SET_SECCOMP */);
	/* prlimit64: only pid 0 (the caller) */
	static const unsigned zero[] = { 0 };
	n = block(prog, n, __NR_prlimit64, 0, zero, 1, true);
	/* proc_guard absent, whatever the policy allows: the mount table
	 * without a procfs (Linux >= 6.8; ENOSYS, as on an older kernel), and
	 * what reads another process's memory or files without /proc (EPERM,
	 * as strict's rules refuse them): a sibling's stack holds the
	 * runner's environment block. */
	if (absent) {
		static const unsigned enosys[] = { __NR_statmount, __NR_listmount };
		static const unsigned eperm[] = { __NR_ptrace, __NR_process_vm_readv, __NR_process_vm_writev,
						  __NR_pidfd_getfd, __NR_perf_event_open, __NR_open_by_handle_at };
		const size_t ne = NELEM(enosys), np = NELEM(eperm);
		prog[n++] = LD_W(offsetof(struct seccomp_data, nr));
		for (size_t i = 0; i < ne; i++) /* -> RET FOREIGN, after the JA */
			prog[n++] = JEQ(enosys[i], (unsigned char)(ne + np - i), 0);
		for (size_t i = 0; i < np; i++) /* -> RET DENY */
			prog[n++] = JEQ(eperm[i], (unsigned char)(np - i + 1), 0);
		prog[n++] = (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JA, 2, 0, 0);
		prog[n++] = RET(FOREIGN);
		prog[n++] = RET(DENY);
	}
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
		/* pidfd_send_signal names its target by an fd: a pidfd or a
		 * /proc/<pid> directory, which the task can open under every
		 * mode but strict (red-team round 3: SIGKILL of the guard
		 * through /proc/2). Refused outright (runtimes use kill). */
		prog[n++] = LD_W(offsetof(struct seccomp_data, nr));
		prog[n++] = JEQ(__NR_pidfd_send_signal, 0, 1);
		prog[n++] = RET(DENY);
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
	_Static_assert(6 + 7 * 5 + 6 + 12 + 6 * 8 + 3 + 7 + 10 + 1 <= SHIELD_MAX, "SHIELD_MAX");
#else
	(void)guard;
	(void)absent;
	(void)flags;
	prog[n++] = RET(SECCOMP_RET_ALLOW);
#endif
	return n;
}

/* ---- the restricted tier's layer (shield.h) ---- */

#define JSET(k, t, f) (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JSET | BPF_K, (k), (t), (f))
#define AND(k) (struct sock_filter)BPF_STMT(BPF_ALU | BPF_AND | BPF_K, (k))
#ifndef __NR_fchmodat2
#define __NR_fchmodat2 452
#endif
#ifndef __NR_setxattrat
#define __NR_setxattrat 463
#endif
#ifndef __NR_removexattrat
#define __NR_removexattrat 466
#endif
#define RISKY_MODE 06000 /* S_ISUID | S_ISGID */

/* Refused outright: attribute changes (Landlock has no right for them),
 * inotify/fanotify (they watch host directories Landlock does not check),
 * io_uring (its ops bypass seccomp's argument checks), statmount and
 * listmount (the host's mount table, which /proc's refusal hides), and
 * what reads another process's memory or files (ptrace, process_vm_*,
 * pidfd_getfd, perf_event_open): Landlock lets a process trace the
 * others of its domain, the runner among them (red-team round 3). */
static const unsigned r_refused[] = {
#ifdef __NR_chmod
	__NR_chmod, __NR_chown, __NR_lchown, __NR_utime, __NR_utimes, __NR_futimesat,
	__NR_inotify_init,
#endif
	__NR_fchmod, __NR_fchmodat, __NR_fchmodat2, __NR_fchown, __NR_fchownat, __NR_utimensat,
	__NR_setxattr, __NR_lsetxattr, __NR_fsetxattr, __NR_setxattrat,
	__NR_removexattr, __NR_lremovexattr, __NR_fremovexattr, __NR_removexattrat,
	__NR_inotify_init1, __NR_fanotify_init,
	__NR_io_uring_setup, __NR_io_uring_enter, __NR_io_uring_register,
	__NR_statmount, __NR_listmount,
	__NR_ptrace, __NR_process_vm_readv, __NR_process_vm_writev, __NR_pidfd_getfd, __NR_perf_event_open,
};

/* Calls that create a file: which argument holds the mode. */
static const struct { unsigned nr, arg; } r_create[] = {
#ifdef __NR_open
	{ __NR_open, 2 }, { __NR_creat, 1 }, { __NR_mkdir, 1 }, { __NR_mknod, 1 },
#endif
	{ __NR_openat, 3 }, { __NR_mkdirat, 2 }, { __NR_mknodat, 3 },
};

/* Calls that act on another process of the uid, by pid in argument 0:
 * only 0 (the caller itself). */
static const unsigned r_self_only[] = {
	__NR_prlimit64, __NR_sched_setaffinity, __NR_sched_setscheduler, __NR_sched_setparam,
	__NR_sched_setattr, __NR_migrate_pages, __NR_move_pages,
};

/* "if nr == X: load argument `arg`; answer DENY when any bit of mask is set,
 * else ALLOW". */
static size_t mask_block(struct sock_filter *prog, size_t n, unsigned nr, unsigned arg, unsigned mask)
{
	prog[n++] = LD_W(offsetof(struct seccomp_data, nr));
	prog[n++] = JEQ(nr, 0, 4);
	prog[n++] = LD_W(ARG_LO(arg));
	prog[n++] = JSET(mask, 1, 0);
	prog[n++] = RET(SECCOMP_RET_ALLOW);
	prog[n++] = RET(DENY);
	return n;
}

/* setpriority(which, who) and ioprio_set(which, who): who must be 0 (the
 * caller, its process group) and which not the "user" one (every process
 * of the uid). */
static size_t who_block(struct sock_filter *prog, size_t n, unsigned nr, unsigned user_which)
{
	prog[n++] = LD_W(offsetof(struct seccomp_data, nr));
	prog[n++] = JEQ(nr, 0, 6);
	prog[n++] = LD_W(ARG_LO(1));
	prog[n++] = JEQ(0, 0, 2);
	prog[n++] = LD_W(ARG_LO(0));
	prog[n++] = JEQ(user_which, 0, 1);
	prog[n++] = RET(DENY);
	prog[n++] = RET(SECCOMP_RET_ALLOW);
	return n;
}

/* socket(family, type, protocol): AF_UNIX; AF_INET/AF_INET6 stream or
 * datagram with protocol 0, TCP or UDP only (Landlock checks TCP only:
 * MPTCP, SCTP would pass its rules); AF_NETLINK route only (sock_diag
 * lists the host's sockets). Everything else refused. */
static size_t socket_block(struct sock_filter *prog, size_t n)
{
	prog[n++] = LD_W(offsetof(struct seccomp_data, nr));       /* 0 */
	prog[n++] = JEQ(__NR_socket, 0, 17);
	prog[n++] = LD_W(ARG_LO(0));
	prog[n++] = JEQ(1 /* AF_UNIX */, 13, 0);
	prog[n++] = JEQ(2 /* AF_INET */, 4, 0);
	prog[n++] = JEQ(10 /* AF_INET6 */, 3, 0);                   /* 5 */
	prog[n++] = JEQ(16 /* AF_NETLINK */, 0, 11);
	prog[n++] = LD_W(ARG_LO(2));
	prog[n++] = JEQ(0 /* NETLINK_ROUTE */, 8, 9);
	prog[n++] = LD_W(ARG_LO(1));                                /* 9: inet */
	prog[n++] = AND(0xf);                                       /* SOCK_TYPE_MASK */
	prog[n++] = JEQ(1 /* SOCK_STREAM */, 1, 0);
	prog[n++] = JEQ(2 /* SOCK_DGRAM */, 0, 5);
	prog[n++] = LD_W(ARG_LO(2));
	prog[n++] = JEQ(0, 2, 0);
	prog[n++] = JEQ(6 /* IPPROTO_TCP */, 1, 0);                 /* 15 */
	prog[n++] = JEQ(17 /* IPPROTO_UDP */, 0, 1);
	prog[n++] = RET(SECCOMP_RET_ALLOW);                         /* 17 */
	prog[n++] = RET(DENY);                                      /* 18 */
	return n;
}

size_t shield_restricted_build(bool allow_listen, struct sock_filter *prog)
{
	size_t n = 0;
#ifdef SHIELD_ARCH
	n = foreign_abi(prog, n);
	/* openat2 takes its mode in memory: ENOSYS, libc falls back to openat */
	prog[n++] = JEQ(__NR_openat2, 0, 1);
	prog[n++] = RET(FOREIGN);
	size_t nr = NELEM(r_refused) + !allow_listen;
	for (size_t i = 0; i < NELEM(r_refused); i++) /* -> the RET DENY after the JA */
		prog[n++] = JEQ(r_refused[i], (unsigned char)(nr - i), 0);
	if (!allow_listen)
		prog[n++] = JEQ(__NR_listen, 1, 0);
	prog[n++] = (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JA, 1, 0, 0);
	prog[n++] = RET(DENY);
	for (size_t i = 0; i < NELEM(r_create); i++)
		n = mask_block(prog, n, r_create[i].nr, r_create[i].arg, RISKY_MODE);
	static const unsigned zero[] = { 0 };
	for (size_t i = 0; i < NELEM(r_self_only); i++)
		n = block(prog, n, r_self_only[i], 0, zero, 1, true);
	n = who_block(prog, n, __NR_setpriority, 2 /* PRIO_USER */);
	n = who_block(prog, n, __NR_ioprio_set, 3 /* IOPRIO_WHO_USER */);
	n = socket_block(prog, n);
	prog[n++] = RET(SECCOMP_RET_ALLOW);
	_Static_assert(10 + NELEM(r_refused) + 1 + 2 + 6 * NELEM(r_create) + 6 * NELEM(r_self_only) +
		       2 * 8 + 19 + 1 <= SHIELD_RESTRICTED_MAX, "SHIELD_RESTRICTED_MAX");
#else
	(void)allow_listen;
	prog[n++] = RET(SECCOMP_RET_ALLOW);
#endif
	return n;
}

int shield_restricted_install(bool allow_listen)
{
	struct sock_filter prog[SHIELD_RESTRICTED_MAX];
	struct sock_fprog fp = { .len = (unsigned short)shield_restricted_build(allow_listen, prog),
				 .filter = prog };
	if (syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, 0, &fp) < 0)
		return -errno;
	return 0;
}

int shield_install(unsigned flags)
{
	struct sock_filter prog[SHIELD_MAX];
	struct sock_fprog fp = { .len = (unsigned short)shield_build(flags, prog),
				 .filter = prog };
	if (syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, 0, &fp) < 0)
		return -errno;
	return 0;
}

/* SPDX-License-Identifier: Apache-2.0 */
/* For the *-exec helpers that simulate a host: installs a seccomp filter
 * (no_new_privs first, as in a container) and execs argv[1..]. Returns only
 * on failure, with the exit status to use. */
#pragma once
#include <errno.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <linux/audit.h>
#include <stddef.h>

#if defined(__x86_64__)
#define FE_ARCH AUDIT_ARCH_X86_64
#elif defined(__aarch64__)
#define FE_ARCH AUDIT_ARCH_AARCH64
#else
#error "filter_exec.h: add this architecture"
#endif
#define LD(off) BPF_STMT(BPF_LD | BPF_W | BPF_ABS, (off))
#define RET(v) BPF_STMT(BPF_RET | BPF_K, (v))
/* A filter's first four: another architecture is allowed; load the number. */
#define FE_HEAD                                                            \
	LD(offsetof(struct seccomp_data, arch)),                           \
	BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, FE_ARCH, 1, 0),                \
	RET(SECCOMP_RET_ALLOW), LD(offsetof(struct seccomp_data, nr))

/* argc < 2: usage on stderr, 2. */
static int filter_exec(const char *name, struct sock_filter *f, size_t n, int argc, char **argv)
{
	if (argc < 2) {
		fprintf(stderr, "usage: %s COMMAND [ARG...]\n", name);
		return 2;
	}
	struct sock_fprog prog = { .len = (unsigned short)n, .filter = f };
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0 ||
	    syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, 0, &prog) < 0) {
		fprintf(stderr, "%s: install the filter: %s\n", name, strerror(errno));
		return 2;
	}
	execvp(argv[1], argv + 1);
	fprintf(stderr, "%s: exec %s: %s\n", name, argv[1], strerror(errno));
	return 127;
}

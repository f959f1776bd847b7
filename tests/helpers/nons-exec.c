/* SPDX-License-Identifier: Apache-2.0 */
/* nons-exec COMMAND [ARG...]: runs COMMAND on a simulated host that refuses
 * namespaces, the way Docker's and Kubernetes' default seccomp profiles do:
 * clone3 -> ENOSYS (its flags sit in memory a filter cannot read, so
 * callers fall back to clone), clone and unshare with any CLONE_NEW* flag
 * -> EPERM, setns -> EPERM. Everything else is allowed. The filter stays
 * with COMMAND and its children (no_new_privs, as in a container). */
#include <errno.h>
#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <sched.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "filter_exec.h"

#ifndef CLONE_NEWTIME
#define CLONE_NEWTIME 0x00000080
#endif
#define NS_FLAGS (CLONE_NEWNS | CLONE_NEWCGROUP | CLONE_NEWUTS | CLONE_NEWIPC | CLONE_NEWUSER | \
		  CLONE_NEWPID | CLONE_NEWNET | CLONE_NEWTIME)
#define ARG0_LO offsetof(struct seccomp_data, args[0])

int main(int argc, char **argv)
{
	struct sock_filter f[] = {
		FE_HEAD,
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, SYS_clone3, 0, 1),
		RET(SECCOMP_RET_ERRNO | ENOSYS),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, SYS_setns, 0, 1),
		RET(SECCOMP_RET_ERRNO | EPERM),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, SYS_clone, 1, 0),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, SYS_unshare, 0, 3),
		LD(ARG0_LO),
		BPF_JUMP(BPF_JMP | BPF_JSET | BPF_K, NS_FLAGS, 0, 1),
		RET(SECCOMP_RET_ERRNO | EPERM),
		RET(SECCOMP_RET_ALLOW),
	};
	return filter_exec("nons-exec", f, sizeof(f) / sizeof(f[0]), argc, argv);
}

/* SPDX-License-Identifier: Apache-2.0 */
/* nolandlock-exec COMMAND [ARG...]: runs COMMAND on a simulated kernel
 * without Landlock (before 5.13, or landlock not in lsm=): the three
 * landlock_* system calls answer ENOSYS. Everything else is allowed. The
 * filter stays with COMMAND and its children (no_new_privs). */
#include <errno.h>
#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "filter_exec.h"

#ifndef SYS_landlock_create_ruleset
#define SYS_landlock_create_ruleset 444
#define SYS_landlock_add_rule 445
#define SYS_landlock_restrict_self 446
#endif


int main(int argc, char **argv)
{
	struct sock_filter f[] = {
		FE_HEAD,
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, SYS_landlock_create_ruleset, 2, 0),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, SYS_landlock_add_rule, 1, 0),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, SYS_landlock_restrict_self, 0, 1),
		RET(SECCOMP_RET_ERRNO | ENOSYS),
		RET(SECCOMP_RET_ALLOW),
	};
	return filter_exec("nolandlock-exec", f, sizeof(f) / sizeof(f[0]), argc, argv);
}

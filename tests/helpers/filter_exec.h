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

static int filter_exec(const char *name, struct sock_filter *f, size_t n, char **argv)
{
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

/* SPDX-License-Identifier: Apache-2.0 */
/* A classic-BPF interpreter for seccomp programs: runs a compiled filter
 * over a struct seccomp_data without loading it, the way libseccomp's
 * bpf_sim does in its tests. Used to answer "what does the policy say for
 * this call" (denial lookup, `taskjail policy explain`) from the very
 * program the kernel runs. Pure. */
#pragma once
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <stddef.h>
#include <stdint.h>

/* Returns the filter's 32-bit return value (SECCOMP_RET_*); a program that
 * jumps out of bounds, divides by zero or reads outside seccomp_data
 * returns SECCOMP_RET_KILL_PROCESS, as the kernel's verifier would have
 * refused it. */
uint32_t bpfsim_run(const struct sock_filter *prog, size_t len,
		    const struct seccomp_data *d);

/* True when any RET in the program can return SECCOMP_RET_USER_NOTIF. */
int bpfsim_has_action(const struct sock_filter *prog, size_t len, uint32_t action);

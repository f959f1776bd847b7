/* SPDX-License-Identifier: Apache-2.0 */
/* tjprobe: runs INSIDE a sandbox (static, so it works in any root) and times
 * hot syscall loops, to measure what seccomp and procguard cost per call.
 *
 *   tjprobe sys N        ns per call of: getppid (argument-free: the kernel's
 *                        seccomp action cache answers it without running the
 *                        BPF when the policy allows it unconditionally),
 *                        personality(0xffffffff) (argument-filtered in Docker-
 *                        style policies, so the BPF runs on every call), and
 *                        close(-1) (EBADF; a cheap syscall that reaches the fd
 *                        table).
 *   tjprobe open N PATH  ns per openat(PATH, O_RDONLY)+close pair: every openat
 *                        is a seccomp user notification under a strict procguard.
 *
 * Each figure is the best (minimum) of 5 repetitions of N calls: the minimum
 * is the least disturbed by the other three engineers' builds on 2 cores. */
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

static uint64_t now_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

#define REPS 5

static double best_of(long n, long nr, long a0, long a1)
{
	double best = 1e18;
	for (int r = 0; r < REPS; r++) {
		uint64_t t0 = now_ns();
		for (long i = 0; i < n; i++)
			syscall(nr, a0, a1);
		double per = (double)(now_ns() - t0) / (double)n;
		if (per < best)
			best = per;
	}
	return best;
}

static double open_best(long n, const char *path)
{
	double best = 1e18;
	for (int r = 0; r < REPS; r++) {
		uint64_t t0 = now_ns();
		for (long i = 0; i < n; i++) {
			int fd = openat(AT_FDCWD, path, O_RDONLY | O_CLOEXEC);
			if (fd < 0) {
				perror(path);
				exit(1);
			}
			close(fd);
		}
		double per = (double)(now_ns() - t0) / (double)n;
		if (per < best)
			best = per;
	}
	return best;
}

int main(int argc, char **argv)
{
	if (argc >= 3 && !strcmp(argv[1], "sys")) {
		long n = strtol(argv[2], NULL, 10);
		double g = best_of(n, SYS_getppid, 0, 0);
		double p = best_of(n, SYS_personality, 0xffffffffL, 0);
		double c = best_of(n, SYS_close, -1, 0);
		printf("{\"getppid_ns\":%.1f,\"personality_ns\":%.1f,\"close_ebadf_ns\":%.1f}\n",
		       g, p, c);
		return 0;
	}
	if (argc >= 4 && !strcmp(argv[1], "open")) {
		long n = strtol(argv[2], NULL, 10);
		printf("{\"open_close_ns\":%.1f}\n", open_best(n, argv[3]));
		return 0;
	}
	fprintf(stderr, "usage: tjprobe sys N | open N PATH\n");
	return 2;
}

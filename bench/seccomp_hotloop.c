/* SPDX-License-Identifier: Apache-2.0 */
/* seccomp_hotloop MODE N: N times getppid() ("getppid") or a 1-byte read
 * from /dev/zero ("read"), timed inside the process (startup excluded).
 * Prints ns per call. Raw syscall(2) so libc caching cannot skip the
 * kernel. */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

static double now_ns(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec * 1e9 + (double)t.tv_nsec;
}

int main(int argc, char **argv)
{
	if (argc != 3)
		return 2;
	long n = atol(argv[2]);
	char c;
	int fd = open("/dev/zero", O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return 1;
	int rd = strcmp(argv[1], "read") == 0;
	/* warm-up: the kernel fills its action cache on first use */
	for (int i = 0; i < 1000; i++)
		rd ? syscall(SYS_read, fd, &c, 1) : syscall(SYS_getppid);
	double t0 = now_ns();
	if (rd) {
		for (long i = 0; i < n; i++)
			if (syscall(SYS_read, fd, &c, 1) != 1)
				return 1;
	} else {
		for (long i = 0; i < n; i++)
			syscall(SYS_getppid);
	}
	printf("%.2f\n", (now_ns() - t0) / (double)n);
	return 0;
}

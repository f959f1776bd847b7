/* SPDX-License-Identifier: Apache-2.0 */
/* floor-pid1 PID: measurement only (bench/floor.c, steps tinyexec and
 * tinyfirst). The least a pid 1 of its own can be: a freestanding static
 * program, no libc, that reaps every child and exits with PID's status
 * (128 + the signal for a signalled one). floor's pid 1 execs it once it
 * has built the sandbox, to price "pid 1 shares the launcher's memory
 * while it builds, then gets a small address space of its own by execve"
 * against "pid 1 is a fork". Built by bench/run with
 * -nostdlib -static -fno-pie -fno-stack-protector. */
#include <sys/syscall.h>

#if defined(__x86_64__)
static long sc4(long n, long a, long b, long c, long d)
{
	long r;
	register long r10 __asm__("r10") = d;
	__asm__ volatile("syscall" : "=a"(r) : "a"(n), "D"(a), "S"(b), "d"(c), "r"(r10) : "rcx", "r11", "memory");
	return r;
}
__asm__(".globl _start\n_start:\n mov %rsp, %rdi\n and $-16, %rsp\n call pid1_main\n hlt\n");
#elif defined(__aarch64__)
static long sc4(long n, long a, long b, long c, long d)
{
	register long x8 __asm__("x8") = n, x0 __asm__("x0") = a, x1 __asm__("x1") = b,
			 x2 __asm__("x2") = c, x3 __asm__("x3") = d;
	__asm__ volatile("svc 0" : "+r"(x0) : "r"(x8), "r"(x1), "r"(x2), "r"(x3) : "memory");
	return x0;
}
__asm__(".globl _start\n_start:\n mov x0, sp\n bl pid1_main\n");
#else
#error "floor-pid1: x86_64 or aarch64 only"
#endif

__attribute__((noreturn)) static void leave(int status)
{
	for (;;)
		sc4(SYS_exit_group, status, 0, 0, 0);
}

__attribute__((used, noreturn)) void pid1_main(long *sp)
{
	char **argv = (char **)(sp + 1);
	long pid = 0;
	int st = 0;
	if (!argv[0] || !argv[1])
		leave(125);
	for (const char *p = argv[1]; *p; p++)
		pid = pid * 10 + (*p - '0');
	for (;;) {
		long w = sc4(SYS_wait4, -1, (long)&st, 0, 0);
		if (w == pid)
			break;
		if (w < 0 && w != -4 /* EINTR */)
			leave(125);
	}
	leave((st & 0x7f) == 0 ? (st >> 8) & 0xff : 128 + (st & 0x7f));
}

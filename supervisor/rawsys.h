/* SPDX-License-Identifier: Apache-2.0 */
/* System calls without libc: no errno, no cancellation, no lock, nothing of
 * glibc's per-thread state touched. For code that runs while another
 * process shares this address space and runs glibc (the supervisor
 * waiting for init and the runner to leave its memory, pid1.h) and for the
 * freestanding pid 1 itself. Returns the kernel's answer: -errno on error.
 * x86_64 and aarch64 (meson.build builds the shared mode for those only). */
#pragma once

#if defined(__x86_64__)
static inline long raw_syscall6(long n, long a, long b, long c, long d, long e, long f)
{
	long r;
	register long r10 __asm__("r10") = d, r8 __asm__("r8") = e, r9 __asm__("r9") = f;
	__asm__ volatile("syscall"
			 : "=a"(r)
			 : "a"(n), "D"(a), "S"(b), "d"(c), "r"(r10), "r"(r8), "r"(r9)
			 : "rcx", "r11", "memory");
	return r;
}
#elif defined(__aarch64__)
static inline long raw_syscall6(long n, long a, long b, long c, long d, long e, long f)
{
	register long x8 __asm__("x8") = n, x0 __asm__("x0") = a, x1 __asm__("x1") = b,
			 x2 __asm__("x2") = c, x3 __asm__("x3") = d, x4 __asm__("x4") = e, x5 __asm__("x5") = f;
	__asm__ volatile("svc 0" : "+r"(x0) : "r"(x8), "r"(x1), "r"(x2), "r"(x3), "r"(x4), "r"(x5) : "memory");
	return x0;
}
#else
#error "rawsys.h: x86_64 and aarch64 only"
#endif

#define RAW4(n, a, b, c, d) raw_syscall6((n), (long)(a), (long)(b), (long)(c), (long)(d), 0, 0)
#define RAW6(n, a, b, c, d, e, f) raw_syscall6((n), (long)(a), (long)(b), (long)(c), (long)(d), (long)(e), (long)(f))

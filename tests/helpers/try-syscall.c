/* SPDX-License-Identifier: Apache-2.0 */
/* try-syscall NAME [ARG...]: performs one raw syscall and prints its
 * outcome: "OK" or the errno's name (EPERM, ENOSYS, ...). Like
 * bubblewrap's tests/try-syscall.c, arguments are chosen by the caller so
 * that the kernel, without a filter, fails differently (or succeeds).
 *
 * ARG: a number (decimal, 0x hex, negative), "bad" (an address that is
 * never mapped: EFAULT for the kernel), "buf" (a zeroed 64 KiB buffer),
 * "self" (our pid). A successful fork/clone child exits at once.
 * NAME "nr:N" calls number N; "int80:N" (x86-64) enters the kernel through
 * the 32-bit ABI (int $0x80) with eax = N, the classic way around a filter
 * that checks only the native syscall table. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#define S(n) { #n, SYS_##n }
static const struct {
	const char *name;
	long nr;
} table[] = {
	S(read), S(write), S(getppid), S(getpid), S(uname), S(socket), S(clone),
	S(clone3), S(fork), S(vfork), S(unshare), S(setns), S(mount), S(umount2),
	S(pivot_root), S(chroot), S(keyctl), S(add_key), S(request_key), S(bpf),
	S(perf_event_open), S(userfaultfd), S(ptrace), S(process_vm_readv),
	S(process_vm_writev), S(pidfd_getfd), S(open_by_handle_at),
	S(name_to_handle_at), S(io_uring_setup), S(io_uring_enter),
	S(io_uring_register), S(kexec_load), S(kexec_file_load), S(init_module),
	S(finit_module), S(delete_module), S(swapon), S(swapoff), S(reboot),
	S(acct), S(settimeofday), S(clock_settime), S(adjtimex), S(clock_adjtime),
	S(syslog), S(personality), S(kcmp), S(fsopen), S(open_tree), S(move_mount),
	S(seccomp), S(sethostname), S(quotactl), S(keyctl), S(mount_setattr),
	S(fanotify_init), S(process_madvise), S(modify_ldt), S(ioctl), S(prlimit64),
#ifdef SYS_iopl
	S(iopl), S(ioperm),
#endif
};

static char buf[65536];

static long parse_arg(const char *a)
{
	if (strcmp(a, "bad") == 0)
		return 1; /* page 0 is never mapped (mmap_min_addr) */
	if (strcmp(a, "buf") == 0)
		return (long)buf;
	if (strcmp(a, "self") == 0)
		return (long)getpid();
	char *end;
	errno = 0;
	long v = (long)strtoull(a, &end, 0);
	if (a[0] == '-')
		v = strtol(a, &end, 0);
	if (errno || *end) {
		fprintf(stderr, "try-syscall: bad argument '%s'\n", a);
		exit(2);
	}
	return v;
}

int main(int argc, char **argv)
{
	if (argc < 2 || argc > 8) {
		fprintf(stderr, "usage: try-syscall NAME [ARG...] (up to 6 args)\n");
		return 2;
	}
	long nr = -1;
	for (size_t i = 0; i < sizeof(table) / sizeof(table[0]); i++)
		if (strcmp(table[i].name, argv[1]) == 0)
			nr = table[i].nr;
	if (strncmp(argv[1], "nr:", 3) == 0)
		nr = atol(argv[1] + 3);
	if (strncmp(argv[1], "int80:", 6) == 0)
		nr = 0;
	if (nr < 0) {
		fprintf(stderr, "try-syscall: unknown syscall '%s'\n", argv[1]);
		return 2;
	}
	long a[6] = { 0 };
	for (int i = 2; i < argc; i++)
		a[i - 2] = parse_arg(argv[i]);

#ifdef __x86_64__
	if (strncmp(argv[1], "int80:", 6) == 0) {
		long ret, n = atol(argv[1] + 6);
		__asm__ volatile("int $0x80" : "=a"(ret) : "a"(n), "b"(a[0]), "c"(a[1]), "d"(a[2])
				 : "memory");
		if (ret < 0 && ret > -4096) {
			const char *en = strerrorname_np((int)-ret);
			printf("%s\n", en ? en : "E?");
		} else {
			printf("OK\n");
		}
		return 0;
	}
#endif
	pid_t me = getpid();
	long r = syscall(nr, a[0], a[1], a[2], a[3], a[4], a[5]);
	int e = errno;
	if (r == 0 && getpid() != me)
		_exit(0); /* the child of a successful clone/fork */
	if (r > 0 && (nr == SYS_clone || nr == SYS_fork || nr == SYS_vfork || nr == SYS_clone3))
		waitpid((pid_t)r, NULL, __WALL);
	if (r < 0) {
		const char *n = strerrorname_np(e);
		printf("%s\n", n ? n : "E?");
	} else {
		printf("OK\n");
	}
	return 0;
}

/* SPDX-License-Identifier: Apache-2.0 */
/* taskjail's pid 1 once the sandbox runs (pid1.h): a freestanding program
 * (no libc, raw system calls; built -nostdlib -static and embedded in
 * taskjail, which execs it from a sealed memfd). init builds the sandbox
 * sharing the supervisor's memory, starts the guard and the runner, then
 * becomes this: a small address space of its own instead of a copy of the
 * supervisor's (a fork of the supervisor cost ~1.7 ms per launch on the
 * reference VM; bench/README.md, part 7).
 *
 * What it does is what init.c's supervise() does in the fork mode, for a
 * sandbox without a guard (the only kind this mode is used for, pid1.h):
 * forwarded signals (from the blocked set it inherits, through the
 * signalfd it inherits) go to the runner, SIGCONT after the terminating
 * ones; every child is reaped; the runner's exit sends its wait status to
 * the supervisor and ends pid 1 (and so the pid namespace); EOF on the
 * sync socket (the supervisor gone) ends it too. Its parameters come in the environment (pid1.h: /proc/1/environ is
 * not readable in the sandbox), its argv is one empty string (so
 * /proc/1/cmdline shows nothing). */
#include <linux/signalfd.h>
#include <poll.h>
#include <signal.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>

#include "pid1.h"
#include "rawsys.h"
#include "proto.h"

#if defined(__x86_64__)
__asm__(".text\n.globl _start\n_start:\n\txor %rbp, %rbp\n\tmov %rsp, %rdi\n\tand $-16, %rsp\n"
	"\tcall pid1_main\n\thlt\n");
#elif defined(__aarch64__)
__asm__(".text\n.globl _start\n_start:\n\tmov x29, #0\n\tmov x0, sp\n\tbl pid1_main\n");
#endif

#define SC RAW4

/* The compiler may call these for struct copies and initialisers. */
void *memset(void *d, int c, size_t n);
void *memcpy(void *d, const void *s, size_t n);
void *memset(void *d, int c, size_t n)
{
	unsigned char *p = d;
	while (n--)
		*p++ = (unsigned char)c;
	return d;
}
void *memcpy(void *d, const void *s, size_t n)
{
	unsigned char *p = d;
	const unsigned char *q = s;
	while (n--)
		*p++ = *q++;
	return d;
}

__attribute__((noreturn)) static void leave(int status)
{
	for (;;)
		SC(SYS_exit_group, status, 0, 0, 0);
}

static struct {
	int sync, sfd, runner, ready;
} st = { -1, -1, -1, -1 };

static void send_msg(struct proto_msg *m)
{
	size_t n = 0;
	while (n < sizeof(m->text) - 1 && m->text[n])
		n++;
	long r;
	do
		r = SC(SYS_sendto, st.sync, m, offsetof(struct proto_msg, text) + n + 1, MSG_NOSIGNAL);
	while (r == -4 /* EINTR */);
}

static void reap(void)
{
	int ws;
	long w;
	while ((w = SC(SYS_wait4, -1, &ws, 1 /* WNOHANG */ | 2 /* WUNTRACED */, 0)) > 0) {
		if ((ws & 0xff) == 0x7f) /* stopped: not an exit */
			continue;
		if (w != st.runner)
			continue; /* an orphan: reaped, nothing else */
		static struct proto_msg ex;
		ex.type = PROTO_EXIT;
		ex.value = ws;
		send_msg(&ex);
		leave(0);
	}
}

static void forward(int sig)
{
	SC(SYS_kill, st.runner, sig, 0, 0);
	if (sig == SIGTERM || sig == SIGINT || sig == SIGHUP || sig == SIGQUIT)
		SC(SYS_kill, st.runner, SIGCONT, 0, 0);
}

/* "TASKJAIL_PID1=SYNC,SIGNALFD,RUNNER,READY" (pid1.h) */
static int parse(const char *s)
{
	static const char key[] = PID1_ENV "=";
	for (size_t i = 0; i < sizeof(key) - 1; i++)
		if (s[i] != key[i])
			return -1;
	s += sizeof(key) - 1;
	int *f[] = { &st.sync, &st.sfd, &st.runner, &st.ready };
	for (unsigned i = 0; i < 4; i++) {
		int v = 0;
		if (*s < '0' || *s > '9')
			return -1;
		while (*s >= '0' && *s <= '9' && v < 100000000)
			v = v * 10 + (*s++ - '0');
		*f[i] = v;
		if (*s != (i < 3 ? ',' : '\0'))
			return -1;
		s++;
	}
	return st.sync >= 0 && st.sfd >= 0 && st.runner > 0 && st.ready >= 0 ? 0 : -1;
}

__attribute__((used, noreturn)) void pid1_main(long *sp)
{
	long argc = sp[0];
	char **envp = (char **)(sp + 1 + argc + 1);
	/* Its exec made it non-dumpable already (pid1.h); again, to be sure,
	 * and the parent-death signal, as init had. */
	SC(SYS_prctl, PR_SET_DUMPABLE, 0, 0, 0);
	SC(SYS_prctl, PR_SET_PDEATHSIG, SIGKILL, 0, 0);
	/* The name init had (the exec named it after the memfd). */
	SC(SYS_prctl, PR_SET_NAME, "taskjail", 0, 0);
	int ok = -1;
	for (char **e = envp; *e && ok < 0; e++)
		ok = parse(*e);
	if (ok < 0)
		leave(PID1_EXIT_SETUP);
	/* Non-dumpable and running: the runner may go on to the task. */
	long w;
	do
		w = SC(SYS_write, st.ready, "k", 1, 0);
	while (w == -4);
	SC(SYS_close, st.ready, 0, 0, 0);
	for (;;) {
		struct pollfd pf[2] = { { .fd = st.sfd, .events = POLLIN }, { .fd = st.sync, .events = POLLIN } };
		long n = SC(SYS_ppoll, pf, 2, 0, 0);
		if (n == -4)
			continue;
		if (n < 0)
			leave(PID1_EXIT_SETUP);
		if (pf[1].revents) {
			/* Nothing is expected here: EOF (or an error) is the
			 * supervisor gone, and the sandbox ends with it. An fd
			 * sent along would be discarded with the message. */
			char b[sizeof(struct proto_msg)];
			long r = SC(SYS_recvfrom, st.sync, b, sizeof(b), MSG_DONTWAIT);
			if (r == 0 || (r < 0 && r != -11 /* EAGAIN */ && r != -4))
				leave(PID1_EXIT_SETUP);
		}
		if (!pf[0].revents)
			continue;
		struct signalfd_siginfo si;
		while (SC(SYS_read, st.sfd, &si, sizeof(si), 0) == (long)sizeof(si)) {
			if (si.ssi_signo == SIGCHLD)
				reap();
			else
				forward((int)si.ssi_signo);
		}
	}
}

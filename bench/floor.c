/* SPDX-License-Identifier: Apache-2.0 */
/* floor BPF_FILE COMMAND [ARG]...: measurement only, never a sandbox to
 * use. The least a launch with taskjail minimal's kernel steps can cost,
 * timed next to taskjail by bench/run (contender "floor"), so that a
 * target stated as a fraction of bwrap's overhead can be read against
 * what the steps themselves cost on the machine at hand.
 *
 * Steps (those of ../shared/notes/launch-cost.md's "L8, mode a, vfork"):
 * clone into new user, pid, mount, net, ipc, uts and cgroup namespaces; the
 * parent writes setgroups/uid_map/gid_map (65532 -> the caller's uid, or
 * 65534 for root) and releases the child over a pipe; the child (pid 1)
 * becomes 65532, makes / private, binds / read-only (one recursive bind,
 * one mount_setattr), mounts a 64 MiB tmpfs /tmp, a fresh procfs and a
 * tmpfs /dev with six device binds, pivots into it and detaches the old
 * root, brings lo up; a CLONE_VM|CLONE_VFORK child empties the bounding
 * set, clears ambient and capset, sets no_new_privs, loads BPF_FILE (the
 * default policy compiled by mkbpf, the filter bwrap gets) and execs.
 * pid 1 waits and exits with the command's status.
 *
 * FLOOR_STEPS (a comma list) adds some of taskjail's steps back, to price
 * them here: fork (pid 1 a copy, not sharing the parent's memory), heap
 * (the parent writes 256 KiB of heap first; heap16: 64 KiB),
 * masks (taskjail's /proc masks and read-only /proc subtrees), dev (its
 * /dev/shm, /dev/pts, /dev/ptmx and the read-only remount of /dev),
 * shield (a second, small filter before the policy), reexec (pid 1 shares
 * the launcher's memory only while it builds the sandbox: it then tells
 * the launcher, which execs itself ("floor --wait PID": waits for pid 1)
 * and pid 1 starts the task only once that exec has closed the
 * launcher's close-on-exec fds -- the price of a design where pid 1 never
 * shares memory with a host-side process while task code runs),
 * tinyexec (pid 1 shares the launcher's memory while it builds and starts
 * the task as usual, then execs floor-pid1, a freestanding program of a
 * few KiB that only reaps: pid 1 gets an address space of its own by a
 * small execve instead of a fork), tinyfirst (as tinyexec, but the task
 * waits for pid 1's execve before its own -- the kernel clears pid 1's
 * clear_child_tid word when pid 1 leaves the shared memory -- so no task
 * code runs while pid 1 still shares the launcher's memory and shows its
 * argv in /proc/1/cmdline: the exec is then on the launch's path).
 *
 * Not done, unlike taskjail: no supervisor process with a protocol, no
 * profile or policy parsing, no /proc masks, no /dev/shm, /dev/pts, no
 * second (shield) filter, no session keyring, setsid, rlimits or
 * environment allowlist, no error reporting beyond an exit status. */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <errno.h>
#include <fcntl.h>
#include <linux/capability.h>
#include <linux/filter.h>
#include <linux/futex.h>
#include <linux/mount.h>
#include <linux/seccomp.h>
#include <net/if.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <sys/wait.h>
#include <unistd.h>

#define DIE(what) do { perror(what); _exit(125); } while (0)

static struct sock_filter bpf[4096];
static struct sock_fprog prog;
static char **cmd;
static const char *steps = "";
static int sync_r;
static int tiny_fd = -1;
static volatile int pid1_word = 1; /* tinyfirst: cleared by the kernel when pid 1 execs */
static int built_w = -1, exec_r = -1, exec_w = -1; /* reexec: "built" to the launcher, its exec to pid 1 */
static char stack1[256 << 10] __attribute__((aligned(16)));
static char stack2[64 << 10] __attribute__((aligned(16)));

static int step(const char *name)
{
	size_t n = strlen(name);
	for (const char *p = steps; (p = strstr(p, name)); p += n)
		if ((p == steps || p[-1] == ',') && (p[n] == ',' || !p[n]))
			return 1;
	return 0;
}

static void write_file(const char *path, const char *s)
{
	int fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0 || write(fd, s, strlen(s)) != (ssize_t)strlen(s))
		DIE(path);
	close(fd);
}

static int task(void *arg)
{
	(void)arg;
	for (int c = 0; c <= CAP_LAST_CAP; c++)
		if (prctl(PR_CAPBSET_DROP, c, 0, 0, 0) < 0 && errno != EINVAL)
			DIE("PR_CAPBSET_DROP");
	struct __user_cap_header_struct h = { _LINUX_CAPABILITY_VERSION_3, 0 };
	struct __user_cap_data_struct d[2] = { { 0 } };
	if (prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0) < 0 ||
	    syscall(SYS_capset, &h, d) < 0 || prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0 ||
	    0)
		DIE("caps/nnp");
	if (step("shield")) {
		struct sock_filter f[] = {
			BPF_STMT(BPF_LD | BPF_W | BPF_ABS, 0),
			BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, SYS_ptrace, 0, 1),
			BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ERRNO | EPERM),
			BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
		};
		struct sock_fprog sp = { sizeof(f) / sizeof(f[0]), f };
		if (syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, 0, &sp) < 0)
			DIE("shield");
	}
	if (step("tinyfirst"))
		while (pid1_word)
			syscall(SYS_futex, &pid1_word, FUTEX_WAIT, 1, NULL, NULL, 0);
	if (syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, 0, &prog) < 0)
		DIE("seccomp");
	execvp(cmd[0], cmd);
	_exit(127);
}

static void dev_node(const char *name)
{
	char src[64], dst[64];
	snprintf(src, sizeof(src), "/dev/%s", name);
	snprintf(dst, sizeof(dst), "/mnt/dev/%s", name);
	if (mknod(dst, S_IFREG | 0644, 0) < 0 || mount(src, dst, NULL, MS_BIND, NULL) < 0)
		DIE(dst);
}

static int pid1(void *arg)
{
	(void)arg;
	char c;
	if (read(sync_r, &c, 1) != 1)
		_exit(125);
	if (setresgid(65532, 65532, 65532) < 0 || setresuid(65532, 65532, 65532) < 0)
		DIE("setresuid");
	prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0);
	struct mount_attr ro = { .attr_set = MOUNT_ATTR_RDONLY | MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV };
	if (mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0 ||
	    mount("/", "/mnt", NULL, MS_BIND | MS_REC, NULL) < 0 ||
	    syscall(SYS_mount_setattr, AT_FDCWD, "/mnt", AT_RECURSIVE, &ro, sizeof(ro)) < 0)
		DIE("ro root");
	if (mount("tmpfs", "/mnt/tmp", "tmpfs", MS_NOSUID | MS_NODEV, "size=64m,mode=1777") < 0 ||
	    mount("proc", "/mnt/proc", "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL) < 0 ||
	    mount("tmpfs", "/mnt/dev", "tmpfs", MS_NOSUID | MS_NOEXEC, "mode=0755,size=64k") < 0)
		DIE("tmp/proc/dev");
	static const char *const nodes[] = { "null", "zero", "full", "random", "urandom", "tty" };
	for (size_t i = 0; i < sizeof(nodes) / sizeof(nodes[0]); i++)
		dev_node(nodes[i]);
	if (step("dev") &&
	    (mkdir("/mnt/dev/shm", 01777) < 0 ||
	     mount("tmpfs", "/mnt/dev/shm", "tmpfs", MS_NOSUID | MS_NODEV | MS_NOEXEC, "mode=1777,size=16m") < 0 ||
	     mkdir("/mnt/dev/pts", 0755) < 0 ||
	     mount("devpts", "/mnt/dev/pts", "devpts", MS_NOSUID | MS_NOEXEC, "newinstance,ptmxmode=0666,mode=620") < 0 ||
	     symlink("pts/ptmx", "/mnt/dev/ptmx") < 0))
		DIE("dev extras");
	if (step("masks")) {
		static const char *const files[] = { "kcore", "keys", "timer_list", "sched_debug", "sysrq-trigger",
						     "latency_stats", "timer_stats", "kallsyms", "kpagecount",
						     "kpageflags", "kpagecgroup", "config.gz" };
		static const char *const dirs[] = { "acpi", "scsi", "asound" };
		static const char *const ro[] = { "sys", "bus", "fs", "irq" };
		char p[64];
		for (size_t i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
			snprintf(p, sizeof(p), "/mnt/proc/%s", files[i]);
			(void)mount("/dev/null", p, NULL, MS_BIND, NULL);
		}
		for (size_t i = 0; i < sizeof(dirs) / sizeof(dirs[0]); i++) {
			snprintf(p, sizeof(p), "/mnt/proc/%s", dirs[i]);
			(void)mount("tmpfs", p, "tmpfs", MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC, "size=0,mode=0555");
		}
		for (size_t i = 0; i < sizeof(ro) / sizeof(ro[0]); i++) {
			snprintf(p, sizeof(p), "/mnt/proc/%s", ro[i]);
			if (mount(p, p, NULL, MS_BIND | MS_REC, NULL) < 0 ||
			    mount(NULL, p, NULL, MS_REMOUNT | MS_BIND | MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC,
				  NULL) < 0)
				DIE(p);
		}
	}
	if (symlink("/proc/self/fd", "/mnt/dev/fd") < 0 || symlink("/proc/self/fd/0", "/mnt/dev/stdin") < 0 ||
	    symlink("/proc/self/fd/1", "/mnt/dev/stdout") < 0 || symlink("/proc/self/fd/2", "/mnt/dev/stderr") < 0)
		DIE("dev links");
	if (step("dev") && mount(NULL, "/mnt/dev", NULL, MS_REMOUNT | MS_BIND | MS_RDONLY | MS_NOSUID | MS_NOEXEC,
				 NULL) < 0)
		DIE("dev ro");
	if (chdir("/mnt") < 0 || syscall(SYS_pivot_root, ".", ".") < 0 || umount2(".", MNT_DETACH) < 0 ||
	    chdir("/") < 0)
		DIE("pivot_root");
	struct ifreq ifr = { 0 };
	int s = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	strcpy(ifr.ifr_name, "lo");
	if (s < 0 || ioctl(s, SIOCGIFFLAGS, &ifr) < 0)
		DIE("lo");
	ifr.ifr_flags |= IFF_UP;
	if (ioctl(s, SIOCSIFFLAGS, &ifr) < 0)
		DIE("lo up");
	close(s);
	if (step("reexec")) {
		char c2;
		close(exec_w); /* our copy: EOF then means the launcher's exec */
		if (write(built_w, "b", 1) != 1 || read(exec_r, &c2, 1) != 0)
			DIE("reexec handshake");
	}
	if (step("tinyfirst"))
		syscall(SYS_set_tid_address, &pid1_word);
	pid_t t = clone(task, stack2 + sizeof(stack2), CLONE_VM | (step("tinyfirst") ? 0 : CLONE_VFORK) | SIGCHLD, NULL);
	if (t < 0)
		DIE("clone task");
	if (step("tinyexec") || step("tinyfirst")) {
		char pidarg[16];
		snprintf(pidarg, sizeof(pidarg), "%d", (int)t);
		char *av[] = { "floor-pid1", pidarg, NULL };
		char *ev[] = { NULL };
		syscall(SYS_execveat, tiny_fd, "", av, ev, AT_EMPTY_PATH);
		DIE("execveat floor-pid1");
	}
	int st;
	while (waitpid(t, &st, 0) < 0)
		if (errno != EINTR)
			DIE("waitpid");
	_exit(WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st));
}

int main(int argc, char **argv)
{
	if (argc == 3 && strcmp(argv[1], "--wait") == 0) { /* reexec: the launcher's new image */
		int st;
		pid_t c = (pid_t)atoi(argv[2]);
		while (waitpid(c, &st, 0) < 0)
			if (errno != EINTR)
				DIE("waitpid");
		return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
	}
	if (argc < 3) {
		fprintf(stderr, "usage: floor BPF_FILE COMMAND [ARG]...\n");
		return 125;
	}
	int fd = open(argv[1], O_RDONLY | O_CLOEXEC);
	ssize_t n = fd < 0 ? -1 : read(fd, bpf, sizeof(bpf));
	if (n <= 0 || n % sizeof(bpf[0]))
		DIE(argv[1]);
	close(fd);
	prog.len = (unsigned short)(n / sizeof(bpf[0]));
	prog.filter = bpf;
	cmd = argv + 2;
	if (getenv("FLOOR_STEPS"))
		steps = getenv("FLOOR_STEPS");
	if (step("heap") || step("heap16")) {
		size_t n = step("heap") ? 256 << 10 : 64 << 10;
		char *h = malloc(n);
		if (h)
			memset(h, 1, n);
	}
	if (step("tinyexec") || step("tinyfirst")) {
		/* floor-pid1, next to this program (bench/run stages both) */
		char self[4096];
		ssize_t l = readlink("/proc/self/exe", self, sizeof(self) - 16);
		char *slash = l > 0 ? memrchr(self, '/', (size_t)l) : NULL;
		if (!slash)
			DIE("/proc/self/exe");
		strcpy(slash + 1, "floor-pid1");
		if ((tiny_fd = open(self, O_PATH | O_CLOEXEC)) < 0)
			DIE(self);
	}
	int p[2];
	if (pipe2(p, O_CLOEXEC) < 0)
		DIE("pipe");
	sync_r = p[0];
	int built[2] = { -1, -1 }, ex[2] = { -1, -1 };
	if (step("reexec") && (pipe2(built, O_CLOEXEC) < 0 || pipe2(ex, O_CLOEXEC) < 0))
		DIE("pipe");
	built_w = built[1];
	exec_r = ex[0];
	exec_w = ex[1];
	uid_t outer = geteuid() ? geteuid() : 65534;
	gid_t outer_g = geteuid() ? getegid() : 65534;
	pid_t c = clone(pid1, stack1 + sizeof(stack1),
			(step("fork") ? 0 : CLONE_VM) | CLONE_NEWUSER | CLONE_NEWPID | CLONE_NEWNS | CLONE_NEWNET | CLONE_NEWIPC |
				CLONE_NEWUTS | CLONE_NEWCGROUP | SIGCHLD,
			NULL);
	if (c < 0)
		DIE("clone");
	char path[64], map[64];
	snprintf(path, sizeof(path), "/proc/%d/setgroups", c);
	write_file(path, "deny");
	snprintf(map, sizeof(map), "65532 %u 1\n", (unsigned)outer);
	snprintf(path, sizeof(path), "/proc/%d/uid_map", c);
	write_file(path, map);
	snprintf(map, sizeof(map), "65532 %u 1\n", (unsigned)outer_g);
	snprintf(path, sizeof(path), "/proc/%d/gid_map", c);
	write_file(path, map);
	if (write(p[1], "g", 1) != 1)
		DIE("release");
	if (step("reexec")) {
		/* pid 1 holds copies of these ends (no CLONE_FILES): its exec_r
		 * sees EOF once our ex[1] is closed by the exec below. */
		char b, pidarg[16];
		if (read(built[0], &b, 1) != 1)
			DIE("pid 1 build");
		snprintf(pidarg, sizeof(pidarg), "%d", (int)c);
		execl("/proc/self/exe", "floor", "--wait", pidarg, (char *)NULL);
		DIE("exec");
	}
	int st;
	while (waitpid(c, &st, 0) < 0)
		if (errno != EINTR)
			DIE("waitpid");
	return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}

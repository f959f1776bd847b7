/* SPDX-License-Identifier: Apache-2.0 */
/* proc-probe: tries to read /proc/<pid>/{environ,mounts,mountinfo,mountstats}
 * by one named technique (or all of them) and says whether it worked.
 *
 *   proc-probe TECHNIQUE FILE     one technique; exit 0 LEAK, 1 BLOCKED
 *   proc-probe all                every technique x every file, one line each
 *   proc-probe list               the technique names
 *   proc-probe allowed            what node and python need; exit 0 if all work
 *   proc-probe stress SECS THREADS   concurrency test (see stress())
 *   proc-probe openloop N PATH       N open+close of PATH, ns per open
 *   proc-probe otherpid              which /proc/<pid> entries of another process open
 *
 * Output lines: "LEAK <tech> <file>" or "BLOCKED <tech> <file> <ERRNO>".
 * A read of environ counts as a leak only if it shows the marker variable
 * TJ_SECRET (the probe puts it into its own environment and into a helper
 * child's); any non-empty read of the mount files is a leak. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/io_uring.h>
#include <linux/openat2.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define SECRET "TJ_SECRET=grant-token-4f1c9e"

static const char *files[] = {"environ", "mounts", "mountinfo", "mountstats"};
static pid_t child = -1; /* another process of the sandbox holding SECRET */
static char tmpdir[200];

static const char *errname(int e)
{
	switch (e) {
	case EACCES: return "EACCES";
	case EPERM: return "EPERM";
	case ENOENT: return "ENOENT";
	case ENOSYS: return "ENOSYS";
	case EXDEV: return "EXDEV";
	case ELOOP: return "ELOOP";
	case EOPNOTSUPP: return "EOPNOTSUPP";
	case EAGAIN: return "EAGAIN";
	case EINVAL: return "EINVAL";
	case ENOTDIR: return "ENOTDIR";
	case EBADF: return "EBADF";
	case ESRCH: return "ESRCH";
	default: {
		static char b[32];
		snprintf(b, sizeof(b), "E%d", e);
		return b;
	}
	}
}

/* Reads fd; 1 = the content is a leak of `file`, 0 = nothing useful. */
static int leaked(int fd, const char *file)
{
	static char buf[1 << 16];
	size_t got = 0;
	ssize_t n;
	while (got < sizeof(buf) - 1 && (n = read(fd, buf + got, sizeof(buf) - 1 - got)) > 0)
		got += (size_t)n;
	close(fd);
	if (strcmp(file, "environ") == 0) {
		for (size_t i = 0; i + strlen(SECRET) <= got; i++)
			if (memcmp(buf + i, SECRET, strlen(SECRET)) == 0)
				return 1;
		return 0;
	}
	return got > 0;
}

static long sys_openat2(int dfd, const char *p, uint64_t flags, uint64_t resolve)
{
	struct open_how how = {.flags = flags, .resolve = resolve};
	return syscall(SYS_openat2, dfd, p, &how, sizeof(how));
}

/* ---- io_uring: IORING_OP_OPENAT never passes through seccomp ------------ */
static int uring_open(const char *path)
{
	struct io_uring_params p;
	memset(&p, 0, sizeof(p));
	int ring = (int)syscall(SYS_io_uring_setup, 4, &p);
	if (ring < 0)
		return -errno;
	size_t sqsz = p.sq_off.array + p.sq_entries * sizeof(unsigned);
	size_t cqsz = p.cq_off.cqes + p.cq_entries * sizeof(struct io_uring_cqe);
	char *sq = mmap(NULL, sqsz, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_POPULATE,
			ring, IORING_OFF_SQ_RING);
	char *cq = mmap(NULL, cqsz, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_POPULATE,
			ring, IORING_OFF_CQ_RING);
	struct io_uring_sqe *sqes = mmap(NULL, p.sq_entries * sizeof(*sqes),
					 PROT_READ | PROT_WRITE,
					 MAP_SHARED | MAP_POPULATE, ring, IORING_OFF_SQES);
	if (sq == MAP_FAILED || cq == MAP_FAILED || sqes == MAP_FAILED) {
		close(ring);
		return -ENOMEM;
	}
	unsigned *tail = (unsigned *)(sq + p.sq_off.tail);
	unsigned *mask = (unsigned *)(sq + p.sq_off.ring_mask);
	unsigned *array = (unsigned *)(sq + p.sq_off.array);
	unsigned t = *tail, idx = t & *mask;
	memset(&sqes[idx], 0, sizeof(sqes[idx]));
	sqes[idx].opcode = IORING_OP_OPENAT;
	sqes[idx].fd = AT_FDCWD;
	sqes[idx].addr = (uint64_t)(uintptr_t)path;
	sqes[idx].open_flags = O_RDONLY;
	array[idx] = idx;
	__atomic_store_n(tail, t + 1, __ATOMIC_RELEASE);
	int r = (int)syscall(SYS_io_uring_enter, ring, 1, 1, IORING_ENTER_GETEVENTS, NULL, 0);
	if (r < 0) {
		r = -errno;
		close(ring);
		return r;
	}
	unsigned *chead = (unsigned *)(cq + p.cq_off.head);
	struct io_uring_cqe *cqes = (struct io_uring_cqe *)(cq + p.cq_off.cqes);
	unsigned cmask = *(unsigned *)(cq + p.cq_off.ring_mask);
	int res = cqes[*chead & cmask].res;
	close(ring);
	return res;
}

#if defined(__x86_64__)
/* The i386 open(2) through int 0x80 (syscall 5) and the x32 openat: other
 * ABIs with other syscall numbers. A filter that does not check the arch
 * would not see them as opens. The path must sit below 4 GiB for i386. */
static int foreign_abi_open(const char *path, bool x32)
{
	char *low = mmap(NULL, 4096, PROT_READ | PROT_WRITE,
			 MAP_PRIVATE | MAP_ANONYMOUS | MAP_32BIT, -1, 0);
	if (low == MAP_FAILED)
		return -errno;
	snprintf(low, 4096, "%s", path);
	long ret;
	if (x32) {
		ret = syscall(0x40000000 | 257, AT_FDCWD, low, O_RDONLY, 0);
		return ret < 0 ? -errno : (int)ret;
	}
	__asm__ volatile("int $0x80"
			 : "=a"(ret)
			 : "a"(5L), "b"((long)(uintptr_t)low), "c"((long)O_RDONLY), "d"(0L)
			 : "memory");
	return (int)ret;
}
#endif

static void *thread_open(void *arg)
{
	const char *path = arg;
	int fd = open(path, O_RDONLY);
	return (void *)(intptr_t)(fd < 0 ? -errno : fd);
}

/* Returns an fd on the file (caller reads it) or -errno. A technique that
 * reads by other means returns -1000 - leaked (0/1). */
static int technique(const char *t, const char *f)
{
	char p[1024], q[320];
	pid_t me = getpid();
	pid_t tid = (pid_t)syscall(SYS_gettid);
	int fd, d;

#define P(...) (snprintf(p, sizeof(p), __VA_ARGS__), p)
#define RET(x) do { int _r = (x); return _r < 0 ? -errno : _r; } while (0)
	if (!strcmp(t, "self")) RET(open(P("/proc/self/%s", f), O_RDONLY));
	if (!strcmp(t, "pid")) RET(open(P("/proc/%d/%s", me, f), O_RDONLY));
	if (!strcmp(t, "thread-self")) RET(open(P("/proc/thread-self/%s", f), O_RDONLY));
	if (!strcmp(t, "task")) RET(open(P("/proc/self/task/%d/%s", tid, f), O_RDONLY));
	if (!strcmp(t, "task-pid")) RET(open(P("/proc/%d/task/%d/%s", me, tid, f), O_RDONLY));
	if (!strcmp(t, "tid-dir")) RET(open(P("/proc/%d/%s", tid, f), O_RDONLY));
	if (!strcmp(t, "other")) RET(open(P("/proc/%d/%s", child, f), O_RDONLY));
	if (!strcmp(t, "other-task")) RET(open(P("/proc/%d/task/%d/%s", child, child, f), O_RDONLY));
	if (!strcmp(t, "parent")) RET(open(P("/proc/%d/%s", getppid(), f), O_RDONLY));
	if (!strcmp(t, "dotdot")) RET(open(P("/proc/self/../self/%s", f), O_RDONLY));
	if (!strcmp(t, "dotdot-sys")) RET(open(P("/proc/sys/../%d/%s", me, f), O_RDONLY));
	if (!strcmp(t, "dotdot-root")) RET(open(P("/../../proc/../proc/self/%s", f), O_RDONLY));
	if (!strcmp(t, "slashes")) RET(open(P("//proc///self//%s", f), O_RDONLY));
	if (!strcmp(t, "dots")) RET(open(P("/proc/./self/./%s", f), O_RDONLY));
	if (!strcmp(t, "sys-open")) RET((int)syscall(SYS_open, P("/proc/self/%s", f), O_RDONLY));
	if (!strcmp(t, "symlink-file")) {
		snprintf(q, sizeof(q), "%s/sf-%s", tmpdir, f);
		unlink(q);
		if (symlink(P("/proc/self/%s", f), q) < 0) return -errno;
		RET(open(q, O_RDONLY));
	}
	if (!strcmp(t, "symlink-dir")) {
		snprintf(q, sizeof(q), "%s/sd", tmpdir);
		unlink(q);
		if (symlink("/proc/self", q) < 0) return -errno;
		RET(open(P("%s/%s", q, f), O_RDONLY));
	}
	if (!strcmp(t, "symlink-proc")) {
		snprintf(q, sizeof(q), "%s/sp", tmpdir);
		unlink(q);
		if (symlink("/proc", q) < 0) return -errno;
		RET(open(P("%s/self/%s", q, f), O_RDONLY));
	}
	if (!strcmp(t, "symlink-rel")) {
		snprintf(q, sizeof(q), "%s/sr-%s", tmpdir, f);
		unlink(q);
		/* enough ".." to reach / from any tmpdir; extra ones stop at / */
		if (symlink(P("../../../../../../proc/self/%s", f), q) < 0) return -errno;
		RET(open(q, O_RDONLY));
	}
	if (!strcmp(t, "symlink-chain")) {
		char a[320], b[320];
		snprintf(a, sizeof(a), "%s/ca-%s", tmpdir, f);
		snprintf(b, sizeof(b), "%s/cb-%s", tmpdir, f);
		unlink(a);
		unlink(b);
		if (symlink(P("/proc/thread-self/../../../self/%s", f), b) < 0 || symlink(b, a) < 0)
			return -errno;
		RET(open(a, O_RDONLY));
	}
	if (!strcmp(t, "hardlink")) {
		snprintf(q, sizeof(q), "%s/hl-%s", tmpdir, f);
		unlink(q);
		if (link(P("/proc/self/%s", f), q) < 0) return -errno;
		RET(open(q, O_RDONLY));
	}
	if (!strcmp(t, "dirfd-proc")) {
		if ((d = open("/proc", O_RDONLY | O_DIRECTORY)) < 0) return -errno;
		fd = openat(d, P("self/%s", f), O_RDONLY);
		RET(fd);
	}
	if (!strcmp(t, "dirfd-pid")) {
		if ((d = open("/proc/self", O_RDONLY | O_DIRECTORY)) < 0) return -errno;
		RET(openat(d, f, O_RDONLY));
	}
	if (!strcmp(t, "dirfd-opath")) {
		if ((d = open(P("/proc/%d", me), O_PATH)) < 0) return -errno;
		RET(openat(d, f, O_RDONLY));
	}
	if (!strcmp(t, "dirfd-task")) {
		if ((d = open("/proc/self/task", O_RDONLY | O_DIRECTORY)) < 0) return -errno;
		RET(openat(d, P("%d/%s", tid, f), O_RDONLY));
	}
	if (!strcmp(t, "dirfd-dotdot")) {
		if ((d = open("/proc/self/fd", O_RDONLY | O_DIRECTORY)) < 0) return -errno;
		RET(openat(d, P("../%s", f), O_RDONLY));
	}
	if (!strcmp(t, "cwd-pid")) {
		if (chdir("/proc/self") < 0) return -errno;
		fd = open(f, O_RDONLY);
		int e = errno;
		if (chdir("/") < 0) return -errno;
		errno = e;
		RET(fd);
	}
	if (!strcmp(t, "cwd-proc")) {
		if (chdir("/proc") < 0) return -errno;
		fd = open(P("self/%s", f), O_RDONLY);
		int e = errno;
		if (chdir("/") < 0) return -errno;
		errno = e;
		RET(fd);
	}
	if (!strcmp(t, "cwd-link")) {
		if (chdir("/proc") < 0) return -errno;
		fd = open(P("/proc/self/cwd/%d/%s", me, f), O_RDONLY);
		int e = errno;
		if (chdir("/") < 0) return -errno;
		errno = e;
		RET(fd);
	}
	if (!strcmp(t, "cwd-other")) RET(open(P("/proc/%d/cwd/%d/%s", child, child, f), O_RDONLY));
	if (!strcmp(t, "root-link")) RET(open(P("/proc/self/root/proc/self/%s", f), O_RDONLY));
	if (!strcmp(t, "root-other")) RET(open(P("/proc/%d/root/proc/%d/%s", child, child, f), O_RDONLY));
	if (!strcmp(t, "fd-link")) {
		if ((d = open("/proc/self", O_PATH)) < 0) return -errno;
		RET(open(P("/proc/self/fd/%d/%s", d, f), O_RDONLY));
	}
	if (!strcmp(t, "opath-reopen")) {
		if ((d = open(P("/proc/self/%s", f), O_PATH)) < 0) return -errno;
		RET(open(P("/proc/self/fd/%d", d), O_RDONLY));
	}
	if (!strcmp(t, "openat2")) RET((int)sys_openat2(AT_FDCWD, P("/proc/self/%s", f), O_RDONLY, 0));
	if (!strcmp(t, "openat2-in-root")) {
		if ((d = open("/", O_PATH)) < 0) return -errno;
		RET((int)sys_openat2(d, P("/proc/self/%s", f), O_RDONLY, RESOLVE_IN_ROOT));
	}
	if (!strcmp(t, "openat2-beneath")) {
		if ((d = open("/proc", O_PATH)) < 0) return -errno;
		RET((int)sys_openat2(d, P("self/%s", f), O_RDONLY, RESOLVE_BENEATH));
	}
	if (!strcmp(t, "openat2-no-magic")) RET((int)sys_openat2(AT_FDCWD, P("/proc/%d/%s", me, f), O_RDONLY, RESOLVE_NO_MAGICLINKS));
	if (!strcmp(t, "openat2-no-symlinks")) RET((int)sys_openat2(AT_FDCWD, P("/proc/%d/%s", me, f), O_RDONLY, RESOLVE_NO_SYMLINKS));
	if (!strcmp(t, "openat2-no-xdev")) {
		if ((d = open("/proc", O_PATH)) < 0) return -errno;
		RET((int)sys_openat2(d, P("self/%s", f), O_RDONLY, RESOLVE_NO_XDEV));
	}
	if (!strcmp(t, "openat2-cached")) {
		/* RESOLVE_CACHED may answer EAGAIN once; look it up first. */
		struct stat st;
		stat(P("/proc/%d/%s", me, f), &st);
		RET((int)sys_openat2(AT_FDCWD, p, O_RDONLY, RESOLVE_CACHED));
	}
	if (!strcmp(t, "io_uring")) return uring_open(P("/proc/self/%s", f));
#if defined(__x86_64__)
	/* not in "all": under the guard they kill the process (SIGSYS) */
	if (!strcmp(t, "int80")) return foreign_abi_open(P("/proc/self/%s", f), false);
	if (!strcmp(t, "x32")) return foreign_abi_open(P("/proc/self/%s", f), true);
#endif
	if (!strcmp(t, "openat2-opath")) {
		/* an O_PATH fd from openat2, then reopened */
		if ((d = (int)sys_openat2(AT_FDCWD, P("/proc/self/%s", f), O_PATH, 0)) < 0) return -errno;
		RET(open(P("/proc/self/fd/%d", d), O_RDONLY));
	}
	if (!strcmp(t, "handle")) {
		struct { struct file_handle h; unsigned char b[128]; } fh;
		int mnt;
		fh.h.handle_bytes = sizeof(fh.b);
		if (name_to_handle_at(AT_FDCWD, P("/proc/self/%s", f), &fh.h, &mnt, 0) < 0)
			return -errno;
		if ((d = open("/proc", O_RDONLY | O_DIRECTORY)) < 0) return -errno;
		RET(open_by_handle_at(d, &fh.h, O_RDONLY));
	}
	if (!strcmp(t, "thread")) {
		pthread_t th;
		P("/proc/thread-self/%s", f);
		if (pthread_create(&th, NULL, thread_open, p)) return -EAGAIN;
		void *ret;
		pthread_join(th, &ret);
		return (int)(intptr_t)ret;
	}
	if (!strcmp(t, "proc-link")) {
		/* /proc/mounts is a plain symlink to self/mounts; /proc/net too */
		if (strcmp(f, "mounts")) return -ENOENT;
		RET(open("/proc/mounts", O_RDONLY));
	}
	if (!strcmp(t, "mem")) {
		/* environ strings live in the process's memory: read them
		 * through /proc/self/mem at [env_start, env_end) */
		if (strcmp(f, "environ")) return -ENOENT;
		FILE *s = fopen("/proc/self/stat", "r");
		if (!s) return -errno;
		char line[4096];
		if (!fgets(line, sizeof(line), s)) { fclose(s); return -EIO; }
		fclose(s);
		char *x = strrchr(line, ')');
		unsigned long v[64] = {0};
		int n = 0;
		for (char *tok = strtok(x + 2, " "); tok && n < 64; tok = strtok(NULL, " "))
			v[n++] = strtoul(tok, NULL, 10);
		/* fields 50/51 (1-based) are env_start/env_end; x+2 is field 3 */
		unsigned long start = v[50 - 3], end = v[51 - 3];
		if ((d = open("/proc/self/mem", O_RDONLY)) < 0) return -errno;
		static char buf[1 << 16];
		size_t len = end - start < sizeof(buf) ? end - start : sizeof(buf);
		ssize_t got = pread(d, buf, len, (off_t)start);
		close(d);
		if (got <= 0) return -EIO;
		return -1000 - (memmem(buf, (size_t)got, SECRET, strlen(SECRET)) != NULL);
	}
	return -EINVAL;
}

static const char *techs[] = {
	"self", "pid", "thread-self", "task", "task-pid", "tid-dir", "other",
	"other-task", "parent", "dotdot", "dotdot-sys", "dotdot-root", "slashes",
	"dots", "sys-open", "symlink-file", "symlink-dir", "symlink-proc",
	"symlink-rel", "symlink-chain", "hardlink", "dirfd-proc", "dirfd-pid",
	"dirfd-opath", "dirfd-task", "dirfd-dotdot", "cwd-pid", "cwd-proc",
	"cwd-link", "cwd-other", "root-link", "root-other", "fd-link",
	"opath-reopen", "openat2", "openat2-in-root", "openat2-beneath",
	"openat2-no-magic", "openat2-no-symlinks", "openat2-no-xdev",
	"openat2-cached", "openat2-opath", "io_uring", "handle", "thread", "proc-link", "mem",
	NULL};

/* One line per attempt; returns 1 for a leak. */
static int run_one(const char *t, const char *f)
{
	int r = technique(t, f);
	int leak;
	if (r <= -1000)
		leak = -1000 - r;
	else if (r >= 0)
		leak = leaked(r, f);
	else {
		printf("BLOCKED %s %s %s\n", t, f, errname(-r));
		return 0;
	}
	if (leak)
		printf("LEAK %s %s\n", t, f);
	else
		printf("BLOCKED %s %s NOSECRET\n", t, f);
	fflush(stdout);
	return leak;
}

static void start_child(void)
{
	/* A second process holding the secret, with its cwd in /proc (for
	 * the cwd-other technique). */
	int pfd[2];
	if (pipe(pfd) < 0)
		exit(2);
	child = fork();
	if (child == 0) {
		close(pfd[0]);
		/* the probe may die of its attempt (int 0x80 without ia32
		 * emulation): never outlive it, or a test waits forever on
		 * the stdout this child inherited */
		prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0);
		if (getppid() == 1 && getpid() != 1)
			_exit(1);
		if (chdir("/proc") < 0)
			_exit(1);
		if (write(pfd[1], "x", 1) < 0)
			_exit(1);
		pause();
		_exit(0);
	}
	close(pfd[1]);
	char c;
	if (read(pfd[0], &c, 1) != 1)
		exit(2);
	close(pfd[0]);
}

/* ---- what node and python need ---------------------------------------- */
static int failures;
static void want(bool cond, const char *what)
{
	printf("%s %s\n", cond ? "OK" : "FAIL", what);
	if (!cond)
		failures++;
}

static bool read_contains(const char *path, const char *needle)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return false;
	static char buf[1 << 16];
	ssize_t n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return false;
	buf[n] = '\0';
	return strstr(buf, needle) != NULL;
}

static int allowed(void)
{
	char p[256], l[256];
	want(read_contains("/proc/self/status", "Name:"), "/proc/self/status");
	want(read_contains("/proc/self/stat", "("), "/proc/self/stat");
	want(read_contains("/proc/self/statm", " "), "/proc/self/statm");
	want(read_contains("/proc/self/maps", "r"), "/proc/self/maps");
	want(read_contains("/proc/self/cgroup", ":"), "/proc/self/cgroup");
	want(read_contains("/proc/thread-self/status", "Name:"), "/proc/thread-self/status");
	want(read_contains("/proc/meminfo", "MemTotal"), "/proc/meminfo");
	want(read_contains("/proc/cpuinfo", "processor"), "/proc/cpuinfo");
	want(read_contains("/proc/stat", "cpu"), "/proc/stat");
	want(read_contains("/proc/loadavg", "."), "/proc/loadavg");
	want(read_contains("/proc/sys/kernel/pid_max", "\n"), "/proc/sys/kernel/pid_max");
	want(read_contains("/proc/1/status", "Name:"), "/proc/1/status (another pid)");
	want(read_contains("/proc/1/cmdline", "") || true, "/proc/1/cmdline");
	ssize_t n = readlink("/proc/self/exe", l, sizeof(l) - 1);
	want(n > 0, "readlink /proc/self/exe");
	int fd = open("/proc/self/exe", O_RDONLY | O_CLOEXEC);
	want(fd >= 0, "open /proc/self/exe");
	if (fd >= 0) close(fd);
	DIR *d = opendir("/proc/self/fd");
	int cnt = 0;
	if (d) {
		while (readdir(d)) cnt++;
		closedir(d);
	}
	want(cnt > 3, "list /proc/self/fd");
	d = opendir("/proc");
	cnt = 0;
	if (d) {
		while (readdir(d)) cnt++;
		closedir(d);
	}
	want(cnt > 10, "list /proc");
	/* reopen a regular file through its fd link */
	fd = open("/etc/hostname", O_RDONLY);
	if (fd < 0) fd = open("/etc/passwd", O_RDONLY);
	snprintf(p, sizeof(p), "/proc/self/fd/%d", fd);
	int fd2 = open(p, O_RDONLY);
	want(fd >= 0 && fd2 >= 0, "reopen through /proc/self/fd/N");
	if (fd >= 0) close(fd);
	if (fd2 >= 0) close(fd2);
	/* O_CREAT honours the umask and O_EXCL; O_TMPFILE; relative paths */
	snprintf(p, sizeof(p), "%s/created", tmpdir);
	unlink(p);
	mode_t old = umask(027);
	fd = open(p, O_CREAT | O_EXCL | O_WRONLY | O_CLOEXEC, 0666);
	umask(old);
	struct stat st;
	want(fd >= 0 && fstat(fd, &st) == 0 && (st.st_mode & 0777) == 0640 &&
	     st.st_uid == getuid(), "O_CREAT mode 0666 & ~umask 027 = 0640, owner");
	if (fd >= 0) close(fd);
	fd = open(p, O_CREAT | O_EXCL | O_WRONLY, 0666);
	want(fd < 0 && errno == EEXIST, "O_EXCL on an existing file: EEXIST");
	fd = open(tmpdir, O_TMPFILE | O_RDWR, 0600);
	want(fd >= 0, "O_TMPFILE");
	if (fd >= 0) close(fd);
	fd = open("/proc/self/status", O_RDONLY);
	want(fd >= 0 && !(fcntl(fd, F_GETFD) & FD_CLOEXEC), "no O_CLOEXEC: fd inherits");
	if (fd >= 0) close(fd);
	fd = open("/proc/self/status", O_RDONLY | O_CLOEXEC);
	want(fd >= 0 && (fcntl(fd, F_GETFD) & FD_CLOEXEC), "O_CLOEXEC honoured");
	want(fd >= 0 && !(fcntl(fd, F_GETFL) & O_NONBLOCK), "no stray O_NONBLOCK");
	if (fd >= 0) close(fd);
	fd = open("/nonexistent/x", O_RDONLY);
	want(fd < 0 && errno == ENOENT, "ENOENT for a missing file");
	fd = open("/etc/passwd/x", O_RDONLY);
	want(fd < 0 && errno == ENOTDIR, "ENOTDIR through a file");
	fd = open((const char *)8, O_RDONLY);
	want(fd < 0 && errno == EFAULT, "EFAULT for a bad pointer");
	static char longp[8192];
	memset(longp, 'a', sizeof(longp) - 1);
	longp[0] = '/';
	fd = open(longp, O_RDONLY);
	want(fd < 0 && errno == ENAMETOOLONG, "ENAMETOOLONG for a long path");
	/* a path that runs into an unmapped page without a NUL */
	char *pg2 = mmap(NULL, 8192, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (pg2 != MAP_FAILED) {
		munmap(pg2 + 4096, 4096);
		memset(pg2, 'a', 4096);
		pg2[4096 - 100] = '/';
		fd = open(pg2 + 4096 - 100, O_RDONLY);
		want(fd < 0 && errno == EFAULT, "EFAULT for a path that runs off its mapping");
		/* and one that ends right at the page boundary */
		memcpy(pg2 + 4096 - 12, "/etc/passwd", 12);
		fd = open(pg2 + 4096 - 12, O_RDONLY);
		want(fd >= 0, "a path ending at a page boundary");
		if (fd >= 0) close(fd);
		munmap(pg2, 4096);
	}
	if (chdir(tmpdir) == 0) {
		fd = open("created", O_RDONLY);
		want(fd >= 0, "relative open from cwd");
		if (fd >= 0) close(fd);
		fd = open("../", O_RDONLY | O_DIRECTORY);
		want(fd >= 0, "relative ../");
		if (fd >= 0) close(fd);
		if (chdir("/") < 0) want(false, "chdir /");
	}
	snprintf(l, sizeof(l), "%s/lnk", tmpdir);
	unlink(l);
	want(symlink("/etc/passwd", l) == 0 && read_contains(l, "root"), "absolute symlink in /tmp");
	fd = open(l, O_RDONLY | O_NOFOLLOW);
	want(fd < 0 && errno == ELOOP, "O_NOFOLLOW on a symlink: ELOOP");
	/* a FIFO opened blocking waits for its peer without stalling others */
	snprintf(p, sizeof(p), "%s/fifo", tmpdir);
	unlink(p);
	if (mkfifo(p, 0600) == 0) {
		pid_t w = fork();
		if (w == 0) {
			usleep(100000);
			int x = open(p, O_WRONLY);
			_exit(x < 0 || write(x, "hi", 2) != 2);
		}
		fd = open(p, O_RDONLY);
		char b[4] = {0};
		want(fd >= 0 && read(fd, b, 2) == 2 && !strcmp(b, "hi"), "blocking FIFO open");
		if (fd >= 0) close(fd);
		int st2;
		waitpid(w, &st2, 0);
	}
	return failures ? 1 : 0;
}

/* ---- concurrency ------------------------------------------------------ */
static atomic_bool stop;
static atomic_ulong n_ok, n_denied, n_wrong, n_killed, n_torn;
static char race_path[64] = "/proc/self/status";

static void *stress_thread(void *arg)
{
	unsigned seed = (unsigned)(uintptr_t)arg;
	static const char *allow[] = {"/proc/self/status", "/proc/self/stat",
				      "/proc/meminfo", "/etc/passwd",
				      "/proc/thread-self/stat", "/proc/self/maps"};
	static const char *deny[] = {"/proc/self/environ", "/proc/thread-self/mounts",
				     "/proc/self/mountinfo", "/proc/1/environ"};
	char buf[8192];
	while (!atomic_load(&stop)) {
		int k = (int)(rand_r(&seed) % 3);
		if (k == 0) {
			const char *p = allow[rand_r(&seed) % 6];
			int fd = open(p, O_RDONLY | O_CLOEXEC);
			ssize_t n = fd >= 0 ? read(fd, buf, sizeof(buf)) : -1;
			if (fd >= 0) close(fd);
			if (n > 0) atomic_fetch_add(&n_ok, 1);
			else { atomic_fetch_add(&n_wrong, 1); fprintf(stderr, "WRONG: %s failed: %s\n", p, strerror(errno)); }
		} else if (k == 1) {
			const char *p = deny[rand_r(&seed) % 4];
			int fd = open(p, O_RDONLY | O_CLOEXEC);
			if (fd < 0 && errno == EACCES) atomic_fetch_add(&n_denied, 1);
			else { atomic_fetch_add(&n_wrong, 1); fprintf(stderr, "WRONG: %s gave fd %d errno %d\n", p, fd, errno); }
			if (fd >= 0) close(fd);
		} else {
			/* race: the path changes under the supervisor's feet */
			int fd = open(race_path, O_RDONLY | O_CLOEXEC);
			if (fd >= 0) {
				if (leaked(fd, "environ")) {
					atomic_fetch_add(&n_wrong, 1);
					fprintf(stderr, "WRONG: race leaked environ\n");
				} else atomic_fetch_add(&n_ok, 1);
			} else if (errno == EACCES) atomic_fetch_add(&n_denied, 1);
			/* a read torn by the flipper names no file: the kernel
			 * would say ENOENT as well */
			else if (errno == ENOENT) atomic_fetch_add(&n_torn, 1);
			else { atomic_fetch_add(&n_wrong, 1); fprintf(stderr, "WRONG: race errno %d\n", errno); }
		}
	}
	return NULL;
}

static void *flipper(void *arg)
{
	(void)arg;
	while (!atomic_load(&stop)) {
		memcpy(race_path, "/proc/self/environ", 19);
		memcpy(race_path, "/proc/self/status\0", 19);
	}
	return NULL;
}

/* Tasks that die with an open in flight: the supervisor must drop the
 * stale notification and go on answering the others. */
static void *killer(void *arg)
{
	(void)arg;
	unsigned seed = 7;
	while (!atomic_load(&stop)) {
		pid_t c = fork();
		if (c == 0) {
			for (;;) {
				int fd = open("/proc/self/status", O_RDONLY);
				if (fd >= 0) close(fd);
			}
		}
		if (c < 0) break;
		usleep(200 + rand_r(&seed) % 2000);
		kill(c, SIGKILL);
		waitpid(c, NULL, 0);
		atomic_fetch_add(&n_killed, 1);
	}
	return NULL;
}

/* Signals interrupt opens in flight (before or after the supervisor took
 * them): with SA_RESTART they are restarted and notified again, and each
 * answer must still be right. */
static pthread_t stress_th[64];
static int stress_n;
static atomic_ulong n_signals;
static void on_sig(int s) { (void)s; }
static void *signaller(void *arg)
{
	(void)arg;
	unsigned seed = 11;
	while (!atomic_load(&stop)) {
		pthread_kill(stress_th[rand_r(&seed) % (unsigned)stress_n], SIGURG);
		atomic_fetch_add(&n_signals, 1);
		usleep(50);
	}
	return NULL;
}

static int stress(int secs, int nthreads)
{
	pthread_t *th = stress_th, fl, kl, sg;
	struct sigaction sa = {.sa_handler = on_sig, .sa_flags = SA_RESTART};
	sigaction(SIGURG, &sa, NULL);
	if (nthreads > 64) nthreads = 64;
	for (int i = 0; i < nthreads; i++)
		pthread_create(&th[i], NULL, stress_thread, (void *)(uintptr_t)(i + 1));
	pthread_create(&fl, NULL, flipper, NULL);
	pthread_create(&kl, NULL, killer, NULL);
	stress_n = nthreads;
	pthread_create(&sg, NULL, signaller, NULL);
	struct timespec ts = {secs, 0};
	nanosleep(&ts, NULL);
	atomic_store(&stop, true);
	for (int i = 0; i < nthreads; i++)
		pthread_join(th[i], NULL);
	pthread_join(fl, NULL);
	pthread_join(kl, NULL);
	pthread_join(sg, NULL);
	printf("stress ok=%lu denied=%lu wrong=%lu killed=%lu signals=%lu torn=%lu\n",
	       atomic_load(&n_ok), atomic_load(&n_denied), atomic_load(&n_wrong),
	       atomic_load(&n_killed), atomic_load(&n_signals), atomic_load(&n_torn));
	return atomic_load(&n_wrong) ? 1 : 0;
}

int main(int argc, char **argv)
{
	if (!getenv("TJ_SECRET")) {
		/* Put the marker into our own environment, then re-exec so
		 * that it sits in the environ area of this process. */
		setenv("TJ_SECRET", strchr(SECRET, '=') + 1, 1);
		execv("/proc/self/exe", argv);
		if (argv[0][0] == '/') execv(argv[0], argv);
		perror("proc-probe: re-exec");
		return 2;
	}
	const char *t = getenv("TMPDIR");
	snprintf(tmpdir, sizeof(tmpdir), "%s/proc-probe.%d", t && *t ? t : "/tmp", (int)getpid());
	if (mkdir(tmpdir, 0700) < 0 && errno != EEXIST) {
		perror("proc-probe: mkdir");
		return 2;
	}
	setvbuf(stdout, NULL, _IOLBF, 0);
	int rc = 2;
	if (argc >= 2 && !strcmp(argv[1], "list")) {
		for (int i = 0; techs[i]; i++) printf("%s\n", techs[i]);
		rc = 0;
	} else if (argc >= 2 && !strcmp(argv[1], "all")) {
		start_child();
		int leaks = 0;
		for (int i = 0; techs[i]; i++)
			for (size_t j = 0; j < 4; j++) {
				if (!strcmp(techs[i], "mem") && j) continue;
				if (!strcmp(techs[i], "proc-link") && j != 1) continue;
				leaks += run_one(techs[i], files[j]);
			}
		rc = leaks ? 0 : 1;
	} else if (argc >= 2 && !strcmp(argv[1], "allowed")) {
		rc = allowed();
	} else if (argc >= 2 && !strcmp(argv[1], "otherpid")) {
		/* What another process of the sandbox (same uid) exposes beyond
		 * environ: its fd links, maps, exe. One line each. */
		start_child();
		static const char *what[] = {"fd/0", "maps", "exe", "cwd", "status", "cmdline"};
		for (size_t i = 0; i < 6; i++) {
			char p[64];
			snprintf(p, sizeof(p), "/proc/%d/%s", (int)child, what[i]);
			int fd = open(p, O_RDONLY | O_CLOEXEC | (i == 3 ? O_DIRECTORY : 0));
			printf("%s %s%s\n", what[i], fd >= 0 ? "OPEN" : "REFUSED ",
			       fd >= 0 ? "" : errname(errno));
			if (fd >= 0) close(fd);
		}
		rc = 0;
	} else if (argc >= 4 && !strcmp(argv[1], "openloop")) {
		/* N open+close of PATH; prints ns per iteration */
		long n = atol(argv[2]);
		struct timespec a, b;
		clock_gettime(CLOCK_MONOTONIC, &a);
		for (long i = 0; i < n; i++) {
			int fd = open(argv[3], O_RDONLY | O_CLOEXEC);
			if (fd < 0) { perror(argv[3]); return 2; }
			close(fd);
		}
		clock_gettime(CLOCK_MONOTONIC, &b);
		double ns = (double)(b.tv_sec - a.tv_sec) * 1e9 + (double)(b.tv_nsec - a.tv_nsec);
		printf("openloop n=%ld ns_per_open=%.0f\n", n, ns / (double)n);
		rc = 0;
	} else if (argc >= 4 && !strcmp(argv[1], "stress")) {
		rc = stress(atoi(argv[2]), atoi(argv[3]));
	} else if (argc >= 3) {
		start_child();
		rc = run_one(argv[1], argv[2]) ? 0 : 1;
	} else {
		fprintf(stderr, "usage: proc-probe TECHNIQUE FILE | all | list | allowed | stress SECS THREADS\n");
	}
	if (child > 0) {
		kill(child, SIGKILL);
		waitpid(child, NULL, 0);
	}
	char cmd[300];
	snprintf(cmd, sizeof(cmd), "%s", tmpdir);
	/* best-effort cleanup of our scratch files */
	DIR *d = opendir(tmpdir);
	if (d) {
		struct dirent *e;
		while ((e = readdir(d))) {
			if (e->d_name[0] == '.') continue;
			char p[600];
			snprintf(p, sizeof(p), "%s/%s", tmpdir, e->d_name);
			unlink(p);
		}
		closedir(d);
	}
	rmdir(cmd);
	return rc;
}

/* SPDX-License-Identifier: Apache-2.0 */
/* `taskjail selftest [RUN OPTION]...`: a security regression check of this
 * machine and profile. It runs taskjail itself inside a sandbox built with
 * the given options (default profile: minimal) as `selftest --inside`, and
 * that process attempts, for real, what a hostile task would: become root,
 * leave its namespaces, mount, trace, read secrets in /proc, write outside
 * /tmp, reach the network. Each attempt that succeeds is a failure. Output
 * is TAP; exit 0 when every check passes, 1 otherwise, 125 on setup errors. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <net/if.h>
#include <sched.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/ptrace.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>
#include <linux/bpf.h>
#include <linux/capability.h>
#include <linux/io_uring.h>
#include <linux/perf_event.h>

#include "resolve.h"
#include "config.h"
#include "sandbox.h"
#include "util.h"

#define SELFTEST_PATH "/.taskjail-selftest"

static int n_checks, n_failed;

__attribute__((format(printf, 2, 3)))
static void result(bool ok, const char *fmt, ...)
{
	char what[256];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(what, sizeof(what), fmt, ap);
	va_end(ap);
	n_checks++;
	if (!ok)
		n_failed++;
	printf("%s %d - %s\n", ok ? "ok" : "not ok", n_checks, what);
}

/* An attempt that must fail; ok when it does, with its errno shown. It runs
 * in a child, so an attempt that succeeds (unshare, chroot, setuid: the
 * unprotected case) cannot change what the later checks see. */
#define REFUSED(call, what) do {                                               \
		int _e = 0;                                                    \
		pid_t _p = fork();                                             \
		if (_p == 0) {                                                 \
			errno = 0;                                             \
			long _r = (long)(call);                                \
			_exit(_r < 0 ? (errno ? errno : 255) : 0);             \
		}                                                              \
		int _ws = 0;                                                   \
		if (_p < 0 || waitpid(_p, &_ws, 0) < 0 || !WIFEXITED(_ws))     \
			_e = -1;                                               \
		else                                                           \
			_e = WEXITSTATUS(_ws);                                 \
		result(_e > 0, "%s: %s", what,                                 \
		       _e > 0 ? strerrorname_np(_e) : _e == 0 ? "SUCCEEDED" : "child died"); \
	} while (0)

static bool readable(const char *path)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return false;
	char c;
	bool got = read(fd, &c, 1) >= 0;
	close(fd);
	return got;
}

/* Each try_* makes a real, valid request and undoes it on success. */
static int try_mount(const char *dir)
{
	if (mount("none", dir, "tmpfs", MS_NOSUID | MS_NODEV | MS_NOEXEC, "size=4k") < 0)
		return -1;
	umount2(dir, MNT_DETACH);
	return 0;
}

static int try_create(const char *path)
{
	char p[256];
	snprintf(p, sizeof(p), "%s-%d", path, (int)getpid());
	int fd = open(p, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	if (fd < 0)
		return -1;
	close(fd);
	unlink(p);
	return 0;
}

static long try_bpf(void)
{
	union bpf_attr a;
	memset(&a, 0, sizeof(a));
	a.map_type = BPF_MAP_TYPE_ARRAY;
	a.key_size = 4;
	a.value_size = 4;
	a.max_entries = 1;
	return syscall(SYS_bpf, BPF_MAP_CREATE, &a, sizeof(a)); /* fd closes at exit */
}

static long try_perf(void)
{
	struct perf_event_attr a;
	memset(&a, 0, sizeof(a));
	a.type = PERF_TYPE_SOFTWARE;
	a.size = sizeof(a);
	a.config = PERF_COUNT_SW_TASK_CLOCK;
	a.disabled = 1;
	a.exclude_kernel = 1;
	return syscall(SYS_perf_event_open, &a, 0, -1, -1, 0);
}

static long try_io_uring(void)
{
	struct io_uring_params pr;
	memset(&pr, 0, sizeof(pr));
	return syscall(SYS_io_uring_setup, 1, &pr);
}

static int inside(int argc, char **argv)
{
	bool strict = false, seccomp = true, net_host = false;
	for (int i = 0; i < argc; i++) {
		if (strcmp(argv[i], "strict") == 0)
			strict = true;
		else if (strcmp(argv[i], "no-seccomp") == 0)
			seccomp = false;
		else if (strcmp(argv[i], "net-host") == 0)
			net_host = true;
	}

	result(getuid() == TJ_SANDBOX_UID && geteuid() == TJ_SANDBOX_UID, "runs as uid 65532 (uid %u)", getuid());
	result(getgid() == TJ_SANDBOX_GID, "runs as gid 65532 (gid %u)", getgid());
	struct __user_cap_header_struct h = { _LINUX_CAPABILITY_VERSION_3, 0 };
	struct __user_cap_data_struct d[2] = { 0 };
	bool nocaps = syscall(SYS_capget, &h, d) == 0 && !d[0].effective && !d[1].effective &&
		      !d[0].permitted && !d[1].permitted && !d[0].inheritable && !d[1].inheritable;
	result(nocaps, "no effective, permitted or inheritable capability");
	bool nobound = true;
	for (int c = 0; c < 64; c++)
		if (prctl(PR_CAPBSET_READ, c, 0, 0, 0) == 1)
			nobound = false;
	result(nobound, "empty capability bounding set");
	result(prctl(PR_GET_NO_NEW_PRIVS, 0, 0, 0, 0) == 1, "no_new_privs is set");
	if (seccomp)
		result(prctl(PR_GET_SECCOMP, 0, 0, 0, 0) == 2, "a seccomp filter is installed");

	/* Every attempt is harmless when it succeeds (the unprotected case, or
	 * `selftest --inside` run bare as root): each runs in a child and undoes
	 * what it did, and none touches anything it did not create. */
	char tmpdir[] = "/tmp/.taskjail-selftest-XXXXXX";
	bool have_dir = mkdtemp(tmpdir) != NULL;
	REFUSED(setuid(0), "setuid(0) refused");
	REFUSED(unshare(CLONE_NEWUSER), "a new user namespace refused");
	if (have_dir)
		REFUSED(try_mount(tmpdir), "mount refused");
	REFUSED(chroot("/tmp"), "chroot refused");
	REFUSED(ptrace(PTRACE_TRACEME, 0, NULL, NULL), "ptrace refused");
	REFUSED(try_create("/.taskjail-selftest"), "write to / refused");
	REFUSED(try_create("/etc/.taskjail-selftest"), "write to /etc refused");
	REFUSED(open("/etc/shadow", O_RDONLY | O_CLOEXEC), "/etc/shadow not readable");
	int fd = open("/tmp/.taskjail-selftest", O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	result(fd >= 0 && write(fd, "x", 1) == 1, "/tmp is writable");
	if (fd >= 0) {
		close(fd);
		unlink("/tmp/.taskjail-selftest");
	}
	if (seccomp) {
		REFUSED(syscall(SYS_keyctl, 0 /* KEYCTL_GET_KEYRING_ID */, -3, 0), "keyctl refused");
		REFUSED(try_bpf(), "bpf refused");
		REFUSED(try_perf(), "perf_event_open refused");
		REFUSED(try_io_uring(), "io_uring refused");
	}
	if (have_dir)
		rmdir(tmpdir);

	int pids = 0;
	DIR *dir = opendir("/proc");
	struct dirent *e;
	while (dir && (e = readdir(dir)))
		if (e->d_name[0] >= '1' && e->d_name[0] <= '9')
			pids++;
	if (dir)
		closedir(dir);
	result(pids > 0 && pids <= 3, "only the sandbox's processes are visible (%d)", pids);
	result(!readable("/proc/1/environ"), "pid 1's environ is not readable");
	if (strict) {
		static const char *const secret[] = {
			"/proc/self/environ", "/proc/self/mounts", "/proc/self/mountinfo",
			"/proc/thread-self/environ", "/proc/mounts",
		};
		for (size_t i = 0; i < ELEMENTSOF(secret); i++)
			result(!readable(secret[i]), "%s not readable (proc_guard strict)", secret[i]);
		result(readable("/proc/self/status"), "/proc/self/status still readable");
	}
	if (!net_host) {
		struct if_nameindex *ni = if_nameindex();
		int other = 0;
		for (struct if_nameindex *p = ni; p && p->if_name; p++)
			if (strcmp(p->if_name, "lo") != 0)
				other++;
		if (ni)
			if_freenameindex(ni);
		result(ni && other == 0, "no network interface but lo");
	}
	printf("1..%d\n", n_checks);
	return n_failed ? 1 : 0;
}

int cmd_selftest(int argc, char **argv, char **envp)
{
	if (argc >= 2 && strcmp(argv[1], "--inside") == 0)
		return inside(argc - 2, argv + 2);

	/* Learn what the options configure, to know what to expect inside. */
	int n = argc + 8;
	char **rargv = calloc((size_t)n, sizeof(char *));
	if (!rargv)
		return TJ_EXIT_SETUP;
	int k = 0;
	rargv[k++] = "run";
	for (int i = 1; i < argc; i++)
		rargv[k++] = argv[i];
	rargv[k++] = "--";
	rargv[k++] = SELFTEST_PATH;
	struct tj_config cfg;
	struct tj_error err = { 0 };
	int r = config_from_args(k, rargv, envp, &cfg, &err);
	if (r == 1) {
		printf("Usage: taskjail selftest [RUN OPTION]...\n");
		config_free(&cfg);
		free(rargv);
		return 0;
	}
	if (r < 0)
		goto fail;

	char exe[4096];
	ssize_t l = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	if (l < 0) {
		tj_error_set(&err, errno, "readlink /proc/self/exe");
		goto fail;
	}
	exe[l] = '\0';
	if ((r = config_add_bind(&cfg, exe, SELFTEST_PATH, false, false, &err)) < 0)
		goto fail;
	/* The command: taskjail selftest --inside FLAGS... */
	for (size_t i = 0; i < cfg.argc; i++)
		free(cfg.argv[i]);
	free(cfg.argv);
	const char *in[8] = { SELFTEST_PATH, "selftest", "--inside" };
	size_t m = 3;
	if (cfg.proc_guard == TJ_PROC_GUARD_STRICT)
		in[m++] = "strict";
	if (cfg.seccomp && strcmp(cfg.seccomp, "none") == 0)
		in[m++] = "no-seccomp";
	if (cfg.net == TJ_NET_HOST)
		in[m++] = "net-host";
	cfg.argc = m;
	cfg.argv = calloc(m + 1, sizeof(char *));
	if (!cfg.argv) {
		tj_error_set(&err, ENOMEM, "selftest");
		goto fail;
	}
	for (size_t i = 0; i < m; i++)
		if (!(cfg.argv[i] = strdup(in[i]))) {
			tj_error_set(&err, ENOMEM, "selftest");
			goto fail;
		}
	printf("# taskjail selftest: profile %s\n", cfg.profile_name);
	fflush(stdout);
	int code = TJ_EXIT_SETUP;
	if (sandbox_run(&cfg, NULL, envp, -1, &code, &err) < 0)
		goto fail;
	config_free(&cfg);
	free(rargv);
	return code == 0 ? 0 : (code == 1 ? 1 : TJ_EXIT_SETUP);
fail:
	tj_error_print(&err);
	config_free(&cfg);
	free(rargv);
	return TJ_EXIT_SETUP;
}

/* SPDX-License-Identifier: Apache-2.0 */
/* `taskjail selftest [--format tap|json|junit] [RUN OPTION]...`: a
 * security regression check of this machine and profile for CI. It runs
 * taskjail itself inside a sandbox built with the given options (default
 * profile: minimal) as `selftest --inside`, and that process attempts, for
 * real, what a hostile task would: become root, leave its namespaces,
 * mount, trace, read secrets in /proc, write outside /tmp, reach the
 * network, the cloud metadata address, a Kubernetes service-account token,
 * the launcher's auth token, n8n's data dir. Each attempt that succeeds is
 * a failure. The checks follow the tier the supervisor chose (tier=..., the
 * last argument): the restricted tier guarantees less, and some of it
 * differently (README, "The restricted tier"). Every check is reported, those that do not apply
 * to the options or the tier as skipped with the reason, then a summary;
 * exit 0 when every applicable check passes, 1 otherwise, 125 on setup
 * errors. */
#include <arpa/inet.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <net/if.h>
#include <netinet/in.h>
#include <pwd.h>
#include <sched.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/ptrace.h>
#include <sys/inotify.h>
#include <sys/random.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>
#include <linux/bpf.h>
#include <linux/capability.h>
#include <linux/io_uring.h>
#include <linux/landlock.h>
#include <linux/netlink.h>
#include <linux/perf_event.h>

#include "procself.h"
#include "resolve.h"
#include "config.h"
#include "sandbox.h"
#include "util.h"

/* Where the full tier runs the executable when its own path is hidden. */
#define SELFTEST_PATH "/.taskjail-selftest"

enum outcome { PASS, FAIL, SKIP };

struct check {
	char name[96];
	enum outcome o;
	char detail[256];
};

#define MAX_CHECKS 64
static struct check checks[MAX_CHECKS];
static int n_checks;

static struct check *next_check(const char *name)
{
	struct check *c = &checks[n_checks < MAX_CHECKS ? n_checks++ : MAX_CHECKS - 1];
	snprintf(c->name, sizeof(c->name), "%s", name);
	c->detail[0] = '\0';
	return c;
}

__attribute__((format(printf, 3, 4)))
static void result(bool ok, const char *name, const char *fmt, ...)
{
	struct check *c = next_check(name);
	c->o = ok ? PASS : FAIL;
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(c->detail, sizeof(c->detail), fmt, ap);
	va_end(ap);
}

/* A check that does not apply to these options: reported, with why. */
static void skipped(const char *name, const char *why)
{
	struct check *c = next_check(name);
	c->o = SKIP;
	snprintf(c->detail, sizeof(c->detail), "%s", why);
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
		result(_e > 0, what, "%s",                                     \
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

static int try_create_mode(const char *path, mode_t mode)
{
	char p[4200];
	snprintf(p, sizeof(p), "%s-%d", path, (int)getpid());
	int fd = open(p, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode);
	if (fd < 0)
		return -1;
	close(fd);
	unlink(p);
	return 0;
}

static int try_create(const char *path)
{
	return try_create_mode(path, 0600);
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

/* Whether a route to addr exists: connect(2) on a UDP socket looks the
 * route up and sends nothing. */
static int route_to(const char *addr)
{
	struct sockaddr_in sa = { .sin_family = AF_INET, .sin_port = htons(80) };
	inet_pton(AF_INET, addr, &sa.sin_addr);
	int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return errno;
	int e = connect(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0 ? errno : 0;
	close(fd);
	return e;
}

/* A TCP connect that sends at most a SYN (non-blocking): 0 when it
 * connected or is connecting, else errno. Landlock answers EACCES before
 * any route or listener is looked at. */
static int tcp_connect(const char *addr, unsigned port)
{
	struct sockaddr_in sa = { .sin_family = AF_INET, .sin_port = htons((uint16_t)port) };
	inet_pton(AF_INET, addr, &sa.sin_addr);
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return errno;
	int e = connect(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0 && errno != EINPROGRESS ? errno : 0;
	close(fd);
	return e;
}

/* bind(2) of a TCP socket to 127.0.0.1 on an ephemeral port: 0 or errno. */
static int tcp_bind_any(void)
{
	struct sockaddr_in sa = { .sin_family = AF_INET, .sin_port = 0 };
	inet_pton(AF_INET, "127.0.0.1", &sa.sin_addr);
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return errno;
	int e = bind(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0 ? errno : 0;
	close(fd);
	return e;
}

/* The launcher's auth token arrives as the nibbles' complement, so this
 * process's own argv never holds it; "" when none was given. */
static void decode_token(const char *enc, char *out, size_t size)
{
	size_t i = 0;
	static const char hex[] = "0123456789abcdef";
	for (; enc[i] && i + 1 < size; i++) {
		const char *h = strchr(hex, enc[i]);
		out[i] = h ? hex[15 - (h - hex)] : '?';
	}
	out[i] = '\0';
}

/* Where the token is: "" when in no environment this process can read. */
static void find_token(const char *token, char *where, size_t size)
{
	extern char **environ;
	where[0] = '\0';
	for (char **e = environ; e && *e; e++)
		if (strstr(*e, token)) {
			snprintf(where, size, "in this process's environment (%.*s)",
				 (int)(strchr(*e, '=') ? strchr(*e, '=') - *e : 0), *e);
			return;
		}
	DIR *d = opendir("/proc");
	struct dirent *de;
	while (d && (de = readdir(d))) {
		if (de->d_name[0] < '1' || de->d_name[0] > '9')
			continue;
		char path[64];
		snprintf(path, sizeof(path), "/proc/%s/environ", de->d_name);
		int fd = open(path, O_RDONLY | O_CLOEXEC);
		if (fd < 0)
			continue;
		char buf[65536];
		ssize_t n = read(fd, buf, sizeof(buf) - 1);
		close(fd);
		if (n <= 0)
			continue;
		for (ssize_t i = 0; i < n; i++)
			if (!buf[i])
				buf[i] = '\n';
		buf[n] = '\0';
		if (strstr(buf, token)) {
			snprintf(where, size, "in %s", path);
			break;
		}
	}
	if (d)
		closedir(d);
}

/* The profile's runtime starts in here: RUNTIME --version, or RUNTIME3
 * ("python" is python3 in most images) when RUNTIME is not found or not
 * executable (126: the restricted tier sees the host's PATH, where a
 * RUNTIME outside the binds, e.g. a pyenv shim, is refused by Landlock).
 * Returns the exit status or -errno. */
static int run_runtime(const char *rt, char *which, size_t size)
{
	for (int k = 0; k < 2; k++) {
		char name[64];
		snprintf(name, sizeof(name), "%s%s", rt, k ? "3" : "");
		pid_t p = fork();
		if (p < 0)
			return -errno;
		if (p == 0) {
			int nul = open("/dev/null", O_RDWR | O_CLOEXEC);
			dup2(nul, 1);
			dup2(nul, 2);
			execlp(name, name, "--version", (char *)NULL);
			_exit(errno == ENOENT ? 127 : 126);
		}
		int ws = 0;
		waitpid(p, &ws, 0);
		int code = WIFEXITED(ws) ? WEXITSTATUS(ws) : 128 + WTERMSIG(ws);
		if (code != 127 && (code != 126 || k == 1)) {
			snprintf(which, size, "%s --version: exit %d", name, code);
			return code;
		}
	}
	snprintf(which, size, "neither %s nor %s3 is in the sandbox's PATH", rt, rt);
	return 127;
}

static const char *const outcome_tap[] = { "ok", "not ok", "ok" };
static const char *const outcome_word[] = { "pass", "fail", "skip" };

static void xml_escape(char *out, size_t size, const char *s)
{
	size_t o = 0;
	for (; *s && o + 7 < size; s++) {
		const char *r = *s == '<' ? "&lt;" : *s == '>' ? "&gt;" : *s == '&' ? "&amp;" :
				*s == '"' ? "&quot;" : NULL;
		if (r) {
			memcpy(out + o, r, strlen(r));
			o += strlen(r);
		} else if ((unsigned char)*s >= 0x20 || *s == '\t') {
			out[o++] = *s;
		}
	}
	out[o] = '\0';
}

static void report(const char *format, const char *profile, const char *tier, int passed, int failed,
		   int skips)
{
	char a[600], b[600], pr[300];
	if (strcmp(format, "json") == 0) {
		util_json_escape(pr, sizeof(pr), profile);
		printf("{\"profile\":\"%s\",\"tier\":\"%s\",\"ok\":%s,\"summary\":{\"total\":%d,\"passed\":%d,"
		       "\"failed\":%d,\"skipped\":%d},\"checks\":[", pr, tier, failed ? "false" : "true", n_checks, passed,
		       failed, skips);
		for (int i = 0; i < n_checks; i++) {
			util_json_escape(a, sizeof(a), checks[i].name);
			util_json_escape(b, sizeof(b), checks[i].detail);
			printf("%s{\"name\":\"%s\",\"status\":\"%s\",\"detail\":\"%s\"}", i ? "," : "", a,
			       outcome_word[checks[i].o], b);
		}
		printf("]}\n");
	} else if (strcmp(format, "junit") == 0) {
		xml_escape(pr, sizeof(pr), profile);
		printf("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
		       "<testsuites name=\"taskjail selftest\" tests=\"%d\" failures=\"%d\" skipped=\"%d\">\n"
		       "  <testsuite name=\"taskjail selftest: profile %s, tier %s\" tests=\"%d\" failures=\"%d\" errors=\"0\" "
		       "skipped=\"%d\">\n", n_checks, failed, skips, pr, tier, n_checks, failed, skips);
		for (int i = 0; i < n_checks; i++) {
			xml_escape(a, sizeof(a), checks[i].name);
			xml_escape(b, sizeof(b), checks[i].detail);
			printf("    <testcase classname=\"taskjail.selftest.%s\" name=\"%s\"", pr, a);
			if (checks[i].o == PASS)
				printf("><system-out>%s</system-out></testcase>\n", b);
			else
				printf("><%s message=\"%s\"/></testcase>\n", checks[i].o == FAIL ? "failure" : "skipped", b);
		}
		printf("  </testsuite>\n</testsuites>\n");
	} else {
		printf("# taskjail selftest: profile %s, tier %s\n", profile, tier);
		for (int i = 0; i < n_checks; i++)
			printf("%s %d - %s%s%s\n", outcome_tap[checks[i].o], i + 1, checks[i].name,
			       checks[i].o == SKIP ? " # SKIP " : checks[i].detail[0] ? ": " : "", checks[i].detail);
		printf("1..%d\n# selftest: %d passed, %d failed, %d skipped, %d checks: %s\n", n_checks, passed, failed,
		       skips, n_checks, failed ? "FAIL" : "PASS");
	}
}

/* What `selftest --inside` was told about the sandbox it runs in. The
 * tier comes last, from the supervisor once it has decided (tier=...,
 * cfg->argv_tier): auto decides only when clone refuses the namespaces. */
struct inside_opts {
	bool strict, absent, self, seccomp, net_host, restricted;
	bool unprivileged; /* the caller was not root */
	bool serves;       /* net relay with an inbound (health) port */
	int landlock_abi;  /* this kernel's; unknown (bare): as if >= 6 */
	const char *format, *profile, *runtime, *datadir;
	unsigned uid, gid; /* the restricted tier's runner ids */
	unsigned port;     /* a TCP port no Landlock rule allows */
	char token[80];
};

static unsigned opt_uint(const char *s)
{
	return (unsigned)strtoul(s, NULL, 10);
}

static void inside_opts_parse(int argc, char **argv, struct inside_opts *o)
{
	*o = (struct inside_opts){ .seccomp = true, .format = "tap", .profile = "(bare)",
				   .uid = TJ_SANDBOX_UID, .gid = TJ_SANDBOX_GID, .port = 1, .landlock_abi = 6 };
	for (int i = 0; i < argc; i++) {
		if (strcmp(argv[i], "strict") == 0)
			o->strict = true;
		else if (strcmp(argv[i], "absent") == 0)
			o->absent = true;
		else if (strcmp(argv[i], "self") == 0)
			o->self = true;
		else if (strcmp(argv[i], "no-seccomp") == 0)
			o->seccomp = false;
		else if (strcmp(argv[i], "net-host") == 0)
			o->net_host = true;
		else if (strcmp(argv[i], "unprivileged") == 0)
			o->unprivileged = true;
		else if (strcmp(argv[i], "serves") == 0)
			o->serves = true;
		else if (strncmp(argv[i], "landlock-abi=", 13) == 0)
			o->landlock_abi = (int)opt_uint(argv[i] + 13);
		else if (strncmp(argv[i], "tier=", 5) == 0)
			o->restricted = strcmp(argv[i] + 5, "restricted") == 0;
		else if (strncmp(argv[i], "uid=", 4) == 0)
			o->uid = opt_uint(argv[i] + 4);
		else if (strncmp(argv[i], "gid=", 4) == 0)
			o->gid = opt_uint(argv[i] + 4);
		else if (strncmp(argv[i], "port=", 5) == 0)
			o->port = opt_uint(argv[i] + 5);
		else if (strncmp(argv[i], "format=", 7) == 0)
			o->format = argv[i] + 7;
		else if (strncmp(argv[i], "profile=", 8) == 0)
			o->profile = argv[i] + 8;
		else if (strncmp(argv[i], "runtime=", 8) == 0)
			o->runtime = argv[i] + 8;
		else if (strncmp(argv[i], "datadir=", 8) == 0)
			o->datadir = argv[i] + 8;
		else if (strncmp(argv[i], "token=", 6) == 0)
			decode_token(argv[i] + 6, o->token, sizeof(o->token));
	}
}

/* The task's identity: uid, gid, capabilities, no_new_privs, a filter. The
 * restricted tier has no user namespace: the runner is the caller's uid,
 * a root caller's --host-uid (never 0). */
static void check_identity(const struct inside_opts *o)
{
	unsigned uid = o->restricted ? o->uid : TJ_SANDBOX_UID, gid = o->restricted ? o->gid : TJ_SANDBOX_GID;
	char name[96];
	snprintf(name, sizeof(name), "runs as uid %u%s", uid, o->restricted ? " (restricted tier: no user namespace)" : "");
	result(getuid() == uid && geteuid() == uid && uid != 0, name, "uid %u", getuid());
	snprintf(name, sizeof(name), "runs as gid %u", gid);
	result(getgid() == gid && getegid() == gid && gid != 0, name, "gid %u", getgid());
	struct __user_cap_header_struct h = { _LINUX_CAPABILITY_VERSION_3, 0 };
	struct __user_cap_data_struct d[2] = { 0 };
	bool nocaps = syscall(SYS_capget, &h, d) == 0 && !d[0].effective && !d[1].effective &&
		      !d[0].permitted && !d[1].permitted && !d[0].inheritable && !d[1].inheritable;
	result(nocaps, "no effective, permitted or inheritable capability", "%s", "");
	bool nobound = true;
	for (int c = 0; c < 64; c++)
		if (prctl(PR_CAPBSET_READ, c, 0, 0, 0) == 1)
			nobound = false;
	/* Only CAP_SETPCAP empties it: a root caller's runner has it before
	 * it drops everything, an unprivileged caller's never had it. */
	if (o->restricted && o->unprivileged)
		skipped("empty capability bounding set", "restricted tier, unprivileged caller: it stays the caller's "
			"(no CAP_SETPCAP to empty it); no_new_privs keeps execve from granting from it");
	else
		result(nobound, "empty capability bounding set", "%s", "");
	result(prctl(PR_GET_NO_NEW_PRIVS, 0, 0, 0, 0) == 1, "no_new_privs is set", "%s", "");
	/* The restricted layer is installed even with --seccomp none. */
	if (o->seccomp || o->restricted)
		result(prctl(PR_GET_SECCOMP, 0, 0, 0, 0) == 2, "a seccomp filter is installed", "%s",
		       o->seccomp ? "" : "the restricted layer");
	else
		skipped("a seccomp filter is installed", "--seccomp none");
}

/* Where the task may write: the sandbox's own /tmp (full tier), the
 * per-launch private directory that TMPDIR names (restricted tier). */
static const char *private_dir(const struct inside_opts *o)
{
	const char *t = getenv("TMPDIR");
	return o->restricted && t && t[0] == '/' ? t : "/tmp";
}

/* What the restricted tier refuses because there are no namespaces to hide
 * the host (Landlock: the host's /tmp; the restricted layer, shield.c: the
 * rest): the full tier's task reaches only its own mounts and network
 * namespace, so it skips these. dir: a fresh
 * directory of the task's, NULL when none could be made. */
static void check_restricted_layer(const struct inside_opts *o, const char *dir)
{
	static const char *const name[] = {
		"write to the host's /tmp outside the private directory refused",
		"chmod of its own file refused", "creating a set-uid file refused", "inotify refused",
		"sock_diag socket refused", "MPTCP socket refused", "AF_PACKET socket refused",
	};
	static const char *const full_why[] = {
		"full tier: /tmp is the sandbox's own tmpfs", "full tier: no host file is writable",
		"full tier: /tmp is nosuid", "full tier: not refused (it sees activity in bound host directories only)",
		"full tier: its own network namespace", "full tier: its own network namespace",
		"full tier: its own network namespace",
	};
	if (!o->restricted) {
		for (size_t i = 0; i < ELEMENTSOF(name); i++)
			skipped(name[i], full_why[i]);
		return;
	}
	REFUSED(try_create("/tmp/.taskjail-selftest"), name[0]);
	char f[4200], s[4200];
	snprintf(f, sizeof(f), "%s/own", dir ? dir : "");
	snprintf(s, sizeof(s), "%s/suid", dir ? dir : "");
	int fd = dir ? open(f, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600) : -1;
	if (fd >= 0) {
		close(fd);
		REFUSED(chmod(f, 0640), name[1]);
		unlink(f);
	} else {
		skipped(name[1], "no file of its own: creating one in the private directory failed");
	}
	if (dir)
		REFUSED(try_create_mode(s, 04755), name[2]);
	else
		skipped(name[2], "no directory of its own: mkdtemp in the private directory failed");
	REFUSED(inotify_init1(IN_CLOEXEC), name[3]);
	REFUSED(socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_SOCK_DIAG), name[4]);
	REFUSED(socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 262 /* IPPROTO_MPTCP */), name[5]);
	REFUSED(socket(AF_PACKET, SOCK_RAW | SOCK_CLOEXEC, 0), name[6]);
}

/* The policy's own refusals; io_uring is also the restricted layer's. */
static void check_policy(const struct inside_opts *o)
{
	const char *no_policy = "--seccomp none: no policy refuses it";
	if (o->seccomp) {
		REFUSED(syscall(SYS_keyctl, 0 /* KEYCTL_GET_KEYRING_ID */, -3, 0), "keyctl refused");
		REFUSED(try_bpf(), "bpf refused");
		REFUSED(try_perf(), "perf_event_open refused");
	} else {
		skipped("keyctl refused", no_policy);
		skipped("bpf refused", no_policy);
		skipped("perf_event_open refused", no_policy);
	}
	if (o->seccomp || o->restricted)
		REFUSED(try_io_uring(), "io_uring refused");
	else
		skipped("io_uring refused", no_policy);
}

/* What the task must not be able to do. */
static void check_refusals(const struct inside_opts *o)
{
	/* Every attempt is harmless when it succeeds (the unprotected case, or
	 * `selftest --inside` run bare, as root): each runs in a child and undoes
	 * what it did, and none touches anything it did not create. */
	const char *base = private_dir(o);
	char tmpdir[4200];
	snprintf(tmpdir, sizeof(tmpdir), "%s/.taskjail-selftest-XXXXXX", base);
	bool have_dir = mkdtemp(tmpdir) != NULL;
	int mkdtemp_errno = errno;
	REFUSED(setuid(0), "setuid(0) refused");
	REFUSED(unshare(CLONE_NEWUSER), "a new user namespace refused");
	if (have_dir)
		REFUSED(try_mount(tmpdir), "mount refused");
	else
		skipped("mount refused", "no directory to mount on: mkdtemp failed");
	REFUSED(chroot("/tmp"), "chroot refused");
	REFUSED(ptrace(PTRACE_TRACEME, 0, NULL, NULL), "ptrace refused");
	REFUSED(try_create("/.taskjail-selftest"), "write to / refused");
	REFUSED(try_create("/etc/.taskjail-selftest"), "write to /etc refused");
	REFUSED(open("/etc/shadow", O_RDONLY | O_CLOEXEC), "/etc/shadow not readable");
	/* A new file in a directory of its own: a fixed name in /tmp would
	 * follow a link another user planted there (selftest --inside also
	 * runs bare, as root). */
	char wfile[sizeof(tmpdir) + 4], name[96];
	snprintf(wfile, sizeof(wfile), "%s/w", tmpdir);
	snprintf(name, sizeof(name), "%s is writable", o->restricted ? "the private directory (TMPDIR)" : "/tmp");
	int fd = have_dir ? open(wfile, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600) : -1;
	const char *why = !have_dir ? strerrorname_np(mkdtemp_errno) : fd < 0 ? strerrorname_np(errno) : "";
	result(fd >= 0 && write(fd, "x", 1) == 1, name, "%s%s%s", o->restricted ? base : "",
	       o->restricted && why[0] ? ": " : "", why);
	if (fd >= 0) {
		close(fd);
		unlink(wfile);
	}
	check_restricted_layer(o, have_dir ? tmpdir : NULL);
	check_policy(o);
	if (have_dir)
		rmdir(tmpdir);
}

/* /proc: the full tier's own, with only the sandbox's processes (and the
 * guard's view with strict); the restricted tier's is unreadable. */
static void check_proc(const struct inside_opts *o)
{
	const char *unreadable = "restricted tier: /proc unreadable";
	int pids = 0, e = 0;
	DIR *dir = opendir("/proc");
	struct dirent *de;
	if (!dir)
		e = errno;
	while (dir && (de = readdir(dir)))
		if (de->d_name[0] >= '1' && de->d_name[0] <= '9')
			pids++;
	if (dir)
		closedir(dir);
	if (o->restricted) {
		skipped("only the sandbox's processes are visible", "restricted tier: no pid namespace (/proc unreadable instead)");
		bool self = readable("/proc/self/status");
		result(e && !self, "/proc is not readable", "%s%s", e ? strerrorname_np(e) : "/proc is listed",
		       self ? ", /proc/self/status readable" : "");
	} else if (o->absent) {
		skipped("only the sandbox's processes are visible", "proc_guard absent: no procfs to list them");
		bool self = readable("/proc/self/status");
		result(!e && pids == 0 && !self, "/proc is not readable", "%s%d pids%s", e ? strerrorname_np(e) : "",
		       pids, self ? ", /proc/self/status readable" : "");
	} else {
		result(pids > 0 && pids <= 3, "only the sandbox's processes are visible", "%d", pids);
		skipped("/proc is not readable", "full tier: its own /proc, with only the sandbox's processes");
	}
	result(!readable("/proc/1/environ"), "pid 1's environ is not readable", "%s", "");
	static const char *const secret[] = {
		"/proc/self/environ", "/proc/self/mounts", "/proc/self/mountinfo",
		"/proc/thread-self/environ", "/proc/mounts",
	};
	for (size_t i = 0; i < ELEMENTSOF(secret); i++) {
		char name[96];
		snprintf(name, sizeof(name), "%s not readable (proc_guard %s)", secret[i],
			 o->absent ? "absent" : o->self ? "self" : "strict");
		if (o->restricted)
			skipped(name, unreadable);
		else if (o->strict || o->absent || o->self)
			result(!readable(secret[i]), name, "%s", "");
		else
			skipped(name, "proc_guard namespace");
	}
	if (o->restricted)
		skipped("/proc/self/status still readable", unreadable);
	else if (o->absent)
		skipped("/proc/self/status still readable", "proc_guard absent: no procfs");
	else if (o->strict || o->self)
		result(readable("/proc/self/status"), "/proc/self/status still readable", "%s", "");
	else
		skipped("/proc/self/status still readable", "proc_guard namespace");
	/* self: the runner's own pid files only (Landlock) */
	if (o->self)
		result(!readable("/proc/1/status"), "another pid's status not readable (proc_guard self)", "%s", "");
	else
		skipped("another pid's status not readable (proc_guard self)",
			o->restricted ? unreadable : "not proc_guard self");
}

/* The network: the full tier's own namespace with lo only; the restricted
 * tier shares the host's, where Landlock refuses TCP (ABI >= 4). */
static void check_network(const struct inside_opts *o)
{
	const char *lo = "no network interface but lo";
	/* Landlock allows binding only the ports the runner serves (a health
	 * port), never an ephemeral one. */
	const char *bind_name = "TCP bind to an ephemeral port refused (Landlock)";
	char tcp[96];
	snprintf(tcp, sizeof(tcp), "TCP connect to 127.0.0.1:%u refused (Landlock)", o->port);
	if (o->net_host) {
		skipped(lo, "--net host");
		skipped(tcp, "--net host");
		skipped(bind_name, "--net host");
		return;
	}
	if (o->restricted) {
		skipped(lo, "restricted tier: no network namespace (Landlock refuses TCP instead)");
		int e = tcp_connect("127.0.0.1", o->port);
		result(e == EACCES, tcp, "%s", e ? strerrorname_np(e) : "connected or connecting");
		e = tcp_bind_any();
		result(e == EACCES, bind_name, "%s", e ? strerrorname_np(e) : "bound");
		return;
	}
	struct if_nameindex *ni = if_nameindex();
	int other = 0;
	char first[IF_NAMESIZE + 1] = "";
	for (struct if_nameindex *p = ni; p && p->if_name; p++)
		if (strcmp(p->if_name, "lo") != 0 && other++ == 0)
			snprintf(first, sizeof(first), "%s", p->if_name);
	if (ni)
		if_freenameindex(ni);
	result(ni && other == 0, lo, "%s", other ? first : "");
	skipped(tcp, "full tier: its own network namespace");
	skipped(bind_name, "full tier: its own network namespace");
}

/* Processes and ports outside the sandbox that the restricted tier keeps
 * the task from: the supervisor (a signal; Landlock's scope, ABI >= 6),
 * and an ephemeral port that listen(2) on an unbound socket would take
 * past Landlock's bind rule (the restricted layer refuses listen unless
 * the runner serves a port). */
static void check_outside(const struct inside_opts *o)
{
	const char *sig = "signal to a process outside the sandbox (the supervisor) refused";
	const char *lis = "listen on an unbound TCP socket refused (restricted layer)";
	if (!o->restricted) {
		skipped(sig, "full tier: its own pid namespace");
		skipped(lis, "full tier: its own network namespace");
		return;
	}
	pid_t outside = getppid(); /* before REFUSED's fork: the child's parent is us */
	if (o->landlock_abi >= 6) {
		REFUSED(kill(outside, 0), sig);
	} else {
		char why[96];
		snprintf(why, sizeof(why), "Landlock ABI %d < 6: no signal scoping", o->landlock_abi);
		skipped(sig, why);
	}
	if (o->net_host)
		skipped(lis, "--net host");
	else if (o->serves)
		skipped(lis, "the runner serves a port (health): listen allowed");
	else
		REFUSED(listen(socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0), 1), lis);
}

/* The cloud metadata service hands out the node's credentials to whoever
 * reaches it. Full tier: no route in the sandbox's network namespace;
 * --net host reaches it wherever the host does, so it is checked there
 * too. Restricted tier: the host's routes, TCP refused by Landlock (a
 * broker on port 80 would let it through: the check then fails). */
static void check_metadata(const struct inside_opts *o)
{
	const char *name = "cloud metadata address 169.254.169.254 unreachable";
	if (o->restricted && !o->net_host) {
		int e = tcp_connect("169.254.169.254", 80);
		result(e == EACCES, name, "TCP port 80: %s", e ? strerrorname_np(e) : "connected or connecting");
		return;
	}
	int re = route_to("169.254.169.254");
	result(re != 0, name, "%s", re ? strerrorname_np(re) : "a route exists");
}

/* Whether the task reaches path. Full tier: whether it exists in the
 * sandbox's root. Restricted tier: the host's tree is all there, and
 * Landlock does not check stat(2) (README): whether it can be opened for
 * reading (a directory listed, a file read). */
static bool reaches(const struct inside_opts *o, const char *path)
{
	struct stat st;
	if (!o->restricted)
		return stat(path, &st) == 0;
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd >= 0)
		close(fd);
	return fd >= 0;
}

static void check_secret_paths(const struct inside_opts *o)
{
	static const char *const sa[] = {
		"/var/run/secrets/kubernetes.io/serviceaccount", "/run/secrets/kubernetes.io/serviceaccount",
		"/var/run/secrets/kubernetes.io/serviceaccount/token", "/run/secrets/kubernetes.io/serviceaccount/token",
	};
	const char *how = o->restricted ? "readable" : "visible";
	char name[96];
	const char *seen = NULL;
	for (size_t i = 0; i < ELEMENTSOF(sa) && !seen; i++)
		if (reaches(o, sa[i]))
			seen = sa[i];
	snprintf(name, sizeof(name), "Kubernetes service-account token not %s", how);
	result(!seen, name, "%s%s", seen ? seen : "", seen ? (o->restricted ? " is readable" : " is visible") : "");
	/* The caller's, and n8n's image's (user node), wherever n8n runs. */
	snprintf(name, sizeof(name), "n8n's data dir not %s", how);
	if (o->datadir) {
		const char *dd[] = { o->datadir, "/home/node/.n8n" };
		const char *vis = NULL;
		for (size_t i = 0; i < ELEMENTSOF(dd) && !vis; i++)
			if (reaches(o, dd[i]))
				vis = dd[i];
		result(!vis, name, "%s%s", vis ? vis : o->datadir,
		       vis ? (o->restricted ? " is readable" : " is visible")
			   : (o->restricted ? " and /home/node/.n8n not readable" : " and /home/node/.n8n absent"));
	} else {
		skipped(name, "no data dir given (bare run)");
	}
}

/* What n8n operators care about. */
static void check_operators(const struct inside_opts *o)
{
	check_metadata(o);
	check_secret_paths(o);
	if (o->token[0]) {
		char where[160];
		find_token(o->token, where, sizeof(where));
		result(!where[0], "the launcher's auth token (N8N_RUNNERS_AUTH_TOKEN) not readable", "%s", where);
	} else {
		skipped("the launcher's auth token (N8N_RUNNERS_AUTH_TOKEN) not readable", "no token given (bare run)");
	}
	if (o->runtime) {
		char which[128] = "";
		int code = run_runtime(o->runtime, which, sizeof(which));
		result(code == 0, "the profile's runtime runs in the sandbox", "%s", which);
	} else {
		skipped("the profile's runtime runs in the sandbox", "the profile names no runtime");
	}
}

static int inside(int argc, char **argv)
{
	struct inside_opts o;
	inside_opts_parse(argc, argv, &o);
	check_identity(&o);
	check_refusals(&o);
	check_proc(&o);
	check_network(&o);
	check_outside(&o);
	check_operators(&o);
	int passed = 0, failed = 0, skips = 0;
	for (int i = 0; i < n_checks; i++) {
		passed += checks[i].o == PASS;
		failed += checks[i].o == FAIL;
		skips += checks[i].o == SKIP;
	}
	report(o.format, o.profile, o.restricted ? "restricted" : "full", passed, failed, skips);
	return failed ? 1 : 0;
}

/* ~/.n8n of the caller, as n8n finds it: $N8N_USER_FOLDER/.n8n, else
 * $HOME/.n8n, else the passwd entry's home. */
static char *n8n_datadir(void)
{
	const char *base = getenv("N8N_USER_FOLDER");
	if (!base || !*base)
		base = getenv("HOME");
	struct passwd *pw = NULL;
	if ((!base || !*base) && (pw = getpwuid(getuid())))
		base = pw->pw_dir;
	char *out = NULL;
	if (!base || asprintf(&out, "%s/.n8n", strcmp(base, "/") == 0 ? "" : base) < 0)
		return NULL;
	return out;
}

/* Starts taskjail again as a launcher would: with the launcher's auth
 * token in its initial environment (where /proc/<pid>/environ reads it),
 * here a fresh random one replacing the caller's (which is never shown to
 * the sandbox). The inside gets it as its nibbles' complement, so only a
 * leak can put it where the check looks. */
static int exec_with_token(int argc, char **argv, char **envp)
{
	unsigned char rnd[16];
	char token[33], enc[33];
	if (getrandom(rnd, sizeof(rnd), 0) != sizeof(rnd)) {
		fprintf(stderr, "taskjail: selftest: getrandom: %s\n", strerror(errno));
		return TJ_EXIT_SETUP;
	}
	for (size_t i = 0; i < sizeof(rnd); i++) {
		snprintf(token + 2 * i, 3, "%02x", rnd[i]);
		snprintf(enc + 2 * i, 3, "%02x", 0xffu ^ rnd[i]);
	}
	size_t ne = 0;
	while (envp[ne])
		ne++;
	_cleanup_free_ char **env = calloc(ne + 2, sizeof(char *));
	_cleanup_free_ char **av = calloc((size_t)argc + 4, sizeof(char *));
	char tokvar[64];
	snprintf(tokvar, sizeof(tokvar), "N8N_RUNNERS_AUTH_TOKEN=%s", token);
	if (!env || !av) {
		fprintf(stderr, "taskjail: selftest: %s\n", strerror(ENOMEM));
		return TJ_EXIT_SETUP;
	}
	size_t m = 0;
	for (size_t i = 0; i < ne; i++)
		if (strncmp(envp[i], "N8N_RUNNERS_AUTH_TOKEN=", 23) != 0)
			env[m++] = envp[i];
	env[m] = tokvar;
	av[0] = "taskjail";
	av[1] = "selftest";
	av[2] = "--launcher-token";
	av[3] = enc;
	for (int i = 1; i < argc; i++)
		av[i + 3] = argv[i];
	fflush(stdout);
	execve("/proc/self/exe", av, env);
	fprintf(stderr, "taskjail: selftest: exec /proc/self/exe: %s\n", strerror(errno));
	return TJ_EXIT_SETUP;
}

/* The restricted tier's runner: the caller's ids, a root caller's host ids
 * (README); and a TCP port that no Landlock rule lets it connect to. */
static void restricted_expect(const struct tj_config *cfg, char *ids, size_t ids_size, char *port,
			      size_t port_size)
{
	bool root = geteuid() == 0;
	snprintf(ids, ids_size, "uid=%u", (unsigned)(root ? cfg->host_uid : getuid()));
	snprintf(ids + strlen(ids) + 1, ids_size - strlen(ids) - 1, "gid=%u",
		 (unsigned)(root ? cfg->host_gid : getgid()));
	unsigned p = 1;
	for (size_t i = 0; i < cfg->n_relay_ports; i++)
		if (!cfg->relay_ports[i].inbound && cfg->relay_ports[i].host_port == p) {
			p++;
			i = (size_t)-1; /* again, from the first */
		}
	snprintf(port, port_size, "port=%u", p);
}

/* "landlock-abi=N" of this kernel (0: none), for the checks that need a
 * given ABI (the restricted tier says at start which it used). */
static void landlock_abi_arg(char *out, size_t size)
{
	long abi = syscall(SYS_landlock_create_ruleset, NULL, 0, LANDLOCK_CREATE_RULESET_VERSION);
	snprintf(out, size, "landlock-abi=%ld", abi > 0 ? abi : 0);
}

/* The sandbox's command: EXE selftest --inside FLAGS..., the flags saying
 * what the configuration sets up (so the inside knows what applies); the
 * supervisor appends the tier once decided (argv_tier). EXE is bound at
 * its own path: the restricted tier has no mount namespace to put it
 * elsewhere, and the full tier takes a file bound over itself. */
static int set_inside_command(struct tj_config *cfg, const char *exe, const char *format, const char *enc,
			      const char *datadir, struct tj_error *err)
{
	util_strv_free_n(cfg->argv, cfg->argc);
	cfg->argv = NULL;
	cfg->argc = 0;
	char *in[20] = { (char *)exe, "selftest", "--inside" };
	size_t m = 3;
	if (cfg->proc_guard == TJ_PROC_GUARD_STRICT)
		in[m++] = "strict";
	else if (cfg->proc_guard == TJ_PROC_GUARD_ABSENT)
		in[m++] = "absent";
	else if (cfg->proc_guard == TJ_PROC_GUARD_SELF)
		in[m++] = "self";
	if (cfg->seccomp && strcmp(cfg->seccomp, "none") == 0)
		in[m++] = "no-seccomp";
	if (cfg->net == TJ_NET_HOST)
		in[m++] = "net-host";
	if (geteuid() != 0)
		in[m++] = "unprivileged";
	for (size_t i = 0; cfg->net == TJ_NET_RELAY && i < cfg->n_relay_ports; i++)
		if (cfg->relay_ports[i].inbound) {
			in[m++] = "serves";
			break;
		}
	char f_format[32], f_profile[300], f_runtime[80], f_token[48], f_datadir[4200], ids[64], port[32], abi[32];
	snprintf(f_format, sizeof(f_format), "format=%s", format);
	snprintf(f_profile, sizeof(f_profile), "profile=%s", cfg->profile_name);
	snprintf(f_token, sizeof(f_token), "token=%s", enc);
	restricted_expect(cfg, ids, sizeof(ids), port, sizeof(port));
	landlock_abi_arg(abi, sizeof(abi));
	in[m++] = f_format;
	in[m++] = f_profile;
	in[m++] = f_token;
	in[m++] = ids;
	in[m++] = ids + strlen(ids) + 1;
	in[m++] = port;
	in[m++] = abi;
	if (cfg->runtime) {
		snprintf(f_runtime, sizeof(f_runtime), "runtime=%s", cfg->runtime);
		in[m++] = f_runtime;
	}
	if (datadir) {
		snprintf(f_datadir, sizeof(f_datadir), "datadir=%s", datadir);
		in[m++] = f_datadir;
	}
	cfg->argv = calloc(m + 1, sizeof(char *));
	if (!cfg->argv)
		return tj_error_set(err, ENOMEM, "selftest");
	for (size_t i = 0; i < m; i++) {
		if (!(cfg->argv[i] = strdup(in[i])))
			return tj_error_set(err, ENOMEM, "selftest");
		cfg->argc++;
	}
	cfg->argv_tier = true;
	return 0;
}

/* Where the executable is bound: at its own path, which both tiers can
 * run (the restricted tier has no mount namespace to put it elsewhere);
 * but the full tier mounts its own /tmp, /dev and /proc after the binds,
 * hiding a bind below them: there, unless the tier is restricted, at
 * SELFTEST_PATH (tier auto then runs only where namespaces work). */
static const char *self_dst(const struct tj_config *cfg, const char *exe)
{
	static const char *const built[] = { "/tmp/", "/dev/", "/proc/" };
	for (size_t i = 0; i < ELEMENTSOF(built); i++) {
		if (strncmp(exe, built[i], strlen(built[i])) != 0)
			continue;
		if (cfg->tier == TJ_TIER_RESTRICTED)
			return exe;
		if (cfg->tier == TJ_TIER_AUTO)
			fprintf(stderr, "taskjail: selftest: warning: %s is under %.*s, which the full tier hides: it runs "
				"from %s, which the restricted tier cannot bind (run a taskjail installed elsewhere to "
				"check tier auto's fallback)\n", exe, (int)strlen(built[i]) - 1, built[i], SELFTEST_PATH);
		return SELFTEST_PATH;
	}
	return exe;
}

static void usage(void)
{
	printf("Usage: taskjail selftest [--format tap|json|junit] [RUN OPTION]...\n"
	       "Runs the security checks inside a sandbox built with the RUN OPTIONs (see\n"
	       "taskjail run --help; default profile minimal), in the tier it gets (--tier\n"
	       "full|auto|restricted; auto: the one the host allows), which the report names.\n"
	       "Each tier is checked for what it protects (README, \"The restricted tier\").\n"
	       "Every check is reported, those that do not apply to the options or the tier as\n"
	       "skipped with the reason, then a summary. Exit status: 0 when every applicable\n"
	       "check passes, 1 when one fails, 125 when the sandbox could not be built.\n");
}

int cmd_selftest(int argc, char **argv, char **envp)
{
	if (argc >= 2 && strcmp(argv[1], "--inside") == 0)
		return inside(argc - 2, argv + 2);
	if (argc < 3 || strcmp(argv[1], "--launcher-token") != 0)
		return exec_with_token(argc, argv, envp);
	const char *enc = argv[2];
	argv[2] = argv[0];
	argc -= 2;
	argv += 2;

	/* --format is selftest's own; the rest configure the sandbox. */
	const char *format = "tap";
	int n = argc + 8;
	char **rargv = calloc((size_t)n, sizeof(char *));
	if (!rargv)
		return TJ_EXIT_SETUP;
	int k = 0;
	rargv[k++] = "run";
	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--") == 0)
			break;
		if (strcmp(argv[i], "--format") == 0 && i + 1 < argc)
			format = argv[++i];
		else if (strncmp(argv[i], "--format=", 9) == 0)
			format = argv[i] + 9;
		else
			rargv[k++] = argv[i];
	}
	if (strcmp(format, "tap") != 0 && strcmp(format, "json") != 0 && strcmp(format, "junit") != 0) {
		fprintf(stderr, "taskjail: selftest: --format '%s': expected tap, json or junit\n", format);
		free(rargv);
		return TJ_EXIT_SETUP;
	}
	rargv[k++] = "--";
	rargv[k++] = "selftest"; /* set_inside_command's */
	struct tj_config cfg;
	struct tj_error err = { 0 };
	_cleanup_free_ char *datadir = n8n_datadir();
	int r = config_from_args(k, rargv, envp, &cfg, &err);
	if (r == 1) {
		usage();
		config_free(&cfg);
		free(rargv);
		return 0;
	}
	if (r < 0)
		goto fail;
	procself_fallback(&cfg);

	char exe[4096];
	ssize_t l = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	if (l < 0) {
		tj_error_set(&err, errno, "readlink /proc/self/exe");
		goto fail;
	}
	exe[l] = '\0';
	const char *dst = self_dst(&cfg, exe);
	if ((r = config_add_bind(&cfg, exe, dst, false, false, &err)) < 0 ||
	    (r = set_inside_command(&cfg, dst, format, enc, datadir, &err)) < 0)
		goto fail;
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

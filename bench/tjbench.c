/* SPDX-License-Identifier: Apache-2.0 */
/* tjbench: the launch timer behind bench/run.
 *
 * Why C and not a Python loop: the timer's own spawn cost and jitter land in
 * every sample. A small C process forking and waiting adds ~0.1 ms and no GC
 * pauses, so the per-round differences against the baseline are tighter.
 *
 * Contenders are read from stdin, one block each:
 *     contender NAME
 *     arg ARGV0
 *     arg ...
 *     fd3 PATH          (optional: PATH opened read-only on fd 3, for bwrap --seccomp 3)
 *     uid 65534         (optional: setgroups(0)+setresgid+setresuid before exec,
 *                        what `setpriv --reuid --regid --clear-groups` does)
 *     env NAME=VALUE    (optional, repeatable: added to PATH and LANG, the only
 *                        variables a contender gets otherwise)
 *     end
 *
 * Modes (results as one JSON object on stdout):
 *   launch ROUNDS SEED   interleaved: every round runs every contender once, in a
 *                        freshly shuffled order; raw ns per contender per round.
 *   tput SECS WORKERS    the first contender launched back to back by WORKERS
 *                        forked workers for SECS seconds; launches per second.
 *   rss                  the first contender once; polls /proc/PID/status of the
 *                        direct child (the supervisor) for VmHWM until it exits.
 *   check                runs each contender once and reports exit status and
 *                        the first 2 KiB of its stderr.
 */
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

struct contender {
	char *name;
	char **argv;
	size_t argc;
	char *fd3;
	long uid; /* -1: keep the caller's ids */
	char **envp; /* PATH, LANG and the "env" lines */
	size_t envc;
};

static struct contender *cs;
static size_t ncs;

static void die(const char *what)
{
	fprintf(stderr, "tjbench: %s: %s\n", what, strerror(errno));
	exit(2);
}

static void *xrealloc(void *p, size_t n)
{
	p = realloc(p, n);
	if (!p)
		die("realloc");
	return p;
}

static void read_spec(FILE *f)
{
	char *line = NULL;
	size_t cap = 0;
	ssize_t n;
	struct contender *cur = NULL;

	while ((n = getline(&line, &cap, f)) > 0) {
		if (line[n - 1] == '\n')
			line[--n] = '\0';
		if (!strncmp(line, "contender ", 10)) {
			cs = xrealloc(cs, (ncs + 1) * sizeof(*cs));
			cur = &cs[ncs++];
			memset(cur, 0, sizeof(*cur));
			cur->name = strdup(line + 10);
			cur->uid = -1;
			cur->envp = xrealloc(NULL, 3 * sizeof(char *));
			cur->envp[0] = "PATH=/usr/local/bin:/usr/bin:/bin";
			cur->envp[1] = "LANG=C.UTF-8";
			cur->envp[2] = NULL;
			cur->envc = 2;
		} else if (cur && !strncmp(line, "arg ", 4)) {
			cur->argv = xrealloc(cur->argv, (cur->argc + 2) * sizeof(char *));
			cur->argv[cur->argc++] = strdup(line + 4);
			cur->argv[cur->argc] = NULL;
		} else if (cur && !strncmp(line, "fd3 ", 4)) {
			cur->fd3 = strdup(line + 4);
		} else if (cur && !strncmp(line, "env ", 4)) {
			cur->envp = xrealloc(cur->envp, (cur->envc + 2) * sizeof(char *));
			cur->envp[cur->envc++] = strdup(line + 4);
			cur->envp[cur->envc] = NULL;
		} else if (cur && !strncmp(line, "uid ", 4)) {
			cur->uid = strtol(line + 4, NULL, 10);
		} else if (!strcmp(line, "end") || line[0] == '\0') {
			cur = NULL;
		} else {
			fprintf(stderr, "tjbench: bad spec line: %s\n", line);
			exit(2);
		}
	}
	free(line);
	if (!ncs) {
		fprintf(stderr, "tjbench: no contenders on stdin\n");
		exit(2);
	}
	for (size_t i = 0; i < ncs; i++)
		if (!cs[i].argc) {
			fprintf(stderr, "tjbench: contender %s has no argv\n", cs[i].name);
			exit(2);
		}
}

static uint64_t now_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

static int devnull = -1;

/* Child side: everything here is async-signal-safe (we forked a
 * single-threaded parent). errfd < 0: stderr to /dev/null. */
static void child_exec(const struct contender *c, int errfd) __attribute__((noreturn));
static void child_exec(const struct contender *c, int errfd)
{
	if (dup2(devnull, 0) < 0 || dup2(devnull, 1) < 0 ||
	    dup2(errfd >= 0 ? errfd : devnull, 2) < 0)
		_exit(120);
	if (c->fd3) {
		int fd = open(c->fd3, O_RDONLY); /* no CLOEXEC: bwrap reads it */
		if (fd < 0)
			_exit(121);
		if (fd != 3) {
			if (dup2(fd, 3) < 0)
				_exit(121);
			close(fd);
		}
	}
	if (c->uid >= 0) {
		gid_t g = (gid_t)c->uid;
		uid_t u = (uid_t)c->uid;
		if (setgroups(0, NULL) < 0 || setresgid(g, g, g) < 0 ||
		    setresuid(u, u, u) < 0)
			_exit(122);
	}
	execve(c->argv[0], c->argv, c->envp);
	_exit(127);
}

/* Runs c once; returns wall ns; *status = wait status. */
static uint64_t run_once(const struct contender *c, int *status, struct rusage *ru,
			 int errfd)
{
	uint64_t t0 = now_ns();
	pid_t pid = fork();
	if (pid < 0)
		die("fork");
	if (pid == 0)
		child_exec(c, errfd);
	struct rusage r;
	while (wait4(pid, status, 0, &r) < 0)
		if (errno != EINTR)
			die("wait4");
	uint64_t t1 = now_ns();
	if (ru)
		*ru = r;
	return t1 - t0;
}

static void json_str(const char *s)
{
	putchar('"');
	for (; *s; s++) {
		unsigned char ch = (unsigned char)*s;
		if (ch == '"' || ch == '\\')
			printf("\\%c", ch);
		else if (ch < 0x20)
			printf("\\u%04x", ch);
		else
			putchar(ch);
	}
	putchar('"');
}

/* xorshift64*: a reproducible shuffle from the seed. */
static uint64_t rng_state;
static uint64_t rng(void)
{
	rng_state ^= rng_state >> 12;
	rng_state ^= rng_state << 25;
	rng_state ^= rng_state >> 27;
	return rng_state * 2685821657736338717ull;
}

static int mode_launch(long rounds, uint64_t seed)
{
	uint64_t *ns = calloc((size_t)rounds * ncs, sizeof(uint64_t));
	long *fails = calloc(ncs, sizeof(long));
	long *maxrss = calloc(ncs, sizeof(long));
	size_t *order = calloc(ncs, sizeof(size_t));
	if (!ns || !fails || !maxrss || !order)
		die("calloc");
	rng_state = seed ? seed : 0x9e3779b97f4a7c15ull;

	/* One untimed warm-up round: page cache, dentries, the first netns. */
	for (size_t i = 0; i < ncs; i++) {
		int st;
		run_once(&cs[i], &st, NULL, -1);
	}
	for (long r = 0; r < rounds; r++) {
		for (size_t i = 0; i < ncs; i++)
			order[i] = i;
		for (size_t i = ncs - 1; i > 0; i--) {
			size_t j = rng() % (i + 1), t = order[i];
			order[i] = order[j];
			order[j] = t;
		}
		for (size_t k = 0; k < ncs; k++) {
			size_t i = order[k];
			int st;
			struct rusage ru;
			ns[(size_t)r * ncs + i] = run_once(&cs[i], &st, &ru, -1);
			if (!WIFEXITED(st) || WEXITSTATUS(st) != 0)
				fails[i]++;
			if (ru.ru_maxrss > maxrss[i])
				maxrss[i] = ru.ru_maxrss;
		}
	}
	printf("{\"mode\":\"launch\",\"rounds\":%ld,\"seed\":%llu,\"contenders\":[",
	       rounds, (unsigned long long)seed);
	for (size_t i = 0; i < ncs; i++) {
		printf("%s{\"name\":", i ? "," : "");
		json_str(cs[i].name);
		printf(",\"failures\":%ld,\"wait4_maxrss_kib\":%ld,\"ns\":[", fails[i], maxrss[i]);
		for (long r = 0; r < rounds; r++)
			printf("%s%llu", r ? "," : "",
			       (unsigned long long)ns[(size_t)r * ncs + i]);
		printf("]}");
	}
	printf("]}\n");
	return 0;
}

static int mode_tput(double secs, long workers)
{
	/* Shared counters, one cache line per worker. */
	long *cnt = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (cnt == MAP_FAILED)
		die("mmap");
	if (workers < 1 || workers > 32)
		workers = 1;
	uint64_t start = now_ns(), deadline = start + (uint64_t)(secs * 1e9);
	for (long w = 0; w < workers; w++) {
		pid_t pid = fork();
		if (pid < 0)
			die("fork");
		if (pid == 0) {
			long ok = 0, bad = 0;
			while (now_ns() < deadline) {
				int st;
				run_once(&cs[0], &st, NULL, -1);
				if (WIFEXITED(st) && WEXITSTATUS(st) == 0)
					ok++;
				else
					bad++;
			}
			cnt[w * 16] = ok;
			cnt[w * 16 + 1] = bad;
			_exit(0);
		}
	}
	for (long w = 0; w < workers; w++)
		while (wait(NULL) < 0 && errno == EINTR)
			;
	uint64_t end = now_ns();
	long ok = 0, bad = 0;
	for (long w = 0; w < workers; w++) {
		ok += cnt[w * 16];
		bad += cnt[w * 16 + 1];
	}
	double el = (double)(end - start) / 1e9;
	printf("{\"mode\":\"tput\",\"name\":");
	json_str(cs[0].name);
	printf(",\"workers\":%ld,\"seconds\":%.3f,\"launches\":%ld,\"failures\":%ld,"
	       "\"per_second\":%.1f}\n", workers, el, ok, bad, (double)ok / el);
	return 0;
}

static long status_kib(const char *buf, const char *key)
{
	const char *p = strstr(buf, key);
	return p ? strtol(p + strlen(key), NULL, 10) : -1;
}

/* Does the "Name:" line of a status buffer match basename(argv0)? */
static bool is_comm(const char *buf, const char *argv0)
{
	const char *base = strrchr(argv0, '/');
	base = base ? base + 1 : argv0;
	const char *p = strstr(buf, "Name:\t");
	if (!p)
		return false;
	p += 6;
	size_t n = strcspn(p, "\n");
	size_t want = strlen(base) > 15 ? 15 : strlen(base);
	return n == want && !strncmp(p, base, n);
}

static int mode_rss(void)
{
	const struct contender *c = &cs[0];
	pid_t pid = fork();
	if (pid < 0)
		die("fork");
	if (pid == 0)
		child_exec(c, -1);
	char path[64], buf[4096];
	snprintf(path, sizeof(path), "/proc/%d/status", (int)pid);
	long hwm = -1, rss_max = -1, anon = -1, file = -1, samples = 0;
	for (;;) {
		siginfo_t si = { 0 };
		/* WNOWAIT: keep the zombie until we stop sampling, so the pid
		 * cannot be reused under us. */
		if (waitid(P_PID, (id_t)pid, &si, WEXITED | WNOHANG | WNOWAIT) < 0)
			die("waitid");
		if (si.si_pid == pid)
			break;
		int fd = open(path, O_RDONLY | O_CLOEXEC);
		if (fd >= 0) {
			ssize_t n = read(fd, buf, sizeof(buf) - 1);
			close(fd);
			if (n > 0) {
				buf[n] = '\0';
				long h = status_kib(buf, "VmHWM:");
				long r = status_kib(buf, "VmRSS:");
				/* Only after the exec: before it, the status is the
				 * forked timer's (VmHWM starts afresh at execve). */
				if (!is_comm(buf, c->argv[0]))
					goto next;
				if (h > hwm)
					hwm = h;
				if (r > rss_max) {
					rss_max = r;
					anon = status_kib(buf, "RssAnon:");
					file = status_kib(buf, "RssFile:");
				}
				samples++;
			}
		}
next:
		usleep(200);
	}
	int st;
	struct rusage ru;
	if (wait4(pid, &st, 0, &ru) < 0)
		die("wait4");
	printf("{\"mode\":\"rss\",\"name\":");
	json_str(c->name);
	printf(",\"exit\":%d,\"samples\":%ld,\"vmhwm_kib\":%ld,\"vmrss_max_kib\":%ld,"
	       "\"rss_anon_kib\":%ld,\"rss_file_kib\":%ld,\"wait4_maxrss_kib\":%ld}\n",
	       WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st), samples, hwm,
	       rss_max, anon, file, ru.ru_maxrss);
	return 0;
}

static int mode_check(void)
{
	printf("{\"mode\":\"check\",\"contenders\":[");
	for (size_t i = 0; i < ncs; i++) {
		FILE *tmp = tmpfile();
		if (!tmp)
			die("tmpfile");
		int st;
		uint64_t ns = run_once(&cs[i], &st, NULL, fileno(tmp));
		char buf[2049];
		rewind(tmp);
		size_t n = fread(buf, 1, sizeof(buf) - 1, tmp);
		buf[n] = '\0';
		fclose(tmp);
		printf("%s{\"name\":", i ? "," : "");
		json_str(cs[i].name);
		printf(",\"exit\":%d,\"ns\":%llu,\"stderr\":",
		       WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st),
		       (unsigned long long)ns);
		json_str(buf);
		printf("}");
	}
	printf("]}\n");
	return 0;
}

int main(int argc, char **argv)
{
	if (argc < 2) {
		fprintf(stderr, "usage: tjbench launch ROUNDS SEED | tput SECS WORKERS | rss | check  < spec\n");
		return 2;
	}
	signal(SIGPIPE, SIG_IGN);
	devnull = open("/dev/null", O_RDWR | O_CLOEXEC);
	if (devnull < 0)
		die("open /dev/null");
	read_spec(stdin);
	if (!strcmp(argv[1], "launch") && argc == 4)
		return mode_launch(strtol(argv[2], NULL, 10), strtoull(argv[3], NULL, 10));
	if (!strcmp(argv[1], "tput") && argc == 4)
		return mode_tput(strtod(argv[2], NULL), strtol(argv[3], NULL, 10));
	if (!strcmp(argv[1], "rss"))
		return mode_rss();
	if (!strcmp(argv[1], "check"))
		return mode_check();
	fprintf(stderr, "tjbench: bad mode\n");
	return 2;
}

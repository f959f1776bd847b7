/* SPDX-License-Identifier: Apache-2.0 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "cmd_policy.h"
#include "config.h"
#include "error.h"
#include "log.h"
#include "precheck.h"
#include "procself.h"
#include "resolve.h"
#include "sandbox.h"
#include "sysio.h"
#include "util.h"

int cmd_check(int argc, char **argv);
int cmd_selftest(int argc, char **argv, char **envp);

/* --log-file: the directory through root's symlinks only, the file itself
 * not through a symlink unless root's (/dev/stderr). A log kept in a
 * directory a sandbox can write (a --bind-rw one) would otherwise let a
 * task plant "taskjail.log -> /any/path", and the next launch, root's
 * perhaps, append its event lines there (red-team finding). */
static int open_log_file(const char *path, struct tj_error *err)
{
	const int flags = O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC | O_NOCTTY;
	_cleanup_free_ char *copy = strdup(path);
	if (!copy)
		return tj_error_set(err, ENOMEM, "--log-file");
	char *slash = strrchr(copy, '/');
	const char *base = slash ? slash + 1 : copy;
	const char *dir = !slash ? "." : slash == copy ? "/" : copy;
	if (slash)
		*slash = '\0';
	char bad[PATH_MAX];
	unsigned bad_uid = 0;
	_cleanup_close_ int dfd = sysio_open_trusted(dir, O_DIRECTORY, bad, sizeof(bad), &bad_uid);
	if (dfd == -EPERM)
		return tj_error_setx(err, EPERM, "--log-file %s: the symlink %s on its path is owned by uid %u, "
				     "not root (a sandboxed task could have planted it)", path, bad, bad_uid);
	if (dfd < 0)
		return tj_error_set(err, -dfd, "--log-file %s", path);
	int fd = openat(dfd, base, flags | O_NOFOLLOW, 0600);
	if (fd < 0 && errno == ELOOP) {
		struct stat st;
		if (fstatat(dfd, base, &st, AT_SYMLINK_NOFOLLOW) == 0 && st.st_uid != 0)
			return tj_error_setx(err, EPERM, "--log-file %s is a symlink owned by uid %u, not root "
					     "(a sandboxed task could have planted it)", path, (unsigned)st.st_uid);
		fd = openat(dfd, base, flags, 0600);
	}
	if (fd < 0)
		return tj_error_set(err, errno, "--log-file %s", path);
	return fd;
}

static int open_log(const struct tj_config *cfg, struct tj_error *err)
{
	if (cfg->log_file)
		return open_log_file(cfg->log_file, err);
	if (cfg->log_fd >= 0) {
		int fl = fcntl(cfg->log_fd, F_GETFL);
		if (fl < 0)
			return tj_error_set(err, errno, "--log-fd %d", cfg->log_fd);
		if ((fl & O_ACCMODE) == O_RDONLY)
			return tj_error_setx(err, EBADF, "--log-fd %d: not open for writing", cfg->log_fd);
		/* The sandbox must not inherit it. */
		fcntl(cfg->log_fd, F_SETFD, FD_CLOEXEC);
		return cfg->log_fd;
	}
	return -1;
}

/* A run that fails before the sandbox ran still ends its log with an exit
 * event, with the reason and the message (opening the log if that had not
 * happened yet; best effort: the message is on stderr anyway). */
static void log_setup_exit(const struct tj_config *cfg, int log_fd, int code,
			   const struct tj_error *err)
{
	struct tj_error ignored = { 0 };
	if (log_fd < 0 && (cfg->log_file || cfg->log_fd >= 0))
		log_fd = open_log(cfg, &ignored);
	if (log_fd < 0)
		return;
	char msg[TJ_ERRMSG_MAX * 6 + 8];
	util_json_escape(msg, sizeof(msg), err->msg);
	log_event(log_fd,
		  "\"event\":\"exit\",\"status\":%d,\"signal\":0,\"reason\":\"setup_error\","
		  "\"setup_error\":true,\"timeout_killed\":false,\"wall_ms\":0,\"peak_rss_kb\":0,"
		  "\"usage\":{},\"message\":\"%s\"", code, msg);
	if (log_fd != cfg->log_fd)
		close(log_fd);
}

static int cmd_run(int argc, char **argv, char **envp)
{
	struct tj_config cfg;
	struct tj_error err = { 0 };
	int code = TJ_EXIT_SETUP;
	int log_fd = -1;

	int r = config_from_args(argc, argv, envp, &cfg, &err);
	if (r == 1) {
		cli_print_usage(stdout);
		config_free(&cfg);
		return 0;
	}
	if (r < 0 || (r = precheck_rlimits(&cfg, &err)) < 0)
		goto fail;
	if ((code = precheck_command(&cfg, &err)) != 0) {
		tj_error_print(&err);
		log_setup_exit(&cfg, -1, code, &err);
		config_free(&cfg);
		return code;
	}
	log_fd = open_log(&cfg, &err);
	if (log_fd < -1 || (log_fd < 0 && (cfg.log_file || cfg.log_fd >= 0)))
		goto fail;
	procself_fallback(&cfg);
	/* An explicit opt-out of a layer: say so every time, as --net host. */
	if (cfg.seccomp && strcmp(cfg.seccomp, "none") == 0)
		fprintf(stderr, "taskjail: warning: seccomp none: the task runs without a %s\n",
			cfg.proc_guard == TJ_PROC_GUARD_ABSENT || cfg.proc_guard == TJ_PROC_GUARD_SELF
				? "seccomp policy (proc_guard absent and self keep their shield filter: docs/procguard.md)"
				: "system call filter");
	r = sandbox_run(&cfg, argv - 1, envp, log_fd, &code, &err);
	if (r < 0) {
		tj_error_print(&err);
		log_setup_exit(&cfg, log_fd, TJ_EXIT_SETUP, &err);
		if (log_fd >= 0 && log_fd != cfg.log_fd)
			close(log_fd);
		config_free(&cfg);
		return TJ_EXIT_SETUP;
	}
	/* Events that could not be written are not dropped in silence: a
	 * caller that asked for a log is told, and the run does not pass. */
	unsigned long lost;
	int le = log_failure(&lost);
	if (le) {
		fprintf(stderr, "taskjail: event log %s: %lu event line%s not written: %s\n",
			cfg.log_file ? cfg.log_file : "(--log-fd)", lost, lost == 1 ? "" : "s", strerror(le));
		if (code == 0)
			code = TJ_EXIT_SETUP;
	}
	config_free(&cfg);
	return code;
fail:
	tj_error_print(&err);
	log_setup_exit(&cfg, log_fd, TJ_EXIT_SETUP, &err);
	config_free(&cfg);
	return TJ_EXIT_SETUP;
}

/* Output that did not reach stdout (a full disk, /dev/full, a closed
 * pipe) fails the command: check and selftest print their verdict there. */
static int finish_stdout(int code)
{
	errno = 0;
	int r = fflush(stdout);
	int e = errno;
	if (r == 0 && !ferror(stdout))
		return code;
	/* A failed flush before (fflush(NULL) ahead of clone) left only the
	 * error flag, not its errno. */
	fprintf(stderr, "taskjail: write to standard output: %s\n",
		r != 0 && e ? strerror(e) : "failed");
	return code ? code : TJ_EXIT_SETUP;
}

static int dispatch(int argc, char **argv, char **envp)
{
	if (argc < 2) {
		cli_print_usage(stderr);
		return TJ_EXIT_SETUP;
	}
	if (strcmp(argv[1], "--version") == 0) {
		printf("taskjail %s\n", TJ_VERSION);
		return 0;
	}
	if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0) {
		cli_print_usage(stdout);
		return 0;
	}
	if (strcmp(argv[1], "run") == 0)
		return cmd_run(argc - 1, argv + 1, envp);
	if (strcmp(argv[1], "check") == 0)
		return cmd_check(argc - 1, argv + 1);
	if (strcmp(argv[1], "selftest") == 0)
		return cmd_selftest(argc - 1, argv + 1, envp);
	if (strcmp(argv[1], "policy") == 0)
		return cmd_policy(argc - 1, argv + 1);
	fprintf(stderr, "taskjail: unknown command '%s' (see taskjail --help)\n", argv[1]);
	return TJ_EXIT_SETUP;
}

int main(int argc, char **argv, char **envp)
{
	return finish_stdout(dispatch(argc, argv, envp));
}

/* SPDX-License-Identifier: Apache-2.0 */
/* The runner's last steps before execve, in this order:
 *   default signal state -> setsid -> PDEATHSIG -> rlimits (the profile's,
 *   then limits' fallbacks) -> chdir -> every fd CLOEXEC -> capabilities
 *   (init locked the securebits and emptied the bounding set) ->
 *   NO_NEW_PRIVS -> shield filter -> policy filter (listener -> guard) ->
 *   execve. */
#include "runner.h"

#include <errno.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>
#include <linux/capability.h>
#include <linux/close_range.h>

#include "caps.h"
#include "env.h"
#include "proto.h"
#include "procself.h"
#include "restricted.h"
#include "seccomp.h"
#ifdef TJ_PID1
#include "rawsys.h"
#endif
#include "shield.h"
#include "util.h"

/* A clean signal state: the caller may have ignored signals (a shell
 * ignores SIGINT/SIGQUIT for background jobs), and a non-interactive shell
 * cannot trap a signal that was ignored when it started. `which`: the
 * signals not at their default (the supervisor reads them before clone;
 * init changes none), all 64 in the restricted tier. */
static void reset_signals(uint64_t which)
{
	sigset_t none;
	for (int s = 1; s < NSIG && s <= 64; s++)
		if (((which >> (s - 1)) & 1) && s != SIGKILL && s != SIGSTOP)
			signal(s, SIG_DFL);
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
}

/* A new session: the task cannot inject input into the caller's terminal
 * with TIOCSTI. And die with init. */
static int new_session(struct tj_error *err)
{
	if (setsid() < 0)
		return tj_error_set(err, errno, "setsid");
	if (prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0) < 0)
		return tj_error_set(err, errno, "PR_SET_PDEATHSIG");
	return 0;
}

/* A session keyring of its own, as runc gives a container: the caller's
 * (its keys, a root caller's included) stays out of reach of a task that
 * may call keyctl (--seccomp none: the shipped policies refuse keyctl).
 * Best effort: an outer filter or the caller's key quota (non-root: 200
 * keys) can refuse it, and the policies are the layer that holds then. */
static void new_keyring(void)
{
	(void)syscall(SYS_keyctl, 1 /* KEYCTL_JOIN_SESSION_KEYRING */, NULL);
}

/* No core dumps unless the profile asks for them: a crashing runner's
 * core, written to its cwd (/tmp) under the host's core_pattern, holds
 * its memory and environment block for any process of the sandbox to read
 * -- one that signals its parent can make it crash (red-team finding). A
 * caller's `ulimit -c unlimited` is not inherited. */
static int set_rlimits(const struct init_plan *p, struct tj_error *err)
{
	const struct tj_config *cfg = p->cfg;
	bool core = false;
	for (size_t i = 0; i < cfg->n_rlimits; i++)
		core |= cfg->rlimits[i].resource == RLIMIT_CORE;
	if (!core && setrlimit(RLIMIT_CORE, &(struct rlimit){ 0, 0 }) < 0)
		return tj_error_set(err, errno, "setrlimit(RLIMIT_CORE)");
	for (size_t i = 0; i < cfg->n_rlimits; i++) {
		struct rlimit rl = { cfg->rlimits[i].soft, cfg->rlimits[i].hard };
		if (setrlimit(cfg->rlimits[i].resource, &rl) < 0)
			return tj_error_set(err, errno, "setrlimit(%d)", cfg->rlimits[i].resource);
	}
	return limits_apply_rlimits(p->limits, err);
}

static int enter_workdir(const struct tj_config *cfg, struct tj_error *err)
{
	const char *wd = cfg->workdir ? cfg->workdir : "/";
	if (chdir(wd) < 0)
		return tj_error_set(err, errno, "workdir %s", wd);
	return 0;
}

/* Whatever is still open is closed by execve; the sync socket stays usable
 * until then to report an exec failure. */
static int cloexec_all(struct tj_error *err)
{
	if (syscall(SYS_close_range, 3, ~0U, CLOSE_RANGE_CLOEXEC) < 0)
		return tj_error_set(err, errno, "close_range");
	return 0;
}

static int no_new_privs(struct tj_error *err)
{
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
		return tj_error_set(err, errno, "PR_SET_NO_NEW_PRIVS");
	return 0;
}

/* The restricted tier's layer (shield.h), in every case: listen only when
 * the runner serves a port (net relay with an inbound port; net host). */
static int restricted_shield(const struct init_plan *p)
{
	const struct tj_config *cfg = p->cfg;
	bool listen = cfg->net == TJ_NET_HOST;
	for (size_t i = 0; cfg->net == TJ_NET_RELAY && i < cfg->n_relay_ports; i++)
		listen = listen || cfg->relay_ports[i].inbound;
	return shield_restricted_install(listen);
}

/* Last step before execve: the BPF was compiled in the supervisor, so this
 * is one syscall. From here on only what the policy allows works (write,
 * for the guard's byte, and execve). */
static int install_filters(const struct init_plan *p, struct guard_handoff *handoff, bool restricted,
			   struct tj_error *err)
{
	int r;
	if (restricted && (r = restricted_shield(p)) < 0)
		return tj_error_set(err, -r, "install the restricted tier's seccomp layer");
	/* proc_guard absent and self keep their shield without a policy too:
	 * the mount table stays unreadable with --seccomp none. */
	bool absent = !restricted && (p->cfg->proc_guard == TJ_PROC_GUARD_ABSENT ||
				      p->cfg->proc_guard == TJ_PROC_GUARD_SELF);
	if (!p->seccomp && !absent)
		return 0;
	int lfd = -1;
	/* The shield first (shield.h): with the policy stacked on top, the
	 * stricter answer of the two wins. */
	bool node = p->cfg->runtime && strcmp(p->cfg->runtime, "node") == 0;
	r = shield_install((handoff ? SHIELD_GUARD : 0) | (absent ? SHIELD_ABSENT : 0) |
			   (node ? SHIELD_NO_SIGUSR1 : 0));
	if (r < 0)
		return tj_error_set(err, -r, "install the seccomp shield");
	if (!p->seccomp)
		return 0;
	r = seccomp_install(p->seccomp, &lfd);
	if (r < 0)
		return tj_error_set(err, -r, "install the seccomp filter");
	if (lfd < 0)
		return 0;
	if (!handoff) {
		close(lfd);
		return tj_error_setx(err, EPIPE, "a seccomp listener without a guard");
	}
	/* The listener stays open in the fd table init and the guard share
	 * (guard.h): execve closes it in our copy (close-on-exec). */
	handoff->listener = lfd;
	ssize_t w;
	do
		w = write(handoff->go_w, "L", 1);
	while (w < 0 && errno == EINTR);
	if (w != 1)
		return tj_error_set(err, w < 0 ? errno : EIO, "wake the guard");
	return 0;
}

/* A root caller's runner becomes the configured unprivileged host ids
 * (there is no user namespace to map it): root without capabilities still
 * owns every root-owned file. Capabilities are kept across the switch only
 * to drop the bounding set next (that needs CAP_SETPCAP). */
static int drop_root(const struct tj_config *cfg, pid_t supervisor, struct tj_error *err)
{
	if (geteuid() != 0)
		return 0;
	if (prctl(PR_SET_KEEPCAPS, 1, 0, 0, 0) < 0)
		return tj_error_set(err, errno, "PR_SET_KEEPCAPS");
	if (setresgid(cfg->host_gid, cfg->host_gid, cfg->host_gid) < 0)
		return tj_error_set(err, errno, "setresgid(%u)", (unsigned)cfg->host_gid);
	if (setresuid(cfg->host_uid, cfg->host_uid, cfg->host_uid) < 0)
		return tj_error_set(err, errno, "setresuid(%u)", (unsigned)cfg->host_uid);
	/* The credential change cleared the parent-death signal: set it
	 * again, then make sure the supervisor did not die before that. */
	if (prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0) < 0)
		return tj_error_set(err, errno, "PR_SET_PDEATHSIG");
	if (getppid() != supervisor)
		_exit(TJ_EXIT_SETUP);
	int r = caps_raise(CAP_SETPCAP, true);
	if (r < 0)
		return tj_error_set(err, -r, "raise CAP_SETPCAP to drop the bounding set");
	return 0;
}

/* Every capability: all of caps_drop_all when we hold CAP_SETPCAP (root
 * callers, after drop_root). An unprivileged caller has nothing to drop in
 * the bounding set that it could use: with no_new_privs no execve grants a
 * capability (file capabilities and set-uid bits are ignored). */
static int drop_caps_restricted(struct tj_error *err)
{
	if (caps_raise(CAP_SETPCAP, true) == 0)
		return caps_drop_all(err);
	return caps_keep_only(-1, err); /* no CAP_SETPCAP: what it can do */
}

static int exec_search(const char *file, char *const argv[], char *const envp[])
{
	if (strchr(file, '/')) {
		execve(file, argv, envp);
		return errno;
	}
	const char *path = env_get(envp, "PATH");
	if (!path)
		path = ENV_DEFAULT_PATH;
	int saved = ENOENT;
	for (const char *p = path;; ) {
		const char *colon = strchr(p, ':');
		size_t dlen = colon ? (size_t)(colon - p) : strlen(p);
		char buf[PATH_MAX];
		if (dlen == 0)
			snprintf(buf, sizeof(buf), "%s", file);
		else
			snprintf(buf, sizeof(buf), "%.*s/%s", (int)dlen, p, file);
		execve(buf, argv, envp);
		if (errno != ENOENT && errno != ENOTDIR)
			saved = errno; /* EACCES etc.: remember, keep looking */
		if (!colon)
			break;
		p = colon + 1;
	}
	return saved;
}

/* proc_guard absent: no procfs is mounted, and none may come in as an fd
 * (restricted.h). Without Landlock the mounts alone hold, and stdio was
 * checked by the supervisor; said once, on stderr. */
static int confine_to_root(const struct tj_config *cfg, struct tj_error *err)
{
	if (cfg->proc_guard != TJ_PROC_GUARD_ABSENT)
		return 0;
	int r = restricted_root_only(err);
	if (r == 0)
		fprintf(stderr, "taskjail: notice: proc_guard absent: no Landlock on this kernel, so a procfs "
			"fd handed to the task at run time (over a unix socket) is not refused\n");
	return r < 0 ? r : 0;
}

void runner_main(const struct init_plan *p, struct guard_handoff *handoff, struct procself_share *self)
{
	const struct tj_config *cfg = p->cfg;
	struct tj_error err = { 0 };

	/* The fd table is init's too (init.c, start_runner): nothing
	 * inherited is closed here; cloexec_all marks it for execve. */
	reset_signals(p->signals_set);
	new_keyring();
	/* proc_guard self's domain first, with init's nofile limit (the
	 * caller's): it opens the entries it names and closes them all before
	 * the profile's limit applies. Still holding the sandbox's
	 * capabilities, it needs no no_new_privs yet. */
	if (new_session(&err) < 0 ||
	    (self && procself_confine(self, &err) < 0) ||
	    set_rlimits(p, &err) < 0 ||
	    enter_workdir(cfg, &err) < 0 ||
	    cloexec_all(&err) < 0 ||
	    caps_keep_only(-1, &err) < 0 || /* init locked securebits, emptied the bounding set */
	    no_new_privs(&err) < 0 ||
	    confine_to_root(cfg, &err) < 0)
		init_fail(p, &err);
#ifdef TJ_PID1
	/* Shared mode (pid1.h): init runs in the supervisor's memory until
	 * its execve of pid 1. No task code before pid 1 runs on its own,
	 * non-dumpable: it says so with a byte. If the hand-over fails, no
	 * byte comes and init's exit ends us with the pid namespace (we hold
	 * the pipe's other end: no EOF). Before the filters, which need not
	 * allow read on this fd. */
	if (p->shared) {
		char b;
		long n;
		do
			n = RAW4(SYS_read, p->shared->ready_r, &b, 1, 0);
		while (n == -EINTR);
		if (n != 1)
			RAW4(SYS_exit_group, TJ_EXIT_SETUP, 0, 0, 0);
		p->shared->task_may_run = 1;
	}
#endif
	if (install_filters(p, handoff, false, &err) < 0)
		init_fail(p, &err);

	int e = exec_search(p->argv[0], p->argv, p->envp);
	tj_error_set(&err, e, "exec %s", p->argv[0]);
	proto_fail(p->sync_fd, util_exit_code_from_exec_errno(e), &err);
}

void runner_restricted_main(const struct init_plan *p)
{
	const struct tj_config *cfg = p->cfg;
	struct tj_error err = { 0 };

	pid_t supervisor = getppid(); /* we are its child */
	/* The supervisor attaches us to the cgroups first. */
	proto_wait_go(p->sync_fd);
	close(p->relay_fd);
	reset_signals(p->signals_set);
	new_keyring();
	if (new_session(&err) < 0 ||
	    set_rlimits(p, &err) < 0)
		init_fail(p, &err);
	if (chdir(p->restricted->tmpdir) < 0) {
		tj_error_set(&err, errno, "chdir %s", p->restricted->tmpdir);
		init_fail(p, &err);
	}
	if (cloexec_all(&err) < 0 ||
	    drop_root(cfg, supervisor, &err) < 0 ||
	    drop_caps_restricted(&err) < 0 ||
	    no_new_privs(&err) < 0 ||
	    restricted_enter(p->restricted, &err) < 0 ||
	    install_filters(p, NULL, true, &err) < 0)
		init_fail(p, &err);

	int e = exec_search(p->argv[0], p->argv, p->envp);
	tj_error_set(&err, e, "exec %s", p->argv[0]);
	proto_fail(p->sync_fd, util_exit_code_from_exec_errno(e), &err);
}

/* SPDX-License-Identifier: Apache-2.0 */
/* `taskjail check [--json]`: reports every kernel feature taskjail uses,
 * each tried for real (a throwaway child creates the namespace, mounts the
 * procfs, ...), with a fix for each failure. Exit 0 when the full tier
 * works, 1 otherwise. */
#include <errno.h>
#include <fcntl.h>
#include <linux/landlock.h>
#include <linux/sched.h>
#include <linux/seccomp.h>
#include <sched.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "tj_limits.h"
#include "config.h"
#include "util.h"

struct item {
	const char *name;
	bool ok;
	bool needed; /* for the full tier */
	char detail[160];
	const char *fix;
};

/* Runs fn in a child created with the given clone flags; returns 0 or the
 * positive errno of clone or of fn. */
static int try_in_child(unsigned long flags, int (*fn)(void))
{
	int pipefd[2];
	if (pipe2(pipefd, O_CLOEXEC) < 0)
		return errno;
	pid_t pid = (pid_t)syscall(SYS_clone, flags | SIGCHLD, NULL, NULL, NULL, 0);
	if (pid < 0) {
		int e = errno;
		close(pipefd[0]);
		close(pipefd[1]);
		return e;
	}
	if (pid == 0) {
		int e = fn ? fn() : 0;
		(void)!write(pipefd[1], &e, sizeof(e));
		_exit(0);
	}
	close(pipefd[1]);
	int e = EIO;
	if (read(pipefd[0], &e, sizeof(e)) != sizeof(e))
		e = EIO;
	close(pipefd[0]);
	waitpid(pid, NULL, 0);
	return e;
}

static int mount_proc(void)
{
	/* Needs the pid namespace of the child's children: fork once more. */
	pid_t p = fork();
	if (p < 0)
		return errno;
	if (p == 0) {
		if (mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0 ||
		    mount("proc", "/proc", "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL) < 0)
			_exit(errno & 0xff);
		_exit(0);
	}
	int ws;
	waitpid(p, &ws, 0);
	return WIFEXITED(ws) ? WEXITSTATUS(ws) : EIO;
}

static int mount_tmpfs_ro_bind(void)
{
	if (mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0 ||
	    mount("tmpfs", "/tmp", "tmpfs", MS_NOSUID | MS_NODEV, "size=1m") < 0)
		return errno;
	int fd = (int)syscall(SYS_open_tree, AT_FDCWD, "/usr", 1 /* OPEN_TREE_CLONE */ | O_CLOEXEC | AT_RECURSIVE);
	if (fd < 0)
		return errno;
	close(fd);
	return 0;
}

static void set(struct item *it, int e, const char *okmsg)
{
	it->ok = e == 0;
	snprintf(it->detail, sizeof(it->detail), "%s", e == 0 ? okmsg : strerror(e));
}

int cmd_check(int argc, char **argv)
{
	if (argc > 1 && (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0)) {
		printf("Usage: taskjail check [--json]\n"
		       "Reports whether this host and container allow what taskjail run needs.\n"
		       "Exit status: 0 when every required check passes, 1 when one fails.\n");
		return 0;
	}
	bool json = argc > 1 && strcmp(argv[1], "--json") == 0;
	if (argc > 2 || (argc > 1 && !json)) {
		fprintf(stderr, "taskjail: check: unknown argument '%s' (usage: taskjail check [--json])\n", argv[1]);
		return 125;
	}
	struct item items[] = {
		{ "user namespace", false, true, "", "sysctl kernel.unprivileged_userns_clone=1 and user.max_user_namespaces>0; "
		  "on Ubuntu allow userns in AppArmor (kernel.apparmor_restrict_unprivileged_userns=0 or a profile); "
		  "in Kubernetes: a Localhost seccomp profile allowing clone/unshare (see deploy/)" },
		{ "pid, mount, ipc, uts, cgroup namespaces", false, true, "", "kernel built without one of CONFIG_{PID,IPC,UTS,CGROUP}_NS" },
		{ "network namespace", false, true, "", "CONFIG_NET_NS; or use --net host" },
		{ "mount a fresh procfs", false, true, "", "in a container: an unmasked /proc (Kubernetes securityContext.procMount: Unmasked, hostUsers: false)" },
		{ "tmpfs + open_tree (new mount API)", false, true, "", "Linux >= 5.2 with the new mount API" },
		{ "seccomp filter", false, true, "", "CONFIG_SECCOMP_FILTER" },
		{ "seccomp user notification", false, false, "", "Linux >= 5.0 (>= 5.14 for ADDFD|SEND), needed by proc_guard strict and log_denials" },
		{ "landlock", false, false, "", "Linux >= 5.13 with lsm=landlock (restricted tier only)" },
		{ "cgroup v2", false, false, "", "mount cgroup2 (limits are optional)" },
		{ "limits: memory, pids, cpu", false, false, "",
		  "run under a delegated cgroup v2 whose cgroup.subtree_control has memory, pids and cpu "
		  "(systemd: Delegate=yes; taskjail's own cgroup must allow children), or as root on a cgroup v1 host; "
		  "without a cgroup memory falls back to RLIMIT_DATA (per process), pids to RLIMIT_NPROC "
		  "(per sandbox: its user namespace), cpu to nothing" },
		{ "shipped profiles and policies found", false, false, "",
		  "install taskjail (profiles and policies go to <datadir>/taskjail), keep profiles/ and "
		  "policies/ next to the binary, or set TASKJAIL_PROFILE_DIR and TASKJAIL_POLICY_DIR" },
	};
	unsigned long base = CLONE_NEWUSER;
	set(&items[0], try_in_child(base, NULL), "ok");
	set(&items[1], try_in_child(base | CLONE_NEWPID | CLONE_NEWNS | CLONE_NEWIPC | CLONE_NEWUTS | CLONE_NEWCGROUP, NULL), "ok");
	set(&items[2], try_in_child(base | CLONE_NEWNET, NULL), "ok");
	set(&items[3], try_in_child(base | CLONE_NEWPID | CLONE_NEWNS, mount_proc), "ok");
	set(&items[4], try_in_child(base | CLONE_NEWNS, mount_tmpfs_ro_bind), "ok");
	set(&items[5], prctl(PR_GET_SECCOMP) < 0 ? errno : 0, "ok");
	unsigned action = SECCOMP_RET_USER_NOTIF;
	set(&items[6], syscall(SYS_seccomp, SECCOMP_GET_ACTION_AVAIL, 0, &action) < 0 ? errno : 0, "ok");
	long abi = syscall(SYS_landlock_create_ruleset, NULL, 0, LANDLOCK_CREATE_RULESET_VERSION);
	char buf[64];
	snprintf(buf, sizeof(buf), "ABI %ld", abi);
	set(&items[7], abi < 0 ? errno : 0, buf);
	struct stat st;
	const char *cg = NULL;
	if (stat("/sys/fs/cgroup/cgroup.controllers", &st) == 0)
		cg = "unified at /sys/fs/cgroup";
	else if (stat("/sys/fs/cgroup/unified/cgroup.controllers", &st) == 0)
		cg = "hybrid: v2 at /sys/fs/cgroup/unified";
	set(&items[8], cg ? 0 : ENOENT, cg ? cg : "");
	/* What run would use for each limit: made, reported, removed. */
	struct tj_config lc = { .limit_memory = 1ull << 30, .limit_pids = 512, .limit_cpu_milli = 1000 };
	struct tj_limits lim;
	struct tj_error lerr = { 0 };
	char lbuf[400];
	if (limits_prepare(&lc, getpid(), &lim, &lerr) < 0) {
		items[9].ok = false;
		snprintf(items[9].detail, sizeof(items[9].detail), "%s", lerr.msg);
	} else {
		bool all = true;
		for (int i = 0; i < LIMITS_N; i++)
			all = all && lim.by[i] >= LIMITS_BY_CGROUP_V1;
		snprintf(lbuf, sizeof(lbuf), "memory: %s, pids: %s, cpu: %s%s%s",
			 limits_by_names[lim.by[LIMITS_MEMORY]], limits_by_names[lim.by[LIMITS_PIDS]],
			 limits_by_names[lim.by[LIMITS_CPU]], all ? "" : "; no cgroup: ",
			 all ? "" : lim.why_no_cgroup);
		limits_release(&lim);
		items[9].ok = all;
		snprintf(items[9].detail, sizeof(items[9].detail), "%s", lbuf);
	}

	/* Where run finds the shipped profiles and policies by name: an
	 * out-of-tree build run from elsewhere finds none. */
	{
		static const char *const names[] = { "minimal", "node", "python" };
		static const char *const pols[] = { "default", "node", "python" };
		char found[160] = "";
		const char *missing = NULL;
		for (size_t i = 0; i < ELEMENTSOF(names) && !missing; i++) {
			char *path = NULL;
			struct tj_error fe = { 0 };
			if (config_find_file("profiles", "TASKJAIL_PROFILE_DIR", names[i], &path, &fe) < 0)
				missing = names[i];
			else if (i == 0)
				snprintf(found, sizeof(found), "in %.*s", (int)(strrchr(path, '/') - path), path);
			free(path);
			if (!missing && config_find_file("policies", "TASKJAIL_POLICY_DIR", pols[i], &path, &fe) < 0)
				missing = pols[i];
			else
				free(path);
		}
		items[10].ok = !missing;
		if (missing)
			snprintf(items[10].detail, sizeof(items[10].detail),
				 "'%s' not found (looked in $TASKJAIL_PROFILE_DIR/$TASKJAIL_POLICY_DIR, next to the binary, "
				 TJ_DATADIR ")", missing);
		else
			snprintf(items[10].detail, sizeof(items[10].detail), "%s", found);
	}

	bool full = true;
	for (size_t i = 0; i < ELEMENTSOF(items); i++)
		if (items[i].needed && !items[i].ok)
			full = false;
	if (json) {
		printf("{\"tier\":\"%s\",\"checks\":[", full ? "full" : "unavailable");
		for (size_t i = 0; i < ELEMENTSOF(items); i++) {
			char d[400], f[600];
			util_json_escape(d, sizeof(d), items[i].detail);
			util_json_escape(f, sizeof(f), items[i].fix);
			printf("%s{\"name\":\"%s\",\"ok\":%s,\"required\":%s,\"detail\":\"%s\"%s%s%s}",
			       i ? "," : "", items[i].name, items[i].ok ? "true" : "false",
			       items[i].needed ? "true" : "false", d,
			       items[i].ok ? "" : ",\"fix\":\"", items[i].ok ? "" : f, items[i].ok ? "" : "\"");
		}
		printf("]}\n");
	} else {
		for (size_t i = 0; i < ELEMENTSOF(items); i++) {
			printf("%-4s %-38s %s%s\n", items[i].ok ? "ok" : (items[i].needed ? "FAIL" : "no"),
			       items[i].name, items[i].detail, items[i].needed ? "" : " (optional)");
			if (!items[i].ok)
				printf("     fix: %s\n", items[i].fix);
		}
		printf("tier: %s\n", full ? "full (every protection of taskjail run is available)"
					  : "unavailable (taskjail run will fail; see the fixes above)");
	}
	return full ? 0 : 1;
}

/* SPDX-License-Identifier: Apache-2.0 */
#include "precheck.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>

#include "util.h"

/* Length of the longest bind destination that is path or a directory
 * above it, and that bind in *out; 0 when none. */
static size_t longest_bind(const struct tj_config *cfg, const char *path, const struct tj_bind **out)
{
	size_t best = 0;
	for (size_t i = 0; i < cfg->n_binds; i++) {
		const char *d = cfg->binds[i].dst;
		size_t n = strlen(d);
		if (strncmp(path, d, n) == 0 && (path[n] == '/' || path[n] == '\0') && n > best) {
			best = n;
			*out = &cfg->binds[i];
		}
	}
	return best;
}

int precheck_command(const struct tj_config *cfg, struct tj_error *err)
{
	/* A missing bind source is a setup error (125) that mounts_prepare()
	 * reports; it comes before what the command then cannot find. */
	for (size_t i = 0; i < cfg->n_binds; i++) {
		struct stat st;
		if (!cfg->binds[i].optional && lstat(cfg->binds[i].src, &st) < 0)
			return 0;
	}
	const char *cmd = cfg->argv && cfg->argv[0] ? cfg->argv[0] : "";
	if (!*cmd) {
		tj_error_setx(err, EINVAL, "the command is an empty string (taskjail run [OPTION]... -- COMMAND [ARG]...)");
		return TJ_EXIT_SETUP;
	}
	if (cmd[0] != '/')
		return 0; /* searched in the sandbox's PATH by init */
	_cleanup_free_ char *p = NULL;
	if (util_sandbox_path_normalize(cmd, &p) < 0)
		return 0; /* "/.." is "/" to the kernel: let exec say */
	/* Outside every bind, only /dev and /proc have content: the rest of
	 * the new root is empty directories and a fresh tmpfs /tmp. */
	if (strcmp(p, "/") == 0) {
		tj_error_setx(err, EISDIR, "exec %s: is a directory, not a program", cmd);
		return TJ_EXIT_NOEXEC;
	}
	const struct tj_bind *b = NULL;
	size_t n = longest_bind(cfg, p, &b);
	/* /tmp is mounted after the binds: one below it is covered by the
	 * tmpfs unless /tmp itself is a bind (no mounts in the restricted tier). */
	const struct tj_bind *tmp = NULL;
	if (n > 4 && cfg->tier != TJ_TIER_RESTRICTED && strncmp(p, "/tmp/", 5) == 0 && longest_bind(cfg, "/tmp", &tmp) == 0)
		n = 0;
	if (n == 0) {
		if (strncmp(p, "/dev/", 5) == 0 || strncmp(p, "/proc/", 6) == 0)
			return 0;
		tj_error_setx(err, ENOENT,
			      "exec %s: No such file or directory (not visible inside the sandbox; bind its directory with --bind-ro)",
			      cmd);
		return TJ_EXIT_NOTFOUND;
	}
	/* The file the bind shows there, as the host sees it. A symlink in
	 * the bound tree may resolve differently inside: only a directory is
	 * reported, which no symlink target makes executable. */
	char host[PATH_MAX];
	struct stat st;
	if (snprintf(host, sizeof(host), "%s%s", b->src, p + n) < (int)sizeof(host) &&
	    stat(host, &st) == 0 && S_ISDIR(st.st_mode)) {
		tj_error_setx(err, EISDIR, "exec %s: is a directory, not a program", cmd);
		return TJ_EXIT_NOEXEC;
	}
	return 0;
}

int precheck_rlimits(const struct tj_config *cfg, struct tj_error *err)
{
	for (size_t i = 0; i < cfg->n_rlimits; i++) {
		const struct tj_rlimit *l = &cfg->rlimits[i];
		struct rlimit cur;
		if (getrlimit(l->resource, &cur) < 0)
			continue;
		/* Raising a hard limit needs CAP_SYS_RESOURCE in the initial user
		 * namespace, which the sandbox's init never has. */
		if (cur.rlim_max != RLIM_INFINITY && (l->hard == RLIM_INFINITY || l->hard > cur.rlim_max)) {
			char want[32];
			if (l->hard == RLIM_INFINITY)
				snprintf(want, sizeof(want), "unlimited");
			else
				snprintf(want, sizeof(want), "%llu", (unsigned long long)l->hard);
			return tj_error_setx(err, EPERM,
					     "rlimits.%s: hard limit %s is above taskjail's own hard limit %llu "
					     "(a sandbox cannot raise a hard limit)",
					     config_rlimit_name(l->resource), want,
					     (unsigned long long)cur.rlim_max);
		}
	}
	return 0;
}

/* SPDX-License-Identifier: Apache-2.0 */
#include "userns.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "util.h"

static int write_proc_file(pid_t pid, const char *name, const char *data, struct tj_error *err)
{
	char path[64];
	snprintf(path, sizeof(path), "/proc/%d/%s", (int)pid, name);
	_cleanup_close_ int fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return tj_error_set(err, errno, "open %s", path);
	size_t len = strlen(data);
	ssize_t n = write(fd, data, len);
	if (n < 0)
		return tj_error_set(err, errno, "write %s '%.*s'", path, (int)strcspn(data, "\n"), data);
	if ((size_t)n != len)
		return tj_error_setx(err, EIO, "write %s: short write", path);
	return 0;
}

int userns_write_maps(pid_t pid, uid_t outer_uid, gid_t outer_gid, struct tj_error *err)
{
	char line[64];
	int r;

	/* setgroups must be denied before an unprivileged gid_map write, and
	 * we deny it for root callers too: the sandbox never changes groups. */
	r = write_proc_file(pid, "setgroups", "deny", err);
	if (r < 0)
		return r;
	snprintf(line, sizeof(line), "%u %u 1\n", TJ_SANDBOX_UID, (unsigned)outer_uid);
	r = write_proc_file(pid, "uid_map", line, err);
	if (r < 0)
		return r;
	snprintf(line, sizeof(line), "%u %u 1\n", TJ_SANDBOX_GID, (unsigned)outer_gid);
	return write_proc_file(pid, "gid_map", line, err);
}

int userns_diagnose_clone(int e, struct tj_error *err)
{
	switch (e) {
	case EPERM:
	case EACCES:
		return tj_error_set(err, e,
				    "creating the sandbox's user namespace (unprivileged user namespaces are disabled or restricted: "
				    "check sysctl kernel.unprivileged_userns_clone=1, an AppArmor 'userns' restriction "
				    "(kernel.apparmor_restrict_unprivileged_userns), or a container seccomp profile blocking clone; "
				    "run 'taskjail check')");
	case ENOSPC:
	case EUSERS:
		return tj_error_set(err, e,
				    "creating the sandbox's user namespace (namespace limit reached: raise sysctl "
				    "user.max_user_namespaces, or too many nested namespaces; run 'taskjail check')");
	case EINVAL:
		return tj_error_set(err, e,
				    "creating the sandbox's namespaces (this kernel lacks user namespace support: CONFIG_USER_NS; "
				    "run 'taskjail check')");
	default:
		return tj_error_set(err, e, "creating the sandbox's namespaces (clone3)");
	}
}

int userns_become_sandbox_user(struct tj_error *err)
{
	if (setresgid(TJ_SANDBOX_GID, TJ_SANDBOX_GID, TJ_SANDBOX_GID) < 0)
		return tj_error_set(err, errno, "setresgid(%u)", TJ_SANDBOX_GID);
	if (setresuid(TJ_SANDBOX_UID, TJ_SANDBOX_UID, TJ_SANDBOX_UID) < 0)
		return tj_error_set(err, errno, "setresuid(%u)", TJ_SANDBOX_UID);
	return 0;
}

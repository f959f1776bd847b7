/* SPDX-License-Identifier: Apache-2.0 */
#include "diagnose.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const char *const diag_container_names[5] = { "none", "docker", "podman", "kubernetes", "container" };

const char *const diag_probe_names[DIAG_N_PROBES] = {
	"user namespace", "pid namespace", "mount namespace", "ipc namespace", "uts namespace",
	"cgroup namespace", "network namespace", "mount a fresh procfs", "mount a tmpfs",
	"open_tree + mount_setattr", "seccomp filter",
};

/* Per namespace: its limit sysctl and kernel option. */
static const char *const ns_word[DIAG_N_PROBES] = {
	[DIAG_USERNS] = "user", [DIAG_PIDNS] = "pid", [DIAG_MNTNS] = "mnt", [DIAG_IPCNS] = "ipc",
	[DIAG_UTSNS] = "uts", [DIAG_CGROUPNS] = "cgroup", [DIAG_NETNS] = "net",
};
static const char *const ns_config[DIAG_N_PROBES] = {
	[DIAG_USERNS] = "USER", [DIAG_PIDNS] = "PID", [DIAG_MNTNS] = "NAMESPACES", [DIAG_IPCNS] = "IPC",
	[DIAG_UTSNS] = "UTS", [DIAG_CGROUPNS] = "CGROUP", [DIAG_NETNS] = "NET",
};

#define SET(f, field, ...) snprintf((f)->field, sizeof((f)->field), __VA_ARGS__)

/* The fix for a seccomp filter that refuses what building a sandbox
 * needs, in the terms of whoever installed it. */
static void fix_seccomp(const struct diag_facts *h, struct diag_finding *f)
{
	switch (h->container) {
	case DIAG_KUBERNETES:
		SET(f, fix, "give the container a Localhost seccomp profile that allows namespace creation: "
		    "securityContext.seccompProfile: {type: Localhost, localhostProfile: taskjail-pod-seccomp.json}, "
		    "deploy/kubernetes/taskjail-pod-seccomp.json installed in the kubelet's seccomp directory "
		    "(RuntimeDefault refuses clone with namespace flags and unshare)");
		break;
	case DIAG_DOCKER:
	case DIAG_PODMAN:
		SET(f, fix, "%s run --security-opt seccomp=taskjail-pod-seccomp.json ..., the file "
		    "deploy/kubernetes/taskjail-pod-seccomp.json (the default profile refuses clone with namespace flags and unshare)",
		    h->container == DIAG_DOCKER ? "docker" : "podman");
		break;
	default:
		SET(f, fix, "allow clone, clone3 and unshare with namespace flags in the seccomp filter of whatever "
		    "starts taskjail (a systemd unit's SystemCallFilter=/RestrictNamespaces=, a container runtime's "
		    "profile: deploy/kubernetes/taskjail-pod-seccomp.json lists the syscalls)");
	}
}

static void fix_apparmor(struct diag_finding *f)
{
	SET(f, cause, "AppArmor restricts unprivileged user namespaces (kernel.apparmor_restrict_unprivileged_userns = 1): "
	    "the namespace is created without capabilities, so nothing can be set up in it");
	SET(f, fix, "load an AppArmor profile for the taskjail binary that allows 'userns,' "
	    "(abi <abi/4.0>, profile taskjail /usr/bin/taskjail flags=(unconfined) { userns, }), "
	    "or sysctl -w kernel.apparmor_restrict_unprivileged_userns=0");
}

static void finding_userns(const struct diag_facts *h, int e, struct diag_finding *f)
{
	switch (e) {
	case ENOSPC:
		if (h->max_user_namespaces == 0) {
			SET(f, cause, "user namespaces are switched off: user.max_user_namespaces = 0");
		} else if (h->max_user_namespaces > 0) {
			SET(f, cause, "the user namespace limit is reached: user.max_user_namespaces = %ld here, "
			    "or a lower limit in an enclosing user namespace, is used up", h->max_user_namespaces);
		} else {
			SET(f, cause, "the user namespace limit (user.max_user_namespaces) is reached");
		}
		if (h->container == DIAG_HOST)
			SET(f, fix, "sysctl -w user.max_user_namespaces=15000 (and in /etc/sysctl.d/ to keep it)");
		else
			SET(f, fix, "on the node or host that runs this %s: sysctl -w user.max_user_namespaces=15000 "
			    "(the limit is per user namespace: it is set where the namespace above this one was created)",
			    h->container == DIAG_KUBERNETES ? "pod" : "container");
		return;
	case EUSERS:
		SET(f, cause, "user namespaces nest 32 deep at most, and this process is already that deep");
		SET(f, fix, "run taskjail in a less nested user namespace");
		return;
	case EINVAL:
	case ENOSYS:
		SET(f, cause, "this kernel has no user namespaces (CONFIG_USER_NS)");
		SET(f, fix, "a kernel built with CONFIG_USER_NS=y");
		return;
	case EPERM:
	case EACCES:
		if (h->filter_refuses) {
			SET(f, cause, "a seccomp filter around taskjail refuses namespace creation "
			    "(/proc/self/status: Seccomp: %d, %d filters)%s", h->seccomp_mode, h->seccomp_filters,
			    h->container == DIAG_HOST ? "" : ", as the container runtime's default profile does");
			fix_seccomp(h, f);
			return;
		}
		if (h->unprivileged_userns_clone == 0 && !h->privileged) {
			SET(f, cause, "unprivileged user namespaces are switched off: kernel.unprivileged_userns_clone = 0");
			SET(f, fix, "sysctl -w kernel.unprivileged_userns_clone=1 (and in /etc/sysctl.d/ to keep it)%s",
			    h->container == DIAG_HOST ? "" : ", on the node or host");
			return;
		}
		if (h->apparmor_restrict_userns == 1 && !h->privileged) {
			fix_apparmor(f);
			return;
		}
		SET(f, cause, "creating a user namespace is refused (%s) by something taskjail cannot read: "
		    "a Linux security module (SELinux, an AppArmor profile), or this process is chrooted",
		    strerrorname_np(e));
		SET(f, fix, "look for the denial in the audit log (journalctl -k, ausearch -m avc); "
		    "run taskjail outside a chroot");
		return;
	default:
		SET(f, cause, "creating a user namespace failed: %s", strerror(e));
		SET(f, fix, "report this: taskjail check does not know this error");
	}
}

static void finding_ns(const struct diag_facts *h, enum diag_probe p, int e, struct diag_finding *f)
{
	switch (e) {
	case ENOSPC:
		SET(f, cause, "the %s namespace limit is reached: user.max_%s_namespaces", ns_word[p], ns_word[p]);
		SET(f, fix, "sysctl -w user.max_%s_namespaces=15000%s", ns_word[p],
		    h->container == DIAG_HOST ? "" : " on the node or host");
		return;
	case EINVAL:
	case ENOSYS:
		SET(f, cause, "this kernel has no %s namespaces (CONFIG_%s_NS)", ns_word[p], ns_config[p]);
		if (p == DIAG_MNTNS)
			SET(f, cause, "this kernel has no mount namespaces (CONFIG_NAMESPACES)");
		if (p == DIAG_NETNS)
			SET(f, fix, "a kernel with CONFIG_NET_NS=y, or run with --net host (the task then shares "
			    "the host's network)");
		else
			SET(f, fix, "a kernel built with CONFIG_%s_NS=y", ns_config[p]);
		return;
	case EPERM:
	case EACCES:
		if (h->filter_refuses) {
			SET(f, cause, "a seccomp filter around taskjail refuses namespace creation "
			    "(/proc/self/status: Seccomp: %d, %d filters; first refused: %s)", h->seccomp_mode,
			    h->seccomp_filters, diag_probe_names[p]);
			fix_seccomp(h, f);
			return;
		}
		if (h->apparmor_restrict_userns == 1 && !h->privileged) {
			fix_apparmor(f);
			return;
		}
		/* fall through */
	default:
		SET(f, cause, "creating a %s namespace inside a user namespace failed: %s", ns_word[p], strerror(e));
		SET(f, fix, "look for the denial in the audit log (journalctl -k, ausearch -m avc)");
	}
}

static void finding_mount(const struct diag_facts *h, enum diag_probe p, int e, struct diag_finding *f)
{
	if ((e == EPERM || e == EACCES || e == ENOSYS) && h->filter_refuses) {
		SET(f, cause, "a seccomp filter around taskjail refuses %s (/proc/self/status: Seccomp: %d, %d filters)",
		    p == DIAG_DETACHED_MOUNT ? "open_tree or mount_setattr" : "mount", h->seccomp_mode, h->seccomp_filters);
		fix_seccomp(h, f);
		return;
	}
	if (p == DIAG_PROC && (e == EPERM || e == EACCES) && h->proc_masked > 0) {
		SET(f, cause, "this container's /proc is masked (%d mount%s over paths in it, such as %s), so the "
		    "kernel refuses a new procfs in a user namespace (\"mount too revealing\")",
		    h->proc_masked, h->proc_masked > 1 ? "s" : "", h->proc_masked_example);
		switch (h->container) {
		case DIAG_KUBERNETES:
			SET(f, fix, "securityContext.procMount: Unmasked in the container (allowed with "
			    "spec.hostUsers: false: the pod gets its own user namespace)");
			break;
		case DIAG_DOCKER:
		case DIAG_PODMAN:
			SET(f, fix, "%s run --security-opt systempaths=unconfined ... (an unmasked /proc)",
			    h->container == DIAG_DOCKER ? "docker" : "podman");
			break;
		default:
			SET(f, fix, "start taskjail where /proc has nothing mounted over its files (for a container: "
			    "an unmasked /proc; Kubernetes: procMount: Unmasked with hostUsers: false)");
		}
		return;
	}
	if ((e == EPERM || e == EACCES) && h->apparmor_restrict_userns == 1 && !h->privileged) {
		fix_apparmor(f);
		return;
	}
	if (e == ENOSYS && p == DIAG_DETACHED_MOUNT) {
		SET(f, cause, "this kernel lacks the new mount API (open_tree: Linux 5.2, mount_setattr: Linux 5.12)");
		SET(f, fix, "Linux 5.12 or later");
		return;
	}
	SET(f, cause, "%s in a new user and mount namespace failed: %s", diag_probe_names[p], strerror(e));
	SET(f, fix, "look for the denial in the audit log (journalctl -k, ausearch -m avc)");
}

void diagnose_probe(const struct diag_facts *h, enum diag_probe p, int e, struct diag_finding *f)
{
	f->cause[0] = f->fix[0] = '\0';
	switch (p) {
	case DIAG_USERNS:
		finding_userns(h, e, f);
		break;
	case DIAG_PIDNS: case DIAG_MNTNS: case DIAG_IPCNS: case DIAG_UTSNS: case DIAG_CGROUPNS: case DIAG_NETNS:
		finding_ns(h, p, e, f);
		break;
	case DIAG_PROC: case DIAG_TMPFS: case DIAG_DETACHED_MOUNT:
		finding_mount(h, p, e, f);
		break;
	case DIAG_SECCOMP:
	default:
		SET(f, cause, "this kernel cannot install seccomp filters: %s", strerror(e));
		SET(f, fix, "a kernel built with CONFIG_SECCOMP_FILTER=y");
	}
}

/* Value of "Name:\t123" when line starts with name; -1 otherwise. */
static int status_field(const char *line, size_t n, const char *name)
{
	size_t k = strlen(name);
	if (n <= k || memcmp(line, name, k) != 0)
		return -1;
	long v = 0;
	bool digit = false;
	for (size_t i = k; i < n; i++) {
		if (line[i] >= '0' && line[i] <= '9') {
			if (v > 1000000)
				return -1;
			v = v * 10 + (line[i] - '0');
			digit = true;
		} else if (line[i] != ' ' && line[i] != '\t') {
			return -1;
		}
	}
	return digit ? (int)v : -1;
}

void diagnose_parse_status(const char *text, size_t len, struct diag_facts *h)
{
	h->seccomp_mode = h->seccomp_filters = h->no_new_privs = -1;
	size_t i = 0;
	while (i < len) {
		const char *nl = memchr(text + i, '\n', len - i);
		size_t n = nl ? (size_t)(nl - (text + i)) : len - i;
		int v;
		if ((v = status_field(text + i, n, "Seccomp:")) >= 0)
			h->seccomp_mode = v;
		else if ((v = status_field(text + i, n, "Seccomp_filters:")) >= 0)
			h->seccomp_filters = v;
		else if ((v = status_field(text + i, n, "NoNewPrivs:")) >= 0)
			h->no_new_privs = v;
		i += n + 1;
	}
}

void diagnose_parse_mountinfo(const char *text, size_t len, struct diag_facts *h)
{
	h->proc_masked = 0;
	h->proc_masked_example[0] = '\0';
	size_t i = 0;
	while (i < len) {
		const char *line = text + i;
		const char *nl = memchr(line, '\n', len - i);
		size_t n = nl ? (size_t)(nl - line) : len - i;
		i += n + 1;
		/* "36 35 98:0 /mnt1 /mnt2 rw,..." : the mount point is field 5. */
		size_t f = 0, start = 0, end = 0;
		for (size_t k = 0; k < n && f < 5; k++) {
			if (line[k] == ' ')
				continue;
			start = k;
			while (k < n && line[k] != ' ')
				k++;
			end = k;
			f++;
		}
		if (f < 5)
			continue;
		const char *mp = line + start;
		size_t mn = end - start;
		static const char binfmt[] = "/proc/sys/fs/binfmt_misc";
		if (mn <= 6 || memcmp(mp, "/proc/", 6) != 0)
			continue;
		if (mn == sizeof(binfmt) - 1 && memcmp(mp, binfmt, mn) == 0)
			continue;
		if (h->proc_masked++ == 0)
			snprintf(h->proc_masked_example, sizeof(h->proc_masked_example), "%.*s",
				 (int)(mn < 120 ? mn : 120), mp);
	}
}

const char *diagnose_tier(bool full_ok, int landlock_abi, bool seccomp_ok)
{
	if (full_ok)
		return "full";
	if (landlock_abi > 0 && seccomp_ok)
		return "restricted";
	return "unavailable";
}

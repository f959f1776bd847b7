/* SPDX-License-Identifier: Apache-2.0 */
/* The seccomp rules the /proc guard needs (procguard/procguard.h): they go
 * into the policy's filter through the seccomp module's extra_rules hook. */
#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <fcntl.h>
#include <sched.h>
#include <seccomp.h> /* libseccomp */
#include <sys/prctl.h>
#include <sys/syscall.h>

#include "procguard/procguard.h"
#include "util.h"

/* ---- filter rules ------------------------------------------------------ */

static int add_rule(scmp_filter_ctx ctx, uint32_t action, const char *name,
		    int fallback_nr, unsigned argc, const struct scmp_arg_cmp *args,
		    struct tj_error *err)
{
	int nr = seccomp_syscall_resolve_name(name);
	if (nr == __NR_SCMP_ERROR) {
		/* Newer than libseccomp's table: since 5.1 new syscalls have one
		 * number on every architecture (asm-generic/unistd.h). */
		if (fallback_nr < 0)
			return 0;
		nr = fallback_nr;
	}
	if (nr < 0)
		return 0; /* does not exist on this architecture */
	int r = seccomp_rule_add_array(ctx, action, nr, argc, args);
	/* EACCES: the action is the filter's default (a policy whose default
	 * is ENOSYS already answers io_uring that way): nothing to add. */
	if (r < 0 && r != -EEXIST && r != -EACCES)
		return tj_error_set(err, -r, "procguard: seccomp rule for %s", name);
	return 0;
}

/* ALLOW rules are refused by libseccomp (EACCES) when ALLOW is already the
 * default action: then they are not needed. */
static int add_allow(scmp_filter_ctx ctx, const char *name,
		     const struct scmp_arg_cmp *c, struct tj_error *err)
{
	int nr = seccomp_syscall_resolve_name(name);
	if (nr < 0)
		return 0;
	int r = seccomp_rule_add_array(ctx, SCMP_ACT_ALLOW, nr, 1, c);
	if (r < 0 && r != -EACCES && r != -EEXIST)
		return tj_error_set(err, -r, "procguard: seccomp rule for %s", name);
	return 0;
}

struct guard_rule { const char *n; int nr; };
/* Denied with ENOSYS: io_uring's OPENAT / OPENAT2 / READ requests never
 * pass through seccomp; ENOSYS makes libuv and the runtimes fall back to
 * threads. clone3's flags live in memory, where BPF cannot look; glibc
 * falls back to clone(2), whose flags are filtered below. */
static const struct guard_rule nosys[] = {
	{"io_uring_setup", 425}, {"io_uring_enter", 426},
	{"io_uring_register", 427},
	/* clone3's flags live in memory, where BPF cannot look; glibc
	 * falls back to clone(2), whose flags are filtered below. */
	{"clone3", 435},
};

/* Denied with EPERM: a second procfs, a bind mount of some environ, a mount
 * namespace of the task's own, the mount table without procfs (statmount,
 * listmount), file handles, other processes' memory, another filter that
 * could take precedence: each would defeat the guard. */
static const struct guard_rule perm[] = {
	{"mount", -1},          {"umount2", -1},       {"umount", -1},
	{"pivot_root", -1},     {"chroot", -1},        {"open_tree", 428},
	{"move_mount", 429},    {"fsopen", 430},       {"fsconfig", 431},
	{"fsmount", 432},       {"fspick", 433},       {"mount_setattr", 442},
	{"statmount", 457},     {"listmount", 458},    {"open_tree_attr", 467},
	{"open_by_handle_at", -1}, {"ptrace", -1},
	{"process_vm_readv", -1}, {"process_vm_writev", -1},
	{"pidfd_getfd", 438},   {"setns", -1},         {"seccomp", -1},
	{"perf_event_open", -1}, /* samples a sibling's stack: its environ */
};

static const uint64_t ns_bits[] = {
	CLONE_NEWNS, CLONE_NEWCGROUP, CLONE_NEWUTS, CLONE_NEWIPC,
	CLONE_NEWUSER, CLONE_NEWPID, CLONE_NEWNET, 0x80 /* CLONE_NEWTIME */,
};

static bool rule_is(const struct guard_rule *r, int nr)
{
	int x = seccomp_syscall_resolve_name(r->n);
	if (x == __NR_SCMP_ERROR)
		x = r->nr;
	return x >= 0 && x == nr;
}

int procguard_rule_errno(const struct seccomp_data *d)
{
	for (size_t i = 0; i < ELEMENTSOF(nosys); i++)
		if (rule_is(&nosys[i], d->nr))
			return ENOSYS;
	for (size_t i = 0; i < ELEMENTSOF(perm); i++)
		if (rule_is(&perm[i], d->nr))
			return EPERM;
	uint64_t mask = 0;
	for (size_t i = 0; i < ELEMENTSOF(ns_bits); i++)
		mask |= ns_bits[i];
	if (d->nr == __NR_unshare && (d->args[0] & mask))
		return EPERM;
	if (d->nr == __NR_clone && (d->args[0] & ((mask & ~(uint64_t)0x80) | CLONE_PARENT)))
		return EPERM;
	if (d->nr == __NR_prctl && d->args[0] == PR_SET_SECCOMP)
		return EPERM;
	return 0;
}

int procguard_add_rules(void *vctx, void *data, struct tj_error *err)
{
	/* With log_denials, the denials are notifications: the guard answers
	 * them with the same errno (procguard_rule_errno) and logs them. */
	bool log = data && *(const bool *)data;
	const uint32_t act_enosys = log ? SCMP_ACT_NOTIFY : SCMP_ACT_ERRNO(ENOSYS);
	const uint32_t act_eperm = log ? SCMP_ACT_NOTIFY : SCMP_ACT_ERRNO(EPERM);
	scmp_filter_ctx ctx = vctx;
	int r;
	/* O_PATH opens stay in the kernel: ADDFD cannot install an O_PATH file
	 * (seccomp_notify_addfd() uses fget(), which skips them), and an O_PATH
	 * fd reads nothing. Every way to turn one into a readable fd is an open
	 * of /proc/self/fd/N or an openat() relative to it, which is intercepted
	 * and decided on the object. The flags are a register here, so BPF can
	 * look at them; openat2's live in memory and always notify. */
	static const struct { const char *n; unsigned arg; } notify[] = {
		{"open", 1}, {"openat", 2}, {"creat", 99}, {"openat2", 99}};
	for (size_t i = 0; i < ELEMENTSOF(notify); i++) {
		if (notify[i].arg > 5) {
			if ((r = add_rule(ctx, SCMP_ACT_NOTIFY, notify[i].n, -1, 0, NULL, err)) < 0)
				return r;
			continue;
		}
		struct scmp_arg_cmp no_path = {notify[i].arg, SCMP_CMP_MASKED_EQ, O_PATH, 0};
		struct scmp_arg_cmp path = {notify[i].arg, SCMP_CMP_MASKED_EQ, O_PATH, O_PATH};
		if ((r = add_rule(ctx, SCMP_ACT_NOTIFY, notify[i].n, -1, 1, &no_path, err)) < 0 ||
		    (r = add_allow(ctx, notify[i].n, &path, err)) < 0)
			return r;
	}

	/* the tables above */
	for (size_t i = 0; i < ELEMENTSOF(nosys); i++)
		if ((r = add_rule(ctx, act_enosys, nosys[i].n,
				  nosys[i].nr, 0, NULL, err)) < 0)
			return r;

	for (size_t i = 0; i < ELEMENTSOF(perm); i++)
		if ((r = add_rule(ctx, act_eperm, perm[i].n,
				  perm[i].nr, 0, NULL, err)) < 0)
			return r;

	/* unshare(2) / clone(2) of any new namespace. These rules replace the
	 * policy's own for the two syscalls (extra rules win), so they must
	 * refuse every CLONE_NEW* flag the shipped policies refuse, not only
	 * the ones the guard depends on (mount, user, pid). The explicit ALLOW
	 * for the other flag values keeps threads and fork working. CLONE_NEWTIME
	 * (0x80) exists for unshare only: in clone(2) that bit is part of the
	 * exit signal. clone(CLONE_PARENT) is refused too: the new process
	 * would be its parent's sibling, and its exit signal (any signal,
	 * SIGUSR1 that opens node's inspector included) would go to the
	 * runner; no runtime uses it. */
	uint64_t clone_mask = CLONE_PARENT, unshare_mask = 0;
	for (size_t i = 0; i < ELEMENTSOF(ns_bits); i++) {
		unshare_mask |= ns_bits[i];
		if (ns_bits[i] != 0x80)
			clone_mask |= ns_bits[i];
	}
	struct scmp_arg_cmp u_none = SCMP_A0(SCMP_CMP_MASKED_EQ, unshare_mask, 0);
	struct scmp_arg_cmp c_none = SCMP_A0(SCMP_CMP_MASKED_EQ, clone_mask, 0);
	if ((r = add_allow(ctx, "unshare", &u_none, err)) < 0 ||
	    (r = add_allow(ctx, "clone", &c_none, err)) < 0)
		return r;
	for (size_t i = 0; i < ELEMENTSOF(ns_bits); i++) {
		uint64_t b = ns_bits[i];
		struct scmp_arg_cmp c = SCMP_A0(SCMP_CMP_MASKED_EQ, b, b);
		if ((r = add_rule(ctx, act_eperm, "unshare", -1, 1, &c, err)) < 0)
			return r;
		/* clone(2): flags are the first argument on x86-64, arm64 */
		if (b != 0x80 && (r = add_rule(ctx, act_eperm, "clone", -1, 1, &c, err)) < 0)
			return r;
	}
	struct scmp_arg_cmp cp = SCMP_A0(SCMP_CMP_MASKED_EQ, CLONE_PARENT, CLONE_PARENT);
	if ((r = add_rule(ctx, act_eperm, "clone", -1, 1, &cp, err)) < 0)
		return r;
	struct scmp_arg_cmp pr = {0, SCMP_CMP_EQ, PR_SET_SECCOMP, 0};
	struct scmp_arg_cmp npr = {0, SCMP_CMP_NE, PR_SET_SECCOMP, 0};
	if ((r = add_allow(ctx, "prctl", &npr, err)) < 0)
		return r;
	return add_rule(ctx, act_eperm, "prctl", -1, 1, &pr, err);
}


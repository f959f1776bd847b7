/* SPDX-License-Identifier: Apache-2.0 */
/* diagnose.c: one failed probe on a described host -> one cause, one fix. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <errno.h>
#include <string.h>

#include "diagnose.h"

static struct diag_facts plain(void)
{
	struct diag_facts h = { .max_user_namespaces = 15000, .unprivileged_userns_clone = -1,
				.apparmor_restrict_userns = -1, .seccomp_mode = 0, .seccomp_filters = 0 };
	return h;
}

#define HAS(s, sub) do { if (!strstr((s), (sub))) fail_msg("'%s' lacks '%s'", (s), (sub)); } while (0)
#define LACKS(s, sub) do { if (strstr((s), (sub))) fail_msg("'%s' has '%s'", (s), (sub)); } while (0)

static void test_userns_limit(void **s)
{
	(void)s;
	struct diag_facts h = plain();
	struct diag_finding f;
	h.max_user_namespaces = 0;
	diagnose_probe(&h, DIAG_USERNS, ENOSPC, &f);
	HAS(f.cause, "user.max_user_namespaces = 0");
	HAS(f.fix, "sysctl -w user.max_user_namespaces=");
	LACKS(f.cause, "No space left");
	h.max_user_namespaces = 10;
	diagnose_probe(&h, DIAG_USERNS, ENOSPC, &f);
	HAS(f.cause, "limit is reached: user.max_user_namespaces = 10");
	h.container = DIAG_KUBERNETES;
	diagnose_probe(&h, DIAG_USERNS, ENOSPC, &f);
	HAS(f.fix, "on the node or host that runs this pod");
}

static void test_userns_eperm(void **s)
{
	(void)s;
	struct diag_facts h = plain();
	struct diag_finding f;
	/* A seccomp filter that answers the sentinel wins over every sysctl. */
	h.seccomp_mode = 2;
	h.seccomp_filters = 1;
	h.filter_refuses = true;
	h.unprivileged_userns_clone = 0;
	h.container = DIAG_KUBERNETES;
	diagnose_probe(&h, DIAG_USERNS, EPERM, &f);
	HAS(f.cause, "seccomp filter");
	HAS(f.fix, "seccompProfile: {type: Localhost");
	h.container = DIAG_DOCKER;
	diagnose_probe(&h, DIAG_USERNS, EPERM, &f);
	HAS(f.fix, "docker run --security-opt seccomp=");
	/* A filter that lets the sentinel through is not the cause. */
	h.filter_refuses = false;
	h.container = DIAG_HOST;
	diagnose_probe(&h, DIAG_USERNS, EPERM, &f);
	HAS(f.cause, "kernel.unprivileged_userns_clone = 0");
	HAS(f.fix, "sysctl -w kernel.unprivileged_userns_clone=1");
	/* ... which does not apply to a caller with CAP_SYS_ADMIN. */
	h.privileged = true;
	diagnose_probe(&h, DIAG_USERNS, EPERM, &f);
	LACKS(f.cause, "unprivileged_userns_clone");
	h = plain();
	h.apparmor_restrict_userns = 1;
	diagnose_probe(&h, DIAG_USERNS, EPERM, &f);
	HAS(f.cause, "AppArmor");
	HAS(f.fix, "userns,");
	h = plain();
	diagnose_probe(&h, DIAG_USERNS, EPERM, &f);
	HAS(f.cause, "cannot read");
	diagnose_probe(&h, DIAG_USERNS, EINVAL, &f);
	HAS(f.fix, "CONFIG_USER_NS");
	diagnose_probe(&h, DIAG_USERNS, EUSERS, &f);
	HAS(f.cause, "32 deep");
}

static void test_other_ns(void **s)
{
	(void)s;
	struct diag_facts h = plain();
	struct diag_finding f;
	diagnose_probe(&h, DIAG_NETNS, EINVAL, &f);
	HAS(f.cause, "CONFIG_NET_NS");
	HAS(f.fix, "--net host");
	diagnose_probe(&h, DIAG_PIDNS, ENOSPC, &f);
	HAS(f.fix, "user.max_pid_namespaces");
	diagnose_probe(&h, DIAG_IPCNS, EINVAL, &f);
	HAS(f.fix, "CONFIG_IPC_NS");
}

static void test_mounts(void **s)
{
	(void)s;
	struct diag_facts h = plain();
	struct diag_finding f;
	h.proc_masked = 3;
	strcpy(h.proc_masked_example, "/proc/kcore");
	h.container = DIAG_KUBERNETES;
	diagnose_probe(&h, DIAG_PROC, EPERM, &f);
	HAS(f.cause, "mount too revealing");
	HAS(f.cause, "/proc/kcore");
	HAS(f.fix, "procMount: Unmasked");
	HAS(f.fix, "hostUsers: false");
	/* Without masked paths it is not the cause. */
	h.proc_masked = 0;
	diagnose_probe(&h, DIAG_PROC, EPERM, &f);
	LACKS(f.cause, "masked");
	diagnose_probe(&h, DIAG_DETACHED_MOUNT, ENOSYS, &f);
	HAS(f.fix, "5.12");
	h.apparmor_restrict_userns = 1;
	diagnose_probe(&h, DIAG_TMPFS, EPERM, &f);
	HAS(f.cause, "AppArmor");
}

static void test_parse(void **s)
{
	(void)s;
	struct diag_facts h = plain();
	const char st[] = "Name:\tx\nNoNewPrivs:\t1\nSeccomp:\t2\nSeccomp_filters:\t3\nSpeculation_Store_Bypass:\tx\n";
	diagnose_parse_status(st, sizeof(st) - 1, &h);
	assert_int_equal(h.seccomp_mode, 2);
	assert_int_equal(h.seccomp_filters, 3);
	assert_int_equal(h.no_new_privs, 1);
	diagnose_parse_status("Seccomp:\tx\n", 11, &h);
	assert_int_equal(h.seccomp_mode, -1);
	const char mi[] =
		"22 1 0:5 / /proc rw,nosuid - proc proc rw\n"
		"23 22 0:6 / /proc/sys/fs/binfmt_misc rw - binfmt_misc binfmt_misc rw\n"
		"24 22 0:7 /null /proc/kcore ro - devtmpfs udev rw\n"
		"25 22 0:8 / /proc/acpi ro - tmpfs tmpfs ro\n"
		"26 1 0:9 / /procx rw - tmpfs tmpfs rw\n"
		"broken\n";
	diagnose_parse_mountinfo(mi, sizeof(mi) - 1, &h);
	assert_int_equal(h.proc_masked, 2);
	assert_string_equal(h.proc_masked_example, "/proc/kcore");
}

static void test_tier(void **s)
{
	(void)s;
	assert_string_equal(diagnose_tier(true, 0, true), "full");
	assert_string_equal(diagnose_tier(false, 3, true), "restricted");
	assert_string_equal(diagnose_tier(false, 0, true), "unavailable");
	assert_string_equal(diagnose_tier(false, 3, false), "unavailable");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_userns_limit), cmocka_unit_test(test_userns_eperm),
		cmocka_unit_test(test_other_ns), cmocka_unit_test(test_mounts),
		cmocka_unit_test(test_parse), cmocka_unit_test(test_tier),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

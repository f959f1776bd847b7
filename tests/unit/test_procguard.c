/* SPDX-License-Identifier: Apache-2.0 */
/* procguard's pure decisions: the deny set, the other-pid allowlist, the
 * position of a procfs directory (from a path, and step by step, which must
 * agree), and the ns pids of a status file. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <errno.h>
#include <string.h>

#include "procguard/policy.h"

static void test_denied(void **s)
{
	(void)s;
	const char *deny[] = {"environ", "mounts", "mountinfo", "mountstats", "mem"};
	for (size_t i = 0; i < 5; i++)
		assert_true(procguard_name_denied(deny[i]));
	const char *ok[] = {"status", "stat", "maps", "environ2", "Environ", "", "mount",
			    "fd", "self", "exe"};
	for (size_t i = 0; i < 10; i++)
		assert_false(procguard_name_denied(ok[i]));
	/* d_path of a dropped entry: "environ (deleted)" is still environ */
	assert_true(procguard_name_denied("environ (deleted)"));
	assert_true(procguard_name_denied("status (deleted)"));
}

/* proc_guard self: which names get a Landlock rule. */
static void test_self_allowed(void **s)
{
	(void)s;
	/* the runner's own pid dir: what strict lets a process open of
	 * another pid (every process of the sandbox can open these), and net/ */
	static const char *const own_ok[] = { "status", "stat", "statm", "net", "cgroup", "comm",
					      "limits", "cmdline", "oom_score_adj", "sched", "uid_map" };
	static const char *const own_no[] = { "environ", "mounts", "mountinfo", "mountstats", "mem",
					      "task", "maps", "fd", "fdinfo", "ns", "attr", "io", "pagemap",
					      "clear_refs", "coredump_filter", "syscall", "auxv", "map_files",
					      "", ".", "..", "a/b", "environ (deleted)" };
	for (size_t i = 0; i < sizeof(own_ok) / sizeof(own_ok[0]); i++)
		assert_true(procguard_self_allowed(own_ok[i], true));
	for (size_t i = 0; i < sizeof(own_no) / sizeof(own_no[0]); i++)
		assert_false(procguard_self_allowed(own_no[i], true));
	/* /proc: the system-wide entries, no pid, no link to the caller's */
	static const char *const g_ok[] = { "meminfo", "cpuinfo", "stat", "uptime", "sys", "loadavg", "version",
					    "pressure", "vmstat" };
	static const char *const g_no[] = { "1", "2", "4194304", "self", "thread-self", "mounts", "environ",
					    "0x", "", "..", "sys/kernel", "kallsyms", "keys", "key-users", "iomem",
					    "cmdline", "kmsg", "sysrq-trigger", "net", "timer_list" };
	for (size_t i = 0; i < sizeof(g_ok) / sizeof(g_ok[0]); i++)
		assert_true(procguard_self_allowed(g_ok[i], false));
	for (size_t i = 0; i < sizeof(g_no) / sizeof(g_no[0]); i++)
		assert_false(procguard_self_allowed(g_no[i], false));
}

static void test_other_pid(void **s)
{
	(void)s;
	assert_true(procguard_other_pid_allowed("status"));
	assert_true(procguard_other_pid_allowed("cmdline"));
	assert_true(procguard_other_pid_allowed("task"));
	/* magic links and ptrace-gated files of another process */
	const char *no[] = {"fd", "exe", "cwd", "root", "map_files", "maps", "auxv",
			    "mem", "environ", "ns", "fdinfo", "syscall", "stack", "io"};
	for (size_t i = 0; i < sizeof(no) / sizeof(no[0]); i++)
		assert_false(procguard_other_pid_allowed(no[i]));
}

static void test_number(void **s)
{
	(void)s;
	assert_true(procguard_is_number("1"));
	assert_true(procguard_is_number("4194304"));
	assert_false(procguard_is_number("01"));
	assert_false(procguard_is_number(""));
	assert_false(procguard_is_number("12a"));
	assert_false(procguard_is_number("self"));
}

struct pcase {
	const char *rel;
	enum pg_kind kind;
	pid_t pid;
	const char *sub;
};

static const struct pcase cases[] = {
	{"", PK_ROOT, 0, NULL},
	{"/", PK_ROOT, 0, NULL},
	{"/12", PK_PID, 12, NULL},
	{"//12/", PK_PID, 12, NULL},
	{"/12/task", PK_TASKDIR, 12, NULL},
	{"/12/task/13", PK_PID, 12, NULL},
	{"/12/task/13/fd", PK_PIDSUB, 12, "fd"},
	{"/12/task/13/ns", PK_PIDSUB, 12, "ns"},
	{"/12/fd", PK_PIDSUB, 12, "fd"},
	{"/12/net/dev_snmp6", PK_PIDSUB, 12, "net"},
	{"/sys/kernel", PK_OTHER, 0, NULL},
	{"/driver", PK_OTHER, 0, NULL},
	{"/12/task/x", PK_UNKNOWN, 0, NULL},
	{"/12 (deleted)", PK_UNKNOWN, 0, NULL},
	{"/12/..", PK_UNKNOWN, 0, NULL},
	{"foo", PK_UNKNOWN, 0, NULL}, /* "/procfoo" matched the prefix "/proc" */
};

static void test_classify(void **s)
{
	(void)s;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct pg_pos p;
		procguard_classify(cases[i].rel, &p);
		if (p.kind != cases[i].kind)
			fail_msg("%s: kind %d, want %d", cases[i].rel, p.kind, cases[i].kind);
		if (cases[i].pid)
			assert_int_equal(p.pid, cases[i].pid);
		if (cases[i].sub)
			assert_string_equal(p.sub, cases[i].sub);
	}
}

/* The walker tracks positions step by step (procguard_pos_child) and asks
 * the kernel's path otherwise (procguard_classify): both must agree. */
static void test_steps_agree(void **s)
{
	(void)s;
	const char *paths[] = {"/7", "/7/task", "/7/task/9", "/7/task/9/fdinfo",
			       "/7/attr/current", "/sys/kernel/pid_max", "/7/map_files"};
	for (size_t i = 0; i < sizeof(paths) / sizeof(paths[0]); i++) {
		struct pg_pos a, b = {.kind = PK_ROOT};
		procguard_classify(paths[i], &a);
		char buf[128];
		strcpy(buf, paths[i]);
		for (char *sv = NULL, *t = strtok_r(buf, "/", &sv); t; t = strtok_r(NULL, "/", &sv))
			procguard_pos_child(&b, t);
		assert_int_equal(a.kind, b.kind);
		assert_int_equal(a.pid, b.pid);
		assert_string_equal(a.sub, b.sub);
	}
}

static void test_nspids(void **s)
{
	(void)s;
	const char st[] = "Name:\tcat\nTgid:\t4242\nPid:\t4243\n"
			  "NStgid:\t4242\t7\nNSpid:\t4243\t8\nNSpgid:\t4242\t7\n";
	pid_t g = 0, t = 0;
	assert_int_equal(procguard_parse_nspids(st, strlen(st), &g, &t), 0);
	assert_int_equal(g, 7);
	assert_int_equal(t, 8);
	const char one[] = "NStgid:\t99\nNSpid:\t100";
	assert_int_equal(procguard_parse_nspids(one, strlen(one), &g, &t), 0);
	assert_int_equal(g, 99);
	assert_int_equal(t, 100);
	const char none[] = "Name:\tx\nPid:\t5\n";
	assert_int_equal(procguard_parse_nspids(none, strlen(none), &g, &t), -ENOENT);
	const char bad[] = "NStgid:\t\nNSpid:\t3\n";
	assert_int_equal(procguard_parse_nspids(bad, strlen(bad), &g, &t), -ENOENT);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_denied),
		cmocka_unit_test(test_other_pid),
		cmocka_unit_test(test_self_allowed),
		cmocka_unit_test(test_number),
		cmocka_unit_test(test_classify),
		cmocka_unit_test(test_steps_agree),
		cmocka_unit_test(test_nspids),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

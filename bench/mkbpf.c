/* SPDX-License-Identifier: Apache-2.0 */
/* mkbpf: writes a classic-BPF seccomp program for `bwrap --seccomp FD`, so
 * bubblewrap runs with a filter comparable to taskjail's.
 *
 *   mkbpf OUT.bpf [POLICY.json]
 *
 * With POLICY.json (OCI / Docker seccomp JSON, as in policies/): the policy,
 * compiled by libseccomp for the native arch. Entries that only apply with a
 * capability ("includes": {"caps": [...]}) are skipped (both sandboxes drop all
 * caps); entries for other arches are skipped; SCMP_ACT_NOTIFY becomes ERRNO
 * (bwrap has no listener). Unknown syscall names are skipped, as runc does.
 * Without a policy: a built-in deny list in the spirit of Docker's default
 * (default ALLOW, ~60 dangerous syscalls -> EPERM), so the comparison still
 * has a real filter before our policies exist. Prints a JSON summary. */
#include <cjson/cJSON.h>
#include <errno.h>
#include <fcntl.h>
#include <seccomp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static const char *builtin_deny[] = {
	"acct", "add_key", "bpf", "clock_adjtime", "clock_settime", "create_module",
	"delete_module", "finit_module", "fsconfig", "fsmount", "fsopen", "fspick",
	"get_kernel_syms", "get_mempolicy", "init_module", "io_uring_enter",
	"io_uring_register", "io_uring_setup", "ioperm", "iopl", "kcmp", "kexec_file_load",
	"kexec_load", "keyctl", "lookup_dcookie", "mbind", "mount", "mount_setattr",
	"move_mount", "move_pages", "name_to_handle_at", "nfsservctl", "open_by_handle_at",
	"open_tree", "perf_event_open", "personality", "pidfd_getfd", "pivot_root",
	"process_vm_readv", "process_vm_writev", "ptrace", "query_module", "quotactl",
	"quotactl_fd", "reboot", "request_key", "set_mempolicy", "setdomainname",
	"sethostname", "setns", "settimeofday", "swapoff", "swapon", "sysfs", "_sysctl",
	"umount", "umount2", "unshare", "uselib", "userfaultfd", "ustat", "vm86",
	"vm86old", "listmount", "statmount",
};

static long errno_ret(const cJSON *o, long dflt)
{
	const cJSON *e = cJSON_GetObjectItemCaseSensitive(o, "errnoRet");
	return cJSON_IsNumber(e) ? (long)e->valuedouble : dflt;
}

static int parse_action(const char *s, long err, uint32_t *out)
{
	if (!strcmp(s, "SCMP_ACT_ALLOW"))
		*out = SCMP_ACT_ALLOW;
	else if (!strcmp(s, "SCMP_ACT_ERRNO") || !strcmp(s, "SCMP_ACT_NOTIFY"))
		*out = SCMP_ACT_ERRNO((uint16_t)err);
	else if (!strcmp(s, "SCMP_ACT_KILL") || !strcmp(s, "SCMP_ACT_KILL_THREAD"))
		*out = SCMP_ACT_KILL;
	else if (!strcmp(s, "SCMP_ACT_KILL_PROCESS"))
		*out = SCMP_ACT_KILL_PROCESS;
	else if (!strcmp(s, "SCMP_ACT_TRAP"))
		*out = SCMP_ACT_TRAP;
	else if (!strcmp(s, "SCMP_ACT_LOG"))
		*out = SCMP_ACT_LOG;
	else
		return -EINVAL;
	return 0;
}

static int parse_op(const char *s, enum scmp_compare *op)
{
	static const struct { const char *n; enum scmp_compare o; } t[] = {
		{ "SCMP_CMP_NE", SCMP_CMP_NE }, { "SCMP_CMP_LT", SCMP_CMP_LT },
		{ "SCMP_CMP_LE", SCMP_CMP_LE }, { "SCMP_CMP_EQ", SCMP_CMP_EQ },
		{ "SCMP_CMP_GE", SCMP_CMP_GE }, { "SCMP_CMP_GT", SCMP_CMP_GT },
		{ "SCMP_CMP_MASKED_EQ", SCMP_CMP_MASKED_EQ },
	};
	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++)
		if (!strcmp(s, t[i].n)) {
			*op = t[i].o;
			return 0;
		}
	return -EINVAL;
}

/* Does an "includes"/"excludes" condition leave this entry in force for a
 * capability-less x86_64 task? */
static int entry_applies(const cJSON *sc)
{
	const cJSON *inc = cJSON_GetObjectItemCaseSensitive(sc, "includes");
	const cJSON *exc = cJSON_GetObjectItemCaseSensitive(sc, "excludes");
	const cJSON *caps = inc ? cJSON_GetObjectItemCaseSensitive(inc, "caps") : NULL;
	if (cJSON_GetArraySize(caps) > 0)
		return 0;
	const cJSON *arches = inc ? cJSON_GetObjectItemCaseSensitive(inc, "arches") : NULL;
	if (cJSON_GetArraySize(arches) > 0) {
		int ok = 0;
		const cJSON *a;
		cJSON_ArrayForEach(a, arches)
			if (cJSON_IsString(a) && (!strcmp(a->valuestring, "amd64") ||
						  !strcmp(a->valuestring, "x86_64")))
				ok = 1;
		if (!ok)
			return 0;
	}
	arches = exc ? cJSON_GetObjectItemCaseSensitive(exc, "arches") : NULL;
	const cJSON *a;
	cJSON_ArrayForEach(a, arches)
		if (cJSON_IsString(a) && (!strcmp(a->valuestring, "amd64") ||
					  !strcmp(a->valuestring, "x86_64")))
			return 0;
	return 1;
}

static int load_policy(scmp_filter_ctx *out, const char *path, int *nrules)
{
	FILE *f = fopen(path, "r");
	if (!f) {
		fprintf(stderr, "mkbpf: open %s: %s\n", path, strerror(errno));
		return -1;
	}
	char *buf = NULL;
	size_t cap = 0, len = 0, n;
	char chunk[65536];
	while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0) {
		if (len + n + 1 > cap) {
			cap = (len + n + 1) * 2;
			buf = realloc(buf, cap);
			if (!buf)
				return -1;
		}
		memcpy(buf + len, chunk, n);
		len += n;
	}
	fclose(f);
	if (!buf)
		return -1;
	buf[len] = '\0';
	cJSON *root = cJSON_Parse(buf);
	free(buf);
	if (!root) {
		fprintf(stderr, "mkbpf: %s: not JSON\n", path);
		return -1;
	}
	long def_err = errno_ret(root, EPERM);
	const cJSON *da = cJSON_GetObjectItemCaseSensitive(root, "defaultAction");
	uint32_t def;
	if (!cJSON_IsString(da) || parse_action(da->valuestring, def_err, &def) < 0) {
		fprintf(stderr, "mkbpf: %s: bad defaultAction\n", path);
		return -1;
	}
	scmp_filter_ctx ctx = seccomp_init(def);
	if (!ctx)
		return -1;
	/* The attributes supervisor/seccomp.c sets, so the program has the same
	 * shape (binary search over syscall numbers, other ABIs killed). */
	if (seccomp_attr_set(ctx, SCMP_FLTATR_ACT_BADARCH, SCMP_ACT_KILL_PROCESS) < 0 ||
	    seccomp_attr_set(ctx, SCMP_FLTATR_CTL_OPTIMIZE, 2) < 0)
		return -1;
	const cJSON *sc;
	cJSON_ArrayForEach(sc, cJSON_GetObjectItemCaseSensitive(root, "syscalls")) {
		if (!entry_applies(sc))
			continue;
		const cJSON *act = cJSON_GetObjectItemCaseSensitive(sc, "action");
		uint32_t action;
		if (!cJSON_IsString(act) ||
		    parse_action(act->valuestring, errno_ret(sc, EPERM), &action) < 0) {
			fprintf(stderr, "mkbpf: %s: bad action\n", path);
			return -1;
		}
		if (action == def)
			continue;
		struct scmp_arg_cmp cmp[6];
		unsigned ncmp = 0;
		const cJSON *arg;
		cJSON_ArrayForEach(arg, cJSON_GetObjectItemCaseSensitive(sc, "args")) {
			if (ncmp == 6)
				break;
			const cJSON *op = cJSON_GetObjectItemCaseSensitive(arg, "op");
			enum scmp_compare o;
			if (!cJSON_IsString(op) || parse_op(op->valuestring, &o) < 0)
				return -1;
			cmp[ncmp].arg = (unsigned)cJSON_GetObjectItemCaseSensitive(arg, "index")->valuedouble;
			cmp[ncmp].op = o;
			cmp[ncmp].datum_a = (scmp_datum_t)cJSON_GetObjectItemCaseSensitive(arg, "value")->valuedouble;
			const cJSON *v2 = cJSON_GetObjectItemCaseSensitive(arg, "valueTwo");
			cmp[ncmp].datum_b = cJSON_IsNumber(v2) ? (scmp_datum_t)v2->valuedouble : 0;
			ncmp++;
		}
		const cJSON *name;
		cJSON_ArrayForEach(name, cJSON_GetObjectItemCaseSensitive(sc, "names")) {
			int nr = seccomp_syscall_resolve_name(name->valuestring);
			if (nr == __NR_SCMP_ERROR)
				continue;
			int rc = seccomp_rule_add_array(ctx, action, nr, ncmp, cmp);
			if (rc == 0)
				(*nrules)++;
			else if (rc != -EEXIST)
				fprintf(stderr, "mkbpf: rule %s: %s (skipped)\n",
					name->valuestring, strerror(-rc));
		}
	}
	cJSON_Delete(root);
	*out = ctx;
	return 0;
}

int main(int argc, char **argv)
{
	if (argc < 2) {
		fprintf(stderr, "usage: mkbpf OUT.bpf [POLICY.json]\n");
		return 2;
	}
	scmp_filter_ctx ctx = NULL;
	int nrules = 0;
	if (argc >= 3) {
		if (load_policy(&ctx, argv[2], &nrules) < 0)
			return 1;
	} else {
		ctx = seccomp_init(SCMP_ACT_ALLOW);
		for (size_t i = 0; i < sizeof(builtin_deny) / sizeof(builtin_deny[0]); i++) {
			int nr = seccomp_syscall_resolve_name(builtin_deny[i]);
			if (nr != __NR_SCMP_ERROR &&
			    seccomp_rule_add(ctx, SCMP_ACT_ERRNO(EPERM), nr, 0) == 0)
				nrules++;
		}
	}
	int fd = open(argv[1], O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0 || seccomp_export_bpf(ctx, fd) < 0) {
		fprintf(stderr, "mkbpf: write %s: %s\n", argv[1], strerror(errno));
		return 1;
	}
	struct stat st;
	fstat(fd, &st);
	close(fd);
	printf("{\"source\":\"%s\",\"rules\":%d,\"bpf_insns\":%lld}\n",
	       argc >= 3 ? argv[2] : "builtin-deny-list", nrules, (long long)st.st_size / 8);
	seccomp_release(ctx);
	return 0;
}

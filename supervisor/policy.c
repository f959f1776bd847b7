/* SPDX-License-Identifier: Apache-2.0 */
#include "policy.h"

#include <cjson/cJSON.h>
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "json.h"
#include "sysio.h"
#include "util.h"

/* Biggest policy file we read: Docker's default is 13 KiB; anything in the
 * megabytes is a mistake, not a policy. */
#define POLICY_MAX_BYTES (4u << 20)

/* Largest errno the kernel returns from a filter (MAX_ERRNO). */
#define POLICY_MAX_ERRNO 4095

static const struct {
	const char *name;
	enum policy_action act;
} action_names[] = {
	{ "SCMP_ACT_ALLOW", POLICY_ACT_ALLOW },
	{ "SCMP_ACT_ERRNO", POLICY_ACT_ERRNO },
	{ "SCMP_ACT_KILL_PROCESS", POLICY_ACT_KILL_PROCESS },
	{ "SCMP_ACT_KILL_THREAD", POLICY_ACT_KILL_THREAD },
	{ "SCMP_ACT_KILL", POLICY_ACT_KILL_THREAD },
	{ "SCMP_ACT_TRAP", POLICY_ACT_TRAP },
	{ "SCMP_ACT_LOG", POLICY_ACT_LOG },
	{ "SCMP_ACT_TRACE", POLICY_ACT_TRACE },
	{ "SCMP_ACT_NOTIFY", POLICY_ACT_NOTIFY },
};

static const char *op_names[] = {
	[POLICY_OP_NE] = "SCMP_CMP_NE",
	[POLICY_OP_LT] = "SCMP_CMP_LT",
	[POLICY_OP_LE] = "SCMP_CMP_LE",
	[POLICY_OP_EQ] = "SCMP_CMP_EQ",
	[POLICY_OP_GE] = "SCMP_CMP_GE",
	[POLICY_OP_GT] = "SCMP_CMP_GT",
	[POLICY_OP_MASKED_EQ] = "SCMP_CMP_MASKED_EQ",
};

#define E(x) { #x, x }
static const struct {
	const char *name;
	int num;
} errno_names[] = {
	E(EPERM), E(ENOENT), E(ESRCH), E(EINTR), E(EIO), E(ENXIO), E(E2BIG),
	E(ENOEXEC), E(EBADF), E(ECHILD), E(EAGAIN), E(ENOMEM), E(EACCES),
	E(EFAULT), E(EBUSY), E(EEXIST), E(EXDEV), E(ENODEV), E(ENOTDIR),
	E(EISDIR), E(EINVAL), E(ENFILE), E(EMFILE), E(ENOTTY), E(ETXTBSY),
	E(EFBIG), E(ENOSPC), E(ESPIPE), E(EROFS), E(EMLINK), E(EPIPE),
	E(EDOM), E(ERANGE), E(EDEADLK), E(ENAMETOOLONG), E(ENOLCK),
	E(ENOSYS), E(ENOTEMPTY), E(ELOOP), E(ENOMSG), E(EIDRM), E(ENODATA),
	E(ETIME), E(EOVERFLOW), E(EILSEQ), E(ENOTSOCK), E(EDESTADDRREQ),
	E(EMSGSIZE), E(EPROTOTYPE), E(ENOPROTOOPT), E(EPROTONOSUPPORT),
	E(ESOCKTNOSUPPORT), E(EOPNOTSUPP), E(EPFNOSUPPORT), E(EAFNOSUPPORT),
	E(EADDRINUSE), E(EADDRNOTAVAIL), E(ENETDOWN), E(ENETUNREACH),
	E(ECONNABORTED), E(ECONNRESET), E(ENOBUFS), E(EISCONN), E(ENOTCONN),
	E(ETIMEDOUT), E(ECONNREFUSED), E(EHOSTUNREACH), E(EALREADY),
	E(EINPROGRESS), E(ESTALE), E(EDQUOT), E(ECANCELED), E(EKEYREJECTED),
	E(ENOKEY), E(EOWNERDEAD), E(ENOTRECOVERABLE), E(ERFKILL),
	E(EHWPOISON),
};
#undef E

/* Architectures the OCI runtime spec names, with libseccomp's name and the
 * Go names Docker's "includes.arches" uses. */
static const struct {
	const char *oci;
	const char *scmp;
	const char *go1, *go2;
} arch_names[] = {
	{ "SCMP_ARCH_X86", "x86", "386", "x86" },
	{ "SCMP_ARCH_X86_64", "x86_64", "amd64", NULL },
	{ "SCMP_ARCH_X32", "x32", "x32", NULL },
	{ "SCMP_ARCH_ARM", "arm", "arm", NULL },
	{ "SCMP_ARCH_AARCH64", "aarch64", "arm64", NULL },
	{ "SCMP_ARCH_MIPS", "mips", "mips", NULL },
	{ "SCMP_ARCH_MIPS64", "mips64", "mips64", NULL },
	{ "SCMP_ARCH_MIPS64N32", "mips64n32", NULL, NULL },
	{ "SCMP_ARCH_MIPSEL", "mipsel", "mipsle", NULL },
	{ "SCMP_ARCH_MIPSEL64", "mipsel64", "mips64le", NULL },
	{ "SCMP_ARCH_MIPSEL64N32", "mipsel64n32", NULL, NULL },
	{ "SCMP_ARCH_PPC", "ppc", "ppc", NULL },
	{ "SCMP_ARCH_PPC64", "ppc64", "ppc64", NULL },
	{ "SCMP_ARCH_PPC64LE", "ppc64le", "ppc64le", NULL },
	{ "SCMP_ARCH_S390", "s390", "s390", NULL },
	{ "SCMP_ARCH_S390X", "s390x", "s390x", NULL },
	{ "SCMP_ARCH_PARISC", "parisc", NULL, NULL },
	{ "SCMP_ARCH_PARISC64", "parisc64", NULL, NULL },
	{ "SCMP_ARCH_RISCV64", "riscv64", "riscv64", NULL },
	{ "SCMP_ARCH_LOONGARCH64", "loongarch64", "loong64", NULL },
	{ "SCMP_ARCH_M68K", "m68k", "m68k", NULL },
	{ "SCMP_ARCH_SH", "sh", NULL, NULL },
	{ "SCMP_ARCH_SHEB", "sheb", NULL, NULL },
};

const char *policy_action_name(enum policy_action a)
{
	for (size_t i = 0; i < ELEMENTSOF(action_names); i++)
		if (action_names[i].act == a)
			return action_names[i].name;
	return "?";
}

const char *policy_op_name(enum policy_op op)
{
	if ((size_t)op < ELEMENTSOF(op_names))
		return op_names[op];
	return "?";
}

int policy_errno_from_name(const char *name)
{
	for (size_t i = 0; i < ELEMENTSOF(errno_names); i++)
		if (strcmp(errno_names[i].name, name) == 0)
			return errno_names[i].num;
	return -1;
}

const char *policy_errno_name(int e)
{
	for (size_t i = 0; i < ELEMENTSOF(errno_names); i++)
		if (errno_names[i].num == e)
			return errno_names[i].name;
	return NULL;
}

int policy_arch_scmp_name(const char *oci, char *buf, size_t size)
{
	for (size_t i = 0; i < ELEMENTSOF(arch_names); i++)
		if (strcmp(arch_names[i].oci, oci) == 0) {
			snprintf(buf, size, "%s", arch_names[i].scmp);
			return 0;
		}
	return -EINVAL;
}

bool policy_arch_matches(const char *listed, const char *native_name)
{
	if (strcmp(listed, native_name) == 0)
		return true;
	for (size_t i = 0; i < ELEMENTSOF(arch_names); i++) {
		if (strcmp(arch_names[i].scmp, native_name) != 0)
			continue;
		return (arch_names[i].go1 && strcmp(arch_names[i].go1, listed) == 0) ||
		       (arch_names[i].go2 && strcmp(arch_names[i].go2, listed) == 0) ||
		       strcmp(arch_names[i].oci, listed) == 0;
	}
	return false;
}

static bool kernel_at_least(unsigned kmaj, unsigned kmin, unsigned maj, unsigned min)
{
	return kmaj > maj || (kmaj == maj && kmin >= min);
}

bool policy_rule_applies(const struct policy_rule *r, const char *native_name,
			 unsigned kmajor, unsigned kminor)
{
	/* includes: every listed condition must hold. */
	if (r->includes.n_caps > 0)
		return false; /* the sandbox holds no capability */
	if (r->includes.n_arches > 0) {
		bool any = false;
		for (size_t i = 0; i < r->includes.n_arches; i++)
			any |= policy_arch_matches(r->includes.arches[i], native_name);
		if (!any)
			return false;
	}
	if (r->includes.has_min_kernel &&
	    !kernel_at_least(kmajor, kminor, r->includes.min_kernel_major,
			     r->includes.min_kernel_minor))
		return false;
	/* excludes: any listed condition that holds drops the rule.
	 * excludes.caps never holds (no capabilities). */
	for (size_t i = 0; i < r->excludes.n_arches; i++)
		if (policy_arch_matches(r->excludes.arches[i], native_name))
			return false;
	if (r->excludes.has_min_kernel &&
	    kernel_at_least(kmajor, kminor, r->excludes.min_kernel_major,
			    r->excludes.min_kernel_minor))
		return false;
	return true;
}

/* ---- parser ---------------------------------------------------------- */

/* Whole number test without libm: values beyond +-2^62 are rejected by
 * the callers' range checks anyway. */
static bool is_integral(double d)
{
	return d > -4611686018427387904.0 && d < 4611686018427387904.0 &&
	       d == (double)(int64_t)d;
}

static int get_errno(struct json_reader *p, const cJSON *j, int *out)
{
	uint64_t v = 0;
	if (!cJSON_IsNumber(j))
		return json_fail(p, "errno must be a number, not %s", json_type_name(j));
	if (j->valuedouble < 0 || j->valuedouble > POLICY_MAX_ERRNO ||
	    !is_integral(j->valuedouble))
		return json_fail(p, "bad errno %g (must be an integer in 0..%d)",
			    j->valuedouble, POLICY_MAX_ERRNO);
	int r = json_get_u64(p, j, POLICY_MAX_ERRNO, &v);
	if (r < 0)
		return r;
	*out = (int)v;
	return 0;
}

static int get_errno_name(struct json_reader *p, const cJSON *j, int *out)
{
	if (!cJSON_IsString(j))
		return json_fail(p, "must be an errno name, not %s", json_type_name(j));
	int e = policy_errno_from_name(j->valuestring);
	if (e < 0)
		return json_fail(p, "unknown errno name \"%s\"", j->valuestring);
	*out = e;
	return 0;
}

static int parse_action(struct json_reader *p, const cJSON *j, enum policy_action *out)
{
	if (!j)
		return json_fail(p, "missing");
	if (!cJSON_IsString(j))
		return json_fail(p, "must be a string, not %s", json_type_name(j));
	for (size_t i = 0; i < ELEMENTSOF(action_names); i++)
		if (strcmp(action_names[i].name, j->valuestring) == 0) {
			*out = action_names[i].act;
			return 0;
		}
	return json_fail(p, "unknown action \"%s\"", j->valuestring);
}

static int parse_min_kernel(struct json_reader *p, const cJSON *j, struct policy_cond *c)
{
	if (!cJSON_IsString(j))
		return json_fail(p, "must be a string like \"4.8\", not %s", json_type_name(j));
	unsigned maj = 0, min = 0;
	int n = 0;
	if (sscanf(j->valuestring, "%u.%u%n", &maj, &min, &n) != 2 ||
	    j->valuestring[n] != '\0' || !isdigit((unsigned char)j->valuestring[0]))
		return json_fail(p, "bad kernel version \"%s\" (want MAJOR.MINOR)",
			    j->valuestring);
	c->has_min_kernel = true;
	c->min_kernel_major = maj;
	c->min_kernel_minor = min;
	return 0;
}

static void cond_free(struct policy_cond *c)
{
	util_strv_free_n(c->caps, c->n_caps);
	util_strv_free_n(c->arches, c->n_arches);
}

static int parse_cond(struct json_reader *p, const cJSON *j, struct policy_cond *c)
{
	static const char *const keys[] = { "caps", "arches", "minKernel", NULL };
	if (!j || cJSON_IsNull(j))
		return 0;
	if (!cJSON_IsObject(j))
		return json_fail(p, "must be an object, not %s", json_type_name(j));
	int r = json_check_keys(p, j, keys);
	if (r < 0)
		return r;
	const cJSON *it;
	size_t o;
	if ((r = json_key_strv(p, j, "caps", &c->caps, &c->n_caps)) < 0)
		return r;
	if ((r = json_key_strv(p, j, "arches", &c->arches, &c->n_arches)) < 0)
		return r;
	if ((it = cJSON_GetObjectItemCaseSensitive(j, "minKernel")) && !cJSON_IsNull(it)) {
		o = json_push_key(p, "minKernel");
		r = parse_min_kernel(p, it, c);
		json_pop(p, o);
		if (r < 0)
			return r;
	}
	return 0;
}

static int parse_arg(struct json_reader *p, const cJSON *j, struct policy_arg *a)
{
	static const char *const keys[] = { "index", "value", "valueTwo", "op", NULL };
	if (!cJSON_IsObject(j))
		return json_fail(p, "must be an object, not %s", json_type_name(j));
	int r = json_check_keys(p, j, keys);
	if (r < 0)
		return r;
	const cJSON *it;
	uint64_t v = 0;
	size_t o;

	o = json_push_key(p, "index");
	it = cJSON_GetObjectItemCaseSensitive(j, "index");
	if (!it)
		r = json_fail(p, "missing");
	else if (!cJSON_IsNumber(it))
		r = json_fail(p, "must be a number, not %s", json_type_name(it));
	else if (it->valuedouble < 0 || it->valuedouble > 5 ||
		 !is_integral(it->valuedouble))
		r = json_fail(p, "index %g out of range (a syscall has arguments 0..5)",
			 it->valuedouble);
	else
		r = json_get_u64(p, it, 5, &v);
	json_pop(p, o);
	if (r < 0)
		return r;
	a->index = (unsigned)v;

	o = json_push_key(p, "value");
	it = cJSON_GetObjectItemCaseSensitive(j, "value");
	r = it ? json_get_u64(p, it, UINT64_MAX, &a->value) : json_fail(p, "missing");
	json_pop(p, o);
	if (r < 0)
		return r;

	it = cJSON_GetObjectItemCaseSensitive(j, "valueTwo");
	if (it && !cJSON_IsNull(it)) {
		o = json_push_key(p, "valueTwo");
		r = json_get_u64(p, it, UINT64_MAX, &a->value_two);
		json_pop(p, o);
		if (r < 0)
			return r;
	}

	o = json_push_key(p, "op");
	it = cJSON_GetObjectItemCaseSensitive(j, "op");
	if (!it)
		r = json_fail(p, "missing");
	else if (!cJSON_IsString(it))
		r = json_fail(p, "must be a string, not %s", json_type_name(it));
	else {
		r = -1;
		for (size_t i = 0; i < ELEMENTSOF(op_names); i++)
			if (strcmp(op_names[i], it->valuestring) == 0) {
				a->op = (enum policy_op)i;
				r = 0;
			}
		if (r < 0)
			r = json_fail(p, "unknown op \"%s\"", it->valuestring);
	}
	json_pop(p, o);
	return r;
}

/* errnoRet and defaultErrnoRet go with ERRNO and TRACE only. */
static int check_ret_action(struct json_reader *p, const char *key, enum policy_action a, bool set)
{
	if (!set || a == POLICY_ACT_ERRNO || a == POLICY_ACT_TRACE)
		return 0;
	return json_fail_key(p, key, "only SCMP_ACT_ERRNO and SCMP_ACT_TRACE take an errno, not %s",
			policy_action_name(a));
}

static void rule_free(struct policy_rule *r)
{
	util_strv_free_n(r->names, r->n_names);
	free(r->args);
	cond_free(&r->includes);
	cond_free(&r->excludes);
	free(r->comment);
}

/* errnoRet (number) and Podman's errno (name) must agree when both are
 * given; either alone sets the value. */
static int parse_ret(struct json_reader *p, const cJSON *num, const char *num_key,
		     const cJSON *name, const char *name_key, int *ret, bool *set)
{
	int r, a = -1, b = -1;
	size_t o;
	if (num && !cJSON_IsNull(num)) {
		o = json_push_key(p, num_key);
		r = get_errno(p, num, &a);
		json_pop(p, o);
		if (r < 0)
			return r;
	}
	if (name && !cJSON_IsNull(name) &&
	    !(cJSON_IsString(name) && !name->valuestring[0])) {
		o = json_push_key(p, name_key);
		r = get_errno_name(p, name, &b);
		if (r == 0 && a >= 0 && a != b)
			r = json_fail(p, "%s is %d but %s says %d", name->valuestring,
				 b, num_key, a);
		json_pop(p, o);
		if (r < 0)
			return r;
	}
	if (a >= 0 || b >= 0) {
		*ret = a >= 0 ? a : b;
		*set = true;
	}
	return 0;
}

/* One element of a rule's "args" (json_each). */
static int read_arg(struct json_reader *p, const cJSON *a, size_t i, void *ctx)
{
	struct policy_rule *rule = ctx;
	(void)i;
	int r = parse_arg(p, a, &rule->args[rule->n_args]);
	if (r < 0)
		return r;
	/* libseccomp cannot AND two comparisons of one argument; runc then
	 * ORs them, which turns a range allow into a wider one. Refuse. */
	for (size_t k = 0; k < rule->n_args; k++)
		if (rule->args[k].index == rule->args[rule->n_args].index)
			return json_fail(p, "argument %u is already compared in this rule "
					 "(write one rule per comparison)", rule->args[k].index);
	rule->n_args++;
	return 0;
}

/* "names" (or Docker's older single "name") of a rule. */
static int parse_rule_names(struct json_reader *p, const cJSON *j, struct policy_rule *rule)
{
	const cJSON *names = cJSON_GetObjectItemCaseSensitive(j, "names");
	const cJSON *name = cJSON_GetObjectItemCaseSensitive(j, "name");
	int r = 0;
	size_t o;
	if (names && !cJSON_IsNull(names)) {
		o = json_push_key(p, "names");
		r = json_get_strv(p, names, false, NULL, NULL, &rule->names, &rule->n_names);
		json_pop(p, o);
		return r;
	}
	if (!name || cJSON_IsNull(name))
		return json_fail_key(p, "names", "missing");
	/* Docker before 1.12 wrote one "name" per rule. */
	if (!cJSON_IsString(name) || !name->valuestring[0])
		return json_fail_key(p, "name", "must be a non-empty string");
	rule->names = calloc(2, sizeof(char *));
	if (!rule->names || !(rule->names[0] = strdup(name->valuestring)))
		return json_oom(p);
	rule->n_names = 1;
	return 0;
}

static int parse_rule(struct json_reader *p, const cJSON *j, struct policy_rule *rule)
{
	static const char *const keys[] = { "names", "name", "action", "errnoRet",
					    "errno", "args", "includes", "excludes",
					    "comment", NULL };
	if (!cJSON_IsObject(j))
		return json_fail(p, "must be an object, not %s", json_type_name(j));
	int r = json_check_keys(p, j, keys);
	if (r < 0)
		return r;
	const cJSON *it;
	size_t o;
	if ((r = parse_rule_names(p, j, rule)) < 0)
		return r;

	o = json_push_key(p, "action");
	r = parse_action(p, cJSON_GetObjectItemCaseSensitive(j, "action"), &rule->action);
	json_pop(p, o);
	if (r < 0)
		return r;

	r = parse_ret(p, cJSON_GetObjectItemCaseSensitive(j, "errnoRet"), "errnoRet",
		      cJSON_GetObjectItemCaseSensitive(j, "errno"), "errno",
		      &rule->ret, &rule->ret_set);
	if (r < 0)
		return r;
	if ((r = check_ret_action(p, "errnoRet", rule->action, rule->ret_set)) < 0)
		return r;

	size_t n_args = json_array_len(j, "args");
	if (!(rule->args = calloc(n_args ? n_args : 1, sizeof(*rule->args))))
		return json_oom(p);
	if ((r = json_key_each(p, j, "args", read_arg, rule)) < 0)
		return r;

	o = json_push_key(p, "includes");
	r = parse_cond(p, cJSON_GetObjectItemCaseSensitive(j, "includes"), &rule->includes);
	json_pop(p, o);
	if (r < 0)
		return r;
	o = json_push_key(p, "excludes");
	r = parse_cond(p, cJSON_GetObjectItemCaseSensitive(j, "excludes"), &rule->excludes);
	json_pop(p, o);
	if (r < 0)
		return r;

	it = cJSON_GetObjectItemCaseSensitive(j, "comment");
	if (it && !cJSON_IsNull(it)) {
		o = json_push_key(p, "comment");
		if (!cJSON_IsString(it))
			r = json_fail(p, "must be a string, not %s", json_type_name(it));
		json_pop(p, o);
		if (r < 0)
			return r;
		if (it->valuestring[0] && !(rule->comment = strdup(it->valuestring)))
			return json_oom(p);
	}
	return 0;
}

static int check_arch(struct json_reader *p, char **v, size_t n)
{
	char buf[32];
	for (size_t i = 0; i < n; i++)
		if (policy_arch_scmp_name(v[i], buf, sizeof(buf)) < 0) {
			size_t o = json_push_idx(p, i);
			int r = json_fail(p, "unknown architecture \"%s\"", v[i]);
			json_pop(p, o);
			return r;
		}
	return 0;
}

static int parse_archmap(struct json_reader *p, const cJSON *j, struct policy *pol)
{
	static const char *const keys[] = { "architecture", "subArchitectures", NULL };
	if (!cJSON_IsArray(j))
		return json_fail(p, "must be an array, not %s", json_type_name(j));
	size_t n = (size_t)cJSON_GetArraySize(j);
	pol->archmap = calloc(n ? n : 1, sizeof(*pol->archmap));
	if (!pol->archmap)
		return json_oom(p);
	const cJSON *it;
	int r = 0;
	cJSON_ArrayForEach(it, j) {
		size_t o = json_push_idx(p, pol->n_archmap);
		struct policy_archmap *m = &pol->archmap[pol->n_archmap++];
		if (!cJSON_IsObject(it)) {
			r = json_fail(p, "must be an object, not %s", json_type_name(it));
			goto out;
		}
		if ((r = json_check_keys(p, it, keys)) < 0)
			goto out;
		const cJSON *a = cJSON_GetObjectItemCaseSensitive(it, "architecture");
		size_t o2 = json_push_key(p, "architecture");
		char buf[32];
		if (!a)
			r = json_fail(p, "missing");
		else if (!cJSON_IsString(a))
			r = json_fail(p, "must be a string, not %s", json_type_name(a));
		else if (policy_arch_scmp_name(a->valuestring, buf, sizeof(buf)) < 0)
			r = json_fail(p, "unknown architecture \"%s\"", a->valuestring);
		else if (!(m->arch = strdup(a->valuestring)))
			r = json_oom(p);
		json_pop(p, o2);
		if (r < 0)
			goto out;
		o2 = json_push_key(p, "subArchitectures");
		r = json_get_strv(p, cJSON_GetObjectItemCaseSensitive(it, "subArchitectures"),
				  true, NULL, NULL, &m->subs, &m->n_subs);
		if (r == 0)
			r = check_arch(p, m->subs, m->n_subs);
		json_pop(p, o2);
out:
		json_pop(p, o);
		if (r < 0)
			return r;
	}
	return 0;
}

static int parse_flags(struct json_reader *p, const cJSON *j, unsigned *flags)
{
	char **v = NULL;
	size_t n = 0;
	int r = json_get_strv(p, j, true, NULL, NULL, &v, &n);
	if (r < 0)
		return r;
	for (size_t i = 0; i < n && r == 0; i++) {
		if (strcmp(v[i], "SECCOMP_FILTER_FLAG_LOG") == 0)
			*flags |= POLICY_FLAG_LOG;
		else if (strcmp(v[i], "SECCOMP_FILTER_FLAG_SPEC_ALLOW") == 0)
			*flags |= POLICY_FLAG_SPEC_ALLOW;
		else if (strcmp(v[i], "SECCOMP_FILTER_FLAG_TSYNC") == 0)
			; /* the runner is single-threaded when it installs */
		else {
			size_t o = json_push_idx(p, i);
			r = json_fail(p, "unknown or unsupported flag \"%s\"", v[i]);
			json_pop(p, o);
		}
	}
	util_strv_free_n(v, n);
	return r;
}

/* One element of "syscalls" (json_each). */
static int read_rule(struct json_reader *p, const cJSON *rj, size_t i, void *ctx)
{
	struct policy *pol = ctx;
	struct policy_rule *rule = &pol->rules[pol->n_rules++];
	rule->index = i;
	return parse_rule(p, rj, rule);
}

static int parse_top(struct json_reader *p, const cJSON *root, struct policy *pol)
{
	static const char *const keys[] = { "defaultAction", "defaultErrnoRet",
					    "defaultErrno", "architectures", "archMap",
					    "flags", "syscalls", "listenerPath",
					    "listenerMetadata", "comment", NULL };
	if (!cJSON_IsObject(root))
		return json_fail(p, "a policy must be a JSON object, not %s", json_type_name(root));
	int r = json_check_keys(p, root, keys);
	if (r < 0)
		return r;
	const cJSON *it;
	size_t o;

	o = json_push_key(p, "defaultAction");
	r = parse_action(p, cJSON_GetObjectItemCaseSensitive(root, "defaultAction"),
			 &pol->default_action);
	json_pop(p, o);
	if (r < 0)
		return r;

	r = parse_ret(p, cJSON_GetObjectItemCaseSensitive(root, "defaultErrnoRet"),
		      "defaultErrnoRet",
		      cJSON_GetObjectItemCaseSensitive(root, "defaultErrno"),
		      "defaultErrno", &pol->default_ret, &pol->default_ret_set);
	if (r < 0)
		return r;
	if ((r = check_ret_action(p, "defaultErrnoRet", pol->default_action,
				  pol->default_ret_set)) < 0)
		return r;

	if ((r = json_key_strv(p, root, "architectures", &pol->arches, &pol->n_arches)) < 0)
		return r;
	o = json_push_key(p, "architectures");
	r = check_arch(p, pol->arches, pol->n_arches);
	json_pop(p, o);
	if (r < 0)
		return r;
	if ((it = cJSON_GetObjectItemCaseSensitive(root, "archMap")) && !cJSON_IsNull(it)) {
		o = json_push_key(p, "archMap");
		r = parse_archmap(p, it, pol);
		json_pop(p, o);
		if (r < 0)
			return r;
	}
	if ((it = cJSON_GetObjectItemCaseSensitive(root, "flags"))) {
		o = json_push_key(p, "flags");
		r = parse_flags(p, it, &pol->flags);
		json_pop(p, o);
		if (r < 0)
			return r;
	}
	/* A listener path hands decisions to an outside agent; taskjail's
	 * own supervisor is the only listener a task gets. */
	it = cJSON_GetObjectItemCaseSensitive(root, "listenerPath");
	if (it && !cJSON_IsNull(it) && !(cJSON_IsString(it) && !it->valuestring[0]))
		return json_fail_key(p, "listenerPath",
				"not supported (taskjail's supervisor is the only seccomp listener)");
	it = cJSON_GetObjectItemCaseSensitive(root, "listenerMetadata");
	if (it && !cJSON_IsNull(it) && !cJSON_IsString(it))
		return json_fail_key(p, "listenerMetadata", "must be a string, not %s", json_type_name(it));

	/* A top-level "comment" is our extension (Docker and runc ignore
	 * unknown keys, so a taskjail policy still loads there). */
	it = cJSON_GetObjectItemCaseSensitive(root, "comment");
	if (it && !cJSON_IsNull(it) && !cJSON_IsString(it))
		return json_fail_key(p, "comment", "must be a string, not %s", json_type_name(it));

	size_t n = json_array_len(root, "syscalls");
	if (!(pol->rules = calloc(n ? n : 1, sizeof(*pol->rules))))
		return json_oom(p);
	return json_key_each(p, root, "syscalls", read_rule, pol);
}

int policy_parse(const char *json, size_t len, const char *file,
		 struct policy **out, struct tj_error *err)
{
	struct json_reader p;
	json_reader_init(&p, "policy", file ? file : "(inline)", err);
	json_reader_bare(&p);
	*out = NULL;
	cJSON *root = NULL;
	int r = json_parse_strict(json, len, "policy", p.file, &root, err);
	if (r < 0)
		return r;
	struct policy *pol = calloc(1, sizeof(*pol));
	if (!pol || !(pol->file = strdup(p.file))) {
		free(pol);
		cJSON_Delete(root);
		return json_oom(&p);
	}
	r = parse_top(&p, root, pol);
	cJSON_Delete(root);
	if (r < 0) {
		policy_free(pol);
		return r;
	}
	*out = pol;
	return 0;
}

int policy_load(const char *path, struct policy **out, struct tj_error *err)
{
	_cleanup_free_ char *buf = NULL;
	size_t len;
	int r = sysio_read_file("policy", path, POLICY_MAX_BYTES, &buf, &len, err);
	if (r < 0)
		return r;
	return policy_parse(buf, len, path, out, err);
}

void policy_free(struct policy *p)
{
	if (!p)
		return;
	free(p->file);
	util_strv_free_n(p->arches, p->n_arches);
	for (size_t i = 0; i < p->n_archmap; i++) {
		free(p->archmap[i].arch);
		util_strv_free_n(p->archmap[i].subs, p->archmap[i].n_subs);
	}
	free(p->archmap);
	for (size_t i = 0; i < p->n_rules; i++)
		rule_free(&p->rules[i]);
	free(p->rules);
	free(p);
}

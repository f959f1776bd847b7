/* SPDX-License-Identifier: Apache-2.0 */
#include "seccomp.h"

#include <errno.h>
#include <inttypes.h>
#include <poll.h>
#include <seccomp.h> /* libseccomp: supervisor/ is on the quote path only */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/utsname.h>
#include <unistd.h>

#include "bpfsim.h"
#include "seccomp_internal.h"
#include "syscall_names.h" /* generated at build time: supervisor/syscall_names_gen.c */
#include "config.h"
#include "log.h"
#include "policy.h"
#include "util.h"

#ifndef SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV
#define SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV (1UL << 5)
#endif



struct build {
	const struct policy *pol;
	const struct tj_seccomp_opts *o;
	bool notify;          /* ERRNO -> NOTIFY (log_denials) */
	bool with_extra;      /* run o->extra_rules */
	bool warn;            /* print unknown-syscall warnings */
	bool probe;           /* compiling the extra rules alone */
	const bool *taken;    /* syscalls the extra rules own (native nr) */
	size_t n_taken;
	const char *native_name;
	unsigned kmaj, kmin;
};

static const char *native_arch_name(uint32_t arch)
{
	switch (arch) {
	case SCMP_ARCH_X86_64: return "x86_64";
	case SCMP_ARCH_X86: return "x86";
	case SCMP_ARCH_X32: return "x32";
	case SCMP_ARCH_AARCH64: return "aarch64";
	case SCMP_ARCH_ARM: return "arm";
	case SCMP_ARCH_PPC64LE: return "ppc64le";
	case SCMP_ARCH_PPC64: return "ppc64";
	case SCMP_ARCH_S390X: return "s390x";
	case SCMP_ARCH_S390: return "s390";
	case SCMP_ARCH_RISCV64: return "riscv64";
	case SCMP_ARCH_MIPS64: return "mips64";
	case SCMP_ARCH_MIPSEL64: return "mipsel64";
	default: return "unknown";
	}
}

unsigned seccomp_native_audit_arch(void)
{
	return seccomp_arch_native();
}

static uint32_t to_scmp_action(enum policy_action a, int ret, bool ret_set, bool notify)
{
	switch (a) {
	case POLICY_ACT_ALLOW: return SCMP_ACT_ALLOW;
	case POLICY_ACT_ERRNO:
		/* A denial the supervisor answers itself when logging. */
		return notify ? SCMP_ACT_NOTIFY : SCMP_ACT_ERRNO(ret_set ? (uint16_t)ret : EPERM);
	case POLICY_ACT_KILL_PROCESS: return SCMP_ACT_KILL_PROCESS;
	case POLICY_ACT_KILL_THREAD: return SCMP_ACT_KILL_THREAD;
	case POLICY_ACT_TRAP: return SCMP_ACT_TRAP;
	case POLICY_ACT_LOG: return SCMP_ACT_LOG;
	case POLICY_ACT_TRACE: return SCMP_ACT_TRACE(ret_set ? (uint16_t)ret : 0);
	case POLICY_ACT_NOTIFY: return SCMP_ACT_NOTIFY;
	}
	return SCMP_ACT_KILL_PROCESS;
}

static const enum scmp_compare scmp_ops[] = {
	[POLICY_OP_NE] = SCMP_CMP_NE, [POLICY_OP_LT] = SCMP_CMP_LT,
	[POLICY_OP_LE] = SCMP_CMP_LE, [POLICY_OP_EQ] = SCMP_CMP_EQ,
	[POLICY_OP_GE] = SCMP_CMP_GE, [POLICY_OP_GT] = SCMP_CMP_GT,
	[POLICY_OP_MASKED_EQ] = SCMP_CMP_MASKED_EQ,
};

/* libseccomp 2.5.4 can only export to an fd; a memfd keeps it off disk. */
static int export_bpf(scmp_filter_ctx ctx, bool pfc, struct sock_filter **prog,
		      size_t *len, char **text, struct tj_error *err)
{
	_cleanup_close_ int fd = memfd_create("taskjail-bpf", MFD_CLOEXEC);
	if (fd < 0)
		return tj_error_set(err, errno, "seccomp: memfd_create");
	int r = pfc ? seccomp_export_pfc(ctx, fd) : seccomp_export_bpf(ctx, fd);
	if (r < 0)
		return tj_error_set(err, -r, "seccomp: export the compiled filter");
	off_t size = lseek(fd, 0, SEEK_END);
	if (size < 0)
		return tj_error_set(err, errno, "seccomp: size of the compiled filter");
	if (!pfc && (size == 0 || size % sizeof(struct sock_filter) != 0 ||
		     size / sizeof(struct sock_filter) > BPF_MAXINSNS))
		return tj_error_setx(err, E2BIG,
				     "seccomp: compiled filter has %jd bytes (limit %d instructions)",
				     (intmax_t)size, BPF_MAXINSNS);
	_cleanup_free_ char *buf = malloc((size_t)size + 1);
	if (!buf)
		return tj_error_set(err, ENOMEM, "seccomp: compiled filter");
	if (pread(fd, buf, (size_t)size, 0) != size)
		return tj_error_set(err, errno ? errno : EIO, "seccomp: read back the compiled filter");
	buf[size] = '\0';
	if (pfc) {
		*text = steal_pointer(&buf);
	} else {
		*prog = (struct sock_filter *)steal_pointer(&buf);
		*len = (size_t)size / sizeof(struct sock_filter);
	}
	return 0;
}

static int ctx_new(uint32_t def, scmp_filter_ctx *out, struct tj_error *err)
{
	scmp_filter_ctx ctx = seccomp_init(def);
	if (!ctx)
		return tj_error_setx(err, EINVAL, "seccomp: libseccomp refused the default action");
	/* The runner sets no_new_privs itself and loads the exported BPF. */
	int r = seccomp_attr_set(ctx, SCMP_FLTATR_CTL_NNP, 0);
	/* A syscall through another ABI (int 0x80 on x86_64) the policy did
	 * not list kills the task rather than slipping past the table. */
	if (r == 0)
		r = seccomp_attr_set(ctx, SCMP_FLTATR_ACT_BADARCH, SCMP_ACT_KILL_PROCESS);
	/* Binary search over syscall numbers: fewer instructions for the calls
	 * the kernel's action cache cannot answer. */
	if (r == 0)
		r = seccomp_attr_set(ctx, SCMP_FLTATR_CTL_OPTIMIZE, 2);
	if (r < 0) {
		seccomp_release(ctx);
		return tj_error_set(err, -r, "seccomp: set filter attributes");
	}
	*out = ctx;
	return 0;
}

static int add_arch(scmp_filter_ctx ctx, const char *oci, const struct policy *pol,
		    struct tj_error *err)
{
	char name[32];
	if (policy_arch_scmp_name(oci, name, sizeof(name)) < 0)
		return tj_error_setx(err, EINVAL, "policy %s: unknown architecture %s",
				     pol->file, oci);
	uint32_t a = seccomp_arch_resolve_name(name);
	if (!a)
		return tj_error_setx(err, EINVAL,
				     "policy %s: architecture %s is not supported by this libseccomp",
				     pol->file, oci);
	int r = seccomp_arch_add(ctx, a);
	if (r < 0 && r != -EEXIST)
		return tj_error_set(err, -r, "policy %s: add architecture %s", pol->file, oci);
	return 0;
}

static int add_arches(scmp_filter_ctx ctx, const struct build *b, struct tj_error *err)
{
	const struct policy *pol = b->pol;
	int r;
	/* "architectures" lists them; otherwise Docker's archMap gives the
	 * sub-architectures of the native one. */
	if (pol->n_arches > 0) {
		for (size_t i = 0; i < pol->n_arches; i++)
			if ((r = add_arch(ctx, pol->arches[i], pol, err)) < 0)
				return r;
		return 0;
	}
	for (size_t i = 0; i < pol->n_archmap; i++) {
		char name[32];
		if (policy_arch_scmp_name(pol->archmap[i].arch, name, sizeof(name)) < 0 ||
		    strcmp(name, b->native_name) != 0)
			continue;
		for (size_t j = 0; j < pol->archmap[i].n_subs; j++)
			if ((r = add_arch(ctx, pol->archmap[i].subs[j], pol, err)) < 0)
				return r;
	}
	return 0;
}

static int add_rules(scmp_filter_ctx ctx, const struct build *b, struct tj_error *err)
{
	const struct policy *pol = b->pol;
	/* libseccomp keeps the first unconditional rule of a syscall and
	 * searches its rules for each new one: a policy naming one syscall
	 * 100 000 times took minutes (quadratic). A later unconditional rule
	 * with the same action for a syscall that has one changes nothing:
	 * skip it here (any other rule still goes to libseccomp). */
	enum { SEEN_MAX = 4096 };
	_cleanup_free_ bool *seen = calloc(SEEN_MAX, sizeof(bool));
	_cleanup_free_ uint32_t *seen_act = calloc(SEEN_MAX, sizeof(uint32_t));
	if (!seen || !seen_act)
		return tj_error_set(err, ENOMEM, "policy %s: compile", pol->file);
	for (size_t i = 0; i < pol->n_rules; i++) {
		const struct policy_rule *rule = &pol->rules[i];
		if (!policy_rule_applies(rule, b->native_name, b->kmaj, b->kmin))
			continue;
		uint32_t act = to_scmp_action(rule->action, rule->ret, rule->ret_set, b->notify);
		struct scmp_arg_cmp cmp[6];
		for (size_t k = 0; k < rule->n_args; k++) {
			const struct policy_arg *a = &rule->args[k];
			cmp[k] = (struct scmp_arg_cmp){ .arg = a->index, .op = scmp_ops[a->op],
							.datum_a = a->value, .datum_b = a->value_two };
		}
		for (size_t n = 0; n < rule->n_names; n++) {
			int nr = seccomp_syscall_resolve_name(rule->names[n]);
			if (nr == __NR_SCMP_ERROR) {
				if (b->warn)
					fprintf(stderr,
						"taskjail: warning: policy %s: syscalls[%zu].names[%zu]: "
						"syscall \"%s\" unknown to libseccomp %u.%u.%u, skipped\n",
						pol->file, i, n, rule->names[n],
						seccomp_version()->major, seccomp_version()->minor,
						seccomp_version()->micro);
				continue;
			}
			if (nr >= 0 && (size_t)nr < b->n_taken && b->taken[nr])
				continue; /* the extra rules own this syscall */
			bool track = nr >= 0 && nr < SEEN_MAX && rule->n_args == 0;
			if (track && seen[nr] && seen_act[nr] == act)
				continue;
			int r = seccomp_rule_add_array(ctx, act, nr, (unsigned)rule->n_args,
						       rule->n_args ? cmp : NULL);
			if (track && r == 0 && !seen[nr]) {
				seen[nr] = true;
				seen_act[nr] = act;
			}
			/* -EACCES: same action as the default, nothing to add. */
			if (r == -EACCES)
				continue;
			if (r < 0)
				return tj_error_set(err, -r, "policy %s: syscalls[%zu]: add rule for %s",
						    pol->file, i, rule->names[n]);
		}
	}
	return 0;
}

static int compile(const struct build *b, struct sock_filter **prog, size_t *len,
		   char **pfc, struct tj_error *err)
{
	const struct policy *pol = b->pol;
	uint32_t def = pol ? to_scmp_action(pol->default_action, pol->default_ret,
					    pol->default_ret_set, b->notify)
			   : SCMP_ACT_ALLOW;
	/* The probe's default is one no module uses, so that libseccomp keeps
	 * every rule the extra rules add (it drops rules equal to the default). */
	if (b->probe)
		def = SCMP_ACT_TRACE(0x7a6a);
	scmp_filter_ctx ctx = NULL;
	int r = ctx_new(def, &ctx, err);
	if (r < 0)
		return r;
	if (pol)
		r = add_arches(ctx, b, err);
	/* Extra rules go in first: libseccomp keeps the first unconditional
	 * rule for a syscall, and the policy's rules for their syscalls are
	 * skipped (b->taken) so a policy can never weaken them. */
	if (r == 0 && b->with_extra && b->o && b->o->extra_rules) {
		r = b->o->extra_rules(ctx, b->o->extra_data, err);
		if (r < 0)
			tj_error_wrap(err, "seccomp: extra rules");
	}
	if (r == 0 && pol)
		r = add_rules(ctx, b, err);
	if (r == 0)
		r = export_bpf(ctx, pfc != NULL, prog, len, pfc, err);
	seccomp_release(ctx);
	return r;
}

/* Which native syscalls the extra rules put a rule on: compile them alone
 * and read libseccomp's own per-syscall listing (PFC). */
static int extra_taken(struct build *b, bool **taken, struct tj_error *err)
{
	struct build probe = *b;
	probe.pol = NULL;
	probe.with_extra = true;
	probe.probe = true;
	_cleanup_free_ char *pfc = NULL;
	int r = compile(&probe, NULL, NULL, &pfc, err);
	if (r < 0)
		return r;
	bool *t = calloc(SECCOMP_NAME_TABLE, sizeof(bool));
	if (!t)
		return tj_error_set(err, ENOMEM, "seccomp");
	for (const char *p = pfc; (p = strstr(p, "($syscall == ")); ) {
		p += strlen("($syscall == ");
		long nr = strtol(p, NULL, 10);
		if (nr >= 0 && nr < SECCOMP_NAME_TABLE)
			t[nr] = true;
	}
	*taken = t;
	return 0;
}

static bool policy_has_action(const struct policy *pol, enum policy_action a)
{
	if (!pol)
		return false;
	if (pol->default_action == a)
		return true;
	for (size_t i = 0; i < pol->n_rules; i++)
		if (pol->rules[i].action == a)
			return true;
	return false;
}

/* The program to install and the policy's own answers ("shadow"). */
static int compile_programs(struct build *b, struct tj_seccomp *s, bool *taken, struct tj_error *err)
{
	/* Logged denials become NOTIFY; the supervisor then needs the
	 * policy's own answer ("shadow"), without the extra rules: a lookup
	 * asks what the policy says, not what procguard does. Without
	 * logging (and without NOTIFY in the policy) no lookup can ask, and
	 * the installed program serves; each compile costs about 1 ms. */
	bool logging = b->o->log_denials && policy_has_action(b->pol, POLICY_ACT_ERRNO);
	bool need_shadow = logging || policy_has_action(b->pol, POLICY_ACT_NOTIFY);
	int r;
	if (!logging && !b->o->extra_rules) {
		r = compile(b, &s->prog, &s->len, NULL, err);
		if (r < 0)
			return r;
		s->shadow = s->prog;
		s->shadow_len = s->len;
	} else {
		if (need_shadow) {
			if ((r = compile(b, &s->shadow, &s->shadow_len, NULL, err)) < 0)
				return r;
			b->warn = false;
		}
		b->taken = taken;
		b->n_taken = taken ? SECCOMP_NAME_TABLE : 0;
		b->notify = logging;
		b->with_extra = true;
		if ((r = compile(b, &s->prog, &s->len, NULL, err)) < 0)
			return r;
		if (!need_shadow) {
			s->shadow = s->prog;
			s->shadow_len = s->len;
		}
	}
	return 0;
}

int seccomp_prepare(const char *path, const struct tj_seccomp_opts *o,
		    struct tj_seccomp **out, struct tj_error *err)
{
	static const struct tj_seccomp_opts no_opts;
	struct policy *pol = NULL;
	int r;
	*out = NULL;
	if (!o)
		o = &no_opts;
	/* A compiled filter for exactly these policy bytes and options skips
	 * parsing and libseccomp (~3.7 ms of a ~7 ms launch, bench/README.md). */
	struct seccomp_cache_key key = { 0 };
	bool cacheable = o->cache_dir && (!o->extra_rules || o->extra_id) &&
			 seccomp_cache_key_init(&key, path, o) == 0;
	if (cacheable && seccomp_cache_load(o->cache_dir, &key, out) == 0) {
		seccomp_cache_key_free(&key);
		return 0;
	}
	/* Compiled from the very bytes the cache key holds, never from a
	 * second read: a writer of the file between two reads would have the
	 * filter of its text stored under the key of the text read first --
	 * every later launch of that text would get it
	 * (tests/security/seccomp_cache_race.sh). */
	if (path && (r = cacheable ? policy_parse(key.policy, key.policy_len, path, &pol, err)
				   : policy_load(path, &pol, err)) < 0) {
		seccomp_cache_key_free(&key);
		return r;
	}

	struct tj_seccomp *s = calloc(1, sizeof(*s));
	if (!s) {
		policy_free(pol);
		seccomp_cache_key_free(&key);
		return tj_error_set(err, ENOMEM, "seccomp");
	}
	s->native_arch = seccomp_arch_native();

	struct utsname u;
	unsigned kmaj = 0, kmin = 0;
	if (uname(&u) == 0)
		sscanf(u.release, "%u.%u", &kmaj, &kmin);
	struct build b = { .pol = pol, .o = o, .native_name = native_arch_name(s->native_arch),
			   .kmaj = kmaj, .kmin = kmin, .warn = !o->quiet };
	_cleanup_free_ bool *taken = NULL;
	if (o->extra_rules) {
		if ((r = extra_taken(&b, &taken, err)) < 0)
			goto fail;
	}

	if ((r = compile_programs(&b, s, taken, err)) < 0)
		goto fail;

	s->needs_listener = bpfsim_has_action(s->prog, s->len, SECCOMP_RET_USER_NOTIF);
	if (pol && (pol->flags & POLICY_FLAG_LOG))
		s->flags |= SECCOMP_FILTER_FLAG_LOG;
	if (pol && (pol->flags & POLICY_FLAG_SPEC_ALLOW))
		s->flags |= SECCOMP_FILTER_FLAG_SPEC_ALLOW;
	policy_free(pol);
	if (cacheable)
		seccomp_cache_store(o->cache_dir, &key, s); /* best effort */
	seccomp_cache_key_free(&key);
	*out = s;
	return 0;
fail:
	policy_free(pol);
	seccomp_cache_key_free(&key);
	seccomp_free(s);
	return r;
}

bool seccomp_needs_listener(const struct tj_seccomp *s)
{
	return s && s->needs_listener;
}

int seccomp_install(const struct tj_seccomp *s, int *listener_fd)
{
	struct sock_fprog prog = { .len = (unsigned short)s->len, .filter = s->prog };
	unsigned long flags = s->flags;
	*listener_fd = -1;
	if (s->needs_listener)
		flags |= SECCOMP_FILTER_FLAG_NEW_LISTENER |
			 SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV;
	long r = syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, flags, &prog);
	/* WAIT_KILLABLE_RECV (5.19) keeps a received call from being
	 * interrupted by a non-fatal signal; older kernels say EINVAL. */
	if (r < 0 && errno == EINVAL && (flags & SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV)) {
		flags &= ~SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV;
		r = syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, flags, &prog);
	}
	if (r < 0)
		return -errno;
	if (s->needs_listener)
		*listener_fd = (int)r;
	return 0;
}

const char *seccomp_syscall_name(uint32_t arch, int nr)
{
	if (arch != SYSCALL_NAMES_ARCH || nr < 0 || nr >= SYSCALL_NAMES_N)
		return NULL;
	return syscall_names[nr];
}

int seccomp_denial_lookup(const struct tj_seccomp *s, const struct seccomp_data *d,
			  int *err_out, const char **name_out)
{
	uint32_t ret = bpfsim_run(s->shadow, s->shadow_len, d);
	*name_out = seccomp_syscall_name(d->arch, d->nr);
	switch (ret & SECCOMP_RET_ACTION_FULL) {
	case SECCOMP_RET_ERRNO:
		*err_out = (int)(ret & SECCOMP_RET_DATA);
		return 0;
	case SECCOMP_RET_USER_NOTIF:
		/* SCMP_ACT_NOTIFY in the policy itself: there is no outside
		 * agent (listenerPath is refused), taskjail denies. */
		*err_out = EPERM;
		return 0;
	default:
		return -ENOENT;
	}
}

size_t seccomp_denial_json(char *buf, size_t size, const char *name,
			   const struct seccomp_notif *n, int err)
{
	char esc[64];
	util_json_escape(esc, sizeof(esc), name ? name : "?");
	int len = snprintf(buf, size,
			   "\"event\":\"deny\",\"syscall\":\"%s\",\"nr\":%d,\"arch\":%u,"
			   "\"args\":[%" PRIu64 ",%" PRIu64 ",%" PRIu64 ",%" PRIu64 ",%" PRIu64
			   ",%" PRIu64 "],\"pid\":%u,\"errno\":%d",
			   esc, n->data.nr, n->data.arch,
			   (uint64_t)n->data.args[0], (uint64_t)n->data.args[1],
			   (uint64_t)n->data.args[2], (uint64_t)n->data.args[3],
			   (uint64_t)n->data.args[4], (uint64_t)n->data.args[5], n->pid, err);
	if (len < 0)
		return 0;
	return (size_t)len < size ? (size_t)len : size - 1;
}

int seccomp_denial_handle(const struct tj_seccomp *s, int listener_fd, int log_fd)
{
	struct seccomp_notif req;
	struct seccomp_notif_resp resp;
	memset(&req, 0, sizeof(req));
	if (ioctl(listener_fd, SECCOMP_IOCTL_NOTIF_RECV, &req) < 0)
		return errno == ENOENT ? -ENOENT : -errno;
	int e = EPERM;
	const char *name = NULL;
	(void)seccomp_denial_lookup(s, &req.data, &e, &name);
	memset(&resp, 0, sizeof(resp));
	resp.id = req.id;
	resp.error = -e;
	resp.val = 0;
	/* Log before answering: the line then always precedes whatever the
	 * task prints after the call returns. */
	if (log_fd >= 0) {
		char members[512];
		seccomp_denial_json(members, sizeof(members), name, &req, e);
		log_event(log_fd, "%s", members);
	}
	if (ioctl(listener_fd, SECCOMP_IOCTL_NOTIF_SEND, &resp) < 0)
		return errno == ENOENT ? -ENOENT : -errno;
	return 0;
}

int seccomp_denial_serve(const struct tj_seccomp *s, int listener_fd, int log_fd)
{
	for (;;) {
		struct pollfd p = { .fd = listener_fd, .events = POLLIN };
		int r = poll(&p, 1, -1);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			return -errno;
		if (p.revents & POLLIN) {
			r = seccomp_denial_handle(s, listener_fd, log_fd);
			if (r < 0 && r != -ENOENT && r != -EINTR)
				return r;
			continue;
		}
		if (p.revents & (POLLHUP | POLLERR | POLLNVAL))
			return 0;
	}
}

void seccomp_free(struct tj_seccomp *s)
{
	if (!s)
		return;
	if (s->prog != s->shadow)
		free(s->prog);
	free(s->shadow);
	free(s);
}

const struct sock_filter *seccomp_program(const struct tj_seccomp *s, size_t *len)
{
	*len = s->len;
	return s->prog;
}

const struct sock_filter *seccomp_policy_program(const struct tj_seccomp *s, size_t *len)
{
	*len = s->shadow_len;
	return s->shadow;
}

int seccomp_find_policy(const char *name_or_path, char **path_out, struct tj_error *err)
{
	return config_find_file("policies", "TASKJAIL_POLICY_DIR", name_or_path, path_out, err);
}

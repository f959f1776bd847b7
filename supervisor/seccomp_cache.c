/* SPDX-License-Identifier: Apache-2.0 */
/* A cache of compiled seccomp filters. Compiling the default policy with
 * libseccomp costs ~3.7 ms per launch here, half of a launch; loading the
 * same BPF from a file costs microseconds.
 *
 * Trust: only root-owned cache directories and files, not writable by group
 * or others, are read, and only root writes them. A cache owned by the
 * caller is NOT safe: a non-root caller's sandbox runs as the caller's own
 * host uid, so a task given a read-write bind over the cache could plant an
 * allow-all filter for later launches (bench/repro-cache-poison.sh showed
 * it with the first version of this file). A root caller's task runs as an
 * unprivileged host uid (65532 by default) and cannot write root's files,
 * even through a bind. Non-root callers read the root-populated cache, e.g.
 * warmed at image build with `taskjail selftest --profile node --net none`
 * run as root.
 *
 * A hit needs the whole key to match byte for byte, the policy file's
 * complete content included, so a changed policy is never answered from
 * the cache. Any doubt (a short file, a bad magic, a wrong size) is a miss. */
#include <elf.h>
#include <errno.h>
#include <link.h>
#include <dirent.h>
#include <fcntl.h>
#include <seccomp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <unistd.h>

#include "seccomp_internal.h"
#include "sysio.h"
#include "util.h"

/* 2: the key names the build and whether there is a policy file; entries
 * of format 1 (either could be stale or poisoned, see the key) are never
 * read. */
#define CACHE_MAGIC "taskjail-bpf-cache 2\n"
#define CACHE_POLICY_MAX (4u << 20)

struct cache_header {
	uint32_t key_len;
	uint32_t policy_len;
	uint32_t flags;
	uint32_t native_arch;
	uint32_t needs_listener;
	uint32_t len;
	uint32_t shadow_len; /* 0: the shadow is the installed program */
};

/* Root-owned, a directory, not a symlink, not writable by group/other. */
static bool trusted(const struct stat *st, bool dir)
{
	return (dir ? S_ISDIR(st->st_mode) : S_ISREG(st->st_mode)) && st->st_uid == 0 &&
	       !(st->st_mode & (S_IWGRP | S_IWOTH));
}

static bool safe_dir(const char *dir)
{
	struct stat st;
	return lstat(dir, &st) == 0 && trusted(&st, true);
}

char *seccomp_cache_dir(void)
{
	const char *env = getenv("TASKJAIL_CACHE_DIR");
	const char *dir = SECCOMP_CACHE_DEFAULT_DIR;
	if (env && *env) {
		if (strcmp(env, "none") == 0)
			return NULL;
		dir = env;
	}
	/* Root creates the default directory; everyone else only reads it. */
	if (geteuid() == 0 && !env && mkdir(dir, 0755) < 0 && errno != EEXIST)
		return NULL;
	return safe_dir(dir) ? strdup(dir) : NULL;
}

static uint64_t fnv1a(uint64_t h, const void *p, size_t n)
{
	const unsigned char *c = p;
	for (size_t i = 0; i < n; i++) {
		h ^= c[i];
		h *= 0x100000001b3ull;
	}
	return h;
}


/* Whether a user other than the owner can find and read path: every
 * directory on its resolved path readable and searchable by others. The
 * entry holds the policy's whole text and the cache directory can be
 * listed: a world-readable file in a private directory (0644 in a 0700 or
 * 0711 one) must not become readable through a 0644 entry (red team).
 * POSIX ACLs are not looked at: a directory an ACL closes still counts as
 * open here. */
static bool others_can_reach(const char *path)
{
	_cleanup_free_ char *real = realpath(path, NULL);
	if (!real)
		return false;
	for (char *slash = strrchr(real, '/'); slash; slash = strrchr(real, '/')) {
		*slash = '\0';
		struct stat st;
		if (stat(*real ? real : "/", &st) < 0 || (st.st_mode & (S_IROTH | S_IXOTH)) != (S_IROTH | S_IXOTH))
			return false;
		if (!*real)
			break;
	}
	return true;
}

/* The program's GNU build-id note as hex (a hash of the linked binary, so
 * any change to the parser or the compiler changes it), or NULL: then no
 * cache (an entry written by another build of the same version must never
 * answer). Read once. */
static int find_build_id(struct dl_phdr_info *info, size_t size, void *data)
{
	(void)size;
	char *out = data;
	for (int i = 0; i < info->dlpi_phnum; i++) {
		const ElfW(Phdr) *ph = &info->dlpi_phdr[i];
		if (ph->p_type != PT_NOTE)
			continue;
		const unsigned char *p = (const unsigned char *)(info->dlpi_addr + ph->p_vaddr);
		const unsigned char *end = p + ph->p_memsz;
		while (p + sizeof(ElfW(Nhdr)) <= end) {
			const ElfW(Nhdr) *n = (const ElfW(Nhdr) *)(const void *)p;
			size_t name = (n->n_namesz + 3) & ~(size_t)3, desc = (n->n_descsz + 3) & ~(size_t)3;
			const unsigned char *nm = p + sizeof(*n), *d = nm + name;
			if (d + desc > end)
				break;
			if (n->n_type == NT_GNU_BUILD_ID && n->n_namesz == 4 && memcmp(nm, "GNU", 4) == 0 &&
			    n->n_descsz >= 8 && n->n_descsz <= 64) {
				for (size_t j = 0; j < n->n_descsz; j++)
					snprintf(out + 2 * j, 3, "%02x", d[j]);
				return 1;
			}
			p = d + desc;
		}
	}
	return 1; /* the first object is the program: stop there */
}

static const char *build_id(void)
{
	static char id[2 * 64 + 1];
	static bool done;
	if (!done) {
		(void)dl_iterate_phdr(find_build_id, id);
		done = true;
	}
	return id[0] ? id : NULL;
}

int seccomp_cache_key_init(struct seccomp_cache_key *k, const char *path,
			   const struct tj_seccomp_opts *o)
{
	memset(k, 0, sizeof(*k));
	const char *bid = build_id();
	if (!bid)
		return -ENOENT;
	if (path) {
		/* O_NONBLOCK: a FIFO must not block here (sysio_read_fd refuses it) */
		int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
		if (fd < 0)
			return -errno;
		struct stat st;
		/* Only root writes entries or changes their mode. */
		k->world_readable = geteuid() == 0 && fstat(fd, &st) == 0 && (st.st_mode & S_IROTH) &&
				    others_can_reach(path);
		int r = sysio_read_fd(fd, "policy", path, CACHE_POLICY_MAX, &k->policy,
				      &k->policy_len, NULL);
		close(fd);
		if (r < 0)
			return r;
	} else if (!(k->policy = strdup(""))) {
		return -ENOMEM;
	} else {
		k->world_readable = true;
	}
	const struct scmp_version *v = seccomp_version();
	struct utsname u;
	unsigned kmaj = 0, kmin = 0;
	if (uname(&u) == 0)
		sscanf(u.release, "%u.%u", &kmaj, &kmin);
	/* build: a parser or compiler change between builds of one version
	 * (a cache hit skips both) must not be answered by another build's
	 * entry (the binary's build-id; a git describe was not enough: it
	 * falls back to the version in a tree git will not read, and two dirty
	 * builds of one commit share it -- red team); policy: no policy file
	 * and an empty one differ (the empty one is refused when parsed; red
	 * team: it got the allow-all entry of --seccomp none). */
	if (asprintf(&k->text, "tj=%s;build=%s;policy=%s;scmp=%u.%u.%u;arch=%u;kernel=%u.%u;log=%d;extra=%s;quiet=%d",
		     TJ_VERSION, bid, path ? "file" : "none", v->major, v->minor, v->micro,
		     seccomp_arch_native(), kmaj, kmin, o->log_denials,
		     o->extra_rules ? o->extra_id : "-", o->quiet) < 0) {
		k->text = NULL;
		seccomp_cache_key_free(k);
		return -ENOMEM;
	}
	k->hash = fnv1a(0xcbf29ce484222325ull, k->text, strlen(k->text) + 1);
	k->hash = fnv1a(k->hash, k->policy, k->policy_len);
	return 0;
}

void seccomp_cache_key_free(struct seccomp_cache_key *k)
{
	free(k->text);
	free(k->policy);
	memset(k, 0, sizeof(*k));
}

static void cache_path(char *buf, size_t n, const char *dir, const struct seccomp_cache_key *k)
{
	snprintf(buf, n, "%s/%016llx.bpf", dir, (unsigned long long)k->hash);
}

int seccomp_cache_load(const char *dir, const struct seccomp_cache_key *k,
		       struct tj_seccomp **out)
{
	char path[4200];
	if (!safe_dir(dir))
		return -EPERM;
	cache_path(path, sizeof(path), dir, k);
	_cleanup_close_ int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NOCTTY);
	if (fd < 0)
		return -errno;
	struct stat st;
	if (fstat(fd, &st) < 0 || !trusted(&st, false))
		return -EPERM;
	/* An entry written while its policy was public stays public only
	 * while the policy is (one made private since: red team). */
	if ((st.st_mode & S_IROTH) && !k->world_readable && geteuid() == 0)
		(void)fchmod(fd, 0600);
	_cleanup_free_ char *buf = NULL;
	size_t len;
	int r = sysio_read_fd(fd, "cache", path, CACHE_POLICY_MAX + (1u << 20), &buf, &len, NULL);
	if (r < 0)
		return r;

	size_t off = strlen(CACHE_MAGIC);
	struct cache_header h;
	size_t klen = strlen(k->text);
	if (len < off + sizeof(h) || memcmp(buf, CACHE_MAGIC, off) != 0)
		return -EINVAL;
	memcpy(&h, buf + off, sizeof(h));
	off += sizeof(h);
	if (h.key_len != klen || h.policy_len != k->policy_len || h.len == 0 || h.len > 4096 ||
	    h.shadow_len > 4096 ||
	    len != off + klen + k->policy_len + ((size_t)h.len + h.shadow_len) * sizeof(struct sock_filter))
		return -EINVAL;
	if (memcmp(buf + off, k->text, klen) != 0 ||
	    memcmp(buf + off + klen, k->policy, k->policy_len) != 0)
		return -ESTALE;
	off += klen + k->policy_len;

	struct tj_seccomp *s = calloc(1, sizeof(*s));
	if (!s)
		return -ENOMEM;
	s->prog = malloc(h.len * sizeof(struct sock_filter));
	if (!s->prog) {
		free(s);
		return -ENOMEM;
	}
	memcpy(s->prog, buf + off, h.len * sizeof(struct sock_filter));
	s->len = h.len;
	off += h.len * sizeof(struct sock_filter);
	if (h.shadow_len) {
		s->shadow = malloc(h.shadow_len * sizeof(struct sock_filter));
		if (!s->shadow) {
			free(s->prog);
			free(s);
			return -ENOMEM;
		}
		memcpy(s->shadow, buf + off, h.shadow_len * sizeof(struct sock_filter));
		s->shadow_len = h.shadow_len;
	} else {
		s->shadow = s->prog;
		s->shadow_len = s->len;
	}
	s->flags = h.flags;
	s->native_arch = h.native_arch;
	s->needs_listener = h.needs_listener != 0;
	*out = s;
	return 0;
}

/* Entries of an older format (whose keys could not tell builds apart, or
 * held private policies' text in 0644 files) are never read, and no new
 * key names them: root removes them when it writes an entry (a miss, after
 * an upgrade the first launch of each policy). Only regular *.bpf files
 * without the current magic go; the directory is root's (safe_dir). */
static void remove_stale_entries(const char *dir)
{
	DIR *d = opendir(dir);
	if (!d)
		return;
	int dfd = dirfd(d);
	struct dirent *e;
	for (int n = 0; n < 4096 && (e = readdir(d)); n++) {
		size_t l = strlen(e->d_name);
		if (l < 5 || strcmp(e->d_name + l - 4, ".bpf") != 0)
			continue;
		int fd = openat(dfd, e->d_name, O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NOCTTY | O_NONBLOCK);
		if (fd < 0)
			continue;
		char magic[sizeof(CACHE_MAGIC) - 1];
		struct stat st;
		bool stale = fstat(fd, &st) == 0 && S_ISREG(st.st_mode) &&
			     (read(fd, magic, sizeof(magic)) != (ssize_t)sizeof(magic) ||
			      memcmp(magic, CACHE_MAGIC, sizeof(magic)) != 0);
		close(fd);
		if (stale)
			(void)unlinkat(dfd, e->d_name, 0);
	}
	closedir(d);
}

int seccomp_cache_store(const char *dir, const struct seccomp_cache_key *k,
			const struct tj_seccomp *s)
{
	char path[4200], tmp[4200];
	if (geteuid() != 0 || !safe_dir(dir))
		return -EPERM;
	cache_path(path, sizeof(path), dir, k);
	snprintf(tmp, sizeof(tmp), "%s/.tmp-XXXXXX", dir);
	int fd = mkostemp(tmp, O_CLOEXEC);
	if (fd < 0)
		return -errno;
	/* Readable by every caller when the policy itself is: non-root callers
	 * (n8n's usual launcher) only ever read entries root wrote, and with
	 * mkostemp's 0600 each of their launches compiled again (~4 ms). A
	 * filter built from a world-readable policy discloses nothing; an entry
	 * for a private policy stays 0600. Trust is unchanged: root-owned, not
	 * group/other-writable. */
	if (fchmod(fd, k->world_readable ? 0644 : 0600) < 0) {
		int e = errno;
		close(fd);
		unlink(tmp);
		return -e;
	}
	bool same = s->shadow == s->prog;
	struct cache_header h = {
		.key_len = (uint32_t)strlen(k->text), .policy_len = (uint32_t)k->policy_len,
		.flags = s->flags, .native_arch = s->native_arch,
		.needs_listener = s->needs_listener, .len = (uint32_t)s->len,
		.shadow_len = same ? 0 : (uint32_t)s->shadow_len,
	};
	FILE *f = fdopen(fd, "w");
	if (!f) {
		close(fd);
		unlink(tmp);
		return -ENOMEM;
	}
	fputs(CACHE_MAGIC, f);
	fwrite(&h, sizeof(h), 1, f);
	fwrite(k->text, 1, h.key_len, f);
	fwrite(k->policy, 1, k->policy_len, f);
	fwrite(s->prog, sizeof(struct sock_filter), s->len, f);
	if (!same)
		fwrite(s->shadow, sizeof(struct sock_filter), s->shadow_len, f);
	bool bad = ferror(f) != 0;
	if (fclose(f) != 0 || bad || rename(tmp, path) < 0) {
		unlink(tmp);
		return -EIO;
	}
	remove_stale_entries(dir);
	return 0;
}

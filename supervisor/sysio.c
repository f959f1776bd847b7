/* SPDX-License-Identifier: Apache-2.0 */
#include "sysio.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <link.h>
#include <linux/openat2.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "util.h"

#ifndef MADV_POPULATE_READ
#define MADV_POPULATE_READ 22
#endif

/* The first object dl_iterate_phdr reports is the program itself. */
static int prefault_program(struct dl_phdr_info *info, size_t size, void *data)
{
	(void)size;
	(void)data;
	uintptr_t page = (uintptr_t)sysconf(_SC_PAGESIZE);
	for (int i = 0; i < info->dlpi_phnum; i++) {
		const ElfW(Phdr) *ph = &info->dlpi_phdr[i];
		if (ph->p_type != PT_LOAD || (ph->p_flags & PF_W) || !ph->p_filesz)
			continue;
		uintptr_t start = (info->dlpi_addr + ph->p_vaddr) & ~(page - 1);
		uintptr_t end = (info->dlpi_addr + ph->p_vaddr + ph->p_filesz + page - 1) & ~(page - 1);
		(void)madvise((void *)start, end - start, MADV_POPULATE_READ);
	}
	return 1;
}

void sysio_prefault_code(void)
{
	(void)dl_iterate_phdr(prefault_program, NULL);
}

static int fail(struct tj_error *err, int e, bool with_errno, const char *what,
		const char *path, const char *why)
{
	if (!err)
		return -e;
	if (with_errno)
		return tj_error_set(err, e, "%s %s%s%s", what, path, why ? ": " : "", why ? why : "");
	return tj_error_setx(err, e, "%s %s: %s", what, path, why);
}

static const char *file_kind(mode_t m)
{
	return S_ISDIR(m) ? "a directory" : S_ISFIFO(m) ? "a pipe" : S_ISCHR(m) ? "a character device" :
	       S_ISBLK(m) ? "a block device" : S_ISSOCK(m) ? "a socket" : "not a regular file";
}

/* Reads until EOF, at most max bytes: a pipe has no size to check first.
 * hint: the size fstat gave (0 for a pipe): the buffer starts that large,
 * so a file that does not change is read in one read and one at EOF, into
 * one allocation (growing from 4 KiB took five reads and three reallocs
 * for the default policy's 24 KB cache entry, each a new stretch of heap
 * to fault in). A file that grows meanwhile still grows the buffer. */
static int read_all(int fd, const char *what, const char *path, size_t max, size_t hint,
		    char **out, size_t *len, struct tj_error *err)
{
	size_t cap = hint < 4094 ? 4096 : (hint > max ? max : hint) + 2, got = 0;
	char *buf = malloc(cap);
	if (!buf)
		return fail(err, ENOMEM, true, what, path, NULL);
	for (;;) {
		if (got == cap - 1) {
			if (cap > max + 1) {
				free(buf);
				char why[64];
				snprintf(why, sizeof(why), "too large (more than %zu bytes)", max);
				return fail(err, EFBIG, false, what, path, why);
			}
			char *n = realloc(buf, cap * 2);
			if (!n) {
				free(buf);
				return fail(err, ENOMEM, true, what, path, NULL);
			}
			buf = n;
			cap *= 2;
		}
		ssize_t n = read(fd, buf + got, cap - 1 - got);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			int e = errno;
			free(buf);
			return fail(err, e, true, what, path, "read");
		}
		if (n == 0)
			break;
		got += (size_t)n;
	}
	if (got > max) {
		free(buf);
		char why[64];
		snprintf(why, sizeof(why), "too large (more than %zu bytes)", max);
		return fail(err, EFBIG, false, what, path, why);
	}
	buf[got] = '\0';
	*out = buf;
	*len = got;
	return 0;
}

int sysio_read_fd(int fd, const char *what, const char *path, size_t max, char **out,
		  size_t *len, struct tj_error *err)
{
	struct stat st;
	if (fstat(fd, &st) < 0)
		return fail(err, errno, true, what, path, "stat");
	if (!S_ISREG(st.st_mode)) {
		char why[96];
		/* Callers that take pipes use sysio_read_file_or_pipe(). */
		snprintf(why, sizeof(why), "not a regular file (%s%s)", file_kind(st.st_mode),
			 S_ISFIFO(st.st_mode) ? ": it is read more than once; write it to a file" : "");
		return fail(err, EINVAL, false, what, path, why);
	}
	if ((uint64_t)st.st_size > max) {
		char why[64];
		snprintf(why, sizeof(why), "too large (more than %zu bytes)", max);
		return fail(err, EFBIG, false, what, path, why);
	}
	return read_all(fd, what, path, max, (size_t)st.st_size, out, len, err);
}

int sysio_read_file(const char *what, const char *path, size_t max, char **buf,
		    size_t *len, struct tj_error *err)
{
	/* O_NONBLOCK: opening a FIFO here must not wait for a writer (it is
	 * refused as not a regular file right after); a regular file reads
	 * the same. */
	_cleanup_close_ int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
	if (fd < 0)
		return fail(err, errno, true, what, path, NULL);
	return sysio_read_fd(fd, what, path, max, buf, len, err);
}

int sysio_read_file_or_pipe(const char *what, const char *path, size_t max, char **buf,
			    size_t *len, struct tj_error *err)
{
	_cleanup_close_ int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
	if (fd < 0)
		return fail(err, errno, true, what, path, NULL);
	struct stat st;
	if (fstat(fd, &st) < 0)
		return fail(err, errno, true, what, path, "stat");
	if (S_ISFIFO(st.st_mode))
		return read_all(fd, what, path, max, 0, buf, len, err);
	return sysio_read_fd(fd, what, path, max, buf, len, err);
}

int sysio_close_fds_except(const int *keep, size_t n)
{
	unsigned from = 3;
	for (;;) {
		/* the lowest kept fd at or above `from` */
		unsigned next = ~0U;
		for (size_t i = 0; i < n; i++)
			if (keep[i] >= 0 && (unsigned)keep[i] >= from && (unsigned)keep[i] < next)
				next = (unsigned)keep[i];
		if (next == ~0U)
			return syscall(SYS_close_range, from, ~0U, 0) < 0 ? -errno : 0;
		if (next > from && syscall(SYS_close_range, from, next - 1, 0) < 0)
			return -errno;
		from = next + 1;
	}
}

int sysio_open_trusted(const char *path, int extra_flags, char *bad, size_t bad_size,
		       unsigned *bad_uid)
{
	struct open_how how = { .flags = (uint64_t)(O_PATH | O_CLOEXEC | extra_flags),
				.resolve = RESOLVE_NO_SYMLINKS };
	int fd = (int)syscall(SYS_openat2, AT_FDCWD, path, &how, sizeof(how));
	if (fd >= 0)
		return fd;
	if (errno != ELOOP)
		return -errno;
	/* Symlinks on the way: each must be root's. lstat() of every prefix
	 * looks at its last component as the kernel's walk meets it. Inside
	 * the sandbox's user namespace (init clones the binds there) host root
	 * is unmapped and shows as the overflow uid, as "/" does: that owner
	 * counts as root's; the sandbox's own uid, mapped, never does. */
	struct stat rootst;
	uid_t root_here = stat("/", &rootst) == 0 ? rootst.st_uid : 0;
	char buf[PATH_MAX];
	size_t len = strlen(path);
	if (len >= sizeof(buf))
		return -ENAMETOOLONG;
	memcpy(buf, path, len + 1);
	for (size_t i = 1; i <= len; i++) {
		if (buf[i] != '/' && buf[i] != '\0')
			continue;
		char c = buf[i];
		buf[i] = '\0';
		struct stat st;
		if (lstat(buf, &st) == 0 && S_ISLNK(st.st_mode) && st.st_uid != 0 && st.st_uid != root_here) {
			snprintf(bad, bad_size, "%s", buf);
			*bad_uid = st.st_uid;
			return -EPERM;
		}
		buf[i] = c;
	}
	/* Then the resolved path, with no symlink at all: one swapped in
	 * after the check above fails here (ELOOP) rather than being followed. */
	char *real = realpath(path, NULL);
	if (!real)
		return -errno;
	fd = (int)syscall(SYS_openat2, AT_FDCWD, real, &how, sizeof(how));
	int e = errno;
	free(real);
	return fd >= 0 ? fd : -e;
}

/* mountinfo escapes space, tab, newline and backslash as \ooo. */
static void unescape_octal(char *s)
{
	char *o = s;
	for (char *i = s; *i; i++) {
		if (i[0] == '\\' && i[1] >= '0' && i[1] <= '3' && i[2] >= '0' && i[2] <= '7' && i[3] >= '0' &&
		    i[3] <= '7') {
			*o++ = (char)((i[1] - '0') * 64 + (i[2] - '0') * 8 + (i[3] - '0'));
			i += 3;
		} else {
			*o++ = *i;
		}
	}
	*o = '\0';
}

/* The next space-separated field of *s, NUL-terminated in place. */
static char *field(char **s)
{
	char *f = *s;
	if (!f || !*f)
		return NULL;
	char *sp = strchr(f, ' ');
	if (sp) {
		*sp = '\0';
		*s = sp + 1;
	} else {
		*s = NULL;
	}
	return f;
}

bool sysio_mountinfo_line(char *line, struct sysio_mnt *m)
{
	/* Escaped names hold no space, so " - " is the separator only. */
	char *sep = strstr(line, " - ");
	if (!sep)
		return false;
	*sep = '\0';
	char *rest = sep + 3, *nl = strchr(rest, '\n');
	if (nl)
		*nl = '\0';
	char *id = field(&line), *parent = field(&line);
	(void)field(&line); /* maj:min */
	(void)field(&line); /* root */
	char *where = field(&line), *type = field(&rest);
	char *e1, *e2;
	if (!id || !parent || !where || !type)
		return false;
	long a = strtol(id, &e1, 10), b = strtol(parent, &e2, 10);
	if (*e1 || *e2 || e1 == id || e2 == parent || a < 0 || b < 0 || a > INT32_MAX || b > INT32_MAX)
		return false;
	unescape_octal(where);
	*m = (struct sysio_mnt){ .id = (int)a, .parent = (int)b, .where = where, .fstype = type };
	return true;
}

/* Whether path, or a directory above it, is the inode (dev, ino). */
static bool under_inode(const char *path, dev_t dev, ino_t ino)
{
	char buf[PATH_MAX];
	if (snprintf(buf, sizeof(buf), "%s", path) >= (int)sizeof(buf))
		return true; /* cannot look: err on refusing */
	for (;;) {
		struct stat st;
		if (stat(buf[0] ? buf : "/", &st) == 0 && st.st_dev == dev && st.st_ino == ino)
			return true;
		char *slash = strrchr(buf, '/');
		if (!slash || !buf[0])
			return false;
		*slash = '\0';
	}
}

int sysio_procfs_below(const char *dir, dev_t dev, ino_t ino, char *where, size_t size)
{
	FILE *f = fopen("/proc/self/mountinfo", "re");
	if (!f)
		return -errno;
	size_t dl = strlen(dir);
	while (dl > 1 && dir[dl - 1] == '/')
		dl--;
	char *line = NULL;
	size_t len = 0;
	int r = 0;
	struct sysio_mnt m;
	while (r == 0 && getline(&line, &len, f) > 0) {
		if (!sysio_mountinfo_line(line, &m) || strcmp(m.fstype, "proc") != 0)
			continue;
		/* By name, and by inode: the same directory bound at a second
		 * path carries what is mounted below it there too. */
		if ((strncmp(m.where, dir, dl) == 0 && (m.where[dl] == '\0' || m.where[dl] == '/' || dl == 1)) ||
		    under_inode(m.where, dev, ino)) {
			snprintf(where, size, "%s", m.where);
			r = 1;
		}
	}
	int e = ferror(f) ? EIO : 0;
	free(line);
	fclose(f);
	return e ? -e : r;
}

/* SPDX-License-Identifier: Apache-2.0 */
/* Side effects that need no config (minijail's system.c): file reading. */
#pragma once
#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "error.h"

/* Reads a whole regular file of at most max bytes into a malloc'd,
 * NUL-terminated buffer (*len excludes the NUL). Errors say
 * "<what> <path>: <why>". With err == NULL, only the -errno is returned. */
int sysio_read_file(const char *what, const char *path, size_t max, char **buf,
		    size_t *len, struct tj_error *err);

/* The same, and also a pipe (a FIFO, --profile <(...), /dev/stdin on a
 * pipe), read once to EOF. For files read once only: the policy is not
 * one without a filter cache (read for the cache's key and again to parse
 * it; with a cache, its key's bytes are parsed). */
int sysio_read_file_or_pipe(const char *what, const char *path, size_t max, char **buf,
			    size_t *len, struct tj_error *err);

/* The same on an open fd (path is for messages only). */
int sysio_read_fd(int fd, const char *what, const char *path, size_t max, char **buf,
		  size_t *len, struct tj_error *err);

/* Maps the program's read-only segments (code, constants) into this
 * process's page tables in one call (MADV_POPULATE_READ, Linux 5.14+; best
 * effort: older kernels say EINVAL). A fork copies no page table entries
 * of file-backed code, so a new process faults its code in again, 64 KiB
 * at a time. */
void sysio_prefault_code(void);

/* Closes every fd from 3 up except the n in keep (any order; entries < 3
 * are ignored). Async-signal-safe. Returns 0 or -errno. */
int sysio_close_fds_except(const int *keep, size_t n);

/* Opens a host path the configuration names (a bind source) as
 * O_PATH | extra_flags, following only symlinks owned by root: a sandboxed
 * task can plant a symlink between runs wherever it may write (a
 * read-write bind, as the caller's uid or the host uid), never one owned
 * by root, and a planted one would bind whatever host path it names.
 * Returns the fd or -errno: -EPERM when a symlink on the way is not
 * root's, its path in bad (and its owner in *bad_uid). */
int sysio_open_trusted(const char *path, int extra_flags, char *bad, size_t bad_size,
		       unsigned *bad_uid);

/* One line of /proc/self/mountinfo ("36 35 98:0 /root /mnt\\040x rw,... -
 * fstype source opts"), split in place: where (the mount point, \ooo
 * escapes undone) and fstype point into it. false: not such a line. */
struct sysio_mnt {
	int id, parent;
	const char *where, *fstype;
};
bool sysio_mountinfo_line(char *line, struct sysio_mnt *m);

/* Whether a procfs is mounted at or below dir (an absolute path without
 * symlinks, whose inode is dev/ino) in this mount namespace, by
 * /proc/self/mountinfo: below its path, or below any other path of the
 * same directory (a second bind of it). Mounts a later mount hides count
 * too: it errs on refusing. 1 with the first such mount point in where,
 * 0 none, -errno. */
int sysio_procfs_below(const char *dir, dev_t dev, ino_t ino, char *where, size_t size);

/* SPDX-License-Identifier: Apache-2.0 */
/* Pure helpers: no side effects beyond memory, safe to unit-test. */
#pragma once
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <unistd.h>

static inline void freep(void *p) { free(*(void **)p); }
static inline void closep(int *fd)
{
	if (*fd >= 0)
		close(*fd);
}
#define _cleanup_free_ __attribute__((cleanup(freep)))
#define _cleanup_close_ __attribute__((cleanup(closep)))

/* Returns the value of *p and sets *p to NULL (ownership transfer). */
#define steal_pointer(pp) \
	({ __typeof__(*(pp)) _p = *(pp); *(pp) = NULL; _p; })
static inline int steal_fd(int *fd)
{
	int r = *fd;
	*fd = -1;
	return r;
}

#define ELEMENTSOF(a) (sizeof(a) / sizeof((a)[0]))

/* Frees a string vector: its first n strings (util_strv_free_n), or up to
 * its NULL (util_strv_free); NULL is fine for both. */
void util_strv_free_n(char **v, size_t n);
void util_strv_free(char **v);

/* "64M", "1g", "4096", "512k" -> bytes. Suffixes k/m/g/t (binary), optional
 * trailing "i"/"iB"/"B". Returns 0 or -EINVAL/-ERANGE. Zero is rejected. */
int util_parse_size(const char *s, uint64_t *out);

/* Why util_parse_size(s) returned r < 0, for "'S' <why>" messages. */
const char *util_parse_size_why(const char *s, int r);

/* Decimal unsigned integer in [min, max]. Returns 0 or -EINVAL/-ERANGE. */
int util_parse_uint(const char *s, uint64_t min, uint64_t max, uint64_t *out);

/* A decimal with at most 3 places -> thousandths ("1.5" -> 1500): seconds
 * to milliseconds, CPUs to thousandths of a CPU. At most max_milli; zero
 * is rejected. Returns 0 or -EINVAL/-ERANGE. */
int util_parse_milli(const char *s, uint64_t max_milli, uint64_t *out_milli);

/* Maps a wait(2) status to a shell-style exit code: the exit code, or
 * 128+signal. */
int util_exit_code_from_wait_status(int wstatus);

/* Maps an execve errno to 126/127 as env(1) does. */
int util_exit_code_from_exec_errno(int err);

/* True when name is a valid environment variable name: [A-Za-z_][A-Za-z0-9_]* */
bool util_env_name_valid(const char *name, size_t len);

/* Splits "SRC[:DST]" into two malloc'd strings; DST defaults to SRC. Both
 * must be absolute. Returns 0 or -EINVAL / -ENOMEM. */
int util_split_bind(const char *spec, char **src, char **dst);

/* Lexically normalises an absolute path inside the sandbox: repeated '/'
 * and "." go, ".." removes the component before it. Returns a malloc'd
 * path in *out, or -EINVAL (not absolute), -EXDEV (a ".." climbs above
 * "/": the path names a place outside the new root, which would be created
 * on the host while the root is assembled), -ENOMEM. */
int util_sandbox_path_normalize(const char *path, char **out);

/* Appends a JSON-escaped copy of s to buf (bounded); returns bytes written
 * excluding the terminator, truncating safely. */
size_t util_json_escape(char *buf, size_t size, const char *s);

/* Monotonic time in nanoseconds. */
uint64_t util_now_ns(void);

static inline bool isalnum_ascii(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

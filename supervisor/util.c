/* SPDX-License-Identifier: Apache-2.0 */
#include "util.h"

#include <ctype.h>
#include <errno.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>

int util_parse_uint(const char *s, uint64_t min, uint64_t max, uint64_t *out)
{
	if (!s || !*s)
		return -EINVAL;
	uint64_t v = 0;
	for (const char *p = s; *p; p++) {
		if (*p < '0' || *p > '9')
			return -EINVAL;
		unsigned d = (unsigned)(*p - '0');
		if (v > (UINT64_MAX - d) / 10)
			return -ERANGE;
		v = v * 10 + d;
	}
	if (v < min || v > max)
		return -ERANGE;
	*out = v;
	return 0;
}

int util_parse_milli(const char *s, uint64_t max_ms, uint64_t *out_ms)
{
	if (!s || !*s || *s == '.')
		return -EINVAL;
	uint64_t ms = 0;
	const char *p = s;
	for (; *p >= '0' && *p <= '9'; p++) {
		if (ms > max_ms)
			return -ERANGE;
		ms = ms * 10 + (uint64_t)(*p - '0');
	}
	ms *= 1000;
	if (*p == '.') {
		uint64_t scale = 100;
		if (!*++p)
			return -EINVAL;
		for (; *p >= '0' && *p <= '9'; p++, scale /= 10) {
			if (!scale)
				return -EINVAL; /* finer than a millisecond */
			ms += scale * (uint64_t)(*p - '0');
		}
	}
	if (*p)
		return -EINVAL;
	if (ms == 0 || ms > max_ms)
		return -ERANGE;
	*out_ms = ms;
	return 0;
}

int util_parse_size(const char *s, uint64_t *out)
{
	if (!s || !*s)
		return -EINVAL;
	uint64_t v = 0;
	const char *p = s;
	if (!isdigit((unsigned char)*p))
		return -EINVAL;
	for (; isdigit((unsigned char)*p); p++) {
		unsigned d = (unsigned)(*p - '0');
		if (v > (UINT64_MAX - d) / 10)
			return -ERANGE;
		v = v * 10 + d;
	}
	unsigned shift = 0;
	switch (tolower((unsigned char)*p)) {
	case '\0': break;
	case 'k': shift = 10; p++; break;
	case 'm': shift = 20; p++; break;
	case 'g': shift = 30; p++; break;
	case 't': shift = 40; p++; break;
	case 'b': break;
	default: return -EINVAL;
	}
	/* Accept "M", "Mi", "MiB", "MB" and a bare "B" (all binary units). */
	if (shift && (*p == 'i' || *p == 'I'))
		p++;
	if (*p == 'b' || *p == 'B')
		p++;
	if (*p)
		return -EINVAL;
	if (shift && v > (UINT64_MAX >> shift))
		return -ERANGE;
	v <<= shift;
	if (v == 0)
		return -ERANGE;
	*out = v;
	return 0;
}

const char *util_parse_size_why(const char *s, int r)
{
	if (r != -ERANGE)
		return "is not a size (e.g. 64M, 1G)";
	while (*s == '0')
		s++;
	return isdigit((unsigned char)*s) ? "is above the maximum, 16777215T" : "is zero";
}

int util_exit_code_from_wait_status(int wstatus)
{
	if (WIFEXITED(wstatus))
		return WEXITSTATUS(wstatus);
	if (WIFSIGNALED(wstatus))
		return 128 + WTERMSIG(wstatus);
	return 125;
}

int util_exit_code_from_exec_errno(int err)
{
	return err == ENOENT || err == ENOTDIR ? 127 : 126;
}

bool util_env_name_valid(const char *name, size_t len)
{
	if (len == 0 || !(isalpha((unsigned char)name[0]) || name[0] == '_'))
		return false;
	for (size_t i = 1; i < len; i++)
		if (!(isalnum((unsigned char)name[i]) || name[i] == '_'))
			return false;
	return true;
}

int util_split_bind(const char *spec, char **src, char **dst)
{
	const char *colon = strchr(spec, ':');
	size_t slen = colon ? (size_t)(colon - spec) : strlen(spec);
	const char *d = colon ? colon + 1 : spec;

	if (slen == 0 || spec[0] != '/' || d[0] != '/')
		return -EINVAL;
	if (colon && strchr(d, ':'))
		return -EINVAL;
	*src = strndup(spec, slen);
	*dst = strdup(d);
	if (!*src || !*dst) {
		free(*src);
		free(*dst);
		*src = *dst = NULL;
		return -ENOMEM;
	}
	return 0;
}

int util_sandbox_path_normalize(const char *path, char **out)
{
	*out = NULL;
	if (path[0] != '/')
		return -EINVAL;
	size_t len = strlen(path);
	char *n = malloc(len + 2);
	if (!n)
		return -ENOMEM;
	size_t o = 0; /* n[0..o) is the normalised prefix, without a trailing '/' */
	for (const char *p = path; *p;) {
		while (*p == '/')
			p++;
		const char *c = p;
		while (*p && *p != '/')
			p++;
		size_t clen = (size_t)(p - c);
		if (clen == 0 || (clen == 1 && c[0] == '.'))
			continue;
		if (clen == 2 && c[0] == '.' && c[1] == '.') {
			if (o == 0) {
				free(n);
				return -EXDEV;
			}
			while (o > 0 && n[o - 1] != '/')
				o--;
			o--; /* the '/' before the removed component */
			continue;
		}
		n[o++] = '/';
		memcpy(n + o, c, clen);
		o += clen;
	}
	if (o == 0)
		n[o++] = '/';
	n[o] = '\0';
	*out = n;
	return 0;
}

/* Length of the valid UTF-8 sequence at s (1-4), or 0 when the bytes there
 * are not one (bad lead byte, missing or bad continuation, overlong form,
 * surrogate, above U+10FFFF). */
static size_t utf8_seq_len(const unsigned char *s)
{
	unsigned c = s[0];
	size_t n;
	unsigned min, cp;
	if (c < 0x80)
		return 1;
	if (c >= 0xc2 && c <= 0xdf) {
		n = 2; cp = c & 0x1f; min = 0x80;
	} else if (c >= 0xe0 && c <= 0xef) {
		n = 3; cp = c & 0x0f; min = 0x800;
	} else if (c >= 0xf0 && c <= 0xf4) {
		n = 4; cp = c & 0x07; min = 0x10000;
	} else {
		return 0;
	}
	for (size_t i = 1; i < n; i++) {
		if ((s[i] & 0xc0) != 0x80) /* also stops at the terminating NUL */
			return 0;
		cp = (cp << 6) | (s[i] & 0x3f);
	}
	if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
		return 0;
	return n;
}

size_t util_json_escape(char *buf, size_t size, const char *s)
{
	static const char hex[] = "0123456789abcdef";
	size_t n = 0;
	if (size == 0)
		return 0;
	while (s && *s) {
		const unsigned char *u = (const unsigned char *)s;
		unsigned char c = u[0];
		char tmp[8];
		size_t tl, used = 1;
		if (c == '"' || c == '\\') {
			tmp[0] = '\\'; tmp[1] = (char)c; tl = 2;
		} else if (c == '\n') {
			tmp[0] = '\\'; tmp[1] = 'n'; tl = 2;
		} else if (c == '\t') {
			tmp[0] = '\\'; tmp[1] = 't'; tl = 2;
		} else if (c < 0x20 || c == 0x7f) {
			tmp[0] = '\\'; tmp[1] = 'u'; tmp[2] = '0'; tmp[3] = '0';
			tmp[4] = hex[c >> 4]; tmp[5] = hex[c & 15]; tl = 6;
		} else if (c < 0x80) {
			tmp[0] = (char)c; tl = 1;
		} else if ((used = utf8_seq_len(u)) > 0) {
			memcpy(tmp, u, used); /* a whole character, never cut */
			tl = used;
		} else {
			/* Not UTF-8 (paths are bytes): JSON text must be, so the
			 * byte is written as the code point of the same value,
			 * which a reader can tell from valid input only by
			 * context. Every line stays parseable. */
			tmp[0] = '\\'; tmp[1] = 'u'; tmp[2] = '0'; tmp[3] = '0';
			tmp[4] = hex[c >> 4]; tmp[5] = hex[c & 15]; tl = 6;
			used = 1;
		}
		if (n + tl >= size)
			break;
		memcpy(buf + n, tmp, tl);
		n += tl;
		s += used;
	}
	buf[n] = '\0';
	return n;
}

uint64_t util_now_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

void util_strv_free_n(char **v, size_t n)
{
	for (size_t i = 0; v && i < n; i++)
		free(v[i]);
	free(v);
}

void util_strv_free(char **v)
{
	size_t n = 0;
	while (v && v[n])
		n++;
	util_strv_free_n(v, n);
}

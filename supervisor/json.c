/* SPDX-License-Identifier: Apache-2.0 */
#include "json.h"

#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"

static void line_col(const char *json, size_t len, size_t off, int *line, int *col)
{
	*line = 1;
	*col = 1;
	for (size_t i = 0; i < off && i < len; i++) {
		if (json[i] == '\n') {
			(*line)++;
			*col = 1;
		} else {
			(*col)++;
		}
	}
}

static int cmp_names(const void *a, const void *b)
{
	return strcmp((*(const cJSON *const *)a)->string, (*(const cJSON *const *)b)->string);
}

/* path holds the JSON path of v ("$", "$.a[2]"); returns 1 and the path of
 * the first repeated key found (in sorted order) in path, 0, or -ENOMEM.
 * Sorting keeps an object of n keys at n log n: a 1 MiB file can hold
 * 100000 of them. Recursion is bounded by cJSON's nesting limit. */
static int find_duplicate(const cJSON *v, char *path, size_t size)
{
	size_t plen = strlen(path);
	size_t n = 0;
	const cJSON *c;
	cJSON_ArrayForEach(c, v)
		n++;
	if (cJSON_IsObject(v) && n > 1) {
		_cleanup_free_ const cJSON **kids = calloc(n, sizeof(*kids));
		if (!kids)
			return -ENOMEM;
		size_t i = 0;
		cJSON_ArrayForEach(c, v)
			kids[i++] = c;
		qsort(kids, n, sizeof(*kids), cmp_names);
		for (i = 1; i < n; i++) {
			if (strcmp(kids[i - 1]->string, kids[i]->string) == 0) {
				snprintf(path + plen, size - plen, ".%s", kids[i]->string);
				return 1;
			}
		}
	}
	size_t i = 0;
	cJSON_ArrayForEach(c, v) {
		if (cJSON_IsObject(c) || cJSON_IsArray(c)) {
			if (cJSON_IsObject(v))
				snprintf(path + plen, size - plen, ".%s", c->string);
			else
				snprintf(path + plen, size - plen, "[%zu]", i);
			int r = find_duplicate(c, path, size);
			if (r != 0)
				return r;
			path[plen] = '\0';
		}
		i++;
	}
	return 0;
}

/* Offset of the first "\u0000" escape inside a string of the text, or
 * -1. cJSON decodes it into a NUL that silently ends the C string: the key
 * "net\u0000x" would be read as "net", a value "none\u0000y" as "none",
 * so taskjail would read a file differently from every other reader. */
static ssize_t find_nul_escape(const char *json, size_t len)
{
	bool in_str = false;
	for (size_t i = 0; i < len; i++) {
		if (json[i] == '"') {
			in_str = !in_str;
		} else if (in_str && json[i] == '\\' && i + 1 < len) {
			if (json[i + 1] == 'u' && i + 5 < len && strncmp(json + i + 2, "0000", 4) == 0)
				return (ssize_t)i;
			i++; /* the escaped character */
		}
	}
	return -1;
}

int json_parse_strict(const char *json, size_t len, const char *what, const char *file,
		      cJSON **out, struct tj_error *err)
{
	int line, col;
	const char *end = NULL;
	*out = NULL;
	ssize_t nul = find_nul_escape(json, len);
	if (nul >= 0) {
		line_col(json, len, (size_t)nul, &line, &col);
		return tj_error_setx(err, EINVAL, "%s %s: \"\\u0000\" in a string at line %d, column %d "
				     "(a NUL byte cannot be part of a name or a value)", what, file, line, col);
	}
	cJSON *root = cJSON_ParseWithLengthOpts(json, len, &end, 0);
	if (!root) {
		/* cJSON reports where it stopped; turn it into line:column. */
		line_col(json, len, end && end >= json ? (size_t)(end - json) : 0, &line, &col);
		return tj_error_setx(err, EINVAL, "%s %s: invalid JSON near line %d, column %d",
				     what, file, line, col);
	}
	size_t off = end && end >= json ? (size_t)(end - json) : len;
	while (off < len && (json[off] == ' ' || json[off] == '\t' || json[off] == '\n' ||
			     json[off] == '\r'))
		off++;
	if (off < len) {
		cJSON_Delete(root);
		line_col(json, len, off, &line, &col);
		return tj_error_setx(err, EINVAL,
				     "%s %s: text after the JSON value at line %d, column %d (one value per file)",
				     what, file, line, col);
	}
	char path[256] = "$";
	int r = find_duplicate(root, path, sizeof(path));
	if (r != 0) {
		cJSON_Delete(root);
		if (r < 0)
			return tj_error_set(err, -r, "%s %s", what, file);
		return tj_error_setx(err, EINVAL, "%s %s: %s: duplicate key (each key may appear once)",
				     what, file, path);
	}
	*out = root;
	return 0;
}

bool json_members_valid(const char *text, size_t len)
{
	_cleanup_free_ char *obj = malloc(len + 3);
	if (!obj)
		return false;
	obj[0] = '{';
	memcpy(obj + 1, text, len);
	obj[len + 1] = '}';
	obj[len + 2] = '\0';
	const char *end = NULL;
	cJSON *root = cJSON_ParseWithLengthOpts(obj, len + 2, &end, 0);
	/* No control byte anywhere: cJSON takes them raw inside strings, the
	 * JSON grammar does not, and a newline would split the line. */
	bool ok = root && cJSON_IsObject(root) && end == obj + len + 2;
	for (size_t i = 0; ok && i < len; i++)
		ok = (unsigned char)text[i] >= 0x20;
	cJSON_Delete(root);
	return ok;
}

/* Bytes of the JSON string character at s (an escape or a UTF-8
 * sequence), never past end. */
static size_t json_char_len(const char *s, const char *end)
{
	size_t n = 1;
	unsigned char c = (unsigned char)*s;
	if (c == '\\')
		n = s + 1 < end && s[1] == 'u' ? 6 : 2;
	else if (c >= 0xf0)
		n = 4;
	else if (c >= 0xe0)
		n = 3;
	else if (c >= 0xc0)
		n = 2;
	return s + n <= end ? n : (size_t)(end - s);
}

#define TRUNC_MARK "...[truncated]"

static size_t shorten_pass(const char *in, size_t len, char *out, size_t max, size_t cap)
{
	const char *p = in, *end = in + len;
	size_t o = 0;
#define PUT(src, n) do { if (o + (n) > max) return 0; memcpy(out + o, (src), (n)); o += (n); } while (0)
	while (p < end) {
		if (*p != '"') {
			PUT(p, 1);
			p++;
			continue;
		}
		const char *a = p + 1, *b = a;
		while (b < end && *b != '"')
			b += json_char_len(b, end);
		const char *after = b < end ? b + 1 : end;
		const char *q = after;
		while (q < end && (*q == ' ' || *q == '\t' || *q == '\n' || *q == '\r'))
			q++;
		bool key = q < end && *q == ':';
		if (key || (size_t)(b - a) <= cap) {
			PUT(p, (size_t)(after - p));
		} else {
			const char *c = a;
			while (c < b) {
				size_t n = json_char_len(c, b);
				if ((size_t)(c + n - a) > cap)
					break;
				c += n;
			}
			PUT("\"", 1);
			PUT(a, (size_t)(c - a));
			PUT(TRUNC_MARK "\"", sizeof(TRUNC_MARK));
		}
		p = after;
	}
#undef PUT
	out[o] = '\0';
	return o;
}

size_t json_shorten_members(const char *in, size_t len, char *out, size_t max)
{
	for (size_t cap = max / 2; cap >= 16; cap /= 2) {
		size_t n = shorten_pass(in, len, out, max, cap);
		if (n)
			return n;
	}
	return 0;
}

/* ---- reading a parsed document ----------------------------------------- */

void json_reader_init(struct json_reader *p, const char *what, const char *file,
		      struct tj_error *err)
{
	p->what = what;
	p->file = file;
	p->err = err;
	strcpy(p->path, "$");
}

void json_reader_bare(struct json_reader *p)
{
	p->path[0] = '\0';
}

size_t json_push_key(struct json_reader *p, const char *key)
{
	size_t old = strlen(p->path);
	snprintf(p->path + old, sizeof(p->path) - old, "%s%s", old ? "." : "", key);
	return old;
}

size_t json_push_idx(struct json_reader *p, size_t i)
{
	size_t old = strlen(p->path);
	snprintf(p->path + old, sizeof(p->path) - old, "[%zu]", i);
	return old;
}

void json_pop(struct json_reader *p, size_t old)
{
	p->path[old] = '\0';
}

static int vfail(struct json_reader *p, const char *fmt, va_list ap)
{
	char why[512];
	vsnprintf(why, sizeof(why), fmt, ap);
	return tj_error_setx(p->err, EINVAL, "%s %s: %s: %s", p->what, p->file,
			     p->path[0] ? p->path : "(top level)", why);
}

int json_fail(struct json_reader *p, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int r = vfail(p, fmt, ap);
	va_end(ap);
	return r;
}

int json_fail_key(struct json_reader *p, const char *key, const char *fmt, ...)
{
	size_t old = json_push_key(p, key);
	va_list ap;
	va_start(ap, fmt);
	int r = vfail(p, fmt, ap);
	va_end(ap);
	json_pop(p, old);
	return r;
}

int json_oom(struct json_reader *p)
{
	return tj_error_set(p->err, ENOMEM, "%s %s", p->what, p->file);
}

const char *json_type_name(const cJSON *j)
{
	if (cJSON_IsObject(j))
		return "an object";
	if (cJSON_IsArray(j))
		return "an array";
	if (cJSON_IsString(j))
		return "a string";
	if (cJSON_IsNumber(j))
		return "a number";
	if (cJSON_IsBool(j))
		return "a boolean";
	if (cJSON_IsNull(j))
		return "null";
	return "invalid";
}

int json_check_keys(struct json_reader *p, const cJSON *obj, const char *const *known)
{
	const cJSON *it;
	cJSON_ArrayForEach(it, obj) {
		bool ok = false;
		for (size_t i = 0; known[i]; i++)
			ok |= strcmp(known[i], it->string) == 0;
		if (!ok)
			return json_fail_key(p, it->string, "unknown key");
	}
	return 0;
}

int json_get_string(struct json_reader *p, const cJSON *j, char **out)
{
	if (!cJSON_IsString(j))
		return json_fail(p, "expected a string");
	char *s = strdup(j->valuestring);
	if (!s)
		return json_oom(p);
	free(*out);
	*out = s;
	return 0;
}

int json_get_abs_path(struct json_reader *p, const cJSON *j, char **out)
{
	int r = json_get_string(p, j, out);
	if (r == 0 && (*out)[0] != '/')
		return json_fail(p, "'%s' is not an absolute path", *out);
	return r;
}

int json_get_bool(struct json_reader *p, const cJSON *j, bool *out)
{
	if (!cJSON_IsBool(j))
		return json_fail(p, "expected true or false");
	*out = cJSON_IsTrue(j);
	return 0;
}

/* Whole number test without libm: values beyond +-2^62 are rejected by
 * the callers' range checks anyway. */
static bool is_integral(double d)
{
	return d > -4611686018427387904.0 && d < 4611686018427387904.0 &&
	       d == (double)(int64_t)d;
}

int json_get_u64(struct json_reader *p, const cJSON *j, uint64_t max, uint64_t *out)
{
	if (!cJSON_IsNumber(j))
		return json_fail(p, "must be a number, not %s", json_type_name(j));
	double d = j->valuedouble;
	if (d != d || d < 0 || (d <= 9007199254740992.0 && !is_integral(d)))
		return json_fail(p, "must be a non-negative integer");
	/* cJSON keeps numbers as doubles: above 2^53 the value we would
	 * compare against is not the one written. Refuse rather than guess. */
	if (d > 9007199254740992.0)
		return json_fail(p, "%.0f is above 2^53 and cannot be read exactly", d);
	if ((uint64_t)d > max)
		return json_fail(p, "%.0f is out of range (max %llu)", d, (unsigned long long)max);
	*out = (uint64_t)d;
	return 0;
}

int json_get_strv(struct json_reader *p, const cJSON *j, bool allow_empty,
		  bool (*valid)(const char *s), const char *why, char ***out, size_t *n_out)
{
	if (!j || cJSON_IsNull(j)) {
		if (!allow_empty)
			return json_fail(p, "must be a non-empty array of strings");
		return 0;
	}
	if (!cJSON_IsArray(j))
		return json_fail(p, "must be an array of strings, not %s", json_type_name(j));
	size_t n = (size_t)cJSON_GetArraySize(j);
	if (n == 0 && !allow_empty)
		return json_fail(p, "must not be empty");
	char **v = calloc(n + 1, sizeof(*v));
	if (!v)
		return json_oom(p);
	size_t i = 0;
	const cJSON *it;
	cJSON_ArrayForEach(it, j) {
		int r = 0;
		size_t o = json_push_idx(p, i);
		if (!cJSON_IsString(it) || !it->valuestring[0])
			r = json_fail(p, "must be a non-empty string, not %s",
				      cJSON_IsString(it) ? "\"\"" : json_type_name(it));
		else if (valid && !valid(it->valuestring))
			r = json_fail(p, "'%s' is not %s", it->valuestring, why);
		else if (!(v[i] = strdup(it->valuestring)))
			r = json_oom(p);
		json_pop(p, o);
		if (r < 0) {
			util_strv_free_n(v, i);
			return r;
		}
		i++;
	}
	*out = v;
	*n_out = n;
	return 0;
}

int json_each(struct json_reader *p, const cJSON *j,
	      int (*read)(struct json_reader *p, const cJSON *e, size_t i, void *ctx), void *ctx)
{
	if (!cJSON_IsArray(j))
		return json_fail(p, "must be an array, not %s", json_type_name(j));
	size_t i = 0;
	const cJSON *e;
	cJSON_ArrayForEach(e, j) {
		size_t o = json_push_idx(p, i);
		int r = read(p, e, i++, ctx);
		json_pop(p, o);
		if (r < 0)
			return r;
	}
	return 0;
}

int json_key_strv(struct json_reader *p, const cJSON *obj, const char *key, char ***out,
		  size_t *n_out)
{
	const cJSON *it = cJSON_GetObjectItemCaseSensitive(obj, key);
	if (!it)
		return 0;
	size_t o = json_push_key(p, key);
	int r = json_get_strv(p, it, true, NULL, NULL, out, n_out);
	json_pop(p, o);
	return r;
}

int json_key_each(struct json_reader *p, const cJSON *obj, const char *key,
		  int (*read)(struct json_reader *p, const cJSON *e, size_t i, void *ctx), void *ctx)
{
	const cJSON *it = cJSON_GetObjectItemCaseSensitive(obj, key);
	if (!it || cJSON_IsNull(it))
		return 0;
	size_t o = json_push_key(p, key);
	int r = json_each(p, it, read, ctx);
	json_pop(p, o);
	return r;
}

size_t json_array_len(const cJSON *obj, const char *key)
{
	const cJSON *it = cJSON_GetObjectItemCaseSensitive(obj, key);
	return cJSON_IsArray(it) ? (size_t)cJSON_GetArraySize(it) : 0;
}

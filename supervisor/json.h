/* SPDX-License-Identifier: Apache-2.0 */
/* Strict JSON reading for every file taskjail takes (profiles, policies,
 * n8n's launcher file). cJSON alone accepts text after the value and keeps
 * every copy of a repeated key, while lookups return the first: a profile
 * with "net": "none" ... "net": "host" would read differently to a person
 * and to the parser that acts on it. */
#pragma once
#include <cjson/cJSON.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "error.h"

/* Parses json[0..len) into *out. On failure returns -EINVAL (or -ENOMEM)
 * with a message "<what> <file>: ..." naming the line and column of a
 * syntax error or of text after the value, or the JSON path of a repeated
 * key ("$.env.FOO"). */
int json_parse_strict(const char *json, size_t len, const char *what, const char *file,
		      cJSON **out, struct tj_error *err);

/* True when text[0..len) is the members of a JSON object: "{" text "}"
 * parses as one object and nothing else, with no byte below 0x20 (no raw
 * control character in a string, no line break). */
bool json_members_valid(const char *text, size_t len);

/* Copies the members of a JSON object (valid, as json_members_valid) to
 * out with every string value longer than a cap cut and marked
 * "...[truncated]", lowering the cap until the result fits in max bytes;
 * cuts never split an escape or a UTF-8 character. Keys are kept whole.
 * Returns the length written (out is NUL-terminated, size max + 1), or 0
 * when even short values do not fit. */
size_t json_shorten_members(const char *in, size_t len, char *out, size_t max);

/* ---- reading a parsed document ------------------------------------------
 * One error style for every file: "<what> <file>: <JSON path>: <why>", e.g.
 * "profile p.json: $.binds[2].dst: 'x' is not an absolute path". A reader
 * keeps the path of the value being read; push a key or an index before
 * reading a member and pop after. */
struct json_reader {
	const char *what; /* "profile", "policy", "launcher config" */
	const char *file;
	struct tj_error *err;
	char path[256];   /* "$", "$.env.HOME"; "" or "syscalls[3].names" (bare) */
};

void json_reader_init(struct json_reader *p, const char *what, const char *file,
		      struct tj_error *err);
/* Paths without the "$" root ("syscalls[0].action"; the root itself is
 * "(top level)"): the style policy messages have always had, which
 * readers of runc's and Docker's seccomp errors know. */
void json_reader_bare(struct json_reader *p);
/* Path bookkeeping: push appends ".key" or "[i]" and returns what pop
 * restores. */
size_t json_push_key(struct json_reader *p, const char *key);
size_t json_push_idx(struct json_reader *p, size_t i);
void json_pop(struct json_reader *p, size_t old);

/* -EINVAL with the message at the current path (json_fail), or at its
 * member key (json_fail_key); -ENOMEM naming the file (json_oom). */
__attribute__((format(printf, 2, 3)))
int json_fail(struct json_reader *p, const char *fmt, ...);
__attribute__((format(printf, 3, 4)))
int json_fail_key(struct json_reader *p, const char *key, const char *fmt, ...);
int json_oom(struct json_reader *p);

/* "an object", "a string", ... for messages. */
const char *json_type_name(const cJSON *j);

/* Refuses a member whose key is not in known (NULL-terminated): a misspelt
 * key must not be silently ignored. */
int json_check_keys(struct json_reader *p, const cJSON *obj, const char *const *known);

/* Typed getters at the current path; each fails with the reason. */
int json_get_string(struct json_reader *p, const cJSON *j, char **out);   /* replaces *out */
int json_get_abs_path(struct json_reader *p, const cJSON *j, char **out); /* starts with '/' */
int json_get_bool(struct json_reader *p, const cJSON *j, bool *out);
/* Non-negative integral number that a double holds exactly, at most max. */
int json_get_u64(struct json_reader *p, const cJSON *j, uint64_t max, uint64_t *out);
/* Array of non-empty strings (null or absent: empty, if allow_empty);
 * *out is NULL-terminated with *n_out strings. When valid is given, each
 * string must pass it ("<why>" names the expected thing). */
int json_get_strv(struct json_reader *p, const cJSON *j, bool allow_empty,
		  bool (*valid)(const char *s), const char *why, char ***out, size_t *n_out);
/* Reads each element of the array j (at p->path) with read(p, element,
 * index, ctx), its index pushed; stops at the first failure. Not an array:
 * "must be an array, not ...". */
int json_each(struct json_reader *p, const cJSON *j,
	      int (*read)(struct json_reader *p, const cJSON *e, size_t i, void *ctx), void *ctx);
/* json_get_strv(allow_empty, no validator) of the member key of obj, with
 * key on the path; an absent member leaves *out alone and returns 0. */
int json_key_strv(struct json_reader *p, const cJSON *obj, const char *key, char ***out,
		  size_t *n_out);
/* json_each() over the member key of obj, with key on the path; an absent
 * or null member reads nothing. json_array_len(): elements of an array
 * member, 0 for anything else (to size what json_key_each fills). */
int json_key_each(struct json_reader *p, const cJSON *obj, const char *key,
		  int (*read)(struct json_reader *p, const cJSON *e, size_t i, void *ctx), void *ctx);
size_t json_array_len(const cJSON *obj, const char *key);

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

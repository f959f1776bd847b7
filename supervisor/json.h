/* SPDX-License-Identifier: Apache-2.0 */
/* Strict JSON reading for every file taskjail takes (profiles, policies,
 * n8n's launcher file). cJSON alone accepts text after the value and keeps
 * every copy of a repeated key, while lookups return the first: a profile
 * with "net": "none" ... "net": "host" would read differently to a person
 * and to the parser that acts on it. */
#pragma once
#include <cjson/cJSON.h>
#include <stddef.h>

#include "error.h"

/* Parses json[0..len) into *out. On failure returns -EINVAL (or -ENOMEM)
 * with a message "<what> <file>: ..." naming the line and column of a
 * syntax error or of text after the value, or the JSON path of a repeated
 * key ("$.env.FOO"). */
int json_parse_strict(const char *json, size_t len, const char *what, const char *file,
		      cJSON **out, struct tj_error *err);

/* SPDX-License-Identifier: Apache-2.0 */
#include "json.h"

#include <errno.h>
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

int json_parse_strict(const char *json, size_t len, const char *what, const char *file,
		      cJSON **out, struct tj_error *err)
{
	int line, col;
	const char *end = NULL;
	*out = NULL;
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

/* SPDX-License-Identifier: Apache-2.0 */
/* libFuzzer target: sysio_mountinfo_line, the /proc/self/mountinfo line
 * reader of proc_guard absent (mounts.c, sysio.c). Each input line gets
 * an exact-size NUL-terminated copy: ASan sees a read past it. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "sysio.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	size_t i = 0;
	while (i <= size) {
		const uint8_t *nl = memchr(data + i, '\n', size - i);
		size_t n = nl ? (size_t)(nl - (data + i)) : size - i;
		char *line = malloc(n + 1);
		if (!line)
			return 0;
		memcpy(line, data + i, n);
		line[n] = '\0';
		struct sysio_mnt m;
		if (sysio_mountinfo_line(line, &m)) {
			/* both point into the line, NUL-terminated within it */
			if (m.where < line || m.where > line + n || m.fstype < line || m.fstype > line + n ||
			    strlen(m.where) > n || strlen(m.fstype) > n || m.id < 0 || m.parent < 0)
				abort();
		}
		free(line);
		i += n + 1;
	}
	return 0;
}

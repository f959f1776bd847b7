/* SPDX-License-Identifier: Apache-2.0 */
#include "log.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <time.h>
#include <unistd.h>

static int log_errno;
static unsigned long log_lost;

int log_failure(unsigned long *lost)
{
	*lost = log_lost;
	return log_errno;
}

void log_event(int fd, const char *fmt, ...)
{
	char line[4096];
	struct timespec ts;
	va_list ap;

	if (fd < 0)
		return;
	clock_gettime(CLOCK_REALTIME, &ts);
	int n = snprintf(line, sizeof(line), "{\"time\":%lld.%06ld,",
			 (long long)ts.tv_sec, ts.tv_nsec / 1000);
	va_start(ap, fmt);
	int m = vsnprintf(line + n, sizeof(line) - (size_t)n - 2, fmt, ap);
	va_end(ap);
	if (m < 0)
		return;
	size_t len = (size_t)n + (size_t)m;
	if (len > sizeof(line) - 3)
		len = sizeof(line) - 3; /* truncated: still one line */
	line[len++] = '}';
	line[len++] = '\n';
	/* One write per event so concurrent writers do not interleave lines. */
	for (size_t off = 0; off < len;) {
		ssize_t w = write(fd, line + off, len - off);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0) {
			if (!log_errno)
				log_errno = w < 0 ? errno : EIO;
			log_lost++;
			return;
		}
		off += (size_t)w;
	}
}

/* SPDX-License-Identifier: Apache-2.0 */
#include "log.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "json.h"
#include "util.h"

/* One line is at most PIPE_BUF bytes: a single write of that size to a
 * pipe (--log-fd on a pipe shared with other writers) is atomic, so lines
 * never interleave. Longer lines get their long string values cut. */
#define LOG_LINE_MAX 4096
#define TRUNCATED_MEMBER ",\"truncated\":true"

static int log_errno;
static unsigned long log_lost;

int log_failure(unsigned long *lost)
{
	*lost = log_lost;
	return log_errno;
}

static void write_line(int fd, const char *line, size_t len)
{
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

/* The "event" value of members that start with "event":"NAME" (every
 * caller's do), escaped again for safety; "unknown" otherwise. */
static void event_name(const char *m, char *out, size_t size)
{
	static const char pfx[] = "\"event\":\"";
	char name[64] = "unknown";
	if (strncmp(m, pfx, sizeof(pfx) - 1) == 0) {
		const char *s = m + sizeof(pfx) - 1;
		size_t n = strcspn(s, "\"\\");
		if (n > 0 && n < sizeof(name) && s[n] == '"')
			snprintf(name, sizeof(name), "%.*s", (int)n, s);
	}
	util_json_escape(out, size, name);
}

void log_event(int fd, const char *fmt, ...)
{
	char line[LOG_LINE_MAX + 1];
	struct timespec ts;
	va_list ap;

	if (fd < 0)
		return;
	clock_gettime(CLOCK_REALTIME, &ts);
	int n = snprintf(line, sizeof(line), "{\"time\":%lld.%06ld,",
			 (long long)ts.tv_sec, ts.tv_nsec / 1000);
	va_start(ap, fmt);
	_cleanup_free_ char *members = NULL;
	int m = vasprintf(&members, fmt, ap);
	va_end(ap);
	if (m < 0) {
		members = NULL;
		log_lost++;
		if (!log_errno)
			log_errno = ENOMEM;
		return;
	}
	size_t len = (size_t)n;
	size_t room = LOG_LINE_MAX - len - 2; /* "}\n" */
	if (!json_members_valid(members, (size_t)m)) {
		/* A member built wrong (a bug) or cut on the way (a datagram
		 * longer than the receive buffer): keep the line valid JSON. */
		char name[128];
		event_name(members, name, sizeof(name));
		len += (size_t)snprintf(line + len, sizeof(line) - len,
					"\"event\":\"%s\",\"invalid\":true", name);
	} else if ((size_t)m <= room) {
		memcpy(line + len, members, (size_t)m);
		len += (size_t)m;
	} else {
		size_t k = json_shorten_members(members, (size_t)m, line + len,
						room - (sizeof(TRUNCATED_MEMBER) - 1));
		if (k) {
			len += k;
		} else {
			char name[128];
			event_name(members, name, sizeof(name));
			len += (size_t)snprintf(line + len, sizeof(line) - len, "\"event\":\"%s\"", name);
		}
		memcpy(line + len, TRUNCATED_MEMBER, sizeof(TRUNCATED_MEMBER) - 1);
		len += sizeof(TRUNCATED_MEMBER) - 1;
	}
	line[len++] = '}';
	line[len++] = '\n';
	write_line(fd, line, len);
}

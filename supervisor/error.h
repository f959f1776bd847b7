/* SPDX-License-Identifier: Apache-2.0 */
/* Error type: every fallible function returns 0 or -errno and fills a
 * struct tj_error with a message built where the failure is known. The top
 * level prints it once as "taskjail: <msg>". */
#pragma once
#include <stdarg.h>

#define TJ_ERRMSG_MAX 1024

/* Exit statuses, as env(1), timeout(1) and minijail document them. */
enum {
	TJ_EXIT_TIMEOUT = 124, /* --timeout expired (the runner was stopped) */
	TJ_EXIT_SETUP = 125,   /* taskjail itself failed before exec */
	TJ_EXIT_NOEXEC = 126,  /* command found but not executable */
	TJ_EXIT_NOTFOUND = 127 /* command not found */
};

struct tj_error {
	int err;                 /* positive errno, 0 when none */
	char msg[TJ_ERRMSG_MAX]; /* what failed, on what, why */
};

/* Sets err->err = errnum and formats the message; when errnum != 0 the
 * message gets ": <strerror>" appended. Returns -errnum (or -EINVAL when
 * errnum is 0) so callers can `return tj_error_set(...)`. */
int tj_error_set(struct tj_error *err, int errnum, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* Like tj_error_set but without the strerror suffix (for messages that
 * already say why, e.g. parse errors). */
int tj_error_setx(struct tj_error *err, int errnum, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* Prefixes the existing message with context: "<context>: <old msg>". */
int tj_error_wrap(struct tj_error *err, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* A hint for kernel refusals that point at `taskjail check`. */
void tj_error_print(const struct tj_error *err);

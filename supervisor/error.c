/* SPDX-License-Identifier: Apache-2.0 */
#include "error.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

static int error_vset(struct tj_error *err, int errnum, int with_strerror,
		      const char *fmt, va_list ap)
{
	if (errnum < 0)
		errnum = -errnum;
	err->err = errnum;
	int n = vsnprintf(err->msg, sizeof(err->msg), fmt, ap);
	if (n < 0)
		n = 0;
	if (with_strerror && errnum && (size_t)n < sizeof(err->msg))
		snprintf(err->msg + n, sizeof(err->msg) - (size_t)n, ": %s",
			 strerror(errnum));
	return errnum ? -errnum : -EINVAL;
}

int tj_error_set(struct tj_error *err, int errnum, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int r = error_vset(err, errnum, 1, fmt, ap);
	va_end(ap);
	return r;
}

int tj_error_setx(struct tj_error *err, int errnum, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int r = error_vset(err, errnum, 0, fmt, ap);
	va_end(ap);
	return r;
}

int tj_error_wrap(struct tj_error *err, const char *fmt, ...)
{
	char prefix[TJ_ERRMSG_MAX];
	char old[TJ_ERRMSG_MAX];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(prefix, sizeof(prefix), fmt, ap);
	va_end(ap);
	memcpy(old, err->msg, sizeof(old));
	snprintf(err->msg, sizeof(err->msg), "%s: %s", prefix, old);
	return err->err ? -err->err : -EINVAL;
}

void tj_error_print(const struct tj_error *err)
{
	fprintf(stderr, "taskjail: %s\n", err->msg);
}

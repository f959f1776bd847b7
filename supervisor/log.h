/* SPDX-License-Identifier: Apache-2.0 */
/* Structured events: one JSON object per line on the log fd. */
#pragma once

/* The "schema" of the start event: docs/log-schema.md describes every
 * event of this version. Raised when a field changes meaning or type or is
 * removed; new optional fields do not raise it. */
#define LOG_SCHEMA_VERSION 1

/* Writes one line: the caller passes the object's members without braces,
 * e.g. log_event(fd, "\"event\":\"exit\",\"status\":%d", st). A "time"
 * member (seconds since the epoch, with microseconds) is prepended.
 * Does nothing when fd < 0. Strings must be escaped with util_json_escape. */
void log_event(int fd, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* The errno of the first event line that could not be written in full (0
 * when none) and, in *lost, how many lines were not. */
int log_failure(unsigned long *lost);

/* SPDX-License-Identifier: Apache-2.0 */
#pragma once
#include "error.h"

/* Brings the loopback link of the current (new) network namespace up with
 * SIOCSIFFLAGS. The kernel assigns 127.0.0.1/8 and ::1 itself. */
int netns_loopback_up(struct tj_error *err);

/* SPDX-License-Identifier: Apache-2.0 */
#pragma once
#include "error.h"

/* Runner side: locks securebits (no root magic, no setuid fixup, no
 * ambient raise), drops every capability from the bounding set, clears
 * ambient, then empties effective, permitted and inheritable. */
int caps_drop_all(struct tj_error *err);

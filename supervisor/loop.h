/* SPDX-License-Identifier: Apache-2.0 */
/* The supervisor's event loop: poll(2) with one callback per fd. Modules
 * (relay, the seccomp listener) register their fds here. */
#pragma once
#include <stdbool.h>
#include <stdint.h>

#include "error.h"

struct tj_loop;
typedef void (*loop_cb)(struct tj_loop *l, int fd, uint32_t events, void *data);

int loop_new(struct tj_loop **out, struct tj_error *err);
void loop_free(struct tj_loop *l);
int loop_add(struct tj_loop *l, int fd, uint32_t events, loop_cb cb, void *data);
int loop_mod(struct tj_loop *l, int fd, uint32_t events);
int loop_del(struct tj_loop *l, int fd);
/* Runs callbacks until loop_quit() is called. Returns 0 or -errno. */
int loop_run(struct tj_loop *l);
void loop_quit(struct tj_loop *l);

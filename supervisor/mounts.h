/* SPDX-License-Identifier: Apache-2.0 */
#pragma once
#include "config.h"

struct cloned {
	int fd;          /* detached clone, -1 for symlinks/skipped */
	bool dir;
	char *link;      /* symlink target when the source is a symlink */
	const struct tj_bind *b;
};

struct mounts_prep {
	struct cloned *c;
	size_t n;
};

/* Child side (init, in the new user+mount+pid namespaces), in two steps:
 *
 * mounts_prepare(), still with the caller's host uid: makes / private and
 * clones every bind source (open_tree, detached, then ro/nosuid/nodev with
 * mount_setattr), so the caller's own access rights decide what can be
 * bound, and later mounts cannot shadow a source.
 *
 * mounts_finish(), as uid 65532 (files created in the sandbox's tmpfs need
 * a mapped owner): a tmpfs root that ends read-only, the binds moved into
 * it, /tmp a size-limited tmpfs (nosuid, nodev, noexec unless the profile
 * says tmp_exec), a fresh /proc with
 * Docker-style masks and a read-only /proc/sys, a minimal read-only /dev,
 * then pivot_root and the old root detached. */
int mounts_prepare(const struct tj_config *cfg, struct mounts_prep *prep, struct tj_error *err);
int mounts_finish(const struct tj_config *cfg, struct mounts_prep *prep, struct tj_error *err);
void mounts_prep_free(struct mounts_prep *prep);

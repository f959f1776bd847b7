#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# Red-team finding (review branch): bind destinations are resolved with
# RESOLVE_IN_ROOT, which keeps them inside the new root but follows every
# symlink there. A bind nested in a read-write bind (/work, and /work/x/share
# below it) lets the task replace /work/x with a symlink (renaming a
# directory that only contains a mount point is allowed); the next run
# mounts its read-write bind on whatever /x/share the symlink names: here
# /usr/share, read-only runtime files replaced by ones the task wrote in the
# previous run. Fails on the current binary.
. "$TJ_SRC/tests/lib.sh"
base="$TJ_WORK/bdps"
mkdir -p "$base/w/x" "$base/share"
chmod -R 777 "$base"
cat >"$TJ_WORK/bdps.json" <<JSON
{ "binds": ["/usr", "/etc", "/bin", "/sbin", "/lib", { "src": "/lib64", "optional": true },
            { "src": "$base/w", "dst": "/work", "rw": true },
            { "src": "$base/share", "dst": "/work/x/share", "rw": true }],
  "tmpfs_size": "16M", "net": "none", "workdir": "/", "proc_guard": "strict", "seccomp": "default" }
JSON
chmod 644 "$TJ_WORK/bdps.json"

out=$(tj --profile "$TJ_WORK/bdps.json" -- /bin/sh -c \
	'echo planted-by-run-1 >/work/x/share/marker && mv /work/x /work/x.old && ln -s /usr /work/x && echo planted' 2>&1)
like "run 1: the task replaces /work/x with a symlink to /usr" "$out" "planted"

out=$(tj --profile "$TJ_WORK/bdps.json" -- /bin/sh -c 'cat /usr/share/marker 2>&1; ls -d /usr/share/doc 2>&1' 2>&1)
unlike "run 2: the nested bind does not land on /usr/share through the planted symlink" "$out" "planted-by-run-1"
diag "run 2 saw: $out"
like "... run 2 is refused: a symlink below the read-write bind is not followed" "$out" \
	"bind destination /work/x/share: open /work/x: Too many levels of symbolic links"
# Without the protection: the planted link leads to /usr, so a destination
# resolved through it (as the old code did) is /usr/share.
is "bare: the planted /work/x is a link to /usr" "$(find "$TJ_WORK" -path '*/x' -type l -printf '%l\n' | head -1)" "/usr"
done_testing

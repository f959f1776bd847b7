#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# Red-team finding (review branch): a bind source is resolved on the host
# with every symlink followed (lstat + open_tree without
# AT_SYMLINK_NOFOLLOW; intermediate components always). When a bind source
# lies inside a directory the sandbox can write (here: a subdirectory of a
# read-write bind, bound read-only elsewhere), a task can replace it with a
# symlink, and the next run binds whatever host path the task named: a
# directory of the caller's (0700, a 0600 key in it) becomes readable in the
# sandbox, whose uid maps to the caller's. Fails on the current binary.
. "$TJ_SRC/tests/lib.sh"
base="$TJ_WORK/bss"
mkdir -p "$base/w/sub" "$base/private"
chmod 777 "$base/w"
chmod 755 "$base/w/sub"
echo hello >"$base/w/sub/readme"
chmod 644 "$base/w/sub/readme"
echo "caller-private-key" >"$base/private/id_rsa"
chmod 700 "$base/private"
chmod 600 "$base/private/id_rsa"
if is_root; then
	# root caller: the sandbox's uid maps to --host-uid, not to root; a
	# world-readable host directory that no bind names shows the same
	chmod 755 "$base/private"
	chmod 644 "$base/private/id_rsa"
fi
cat >"$TJ_WORK/bss.json" <<JSON
{ "binds": ["/usr", "/etc", "/bin", "/sbin", "/lib", { "src": "/lib64", "optional": true },
            { "src": "$base/w", "dst": "/work", "rw": true },
            { "src": "$base/w/sub", "dst": "/opt/sub" }],
  "tmpfs_size": "16M", "net": "none", "workdir": "/", "proc_guard": "strict", "seccomp": "default" }
JSON
chmod 644 "$TJ_WORK/bss.json"

out=$(tj --profile "$TJ_WORK/bss.json" -- /bin/sh -c \
	"cat /opt/sub/readme && mv /work/sub /work/sub.old && ln -s '$base/private' /work/sub && echo planted" 2>&1)
like "run 1: the task replaces its bind source with a symlink" "$out" "hello planted"

out=$(tj --profile "$TJ_WORK/bss.json" -- /bin/sh -c 'cat /opt/sub/id_rsa 2>&1; cat /opt/sub/readme 2>&1' 2>&1)
unlike "run 2: the symlink planted by the task is not followed to a host directory" "$out" "caller-private-key"
diag "run 2 saw: $out"
like "... run 2 is refused: the source's symlink is not root's" "$out" "the symlink .*/w/sub on its path is owned by uid [0-9]+, not root"
# Without the protection: the source path as named leads to the key (what
# open_tree() without the ownership check bound).
like "bare: the bind source as named now reads the caller's key" "$(cat "$base/w/sub/id_rsa" 2>&1)" "caller-private-key"
# Root's own symlinks are followed, in the full tier too, where init clones
# the binds inside the sandbox's user namespace and host root shows as the
# overflow uid (red-team finding: /lib -> usr/lib was refused).
if [ -L /lib ] && [ "$(stat -c %u /lib)" = 0 ]; then
	out=$(timeout -k 5 30 "$TASKJAIL" run --bind-ro /lib:/x -- /bin/sh -c 'test -d /x && echo bound' 2>&1)
	is "--bind-ro /lib:/x (root's symlink /lib -> usr/lib) is followed" "$out" bound
else
	skip "--bind-ro through root's symlink" "/lib is not a root-owned symlink here"
fi
done_testing

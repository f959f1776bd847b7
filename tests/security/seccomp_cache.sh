#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# The compiled-filter cache: used on the second run, never answers a
# changed policy with a stale filter, and trusts only root-owned files that
# no sandboxed task can write.
. "$TJ_SRC/tests/lib.sh"
P=(--bind-ro "$TJ_HELPERS:/t")
C=$TJ_WORK/cache
export TASKJAIL_CACHE_DIR=$C
mkdir -m 700 "$C"

if ! is_root; then
	# A non-root caller's sandbox runs as the caller's own host uid: a task
	# with a rw bind over a cache the caller owns could plant a filter for
	# later launches. Such a cache is never read nor written.
	pol=$TJ_WORK/pol.json
	printf '{"defaultAction":"SCMP_ACT_ALLOW","syscalls":[{"names":["keyctl"],"action":"SCMP_ACT_ERRNO","errnoRet":1}]}' > "$pol"
	out=$(tj "${P[@]}" --bind-rw "$C:/c" --seccomp "$pol" -- /bin/sh -c 'touch /c/planted.bpf && echo wrote')
	is "a task with a rw bind over the caller's own cache can write there" "$out" wrote
	tj --seccomp "$pol" -- /bin/true; tj --seccomp "$pol" -- /bin/true
	is "non-root caller: its own cache directory gets no entry" "$(ls "$C" | grep -vc planted)" 0
	out=$(tj "${P[@]}" --seccomp "$pol" -- /t/try-syscall keyctl 0 -3 0)
	is "... and the policy is compiled and applied" "$out" EPERM
	out=$("$TASKJAIL" selftest 2>&1); is "selftest passes without a cache" "$?" 0
	done_testing
fi

pol=$TJ_WORK/pol.json
umask 022
allow_keyctl() { printf '{"defaultAction":"SCMP_ACT_ALLOW","syscalls":[{"names":["add_key"],"action":"SCMP_ACT_ERRNO","errnoRet":1}]}' > "$pol"; }
deny_keyctl()  { printf '{"defaultAction":"SCMP_ACT_ALLOW","syscalls":[{"names":["keyctl","add_key"],"action":"SCMP_ACT_ERRNO","errnoRet":1}]}' > "$pol"; }

allow_keyctl
out=$(tj "${P[@]}" --seccomp "$pol" -- /t/try-syscall keyctl 0 -3 0)
is "policy without a keyctl rule: keyctl runs" "$out" OK
is "the compiled filter was cached" "$(ls "$C" | grep -c '\.bpf$')" 1
out=$(tj "${P[@]}" --seccomp "$pol" -- /t/try-syscall add_key bad bad bad 0 0)
is "second run (from the cache): the policy still applies" "$out" EPERM
is "... and no second file" "$(ls "$C" | grep -c '\.bpf$')" 1

# The same path with new content must not be answered by the old filter.
deny_keyctl
out=$(tj "${P[@]}" --seccomp "$pol" -- /t/try-syscall keyctl 0 -3 0)
is "policy changed in place: the new rule applies (no stale cache hit)" "$out" EPERM
is "... a second entry exists" "$(ls "$C" | grep -c '\.bpf$')" 2

# Trust rests on ownership and mode. Plant an allow-all program in the
# entry for the current (deny) policy: root-owned 0600 it is trusted (this
# is what a cache the task could write would let an attacker do); group-
# writable, or owned by the sandbox's uid, it is ignored and recompiled.
entry=$(ls -t "$C"/*.bpf | head -1)
# plant [old]: the entry's program becomes allow-all (old: and its magic
# that of the previous format).
plant() {
	/usr/bin/python3 - "$entry" "${1:-}" <<'PY'
import struct, sys
p = sys.argv[1]; b = bytearray(open(p, "rb").read())
off = len("taskjail-bpf-cache 2\n")
key_len, pol_len, _, _, _, n, _ = struct.unpack_from("7I", b, off)
prog = off + 28 + key_len + pol_len
for i in range(n):
    struct.pack_into("HBBI", b, prog + 8 * i, 0x06, 0, 0, 0x7fff0000)  # RET ALLOW
if sys.argv[2] == "old":
    b[:off] = b"taskjail-bpf-cache 1\n"
open(p, "wb").write(b)
PY
}
plant; chmod 600 "$entry"
out=$(tj "${P[@]}" --seccomp "$pol" -- /t/try-syscall keyctl 0 -3 0)
is "a planted entry the caller owns (0600) is trusted: keyctl runs" "$out" OK
plant; chmod 620 "$entry"
out=$(tj "${P[@]}" --seccomp "$pol" -- /t/try-syscall keyctl 0 -3 0)
is "the same entry group-writable is ignored: the policy applies" "$out" EPERM
is "... and the entry was rewritten, readable like the policy (0644)" "$(stat -c %a "$entry")" 644
plant; chown 65532 "$entry"
out=$(tj "${P[@]}" --seccomp "$pol" -- /t/try-syscall keyctl 0 -3 0)
is "an entry owned by the sandbox's host uid (65532) is ignored" "$out" EPERM
chown 65532 "$C"; rm -f "$C"/*.bpf
tj --seccomp "$pol" -- /bin/true
is "a cache directory owned by the sandbox's uid is not used" "$(ls "$C" | wc -l)" 0
chown 0 "$C"

# An entry for a policy only root can read is not readable by others.
chmod 600 "$pol"; printf '{"defaultAction":"SCMP_ACT_ALLOW","syscalls":[{"names":["keyctl"],"action":"SCMP_ACT_ERRNO","errnoRet":2}]}' > "$pol"
tj --seccomp "$pol" -- /bin/true
is "a private policy's entry is 0600" "$(stat -c %a "$(ls -t "$C"/*.bpf | head -1)")" 600
chmod 644 "$pol"

# No policy and an empty policy file are not one key: the empty file is
# refused, even with the allow-all entry of --seccomp none in the cache
# (red-team finding: it ran under that entry).
tj --proc-guard strict --seccomp none -- /bin/true 2>/dev/null
: > "$TJ_WORK/empty.json"; chmod 644 "$TJ_WORK/empty.json"
out=$(tj "${P[@]}" --proc-guard strict --seccomp "$TJ_WORK/empty.json" -- /t/try-syscall keyctl 0 -3 0 2>&1); rc=$?
is "an empty policy file is refused (125), not run under --seccomp none's entry" "$rc" 125

# The key names the build: a parser or compiler change between builds of
# one version must not be answered by an older build's entry; an entry of
# the previous format (no build in its key) is never read.
deny_keyctl
tj --seccomp "$pol" -- /bin/true
entry=$(ls -t "$C"/*.bpf | head -1)
like "an entry's key names the build and the policy's presence" "$(head -c 512 "$entry" | tr -c '[:print:]' ' ')" 'build=[^;]+;policy=file'
plant old
out=$(tj "${P[@]}" --seccomp "$pol" -- /t/try-syscall keyctl 0 -3 0)
is "an allow-all entry of the previous format is not read: the policy applies" "$out" EPERM

# The entry holds the policy's text: a world-readable policy in a private
# directory (0644 in 0700) gets a private entry (red-team finding: its text
# was readable in a 0644 entry).
mkdir -m 700 "$TJ_WORK/private"
printf '{"comment":"private %s","defaultAction":"SCMP_ACT_ALLOW","syscalls":[]}' "$RANDOM" > "$TJ_WORK/private/p.json"
chmod 644 "$TJ_WORK/private/p.json"
tj --seccomp "$TJ_WORK/private/p.json" -- /bin/true
is "a policy in a private directory gets a 0600 entry" "$(stat -c %a "$(ls -t "$C"/*.bpf | head -1)")" 600
# 0711: its files can be read by name, but the cache directory can be listed.
mkdir -m 711 "$TJ_WORK/hidden"
printf '{"comment":"hidden %s","defaultAction":"SCMP_ACT_ALLOW","syscalls":[]}' "$RANDOM" > "$TJ_WORK/hidden/p.json"
chmod 644 "$TJ_WORK/hidden/p.json"
tj --seccomp "$TJ_WORK/hidden/p.json" -- /bin/true
is "a policy in a searchable but unlistable directory (0711) gets a 0600 entry" "$(stat -c %a "$(ls -t "$C"/*.bpf | head -1)")" 600
# A policy made private after its entry was written: the entry follows.
mkdir -m 755 "$TJ_WORK/later"
printf '{"comment":"later %s","defaultAction":"SCMP_ACT_ALLOW","syscalls":[]}' "$RANDOM" > "$TJ_WORK/later/p.json"
chmod 644 "$TJ_WORK/later/p.json"
tj --seccomp "$TJ_WORK/later/p.json" -- /bin/true
later=$(ls -t "$C"/*.bpf | head -1)
is "a public policy's entry is 0644" "$(stat -c %a "$later")" 644
chmod 700 "$TJ_WORK/later"
tj --seccomp "$TJ_WORK/later/p.json" -- /bin/true
is "... made private since: its entry is 0600 after the next launch" "$(stat -c %a "$later")" 600
# Entries of the previous format are removed when root writes one.
printf 'taskjail-bpf-cache 1\nstale' > "$C/00000000deadbeef.bpf"
printf '{"comment":"fresh %s","defaultAction":"SCMP_ACT_ALLOW","syscalls":[]}' "$RANDOM" > "$TJ_WORK/fresh.json"
tj --seccomp "$TJ_WORK/fresh.json" -- /bin/true
check "an entry of the previous format is removed when root writes a new one" [ ! -e "$C/00000000deadbeef.bpf" ]
like "the key names the binary by its build-id" "$(head -c 512 "$(ls -t "$C"/*.bpf | head -1)" | tr -c '[:print:]' ' ')" \
	"build=$(readelf -n "$TASKJAIL" | awk '/Build ID:/ { print $3 }');"

# A directory others can write is not used at all.
G=$TJ_WORK/gcache; mkdir -m 777 "$G"
TASKJAIL_CACHE_DIR=$G "$TASKJAIL" run --seccomp "$pol" -- /bin/true
is "a world-writable cache directory is not used" "$(ls "$G" | wc -l)" 0
TASKJAIL_CACHE_DIR=none "$TASKJAIL" run -- /bin/true; is "TASKJAIL_CACHE_DIR=none: runs without a cache" "$?" 0

# Cached or not, the sandbox is the same.
out=$("$TASKJAIL" selftest 2>&1); is "selftest passes from the cache" "$?" 0
done_testing

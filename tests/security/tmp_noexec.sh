#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# /tmp and /dev/shm are mounted noexec (the default, and every shipped
# profile's): a task that writes a file there must not run it as native
# code, neither by execve, nor through ld.so, nor as a shared object loaded
# with python's ctypes.CDLL or node's process.dlopen, whose constructor
# could read the runner's environment block from memory (where no /proc
# guard sees it). Each attack is shown working under a profile with the
# opt-out "tmp_exec": true, then refused.
. "$TJ_SRC/tests/lib.sh"

H=/taskjail-helpers
PY=/usr/bin/python3
SEC=(--setenv TJ_SECRET=s3cr3t --bind-ro "$TJ_HELPERS:$H")
if [ ! -f "$TJ_HELPERS/tj-payload.so" ]; then
	not_ok "tj-payload.so is built (tests/helpers/meson.build)"
	done_testing
fi
# ld.so by its path inside (the same as the host's: /usr, /lib and /lib64
# are bound at their own paths).
LDSO=$(for f in /lib64/ld-linux-x86-64.so.2 /lib/ld-linux-aarch64.so.1 /lib/ld-linux*.so.*; do
	[ -e "$f" ] && { echo "$f"; break; }; done)

# The opt-out: minimal's binds, and "tmp_exec": true.
"$PY" -c 'import json, sys
p = json.load(open(sys.argv[1])); p["tmp_exec"] = True
json.dump(p, open(sys.argv[2], "w"))' "$TJ_SRC/profiles/minimal.json" "$TJ_WORK/tmp-exec.json"
EXEC_OK=(--profile "$TJ_WORK/tmp-exec.json")

# attack DIR [LDSO]: the three attacks from DIR, one line each.
attack='d=$1 ldso=$2
cp /bin/true "$d/t" && "$d/t" && echo "exec ok"
[ -z "$ldso" ] || { "$ldso" "$d/t" && echo "ld.so ok"; }
cp '$H'/tj-payload.so "$d/p.so" && '$PY' -c "import ctypes, sys; ctypes.CDLL(sys.argv[1])" "$d/p.so"'

for d in /tmp /dev/shm; do
	out=$(tj "${EXEC_OK[@]}" "${SEC[@]}" -- /bin/sh -c "$attack" _ "$d" "$LDSO" 2>&1)
	like "tmp_exec: true: a binary copied to $d runs" "$out" "exec ok"
	[ -n "$LDSO" ] && like "tmp_exec: true: ld.so runs it from $d" "$out" "ld.so ok"
	like "tmp_exec: true: ctypes.CDLL of a .so in $d runs its code, which reads the env from memory" \
		"$out" "payload loaded, TJ_SECRET=s3cr3t"

	out=$(tj "${SEC[@]}" -- /bin/sh -c "$attack" _ "$d" "$LDSO" 2>&1)
	like "default: execve of a binary in $d is refused (EACCES)" "$out" "$d/t: Permission denied"
	unlike "... it did not run" "$out" "exec ok"
	if [ -n "$LDSO" ]; then
		like "default: ld.so cannot map it either" "$out" "$d/t: failed to map segment from shared object"
		unlike "... it did not run" "$out" "ld.so ok"
	fi
	like "default: ctypes.CDLL of a .so in $d fails to map it" "$out" "$d/p.so: failed to map segment from shared object"
	unlike "... its code did not run" "$out" "payload loaded"
done

# The shipped n8n profiles (node and python), whatever the runtime.
for prof in python node; do
	out=$(tj --profile "$prof" "${SEC[@]}" -- /bin/sh -c "$attack" _ /tmp "" 2>&1)
	like "profile $prof: a binary in /tmp is refused" "$out" "/tmp/t: Permission denied"
	like "profile $prof: a .so in /tmp fails to map" "$out" "/tmp/p.so: failed to map segment from shared object"
	unlike "profile $prof: nothing from /tmp ran" "$out" "exec ok|payload loaded"
	out=$(tj --profile "$prof" -- /bin/sh -c 'cp /bin/true /dev/shm/t && /dev/shm/t && echo "exec ok"' 2>&1)
	like "profile $prof: a binary in /dev/shm is refused" "$out" "/dev/shm/t: Permission denied"
done

# node's process.dlopen: the way JavaScript alone loads native code.
NODE=$(command -v node || true)
if [ -n "$NODE" ] && [ -x "$NODE" ]; then
	NB=(--bind-ro "$(dirname "$(readlink -f "$NODE")")")
	js='process.dlopen({ exports: {} }, "/tmp/p.so")'
	out=$(tj "${EXEC_OK[@]}" "${NB[@]}" "${SEC[@]}" -- /bin/sh -c "cp $H/tj-payload.so /tmp/p.so; \"\$0\" -e '$js'" "$NODE" 2>&1)
	like "tmp_exec: true: node's process.dlopen runs a .so from /tmp" "$out" "payload loaded, TJ_SECRET=s3cr3t"
	out=$(tj --profile node "${NB[@]}" "${SEC[@]}" -- /bin/sh -c "cp $H/tj-payload.so /tmp/p.so; \"\$0\" -e '$js'" "$NODE" 2>&1)
	like "profile node: process.dlopen of /tmp/p.so fails to map it" "$out" "/tmp/p.so: failed to map segment from shared object"
	unlike "... its code did not run" "$out" "payload loaded"
else
	skip "node's process.dlopen" "no node in PATH"
fi

# A bind that replaces /tmp is noexec too.
mkdir -p "$TJ_WORK/tmpdir"; chmod 1777 "$TJ_WORK/tmpdir"
out=$(tj "${EXEC_OK[@]}" --bind-rw "$TJ_WORK/tmpdir:/tmp" -- /bin/sh -c 'cp /bin/true /tmp/t && /tmp/t && echo "exec ok"' 2>&1)
like "tmp_exec: true: a binary on a rw bind at /tmp runs" "$out" "exec ok"
out=$(tj --bind-rw "$TJ_WORK/tmpdir:/tmp" -- /bin/sh -c 'cp /bin/true /tmp/t && /tmp/t && echo "exec ok"' 2>&1)
like "default: a binary on a rw bind at /tmp is refused" "$out" "/tmp/t: Permission denied"

# What stays allowed: programs and libraries from the read-only root, and
# ctypes itself (libffi needs no executable file in /tmp).
out=$(tj --profile python -- "$PY" -c 'import ctypes, os; print(ctypes.CDLL(None).getpid() == os.getpid())' 2>&1)
is "profile python: ctypes calls into libc still work" "$out" True

done_testing

#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# The compiled-filter cache must hold the filter of the very bytes it is
# keyed by. The supervisor reads the policy for the cache key; a build that
# then read the file again to compile it stored the filter of whatever the
# file held by then under the key of what it held before: a writer of the
# policy file racing that window (a root caller running a policy file
# another user can write) plants, in root's cache, a permissive filter for
# a strict policy's exact text -- which every later launch of that text
# (any file, any caller) then gets. Root only: only root writes the cache.
. "$TJ_SRC/tests/lib.sh"
P=(--bind-ro "$TJ_HELPERS:/t")
if ! is_root; then
	skip "the cache keeps the filter of the bytes it is keyed by" "only a root caller writes the compiled-filter cache"
	done_testing
fi
C=$TJ_WORK/cache
export TASKJAIL_CACHE_DIR=$C
mkdir -m 700 "$C"
umask 022
pol=$TJ_WORK/pol.json
# A long comment keeps the supervisor busy between its reads (hashing the
# key), so the race is won at once where the window exists.
pad=$(head -c 1500000 /dev/zero | tr '\0' x)
strict() { printf '{"comment":"%s %s","defaultAction":"SCMP_ACT_ALLOW","syscalls":[{"names":["keyctl"],"action":"SCMP_ACT_ERRNO","errnoRet":1}]}' "$1" "$pad"; }
lax() { printf '{"comment":"lax","defaultAction":"SCMP_ACT_ALLOW","syscalls":[]}'; }

poisoned=0 swapped=0
for i in 1 2 3 4 5; do
	strict "try $i" > "$pol"
	lax > "$pol.lax"
	/usr/bin/python3 "$TJ_SRC/tests/security/lib/swap_on_close.py" "$pol" "$pol.lax" > "$TJ_WORK/racer.out" &
	racer=$!
	for _ in $(seq 200); do grep -q ready "$TJ_WORK/racer.out" && break; sleep 0.02; done
	tj --seccomp "$pol" -- /bin/true
	for _ in $(seq 100); do kill -0 "$racer" 2>/dev/null || break; sleep 0.02; done
	kill "$racer" 2>/dev/null; wait "$racer" 2>/dev/null
	grep -q swapped "$TJ_WORK/racer.out" && swapped=$((swapped + 1))
	# The strict text again, from another file: what does its launch get?
	strict "try $i" > "$pol.again"
	out=$(tj "${P[@]}" --seccomp "$pol.again" -- /t/try-syscall keyctl 0 -3 0)
	[ "$out" = OK ] && poisoned=$((poisoned + 1))
done
check "the racer swapped the file after the supervisor's first read ($swapped of 5)" [ "$swapped" -ge 1 ]
is "the strict policy's text never gets a lax filter from the cache (keyctl refused)" "$poisoned" 0
out=$(tj "${P[@]}" --seccomp "$pol" -- /t/try-syscall keyctl 0 -3 0)
is "the swapped-in lax policy applies as itself" "$out" OK
done_testing

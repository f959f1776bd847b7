#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# What a task sees inside `taskjail run` (minimal profile).
. "$TJ_SRC/tests/lib.sh"
P=(--bind-ro "$TJ_HELPERS:/t")

out=$(tj -- /usr/bin/id -u); is "uid inside is 65532" "$out" 65532
out=$(tj -- /usr/bin/id -g); is "gid inside is 65532" "$out" 65532
out=$(tj -- /usr/bin/id -G); is "no supplementary groups but 65532" "$out" 65532

map=$(tj -- /bin/cat /proc/self/uid_map | tr -s ' ' | sed 's/^ //')
if is_root; then
	is "root caller: 65532 maps to host 65532, never 0" "$map" "65532 65532 1"
	map=$(tj --host-uid 23456 -- /bin/cat /proc/self/gid_map | tr -s ' ' | sed 's/^ //')
	is "root caller: --host-uid picks the host id" "$map" "65532 23456 1"
else
	is "user caller: 65532 maps to the caller's own uid" "$map" "65532 $(id -u) 1"
	out=$(tj --host-uid 23456 -- /bin/true 2>&1); rc=$?
	is "user caller: --host-uid of another uid is refused (125)" "$rc" 125
	like "... with a reason" "$out" "only root can map"
fi
out=$(tj -- /bin/cat /proc/self/setgroups); is "setgroups is denied" "$out" deny

caps=$(tj -- /bin/grep -E '^Cap(Inh|Prm|Eff|Bnd|Amb)' /proc/self/status | awk '{print $2}' | sort -u)
is "all five capability sets are empty" "$caps" 0000000000000000
out=$(tj -- /bin/grep NoNewPrivs /proc/self/status | awk '{print $2}'); is "no_new_privs is set" "$out" 1

out=$(tj -- /bin/sh -c 'touch /newfile 2>&1; touch /usr/newfile 2>&1; touch /etc/newfile 2>&1' )
is "/, /usr and /etc are read-only" "$(printf '%s\n' "$out" | grep -c 'Read-only file system')" 3
out=$(tj -- /bin/sh -c 'echo hi > /tmp/f && cat /tmp/f'); is "/tmp is writable" "$out" hi
opts=$(tj -- /bin/sh -c "grep ' /tmp ' /proc/self/mounts")
like "/tmp is tmpfs, nosuid, nodev" "$opts" "^tmpfs /tmp tmpfs rw,nosuid,nodev"
like "/tmp is 64 MiB by default" "$opts" "size=65536k"
out=$(tj --tmpfs-size 1M -- /bin/sh -c 'dd if=/dev/zero of=/tmp/big bs=1k count=2048 2>&1; echo rc=$?')
like "--tmpfs-size 1M: writing 2 MiB fails with ENOSPC" "$out" "No space left on device"
opts=$(tj -- /bin/sh -c "grep ' / ' /proc/self/mounts")
like "the root is read-only, nosuid, nodev" "$opts" " / tmpfs ro,nosuid,nodev"
nsuid=$(tj -- /bin/sh -c "grep -E ' /(usr|etc) ' /proc/self/mounts | grep -vc 'ro,nosuid,nodev'")
is "binds are ro,nosuid,nodev" "$nsuid" 0

n=$(tj -- /bin/ls /proc | grep -cE '^[0-9]+$')
is "only the sandbox's processes are visible (init and ls)" "$n" 2
out=$(tj -- /bin/cat /proc/1/cmdline | tr -d '\0')
is "pid 1's cmdline is scrubbed" "$out" ""
out=$(tj -- /bin/cat /proc/1/environ 2>&1)
like "pid 1's environ is not readable (non-dumpable)" "$out" "Permission denied"

for d in /home /root /run /var /sys /srv /mnt; do
	out=$(tj -- /bin/sh -c "ls -d $d 2>&1 || true")
	like "$d is not visible" "$out" "No such file"
done
mkdir -p "$TJ_WORK/cwd" && touch "$TJ_WORK/cwd/marker"
out=$(cd "$TJ_WORK/cwd" && tj -- /bin/sh -c 'pwd; ls marker 2>&1 || true')
like "the caller's cwd is not visible; cwd is /" "$out" "^/ .*No such file"
out=$(tj --workdir /tmp -- /bin/pwd); is "--workdir sets the cwd" "$out" /tmp

is "hostname is taskjail" "$(tj -- /bin/hostname)" taskjail
out=$(tj "${P[@]}" -- /t/probe lo); is "net none: only lo, and it is up" "$out" "lo UP"
ls -l /dev/null >/dev/null
out=$(tj -- /bin/sh -c 'ls /dev | tr "\n" " "')
is "/dev is minimal" "$out" "fd full null ptmx pts random shm stderr stdin stdout tty urandom zero "
out=$(tj -- /bin/sh -c 'echo x > /dev/null && head -c 4 /dev/urandom | wc -c && touch /dev/new 2>&1')
like "/dev/null and /dev/urandom work, /dev is read-only" "$out" "4.*Read-only file system"

# Binds from the command line.
mkdir -p "$TJ_WORK/rw" && chmod 777 "$TJ_WORK/rw"
tj --bind-rw "$TJ_WORK/rw:/data" -- /bin/sh -c 'echo written > /data/f'
is "--bind-rw: writes reach the host" "$(cat "$TJ_WORK/rw/f" 2>/dev/null)" written
out=$(tj --bind-ro "$TJ_WORK/rw:/data" -- /bin/sh -c 'cat /data/f; (echo y > /data/g) 2>&1')
like "--bind-ro: readable, not writable" "$out" "written.*Read-only"

done_testing

#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# /dev and the /proc masks, as the sandbox sees them, for every shipped
# profile: the six device nodes are binds with nosuid and noexec (not
# nodev: they are devices), the /dev tmpfs is read-only, each of Docker's
# masked /proc files that this kernel has is covered, /proc/sys, bus, fs
# and irq are read-only (Docker's readonlyPaths). mounts.c sets the nodes' flags with one recursive
# mount_setattr and tries each mask without checking first; this pins the
# result. The attacks are shown working on the host / under plain unshare.
. "$TJ_SRC/tests/lib.sh"

PY=/usr/bin/python3
# An executable mapping of a device node: works on the host's /dev (not
# noexec), refused (EPERM) on a noexec mount.
xmap='import mmap, os
f = os.open("/dev/zero", os.O_RDONLY)
try:
    mmap.mmap(f, 4096, flags=mmap.MAP_PRIVATE, prot=mmap.PROT_READ | mmap.PROT_EXEC)
    print("xmap ok")
except OSError as e:
    print("xmap refused", e.errno)'
if grep -Eq '^[^ ]+ [^ ]+ [^ ]+ [^ ]+ /dev [^ ]*noexec' /proc/self/mountinfo; then
	skip "host: PROT_EXEC mapping of /dev/zero" "the host's /dev is noexec"
else
	like "host: PROT_EXEC mapping of /dev/zero works" "$("$PY" -c "$xmap" 2>&1)" "xmap ok"
fi
bare=$(unshare -Urpf --mount-proc /bin/sh -c 'head -c 4096 /proc/kallsyms 2>/dev/null | wc -c' 2>&1)
if [ "${bare:-0}" -gt 0 ] 2>/dev/null; then
	ok "unshare -Urpf --mount-proc: /proc/kallsyms is readable ($bare bytes read)"
else
	not_ok "unshare -Urpf --mount-proc: /proc/kallsyms is readable"; diag "got '$bare'"
fi

# The masked names a fresh procfs has on this kernel (mounts.c's list).
masks=""
for n in kcore keys timer_list sched_debug sysrq-trigger latency_stats timer_stats kallsyms \
	kpagecount kpageflags kpagecgroup config.gz acpi scsi asound; do
	[ -e "/proc/$n" ] && masks="$masks $n"
done

# The checks, inside: one line per failure, "ALL OK" at the end.
inside='fail=0
opt() { r=; while read -r _ _ _ _ mp o _; do [ "$mp" = "$1" ] && r=$o; done </proc/self/mountinfo; echo "$r"; }
for n in null zero full random urandom tty; do
	o=$(opt /dev/$n)
	case ",$o," in *,nosuid,*) ;; *) echo "/dev/$n not nosuid: $o"; fail=1;; esac
	case ",$o," in *,noexec,*) ;; *) echo "/dev/$n not noexec: $o"; fail=1;; esac
	case ",$o," in *,nodev,*) echo "/dev/$n nodev: $o"; fail=1;; esac
done
o=$(opt /dev)
case ",$o," in *,ro,*nosuid*noexec*) ;; *) echo "/dev: $o"; fail=1;; esac
for d in sys bus fs irq; do
	[ -d /proc/$d ] || continue
	o=$(opt /proc/$d)
	case ",$o," in *,ro,*) ;; *) echo "/proc/$d not read-only: $o"; fail=1;; esac
done
for n in $1; do
	[ -n "$(opt /proc/$n)" ] || { echo "/proc/$n not masked"; fail=1; }
	if [ -f /proc/$n ] && [ "$(head -c 1 /proc/$n 2>/dev/null | wc -c)" != 0 ]; then
		echo "/proc/$n readable"; fail=1
	fi
done
echo x >/dev/null && [ "$(head -c 4 /dev/urandom | wc -c)" = 4 ] || { echo "nodes do not work"; fail=1; }
touch /dev/new 2>/dev/null && { echo "/dev writable"; fail=1; }
[ $fail = 0 ] && echo "ALL OK"'

for prof in minimal python node; do
	# The strict /proc guard of python and node refuses mountinfo: the same
	# profile with the namespace guard (the mounts do not depend on it).
	"$PY" -c 'import json, sys
p = json.load(open(sys.argv[1])); p["proc_guard"] = "namespace"
json.dump(p, open(sys.argv[2], "w"))' "$TJ_SRC/profiles/$prof.json" "$TJ_WORK/$prof-ns.json"
	out=$(tj --profile "$TJ_WORK/$prof-ns.json" -- /bin/sh -c "$inside" _ "$masks" 2>&1)
	is "profile $prof (namespace guard): /dev nodes nosuid,noexec, /dev ro, /proc masks ($masks ), /proc/{sys,bus,fs,irq} ro" "$out" "ALL OK"
	out=$(tj --profile "$prof" --bind-ro "$PY:$PY" -- "$PY" -c "$xmap" 2>&1)
	like "profile $prof: PROT_EXEC mapping of /dev/zero is refused (noexec)" "$out" "xmap refused 1"
done
done_testing

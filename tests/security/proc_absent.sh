#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# proc_guard absent: no procfs in the sandbox at all. The attack is a task
# reading a secret from its own or pid 1's environ and the mount tables
# through /proc, or mounting a procfs of its own from a nested user and pid
# namespace. Bare (a pid + mount namespace with a fresh /proc, as `unshare
# --mount-proc` makes) and under proc_guard namespace the reads work; the
# nested mount works bare. Under absent /proc is empty, each read is ENOENT,
# and the kernel refuses the nested mount (it mounts a procfs for a user
# namespace only where a fully visible one already is) -- with no seccomp
# filter, so that the refusal is the kernel's and not the policy's.
. "$TJ_SRC/tests/lib.sh"
PY=/usr/bin/python3
[ -x $PY ] || { skip "proc_guard absent" "no $PY"; done_testing; }
secret="TJSECRET$$x$RANDOM"
reads='for f in /proc/self/environ /proc/1/environ /proc/thread-self/environ /proc/self/mounts /proc/mounts /proc/self/mountinfo; do if cat "$f" >/dev/null 2>&1; then printf "%s " "$f"; fi; done; cat /proc/self/environ 2>/dev/null | tr "\0" "\n" | grep -c TJSECRET'

# The reads: bare, namespace, absent. (pid 1 is taskjail's init, whose
# environ the kernel refuses: it is non-dumpable; bare it is the shell.)
out=$(TJS=$secret timeout -k 5 30 unshare -Urpf --mount-proc /bin/sh -c "$reads" 2>&1)
like "bare (unshare --mount-proc): environ and mount tables readable, the secret in environ" "$out" \
	"/proc/self/environ /proc/1/environ /proc/thread-self/environ /proc/self/mounts /proc/mounts /proc/self/mountinfo 1"
out=$(timeout -k 5 30 "$TASKJAIL" run --proc-guard namespace --setenv "TJS=$secret" -- /bin/sh -c "$reads" 2>&1)
like "proc_guard namespace: environ and mount tables readable, the secret in environ" "$out" \
	"/proc/self/environ /proc/thread-self/environ /proc/self/mounts /proc/mounts /proc/self/mountinfo 1"
out=$(timeout -k 5 30 "$TASKJAIL" run --proc-guard absent --setenv "TJS=$secret" -- /bin/sh -c "$reads; printenv TJS | grep -c TJSECRET" 2>&1)
is "proc_guard absent: nothing under /proc readable, the secret only in the task's own environment" "$out" "0
1"
out=$(timeout -k 5 30 "$TASKJAIL" run --proc-guard absent -- /bin/sh -c 'ls -A /proc | wc -l; stat -c %a /proc; touch /proc/x 2>&1 | grep -o "Read-only file system"' 2>&1)
is "proc_guard absent: /proc is an empty read-only directory" "$out" "0
555
Read-only file system"

# The nested mount: a new user, mount and pid namespace, then mount("proc"),
# plain and with the options that show less (subset=pid, hidepid).
nested='
import ctypes, os, sys
libc = ctypes.CDLL(None, use_errno=True)
d = sys.argv[1]
if libc.unshare(0x10000000 | 0x20000 | 0x20000000) != 0:
    print("unshare", os.strerror(ctypes.get_errno())); sys.exit(0)
pid = os.fork()
if pid == 0:
    os.makedirs(d, exist_ok=True)
    res = set()
    for opts in (None, b"subset=pid", b"hidepid=2", b"subset=pid,hidepid=invisible"):
        if libc.mount(b"proc", d.encode(), b"proc", 0, opts) != 0:
            res.add("mount " + os.strerror(ctypes.get_errno()))
        else:
            res.add("mounted " + str(len(os.listdir(d)) > 0)); libc.umount2(d.encode(), 2)
    print(" ".join(sorted(res)), flush=True)
    os._exit(0)
os.waitpid(pid, 0)'
out=$(timeout -k 5 30 $PY -c "$nested" "$TJ_WORK/nested-proc" 2>&1)
is "bare: a nested user+pid namespace mounts a procfs" "$out" "mounted True"
out=$(timeout -k 5 30 "$TASKJAIL" run --proc-guard absent --seccomp none -- $PY -c "$nested" /tmp/p 2>/dev/null)
is "proc_guard absent, no seccomp filter: the kernel refuses the nested procfs mount" "$out" "mount Operation not permitted"
out=$(timeout -k 5 30 "$TASKJAIL" run --proc-guard absent -- $PY -c "$nested" /tmp/p 2>/dev/null)
like "proc_guard absent, default policy: refused before the mount" "$out" "^(unshare|mount) Operation not permitted"

# A bind that brings the host's procfs (binds are recursive: /proc, /, or a
# tree with a procfs mounted below). Under namespace the host's pid 1 mount
# table is readable through it; absent refuses the launch.
out=$(timeout -k 5 30 "$TASKJAIL" run --proc-guard namespace --seccomp none --bind-ro /proc:/hp -- /bin/sh -c 'grep -c " / " /hp/1/mountinfo' 2>/dev/null)
like "proc_guard namespace, --bind-ro /proc:/hp: the host's pid 1 mount table is readable" "$out" "^[1-9]"
for b in /proc:/hp /:/host /proc/1:/p1 /proc/1/environ:/e; do
	out=$(timeout -k 5 30 "$TASKJAIL" run --proc-guard absent --bind-ro "$b" -- /bin/sh -c 'echo ran' 2>&1); rc=$?
	is "proc_guard absent, --bind-ro $b: refused, exit 125" "$rc" 125
	like "proc_guard absent, --bind-ro $b: the error names the place" "$out" "a bind brings a procfs into the sandbox at /(hp|host/proc|p1|e) "
done
# A procfs mounted below a bound tree (in a throwaway mount namespace: root only).
if is_root; then
	mkdir -p "$TJ_WORK/tree/p"
	out=$(timeout -k 5 30 unshare -m /bin/sh -c "mount -t proc proc '$TJ_WORK/tree/p' && '$TASKJAIL' run --proc-guard absent --bind-ro '$TJ_WORK/tree:/t' -- /bin/true" 2>&1); rc=$?
	is "proc_guard absent, a procfs below a bound tree: refused, exit 125" "$rc" 125
	like "proc_guard absent, a procfs below a bound tree: the error names /t/p" "$out" "procfs into the sandbox at /t/p "
else
	skip "proc_guard absent, a procfs below a bound tree" "mounting one needs root"
fi
# The mount table without a procfs: listmount(2) (Linux >= 6.8). Bare it
# lists this namespace's mounts; under absent the shield answers ENOSYS
# even without a seccomp policy. (Red-team finding.)
. "$(dirname "$0")/lib/listmount.sh"
out=$(timeout -k 5 30 $PY -c "$lm" 2>&1)
if [ "$out" = mounts ]; then
	ok "bare: listmount(2) lists the mount table"
	out=$(timeout -k 5 30 "$TASKJAIL" run --proc-guard namespace --seccomp none -- $PY -c "$lm" 2>/dev/null)
	is "proc_guard namespace, no seccomp filter: listmount(2) lists the sandbox's mounts" "$out" mounts
	out=$(timeout -k 5 30 "$TASKJAIL" run --proc-guard absent --seccomp none -- $PY -c "$lm" 2>/dev/null)
	is "proc_guard absent, no seccomp filter: listmount(2) refused (ENOSYS)" "$out" "Function not implemented"
else
	skip "listmount(2) refused under proc_guard absent" "no listmount on this kernel (bare: $out)"
fi

# A procfs that comes in as an fd (red-team findings). On stdin: bare, a
# task reads pid 1's mount table through fd 0 with no /proc path at all;
# taskjail refuses the launch in every mode.
# (python refuses a directory on stdin: the shell moves it to fd 5 first)
rd0='exec 5<&0 0</dev/null; exec '$PY' -c "import os; print(len(open(\"1/mountinfo\", opener=lambda p, f: os.open(p, f, dir_fd=5)).read()) > 0)"'
out=$(timeout -k 5 30 unshare -Urpf --mount-proc /bin/sh -c "cd /; $rd0" </proc 2>&1)
is "bare, stdin a procfs directory: pid 1's mount table through fd 0" "$out" True
for mode in namespace strict absent; do
	out=$(timeout -k 5 30 "$TASKJAIL" run --proc-guard $mode -- /bin/sh -c "$rd0" </proc 2>&1); rc=$?
	is "proc_guard $mode, stdin a procfs directory: refused, exit 125" "$rc" 125
	like "... and says why" "$out" "stdin is a file or directory of procfs"
done
# A directory above a procfs (the host's /): openat(0, "proc/self/mem")
# and files created on the host through it (red-team finding); refused in
# every mode.
for mode in namespace strict absent; do
	out=$(timeout -k 5 30 "$TASKJAIL" run --proc-guard $mode -- /bin/true </ 2>&1); rc=$?
	is "proc_guard $mode, stdin the host's / directory: refused, exit 125" "$rc:$out" \
		"125:taskjail: stdin is a directory, which would bring the host's tree below it into the sandbox (redirect it)"
done
# Over a unix socket in a shared read-write bind, from a process outside:
# Landlock lets the task open only beneath its own root.
mkdir -p "$TJ_WORK/shared" && chmod 777 "$TJ_WORK/shared"
. "$(dirname "$0")/lib/procfs_fd.sh"
procfs_fd_scripts "$TJ_WORK/shared"
mkdir -p "$TJ_WORK/outside" && chmod 777 "$TJ_WORK/outside"
for what in read create; do
	src=/proc; [ $what = create ] && src=$TJ_WORK/outside
	for mode in namespace absent; do
		rm -f "$TJ_WORK/shared/s" "$TJ_WORK/outside/made-from-sandbox"
		timeout -k 5 30 $PY "$TJ_WORK/shared/send.py" "$TJ_WORK/shared/s" "$src" &
		spid=$!
		out=$(timeout -k 5 30 "$TASKJAIL" run --proc-guard $mode --bind-rw "$TJ_WORK/shared:/shared" -- \
			$PY /shared/recv.py /shared/s $what 2>/dev/null)
		wait $spid 2>/dev/null
		case $mode/$what in
		namespace/read) is "proc_guard namespace: a procfs fd received over a unix socket reads the host's pid 1 mount table" "$out" "read True" ;;
		absent/read) is "proc_guard absent: a procfs fd received over a unix socket opens nothing (Landlock)" "$out" "Permission denied" ;;
		namespace/create) is "proc_guard namespace: a host directory fd received over a unix socket creates files there" "$out" created ;;
		absent/create) is "proc_guard absent: ... creates nothing (Landlock handles every file right)" "$out:$(ls "$TJ_WORK/outside")" "Permission denied:" ;;
		esac
	done
done

# A sibling's memory without /proc (red-team finding): ptrace of the
# parent (the runner's stack holds its environment block). Without a
# policy it works under namespace; absent's shield refuses it, as strict's
# rules do, whatever the policy.
. "$(dirname "$0")/lib/ptrace_parent.sh"
out=$(timeout -k 5 30 "$TASKJAIL" run --proc-guard namespace --seccomp none -- /bin/sh -c "$PY -c '$pt'; :" 2>/dev/null)
is "proc_guard namespace, no seccomp filter: a child attaches to its parent with ptrace" "$out" attached
out=$(timeout -k 5 30 "$TASKJAIL" run --proc-guard absent --seccomp none -- /bin/sh -c "$PY -c '$pt'; :" 2>/dev/null)
is "proc_guard absent, no seccomp filter: ptrace refused (EPERM)" "$out" "Operation not permitted"

out=$(timeout -k 5 30 "$TASKJAIL" run --proc-guard absent --bind-ro /usr:/u2 -- /bin/sh -c 'ls /u2/bin/sh' 2>&1)
is "proc_guard absent, a bind without a procfs: runs" "$out" "/u2/bin/sh"
done_testing

#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# proc_guard self: the sandbox's procfs, of which a Landlock domain lets the
# task open only the runner's own status, stat, cmdline and the like (what
# strict allows of another pid: never environ, mounts, mountinfo,
# mountstats, mem, task/, maps, fd/) and common system-wide files. The attack is
# a task reading a secret from its own, its parent's or pid 1's environ or
# the mount tables through /proc, by any path. Bare and under namespace the
# reads work; under self each is EACCES, while the runner keeps its
# /proc/self/status, stat and /proc/meminfo, cpuinfo, stat (node's
# process.memoryUsage() and os.cpus()). A differential run compares every
# path of a corpus with namespace mode's answers (the kernel's).
. "$TJ_SRC/tests/lib.sh"
. "$(dirname "$0")/lib/procguard.sh"
PY=/usr/bin/python3
[ -x $PY ] || { skip "proc_guard self" "no $PY"; done_testing; }
secret="TJSECRET$$x$RANDOM"
# The runner is python (the process taskjail execs); "sh" reads from a child.
reads='
import os, sys
def rd(p):
    try:
        with open(p, "rb") as f: return f.read()
    except OSError as e: return None
paths = ["/proc/self/environ", "/proc/%d/environ" % os.getpid(), "/proc/thread-self/environ",
         "/proc/self/task/%d/environ" % os.getpid(), "/proc/self/mounts", "/proc/mounts",
         "/proc/self/mountinfo", "/proc/self/mountstats", "/proc/self/root/proc/self/environ",
         "/proc/1/environ", "/proc/1/mountinfo"]
leak = [p for p in paths if rd(p) is not None]
print(" ".join(leak) or "-", sum(1 for p in paths if b"TJSECRET" in (rd(p) or b"")))
kept = ["/proc/self/status", "/proc/self/stat", "/proc/self/statm", "/proc/self/cgroup",
        "/proc/meminfo", "/proc/cpuinfo", "/proc/stat", "/proc/uptime", "/proc/sys/kernel/ostype"]
print("kept", " ".join(p for p in kept if rd(p)) == " ".join(kept) and "all" or [p for p in kept if not rd(p)])
sys.stdout.flush()
os.system("sh -c \"cat /proc/\\$PPID/environ /proc/self/environ /proc/self/status 2>&1 | grep -c TJSECRET; cat /proc/\\$PPID/environ /proc/self/status 2>&1 | grep -c denied\"")
'
out=$(TJS=$secret timeout -k 5 30 unshare -Urpf --mount-proc $PY -c "$reads" 2>&1)
like "bare (unshare --mount-proc): every environ and mount table readable, the secret in them" "$out" \
	"^/proc/self/environ /proc/[0-9]+/environ /proc/thread-self/environ /proc/self/task/[0-9]+/environ /proc/self/mounts /proc/mounts /proc/self/mountinfo /proc/self/mountstats /proc/self/root/proc/self/environ /proc/1/environ /proc/1/mountinfo 6"
out=$(timeout -k 5 30 "$TASKJAIL" run --proc-guard namespace --setenv "TJS=$secret" -- $PY -c "$reads" 2>&1)
like "proc_guard namespace: the runner's own environ and mount tables readable, the secret in them" "$out" \
	"^/proc/self/environ /proc/2/environ /proc/thread-self/environ /proc/self/task/2/environ /proc/self/mounts /proc/mounts /proc/self/mountinfo /proc/self/mountstats /proc/self/root/proc/self/environ /proc/1/mountinfo 5"
like "proc_guard namespace: a child reads its parent's environ" "$out" $'\n2\n0$'
out=$(timeout -k 5 30 "$TASKJAIL" run --proc-guard self --setenv "TJS=$secret" -- $PY -c "$reads" 2>&1)
is "proc_guard self: no environ, no mount table, by any path; the runner's own files and /proc's kept; a child reads neither its parent's environ nor its own /proc/self" \
	"$out" "- 0
kept all
0
2"
out=$(timeout -k 5 30 "$TASKJAIL" run --proc-guard self --setenv "TJS=$secret" -- /bin/sh -c 'printenv TJS | grep -c TJSECRET' 2>&1)
is "proc_guard self: the secret is still in the task's own environment" "$out" 1
# the seccomp policy has no part in it
out=$(timeout -k 5 30 "$TASKJAIL" run --proc-guard self --seccomp none --setenv "TJS=$secret" -- $PY -c "$reads" 2>/dev/null | head -2)
is "proc_guard self, no seccomp filter: still nothing (Landlock, not the policy)" "$out" "- 0
kept all"

# A kernel without Landlock (simulated: the landlock_* calls answer ENOSYS):
# strict guards /proc instead, said on stderr and in the start event.
out=$(timeout -k 5 30 "$TJ_HELPERS/nolandlock-exec" "$TASKJAIL" run --proc-guard self --setenv "TJS=$secret" \
	--log-fd 3 -- $PY -c "$reads" 3>"$TJ_WORK/nolandlock.log" 2>&1 | head -2)
like "proc_guard self without Landlock: strict instead, with a notice" "$out" \
	"notice: proc_guard self needs Landlock.*proc_guard strict guards /proc instead"
is "... no environ, no mount table readable" "$(tail -1 <<<"$out")" "- 0"
like "... the start event says strict" "$(head -1 "$TJ_WORK/nolandlock.log")" '"proc_guard":"strict"'

# node: process.memoryUsage() and os.cpus() read /proc/self/stat and /proc/stat
NODE=$(command -v node || true)
if [ -n "$NODE" ]; then
	out=$(timeout -k 5 60 "$TASKJAIL" run --proc-guard self --profile node -- "$NODE" -e \
		'const os=require("os"); console.log(process.memoryUsage().rss > 0, os.cpus().length > 0)' 2>&1)
	is "proc_guard self, node: process.memoryUsage() and os.cpus() work" "$out" "true true"
else
	skip "proc_guard self, node: process.memoryUsage()" "no node on PATH"
fi

# Differential: every path of the corpus (the runner's and a child's view of
# /proc/<pid>/*, /proc/*, /proc/sys, /proc/net, fd and ns links) under self
# against namespace (the kernel's answers), in one profile pair.
pg_lib_profile namespace default ps-N >/dev/null
pg_lib_profile self default ps-S >/dev/null
for m in N S; do
	timeout -k 5 60 "$TASKJAIL" run --profile "$TJ_WORK/ps-$m.json" -- $PY /opt/tjl/procself_probe.py \
		>"$TJ_WORK/ps-$m.out" 2>"$TJ_WORK/ps-$m.err" </dev/null
done
if res=$($PY "$TJ_SRC/tests/security/lib/procself_probe.py" compare "$TJ_WORK/ps-N.out" "$TJ_WORK/ps-S.out"); then
	ok "differential: self answers as namespace but for what it refuses ($(tail -1 <<<"$res"))"
else
	not_ok "differential: self differs from namespace"
	while read -r l; do diag "$l"; done < <(head -30 <<<"$res")
	diag "$(head -5 "$TJ_WORK/ps-S.err")"
fi

# A rule names an inode, and procfs makes a new one when a dentry it dropped
# is looked up again: init holds them. drop_caches (root only) drops every
# unused dentry; the runner's own status and /proc/meminfo must stay readable.
if is_root; then
	out=$( (timeout -k 5 30 "$TASKJAIL" run --proc-guard self -- /bin/sh -c \
		'sleep 1; head -c 5 /proc/$$/status; head -c 8 /proc/meminfo; head -c 1 /proc/$$/environ 2>&1 | grep -o denied' &
		sleep 0.5; sync; echo 2 >/proc/sys/vm/drop_caches; wait) 2>&1)
	is "proc_guard self: after drop_caches the runner's own status and /proc/meminfo still open, environ still refused" \
		"$out" "Name:MemTotaldenied"
else
	skip "proc_guard self after drop_caches" "dropping the dentry cache needs root"
fi

# A bind that brings a procfs: its Landlock rule would grant everything below.
for b in /proc:/hp /:/host /proc/1:/p1; do
	out=$(timeout -k 5 30 "$TASKJAIL" run --proc-guard self --bind-ro "$b" -- /bin/sh -c 'echo ran' 2>&1); rc=$?
	is "proc_guard self, --bind-ro $b: refused, exit 125" "$rc" 125
	like "proc_guard self, --bind-ro $b: the error names the place" "$out" "proc_guard self: a bind brings a procfs into the sandbox at /(hp|host/proc|p1) "
done
out=$(timeout -k 5 30 "$TASKJAIL" run --proc-guard self -- /bin/true </proc 2>&1); rc=$?
is "proc_guard self, stdin a procfs directory: refused, exit 125" "$rc" 125

# A procfs fd received at run time (another sandbox's, over a unix socket in
# a shared bind): its inodes are named by no rule.
mkdir -p "$TJ_WORK/shared" && chmod 777 "$TJ_WORK/shared"
. "$(dirname "$0")/lib/procfs_fd.sh"
procfs_fd_scripts "$TJ_WORK/shared"
for mode in namespace self; do
	rm -f "$TJ_WORK/shared/s"
	timeout -k 5 30 $PY "$TJ_WORK/shared/send.py" "$TJ_WORK/shared/s" /proc &
	spid=$!
	out=$(timeout -k 5 30 "$TASKJAIL" run --proc-guard $mode --bind-rw "$TJ_WORK/shared:/shared" -- \
		$PY /shared/recv.py /shared/s read 2>/dev/null)
	wait $spid 2>/dev/null
	if [ $mode = namespace ]; then
		is "proc_guard namespace: a procfs fd received over a unix socket reads the host's pid 1 mount table" "$out" "read True"
	else
		is "proc_guard self: ... opens nothing (Landlock)" "$out" "Permission denied"
	fi
done

# The runner's own files are named by inode, so its children open the same
# (red-team finding): only what strict lets a process open of another pid.
kid='
import os
def ok(p, m="r"):
    try: open(p, m).close(); return "y"
    except OSError: return "n"
me = os.getpid()
if os.fork() == 0:
    print("".join(ok("/proc/%d/%s" % (me, e)) for e in ("status", "stat", "cmdline", "maps", "fdinfo/0", "io", "auxv", "syscall")),
          ok("/proc/%d/clear_refs" % me, "w"), ok("/proc/%d/coredump_filter" % me, "w"), flush=True)
    os._exit(0)
os.wait()'
out=$(timeout -k 5 30 "$TASKJAIL" run --proc-guard namespace -- $PY -c "$kid" 2>&1)
is "proc_guard namespace: a child opens all of the runner's status, stat, cmdline, maps, fdinfo, io, auxv, syscall, clear_refs, coredump_filter" \
	"$out" "yyyyyyyy y y"
out=$(timeout -k 5 30 "$TASKJAIL" run --proc-guard self -- $PY -c "$kid" 2>&1)
is "proc_guard self: a child opens the runner's status, stat, cmdline; not its maps, fdinfo, io, auxv, syscall, clear_refs, coredump_filter" \
	"$out" "yyynnnnn n n"

# A procfs fd from outside reaches the task over a channel; with --net host
# an abstract unix socket of the host is one. Landlock ABI >= 6 scopes them.
abs="tj-self-abs-$$"
ab_srv="import socket, time; s = socket.socket(socket.AF_UNIX); s.bind(\"\\0$abs\"); s.listen(1); s.settimeout(15); c, _ = s.accept(); time.sleep(0.2)"
ab_cli="import socket
s = socket.socket(socket.AF_UNIX)
try: s.connect(\"\\0$abs\"); print(\"connected\")
except OSError as e: print(e.strerror)"
if "$TASKJAIL" check --json 2>/dev/null | grep -q '"landlock_abi":\([6-9]\|[1-9][0-9]\)'; then
	for mode in namespace self; do
		timeout -k 5 20 $PY -c "$ab_srv" & spid=$!
		sleep 0.3
		out=$(timeout -k 5 20 "$TASKJAIL" run --proc-guard $mode --net host -- $PY -c "$ab_cli" 2>/dev/null)
		[ "$out" = connected ] || { timeout 5 $PY -c "$ab_cli" >/dev/null 2>&1; }
		wait $spid 2>/dev/null
		if [ $mode = namespace ]; then
			is "proc_guard namespace, --net host: the host's abstract unix socket reachable" "$out" connected
		else
			is "proc_guard self, --net host: the host's abstract unix socket refused (Landlock scope)" "$out" "Operation not permitted"
		fi
	done
else
	skip "abstract unix sockets scoped under self" "Landlock ABI < 6"
fi

# Without /proc: listmount(2) and ptrace of the parent (its stack holds the
# environment). namespace without a policy lets both through; self's shield
# refuses them whatever the policy, as absent's does.
. "$(dirname "$0")/lib/ptrace_parent.sh"
out=$(timeout -k 5 30 "$TASKJAIL" run --proc-guard namespace --seccomp none -- /bin/sh -c "$PY -c '$pt'; :" 2>/dev/null)
is "proc_guard namespace, no seccomp filter: a child attaches to its parent with ptrace" "$out" attached
out=$(timeout -k 5 30 "$TASKJAIL" run --proc-guard self --seccomp none -- /bin/sh -c "$PY -c '$pt'; :" 2>/dev/null)
is "proc_guard self, no seccomp filter: ptrace refused (EPERM)" "$out" "Operation not permitted"
. "$(dirname "$0")/lib/listmount.sh"
out=$(timeout -k 5 30 "$TASKJAIL" run --proc-guard namespace --seccomp none -- $PY -c "$lm" 2>/dev/null)
if [ "$out" = mounts ]; then
	out=$(timeout -k 5 30 "$TASKJAIL" run --proc-guard self --seccomp none -- $PY -c "$lm" 2>/dev/null)
	is "proc_guard self, no seccomp filter: listmount(2) refused (ENOSYS)" "$out" "Function not implemented"
else
	skip "listmount(2) under proc_guard self" "no listmount on this kernel ($out)"
fi

# A terminal or host file on stdio: reopening it (/dev/stdout) works as in
# namespace mode.
: >"$TJ_WORK/stdout-file"; chmod 666 "$TJ_WORK/stdout-file"
out=$(timeout -k 5 30 "$TASKJAIL" run --proc-guard self -- /bin/sh -c 'echo reopened >/dev/stdout' 2>&1 >>"$TJ_WORK/stdout-file"; cat "$TJ_WORK/stdout-file")
is "proc_guard self: a host file on stdout reopens through /dev/stdout" "$out" reopened
done_testing

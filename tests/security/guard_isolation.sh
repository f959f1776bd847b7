#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# The task cannot reach the sandbox's own processes: it shares their uid, so
# the kernel alone lets it lower init's limits (prlimit) and stop or kill
# the /proc guard; the shield filter refuses both, and the deny log stays
# bounded and valid JSON whatever the task does.
. "$TJ_SRC/tests/lib.sh"
. "$(dirname "$0")/lib/procguard.sh"
PY=/usr/bin/python3
[ -x $PY ] || { skip "guard isolation" "no $PY"; done_testing; }
prof() { pg_lib_profile "$1" "$2"; }
# The attack, without a filter: pid 2 is a sibling of the same uid.
bare=$(timeout -k 5 20 "$TASKJAIL" run --profile "$(prof namespace none)" -- $PY -c '
import os, resource, signal, time
c = os.fork()
if c == 0:
    time.sleep(30); os._exit(0)
resource.prlimit(1, resource.RLIMIT_NOFILE, (64, 64)); print("prlimit-init DONE")
os.kill(c, signal.SIGSTOP); print("kill-sibling-19 DONE")
os.kill(c, signal.SIGKILL); os.waitpid(c, 0)' 2>&1)
like "no filter: the task sets init's RLIMIT_NOFILE (the attack works)" "$bare" "prlimit-init DONE"
like "no filter: the task stops a same-uid process of the sandbox" "$bare" "kill-sibling-19 DONE"
st=$(timeout -k 5 20 "$TASKJAIL" run --profile "$(prof strict default)" -- $PY /opt/tjl/guard-attack.py 2 2>&1)
rc=$?
is "strict: the sandbox survives every attempt" "$rc" 0
for a in prlimit-init prlimit-guard pidfd_open-guard; do
	like "strict: $a refused" "$st" "$a EPERM"
done
like "strict: the guard's /proc/2 is not handed out (a pidfd)" "$st" "open-guard-dir EACCES"
like "strict: setrlimit on itself still works" "$st" "setrlimit-self DONE"
for s in 19 32 9; do for p in 2 -2 -1; do
	like "strict: kill($p, $s) refused" "$st" "kill-$p-$s EPERM"
done; done
like "strict: the guard still answers opens" "$st" "alive True"
# The guard's threads (FIFO workers) have tids the shield cannot know: a
# task may stop the whole guard through one (tkill(worker, SIGSTOP); the
# kernel allows it, same uid). init sees the stop and ends the sandbox (125)
# instead of leaving every open hanging.
stop=$(timeout -k 5 40 "$TASKJAIL" run --profile "$(prof strict default)" -- $PY -c '
import os, threading, time, ctypes, signal, sys
libc = ctypes.CDLL(None, use_errno=True)
os.mkfifo("/tmp/f")
p = os.fork()
if p == 0: os._exit(0)
os.waitpid(p, 0)
def opener():
    try: os.open("/tmp/f", os.O_RDONLY)  # blocks: a guard worker waits for a writer
    except OSError: pass
t = threading.Thread(target=opener, daemon=True); t.start()
time.sleep(0.5)
mine = {os.getpid(), t.native_id}
hits = [tid for tid in range(p + 1, p + 30) if tid not in mine and libc.syscall(200, tid, 0) == 0]
print("worker tids signalable:", len(hits) > 0, flush=True)
for tid in hits: libc.syscall(200, tid, int(signal.SIGSTOP))
time.sleep(0.5)
fd = os.open("/usr/bin/python3", os.O_RDONLY)
print("open after the stop answered", flush=True)' 2>&1)
rc=$?
like "a guard worker thread can be signalled by the task (the kernel allows it)" "$stop" "worker tids signalable: True"
is "the guard stopped through a worker thread: the sandbox ends with 125 (not hangs)" "$rc" 125
like "... saying the guard was stopped" "$stop" "guard .* was stopped \\(signal 19\\)"
ns=$(timeout -k 5 20 "$TASKJAIL" run --profile "$(prof namespace default)" -- $PY -c '
import resource
try: resource.prlimit(1, resource.RLIMIT_NOFILE, (64, 64)); print("prlimit-init DONE")
except OSError as e: print("prlimit-init", e.errno == 1 and "EPERM" or e)' 2>&1)
like "namespace + policy: prlimit on init refused" "$ns" "prlimit-init EPERM"

# pidfd_send_signal takes its target as an fd, and a /proc/<pid> directory
# is one: under self (or namespace) with a guard (--log-denials) the task can
# open /proc/2 (red-team round 3). Bare, a process stops its child that way;
# with a guard the shield refuses the call outright.
sig='
import os, ctypes, sys, time
libc = ctypes.CDLL(None, use_errno=True)
pid = int(sys.argv[1]) if len(sys.argv) > 1 else 2
fd = os.open("/proc/%d" % pid, os.O_RDONLY | os.O_DIRECTORY)
r = libc.syscall(424, fd, 19, None, 0)
print("sent" if r == 0 else os.strerror(ctypes.get_errno()), flush=True)'
out=$(sleep 5 & c=$!; timeout -k 5 20 $PY -c "$sig" $c 2>&1; kill -CONT $c; kill $c 2>/dev/null)
is "bare: pidfd_send_signal through a /proc/<pid> directory fd stops a process" "$out" sent
for mode in self namespace; do
	out=$(timeout -k 5 20 "$TASKJAIL" run --proc-guard $mode --log-denials -- $PY -c "$sig" 2>&1); rc=$?
	is "$mode + --log-denials: pidfd_send_signal at the guard (/proc/2) refused, the run ends normally" "$rc:$out" "0:Operation not permitted"
done

# The deny log: a task that loops on denied opens for 3 s gets at most the
# burst plus the rate, in bytes, all valid JSON, also for a path that is not
# UTF-8.
log=$TJ_WORK/flood.log
timeout -k 5 30 "$TASKJAIL" run --profile "$(prof strict default)" --log-fd 3 -- $PY -c '
import os, time
t = time.time()
while time.time() - t < 3:
    for p in (b"/proc/self/environ", b"/proc/self/\xff\xc3/../environ"):
        try: os.open(p, os.O_RDONLY)
        except OSError: pass
' 3>"$log" >/dev/null 2>&1
n=$(grep -c '"event":"deny"' "$log")
b=$(grep '"event":"deny' "$log" | wc -c)
# 256 KiB burst + 16 KiB/s for 3 s (4 s: start-up), plus the time stamp
# the supervisor puts on each line (under 48 bytes)
[ "$n" -gt 100 ] && [ "$b" -le $((256 * 1024 + 4 * 16 * 1024 + n * 48)) ] && ok "flood: $n deny lines, $b bytes in 3 s (bounded)" ||
	not_ok "flood: $n deny lines, $b bytes"
like "flood: the rest is counted" "$(grep '"event":"deny_suppressed"' "$log" | head -1)" '"count":[0-9]+'
check "flood: every line is valid JSON" $PY -c 'import json,sys; [json.loads(l) for l in open(sys.argv[1], encoding="utf-8")]' "$log"
done_testing

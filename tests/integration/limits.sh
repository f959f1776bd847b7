#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# --memory / --pids / --cpu: what enforces each limit (start event), a fork
# bomb and a memory bomb contained, OOM kills reported, a daemonizing runner
# leaves nothing behind, no cgroup left behind. Every bomb has a second cap
# (ulimit -u / -v on the caller, an inner loop bound, --timeout, timeout -s
# KILL) so a broken limit cannot hurt the machine.
. "$TJ_SRC/tests/lib.sh"

PY=/usr/bin/python3
ev() { $PY -c '
import json, sys
evs = [json.loads(l) for l in open(sys.argv[1])]
e = evs[0] if sys.argv[2] == "start" else evs[-1]
out = []
for k in sys.argv[3:]:
    v = e
    for p in k.split("."):
        v = v.get(p) if isinstance(v, dict) else None
    out.append(str(v))
print(" ".join(out))
' "$@"; }
# cgroups this test's sandboxes could have made
# cgroups of supervisors that are gone (a live one belongs to another run)
leftover() {
	for d in $(find /sys/fs/cgroup -maxdepth 4 -type d -name 'taskjail-*' 2>/dev/null); do
		kill -0 "${d##*taskjail-}" 2>/dev/null || echo "$d"
	done | wc -l
}
before=$(leftover)

# What enforces each limit: cgroups for root on this host, rlimits (memory,
# pids) and nothing (cpu) for a user without a delegated cgroup.
"$TASKJAIL" run --memory 256M --pids 64 --cpu 0.5 --log-file "$TJ_WORK/s.json" -- /bin/true 2>"$TJ_WORK/err"
by=$(ev "$TJ_WORK/s.json" start limits.memory.enforced_by limits.pids.enforced_by limits.cpu.enforced_by)
diag "enforced by: memory, pids, cpu = $by"
is "start event: the limits asked for" "$(ev "$TJ_WORK/s.json" start limits.memory.max limits.pids.max limits.cpu.max)" "268435456 64 0.5"
if is_root; then
	like "root: every limit in a cgroup" "$by" '^cgroup-v[12] cgroup-v[12] cgroup-v[12]$'
else
	like "user: memory and pids by a cgroup or an rlimit" "$by" '^(cgroup-v2|rlimit) (cgroup-v2|rlimit) '
	case $by in *" none") like "user: an unenforced cpu limit is said on stderr" "$(cat "$TJ_WORK/err")" "warning: cpu limit not enforced";; esac
fi
is "no limit asked: every limit none, no warning" \
	"$("$TASKJAIL" run --log-fd 3 -- /bin/true 3>"$TJ_WORK/nolim.log" 2>"$TJ_WORK/err" >/dev/null; head -1 "$TJ_WORK/nolim.log" | $PY -c 'import json,sys; l=json.load(sys.stdin)["limits"]; print(*[l[k]["enforced_by"] for k in ("memory","pids","cpu")])'):$(cat "$TJ_WORK/err")" "none none none:"

# Forks until refused, at most 400 (the second cap); the children sleep and
# die with the sandbox.
forker='
import os, time
n = 0
for _ in range(400):
    try:
        pid = os.fork()
    except OSError:
        break
    if pid == 0:
        time.sleep(60)
        os._exit(0)
    n += 1
print(n)'
out=$( (ulimit -u 2000; timeout -s KILL 60 "$TASKJAIL" run --pids 20 --timeout 30 --log-file "$TJ_WORK/f.json" -- $PY -c "$forker") ); rc=$?
pby=$(ev "$TJ_WORK/f.json" start limits.pids.enforced_by)
diag "--pids 20 enforced by $pby: $out forks succeeded"
check "--pids 20: forks stop under 20 (by $pby, got $out)" [ "$rc" = 0 ] && [ "${out:-999}" -lt 20 ] && [ "${out:-0}" -ge 10 ]
if [ "$pby" != rlimit ]; then
	u=$(ev "$TJ_WORK/f.json" exit usage.pids_peak usage.pids_refused)
	check "--pids: exit event usage pids_peak <= 20, refusals counted ($u)" $PY -c 'import sys; p, r = map(int, sys.argv[1:3]); sys.exit(not (p <= 20 and r >= 1))' $u
fi

# RLIMIT_NPROC is counted per user namespace and uid (ucounts): processes of
# the same host uid outside the sandbox do not use up its limit.
if ! is_root; then
	tag=$((300000 + RANDOM))
	for _ in $(seq 30); do sleep "$tag" & done
	out=$( (ulimit -u 2000; timeout -s KILL 60 "$TASKJAIL" run --pids 20 --timeout 30 -- $PY -c "$forker") )
	diag "with 30 processes of uid $(id -u) outside: $out forks succeeded in the sandbox"
	check "user: RLIMIT_NPROC counts the sandbox's processes, not the host uid's ($out forks beside 30 outside)" [ "${out:-0}" -ge 10 ]
	pkill -f "^sleep $tag\$"; wait 2>/dev/null
fi

# A real fork bomb, stopped by the pids limit; --timeout ends it.
t0=$(date +%s)
(ulimit -u 2000; timeout -s KILL 60 "$TASKJAIL" run --pids 64 --timeout 3 --kill-after 1 --log-file "$TJ_WORK/b.json" -- \
	/bin/sh -c 'b() { b | b & }; b; sleep 30' >/dev/null 2>&1); rc=$?
is "fork bomb under --pids 64: ended by --timeout (124) within the bound" "$rc:$(( $(date +%s) - t0 < 20 ))" "124:1"
if [ "$(ev "$TJ_WORK/b.json" start limits.pids.enforced_by)" != rlimit ]; then
	p=$(ev "$TJ_WORK/b.json" exit usage.pids_peak)
	check "fork bomb: pids_peak $p <= 64" [ "$p" -le 64 ]
fi
hu=$(is_root && echo 65532 || id -u)
is "fork bomb: no shell of the sandbox (host uid $hu) left" "$(pgrep -u "$hu" -c -x sh || true)" 0

# Memory bomb: 8 MiB at a time, at most 1 GiB (the second cap, beside
# ulimit -v).
bomb='
import sys
a = []
for i in range(128):
    a.append(b"\x01" * (8 << 20))
print("survived", len(a))'
out=$( (ulimit -v 4000000; timeout -s KILL 60 "$TASKJAIL" run --memory 128M --timeout 30 --log-file "$TJ_WORK/m.json" -- $PY -c "$bomb" 2>&1) ); rc=$?
mby=$(ev "$TJ_WORK/m.json" start limits.memory.enforced_by)
diag "--memory 128M enforced by $mby: rc $rc"
unlike "memory bomb under --memory 128M did not get 1 GiB ($mby)" "$out" survived
case $mby in
cgroup*)
	is "memory bomb: OOM kill (137), reason oom in the exit event" "$rc:$(ev "$TJ_WORK/m.json" exit reason signal)" "137:oom 9"
	check "memory bomb: oom_kills >= 1, memory_peak <= 128M" $PY -c 'import sys; k, p = map(int, sys.argv[1:3]); sys.exit(not (k >= 1 and p <= 128 << 20))' $(ev "$TJ_WORK/m.json" exit usage.oom_kills usage.memory_peak);;
rlimit*)
	like "memory bomb: RLIMIT_DATA makes the allocation fail (MemoryError)" "$rc:$out" "^1:.*MemoryError";;
esac

# A runner that daemonizes (double fork, new session) and exits: taskjail
# returns at once and nothing of the sandbox is left running.
tag=$((400000 + RANDOM))
t0=$(date +%s)
timeout -s KILL 30 "$TASKJAIL" run --pids 64 -- /bin/sh -c "(setsid sleep $tag </dev/null >/dev/null 2>&1 &) ; exit 0"; rc=$?
is "daemonizing runner: taskjail exits with the runner (0) at once" "$rc:$(( $(date +%s) - t0 < 10 ))" "0:1"
sleep 0.2
is "daemonizing runner: the daemon died with the sandbox" "$(pgrep -fc "^sleep $tag\$" || true)" 0

is "no taskjail cgroup left behind" "$(leftover)" "$before"

# A supervisor killed with SIGKILL cannot remove its cgroups; the next run
# removes them (empty, their supervisor gone), and only those.
if is_root; then
	"$TASKJAIL" run --pids 64 -- /bin/sleep 30 & pid=$!
	for _ in $(seq 100); do [ "$(leftover)" -gt "$before" ] && break; sleep 0.05; done
	sleep 0.2
	kill -KILL $pid; wait $pid 2>/dev/null
	for _ in $(seq 100); do pgrep -u 65532 -x sleep >/dev/null || break; sleep 0.05; done
	is "supervisor SIGKILLed: its cgroup is left" "$(leftover)" "$((before + 1))"
	"$TASKJAIL" run --pids 64 -- /bin/true
	is "... and the next run removes it" "$(leftover)" "$before"
fi

# A caller's small stack limit reaches every process of the sandbox (the
# runner sets its own only at exec): the strict guard must still start and
# answer opens (a warm-up that wrote 64 KiB of its stack at once was killed
# by `ulimit -s 64`, red-team finding).
out=$( (ulimit -s 64; timeout -s KILL 30 "$TASKJAIL" run --proc-guard strict -- /bin/cat /proc/self/stat 2>&1) ); rc=$?
is "ulimit -s 64: the strict guard starts and answers (status)" "$rc" 0
like "ulimit -s 64: ... the task read its own stat" "$out" '^[0-9]+ \(cat\)'

# Bad values.
for o in "--memory 0" "--memory lots" "--pids 0" "--pids -1" "--cpu 0" "--cpu 0.0001"; do
	"$TASKJAIL" run $o -- /bin/true 2>/dev/null; is "'$o' refused with 125" "$?" 125
done
printf '{ "limits": { "memory": "1G", "swap": 1 } }' > "$TJ_WORK/bad.json"
like "profile: unknown limit named with its JSON path" "$("$TASKJAIL" run --profile "$TJ_WORK/bad.json" -- /bin/true 2>&1)" '\$\.limits\.swap: unknown limit'

done_testing

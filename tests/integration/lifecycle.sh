#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# Signals, supervisor death, leaks over many runs, the event log.
. "$TJ_SRC/tests/lib.sh"

# Forwarding: the runner's handler runs and its exit code comes back.
for sig in TERM INT HUP QUIT USR1 USR2; do
	code=$((40 + ${#sig}))
	"$TASKJAIL" run -- /bin/sh -c "trap 'exit $code' $sig; echo ready; while :; do sleep 0.05; done" > "$TJ_WORK/out.$sig" &
	pid=$!
	for _ in $(seq 100); do grep -q ready "$TJ_WORK/out.$sig" 2>/dev/null && break; sleep 0.05; done
	kill -"$sig" "$pid"
	wait "$pid"; rc=$?
	is "SIG$sig reaches the runner; its handler's exit code comes back" "$rc" "$code"
done

# Runner killed by a forwarded signal without a handler -> 128+N.
"$TASKJAIL" run -- /bin/sleep 30 & pid=$!
sleep 0.3; kill -TERM $pid; wait $pid; is "unhandled SIGTERM -> 143" "$?" 143

# SIGKILL of the supervisor takes the whole sandbox down.
tag=$((100000 + RANDOM))
"$TASKJAIL" run -- /bin/sh -c "sleep $tag & sleep $tag" & pid=$!
for _ in $(seq 100); do [ "$(pgrep -fc "^sleep $tag\$")" -ge 2 ] && break; sleep 0.05; done
is "runner and its child are running" "$(pgrep -fc "^sleep $tag\$")" 2
kill -KILL $pid; wait $pid 2>/dev/null
for _ in $(seq 100); do [ "$(pgrep -fc "^sleep $tag\$")" = 0 ] && break; sleep 0.05; done
is "supervisor SIGKILLed: no process of the sandbox survives" "$(pgrep -fc "^sleep $tag\$")" 0

# The runner's orphans are reaped and die with the sandbox.
out=$(timeout 10 "$TASKJAIL" run -- /bin/sh -c '(sleep 60 &) ; echo done'); rc=$?
is "an orphaned background child does not keep the sandbox alive" "$rc:$out" "0:done"

# A runner that stopped itself still ends on SIGTERM (init sends SIGCONT
# after a forwarded termination signal, as timeout(1) does); without it the
# supervisor waited forever.
"$TASKJAIL" run -- /bin/sh -c 'kill -STOP $$; echo resumed' >/dev/null 2>&1 &
p=$!
sleep 1
kill -TERM $p
for _ in $(seq 50); do kill -0 $p 2>/dev/null || break; sleep 0.1; done
if kill -0 $p 2>/dev/null; then
	not_ok "a stopped runner ends on SIGTERM"; kill -KILL $p
else
	wait $p; is "a stopped runner ends on SIGTERM (128+15)" "$?" 143
fi

# 200 runs: no zombie, no leaked fd, no leaked mount.
fds_before=$(ls /proc/$$/fd | wc -l)
mnt_before=$(wc -l < /proc/self/mountinfo)
for _ in $(seq 200); do "$TASKJAIL" run -- /bin/true || break; done
is "200 sequential runs succeed" "$?" 0
z=$(ps -eo stat=,ppid= | awk -v p=$$ '$1 ~ /^Z/ && $2 == p' | wc -l)
is "no zombie children left" "$z" 0
is "no fd leaked into the caller" "$(ls /proc/$$/fd | wc -l)" "$fds_before"
is "no mount leaked into the host" "$(wc -l < /proc/self/mountinfo)" "$mnt_before"
is "no taskjail process left" "$(pgrep -fc "^$TASKJAIL run" || true)" 0

# The event log.
"$TASKJAIL" run --log-fd 3 -- /bin/sh -c 'exit 7' 3>"$TJ_WORK/log.json"
/usr/bin/python3 - "$TJ_WORK/log.json" > "$TJ_WORK/log.check" <<'PY'
import json, sys
ev = [json.loads(l) for l in open(sys.argv[1])]
s, e = ev[0], ev[-1]
print(len(ev), s["event"], s["profile"], s["uid"], "net" in s["namespaces"], e["event"], e["status"], e["signal"],
      e["wall_ms"] > 0, e["peak_rss_kb"] > 0, e["setup_error"])
PY
is "--log-fd: start and exit events as JSON lines" "$(cat "$TJ_WORK/log.check")" "2 start minimal 65532 True exit 7 0 True True False"
"$TASKJAIL" run --log-file "$TJ_WORK/log2.json" -- /bin/sh -c 'kill -TERM $$'
out=$(/usr/bin/python3 -c 'import json,sys; e=json.loads(open(sys.argv[1]).read().splitlines()[-1]); print(e["status"], e["signal"])' "$TJ_WORK/log2.json")
is "--log-file: exit event records the signal" "$out" "143 15"
out=$("$TASKJAIL" run --log-fd 3 -- /bin/sh -c 'ls /proc/self/fd | tr "\n" " "' 3>/dev/null)
is "the log fd is not inherited by the sandbox" "$out" "0 1 2 3 "

done_testing

#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# Every event line a run can produce is checked against docs/log-schema.md
# by tests/log_schema.py: start, exit (normal, signal, setup error), deny by
# procguard (also for a path that is not UTF-8), deny by seccomp,
# deny_suppressed, procguard. guard_error needs a failing guard and is
# checked only as a table of the schema.
. "$TJ_SRC/tests/lib.sh"
PY=/usr/bin/python3
SCHEMA=$TJ_SRC/docs/log-schema.md
V=("$PY" "$TJ_SRC/tests/log_schema.py" "$SCHEMA")
L=$TJ_WORK/log

run_log() { # NAME ARGS...  -- run with --log-fd 3 into $L/NAME
	local name=$1; shift
	"$TASKJAIL" run --log-fd 3 "$@" 3>"$L/$name" >/dev/null 2>&1
}
mkdir -p "$L"

run_log plain -- /bin/true
run_log status -- /bin/sh -c 'exit 3'
run_log signal -- /bin/sh -c 'kill -TERM $$'
run_log setup --workdir /no/such -- /bin/true
# Failures before the sandbox runs end the log with an exit event too.
run_log early-bind --bind-ro /no/such/dir:/x -- /bin/true
run_log early-cmd -- /no/such/command
run_log hostnet --net host -- /bin/true
run_log denials --proc-guard strict --log-denials -- "$PY" -c '
import ctypes, os
for p in (b"/proc/self/environ", b"/proc/self/environ//\xff\xc3\x01\"\\", b"/proc/1/environ"):
    try: os.open(p, os.O_RDONLY)
    except OSError: pass
ctypes.CDLL(None).syscall(250, 0, 0, 0)   # keyctl: refused by the policy
'
# More than the 256 KiB burst of deny lines at once: deny_suppressed.
timeout -k 5 30 "$TASKJAIL" run --proc-guard strict --log-fd 3 -- "$PY" -c '
import os
for i in range(3000):
    try: os.open(b"/proc/self/environ", os.O_RDONLY)
    except OSError: pass
' 3>"$L/flood" >/dev/null 2>&1

out=$("${V[@]}" "$L"/* 2>&1); rc=$?
is "every line of every run matches the schema" "$rc" 0
[ "$rc" = 0 ] || diag "$out"
seen=$(printf '%s\n' "$out" | sed -n 's/^seen: //p')
for ev in start exit deny/procguard deny/seccomp deny_suppressed procguard; do
	like "... the runs produced $ev" " $seen " " $ev "
done
like "start carries schema 1" "$(head -1 "$L/plain")" '^\{"time":[0-9.]+,"event":"start","schema":1,'
like "a setup error's exit line says so" "$(tail -1 "$L/setup")" '"event":"exit","status":125,.*"setup_error":true'
like "a signal's exit line names it" "$(tail -1 "$L/signal")" '"event":"exit","status":143,"signal":15,'
like "a path that is not UTF-8 is escaped byte by byte" "$(cat "$L/denials")" \
	'"path":"/proc/self/environ//\\u00ff\\u00c3\\u0001\\"\\\\"'

# The checker itself refuses what the schema does not allow.
bad() { # DESC LINE REGEX
	printf '%s\n' "$2" > "$TJ_WORK/bad.log"
	local o; o=$("${V[@]}" "$TJ_WORK/bad.log" 2>&1)
	local r=$?
	if [ "$r" = 1 ] && printf '%s' "$o" | grep -Eq -- "$3"; then ok "checker refuses $1"; else not_ok "checker refuses $1"; diag "rc=$r $o"; fi
}
bad "a line cut without closing" '{"time":1.5,"event":"exit","status":0' "not JSON"
bad "an unknown event" '{"time":1.5,"event":"nope"}' "not in the schema"
bad "a missing field" '{"time":1.5,"event":"exit","status":0,"signal":0,"reason":"exit","setup_error":false,"timeout_killed":false,"wall_ms":1,"usage":{}}' "missing peak_rss_kb"
bad "an unknown field" '{"time":1.5,"event":"deny_suppressed","count":1,"limit_bytes_per_s":16384,"x":1}' "not in the schema: x"
bad "a wrong type" '{"time":1.5,"event":"deny_suppressed","count":"1","limit_bytes_per_s":16384}' "count is not integer"
bad "a line over 4096 bytes" "{\"time\":1.5,\"event\":\"guard_error\",\"message\":\"$(head -c 5000 /dev/zero | tr '\0' a)\",\"errno\":0}" "at most 4096"
printf '%s\n' '{"time":1.5,"event":"guard_error","message":"x...[truncated]","errno":5,"truncated":true}' > "$TJ_WORK/ok.log"
check "checker accepts a truncated guard_error line" "${V[@]}" "$TJ_WORK/ok.log"
for f in early-bind early-cmd; do
	like "$f: the log ends with an exit event saying why" "$(tail -1 "$L/$f")" \
		'"event":"exit","status":12[57],.*"reason":"setup_error".*"message":"'
done
done_testing

#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# A refused open is logged as a "deny" event naming the path and the pid;
# an allowed one is not. If the supervisor dies, the sandbox dies with it.
. "$TJ_SRC/tests/lib.sh"
. "$(dirname "$0")/lib/procguard.sh"

prof=$(pg_profile strict)
log=$("$TASKJAIL" run --log-fd 3 --profile "$prof" -- /bin/sh -c 'cat /proc/self/status >/dev/null; exec cat /proc/self/environ' 3>&1 >/dev/null 2>/dev/null)
deny=$(grep '"event":"deny"' <<<"$log")
like "deny event for environ" "$deny" '"path":"/proc/self/environ"'
like "deny event names the pid in the sandbox" "$deny" '"pid":[0-9]+'
like "deny event says EACCES" "$deny" '"errno":13'
unlike "no event for the allowed open" "$log" '/proc/self/status'
is "exactly one deny event" "$(grep -c '"event":"deny"' <<<"$log")" 1
like "a procguard event counts the opens decided, one denied" "$log" '"event":"procguard","opens":[1-9][0-9]*,.*"denied":1,'

# namespace mode: no filter, no deny events, the read works
log=$("$TASKJAIL" run --log-fd 3 --profile "$(pg_profile namespace)" -- /bin/cat /proc/self/environ 3>&1 >/dev/null 2>/dev/null)
unlike "namespace: no deny event" "$log" '"event":"deny"'

# The supervisor is SIGKILLed while the sandbox opens files in a loop: the
# whole sandbox goes (parent-death signal, pid namespace), nothing keeps
# running with the listener gone.
tag=pgdeath$$
"$TASKJAIL" run --profile "$prof" -- /bin/sh -c "while :; do cat /proc/self/stat >/dev/null; done; : $tag" >/dev/null 2>&1 &
sup=$!
sleep 0.5
kill -KILL $sup
wait $sup 2>/dev/null
for _ in 1 2 3 4 5 6 7 8 9 10; do
	pgrep -f "$tag" >/dev/null || break
	sleep 0.2
done
if pgrep -f "$tag" >/dev/null; then
	not_ok "supervisor killed: the sandbox is gone"
	for p in $(pgrep -f "$tag"); do kill -KILL "$p"; done
else
	ok "supervisor killed: the sandbox is gone"
fi
done_testing

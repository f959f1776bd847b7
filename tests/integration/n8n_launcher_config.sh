#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# `taskjail run --launcher-config FILE --runner-type TYPE`: the runner's
# command, args, workdir and exactly the environment n8n's launcher builds;
# errors in the file reported like profile errors.
. "$TJ_SRC/tests/lib.sh"

LC="$TJ_WORK/n8n-task-runners.json"
cat >"$LC" <<'EOF'
{
  "task-runners": [
    {
      "runner-type": "javascript",
      "workdir": "/tmp",
      "command": "/usr/bin/env",
      "health-check-server-port": "5681",
      "allowed-env": ["PATH", "FOO", "HOME", "N8N_RUNNERS_AUTH_TOKEN"],
      "env-overrides": {
        "NODE_FUNCTION_ALLOW_BUILTIN": "crypto",
        "FOO": "from-override",
        "N8N_RUNNERS_GRANT_TOKEN": "forged",
        "N8N_RUNNERS_HEALTH_CHECK_SERVER_PORT": "1"
      },
      "some-future-field": true
    },
    {
      "runner-type": "python",
      "workdir": "/usr",
      "command": "/bin/sh",
      "args": ["-c", "pwd; echo \"$0|$*\"", "argzero", "a b"],
      "health-check-server-port": "5682"
    }
  ]
}
EOF
chmod a+r "$LC"

caller_env=(env -i PATH=/usr/bin:/bin LANG=C.UTF-8 TERM=dumb TZ=UTC HOME=/home/launcher
	FOO=from-caller SECRET_OF_THE_CALLER=x N8N_RUNNERS_AUTH_TOKEN=launcher-secret
	N8N_RUNNERS_GRANT_TOKEN=grant-123 N8N_RUNNERS_TASK_BROKER_URI=http://127.0.0.1:5679
	N8N_RUNNERS_TASK_TIMEOUT=42)

out=$("${caller_env[@]}" "$TASKJAIL" run --launcher-config "$LC" --runner-type javascript 2>"$TJ_WORK/err")
rc=$?
is "javascript runner ran" "$rc" 0
names=$(printf '%s\n' "$out" | cut -d= -f1 | sort | tr '\n' ' ')
is "environment: LANG PATH TZ TERM + allowed-env + overrides + what the runner must get, nothing else" \
	"$names" "FOO HOME LANG N8N_RUNNERS_AUTO_SHUTDOWN_TIMEOUT N8N_RUNNERS_GRANT_TOKEN N8N_RUNNERS_HEALTH_CHECK_SERVER_ENABLED N8N_RUNNERS_HEALTH_CHECK_SERVER_PORT N8N_RUNNERS_TASK_BROKER_URI N8N_RUNNERS_TASK_TIMEOUT NODE_FUNCTION_ALLOW_BUILTIN PATH TERM TZ "
val() { printf '%s\n' "$out" | sed -n "s/^$1=//p"; }
is "env-overrides win over the caller's value" "$(val FOO)" from-override
is "the grant token is the caller's, an override cannot forge it" "$(val N8N_RUNNERS_GRANT_TOKEN)" grant-123
is "health port from the file; override ignored" "$(val N8N_RUNNERS_HEALTH_CHECK_SERVER_PORT)" 5681
is "health server enabled" "$(val N8N_RUNNERS_HEALTH_CHECK_SERVER_ENABLED)" true
is "legacy task timeout from the launcher's env" "$(val N8N_RUNNERS_TASK_TIMEOUT)" 42
is "legacy auto-shutdown default 15" "$(val N8N_RUNNERS_AUTO_SHUTDOWN_TIMEOUT)" 15
is "allowed HOME passes as the launcher passes it" "$(val HOME)" /home/launcher
unlike "the launcher's auth token never reaches the runner, even if allowed-env names it" "$out" "launcher-secret"
like "... and taskjail says so" "$(cat "$TJ_WORK/err")" "not passing N8N_RUNNERS_AUTH_TOKEN"
like "... and that overrides of required variables are ignored" "$(cat "$TJ_WORK/err")" "env-overrides.N8N_RUNNERS_GRANT_TOKEN ignored"

sed 's/"workdir"/"env": { "HOME": "\/tmp" }, "workdir"/' "$TJ_SRC/profiles/minimal.json" >"$TJ_WORK/home.json"
out=$("${caller_env[@]}" "$TASKJAIL" run --profile "$TJ_WORK/home.json" --launcher-config "$LC" --runner-type javascript 2>/dev/null)
is "a profile's env (HOME=/tmp, as node.json sets) wins over the launcher's copy" "$(val HOME)" /tmp
is "... but not over env-overrides" "$(val FOO)" from-override

out=$("${caller_env[@]}" "$TASKJAIL" run --launcher-config "$LC" --runner-type python -- "c d" e 2>&1)
is "command + args + extra args, workdir" "$out" "$(printf '/usr\nargzero|a b c d e')"

out=$("${caller_env[@]}" "$TASKJAIL" run --net relay --launcher-config "$LC" --runner-type javascript 2>/dev/null |
	sed -n 's/^N8N_RUNNERS_TASK_BROKER_URI=//p')
is "net relay: the runner's broker URI points at 127.0.0.1" "$out" "http://127.0.0.1:5679"

bad() { # DESC REGEX FILE-CONTENT [TYPE]
	local f="$TJ_WORK/bad.json" out rc
	printf '%s' "$3" >"$f"
	chmod a+r "$f"
	out=$("${caller_env[@]}" "$TASKJAIL" run --launcher-config "$f" --runner-type "${4:-javascript}" 2>&1 </dev/null)
	rc=$?
	if [ "$rc" = 125 ] && printf '%s' "$out" | grep -Eq -- "$2" && [ "$(printf '%s\n' "$out" | wc -l)" = 1 ]; then
		ok "$1"
	else
		not_ok "$1"
		diag "rc=$rc out=$out"
	fi
}
bad "invalid JSON: file, line, column" "launcher config $TJ_WORK/bad.json: invalid JSON near line 2" $'{\n  "task-runners": [,]}'
bad "wrong type: file, JSON path, reason" "bad.json: \\\$.task-runners\\[0\\].args\\[1\\]: expected a string" \
	'{"task-runners":[{"runner-type":"javascript","workdir":"/","command":"/bin/true","args":["a",1]}]}'
bad "relative command refused" "\\\$.task-runners\\[0\\].command: 'node' is not an absolute path" \
	'{"task-runners":[{"runner-type":"javascript","workdir":"/","command":"node"}]}'
bad "reserved health port refused" "port 5679 is reserved" \
	'{"task-runners":[{"runner-type":"javascript","workdir":"/","command":"/bin/true","health-check-server-port":"5679"}]}'
bad "unknown runner type lists the known ones" "no runner of type 'ruby' \\(it defines: javascript, python\\)" "$(cat "$LC")" ruby
out=$("$TASKJAIL" run --launcher-config "$TJ_WORK/missing.json" --runner-type javascript 2>&1); rc=$?
is "missing file: 125" "$rc" 125
like "... naming it" "$out" "launcher config $TJ_WORK/missing.json: No such file"
out=$(env -i PATH=/usr/bin:/bin "$TASKJAIL" run --launcher-config "$LC" --runner-type javascript 2>&1); rc=$?
is "no grant token in the launcher's env: 125" "$rc" 125
like "... with the reason" "$out" "N8N_RUNNERS_GRANT_TOKEN is not set"
out=$("$TASKJAIL" run --launcher-config "$LC" 2>&1); rc=$?
is "--launcher-config without --runner-type: 125" "$rc" 125
like "... saying so" "$out" "--launcher-config and --runner-type go together"
done_testing

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

# n8n's stock file (docker/images/runners/n8n-task-runners.json, as n8n ships
# it): its workdir /home/runner is the runner image's home, not a path of the
# sandbox. It must run as it is: the runner starts in the profile's workdir,
# with a notice. (node is usually not at /usr/local/bin/node here: then the
# exec fails, after the workdir.)
STOCK="$TJ_SRC/tests/data/n8n-task-runners.stock.json"
"${caller_env[@]}" "$TASKJAIL" run --profile node --launcher-config "$STOCK" --runner-type javascript \
	>/dev/null 2>"$TJ_WORK/err" </dev/null; rc=$?
err=$(cat "$TJ_WORK/err")
unlike "stock file as it is: no workdir error" "$err" "workdir /home/runner: No such file"
check "... and not refused (rc $rc)" [ "$rc" != 125 ]
like "... a notice says where the runner starts" "$err" \
	"notice: launcher config .*, runner javascript: workdir /home/runner is not in the sandbox; the runner starts in /tmp \\(the profile's workdir"
# The same file with only the command changed to show the directory.
/usr/bin/python3 - "$STOCK" "$TJ_WORK/stock-pwd.json" <<'PY'
import json, sys
c = json.load(open(sys.argv[1]))
for r in c["task-runners"]:
    r["command"], r["args"] = "/bin/sh", ["-c", "pwd"]
json.dump(c, open(sys.argv[2], "w"))
PY
chmod a+r "$TJ_WORK/stock-pwd.json"
stock() { "${caller_env[@]}" "$TASKJAIL" run "$@" --launcher-config "$TJ_WORK/stock-pwd.json" 2>"$TJ_WORK/err" </dev/null; }
out=$(stock --profile node --runner-type javascript); rc=$?
is "stock workdir, node profile: the runner starts in /tmp" "$rc:$out" "0:/tmp"
out=$(stock --profile python --runner-type python); rc=$?
is "stock workdir, python profile: /tmp" "$rc:$out" "0:/tmp"
out=$(stock --runner-type javascript)
is "stock workdir, minimal profile: its workdir /" "$out" "/"
mkdir -p "$TJ_WORK/home-runner"
chmod 755 "$TJ_WORK/home-runner"
out=$(stock --bind-ro "$TJ_WORK/home-runner:/home/runner" --runner-type javascript)
is "a bind at the launcher's workdir keeps it" "$out" "/home/runner"
unlike "... without a notice" "$(cat "$TJ_WORK/err")" "notice"
out=$(stock --workdir /usr --runner-type javascript)
is "--workdir wins over the launcher's workdir" "$out" "/usr"
unlike "... without a notice" "$(cat "$TJ_WORK/err")" "notice"

# The example file for wrapping (command: taskjail run ...) given to read
# mode would run taskjail inside taskjail: refused before anything runs.
out=$("${caller_env[@]}" "$TASKJAIL" run --launcher-config "$TJ_SRC/examples/n8n-task-runners.json" \
	--runner-type javascript 2>&1 </dev/null); rc=$?
is "the wrapping example in read mode: 125" "$rc" 125
like "... saying why" "$out" \
	"^taskjail: launcher config .*examples/n8n-task-runners.json, runner javascript: its command /usr/local/bin/taskjail is taskjail itself: this file wraps the runner for n8n's launcher"
is "... in one line" "$(printf '%s\n' "$out" | wc -l)" 1
ln -s "$TASKJAIL" "$TJ_WORK/sandbox"
printf '{"task-runners":[{"runner-type":"javascript","workdir":"/","command":"%s","args":["run","--","/bin/echo","ran"]}]}' \
	"$TJ_WORK/sandbox" >"$TJ_WORK/self.json"
chmod a+r "$TJ_WORK/self.json"
out=$("${caller_env[@]}" "$TASKJAIL" run --launcher-config "$TJ_WORK/self.json" --runner-type javascript 2>&1 </dev/null); rc=$?
is "taskjail under another name (a symlink) as the command: 125" "$rc:$(printf '%s' "$out" | grep -c 'is taskjail itself')" "125:1"
unlike "... and nothing ran" "$out" "ran$"
done_testing

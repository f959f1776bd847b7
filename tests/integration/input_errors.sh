#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# Input taskjail refuses: each case shows the exit status, the exact line
# on stderr, and that nothing ran (the command would have made a file in a
# read-write bind of the host's $TJ_WORK/m).
. "$TJ_SRC/tests/lib.sh"
mkdir -p "$TJ_WORK/m"; chmod 1777 "$TJ_WORK/m"
RUN=(--bind-rw "$TJ_WORK/m:/m")
MARK=(/bin/touch /m/ran)

# refused DESC WANT ARGS...  -- exit 125, stderr is exactly WANT, nothing ran
refused() {
	local d=$1 want=$2; shift 2
	local out rc
	rm -f "$TJ_WORK/m/ran"
	out=$("$TASKJAIL" "$@" 2>&1 </dev/null); rc=$?
	is "$d: exit 125" "$rc" 125
	is "... says: $want" "$out" "$want"
	check "... nothing ran on the host" test ! -e "$TJ_WORK/m/ran"
}
prof() { printf '%s' "$2" > "$TJ_WORK/$1"; }

# ---- JSON files: text after the value, repeated keys, huge numbers ------
prof trailing.json '{"net": "none"}
{"net": "host"}'
refused "profile with a second value" \
	"taskjail: profile $TJ_WORK/trailing.json: text after the JSON value at line 2, column 1 (one value per file)" \
	run --profile "$TJ_WORK/trailing.json" "${RUN[@]}" -- "${MARK[@]}"
prof dup.json '{"binds": ["/usr", "/etc", "/bin", "/lib"], "net": "none", "net": "host"}'
refused "profile with \"net\" twice" \
	"taskjail: profile $TJ_WORK/dup.json: \$.net: duplicate key (each key may appear once)" \
	run --profile "$TJ_WORK/dup.json" "${RUN[@]}" -- "${MARK[@]}"
prof dupenv.json '{"env": {"A": "1", "A": "2"}}'
refused "profile with env.A twice" \
	"taskjail: profile $TJ_WORK/dupenv.json: \$.env.A: duplicate key (each key may appear once)" \
	run --profile "$TJ_WORK/dupenv.json" "${RUN[@]}" -- "${MARK[@]}"
prof huge.json '{"tmpfs_size": 1e300}'
refused "profile tmpfs_size 1e300" \
	"taskjail: profile $TJ_WORK/huge.json: \$.tmpfs_size: 1.0000000000000001e+300 is above the maximum, 9000000000000000 bytes (or a size string, e.g. \"64G\")" \
	run --profile "$TJ_WORK/huge.json" "${RUN[@]}" -- "${MARK[@]}"
prof hugerl.json '{"rlimits": {"nofile": 1e20}}'
refused "profile rlimits.nofile 1e20" \
	"taskjail: profile $TJ_WORK/hugerl.json: \$.rlimits.nofile: 1e+20 is above the maximum, 9000000000000000 (use \"unlimited\")" \
	run --profile "$TJ_WORK/hugerl.json" "${RUN[@]}" -- "${MARK[@]}"
refused "--tmpfs-size 99999999T" \
	"taskjail: --tmpfs-size '99999999T' is above the maximum, 16777215T" \
	run --tmpfs-size 99999999T "${RUN[@]}" -- "${MARK[@]}"

prof pol-dup.json '{"defaultAction": "SCMP_ACT_ALLOW", "defaultAction": "SCMP_ACT_ERRNO"}'
refused "policy with defaultAction twice" \
	"taskjail: policy $TJ_WORK/pol-dup.json: \$.defaultAction: duplicate key (each key may appear once)" \
	run --seccomp "$TJ_WORK/pol-dup.json" "${RUN[@]}" -- "${MARK[@]}"
prof pol-trail.json '{"defaultAction": "SCMP_ACT_ALLOW"} {}'
refused "policy with a second value" \
	"taskjail: policy $TJ_WORK/pol-trail.json: text after the JSON value at line 1, column 37 (one value per file)" \
	run --seccomp "$TJ_WORK/pol-trail.json" "${RUN[@]}" -- "${MARK[@]}"
refused "taskjail policy check: the same" \
	"taskjail: policy $TJ_WORK/pol-trail.json: text after the JSON value at line 1, column 37 (one value per file)" \
	policy check "$TJ_WORK/pol-trail.json"

prof launcher.json '{"task-runners": [{"runner-type": "javascript", "workdir": "/", "command": "/m/x",
  "env-overrides": {"X": "1", "X": "2"}}]}'
refused "launcher file with env-overrides.X twice" \
	"taskjail: launcher config $TJ_WORK/launcher.json: \$.task-runners[0].env-overrides.X: duplicate key (each key may appear once)" \
	run --launcher-config "$TJ_WORK/launcher.json" --runner-type javascript "${RUN[@]}" -- "${MARK[@]}"
prof launcher2.json '{"task-runners": []}]'
refused "launcher file with text after the value" \
	"taskjail: launcher config $TJ_WORK/launcher2.json: text after the JSON value at line 1, column 21 (one value per file)" \
	run --launcher-config "$TJ_WORK/launcher2.json" --runner-type javascript "${RUN[@]}" -- "${MARK[@]}"

# ---- profiles from a pipe: read once, accepted ---------------------------
out=$("$TASKJAIL" run --profile <(cat "$TJ_SRC/profiles/minimal.json") -- /bin/echo piped 2>&1); rc=$?
is "--profile <(...) (a pipe): accepted, exit 0" "$rc:$out" "0:piped"
out=$(cat "$TJ_SRC/profiles/minimal.json" | "$TASKJAIL" run --profile /dev/stdin -- /bin/echo stdin 2>&1); rc=$?
is "--profile /dev/stdin on a pipe: accepted, exit 0" "$rc:$out" "0:stdin"
mkfifo "$TJ_WORK/fifo.json"
cat "$TJ_SRC/profiles/minimal.json" > "$TJ_WORK/fifo.json" &
out=$("$TASKJAIL" run --profile "$TJ_WORK/fifo.json" -- /bin/echo fifo 2>&1); rc=$?
wait
is "--profile FIFO: accepted, exit 0" "$rc:$out" "0:fifo"
refused "--profile /dev/null" \
	"taskjail: profile /dev/null: not a regular file (a character device)" \
	run --profile /dev/null "${RUN[@]}" -- "${MARK[@]}"
refused "--profile a directory" \
	"taskjail: profile $TJ_WORK/: not a regular file (a directory)" \
	run --profile "$TJ_WORK/" "${RUN[@]}" -- "${MARK[@]}"
# A FIFO nobody writes to as --seccomp: refused at once, not a hang.
mkfifo "$TJ_WORK/fifo-policy.json"
out=$(timeout 10 "$TASKJAIL" run --seccomp "$TJ_WORK/fifo-policy.json" -- /bin/true 2>&1); rc=$?
is "--seccomp FIFO without a writer: exit 125, no hang" "$rc" 125
like "... says it is a pipe" "$out" "not a regular file \\(a pipe"
# A policy is read twice (the filter cache's key, then the parse).
rm -f "$TJ_WORK/m/ran"
out=$("$TASKJAIL" run --seccomp <(cat "$TJ_SRC/policies/default.json") "${RUN[@]}" -- "${MARK[@]}" 2>&1); rc=$?
is "--seccomp <(...): exit 125" "$rc" 125
like "... says why a pipe is refused" "$out" \
	"^taskjail: policy /dev/fd/[0-9]+: not a regular file \(a pipe: it is read more than once; write it to a file\)$"
check "... nothing ran on the host" test ! -e "$TJ_WORK/m/ran"

# ---- the command and the run ---------------------------------------------
# exited DESC RC WANT ARGS...  -- exit RC, stderr is exactly WANT
exited() {
	local d=$1 want_rc=$2 want=$3; shift 3
	local out rc
	out=$("$TASKJAIL" "$@" 2>&1 </dev/null); rc=$?
	is "$d: exit $want_rc" "$rc" "$want_rc"
	is "... says: $want" "$out" "$want"
}
exited "empty command" 125 \
	"taskjail: the command is an empty string (taskjail run [OPTION]... -- COMMAND [ARG]...)" run -- ""
mkdir -p "$TJ_WORK/bin"; printf '#!/bin/sh\ntouch /m/ran\n' > "$TJ_WORK/bin/mark"; chmod 755 "$TJ_WORK/bin/mark"
rm -f "$TJ_WORK/m/ran"
exited "a host program not bound in" 127 \
	"taskjail: exec $TJ_WORK/bin/mark: No such file or directory (not visible inside the sandbox; bind its directory with --bind-ro)" \
	run "${RUN[@]}" -- "$TJ_WORK/bin/mark"
check "... nothing ran on the host" test ! -e "$TJ_WORK/m/ran"
# Below /tmp, a bind is covered by the sandbox's tmpfs /tmp.
exited "... bound below /tmp (under the sandbox's tmpfs)" 127 \
	"taskjail: exec $TJ_WORK/bin/mark: No such file or directory (not visible inside the sandbox; bind its directory with --bind-ro)" \
	run "${RUN[@]}" --bind-ro "$TJ_WORK/bin:$TJ_WORK/bin" -- "$TJ_WORK/bin/mark"
out=$("$TASKJAIL" run "${RUN[@]}" --bind-ro "$TJ_WORK/bin:/opt/bin" -- /opt/bin/mark 2>&1); rc=$?
is "... bound with --bind-ro, it runs" "$rc:$out" "0:"
check "... and made its mark" test -e "$TJ_WORK/m/ran"
exited "a directory as the command" 126 "taskjail: exec /usr/bin: is a directory, not a program" run -- /usr/bin
exited "a directory through a symlink bind (/bin/)" 126 "taskjail: exec /bin/: is a directory, not a program" run -- /bin/
exited "/ as the command" 126 "taskjail: exec /: is a directory, not a program" run -- /

out=$("$TASKJAIL" check --help 2>&1); rc=$?
is "check --help: exit 0" "$rc" 0
like "... prints the usage" "$out" "^Usage: taskjail check \[--json\]"
exited "check --bogus" 125 "taskjail: check: unknown argument '--bogus' (usage: taskjail check [--json] [--profile NAME|FILE])" check --bogus

out=$("$TASKJAIL" run --seccomp none -- /bin/true 2>&1); rc=$?
is "--seccomp none: exit 0" "$rc" 0
is "... with a warning, as --net host" "$out" "taskjail: warning: seccomp none: the task runs without a system call filter"

# Output that cannot be written is an error, not lost in silence.
out=$("$TASKJAIL" run --log-file /dev/full -- /bin/true 2>&1); rc=$?
is "--log-file /dev/full: exit 125" "$rc" 125
is "... says how many events were lost" "$out" \
	"taskjail: event log /dev/full: 2 event lines not written: No space left on device"
out=$("$TASKJAIL" run --log-file /dev/full -- /bin/sh -c 'exit 3' 2>&1); rc=$?
is "... a failing command keeps its own status" "$rc" 3
out=$("$TASKJAIL" check 2>&1 >/dev/full); rc=$?
is "check > /dev/full: exit 125" "$rc" 125
is "... says so" "$out" "taskjail: write to standard output: No space left on device"
out=$("$TASKJAIL" check --json 2>&1 >/dev/full); rc=$?
is "check --json > /dev/full: exit 125" "$rc" 125
# A failing verdict keeps its own status (1); a passing one becomes 125.
"$TASKJAIL" selftest >/dev/null 2>&1; verdict=$?
want=$([ $verdict = 0 ] && echo 125 || echo $verdict)
out=$("$TASKJAIL" selftest 2>&1 >/dev/full); rc=$?
is "selftest > /dev/full: exit $want (verdict alone: $verdict)" "$rc" "$want"
like "... says so" "$out" "write to standard output"

hard=$(ulimit -Hn)
if [ "$hard" != unlimited ]; then
	prof nofile.json "{\"rlimits\": {\"nofile\": $((hard + 1))}}"
	refused "rlimits.nofile above taskjail's hard limit" \
		"taskjail: rlimits.nofile: hard limit $((hard + 1)) is above taskjail's own hard limit $hard (a sandbox cannot raise a hard limit)" \
		run --profile "$TJ_WORK/nofile.json" "${RUN[@]}" -- "${MARK[@]}"
else
	skip "rlimits.nofile above the hard limit" "hard limit is unlimited"
fi

done_testing

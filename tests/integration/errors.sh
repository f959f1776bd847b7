#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# Bad input: one clear line on stderr, exit 125, nothing run.
. "$TJ_SRC/tests/lib.sh"

bad() { # DESC REGEX ARGS...
	local d=$1 re=$2; shift 2
	local out rc
	out=$("$TASKJAIL" "$@" 2>&1 </dev/null); rc=$?
	if [ "$rc" = 125 ] && printf '%s' "$out" | grep -Eq -- "$re" && [ "$(printf '%s\n' "$out" | wc -l)" = 1 ]; then
		ok "$d"
	else
		not_ok "$d"; diag "rc=$rc out=$out"
	fi
}
bad "unknown option" "unknown option '--frobnicate'" run --frobnicate -- /bin/true
bad "missing --" "put '--' before the command" run /bin/true
bad "nothing after --" "no command after '--'" run --
bad "no -- at all" "missing '--'" run --net none
bad "option without value" "option --net needs a value" run --net
bad "bad --net" "--net .wifi.: expected" run --net wifi -- /bin/true
bad "bad --proc-guard" "--proc-guard 'max': expected strict, self, namespace or absent" run --proc-guard max -- /bin/true
bad "bad --tier" "--tier 'partial': expected full, auto or restricted" run --tier partial -- /bin/true
bad "bad size" "--tmpfs-size 'huge' is not a size" run --tmpfs-size huge -- /bin/true
bad "zero size" "--tmpfs-size '0'" run --tmpfs-size 0 -- /bin/true
bad "bind source missing" "--bind-ro: source /no/such/dir: No such file or directory" run --bind-ro /no/such/dir -- /bin/true
bad "relative bind" "--bind-rw 'rel': expected SRC\[:DST\]" run --bind-rw rel -- /bin/true
bad "bind onto /" "binding onto / is not allowed" run --bind-ro /usr:/ -- /bin/true
bad "bad setenv" "--setenv 'NOEQUALS'" run --setenv NOEQUALS -- /bin/true
bad "bad setenv name" "--setenv '1A=b'" run --setenv 1A=b -- /bin/true
bad "host-uid 0 refused" "--host-uid '0'" run --host-uid 0 -- /bin/true
bad "relative workdir" "--workdir 'tmp'" run --workdir tmp -- /bin/true
bad "missing workdir" "workdir /no/such: No such file or directory" run --workdir /no/such -- /bin/true
bad "unknown profile" "profiles 'nosuch' not found" run --profile nosuch -- /bin/true
bad "log fd not open" "--log-fd 77: Bad file descriptor" run --log-fd 77 -- /bin/true
bad "unknown command" "unknown command 'frob'" frob

printf '{"net": "wifi"}' > "$TJ_WORK/bad1.json"
bad "profile: bad value names file and JSON path" "profile $TJ_WORK/bad1.json: \\\$.net: 'wifi' is not one of" run --profile "$TJ_WORK/bad1.json" -- /bin/true
printf '{"binds": ["/usr", {"src": 3}]}' > "$TJ_WORK/bad2.json"
bad "profile: nested path" "bad2.json: \\\$.binds\[1\].src: expected a string" run --profile "$TJ_WORK/bad2.json" -- /bin/true
printf '{"tmp_exec": "yes"}' > "$TJ_WORK/bad-exec.json"
bad "profile: tmp_exec not a boolean" "bad-exec.json: \\\$.tmp_exec: expected true or false" run --profile "$TJ_WORK/bad-exec.json" -- /bin/true
printf '{"net": "none",\n  "tmpfs_size": }' > "$TJ_WORK/bad3.json"
bad "profile: syntax error with line" "bad3.json: invalid JSON near line 2" run --profile "$TJ_WORK/bad3.json" -- /bin/true
printf '{"binds": ["/no/such/src"]}' > "$TJ_WORK/bad4.json"
bad "profile: missing bind source" "bind source /no/such/src: No such file" run --profile "$TJ_WORK/bad4.json" -- /bin/true

# Kernel refusals are explained.
out=$(unshare -Ur sh -c 'echo 0 > /proc/sys/user/max_user_namespaces && exec "$0" run -- /bin/true' "$TASKJAIL" 2>&1); rc=$?
is "user namespace limit reached -> 125" "$rc" 125
like "... explained: user.max_user_namespaces" "$out" "namespace limit reached: raise sysctl user.max_user_namespaces.*taskjail check"
d=$(dirname "$TASKJAIL")
# ASAN_OPTIONS: in the sanitizer build, LeakSanitizer's exit-time scan needs
# ptrace, which the sandbox's seccomp policy denies; it would turn 125 into 1.
out=$("$TASKJAIL" run --bind-ro "$d:/tj" --bind-ro "$TJ_SRC/profiles:/p" --setenv TASKJAIL_PROFILE_DIR=/p \
	--setenv ASAN_OPTIONS=detect_leaks=0 \
	-- /tj/$(basename "$TASKJAIL") run --seccomp none -- /bin/true 2>&1); rc=$?
is "user namespaces forbidden (inside a sandbox) -> 125" "$rc" 125
like "... explained: sysctl / AppArmor / seccomp hint" "$out" "unprivileged user namespaces are disabled or restricted.*apparmor.*taskjail check.*Operation not permitted"
out=$(unshare -Ur "$TASKJAIL" run -- /bin/true 2>&1); rc=$?
is "root of a user namespace without uid 65532 -> 125" "$rc" 125
like "... explained: pick --host-uid" "$out" "host uid 65532 must exist in the caller's user namespace"

# Nothing half set up: a failed run leaves no process behind.
before=$(pgrep -c -f "^$TASKJAIL" || true)
"$TASKJAIL" run --workdir /no/such -- /bin/true 2>/dev/null
after=$(pgrep -c -f "^$TASKJAIL" || true)
is "a failed setup leaves no process" "$after" "$before"

out=$("$TASKJAIL" --version); like "--version" "$out" "^taskjail [0-9]+\.[0-9]+\.[0-9]+$"
out=$("$TASKJAIL" run --help); rc=$?
is "run --help exits 0" "$rc" 0
# --help and the man page document the same options.
help_opts=$(printf '%s\n' "$out" | grep -E '^ +-' | grep -oE -- '--[a-z-]+' | sort -u)
man_opts=$(grep -oE '^\.B[IR]? \\-\\-[a-z\\-]+' "$TJ_SRC/docs/taskjail.1" | sed 's/.* //; s/\\//g' | sort -u)
check "--help lists options" [ "$(printf '%s\n' "$help_opts" | wc -l)" -ge 10 ]
is "taskjail(1) documents exactly the options of --help" "$man_opts" "$help_opts"
# check says where it looks for the shipped profiles and whether it found
# them: a copy of the binary away from the tree finds none by itself.
mkdir -p "$TJ_WORK/lonely" && cp "$TASKJAIL" "$TJ_WORK/lonely/taskjail"
if [ -d /usr/local/share/taskjail/profiles ]; then
	skip "check reports missing profiles" "taskjail is installed on this machine"
else
	out=$(env -u TASKJAIL_PROFILE_DIR -u TASKJAIL_POLICY_DIR "$TJ_WORK/lonely/taskjail" check 2>&1)
	like "check: a binary without its profiles says so" "$out" "no +shipped profiles and policies found +'minimal' not found"
	out=$("$TJ_WORK/lonely/taskjail" check 2>&1)
	like "check: with TASKJAIL_PROFILE_DIR it finds them" "$out" "ok +shipped profiles and policies found +in "
fi
done_testing

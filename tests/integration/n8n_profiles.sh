#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# profiles/node.json and profiles/python.json: the interpreter flags of n8n's
# runners image, writable /tmp, HOME=/tmp, net relay, the launcher's
# variables passed and the launcher's secret not.
. "$TJ_SRC/tests/lib.sh"

# Wrapper mode: n8n's launcher has already built the runner's env.
lenv=(env -i PATH=/usr/bin:/bin LANG=C.UTF-8 N8N_RUNNERS_AUTH_TOKEN=launcher-secret
	N8N_RUNNERS_GRANT_TOKEN=g N8N_RUNNERS_TASK_BROKER_URI=http://127.0.0.1:5679
	N8N_RUNNERS_MAX_CONCURRENCY=5 N8N_RUNNERS_STDLIB_ALLOW= UNRELATED=x)

out=$("${lenv[@]}" "$TASKJAIL" run --profile python -- /usr/bin/python3 -c \
	'import sys; print(sys.flags.isolated, sys.flags.dont_write_bytecode, "disable_remote_debug" in sys._xoptions)')
is "python profile: -I -B -X disable_remote_debug added" "$out" "1 1 True"
out=$("${lenv[@]}" "$TASKJAIL" run --profile python -- /usr/bin/python3 -I -B -X disable_remote_debug -c \
	'import sys; print(sys.orig_argv)' 2>&1)
is "... not repeated when the command has them" "$out" "['/usr/bin/python3', '-I', '-B', '-X', 'disable_remote_debug', '-c', 'import sys; print(sys.orig_argv)']"
out=$("${lenv[@]}" timeout 30 "$TASKJAIL" run --profile python -- /usr/bin/python3 -c '
import multiprocessing, os
with multiprocessing.get_context("forkserver").Pool(1) as p: print(p.apply(pow, (7, 2)), os.environ["HOME"])
' 2>&1)
is "python profile: forkserver works (writable /tmp), HOME=/tmp" "$out" "49 /tmp"
out=$("${lenv[@]}" "$TASKJAIL" run --profile python -- /usr/bin/env | cut -d= -f1 | sort | tr "\n" " ")
is "python profile: the launcher's variables pass, its secret and others not" "$out" \
	"HOME LANG N8N_RUNNERS_GRANT_TOKEN N8N_RUNNERS_MAX_CONCURRENCY N8N_RUNNERS_STDLIB_ALLOW N8N_RUNNERS_TASK_BROKER_URI PATH "
# statfs, not the mount table: proc_guard "strict" refuses /proc/self/mounts.
out=$("${lenv[@]}" "$TASKJAIL" run --profile python -- /bin/sh -c 'stat -f -c %T /tmp; /usr/bin/python3 -c "import os; s = os.statvfs(\"/tmp\"); print(s.f_frsize * s.f_blocks // 1024, s.f_flag & (os.ST_RDONLY | os.ST_NOSUID | os.ST_NODEV | os.ST_NOEXEC))"')
is "python profile: /tmp is a 256 MiB tmpfs, rw,nosuid,nodev,noexec" "$out" "tmpfs
262144 14"

NODE=$(command -v node || true)
if [ -n "$NODE" ] && [ -x "$NODE" ]; then
	# n8n's two flags: no eval/new Function, no __proto__.
	js='let e; try { eval("1"); e = "eval allowed" } catch (x) { e = "eval blocked" }
console.log(e, typeof Object.prototype.__proto__ === "undefined" ? "proto deleted" : "proto present")'
	out=$("${lenv[@]}" "$TASKJAIL" run --profile node --bind-ro "$(dirname "$(readlink -f "$NODE")")" -- "$NODE" -e "$js" 2>&1)
	is "node profile: --disallow-code-generation-from-strings --disable-proto=delete added" "$out" "eval blocked proto deleted"
	out=$("$NODE" -e "$js"); is "... (bare node: eval allowed, proto present)" "$out" "eval allowed proto present"
	out=$("${lenv[@]}" "$TASKJAIL" run --profile node -- /bin/sh -c 'echo $HOME; env | grep -c AUTH_TOKEN')
	is "node profile: HOME=/tmp, no auth token" "$out" "$(printf '/tmp\n0')"
else
	skip "node profile flags" "no node in PATH"
fi
out=$("${lenv[@]}" "$TASKJAIL" run --profile node -- /bin/sh -c 'cat /proc/net/dev | tail -n +3 | cut -d: -f1 | tr -d " "')
is "node profile: net relay, only lo" "$out" lo
done_testing

#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# Under proc_guard "strict" everything node and python need from /proc (and
# from open(2) in general: flags, umask, errors, FIFOs) keeps working.
. "$TJ_SRC/tests/lib.sh"
. "$(dirname "$0")/lib/procguard.sh"

out=$(pg_run strict /opt/tjh/proc-probe allowed 2>&1)
while read -r v what; do
	case $v in OK) ok "strict: $what" ;; FAIL) not_ok "strict: $what" ;; esac
done <<<"$out"
n=$(grep -c '^OK' <<<"$out")
[ "$n" -ge 30 ] && ok "strict: $n checks ran" || { not_ok "strict: only $n checks ran"; diag "$out"; }

# Another process of the sandbox (same uid): the kernel lets a task open its
# fd links, maps, exe, cwd; the supervisor would pass procfs's ptrace checks
# even where the task would not (it owns the user namespace), so strict mode
# allows only what ps(1) reads.
ns=$(pg_run namespace /opt/tjh/proc-probe otherpid 2>&1)
st=$(pg_run strict /opt/tjh/proc-probe otherpid 2>&1)
for e in fd/0 maps exe cwd; do
	like "namespace: another process's $e opens" "$ns" "(^| )$e OPEN"
	like "strict: another process's $e is refused" "$st" "(^| )$e REFUSED EACCES"
done
for e in status cmdline; do
	like "strict: another process's $e still opens (ps)" "$st" "(^| )$e OPEN"
done

PY=/usr/bin/python3
if [ -x $PY ]; then
	got=$(pg_run strict $PY -c '
import json, os, ssl, asyncio, multiprocessing, subprocess
print(len(os.listdir("/proc/self/fd")) > 0, "Name:" in open("/proc/self/status").read(),
      os.cpu_count() > 0, open("/proc/meminfo").read().startswith("MemTotal"),
      subprocess.run(["/bin/true"]).returncode == 0)
try:
    open("/proc/self/environ").read(); print("LEAK")
except PermissionError:
    print("EACCES")
' 2>&1)
	is "strict: python imports, reads /proc/self, runs a subprocess" "$got" "True True True True True
EACCES"
else
	skip "strict: python" "no $PY"
fi
if command -v node >/dev/null; then
	NODE=$(command -v node)
	got=$(pg_run strict "$NODE" -e '
const fs = require("fs"), os = require("os");
const st = fs.readFileSync("/proc/self/status", "utf8").startsWith("Name:");
const fds = fs.readdirSync("/proc/self/fd").length > 0;
let env = "LEAK";
try { fs.readFileSync("/proc/self/environ"); } catch (e) { env = e.code; }
Promise.all(Array.from({ length: 64 }, (_, i) =>
  fs.promises.readFile(i % 2 ? "/proc/self/stat" : "/etc/passwd"))).then(r =>
  console.log(st, fds, os.cpus().length > 0, r.length, env));
' 2>&1)
	is "strict: node reads /proc/self and files from its thread pool" "$got" "true true true 64 EACCES"
else
	skip "strict: node" "no node"
fi
done_testing

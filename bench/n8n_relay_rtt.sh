#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# The relay's own cost: TCP round trips (one connection, TCP_NODELAY, 2000 x
# SIZE bytes) to an echo server on the host's 127.0.0.1, from the host
# directly vs from inside `taskjail run --net relay` through the broker relay.
# Interleaved, REPS repetitions each; prints median-of-medians in us.
#   bench/n8n_relay_rtt.sh [REPS] [SIZE]       (default 5, 200 bytes)
set -u
REPS=${1:-5}
SIZE=${2:-200}
TJ_SRC=${TJ_SRC:-$(cd "$(dirname "$0")/.." && pwd)}
TASKJAIL=${TASKJAIL:-$TJ_SRC/build/taskjail}
W=$(mktemp -d /tmp/tj-rtt.XXXXXX)
chmod 755 "$W"
cp "$TJ_SRC/tests/integration/n8n/netpeer.py" "$W/"
chmod a+r "$W/netpeer.py"
port=$((20000 + RANDOM % 30000))
/usr/bin/python3 "$W/netpeer.py" serve-echo 127.0.0.1 "$port" >"$W/srv" 2>&1 &
srv=$!
trap 'kill $srv 2>/dev/null; rm -rf "$W"' EXIT
for _ in $(seq 1 100); do grep -q ready "$W/srv" && break; sleep 0.05; done
for r in $(seq 1 "$REPS"); do
	echo "bare $(/usr/bin/python3 "$W/netpeer.py" pingpong 127.0.0.1 "$port" 2000 "$SIZE")"
	echo "relay $("$TASKJAIL" run --net relay --bind-ro "$W:/t" \
		--setenv "N8N_RUNNERS_TASK_BROKER_URI=http://127.0.0.1:$port" \
		-- /usr/bin/python3 /t/netpeer.py pingpong 127.0.0.1 "$port" 2000 "$SIZE")"
done | /usr/bin/python3 -c '
import statistics, sys
d = {}
for line in sys.stdin:
    k, med, p90 = line.split()
    d.setdefault(k, []).append((float(med), float(p90)))
b = statistics.median(m for m, _ in d["bare"]); r = statistics.median(m for m, _ in d["relay"])
n = len(d["bare"])
print(f"round trip, {sys.argv[1]} bytes, median of {n} runs x 2000: "
      f"bare {b:.1f} us, through the relay {r:.1f} us, +{r - b:.1f} us per round trip")
' "$SIZE"

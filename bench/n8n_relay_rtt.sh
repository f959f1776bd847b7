#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# The relay's own cost per message, by write pattern: framed round trips on
# one connection (both ends TCP_NODELAY, as the runner's websocket is) to a
# frame server on the host's 127.0.0.1, from the host directly ("bare") vs
# from inside `taskjail run --net relay` through the broker relay ("relay").
# Both ends write their frames with the same pattern:
#   one    one write per frame (5-byte header + 200 B payload)
#   hdr    header, then payload: two writes before the peer answers (200 B)
#   small  header, then the payload 16 bytes per write (512 B: 33 writes)
#   large  one write of a 1 MiB frame
# Runs are interleaved: every repetition runs every pattern bare then through
# the relay. Prints p50 and p90 per pattern (median over repetitions of each
# run's p50 and p90) in microseconds, as a markdown table.
#   bench/n8n_relay_rtt.sh [REPS] [N]      (default 5 repetitions, N=1000
#                                           round trips per run; large: N/20)
#   TASKJAIL_BASELINE=/path/to/other/taskjail bench/n8n_relay_rtt.sh ...
#     adds a third mode in the same interleaved run: the relay of another
#     build (e.g. before a change), reported as "baseline".
#   ONLY="hdr large" bench/n8n_relay_rtt.sh ...   runs only those patterns.
set -u
REPS=${1:-5}
N=${2:-1000}
TJ_SRC=${TJ_SRC:-$(cd "$(dirname "$0")/.." && pwd)}
TASKJAIL=${TASKJAIL:-$TJ_SRC/build/taskjail}
W=$(mktemp -d /tmp/tj-rtt.XXXXXX)
chmod 755 "$W"
cp "$TJ_SRC/tests/integration/n8n/netpeer.py" "$W/"
chmod a+r "$W/netpeer.py"
port=$((20000 + RANDOM % 30000))
/usr/bin/python3 "$W/netpeer.py" serve-frames 127.0.0.1 "$port" >"$W/srv" 2>&1 &
srv=$!
trap 'kill $srv 2>/dev/null; rm -rf "$W"' EXIT
for _ in $(seq 1 100); do grep -q ready "$W/srv" && break; sleep 0.05; done
grep -q ready "$W/srv" || { echo "frame server did not start: $(cat "$W/srv")" >&2; exit 1; }
large_n=$((N / 20 > 5 ? N / 20 : 5))
PATTERNS=("one one $N 200" "hdr hdr $N 200" "small small $N 512" "large one $large_n 1048576")
MODES=("relay $TASKJAIL")
[ -n "${TASKJAIL_BASELINE:-}" ] && MODES+=("baseline $TASKJAIL_BASELINE")
load_before=$(cut -d' ' -f1-3 /proc/loadavg)
for r in $(seq 1 "$REPS"); do
	for p in "${PATTERNS[@]}"; do
		read -r name pat n size <<<"$p"
		[ -n "${ONLY:-}" ] && [[ " $ONLY " != *" $name "* ]] && continue
		echo "$name bare $(/usr/bin/python3 "$W/netpeer.py" frames 127.0.0.1 "$port" "$pat" "$n" "$size")"
		for m in "${MODES[@]}"; do
			read -r mode bin <<<"$m"
			echo "$name $mode $("$bin" run --net relay --bind-ro "$W:/t" \
				--setenv "N8N_RUNNERS_TASK_BROKER_URI=http://127.0.0.1:$port" \
				-- /usr/bin/python3 /t/netpeer.py frames 127.0.0.1 "$port" "$pat" "$n" "$size")"
		done
	done
done | /usr/bin/python3 -c '
import statistics, sys
d, order = {}, []
for line in sys.stdin:
    f = line.split()
    if len(f) != 4:
        sys.exit("bad result line: " + line.strip())
    if f[0] not in order:
        order.append(f[0])
    d.setdefault((f[0], f[1]), []).append((float(f[2]), float(f[3])))
modes = [m for m in ("bare", "relay", "baseline") if any(k[1] == m for k in d)]
load_after = open("/proc/loadavg").read().split()[0]
print(f"round trips in microseconds, median over {sys.argv[1]} interleaved runs of each run\x27s p50 / p90; "
      f"load average {sys.argv[2]} before, {load_after} after")
print()
print("| pattern | " + " | ".join(f"{m} p50 | {m} p90" for m in modes) + " | relay cost p50 |")
print("|---|" + "---|---|" * len(modes) + "---|")
for k in order:
    cells, p50 = [], {}
    for m in modes:
        p50[m] = statistics.median(x for x, _ in d[(k, m)])
        cells += [f"{p50[m]:.1f}", f"{statistics.median(x for _, x in d[(k, m)]):.1f}"]
    cost = p50["relay"] - p50["bare"]
    print(f"| {k} | " + " | ".join(cells) + f" | {cost:+.1f} |")
' "$REPS" "$load_before"

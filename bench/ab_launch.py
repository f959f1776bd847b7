#!/usr/bin/python3
# SPDX-License-Identifier: Apache-2.0
"""ab_launch.py ROUNDS root|user NAME=BINARY...: a quick A/B of taskjail
builds, `run --profile minimal -- /bin/true`, interleaved (each round runs
bare /bin/true and every binary once, shuffled). Prints per binary the
median per-round overhead over bare and the median CPU per launch
(RUSAGE_CHILDREN: the supervisor and every process it waited for, threads
included), and for each binary but the one named `base` the median
per-round difference from it. `user` goes through setpriv (uid 65534): put
the binaries, profiles/ and policies/ somewhere world-readable. One binary
must be named base."""
import os, sys, time, resource, statistics, subprocess, random
N = int(sys.argv[1]); user = sys.argv[2] == 'user'
bins = dict(a.split('=', 1) for a in sys.argv[3:])
pre = ['setpriv', '--reuid=65534', '--regid=65534', '--clear-groups'] if user else []
cmds = {k: pre + [v, 'run', '--profile', 'minimal', '--', '/bin/true'] for k, v in bins.items()}
cmds['bare'] = pre + ['/bin/true']
wall = {k: [] for k in cmds}; cpu = {k: [] for k in cmds}
devnull = open(os.devnull, 'w')
for i in range(N):
    order = list(cmds); random.shuffle(order)
    for k in order:
        r0 = resource.getrusage(resource.RUSAGE_CHILDREN)
        t0 = time.perf_counter_ns()
        rc = subprocess.call(cmds[k], stdout=devnull, stderr=devnull)
        t1 = time.perf_counter_ns()
        r1 = resource.getrusage(resource.RUSAGE_CHILDREN)
        assert rc == 0, (k, rc)
        wall[k].append((t1 - t0) / 1e6)
        cpu[k].append((r1.ru_utime - r0.ru_utime + r1.ru_stime - r0.ru_stime) * 1e3)
who = 'user' if user else 'root'
print(f"{who}: {N} rounds, bare wall median {statistics.median(wall['bare']):.2f} ms, bare cpu median {statistics.median(cpu['bare']):.2f} ms")
for k in bins:
    d = [w - b for w, b in zip(wall[k], wall['bare'])]
    line = f"  {k:5s} overhead {statistics.median(d):6.3f} ms  cpu {statistics.median(cpu[k]):6.2f} ms"
    if k != 'base':
        dd = [a - b for a, b in zip(wall[k], wall['base'])]
        dc = [a - b for a, b in zip(cpu[k], cpu['base'])]
        line += f"  | {k}-base per round: wall median {statistics.median(dd):+.3f} ms, cpu median {statistics.median(dc):+.3f} ms"
    print(line)

#!/usr/bin/python3
# SPDX-License-Identifier: Apache-2.0
"""proc_guard "strict" vs "namespace", one interleaved run.

  bench/procguard_bench.py --build build [--rounds 30] [--json out.json] [--baseline OLD_BINARY]

For every round, in alternating order, runs under `taskjail run` with the shipped python and node profiles (their
seccomp policies included, net "none"), proc_guard "namespace" and "strict":
  python3 -c 'import json'      wall time of the whole taskjail run
  node -e 0                     idem
  proc-probe openloop N PATH    ns per open+close, measured inside
and the same commands bare (no taskjail) for reference. Prints medians, the
strict-minus-namespace difference, and the cost per intercepted open
((strict - namespace) ns per open from the loops).
"""
import argparse, json, os, shutil, statistics, subprocess, sys, tempfile, time

ap = argparse.ArgumentParser()
ap.add_argument("--build", default="build")
ap.add_argument("--rounds", type=int, default=30)
ap.add_argument("--opens", type=int, default=10000)
ap.add_argument("--json")
ap.add_argument("--taskjail", help="binary (default BUILD/taskjail)")
ap.add_argument("--baseline-drop", default="tmp_exec",
                help="comma-separated profile keys the baseline build does not know")
ap.add_argument("--baseline", help="a second taskjail binary (e.g. an older build): its strict mode\n"
                "runs in the same interleaved rounds as column 'strict@base'")
a = ap.parse_args()

tj = a.taskjail or os.path.join(a.build, "taskjail")
helpers = os.path.abspath(os.path.join(a.build, "tests", "helpers"))
work = tempfile.mkdtemp(prefix="pgbench.")
os.chmod(work, 0o755)
src = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
profiles = {}  # (runtime, mode) -> path: the shipped profile, proc_guard set
for rt in ("python", "node"):
    with open(os.path.join(src, "profiles", rt + ".json")) as f:
        base = json.load(f)
    for mode in ("namespace", "strict"):
        p = dict(base, proc_guard=mode, net="none")
        p["binds"] = base["binds"] + [{"src": helpers, "dst": "/opt/tjh"}]
        p.pop("description", None)
        path = os.path.join(work, "%s-%s.json" % (rt, mode))
        with open(path, "w") as f:
            json.dump(p, f)
        profiles[(rt, mode)] = path
        if a.baseline and mode == "strict":
            for k in a.baseline_drop.split(","):
                p.pop(k, None)
            bpath = os.path.join(work, "%s-%s-base.json" % (rt, mode))
            with open(bpath, "w") as f:
                json.dump(p, f)
            profiles[(rt, "strict@base")] = bpath

node = shutil.which("node") or "/usr/bin/node"
cmds = {  # label -> (profile, argv)
    "python3 -c 'import json'": ("python", ["/usr/bin/python3", "-c", "import json"]),
    "node -e 0": ("node", [node, "-e", "0"]),
}
loops = {
    "open /usr/lib/os-release (fast path)": "/usr/lib/os-release",
    "open /proc/self/stat (walker)": "/proc/self/stat",
}

def run(argv):
    t = time.perf_counter()
    p = subprocess.run(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    dt = time.perf_counter() - t
    if p.returncode != 0:
        sys.exit("failed: %s\n%s" % (" ".join(argv), p.stderr))
    return dt, p.stdout

res = {}  # (label, mode) -> list
def add(k, v):
    res.setdefault(k, []).append(v)

modes = ["bare", "namespace", "strict"] + (["strict@base"] if a.baseline else [])
for r in range(a.rounds):
    order = modes if r % 2 == 0 else modes[::-1]
    for mode in order:
        def pre(rt):
            if mode == "bare":
                return []
            if mode == "strict@base":
                return [a.baseline, "run", "--profile", profiles[(rt, "strict@base")], "--"]
            return [tj, "run", "--profile", profiles[(rt, mode)], "--"]
        for label, (rt, argv) in cmds.items():
            dt, _ = run(pre(rt) + argv)
            add((label, mode), dt * 1e3)
        if r % 3 == 0:  # the loops are long; a third of the rounds suffice
            probe = os.path.join(helpers, "proc-probe") if mode == "bare" else "/opt/tjh/proc-probe"
            for label, path in loops.items():
                _, out = run(pre("python") + [probe, "openloop", str(a.opens), path])
                ns = float(out.split("ns_per_open=")[1])
                add((label, mode), ns)

med = {k: statistics.median(v) for k, v in res.items()}
print("rounds: %d (interleaved), opens per loop: %d" % (a.rounds, a.opens))
print("%-32s %10s %10s %10s %12s" % ("", "bare", "namespace", "strict", "strict-ns"))
for label in cmds:
    b, n, s = (med[(label, m)] for m in modes[:3])
    print("%-32s %8.2fms %8.2fms %8.2fms %+8.2fms (%+.1f%% of the ns run, %+.1f%% of bare)"
          % (label, b, n, s, s - n, (s - n) / n * 100, (s - n) / b * 100))
for label in loops:
    b, n, s = (med[(label, m)] for m in modes[:3])
    print("%-32s %8.0fns %8.0fns %8.0fns %+8.2fus per intercepted open"
          % (label, b, n, s, (s - n) / 1e3))
if a.baseline:
    print("baseline %s, strict mode, same rounds:" % a.baseline)
    for label in list(cmds) + list(loops):
        n, s, o = (med[(label, m)] for m in ("namespace", "strict", "strict@base"))
        unit = "ms" if label in cmds else "ns"
        print("%-32s strict %8.2f%s  strict@base %8.2f%s  strict-ns %+.2f vs %+.2f (%.2fx)"
              % (label, s, unit, o, unit, s - n, o - n, (s - n) / (o - n) if o != n else float("nan")))
if a.json:
    with open(a.json, "w") as f:
        json.dump({"rounds": a.rounds, "opens": a.opens,
                   "median": {"%s|%s" % k: v for k, v in med.items()},
                   "samples": {"%s|%s" % k: v for k, v in res.items()}}, f, indent=1)
shutil.rmtree(work)

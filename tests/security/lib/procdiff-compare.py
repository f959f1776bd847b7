#!/usr/bin/python3
# SPDX-License-Identifier: Apache-2.0
"""procdiff-compare.py NS1 NS2 STRICT NS3: compares procdiff.py outputs.

The kernel's answers under proc_guard "namespace" are the reference. For
every path: a file the guard denies by design must give EACCES under strict;
every other path must give the same result under strict as under namespace,
and the same content when the content is the same in the three namespace
runs (one before and two around the strict run: a counter that moved while
strict ran moves for the third namespace run too). Prints TAP-ish lines: "MISMATCH path ..." for each difference and a
summary "checked N (content M, denied K)"."""
import sys

DENIED_NAMES = {"environ", "mounts", "mountinfo", "mountstats", "mem"}
OTHER_OK = {"stat", "status", "statm", "cmdline", "comm", "cgroup", "task", "limits",
            "oom_score", "oom_score_adj", "sched", "schedstat", "wchan", "cpuset",
            "uid_map", "gid_map", "setgroups", "loginuid", "sessionid"}


def load(f):
    d = {}
    with open(f) as fh:
        for line in fh:
            parts = line.rstrip("\n").split("\t")
            if len(parts) == 3:
                d[parts[0]] = (parts[1], parts[2])
    return d


# Counters that move between any two runs (two namespace runs can agree by
# chance, a third differs): their result is compared, their content is not.
COUNTERS = {
    "statm": "memory pages in use (init maps the guard's counters page in strict mode)",
    "stat": "cpu and process counters", "io": "io counters", "sched": "scheduler counters",
    "schedstat": "scheduler counters", "diskstats": "disk io counters",
    "interrupts": "interrupt counters", "softirqs": "interrupt counters",
    "spurious": "interrupt counters", "softnet_stat": "packet counters",
    "protocols": "socket counts of every protocol (the guard's channels are sockets)",
    "sockstat": "global socket counts", "sockstat6": "global socket counts",
    "file-nr": "global open-file count", "inode-nr": "global inode count",
    "inode-state": "global inode count", "dentry-state": "global dentry count",
    "arch_status": "x86 AVX512_elapsed_ms: time since the process last used AVX-512",
    "entropy_avail": "entropy estimate", "loadavg": "run queue and the last pid", "cgroups": "global count of cgroups per controller",
}


# Content that depends on which program pid 1 is, not on the guard: under
# namespace (no guard) pid 1 is pid1.c's program, under strict a fork of
# the supervisor (supervisor/pid1.h): its argv (both scrubbed: nothing
# shows, tests/security/pid1_handover.sh), its memory sizes (status, and the
# OOM score they make) and where it sleeps. The result is still compared.
PID1_PROGRAM = {"/proc/1/cmdline", "/proc/1/status", "/proc/1/oom_score", "/proc/1/wchan"}


def guard_denies(path):
    if path == "/proc/mounts":  # a symlink to self/mounts
        return True
    c = path.split("/")
    if len(c) < 4 or c[1] != "proc" or c[2] not in ("self", "1", "CHILD", "thread-self"):
        return False
    if c[-1] in DENIED_NAMES:
        return True
    if c[2] in ("self", "thread-self"):
        return c[3] == "ns" and len(c) > 4 or (len(c) > 5 and c[3] == "task" and c[5] == "ns" and len(c) > 6)
    return c[3] not in OTHER_OK


ns1, ns2, st, ns3 = (load(f) for f in sys.argv[1:5])
bad = checked = content = denied = 0
for path, (r1, d1) in sorted(ns1.items()):
    if path not in st:
        continue  # walked only in one mode (a listing differed: reported below)
    checked += 1
    rs, ds = st[path]
    if guard_denies(path):
        denied += 1
        if rs != "EACCES":
            bad += 1
            print("MISMATCH %s: denied by the guard, strict gave %s" % (path, rs))
        continue
    if rs != r1:
        if path in ns2 and ns2[path][0] != r1:
            continue  # the kernel itself answers differently run to run
        bad += 1
        print("MISMATCH %s: namespace %s, strict %s" % (path, r1, rs))
        continue
    if path.rsplit("/", 1)[-1] in COUNTERS or path in PID1_PROGRAM:
        continue
    if d1 not in ("-", "VOLATILE") and ns2.get(path, (0, 0))[1] == d1 and ns3.get(path, (0, 0))[1] == d1:
        content += 1
        if ds != d1:
            bad += 1
            print("MISMATCH %s: content differs (namespace %s, strict %s)" % (path, d1, ds))
# Below a directory the guard refuses, strict mode cannot list anything.
missing = sorted(p for p in ns1 if p not in st and p in ns2 and not guard_denies(p))
for p in missing[:20]:
    print("MISMATCH %s: in the namespace corpus, not in strict's" % p)
bad += len(missing)
print("checked %d (content %d, denied %d) mismatches %d" % (checked, content, denied, bad))
sys.exit(1 if bad else 0)

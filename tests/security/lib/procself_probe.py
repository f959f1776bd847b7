#!/usr/bin/python3
# SPDX-License-Identifier: Apache-2.0
"""Differential probe for proc_guard "self" (tests/security/proc_self.sh).

  procself_probe.py          run as the sandbox's runner (the process
                             taskjail execs): prints PATH <TAB> RESULT for a
                             corpus of /proc paths, opened by the runner
                             and by a child of it ("child:" lines);
  procself_probe.py compare NS SELF
                             compares a run under proc_guard namespace (the
                             kernel's answers) with one under self.

RESULT is OK ("OK dir" for a directory, "OK masked" for a file bound over
a procfs entry), "open ERRNO" or "read ERRNO". Pids are written SELF (the
runner), CHILD and INIT. Under self the runner's own entries that strict lets a
process open of another pid (and net/) must answer as under namespace, for
the runner and for its child alike, the rest EACCES (environ, mounts, mem,
task/, maps, fd/ ...); /proc's system-wide entries in GLOBAL_OK as under namespace, the others
EACCES; every other pid's entries EACCES, the child's own
/proc/self too. An open the kernel refuses under namespace is refused the
same way under self (the kernel decides before Landlock does); directories
open everywhere (listing is allowed); a magic link (fd/N, ns/X) answers for
its target; namespace mode's masks (/dev/null bound over a procfs file) are
EACCES under self.
"""
import errno, os, stat, sys

PROC_DEV = os.stat("/proc").st_dev if os.path.isdir("/proc") else -1

DENIED = {"environ", "mounts", "mountinfo", "mountstats", "mem"}
# Of the runner's own pid dir, what strict lets a process open of another
# pid, and net/ (procguard_self_allowed): open to every process of the
# sandbox, the runner's children too.
OWN_OK = {"stat", "status", "statm", "cmdline", "comm", "cgroup", "limits", "oom_score",
          "oom_score_adj", "sched", "schedstat", "wchan", "cpuset", "uid_map", "gid_map",
          "setgroups", "loginuid", "sessionid", "net"}
# /proc's system-wide entries self opens (read only).
GLOBAL_OK = {"cpuinfo", "meminfo", "stat", "uptime", "loadavg", "version", "vmstat", "zoneinfo",
             "buddyinfo", "diskstats", "partitions", "swaps", "pressure", "cgroups", "filesystems",
             "sys", "crypto", "devices", "misc"}


def res(p):
    try:
        fd = os.open(p, os.O_RDONLY | os.O_NONBLOCK | os.O_NOCTTY | os.O_CLOEXEC)
    except OSError as e:
        return "open " + errno.errorcode.get(e.errno, str(e.errno))
    try:
        st = os.fstat(fd)
        if stat.S_ISDIR(st.st_mode):
            return "OK dir"
        os.read(fd, 4096)
        # a file bound over a procfs entry (namespace mode's masks)
        return "OK" if st.st_dev == PROC_DEV or not p.startswith("/proc/") else "OK masked"
    except OSError as e:
        return "read " + errno.errorcode.get(e.errno, str(e.errno))
    finally:
        os.close(fd)


def corpus(me):
    paths = []
    for base in (f"/proc/{me}", "/proc"):
        for e in sorted(os.listdir(base)):
            if base == "/proc" and e[0].isdigit():
                continue
            p = f"{base}/{e}"
            paths.append(p)
            if e in ("fd", "fdinfo", "ns", "attr", "net", "task", "sys") or (base == "/proc" and e in ("driver", "tty")):
                try:
                    paths += [f"{p}/{s}" for s in sorted(os.listdir(p))[:40]]
                except OSError:
                    pass
    paths += [f"/proc/{me}/task/{me}/{e}" for e in ("status", "environ", "mem", "mountinfo", "comm")]
    paths += ["/proc/self/status", "/proc/thread-self/status", "/proc/thread-self/environ",
              f"/proc/{me}/root/proc/{me}/environ", f"/proc/{me}/root/proc/{me}/status",
              f"/proc/{me}/cwd/proc/{me}/environ", "/proc/sys/kernel/ostype", "/proc/sys/kernel/pid_max"]
    return paths


def main():
    me = os.getpid()
    r, w = os.pipe()
    child = os.fork()
    if child == 0:
        os.close(r)
        c, parent = os.getpid(), os.getppid()
        out = []
        for p in corpus(c):
            out.append(f"child:{p}\t{res(p)}".replace(f"/{c}/", "/CHILD/").replace(f"/{c}\t", "/CHILD\t"))
        for e in sorted(os.listdir(f"/proc/{parent}")):
            p = f"/proc/{parent}/{e}"
            out.append(f"child:{p}\t{res(p)}".replace(f"/{parent}/", "/SELF/"))
        os.write(w, ("\n".join(out) + "\n").encode())
        os._exit(0)
    os.close(w)
    lines = []
    for pid, tag in ((me, "SELF"), (1, "INIT"), (child, "CHILD")):
        for e in ("status", "stat", "environ", "mountinfo", "cmdline", "maps", "mem") if pid != me else ():
            p = f"/proc/{pid}/{e}"
            lines.append(f"{p}\t{res(p)}".replace(f"/{pid}/", f"/{tag}/"))
    for p in corpus(me):
        lines.append(f"{p}\t{res(p)}".replace(f"/{me}/", "/SELF/").replace(f"/{me}\t", "/SELF\t"))
    got = b""
    while True:
        b = os.read(r, 65536)
        if not b:
            break
        got += b
    os.waitpid(child, 0)
    sys.stdout.write("\n".join(lines) + "\n" + got.decode())


def expect(path, ns):
    """What self must answer for a path namespace answered ns with."""
    if ns.startswith("open ") or ns == "OK dir":
        return ns  # the kernel refuses before Landlock is asked; any directory lists
    child = path.startswith("child:")
    p = path[6:] if child else path
    parts = p.split("/")  # "", "proc", X, ...
    if len(parts) < 3 or parts[1] != "proc":
        return ns
    if (len(parts) > 4 and parts[3] in ("fd", "ns", "map_files")) or (len(parts) == 4 and parts[3] == "exe"):
        return ns  # a magic link: Landlock decides on its target (a pipe, nsfs, the binary)
    if ns == "OK masked":
        # /dev/null bound over it: no rule names that path, unless stdin
        # is /dev/null too (its rule names the inode: reading nothing)
        return ("open EACCES", "OK masked")
    x = parts[2]
    if x == "self":
        x = "CHILD" if child else "SELF"
    if x == "thread-self":
        return "open EACCES"  # /proc/<pid>/task/<tid>
    if x in ("INIT", "CHILD"):
        return "open EACCES"
    if x == "SELF":  # the runner's pid dir, opened by the runner or its child
        name = parts[3]
        if name in ("root", "cwd") and len(parts) > 4:
            # a path through the root: as the same path from /
            return expect(("child:" if child else "") + "/" + "/".join(parts[4:]), ns)
        return ns if name in OWN_OK else "open EACCES"
    if x == "mounts":  # a link to the caller's own mounts
        return "open EACCES"
    if x == "net":  # a link to the caller's own net/: the runner's is named
        return "open EACCES" if child else ns
    return ns if x in GLOBAL_OK else "open EACCES"


def compare(nsf, sf):
    def load(f):
        d = {}
        for line in open(f):
            if "\t" in line:
                k, v = line.rstrip("\n").split("\t", 1)
                d[k] = v
        return d
    ns, se = load(nsf), load(sf)
    bad, n = [], 0
    for k, v in ns.items():
        if k not in se:
            continue  # an entry only one run had (an fd, a volatile name)
        n += 1
        want = expect(k, v)
        if se[k] not in (want if isinstance(want, tuple) else (want,)):
            bad.append(f"{k}: namespace {v}, self {se[k]}, want {want}")
    for b in bad:
        print(b)
    denied = sum(1 for k in se if se[k] == "open EACCES" and ns.get(k, "").startswith(("OK", "read")))
    print(f"{n} paths compared, {denied} refused that namespace opens, {len(bad)} differ")
    return 1 if bad or n < 300 else 0


if __name__ == "__main__":
    if len(sys.argv) == 4 and sys.argv[1] == "compare":
        sys.exit(compare(sys.argv[2], sys.argv[3]))
    main()

#!/usr/bin/python3
# SPDX-License-Identifier: Apache-2.0
"""Differential probe for the /proc guard (run inside the sandbox).

  procdiff.py            prints one line per path of the corpus:
                         PATH <TAB> RESULT <TAB> DIGEST
RESULT is OK or the errno name of the open (or of the first read); DIGEST is
a hash of what was read (file content, or the sorted listing of a
directory), "-" when nothing was read, or VOLATILE when two reads in a row
differed. The test runs this under proc_guard "namespace" (twice) and
"strict" and compares: the kernel's answers to the task are the reference.

The probe runs as pid FIRST and its child as FIRST + 1 in every mode (strict
mode has one more process, the guard, which would shift the numbers); in
paths they are written SELF and CHILD.
"""
import ctypes, errno, hashlib, os, re, sys, time

MAXREAD = 1 << 16
FIRST = 300

# The same pids in every mode: strict mode has one more process (the guard),
# so the probe first burns pids and runs as FIRST, its child as FIRST + 1.
if os.environ.get("PROCDIFF_INNER") is None:
    while True:
        pid = os.fork()
        if pid == 0:
            if os.getpid() >= FIRST:
                os.environ["PROCDIFF_INNER"] = "1"
                os.execv(sys.executable, [sys.executable] + sys.argv)
            os._exit(0)
        _, status = os.waitpid(pid, 0)
        if pid >= FIRST:
            sys.exit(os.waitstatus_to_exitcode(status))
SELF = os.getpid()

r, w = os.pipe()
CHILD = os.fork()
if CHILD == 0:
    os.close(w)
    os.read(r, 1)  # parked until the probe is done
    os._exit(0)
os.close(r)

# A page of our own memory with a known address, for /proc/self/pagemap:
# the kernel shows its PFN only to CAP_SYS_ADMIN of the initial namespace.
buf = ctypes.create_string_buffer(8192)
ctypes.memset(buf, 1, 8192)
PAGE = os.sysconf("SC_PAGE_SIZE")
page_off = ((ctypes.addressof(buf) + PAGE) // PAGE) * 8

pid_re = re.compile(r"\b(%d|%d)\b" % (SELF, CHILD))


def norm(b):
    return b.decode("latin-1")


def ename(e):
    return errno.errorcode.get(e, str(e))


def read_once(path):
    """('OK', text) or (errname, None)."""
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | os.O_NOCTTY)
    except OSError as e:
        return ename(e.errno), None
    try:
        st = os.fstat(fd)
        import stat as S
        if S.S_ISDIR(st.st_mode):
            names = sorted(os.listdir(fd))
            if path == "/proc":
                names = [n for n in names if not n.isdigit()]
            return "OK", norm("\n".join(names).encode())
        if S.S_ISCHR(st.st_mode) and not path.startswith("/proc"):
            if os.major(st.st_rdev) == 1:  # mem class: null zero full random
                return "OK", None
            return "OK", None  # a tty: opening is the test, never read
        if path.endswith("/pagemap"):
            return "OK", os.pread(fd, 8, page_off).hex()
        data = b""
        while len(data) < MAXREAD:
            chunk = os.read(fd, MAXREAD - len(data))
            if not chunk:
                break
            data += chunk
        return "OK", norm(data)
    except OSError as e:
        return "read:" + ename(e.errno), None
    finally:
        os.close(fd)


def probe(path):
    res, a = read_once(path)
    if res != "OK" or a is None:
        return res, "-"
    res2, b = read_once(path)
    if res2 != res or a != b:
        return res, "VOLATILE"
    return res, hashlib.sha1(a.encode("latin-1")).hexdigest()[:16]


def walk(top, depth, out, skip=()):
    out.append(top)
    if depth == 0:
        return
    try:
        names = sorted(os.listdir(top))
    except OSError:
        return
    for n in names:
        if n in skip:
            continue
        p = top + "/" + n
        if os.path.islink(p):
            out.append(p)
            continue
        if os.path.isdir(p):
            walk(p, depth - 1, out, skip)
        else:
            out.append(p)


corpus = []
for pid in ("self", "1", str(CHILD)):
    # task/ holds one directory per thread, the same files again
    walk("/proc/" + pid, 2, corpus, skip=("task",) if pid != "self" else ())
walk("/proc/sys", 8, corpus)
walk("/proc/sysvipc", 1, corpus)
walk("/proc/net", 2, corpus)
for n in sorted(os.listdir("/proc")):
    if not n.isdigit() and n not in ("sys", "sysvipc", "net", "self", "thread-self"):
        p = "/proc/" + n
        if os.path.isdir(p) and not os.path.islink(p):
            walk(p, 2, corpus)
        else:
            corpus.append(p)
walk("/dev", 2, corpus)
corpus.append("/dev/tty")

seen = set()
for p in corpus:
    if p in seen:
        continue
    seen.add(p)
    res, dig = probe(p)
    name = pid_re.sub(lambda m: "SELF" if m.group(1) == str(SELF) else "CHILD", p)
    print("%s\t%s\t%s" % (name, res, dig))
os.close(w)
os.waitpid(CHILD, 0)

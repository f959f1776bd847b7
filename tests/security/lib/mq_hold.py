#!/usr/bin/python3
# SPDX-License-Identifier: Apache-2.0
# mq_hold.py SECONDS: creates POSIX message queues (10 x 8 KiB each) until
# the kernel refuses (the RLIMIT_MSGQUEUE budget of the user it charges),
# prints "mq N errno E", holds them SECONDS, then unlinks them. With 0 it
# only reports how many could be made (and removes them).
import ctypes, os, sys, time
libc = ctypes.CDLL(None, use_errno=True)
class attr(ctypes.Structure):
    _fields_ = [("flags", ctypes.c_long), ("maxmsg", ctypes.c_long), ("msgsize", ctypes.c_long),
                ("curmsgs", ctypes.c_long), ("pad", ctypes.c_long * 4)]
libc.mq_open.restype = ctypes.c_int
libc.mq_open.argtypes = [ctypes.c_char_p, ctypes.c_int, ctypes.c_int, ctypes.POINTER(attr)]
tag, n, err = "tjq%d" % os.getpid(), 0, 0
for i in range(200):
    a = attr(0, 10, 8192, 0)
    if libc.mq_open(("/%s.%d" % (tag, i)).encode(), os.O_CREAT | os.O_RDWR, 0o600, ctypes.byref(a)) < 0:
        err = ctypes.get_errno()
        break
    n += 1
print("mq", n, "errno", err, flush=True)
time.sleep(float(sys.argv[1]))
for i in range(n):
    libc.mq_unlink(("/%s.%d" % (tag, i)).encode())

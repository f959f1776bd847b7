#!/usr/bin/python3
# SPDX-License-Identifier: Apache-2.0
# inflight_flood.py TARGET SECONDS: puts up to TARGET file descriptors in
# flight on unix sockets (sent with SCM_RIGHTS, never received), prints
# "flooding N" (N: how many the kernel took; it stops at this process's
# nofile + 253, the per-uid check), then holds them for SECONDS and exits.
# The kernel counts fds in flight per host uid and refuses a send by any
# process of that uid once the count passes the sender's nofile
# (ETOOMANYREFS): a denial of every fd hand-over that uid makes.
import array, errno, os, resource, socket, sys, time

target, hold = int(sys.argv[1]), float(sys.argv[2])
soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
fd = os.open("/dev/null", os.O_RDONLY)
batch = array.array("i", [fd] * 250)
pairs, sent = [], 0
while sent < target and len(pairs) < 4000:
    a, b = socket.socketpair(socket.AF_UNIX, socket.SOCK_DGRAM)
    a.setblocking(False)
    pairs.append((a, b))
    while sent < target:
        try:
            a.sendmsg([b"x"], [(socket.SOL_SOCKET, socket.SCM_RIGHTS, batch.tobytes())])
            sent += len(batch)
        except BlockingIOError:
            break  # this socket's buffer is full: another pair
        except OSError as e:
            if e.errno == errno.ETOOMANYREFS:
                target = sent  # the kernel's per-uid ceiling for us
                break
            raise
print("flooding", sent, flush=True)
time.sleep(hold)

#!/usr/bin/python3
# SPDX-License-Identifier: Apache-2.0
"""fifo-exhaust.py: 40 children block opening a FIFO for reading (each such
open is a worker in the /proc guard) and are killed; then a fresh FIFO pair
must still open normally. Prints "writer ok" / "reader ok" or the error."""
import os, time
os.mkfifo("/tmp/f")
kids = []
for i in range(40):
    pid = os.fork()
    if pid == 0:
        os.open("/tmp/f", os.O_RDONLY)
        os._exit(0)
    kids.append(pid)
time.sleep(1)
for k in kids:
    os.kill(k, 9)
for k in kids:
    os.waitpid(k, 0)
time.sleep(2.5)  # the guard looks for abandoned workers once a second
os.mkfifo("/tmp/g")


def try_open(who, flags):
    try:
        os.open("/tmp/g", flags)
        print(who, "ok", flush=True)
    except OSError as e:
        print(who, e, flush=True)


pid = os.fork()
if pid == 0:
    time.sleep(0.5)
    try_open("writer", os.O_WRONLY)
    os._exit(0)
try_open("reader", os.O_RDONLY)
os.waitpid(pid, 0)

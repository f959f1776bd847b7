#!/usr/bin/python3
# SPDX-License-Identifier: Apache-2.0
"""swap_on_close.py PATH REPLACEMENT: waits (inotify) for the first close of
PATH after a read, then renames REPLACEMENT over PATH -- a writer racing
the supervisor between two reads of one policy file. Prints "ready" once
watching, "swapped" after the rename. Exits after 20 s in any case."""
import ctypes, os, select, sys

IN_CLOSE_NOWRITE = 0x10
path, repl = sys.argv[1], sys.argv[2]
libc = ctypes.CDLL(None, use_errno=True)
fd = libc.inotify_init1(os.O_CLOEXEC)
if fd < 0 or libc.inotify_add_watch(fd, path.encode(), IN_CLOSE_NOWRITE) < 0:
    sys.exit("inotify: " + os.strerror(ctypes.get_errno()))
print("ready", flush=True)
if select.select([fd], [], [], 20)[0]:
    os.read(fd, 4096)
    os.rename(repl, path)
    print("swapped", flush=True)

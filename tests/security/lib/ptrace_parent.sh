# SPDX-License-Identifier: Apache-2.0
# Sourced by proc_absent.sh and restricted_tier.sh: $pt, a python program
# that attaches to its parent with ptrace and detaches; prints "attached"
# or the error (the parent, a runner, holds its environment on its stack).
pt='import ctypes, os
libc = ctypes.CDLL(None, use_errno=True)
libc.ptrace.restype = ctypes.c_long
libc.ptrace.argtypes = [ctypes.c_long, ctypes.c_long, ctypes.c_void_p, ctypes.c_void_p]
pid = os.getppid()
if libc.ptrace(16, pid, None, None) < 0:
    print(os.strerror(ctypes.get_errno()))
else:
    os.waitpid(pid, 0x40000000); libc.ptrace(17, pid, None, None); print("attached")'

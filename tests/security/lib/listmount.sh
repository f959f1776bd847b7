# SPDX-License-Identifier: Apache-2.0
# Sourced by proc_absent.sh and proc_self.sh: $lm, a python program that
# calls listmount(2) (Linux >= 6.8) on the caller's mount namespace and
# prints "mounts" when it lists any, else the error.
lm='
import ctypes, os
libc = ctypes.CDLL(None, use_errno=True)
libc.syscall.restype = ctypes.c_long
class R(ctypes.Structure):
    _fields_ = [("size", ctypes.c_uint32), ("spare", ctypes.c_uint32), ("mnt_id", ctypes.c_uint64),
                ("param", ctypes.c_uint64), ("ns", ctypes.c_uint64)]
req = R(32, 0, 0xffffffffffffffff, 0, 0)
buf = (ctypes.c_uint64 * 4096)()
n = libc.syscall(458, ctypes.byref(req), buf, 4096, 0)
print("mounts" if n > 0 else os.strerror(ctypes.get_errno()))'

#!/usr/bin/python3
# SPDX-License-Identifier: Apache-2.0
"""walkcost.py PAD LINKS: a chain of LINKS symlinks in /tmp, each target
padded with PAD times "d/../", opened by three paths (the chain, the chain
behind a padded prefix, the chain followed by a padded suffix). Prints per
path: NAME RESULT BEST_US (best of 7; RESULT is "A|B" when the tries
differed)."""
import errno, os, sys, time

pad_n, links = int(sys.argv[1]), int(sys.argv[2])
base = "/tmp/walkcost"
os.makedirs(base + "/d", exist_ok=True)
pad = "d/../" * pad_n
for i in range(links):
    p = "%s/l%d" % (base, i)
    if os.path.lexists(p):
        os.unlink(p)
    os.symlink(pad + ("l%d" % (i + 1) if i + 1 < links else "d"), p)
for name, path in (("chain", base + "/l0"), ("prefix", base + "/" + pad + "l0"),
                   ("suffix", base + "/l0/" + pad)):
    best, res = None, set()
    for _ in range(7):
        t0 = time.perf_counter()
        try:
            os.close(os.open(path, os.O_RDONLY))
            res.add("OK")
        except OSError as e:
            res.add(errno.errorcode[e.errno])
        dt = time.perf_counter() - t0
        best = dt if best is None or dt < best else best
    # "A|B" when the answers differed between tries
    print("%s %s %d" % (name, "|".join(sorted(res)), best * 1e6))

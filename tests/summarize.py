#!/usr/bin/python3
# SPDX-License-Identifier: Apache-2.0
"""Counts results in meson testlog.json files, one TAP test point at a time.

Prints every failure, then the last line "N passed, N failed, N skipped".
A TAP test that failed without a "not ok" line (crash, timeout, bad plan)
counts as one more failure."""
import json
import re
import sys

passed = failed = skipped = 0
for path in sys.argv[1:]:
    with open(path) as f:
        for line in f:
            t = json.loads(line)
            out = t.get("stdout") or t.get("stdo") or ""
            points = [l for l in out.splitlines() if re.match(r"^(not )?ok\b", l)]
            plan_skip = re.search(r"^1\.\.0\s*#\s*SKIP", out, re.M | re.I)
            if t.get("protocol") == "tap" or points or plan_skip:
                bad = 0
                for l in points:
                    if l.startswith("not ok"):
                        if re.search(r"#\s*TODO", l, re.I):
                            skipped += 1
                        else:
                            failed += 1
                            bad += 1
                            print(f"FAIL {t['name']}: {l}")
                    elif re.search(r"#\s*SKIP", l, re.I):
                        skipped += 1
                    else:
                        passed += 1
                if plan_skip and not points:
                    skipped += 1
                if t["result"] not in ("OK", "SKIP", "EXPECTEDFAIL") and bad == 0:
                    failed += 1
                    print(f"FAIL {t['name']}: {t['result']} (no failing test point: crash, timeout or bad plan)")
            else:
                if t["result"] == "OK":
                    passed += 1
                elif t["result"] == "SKIP":
                    skipped += 1
                else:
                    failed += 1
                    print(f"FAIL {t['name']}: {t['result']}")
print(f"{passed} passed, {failed} failed, {skipped} skipped")
sys.exit(1 if failed else 0)

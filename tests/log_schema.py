#!/usr/bin/python3
# SPDX-License-Identifier: Apache-2.0
"""Checks event log lines against docs/log-schema.md.

usage: log_schema.py SCHEMA.md LOG [LOG...]
Every line must be one JSON object of at most 4096 bytes whose event is
described in the schema, with every required field, no field the schema
does not list, and each of the listed type. Prints one line per problem and
the events seen ("seen: start exit ..."); exits 1 on any problem."""
import json
import re
import sys

TYPES = {
    "string": lambda v: isinstance(v, str),
    "integer": lambda v: isinstance(v, int) and not isinstance(v, bool),
    "number": lambda v: isinstance(v, (int, float)) and not isinstance(v, bool),
    "boolean": lambda v: isinstance(v, bool),
    "array<string>": lambda v: isinstance(v, list) and all(isinstance(x, str) for x in v),
    "array<integer>": lambda v: isinstance(v, list)
    and all(isinstance(x, int) and not isinstance(x, bool) for x in v),
    "object": lambda v: isinstance(v, dict),
}


def load_schema(path):
    """{(event, by or None): {field: (type, required)}}, common fields."""
    events, common, cur = {}, None, None
    for line in open(path, encoding="utf-8"):
        m = re.match(r"^### `(\w+)`(?: by `(\w+)`)?\s*$", line)
        if m:
            cur = events.setdefault((m.group(1), m.group(2)), {})
            continue
        if line.startswith("## Fields of every event"):
            common = cur = {}
            continue
        m = re.match(r"^\| `(\w+)` \| ([a-z<>]+) \| (yes|no) \|", line)
        if m and cur is not None:
            if m.group(2) not in TYPES:
                sys.exit(f"{path}: unknown type {m.group(2)}")
            cur[m.group(1)] = (m.group(2), m.group(3) == "yes")
    if not events or not common:
        sys.exit(f"{path}: no event tables found")
    return events, common


def check_line(events, common, raw):
    if len(raw) > 4096:
        return f"line of {len(raw)} bytes (at most 4096)"
    try:
        obj = json.loads(raw)
    except ValueError as e:
        return f"not JSON: {e}"
    if not isinstance(obj, dict):
        return "not an object"
    ev = obj.get("event")
    by = obj.get("by")
    fields = events.get((ev, by)) or events.get((ev, None))
    if fields is None:
        return f"event {ev!r} (by {by!r}) is not in the schema"
    if obj.get("invalid") is True:
        fields = {}
    spec = dict(common)
    spec.update(fields)
    for name, (typ, required) in spec.items():
        if name not in obj:
            if required:
                return f"{ev}: missing {name}"
            continue
        if not TYPES[typ](obj[name]):
            return f"{ev}: {name} is not {typ}: {obj[name]!r}"
    extra = sorted(set(obj) - set(spec))
    if extra:
        return f"{ev}: fields not in the schema: {', '.join(extra)}"
    if ev == "start" and obj["schema"] != 1:
        return f"start: schema {obj['schema']}, the document describes 1"
    if by is not None and obj.get("by") != by and (ev, by) in events:
        return f"{ev}: by {obj.get('by')!r}"
    return None


def main():
    if len(sys.argv) < 3:
        sys.exit(__doc__)
    events, common = load_schema(sys.argv[1])
    bad, seen = 0, []
    for path in sys.argv[2:]:
        with open(path, "rb") as f:
            for n, raw in enumerate(f.read().split(b"\n")[:-1], 1):
                try:
                    text = raw.decode("utf-8")
                except UnicodeDecodeError as e:
                    print(f"{path}:{n}: not UTF-8: {e}")
                    bad += 1
                    continue
                err = check_line(events, common, text)
                if err:
                    print(f"{path}:{n}: {err}")
                    bad += 1
                    continue
                obj = json.loads(text)
                name = obj["event"] + ("/" + obj["by"] if "by" in obj else "")
                if obj.get("truncated"):
                    name += "/truncated"
                if name not in seen:
                    seen.append(name)
    print("seen: " + " ".join(sorted(seen)))
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())

#!/usr/bin/python3
# SPDX-License-Identifier: Apache-2.0
"""A DNS stand-in for tests/integration/static_resolve.sh, on UDP.

dnsstub.py ADDR PORT LOG SPEC...
  NAME=IP[,IP]     A/AAAA answers for NAME (other types: NOERROR, no data)
  spoof:NAME=IP    first two forged replies (wrong ID; right ID, other
                   question) pointing NAME at 127.0.0.9, then the real one
  silent:NAME      never answers NAME
Anything else: NXDOMAIN. Every query is appended to LOG as "NAME TYPE".
Prints "ready" once bound.
"""
import socket
import struct
import sys


def qname(msg, off):
    labels = []
    while msg[off]:
        n = msg[off]
        labels.append(msg[off + 1:off + 1 + n].decode())
        off += 1 + n
    return ".".join(labels), off + 1


def enc(name):
    return b"".join(bytes([len(l)]) + l.encode() for l in name.split(".")) + b"\0"


def answer(qid, name, qtype, ips, rcode=0):
    q = enc(name) + struct.pack(">HH", qtype, 1)
    rrs = b""
    for ip in ips:
        if ":" in ip and qtype == 28:
            rrs += struct.pack(">HHHIH", 0xC00C, 28, 1, 5, 16) + socket.inet_pton(socket.AF_INET6, ip)
        elif ":" not in ip and qtype == 1:
            rrs += struct.pack(">HHHIH", 0xC00C, 1, 1, 5, 4) + socket.inet_aton(ip)
    n = rrs.count(b"\xc0\x0c")
    return struct.pack(">HHHHHH", qid, 0x8180 | rcode, 1, n, 0, 0) + q + rrs


def main():
    addr, port, log = sys.argv[1], int(sys.argv[2]), sys.argv[3]
    table, spoof, silent = {}, set(), set()
    for spec in sys.argv[4:]:
        if spec.startswith("silent:"):
            silent.add(spec[7:].lower())
            continue
        if spec.startswith("spoof:"):
            spec = spec[6:]
            spoof.add(spec.split("=")[0].lower())
        name, ips = spec.split("=", 1)
        table[name.lower()] = ips.split(",")
    s = socket.socket(socket.AF_INET6 if ":" in addr else socket.AF_INET, socket.SOCK_DGRAM)
    s.bind((addr, port))
    print("ready", flush=True)
    while True:
        msg, peer = s.recvfrom(2048)
        if len(msg) < 12:
            continue
        qid = struct.unpack(">H", msg[:2])[0]
        name, off = qname(msg, 12)
        qtype = struct.unpack(">H", msg[off:off + 2])[0]
        with open(log, "a") as f:
            f.write(f"{name} {qtype}\n")
        key = name.lower()
        if key in silent:
            continue
        if key in spoof:
            s.sendto(answer(qid ^ 0x5555, name, qtype, ["127.0.0.9", "::9"]), peer)
            s.sendto(answer(qid, "x" + name, qtype, ["127.0.0.9", "::9"]), peer)
        if key in table:
            s.sendto(answer(qid, name, qtype, table[key]), peer)
        else:
            s.sendto(answer(qid, name, qtype, [], rcode=3), peer)


main()

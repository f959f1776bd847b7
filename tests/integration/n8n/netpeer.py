# SPDX-License-Identifier: Apache-2.0
# Network peers for the relay tests (stdlib only; run with /usr/bin/python3).
#   serve-http ADDR PORT        HTTP server: 200 "OK" to every GET
#   serve-echo-eof ADDR PORT    per connection: read to EOF, answer "N SHA256", close
#   serve-abstract NAME         abstract unix socket: answers "hello" and closes
#   connect HOST PORT           prints "connected" or "ERR <errno name>"
#   connect-abstract NAME       same for an abstract unix socket
#   get HOST PORT               HTTP GET /healthz: prints the status code or "ERR ..."
#   halfclose HOST PORT NBYTES  send NBYTES, shutdown(SHUT_WR), read the answer,
#                               print "ok" if it matches what was sent
#   many HOST PORT N            open N connections at once, then GET on each:
#                               prints how many got an HTTP answer
#   serve-echo ADDR PORT        echo every message back at once (for pingpong)
#   pingpong HOST PORT N SIZE   N round trips of SIZE bytes on one connection;
#                               prints the median and p90 round trip in microseconds
#   serve-frames ADDR PORT      per connection: read a frame (1 byte write pattern,
#                               4 bytes length, payload), answer a frame of the
#                               same length written with the same pattern
#   frames HOST PORT PATTERN N SIZE
#                               N framed round trips of SIZE payload bytes, both
#                               sides writing with PATTERN: one (one write per
#                               frame), hdr (5-byte header, then the payload: two
#                               writes before the peer answers), small (header,
#                               then the payload 16 bytes per write); prints the
#                               median and p90 round trip in microseconds
# Servers print "ready" once listening and run until killed.
import errno, hashlib, http.server, os, socket, socketserver, sys, threading


def err(e):
    return "ERR " + (errno.errorcode.get(e.errno, str(e)) if getattr(e, "errno", None) else repr(e))


def payload(n):
    block = hashlib.sha256(b"taskjail").digest() * 2048  # 64 KiB, deterministic
    return (block * (n // len(block) + 1))[:n]


class Threaded(socketserver.ThreadingMixIn, http.server.HTTPServer):
    daemon_threads = True
    allow_reuse_address = True


class Threaded6(Threaded):
    address_family = socket.AF_INET6


class Ok(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        self.send_response(200)
        self.send_header("Content-Length", "2")
        self.end_headers()
        self.wfile.write(b"OK")

    def log_message(self, *a):
        pass


class EchoEof(socketserver.BaseRequestHandler):
    def handle(self):
        h, n = hashlib.sha256(), 0
        while True:
            b = self.request.recv(65536)
            if not b:
                break
            h.update(b)
            n += len(b)
        # Only possible if the client's FIN came through while our side stayed open.
        self.request.sendall(f"{n} {h.hexdigest()}".encode())


class Echo(socketserver.BaseRequestHandler):
    def handle(self):
        self.request.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        while True:
            b = self.request.recv(65536)
            if not b:
                break
            self.request.sendall(b)


PATTERNS = {b"o": "one", b"h": "hdr", b"s": "small"}


def recv_exact(sock, n):
    buf = bytearray(n)
    view, got = memoryview(buf), 0
    while got < n:
        k = sock.recv_into(view[got:], n - got)
        if k == 0:
            raise EOFError
        got += k
    return buf


def send_frame(sock, pattern, data):
    """Writes one frame the way pattern says; every write is its own send()."""
    hdr = next(k for k, v in PATTERNS.items() if v == pattern) + len(data).to_bytes(4, "big")
    if pattern == "one":
        sock.sendall(hdr + data)
    elif pattern == "hdr":
        sock.sendall(hdr)
        sock.sendall(data)
    else:
        sock.sendall(hdr)
        for i in range(0, len(data), 16):
            sock.sendall(data[i:i + 16])


class Frames(socketserver.BaseRequestHandler):
    def handle(self):
        self.request.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        try:
            while True:
                hdr = recv_exact(self.request, 5)
                data = recv_exact(self.request, int.from_bytes(hdr[1:], "big"))
                send_frame(self.request, PATTERNS[bytes(hdr[:1])], data)
        except (EOFError, OSError):
            pass


class TcpThreaded(socketserver.ThreadingTCPServer):
    daemon_threads = True
    allow_reuse_address = True


class TcpThreaded6(TcpThreaded):
    address_family = socket.AF_INET6


def main(argv):
    cmd = argv[1]
    if cmd == "serve-http":
        cls = Threaded6 if ":" in argv[2] else Threaded
        srv = cls((argv[2], int(argv[3])), Ok)
        print("ready", flush=True)
        srv.serve_forever()
    elif cmd == "serve-echo-eof":
        cls = TcpThreaded6 if ":" in argv[2] else TcpThreaded
        srv = cls((argv[2], int(argv[3])), EchoEof)
        print("ready", flush=True)
        srv.serve_forever()
    elif cmd == "serve-echo":
        cls = TcpThreaded6 if ":" in argv[2] else TcpThreaded
        srv = cls((argv[2], int(argv[3])), Echo)
        print("ready", flush=True)
        srv.serve_forever()
    elif cmd == "serve-frames":
        cls = TcpThreaded6 if ":" in argv[2] else TcpThreaded
        srv = cls((argv[2], int(argv[3])), Frames)
        print("ready", flush=True)
        srv.serve_forever()
    elif cmd == "frames":
        import time
        pattern, n, size = argv[4], int(argv[5]), int(argv[6])
        if pattern not in PATTERNS.values():
            sys.exit("unknown pattern " + pattern)
        s = socket.create_connection((argv[2], int(argv[3])), timeout=10)
        s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        data, rtts = payload(size), []
        for _ in range(n):
            t = time.perf_counter_ns()
            send_frame(s, pattern, data)
            hdr = recv_exact(s, 5)
            got = recv_exact(s, int.from_bytes(hdr[1:], "big"))
            rtts.append((time.perf_counter_ns() - t) / 1000)
            if len(got) != size:
                sys.exit("short answer")
        rtts.sort()
        print(f"{rtts[len(rtts) // 2]:.1f} {rtts[int(0.9 * (len(rtts) - 1))]:.1f}")
    elif cmd == "pingpong":
        import time
        n, size = int(argv[4]), int(argv[5])
        s = socket.create_connection((argv[2], int(argv[3])), timeout=10)
        s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        msg, rtts = b"p" * size, []
        for _ in range(n):
            t = time.perf_counter_ns()
            s.sendall(msg)
            got = 0
            while got < size:
                got += len(s.recv(65536))
            rtts.append((time.perf_counter_ns() - t) / 1000)
        rtts.sort()
        print(f"{rtts[len(rtts) // 2]:.1f} {rtts[int(0.9 * (len(rtts) - 1))]:.1f}")
    elif cmd == "many":
        conns, answered = [], 0
        for _ in range(int(argv[4])):
            try:
                conns.append(socket.create_connection((argv[2], int(argv[3])), timeout=5))
            except OSError:
                pass
        for c in conns:
            try:
                c.sendall(b"GET / HTTP/1.0\r\n\r\n")
                if c.recv(12).startswith(b"HTTP/"):
                    answered += 1
            except OSError:
                pass
        print(answered)
    elif cmd == "serve-abstract":
        s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        s.bind("\0" + argv[2])
        s.listen(8)
        print("ready", flush=True)
        while True:
            c, _ = s.accept()
            c.sendall(b"hello")
            c.close()
    elif cmd == "connect":
        try:
            socket.create_connection((argv[2], int(argv[3])), timeout=3).close()
            print("connected")
        except OSError as e:
            print(err(e))
    elif cmd == "connect-abstract":
        s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        s.settimeout(3)
        try:
            s.connect("\0" + argv[2])
            print("connected " + s.recv(16).decode())
        except OSError as e:
            print(err(e))
    elif cmd == "get":
        try:
            s = socket.create_connection((argv[2], int(argv[3])), timeout=5)
            s.sendall(f"GET /healthz HTTP/1.0\r\nHost: {argv[2]}\r\n\r\n".encode())
            data = b""
            while True:
                b = s.recv(4096)
                if not b:
                    break
                data += b
            print(data.split(b" ")[1].decode() if data else "ERR empty")
        except OSError as e:
            print(err(e))
    elif cmd == "halfclose":
        n = int(argv[4])
        data = payload(n)
        try:
            s = socket.create_connection((argv[2], int(argv[3])), timeout=20)
            sent = threading.Thread(target=lambda: (s.sendall(data), s.shutdown(socket.SHUT_WR)))
            sent.start()
            ans = b""
            while True:
                b = s.recv(4096)
                if not b:
                    break
                ans += b
            sent.join()
            want = f"{n} {hashlib.sha256(data).hexdigest()}".encode()
            print("ok" if ans == want else f"mismatch {ans[:80]!r}")
        except OSError as e:
            print(err(e))
    else:
        sys.exit("unknown command " + cmd)


if __name__ == "__main__":
    main(sys.argv)

# Stand-in for n8n's Python task runner (@n8n/task-runner-python needs PyPI,
# which this environment cannot reach). It is started exactly as the real one
# (same flags: -I -B -X disable_remote_debug, same launcher env) and does what
# the real one needs from its sandbox:
#   - a raw asyncio health server on N8N_RUNNERS_HEALTH_CHECK_SERVER_PORT that
#     answers every connection with "HTTP/1.1 200 OK ... OK" (as the real one);
#   - a WebSocket handshake to <broker>/runners/_ws?id=... with the grant token
#     ("Authorization: Bearer ...") and the broker's first message
#     (broker:inforequest), i.e. the relay carries both directions;
#   - user code in a multiprocessing "forkserver" child (needs a writable /tmp).
# Prints one JSON line with what it saw, then serves health until SIGTERM or
# TJ_STANDIN_LINGER seconds.
import asyncio, base64, json, multiprocessing, os, secrets, signal, socket, sys, urllib.parse


def task(x):
    return sum(i * i for i in range(x))


def ws_handshake(uri, grant):
    u = urllib.parse.urlsplit(uri)
    s = socket.create_connection((u.hostname, u.port or 80), timeout=5)
    key = base64.b64encode(secrets.token_bytes(16)).decode()
    req = (f"GET /runners/_ws?id={secrets.token_hex(8)} HTTP/1.1\r\nHost: {u.hostname}:{u.port}\r\n"
           f"Upgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: {key}\r\n"
           f"Sec-WebSocket-Version: 13\r\nAuthorization: Bearer {grant}\r\n\r\n")
    s.sendall(req.encode())
    buf = b""
    while b"\r\n\r\n" not in buf:
        chunk = s.recv(4096)
        if not chunk:
            break
        buf += chunk
    head, _, rest = buf.partition(b"\r\n\r\n")
    status = head.split(b"\r\n")[0].decode(errors="replace")
    first = None
    if " 101 " in status:
        # One unmasked server frame: FIN+text, 7/16-bit length.
        while len(rest) < 2:
            rest += s.recv(4096)
        n = rest[1] & 0x7F
        off = 2
        if n == 126:
            while len(rest) < 4:
                rest += s.recv(4096)
            n = int.from_bytes(rest[2:4], "big")
            off = 4
        while len(rest) < off + n:
            rest += s.recv(4096)
        first = json.loads(rest[off:off + n]).get("type")
    s.close()
    return status, first


async def health(reader, writer):
    writer.write(b"HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 2\r\n\r\nOK")
    await writer.drain()
    writer.close()


async def main():
    port = int(os.environ.get("N8N_RUNNERS_HEALTH_CHECK_SERVER_PORT", "5682"))
    srv = await asyncio.start_server(health, os.environ.get("N8N_RUNNERS_HEALTH_CHECK_SERVER_HOST", "127.0.0.1"), port)
    report = {
        "argv_flags": {"isolated": sys.flags.isolated, "dont_write_bytecode": sys.flags.dont_write_bytecode,
                       "disable_remote_debug": "disable_remote_debug" in sys._xoptions},
        "env": sorted(os.environ),
        "broker_uri": os.environ.get("N8N_RUNNERS_TASK_BROKER_URI"),
    }
    try:
        report["ws_status"], report["ws_first_message"] = await asyncio.to_thread(
            ws_handshake, report["broker_uri"], os.environ.get("N8N_RUNNERS_GRANT_TOKEN", ""))
    except Exception as e:  # noqa: BLE001 - reported, the test decides
        report["ws_status"] = f"ERR {e!r}"
    try:
        ctx = multiprocessing.get_context("forkserver")
        with ctx.Pool(1) as pool:
            report["forkserver_result"] = pool.apply(task, (1000,))
    except Exception as e:  # noqa: BLE001
        report["forkserver_result"] = f"ERR {e!r}"
    print(json.dumps(report), flush=True)
    stop = asyncio.Event()
    asyncio.get_running_loop().add_signal_handler(signal.SIGTERM, stop.set)
    try:
        await asyncio.wait_for(stop.wait(), float(os.environ.get("TJ_STANDIN_LINGER", "30")))
    except asyncio.TimeoutError:
        pass
    srv.close()


if __name__ == "__main__":
    asyncio.run(main())

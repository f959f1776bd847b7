# n8n-like Python runner workload: what the task runner does (forkserver
# child per task, threads, a websocket-ish socket to 127.0.0.1, json,
# subprocess). Used to derive policies/python.json (strace) and to check
# that python keeps working under it. Prints "python-workload ok".
import asyncio, concurrent.futures, hashlib, json, multiprocessing as mp, os
import socket, subprocess, sys, tempfile, threading, time, zlib


def task(code, items):
    ns = {"items": items}
    exec(code, ns)
    return ns["out"]


def main():
    mp.set_start_method("forkserver")
    with mp.Pool(2) as pool:
        out = pool.apply(task, ("out = [i * 2 for i in items]", [1, 2, 3]))
    assert out == [2, 4, 6], out
    q = mp.Queue()
    p = mp.Process(target=q.put, args=(42,))
    p.start(); assert q.get(timeout=10) == 42; p.join()

    res = []
    th = [threading.Thread(target=lambda: res.append(hashlib.sha256(b"x").hexdigest())) for _ in range(4)]
    [t.start() for t in th]; [t.join() for t in th]
    assert len(res) == 4
    with concurrent.futures.ThreadPoolExecutor(2) as ex:
        assert list(ex.map(lambda x: x + 1, [1, 2])) == [2, 3]

    srv = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    srv.bind(("127.0.0.1", 0)); srv.listen(1)
    port = srv.getsockname()[1]

    async def client():
        r, w = await asyncio.open_connection("127.0.0.1", port)
        w.write(b"ping"); await w.drain()
        data = await r.read(4); w.close(); await w.wait_closed()
        return data

    def serve():
        c, _ = srv.accept(); c.sendall(c.recv(4)); c.close()

    t = threading.Thread(target=serve); t.start()
    assert asyncio.run(client()) == b"ping"
    t.join(); srv.close()

    with tempfile.TemporaryDirectory() as d:
        f = os.path.join(d, "x.json")
        with open(f, "w") as fh:
            json.dump({"a": 1}, fh)
        with open(f) as fh:
            assert json.load(fh)["a"] == 1
    assert zlib.decompress(zlib.compress(b"y" * 100)) == b"y" * 100
    assert subprocess.run([sys.executable, "-c", "print('c')"], capture_output=True).stdout == b"c\n"
    os.cpu_count(); os.getloadavg(); time.sleep(0.01)
    print("python-workload ok")


if __name__ == "__main__":
    main()

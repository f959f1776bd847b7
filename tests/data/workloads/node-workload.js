// n8n-like JavaScript runner workload: what the task runner does when it
// executes Code-node tasks. Used to derive policies/node.json (strace) and
// to check that node keeps working under it. Prints "node-workload ok".
'use strict';
const { Worker, isMainThread, parentPort, workerData } = require('node:worker_threads');
if (!isMainThread) {
  // a task in a worker: vm sandbox, JSON, crypto
  const vm = require('node:vm');
  const crypto = require('node:crypto');
  const ctx = vm.createContext({ items: workerData });
  const out = vm.runInContext('items.map(i => ({ json: { v: i * 2 } }))', ctx);
  parentPort.postMessage({ out, h: crypto.createHash('sha256').update(JSON.stringify(out)).digest('hex') });
  return;
}
const http = require('node:http');
const net = require('node:net');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const zlib = require('node:zlib');
const cp = require('node:child_process');
const assert = require('node:assert');

async function main() {
  // module loading from disk
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'tjw-'));
  fs.writeFileSync(path.join(tmp, 'mod.js'), 'module.exports = (x) => x + 1;');
  assert.strictEqual(require(path.join(tmp, 'mod.js'))(1), 2);
  fs.writeFileSync(path.join(tmp, 'esm.mjs'), 'export default 42;');
  assert.strictEqual((await import(path.join(tmp, 'esm.mjs'))).default, 42);
  // fs
  const f = path.join(tmp, 'data.json');
  await fs.promises.writeFile(f, JSON.stringify({ a: 1 }));
  assert.strictEqual(JSON.parse(await fs.promises.readFile(f, 'utf8')).a, 1);
  fs.watch(tmp).close();
  // zlib + crypto
  assert.strictEqual(zlib.gunzipSync(zlib.gzipSync('x'.repeat(1000))).length, 1000);
  require('node:crypto').randomBytes(32);
  // worker threads
  const r = await new Promise((res, rej) => {
    const w = new Worker(__filename, { workerData: [1, 2, 3] });
    w.once('message', res); w.once('error', rej);
  });
  assert.strictEqual(r.out[2].json.v, 6);
  // http server + client on 127.0.0.1 (broker / health check style)
  const srv = http.createServer((req, res) => res.end('pong'));
  await new Promise((res) => srv.listen(0, '127.0.0.1', res));
  const port = srv.address().port;
  const body = await new Promise((res, rej) => {
    http.get({ host: '127.0.0.1', port, path: '/' }, (resp) => {
      let d = ''; resp.on('data', (c) => (d += c)); resp.on('end', () => res(d));
    }).on('error', rej);
  });
  assert.strictEqual(body, 'pong');
  srv.close();
  // websocket-like raw TCP
  await new Promise((res, rej) => {
    const s = net.createServer((c) => c.end('hi')).listen(0, '127.0.0.1', () => {
      net.connect(s.address().port, '127.0.0.1').on('data', () => { s.close(); res(); }).on('error', rej);
    });
  });
  // child processes
  assert.strictEqual(cp.execFileSync(process.execPath, ['-e', 'process.stdout.write("c")']).toString(), 'c');
  await new Promise((res, rej) => {
    const c = cp.fork(__filename, ['--child']);
    c.on('exit', (code) => (code === 0 ? res() : rej(new Error('fork exit ' + code))));
  });
  os.cpus(); os.totalmem(); os.networkInterfaces();
  try { os.userInfo(); } catch (e) { if (!(e.info && e.info.code === 'ENOENT')) throw e; } // uid 65532 has no passwd entry
  process.memoryUsage(); process.cpuUsage(); process.resourceUsage();
  await new Promise((r) => setTimeout(r, 10));
  fs.rmSync(tmp, { recursive: true, force: true });
  console.log('node-workload ok');
}
if (process.argv.includes('--child')) process.exit(0);
main().catch((e) => { console.error(e); process.exit(1); });

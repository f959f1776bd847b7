// Code node of the e2e "leak probe" workflow (needs NODE_FUNCTION_ALLOW_BUILTIN=*).
// Tries what code that escaped n8n's in-process JS sandbox would try first.
// The request body says where to look: {token, dataDir, mainPort}.
const fs = require('fs');
const net = require('net');
const cfg = $input.first().json.body;
const out = {};
const tryRead = (f) => { try { return fs.readFileSync(f).length; } catch (e) { return 'ERR ' + e.code; } };

// 1. Every process's environment: the launcher's (holds N8N_RUNNERS_AUTH_TOKEN),
//    n8n main's (same token, encryption key, DB password), our own.
const pids = fs.readdirSync('/proc').filter((p) => /^\d+$/.test(p));
out.pids_visible = pids.length;
out.environ_readable = 0;
out.auth_token_found_in = [];
for (const p of pids) {
	try {
		const e = fs.readFileSync('/proc/' + p + '/environ', 'latin1');
		out.environ_readable++;
		if (cfg.token && e.includes(cfg.token)) out.auth_token_found_in.push(Number(p));
	} catch (e) { /* refused */ }
}
out.self_environ = tryRead('/proc/self/environ');
out.self_mounts = tryRead('/proc/self/mounts');
// What code may keep: its own process's status (n8n's Code node has no
// process.memoryUsage() of its own to call).
out.self_status = tryRead('/proc/self/status');

// 2. n8n's data dir: encryption key (config) and database.
out.data_config = tryRead(cfg.dataDir + '/.n8n/config');
out.data_database = tryRead(cfg.dataDir + '/.n8n/database.sqlite');

// 3. Host files.
out.etc_passwd = tryRead('/etc/passwd');
out.etc_shadow = tryRead('/etc/shadow');
out.root_dir = (() => { try { return fs.readdirSync('/root').length; } catch (e) { return 'ERR ' + e.code; } })();

// 4. n8n's main port directly (the REST API, webhooks): only the broker is relayed.
out.main_port = await new Promise((resolve) => {
	const s = net.connect(cfg.mainPort, '127.0.0.1');
	const t = setTimeout(() => { s.destroy(); resolve('timeout'); }, 3000);
	s.on('connect', () => { clearTimeout(t); s.destroy(); resolve('connected'); });
	s.on('error', (e) => { clearTimeout(t); resolve('ERR ' + e.code); });
});
return [{ json: out }];

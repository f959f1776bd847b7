// SPDX-License-Identifier: Apache-2.0
// The launcher's side of a lazy start (task-runner-launcher
// internal/ws/handshake.go): register with the broker as a runner, offer one
// task that never expires, and when the broker hands a task to that offer,
// defer it (the broker keeps it for the runner about to start) and exit 0.
//   node lazy-handshake.js BROKER_URI GRANT_TOKEN [TIMEOUT_S]
// Exit 2 on timeout, 1 on a broker error or close before the task.
const [uri, grant, timeoutS = "120"] = process.argv.slice(2);
const WebSocket = require(process.env.N8N_MODULES + "/ws");
const id = require("crypto").randomBytes(8).toString("hex");
const url = uri.replace(/^http/, "ws").replace(/\/$/, "") + "/runners/_ws?id=" + id;
const ws = new WebSocket(url, { headers: { authorization: "Bearer " + grant } });
const send = (m) => ws.send(JSON.stringify(m));
const timer = setTimeout(() => { console.error("handshake: no task in " + timeoutS + " s"); process.exit(2); },
	Number(timeoutS) * 1000);
let done = false;
ws.on("message", (data) => {
	const m = JSON.parse(data.toString());
	if (m.type === "broker:inforequest") send({ type: "runner:info", name: "launcher-standin", types: ["javascript"] });
	else if (m.type === "broker:runnerregistered")
		send({ type: "runner:taskoffer", offerId: require("crypto").randomBytes(8).toString("hex"),
			taskType: "javascript", validFor: -1 });
	else if (m.type === "broker:taskofferaccept") {
		send({ type: "runner:taskdeferred", taskId: m.taskId });
		done = true;
		clearTimeout(timer);
		ws.close();
	}
});
ws.on("close", () => process.exit(done ? 0 : 1));
ws.on("error", (e) => { console.error("handshake: " + e.message); process.exit(1); });

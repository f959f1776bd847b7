// SPDX-License-Identifier: Apache-2.0
// node k8s-validate.mjs FILE.yaml...
// Validates every document of each Kubernetes manifest against the API's
// OpenAPI schemas as compiled by the npm package kubernetes-models (MIT,
// generated from Kubernetes' OpenAPI spec), strictly: like the API server's
// strict field validation (kubectl's default since 1.27), a field the schema
// does not know is an error. kubernetes-models' own validators accept unknown
// fields, so each object is wrapped in a Proxy that records which keys the
// schema's validator looked at; a key of a structured object (one whose
// validator looked at any key) that it never looked at is not in the schema.
// Prints "FILE: doc N (Kind name): PATH: reason" per error, "FILE: ok (N
// documents)" otherwise; exit 1 on any error, 2 on a usage or load error.
import { readFileSync } from "node:fs";
import { parseAllDocuments } from "yaml";

function schemaModule(apiVersion, kind) {
	const [group, version] = apiVersion.includes("/") ? apiVersion.split("/") : ["core", apiVersion];
	const g = group.split(".")[0];
	const cap = (s) => s.charAt(0).toUpperCase() + s.slice(1);
	return `kubernetes-models/_schemas/IoK8sApi${cap(g)}${cap(version)}${kind}`;
}

// Wrap obj so that every key read (get, has) is recorded per object.
function tracker() {
	const seen = new WeakMap(); // target object -> Set of keys looked at
	const proxies = new WeakMap();
	function wrap(obj) {
		if (obj === null || typeof obj !== "object") return obj;
		if (proxies.has(obj)) return proxies.get(obj);
		seen.set(obj, new Set());
		const p = new Proxy(obj, {
			get(t, k, r) {
				if (typeof k === "string") seen.get(t).add(k);
				return wrap(Reflect.get(t, k, r));
			},
			has(t, k) {
				if (typeof k === "string") seen.get(t).add(k);
				return Reflect.has(t, k);
			},
		});
		proxies.set(obj, p);
		return p;
	}
	return { wrap, seen };
}

function unknownFields(obj, seen, path, out) {
	if (obj === null || typeof obj !== "object") return;
	if (Array.isArray(obj)) {
		obj.forEach((v, i) => unknownFields(v, seen, `${path}/${i}`, out));
		return;
	}
	const keys = seen.get(obj);
	for (const k of Object.keys(obj)) {
		if (keys && keys.size > 0 && !keys.has(k))
			out.push(`${path}/${k}: unknown field "${k}"`);
		else unknownFields(obj[k], seen, `${path}/${k}`, out);
	}
}

// The compiled validators carry no messages: say it from keyword + params.
function reason(e) {
	switch (e.keyword) {
	case "type": return `must be ${e.params.type}`;
	case "enum": return `must be one of ${e.params.allowedValues.join(", ")}`;
	case "required": return `missing required field "${e.params.missingProperty}"`;
	case "format": return `must be ${e.params.format}`;
	default: return e.message ?? `${e.keyword} ${JSON.stringify(e.params)}`;
	}
}

const files = process.argv.slice(2);
if (files.length === 0) {
	console.error("usage: node k8s-validate.mjs FILE.yaml...");
	process.exit(2);
}
let failed = false;
for (const file of files) {
	let docs;
	try {
		docs = parseAllDocuments(readFileSync(file, "utf8"));
	} catch (e) {
		console.error(`${file}: ${e.message}`);
		process.exit(2);
	}
	let n = 0, errs = [];
	for (const d of docs) {
		n++;
		if (d.errors.length) {
			errs.push(`doc ${n}: YAML: ${d.errors[0].message}`);
			continue;
		}
		const obj = d.toJS();
		if (obj === null) continue;
		const label = `doc ${n} (${obj.kind} ${obj.metadata?.name ?? "?"})`;
		if (typeof obj.apiVersion !== "string" || typeof obj.kind !== "string") {
			errs.push(`${label}: no apiVersion or kind`);
			continue;
		}
		let validate;
		try {
			({ validate } = await import(schemaModule(obj.apiVersion, obj.kind)));
		} catch {
			errs.push(`${label}: unknown apiVersion/kind ${obj.apiVersion} ${obj.kind}`);
			continue;
		}
		const t = tracker();
		if (!validate(t.wrap(obj)))
			for (const e of validate.errors)
				errs.push(`${label}: ${e.instancePath || "/"}: ${reason(e)}`);
		const unk = [];
		unknownFields(obj, t.seen, "", unk);
		for (const u of unk) errs.push(`${label}: ${u}`);
	}
	if (errs.length) {
		failed = true;
		for (const e of errs) console.log(`${file}: ${e}`);
	} else {
		console.log(`${file}: ok (${n} documents)`);
	}
}
process.exit(failed ? 1 : 0);

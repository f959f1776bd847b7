#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# deploy/kubernetes/*.yaml: valid against the Kubernetes API's schemas
# (kubernetes-models from npm, strict: an unknown field is an error, as with
# the API server's strict field validation), a misspelt field or a wrong
# value is caught, and each manifest says what taskjail needs: the runners
# container's security settings, the launcher file equal to the example, the
# restricted variant's profiles equal to the shipped ones plus "tier": "auto".
. "$TJ_SRC/tests/lib.sh"
K=$TJ_SRC/deploy/kubernetes
FULL=$K/n8n-taskjail.yaml
RESTR=$K/n8n-taskjail-restricted.yaml

# 1. What the manifests must say (no network needed).
out=$(/usr/bin/python3 - "$FULL" "$RESTR" "$TJ_SRC" <<'EOF' 2>&1
import json, os, sys, yaml
full, restr, src = sys.argv[1:4]
example = json.load(open(os.path.join(src, "examples/n8n-task-runners.json")))

def load(path):
    docs = [d for d in yaml.safe_load_all(open(path)) if d]
    return {d["kind"]: d for d in docs}

def check(name, cond):
    print(("ok " if cond else "FAIL ") + name)

for label, path in (("full", full), ("restricted", restr)):
    d = load(path)
    check(f"{label}: Secret, ConfigMap, PersistentVolumeClaim, Service, Deployment",
          sorted(d) == ["ConfigMap", "Deployment", "PersistentVolumeClaim", "Secret", "Service"])
    spec = d["Deployment"]["spec"]["template"]["spec"]
    names = [c["name"] for c in spec["containers"]]
    check(f"{label}: n8n main and the runners sidecar in one pod", names == ["n8n", "runners"])
    r = spec["containers"][1]
    sc = r["securityContext"]
    check(f"{label}: runners: runAsNonRoot, read-only root, no privilege escalation, all capabilities dropped",
          sc.get("runAsNonRoot") is True and sc.get("readOnlyRootFilesystem") is True
          and sc.get("allowPrivilegeEscalation") is False and sc.get("capabilities") == {"drop": ["ALL"]})
    check(f"{label}: runners: resource requests and a memory limit",
          "requests" in r.get("resources", {}) and "memory" in r["resources"].get("limits", {}))
    vols = {v["name"]: v for v in spec["volumes"]}
    tmp = [m for m in r["volumeMounts"] if m["mountPath"] == "/tmp"]
    check(f"{label}: runners: /tmp is an emptyDir", len(tmp) == 1 and "emptyDir" in vols[tmp[0]["name"]])
    env = {e["name"]: e for e in r["env"]}
    cfgpath = env["N8N_RUNNERS_CONFIG_PATH"]["value"]
    mount = [m for m in r["volumeMounts"] if cfgpath.startswith(m["mountPath"] + "/")]
    cmname = vols[mount[0]["name"]]["configMap"]["name"] if mount and "configMap" in vols[mount[0]["name"]] else None
    check(f"{label}: runners: N8N_RUNNERS_CONFIG_PATH is in the ConfigMap of this file",
          cmname == d["ConfigMap"]["metadata"]["name"] and os.path.basename(cfgpath) in d["ConfigMap"]["data"])
    secret = d["Secret"]["metadata"]["name"]
    refs = [e["valueFrom"]["secretKeyRef"] for c in spec["containers"] for e in c["env"] if "valueFrom" in e]
    check(f"{label}: every secretKeyRef names a key of the Secret of this file",
          refs and all(x["name"] == secret and x["key"] in d["Secret"]["stringData"] for x in refs))
    check(f"{label}: the Secret's values are marked placeholders",
          all(v.startswith("CHANGE-ME") for v in d["Secret"]["stringData"].values()))
    launcher = json.loads(d["ConfigMap"]["data"]["n8n-task-runners.json"])
    if label == "full":
        check("full: hostUsers: false", spec.get("hostUsers") is False)
        check("full: runners: procMount: Unmasked", sc.get("procMount") == "Unmasked")
        sp = sc.get("seccompProfile", {})
        check("full: runners: Localhost seccomp profile shipped in deploy/kubernetes/",
              sp.get("type") == "Localhost" and os.path.isfile(os.path.join(src, "deploy/kubernetes", sp.get("localhostProfile", "-"))))
        check("full: runners: appArmorProfile set", "type" in sc.get("appArmorProfile", {}))
        check("full: the launcher file is examples/n8n-task-runners.json", launcher == example)
    else:
        check("restricted: no user namespace asked for", spec.get("hostUsers", True) is True)
        check("restricted: runners: default procMount, RuntimeDefault seccomp and AppArmor",
              "procMount" not in sc and sc.get("seccompProfile") == {"type": "RuntimeDefault"}
              and sc.get("appArmorProfile") == {"type": "RuntimeDefault"})
        want = json.loads(json.dumps(example))
        for t in want["task-runners"]:
            a = t["args"]; i = a.index("--profile")
            a[i + 1] = os.path.dirname(cfgpath) + "/" + a[i + 1] + "-auto.json"
        check("restricted: the launcher file is the example with the -auto profiles", launcher == want)
        for p in ("node", "python"):
            shipped = json.load(open(os.path.join(src, "profiles", p + ".json")))
            got = json.loads(d["ConfigMap"]["data"][p + "-auto.json"])
            got.pop("description", None); shipped.pop("description", None)
            check(f"restricted: {p}-auto.json is profiles/{p}.json plus \"tier\": \"auto\"",
                  got.pop("tier", None) == "auto" and got == shipped)
EOF
)
while IFS= read -r line; do
	case $line in
	"ok "*) ok "${line#ok }" ;;
	"FAIL "*) not_ok "${line#FAIL }" ;;
	*) not_ok "manifest checks: $line" ;;
	esac
done <<<"$out"

# The restricted variant's profiles load in this taskjail (once it knows
# "tier": the restricted tier comes from the tier branch).
for p in node python; do
	/usr/bin/python3 -c 'import sys, yaml
d = [x for x in yaml.safe_load_all(open(sys.argv[1])) if x and x["kind"] == "ConfigMap"][0]
sys.stdout.write(d["data"][sys.argv[2] + "-auto.json"])' "$RESTR" "$p" >"$TJ_WORK/$p-auto.json"
	out=$("$TASKJAIL" policy explain --profile "$TJ_WORK/$p-auto.json" 2>&1 >/dev/null); rc=$?
	if [ "$rc" = 0 ]; then
		ok "restricted: $p-auto.json loads (taskjail policy explain --profile)"
	elif printf '%s' "$out" | grep -q '\$\.tier: unknown key'; then
		skip "restricted: $p-auto.json loads" "this taskjail has no \"tier\" key yet (tier branch)"
	else
		not_ok "restricted: $p-auto.json loads (taskjail policy explain --profile)"
		diag "$out"
	fi
done

# Where the pod has no user namespace of its own and RuntimeDefault seccomp
# (Docker's default profile stands in for it): the restricted variant's
# python profile still runs python, in the restricted tier, and says so.
EXEC=$TJ_HELPERS/seccomp-exec
D=${TJ_FIXTURES:-/var/cache/taskjail-fixtures}
if ! "$TASKJAIL" policy explain --profile "$TJ_WORK/python-auto.json" >/dev/null 2>&1; then
	skip "restricted: python-auto.json under RuntimeDefault seccomp" "the profile does not load here (above)"
elif [ ! -x "$EXEC" ] || [ ! -r "$D/docker-default.json" ]; then
	skip "restricted: python-auto.json under RuntimeDefault seccomp" "no seccomp-exec helper or no Docker default profile in $D"
else
	out=$("$EXEC" --quiet "$D/docker-default.json" -- "$TASKJAIL" run --profile "$TJ_WORK/python-auto.json" \
		--log-file "$TJ_WORK/ev.log" -- /usr/bin/python3 -c 'print(6*7)' 2>"$TJ_WORK/err"); rc=$?
	is "restricted: under Docker's default seccomp profile python-auto.json runs python" "$rc $out" "0 42"
	like "... in the restricted tier (start event)" "$(head -n 1 "$TJ_WORK/ev.log" 2>/dev/null)" '"event":"start".*"tier":"restricted"'
	like "... and says so on stderr" "$(cat "$TJ_WORK/err")" "restricted tier"
fi

# 2. The API's schemas, strictly.
NT=${TJ_NODE_TOOLS:-/var/cache/taskjail-node-tools}
if is_root; then
	bash "$TJ_SRC/tests/tools/install-node-tools.sh" >"$TJ_WORK/install.log" 2>&1; rc=$?
	if [ $rc != 0 ] && [ $rc != 77 ]; then
		not_ok "install the npm validators into $NT"
		diag "$(tail -n 5 "$TJ_WORK/install.log")"
	fi
fi
NODE=$(command -v node || echo /var/cache/taskjail-e2e/node-bin/node)
if [ ! -d "$NT/node_modules/kubernetes-models" ] || [ ! -x "$NODE" ]; then
	skip "schema validation" "no node or no $NT ($(tail -n 1 "$TJ_WORK/install.log" 2>/dev/null || echo 'installed by the root run of this test'))"
	done_testing
fi
# ESM resolves packages next to the script: run a copy beside node_modules.
mkdir -p "$TJ_WORK/v"
cp "$TJ_SRC/tests/tools/k8s-validate.mjs" "$TJ_WORK/v/"
ln -s "$NT/node_modules" "$TJ_WORK/v/node_modules"
V=$TJ_WORK/v/k8s-validate.mjs
for f in "$FULL" "$RESTR"; do
	out=$("$NODE" "$V" "$f" 2>&1); rc=$?
	is "${f##*/} is valid against the API's schemas" "$rc" 0
	[ "$rc" = 0 ] || diag "$out"
done

# A misspelt field anywhere, or a value the API does not take, fails.
bad() { # DESC SED-EXPR WANT-REGEX
	sed "$2" "$FULL" >"$TJ_WORK/bad.yaml"
	cmp -s "$TJ_WORK/bad.yaml" "$FULL" && { not_ok "$1 (the edit changed nothing)"; return; }
	out=$("$NODE" "$V" "$TJ_WORK/bad.yaml" 2>&1); rc=$?
	like "$1" "$rc $out" "^1 .*$3"
}
bad "misspelt hostUsers (hostUser) is refused" 's/hostUsers: false/hostUser: false/' \
	'spec/template/spec/hostUser: unknown field'
bad "misspelt procMount (procmount) is refused" 's/procMount: Unmasked/procmount: Unmasked/' \
	'securityContext/procmount: unknown field'
bad "misspelt localhostProfile is refused" 's/localhostProfile:/localProfile:/' \
	'seccompProfile/localProfile: unknown field'
bad "a ConfigMap with dta: instead of data: is refused" 's/^data:/dta:/' \
	'ConfigMap .*/dta: unknown field'
bad "procMount: unmasked (wrong case) is refused" 's/procMount: Unmasked/procMount: unmasked/' \
	'procMount: must be one of Default, Unmasked'
bad "runAsUser as a string is refused" 's/runAsUser: 1000 *#.*runner.*/runAsUser: "1000"/' \
	'runAsUser: must be integer'
bad "a container with nme: for name: is refused" 's/^        - name: runners$/        - nme: runners/' \
	'containers/1: missing required field "name".*containers/1/nme: unknown field'
done_testing

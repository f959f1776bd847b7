#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# deploy/Dockerfile (n8nio/runners + static taskjail). This project's
# machines cannot pull images, so the image is not built here; what can be
# checked without it: the Dockerfile parses with no problem reported by
# dockerfile-utils (npm), a broken one is caught, every file it copies from
# the tree exists and the launcher file it installs is the example with
# taskjail wrapping each runner, and the meson option it builds with exists.
. "$TJ_SRC/tests/lib.sh"
DF=$TJ_SRC/deploy/Dockerfile

# Files copied from the build context (not --from=another stage).
missing=""
for f in $(awk '/^COPY / && !/--from=/ { for (i = 2; i < NF; i++) if ($i !~ /^--/) print $i }' "$DF"); do
	[ -e "$TJ_SRC/$f" ] || missing="$missing $f"
done
is "every file the Dockerfile copies from the tree exists" "$missing" ""
like "it installs examples/n8n-task-runners.json as the launcher's /etc/n8n-task-runners.json" \
	"$(grep '^COPY' "$DF")" "examples/n8n-task-runners.json /etc/n8n-task-runners.json"
cmds=$(/usr/bin/python3 -c '
import json, sys
print(" ".join(sorted({r["command"] for r in json.load(open(sys.argv[1]))["task-runners"]})))' \
	"$TJ_SRC/examples/n8n-task-runners.json")
is "... whose every runner command is /usr/local/bin/taskjail, the binary the image installs" \
	"$cmds" "/usr/local/bin/taskjail"
like "it installs the binary at that path" "$(grep '^COPY --from=build' "$DF")" " /usr/local/bin/taskjail( |$)"
like "it builds with meson setup -Dstatic=true" "$(grep 'meson setup' "$DF")" "-Dstatic=true"
check "meson_options.txt has the static option" grep -q "option('static'" "$TJ_SRC/meson_options.txt"
check "... and subprojects/cjson/fetch.sh, which the Dockerfile runs first, exists" \
	test -f "$TJ_SRC/subprojects/cjson/fetch.sh"
like "the build stage runs subprojects/cjson/fetch.sh before meson setup" \
	"$(grep -A1 '^RUN bash' "$DF")" "subprojects/cjson/fetch.sh .*meson setup build -Dstatic=true"

NT=${TJ_NODE_TOOLS:-/var/cache/taskjail-node-tools}
is_root && bash "$TJ_SRC/tests/tools/install-node-tools.sh" >"$TJ_WORK/install.log" 2>&1
NODE=$(command -v node || echo /var/cache/taskjail-e2e/node-bin/node)
if [ ! -d "$NT/node_modules/dockerfile-utils" ] || [ ! -x "$NODE" ]; then
	skip "Dockerfile syntax" "no node or no $NT ($(tail -n 1 "$TJ_WORK/install.log" 2>/dev/null || echo 'installed by the root run'))"
	done_testing
fi
mkdir -p "$TJ_WORK/v"
ln -s "$NT/node_modules" "$TJ_WORK/v/node_modules"
cat >"$TJ_WORK/v/df.mjs" <<'EOF'
import { validate } from "dockerfile-utils";
import { readFileSync } from "node:fs";
const problems = validate(readFileSync(process.argv[2], "utf8"));
for (const p of problems) console.log(`${process.argv[2]}:${p.range.start.line + 1}: ${p.message}`);
process.exit(problems.length ? 1 : 0);
EOF
out=$("$NODE" "$TJ_WORK/v/df.mjs" "$DF" 2>&1); rc=$?
is "dockerfile-utils reports no problem in deploy/Dockerfile" "$rc" 0
[ "$rc" = 0 ] || diag "$out"
sed 's/^COPY --chown=root:root examples/COPPY --chown=root:root examples/' "$DF" >"$TJ_WORK/bad.Dockerfile"
out=$("$NODE" "$TJ_WORK/v/df.mjs" "$TJ_WORK/bad.Dockerfile" 2>&1); rc=$?
like "... and catches a misspelt instruction" "$rc $out" "^1 .*Unknown instruction: COPPY"
done_testing

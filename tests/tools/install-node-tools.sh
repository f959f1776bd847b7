#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# Installs the npm packages the deploy/ checks use into a cache directory:
#   kubernetes-models  Kubernetes' OpenAPI schemas compiled to validators (MIT)
#   yaml               YAML parser for the manifests (ISC)
#   dockerfile-utils   Dockerfile parser and validator (MIT)
#
#   TJ_NODE_TOOLS   cache dir (default /var/cache/taskjail-node-tools)
#
# Idempotent (a stamp file names the versions). Exit 0 = installed or already
# there, 77 = no node/npm or npm registry unreachable (callers skip with the
# reason), anything else = a real failure.
set -euo pipefail
CACHE=${TJ_NODE_TOOLS:-/var/cache/taskjail-node-tools}
PKGS=(kubernetes-models@5.1.0 yaml@2.9.1 dockerfile-utils@0.16.3)
STAMP="$CACHE/.installed-$(echo "${PKGS[*]}" | tr ' @' '_-')"
[ -e "$STAMP" ] && exit 0
command -v npm >/dev/null || { echo "install-node-tools: npm missing" >&2; exit 77; }
if ! timeout 30 npm view "${PKGS[0]}" version >/dev/null 2>&1; then
	echo "install-node-tools: npm registry unreachable (npm view ${PKGS[0]} failed)" >&2
	exit 77
fi
umask 022
mkdir -p "$CACHE"
cd "$CACHE"
[ -f package.json ] || echo '{"name":"taskjail-node-tools","private":true}' > package.json
npm install --no-audit --no-fund --ignore-scripts --loglevel=error "${PKGS[@]}"
chmod -R a+rX "$CACHE"
touch "$STAMP"

#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# Installs everything taskjail needs to build and test on Debian 12, as root.
# Idempotent; prints nothing when all is there already.
set -eu
pkgs=(meson ninja-build pkg-config gcc clang
      libseccomp-dev libcap-dev libnl-3-dev libnl-route-3-dev libcjson-dev libcmocka-dev
      util-linux procps iproute2 bubblewrap strace curl)
missing=()
for p in "${pkgs[@]}"; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0
if [ "$(id -u)" != 0 ]; then
	echo "taskjail: missing packages: ${missing[*]} (run this as root to install them)" >&2
	exit 1
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq >/dev/null
apt-get install -y -qq "${missing[@]}" >/dev/null

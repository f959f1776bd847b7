#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# Installs everything taskjail needs to build and test on Debian 12, as root.
# Idempotent; prints nothing when all is there already.
set -eu
# libc6-dev, libseccomp-dev and libcap-dev hold the .a files of the static
# build; dpkg-dev (dpkg-source) unpacks cJSON's source package for it;
# binutils (readelf) tells the tests a static binary from a dynamic one.
pkgs=(meson ninja-build pkg-config gcc clang binutils dpkg-dev
      libc6-dev libseccomp-dev libcap-dev libcjson-dev libcmocka-dev
      util-linux procps iproute2 bubblewrap strace curl python3)
missing=()
for p in "${pkgs[@]}"; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done

# The Debian package test (tests/package/deb.sh: dpkg-buildpackage with
# debhelper) and the deploy/ manifest checks and tests/integration/ci_docs.sh
# (python3-yaml).
for p in debhelper dpkg-dev fakeroot python3-yaml; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
	if [ "$(id -u)" != 0 ]; then
		echo "taskjail: missing packages: ${missing[*]} (run this as root to install them)" >&2
		exit 1
	fi
	export DEBIAN_FRONTEND=noninteractive
	apt-get update -qq >/dev/null
	apt-get install -y -qq "${missing[@]}" >/dev/null
fi

# Test fixtures: Docker's and Podman's published seccomp profiles, which must
# load unchanged. They come from Debian's packages (extracted, not
# installed: only the JSON is needed) rather than being copied into this
# repository.
fx=/var/cache/taskjail-fixtures
if [ ! -f "$fx/docker-default.json" ] || [ ! -f "$fx/podman-default.json" ]; then
	if [ "$(id -u)" != 0 ]; then
		echo "taskjail: seccomp fixtures missing in $fx (run this as root)" >&2
		exit 1
	fi
	t=$(mktemp -d)
	(cd "$t" && apt-get download -qq golang-github-docker-docker-dev golang-github-containers-common >/dev/null 2>&1 &&
	 for d in *.deb; do dpkg-deb -x "$d" x; done) || { rm -rf "$t"; echo "taskjail: could not fetch the seccomp fixtures" >&2; exit 1; }
	mkdir -p "$fx"
	cp "$t/x/usr/share/gocode/src/github.com/docker/docker/profiles/seccomp/default.json" "$fx/docker-default.json"
	cp "$t/x/usr/share/containers/seccomp.json" "$fx/podman-default.json"
	chmod -R a+rX "$fx"
	rm -rf "$t"
fi

# cJSON's source for -Dstatic=true (Debian ships no libcjson.a): Debian's
# source package through a private deb-src list, see the script.
bash "$(dirname "$0")/../subprojects/cjson/fetch.sh" >/dev/null ||
	{ echo "taskjail: could not fetch cJSON's source (subprojects/cjson/fetch.sh)" >&2; exit 1; }

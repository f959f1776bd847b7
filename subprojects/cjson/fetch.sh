#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# Fetches cJSON's source for the static build (-Dstatic=true) into
# subprojects/cjson/upstream/: Debian ships libcjson.so but no libcjson.a,
# so the static taskjail compiles cJSON itself. The source is Debian's
# source package (orig tarball + Debian's security patches, the same code
# as the libcjson1 the dynamic build links), fetched with apt's own
# signature checks from a deb-src list private to this script: the host's
# apt sources and state are not touched. Needs dpkg-dev (dpkg-source).
# cJSON is MIT-licensed; its LICENSE is kept next to the source.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
dest=$here/upstream
[ -f "$dest/cJSON.c" ] && [ -f "$dest/cjson/cJSON.h" ] && [ -f "$dest/LICENSE" ] && exit 0
suite=${TJ_CJSON_SUITE:-bookworm}
t=$(mktemp -d)
trap 'rm -rf "$t"' EXIT
mkdir -p "$t/lists/partial" "$t/cache/archives/partial" "$t/src"
kr=/usr/share/keyrings/debian-archive-keyring.gpg
cat >"$t/sources.list" <<EOS
deb-src [signed-by=$kr] http://deb.debian.org/debian $suite main
deb-src [signed-by=$kr] http://deb.debian.org/debian-security $suite-security main
EOS
opts=(-o "Dir::Etc::SourceList=$t/sources.list" -o Dir::Etc::SourceParts=/nonexistent
      -o "Dir::State::Lists=$t/lists" -o "Dir::Cache=$t/cache"
      -o APT::Sandbox::User=root -o Debug::NoLocking=1)
apt-get "${opts[@]}" -qq update >"$t/log" 2>&1 || { cat "$t/log" >&2; echo "cjson: apt-get update failed" >&2; exit 1; }
(cd "$t/src" && apt-get "${opts[@]}" -qq source cjson) >"$t/log" 2>&1 ||
	{ cat "$t/log" >&2; echo "cjson: apt-get source cjson failed (needs dpkg-dev and network)" >&2; exit 1; }
s=$(echo "$t"/src/cjson-*/)
[ -f "$s/cJSON.c" ] && [ -f "$s/cJSON.h" ] && [ -f "$s/LICENSE" ] || { echo "cjson: unexpected source layout in $s" >&2; exit 1; }
rm -rf "$dest.tmp"
mkdir -p "$dest.tmp/cjson"
cp "$s/cJSON.c" "$s/LICENSE" "$dest.tmp/"
cp "$s/cJSON.h" "$dest.tmp/cjson/"
basename "$t"/src/cjson_*.dsc .dsc >"$dest.tmp/VERSION"
rm -rf "$dest"
mv "$dest.tmp" "$dest"
echo "cjson: $(cat "$dest/VERSION") in $dest"

#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# The Debian package: built from a copy of the tree with
# `dpkg-buildpackage -b -us -uc`, checked for what it must ship, then used
# at its installed paths without installing it: the package is unpacked
# with `dpkg -x` and laid over /usr by an overlay mount in a private mount
# namespace (`unshare -m`), so /usr/bin/taskjail finds its profiles in
# /usr/share/taskjail exactly as after `dpkg -i`, and the host's /usr,
# dpkg database and files are left as they were. Root only (the overlay).
. "$TJ_SRC/tests/lib.sh"
# The installed binary must find its data by itself, not through the
# variables lib.sh sets for the build tree.
unset TASKJAIL_PROFILE_DIR TASKJAIL_POLICY_DIR
if ! is_root; then
	skip "Debian package" "needs root (overlay mount of the unpacked package over /usr)"
	done_testing
fi
for t in dpkg-buildpackage dh fakeroot unshare; do
	if ! command -v "$t" >/dev/null; then
		skip "Debian package" "$t missing: run tests/install-deps.sh as root"
		done_testing
	fi
done

W=$TJ_WORK
mkdir -p "$W/src"
# A copy of the tree (dpkg-buildpackage writes into the source directory and
# puts the .deb next to it): the tracked and untracked-but-not-ignored files.
if git -C "$TJ_SRC" rev-parse --git-dir >/dev/null 2>&1; then
	(cd "$TJ_SRC" && git ls-files -co --exclude-standard -z | tar --null -cf - -T -) | tar -xf - -C "$W/src"
else
	(cd "$TJ_SRC" && tar --exclude='./build*' -cf - .) | tar -xf - -C "$W/src"
fi
if (cd "$W/src" && dpkg-buildpackage -b -us -uc) >"$W/build.log" 2>&1; then
	ok "dpkg-buildpackage -b -us -uc builds the package"
else
	not_ok "dpkg-buildpackage -b -us -uc builds the package"
	diag "$(tail -n 20 "$W/build.log")"
	done_testing
fi
deb=$(ls "$W"/taskjail_*_*.deb 2>/dev/null | head -n 1)
check "a taskjail_VERSION_ARCH.deb was written" test -f "$deb"
ver=$(sed -n "s/^project('taskjail'.*//; s/^ *version : '\(.*\)',/\1/p" "$TJ_SRC/meson.build" | head -n 1)
is "its version is meson's project version" "$(dpkg-deb -f "$deb" Version)" "$ver"

list=$(dpkg-deb -c "$deb" | awk '{print $6}' | sed 's,^\./,/,')
want="/usr/bin/taskjail /usr/share/man/man1/taskjail.1.gz /usr/share/man/man5/taskjail-profile.5.gz /usr/share/man/man5/taskjail-policy.5.gz"
for f in "$TJ_SRC"/profiles/*.json; do want="$want /usr/share/taskjail/profiles/${f##*/}"; done
for f in "$TJ_SRC"/policies/*.json; do want="$want /usr/share/taskjail/policies/${f##*/}"; done
missing=""
for f in $want; do printf '%s\n' "$list" | grep -qx -- "$f" || missing="$missing $f"; done
is "it ships the binary, every profile, every policy and the three man pages" "$missing" ""

# Every dependency dpkg-shlibdeps computed is installed here (the host the
# test then runs it on), so `dpkg -i` would not refuse it.
unmet=""
for dep in $(dpkg-deb -f "$deb" Depends | tr ',' '\n' | sed 's/(.*//; s/|.*//' | tr -d ' '); do
	dpkg-query -W -f='${Status}' "$dep" 2>/dev/null | grep -q "install ok installed" || unmet="$unmet $dep"
done
is "its Depends ($(dpkg-deb -f "$deb" Depends)) are installed packages" "$unmet" ""

dpkg-deb -x "$deb" "$W/root"
# Outside the overlay the unpacked binary has no data at its installed
# path: what follows depends on the package's own /usr/share/taskjail.
if [ ! -e /usr/share/taskjail ]; then
	out=$("$W/root/usr/bin/taskjail" run --profile minimal -- /bin/true 2>&1); rc=$?
	is "unpacked but not laid over /usr: profile 'minimal' is not found (125)" "$rc" 125
	like "... naming the installed data dir" "$out" "/usr/share/taskjail/profiles"
else
	skip "unpacked but not laid over /usr: profile not found" "/usr/share/taskjail exists on this host"
fi

# In a private mount namespace: the package over /usr, then what an operator
# does after `apt install ./taskjail_*.deb`.
cat >"$W/inside.sh" <<'EOF'
set -u
mount -t overlay overlay -o "lowerdir=$1/usr:/usr" /usr || { echo "MOUNT FAILED"; exit 1; }
echo "VERSION $(/usr/bin/taskjail --version 2>&1)"
/usr/bin/taskjail check >"$2/check.out" 2>&1; echo "CHECK $?"
/usr/bin/taskjail run --profile minimal -- /bin/true; echo "TRUE $?"
echo "ID $(/usr/bin/taskjail run --profile minimal -- /usr/bin/id -u 2>&1)"
echo "USERID $(setpriv --reuid=65534 --regid=65534 --clear-groups /usr/bin/taskjail run --profile minimal -- /usr/bin/id -u 2>&1)"
/usr/bin/taskjail policy check node >/dev/null 2>&1; echo "POLICY $?"
/usr/bin/taskjail --help >"$2/help.out" 2>&1
zcat /usr/share/man/man1/taskjail.1.gz >"$2/man.out"
EOF
out=$(unshare -m --propagation private bash "$W/inside.sh" "$W/root" "$W" 2>&1)
unlike "the package is laid over /usr in a private mount namespace" "$out" "MOUNT FAILED"
like "/usr/bin/taskjail --version prints the version" "$out" "VERSION [^ ]*taskjail $ver"
like "taskjail check: exit 0" "$out" "CHECK 0"
like "... and finds the shipped profiles in /usr/share/taskjail" "$(cat "$W/check.out" 2>/dev/null)" "found +in /usr/share/taskjail/profiles"
like "taskjail run --profile minimal -- /bin/true: exit 0" "$out" "TRUE 0"
like "the sandboxed task runs as 65532" "$out" "ID 65532"
like "... also when an unprivileged user (65534) runs the installed binary" "$out" "USERID 65532"
like "taskjail policy check node finds the installed policy" "$out" "POLICY 0"

# taskjail(1) as installed is true to --help: every option --help names is
# in the man page.
opts=$(grep -oE -- '--[a-z][a-z-]+' "$W/help.out" | sort -u)
[ -n "$opts" ] || not_ok "--help lists options"
man_missing=""
for o in $opts; do
	grep -q -- "$(printf '%s' "$o" | sed 's/-/\\\\-/g')\|$o" "$W/man.out" || man_missing="$man_missing $o"
done
is "taskjail(1) documents every option of --help" "$man_missing" ""

check "the host's /usr is untouched (no /usr/bin/taskjail)" test ! -e /usr/bin/taskjail
check "... and dpkg does not list taskjail as installed" \
	sh -c '! dpkg-query -W -f="\${Status}" taskjail 2>/dev/null | grep -q "install ok installed"'
done_testing
